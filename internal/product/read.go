package product

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/paging"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/vntext"
)

// GroupOption is a leaf product group of the form's select.
type GroupOption struct{ Code, Name string }

// GroupSet is the leaf groups under one parent (an optgroup).
type GroupSet struct {
	Label   string
	Options []GroupOption
}

// LeafGroups returns the groups a product may be filed under, grouped by
// parent, in the official order.
func (s *Service) LeafGroups(ctx context.Context) (_ []GroupSet, err error) {
	defer apperr.Wrap(&err, "product.LeafGroups")
	rows, err := s.pool.Query(ctx, `
		SELECT g.code, g.name, coalesce(pg.code || ' ' || pg.name, '')
		FROM product_group g LEFT JOIN product_group pg ON pg.code = g.parent_code
		WHERE g.is_leaf ORDER BY g.sort_order`)
	if err != nil {
		return nil, err
	}
	var out []GroupSet
	var code, name, parent string
	_, err = pgx.ForEachRow(rows, []any{&code, &name, &parent}, func() error {
		if len(out) == 0 || out[len(out)-1].Label != parent {
			out = append(out, GroupSet{Label: parent})
		}
		out[len(out)-1].Options = append(out[len(out)-1].Options, GroupOption{Code: code, Name: name})
		return nil
	})
	return out, err
}

// ListFilter selects a producer's products.
type ListFilter struct {
	Q      string      // matched folded against the name
	Status string      // one of the statuses, or "" for all
	Page   paging.Page // of PerPage rows
}

// PerPage is the product list's page size.
const PerPage = 20

// ListRow is a product of the list.
type ListRow struct {
	ID       int64
	Name     string
	Slug     string
	Status   string
	PriceVND int64
	Unit     string
	Stock    int32
	// Star and ValidUntil are those of the product's certificate: the
	// active one, else its latest (0 and zero: none at all).
	Star       int
	ValidUntil time.Time
	// Cert is how that certificate stands today: CertNone, CertInForce,
	// CertLapsed (its validity ended) or CertRevoked.
	Cert   string
	Public bool // shown in the catalog now
}

// How a product's certificate stands, for its producer.
const (
	CertNone    = "none"
	CertInForce = "in_force"
	CertLapsed  = "lapsed"
	CertRevoked = "revoked"
)

// ListPage is one page of the list.
type ListPage struct {
	Items    []ListRow
	Total    int
	Page     int
	LastPage int
}

