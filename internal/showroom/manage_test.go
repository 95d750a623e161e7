package showroom_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/showroom"
)

// TestStaffManage: trade promotion of a province creates and edits its
// showrooms (field errors name the fields, nothing written), sets a Tết
// closure and the products carried; another province's staff are
// refused; every change is audited.
func TestStaffManage(t *testing.T) {
	pool, svc := setup(t, time.Date(2026, 12, 7, 10, 0, 0, 0, showroom.Vietnam))
	ctx := context.Background()
	staff := audit.Actor{UserID: 0, ActingAs: audit.AsStaff}
	of01 := func(p string) bool { return p == "01" }
	of19 := func(p string) bool { return p == "19" }

	form := showroom.Fields{"code": "HN-10", "name": "Điểm OCOP Tây Hồ", "type": "intro_sales_point", "province_code": "01",
		"commune_code": "00004", "address": "Đường Thanh Niên", "phone": "0912 345 678", "hours": "T2-CN 08:00-20:00"}
	if _, _, err := svc.Save(ctx, staff, of19, 0, form); !errors.Is(err, showroom.ErrForbidden) {
		t.Fatalf("another province: %v", err)
	}
	bad := showroom.Fields{"code": "HN-01", "name": "", "type": "chợ", "province_code": "01", "lat": "95", "lng": "105", "hours": "T2"}
	_, fe, err := svc.Save(ctx, staff, of01, 0, bad)
	if err != nil || fe["name"] == "" || fe["type"] == "" || fe["lat"] == "" || fe["hours"] == "" || fe["code"] == "" {
		t.Fatalf("field errors: %v %v", fe, err)
	}
	id, fe, err := svc.Save(ctx, staff, of01, 0, form)
	if err != nil || fe != nil || id == 0 {
		t.Fatalf("create: %v %v", fe, err)
	}
	sr, err := svc.ByID(ctx, id)
	if err != nil || !sr.Approximate || sr.Phone != "+84912345678" || sr.Hours.Week[6][0].String() != "08:00-20:00" {
		t.Fatalf("created: %+v %v", sr, err)
	}
	form["hours"] = "T2-T6 08:00-20:00"
	form["code"], form["province_code"] = "CHANGED", "19" // an update keeps both
	if _, fe, err := svc.Save(ctx, staff, of01, id, form); err != nil || fe != nil {
		t.Fatalf("update: %v %v", fe, err)
	}
	if sr, _ = svc.ByID(ctx, id); sr.Code != "HN-10" || sr.ProvinceCode != "01" || len(sr.Hours.Week[6]) != 0 {
		t.Errorf("updated: %s %s %v", sr.Code, sr.ProvinceCode, sr.Hours.Week)
	}
	if err := svc.SetException(ctx, staff, of01, id, "08/12/2026", "", "Nghỉ bảo trì"); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetException(ctx, staff, of01, id, "31/02/2026", "", ""); !errors.Is(err, showroom.ErrException) {
		t.Errorf("a day that does not exist: %v", err)
	}
	if err := svc.SetException(ctx, staff, of19, id, "09/12/2026", "", ""); !errors.Is(err, showroom.ErrForbidden) {
		t.Errorf("another province's exception: %v", err)
	}
	tuesday := time.Date(2026, 12, 8, 10, 0, 0, 0, showroom.Vietnam)
	if sr, _ = svc.ByID(ctx, id); sr.OpenAt(tuesday) || len(sr.Hours.Exceptions) != 1 {
		t.Errorf("closed on the 8th: %v", sr.Hours.Exceptions)
	}
	f := catalogtest.Fixture{T: t, Pool: pool}
	f.Product(f.Producer("HTX Chè", "19"), catalogtest.Product{Name: "Chè búp", Group: "I.5.a", Price: 1000, Star: 4})
	if err := svc.SetProduct(ctx, staff, of01, id, "https://cho-ocop.vn/san-pham/che-bup?x=1", showroom.AddProduct); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetProduct(ctx, staff, of01, id, "khong-co", showroom.AddProduct); !errors.Is(err, showroom.ErrProductSlug) {
		t.Errorf("unknown product: %v", err)
	}
	if carried, _ := svc.Products(ctx, id); len(carried) != 1 || !carried[0].InStock {
		t.Errorf("carried: %v", carried)
	}
	// sold out there for a while: still carried, marked; then back
	if err := svc.SetProduct(ctx, staff, of01, id, "che-bup", showroom.OutOfStock); err != nil {
		t.Fatal(err)
	}
	if carried, _ := svc.Products(ctx, id); len(carried) != 1 || carried[0].InStock {
		t.Errorf("out of stock: %v", carried)
	}
	if err := svc.SetProduct(ctx, staff, of01, id, "che-bup", showroom.InStock); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetProduct(ctx, staff, of01, id, "che-bup", showroom.RemoveProduct); err != nil {
		t.Fatal(err)
	}
	var entries int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'showroom' AND entity_id = $1`, id).Scan(&entries); err != nil || entries != 7 {
		t.Errorf("%d audit entries (create, update, exception, add, out of stock, in stock, remove), %v", entries, err)
	}
	list, err := svc.StaffList(ctx, []string{"01"})
	if err != nil || len(list) != 5 {
		t.Errorf("staff list of 01 (closed and pop-ups too): %d %v", len(list), err)
	}
}

// TestInspections: the 950/QĐ-BCT checklist needs a date not in the
// future, an officer and every criterion; it passes only when all are
// met; the latest inspection is the one that counts.
func TestInspections(t *testing.T) {
	pool, svc := setup(t, time.Date(2026, 12, 7, 10, 0, 0, 0, showroom.Vietnam))
	ctx := context.Background()
	var id int64
	if err := pool.QueryRow(ctx, `SELECT id FROM showroom WHERE code = 'HN-01'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	staff := audit.Actor{ActingAs: audit.AsStaff}
	of01 := func(p string) bool { return p == "01" }
	all := map[string]string{}
	for _, c := range showroom.Criteria {
		all[c.Code] = "dat"
	}
	_, fe, err := svc.RecordInspection(ctx, staff, of01, id, "08/12/2026", "", map[string]string{}, "")
	if err != nil || fe["inspected_on"] == "" || fe["officer"] == "" || fe["c_signage"] == "" {
		t.Fatalf("refused form: %v %v", fe, err)
	}
	if _, _, err := svc.RecordInspection(ctx, staff, func(string) bool { return false }, id, "01/12/2026", "A", all, ""); !errors.Is(err, showroom.ErrForbidden) {
		t.Errorf("another province: %v", err)
	}
	if _, fe, err := svc.RecordInspection(ctx, staff, of01, id, "01/12/2026", "Nguyễn Văn A", all, "Đủ tiêu chí"); err != nil || fe != nil {
		t.Fatalf("passing: %v %v", fe, err)
	}
	if latest, err := svc.Latest(ctx, id); err != nil || latest == nil || !latest.Passed || latest.Officer != "Nguyễn Văn A" {
		t.Fatalf("latest: %+v %v", latest, err)
	}
	all["signage"] = "khong_dat"
	if _, fe, err := svc.RecordInspection(ctx, staff, of01, id, "05/12/2026", "Trần Thị B", all, "Biển hiệu cũ"); err != nil || fe != nil {
		t.Fatalf("failing: %v %v", fe, err)
	}
	latest, err := svc.Latest(ctx, id)
	if err != nil || latest.Passed || latest.Results["signage"] || !latest.Results["facilities"] {
		t.Errorf("latest after a failing one: %+v %v", latest, err)
	}
	if list, _ := svc.Inspections(ctx, id); len(list) != 2 {
		t.Errorf("%d inspections", len(list))
	}
}
