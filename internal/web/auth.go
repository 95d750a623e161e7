package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/producer"
)

// Access is who may use a route. Every route is registered through a
// Router with one; the authorize handler in front of it enforces it, and
// the route × role test fails for a route without one (SECURITY.md Z-01).
type Access int

// Access levels.
const (
	// Public: anyone.
	Public Access = iota + 1
	// SignedIn: any signed-in user.
	SignedIn
	// ProducerMember: a member (owner or staff) of the producer whose id
	// is the route's :producer parameter, an admin, or trade-department
	// staff of the producer's province when the producer is a household
	// (managed on its behalf, every change audited); others get 404.
	ProducerMember
	// Staff: trade-department staff (of the :province parameter's
	// province when the route has one) or an admin.
	Staff
	// StaffOfProducer: trade-department staff of the province of the
	// producer whose id is the route's :producer parameter, or an admin.
	// Other signed-in users get 403, an unknown producer 404.
	StaffOfProducer
	// Admin: admins only.
	Admin
	// ProducerOrStaff: a member of the route's :producer, staff (either
	// kind) of the producer's province, or an admin: what staff may see
	// of any producer (its orders), where ProducerMember lets them act
	// only for households. Others get 404.
	ProducerOrStaff
)

func (a Access) String() string {
	return [...]string{"unset", "public", "signed-in", "producer-member", "staff", "staff-of-producer", "admin", "producer-or-staff"}[a]
}

// Acting is how the request's user acts on the route's producer, set by
// the ProducerMember and StaffOfProducer rules: audit.AsMember,
// audit.AsStaff or audit.AsAdmin.
func Acting(c *fiber.Ctx) string {
	s, _ := c.Locals(actingKey).(string)
	return s
}

// RouteProducer is the route's :producer once a rule has checked it.
func RouteProducer(c *fiber.Ctx) *producer.Scope {
	s, _ := c.Locals(producerKey).(*producer.Scope)
	return s
}

const (
	uploadKey   = "upload_route"
	actingKey   = "acting"
	producerKey = "route_producer"
)

// Router registers routes with their access rule.
type Router struct {
	app   *fiber.App
	mu    sync.Mutex
	rules map[string]Access // "METHOD path"
	// producer looks up a producer for the ProducerMember and
	// StaffOfProducer rules
	producer func(ctx context.Context, id int64) (*producer.Scope, error)
	// bodyLimit is the largest body of a route that is not an upload
	bodyLimit int
	uploads   [][]string // path patterns of upload routes, split at "/"
	sess      *Sessions
	// uploadLimit is the largest body of an upload route. The server's
	// BodyLimit does not cut a streamed body short, so guardBody checks it.
	uploadLimit int
	// readTimeout is the ordinary read deadline (ReadTimeout)
	readTimeout time.Duration
	// cookieless are the POST paths of API calls and webhooks: a request
	// without the session cookie carries no ambient authority, so it needs
	// no CSRF token; one with the cookie is a browser's and is checked
	cookieless map[string]bool
}

var routers sync.Map // *fiber.App -> *Router

// Rules returns the access rule of every route registered on app through
// a Router, keyed "METHOD path".
func Rules(app *fiber.App) map[string]Access {
	r, ok := routers.Load(app)
	if !ok {
		return nil
	}
	rt := r.(*Router)
	rt.mu.Lock()
	defer rt.mu.Unlock()
	out := make(map[string]Access, len(rt.rules))
	for k, v := range rt.rules {
		out[k] = v
	}
	return out
}

// IsUpload reports whether a POST to path on app goes to a route
// registered with Router.Upload (which takes multipart forms only).
func IsUpload(app *fiber.App, path string) bool {
	r, ok := routers.Load(app)
	return ok && r.(*Router).isUpload(path)
}

// NewRouter returns the router of app. New gives its router a producer
// lookup and the body limit.
func NewRouter(app *fiber.App) *Router {
	r := &Router{app: app, rules: map[string]Access{}}
	routers.Store(app, r)
	return r
}

