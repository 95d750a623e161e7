package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/product/phototest"
	"github.com/ocopvn/ocop/media/miniomedia"
	"github.com/ocopvn/ocop/media/photo"
)

func init() {
	const prod = "/quan-ly/:producer/san-pham/:product"
	const shop = "/quan-ly/:producer/cua-hang/anh"
	// anon: a GET is sent to sign in, a POST refused (401); members of
	// another producer and staff of another province: 404; staff of the
	// household's province and admins manage it on its behalf. 0: an
	// allowed role whose POST would change the shared fixture (covered by
	// the feature tests below).
	get := map[string]int{"anon": 303, "shopper": 404, "producerA": 200, "producerB": 404, "staff01": 404, "staff19": 200, "admin": 200}
	denied := map[string]int{"anon": 401, "shopper": 404, "producerB": 404, "staff01": 404}
	addMatrix(map[string]map[string]int{
		"GET " + prod + "/anh": get,
		// an empty multipart form: "no photo chosen", 422
		"POST " + prod + "/anh":            {"anon": 401, "shopper": 404, "producerA": 422, "producerB": 404, "staff01": 404, "staff19": 422, "admin": 422},
		"POST " + prod + "/anh/:photo":     {"anon": 401, "shopper": 404, "producerA": 303, "producerB": 404, "staff01": 404, "staff19": 303, "admin": 303},
		"POST " + prod + "/anh/:photo/xoa": denied,
		"POST " + prod + "/xoa":            denied,
		"GET " + shop:                      get,
		"POST " + shop + "/logo":           {"anon": 401, "shopper": 404, "producerA": 422, "producerB": 404, "staff01": 404, "staff19": 422, "admin": 422},
		"POST " + shop + "/banner":         {"anon": 401, "shopper": 404, "producerA": 422, "producerB": 404, "staff01": 404, "staff19": 422, "admin": 422},
		"POST " + shop + "/logo/xoa":       {"anon": 401, "shopper": 404, "producerA": 303, "producerB": 404, "staff01": 404, "staff19": 303, "admin": 303},
		"POST " + shop + "/banner/xoa":     {"anon": 401, "shopper": 404, "producerA": 303, "producerB": 404, "staff01": 404, "staff19": 303, "admin": 303},
	})
	if matrixParams["product"] == nil {
		matrixParams["product"] = func(t *testing.T, s *site, p principals) string {
			f := catalogtest.Fixture{T: t, Pool: s.pool}
			return strconv.FormatInt(f.Product(p.producerA, catalogtest.Product{Name: "Chè búp ma trận", Group: "I.5.a", Price: 90000, Star: 3}), 10)
		}
	}
	// a photo row (no objects) of producerA's newest product, the route's
	// :product (created first, as it comes first in the path)
	matrixParams["photo"] = func(t *testing.T, s *site, p principals) string {
		var id int64
		err := s.pool.QueryRow(context.Background(), `
			INSERT INTO product_photo (product_id, position, content_sha, width, height, variants)
			SELECT max(id), 0, repeat('a', 64), 800, 600, '[{"key": "products/0/x-800.jpg", "width": 800, "height": 600, "type": "image/jpeg"}]'
			FROM product WHERE producer_id = $1 RETURNING id`, p.producerA).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(id, 10)
	}
}

// upFile is one file of an upload.
type upFile struct {
	name string
	data []byte
}

