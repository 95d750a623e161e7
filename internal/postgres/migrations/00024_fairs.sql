-- Trade fairs and promotion events (hội chợ, tuần lễ OCOP, phiên chợ,
-- livestream) organised by a province's trade promotion (Sở Công Thương),
-- their zones, booth types with prices and the booths of the floor plan,
-- placed on a grid per zone. Applications and allocation come with the
-- booth registration.

-- +goose Up
CREATE TABLE event (
  id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug                    text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 120),
  kind                    text NOT NULL CHECK (kind IN ('fair', 'ocop_week', 'market_session', 'livestream')),
  name                    text NOT NULL CHECK (name <> '' AND name IS NFC NORMALIZED AND length(name) <= 200),
  organizer               text NOT NULL DEFAULT '' CHECK (length(organizer) <= 200),
  description             text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
  -- the host province, whose trade promotion runs the event
  province_code           char(2) NOT NULL REFERENCES province (code),
  venue_name              text NOT NULL DEFAULT '' CHECK (length(venue_name) <= 200),
  venue_address           text NOT NULL DEFAULT '' CHECK (length(venue_address) <= 300),
  commune_code            char(5) REFERENCES commune (code),
  lat                     double precision CHECK (lat BETWEEN 6 AND 24),
  lng                     double precision CHECK (lng BETWEEN 102 AND 118),
  -- opening days and daily hours, in Vietnam's time
  starts_on               date NOT NULL,
  ends_on                 date NOT NULL CHECK (ends_on >= starts_on),
  opens                   time NOT NULL DEFAULT '08:00',
  closes                  time NOT NULL DEFAULT '22:00',
  registration_opens_on   date,
  registration_closes_on  date CHECK (registration_closes_on >= registration_opens_on),
  move_in_at              timestamptz,
  move_out_until          timestamptz,
  status                  text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'registration_open',
                                                    'registration_closed', 'running', 'finished', 'cancelled')),
  cancel_reason           text NOT NULL DEFAULT '' CHECK (length(cancel_reason) <= 500),
  -- eligibility, checked against active certificates
  min_star                smallint NOT NULL DEFAULT 3 CHECK (min_star BETWEEN 3 AND 5),
  eligible_provinces      char(2)[] NOT NULL DEFAULT '{}',
  eligible_groups         text[] NOT NULL DEFAULT '{}',
  -- the subsidy rule: subsidy = min(fee × percent / 100, cap), rounded down
  subsidy_percent         smallint NOT NULL DEFAULT 0 CHECK (subsidy_percent BETWEEN 0 AND 100),
  subsidy_cap_vnd         bigint CHECK (subsidy_cap_vnd >= 0),
  subsidy_legal_basis     text NOT NULL DEFAULT '' CHECK (length(subsidy_legal_basis) <= 500),
  max_booths_per_producer smallint NOT NULL DEFAULT 2 CHECK (max_booths_per_producer BETWEEN 1 AND 50),
  deposit_percent         smallint NOT NULL DEFAULT 0 CHECK (deposit_percent BETWEEN 0 AND 100),
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_dates ON event (ends_on, starts_on);
CREATE INDEX event_province ON event (province_code, starts_on);

-- A zone of the floor plan: a grid of cols × rows cells, 3 m each.
CREATE TABLE event_zone (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id  bigint NOT NULL REFERENCES event (id) ON DELETE CASCADE,
  code      text NOT NULL CHECK (code ~ '^[A-Z][A-Z0-9]{0,3}$'),
  name      text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
  theme     text NOT NULL DEFAULT '' CHECK (length(theme) <= 200),
  cols      smallint NOT NULL CHECK (cols BETWEEN 1 AND 40),
  rows      smallint NOT NULL CHECK (rows BETWEEN 1 AND 40),
  position  smallint NOT NULL DEFAULT 0,
  UNIQUE (event_id, code)
);

-- The booth types an event offers and their prices in đồng: per booth,
-- or per m² for raw space.
CREATE TABLE event_booth_type (
  event_id   bigint NOT NULL REFERENCES event (id) ON DELETE CASCADE,
  code       text NOT NULL CHECK (code IN ('standard', 'corner', 'double', 'raw_space')),
  price_vnd  bigint NOT NULL CHECK (price_vnd >= 0),
  PRIMARY KEY (event_id, code)
);

-- A booth on the plan: its cell (x, y from 0) and size in cells of its
-- zone; blocked booths are not offered.
CREATE TABLE booth (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id    bigint NOT NULL REFERENCES event (id) ON DELETE CASCADE,
  zone_id     bigint NOT NULL REFERENCES event_zone (id) ON DELETE CASCADE,
  code        text NOT NULL CHECK (code ~ '^[A-Z][A-Z0-9]{0,3}-[0-9]{2,3}$'),
  booth_type  text NOT NULL,
  x           smallint NOT NULL CHECK (x >= 0),
  y           smallint NOT NULL CHECK (y >= 0),
  w           smallint NOT NULL DEFAULT 1 CHECK (w BETWEEN 1 AND 10),
  h           smallint NOT NULL DEFAULT 1 CHECK (h BETWEEN 1 AND 10),
  area_m2     numeric(6,1) NOT NULL DEFAULT 9 CHECK (area_m2 > 0),
  blocked     boolean NOT NULL DEFAULT false,
  UNIQUE (event_id, code),
  FOREIGN KEY (event_id, booth_type) REFERENCES event_booth_type (event_id, code)
);
CREATE INDEX booth_zone ON booth (zone_id);

-- +goose Down
DROP TABLE booth;
DROP TABLE event_booth_type;
DROP TABLE event_zone;
DROP TABLE event;
