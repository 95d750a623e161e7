package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/fair"
	"github.com/ocopvn/ocop/internal/order"
	"github.com/ocopvn/ocop/internal/payment"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/searchsync"
	"github.com/ocopvn/ocop/internal/showroom"
	"github.com/ocopvn/ocop/internal/web"
	"github.com/ocopvn/ocop/search/pgsearch"
)

// statementCounter counts SQL statements sent on a pool.
type statementCounter struct{ n atomic.Int64 }

func (s *statementCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	s.n.Add(1)
	return ctx
}
func (s *statementCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

type testServer struct {
	app   *fiber.App
	stmts *statementCounter
	logs  *bytes.Buffer
	pool  *pgxpool.Pool // the fixture's database
	// search is the server's search backend
	search *pgsearch.Index
	// orderPath is the API path of an order placed in the fixture (with
	// its tracking token)
	orderPath string
}

// newServer builds the app on a fresh database holding a small catalog:
// two producers, three public products and one draft.
func newServer(t *testing.T) *testServer {
	t.Helper()
	pool, url := pgtest.NewDBURL(t)
	f := catalogtest.Fixture{T: t, Pool: pool}
	a := f.Producer("HTX Chè Tân Cương", "19")
	b := f.Producer("Công ty <script>alert(1)</script> Mắm", "91")
	f.Product(a, catalogtest.Product{Name: "Chè Tân Cương", Group: "I.5.a", Price: 250000, Star: 4, Description: "Chè búp"})
	f.Product(a, catalogtest.Product{Name: "Trà hoa vàng", Group: "I.5.b", Price: 400000, Star: 5})
	f.Product(b, catalogtest.Product{Name: "Nước mắm 40 độ đạm", Group: "I.4.a", Price: 120000, Star: 5})
	f.Product(b, catalogtest.Product{Name: "Mắm nháp", Group: "I.4.a", Price: 1, Star: 3, Status: "draft"})

	stmts := &statementCounter{}
	counted, err := postgres.Open(context.Background(), url, postgres.Options{MaxConns: 4, Tracer: stmts})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(counted.Close)
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"DATABASE_URL": url, "OCOP_METRICS_TOKEN": metricsToken}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	if _, err := searchsync.Reindex(context.Background(), pool, catalog.New(pool, nil), pgsearch.New(pool)); err != nil {
		t.Fatal(err)
	}
	f.Exec(`INSERT INTO commune (code, province_code, name, full_name, kind, name_fold) VALUES ('05800', '19', 'Phú Đô', 'Xã Phú Đô', 'xa', 'phu do')`)
	f.Exec(`INSERT INTO showroom (province_code, code, slug, name, name_fold, showroom_type, commune_code, address, lat, lng, hours_text)
		VALUES ('19', 'TN-01', 'trung-tam-ocop-thai-nguyen', 'Trung tâm OCOP Thái Nguyên', 'trung tam ocop thai nguyen', 'ocop_center', '05800', 'Số 1', 21.5942, 105.8482, 'T2-CN 07:00-21:00')`)
	f.Exec(`INSERT INTO showroom_hours (showroom_id, weekday, opens, closes) SELECT id, d, '07:00', '21:00' FROM showroom, generate_series(1, 7) d`)
	f.Exec(`INSERT INTO showroom_product (showroom_id, product_id) SELECT s.id, p.id FROM showroom s, product p WHERE p.slug = 'che-tan-cuong'`)
	f.Exec(`INSERT INTO showroom_inspection (showroom_id, inspected_on, officer, results, passed) SELECT id, '2026-11-20', 'Cán bộ', '{"signage": false}', false FROM showroom`)
	// an upcoming fair with zone A of two booths
	f.Exec(`INSERT INTO event (slug, kind, name, province_code, venue_name, lat, lng, starts_on, ends_on, registration_closes_on, status, subsidy_percent)
		VALUES ('hoi-cho-ocop-thai-nguyen-2099', 'fair', 'Hội chợ OCOP Thái Nguyên', '19', 'Quảng trường', 21.59, 105.84, '2099-03-01', '2099-03-05', '2099-02-01', 'registration_open', 50)`)
	f.Exec(`INSERT INTO event_booth_type (event_id, code, price_vnd) SELECT id, 'standard', 1500000 FROM event`)
	f.Exec(`INSERT INTO event_zone (event_id, code, name, cols, rows) SELECT id, 'A', 'Chè', 2, 1 FROM event`)
	f.Exec(`INSERT INTO booth (event_id, zone_id, code, booth_type, x, y) SELECT event_id, id, 'A-0' || x, 'standard', x - 1, 0 FROM event_zone, generate_series(1, 2) x`)
	orders, err := order.New(pool, order.Options{TokenKey: []byte("a test key of 32 bytes, no more.")})
	if err != nil {
		t.Fatal(err)
	}
	payments := payment.New(pool, orders, payment.Options{BaseURL: "https://ocop.example"})
	placed, err := payments.Checkout(context.Background(), order.CheckoutInput{Lines: []order.LineInput{{Product: "che-tan-cuong", Quantity: 1}},
		Buyer: order.Buyer{Name: "Người mua", Phone: "0912345678"}, Shipping: order.Address{ProvinceCode: "19", CommuneCode: "05800", Address: "Số 1"},
		Method: order.MethodCOD})
	if err != nil {
		t.Fatal(err)
	}
	// the search copy in memory, loaded before the first request as the
	// server does at start
	idx := pgsearch.New(counted)
	if err := idx.Warm(context.Background()); err != nil {
		t.Fatal(err)
	}
	app := web.New(web.Deps{Config: cfg, Log: log, Pool: counted, Catalog: catalog.New(counted, nil), Search: idx,
		Certification: certification.New(counted, nil), VerifyLimit: web.NewMissLimiter(20, time.Minute, nil),
		Sales: web.NewSales(orders, payments, 60), Showrooms: showroom.New(counted, nil), Fairs: fair.New(counted, nil), Mount: func(r *web.Router) {
			r.Get("/test/panic", web.Public, func(c *fiber.Ctx) error { panic("boom: SQLSTATE 42P01 at /root/secret.go") })
		}})
	orderPath := placed.TrackingURL[strings.Index(placed.TrackingURL, "/don-hang/")+len("/don-hang/"):]
	return &testServer{app: app, stmts: stmts, logs: logs, pool: pool, search: idx, orderPath: "/orders/" + orderPath}
}

