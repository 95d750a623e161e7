package app_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/app"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/media/mediatest"
	"github.com/ocopvn/ocop/media/miniomedia"
)

// site is the whole app on a fresh database.
type site struct {
	t    *testing.T
	a    *app.App
	pool *pgxpool.Pool
	cfg  config.Config
	logs *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newSite(t *testing.T, env ...string) *site {
	t.Helper()
	pool, dbURL := pgtest.NewDBURL(t)
	// photos and documents in a temp dir unless env names MinIO (newSiteMinIO)
	vars := map[string]string{"DATABASE_URL": dbURL, "OCOP_BASE_URL": "https://ocop.example", "OCOP_MEDIA_DIR": t.TempDir()}
	for i := 0; i+1 < len(env); i += 2 {
		vars[env[i]] = env[i+1]
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Pool.Close)
	return &site{t: t, a: a, pool: pool, cfg: cfg, logs: logs}
}

// newSiteMinIO is newSite with photos and documents in a fresh bucket of
// the test MinIO server (skipped, or failed under OCOP_TEST_REQUIRE_DB=1,
// when none runs). The bucket is returned so a test can list what is left.
func newSiteMinIO(t *testing.T, env ...string) (*site, *miniomedia.Store) {
	t.Helper()
	store := mediatest.NewMinIO(t) // creates the bucket and removes it afterwards
	o := mediatest.MinIOOptions(t)
	env = append(env, "OCOP_S3_ENDPOINT", o.Endpoint, "OCOP_S3_ACCESS_KEY", o.AccessKey,
		"OCOP_S3_SECRET_KEY", o.SecretKey, "OCOP_S3_BUCKET", store.Bucket())
	return newSite(t, env...), store
}

// client is a browser: it keeps cookies and sends a same-site Origin.
type client struct {
	s       *site
	cookies map[string]string
	header  map[string]string
}

func (s *site) client() *client {
	return &client{s: s, cookies: map[string]string{}, header: map[string]string{}}
}

type response struct {
	status   int
	body     string
	location string
	setCk    []*http.Cookie
	// referrerPolicy is the response's Referrer-Policy header.
	referrerPolicy string
}

func (c *client) do(method, path string, form url.Values) response {
	c.s.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	req.Header.Set("Accept", "text/html")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "http://example.com")
	}
	for k, v := range c.header {
		if k == "Host" {
			req.Host = v
			continue
		}
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := c.s.a.HTTP.Test(req, -1)
	if err != nil {
		c.s.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	for _, ck := range resp.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	return response{status: resp.StatusCode, body: string(b), location: resp.Header.Get("Location"), setCk: resp.Cookies(), referrerPolicy: resp.Header.Get("Referrer-Policy")}
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// token returns the CSRF token of the form on page path.
func (c *client) token(path string) string {
	c.s.t.Helper()
	r := c.do("GET", path, nil)
	m := csrfField.FindStringSubmatch(r.body)
	if m == nil {
		c.s.t.Fatalf("GET %s (%d): no CSRF field", path, r.status)
	}
	return m[1]
}

func (c *client) post(path, tokenPage string, kv ...string) response {
	c.s.t.Helper()
	f := url.Values{"_csrf": {c.token(tokenPage)}}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	return c.do("POST", path, f)
}

func (c *client) signIn(id, pw string) response {
	c.s.t.Helper()
	return c.post("/dang-nhap", "/dang-nhap", "identifier", id, "password", pw)
}

func (s *site) user(id, name, pw string) *account.User {
	s.t.Helper()
	u, err := s.a.Accounts.Register(context.Background(), account.SignUp{Identifier: id, DisplayName: name, Password: pw})
	if err != nil {
		s.t.Fatal(err)
	}
	return u
}

func TestSignUpSignInAccountPage(t *testing.T) {
	s := newSite(t)
	c := s.client()
	r := c.do("GET", "/", nil)
	if !strings.Contains(r.body, `href="/dang-nhap">Đăng nhập</a>`) {
		t.Errorf("anonymous header lacks the sign-in link")
	}
	// invalid input: 422 with field messages and the input kept
	r = c.post("/dang-ky", "/dang-ky", "identifier", "0123", "display_name", "Chị Lan", "password", "ngan")
	if r.status != 422 || !strings.Contains(r.body, `id="identifier-error"`) || !strings.Contains(r.body, `id="password-error"`) || !strings.Contains(r.body, `value="Chị Lan"`) {
		t.Fatalf("bad sign-up: %d %s", r.status, r.body)
	}
	// extra fields (mass assignment, Z-06) are ignored
	r = c.post("/dang-ky", "/dang-ky", "identifier", "0912 345 678", "display_name", "Chị Lan", "password", "Mật khẩu 123", "role", "admin", "is_admin", "true")
	if r.status != 303 || r.location != "/tai-khoan?moi=1" {
		t.Fatalf("sign-up: %d %q", r.status, r.location)
	}
	var sid *http.Cookie
	for _, ck := range r.setCk {
		if ck.Name == "sid" {
			sid = ck
		}
	}
	if sid == nil || !sid.HttpOnly || sid.SameSite != http.SameSiteLaxMode || sid.Path != "/" || sid.Domain != "" || len(sid.Value) != 43 {
		t.Fatalf("session cookie: %+v", sid)
	}
	r = c.do("GET", "/tai-khoan", nil)
	if r.status != 200 || !strings.Contains(r.body, "Chị Lan") || !strings.Contains(r.body, "84912345678") || !strings.Contains(r.body, `class="me">Chị Lan</a>`) {
		t.Fatalf("account page: %d", r.status)
	}
	var admin bool
	if err := s.pool.QueryRow(context.Background(), `SELECT is_admin FROM app_user WHERE phone = '+84912345678'`).Scan(&admin); err != nil || admin {
		t.Errorf("sign-up with role=admin: admin %v, %v", admin, err)
	}
	// duplicate in another format
	d := s.client()
	r = d.post("/dang-ky", "/dang-ky", "identifier", "+84912345678", "display_name", "Khác", "password", "Mật khẩu 123")
	if r.status != 422 || !strings.Contains(r.body, "đã có tài khoản") {
		t.Errorf("duplicate sign-up: %d", r.status)
	}
	// sign out, then the old cookie is dead
	old := c.cookies["sid"]
	r = c.post("/dang-xuat", "/tai-khoan")
	if r.status != 303 {
		t.Fatalf("sign-out: %d %s", r.status, r.body)
	}
	e := s.client()
	e.cookies["sid"] = old
	if r = e.do("GET", "/tai-khoan", nil); r.status != 303 || !strings.HasPrefix(r.location, "/dang-nhap?next=") {
		t.Errorf("old cookie after sign-out: %d %q", r.status, r.location)
	}
}

func TestSignInRotatesSessionAndIgnoresPlantedCookie(t *testing.T) {
	s := newSite(t)
	s.user("an@example.vn", "An", "mat khau dung")
	c := s.client()
	planted := "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	c.cookies["sid"] = planted
	r := c.signIn("an@example.vn", "mat khau dung")
	if r.status != 303 || c.cookies["sid"] == "" || c.cookies["sid"] == planted {
		t.Fatalf("sign-in with a planted cookie: %d, sid %q", r.status, c.cookies["sid"])
	}
	first := c.cookies["sid"]
	r = c.signIn("an@example.vn", "mat khau dung")
	if r.status != 303 || c.cookies["sid"] == first {
		t.Fatalf("second sign-in kept the session id")
	}
	e := s.client()
	e.cookies["sid"] = first
	if r := e.do("GET", "/tai-khoan", nil); r.status != 303 {
		t.Errorf("session before rotation still works: %d", r.status)
	}
	e.cookies["sid"] = planted
	if r := e.do("GET", "/tai-khoan", nil); r.status != 303 {
		t.Errorf("planted id works: %d", r.status)
	}
}

func TestSignInFailureIsUniform(t *testing.T) {
	s := newSite(t)
	s.user("an@example.vn", "An", "mat khau dung")
	c := s.client()
	wrong := c.signIn("an@example.vn", "mat khau sai")
	unknown := c.signIn("ai@example.vn", "mat khau sai")
	if wrong.status != 401 || unknown.status != 401 {
		t.Fatalf("statuses %d %d, want 401", wrong.status, unknown.status)
	}
	a := strings.ReplaceAll(wrong.body, "an@example.vn", "X")
	b := strings.ReplaceAll(unknown.body, "ai@example.vn", "X")
	if a != b {
		t.Error("bodies differ between a wrong password and an unknown account")
	}
	if !strings.Contains(a, "Email/số điện thoại hoặc mật khẩu không đúng.") {
		t.Error("no Vietnamese message")
	}
}

func TestSignInRateLimitIgnoresUntrustedForwardedFor(t *testing.T) {
	s := newSite(t)
	s.user("an@example.vn", "An", "mat khau dung")
	c := s.client()
	for i := range 10 {
		c.header["X-Forwarded-For"] = "1.2.3." + string(rune('0'+i))
		if r := c.signIn("an@example.vn", "sai"+string(rune('a'+i))+"12345"); r.status != 401 {
			t.Fatalf("failure %d: %d", i+1, r.status)
		}
	}
	r := c.signIn("an@example.vn", "mat khau dung")
	if r.status != 429 || !strings.Contains(r.body, "sai quá nhiều lần") {
		t.Fatalf("11th try: %d", r.status)
	}
	// per IP: the forwarded address is not trusted, so all share the peer's
	for i := range 40 {
		c.header["X-Forwarded-For"] = "5.6.7." + string(rune('0'+i%10))
		c.signIn("khac"+string(rune('a'+i%26))+string(rune('a'+i/26))+"@example.vn", "sai mat khau")
	}
	s.user("binh@example.vn", "Bình", "mat khau dung")
	if r := c.signIn("binh@example.vn", "mat khau dung"); r.status != 429 {
		t.Errorf("51st failure-or-try from one peer: %d, want 429", r.status)
	}
}

func TestCSRF(t *testing.T) {
	s := newSite(t)
	s.user("an@example.vn", "An", "mat khau dung")
	s.user("binh@example.vn", "Bình", "mat khau dung")
	a, b := s.client(), s.client()
	a.signIn("an@example.vn", "mat khau dung")
	b.signIn("binh@example.vn", "mat khau dung")
	bTok := b.token("/tai-khoan")
	tests := []struct {
		name   string
		form   url.Values
		origin string
	}{
		{"missing token", url.Values{}, ""},
		{"forged token", url.Values{"_csrf": {"AAAA"}}, ""},
		{"other session's token", url.Values{"_csrf": {bTok}}, ""},
		{"cross-site origin", url.Values{"_csrf": {a.token("/tai-khoan")}}, "https://evil.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.origin != "" {
				a.header["Origin"] = tt.origin
				defer delete(a.header, "Origin")
			}
			r := a.do("POST", "/dang-xuat", tt.form)
			if r.status != 403 || !strings.Contains(r.body, "Biểu mẫu đã hết hạn") {
				t.Errorf("status %d, want 403 with the Vietnamese message", r.status)
			}
			if r := a.do("GET", "/tai-khoan", nil); r.status != 200 {
				t.Errorf("signed out by a forged request: %d", r.status)
			}
		})
	}
	// anonymous forms: the pre-session token of another browser fails
	other := s.client().token("/dang-nhap")
	anon := s.client()
	anon.token("/dang-nhap")
	r := anon.do("POST", "/dang-nhap", url.Values{"_csrf": {other}, "identifier": {"an@example.vn"}, "password": {"mat khau dung"}})
	if r.status != 403 {
		t.Errorf("sign-in with another browser's token: %d", r.status)
	}
	if r := a.post("/dang-xuat", "/tai-khoan"); r.status != 303 {
		t.Errorf("valid sign-out: %d", r.status)
	}
}

