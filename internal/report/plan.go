package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/sheet"
	"github.com/ocopvn/ocop/internal/vntext"
)

// Plan file columns.
const (
	colLocality = "locality"
	colTotal    = "total"
	colStar5    = "star5"
	colStar4    = "star4"
	colStar3    = "star3"
	colMinStar5 = "min_star5"
)

// planSpec is a plan file's columns and their Vietnamese headers.
var planSpec = &sheet.Spec{
	Columns:  []string{colLocality, colTotal, colStar5, colStar4, colStar3, colMinStar5},
	Required: []string{colLocality, colTotal, colStar5, colStar4, colStar3},
	Aliases: map[string][]string{
		colLocality: {"Địa phương", "Địa bàn", "Đơn vị", "Huyện, thị xã, thành phố", "Đơn vị hành chính", "Tên địa phương"},
		colTotal:    {"Tổng số", "Tổng", "Tổng cộng", "Số sản phẩm"},
		colStar5:    {"5 sao", "5★", "Sản phẩm 5 sao", "Hạng 5 sao"},
		colStar4:    {"4 sao", "4★", "Sản phẩm 4 sao", "Hạng 4 sao"},
		colStar3:    {"3 sao", "3★", "Sản phẩm 3 sao", "Hạng 3 sao"},
		colMinStar5: {"Tối thiểu 5 sao", "5 sao tối thiểu", "Ít nhất 5 sao"},
	},
	Hint: " (ví dụ tiêu đề: Địa phương, Tổng số, 5 sao, 4 sao, 3 sao)",
}

// Service is the reports feature.
type Service struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

// New returns the service; now may be nil (time.Now).
func New(pool *pgxpool.Pool, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{pool: pool, now: now}
}

// PlanInput is a plan to import.
type PlanInput struct {
	Province string
	Year     int
	File     io.Reader
	Format   string // csv or xlsx
	FileName string
	// CoopSharePct and EnterpriseSharePct are the plan's targets for the
	// shares of OCOP producers by type (nil: none).
	CoopSharePct, EnterpriseSharePct *int
	Actor                            audit.Actor
}

// PlanRow is a row of a plan.
type PlanRow struct {
	Line                       int
	Name                       string // as the plan writes it
	Locality                   Locality
	Total, Star5, Star4, Star3 int
	MinStar5                   *int
}

// ErrPlanRows is a plan with row errors: nothing was written.
var ErrPlanRows = errors.New("report: the plan has invalid rows")

// ImportPlan reads a plan file, matches each row's locality and checks
// that its totals add up; with no error it replaces that year's plan for
// the province (audited) in one transaction. Row errors come back (with
// ErrPlanRows) and nothing is written.
func (s *Service) ImportPlan(ctx context.Context, in PlanInput) ([]PlanRow, []sheet.RowError, error) {
	if in.Actor.ActingAs == "" {
		in.Actor.ActingAs = audit.AsSystem
	}
	if in.Year < 2018 || in.Year > 2100 {
		return nil, nil, fmt.Errorf("year %d: want 2018..2100", in.Year)
	}
	sh, err := sheet.Read(in.File, in.Format, planSpec)
	if err != nil {
		return nil, nil, err
	}
	locs, err := LoadLocalities(ctx, s.pool, in.Province)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, fmt.Errorf("no province %q", in.Province)
	}
	if err != nil {
		return nil, nil, err
	}
	rows, errs := checkPlan(sh, locs)
	if len(errs) > 0 {
		return rows, errs, ErrPlanRows
	}
	if len(rows) == 0 {
		return nil, []sheet.RowError{{Line: 1, ReasonVI: "tệp không có dòng kế hoạch nào", ReasonEN: "the file has no plan row"}}, ErrPlanRows
	}
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var old int
		_ = tx.QueryRow(ctx, `SELECT count(*) FROM ocop_plan_row r JOIN ocop_plan p ON p.id = r.plan_id WHERE p.province_code = $1 AND p.year = $2`,
			in.Province, in.Year).Scan(&old)
		if _, err := tx.Exec(ctx, `DELETE FROM ocop_plan WHERE province_code = $1 AND year = $2`, in.Province, in.Year); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO ocop_plan (province_code, year, file_name, coop_share_pct, enterprise_share_pct, imported_by, imported_at)
			VALUES ($1, $2, $3, $4, $5, NULLIF($6, 0), $7) RETURNING id`, in.Province, in.Year, vntext.Truncate(in.FileName, 200),
			in.CoopSharePct, in.EnterpriseSharePct, in.Actor.UserID, s.now()).Scan(&id); err != nil {
			return err
		}
		b := &pgx.Batch{}
		total := 0
		for i, r := range rows {
			b.Queue(`INSERT INTO ocop_plan_row (plan_id, row_no, locality_name, locality_kind, locality_code, total, star5, star4, star3, min_star5)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, id, i+1, r.Name, r.Locality.Kind, r.Locality.Code,
				r.Total, r.Star5, r.Star4, r.Star3, r.MinStar5)
			if r.Locality.Kind != KindProvince {
				total += r.Total
			}
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: in.Actor.UserID, ActingAs: in.Actor.ActingAs, Entity: "plan", EntityID: id,
			Action: "import", Detail: map[string]any{"province": in.Province, "year": in.Year, "rows": len(rows), "total": total,
				"replaced_rows": old, "file": in.FileName}})
	})
	return rows, nil, err
}

