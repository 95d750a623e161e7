-- A producer's logo and banner as sized variants, like product photos:
-- logo_key/banner_key (00006) keep the largest variant's key; the
-- variants ([{"key", "width", "height", "type"}, ...]) feed srcset and
-- tell the orphan sweeper which objects are in use.

-- +goose Up
ALTER TABLE producer
  ADD COLUMN logo_variants   jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(logo_variants) = 'array'),
  ADD COLUMN banner_variants jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(banner_variants) = 'array');

-- +goose Down
ALTER TABLE producer DROP COLUMN logo_variants, DROP COLUMN banner_variants;
