package certification

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/producer"
)

// Deadline categories.
const (
	Within30 = "30"     // active, ending within 30 days
	Within90 = "90"     // active, ending in 31 to 90 days
	Lapsed   = "lapsed" // expired within the last year and not renewed
	// and Revoked (the status): revoked since 1 January
)

// DeadlineCategories are the categories in the order the page shows them.
var DeadlineCategories = []string{Within30, Within90, Lapsed, Revoked}

// Deadline is a certificate the province's staff follow.
type Deadline struct {
	Category     string
	ProductID    int64
	ProductName  string
	ProducerID   int64
	ProducerName string
	Province     string
	Commune      string // "" when the producer's commune is not known
	Group        string // the top-level product group's name
	Star         int
	DecisionNo   string
	ValidUntil   time.Time
	RevokedOn    *time.Time
	Reason       string
	// Notified is the latest deadline notice sent (90, 30 or 7 days
	// before), 0 when none yet.
	Notified int
}

// Until is the last valid day, dd/mm/yyyy.
func (d Deadline) Until() string { return d.ValidUntil.Format("02/01/2006") }

// Deadlines lists, for the provinces the actor serves (admins: all), the
// certificates staff follow (SECURITY.md Z-07): active ones ending within
// 30 and 90 days, those that lapsed within the last year with no renewal,
// and those revoked since 1 January; soonest first in each category.
func (s *Service) Deadlines(ctx context.Context, actor producer.Actor) (out []Deadline, err error) {
	defer apperr.Wrap(&err, "certification.Deadlines")
	var scope []string
	if !actor.Admin {
		scope = append([]string{}, actor.Provinces...)
	}
	today := s.Today()
	rows, err := s.pool.Query(ctx, `
SELECT CASE WHEN c.status = 'active' AND c.valid_until < $2::date + 31 THEN '30'
            WHEN c.status = 'active' THEN '90'
            WHEN c.status = 'expired' THEN 'lapsed'
            ELSE 'revoked' END,
       p.id, p.name, pr.id, coalesce(nullif(pr.display_name, ''), pr.name), pr.province_code, coalesce(cm.full_name, ''),
       g.name, c.star, c.decision_no, c.valid_until, c.revoked_on, coalesce(c.revoke_reason, ''),
       coalesce((SELECT min(n.days) FROM certificate_notice n WHERE n.certificate_id = c.id), 0)
FROM certificate c
JOIN product p ON p.id = c.product_id
JOIN producer pr ON pr.id = p.producer_id
LEFT JOIN commune cm ON cm.code = pr.commune_code
JOIN product_group g ON g.code = split_part(p.group_code, '.', 1)
WHERE ($1::text[] IS NULL OR pr.province_code = ANY ($1))
  AND ((c.status = 'active' AND c.valid_until BETWEEN $2::date AND $2::date + 90)
    OR (c.status = 'expired' AND c.valid_until >= $2::date - 365
        AND NOT EXISTS (SELECT 1 FROM certificate n WHERE n.product_id = c.product_id AND n.status = 'active'))
    OR (c.status = 'revoked' AND c.revoked_on >= date_trunc('year', $2::date)))
ORDER BY 1, c.valid_until, p.name_fold, p.id`, scope, today.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	var d Deadline
	_, err = pgx.ForEachRow(rows, []any{&d.Category, &d.ProductID, &d.ProductName, &d.ProducerID, &d.ProducerName, &d.Province,
		&d.Commune, &d.Group, &d.Star, &d.DecisionNo, &d.ValidUntil, &d.RevokedOn, &d.Reason, &d.Notified}, func() error {
		out = append(out, d)
		d.RevokedOn = nil
		return nil
	})
	return out, err
}