func (s *testServer) get(t *testing.T, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := s.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, body
}

func decode(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, body)
	}
	return m
}

func TestListProductsAPI(t *testing.T) {
	s := newServer(t)
	tests := []struct {
		path      string
		wantTotal int
		wantFirst string
	}{
		{"/api/v1/products", 3, "nuoc-mam-40-do-dam"},
		{"/api/v1/products?page=1", 3, "nuoc-mam-40-do-dam"},
		{"/api/v1/products?province=19&star=4", 1, "che-tan-cuong"},
		{"/api/v1/products?province=thai-nguyen&star=4&star=5&sort=price_asc", 2, "che-tan-cuong"},
		{"/api/v1/products?group=I.5", 2, ""},
		{"/api/v1/products?group=che&sort=price_desc", 2, "tra-hoa-vang"},
		{"/api/v1/products?price_min=200000&price_max=300000", 1, "che-tan-cuong"},
		{"/api/v1/products?producer=htx-che-tan-cuong&per_page=1&page=2", 2, ""},
		{"/api/v1/products?page=50", 3, ""},
		{"/api/v1/products?q=nuoc%20mam", 1, "nuoc-mam-40-do-dam"},
		{"/api/v1/products?q=CHE%20tan%20cuo", 2, ""}, // the product and, via its producer, the other one
		{"/api/v1/products?q=thai%20nguyen&sort=price_asc", 2, "che-tan-cuong"},
		{"/api/v1/products?q=%27%20OR%201%3D1--", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := s.get(t, tt.path)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
				t.Fatalf("status %d, type %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
			m := decode(t, body)
			if int(m["total"].(float64)) != tt.wantTotal {
				t.Errorf("total = %v, want %d", m["total"], tt.wantTotal)
			}
			items := m["items"].([]any)
			if tt.wantFirst != "" && (len(items) == 0 || items[0].(map[string]any)["slug"] != tt.wantFirst) {
				t.Errorf("first item = %v, want %s", items, tt.wantFirst)
			}
			for _, key := range []string{"page", "per_page"} {
				if _, ok := m[key]; !ok {
					t.Errorf("no %q in response", key)
				}
			}
		})
	}
}

// TestListStatementBudget holds a list request to at most 3 SQL statements
// once the snapshot is warm (the budget; today it is 1).
func TestListStatementBudget(t *testing.T) {
	s := newServer(t)
	s.get(t, "/api/v1/products") // warm the snapshot
	for _, path := range []string{"/api/v1/products?page=1", "/api/v1/products?province=19&star=4&page=5"} {
		before := s.stmts.n.Load()
		if resp, body := s.get(t, path); resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
		}
		if n := s.stmts.n.Load() - before; n > 3 {
			t.Errorf("%s ran %d SQL statements, want at most 3", path, n)
		}
	}
}

