package storefront_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/valyala/fasthttp"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/showroom"
	"github.com/ocopvn/ocop/internal/web"
	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/media/diskmedia"
	"github.com/ocopvn/ocop/storefront"
)

type site struct {
	t    *testing.T
	app  *fiber.App
	pool *pgxpool.Pool
}

// newSite serves the storefront through the real web stack (error pages
// included) on a small catalog.
func newSite(t *testing.T) *site {
	t.Helper()
	pool := pgtest.NewDB(t)
	f := catalogtest.Fixture{T: t, Pool: pool}
	a := f.Producer("HTX <script>alert(1)</script> Tân Cương", "19")
	f.Product(a, catalogtest.Product{Name: "Chè <img src=x onerror=alert(1)>", Group: "I.5.a", Price: 1250000, Star: 4, Description: "<b>ngon</b>\nDòng hai"})
	f.Product(a, catalogtest.Product{Name: "Trà hoa vàng", Group: "I.5.b", Price: 400000, Star: 5})
	b := f.Producer("Công ty Nước mắm Phú Quốc", "91")
	f.Product(b, catalogtest.Product{Name: "Nước mắm 40 độ đạm", Group: "I.4.a", Price: 120000, Star: 5})
	f.Product(b, catalogtest.Product{Name: "Mắm hết hạn", Group: "I.4.a", Price: 1, Star: 3, Cert: "expired"})

	svc := catalog.New(pool, nil)
	store, err := diskmedia.New(t.TempDir(), strings.TrimSuffix(media.URLPrefix, "/"))
	if err != nil {
		t.Fatal(err)
	}
	h, err := storefront.New(storefront.Deps{Catalog: svc, Accounts: account.New(pool, account.Options{}), Media: store, Certification: certification.New(pool, nil), BaseURL: "https://ocop.example.vn",
		Showrooms: showroom.New(pool, func() time.Time { return showroomClock })})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := config.Load(func(k string) string { return map[string]string{"DATABASE_URL": "postgres://x@y/z"}[k] })
	app := web.New(web.Deps{Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Pool: pool, Catalog: svc, HTMLError: h.ErrorPage, Mount: func(r *web.Router) {
		h.Routes(r)
		r.Get("/test/panic", web.Public, func(*fiber.Ctx) error { panic("SQLSTATE 42P01 in /root/secret.go") })
	}})
	return &site{t: t, app: app, pool: pool}
}

