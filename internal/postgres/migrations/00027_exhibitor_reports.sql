-- What exhibitors report after each day of an event (sales, orders,
-- contacts, contracts), for the organiser's report.

-- +goose Up
CREATE TABLE exhibitor_report (
  application_id  bigint NOT NULL REFERENCES booth_application (id) ON DELETE CASCADE,
  day             date NOT NULL,
  sales_vnd       bigint NOT NULL DEFAULT 0 CHECK (sales_vnd >= 0 AND sales_vnd < 100000000000),
  orders          integer NOT NULL DEFAULT 0 CHECK (orders >= 0 AND orders < 1000000),
  contacts        integer NOT NULL DEFAULT 0 CHECK (contacts >= 0 AND contacts < 1000000),
  contracts       integer NOT NULL DEFAULT 0 CHECK (contracts >= 0 AND contracts < 10000),
  notes           text NOT NULL DEFAULT '' CHECK (length(notes) <= 1000),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (application_id, day)
);

-- +goose Down
DROP TABLE exhibitor_report;
