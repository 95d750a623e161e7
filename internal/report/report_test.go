package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/export"
	"github.com/ocopvn/ocop/internal/geo"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/report"
)

// thanhHoa loads a small Thanh Hóa: five communes in three former
// districts (one commune of a fourth district, Hà Trung, is left out of
// the plan) with the map and the list as the shared files write them.
func thanhHoa(t testing.TB, f catalogtest.Fixture) {
	t.Helper()
	f.Exec(`INSERT INTO commune (code, province_code, name, full_name, kind, name_fold) VALUES
		('15001', '38', 'Nga Sơn', 'Xã Nga Sơn', 'xa', 'nga son'),
		('15002', '38', 'Nga Thắng', 'Xã Nga Thắng', 'xa', 'nga thang'),
		('15003', '38', 'Hạc Thành', 'Phường Hạc Thành', 'phuong', 'hac thanh'),
		('15004', '38', 'Nghi Sơn', 'Phường Nghi Sơn', 'phuong', 'nghi son'),
		('15005', '38', 'Hà Trung', 'Xã Hà Trung', 'xa', 'ha trung')`)
	list := "legacy_district_code,legacy_district_name,legacy_province_code,legacy_province_name\n" +
		"380,Thành phố Thanh Hóa,38,Tỉnh Thanh Hóa\n396,Huyện Nga Sơn,38,Tỉnh Thanh Hóa\n" +
		"407,Thị xã Nghi Sơn,38,Tỉnh Thanh Hóa\n390,Huyện Hà Trung,38,Tỉnh Thanh Hóa\n"
	m := "commune_code,province_code,legacy_district_code,legacy_district_name,legacy_province_code,legacy_province_name,match\n" +
		"15001,38,396,Huyện Nga Sơn,38,Tỉnh Thanh Hóa,code\n15002,38,396,Huyện Nga Sơn,38,Tỉnh Thanh Hóa,code\n" +
		"15003,38,380,Thành phố Thanh Hóa,38,Tỉnh Thanh Hóa,code\n15004,38,407,Thị xã Nghi Sơn,38,Tỉnh Thanh Hóa,code\n" +
		"15005,38,390,Huyện Hà Trung,38,Tỉnh Thanh Hóa,code\n99999,38,,,,,none\n"
	sum, err := geo.LoadLegacy(context.Background(), f.Pool, strings.NewReader(m), strings.NewReader(list))
	if err != nil || sum.Districts != 4 || sum.Communes != 5 || sum.Unmapped != 1 {
		t.Fatalf("legacy load: %+v %v", sum, err)
	}
}

// certified records a product of a new producer at commune (or, when
// commune is "", with only an address) with one certificate per decision.
func certified(t testing.TB, f catalogtest.Fixture, name, commune, address string, decisions ...struct {
	star int
	on   string
}) int64 {
	t.Helper()
	pid := f.Producer("HTX "+name, "38")
	if commune != "" {
		f.Exec(`UPDATE producer SET commune_code = $2 WHERE id = $1`, pid, commune)
	}
	f.Exec(`UPDATE producer SET address_as_issued = $2 WHERE id = $1`, pid, address)
	first, _ := time.Parse(time.DateOnly, decisions[0].on)
	id := f.Product(pid, catalogtest.Product{Name: name, Group: "I.5.a", Price: 1000, Star: decisions[0].star, Decided: first})
	for i, d := range decisions[1:] {
		f.Exec(`UPDATE certificate SET status = 'superseded' WHERE product_id = $1 AND status = 'active'`, id)
		f.Exec(`INSERT INTO certificate (product_id, star, decision_no, decision_date, issuing_level, issuing_authority, valid_from, valid_until, status)
			VALUES ($1, $2, $3, $4::date, 'province', 'UBND tỉnh Thanh Hóa', $4::date, ($4::date + interval '36 months' - interval '1 day')::date, 'active')`,
			id, d.star, name+string(rune('a'+i)), d.on)
	}
	return id
}

type dec = struct {
	star int
	on   string
}

