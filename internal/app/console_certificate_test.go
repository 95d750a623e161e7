package app_test

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
)

// TestRecordCertificate: validity is 36 months − 1 day (a 29/02 decision
// too), the score must reach the star's floor, the date may not be in the
// future, a new certificate supersedes the active one, the product must
// belong to the route's producer, and staff of another province are
// refused.
func TestRecordCertificate(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	pid := f.Producer("HTX Chè Phú Đô", "19")
	prod := f.Product(pid, catalogtest.Product{Name: "Chè Phú Đô", Group: "I.5.a", Price: 200000, Star: 3, Decided: time.Date(2023, 1, 10, 0, 0, 0, 0, time.UTC)})
	otherProducer := f.Producer("HTX Khác", "19")
	foreign := f.Product(otherProducer, catalogtest.Product{Name: "Sản phẩm khác", Group: "I.5.a", Price: 1000, Star: 3})
	staff, sid := staffClient(t, s, "s19@example.vn", "19")
	base := "/quan-tri/chu-the/" + strconv.FormatInt(pid, 10) + "/san-pham/"
	path := base + strconv.FormatInt(prod, 10) + "/chung-nhan"
	r := staff.do("GET", path, nil)
	if r.status != 200 {
		t.Fatalf("GET: %d", r.status)
	}
	contains(t, r.body, "Ghi nhận chứng nhận", `name="decision_no"`, `type="date"`, `<option value="19" selected>`)
	good := []string{"decision_no", "1234/QĐ-UBND", "decision_date", "2024-02-29", "star", "4", "score", "75,5",
		"issuing_level", "province", "issuing_authority", "UBND tỉnh Thái Nguyên", "issuing_province", "19"}
	set := func(kv ...string) []string {
		out := append([]string{}, good...)
		for i := 0; i+1 < len(kv); i += 2 {
			for j := 0; j+1 < len(out); j += 2 {
				if out[j] == kv[i] {
					out[j+1] = kv[i+1]
				}
			}
		}
		return out
	}
	tomorrow := time.Now().In(time.FixedZone("ICT", 7*3600)).AddDate(0, 0, 2).Format(time.DateOnly)
	bad := []struct {
		name, field string
		form        []string
	}{
		{"score below the floor", "score", set("score", "65")},
		{"score over 100", "score", set("score", "101")},
		{"future date", "decision_date", set("decision_date", tomorrow)},
		{"bad date", "decision_date", set("decision_date", "29/02/2024")},
		{"star 2", "star", set("star", "2")},
		{"no decision number", "decision_no", set("decision_no", " ")},
		{"bad level", "issuing_level", set("issuing_level", "commune")},
	}
	for _, tt := range bad {
		r := staff.post(path, path, tt.form...)
		if r.status != 422 || !strings.Contains(r.body, `id="`+tt.field+`-error"`) {
			t.Errorf("%s: %d", tt.name, r.status)
		}
	}
	if n := s.count(`SELECT count(*) FROM certificate WHERE product_id = $1`, prod); n != 1 {
		t.Fatalf("refused forms stored certificates: %d", n)
	}
	// another producer's product through this producer's URL; another province's staff
	if r := staff.post(base+strconv.FormatInt(foreign, 10)+"/chung-nhan", "/tai-khoan", good...); r.status != 404 {
		t.Errorf("foreign product: %d", r.status)
	}
	if r := staff.do("GET", base+strconv.FormatInt(foreign, 10)+"/chung-nhan", nil); r.status != 404 {
		t.Errorf("foreign product page: %d", r.status)
	}
	staff01, _ := staffClient(t, s, "s01@example.vn", "01")
	if r := staff01.post(path, "/tai-khoan", good...); r.status != 403 {
		t.Errorf("staff01: %d", r.status)
	}
	if n := s.count(`SELECT count(*) FROM certificate`); n != 2 {
		t.Fatalf("certificates after refusals: %d", n)
	}

	if r := staff.post(path, path, good...); r.status != 303 {
		t.Fatalf("record: %d\n%s", r.status, r.body)
	}
	var from, until, status string
	var star int
	var score string
	if err := s.pool.QueryRow(ctx, `SELECT valid_from::text, valid_until::text, status, star, score::text FROM certificate
		WHERE product_id = $1 AND decision_no = '1234/QĐ-UBND'`, prod).Scan(&from, &until, &status, &star, &score); err != nil {
		t.Fatal(err)
	}
	if from != "2024-02-29" || until != "2027-02-27" || status != "active" || star != 4 || score != "75.50" {
		t.Errorf("certificate: %s %s %s %d %s", from, until, status, star, score)
	}
	if n := s.count(`SELECT count(*) FROM certificate WHERE product_id = $1 AND status = 'superseded'`, prod); n != 1 {
		t.Errorf("superseded: %d", n)
	}
	if n := s.count(`SELECT count(*) FROM audit_log WHERE actor_id = $1 AND acting_as = 'staff' AND producer_id = $2 AND entity = 'certificate' AND action = 'record'`, sid, pid); n != 1 {
		t.Errorf("audit: %d", n)
	}
	r = staff.do("GET", path+"?xong=1", nil)
	contains(t, r.body, "Đã ghi nhận chứng nhận", "1234/QĐ-UBND", "27/02/2027", "Đã thay thế")
	// the same decision number again
	if r := staff.post(path, path, good...); r.status != 422 || !strings.Contains(r.body, `id="decision_no-error"`) {
		t.Errorf("duplicate decision: %d", r.status)
	}
	// only the ministry certifies 5★ (Decision 148): a province's 5★ is refused
	if r := staff.post(path, path, set("decision_no", "98/QĐ-UBND", "decision_date", "2025-07-20", "score", "", "star", "5")...); r.status != 422 ||
		!strings.Contains(r.body, `id="issuing_level-error"`) || !strings.Contains(r.body, "Chỉ Bộ Nông nghiệp và Môi trường") {
		t.Errorf("a provincial 5★: %d", r.status)
	}
	// a recent one (no score) on an ordinary day
	if r := staff.post(path, path, set("decision_no", "99/QĐ-UBND", "decision_date", "2025-07-20", "score", "", "star", "5",
		"issuing_level", "central", "issuing_authority", "Bộ Nông nghiệp và Môi trường", "issuing_province", "")...); r.status != 303 {
		t.Fatalf("second record: %d", r.status)
	}
	if n := s.count(`SELECT count(*) FROM certificate WHERE product_id = $1 AND status = 'active' AND valid_until = '2028-07-19' AND score IS NULL`, prod); n != 1 {
		t.Error("second certificate")
	}
	// backfilling an older decision keeps the active certificate and says so
	r = staff.post(path, path, set("decision_no", "50/QĐ-UBND", "decision_date", "2024-12-01")...)
	if r.status != 303 || r.location != path+"?xong=lich-su" {
		t.Fatalf("backfill: %d %s", r.status, r.location)
	}
	if n := s.count(`SELECT count(*) FROM certificate WHERE product_id = $1 AND status = 'active' AND decision_no = '99/QĐ-UBND'`, prod); n != 1 {
		t.Error("the backfilled certificate replaced the active one")
	}
	if n := s.count(`SELECT count(*) FROM certificate WHERE product_id = $1 AND status = 'superseded' AND decision_no = '50/QĐ-UBND'`, prod); n != 1 {
		t.Error("the backfilled certificate is not kept as history")
	}
	contains(t, staff.do("GET", r.location, nil).body, "vào lịch sử", "không thay thế")
}

