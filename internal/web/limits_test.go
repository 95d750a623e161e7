package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/web"
)

// TestBodyLimits: a form route refuses a body over OCOP_BODY_LIMIT (or of
// unknown length) before anything reads it; an upload route reads a
// signed-in user's body up to OCOP_UPLOAD_LIMIT and an anonymous one's not
// at all.
func TestBodyLimits(t *testing.T) {
	pool, url := pgtest.NewDBURL(t)
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"DATABASE_URL": url, "OCOP_BODY_LIMIT": "65536", "OCOP_UPLOAD_LIMIT": "4194304"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	accounts := account.New(pool, account.Options{})
	if _, err := accounts.Register(context.Background(), account.SignUp{Identifier: "mai@example.vn", DisplayName: "Mai", Password: "mat khau dai"}); err != nil {
		t.Fatal(err)
	}
	tok, _, err := accounts.SignIn(context.Background(), "mai@example.vn", "mat khau dai", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	var read atomic.Int64 // bytes the last handler read
	app := web.New(web.Deps{Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Pool: pool, Catalog: catalog.New(pool, nil),
		Sessions: &web.Sessions{Accounts: accounts},
		Mount: func(r *web.Router) {
			r.Get("/t/token", web.SignedIn, func(c *fiber.Ctx) error { return c.SendString(web.CSRFToken(c)) })
			r.Post("/t/form", web.Public, func(c *fiber.Ctx) error { read.Store(int64(len(c.Body()))); return c.SendString("ok") })
			r.Upload("/t/admin-up", web.Admin, func(c *fiber.Ctx) error {
				read.Store(1)
				return c.SendString("admin")
			})
			r.Upload("/t/up/:id", web.SignedIn, func(c *fiber.Ctx) error {
				f, err := c.FormFile("file")
				if err != nil {
					return err
				}
				read.Store(f.Size)
				return c.SendString(strconv.FormatInt(f.Size, 10))
			})
		}})
	// a real server: a refused body is left unread and the connection
	// closed, which app.Test reports as an error
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	base := "http://" + ln.Addr().String()
	var try func(req *http.Request, signedIn bool) (int, string, error)
	do := func(req *http.Request, signedIn bool) (int, string) {
		t.Helper()
		st, body, err := try(req, signedIn)
		if err != nil {
			t.Fatal(err)
		}
		return st, body
	}
	try = func(req *http.Request, signedIn bool) (int, string, error) {
		u, _ := neturl.Parse(base + req.URL.String())
		req.URL, req.RequestURI, req.Host = u, "", u.Host
		if signedIn {
			req.AddCookie(&http.Cookie{Name: "sid", Value: tok})
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), nil
	}
	_, csrf := do(httptest.NewRequest("GET", "/t/token", nil), true)
	multipartBody := func(size int) (*bytes.Buffer, string) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		_ = w.WriteField("_csrf", csrf)
		fw, _ := w.CreateFormFile("file", "anh.jpg")
		_, _ = fw.Write(bytes.Repeat([]byte{'x'}, size))
		_ = w.Close()
		return &buf, w.FormDataContentType()
	}

	form := "_csrf=x&note=" + strings.Repeat("a", 70000)
	req := httptest.NewRequest("POST", "/t/form", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if st, _ := do(req, false); st != http.StatusRequestEntityTooLarge || read.Load() != 0 {
		t.Errorf("70 KB form: %d (handler read %d bytes), want 413 before reading", st, read.Load())
	}
	req = httptest.NewRequest("POST", "/t/form", io.MultiReader(strings.NewReader("_csrf=x&a=b"))) // unknown length: chunked
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if st, _ := do(req, false); st != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked form: %d, want 413", st)
	}

	body, ct := multipartBody(3 << 20)
	req = httptest.NewRequest("POST", "/t/up/1", bytes.NewReader(body.Bytes()))
	req.Header.Set("Content-Type", ct)
	if st, _ := do(req, false); st != http.StatusUnauthorized || read.Load() != 0 {
		t.Errorf("anonymous 3 MB upload: %d (read %d), want 401 unread", st, read.Load())
	}
	req = httptest.NewRequest("POST", "/t/up/1", bytes.NewReader(body.Bytes()))
	req.Header.Set("Content-Type", ct)
	if st, got := do(req, true); st != http.StatusOK || got != strconv.Itoa(3<<20) {
		t.Errorf("signed-in 3 MB upload: %d %q, want 200 and the whole file", st, got)
	}
	// a signed-in user without the route's role gets 403 before the body
	// is read: a malformed body would otherwise be a 400
	broken := "--x\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + csrf + "\r\n--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\nunterminated"
	read.Store(0)
	req = httptest.NewRequest("POST", "/t/admin-up", strings.NewReader(broken))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	if st, _ := do(req, true); st != http.StatusForbidden || read.Load() != 0 {
		t.Errorf("upload to an admin route as a shopper: %d, want 403 before reading", st)
	}
	// with the role, a body that cannot be read is reported as such, not
	// as an expired form
	req = httptest.NewRequest("POST", "/t/up/1", strings.NewReader(broken))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.Header.Set("Accept", "application/json")
	if st, body := do(req, true); st != http.StatusBadRequest || !strings.Contains(body, "gián đoạn") {
		t.Errorf("broken multipart body: %d %s, want 400 saying the upload broke off", st, body)
	}

	// an upload route takes multipart only: another body would be read
	// whole into memory
	req = httptest.NewRequest("POST", "/t/up/1", strings.NewReader("_csrf="+csrf+"&file="+strings.Repeat("x", 100)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if st, body := do(req, true); st != http.StatusBadRequest || !strings.Contains(body, "không hợp lệ") {
		t.Errorf("urlencoded body to an upload route: %d %s, want 400", st, body)
	}

	// over the upload limit: 413 and the connection closed unread; the
	// client may see the reset before the answer
	body, ct = multipartBody(5 << 20)
	req = httptest.NewRequest("POST", "/t/up/1", bytes.NewReader(body.Bytes()))
	req.Header.Set("Content-Type", ct)
	read.Store(0)
	if st, _, err := try(req, true); (err == nil && st != http.StatusRequestEntityTooLarge) || read.Load() != 0 {
		t.Errorf("signed-in 5 MB upload over the 4 MB limit: %d %v (handler read %d), want 413 or a closed connection, unread", st, err, read.Load())
	}
}
