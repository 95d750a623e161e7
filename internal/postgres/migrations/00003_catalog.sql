-- Producers (chủ thể OCOP), their products, and OCOP certificates.
-- Text is stored NFC (checked here); *_fold columns are the matching keys the
-- app computes (internal/vntext.Fold). Money is integer đồng.

-- +goose Up
CREATE TABLE producer (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name             text NOT NULL CHECK (name <> '' AND length(name) <= 300 AND name IS NFC NORMALIZED),
  name_fold        text NOT NULL CHECK (name_fold <> ''),
  producer_type    text NOT NULL CHECK (producer_type IN
                     ('htx', 'lien_hiep_htx', 'to_hop_tac', 'doanh_nghiep', 'ho_kinh_doanh', 'co_so_san_xuat')),
  tax_code         text CHECK (tax_code ~ '^[0-9]{10}(-[0-9]{3})?$'),
  province_code    char(2) NOT NULL REFERENCES province (code),
  commune_code     char(5) REFERENCES commune (code),
  street_line      text NOT NULL DEFAULT '' CHECK (street_line IS NFC NORMALIZED),
  address_as_issued text NOT NULL DEFAULT '' CHECK (address_as_issued IS NFC NORMALIZED),
  slug             text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 120),
  story            text NOT NULL DEFAULT '' CHECK (length(story) <= 20000 AND story IS NFC NORMALIZED),
  phone_e164       text CHECK (phone_e164 ~ '^\+84[0-9]{9,10}$'),
  email            text,
  website          text,
  status           text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
-- import upserts a producer on (name, province); the fold key makes NFD input
-- and other tone placements the same producer
CREATE UNIQUE INDEX producer_province_name_key ON producer (province_code, name_fold);
-- the commune must lie in the producer's province
-- +goose StatementBegin
CREATE FUNCTION producer_commune_in_province() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.commune_code IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM commune WHERE code = NEW.commune_code AND province_code = NEW.province_code) THEN
    RAISE EXCEPTION 'commune % is not in province %', NEW.commune_code, NEW.province_code
      USING ERRCODE = 'check_violation', CONSTRAINT = 'producer_commune_in_province';
  END IF;
  RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER producer_commune_in_province BEFORE INSERT OR UPDATE OF commune_code, province_code
  ON producer FOR EACH ROW EXECUTE FUNCTION producer_commune_in_province();

CREATE TABLE product (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  producer_id    bigint NOT NULL REFERENCES producer (id),
  group_code     text NOT NULL,
  group_is_leaf  boolean NOT NULL DEFAULT true CHECK (group_is_leaf),
  name           text NOT NULL CHECK (name <> '' AND length(name) <= 200 AND name IS NFC NORMALIZED),
  name_fold      text NOT NULL CHECK (name_fold <> ''),
  slug           text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 140),
  description    text NOT NULL DEFAULT '' CHECK (length(description) <= 20000 AND description IS NFC NORMALIZED),
  unit           text NOT NULL DEFAULT '' CHECK (length(unit) <= 100 AND unit IS NFC NORMALIZED),
  price_vnd      bigint NOT NULL CHECK (price_vnd BETWEEN 0 AND 1000000000),
  price_is_demo  boolean NOT NULL DEFAULT false,
  stock          integer NOT NULL DEFAULT 0 CHECK (stock >= 0),
  status         text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'suspended', 'archived')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (group_code, group_is_leaf) REFERENCES product_group (code, is_leaf)
);
-- import upserts a product on (name, producer)
CREATE UNIQUE INDEX product_producer_name_key ON product (producer_id, name_fold);

