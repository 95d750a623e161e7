-- Producer onboarding, the producer back-office and product photos:
-- storefront applications reviewed by trade-department staff, storefront
-- profile fields, sanitised rich-text descriptions, product photos (their
-- object keys, so deleting a photo or product can delete its objects and
-- the sweeper can tell orphans), and an append-only audit log.

-- +goose Up
ALTER TABLE producer
  ADD COLUMN display_name     text NOT NULL DEFAULT '' CHECK (length(display_name) <= 200 AND display_name IS NFC NORMALIZED),
  ADD COLUMN registration_no  text NOT NULL DEFAULT '' CHECK (length(registration_no) <= 50),
  ADD COLUMN representative   text NOT NULL DEFAULT '' CHECK (length(representative) <= 200 AND representative IS NFC NORMALIZED),
  ADD COLUMN zalo             text NOT NULL DEFAULT '' CHECK (length(zalo) <= 50),
  ADD COLUMN logo_key         text,
  ADD COLUMN banner_key       text,
  ADD COLUMN suspended_reason text NOT NULL DEFAULT '',
  ADD COLUMN suspended_at     timestamptz;

-- a product's description as sanitised HTML (the back-office's rich-text
-- subset); description keeps the plain text for search and imports
ALTER TABLE product
  ADD COLUMN description_html text NOT NULL DEFAULT '' CHECK (length(description_html) <= 40000 AND description_html IS NFC NORMALIZED);

CREATE TABLE producer_application (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id         bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  legal_name      text NOT NULL CHECK (legal_name <> '' AND length(legal_name) <= 300 AND legal_name IS NFC NORMALIZED),
  producer_type   text NOT NULL CHECK (producer_type IN
                    ('htx', 'lien_hiep_htx', 'to_hop_tac', 'doanh_nghiep', 'ho_kinh_doanh', 'co_so_san_xuat')),
  tax_code        text CHECK (tax_code ~ '^[0-9]{10}(-[0-9]{3})?$'),
  registration_no text NOT NULL DEFAULT '' CHECK (length(registration_no) <= 50),
  representative  text NOT NULL CHECK (representative <> '' AND length(representative) <= 200 AND representative IS NFC NORMALIZED),
  province_code   char(2) NOT NULL REFERENCES province (code),
  commune_code    char(5) REFERENCES commune (code),
  street_line     text NOT NULL DEFAULT '' CHECK (length(street_line) <= 300 AND street_line IS NFC NORMALIZED),
  phone_e164      text NOT NULL CHECK (phone_e164 ~ '^\+84[0-9]{9,10}$'),
  zalo            text NOT NULL DEFAULT '' CHECK (length(zalo) <= 50),
  status          text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'changes_requested', 'approved', 'rejected')),
  review_note     text NOT NULL DEFAULT '' CHECK (length(review_note) <= 4000),
  reviewed_by     bigint REFERENCES app_user (id),
  reviewed_at     timestamptz,
  producer_id     bigint REFERENCES producer (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'approved') = (producer_id IS NOT NULL))
);
CREATE INDEX producer_application_queue ON producer_application (province_code, status, created_at);
-- one open application per user at a time
CREATE UNIQUE INDEX producer_application_one_open ON producer_application (user_id)
  WHERE status IN ('submitted', 'changes_requested');

-- documents attached to an application (business registration, ...):
-- private objects, served only to the applicant and the province's staff
CREATE TABLE application_document (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  application_id bigint NOT NULL REFERENCES producer_application (id) ON DELETE CASCADE,
  object_key     text NOT NULL UNIQUE,
  file_name      text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
  content_type   text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
  size_bytes     bigint NOT NULL CHECK (size_bytes > 0),
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX application_document_app ON application_document (application_id);

CREATE TABLE product_photo (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product_id  bigint NOT NULL REFERENCES product (id) ON DELETE CASCADE,
  position    smallint NOT NULL CHECK (position BETWEEN 0 AND 9),
  -- sha256 of the processed pixels; the variants' keys derive from it
  content_sha text NOT NULL CHECK (content_sha ~ '^[0-9a-f]{64}$'),
  alt         text NOT NULL DEFAULT '' CHECK (length(alt) <= 300 AND alt IS NFC NORMALIZED),
  width       integer NOT NULL CHECK (width > 0),
  height      integer NOT NULL CHECK (height > 0),
  -- the variants: [{"key": "...", "width": 320, "height": 240, "type": "image/jpeg"}, ...]
  variants    jsonb NOT NULL CHECK (jsonb_typeof(variants) = 'array'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (product_id, content_sha),
  UNIQUE (product_id, position) DEFERRABLE INITIALLY DEFERRED
);

-- every key a stored object may be referenced by, for the orphan sweeper
CREATE INDEX product_photo_variant_keys ON product_photo USING gin (variants jsonb_path_ops);

CREATE TRIGGER product_photo_catalog_version_ins AFTER INSERT ON product_photo REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER product_photo_catalog_version_upd AFTER UPDATE ON product_photo REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER product_photo_catalog_version_del AFTER DELETE ON product_photo REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();

-- Append-only record of who changed what: actor (the signed-in user),
-- how they acted (as a member of the producer, as staff on its behalf, as
-- admin), the producer concerned, the entity and the change.
CREATE TABLE audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor_id    bigint REFERENCES app_user (id),
  acting_as   text NOT NULL CHECK (acting_as IN ('member', 'staff', 'admin', 'system', 'user')),
  producer_id bigint REFERENCES producer (id),
  entity      text NOT NULL CHECK (entity <> ''),
  entity_id   bigint,
  action      text NOT NULL CHECK (action <> ''),
  detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_producer ON audit_log (producer_id, at DESC);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at DESC);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE product_photo;
DROP TABLE application_document;
DROP TABLE producer_application;
ALTER TABLE product DROP COLUMN description_html;
ALTER TABLE producer
  DROP COLUMN display_name, DROP COLUMN registration_no, DROP COLUMN representative, DROP COLUMN zalo,
  DROP COLUMN logo_key, DROP COLUMN banner_key, DROP COLUMN suspended_reason, DROP COLUMN suspended_at;
