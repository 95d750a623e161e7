package app_test

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/producer"
)

func init() {
	member := func(anonPost bool) map[string]int {
		anon := 303
		if anonPost {
			anon = 401
		}
		return map[string]int{"anon": anon, "shopper": 404, "producerA": 200, "producerB": 404, "staff01": 404, "staff19": 200, "admin": 200}
	}
	post := func(ok int) map[string]int {
		m := member(true)
		m["producerA"], m["staff19"], m["admin"] = ok, ok, ok
		return m
	}
	addMatrix(map[string]map[string]int{
		// one storefront: straight to it; none or several: a page
		"GET /quan-ly":                                 {"anon": 303, "shopper": 200, "producerA": 303, "producerB": 303, "staff01": 200, "staff19": 200, "admin": 200},
		"GET /quan-ly/:producer":                       member(false),
		"GET /quan-ly/:producer/san-pham":              member(false),
		"GET /quan-ly/:producer/san-pham/moi":          member(false),
		"GET /quan-ly/:producer/san-pham/:product":     member(false),
		"GET /quan-ly/:producer/cua-hang":              member(false),
		"GET /quan-ly/:producer/san-pham/:product/tem": member(false),
		// an empty form: refused fields (422), a form without its version
		// (409), an empty profile is valid (303)
		"POST /quan-ly/:producer/san-pham/moi":      post(422),
		"POST /quan-ly/:producer/san-pham/:product": post(409),
		"POST /quan-ly/:producer/cua-hang":          post(303),
	})
	matrixParams["product"] = func(t *testing.T, s *site, p principals) string {
		f := catalogtest.Fixture{T: t, Pool: s.pool}
		return strconv.FormatInt(f.Product(p.producerA, catalogtest.Product{Name: "Chè ma trận", Group: "I.3.c", Price: 1000, Star: 3}), 10)
	}
}

// as returns a client signed in as role.
func as(s *site, p principals, role string) *client {
	c := s.client()
	c.cookies["sid"] = p.cookie[role]
	return c
}

var versionField = regexp.MustCompile(`name="version" value="([0-9]+)"`)

// productForm is the form of a valid product, with kv overriding fields.
func productForm(kv ...string) []string {
	f := map[string]string{"name": "Chè búp Tân Cương", "group": "I.3.c", "description": "Chè ngon.\nHái tay.", "unit": "Hộp 200 g",
		"price": "120.000 ₫", "stock": "25", "status": "draft"}
	for i := 0; i+1 < len(kv); i += 2 {
		f[kv[i]] = kv[i+1]
	}
	var out []string
	for k, v := range f {
		out = append(out, k, v)
	}
	return out
}

// saveProduct posts the edit form of path with kv over the page's current
// values of version and the valid fields.
func saveProduct(t *testing.T, c *client, path string, kv ...string) response {
	t.Helper()
	page := c.do("GET", path, nil)
	m := versionField.FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("GET %s (%d): no version field", path, page.status)
	}
	return c.post(path, path, append(productForm("version", m[1]), kv...)...)
}

type productRow struct {
	name, fold, slug, group, desc, descHTML, unit, status string
	price                                                 int64
	stock                                                 int
	updated                                               time.Time
}

