-- Every product gets a public verification code for the QR on its
-- packaging (/xac-minh/{code}): 12 hex characters, the first 48 bits of a
-- random UUID, so codes are never sequential and cannot be guessed from a
-- neighbour's (SECURITY.md Z-08). The code is the product's for life: a
-- renewed or upgraded certificate keeps the printed QR valid.

-- +goose Up
ALTER TABLE product ADD COLUMN verify_code text NOT NULL
  DEFAULT substr(replace(gen_random_uuid()::text, '-', ''), 1, 12)
  CONSTRAINT product_verify_code_format CHECK (verify_code ~ '^[0-9a-f]{12}$');
CREATE UNIQUE INDEX product_verify_code_key ON product (verify_code);

-- +goose Down
ALTER TABLE product DROP COLUMN verify_code;
