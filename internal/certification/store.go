package certification

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/postgres"
)

// Row is a certificate as the bulk functions write it. ID is set by
// InsertCertificates.
type Row struct {
	ID              int64
	ProductID       int64
	DecisionNo      string
	Star            int
	Score           *int64 // hundredths of a point; nil when not given
	DecisionDate    time.Time
	Level           string
	Authority       string
	IssuingProvince *string // nil for central decisions
	ValidFrom       time.Time
	ValidUntil      time.Time
	Status          string
	Address         string // the producer's address as the decision prints it
}

// columns are the arrays of certificate fields passed to unnest.
type columns struct {
	id, product           []int64
	no                    []string
	star                  []int32
	score                 []*int64
	decisionDate          []time.Time
	level, authority      []string
	province              []*string
	validFrom, validUntil []time.Time
	status, address       []string
}

func columnsOf(rows []*Row) columns {
	var a columns
	for _, r := range rows {
		a.id, a.product, a.no = append(a.id, r.ID), append(a.product, r.ProductID), append(a.no, r.DecisionNo)
		a.star, a.score = append(a.star, int32(r.Star)), append(a.score, r.Score)
		a.decisionDate = append(a.decisionDate, r.DecisionDate)
		a.level, a.authority = append(a.level, r.Level), append(a.authority, r.Authority)
		a.province = append(a.province, r.IssuingProvince)
		a.validFrom, a.validUntil = append(a.validFrom, r.ValidFrom), append(a.validUntil, r.ValidUntil)
		a.status, a.address = append(a.status, r.Status), append(a.address, r.Address)
	}
	return a
}

// UpdateCertificates writes rows (by ID) in the caller's transaction, with
// one statement per status change direction: those leaving 'active' first,
// then those entering it, since the one-active-per-product index is
// checked row by row. Call it before InsertCertificates.
func UpdateCertificates(ctx context.Context, tx pgx.Tx, rows []*Row) (err error) {
	defer apperr.Wrap(&err, "certification.UpdateCertificates")
	leaving := slices.DeleteFunc(slices.Clone(rows), func(r *Row) bool { return r.Status == Active })
	entering := slices.DeleteFunc(slices.Clone(rows), func(r *Row) bool { return r.Status != Active })
	for _, part := range [][]*Row{leaving, entering} {
		if len(part) == 0 {
			continue
		}
		a := columnsOf(part)
		if _, err := tx.Exec(ctx, `
UPDATE certificate c
SET star = u.star, score = u.score / 100.0, decision_date = u.dd, issuing_level = u.lvl,
    issuing_authority = u.auth, issuing_province_code = u.prov, valid_from = u.vf, valid_until = u.vu,
    status = u.st, address_as_issued = u.addr, updated_at = now()
FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::date[], $5::text[], $6::text[], $7::text[],
            $8::date[], $9::date[], $10::text[], $11::text[])
  AS u(id, star, score, dd, lvl, auth, prov, vf, vu, st, addr)
WHERE c.id = u.id`, a.id, a.star, a.score, a.decisionDate, a.level, a.authority, a.province,
			a.validFrom, a.validUntil, a.status, a.address); err != nil {
			return err
		}
	}
	return nil
}

// InsertCertificates inserts rows in one statement in the caller's
// transaction and sets their IDs.
func InsertCertificates(ctx context.Context, tx pgx.Tx, rows []*Row) (err error) {
	defer apperr.Wrap(&err, "certification.InsertCertificates")
	if len(rows) == 0 {
		return nil
	}
	a := columnsOf(rows)
	rs, err := tx.Query(ctx, `
INSERT INTO certificate (product_id, decision_no, star, score, decision_date, issuing_level, issuing_authority,
                         issuing_province_code, valid_from, valid_until, status, address_as_issued)
SELECT pid, no, star, score / 100.0, dd, lvl, auth, prov, vf, vu, st, addr
FROM unnest($1::bigint[], $2::text[], $3::int[], $4::bigint[], $5::date[], $6::text[], $7::text[], $8::text[],
            $9::date[], $10::date[], $11::text[], $12::text[])
  AS u(pid, no, star, score, dd, lvl, auth, prov, vf, vu, st, addr)
RETURNING id, product_id, decision_no`, a.product, a.no, a.star, a.score, a.decisionDate, a.level, a.authority,
		a.province, a.validFrom, a.validUntil, a.status, a.address)
	if err != nil {
		return err
	}
	type key struct {
		product int64
		no      string
	}
	byKey := make(map[key]*Row, len(rows))
	for _, r := range rows {
		byKey[key{r.ProductID, r.DecisionNo}] = r
	}
	var id, pid int64
	var n string
	_, err = pgx.ForEachRow(rs, []any{&id, &pid, &n}, func() error {
		byKey[key{pid, n}].ID = id
		return nil
	})
	return err
}

