-- Upload rate limit (SECURITY.md U-01): each upload request's image files,
-- per user, so every app process counts the same recent uploads. Rows
-- older than the window are deleted by the next upload of the same user.
-- (The storage quota needs no column: variants carry "bytes" in their
-- JSON.)

-- +goose Up
CREATE TABLE upload_event (
  id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  files   int NOT NULL CHECK (files > 0),
  at      timestamptz NOT NULL
);
CREATE INDEX upload_event_user ON upload_event (user_id, at);

-- +goose Down
DROP TABLE upload_event;