// TestCSRFOverHTTPS: behind a trusted proxy that says https, a form POST
// needs a same-host Origin or Referer (SECURITY.md W-02).
func TestCSRFOverHTTPS(t *testing.T) {
	s := newSite(t, "OCOP_TRUSTED_PROXIES", "0.0.0.0/0")
	c := s.client()
	c.header["X-Forwarded-Proto"] = "https"
	r := c.do("GET", "/dang-nhap", nil)
	if got := r.setCk; len(got) == 0 {
		t.Fatal("no pre-session cookie")
	}
	tok := csrfField.FindStringSubmatch(r.body)[1]
	form := url.Values{"_csrf": {tok}, "identifier": {"ai@example.vn"}, "password": {"mat khau sai"}}
	c.header["Origin"] = ""
	if r := c.do("POST", "/dang-nhap", form); r.status != 403 {
		t.Errorf("https POST without Origin or Referer: %d, want 403", r.status)
	}
	c.header["Referer"] = "https://example.com/dang-nhap"
	if r := c.do("POST", "/dang-nhap", form); r.status != 401 {
		t.Errorf("https POST with same-host Referer: %d, want 401 (wrong password, past CSRF)", r.status)
	}
	for _, path := range []string{"/", "/dang-nhap", "/dat-lai-mat-khau?token=x"} {
		if p := c.do("GET", path, nil).referrerPolicy; p == "" || p == "no-referrer" {
			t.Errorf("GET %s: Referrer-Policy %q; the CSRF check needs same-origin Referers", path, p)
		}
	}
}