func readProduct(t *testing.T, s *site, id int64) productRow {
	t.Helper()
	var r productRow
	err := s.pool.QueryRow(context.Background(), `SELECT name, name_fold, slug, group_code, description, description_html, unit, status, price_vnd, stock, updated_at
		FROM product WHERE id = $1`, id).Scan(&r.name, &r.fold, &r.slug, &r.group, &r.desc, &r.descHTML, &r.unit, &r.status, &r.price, &r.stock, &r.updated)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func auditCount(t *testing.T, s *site) int {
	t.Helper()
	var n int
	if err := s.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var editURL = regexp.MustCompile(`^/quan-ly/([0-9]+)/san-pham/([0-9]+)\?`)

// createProduct creates a product through the form and returns its id.
func createProduct(t *testing.T, c *client, base string, kv ...string) (int64, response) {
	t.Helper()
	r := c.post(base+"/san-pham/moi", base+"/san-pham/moi", productForm(kv...)...)
	m := editURL.FindStringSubmatch(r.location)
	if r.status != 303 || m == nil {
		t.Fatalf("create: %d %q\n%s", r.status, r.location, r.body)
	}
	id, _ := strconv.ParseInt(m[2], 10, 64)
	return id, r
}

func TestBackofficeCreateEditPublish(t *testing.T) {
	s := newSite(t)
	p := signInRoles(t, s)
	ctx := context.Background()
	a := as(s, p, "producerA")
	base := "/quan-ly/" + strconv.FormatInt(p.producerA, 10)

	if r := a.do("GET", "/quan-ly", nil); r.status != 303 || r.location != base {
		t.Fatalf("/quan-ly with one storefront: %d %q", r.status, r.location)
	}
	r := a.do("GET", base, nil)
	for _, want := range []string{`aria-label="Quản lý gian hàng"`, ">Tổng quan<", ">Sản phẩm<", ">Thêm sản phẩm<", ">Gian hàng<"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("dashboard lacks %s", want)
		}
	}
	if strings.Contains(r.body, "thay mặt") {
		t.Error("a member is told they act on the producer's behalf")
	}

	// create, asking to publish: saved as a draft, with the reason
	id, r := createProduct(t, a, base, "status", "published", "name", "Chè  búp Tân Cương ")
	if !strings.Contains(r.location, "da-luu=1") || !strings.Contains(r.location, "nhap=no_certificate") {
		t.Errorf("redirect %q", r.location)
	}
	got := readProduct(t, s, id)
	want := productRow{name: "Chè búp Tân Cương", fold: "che bup tan cuong", slug: "che-bup-tan-cuong", group: "I.3.c", desc: "Chè ngon.\nHái tay.",
		descHTML: "<p>Chè ngon.</p><p>Hái tay.</p>", unit: "Hộp 200 g", status: "draft", price: 120000, stock: 25, updated: got.updated}
	if got != want {
		t.Errorf("stored %+v\nwant   %+v", got, want)
	}
	var acting string
	var actor int64
	if err := s.pool.QueryRow(ctx, `SELECT acting_as, actor_id FROM audit_log WHERE entity = 'product' AND entity_id = $1 AND action = 'create'`, id).Scan(&acting, &actor); err != nil || acting != "member" || actor != p.users["producerA"] {
		t.Errorf("audit of create: %q %d %v", acting, actor, err)
	}
	page := a.do("GET", r.location, nil)
	if !strings.Contains(page.body, "Đã lưu sản phẩm") || !strings.Contains(page.body, `id="status-note"`) ||
		!strings.Contains(page.body, "Sản phẩm chưa có chứng nhận OCOP còn hiệu lực nên được lưu ở trạng thái bản nháp") {
		t.Errorf("edit page after a refused publish lacks the notice or the reason")
	}
	if !strings.Contains(page.body, ">Chè ngon.\nHái tay.</textarea>") {
		t.Error("plain paragraphs are not edited as plain text")
	}
	if !strings.Contains(page.body, base+"/san-pham/"+strconv.FormatInt(id, 10)+"/anh") {
		t.Error("edit page lacks the photos link")
	}
	if r := s.client().do("GET", "/san-pham/che-bup-tan-cuong", nil); r.status != 404 {
		t.Errorf("draft product page: %d", r.status)
	}

	// an active certificate: publishing works, the product is public
	catalogtest.Fixture{T: t, Pool: s.pool}.Exec(`INSERT INTO certificate (product_id, star, decision_no, decision_date, issuing_level, issuing_authority, valid_from, valid_until)
		VALUES ($1::bigint, 4, '12/QĐ-UBND', current_date - 30, 'province', 'UBND tỉnh Thái Nguyên', current_date - 30, (current_date - 30 + interval '36 months' - interval '1 day')::date)`, id)
	path := base + "/san-pham/" + strconv.FormatInt(id, 10)
	if page := a.do("GET", path, nil); !strings.Contains(page.body, "12/QĐ-UBND") {
		t.Error("edit page lacks the certificate")
	}
	r = saveProduct(t, a, path, "status", "published", "price", "150,000", "stock", "7")
	if r.status != 303 || strings.Contains(r.location, "nhap=") {
		t.Fatalf("publish: %d %q", r.status, r.location)
	}
	if got := readProduct(t, s, id); got.status != "published" || got.price != 150000 || got.stock != 7 {
		t.Errorf("after publish: %+v", got)
	}
	if r := s.client().do("GET", "/san-pham/che-bup-tan-cuong", nil); r.status != 200 || !strings.Contains(r.body, "<p>Hái tay.</p>") {
		t.Errorf("public product page: %d", r.status)
	}
	if r := s.client().do("GET", "/api/v1/products", nil); !strings.Contains(r.body, `"che-bup-tan-cuong"`) {
		t.Errorf("API lacks the published product: %s", r.body)
	}
	l := a.do("GET", base+"/san-pham?q=CHE+BUP&status=published", nil)
	if !strings.Contains(l.body, "Chè búp Tân Cương") || !strings.Contains(l.body, "150.000") {
		t.Errorf("list search lacks the product")
	}
	if l := a.do("GET", base+"/san-pham?status=draft", nil); strings.Contains(l.body, "Chè búp Tân Cương") {
		t.Error("status filter draft lists a published product")
	}
	var detail string
	_ = s.pool.QueryRow(ctx, `SELECT detail::text FROM audit_log WHERE entity_id = $1 AND action = 'publish'`, id).Scan(&detail)
	if !strings.Contains(detail, `"price_vnd": {"new": 150000, "old": 120000}`) || !strings.Contains(detail, `"status": {"new": "published", "old": "draft"}`) {
		t.Errorf("audit detail %s", detail)
	}

	// an expired certificate: refused again, back to draft
	catalogtest.Fixture{T: t, Pool: s.pool}.Exec(`UPDATE certificate SET status = 'expired' WHERE product_id = $1`, id)
	r = saveProduct(t, a, path, "status", "published")
	if !strings.Contains(r.location, "nhap=no_certificate") || readProduct(t, s, id).status != "draft" {
		t.Errorf("publish with an expired certificate: %q %s", r.location, readProduct(t, s, id).status)
	}

	// the public producer page shows the profile
	r = a.post(base+"/cua-hang", base+"/cua-hang", "display_name", "Chè Tân Cương A", "story", "Vùng chè\nBốn đời", "phone", "0912 345 678",
		"zalo", "0912345678", "email", "a@example.vn", "website", "https://che.example.vn")
	if r.status != 303 {
		t.Fatalf("profile: %d %s", r.status, r.body)
	}
	var slug string
	_ = s.pool.QueryRow(ctx, `SELECT slug FROM producer WHERE id = $1`, p.producerA).Scan(&slug)
	pub := s.client().do("GET", "/cua-hang/"+slug, nil)
	for _, w := range []string{"Chè Tân Cương A</h1>", "<title>Chè Tân Cương A – ", `"name":"Chè Tân Cương A"`, `"legalName":"Hộ kinh doanh Chè A"`, "<p>Vùng chè</p>", "<p>Bốn đời</p>", "+84912345678", "0912345678", "https://che.example.vn"} {
		if !strings.Contains(pub.body, w) {
			t.Errorf("public producer page lacks %q", w)
		}
	}
	r = a.post(base+"/cua-hang", base+"/cua-hang", "website", "javascript:alert(1)", "email", "khong-phai-email", "display_name", "Tên mới")
	if r.status != 422 || !strings.Contains(r.body, `aria-describedby="website-error website-hint"`) || !strings.Contains(r.body, `value="Tên mới"`) {
		t.Errorf("invalid profile: %d", r.status)
	}
}

func TestBackofficeValidationReshowsInput(t *testing.T) {
	s := newSite(t)
	p := signInRoles(t, s)
	a := as(s, p, "producerA")
	base := "/quan-ly/" + strconv.FormatInt(p.producerA, 10)
	createProduct(t, a, base)
	before := auditCount(t, s)
	tests := []struct {
		name, field, value string
	}{
		{"price too high", "price", "1.000.000.001"},
		{"price words", "price", "một trăm nghìn"},
		{"negative stock", "stock", "-3"},
		{"non-leaf group", "group", "I.3"},
		{"unknown group", "group", "ZZ"},
		{"name too long", "name", strings.Repeat("Chè ", 60)},
		{"duplicate name", "name", "CHÈ BÚP TÂN CƯƠNG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.post(base+"/san-pham/moi", base+"/san-pham/moi", productForm(tt.field, tt.value, "unit", "Gói <b>x</b>")...)
			if r.status != 422 {
				t.Fatalf("status %d", r.status)
			}
			if !strings.Contains(r.body, `id="`+tt.field+`-error"`) || !strings.Contains(r.body, `aria-describedby="`+tt.field+`-error`) {
				t.Errorf("no message tied to %s", tt.field)
			}
			if !strings.Contains(r.body, `value="Gói &lt;b&gt;x&lt;/b&gt;"`) {
				t.Error("the user's input is not shown again (escaped)")
			}
		})
	}
	var n int
	_ = s.pool.QueryRow(context.Background(), `SELECT count(*) FROM product WHERE producer_id = $1`, p.producerA).Scan(&n)
	if n != 1 || auditCount(t, s) != before {
		t.Errorf("refused forms saved: %d products, %d audit rows", n, auditCount(t, s)-before)
	}
}

