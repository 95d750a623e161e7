-- A booth freed by a withdrawal is offered to the waitlist: held for one
-- waitlisted application until a deadline to accept.

-- +goose Up
CREATE TABLE booth_offer (
  booth_id        bigint PRIMARY KEY REFERENCES booth (id) ON DELETE CASCADE,
  application_id  bigint NOT NULL REFERENCES booth_application (id) ON DELETE CASCADE,
  expires_at      timestamptz NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX booth_offer_application ON booth_offer (application_id);

-- +goose Down
DROP TABLE booth_offer;
