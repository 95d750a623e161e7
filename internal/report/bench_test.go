package report_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/report"
)

// BenchmarkReports: the three reports of one province holding 100,000
// certificates (80,000 products over 2,000 producers in 5 communes of 4
// former districts; a quarter of the products renewed or upgraded), a
// plan of 4 rows. The goal is 200 ms a report.
//
//	go test -run='^$' -bench=Reports ./internal/report/
func BenchmarkReports(b *testing.B) {
	pool := pgtest.NewDB(b)
	ctx := context.Background()
	f := catalogtest.Fixture{T: b, Pool: pool}
	thanhHoa(b, f)
	f.Exec(`INSERT INTO producer (name, name_fold, producer_type, province_code, commune_code, slug)
		SELECT 'HTX ' || i, 'htx ' || i, (ARRAY['htx', 'doanh_nghiep', 'ho_kinh_doanh'])[1 + i % 3], '38',
		       '1500' || (1 + i % 5), 'htx-bench-' || i
		FROM generate_series(1, 2000) i`)
	f.Exec(`INSERT INTO product (producer_id, group_code, name, name_fold, slug, price_vnd, unit, stock, status)
		SELECT pr.id, (ARRAY['I.1.a', 'I.5.a', 'II.1.a', 'I.4.a'])[1 + i % 4], 'Sản phẩm ' || i, 'san pham ' || i, 'sp-bench-' || i, 1000, 'Hộp', 1, 'draft'
		FROM generate_series(1, 80000) i JOIN producer pr ON pr.slug = 'htx-bench-' || (1 + i % 2000)`)
	f.Exec(`INSERT INTO certificate (product_id, star, decision_no, decision_date, issuing_level, issuing_authority, valid_from, valid_until, status)
		SELECT p.id, 3 + p.id % 3, 'QĐ ' || p.id, d, 'province', 'UBND tỉnh Thanh Hóa', d, (d + interval '36 months' - interval '1 day')::date,
		       CASE WHEN p.id % 4 = 0 THEN 'superseded' ELSE 'active' END
		FROM product p, LATERAL (SELECT (date '2019-01-01' + (p.id % 2000) * interval '1 day')::date AS d) x
		WHERE p.slug LIKE 'sp-bench-%'`)
	f.Exec(`INSERT INTO certificate (product_id, star, decision_no, decision_date, issuing_level, issuing_authority, valid_from, valid_until, status)
		SELECT p.id, 5, 'QĐ lại ' || p.id, d, 'province', 'UBND tỉnh Thanh Hóa', d, (d + interval '36 months' - interval '1 day')::date, 'active'
		FROM product p, LATERAL (SELECT (date '2024-06-01' + (p.id % 300) * interval '1 day')::date AS d) x
		WHERE p.slug LIKE 'sp-bench-%' AND p.id % 4 = 0`)
	// statistics as a live database has them (autovacuum would gather them)
	f.Exec(`ANALYZE`)
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM certificate`).Scan(&n); err != nil || n != 100000 {
		b.Fatalf("%d certificates (%v)", n, err)
	}
	svc := report.New(pool, nil)
	plan := "Địa phương,Tổng số,5 sao,4 sao,3 sao\nHuyện Nga Sơn,3000,1000,1000,1000\nTX Nghi Sơn,3000,1000,1000,1000\nTP Thanh Hóa,1500,500,500,500\nHuyện Hà Trung,1500,500,500,500\n"
	if _, errs, err := svc.ImportPlan(ctx, report.PlanInput{Province: "38", Year: 2024, File: strings.NewReader(plan), Format: "csv"}); err != nil {
		b.Fatal(err, errs)
	}
	b.Run("plan_vs_actual", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.PlanVsActual(ctx, "38", 2024); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("certified_in_force", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Certified(ctx, report.Filter{Province: "38"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("per_year", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Lifecycle(ctx, "38"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
