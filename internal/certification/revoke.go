package certification

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/paging"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/vntext"
)

// MaxRevocations is the most products one revocation decision takes here.
const MaxRevocations = 500

// RevokeForm is a revocation decision (quyết định thu hồi) and the
// products it names, as typed in the console.
type RevokeForm struct {
	DecisionNo   string
	DecisionDate string // yyyy-mm-dd
	Reason       string
	ProductIDs   []int64
}

// Revocable is a product with an active certificate, for the revocation
// page's list.
type Revocable struct {
	ProductID    int64
	ProductName  string
	ProducerID   int64
	ProducerName string
	Province     string
	Star         int
	DecisionNo   string
	ValidUntil   time.Time
}

// Until is the last valid day, dd/mm/yyyy.
func (r Revocable) Until() string { return r.ValidUntil.Format("02/01/2006") }

// Revocables lists the products with an active certificate in the
// provinces the actor serves (admins: all) whose product or producer name
// matches q (folded; "" for all), by producer and product.
func (s *Service) Revocables(ctx context.Context, actor producer.Actor, q string, page paging.Page) (items []Revocable, total int, err error) {
	defer apperr.Wrap(&err, "certification.Revocables")
	var scope []string
	if !actor.Admin {
		scope = append([]string{}, actor.Certifies...) // only what the actor may revoke
	}
	fold := postgres.EscapeLike(vntext.Fold(vntext.Truncate(q, 200)))
	rows, err := s.pool.Query(ctx, `
SELECT p.id, p.name, pr.id, coalesce(nullif(pr.display_name, ''), pr.name), pr.province_code, c.star, c.decision_no, c.valid_until,
       count(*) OVER ()
FROM certificate c
JOIN product p ON p.id = c.product_id
JOIN producer pr ON pr.id = p.producer_id
WHERE c.status = 'active' AND ($1::text[] IS NULL OR pr.province_code = ANY ($1))
  AND ($2 = '' OR p.name_fold LIKE '%' || $2 || '%' OR pr.name_fold LIKE '%' || $2 || '%')
ORDER BY pr.name_fold, pr.id, p.name_fold, p.id
LIMIT $3 OFFSET $4`, scope, fold, page.Size, page.Offset())
	if err != nil {
		return nil, 0, err
	}
	var r Revocable
	_, err = pgx.ForEachRow(rows, []any{&r.ProductID, &r.ProductName, &r.ProducerID, &r.ProducerName, &r.Province, &r.Star,
		&r.DecisionNo, &r.ValidUntil, &total}, func() error {
		items = append(items, r)
		return nil
	})
	return items, total, err
}

// RevokeByDecision revokes the active certificates of the form's products
// with one decision, in one transaction, with an audit entry for each; it
// returns how many. Errors: Unprocessable with field errors (the decision
// number, date and reason are required; the date not in the future nor
// before a certificate's own decision; at least one product); NotFound
// when a product has no active certificate or lies outside the actor's
// provinces (nothing is revoked then); producer.ErrOwnCase for an officer
// who is a member of a named producer.
func (s *Service) RevokeByDecision(ctx context.Context, actor producer.Actor, f RevokeForm) (n int, err error) {
	defer apperr.Wrap(&err, "certification.RevokeByDecision")
	fe := apperr.FieldErrors{}
	f.DecisionNo = fe.Text("revoke_decision_no", f.DecisionNo, true, 200, "số quyết định thu hồi")
	f.Reason = fe.Text("reason", f.Reason, true, 500, "lý do thu hồi")
	date, _ := s.signedOn(fe, "revoke_date", f.DecisionDate, "quyết định thu hồi")
	ids := uniqueIDs(f.ProductIDs)
	switch {
	case len(ids) == 0:
		fe["products"] = "Hãy chọn ít nhất một sản phẩm bị thu hồi chứng nhận."
	case len(ids) > MaxRevocations:
		fe["products"] = fmt.Sprintf("Một lần ghi nhận tối đa %d sản phẩm.", MaxRevocations)
	}
	if err := fe.OrNil(); err != nil {
		return 0, err
	}
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		certs, err := lockActive(ctx, tx, ids)
		if err != nil {
			return err
		}
		if len(certs) != len(ids) {
			return apperr.E(apperr.NotFound, "Một số sản phẩm đã chọn không còn chứng nhận hiệu lực. Hãy tải lại trang và chọn lại.",
				"a product has no active certificate")
		}
		checked := map[int64]bool{}
		var rs []Revocation
		for _, c := range certs {
			if !actor.Serves(c.province) {
				return errNotFound
			}
			if !actor.CertifiesIn(c.province) {
				return ErrNotOCOPOffice
			}
			if !checked[c.producerID] {
				if err := producer.RefuseMember(ctx, tx, actor, c.producerID); err != nil {
					return err
				}
				checked[c.producerID] = true
			}
			if date.Before(c.decided) {
				return apperr.FieldErrors{"revoke_date": fmt.Sprintf("Ngày thu hồi trước ngày công nhận %s của sản phẩm %s.",
					c.decided.Format("02/01/2006"), c.productName)}
			}
			rs = append(rs, Revocation{CertificateID: c.id, On: date, Reason: f.Reason, DecisionNo: f.DecisionNo})
		}
		done, err := Revoke(ctx, tx, rs)
		if err != nil {
			return err
		}
		n = int(done)
		for _, c := range certs {
			if err := audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActingAs: actor.Acting(), ProducerID: c.producerID,
				Entity: "certificate", EntityID: c.id, Action: "revoke",
				Detail: map[string]any{"product_id": c.productID, "revoke_decision_no": f.DecisionNo,
					"revoked_on": date.Format(time.DateOnly), "reason": f.Reason}}); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// lockedCert is an active certificate locked for revocation.
type lockedCert struct {
	id, productID, producerID int64
	productName, province     string
	decided                   time.Time
}

// lockActive locks the active certificates of the products.
func lockActive(ctx context.Context, tx pgx.Tx, productIDs []int64) ([]lockedCert, error) {
	rows, err := tx.Query(ctx, `
SELECT c.id, p.id, pr.id, p.name, pr.province_code, c.decision_date
FROM certificate c JOIN product p ON p.id = c.product_id JOIN producer pr ON pr.id = p.producer_id
WHERE c.product_id = ANY ($1) AND c.status = 'active'
ORDER BY c.id
FOR UPDATE OF c`, productIDs)
	if err != nil {
		return nil, err
	}
	var out []lockedCert
	var c lockedCert
	_, err = pgx.ForEachRow(rows, []any{&c.id, &c.productID, &c.producerID, &c.productName, &c.province, &c.decided}, func() error {
		out = append(out, c)
		return nil
	})
	return out, err
}

func uniqueIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