func TestDetailAPIs(t *testing.T) {
	s := newServer(t)
	resp, body := s.get(t, "/api/v1/products/che-tan-cuong")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	p := decode(t, body)
	cert := p["certificate"].(map[string]any)
	if p["star"].(float64) != 4 || cert["issuing_authority"] != "UBND tỉnh Thái Nguyên" || len(p["group_path"].([]any)) != 3 || p["images"] == nil {
		t.Errorf("product: %s", body)
	}

	resp, body = s.get(t, "/api/v1/producers/htx-che-tan-cuong")
	if resp.StatusCode != 200 {
		t.Fatalf("producer status %d: %s", resp.StatusCode, body)
	}
	pr := decode(t, body)
	if pr["producer"].(map[string]any)["name"] != "HTX Chè Tân Cương" || pr["products"].(map[string]any)["total"].(float64) != 2 {
		t.Errorf("producer: %s", body)
	}
	// user-supplied text goes out JSON-encoded, never as live markup
	_, body = s.get(t, "/api/v1/producers/cong-ty-script-alert-1-script-mam")
	if bytes.Contains(body, []byte("<script>")) {
		t.Errorf("raw <script> in JSON: %s", body)
	}

	resp, body = s.get(t, "/api/v1/provinces")
	if m := decode(t, body); resp.StatusCode != 200 || m["total"].(float64) != 34 {
		t.Errorf("provinces: %d %v", resp.StatusCode, m["total"])
	}
	resp, body = s.get(t, "/api/v1/groups")
	if m := decode(t, body); resp.StatusCode != 200 || m["total"].(float64) != 39 {
		t.Errorf("groups: %d %v", resp.StatusCode, m["total"])
	}
}

func TestAPIErrors(t *testing.T) {
	s := newServer(t)
	tests := []struct {
		path   string
		status int
		detail string
	}{
		{"/api/v1/products?star=9", 400, "star"},
		{"/api/v1/products?star=abc", 400, "star"},
		{"/api/v1/products?star=2", 400, "star"},
		{"/api/v1/products?page=-1", 400, "page"},
		{"/api/v1/products?page=0", 400, "page"},
		{"/api/v1/products?page=", 400, "page"},
		{"/api/v1/products?per_page=101", 400, "per_page"},
		{"/api/v1/products?price_min=abc", 400, "price_min"},
		{"/api/v1/products?price_min=1e3", 400, "price_min"},
		{"/api/v1/products?price_min=%2B5", 400, "price_min"},
		{"/api/v1/products?price_min=9223372036854775808", 400, "price_min"},
		{"/api/v1/products?price_min=500&price_max=100", 400, "price_min"},
		{"/api/v1/products?sort=price;DROP%20TABLE%20product", 400, "sort"},
		{"/api/v1/products?province=99", 400, "province"},
		{"/api/v1/products?province=%27%20OR%201%3D1--", 400, "province"},
		{"/api/v1/products?group=VII", 400, "group"},
		{"/api/v1/products?q=" + strings.Repeat("a", 1001), 400, "q"},
		{"/api/v1/products/khong-co-san-pham", 404, "product not found"},
		{"/api/v1/products/mam-nhap", 404, "product not found"}, // a draft is not public
		{"/api/v1/producers/khong-co", 404, "producer not found"},
		{"/api/v1/khong-co", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := s.get(t, tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json; charset=utf-8" {
				t.Errorf("content type %q", ct)
			}
			p := decode(t, body)
			if int(p["status"].(float64)) != tt.status || p["title"] == "" || p["message_vi"] == "" || p["request_id"] == "" {
				t.Errorf("problem: %s", body)
			}
			if !strings.Contains(p["detail"].(string), tt.detail) {
				t.Errorf("detail %q does not mention %q", p["detail"], tt.detail)
			}
			if bytes.Contains(body, []byte("SQLSTATE")) {
				t.Errorf("SQL error leaked: %s", body)
			}
		})
	}
}