// App is the Fiber app, for tests.
func (r *Router) App() *fiber.App { return r.app }

// Get registers a GET (and HEAD) route. A GET handler must not change
// state (SECURITY.md W-01).
func (r *Router) Get(path string, a Access, h ...fiber.Handler) { r.add(fiber.MethodGet, path, a, h) }

// Post registers a POST route; the CSRF middleware checks it. Its body
// may not exceed the ordinary limit (OCOP_BODY_LIMIT).
func (r *Router) Post(path string, a Access, h ...fiber.Handler) { r.add(fiber.MethodPost, path, a, h) }

// PostAPI registers a POST route of the JSON API or a webhook (a fixed
// path): a request without the site's session cookie skips the CSRF
// check (SECURITY.md W-02 holds: it carries no credentials); a request
// with the cookie is a browser's and passes the check like any form.
func (r *Router) PostAPI(path string, a Access, h ...fiber.Handler) {
	r.mu.Lock()
	if r.cookieless == nil {
		r.cookieless = map[string]bool{}
	}
	r.cookieless[routeKey(path)] = true
	r.mu.Unlock()
	r.add(fiber.MethodPost, path, a, h)
}

func (r *Router) isCookieless(path string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cookieless[routeKey(path)]
}

// routeKey is a fixed path as the router matches it (case and a trailing
// slash do not count).
func routeKey(path string) string { return strings.ToLower(strings.TrimRight(path, "/")) }

// Upload registers a POST route that takes files: its body may be as
// large as OCOP_UPLOAD_LIMIT and take UploadReadTimeout to arrive, and it
// is read (for the CSRF token, then by h) only once the user passed the
// route's access rule.
func (r *Router) Upload(path string, a Access, h ...fiber.Handler) {
	if a == Public {
		panic("web: upload route " + path + " must not be public")
	}
	r.mu.Lock()
	r.uploads = append(r.uploads, strings.Split(strings.ToLower(strings.Trim(path, "/")), "/"))
	r.mu.Unlock()
	r.add(fiber.MethodPost, path, a, append([]fiber.Handler{r.sess.checkUploadCSRF}, h...))
}

// UploadReadTimeout is how long an upload's body may take to arrive: a
// few photos over a slow rural connection take minutes, where every other
// request has ReadTimeout.
const UploadReadTimeout = 5 * time.Minute

// UploadDeadline is the deadline of an upload request's work once its
// body is in (every other request has OCOP_REQUEST_TIMEOUT).
const UploadDeadline = 3 * time.Minute

// readConfig makes upload bodies streamed; fasthttp calls it once a
// request's header is in.
func (r *Router) readConfig(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	if !h.IsPost() {
		return fasthttp.RequestConfig{}
	}
	path, _, _ := strings.Cut(string(h.RequestURI()), "?")
	if r.isUpload(path) {
		// the body of an upload is left to arrive while the handler runs
		// (a body larger than this limit is streamed, not read first), so
		// the route's access rule is checked before anything waits for it:
		// guardBody gives a signed-in user the upload's long deadline and
		// answers anyone else at once
		return fasthttp.RequestConfig{MaxRequestBodySize: 1}
	}
	return fasthttp.RequestConfig{}
}

func (r *Router) add(method, path string, a Access, h []fiber.Handler) {
	if a < Public || a > ProducerOrStaff {
		panic("web: route " + method + " " + path + " without an access rule")
	}
	r.mu.Lock()
	r.rules[method+" "+path] = a
	if method == fiber.MethodGet {
		r.rules[fiber.MethodHead+" "+path] = a
	}
	r.mu.Unlock()
	r.app.Add(method, path, append([]fiber.Handler{r.authorize(a)}, h...)...)
	if method == fiber.MethodGet {
		// app.Add, unlike app.Get, does not add HEAD
		r.app.Add(fiber.MethodHead, path, append([]fiber.Handler{r.authorize(a)}, h...)...)
	}
}

