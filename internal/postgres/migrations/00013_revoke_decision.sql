-- A revocation is a decision of its own (số quyết định thu hồi): one may
-- revoke dozens of products (Đồng Tháp revoked 47 in one). Keep its number
-- beside the date and reason, for the verification page and the history.

-- +goose Up
ALTER TABLE certificate ADD COLUMN revoke_decision_no text
  CONSTRAINT certificate_revoke_decision_no CHECK (revoke_decision_no IS NULL OR
    (revoke_decision_no <> '' AND length(revoke_decision_no) <= 200 AND revoke_decision_no IS NFC NORMALIZED));

-- +goose Down
ALTER TABLE certificate DROP COLUMN revoke_decision_no;
