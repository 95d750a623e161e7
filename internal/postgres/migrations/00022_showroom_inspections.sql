-- Inspections of showrooms against the criteria of Decision 950/QĐ-BCT
-- (points of introduction and sale of OCOP products): the officer records
-- the result of each criterion; the public sees a compliance badge only
-- while the latest inspection passed.

-- +goose Up
CREATE TABLE showroom_inspection (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  showroom_id   bigint NOT NULL REFERENCES showroom (id) ON DELETE CASCADE,
  inspected_on  date NOT NULL,
  officer       text NOT NULL CHECK (officer <> '' AND length(officer) <= 200),
  -- criterion code -> true (met) / false (not met), every criterion
  results       jsonb NOT NULL,
  passed        boolean NOT NULL,
  notes         text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
  recorded_by   bigint REFERENCES app_user (id) ON DELETE SET NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX showroom_inspection_latest ON showroom_inspection (showroom_id, inspected_on DESC, id DESC);

-- +goose Down
DROP TABLE showroom_inspection;