func TestPanicIsAGeneric500(t *testing.T) {
	s := newServer(t)
	resp, body := s.get(t, "/test/panic", "Accept", "text/html")
	if resp.StatusCode != 500 || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, leak := range []string{"boom", "SQLSTATE", "secret.go", "goroutine"} {
		if bytes.Contains(body, []byte(leak)) {
			t.Errorf("500 page leaks %q: %s", leak, body)
		}
	}
	if id := resp.Header.Get("X-Request-ID"); id == "" || !bytes.Contains(body, []byte(id)) {
		t.Errorf("500 page does not show request id %q", id)
	}
	if !strings.Contains(s.logs.String(), "boom") {
		t.Error("panic was not logged")
	}
}

// metricsToken is the test server's OCOP_METRICS_TOKEN.
const metricsToken = "metrics-test-token"

// TestMetricsForLoopback: with no token configured, /metrics answers a
// client on the loopback interface (a real listener: the address is the
// connection's).
func TestMetricsForLoopback(t *testing.T) {
	cfg, err := config.Load(func(k string) string { return map[string]string{"DATABASE_URL": "postgres://x@y/z"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	app := web.New(web.Deps{Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	defer app.Shutdown()
	resp, err := http.Get("http://" + ln.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte("ocop_db_unavailable_total")) {
		t.Errorf("loopback /metrics: %d", resp.StatusCode)
	}
}

func TestHealthReadyMetricsHeaders(t *testing.T) {
	s := newServer(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		if resp, body := s.get(t, path); resp.StatusCode != 200 {
			t.Errorf("%s: %d %s", path, resp.StatusCode, body)
		}
	}
	s.get(t, "/api/v1/products?page=1")
	s.get(t, "/api/v1/products/che-tan-cuong")
	s.get(t, "/khong-co-trang-nay/12345")
	// /metrics is not public: a remote client gets 404, a loopback one
	// (no token configured) the metrics
	if resp, _ := s.get(t, "/metrics"); resp.StatusCode != 404 {
		t.Errorf("metrics from a remote client: %d, want 404", resp.StatusCode)
	}
	if resp, _ := s.get(t, "/metrics", "Authorization", "Bearer wrong-token"); resp.StatusCode != 404 {
		t.Errorf("metrics with a wrong token: %d, want 404", resp.StatusCode)
	}
	resp, body := s.get(t, "/metrics", "Authorization", "Bearer "+metricsToken)
	if resp.StatusCode != 200 {
		t.Fatalf("metrics: %d", resp.StatusCode)
	}
	var pending int
	if err := s.pool.QueryRow(context.Background(), `SELECT count(*) FROM search_outbox`).Scan(&pending); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`ocop_http_requests_total{method="GET",route="/api/v1/products",status="200"} 1`,
		`ocop_http_request_duration_seconds_bucket{method="GET",route="/api/v1/products/:slug"`,
		`route="unmatched",status="404"`,
		"ocop_db_pool_max_conns 4",
		"ocop_search_outbox_pending " + strconv.Itoa(pending), // what the outbox holds (no worker running)
		"ocop_search_outbox_failing 0",
		"ocop_orders_placed_total 1", // the fixture's cash-on-delivery order
		"ocop_orders_paid_total 0",
		"ocop_payments_failed_total 0",
		"ocop_certificates_expiring_30d 0",
		"ocop_search_fallbacks_total",
	} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if bytes.Contains(body, []byte("khong-co-trang-nay")) {
		t.Error("raw paths leak into metric labels")
	}
	// every metric the Grafana dashboard queries is one this exports
	dash, err := os.ReadFile("../../deploy/grafana/ocop-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(dash, &d); err != nil || len(d.Panels) < 8 {
		t.Fatalf("dashboard: %d panels, %v", len(d.Panels), err)
	}
	metricName := regexp.MustCompile(`\b((?:ocop|go|process)_[a-z0-9_]+)`)
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			names := metricName.FindAllStringSubmatch(tg.Expr, -1)
			if len(names) == 0 {
				t.Errorf("panel %q: no metric in %q", p.Title, tg.Expr)
			}
			for _, n := range names {
				name := strings.TrimSuffix(n[1], "_bucket")
				if !bytes.Contains(body, []byte("\n"+name)) {
					t.Errorf("panel %q queries %s, which /metrics lacks", p.Title, name)
				}
			}
		}
	}

	resp, _ = s.get(t, "/api/v1/products")
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "strict-origin-when-cross-origin",
		"X-Frame-Options":        "SAMEORIGIN",
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if resp.Header.Get("Server") != "" {
		t.Errorf("Server header reveals %q", resp.Header.Get("Server"))
	}
	if resp, _ := s.get(t, "/debug/pprof/"); resp.StatusCode != 404 {
		t.Errorf("/debug/pprof/ = %d, want 404", resp.StatusCode)
	}
}

func TestRequestIDFromUpstreamIsChecked(t *testing.T) {
	s := newServer(t)
	resp, _ := s.get(t, "/healthz", "X-Request-ID", "abc-123")
	if resp.Header.Get("X-Request-ID") != "abc-123" {
		t.Errorf("plain upstream id not kept: %q", resp.Header.Get("X-Request-ID"))
	}
	resp, _ = s.get(t, "/healthz", "X-Request-ID", "x\" injected=1")
	if id := resp.Header.Get("X-Request-ID"); strings.ContainsAny(id, "\" =") {
		t.Errorf("hostile upstream id kept: %q", id)
	}
}

func TestServerTimeouts(t *testing.T) {
	if web.ReadTimeout != 15*time.Second || web.WriteTimeout != 30*time.Second || web.IdleTimeout != 60*time.Second {
		t.Errorf("timeouts %v %v %v", web.ReadTimeout, web.WriteTimeout, web.IdleTimeout)
	}
	s := newServer(t)
	cfg := s.app.Config()
	if cfg.ReadTimeout != web.ReadTimeout || cfg.WriteTimeout != web.WriteTimeout || cfg.IdleTimeout != web.IdleTimeout || cfg.BodyLimit != 64<<20 || !cfg.StreamRequestBody || !cfg.DisablePreParseMultipartForm || !cfg.EnableTrustedProxyCheck || !cfg.Immutable {
		t.Errorf("fiber config not hardened: %+v", cfg)
	}
	// forms are held to the 1 MiB OCOP_BODY_LIMIT by Router.guardBody
	// (TestBodyLimits); BodyLimit is the upload limit
}

// TestFallbackErrorPage: without the site's error page the server still
// answers HTML errors with a plain page from html/template, without
// inline style (the CSP would block it) or internals.
func TestFallbackErrorPage(t *testing.T) {
	s := newServer(t)
	resp, body := s.get(t, "/khong-co-trang-nay", "Accept", "text/html")
	b := string(body)
	if resp.StatusCode != 404 || !strings.Contains(b, "<h1>Không tìm thấy trang bạn cần.</h1>") || !strings.Contains(b, "<title>Lỗi 404 · Chợ OCOP</title>") ||
		strings.Contains(b, "style=") {
		t.Errorf("404: %d %s", resp.StatusCode, b)
	}
	resp, body = s.get(t, "/test/panic", "Accept", "text/html")
	if resp.StatusCode != 500 || strings.Contains(string(body), "SQLSTATE") || !strings.Contains(string(body), "mã yêu cầu") {
		t.Errorf("500: %d %s", resp.StatusCode, body)
	}
}

// TestParseErrorsCarrySecurityHeaders: answers fasthttp writes for
// requests it cannot parse (a header block too large: 431; a malformed
// request line: 400) carry the same security headers as every page.
func TestParseErrorsCarrySecurityHeaders(t *testing.T) {
	cfg, err := config.Load(func(k string) string { return map[string]string{"DATABASE_URL": "postgres://x@y/z"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	app := web.New(web.Deps{Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	defer app.Shutdown()
	for name, raw := range map[string]string{
		"431": "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 20000) + "\r\n\r\n",
		"400": "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
	} {
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := conn.Write([]byte(raw)); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		conn.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if strconv.Itoa(resp.StatusCode) != name {
			t.Errorf("%s: status %d", name, resp.StatusCode)
		}
		for _, h := range []string{"X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy", "Referrer-Policy"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("%s answer lacks %s: %v", name, h, resp.Header)
			}
		}
	}
}

// TestAnonymousSlowBodies (SECURITY.md F-02): 500 clients without a
// session (half of them with a made-up session cookie) that announce a
// 10 MB upload and send 3 bytes are cut within the ordinary read deadline
// (here 1 s), not the upload's 5 minutes, and a normal request made
// meanwhile is answered at once.
func TestAnonymousSlowBodies(t *testing.T) {
	cfg, err := config.Load(func(k string) string { return map[string]string{"DATABASE_URL": "postgres://x@y/z"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	app := web.New(web.Deps{Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), ReadTimeout: time.Second, Mount: func(r *web.Router) {
		r.Upload("/tai-len", web.SignedIn, func(c *fiber.Ctx) error { return c.SendString("ok") })
	}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	defer app.Shutdown()
	const clients = 500
	start := time.Now()
	closed := make(chan time.Duration, clients)
	for i := range clients {
		go func() {
			cookie := ""
			if i%2 == 1 {
				cookie = "Cookie: sid=made-up-token\r\n"
			}
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				closed <- -1
				return
			}
			defer conn.Close()
			_, _ = conn.Write([]byte("POST /tai-len HTTP/1.1\r\nHost: x\r\n" + cookie + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 10485760\r\n\r\nabc"))
			_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
			_, _ = io.Copy(io.Discard, conn) // until the server closes
			closed <- time.Since(start)
		}()
	}
	time.Sleep(200 * time.Millisecond)
	t0 := time.Now()
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("a normal request during the slow bodies: %v", err)
	}
	resp.Body.Close()
	if d := time.Since(t0); d > 100*time.Millisecond {
		t.Errorf("a normal request waited %v", d)
	}
	var longest time.Duration
	for range clients {
		d := <-closed
		if d < 0 {
			t.Fatal("dial failed")
		}
		longest = max(longest, d)
	}
	if longest > 3*time.Second {
		t.Errorf("an anonymous slow body held its connection %v (the upload deadline is minutes; the ordinary one 1 s)", longest)
	}
}

// TestSignedInSlowUpload: a signed-in user's upload may take longer than
// the ordinary read deadline (here 1 s): its long deadline starts once the
// session is known. The body trickles in over 2.5 s and is read whole.
func TestSignedInSlowUpload(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	acc := account.New(pool, account.Options{})
	if _, err := acc.Register(ctx, account.SignUp{Identifier: "hoa@example.vn", DisplayName: "Hoa", Password: "mat khau dung"}); err != nil {
		t.Fatal(err)
	}
	tok, _, err := acc.SignIn(ctx, "hoa@example.vn", "mat khau dung", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(func(k string) string { return map[string]string{"DATABASE_URL": "postgres://x@y/z"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	sess := &web.Sessions{Accounts: acc}
	app := web.New(web.Deps{Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Sessions: sess, ReadTimeout: time.Second,
		Mount: func(r *web.Router) {
			r.Upload("/tai-len", web.SignedIn, func(c *fiber.Ctx) error {
				f, err := c.FormFile("file")
				if err != nil {
					return err
				}
				return c.SendString("got " + strconv.FormatInt(f.Size, 10))
			})
			r.Get("/form", web.SignedIn, func(c *fiber.Ctx) error { return c.SendString(web.CSRFToken(c)) })
		}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	defer app.Shutdown()
	// the form's CSRF token
	req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/form", nil)
	req.AddCookie(&http.Cookie{Name: "sid", Value: tok})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	csrf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	payload := bytes.Repeat([]byte("x"), 30000)
	var body bytes.Buffer
	body.WriteString("--b\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + string(csrf) + "\r\n")
	body.WriteString("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n")
	body.Write(payload)
	body.WriteString("\r\n--b--\r\n")
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /tai-len HTTP/1.1\r\nHost: %s\r\nOrigin: http://%s\r\nCookie: sid=%s\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\n\r\n",
		ln.Addr(), ln.Addr(), tok, body.Len())
	b := body.Bytes()
	for i := 0; i < 5; i++ { // five slices, half a second apart
		part := b[i*len(b)/5 : (i+1)*len(b)/5]
		if _, err := conn.Write(part); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	r, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r.Body)
	if r.StatusCode != 200 || string(got) != "got 30000" {
		t.Errorf("slow upload: %d %s", r.StatusCode, got)
	}
}

// TestReadyWhileStarting: /readyz says "starting" (503) while the server
// still loads its catalog and search copy, then "ready".
func TestReadyWhileStarting(t *testing.T) {
	pool := pgtest.NewDB(t)
	cfg, err := config.Load(func(k string) string { return map[string]string{"DATABASE_URL": "postgres://x@y/z"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	var starting atomic.Bool
	starting.Store(true)
	app := web.New(web.Deps{Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Pool: pool,
		Catalog: catalog.New(pool, nil), Starting: starting.Load})
	ready := func() (int, string) {
		resp, err := app.Test(httptest.NewRequest(http.MethodGet, "/readyz", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := ready(); code != 503 || !strings.Contains(body, "starting") {
		t.Errorf("while starting: %d %s", code, body)
	}
	starting.Store(false)
	if code, body := ready(); code != 200 || !strings.Contains(body, "ready") {
		t.Errorf("started: %d %s", code, body)
	}
}