// TestPlanVsActual imports Thanh Hóa's 2025 plan by former districts
// (written the ways plans write them), records certificates in communes of
// those districts, one placed by its address only and one nowhere, and
// checks every count against a hand count.
func TestPlanVsActual(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	f := catalogtest.Fixture{T: t, Pool: pool}
	thanhHoa(t, f)
	svc := report.New(pool, nil)

	// refused: an unknown district, totals that do not add up, a bad
	// count; nothing is written
	bad := "Địa phương,Tổng số,5 sao,4 sao,3 sao\nHuyện Nga Sơn,5,0,1,4\nHuyện Không Có,2,0,0,2\nTX Nghi Sơn,3,1,1,0\nTP Thanh Hóa,x,0,0,0\n"
	_, errs, err := svc.ImportPlan(ctx, report.PlanInput{Province: "38", Year: 2025, File: strings.NewReader(bad), Format: "csv"})
	if !errors.Is(err, report.ErrPlanRows) || len(errs) != 3 {
		t.Fatalf("bad plan: %v, %d errors %v", err, len(errs), errs)
	}
	if !strings.Contains(errs[0].ReasonVI, "Huyện Không Có") || errs[0].Line != 3 || errs[1].Column != "total" || errs[2].Column != "total" {
		t.Errorf("row errors: %v", errs)
	}
	var plans int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM ocop_plan`).Scan(&plans)
	if plans != 0 {
		t.Fatalf("a refused plan wrote %d plans", plans)
	}

	// the plan, as a province writes it: a title, abbreviations, a totals row
	plan := "KẾ HOẠCH PHÁT TRIỂN SẢN PHẨM OCOP NĂM 2025\n\nĐịa phương;Tổng số;5 sao;4 sao;3 sao;Tối thiểu 5 sao\n" +
		"H. Nga Sơn;5;0;1;4;\nTX Nghi Sơn;3;1;1;1;1\nThành phố Thanh Hóa;2;0;0;2;\nTổng;10;1;2;7;\n"
	coop := 40
	rows, errs, err := svc.ImportPlan(ctx, report.PlanInput{Province: "38", Year: 2025, File: strings.NewReader(plan), Format: "csv",
		FileName: "ke-hoach-2025.csv", CoopSharePct: &coop, Actor: audit.Actor{ActingAs: audit.AsSystem}})
	if err != nil || len(rows) != 3 {
		t.Fatalf("plan: %v %v %d rows", err, errs, len(rows))
	}
	if rows[0].Locality.Code != "396" || rows[1].Locality.Code != "407" || rows[2].Locality.Code != "380" {
		t.Errorf("localities %+v", rows)
	}

	// certificates of 2025 (hand count below)
	certified(t, f, "Nem chua", "15001", "", dec{3, "2025-03-01"})                                      // Nga Sơn new 3★
	certified(t, f, "Chiếu cói", "15002", "", dec{4, "2025-05-10"})                                     // Nga Sơn new 4★
	certified(t, f, "Mắm tép", "", "Xã Nga Thắng cũ, H. Nga Sơn, tỉnh Thanh Hóa", dec{3, "2025-06-01"}) // Nga Sơn by address, new 3★
	certified(t, f, "Nước mắm", "15004", "", dec{3, "2022-01-10"}, dec{4, "2025-02-02"})                // Nghi Sơn upgraded (not new)
	certified(t, f, "Bánh gai", "15004", "", dec{5, "2025-07-07"})                                      // Nghi Sơn new 5★
	certified(t, f, "Chè lam", "15003", "", dec{3, "2022-04-04"}, dec{3, "2025-04-04"})                 // TP Thanh Hóa renewed
	certified(t, f, "Gạo", "15005", "", dec{3, "2025-08-08"})                                           // Hà Trung: not in the plan
	certified(t, f, "Mật ong", "", "Số 1 đường Lê Lợi", dec{4, "2025-09-09"})                           // nowhere
	certified(t, f, "Rượu", "15001", "", dec{3, "2024-12-31"})                                          // 2024: not counted
	revoked := certified(t, f, "Tương", "15001", "", dec{3, "2025-01-15"})                              // revoked: not counted
	f.Exec(`UPDATE certificate SET status = 'revoked', revoked_on = '2025-10-01' WHERE product_id = $1`, revoked)

	r, err := svc.PlanVsActual(ctx, "38", 2025)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		plan, actual      report.Counts
		renewed, upgraded int
	}{
		{report.Counts{Total: 5, Star4: 1, Star3: 4}, report.Counts{Total: 3, Star4: 1, Star3: 2}, 0, 0},
		{report.Counts{Total: 3, Star5: 1, Star4: 1, Star3: 1}, report.Counts{Total: 1, Star5: 1}, 0, 1},
		{report.Counts{Total: 2, Star3: 2}, report.Counts{}, 1, 0},
	}
	for i, w := range want {
		l := r.Lines[i]
		if l.Plan != w.plan || l.Actual != w.actual || l.Renewed != w.renewed || l.Upgraded != w.upgraded {
			t.Errorf("row %d %s: plan %+v actual %+v renewed %d upgraded %d; want %+v", i, l.Name, l.Plan, l.Actual, l.Renewed, l.Upgraded, w)
		}
	}
	// Hà Trung's and the address-less certificate: unattributed, never dropped
	if r.Unattributed.Actual != (report.Counts{Total: 2, Star4: 1, Star3: 1}) {
		t.Errorf("unattributed %+v", r.Unattributed.Actual)
	}
	if r.Totals.Plan.Total != 10 || r.Totals.Actual != (report.Counts{Total: 6, Star5: 1, Star4: 2, Star3: 3}) || r.Totals.Renewed != 1 || r.Totals.Upgraded != 1 {
		t.Errorf("totals %+v", r.Totals)
	}
	if p := r.Lines[0].Progress(); p != 60 {
		t.Errorf("Nga Sơn progress %v, want 60", p)
	}
	if p := r.Totals.Progress(); p != 60 {
		t.Errorf("total progress %v, want 60", p)
	}
	if r.Lines[1].MinStar5 == nil || *r.Lines[1].MinStar5 != 1 || r.Lines[1].Star5Total != 1 {
		t.Errorf("Nghi Sơn's minimum 5★: %v, has %d", r.Lines[1].MinStar5, r.Lines[1].Star5Total)
	}
	if r.CoopSharePct == nil || *r.CoopSharePct != 40 || r.ActualCoopSharePct != 100 {
		t.Errorf("cooperatives' share: target %v, actual %v", r.CoopSharePct, r.ActualCoopSharePct)
	}

	// the script's CSV: the contract's columns, a row per plan row as the
	// plan names it, the unattributed row and the totals
	var b bytes.Buffer
	if err := report.WritePlan(&b, r, "csv"); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "locality,plan_total,plan_star5,plan_star4,plan_star3,actual_total,actual_star5,actual_star4,actual_star3,progress_pct" ||
		len(recs) != 6 || recs[1][0] != "H. Nga Sơn" || strings.Join(recs[5], ",") != "Tổng cộng,10,1,2,7,6,1,2,3,60" {
		t.Errorf("CSV:\n%v", recs)
	}
	// people's XLSX: the title with the filter, Vietnamese headers,
	// numbers as numbers
	b.Reset()
	if err := report.WritePlan(&b, r, "xlsx"); err != nil {
		t.Fatal(err)
	}
	x := report.PlanTable(r, true)
	b.Reset()
	if err := export.XLSX(&b, x); err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	sh := wb.GetSheetList()[0]
	title, _ := wb.GetCellValue(sh, "A1")
	header, _ := wb.GetCellValue(sh, "B2")
	typ, _ := wb.GetCellType(sh, "B3")
	val, _ := wb.GetCellValue(sh, "B3")
	if !strings.Contains(title, "2025") || !strings.Contains(title, "Thanh Ho") || header != "Kế hoạch: tổng" || val != "5" || typ == excelize.CellTypeSharedString {
		t.Errorf("XLSX: title %q, header %q, B3 %q (type %v)", title, header, val, typ)
	}

	// re-importing replaces the year's plan
	plan2 := "Địa phương,Tổng số,5 sao,4 sao,3 sao\nToàn tỉnh,20,2,4,14\n"
	if _, errs, err := svc.ImportPlan(ctx, report.PlanInput{Province: "38", Year: 2025, File: strings.NewReader(plan2), Format: "csv"}); err != nil {
		t.Fatal(err, errs)
	}
	r, err = svc.PlanVsActual(ctx, "38", 2025)
	if err != nil || len(r.Lines) != 1 || r.Lines[0].Locality.Kind != report.KindProvince || r.Lines[0].Actual.Total != 6 || r.Totals.Plan.Total != 20 {
		t.Errorf("replaced plan: %+v %v", r, err)
	}
	var audited int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'plan' AND action = 'import'`).Scan(&audited)
	if audited != 2 {
		t.Errorf("%d plan imports audited, want 2", audited)
	}
	if _, err := svc.PlanVsActual(ctx, "38", 2024); !errors.Is(err, report.ErrNoPlan) {
		t.Errorf("a year without a plan: %v", err)
	}
}

