-- Reports against the provinces' yearly OCOP plans. Plans were written by
-- district, and districts were abolished on 1 July 2025: a locality is the
-- province, a current commune, or a former district (legacy_district),
-- whose communes are known by commune_legacy (each current commune lies in
-- the former district of the old commune whose code it kept).

-- +goose Up
CREATE TABLE legacy_district (
  code                  text PRIMARY KEY CHECK (code ~ '^[0-9]{3}$'),
  name                  text NOT NULL CHECK (name <> '' AND name IS NFC NORMALIZED),
  name_fold             text NOT NULL,
  legacy_province_code  text NOT NULL,
  legacy_province_name  text NOT NULL
);
CREATE TABLE commune_legacy (
  commune_code          char(5) PRIMARY KEY REFERENCES commune (code) ON DELETE CASCADE,
  legacy_district_code  text NOT NULL REFERENCES legacy_district (code)
);
CREATE INDEX commune_legacy_district ON commune_legacy (legacy_district_code);

-- A province's plan for a year: re-importing replaces it.
CREATE TABLE ocop_plan (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  province_code         char(2) NOT NULL REFERENCES province (code),
  year                  integer NOT NULL CHECK (year BETWEEN 2018 AND 2100),
  file_name             text NOT NULL DEFAULT '',
  -- targets that are not counts by star: shares of OCOP producers by type
  coop_share_pct        integer CHECK (coop_share_pct BETWEEN 0 AND 100),
  enterprise_share_pct  integer CHECK (enterprise_share_pct BETWEEN 0 AND 100),
  imported_by           bigint REFERENCES app_user (id) ON DELETE SET NULL,
  imported_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (province_code, year)
);
CREATE TABLE ocop_plan_row (
  plan_id        bigint NOT NULL REFERENCES ocop_plan (id) ON DELETE CASCADE,
  row_no         integer NOT NULL,
  locality_name  text NOT NULL,
  locality_kind  text NOT NULL CHECK (locality_kind IN ('province', 'district', 'commune')),
  locality_code  text NOT NULL,
  total          integer NOT NULL CHECK (total >= 0),
  star5          integer NOT NULL CHECK (star5 >= 0),
  star4          integer NOT NULL CHECK (star4 >= 0),
  star3          integer NOT NULL CHECK (star3 >= 0),
  -- a minimum of 5-star products in the locality, where the plan sets one
  min_star5      integer CHECK (min_star5 >= 0),
  PRIMARY KEY (plan_id, row_no),
  CHECK (total = star5 + star4 + star3)
);
-- reports walk a product's certificates in decision order (new, renewed,
-- upgraded)
CREATE INDEX certificate_product_decided ON certificate (product_id, decision_date, id);

-- +goose Down
DROP INDEX certificate_product_decided;
DROP TABLE ocop_plan_row;
DROP TABLE ocop_plan;
DROP TABLE commune_legacy;
DROP TABLE legacy_district;