// Products lists producer's products, newest change first.
func (s *Service) Products(ctx context.Context, producerID int64, f ListFilter) (_ *ListPage, err error) {
	defer apperr.Wrap(&err, "product.Products(%d)", producerID)
	if _, ok := StatusNames[f.Status]; !ok {
		f.Status = ""
	}
	pg := paging.Of(f.Page.Number, PerPage)
	// Fold leaves letters, digits and spaces only, so the pattern has no
	// LIKE metacharacters
	q := postgres.EscapeLike(vntext.Fold(f.Q))
	rows, err := s.pool.Query(ctx, `
		SELECT p.id, p.name, p.slug, p.status, p.price_vnd, p.unit, p.stock, coalesce(c.star, 0), coalesce(c.valid_until, '0001-01-01'),
		       CASE WHEN c.status IS NULL THEN 'none' WHEN c.status = 'revoked' THEN 'revoked'
		            WHEN c.status = 'active' AND c.valid_until >= (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN 'in_force'
		            ELSE 'lapsed' END,
		       EXISTS (SELECT 1 FROM public_product pp WHERE pp.id = p.id), count(*) OVER ()
		FROM product p
		LEFT JOIN LATERAL (SELECT c.star, c.valid_until, c.status FROM certificate c WHERE c.product_id = p.id
		                   ORDER BY c.status = 'active' DESC, c.decision_date DESC, c.id DESC LIMIT 1) c ON true
		WHERE p.producer_id = $1 AND ($2 = '' OR p.name_fold LIKE '%' || $2 || '%') AND ($3 = '' OR p.status = $3)
		ORDER BY p.updated_at DESC, p.id DESC
		LIMIT $4 OFFSET $5`, producerID, q, f.Status, pg.Size, pg.Offset())
	if err != nil {
		return nil, err
	}
	out := &ListPage{Page: pg.Number, Items: []ListRow{}}
	var r ListRow
	_, err = pgx.ForEachRow(rows, []any{&r.ID, &r.Name, &r.Slug, &r.Status, &r.PriceVND, &r.Unit, &r.Stock, &r.Star, &r.ValidUntil, &r.Cert, &r.Public, &out.Total},
		func() error {
			out.Items = append(out.Items, r)
			return nil
		})
	if err != nil {
		return nil, err
	}
	if out.Total == 0 && pg.Number > 1 {
		// past the end: count without the page
		if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM product p WHERE p.producer_id = $1 AND ($2 = '' OR p.name_fold LIKE '%' || $2 || '%') AND ($3 = '' OR p.status = $3)`,
			producerID, q, f.Status).Scan(&out.Total); err != nil {
			return nil, err
		}
	}
	out.LastPage = pg.Last(out.Total)
	return out, nil
}

// Dashboard is the back-office's start page.
type Dashboard struct {
	ByStatus map[string]int
	Total    int
	Public   int
	Expiring []ExpiringCert
	LowStock []ListRow
	// Revoked are the certificates revoked within the last year (the
	// product left the catalog): which decision and why.
	Revoked []RevokedCert
	// Notices are the deadline notices (T-90, T-30, T-7) of certificates
	// still active, newest first: the same as mailed to the members.
	Notices []DeadlineNotice
}

// DeadlineNotice is a notice that a certificate is ending.
type DeadlineNotice struct {
	ProductID   int64
	ProductName string
	Days        int
	ValidUntil  time.Time
	SentAt      time.Time
}

// RevokedCert is a revoked certificate, as the dashboard explains it.
type RevokedCert struct {
	ProductID   int64
	ProductName string
	DecisionNo  string    // the certificate's decision
	RevokedOn   time.Time // the revoking decision's date
	RevokedBy   string    // the revoking decision's number, "" when not recorded
	Reason      string
}

// ExpiringCert is an active certificate ending within ExpiringDays.
type ExpiringCert struct {
	ProductID   int64
	ProductName string
	DecisionNo  string
	ValidUntil  time.Time
}

// ExpiringDays and LowStock are the dashboard's thresholds.
const (
	ExpiringDays = 90
	LowStock     = 5
)

// Dashboard returns the figures of producer.
func (s *Service) Dashboard(ctx context.Context, producerID int64) (_ *Dashboard, err error) {
	defer apperr.Wrap(&err, "product.Dashboard(%d)", producerID)
	d := &Dashboard{ByStatus: map[string]int{}}
	rows, err := s.pool.Query(ctx, `SELECT status, count(*) FROM product WHERE producer_id = $1 GROUP BY status`, producerID)
	if err != nil {
		return nil, err
	}
	var st string
	var n int
	if _, err = pgx.ForEachRow(rows, []any{&st, &n}, func() error {
		d.ByStatus[st] = n
		d.Total += n
		return nil
	}); err != nil {
		return nil, err
	}
	if err = s.pool.QueryRow(ctx, `SELECT count(*) FROM public_product WHERE producer_id = $1`, producerID).Scan(&d.Public); err != nil {
		return nil, err
	}
	today := s.now().In(vietnam).Format(time.DateOnly)
	rows, err = s.pool.Query(ctx, `
		SELECT p.id, p.name, c.decision_no, c.valid_until
		FROM certificate c JOIN product p ON p.id = c.product_id
		WHERE p.producer_id = $1 AND c.status = 'active' AND c.valid_until BETWEEN $2::date AND $2::date + $3::int
		ORDER BY c.valid_until, p.name`, producerID, today, ExpiringDays)
	if err != nil {
		return nil, err
	}
	if d.Expiring, err = pgx.CollectRows(rows, pgx.RowToStructByPos[ExpiringCert]); err != nil {
		return nil, err
	}
	rows, err = s.pool.Query(ctx, `
		SELECT p.id, p.name, n.days, n.valid_until, n.created_at
		FROM certificate_notice n JOIN certificate c ON c.id = n.certificate_id JOIN product p ON p.id = c.product_id
		WHERE p.producer_id = $1 AND c.status = 'active'
		ORDER BY n.created_at DESC, p.name LIMIT 50`, producerID)
	if err != nil {
		return nil, err
	}
	if d.Notices, err = pgx.CollectRows(rows, pgx.RowToStructByPos[DeadlineNotice]); err != nil {
		return nil, err
	}
	rows, err = s.pool.Query(ctx, `
		SELECT p.id, p.name, c.decision_no, c.revoked_on, coalesce(c.revoke_decision_no, ''), coalesce(c.revoke_reason, '')
		FROM certificate c JOIN product p ON p.id = c.product_id
		WHERE p.producer_id = $1 AND c.status = 'revoked' AND c.revoked_on >= $2::date - 365
		ORDER BY c.revoked_on DESC, p.name`, producerID, today)
	if err != nil {
		return nil, err
	}
	if d.Revoked, err = pgx.CollectRows(rows, pgx.RowToStructByPos[RevokedCert]); err != nil {
		return nil, err
	}
	rows, err = s.pool.Query(ctx, `
		SELECT id, name, slug, stock FROM product
		WHERE producer_id = $1 AND status = 'published' AND stock <= $2 ORDER BY stock, name LIMIT 50`, producerID, LowStock)
	if err != nil {
		return nil, err
	}
	var r ListRow
	_, err = pgx.ForEachRow(rows, []any{&r.ID, &r.Name, &r.Slug, &r.Stock}, func() error {
		d.LowStock = append(d.LowStock, r)
		return nil
	})
	return d, err
}

var vietnam = func() *time.Location {
	l, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return l
}()