// checkPlan turns a plan sheet's records into rows, with the row errors:
// an unmatched locality, a count that is not a whole number, totals that
// do not add up, a locality twice.
func checkPlan(sh *sheet.Sheet, locs *Localities) ([]PlanRow, []sheet.RowError) {
	errs := append([]sheet.RowError(nil), sh.Errors...)
	var rows []PlanRow
	seen := map[string]int{}
	for i, rec := range sh.Records {
		line := sh.Lines[i]
		bad := func(col, vi, en string) {
			errs = append(errs, sheet.RowError{Line: line, Column: col, ReasonVI: vi, ReasonEN: en})
		}
		name := strings.TrimSpace(vntext.NFC(rec[colLocality]))
		if f := vntext.Fold(name); f == "tong" || f == "tong cong" || f == "cong" {
			continue // the plan's own totals row
		}
		r := PlanRow{Line: line, Name: name}
		loc, ok := locs.Match(name)
		switch {
		case name == "":
			bad(colLocality, "thiếu tên địa phương", "the locality is empty")
		case !ok:
			bad(colLocality, fmt.Sprintf("không tìm thấy địa phương “%s” trong %s (huyện/thị xã/thành phố cũ, xã/phường mới, hoặc toàn tỉnh)", name, locs.Province.Name),
				fmt.Sprintf("no locality %q in %s (a former district, a current commune, or the province)", name, locs.Province.Name))
		default:
			r.Locality = loc
			key := loc.Kind + loc.Code
			if prev, dup := seen[key]; dup {
				bad(colLocality, fmt.Sprintf("địa phương “%s” đã có ở dòng %d", name, prev), fmt.Sprintf("locality %q already on line %d", name, prev))
			}
			seen[key] = line
		}
		counts := []*int{&r.Total, &r.Star5, &r.Star4, &r.Star3}
		cols := []string{colTotal, colStar5, colStar4, colStar3}
		okCounts := true
		for j, col := range cols {
			n, err := count(rec[col])
			if err != nil {
				bad(col, "không phải số nguyên không âm: "+strconv.Quote(rec[col]), "not a whole number ≥ 0: "+strconv.Quote(rec[col]))
				okCounts = false
				continue
			}
			*counts[j] = n
		}
		if v := strings.TrimSpace(rec[colMinStar5]); v != "" {
			n, err := count(v)
			if err != nil {
				bad(colMinStar5, "không phải số nguyên không âm: "+strconv.Quote(v), "not a whole number ≥ 0: "+strconv.Quote(v))
			} else {
				r.MinStar5 = &n
			}
		}
		if okCounts && r.Star5+r.Star4+r.Star3 != r.Total {
			bad(colTotal, fmt.Sprintf("tổng số %d khác 5 sao + 4 sao + 3 sao = %d", r.Total, r.Star5+r.Star4+r.Star3),
				fmt.Sprintf("total %d is not star5 + star4 + star3 = %d", r.Total, r.Star5+r.Star4+r.Star3))
		}
		rows = append(rows, r)
	}
	return rows, errs
}

// count reads a count cell: empty is 0; "1.000" and "1,000" are a
// thousand; a spreadsheet's "12.0" is 12.
func count(v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" || v == "-" {
		return 0, nil
	}
	v = strings.TrimSuffix(v, ".0")
	v = strings.NewReplacer(".", "", ",", "", " ", "", "\u00a0", "").Replace(v)
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 1_000_000 {
		return 0, fmt.Errorf("bad count %q", v)
	}
	return n, nil
}
