-- Two kinds of provincial staff: the OCOP office (Văn phòng điều phối OCOP,
-- under Sở Nông nghiệp và Môi trường), which records, renews and revokes
-- certificates, and trade promotion (Sở Công Thương and its trade
-- promotion centre), which runs fairs and showrooms. A grant is for one
-- kind in one province; the grants made so far were for certification.

-- +goose Up
ALTER TABLE staff_province ADD COLUMN kind text NOT NULL DEFAULT 'ocop_office'
  CONSTRAINT staff_province_kind CHECK (kind IN ('ocop_office', 'trade_promotion'));
ALTER TABLE staff_province DROP CONSTRAINT staff_province_pkey, ADD PRIMARY KEY (user_id, province_code, kind);

-- +goose Down
-- one grant per user and province again: a trade-promotion grant beside an
-- OCOP-office one folds into it
DELETE FROM staff_province t USING staff_province o
  WHERE t.user_id = o.user_id AND t.province_code = o.province_code AND t.kind = 'trade_promotion' AND o.kind = 'ocop_office';
ALTER TABLE staff_province DROP CONSTRAINT staff_province_pkey, ADD PRIMARY KEY (user_id, province_code);
ALTER TABLE staff_province DROP COLUMN kind;
