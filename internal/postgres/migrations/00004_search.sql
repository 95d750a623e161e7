-- Search: the pgsearch backend's own tables (search_document and the word
-- dictionary search_word), and search_outbox, the transactional outbox that
-- keeps every search backend true to the catalog.
--
-- Text in search_document is folded by the app (internal/vntext.Fold: no
-- diacritics, one tone placement, lower case), so the 'simple' text search
-- configuration (no stemming, no stop words) is right for it, and unaccent
-- is not needed in SQL.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE search_document (
  id            text PRIMARY KEY CHECK (id ~ '^[0-9]+$'),
  slug          text NOT NULL,
  name          text NOT NULL,
  producer_slug text NOT NULL,
  producer_name text NOT NULL,
  province_code text NOT NULL,
  province_name text NOT NULL,
  commune_code  text NOT NULL DEFAULT '',
  commune_name  text NOT NULL DEFAULT '',
  group_codes   text[] NOT NULL,
  group_names   text[] NOT NULL,
  star          smallint NOT NULL,
  price_vnd     bigint NOT NULL,
  in_stock      boolean NOT NULL,
  image_url     text NOT NULL DEFAULT '',
  certified_on  date NOT NULL,
  created_at    timestamptz NOT NULL,
  -- folded search text per field, ranked A (name) to D (description)
  name_fold     text NOT NULL,
  producer_fold text NOT NULL,
  province_fold text NOT NULL,
  place_fold    text NOT NULL,  -- group names, province and commune
  desc_fold     text NOT NULL,
  tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', name_fold), 'A')
     || setweight(to_tsvector('simple', producer_fold), 'B')
     || setweight(to_tsvector('simple', place_fold), 'C')
     || setweight(to_tsvector('simple', desc_fold), 'D')) STORED
);
CREATE INDEX search_document_tsv ON search_document USING gin (tsv) WITH (fastupdate = off);
CREATE INDEX search_document_groups ON search_document USING gin (group_codes) WITH (fastupdate = off);
CREATE INDEX search_document_province ON search_document (province_code);
-- the default order of a filter-only search: star, then newest
CREATE INDEX search_document_rank ON search_document (star DESC, certified_on DESC, created_at DESC, id);

-- Every distinct folded word of the indexed documents. A query word that is
-- not here is corrected to the nearest word that is (typo tolerance): the
-- GiST trigram index returns the nearest words by trigram distance (<->)
-- without comparing whole documents, and the app keeps those within the
-- allowed edit distance.
CREATE TABLE search_word (
  word text PRIMARY KEY
);
CREATE INDEX search_word_trgm ON search_word USING gist (word gist_trgm_ops);
-- prefix lookups (the word being typed) as a byte-wise range scan
CREATE INDEX search_word_prefix ON search_word (word text_pattern_ops);

-- The outbox (SECURITY.md D-01): a row per product whose public state may
-- have changed, written by the triggers below in the same transaction as the
-- change, so it exists if and only if the change commits. seq moves on every
-- new change, so a worker that indexed an older state does not delete a row
-- a newer change re-armed.
CREATE SEQUENCE search_outbox_seq;
CREATE TABLE search_outbox (
  product_id      bigint PRIMARY KEY,
  seq             bigint NOT NULL DEFAULT nextval('search_outbox_seq'),
  enqueued_at     timestamptz NOT NULL DEFAULT now(),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text
);
CREATE INDEX search_outbox_due ON search_outbox (next_attempt_at);

-- +goose StatementBegin
CREATE FUNCTION search_enqueue(ids bigint[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO search_outbox (product_id)
  SELECT DISTINCT unnest(ids)
  ON CONFLICT (product_id) DO UPDATE
    SET seq = nextval('search_outbox_seq'), enqueued_at = now();
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_enqueue_product() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM search_enqueue(ARRAY[OLD.id]);
  ELSE
    PERFORM search_enqueue(ARRAY[NEW.id]);
  END IF;
  RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_enqueue_certificate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM search_enqueue(ARRAY[OLD.product_id]);
  ELSIF TG_OP = 'UPDATE' AND OLD.product_id <> NEW.product_id THEN
    PERFORM search_enqueue(ARRAY[OLD.product_id, NEW.product_id]);
  ELSE
    PERFORM search_enqueue(ARRAY[NEW.product_id]);
  END IF;
  RETURN NULL;
END $$;
-- +goose StatementEnd

-- a producer's name, place or status shows in (or hides) all its products
-- +goose StatementBegin
CREATE FUNCTION search_enqueue_producer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_enqueue(ARRAY(SELECT id FROM product WHERE producer_id = NEW.id));
  RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER product_search_enqueue AFTER INSERT OR DELETE ON product
  FOR EACH ROW EXECUTE FUNCTION search_enqueue_product();
CREATE TRIGGER product_search_enqueue_upd AFTER UPDATE ON product
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION search_enqueue_product();
CREATE TRIGGER certificate_search_enqueue AFTER INSERT OR DELETE ON certificate
  FOR EACH ROW EXECUTE FUNCTION search_enqueue_certificate();
CREATE TRIGGER certificate_search_enqueue_upd AFTER UPDATE ON certificate
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION search_enqueue_certificate();
CREATE TRIGGER producer_search_enqueue_upd AFTER UPDATE ON producer
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.slug IS DISTINCT FROM NEW.slug
    OR OLD.status IS DISTINCT FROM NEW.status OR OLD.province_code IS DISTINCT FROM NEW.province_code
    OR OLD.commune_code IS DISTINCT FROM NEW.commune_code)
  EXECUTE FUNCTION search_enqueue_producer();

-- Products that exist when this migration runs are enqueued once, so the
-- first worker run fills the index.
INSERT INTO search_outbox (product_id) SELECT id FROM product;

-- +goose Down
DROP TRIGGER producer_search_enqueue_upd ON producer;
DROP TRIGGER certificate_search_enqueue_upd ON certificate;
DROP TRIGGER certificate_search_enqueue ON certificate;
DROP TRIGGER product_search_enqueue_upd ON product;
DROP TRIGGER product_search_enqueue ON product;
DROP FUNCTION search_enqueue_producer();
DROP FUNCTION search_enqueue_certificate();
DROP FUNCTION search_enqueue_product();
DROP FUNCTION search_enqueue(bigint[]);
DROP TABLE search_outbox;
DROP SEQUENCE search_outbox_seq;
DROP TABLE search_word;
DROP TABLE search_document;
DROP EXTENSION IF EXISTS pg_trgm;