// upload posts files as multipart field (with the CSRF token of
// tokenPage, or csrf when not empty).
func (c *client) upload(path, tokenPage, csrf, field string, files ...upFile) response {
	c.s.t.Helper()
	if csrf == "" {
		csrf = c.token(tokenPage)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("_csrf", csrf)
	for _, f := range files {
		w, err := mw.CreateFormFile(field, f.name)
		if err != nil {
			c.s.t.Fatal(err)
		}
		_, _ = w.Write(f.data)
	}
	_ = mw.Close()
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", "http://example.com")
	req.Header.Set("Accept", "text/html")
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := c.s.a.HTTP.Test(req, -1)
	if err != nil {
		c.s.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, body: string(b), location: resp.Header.Get("Location")}
}

// photoSite is the app on MinIO with a household producer in province 19,
// a public product of it and its signed-in owner.
type photoSite struct {
	*site
	t        *testing.T
	store    *miniomedia.Store
	producer int64
	product  int64
	owner    *client
}

func newPhotoSite(t *testing.T) *photoSite {
	t.Helper()
	s, store := newSiteMinIO(t)
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	producerID := f.Producer("Hộ kinh doanh Chè Hà Giang", "19")
	f.Exec(`UPDATE producer SET producer_type = 'ho_kinh_doanh' WHERE id = $1`, producerID)
	product := f.Product(producerID, catalogtest.Product{Name: "Chè Shan Tuyết Hà Giang", Group: "I.5.a", Price: 150000, Star: 4})
	u := s.user("chu@che.vn", "Chủ hộ", "mat khau dung")
	if err := s.a.Producers.AddMember(context.Background(), producer.System, u.ID, producerID, "owner"); err != nil {
		t.Fatal(err)
	}
	owner := s.client()
	if r := owner.signIn("chu@che.vn", "mat khau dung"); r.status != 303 {
		t.Fatalf("sign in: %d", r.status)
	}
	return &photoSite{site: s, t: t, store: store, producer: producerID, product: product, owner: owner}
}

func (p *photoSite) photosPath() string {
	return fmt.Sprintf("/quan-ly/%d/san-pham/%d/anh", p.producer, p.product)
}

func (p *photoSite) objects() []string {
	p.t.Helper()
	objs, err := p.store.List(context.Background(), "")
	if err != nil {
		p.t.Fatal(err)
	}
	var out []string
	for _, o := range objs {
		out = append(out, o.Key)
	}
	sort.Strings(out)
	return out
}

func (p *photoSite) rowKeys() []string {
	p.t.Helper()
	rows, err := p.pool.Query(context.Background(), `
		SELECT v->>'key' FROM product_photo, jsonb_array_elements(variants) v
		UNION SELECT v->>'key' FROM producer, jsonb_array_elements(logo_variants || banner_variants) v
		ORDER BY 1`)
	if err != nil {
		p.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		_ = rows.Scan(&k)
		out = append(out, k)
	}
	return out
}

// assertNoOrphans: the bucket holds exactly the keys rows refer to.
func (p *photoSite) assertNoOrphans() {
	p.t.Helper()
	if objs, keys := p.objects(), p.rowKeys(); !slices.Equal(objs, keys) {
		p.t.Fatalf("bucket and rows differ:\nobjects %v\nrows    %v", objs, keys)
	}
}

func (p *photoSite) count(sql string, args ...any) int {
	p.t.Helper()
	var n int
	if err := p.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		p.t.Fatal(err)
	}
	return n
}