func TestBackofficeHostileDescription(t *testing.T) {
	s := newSite(t)
	p := signInRoles(t, s)
	a := as(s, p, "producerA")
	base := "/quan-ly/" + strconv.FormatInt(p.producerA, 10)
	hostile := `<p>Chè <strong>ngon</strong></p><script>alert('x')</script><img src=x onerror=alert(1)>` +
		`<a href="javascript:alert(2)">bấm</a><p style="background:url(x)" onclick="y()">Đẹp</p><iframe src="https://evil.example"></iframe><ul><li>Một<li><b>Hai`
	id, _ := createProduct(t, a, base, "description", hostile)
	got := readProduct(t, s, id)
	if dangerousHTML.MatchString(got.descHTML) || !strings.Contains(got.descHTML, "<strong>ngon</strong>") {
		t.Fatalf("stored %q", got.descHTML)
	}
	if strings.Contains(got.desc, "<") || !strings.Contains(got.desc, "Chè ngon") {
		t.Errorf("plain description %q", got.desc)
	}
	// certified and published: the public page shows it harmless
	catalogtest.Fixture{T: t, Pool: s.pool}.Exec(`INSERT INTO certificate (product_id, star, decision_no, decision_date, issuing_level, issuing_authority, valid_from, valid_until)
		VALUES ($1::bigint, 3, '1/QĐ', current_date - 1, 'province', 'UBND', current_date - 1, (current_date - 1 + interval '36 months' - interval '1 day')::date)`, id)
	saveProduct(t, a, base+"/san-pham/"+strconv.FormatInt(id, 10), "status", "published", "description", hostile)
	// and a row written around the sanitiser (an import, old code) is
	// sanitised again on the way out
	catalogtest.Fixture{T: t, Pool: s.pool}.Exec(`UPDATE product SET description_html = description_html || '<img src=x onerror=alert(3)><script>alert(4)</script>' WHERE id = $1`, id)
	r := s.client().do("GET", "/san-pham/"+got.slug, nil)
	if r.status != 200 {
		t.Fatalf("public page %d", r.status)
	}
	main := r.body[strings.Index(r.body, "<main"):strings.Index(r.body, "</main>")]
	if dangerousHTML.MatchString(main) || !strings.Contains(main, "<strong>ngon</strong>") {
		t.Errorf("public page shows dangerous markup or lost formatting:\n%s", main)
	}
}

