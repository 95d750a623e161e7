package app_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/searchsync"
)

// TestSuspendHidesProductsAtOnce: a suspended producer's products leave
// the catalog pages, the API and search right away, and come back when
// it is reinstated; staff of another province can do neither.
func TestSuspendHidesProductsAtOnce(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	pid := f.Producer("HTX Chè Tân Cương Xanh", "19")
	f.Product(pid, catalogtest.Product{Name: "Trà xanh Tân Cương đặc biệt", Group: "I.5.a", Price: 250000, Star: 4})
	worker := searchsync.NewWorker(s.pool, s.a.Catalog, s.a.Search, slog.New(slog.NewTextHandler(io.Discard, nil)))
	drain := func() {
		t.Helper()
		if _, err := worker.Drain(ctx); err != nil {
			t.Fatal(err)
		}
	}
	drain()
	anon := s.client()
	visible := func() map[string]bool {
		t.Helper()
		out := map[string]bool{}
		for _, p := range []string{"/san-pham", "/api/v1/products", "/api/v1/search?q=" + "tr%C3%A0%20xanh%20t%C3%A2n%20c%C6%B0%C6%A1ng"} {
			r := anon.do("GET", p, nil)
			if r.status != 200 {
				t.Fatalf("GET %s: %d", p, r.status)
			}
			out[p] = strings.Contains(r.body, "tra-xanh-tan-cuong-dac-biet")
		}
		return out
	}
	all := func(m map[string]bool, want bool) {
		t.Helper()
		for p, v := range m {
			if v != want {
				t.Errorf("%s shows the product: %v, want %v", p, v, want)
			}
		}
	}
	all(visible(), true)

	prodPath := "/quan-tri/chu-the/" + strconv.FormatInt(pid, 10)
	staff01, _ := staffClient(t, s, "s01@example.vn", "01")
	if r := staff01.post(prodPath+"/tam-ngung", "/tai-khoan", "reason", "Thử"); r.status != 403 {
		t.Errorf("staff01 suspends: %d", r.status)
	}
	if r := staff01.do("GET", prodPath, nil); r.status != 403 {
		t.Errorf("staff01 producer page: %d", r.status)
	}
	all(visible(), true)

	staff19, sid := staffClient(t, s, "s19@example.vn", "19")
	r := staff19.do("GET", prodPath, nil)
	contains(t, r.body, "HTX Chè Tân Cương Xanh", "Trà xanh Tân Cương đặc biệt", "Tạm ngừng chủ thể", "/chung-nhan")
	if strings.Contains(r.body, "Quản lý gian hàng thay mặt") {
		t.Error("on-behalf link for a cooperative")
	}
	if r := staff19.post(prodPath+"/tam-ngung", prodPath, "reason", ""); r.status != 422 || !strings.Contains(r.body, `id="reason-error"`) {
		t.Errorf("suspend without a reason: %d", r.status)
	}
	if r := staff19.post(prodPath+"/tam-ngung", prodPath, "reason", "Sản phẩm bị phản ánh về chất lượng"); r.status != 303 {
		t.Fatalf("suspend: %d", r.status)
	}
	var status, reason string
	var at *time.Time
	if err := s.pool.QueryRow(ctx, `SELECT status, suspended_reason, suspended_at FROM producer WHERE id = $1`, pid).Scan(&status, &reason, &at); err != nil {
		t.Fatal(err)
	}
	if status != "suspended" || reason != "Sản phẩm bị phản ánh về chất lượng" || at == nil {
		t.Errorf("after suspension: %s %q %v", status, reason, at)
	}
	// gone at once, before the search outbox is drained…
	all(visible(), false)
	// …and the outbox was told: after draining, still gone
	drain()
	all(visible(), false)
	if n := s.count(`SELECT count(*) FROM audit_log WHERE actor_id = $1 AND acting_as = 'staff' AND producer_id = $2 AND action = 'suspend'`, sid, pid); n != 1 {
		t.Errorf("suspension audit entries: %d", n)
	}
	if r := staff19.post(prodPath+"/tam-ngung", "/tai-khoan", "reason", "lần nữa"); r.status != 409 {
		t.Errorf("suspend twice: %d", r.status)
	}
	if r := staff19.post(prodPath+"/mo-lai", prodPath); r.status != 303 {
		t.Fatalf("reinstate: %d", r.status)
	}
	drain()
	all(visible(), true)
	if n := s.count(`SELECT count(*) FROM audit_log WHERE producer_id = $1 AND action = 'reinstate' AND acting_as = 'staff'`, pid); n != 1 {
		t.Errorf("reinstatement audit entries: %d", n)
	}
}

// TestProducerListAndOnBehalfLink: the producers list is scoped to the
// served provinces, searches the folded name and filters by status; a
// household gets the on-behalf link.
func TestProducerListAndOnBehalfLink(t *testing.T) {
	s := newSite(t)
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	hh := f.Producer("Hộ kinh doanh Mật ong Bạc Hà", "19")
	f.Exec(`UPDATE producer SET producer_type = 'ho_kinh_doanh' WHERE id = $1`, hh)
	f.Producer("HTX Miến dong Bình Liêu", "19")
	f.Producer("HTX Nước mắm Phú Quốc", "91")
	staff, _ := staffClient(t, s, "s19@example.vn", "19")
	r := staff.do("GET", "/quan-tri/chu-the", nil)
	contains(t, r.body, "Mật ong Bạc Hà", "Miến dong Bình Liêu")
	if strings.Contains(r.body, "Nước mắm Phú Quốc") {
		t.Error("staff19 sees province 91's producer")
	}
	r = staff.do("GET", "/quan-tri/chu-the?q=mat+ong+bac+ha", nil)
	if !strings.Contains(r.body, "Mật ong Bạc Hà") || strings.Contains(r.body, "Miến dong") {
		t.Error("search by folded name")
	}
	r = staff.do("GET", "/quan-tri/chu-the?trang-thai=suspended", nil)
	if strings.Contains(r.body, "Mật ong Bạc Hà") {
		t.Error("status filter")
	}
	r = staff.do("GET", "/quan-tri/chu-the/"+strconv.FormatInt(hh, 10), nil)
	contains(t, r.body, "Quản lý gian hàng thay mặt", `href="/quan-ly/`+strconv.FormatInt(hh, 10)+`"`)
	admin, _ := staffClient(t, s, "admin@example.vn")
	contains(t, admin.do("GET", "/quan-tri/chu-the", nil).body, "Nước mắm Phú Quốc", "Mật ong Bạc Hà")
	// the start page counts
	r = staff.do("GET", "/quan-tri", nil)
	contains(t, r.body, "<strong>2</strong> Chủ thể", "/quan-tri/ho-so", "/quan-tri/nhat-ky")
}