var errTooLarge = apperr.E(apperr.TooLarge, "Dữ liệu gửi lên quá lớn.", "request body too large")

// guardBody runs before anything reads a body (the CSRF check does; the
// server streams bodies and does not pre-read multipart forms): a request
// to an upload route needs a signed-in user and may declare up to the
// upload limit, any other up to the ordinary limit; a body of unknown
// length (chunked) is refused. A refused body is left unread and the
// connection closed after the answer.
func (r *Router) guardBody(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	limit, upload := r.bodyLimit, c.Method() == fiber.MethodPost && r.isUpload(c.Path())
	if upload {
		limit = r.uploadLimit
		c.Locals(uploadKey, true)
	}
	n := c.Request().Header.ContentLength()
	if limit > 0 && (n > limit || n == -1) {
		// a body up to the upload limit is drained (not parsed), so the
		// browser reads the answer; anything larger or of unknown length
		// gets the answer and a closed connection
		if s := c.Context().RequestBodyStream(); s != nil && n > 0 && n <= r.uploadLimit {
			_, _ = io.CopyN(io.Discard, s, int64(n))
		} else {
			c.Context().SetConnectionClose()
		}
		return errTooLarge
	}
	if !upload {
		return c.Next()
	}
	var err error
	if CurrentUser(c) != nil {
		// a known user: the upload's long deadline starts now, after the
		// access rule, not when the headers arrived
		_ = c.Context().Conn().SetReadDeadline(time.Now().Add(UploadReadTimeout))
	}
	if CurrentUser(c) == nil {
		// nobody to wait for (no session, or a cookie that is not one):
		// the body gets only the ordinary read deadline, counted from now,
		// so a slow client is cut there; a browser whose session ended
		// while the form was open sends it quickly and reads the answer
		_ = c.Context().Conn().SetReadDeadline(time.Now().Add(r.readTimeout))
		c.Context().SetConnectionClose()
		err = r.authorize(SignedIn)(c)
	} else {
		err = c.Next()
	}
	// a body left unread (no session, the route's rule refused, the
	// handler failed early) is drained, not parsed, so the browser gets
	// the answer (the session may have ended while the form was open)
	// rather than a reset connection
	if s := c.Context().RequestBodyStream(); s != nil && n > 0 {
		_, _ = io.CopyN(io.Discard, s, int64(n))
	}
	return err
}

// isUpload reports whether path matches an upload route's pattern.
func (r *Router) isUpload(path string) bool {
	// routes match without regard to case (Fiber's default)
	segs := strings.Split(strings.ToLower(strings.Trim(path, "/")), "/")
	r.mu.Lock()
	defer r.mu.Unlock()
next:
	for _, pat := range r.uploads {
		if len(pat) != len(segs) {
			continue
		}
		for i, p := range pat {
			if !strings.HasPrefix(p, ":") && p != segs[i] {
				continue next
			}
		}
		return true
	}
	return false
}

var (
	errSignInNeeded = apperr.E(apperr.Unauthorized, "Vui lòng đăng nhập để tiếp tục.", "sign-in required")
	errForbidden    = apperr.E(apperr.Forbidden, "Bạn không có quyền vào trang này.", "forbidden")
	errNotFound     = apperr.E(apperr.NotFound, "Không tìm thấy trang bạn cần.", "not found")
	errCSRF         = apperr.E(apperr.Forbidden, "Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại.", "CSRF check failed")
)

