-- Since 1 July 2025 a household business uses its owner's 12-digit
-- personal identification number as its tax code (Circular 86/2024/TT-BTC),
-- beside the 10-digit and 10+3-digit codes of other producers.

-- +goose Up
ALTER TABLE producer DROP CONSTRAINT producer_tax_code_check,
  ADD CONSTRAINT producer_tax_code_check CHECK (tax_code ~ '^([0-9]{10}(-[0-9]{3})?|[0-9]{12})$');
ALTER TABLE producer_application DROP CONSTRAINT producer_application_tax_code_check,
  ADD CONSTRAINT producer_application_tax_code_check CHECK (tax_code ~ '^([0-9]{10}(-[0-9]{3})?|[0-9]{12})$');

-- +goose Down
-- rows with a 12-digit code may exist by then: the old rule is kept for
-- new rows only
ALTER TABLE producer DROP CONSTRAINT producer_tax_code_check,
  ADD CONSTRAINT producer_tax_code_check CHECK (tax_code ~ '^[0-9]{10}(-[0-9]{3})?$') NOT VALID;
ALTER TABLE producer_application DROP CONSTRAINT producer_application_tax_code_check,
  ADD CONSTRAINT producer_application_tax_code_check CHECK (tax_code ~ '^[0-9]{10}(-[0-9]{3})?$') NOT VALID;