var dangerousHTML = regexp.MustCompile(`(?i)<script|<img|<iframe|<svg|style=|javascript:|\bon[a-z]+=`)

func TestBackofficeIDORAndOnBehalf(t *testing.T) {
	s := newSite(t)
	p := signInRoles(t, s)
	ctx := context.Background()
	a := as(s, p, "producerA")
	baseA := "/quan-ly/" + strconv.FormatInt(p.producerA, 10)
	baseB := "/quan-ly/" + strconv.FormatInt(p.producerB, 10)
	id, _ := createProduct(t, a, baseA)
	pid := strconv.FormatInt(id, 10)
	before := readProduct(t, s, id)
	audits := auditCount(t, s)

	b := as(s, p, "producerB")
	if r := b.do("GET", baseA+"/san-pham/"+pid, nil); r.status != 404 {
		t.Errorf("B reads A's product by URL: %d", r.status)
	}
	// B's own storefront URL with A's product id, and a forged form
	// naming A's producer and product
	bForm := productForm("price", "1", "version", strconv.FormatInt(before.updated.UnixMicro(), 10), "producer", strconv.FormatInt(p.producerA, 10),
		"producer_id", strconv.FormatInt(p.producerA, 10), "id", pid)
	if r := b.post(baseB+"/san-pham/"+pid, baseB+"/san-pham/moi", bForm...); r.status != 404 {
		t.Errorf("B saves A's product through B's URL: %d", r.status)
	}
	if r := b.post(baseA+"/san-pham/"+pid, baseB+"/san-pham/moi", bForm...); r.status != 404 {
		t.Errorf("B saves A's product through A's URL: %d", r.status)
	}
	// creating through B's URL with A's ids in the form makes a product of B
	if r := b.post(baseB+"/san-pham/moi", baseB+"/san-pham/moi", bForm...); r.status != 303 {
		t.Errorf("B creates: %d", r.status)
	}
	var ofB int
	_ = s.pool.QueryRow(ctx, `SELECT count(*) FROM product WHERE producer_id = $1`, p.producerB).Scan(&ofB)
	if ofB != 1 {
		t.Errorf("B's create with A's ids in the form: %d products of B", ofB)
	}
	if got := readProduct(t, s, id); got != before {
		t.Errorf("A's product changed: %+v", got)
	}
	// staff of another province: A's storefront does not exist for them
	if r := as(s, p, "staff01").do("GET", baseA+"/san-pham/"+pid, nil); r.status != 404 {
		t.Errorf("staff01 reads A's product: %d", r.status)
	}
	if r := as(s, p, "staff01").post(baseA+"/san-pham/"+pid, "/tai-khoan", bForm...); r.status != 404 {
		t.Errorf("staff01 saves A's product: %d", r.status)
	}
	if got := readProduct(t, s, id); got != before || auditCount(t, s) != audits+1 {
		t.Errorf("refused requests changed something: %+v", got)
	}

	// staff of province 19 manage household A on its behalf, audited
	st := as(s, p, "staff19")
	page := st.do("GET", baseA+"/san-pham/"+pid, nil)
	if page.status != 200 || !strings.Contains(page.body, "Bạn đang quản lý thay mặt") || !strings.Contains(page.body, "mọi thay đổi được ghi nhật ký") {
		t.Errorf("staff19 edit page: %d, on-behalf banner missing", page.status)
	}
	if r := saveProduct(t, st, baseA+"/san-pham/"+pid, "stock", "99"); r.status != 303 {
		t.Fatalf("staff19 save: %d", r.status)
	}
	var acting string
	var actor int64
	if err := s.pool.QueryRow(ctx, `SELECT acting_as, actor_id FROM audit_log WHERE entity_id = $1 ORDER BY id DESC LIMIT 1`, id).Scan(&acting, &actor); err != nil ||
		acting != "staff" || actor != p.users["staff19"] || readProduct(t, s, id).stock != 99 {
		t.Errorf("staff19's change: acting %q actor %d, stock %d", acting, actor, readProduct(t, s, id).stock)
	}
}