// TestLocalityNames: the ways plans write places.
func TestLocalityNames(t *testing.T) {
	pool := pgtest.NewDB(t)
	f := catalogtest.Fixture{T: t, Pool: pool}
	thanhHoa(t, f)
	locs, err := report.LoadLocalities(context.Background(), pool, "38")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"Huyện Nga Sơn": "396", "H. Nga Sơn": "396", "H.Nga Sơn": "396", "huyen nga son": "396", "Nga Sơn": "396",
		"TX Nghi Sơn": "407", "Thị xã Nghi Sơn": "407", "TX. Nghi Sơn": "407",
		"TP Thanh Hóa": "380", "Thành phố Thanh Hoá": "380", "TP. Thanh Hoá": "380",
		"Tỉnh Thanh Hóa": "38", "Thanh Hóa": "38", "Toàn tỉnh": "38",
		"Xã Nga Thắng": "15002", "Nga Thắng": "15002", "Phường Hạc Thành": "15003",
		"Xã Nga Sơn": "15001", "Phường Nghi Sơn": "15004",
	} {
		got, ok := locs.Match(name)
		if !ok || got.Code != want {
			t.Errorf("Match(%q) = %+v, %v; want %s", name, got, ok, want)
		}
	}
	for _, name := range []string{"Huyện Không Có", "Xã Nga Sơn Mới", "", "Quận 1"} {
		if got, ok := locs.Match(name); ok {
			t.Errorf("Match(%q) = %+v, want no match", name, got)
		}
	}
}
