-- Search changes for the in-memory copy each app process keeps of the
-- pgsearch index (search/pgsearch/memory.go). Every write stamps its rows
-- with the writing transaction's id; a process reads the rows stamped at or
-- after the oldest transaction still running when it last looked
-- (pg_snapshot_xmin), so a change that commits late is never skipped.
-- Deletions leave a tombstone stamped the same way, and a full reindex
-- (Replace) moves the epoch, which makes every process load the index
-- again.

-- +goose Up
ALTER TABLE search_document ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX search_document_xid ON search_document (xid);

CREATE TABLE search_tombstone (
  id  text PRIMARY KEY,
  xid xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX search_tombstone_xid ON search_tombstone (xid);

CREATE TABLE search_epoch (
  one   boolean PRIMARY KEY DEFAULT true CHECK (one),
  epoch bigint NOT NULL
);
INSERT INTO search_epoch (epoch) VALUES (1);

-- +goose Down
DROP TABLE search_epoch;
DROP TABLE search_tombstone;
DROP INDEX search_document_xid;
ALTER TABLE search_document DROP COLUMN xid;
