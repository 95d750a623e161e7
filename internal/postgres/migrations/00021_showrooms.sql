-- Showrooms (điểm giới thiệu và bán sản phẩm OCOP): the physical places
-- that sell certified products, their opening hours with exceptions (Tết
-- closures, a day's special hours) and the products each carries. The
-- province's trade promotion keeps them; ocop showroom import loads the
-- department's spreadsheet. Communes get their centre point (the shared
-- commune-centroids.csv) so that a showroom without coordinates, or a
-- shopper who picks a commune, has a position (marked approximate).

-- +goose Up
ALTER TABLE commune ADD COLUMN lat double precision CHECK (lat BETWEEN 6 AND 24),
                    ADD COLUMN lng double precision CHECK (lng BETWEEN 102 AND 118);

CREATE TABLE showroom (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  province_code    char(2) NOT NULL REFERENCES province (code),
  code             text NOT NULL CHECK (code ~ '^[A-Za-z0-9._/-]{1,40}$'),
  slug             text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name             text NOT NULL CHECK (name <> '' AND name IS NFC NORMALIZED AND length(name) <= 200),
  name_fold        text NOT NULL,
  showroom_type    text NOT NULL CHECK (showroom_type IN ('ocop_center', 'intro_sales_point', 'supermarket_counter',
                                                          'post_office', 'transport_hub', 'popup')),
  operator_name    text NOT NULL DEFAULT '' CHECK (length(operator_name) <= 200),
  operator_kind    text NOT NULL DEFAULT '' CHECK (operator_kind IN ('', 'htx', 'company', 'trade_promotion', 'vnpost')),
  managing_agency  text NOT NULL DEFAULT '' CHECK (length(managing_agency) <= 200),
  commune_code     char(5) REFERENCES commune (code),
  address          text NOT NULL DEFAULT '' CHECK (length(address) <= 300),
  lat              double precision NOT NULL CHECK (lat BETWEEN 6 AND 24),
  lng              double precision NOT NULL CHECK (lng BETWEEN 102 AND 118),
  -- the position is the commune's centre, not the showroom's own
  approximate      boolean NOT NULL DEFAULT false,
  phone            text NOT NULL DEFAULT '' CHECK (phone = '' OR phone ~ '^\+84[0-9]{9,10}$'),
  zalo             text NOT NULL DEFAULT '' CHECK (zalo = '' OR zalo ~ '^\+84[0-9]{9,10}$'),
  email            text NOT NULL DEFAULT '' CHECK (length(email) <= 254),
  area_m2          numeric(8,1) CHECK (area_m2 > 0),
  -- the opening hours as written ("T2-T6 07:30-17:30; T7,CN 08:00-12:00"),
  -- kept to show and re-import; showroom_hours holds them parsed
  hours_text       text NOT NULL DEFAULT '' CHECK (length(hours_text) <= 300),
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'temporarily_closed', 'closed')),
  -- pop-ups: shown only within these dates
  valid_from       date,
  valid_to         date CHECK (valid_to >= valid_from),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (province_code, code)
);
-- near-me: a bounding box on latitude narrows the rows, the great-circle
-- distance sorts them
CREATE INDEX showroom_position ON showroom (lat, lng);
CREATE INDEX showroom_commune ON showroom (commune_code);

-- Weekly hours: weekday 1 = Monday … 7 = Sunday (ISO), in Vietnam's time.
-- closes <= opens means it closes after midnight, on the next day.
CREATE TABLE showroom_hours (
  showroom_id  bigint NOT NULL REFERENCES showroom (id) ON DELETE CASCADE,
  weekday      smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  opens        time NOT NULL,
  closes       time NOT NULL,
  PRIMARY KEY (showroom_id, weekday, opens)
);

-- A day unlike the week: closed (Tết), or open at other hours.
CREATE TABLE showroom_exception (
  showroom_id  bigint NOT NULL REFERENCES showroom (id) ON DELETE CASCADE,
  on_date      date NOT NULL,
  opens        time,
  closes       time,
  note         text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
  PRIMARY KEY (showroom_id, on_date),
  CHECK ((opens IS NULL) = (closes IS NULL))
);

CREATE TABLE showroom_product (
  showroom_id  bigint NOT NULL REFERENCES showroom (id) ON DELETE CASCADE,
  product_id   bigint NOT NULL REFERENCES product (id) ON DELETE CASCADE,
  in_stock     boolean NOT NULL DEFAULT true,
  since        date NOT NULL DEFAULT CURRENT_DATE,
  PRIMARY KEY (showroom_id, product_id)
);
CREATE INDEX showroom_product_product ON showroom_product (product_id);

-- +goose Down
DROP TABLE showroom_product;
DROP TABLE showroom_exception;
DROP TABLE showroom_hours;
DROP TABLE showroom;
ALTER TABLE commune DROP COLUMN lng, DROP COLUMN lat;