func TestSignInNextRedirect(t *testing.T) {
	s := newSite(t)
	s.user("an@example.vn", "An", "mat khau dung")
	for _, tt := range []struct{ next, want string }{
		{"/tai-khoan", "/tai-khoan"},
		{"//evil.com", "/"},
		{"/\\evil.com", "/"},
		{"https://evil.com/", "/"},
		{"javascript:alert(1)", "/"},
		{"/%2F%5Cevil.com", "/"},
	} {
		c := s.client()
		r := c.post("/dang-nhap", "/dang-nhap", "identifier", "an@example.vn", "password", "mat khau dung", "next", tt.next)
		if r.status != 303 || r.location != tt.want {
			t.Errorf("next=%q: %d %q, want %q", tt.next, r.status, r.location, tt.want)
		}
	}
}

var resetLink = regexp.MustCompile(`(https?://[^/\s"\\]+)/dat-lai-mat-khau\?token=([A-Za-z0-9_-]{43})`)

// TestPasswordResetFlow: the link in the (logged, development) mail uses
// OCOP_BASE_URL whatever Host and X-Forwarded-Host say; the token works
// once and ends every session (SECURITY.md A-05, S-03).
func TestPasswordResetFlow(t *testing.T) {
	s := newSite(t)
	s.user("an@example.vn", "An", "mat khau cu")
	c := s.client()
	c.signIn("an@example.vn", "mat khau cu")
	old := c.cookies["sid"]

	f := s.client()
	f.header["Host"] = "evil.example"
	f.header["X-Forwarded-Host"] = "evil.example"
	f.header["Origin"] = "http://evil.example"
	r := f.post("/quen-mat-khau", "/quen-mat-khau", "identifier", "an@example.vn")
	if r.status != 303 {
		t.Fatalf("forgot: %d", r.status)
	}
	if r := f.do("GET", r.location, nil); !strings.Contains(r.body, "liên kết đặt lại mật khẩu đã được gửi") {
		t.Errorf("no confirmation after the request: %d", r.status)
	}
	r2 := s.client().post("/quen-mat-khau", "/quen-mat-khau", "identifier", "khong-co@example.vn")
	if r2.status != r.status || r2.location != r.location {
		t.Errorf("unknown account answered differently: %d %q", r2.status, r2.location)
	}
	m := resetLink.FindStringSubmatch(s.logs.String())
	if m == nil {
		t.Fatal("no reset link in the mail log")
	}
	if m[1] != "https://ocop.example" {
		t.Errorf("link host %q, want OCOP_BASE_URL", m[1])
	}
	tok := m[2]
	g := s.client()
	page := "/dat-lai-mat-khau?token=" + tok
	if r := g.do("GET", page, nil); r.status != 200 || !strings.Contains(r.body, `name="token"`) || r.referrerPolicy == "no-referrer" {
		t.Fatalf("reset page: %d", r.status)
	}
	if r := g.post("/dat-lai-mat-khau", page, "token", tok, "password", "ngan"); r.status != 422 {
		t.Errorf("short new password: %d", r.status)
	}
	if r := g.post("/dat-lai-mat-khau", page, "token", tok, "password", "mat khau moi"); r.status != 303 {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	if r := g.post("/dat-lai-mat-khau", "/quen-mat-khau", "token", tok, "password", "mat khau khac"); r.status != 422 || !strings.Contains(r.body, "không hợp lệ hoặc đã hết hạn") {
		t.Errorf("reused token: %d", r.status)
	}
	e := s.client()
	e.cookies["sid"] = old
	if r := e.do("GET", "/tai-khoan", nil); r.status != 303 {
		t.Errorf("session survived the reset: %d", r.status)
	}
	if r := s.client().signIn("an@example.vn", "mat khau moi"); r.status != 303 {
		t.Errorf("sign-in with the new password: %d", r.status)
	}
	if r := s.client().do("GET", "/dat-lai-mat-khau?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", nil); r.status != 200 || !strings.Contains(r.body, "không hợp lệ hoặc đã hết hạn") {
		t.Errorf("bad token page: %d", r.status)
	}
}

func TestSignOutEverywhereAndRestart(t *testing.T) {
	s := newSite(t)
	s.user("an@example.vn", "An", "mat khau dung")
	phone, laptop := s.client(), s.client()
	phone.signIn("an@example.vn", "mat khau dung")
	laptop.signIn("an@example.vn", "mat khau dung")
	// sessions live in PostgreSQL: a second app on the same database (a
	// replica, or a restart) knows them
	a2, err := app.New(context.Background(), s.cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a2.Pool.Close()
	if got := getAs(t, a2.HTTP, laptop.cookies["sid"], "/tai-khoan"); got != 200 {
		t.Fatalf("session on a second app: %d", got)
	}
	if r := phone.post("/dang-xuat", "/tai-khoan", "everywhere", "1"); r.status != 303 {
		t.Fatalf("sign out everywhere: %d", r.status)
	}
	if r := laptop.do("GET", "/tai-khoan", nil); r.status != 303 {
		t.Errorf("other device still signed in: %d", r.status)
	}
}

func TestProductionCookies(t *testing.T) {
	s := newSite(t, "OCOP_ENV", "production", "OCOP_SECRET_KEY", strings.Repeat("k", 32))
	s.user("an@example.vn", "An", "mat khau dung")
	c := s.client()
	r := c.do("GET", "/dang-nhap", nil)
	tok := csrfField.FindStringSubmatch(r.body)[1]
	var csrf *http.Cookie
	for _, ck := range r.setCk {
		if ck.Name == "__Host-csrf" {
			csrf = ck
		}
	}
	if csrf == nil || !csrf.Secure || !csrf.HttpOnly || csrf.Path != "/" || csrf.Domain != "" {
		t.Fatalf("pre-session cookie: %+v", csrf)
	}
	r = c.do("POST", "/dang-nhap", url.Values{"_csrf": {tok}, "identifier": {"an@example.vn"}, "password": {"mat khau dung"}})
	var sid *http.Cookie
	for _, ck := range r.setCk {
		if ck.Name == "__Host-sid" {
			sid = ck
		}
	}
	if r.status != 303 || sid == nil || !sid.Secure || !sid.HttpOnly || sid.SameSite != http.SameSiteLaxMode || sid.Path != "/" || sid.Domain != "" {
		t.Fatalf("production sign-in: %d, cookie %+v", r.status, sid)
	}
	if got := getAsCookie(t, s.a.HTTP, "__Host-sid", sid.Value, "/tai-khoan"); got != 200 {
		t.Errorf("account page with __Host-sid: %d", got)
	}
}

func TestUnknownRouteRuleFails(t *testing.T) {
	s := newSite(t)
	// a route added without the router has no rule: the matrix must catch it
	s.a.HTTP.Get("/test/no-rule", func(c *fiber.Ctx) error { return c.SendString("x") })
	if missing := routesWithoutRule(s.a.HTTP); !slices.Contains(missing, "GET /test/no-rule") || len(missing) > 2 {
		t.Errorf("routes without a rule: %v", missing)
	}
}

// TestRateLimitTrustedProxy: behind a trusted proxy the client address of
// X-Forwarded-For is the limiter's key, so one client's failures do not
// lock out another (SECURITY.md W-05).
func TestRateLimitTrustedProxy(t *testing.T) {
	s := newSite(t, "OCOP_TRUSTED_PROXIES", "0.0.0.0/0")
	s.user("an@example.vn", "An", "mat khau dung")
	c := s.client()
	c.header["X-Forwarded-For"] = "203.0.113.7"
	for i := range 50 {
		c.signIn("khac"+strconv.Itoa(i)+"@example.vn", "sai mat khau")
	}
	if r := c.signIn("an@example.vn", "mat khau dung"); r.status != 429 {
		t.Fatalf("51st try from 203.0.113.7: %d, want 429", r.status)
	}
	c.header["X-Forwarded-For"] = "203.0.113.8"
	if r := c.signIn("an@example.vn", "mat khau dung"); r.status != 303 {
		t.Errorf("another client behind the proxy: %d, want 303", r.status)
	}
}