// memberOrStaff is how p acts on the route's :producer: as its member, as
// an admin, or as staff of its province (for any producer when anyType,
// else only for those managed on their behalf); errNotFound otherwise.
func (r *Router) memberOrStaff(c *fiber.Ctx, p *account.Principal, anyType bool) (string, error) {
	id, err := strconv.ParseInt(c.Params("producer"), 10, 64)
	if err != nil || id <= 0 {
		return "", errNotFound
	}
	if p.MemberOf(id) != "" {
		return audit.AsMember, nil
	}
	if !p.IsAdmin() && !p.IsStaff() {
		return "", errNotFound
	}
	ps, err := r.lookupProducer(c, id)
	if err != nil {
		return "", err
	}
	switch {
	case p.IsAdmin():
		return audit.AsAdmin, nil
	case p.ServesProvince(ps.Province) && (anyType || producer.ManagedOnBehalf(ps.Type)):
		return audit.AsStaff, nil
	}
	return "", errNotFound
}

// authorize enforces a. An anonymous visitor of a page for signed-in users
// is sent to the sign-in page.
func (r *Router) authorize(a Access) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if a == Public {
			return c.Next()
		}
		p := CurrentUser(c)
		if p == nil && c.Locals(sessionUnknownKey) != nil {
			return errUnavailable
		}
		if p == nil {
			if c.Method() == fiber.MethodGet && acceptsHTML(c) && !strings.HasPrefix(c.Path(), "/api/") {
				return c.Redirect("/dang-nhap?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
			}
			return errSignInNeeded
		}
		switch a {
		case SignedIn:
		case ProducerMember, ProducerOrStaff:
			// another producer's things do not exist for you; staff act
			// for households only (ProducerMember), or see any producer of
			// their province (ProducerOrStaff)
			acting, err := r.memberOrStaff(c, p, a == ProducerOrStaff)
			if err != nil {
				return err
			}
			c.Locals(actingKey, acting)
		case StaffOfProducer:
			if !p.IsAdmin() && !p.IsStaff() {
				return errForbidden
			}
			id, err := strconv.ParseInt(c.Params("producer"), 10, 64)
			if err != nil || id <= 0 {
				return errNotFound
			}
			ps, err := r.lookupProducer(c, id)
			if err != nil {
				return err
			}
			acting := audit.AsAdmin
			if !p.IsAdmin() {
				if !p.ServesProvince(ps.Province) {
					return errForbidden
				}
				acting = audit.AsStaff
			}
			c.Locals(actingKey, acting)
		case Staff:
			if p.IsAdmin() {
				break
			}
			if prov := c.Params("province"); prov != "" {
				if !p.ServesProvince(prov) {
					return errForbidden
				}
			} else if !p.IsStaff() {
				return errForbidden
			}
		case Admin:
			if !p.IsAdmin() {
				return errForbidden
			}
		default:
			return errForbidden
		}
		return c.Next()
	}
}