func TestBackofficeStaleAndCSRF(t *testing.T) {
	s := newSite(t)
	p := signInRoles(t, s)
	a := as(s, p, "producerA")
	base := "/quan-ly/" + strconv.FormatInt(p.producerA, 10)
	id, _ := createProduct(t, a, base)
	path := base + "/san-pham/" + strconv.FormatInt(id, 10)
	old := versionField.FindStringSubmatch(a.do("GET", path, nil).body)[1]
	// someone else saves first
	if r := saveProduct(t, as(s, p, "staff19"), path, "price", "99000"); r.status != 303 {
		t.Fatalf("first save: %d", r.status)
	}
	saved := readProduct(t, s, id)
	r := a.post(path, path, productForm("version", old, "price", "1.000", "name", "Tên của tôi")...)
	if r.status != 409 || !strings.Contains(r.body, "vừa được sửa ở nơi khác") || !strings.Contains(r.body, `value="Tên của tôi"`) || !strings.Contains(r.body, `value="1.000"`) {
		t.Errorf("stale save: %d", r.status)
	}
	if got := readProduct(t, s, id); got != saved {
		t.Errorf("stale save overwrote: %+v", got)
	}
	// the 409 page carries the current version: saving again is deliberate
	if m := versionField.FindStringSubmatch(r.body); m == nil || m[1] == old {
		t.Error("409 page keeps the stale version")
	}

	// forged CSRF: refused, nothing changed
	audits := auditCount(t, s)
	for _, tok := range []string{"", "AAAA", as(s, p, "producerB").token("/tai-khoan")} {
		f := url.Values{}
		for i, kv := 0, productForm("price", "5", "version", strconv.FormatInt(saved.updated.UnixMicro(), 10)); i < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		if tok != "" {
			f.Set("_csrf", tok)
		}
		if r := a.do("POST", path, f); r.status != 403 {
			t.Errorf("token %q: %d", tok, r.status)
		}
		if r := a.do("POST", base+"/san-pham/moi", f); r.status != 403 {
			t.Errorf("create with token %q: %d", tok, r.status)
		}
	}
	if got := readProduct(t, s, id); got != saved || auditCount(t, s) != audits {
		t.Errorf("forged requests changed something")
	}
}

