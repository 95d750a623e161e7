-- The issuing body must tell the producer at least 30 days before a
-- certificate's 36 months end. Notices go at T-90, T-30 and T-7, each once
-- per certificate: the row is written in the transaction that queues the
-- mail, so a restart or a second app process never sends one twice.

-- +goose Up
CREATE TABLE certificate_notice (
  certificate_id bigint NOT NULL REFERENCES certificate (id) ON DELETE CASCADE,
  days           smallint NOT NULL CHECK (days IN (7, 30, 90)),
  valid_until    date NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (certificate_id, days)
);

-- +goose Down
DROP TABLE certificate_notice;