// lookupProducer returns the producer id names and keeps it in the
// request's locals; an unknown producer is errNotFound.
func (r *Router) lookupProducer(c *fiber.Ctx, id int64) (*producer.Scope, error) {
	if r.producer == nil {
		return nil, errNotFound
	}
	ps, err := r.producer(c.UserContext(), id)
	if errors.Is(err, producer.ErrProducerNotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	c.Locals(producerKey, ps)
	return ps, nil
}

const (
	principalKey    = "principal"
	sessionTokenKey = "session_token"
)

// Sessions carries what the session and CSRF middleware need.
type Sessions struct {
	Accounts *account.Service
	Secure   bool   // cookies get Secure and the __Host- prefix
	Key      []byte // HMAC key of CSRF tokens

	router *Router // set by New: its cookieless API routes
}

// CookieName is the session cookie's name.
func (s *Sessions) CookieName() string {
	if s.Secure {
		return "__Host-sid"
	}
	return "sid"
}

func (s *Sessions) csrfCookieName() string {
	if s.Secure {
		return "__Host-csrf"
	}
	return "csrf"
}

const sessionsKey = "sessions"

// sessionUnknownKey marks a request whose session cookie could not be
// checked (the database is unavailable).
const sessionUnknownKey = "session-unknown"

// CurrentUser returns the signed-in user of c, or nil.
func CurrentUser(c *fiber.Ctx) *account.Principal {
	p, _ := c.Locals(principalKey).(*account.Principal)
	return p
}

// SessionToken returns the session token of c, or "".
func SessionToken(c *fiber.Ctx) string {
	t, _ := c.Locals(sessionTokenKey).(string)
	return t
}

func sessionsOf(c *fiber.Ctx) *Sessions {
	s, _ := c.Locals(sessionsKey).(*Sessions)
	return s
}

// loadSession makes the session cookie's user the request's principal. A
// cookie the store does not know is dropped: ids come only from the
// server (CVE-2024-38513).
func (s *Sessions) loadSession(c *fiber.Ctx) error {
	c.Locals(sessionsKey, s)
	if s.Accounts == nil {
		return c.Next()
	}
	if tok := c.Cookies(s.CookieName()); tok != "" {
		p, err := s.Accounts.Session(c.UserContext(), tok)
		switch {
		case err == nil:
			c.Locals(principalKey, p)
			c.Locals(sessionTokenKey, tok)
		case apperr.KindOf(err) == apperr.Unauthorized:
			s.setCookie(c, s.CookieName(), "", -1)
		case postgres.IsUnavailable(err):
			// the database is down: the session is unknown for this
			// request (never signed out: the cookie stays); public pages
			// served from memory still answer, the rest get 503
			c.Locals(sessionUnknownKey, true)
		default:
			return err
		}
	}
	return c.Next()
}

func (s *Sessions) setCookie(c *fiber.Ctx, name, value string, maxAge int) {
	ck := &fiber.Cookie{Name: name, Value: value, Path: "/", HTTPOnly: true, Secure: s.Secure, SameSite: fiber.CookieSameSiteLaxMode, MaxAge: maxAge}
	if maxAge < 0 {
		ck.Expires = time.Unix(1, 0)
	}
	c.Cookie(ck)
}

// StartSession sets the cookie of a new session token (after sign-in) and
// makes p the request's principal.
func StartSession(c *fiber.Ctx, token string, p *account.Principal) {
	s := sessionsOf(c)
	// the cookie lasts the absolute lifetime; the server enforces both
	// that and the idle timeout
	s.setCookie(c, s.CookieName(), token, int(p.Lifetime().Absolute.Seconds()))
	c.Locals(principalKey, p)
	c.Locals(sessionTokenKey, token)
}

// EndSession clears the session cookie.
func EndSession(c *fiber.Ctx) {
	s := sessionsOf(c)
	s.setCookie(c, s.CookieName(), "", -1)
	c.Locals(principalKey, nil)
	c.Locals(sessionTokenKey, "")
}

// CSRFField is the form field of the CSRF token.
const CSRFField = "_csrf"

// CSRFToken returns the CSRF token for forms on c's page: an HMAC of the
// session token when signed in (a synchronizer token tied to the
// session), otherwise of a random cookie set here (signed double submit).
func CSRFToken(c *fiber.Ctx) string {
	s := sessionsOf(c)
	if s == nil {
		return ""
	}
	if tok := SessionToken(c); tok != "" {
		return s.mac("s:" + tok)
	}
	v := c.Cookies(s.csrfCookieName())
	if len(v) != 43 {
		var b [32]byte
		_, _ = rand.Read(b[:])
		v = base64.RawURLEncoding.EncodeToString(b[:])
		s.setCookie(c, s.csrfCookieName(), v, 0)
		c.Request().Header.SetCookie(s.csrfCookieName(), v) // later calls in this request agree
	}
	return s.mac("a:" + v)
}

func (s *Sessions) mac(binding string) string {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte(binding))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF guards every request that is not GET, HEAD or OPTIONS: the
// Origin (or, without it, the Referer) must be this host, and the form's
// _csrf field (or the X-CSRF-Token header) must be the token of this
// session or pre-session.
func (s *Sessions) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace:
		return c.Next()
	}
	if c.Locals(uploadKey) != nil {
		// an upload's body is read only after its route's access rule:
		// Router.Upload checks the token there (checkUploadCSRF)
		return c.Next()
	}
	if c.Locals(sessionUnknownKey) != nil {
		// the session's token cannot be checked while the database is down
		return errUnavailable
	}
	if s.router != nil && c.Cookies(s.CookieName()) == "" && s.router.isCookieless(c.Path()) {
		return c.Next()
	}
	return s.verifyCSRF(c)
}