// Revocation revokes one certificate.
type Revocation struct {
	CertificateID int64
	On            time.Time // the revoking decision's date
	Reason        string
	DecisionNo    string // the revoking decision's number; "" when not known
}

// Revoke revokes certificates in the caller's transaction (bulk: one
// decision may revoke dozens) and returns how many changed; one revoked
// already is left as it is.
func Revoke(ctx context.Context, q postgres.Querier, rs []Revocation) (_ int64, err error) {
	defer apperr.Wrap(&err, "certification.Revoke")
	var ids []int64
	var on []time.Time
	var reasons, nos []string
	for _, r := range rs {
		ids, on, reasons, nos = append(ids, r.CertificateID), append(on, r.On), append(reasons, r.Reason), append(nos, r.DecisionNo)
	}
	tag, err := q.Exec(ctx, `
UPDATE certificate c SET status = 'revoked', revoked_on = u.on_date, revoke_reason = u.reason,
       revoke_decision_no = nullif(u.no, ''), updated_at = now()
FROM unnest($1::bigint[], $2::date[], $3::text[], $4::text[]) AS u(id, on_date, reason, no)
WHERE c.id = u.id AND c.status <> 'revoked'`, ids, on, reasons, nos)
	return tag.RowsAffected(), err
}

// expireDue ends the active certificates whose last valid day has passed
// (today is the date in Vietnam); certificate_active_until serves the scan.
func expireDue(ctx context.Context, q postgres.Querier, today time.Time) (int64, error) {
	tag, err := q.Exec(ctx, `
UPDATE certificate SET status = 'expired', updated_at = now()
WHERE status = 'active' AND valid_until < $1::date`, today.Format(time.DateOnly))
	return tag.RowsAffected(), err
}

func setStatus(ctx context.Context, q postgres.Querier, id int64, status string) error {
	_, err := q.Exec(ctx, `UPDATE certificate SET status = $2, updated_at = now() WHERE id = $1`, id, status)
	return err
}

// findActive returns the product's active certificate's id and decision
// date (0 and nil when it has none).
func findActive(ctx context.Context, q postgres.Querier, productID int64) (int64, *time.Time, error) {
	var id int64
	var date time.Time
	err := q.QueryRow(ctx, `SELECT id, decision_date FROM certificate WHERE product_id = $1 AND status = 'active'`, productID).
		Scan(&id, &date)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, err
	}
	return id, &date, nil
}

func findByProduct(ctx context.Context, q postgres.Querier, productID int64) ([]Certificate, error) {
	rows, err := q.Query(ctx, `SELECT id, decision_no, decision_date, star, coalesce(score::text, ''), issuing_level, issuing_authority,
		coalesce(issuing_province_code, ''), valid_from, valid_until, status, created_at,
		revoked_on, coalesce(revoke_decision_no, ''), coalesce(revoke_reason, '')
		FROM certificate WHERE product_id = $1 ORDER BY decision_date DESC, id DESC`, productID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Certificate])
}

func insertOne(ctx context.Context, q postgres.Querier, productID int64, star int, score *string, f Form, date, from time.Time,
	issuingProv *string, until time.Time, status string) (id int64, err error) {
	err = q.QueryRow(ctx, `INSERT INTO certificate (product_id, star, score, decision_no, decision_date, issuing_level, issuing_authority,
			issuing_province_code, valid_from, valid_until, status)
			VALUES ($1, $2, $3::numeric, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		productID, star, score, f.DecisionNo, date, f.IssuingLevel, f.IssuingAuthority, issuingProv, from, until, status).Scan(&id)
	return id, err
}

// recordKind says what a new certificate of star is for the product: the
// first recognition ("new"), a re-recognition at the same star
// ("renewal", công nhận lại) or a higher one ("upgrade", nâng hạng), by
// the product's latest certificate.
func recordKind(ctx context.Context, q postgres.Querier, productID int64, star int) (string, error) {
	var last int
	err := q.QueryRow(ctx, `SELECT star FROM certificate WHERE product_id = $1 ORDER BY decision_date DESC, id DESC LIMIT 1`, productID).Scan(&last)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "new", nil
	case err != nil:
		return "", err
	case star > last:
		return "upgrade", nil
	case star == last:
		return "renewal", nil
	}
	return "downgrade", nil
}
