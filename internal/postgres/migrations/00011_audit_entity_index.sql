-- An application's (or any entity's) history reads audit_log by entity
-- and id, in order: index it rather than scan the whole log.

-- +goose Up
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id);

-- +goose Down
DROP INDEX audit_log_entity;
