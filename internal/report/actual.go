package report

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/ocopvn/ocop/internal/certification"
)

// How a certificate stands to the product's previous one.
const (
	CertNew      = "new"      // the product's first certificate
	CertRenewed  = "renewed"  // re-recognised at the same (or a lower) star
	CertUpgraded = "upgraded" // a higher star than the previous certificate
)

// cert is a number of certificates of a province's producers alike in
// everything the reports count by: star, decision year, status, how each
// stands to its product's previous certificate, group, producer type and
// where it lies.
type cert struct {
	N            int
	Star         int
	Year         int // of the decision
	Status       string
	RevokedYear  int // 0 when not revoked
	ValidYear    int // the year the validity ends
	InForce      bool
	Lapsed       bool   // its validity ended before today
	Kind         string // CertNew, CertRenewed, CertUpgraded
	Group        string // level-1 group code (I…VI)
	ProducerType string
	Commune      string // "" when unknown
	District     string // former district code, "" when unknown
}

// certs reads the certificates of the province's producers, counted by
// everything the reports need (PostgreSQL groups 100,000 certificates into
// a few thousand rows): how each stands to its product's previous one, and
// where it lies: the producer's commune and its former district, or the
// places named in the producer's address as issued.
//
// The grouping runs with more working memory than a shop request gets, so
// PostgreSQL hashes the groups instead of sorting 100,000 rows on disk
// (370 ms against 140 ms).
func certs(ctx context.Context, pool *pgxpool.Pool, locs *Localities, today time.Time) ([]cert, error) {
	var out []cert
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL work_mem = '64MB'`); err != nil {
			return err
		}
		var err error
		out, err = groupCerts(ctx, tx, locs, today)
		return err
	})
	return out, err
}

func groupCerts(ctx context.Context, tx pgx.Tx, locs *Localities, today time.Time) ([]cert, error) {
	rows, err := tx.Query(ctx, `
		WITH c AS (
		  SELECT c.star, c.decision_date, c.status, c.revoked_on, c.valid_until,
		         lag(c.star) OVER (PARTITION BY c.product_id ORDER BY c.decision_date, c.id) AS prev,
		         p.group_code, pr.producer_type, pr.commune_code,
		         CASE WHEN pr.commune_code IS NULL THEN pr.address_as_issued ELSE '' END AS address
		  FROM certificate c JOIN product p ON p.id = c.product_id JOIN producer pr ON pr.id = p.producer_id
		  WHERE pr.province_code = $1)
		SELECT count(*)::int, star, extract(year FROM decision_date)::int, status, COALESCE(extract(year FROM revoked_on)::int, 0),
		       extract(year FROM valid_until)::int, status = 'active' AND valid_until >= $2, valid_until < $2,
		       CASE WHEN prev IS NULL THEN 'new' WHEN star > prev THEN 'upgraded' ELSE 'renewed' END,
		       split_part(group_code, '.', 1), producer_type, COALESCE(commune_code, ''), address
		FROM c GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13`, locs.Province.Code, today.In(certification.Vietnam).Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	var out []cert
	var c cert
	var address string
	_, err = pgx.ForEachRow(rows, []any{&c.N, &c.Star, &c.Year, &c.Status, &c.RevokedYear, &c.ValidYear, &c.InForce, &c.Lapsed,
		&c.Kind, &c.Group, &c.ProducerType, &c.Commune, &address}, func() error {
		c.District = ""
		if c.Commune != "" {
			c.District = locs.DistrictOf[c.Commune]
		} else if d, cm, ok := locs.Place(address); ok {
			c.District, c.Commune = d, cm
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// PlanLine is a row of plan against actual: the plan's counts and what was
// certified in its locality that year. Actual counts new products (a
// product's first certificate); renewals and upgrades are apart.
type PlanLine struct {
	Name     string // as the plan writes it; "" for the unattributed and totals rows
	Locality Locality
	Plan     Counts
	Actual   Counts
	Renewed  int
	Upgraded int
	MinStar5 *int
	// Star5Total is the locality's 5-star products certified up to the
	// end of the year (for a minimum of 5-star products).
	Star5Total int
}

// count adds certificates of the year to the line: new ones by star,
// renewals and upgrades apart.
func (l *PlanLine) count(c cert) {
	switch c.Kind {
	case CertNew:
		l.Actual.add(c.Star, c.N)
	case CertRenewed:
		l.Renewed += c.N
	case CertUpgraded:
		l.Upgraded += c.N
	}
}

// Counts are products by star.
type Counts struct{ Total, Star5, Star4, Star3 int }

func (c *Counts) add(star, n int) {
	c.Total += n
	switch star {
	case 5:
		c.Star5 += n
	case 4:
		c.Star4 += n
	case 3:
		c.Star3 += n
	}
}

func (c *Counts) plus(o Counts) {
	c.Total += o.Total
	c.Star5 += o.Star5
	c.Star4 += o.Star4
	c.Star3 += o.Star3
}

// Progress is actual over plan in percent, one decimal; 0 for no plan.
func (l PlanLine) Progress() float64 {
	if l.Plan.Total == 0 {
		return 0
	}
	return math.Round(float64(l.Actual.Total)*1000/float64(l.Plan.Total)) / 10
}

// PlanReport is a province's plan for a year against what was certified.
type PlanReport struct {
	Province Locality
	Year     int
	Lines    []PlanLine // the plan's rows, in its order
	// Unattributed are certificates of the year in no locality of the
	// plan (never dropped); Totals the sum of the rows and Unattributed (a
	// row naming the whole province is not added again).
	Unattributed PlanLine
	Totals       PlanLine
	// Shares of the province's OCOP producers by type against the plan's
	// targets (nil when the plan sets none).
	CoopSharePct, EnterpriseSharePct             *int
	ActualCoopSharePct, ActualEnterpriseSharePct float64
	ImportedAt                                   time.Time
}

// ErrNoPlan is a year without a plan for the province.
var ErrNoPlan = errors.New("report: no plan for this province and year")

// PlanVsActual compares a province's plan for year with the certificates
// decided that year (revoked ones left out): each goes to the plan row of
// its commune, else of its former district, else of the whole province,
// else to Unattributed.
func (s *Service) PlanVsActual(ctx context.Context, province string, year int) (*PlanReport, error) {
	locs, err := LoadLocalities(ctx, s.pool, province)
	if err != nil {
		return nil, err
	}
	r := &PlanReport{Province: locs.Province, Year: year}
	var planID int64
	err = s.pool.QueryRow(ctx, `SELECT id, coop_share_pct, enterprise_share_pct, imported_at FROM ocop_plan WHERE province_code = $1 AND year = $2`,
		province, year).Scan(&planID, &r.CoopSharePct, &r.EnterpriseSharePct, &r.ImportedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNoPlan
	}
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT locality_name, locality_kind, locality_code, total, star5, star4, star3, min_star5
		FROM ocop_plan_row WHERE plan_id = $1 ORDER BY row_no`, planID)
	if err != nil {
		return nil, err
	}
	var l PlanLine
	if _, err := pgx.ForEachRow(rows, []any{&l.Name, &l.Locality.Kind, &l.Locality.Code, &l.Plan.Total, &l.Plan.Star5, &l.Plan.Star4,
		&l.Plan.Star3, &l.MinStar5}, func() error {
		r.Lines = append(r.Lines, l)
		return nil
	}); err != nil {
		return nil, err
	}
	byKey := map[string]int{}
	provinceRow := -1
	for i, l := range r.Lines {
		byKey[l.Locality.Kind+l.Locality.Code] = i
		if l.Locality.Kind == KindProvince {
			provinceRow = i
		}
	}
	cs, err := certs(ctx, s.pool, locs, s.now())
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		i, ok := byKey[KindCommune+c.Commune]
		if !ok || c.Commune == "" {
			i, ok = byKey[KindDistrict+c.District]
			ok = ok && c.District != ""
		}
		if c.Star == 5 && c.Year <= year && (c.RevokedYear == 0 || c.RevokedYear > year) && ok {
			r.Lines[i].Star5Total += c.N
		}
		if c.Year != year || c.Status == "revoked" {
			continue
		}
		line := &r.Unattributed
		switch {
		case ok:
			line = &r.Lines[i]
		case provinceRow >= 0:
			line = &r.Lines[provinceRow]
		}
		line.count(c)
		if provinceRow >= 0 && line != &r.Lines[provinceRow] {
			// a row naming the whole province counts every certificate
			r.Lines[provinceRow].count(c)
		}
	}
	for _, l := range append(r.Lines, r.Unattributed) {
		if l.Locality.Kind == KindProvince {
			continue
		}
		r.Totals.Plan.plus(l.Plan)
		r.Totals.Actual.plus(l.Actual)
		r.Totals.Renewed += l.Renewed
		r.Totals.Upgraded += l.Upgraded
	}
	if provinceRow >= 0 && len(r.Lines) == 1 {
		r.Totals = r.Lines[0]
		r.Totals.Name = ""
	}
	if r.CoopSharePct != nil || r.EnterpriseSharePct != nil {
		var all, coop, ent int
		if err := s.pool.QueryRow(ctx, `
			SELECT count(*), count(*) FILTER (WHERE producer_type IN ('htx', 'lien_hiep_htx')),
			       count(*) FILTER (WHERE producer_type = 'doanh_nghiep')
			FROM producer pr WHERE pr.province_code = $1 AND EXISTS (
			  SELECT 1 FROM product p JOIN certificate c ON c.product_id = p.id AND c.status = 'active' WHERE p.producer_id = pr.id)`,
			province).Scan(&all, &coop, &ent); err != nil {
			return nil, err
		}
		if all > 0 {
			r.ActualCoopSharePct = math.Round(float64(coop)*1000/float64(all)) / 10
			r.ActualEnterpriseSharePct = math.Round(float64(ent)*1000/float64(all)) / 10
		}
	}
	return r, nil
}

// Years lists the years with a plan for the province, newest first.
func (s *Service) Years(ctx context.Context, province string) ([]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT year FROM ocop_plan WHERE province_code = $1 ORDER BY year DESC`, province)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int])
}