// checkUploadCSRF is checkCSRF for an upload route, after its access rule.
// A multipart body that cannot be read (a connection lost mid-upload, a
// malformed form) is reported as such, not as an expired form.
func (s *Sessions) checkUploadCSRF(c *fiber.Ctx) error {
	if !sameHost(c) {
		return errCSRF
	}
	// only multipart: its files spill to disk, where another body would
	// be read whole into memory
	if !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEMultipartForm) {
		return errUploadNotMultipart
	}
	if _, err := c.MultipartForm(); err != nil {
		return errUploadBroken
	}
	// the whole upload's work (decoding, storing several photos, waiting
	// its turn behind other uploads to the same product) gets a longer
	// deadline than OCOP_REQUEST_TIMEOUT, counted from the body's arrival
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.UserContext()), UploadDeadline)
	defer cancel()
	c.SetUserContext(ctx)
	return s.verifyCSRF(c)
}

var errUploadNotMultipart = apperr.E(apperr.Invalid, "Biểu mẫu tải lên không hợp lệ. Vui lòng tải lại trang và chọn tệp lại.", "an upload route takes multipart/form-data only")

var errUploadBroken = apperr.E(apperr.Invalid, "Tải lên bị gián đoạn hoặc tệp gửi lên bị hỏng. Vui lòng chọn lại tệp và thử lại.", "the multipart body could not be read")

// verifyCSRF compares the form's (or header's) token with this session's.
func (s *Sessions) verifyCSRF(c *fiber.Ctx) error {
	if !sameHost(c) {
		return errCSRF
	}
	got := c.FormValue(CSRFField)
	if got == "" {
		got = c.Get("X-CSRF-Token")
	}
	var want string
	if tok := SessionToken(c); tok != "" {
		want = s.mac("s:" + tok)
	} else if v := c.Cookies(s.csrfCookieName()); len(v) == 43 {
		want = s.mac("a:" + v)
	}
	if got == "" || want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return errCSRF
	}
	return c.Next()
}

// sameHost checks Origin, else Referer, against the request's host (which
// is spoof-proof: X-Forwarded-Host counts only from trusted proxies). Over
// HTTPS one of them must be present, as browsers send them; the
// Referrer-Policy keeps the origin in same-site Referers.
func sameHost(c *fiber.Ctx) bool {
	src := c.Get(fiber.HeaderOrigin)
	if src == "" || src == "null" {
		src = c.Get(fiber.HeaderReferer)
	}
	if src == "" {
		return c.Protocol() != "https"
	}
	u, err := url.Parse(src)
	if err != nil || u.Host == "" {
		return false
	}
	if c.Protocol() == "https" && u.Scheme != "https" {
		return false
	}
	return strings.EqualFold(u.Host, c.Hostname())
}

// SafeRedirect returns next if it is a path on this site, else "/": it
// must start with one "/" followed by anything but "/" or "\", hold no
// control characters and, decoded, still not start with "//" or "/\"
// (SECURITY.md W-04).
func SafeRedirect(next string) string {
	if next == "" || len(next) > 2048 || next[0] != '/' {
		return "/"
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return "/"
		}
	}
	if len(next) > 1 && (next[1] == '/' || next[1] == '\\') {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.User != nil {
		return "/"
	}
	dec, err := url.PathUnescape(u.EscapedPath())
	if err != nil || strings.HasPrefix(dec, "//") || strings.HasPrefix(dec, "/\\") || strings.ContainsRune(dec, '\\') {
		return "/"
	}
	return next
}