func TestBackofficeStartPage(t *testing.T) {
	s := newSite(t)
	p := signInRoles(t, s)
	r := as(s, p, "shopper").do("GET", "/quan-ly", nil)
	if r.status != 200 || !strings.Contains(r.body, `href="/mo-cua-hang"`) || strings.Contains(r.body, `href="/quan-tri"`) {
		t.Errorf("shopper's /quan-ly: %d", r.status)
	}
	if r := as(s, p, "staff19").do("GET", "/quan-ly", nil); !strings.Contains(r.body, `href="/quan-tri"`) {
		t.Error("staff's /quan-ly lacks the console link")
	}
	// a member of two storefronts picks one
	if err := s.a.Producers.AddMember(context.Background(), producer.System, p.users["producerB"], p.producerA, "staff"); err != nil {
		t.Fatal(err)
	}
	tok, _, err := s.a.Accounts.SignIn(context.Background(), "producerB@example.vn", "mat khau dung", "10.0.1.1")
	if err != nil {
		t.Fatal(err)
	}
	c := s.client()
	c.cookies["sid"] = tok
	r = c.do("GET", "/quan-ly", nil)
	if r.status != 200 || !strings.Contains(r.body, "/quan-ly/"+strconv.FormatInt(p.producerA, 10)) || !strings.Contains(r.body, "/quan-ly/"+strconv.FormatInt(p.producerB, 10)) {
		t.Errorf("two storefronts: %d", r.status)
	}
}

