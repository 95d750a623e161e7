-- Showroom photos (through the photo pipeline, stored under showrooms/),
-- the photos an officer takes at an inspection, and the producer of the
-- platform that operates a showroom: its owner and staff manage the
-- products the showroom carries from their back-office.

-- +goose Up
ALTER TABLE showroom ADD COLUMN operator_producer_id bigint REFERENCES producer (id) ON DELETE SET NULL;
CREATE INDEX showroom_operator_producer ON showroom (operator_producer_id) WHERE operator_producer_id IS NOT NULL;

CREATE TABLE showroom_photo (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  showroom_id    bigint NOT NULL REFERENCES showroom (id) ON DELETE CASCADE,
  -- set: evidence of that inspection, shown in the console only
  inspection_id  bigint REFERENCES showroom_inspection (id) ON DELETE CASCADE,
  position       smallint NOT NULL CHECK (position >= 0),
  content_sha    text NOT NULL CHECK (content_sha ~ '^[0-9a-f]{64}$'),
  width          integer NOT NULL CHECK (width > 0),
  height         integer NOT NULL CHECK (height > 0),
  alt            text NOT NULL DEFAULT '' CHECK (length(alt) <= 300),
  variants       jsonb NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX showroom_photo_once ON showroom_photo (showroom_id, coalesce(inspection_id, 0), content_sha);
CREATE INDEX showroom_photo_inspection ON showroom_photo (inspection_id) WHERE inspection_id IS NOT NULL;
CREATE INDEX showroom_photo_variant_keys ON showroom_photo USING gin (variants jsonb_path_ops);

-- +goose Down
DROP TABLE showroom_photo;
ALTER TABLE showroom DROP COLUMN operator_producer_id;
