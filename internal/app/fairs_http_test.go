package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
)

func init() {
	// the console's fairs: staff of a province (either kind) see its
	// events; its trade promotion and admins run them; the event of the
	// rows is in province 19, so staff01 does not see it (404)
	no := map[string]int{"anon": 401, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 404, "staff19": 403}
	addMatrix(map[string]map[string]int{
		"GET /quan-tri/hoi-cho":     {"anon": 303, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 200, "staff19": 200, "trade19": 200, "admin": 200},
		"GET /quan-tri/hoi-cho/moi": {"anon": 303, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 403, "staff19": 403, "trade19": 200, "admin": 200},
		// an empty form: no province (403: nobody may add to no province)
		"POST /quan-tri/hoi-cho/moi":   {"anon": 401, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 403, "staff19": 403, "trade19": 403, "admin": 422},
		"GET /quan-tri/hoi-cho/:event": {"anon": 303, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 404, "staff19": 200, "trade19": 200, "admin": 200},
		// empty forms: field errors (422) for those who may run it
		"POST /quan-tri/hoi-cho/:event":            withRoles(no, "trade19", 422, "admin", 422),
		"POST /quan-tri/hoi-cho/:event/trang-thai": withRoles(no, "trade19", 422, "admin", 422),
		"POST /quan-tri/hoi-cho/:event/khu":        withRoles(no, "trade19", 422, "admin", 422),
		"GET /quan-tri/hoi-cho/:event/khu/:zone":   {"anon": 303, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 404, "staff19": 200, "trade19": 200, "admin": 200},
		"POST /quan-tri/hoi-cho/:event/khu/:zone":  withRoles(no, "trade19", 422, "admin", 422),
		// an empty grid: every cell an aisle (nothing changes)
		"POST /quan-tri/hoi-cho/:event/khu/:zone/so-do": withRoles(no, "trade19", 303, "admin", 303),
		// 0: removing the zone would change the shared fixture (TestConsoleFair removes one)
		"POST /quan-tri/hoi-cho/:event/khu/:zone/xoa": no,
		"GET /quan-tri/hoi-cho/:event/ho-so":          {"anon": 303, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 404, "staff19": 200, "trade19": 200, "admin": 200},
		// :application is another event's (404), or the decision is empty (409)
		"POST /quan-tri/hoi-cho/:event/ho-so/:application/duyet":    withRoles(no, "trade19", 404, "admin", 404),
		"POST /quan-tri/hoi-cho/:event/ho-so/:application/nop-phi":  withRoles(no, "trade19", 404, "admin", 404),
		"POST /quan-tri/hoi-cho/:event/ho-so/:application/xep-gian": withRoles(no, "trade19", 404, "admin", 404),
		// no paid application: nothing to allocate (200, the summary)
		"POST /quan-tri/hoi-cho/:event/xep-gian-tu-dong": withRoles(no, "trade19", 200, "admin", 200),
		// no booth code: 422
		"POST /quan-tri/hoi-cho/:event/nhan-gian": withRoles(no, "trade19", 422, "admin", 422),
		// the producer's fairs: members and the staff of its province on its behalf
		"GET /quan-ly/:producer/hoi-cho":        {"anon": 303, "shopper": 404, "producerA": 200, "producerB": 404, "staff01": 404, "staff19": 200, "trade19": 200, "admin": 200},
		"GET /quan-ly/:producer/hoi-cho/:event": {"anon": 303, "shopper": 404, "producerA": 200, "producerB": 404, "staff01": 404, "staff19": 200, "trade19": 200, "admin": 200},
		// registration is not open: 409
		"POST /quan-ly/:producer/hoi-cho/:event":     {"anon": 401, "shopper": 404, "producerA": 409, "producerB": 404, "staff01": 404, "staff19": 409, "trade19": 409, "admin": 409},
		"POST /quan-ly/:producer/hoi-cho/:event/rut": {"anon": 401, "shopper": 404, "producerA": 404, "producerB": 404, "staff01": 404, "staff19": 404, "trade19": 404, "admin": 404},
		// no booth held for the producer
		"POST /quan-ly/:producer/hoi-cho/gian/:booth/nhan": {"anon": 401, "shopper": 404, "producerA": 409, "producerB": 404, "staff01": 404, "staff19": 409, "trade19": 409, "admin": 409},
		// no application of the producer to report on
		"POST /quan-ly/:producer/hoi-cho/:event/bao-cao": {"anon": 401, "shopper": 404, "producerA": 404, "producerB": 404, "staff01": 404, "staff19": 404, "trade19": 404, "admin": 404},
		"GET /quan-tri/hoi-cho/:event/ket-qua":           {"anon": 303, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 404, "staff19": 200, "trade19": 200, "admin": 200},
	})
	matrixParams["event"] = func(t *testing.T, s *site, p principals) string {
		var id int64
		if err := s.pool.QueryRow(context.Background(), `
			INSERT INTO event (slug, kind, name, province_code, starts_on, ends_on, status)
			VALUES ('ma-tran-' || (SELECT count(*) FROM event), 'fair', 'Hội chợ ma trận', '19', '2027-03-01', '2027-03-03', 'published')
			RETURNING id`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(id, 10)
	}
	// an application of another event (404 under the route's event)
	matrixParams["application"] = func(t *testing.T, s *site, p principals) string {
		ctx := context.Background()
		var id int64
		if err := s.pool.QueryRow(ctx, `
			WITH e AS (INSERT INTO event (slug, kind, name, province_code, starts_on, ends_on)
			           VALUES ('khac-' || (SELECT count(*) FROM event), 'fair', 'Hội chợ khác', '19', '2027-04-01', '2027-04-02') RETURNING id),
			     t AS (INSERT INTO event_booth_type (event_id, code, price_vnd) SELECT id, 'standard', 0 FROM e RETURNING event_id)
			INSERT INTO booth_application (event_id, producer_id, booth_type, qty, fee_vnd, subsidy_vnd, payable_vnd)
			SELECT event_id, $1, 'standard', 1, 0, 0, 0 FROM t RETURNING id`, p.producerA).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(id, 10)
	}
	matrixParams["booth"] = func(t *testing.T, s *site, p principals) string { return "999999" }
	matrixParams["zone"] = func(t *testing.T, s *site, p principals) string {
		var id int64
		if err := s.pool.QueryRow(context.Background(), `
			INSERT INTO event_zone (event_id, code, cols, rows) SELECT max(id), 'A', 3, 2 FROM event WHERE slug LIKE 'ma-tran-%' RETURNING id`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(id, 10)
	}
}

// TestConsoleFair: trade promotion of 19 creates a fair through the form
// (a bad date is a field error), adds zone A, lays out its grid, cannot
// open registration before publishing, publishes and opens it; the
// public page shows the plan; the OCOP office reads only; another
// province's staff gets 404; the audit log names the officer.
func TestConsoleFair(t *testing.T) {
	s := newSite(t)
	p := signInRoles(t, s)
	trade := as(s, p, "trade19")
	form := []string{"kind", "fair", "province_code", "19", "name", "Hội chợ OCOP Thái Nguyên 2027", "venue_name", "Quảng trường Võ Nguyên Giáp",
		"starts_on", "20/03/2027", "ends_on", "24/03/2027", "hours", "08:00-22:00", "registration_closes_on", "10/03/2027",
		"price_standard", "1.500.000", "price_corner", "2.000.000", "subsidy_percent", "100", "min_star", "3", "max_booths_per_producer", "2"}
	bad := append(append([]string{}, form...), "ends_on", "31/02/2027")
	if r := trade.post("/quan-tri/hoi-cho/moi", "/quan-tri/hoi-cho/moi", bad...); r.status != 422 || !strings.Contains(r.body, "Ghi ngày bế mạc theo dạng dd/mm/yyyy.") {
		t.Fatalf("bad date: %d", r.status)
	}
	r := trade.post("/quan-tri/hoi-cho/moi", "/quan-tri/hoi-cho/moi", form...)
	if r.status != 303 || !strings.Contains(r.location, "?xong=fair_saved") {
		t.Fatalf("create: %d %s\n%s", r.status, r.location, r.body)
	}
	base := strings.SplitN(r.location, "?", 2)[0]
	r = trade.post(base+"/khu", base, "zone_code", "A", "zone_name", "Chè Thái Nguyên", "zone_cols", "3", "zone_rows", "2")
	if r.status != 303 || !strings.Contains(r.location, "/khu/") {
		t.Fatalf("zone: %d\n%s", r.status, r.body)
	}
	zone := r.location
	if got := trade.do("GET", zone, nil); got.status != 200 || strings.Count(got.body, "<select id=\"c_") != 6 {
		t.Fatalf("grid page: %d", got.status)
	}
	if r := trade.post(zone+"/so-do", zone, "c_0_0", "corner", "c_1_0", "standard", "c_2_0", "corner", "c_1_1", "standard"); r.status != 303 {
		t.Fatalf("layout: %d\n%s", r.status, r.body)
	}
	if r := trade.post(zone+"/so-do", zone, "c_0_0", "double"); r.status != 422 || !strings.Contains(r.body, "chưa có giá") {
		t.Errorf("a type without a price: %d", r.status)
	}
	if r := trade.post(base+"/trang-thai", base, "status", "registration_open"); r.status != 422 || !strings.Contains(r.body, "Không thể chuyển") {
		t.Errorf("draft → registration open: %d", r.status)
	}
	for _, st := range []string{"published", "registration_open"} {
		if r := trade.post(base+"/trang-thai", base, "status", st); r.status != 303 {
			t.Fatalf("%s: %d\n%s", st, r.status, r.body)
		}
	}
	pub := s.client().do("GET", "/hoi-cho/hoi-cho-ocop-thai-nguyen-2027", nil)
	if pub.status != 200 || strings.Count(pub.body, `<g role="img" aria-label="A-0`) != 4 || !strings.Contains(pub.body, "Đang nhận đăng ký gian hàng") || !strings.Contains(pub.body, "1.500.000") {
		t.Errorf("public page: %d\n%s", pub.status, pub.body)
	}
	staff := as(s, p, "staff19")
	if got := staff.do("GET", base, nil); got.status != 200 || strings.Contains(got.body, `action="`+base+`"`) {
		t.Errorf("the OCOP office: %d (a form it may not use?)", got.status)
	}
	if got := as(s, p, "staff01").do("GET", base, nil); got.status != 404 {
		t.Errorf("another province: %d", got.status)
	}
	if got := trade.do("GET", base+"/ket-qua?tai=csv", nil); got.status != 200 || !strings.Contains(got.body, "Đơn vị tham gia,Tỉnh") {
		t.Errorf("outcome CSV: %d\n%s", got.status, got.body)
	}
	if r := trade.post(zone+"/xoa", zone); r.status != 303 {
		t.Errorf("remove zone: %d", r.status)
	}
	if n := s.count(`SELECT count(*) FROM audit_log WHERE entity = 'event' AND acting_as = 'staff' AND actor_id = $1`, p.users["trade19"]); n != 6 {
		t.Errorf("%d audit entries (create, zone, layout, publish, open, remove zone)", n)
	}
}