func TestBackofficeSuspendedProducer(t *testing.T) {
	s := newSite(t)
	p := signInRoles(t, s)
	a := as(s, p, "producerA")
	base := "/quan-ly/" + strconv.FormatInt(p.producerA, 10)
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	id := f.Product(p.producerA, catalogtest.Product{Name: "Chè đang bán", Group: "I.3.c", Price: 1000, Star: 4})
	f.Exec(`UPDATE producer SET status = 'suspended', suspended_reason = 'Hồ sơ cần bổ sung', suspended_at = now() WHERE id = $1`, p.producerA)
	r := a.do("GET", base, nil)
	if r.status != 200 || !strings.Contains(r.body, "Gian hàng đang bị tạm ngừng") || !strings.Contains(r.body, "Hồ sơ cần bổ sung") {
		t.Errorf("dashboard of a suspended producer: %d, banner or reason missing", r.status)
	}
	// saving its published product keeps it off sale, with the reason
	r = saveProduct(t, a, base+"/san-pham/"+strconv.FormatInt(id, 10), "name", "Chè đang bán", "status", "published")
	if !strings.Contains(r.location, "nhap=producer_suspended") || readProduct(t, s, id).status != "draft" {
		t.Errorf("publish while suspended: %q, status %s", r.location, readProduct(t, s, id).status)
	}
	page := a.do("GET", r.location, nil)
	if !strings.Contains(page.body, "Gian hàng đang bị tạm ngừng nên sản phẩm được lưu ở trạng thái bản nháp") {
		t.Error("the edit page does not say why")
	}
}

// TestFormsSpeakPlainly: the product form's description hint names no
// HTML tags; the apply form lists communes by name, never asks for a
// commune code, and keeps the applicant's commune as its name.
func TestFormsSpeakPlainly(t *testing.T) {
	s := newSite(t)
	communes(t, s)
	p := signInRoles(t, s)
	r := as(s, p, "producerA").do("GET", "/quan-ly/"+strconv.FormatInt(p.producerA, 10)+"/san-pham/moi", nil)
	if r.status != 200 {
		t.Fatalf("product form: %d", r.status)
	}
	contains(t, r.body, "chữ đậm")
	if strings.Contains(r.body, "&lt;b&gt;") || strings.Contains(r.body, "thẻ") {
		t.Error("the description hint lists HTML tags")
	}
	app, _ := applicant(t, s, "plain@example.vn")
	for _, path := range []string{"/mo-cua-hang", "/mo-cua-hang?tinh=19"} {
		r := app.do("GET", path, nil)
		if strings.Contains(r.body, "5 chữ số") || strings.Contains(r.body, "mã xã") {
			t.Errorf("%s asks for a commune code", path)
		}
		if strings.Count(r.body, `name="province"`) != 1 {
			t.Errorf("%s: %d province fields in the application form", path, strings.Count(r.body, `name="province"`))
		}
	}
	contains(t, app.do("GET", "/mo-cua-hang?tinh=19", nil).body, `<option value="Xã Phú Đô">`)
}

// TestBackofficeDeletedNotice: the product list says "Đã xoá sản phẩm."
// after a deletion (the photos page redirects to ?ok=xoa), and only then.
func TestBackofficeDeletedNotice(t *testing.T) {
	s := newSite(t)
	p := signInRoles(t, s)
	base := "/quan-ly/" + strconv.FormatInt(p.producerA, 10) + "/san-pham"
	c := as(s, p, "producerA")
	if r := c.do("GET", base+"?ok=xoa", nil); r.status != 200 || !strings.Contains(r.body, "Đã xoá sản phẩm.") {
		t.Errorf("?ok=xoa: %d", r.status)
	}
	if r := c.do("GET", base, nil); strings.Contains(r.body, "Đã xoá sản phẩm.") {
		t.Error("the notice shows without ?ok=xoa")
	}
}