CREATE TABLE certificate (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product_id            bigint NOT NULL REFERENCES product (id),
  star                  smallint NOT NULL CHECK (star BETWEEN 3 AND 5),
  score                 numeric(5,2) CHECK (score BETWEEN 0 AND 100),
  decision_no           text NOT NULL CHECK (decision_no <> '' AND length(decision_no) <= 200 AND decision_no IS NFC NORMALIZED),
  decision_date         date NOT NULL,
  issuing_level         text NOT NULL CHECK (issuing_level IN ('district', 'province', 'central')),
  issuing_authority     text NOT NULL CHECK (issuing_authority <> '' AND issuing_authority IS NFC NORMALIZED),
  issuing_province_code char(2) REFERENCES province (code),
  criteria_version      text NOT NULL DEFAULT '148/2023+1489/2025',
  valid_from            date NOT NULL,
  valid_until           date NOT NULL,
  status                text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'expired', 'revoked', 'superseded')),
  address_as_issued     text NOT NULL DEFAULT '' CHECK (address_as_issued IS NFC NORMALIZED),
  revoked_on            date,
  revoke_reason         text,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  -- a recognition is valid for 36 months from the decision
  CONSTRAINT certificate_validity_36_months CHECK (valid_until = (valid_from + interval '36 months' - interval '1 day')::date),
  -- the score must reach the star's floor (3★ ≥ 50, 4★ ≥ 70, 5★ ≥ 90)
  CONSTRAINT certificate_score_matches_star CHECK (score IS NULL OR score >= CASE star WHEN 3 THEN 50 WHEN 4 THEN 70 ELSE 90 END),
  CONSTRAINT certificate_revocation CHECK ((status = 'revoked') = (revoked_on IS NOT NULL)),
  CONSTRAINT certificate_decision_product_key UNIQUE (product_id, decision_no)
);
-- at most one active certificate per product
CREATE UNIQUE INDEX certificate_one_active ON certificate (product_id) WHERE status = 'active';
CREATE INDEX certificate_active_until ON certificate (valid_until) WHERE status = 'active';

-- catalog_state.version changes with every committed change to what the
-- public catalog shows, so readers can cache a snapshot and know when it is
-- stale. It is a row (not a sequence) so the new value becomes visible only
-- when the change that made it commits.
CREATE TABLE catalog_state (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version   bigint NOT NULL DEFAULT 1
);
INSERT INTO catalog_state DEFAULT VALUES;

-- +goose StatementBegin
CREATE FUNCTION bump_catalog_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- statement-level, so a bulk import bumps once per statement; statements
  -- that touch no row (an idempotent re-import) leave the version alone
  IF EXISTS (SELECT 1 FROM changed_rows) THEN
    UPDATE catalog_state SET version = version + 1;
  END IF;
  RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER producer_catalog_version_ins AFTER INSERT ON producer REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER producer_catalog_version_upd AFTER UPDATE ON producer REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER producer_catalog_version_del AFTER DELETE ON producer REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER product_catalog_version_ins AFTER INSERT ON product REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER product_catalog_version_upd AFTER UPDATE ON product REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER product_catalog_version_del AFTER DELETE ON product REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER certificate_catalog_version_ins AFTER INSERT ON certificate REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER certificate_catalog_version_upd AFTER UPDATE ON certificate REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER certificate_catalog_version_del AFTER DELETE ON certificate REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER province_catalog_version_ins AFTER INSERT ON province REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER province_catalog_version_upd AFTER UPDATE ON province REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER province_catalog_version_del AFTER DELETE ON province REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();

-- The one definition of "public": a published product of an active producer
-- with an active certificate still inside its validity (Vietnam's date).
CREATE VIEW public_product AS
SELECT p.*, c.id AS certificate_id, c.star, c.decision_date AS certified_on
FROM product p
JOIN producer pr ON pr.id = p.producer_id AND pr.status = 'active'
JOIN certificate c ON c.product_id = p.id AND c.status = 'active'
  AND c.valid_until >= (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
WHERE p.status = 'published';

-- +goose Down
DROP VIEW public_product;
DROP TABLE certificate;
DROP TABLE product;
DROP TABLE producer;
DROP TRIGGER province_catalog_version_ins ON province;
DROP TRIGGER province_catalog_version_upd ON province;
DROP TRIGGER province_catalog_version_del ON province;
DROP TABLE catalog_state;
DROP FUNCTION bump_catalog_version();
DROP FUNCTION producer_commune_in_province();