// TestStaffRoles: an admin grants and revokes a province by email or
// phone (audited); staff cannot.
func TestStaffRoles(t *testing.T) {
	s := newSite(t)
	admin, adminID := staffClient(t, s, "admin@example.vn")
	u := s.user("0912000111", "Cán bộ mới", "mat khau dung")
	if r := admin.post("/quan-tri/can-bo", "/quan-tri/can-bo", "identifier", "không có", "province", "19", "action", "grant"); r.status != 422 || !strings.Contains(r.body, `id="identifier-error"`) {
		t.Errorf("bad identifier: %d", r.status)
	}
	if r := admin.post("/quan-tri/can-bo", "/quan-tri/can-bo", "identifier", "0912 000 111", "province", "19", "action", "grant"); r.status != 303 {
		t.Fatalf("grant: %d", r.status)
	}
	if n := s.count(`SELECT count(*) FROM staff_province WHERE user_id = $1 AND province_code = '19'`, u.ID); n != 1 {
		t.Error("not granted")
	}
	// the list separates email and phone and names the provinces
	if _, err := s.pool.Exec(context.Background(), `UPDATE app_user SET email = 'moi@example.vn' WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	var provName string
	if err := s.pool.QueryRow(context.Background(), `SELECT name FROM province WHERE code = '19'`).Scan(&provName); err != nil {
		t.Fatal(err)
	}
	r := admin.do("GET", "/quan-tri/can-bo", nil)
	contains(t, r.body, "Cán bộ mới", "moi@example.vn · &#43;84912000111", ": "+provName+" (Văn phòng điều phối OCOP")
	if r := admin.post("/quan-tri/can-bo", "/quan-tri/can-bo", "identifier", "+84912000111", "province", "19", "action", "revoke"); r.status != 303 {
		t.Fatalf("revoke: %d", r.status)
	}
	if n := s.count(`SELECT count(*) FROM staff_province WHERE user_id = $1`, u.ID); n != 0 {
		t.Error("not revoked")
	}
	if n := s.count(`SELECT count(*) FROM audit_log WHERE actor_id = $1 AND acting_as = 'admin' AND entity = 'staff_province' AND entity_id = $2`, adminID, u.ID); n != 2 {
		t.Errorf("audit entries: %d", n)
	}
	staff, _ := staffClient(t, s, "s19@example.vn", "19")
	if r := staff.post("/quan-tri/can-bo", "/tai-khoan", "identifier", "0912000111", "province", "19"); r.status != 403 {
		t.Errorf("staff grants: %d", r.status)
	}
}

// TestRecordCertificateRules: the console refuses what the rules refuse,
// in plain words, and asks for confirmation on a decision that differs
// from its period's pattern (a provincial 3★ under Decision 148).
func TestRecordCertificateRules(t *testing.T) {
	s := newSite(t)
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	pid := f.Producer("HTX Mắc ca Đắk Lắk", "66")
	prod := f.Product(pid, catalogtest.Product{Name: "Hạt mắc ca", Group: "I.3.c", Price: 300000, Star: 3, Decided: time.Date(2022, 1, 10, 0, 0, 0, 0, time.UTC)})
	staff, _ := staffClient(t, s, "s66@example.vn", "66")
	path := "/quan-tri/chu-the/" + strconv.FormatInt(pid, 10) + "/san-pham/" + strconv.FormatInt(prod, 10) + "/chung-nhan"
	form := func(kv ...string) []string {
		return append([]string{"decision_no", "77/QĐ-UBND", "decision_date", "2024-11-15", "star", "4", "score", "95,64",
			"issuing_level", "province", "issuing_authority", "UBND tỉnh Đắk Lắk", "issuing_province", "66"}, kv...)
	}
	for _, tt := range []struct {
		name, field, words string
		form               []string
	}{
		{"3★ scoring 89", "score", "ngoài khung điểm của hạng 3 sao", form("star", "3", "score", "89")},
		{"district after 01/07/2025", "issuing_level", "Cấp huyện đã bãi bỏ", form("star", "3", "score", "", "issuing_level", "district", "decision_date", "2025-08-01")},
		{"mandatory criteria not met", "meets_mandatory", "tiêu chí bắt buộc", form("meets_mandatory", "no")},
	} {
		// the last value of a repeated field wins in the form
		r := staff.post(path, path, tt.form...)
		if r.status != 422 || !strings.Contains(r.body, `id="`+tt.field+`-error"`) || !strings.Contains(r.body, tt.words) {
			t.Errorf("%s: %d, no %s error saying %q", tt.name, r.status, tt.field, tt.words)
		}
	}
	// a provincial 4★ scoring 95,64 (Đắk Lắk 2024) is recorded: potential 5★
	if r := staff.post(path, path, form()...); r.status != 303 {
		t.Fatalf("Đắk Lắk 95,64: %d", r.status)
	}
	// a provincial 3★ under Decision 148 (districts certified 3★ then): a
	// warning to confirm, then recorded
	warned := form("decision_no", "80/QĐ-UBND", "star", "3", "score", "", "decision_date", "2024-12-20")
	r := staff.post(path, path, warned...)
	if r.status != 422 || !strings.Contains(r.body, `name="confirm"`) || !strings.Contains(r.body, "UBND cấp huyện") {
		t.Fatalf("warning: %d", r.status)
	}
	if r := staff.post(path, path, append(warned, "confirm", "1")...); r.status != 303 {
		t.Fatalf("confirmed: %d %s", r.status, r.body)
	}
}

// TestRecordCertificateLaterStart: a decision that states a later start
// (Yên Bái: valid 36 months from 28/12/2023) is valid 36 months from that
// day; a start before the decision is refused.
func TestRecordCertificateLaterStart(t *testing.T) {
	s := newSite(t)
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	pid := f.Producer("HTX Quế Văn Yên", "15")
	prod := f.Product(pid, catalogtest.Product{Name: "Quế Văn Yên", Group: "I.3.c", Price: 90000, Star: 3, Decided: time.Date(2022, 1, 10, 0, 0, 0, 0, time.UTC)})
	staff, _ := staffClient(t, s, "s15@example.vn", "15")
	path := "/quan-tri/chu-the/" + strconv.FormatInt(pid, 10) + "/san-pham/" + strconv.FormatInt(prod, 10) + "/chung-nhan"
	form := []string{"decision_no", "2900/QĐ-UBND", "decision_date", "2023-12-20", "valid_from", "2023-12-28", "star", "4",
		"issuing_level", "province", "issuing_authority", "UBND tỉnh Yên Bái", "issuing_province", "15"}
	if r := staff.post(path, path, append(form, "valid_from", "2023-12-01")...); r.status != 422 || !strings.Contains(r.body, `id="valid_from-error"`) {
		t.Errorf("a start before the decision: %d", r.status)
	}
	if r := staff.post(path, path, form...); r.status != 303 {
		t.Fatalf("later start: %d", r.status)
	}
	if n := s.count(`SELECT count(*) FROM certificate WHERE product_id = $1 AND decision_date = '2023-12-20'
		AND valid_from = '2023-12-28' AND valid_until = '2026-12-27' AND status = 'active'`, prod); n != 1 {
		t.Error("the certificate does not run 36 months from 28/12/2023")
	}
}

// TestStaffKinds: an admin grants a province's trade promotion apart from
// its OCOP office (audited, sessions ended); trade promotion sees the
// producers but gets 403 recording a certificate, and its staff page
// names the kind.
func TestStaffKinds(t *testing.T) {
	s := newSite(t)
	admin, _ := staffClient(t, s, "admin@example.vn")
	u := s.user("xtm@example.vn", "Cán bộ xúc tiến", "mat khau dung")
	if r := admin.post("/quan-tri/can-bo", "/quan-tri/can-bo", "identifier", "xtm@example.vn", "province", "19", "kind", "nope", "action", "grant"); r.status != 422 || !strings.Contains(r.body, `id="kind-error"`) {
		t.Errorf("bad kind: %d", r.status)
	}
	if r := admin.post("/quan-tri/can-bo", "/quan-tri/can-bo", "identifier", "xtm@example.vn", "province", "19", "kind", "trade_promotion", "action", "grant"); r.status != 303 {
		t.Fatalf("grant: %d", r.status)
	}
	if n := s.count(`SELECT count(*) FROM staff_province WHERE user_id = $1 AND province_code = '19' AND kind = 'trade_promotion'`, u.ID); n != 1 {
		t.Error("not granted as trade promotion")
	}
	if n := s.count(`SELECT count(*) FROM audit_log WHERE entity = 'staff_province' AND entity_id = $1 AND detail->>'kind' = 'trade_promotion'`, u.ID); n != 1 {
		t.Error("the grant's kind is not audited")
	}
	contains(t, admin.do("GET", "/quan-tri/can-bo", nil).body, "Xúc tiến thương mại (Sở Công Thương)")

	f := catalogtest.Fixture{T: t, Pool: s.pool}
	pid := f.Producer("HTX Chè Tân Cương", "19")
	prod := f.Product(pid, catalogtest.Product{Name: "Chè Tân Cương", Group: "I.5.a", Price: 1000, Star: 3})
	trade := s.client()
	if r := trade.signIn("xtm@example.vn", "mat khau dung"); r.status != 303 {
		t.Fatalf("sign in: %d", r.status)
	}
	if r := trade.do("GET", "/quan-tri/chu-the/"+strconv.FormatInt(pid, 10), nil); r.status != 200 {
		t.Errorf("trade promotion sees its province's producer: %d", r.status)
	}
	path := "/quan-tri/chu-the/" + strconv.FormatInt(pid, 10) + "/san-pham/" + strconv.FormatInt(prod, 10) + "/chung-nhan"
	r := trade.post(path, path, "decision_no", "5/QĐ-UBND", "decision_date", "2025-09-01", "star", "3", "issuing_level", "province",
		"issuing_authority", "UBND tỉnh Thái Nguyên", "issuing_province", "19")
	if r.status != 403 || !strings.Contains(r.body, "Văn phòng điều phối OCOP") {
		t.Errorf("trade promotion records a certificate: %d", r.status)
	}
}

// TestCertificateDeadlines: the staff's deadlines page counts and lists
// their provinces' certificates ending within 30 and 90 days, lapsed and
// revoked this year, by commune and group; the downloads are formula-safe
// and scoped like the page (Z-07).
func TestCertificateDeadlines(t *testing.T) {
	s := newSite(t)
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	now := time.Now()
	pid := f.Producer("HTX Hạn chứng nhận", "19")
	f.Product(pid, catalogtest.Product{Name: `=HYPERLINK("http://evil","x")`, Group: "I.5.a", Price: 1000, Star: 3, Decided: now.AddDate(-3, 0, 10)})
	f.Product(pid, catalogtest.Product{Name: "Chè 60 ngày", Group: "I.5.a", Price: 1000, Star: 4, Decided: now.AddDate(-3, 0, 60)})
	f.Product(pid, catalogtest.Product{Name: "Mật ong đã hết hạn", Group: "I.2.b", Price: 1000, Star: 3, Decided: now.AddDate(-3, 0, -40), Cert: "expired"})
	f.Product(pid, catalogtest.Product{Name: "Nem bị thu hồi", Group: "I.3.a", Price: 1000, Star: 3, Cert: "revoked"})
	f.Product(pid, catalogtest.Product{Name: "Chè còn lâu", Group: "I.5.a", Price: 1000, Star: 4})
	f.Product(f.Producer("HTX Hà Nội", "01"), catalogtest.Product{Name: "Bánh Hà Nội 20 ngày", Group: "I.3.a", Price: 1000, Star: 3, Decided: now.AddDate(-3, 0, 20)})
	f.Exec(`UPDATE certificate SET revoked_on = current_date, revoke_reason = 'Vi phạm' WHERE status = 'revoked'`)

	staff, _ := staffClient(t, s, "s19@example.vn", "19")
	r := staff.do("GET", "/quan-tri/han-chung-nhan", nil)
	if r.status != 200 {
		t.Fatalf("page: %d", r.status)
	}
	contains(t, r.body, "<strong>1</strong> Hết hạn trong 30 ngày", "<strong>1</strong> Hết hạn trong 31–90 ngày",
		"<strong>1</strong> Đã hết hạn, chưa đánh giá lại", "<strong>1</strong> Đã thu hồi trong năm",
		"Chè 60 ngày", "Mật ong đã hết hạn", "Nem bị thu hồi", "Sản phẩm thực phẩm", "Theo xã, phường")
	if strings.Contains(r.body, "Chè còn lâu") || strings.Contains(r.body, "Bánh Hà Nội") {
		t.Error("the page lists a certificate far from its end, or another province's")
	}
	r = staff.do("GET", "/quan-tri/han-chung-nhan?tai-ve=csv", nil)
	if r.status != 200 || !strings.HasPrefix(r.body, "\uFEFF") || !strings.Contains(r.body, `"'=HYPERLINK(""http://evil"",""x"")"`) ||
		strings.Contains(r.body, "Bánh Hà Nội") || strings.Count(r.body, "\n") != 5 {
		t.Errorf("csv: %d\n%s", r.status, r.body)
	}
	if r := staff.do("GET", "/quan-tri/han-chung-nhan?tai-ve=xlsx", nil); r.status != 200 || !strings.HasPrefix(r.body, "PK") {
		t.Errorf("xlsx: %d", r.status)
	}
	other, _ := staffClient(t, s, "s01@example.vn", "01")
	if r := other.do("GET", "/quan-tri/han-chung-nhan?tai-ve=csv", nil); strings.Contains(r.body, "Chè 60 ngày") || !strings.Contains(r.body, "Bánh Hà Nội") {
		t.Errorf("another province's staff:\n%s", r.body)
	}
}

// TestRenewalAndUpgradeAreRecorded: a new decision at the same star is a
// renewal, at a higher one an upgrade; both supersede the active one, and
// the audit says which, in words.
func TestRenewalAndUpgradeAreRecorded(t *testing.T) {
	s := newSite(t)
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	pid := f.Producer("HTX Bưởi Đoan Hùng", "25")
	prod := f.Product(pid, catalogtest.Product{Name: "Bưởi Đoan Hùng", Group: "I.1.b", Price: 60000, Star: 3, Decided: time.Date(2023, 1, 10, 0, 0, 0, 0, time.UTC)})
	staff, _ := staffClient(t, s, "s25@example.vn", "25")
	path := "/quan-tri/chu-the/" + strconv.FormatInt(pid, 10) + "/san-pham/" + strconv.FormatInt(prod, 10) + "/chung-nhan"
	for _, tt := range []struct{ no, date, star, kind string }{
		{"10/QĐ-UBND", "2025-08-01", "3", "renewal"},
		{"20/QĐ-UBND", "2025-10-01", "4", "upgrade"},
	} {
		if r := staff.post(path, path, "decision_no", tt.no, "decision_date", tt.date, "star", tt.star, "issuing_level", "province",
			"issuing_authority", "UBND tỉnh Phú Thọ", "issuing_province", "25"); r.status != 303 {
			t.Fatalf("%s: %d", tt.kind, r.status)
		}
		if n := s.count(`SELECT count(*) FROM audit_log WHERE entity = 'certificate' AND action = 'record' AND detail->>'kind' = $1
			AND detail->>'decision_no' = $2`, tt.kind, tt.no); n != 1 {
			t.Errorf("%s not audited as such", tt.kind)
		}
	}
	if n := s.count(`SELECT count(*) FROM certificate WHERE product_id = $1 AND status = 'active' AND star = 4`, prod); n != 1 {
		t.Error("the upgrade is not the active certificate")
	}
	contains(t, staff.do("GET", "/quan-tri/nhat-ky", nil).body, "nâng hạng", "công nhận lại")
}

// TestImportDecisionAnnex: an officer uploads a decision's annex; the
// preview shows each refused row (another province's, here) and writes
// nothing; a good annex is previewed with its warnings, then imported as
// drafts, audited.
func TestImportDecisionAnnex(t *testing.T) {
	s := newSite(t)
	staff, _ := staffClient(t, s, "s19@example.vn", "19")
	const header = "product_name,group_code,star,score,producer_name,producer_type,province_code,commune_code,address_as_issued,decision_no,decision_date,issuing_level,issuing_authority,price_vnd,unit,description\n"
	bad := header +
		"Chè Khe Cốc,I.5.a,4,75,HTX Chè Khe Cốc,htx,19,,,901/QĐ-UBND,15/09/2025,province,UBND tỉnh Thái Nguyên,200000,Gói 100 g,\n" +
		"Bánh cốm Hà Nội,I.3.a,3,,HTX Bánh cốm,htx,01,,,902/QĐ-UBND,15/09/2025,province,UBND thành phố Hà Nội,50000,Hộp,\n"
	r := staff.upload("/quan-tri/nhap-quyet-dinh", "/quan-tri/nhap-quyet-dinh", "", "file", upFile{"phu-luc.csv", []byte(bad)})
	if r.status != 422 || !strings.Contains(r.body, "Dòng 3") || !strings.Contains(r.body, "không thuộc các tỉnh bạn phụ trách") || strings.Contains(r.body, `action="/quan-tri/nhap-quyet-dinh/ghi"`) {
		t.Fatalf("bad annex: %d", r.status)
	}
	if n := s.count(`SELECT count(*) FROM product`); n != 0 {
		t.Fatalf("a preview wrote %d products", n)
	}
	good := header +
		"Chè Khe Cốc,I.5.a,4,75,HTX Chè Khe Cốc,htx,19,,,901/QĐ-UBND,15/09/2025,province,UBND tỉnh Thái Nguyên,200000,Gói 100 g,\n" +
		"Trà hoa vàng Đại Từ,I.5.b,3,,HTX Trà Đại Từ,htx,19,,,901/QĐ-UBND,15/09/2024,province,UBND tỉnh Thái Nguyên,300000,Hộp,\n"
	r = staff.upload("/quan-tri/nhap-quyet-dinh", "/quan-tri/nhap-quyet-dinh", "", "file", upFile{"phu-luc.csv", []byte(good)})
	if r.status != 200 || !strings.Contains(r.body, "tạo mới 2") || !strings.Contains(r.body, "Các dòng cần xem lại") {
		t.Fatalf("good annex preview: %d", r.status)
	}
	if n := s.count(`SELECT count(*) FROM product`); n != 0 {
		t.Fatalf("a preview wrote %d products", n)
	}
	data := regexp.MustCompile(`name="data" value="([^"]+)"`).FindStringSubmatch(r.body)
	if data == nil {
		t.Fatal("no import form")
	}
	r = staff.post("/quan-tri/nhap-quyet-dinh/ghi", "/quan-tri/nhap-quyet-dinh", "data", html.UnescapeString(data[1]), "format", "csv", "name", "phu-luc.csv")
	if r.status != 200 || !strings.Contains(r.body, "Đã ghi nhận quyết định") {
		t.Fatalf("import: %d", r.status)
	}
	if n := s.count(`SELECT count(*) FROM product WHERE status = 'draft'`); n != 2 {
		t.Errorf("%d draft products, want 2", n)
	}
	// no worker runs here: the page says what the search index has still
	// to apply
	if n := s.count(`SELECT count(*) FROM search_outbox`); n == 0 || !strings.Contains(r.body, fmt.Sprintf("chỉ mục tìm kiếm đang cập nhật %d sản phẩm.", n)) {
		t.Errorf("backlog %d not shown", n)
	}
	if n := s.count(`SELECT count(*) FROM audit_log WHERE entity = 'import' AND detail->>'created' = '2'`); n != 1 {
		t.Error("the import is not audited")
	}
}

// TestDeadlinesShowNotices: the staff's deadlines page says which
// producers have been told (the T-30 notice here).
func TestDeadlinesShowNotices(t *testing.T) {
	s := newSite(t)
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	pid := f.Producer("HTX Thông báo", "19")
	prod := f.Product(pid, catalogtest.Product{Name: "Chè đã được báo", Group: "I.5.a", Price: 1000, Star: 3, Decided: time.Now().AddDate(-3, 0, 20)})
	f.Exec(`INSERT INTO certificate_notice (certificate_id, days, valid_until) SELECT id, 30, valid_until FROM certificate WHERE product_id = $1`, prod)
	staff, _ := staffClient(t, s, "s19@example.vn", "19")
	contains(t, staff.do("GET", "/quan-tri/han-chung-nhan", nil).body, "Chè đã được báo", "đã thông báo cho chủ thể trước 30 ngày")
}
