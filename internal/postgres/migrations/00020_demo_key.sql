-- The demo catalog's products carry the key the seed made them under, so a
-- second seed inserts only what is missing: a demo product a producer
-- renamed or repriced is neither published twice nor reset.

-- +goose Up
ALTER TABLE product ADD COLUMN demo_key text;
CREATE UNIQUE INDEX product_demo_key ON product (demo_key) WHERE demo_key IS NOT NULL;

-- +goose Down
DROP INDEX product_demo_key;
ALTER TABLE product DROP COLUMN demo_key;
