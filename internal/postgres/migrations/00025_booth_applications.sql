-- Booth applications: a producer applies for booths of one type at an
-- event with the products it will exhibit; trade promotion reviews,
-- records the fee (or waives it) and allocates booths. The fee, subsidy
-- and payable amount are computed on the server and kept on the
-- application. A booth has at most one exhibitor: booth_assignment is
-- keyed by the booth.

-- +goose Up
ALTER TABLE event ADD COLUMN withdrawal_notice_days smallint NOT NULL DEFAULT 30 CHECK (withdrawal_notice_days BETWEEN 0 AND 365);

CREATE TABLE booth_application (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id        bigint NOT NULL REFERENCES event (id) ON DELETE CASCADE,
  producer_id     bigint NOT NULL REFERENCES producer (id),
  booth_type      text NOT NULL,
  qty             smallint NOT NULL CHECK (qty BETWEEN 1 AND 50),
  preferred_zone  text NOT NULL DEFAULT '',
  notes           text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
  contact_name    text NOT NULL DEFAULT '' CHECK (length(contact_name) <= 200),
  contact_phone   text NOT NULL DEFAULT '' CHECK (contact_phone = '' OR contact_phone ~ '^\+84[0-9]{9,10}$'),
  status          text NOT NULL DEFAULT 'submitted' CHECK (status IN ('draft', 'submitted', 'under_review', 'approved',
                    'awaiting_payment', 'paid', 'free_confirmed', 'booth_assigned', 'checked_in', 'completed',
                    'waitlisted', 'rejected', 'withdrawn', 'cancelled_by_organiser')),
  -- computed on the server at application: fee of qty booths, the
  -- event's subsidy on it, and what the producer pays
  fee_vnd         bigint NOT NULL CHECK (fee_vnd >= 0),
  subsidy_vnd     bigint NOT NULL CHECK (subsidy_vnd >= 0 AND subsidy_vnd <= fee_vnd),
  payable_vnd     bigint NOT NULL CHECK (payable_vnd = fee_vnd - subsidy_vnd),
  paid_vnd        bigint NOT NULL DEFAULT 0 CHECK (paid_vnd >= 0),
  payment_method  text NOT NULL DEFAULT '' CHECK (payment_method IN ('', 'cash', 'transfer', 'waived')),
  payment_ref     text NOT NULL DEFAULT '' CHECK (length(payment_ref) <= 100),
  refund_vnd      bigint NOT NULL DEFAULT 0 CHECK (refund_vnd >= 0),
  review_note     text NOT NULL DEFAULT '' CHECK (length(review_note) <= 1000),
  reviewed_by     bigint REFERENCES app_user (id) ON DELETE SET NULL,
  submitted_at    timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, producer_id),
  FOREIGN KEY (event_id, booth_type) REFERENCES event_booth_type (event_id, code)
);
CREATE INDEX booth_application_producer ON booth_application (producer_id);

-- The products an application exhibits (certified, published, the
-- producer's own when it applied).
CREATE TABLE booth_application_product (
  application_id  bigint NOT NULL REFERENCES booth_application (id) ON DELETE CASCADE,
  product_id      bigint NOT NULL REFERENCES product (id) ON DELETE CASCADE,
  PRIMARY KEY (application_id, product_id)
);

-- One exhibitor per booth: the booth is the key.
CREATE TABLE booth_assignment (
  booth_id        bigint PRIMARY KEY REFERENCES booth (id) ON DELETE CASCADE,
  application_id  bigint NOT NULL REFERENCES booth_application (id) ON DELETE CASCADE,
  assigned_at     timestamptz NOT NULL DEFAULT now(),
  checked_in_at   timestamptz
);
CREATE INDEX booth_assignment_application ON booth_assignment (application_id);

-- +goose Down
DROP TABLE booth_assignment;
DROP TABLE booth_application_product;
DROP TABLE booth_application;
ALTER TABLE event DROP COLUMN withdrawal_notice_days;
