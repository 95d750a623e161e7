-- Ranking by diacritics: the words of each product name with the marks
-- they carry (vntext.Accents: "chè" → "che:̀"), so a search typed with
-- diacritics ranks the names that carry them before those that only match
-- once folded. Every product is queued for the search worker, which
-- rewrites its document with them.

-- +goose Up
ALTER TABLE search_document ADD COLUMN name_accents text[] NOT NULL DEFAULT '{}';
INSERT INTO search_outbox (product_id) SELECT id FROM product ON CONFLICT (product_id) DO NOTHING;

-- +goose Down
ALTER TABLE search_document DROP COLUMN name_accents;
