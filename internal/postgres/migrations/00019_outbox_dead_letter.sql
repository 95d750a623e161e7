-- A search change that keeps failing (a document the backend refuses)
-- moves to a dead-letter state after many attempts instead of being
-- retried forever (SECURITY.md D-03): admins see it and retry it; a new
-- change of the product revives it.

-- +goose Up
ALTER TABLE search_outbox ADD COLUMN dead_at timestamptz;
CREATE INDEX search_outbox_dead ON search_outbox (dead_at) WHERE dead_at IS NOT NULL;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_enqueue(ids bigint[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO search_outbox (product_id)
  SELECT DISTINCT unnest(ids)
  ON CONFLICT (product_id) DO UPDATE
    SET seq = nextval('search_outbox_seq'), enqueued_at = now(),
        dead_at = NULL, attempts = CASE WHEN search_outbox.dead_at IS NULL THEN search_outbox.attempts ELSE 0 END,
        next_attempt_at = CASE WHEN search_outbox.dead_at IS NULL THEN search_outbox.next_attempt_at ELSE now() END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_enqueue(ids bigint[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO search_outbox (product_id)
  SELECT DISTINCT unnest(ids)
  ON CONFLICT (product_id) DO UPDATE
    SET seq = nextval('search_outbox_seq'), enqueued_at = now();
$$;
-- +goose StatementEnd
DROP INDEX search_outbox_dead;
ALTER TABLE search_outbox DROP COLUMN dead_at;