// fetch GETs (or HEADs) path anonymously.
func (p *photoSite) fetch(method, path string, header ...string) (*http.Response, []byte) {
	p.t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := p.a.HTTP.Test(req, -1)
	if err != nil {
		p.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

var srcsetRE = regexp.MustCompile(`srcset="([^"]+)"`)

func TestPhotoUploadServedWithHeadersAndSrcset(t *testing.T) {
	p := newPhotoSite(t)
	path := p.photosPath()
	page := p.owner.do("GET", path, nil)
	if page.status != 200 {
		t.Fatalf("photos page: %d", page.status)
	}
	for _, want := range []string{`type="file" name="photos" multiple accept="image/jpeg,image/png,image/webp"`, "Tải ảnh lên", `enctype="multipart/form-data"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("photos page lacks %s", want)
		}
	}
	r := p.owner.upload(path, path, "", "photos", upFile{"ảnh chè.jpg", phototest.GPSJPEG(t, 2400, 1800)})
	if r.status != 303 || r.location != path+"?ok=tai" {
		t.Fatalf("upload: %d %s %s", r.status, r.location, r.body)
	}
	p.assertNoOrphans()
	keys := p.rowKeys()
	if len(keys) != 3 {
		t.Fatalf("keys %v, want 3 variants", keys)
	}
	// served from the private bucket by the app, variants smaller to larger
	var sizes []int
	for _, k := range keys {
		resp, body := p.fetch("GET", "/media/"+k)
		if resp.StatusCode != 200 {
			t.Fatalf("GET /media/%s: %d", k, resp.StatusCode)
		}
		for h, want := range map[string]string{
			"Content-Type":            "image/jpeg",
			"Cache-Control":           "public, max-age=31536000, immutable",
			"X-Content-Type-Options":  "nosniff",
			"Content-Security-Policy": "default-src 'none'; sandbox",
		} {
			if got := resp.Header.Get(h); got != want {
				t.Errorf("%s: %s = %q, want %q", k, h, got, want)
			}
		}
		etag := resp.Header.Get("ETag")
		if len(etag) < 10 {
			t.Errorf("%s: ETag %q", k, etag)
		}
		if bytes.Contains(body, []byte(phototest.GPSSecret)) || bytes.Contains(body, []byte("Exif")) {
			t.Errorf("%s: EXIF/GPS survived", k)
		}
		if body[0] != 0xFF || body[1] != 0xD8 {
			t.Errorf("%s: not a JPEG", k)
		}
		sizes = append(sizes, len(body))
		if resp, _ := p.fetch("GET", "/media/"+k, "If-None-Match", etag); resp.StatusCode != 304 {
			t.Errorf("If-None-Match: %d, want 304", resp.StatusCode)
		}
		resp, body = p.fetch("HEAD", "/media/"+k)
		if resp.StatusCode != 200 || len(body) != 0 || resp.Header.Get("Content-Type") != "image/jpeg" {
			t.Errorf("HEAD %s: %d, %d bytes, %s", k, resp.StatusCode, len(body), resp.Header.Get("Content-Type"))
		}
	}
	// keys sort by sha, so compare sizes by width from the row
	var widths []int
	rows, _ := p.pool.Query(context.Background(), `SELECT (v->>'width')::int FROM product_photo, jsonb_array_elements(variants) v ORDER BY v->>'key'`)
	for rows.Next() {
		var w int
		_ = rows.Scan(&w)
		widths = append(widths, w)
	}
	rows.Close()
	for i := range widths {
		for j := range widths {
			if widths[i] < widths[j] && sizes[i] >= sizes[j] {
				t.Errorf("the %d px variant (%d B) is not smaller than the %d px one (%d B)", widths[i], sizes[i], widths[j], sizes[j])
			}
		}
	}
	for _, bad := range []string{"/media/private/applications/1/x.pdf", "/media/products/1/missing-320.jpg", "/media/products/../private/x.jpg", "/media/other/x.jpg"} {
		if resp, _ := p.fetch("GET", bad); resp.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", bad, resp.StatusCode)
		}
	}
	// the card and the product page use the photo with srcset
	for _, pg := range []string{"/san-pham", "/san-pham/che-shan-tuyet-ha-giang"} {
		r := p.client().do("GET", pg, nil)
		m := srcsetRE.FindStringSubmatch(r.body)
		if r.status != 200 || m == nil || !strings.Contains(m[1], " 320w") || !strings.Contains(m[1], " 1600w") {
			t.Errorf("%s: %d, srcset %v", pg, r.status, m)
		}
		if !strings.Contains(r.body, `alt="Chè Shan Tuyết Hà Giang"`) {
			t.Errorf("%s: alt text does not fall back to the product name", pg)
		}
	}
}

func TestHostileUploadsRefusedAndNothingLeft(t *testing.T) {
	p := newPhotoSite(t)
	path := p.photosPath()
	good := phototest.JPEG(t, 900, 700, 1)
	files := []upFile{
		{"bom.png", phototest.PixelBombPNG(50_000, 50_000)},
		{"bom.jpg", phototest.LottaPixelJPEG(t, 50_000, 50_000)},
		{"cut.jpg", phototest.JPEG(t, 900, 700, 2)[:3000]},
		{"poly.gif.jpg", phototest.Polyglot},
		{"evil.svg", phototest.SVG},
		{"empty.jpg", nil},
		{"huge.jpg", append(bytes.Clone(good), make([]byte, photo.MaxBytes)...)},
		{"real.jpg", good},
		// a PNG named .jpg is a PNG by content, and accepted as one
		{"renamed-png.jpg", phototest.PNG(t, 600, 400, 3)},
	}
	r := p.owner.upload(path, path, "", "photos", files...)
	if r.status != 422 {
		t.Fatalf("mixed upload: %d, want 422", r.status)
	}
	for name, msg := range map[string]string{
		"bom.png":      photo.ErrPixels.Message,
		"bom.jpg":      photo.ErrPixels.Message,
		"cut.jpg":      photo.ErrCorrupt.Message,
		"poly.gif.jpg": photo.ErrType.Message,
		"evil.svg":     photo.ErrType.Message,
		"empty.jpg":    photo.ErrEmpty.Message,
		"huge.jpg":     photo.ErrTooLarge.Message,
	} {
		want := "<strong>" + name + "</strong>: " + templateEscape(msg)
		if !strings.Contains(r.body, want) {
			t.Errorf("no message for %s (want %q)", name, want)
		}
	}
	if strings.Contains(r.body, "<strong>real.jpg</strong>") || strings.Contains(r.body, "<strong>renamed-png.jpg</strong>") {
		t.Error("a good file was refused")
	}
	if n := p.count(`SELECT count(*) FROM product_photo`); n != 2 {
		t.Fatalf("%d photos saved, want 2 (real.jpg, renamed-png.jpg)", n)
	}
	p.assertNoOrphans()
	// the same photo again: "already there", nothing duplicated
	before := p.objects()
	r = p.owner.upload(path, path, "", "photos", upFile{"again.jpg", good})
	if r.status != 422 || !strings.Contains(r.body, "Ảnh này đã có") {
		t.Fatalf("duplicate: %d", r.status)
	}
	if !slices.Equal(before, p.objects()) || p.count(`SELECT count(*) FROM product_photo`) != 2 {
		t.Fatal("duplicate upload changed the photos")
	}
	// no file chosen
	if r := p.owner.upload(path, path, "", "photos"); r.status != 422 || !strings.Contains(r.body, "chưa chọn ảnh") {
		t.Fatalf("no file: %d", r.status)
	}
	// up to 10, then the 11th refused
	var batch []upFile
	for i := range 9 {
		batch = append(batch, upFile{fmt.Sprintf("p%d.jpg", i), phototest.JPEG(t, 400, 300, 10+i)})
	}
	r = p.owner.upload(path, path, "", "photos", batch...)
	if n := p.count(`SELECT count(*) FROM product_photo`); n != 10 {
		t.Fatalf("%d photos, want 10", n)
	}
	if r.status != 422 || !strings.Contains(r.body, "đủ 10 ảnh") {
		t.Fatalf("11th photo: %d, want 422 with the limit message", r.status)
	}
	p.assertNoOrphans()
	if page := p.owner.do("GET", path, nil); strings.Contains(page.body, `name="photos"`) {
		t.Error("a full product still offers the upload form")
	}
}

func templateEscape(s string) string {
	return strings.NewReplacer(`"`, "&#34;", "'", "&#39;", "&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func TestTwentyConcurrentUploads(t *testing.T) {
	p := newPhotoSite(t)
	path := p.photosPath()
	token := p.owner.token(path)
	var wg sync.WaitGroup
	statuses := make([]int, 20)
	files := make([][]byte, 20)
	for i := range files {
		files[i] = phototest.JPEG(t, 500, 400, 100+i)
	}
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &client{s: p.site, cookies: map[string]string{}, header: map[string]string{}}
			for k, v := range p.owner.cookies {
				c.cookies[k] = v
			}
			statuses[i] = c.upload(path, "", token, "photos", upFile{fmt.Sprintf("anh%d.jpg", i), files[i]}).status
		}()
	}
	wg.Wait()
	ok := 0
	for _, st := range statuses {
		switch st {
		case 303:
			ok++
		case 422:
		default:
			t.Errorf("status %d", st)
		}
	}
	if n := p.count(`SELECT count(*) FROM product_photo WHERE product_id = $1`, p.product); n != 10 || ok != 10 {
		t.Fatalf("%d rows, %d accepted; want 10 and 10", n, ok)
	}
	p.assertNoOrphans()
}

func TestReorderAltDeletePhotoAndProduct(t *testing.T) {
	p := newPhotoSite(t)
	path := p.photosPath()
	for i := range 3 {
		if r := p.owner.upload(path, path, "", "photos", upFile{"a.jpg", phototest.JPEG(t, 500, 400, i+1)}); r.status != 303 {
			t.Fatalf("upload %d: %d", i, r.status)
		}
	}
	ids := func() []int64 {
		rows, _ := p.pool.Query(context.Background(), `SELECT id FROM product_photo WHERE product_id = $1 ORDER BY position`, p.product)
		defer rows.Close()
		var out []int64
		for rows.Next() {
			var id int64
			_ = rows.Scan(&id)
			out = append(out, id)
		}
		return out
	}
	before := ids()
	// the third photo to position 1, with alt text
	r := p.owner.post(fmt.Sprintf("%s/%d", path, before[2]), path, "alt", "Gói chè 100 g", "position", "1")
	if r.status != 303 {
		t.Fatalf("reorder: %d %s", r.status, r.body)
	}
	if got, want := ids(), []int64{before[2], before[0], before[1]}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	// the "down" button
	if r := p.owner.post(fmt.Sprintf("%s/%d", path, before[2]), path, "alt", "Gói chè 100 g", "move", "down"); r.status != 303 {
		t.Fatalf("move down: %d", r.status)
	}
	if got, want := ids(), []int64{before[0], before[2], before[1]}; !slices.Equal(got, want) {
		t.Fatalf("order after down %v, want %v", got, want)
	}
	page := p.owner.do("GET", path, nil)
	if !strings.Contains(page.body, `value="Gói chè 100 g"`) {
		t.Error("alt text not shown")
	}
	if n := p.count(`SELECT count(*) FROM audit_log WHERE entity = 'product_photo' AND action = 'update' AND acting_as = 'member'`); n != 2 {
		t.Errorf("%d update audit entries, want 2", n)
	}
	// a photo of another product in the URL: 404, nothing changed
	f := catalogtest.Fixture{T: t, Pool: p.pool}
	otherProduct := f.Product(p.producer, catalogtest.Product{Name: "Chè khác", Group: "I.5.a", Price: 1000, Star: 3})
	if r := p.owner.post(fmt.Sprintf("/quan-ly/%d/san-pham/%d/anh/%d/xoa", p.producer, otherProduct, before[0]), path); r.status != 404 {
		t.Fatalf("photo of another product: %d, want 404", r.status)
	}
	if r := p.owner.post(fmt.Sprintf("/quan-ly/%d/san-pham/%d/anh/%d", p.producer, otherProduct, before[0]), path, "alt", "x"); r.status != 404 {
		t.Fatalf("update via another product: %d, want 404", r.status)
	}
	// delete a photo: row and objects gone
	var gone []string
	_ = p.pool.QueryRow(context.Background(), `SELECT array_agg(v->>'key') FROM product_photo, jsonb_array_elements(variants) v WHERE id = $1`, before[0]).Scan(&gone)
	if r := p.owner.post(fmt.Sprintf("%s/%d/xoa", path, before[0]), path); r.status != 303 {
		t.Fatalf("delete photo: %d", r.status)
	}
	objs := p.objects()
	for _, k := range gone {
		if slices.Contains(objs, k) {
			t.Errorf("object %s of the deleted photo kept", k)
		}
	}
	p.assertNoOrphans()
	// a certified product is not deleted
	r = p.owner.post(fmt.Sprintf("/quan-ly/%d/san-pham/%d/xoa", p.producer, p.product), path)
	if r.status != 409 || !strings.Contains(r.body, "Ngừng bán") {
		t.Fatalf("delete certified product: %d", r.status)
	}
	// a draft that never had a certificate is, with its objects
	var draft int64
	if err := p.pool.QueryRow(context.Background(), `INSERT INTO product (producer_id, group_code, name, name_fold, slug, price_vnd)
		VALUES ($1, 'I.5.a', 'Chè nháp', 'che nhap', 'che-nhap', 1000) RETURNING id`, p.producer).Scan(&draft); err != nil {
		t.Fatal(err)
	}
	draftPath := fmt.Sprintf("/quan-ly/%d/san-pham/%d/anh", p.producer, draft)
	if r := p.owner.upload(draftPath, draftPath, "", "photos", upFile{"d.jpg", phototest.JPEG(t, 500, 400, 40)}); r.status != 303 {
		t.Fatalf("draft upload: %d", r.status)
	}
	if r := p.owner.post(fmt.Sprintf("/quan-ly/%d/san-pham/%d/xoa", p.producer, draft), path); r.status != 303 {
		t.Fatalf("delete draft: %d %s", r.status, r.body)
	}
	if n := p.count(`SELECT count(*) FROM product WHERE id = $1`, draft); n != 0 {
		t.Fatal("draft not deleted")
	}
	p.assertNoOrphans()
}

func TestOtherProducerAndForgedCSRFStoreNothing(t *testing.T) {
	p := newPhotoSite(t)
	path := p.photosPath()
	f := catalogtest.Fixture{T: t, Pool: p.pool}
	other := f.Producer("HTX Mắm Phú Quốc", "91")
	u := p.user("b@mam.vn", "Thành viên B", "mat khau dung")
	if err := p.a.Producers.AddMember(context.Background(), producer.System, u.ID, other, "owner"); err != nil {
		t.Fatal(err)
	}
	b := p.client()
	b.signIn("b@mam.vn", "mat khau dung")
	img := upFile{"x.jpg", phototest.JPEG(t, 400, 300, 1)}
	// B's user on A's product, through A's or B's producer id
	if r := b.upload(path, "/tai-khoan", "", "photos", img); r.status != 404 {
		t.Errorf("other producer's member: %d, want 404", r.status)
	}
	if r := b.upload(fmt.Sprintf("/quan-ly/%d/san-pham/%d/anh", other, p.product), "/tai-khoan", "", "photos", img); r.status != 404 {
		t.Errorf("A's product under B's producer id: %d, want 404", r.status)
	}
	// forged CSRF token from A's own session
	if r := p.owner.upload(path, "", "forged-token", "photos", img); r.status != 403 {
		t.Errorf("forged CSRF: %d, want 403", r.status)
	}
	if objs := p.objects(); len(objs) != 0 || p.count(`SELECT count(*) FROM product_photo`) != 0 {
		t.Fatalf("something stored: %v", objs)
	}
}

func TestLogoAndBanner(t *testing.T) {
	p := newPhotoSite(t)
	page := fmt.Sprintf("/quan-ly/%d/cua-hang/anh", p.producer)
	if r := p.owner.do("GET", page, nil); r.status != 200 || !strings.Contains(r.body, `name="image"`) {
		t.Fatalf("shop images page: %d", r.status)
	}
	if r := p.owner.upload(page+"/logo", page, "", "image", upFile{"logo.png", phototest.PNG(t, 500, 500, 1)}); r.status != 303 {
		t.Fatalf("logo: %d %s", r.status, r.body)
	}
	if r := p.owner.upload(page+"/banner", page, "", "image", upFile{"bia.jpg", phototest.JPEG(t, 1800, 600, 2)}); r.status != 303 {
		t.Fatalf("banner: %d", r.status)
	}
	r := p.owner.upload(page+"/banner", page, "", "image", upFile{"bia.svg", phototest.SVG})
	if r.status != 422 || !strings.Contains(r.body, `aria-describedby="banner-hint banner-error"`) || !strings.Contains(r.body, "bia.svg") {
		t.Fatalf("SVG banner: %d", r.status)
	}
	p.assertNoOrphans()
	old := p.rowKeys()
	// a new banner replaces the old one's objects
	if r := p.owner.upload(page+"/banner", page, "", "image", upFile{"bia2.jpg", phototest.JPEG(t, 1800, 600, 3)}); r.status != 303 {
		t.Fatalf("banner 2: %d", r.status)
	}
	p.assertNoOrphans()
	if slices.Equal(old, p.rowKeys()) {
		t.Fatal("banner not replaced")
	}
	// the storefront shows both with srcset
	var slug string
	_ = p.pool.QueryRow(context.Background(), `SELECT slug FROM producer WHERE id = $1`, p.producer).Scan(&slug)
	sf := p.client().do("GET", "/cua-hang/"+slug, nil)
	if !strings.Contains(sf.body, `class="banner-img"`) || !strings.Contains(sf.body, `class="logo-img"`) || len(srcsetRE.FindAllString(sf.body, -1)) < 2 {
		t.Fatalf("storefront without logo and banner images: %d", sf.status)
	}
	if r := p.owner.post(page+"/logo/xoa", page); r.status != 303 {
		t.Fatalf("remove logo: %d", r.status)
	}
	p.assertNoOrphans()
	if n := p.count(`SELECT count(*) FROM audit_log WHERE entity = 'producer' AND producer_id = $1`, p.producer); n != 4 {
		t.Errorf("%d producer image audit entries, want 4", n)
	}
}
