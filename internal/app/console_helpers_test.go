package app_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"

	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/producer"
)

// filePart is a file of a multipart form.
type filePart struct {
	name string
	data []byte
	ct   string // the part's declared Content-Type (the server must not trust it)
	// field is the form field ("" is "documents")
	field string
}

// uploadDocs posts a multipart form (fields, then the documents)
// with the CSRF token of tokenPage.
func (c *client) uploadDocs(path, tokenPage string, fields map[string]string, files []filePart) response {
	c.s.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if tokenPage != "" {
		_ = w.WriteField("_csrf", c.token(tokenPage))
	}
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		field := f.field
		if field == "" {
			field = "documents"
		}
		h.Set("Content-Disposition", `form-data; name="`+field+`"; filename="`+f.name+`"`)
		ct := f.ct
		if ct == "" {
			ct = "application/octet-stream"
		}
		h.Set("Content-Type", ct)
		pw, err := w.CreatePart(h)
		if err != nil {
			c.s.t.Fatal(err)
		}
		_, _ = pw.Write(f.data)
	}
	_ = w.Close()
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", "http://example.com")
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := c.s.a.HTTP.Test(req, -1)
	if err != nil {
		c.s.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, body: string(b), location: resp.Header.Get("Location"), setCk: resp.Cookies()}
}

// getFull is a GET that returns the headers too.
func (c *client) getFull(path string) (*http.Response, string) {
	c.s.t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := c.s.a.HTTP.Test(req, -1)
	if err != nil {
		c.s.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// tiny valid documents
var (
	pdfDoc = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
	pngDoc = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
)

// communes adds communes of provinces 19 and 01 (fresh databases have
// none).
func communes(t *testing.T, s *site) {
	t.Helper()
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	f.Exec(`INSERT INTO commune (code, province_code, name, full_name, kind, name_fold) VALUES
		('05800', '19', 'Phú Đô', 'Xã Phú Đô', 'xa', 'phu do'),
		('05801', '19', 'Tân Cương', 'Xã Tân Cương', 'xa', 'tan cuong'),
		('00004', '01', 'Ba Đình', 'Phường Ba Đình', 'phuong', 'ba dinh')`)
}

// goodApplication is a valid form of a cooperative in province 19.
func goodApplication() map[string]string {
	return map[string]string{
		"legal_name": "Hợp tác xã Chè Phú Đô", "producer_type": "htx", "tax_code": "4601234567", "registration_no": "17G8000123",
		"representative": "Nguyễn Thị Lan", "province": "19", "commune": "05800", "street_line": "Xóm Tân Phú",
		"phone": "0912 345 678", "zalo": "0912345678",
	}
}

func with(m map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// applicant signs up a user and returns their client.
func applicant(t *testing.T, s *site, id string) (*client, int64) {
	t.Helper()
	u := s.user(id, "Người nộp "+id, "mat khau dung")
	c := s.client()
	if r := c.signIn(id, "mat khau dung"); r.status != 303 {
		t.Fatalf("sign in %s: %d", id, r.status)
	}
	return c, u.ID
}

// staffClient signs in a new staff user of the provinces (admin when
// provinces is nil).
func staffClient(t *testing.T, s *site, id string, provinces ...string) (*client, int64) {
	t.Helper()
	ctx := context.Background()
	u := s.user(id, "Cán bộ "+id, "mat khau dung")
	for _, p := range provinces {
		if err := s.a.Producers.GrantStaff(ctx, producer.System, u.ID, p, producer.StaffOCOPOffice); err != nil {
			t.Fatal(err)
		}
	}
	if provinces == nil {
		if _, err := s.pool.Exec(ctx, `UPDATE app_user SET is_admin = true WHERE id = $1`, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	c := s.client()
	if r := c.signIn(id, "mat khau dung"); r.status != 303 {
		t.Fatalf("sign in %s: %d", id, r.status)
	}
	return c, u.ID
}

func (s *site) count(sql string, args ...any) int {
	s.t.Helper()
	var n int
	if err := s.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		s.t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func (s *site) objects(prefix string) []string {
	s.t.Helper()
	objs, err := s.a.Media.List(context.Background(), prefix)
	if err != nil {
		s.t.Fatal(err)
	}
	var keys []string
	for _, o := range objs {
		keys = append(keys, o.Key)
	}
	return keys
}

func contains(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}