// TestBackofficeQRLabels: a certified product's printable sheet holds 40
// labels of its verification QR; a product without a certificate has no
// labels, and says why.
func TestBackofficeQRLabels(t *testing.T) {
	s := newSite(t)
	p := signInRoles(t, s)
	a := as(s, p, "producerA")
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	certified := f.Product(p.producerA, catalogtest.Product{Name: "Chè tem QR", Group: "I.5.a", Price: 1000, Star: 4})
	draft := f.Product(p.producerA, catalogtest.Product{Name: "Chè chưa công nhận", Group: "I.5.a", Price: 1000, Star: 3, Cert: "revoked"})
	var code string
	if err := s.pool.QueryRow(context.Background(), `SELECT verify_code FROM product WHERE id = $1`, certified).Scan(&code); err != nil {
		t.Fatal(err)
	}
	base := "/quan-ly/" + strconv.FormatInt(p.producerA, 10) + "/san-pham/"
	r := a.do("GET", base+strconv.FormatInt(certified, 10)+"/tem", nil)
	if r.status != 200 || strings.Count(r.body, `src="/xac-minh/`+code+`/qr.svg"`) != 40 || !strings.Contains(r.body, "OCOP ★★★★") {
		t.Errorf("labels: %d, %d labels", r.status, strings.Count(r.body, `/qr.svg"`))
	}
	if r := a.do("GET", base+strconv.FormatInt(certified, 10), nil); !strings.Contains(r.body, `/tem">In tem QR xác minh`) {
		t.Error("the product page does not link to its labels")
	}
	r = a.do("GET", base+strconv.FormatInt(draft, 10)+"/tem", nil)
	if r.status != 200 || strings.Contains(r.body, "/qr.svg") || !strings.Contains(r.body, "chưa in được tem") {
		t.Errorf("no certificate: %d", r.status)
	}
	if r := as(s, p, "producerB").do("GET", base+strconv.FormatInt(certified, 10)+"/tem", nil); r.status != 404 {
		t.Errorf("another producer's labels: %d", r.status)
	}
	if r := s.client().do("GET", "/xac-minh/"+code+"/qr.svg", nil); r.status != 200 {
		t.Errorf("the labels' QR: %d", r.status)
	}
}

// TestBackofficeCertificateStanding: the product list tells a producer how
// each certificate stands: in force until a date, lapsed on a date (the
// product is for sale but shoppers do not see it) or revoked; never "no
// certificate yet" for one that lapsed.
func TestBackofficeCertificateStanding(t *testing.T) {
	s := newSite(t)
	p := signInRoles(t, s)
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	long := time.Now().AddDate(-4, 0, 0)
	f.Product(p.producerA, catalogtest.Product{Name: "Yến hết hạn", Group: "I.3.d", Price: 1000, Star: 3, Cert: "expired", Decided: long})
	f.Product(p.producerA, catalogtest.Product{Name: "Yến chưa quét hạn", Group: "I.3.d", Price: 1000, Star: 4, Decided: long})
	f.Product(p.producerA, catalogtest.Product{Name: "Yến thu hồi", Group: "I.3.d", Price: 1000, Star: 3, Cert: "revoked"})
	r := as(s, p, "producerA").do("GET", "/quan-ly/"+strconv.FormatInt(p.producerA, 10)+"/san-pham?q=yen", nil)
	if r.status != 200 {
		t.Fatalf("list: %d", r.status)
	}
	items := strings.Split(r.body, `<li class="bo-product">`)[1:]
	if len(items) != 3 {
		t.Fatalf("%d products listed", len(items))
	}
	lapsedOn := long.AddDate(3, 0, -1).Format("02/01/2006")
	for _, it := range items {
		switch {
		case strings.Contains(it, "Yến hết hạn"), strings.Contains(it, "Yến chưa quét hạn"):
			if !strings.Contains(it, "hết hạn ngày "+lapsedOn) || !strings.Contains(it, "Khách mua chưa thấy") || strings.Contains(it, "Chưa có") {
				t.Errorf("lapsed: %s", it)
			}
		case strings.Contains(it, "Yến thu hồi"):
			if !strings.Contains(it, "Đã bị thu hồi") || !strings.Contains(it, "Khách mua chưa thấy") {
				t.Errorf("revoked: %s", it)
			}
		}
	}
}
