package app_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func init() {
	// the console's showrooms: staff of a province (either kind) see
	// theirs; trade promotion and admins change them; the showroom of the
	// rows is in province 19, so staff01 does not see it (404)
	addMatrix(map[string]map[string]int{
		"GET /quan-tri/diem-ban": {"anon": 303, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 200, "staff19": 200, "trade19": 200, "admin": 200},
		// an empty upload: no file (422)
		"POST /quan-tri/diem-ban/nhap": {"anon": 401, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 403, "staff19": 403, "trade19": 422, "admin": 422},
		"GET /quan-tri/diem-ban/moi":   {"anon": 303, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 403, "staff19": 403, "trade19": 200, "admin": 200},
		// an empty form: no province (403: nobody may add to no province)
		"POST /quan-tri/diem-ban/moi":      {"anon": 401, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 403, "staff19": 403, "trade19": 403, "admin": 422},
		"GET /quan-tri/diem-ban/:showroom": {"anon": 303, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 404, "staff19": 200, "trade19": 200, "admin": 200},
		// an empty form: field errors (422) for those who may change it
		"POST /quan-tri/diem-ban/:showroom":               {"anon": 401, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 404, "staff19": 403, "trade19": 422, "admin": 422},
		"POST /quan-tri/diem-ban/:showroom/ngay-dac-biet": {"anon": 401, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 404, "staff19": 403, "trade19": 422, "admin": 422},
		"POST /quan-tri/diem-ban/:showroom/kiem-tra":      {"anon": 401, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 404, "staff19": 403, "trade19": 422, "admin": 422},
		"POST /quan-tri/diem-ban/:showroom/san-pham":      {"anon": 401, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 404, "staff19": 403, "trade19": 422, "admin": 422},
		// an empty upload: "no photo chosen" (422)
		"POST /quan-tri/diem-ban/:showroom/anh": {"anon": 401, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 404, "staff19": 403, "trade19": 422, "admin": 422},
		// :photo is a product's photo, not this showroom's: 404
		"POST /quan-tri/diem-ban/:showroom/anh/:photo/xoa": {"anon": 401, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 404, "staff19": 403, "trade19": 404, "admin": 404},
		// an empty form clears an operator the showroom does not have: nothing changes
		"POST /quan-tri/diem-ban/:showroom/don-vi-van-hanh": {"anon": 401, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 404, "staff19": 403, "trade19": 303, "admin": 303},
		// the producer's showrooms: members and the staff of its province
		// (on its behalf); a showroom the producer does not run is 404
		"GET /quan-ly/:producer/diem-ban":                     {"anon": 303, "shopper": 404, "producerA": 200, "producerB": 404, "staff01": 404, "staff19": 200, "trade19": 200, "admin": 200},
		"POST /quan-ly/:producer/diem-ban/:showroom/san-pham": {"anon": 401, "shopper": 404, "producerA": 404, "producerB": 404, "staff01": 404, "staff19": 404, "trade19": 404, "admin": 404},
	})
	matrixParams["showroom"] = func(t *testing.T, s *site, p principals) string {
		var id int64
		if err := s.pool.QueryRow(context.Background(), `
			INSERT INTO showroom (province_code, code, slug, name, name_fold, showroom_type, lat, lng)
			VALUES ('19', 'M-' || (SELECT count(*) FROM showroom), 'matrix-' || (SELECT count(*) FROM showroom), 'Điểm bán ma trận', 'diem ban ma tran', 'ocop_center', 21.59, 105.84)
			RETURNING id`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(id, 10)
	}
}

// pairs is kv as a map.
func pairs(kv []string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// TestConsoleShowroom: trade promotion of 19 adds a showroom through the
// form, sets a Tết closure and a product carried; the public page shows
// them; the audit log names the officer.
func TestConsoleShowroom(t *testing.T) {
	s := newSite(t)
	p := signInRoles(t, s)
	trade := as(s, p, "trade19")
	r := trade.post("/quan-tri/diem-ban/moi", "/quan-tri/diem-ban/moi", "province_code", "19", "code", "TN-9", "name", "Điểm OCOP chợ Thái",
		"type", "intro_sales_point", "lat", "21.5942", "lng", "105.8482", "hours", "Hằng ngày 06:00-18:00", "status", "open", "phone", "0208 385 5555")
	if r.status != 303 || !strings.Contains(r.location, "?xong=showroom_saved") {
		t.Fatalf("create: %d %s\n%s", r.status, r.location, r.body)
	}
	base := strings.SplitN(r.location, "?", 2)[0]
	if r := trade.post(base+"/ngay-dac-biet", base, "date", "06/02/2027", "note", "Nghỉ Tết"); r.status != 303 {
		t.Fatalf("closure: %d\n%s", r.status, r.body)
	}
	if r := trade.post(base+"/ngay-dac-biet", base, "date", "30/02/2027"); r.status != 422 || !strings.Contains(r.body, "Ngày hoặc giờ không đúng") {
		t.Errorf("bad date: %d", r.status)
	}
	if r := trade.post(base+"/san-pham", base, "product", "http://x/san-pham/"+url.PathEscape("khong-co")); r.status != 422 {
		t.Errorf("unknown product: %d", r.status)
	}
	page := trade.do("GET", base, nil).body
	for _, want := range []string{"Điểm OCOP chợ Thái", "06/02/2027: Nghỉ (Nghỉ Tết)", `value="02083855555"`} {
		if !strings.Contains(page, want) {
			t.Errorf("console page lacks %q", want)
		}
	}
	if pub := s.client().do("GET", "/diem-ban/diem-ocop-cho-thai", nil); pub.status != 200 || !strings.Contains(pub.body, "06/02/2027: Nghỉ (Nghỉ Tết)") {
		t.Errorf("public page: %d", pub.status)
	}
	// an inspection that passes every criterion shows the badge
	form := []string{"inspected_on", "01/12/2026", "officer", "Nguyễn Văn A"}
	for _, c := range []string{"location_access", "location_kind", "products_star", "products_quality", "facilities", "management", "signage"} {
		form = append(form, "c_"+c, "dat")
	}
	if r := trade.uploadDocs(base+"/kiem-tra", base, pairs(form[:len(form)-2]), nil); r.status != 422 || !strings.Contains(r.body, "Chọn đạt hoặc không đạt.") {
		t.Errorf("a criterion left out: %d", r.status)
	}
	if r := trade.uploadDocs(base+"/kiem-tra", base, pairs(form), nil); r.status != 303 {
		t.Fatalf("inspection: %d\n%s", r.status, r.body)
	}
	if pub := s.client().do("GET", "/diem-ban/diem-ocop-cho-thai", nil); !strings.Contains(pub.body, "Đạt tiêu chí điểm giới thiệu và bán sản phẩm OCOP") {
		t.Error("no compliance badge")
	}
	if n := s.count(`SELECT count(*) FROM audit_log WHERE entity = 'showroom' AND acting_as = 'staff'`); n != 3 {
		t.Errorf("%d audit entries", n)
	}
}

// TestConsoleShowroomSheet: trade promotion of 19 uploads the sheet; a
// row of another province refuses the file (nothing written); its own
// rows are imported and audited under the officer.
func TestConsoleShowroomSheet(t *testing.T) {
	s := newSite(t)
	p := signInRoles(t, s)
	trade := as(s, p, "trade19")
	sheet := "Mã,Tên điểm bán,Loại,Mã tỉnh,Vĩ độ,Kinh độ,Giờ mở cửa\n" +
		"TN-1,Trung tâm OCOP Thái Nguyên,trung tâm OCOP,19,21.5942,105.8482,Hằng ngày 07:00-21:00\n" +
		"HN-1,Trung tâm OCOP Hà Nội,trung tâm OCOP,01,21.0245,105.8553,Hằng ngày 07:00-21:00\n"
	r := trade.upload("/quan-tri/diem-ban/nhap", "/quan-tri/diem-ban", "", "file", upFile{"diem-ban.csv", []byte(sheet)})
	if r.status != 422 || !strings.Contains(r.body, "Dòng 3, cột province_code: tỉnh 01 không thuộc") {
		t.Fatalf("another province's row: %d\n%s", r.status, r.body)
	}
	if n := s.count(`SELECT count(*) FROM showroom`); n != 0 {
		t.Fatalf("%d showrooms written from a refused file", n)
	}
	own := strings.Join(strings.Split(sheet, "\n")[:2], "\n") + "\n"
	r = trade.upload("/quan-tri/diem-ban/nhap", "/quan-tri/diem-ban", "", "file", upFile{"diem-ban.csv", []byte(own)})
	if r.status != 200 || !strings.Contains(r.body, "tạo mới 1") || !strings.Contains(r.body, "Trung tâm OCOP Thái Nguyên") {
		t.Fatalf("import: %d\n%s", r.status, r.body)
	}
	if n := s.count(`SELECT count(*) FROM audit_log WHERE entity = 'showroom' AND acting_as = 'staff' AND detail->>'file' = 'diem-ban.csv'`); n != 1 {
		t.Errorf("%d audit entries", n)
	}
}