func (s *site) get(path string) (int, string, map[string]string) {
	s.t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Accept", "text/html")
	resp, err := s.app.Test(req, -1)
	if err != nil {
		s.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	h := map[string]string{}
	for k := range resp.Header {
		h[k] = resp.Header.Get(k)
	}
	return resp.StatusCode, string(b), h
}

func TestPages(t *testing.T) {
	s := newSite(t)
	tests := []struct {
		path string
		want []string
	}{
		{"/", []string{"<h1", "Nhóm sản phẩm OCOP", "Sản phẩm OCOP 5 sao", `href="/san-pham/thuc-pham"`, `name="tinh"`, "Mới được chứng nhận", `"@type":"WebSite"`}},
		{"/san-pham", []string{"3 sản phẩm", "1.250.000\u00a0₫", "Lọc sản phẩm", `name="star"`, `"@type":"BreadcrumbList"`}},
		{"/san-pham/che", []string{"<h1>Chè</h1>", "2 sản phẩm", `<link rel="canonical" href="https://ocop.example.vn/san-pham/che">`}},
		{"/san-pham/thuc-pham?province=91", []string{"1 sản phẩm", "Nước mắm 40 độ đạm"}},
		{"/san-pham?star=5&sort=price_asc", []string{"2 sản phẩm", `<option value="price_asc" selected>`}},
		{"/san-pham?q=nuoc%20mam", []string{"1 sản phẩm", "Nước mắm 40 độ đạm"}},
		{"/san-pham/che-img-src-x-onerror-alert-1", []string{"Chứng nhận OCOP 4 sao", "UBND tỉnh Thái Nguyên", "1.250.000\u00a0₫", "Xem gian hàng", `"@type":"Product"`, `"priceCurrency":"VND"`, `"price":1250000`, "Dòng hai", `og:type" content="product"`}},
		{"/cua-hang/htx-script-alert-1-script-tan-cuong", []string{"Hợp tác xã", "Thái Nguyên", `"@type":"Organization"`, "2 sản phẩm"}},
		{"/tinh/thai-nguyen", []string{"Sản phẩm OCOP Thái Nguyên", "Số sản phẩm theo hạng sao", "Chủ thể OCOP (1)", "2 sản phẩm"}},
		{"/tim-kiem?q=nuoc%20mam", []string{"Kết quả tìm kiếm “nuoc mam”", "1 sản phẩm", "Nước mắm 40 độ đạm", `<option value="relevance" selected>`}},
		{"/thong-ke", []string{"Đang có <strong>3</strong> sản phẩm", "Theo hạng sao", `<svg class="chart"`, "Thái Nguyên: <strong>2</strong>", "<strong>2</strong> sản phẩm 5 sao"}},
		{"/robots.txt", []string{"Sitemap: https://ocop.example.vn/sitemap.xml", "Disallow: /api/"}},
		{"/sitemap.xml", []string{"<loc>https://ocop.example.vn/san-pham/tra-hoa-vang</loc>", "<loc>https://ocop.example.vn/tinh/an-giang</loc>", "<loc>https://ocop.example.vn/cua-hang/cong-ty-nuoc-mam-phu-quoc</loc>"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			status, body, _ := s.get(tt.path)
			if status != 200 {
				t.Fatalf("status %d", status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, raw := range []string{"<script>alert", "<img src=x", "<b>ngon"} {
				if strings.Contains(body, raw) {
					t.Errorf("unescaped %q in page", raw)
				}
			}
			if strings.Contains(body, "Mắm hết hạn") || strings.Contains(body, "mam-het-han") {
				t.Error("a product with an expired certificate is listed")
			}
		})
	}
}

func TestJSONLDIsValidJSON(t *testing.T) {
	s := newSite(t)
	re := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)
	for _, path := range []string{"/", "/san-pham/che-img-src-x-onerror-alert-1", "/cua-hang/htx-script-alert-1-script-tan-cuong"} {
		_, body, _ := s.get(path)
		blocks := re.FindAllStringSubmatch(body, -1)
		if len(blocks) == 0 {
			t.Errorf("%s: no JSON-LD", path)
		}
		for _, b := range blocks {
			var v map[string]any
			if err := json.Unmarshal([]byte(b[1]), &v); err != nil {
				t.Errorf("%s: JSON-LD is not JSON: %v\n%s", path, err, b[1])
			}
		}
	}
}

func TestBadInputPages(t *testing.T) {
	s := newSite(t)
	for _, path := range []string{"/san-pham/khong-co", "/cua-hang/khong-co", "/tinh/khong-co", "/trang-la"} {
		status, body, _ := s.get(path)
		if status != 404 || !strings.Contains(body, "Không tìm thấy trang bạn cần") || !strings.Contains(body, `href="/san-pham"`) {
			t.Errorf("%s: %d, not the site's 404 page", path, status)
		}
	}
	// a failure is the site's 500 page, without the internal error
	status, body, _ := s.get("/test/panic")
	if status != 500 || !strings.Contains(body, "Đã có lỗi ở máy chủ") || !strings.Contains(body, `class="site"`) || strings.Contains(body, "SQLSTATE") || strings.Contains(body, "secret.go") {
		t.Errorf("500 page: %d\n%s", status, body)
	}
	// nonsense filters: the page renders, ignores them and says so
	status, body, _ = s.get("/san-pham?star=9&page=-1&price_min=abc&sort=x;DROP&province=99&group=%3Cscript%3E")
	if status != 200 || !strings.Contains(body, "bộ lọc không hợp lệ") || !strings.Contains(body, "3 sản phẩm") {
		t.Errorf("bad filters: %d\n%s", status, body)
	}
	if strings.Contains(body, "<script>") && !strings.Contains(body, "&lt;script&gt;") {
		t.Error("filter value echoed unescaped")
	}
	// a page past the end renders empty, not an error
	if status, body, _ := s.get("/san-pham?page=999"); status != 200 || !strings.Contains(body, "Không có sản phẩm nào") {
		t.Errorf("page 999: %d", status)
	}
	// the province picker works without JavaScript
	if status, _, h := s.get("/tinh?tinh=an-giang"); status != 303 || h["Location"] != "/tinh/an-giang" {
		t.Errorf("province picker: %d %v", status, h["Location"])
	}
	// a province's code is its page's other address
	if status, _, h := s.get("/tinh/19?star=4"); status != 301 || h["Location"] != "/tinh/thai-nguyen?star=4" {
		t.Errorf("/tinh/19: %d %v", status, h["Location"])
	}
	// the storefront's JSON-LD leaves out what it does not know
	if _, body, _ := s.get("/cua-hang/htx-script-alert-1-script-tan-cuong"); strings.Contains(body, `"streetAddress":""`) {
		t.Error("empty streetAddress in the JSON-LD")
	}
}

func TestStaticAssets(t *testing.T) {
	s := newSite(t)
	_, body, _ := s.get("/")
	css := regexp.MustCompile(`href="(/static/site\.[0-9a-f]{10}\.css)"`).FindStringSubmatch(body)
	if css == nil {
		t.Fatal("no fingerprinted stylesheet link")
	}
	status, _, h := s.get(css[1])
	if status != 200 || !strings.Contains(h["Cache-Control"], "immutable") || !strings.HasPrefix(h["Content-Type"], "text/css") {
		t.Errorf("%s: %d %v", css[1], status, h)
	}
	for _, p := range []string{"/static/site.css", "/static/..%2fstorefront.go", "/static/site.0000000000.css"} {
		if status, _, _ := s.get(p); status != 404 {
			t.Errorf("%s: %d, want 404", p, status)
		}
	}
	if strings.Contains(body, "http://") && !strings.Contains(body, "https://ocop.example.vn") {
		t.Error("page links an external origin")
	}
}

// TestCatalogPageWeight holds the catalog page (HTML + CSS + JS, compressed
// as served) under 60 KB.
func TestCatalogPageWeight(t *testing.T) {
	s := newSite(t)
	compressed := func(path string) (int, string) {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := s.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s served without compression", path)
		}
		return len(b), resp.Header.Get("Content-Type")
	}
	_, body, _ := s.get("/san-pham")
	total, _ := compressed("/san-pham")
	for _, m := range regexp.MustCompile(`(?:href|src)="(/static/[^"]+\.(?:css|js))"`).FindAllStringSubmatch(body, -1) {
		n, _ := compressed(m[1])
		total += n
	}
	if total > 60*1024 {
		t.Errorf("catalog page weighs %d bytes compressed, over 60 KB", total)
	}
	t.Logf("catalog page: %d bytes compressed (HTML+CSS+JS)", total)
}

// TestCompression: a page is gzipped (level 6) whatever else the browser
// accepts; a static asset comes compressed once at the best levels, as
// brotli when accepted, else gzip, else as it is, and decodes to the same
// bytes each way.
func TestCompression(t *testing.T) {
	s := newSite(t)
	fetch := func(path, accept string) (string, []byte) {
		t.Helper()
		req := httptest.NewRequest("GET", path, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		resp, err := s.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s (%s): %d, Vary %q", path, accept, resp.StatusCode, resp.Header.Get("Vary"))
		}
		return resp.Header.Get("Content-Encoding"), b
	}
	decode := func(enc string, b []byte) []byte {
		t.Helper()
		var out []byte
		var err error
		switch enc {
		case "br":
			out, err = fasthttp.AppendUnbrotliBytes(nil, b)
		case "gzip":
			out, err = fasthttp.AppendGunzipBytes(nil, b)
		default:
			out = b
		}
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if enc, _ := fetch("/san-pham", "gzip, deflate, br, zstd"); enc != "gzip" {
		t.Errorf("catalog page: Content-Encoding %q, want gzip", enc)
	}
	_, body, _ := s.get("/")
	css := regexp.MustCompile(`href="(/static/site\.[0-9a-f]{10}\.css)"`).FindStringSubmatch(body)
	if css == nil {
		t.Fatal("no stylesheet link")
	}
	encPlain, plain := fetch(css[1], "")
	encBr, br := fetch(css[1], "gzip, deflate, br")
	encGz, gz := fetch(css[1], "gzip")
	if encPlain != "" || encBr != "br" || encGz != "gzip" {
		t.Fatalf("encodings %q %q %q, want none, br, gzip", encPlain, encBr, encGz)
	}
	if !bytes.Equal(decode("br", br), plain) || !bytes.Equal(decode("gzip", gz), plain) {
		t.Error("a compressed stylesheet does not decode to the stylesheet")
	}
	if len(br) >= len(gz) || len(gz) >= len(plain)/3 {
		t.Errorf("sizes: %d brotli, %d gzip, %d plain", len(br), len(gz), len(plain))
	}
	t.Logf("site.css: %d B, gzip %d B, brotli %d B", len(plain), len(gz), len(br))
}

// TestPriceFilterReadsAmountsAsTyped: the price filter reads đồng the way
// the back-office form and the importer do (vntext.ParseVND): grouped
// thousands and a currency sign are fine; a decimal point is refused with
// a notice, not read as a hundred times the amount.
func TestPriceFilterReadsAmountsAsTyped(t *testing.T) {
	s := newSite(t)
	for _, tt := range []struct {
		query  string
		count  string
		notice bool
	}{
		{"price_min=400.000", "2 sản phẩm", false},
		{"price_min=400.000%C4%91", "2 sản phẩm", false},            // 400.000đ
		{"price_min=400%C2%A0000%20%E2%82%AB", "2 sản phẩm", false}, // 400 000 ₫ with a no-break space
		{"price_max=150,000", "1 sản phẩm", false},
		{"price_min=1.5", "3 sản phẩm", true},
		{"price_min=150.000,00", "3 sản phẩm", true},
	} {
		status, body, _ := s.get("/san-pham?" + tt.query)
		if status != 200 || !strings.Contains(body, tt.count) || strings.Contains(body, "bộ lọc không hợp lệ") != tt.notice {
			t.Errorf("%s: status %d, want %s (notice %v)", tt.query, status, tt.count, tt.notice)
		}
	}
}

// TestStorefrontWithNothingInForce: a producer whose only certificate
// lapsed has a storefront that says so, not "nothing matches the filter".
func TestStorefrontWithNothingInForce(t *testing.T) {
	s := newSite(t)
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	p := f.Producer("Hộ kinh doanh Yến sào Ban Mê", "66")
	f.Product(p, catalogtest.Product{Name: "Yến sào Ban Mê", Group: "I.3.d", Price: 900000, Star: 3, Cert: "expired"})
	status, body, _ := s.get("/cua-hang/ho-kinh-doanh-yen-sao-ban-me")
	if status != 200 || !strings.Contains(body, "Hiện chưa có sản phẩm OCOP nào còn hiệu lực chứng nhận") || strings.Contains(body, "khớp với bộ lọc") {
		t.Errorf("storefront with nothing in force: %d\n%s", status, body)
	}
	// with a filter set, the filter is what to loosen
	if _, body, _ := s.get("/cua-hang/htx-script-alert-1-script-tan-cuong?star=3"); !strings.Contains(body, "khớp với bộ lọc") {
		t.Errorf("filtered storefront: %s", body)
	}
}

// TestFirstCardPhotosLoadAtOnce: the first row of cards (two on a phone)
// loads its photos at once with high priority, the largest paint being
// one of them; the others wait until they near the screen.
func TestFirstCardPhotosLoadAtOnce(t *testing.T) {
	s := newSite(t)
	if _, err := s.pool.Exec(context.Background(), `
		INSERT INTO product_photo (product_id, position, content_sha, width, height, variants)
		SELECT p.id, 0, md5(p.slug) || md5(p.slug || 'x'), 800, 600,
		       jsonb_build_array(jsonb_build_object('key', 'products/' || p.id || '/a-800.jpg', 'width', 800, 'height', 600, 'bytes', 1000))
		FROM product p`); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/san-pham", "/tinh/thai-nguyen"} {
		_, body, _ := s.get(path)
		imgs := regexp.MustCompile(`<img class="card-img"[^>]*>`).FindAllString(body, -1)
		if want := map[string]int{"/san-pham": 3, "/tinh/thai-nguyen": 2}[path]; len(imgs) != want {
			t.Fatalf("%s: %d card photos", path, len(imgs))
		}
		for i, img := range imgs {
			eager := strings.Contains(img, `fetchpriority="high"`) && !strings.Contains(img, "loading=")
			if eager != (i < 2) {
				t.Errorf("%s card %d: %s", path, i, img)
			}
		}
	}
}

// showroomClock is the storefront tests' showroom clock: Monday 7
// December 2026, 10:00 in Vietnam.
var showroomClock = time.Date(2026, 12, 7, 10, 0, 0, 0, showroom.Vietnam)

// TestShowroomPages: the list near a position with distances, open status
// and directions; a bad position is a notice, not an error page; the
// detail page with its week, products and schema.org Store.
func TestShowroomPages(t *testing.T) {
	s := newSite(t)
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	f.Exec(`INSERT INTO showroom (province_code, code, slug, name, name_fold, showroom_type, address, lat, lng, phone, hours_text) VALUES
		('19', 'TN-01', 'trung-tam-ocop-thai-nguyen', 'Trung tâm OCOP Thái Nguyên', 'trung tam ocop thai nguyen', 'ocop_center', 'Số 1 Hoàng Văn Thụ', 21.5942, 105.8482, '+842083855555', 'T2-T6 07:30-17:30'),
		('19', 'TN-02', 'kiot-tan-cuong', 'Ki-ốt Tân Cương', 'ki ot tan cuong', 'transport_hub', 'Quốc lộ 3', 21.5500, 105.7700, '', 'T7,CN 08:00-12:00')`)
	f.Exec(`INSERT INTO showroom_hours (showroom_id, weekday, opens, closes) SELECT id, d, '07:30', '17:30' FROM showroom, generate_series(1, 5) d WHERE code = 'TN-01'`)
	f.Exec(`INSERT INTO showroom_hours (showroom_id, weekday, opens, closes) SELECT id, d, '08:00', '12:00' FROM showroom, generate_series(6, 7) d WHERE code = 'TN-02'`)
	f.Exec(`INSERT INTO showroom_product (showroom_id, product_id) SELECT s.id, p.id FROM showroom s, product p WHERE s.code = 'TN-01' AND p.slug = 'tra-hoa-vang'`)
	status, body, _ := s.get("/diem-ban?near=21.5800,105.8000&radius_km=50")
	if status != 200 {
		t.Fatalf("list: %d", status)
	}
	first, second := strings.Index(body, "Ki-ốt Tân Cương"), strings.Index(body, "Trung tâm OCOP Thái Nguyên")
	if first < 0 || second < first || !strings.Contains(body, "2 điểm bán") || !strings.Contains(body, "5,2 km") {
		t.Errorf("nearest first, with distances:\n%s", body)
	}
	if !strings.Contains(body, "Đang mở cửa · hôm nay 07:30-17:30") || !strings.Contains(body, "https://www.google.com/maps/dir/?api=1&amp;destination=21.594200%2C105.848200") {
		t.Errorf("open status and directions:\n%s", body)
	}
	if !strings.Contains(body, `<svg class="pl-map"`) {
		t.Error("no map")
	}
	if status, body, _ := s.get("/diem-ban?open_now=1"); status != 200 || strings.Contains(body, "Ki-ốt Tân Cương") || !strings.Contains(body, "1 điểm bán") {
		t.Errorf("open now on a Monday morning: %d", status)
	}
	if status, body, _ := s.get("/diem-ban?near=48.85,2.35"); status != 200 || !strings.Contains(body, "Vị trí không hợp lệ") || !strings.Contains(body, "2 điểm bán") {
		t.Errorf("bad position: %d", status)
	}
	if _, body, _ := s.get("/diem-ban?product=tra-hoa-vang"); !strings.Contains(body, "Điểm bán có <strong>Trà hoa vàng</strong>") || strings.Contains(body, "Ki-ốt Tân Cương") {
		t.Errorf("carrying a product:\n%s", body)
	}
	status, body, _ = s.get("/diem-ban/trung-tam-ocop-thai-nguyen")
	if status != 200 || !strings.Contains(body, `"@type":"Store"`) || !strings.Contains(body, `"latitude":21.5942`) || !strings.Contains(body, `"dayOfWeek":"https://schema.org/Monday"`) {
		t.Errorf("detail: %d\n%s", status, body)
	}
	if !strings.Contains(body, `href="tel:02083855555"`) || !strings.Contains(body, "/san-pham/tra-hoa-vang") || !strings.Contains(body, `class="today" aria-current="date"`) {
		t.Errorf("detail content:\n%s", body)
	}
	if status, _, _ := s.get("/diem-ban/khong-co"); status != 404 {
		t.Errorf("unknown showroom: %d", status)
	}
	// the product and its producer's storefront say where it is sold
	if _, body, _ := s.get("/san-pham/tra-hoa-vang"); !strings.Contains(body, "Có bán tại 1 điểm bán") || !strings.Contains(body, `href="/diem-ban?product=tra-hoa-vang"`) {
		t.Errorf("product page: no sold-at block")
	}
	if status, body, _ := s.get("/san-pham/nuoc-mam-40-do-dam"); status != 200 || strings.Contains(body, "Có bán tại") {
		t.Error("a product no showroom carries says it is sold somewhere")
	}
	if _, body, _ := s.get("/cua-hang/htx-script-alert-1-script-tan-cuong"); !strings.Contains(body, "Có bán tại 1 điểm bán") || !strings.Contains(body, "/diem-ban/trung-tam-ocop-thai-nguyen") {
		t.Errorf("storefront: no sold-at block")
	}
}
