package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/web"
)

// roles of the matrix, in column order. producerA (province 19) is a
// household business, so staff19 may manage it on its behalf; producerB
// (province 91) is a cooperative.
// staff01 and staff19 work for their province's OCOP office; trade19 for
// the trade promotion of province 19 (fairs, showrooms: no certificates).
var roles = []string{"anon", "shopper", "producerA", "producerB", "staff01", "staff19", "trade19", "admin"}

// matrix is the expected status of every route that is not public, for
// each role (SECURITY.md Z-01). A route registered with a rule other than
// web.Public and missing here fails the test, as does a route without a
// rule at all. Feature test files add their rows with addMatrix. Route
// parameters are replaced: :producer by producerA's id, :province by
// "19", others by matrixParams. POST rows are sent with the role's valid
// CSRF token and an empty form; a 0 means "not checked here" (an allowed
// role, whose form handling feature tests cover).
var matrix = map[string]map[string]int{
	"GET /tai-khoan": {"anon": 303, "shopper": 200, "producerA": 200, "producerB": 200, "staff01": 200, "staff19": 200, "admin": 200},
	"GET /quan-tri":  {"anon": 303, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 200, "staff19": 200, "admin": 200},
}

// matrixParams give values of other route parameters: each makes a fixture
// (owned by producerA where it belongs to a producer) and returns its id.
var matrixParams = map[string]func(t *testing.T, s *site, p principals) string{}

// addMatrix adds rows (from a feature's test file, in an init function).
func addMatrix(rows map[string]map[string]int) {
	for k, v := range rows {
		if _, dup := matrix[k]; dup {
			panic("matrix row " + k + " defined twice")
		}
		matrix[k] = v
	}
}

func routesWithoutRule(app *fiber.App) []string {
	rules := web.Rules(app)
	var out []string
	for _, r := range app.GetRoutes(true) {
		if _, ok := rules[r.Method+" "+r.Path]; !ok {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	sort.Strings(out)
	return out
}

type principals struct {
	cookie    map[string]string // role -> session token
	users     map[string]int64  // role -> user id
	producerA int64
	producerB int64
}

// signInRoles creates one user per role and signs each in.
func signInRoles(t *testing.T, s *site) principals {
	t.Helper()
	ctx := context.Background()
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	p := principals{cookie: map[string]string{}, users: map[string]int64{}}
	p.producerA = f.Producer("Hộ kinh doanh Chè A", "19")
	p.producerB = f.Producer("HTX Mắm B", "91")
	f.Exec(`UPDATE producer SET producer_type = 'ho_kinh_doanh' WHERE id = $1`, p.producerA)
	for _, role := range roles[1:] {
		id := role + "@example.vn"
		u := s.user(id, role, "mat khau dung")
		p.users[role] = u.ID
		var err error
		switch role {
		case "producerA":
			err = s.a.Producers.AddMember(ctx, producer.System, u.ID, p.producerA, "owner")
		case "producerB":
			err = s.a.Producers.AddMember(ctx, producer.System, u.ID, p.producerB, "staff")
		case "staff01":
			err = s.a.Producers.GrantStaff(ctx, producer.System, u.ID, "01", producer.StaffOCOPOffice)
		case "staff19":
			err = s.a.Producers.GrantStaff(ctx, producer.System, u.ID, "19", producer.StaffOCOPOffice)
		case "trade19":
			err = s.a.Producers.GrantStaff(ctx, producer.System, u.ID, "19", producer.StaffTradePromotion)
		case "admin":
			_, err = s.pool.Exec(ctx, `UPDATE app_user SET is_admin = true WHERE id = $1`, u.ID)
		}
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := s.a.Accounts.SignIn(ctx, id, "mat khau dung", "10.0.0."+strconv.Itoa(len(p.cookie)+1))
		if err != nil {
			t.Fatal(err)
		}
		p.cookie[role] = tok
	}
	return p
}

func getAs(t *testing.T, app *fiber.App, token, path string) int {
	t.Helper()
	return getAsCookie(t, app, "sid", token, path)
}

func getAsCookie(t *testing.T, app *fiber.App, name, token, path string) int {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Accept", "text/html")
	if token != "" {
		req.AddCookie(&http.Cookie{Name: name, Value: token})
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode
}

func TestRouteRoleMatrix(t *testing.T) {
	s := newSite(t)
	if missing := routesWithoutRule(s.a.HTTP); len(missing) > 0 {
		t.Fatalf("routes without an access rule (register them through web.Router): %v", missing)
	}
	rules := web.Rules(s.a.HTTP)
	for route, rule := range rules {
		if rule == web.Public {
			continue
		}
		if _, ok := matrix[route]; !ok && route[:4] != "HEAD" {
			t.Errorf("route %s (%s) has no row in the route × role matrix", route, rule)
		}
	}
	p := signInRoles(t, s)
	params := map[string]string{"producer": strconv.FormatInt(p.producerA, 10), "province": "19"}
	var routes []string
	for route := range matrix {
		routes = append(routes, route)
	}
	sort.Strings(routes)
	for _, route := range routes {
		want := matrix[route]
		if rules[route] == 0 {
			t.Errorf("matrix row %s: no such route", route)
			continue
		}
		method, pattern, _ := strings.Cut(route, " ")
		path := fillParams(t, s, p, pattern, params)
		for _, role := range roles {
			if want[role] == 0 {
				continue
			}
			var got int
			if method == "GET" {
				got = getAs(t, s.a.HTTP, p.cookie[role], path)
			} else {
				got = postAs(t, s, p.cookie[role], path)
			}
			if got != want[role] {
				t.Errorf("%s (%s) as %s: %d, want %d", route, path, role, got, want[role])
			}
		}
	}
}

// fillParams replaces the route parameters of pattern.
func fillParams(t *testing.T, s *site, p principals, pattern string, params map[string]string) string {
	t.Helper()
	segs := strings.Split(pattern, "/")
	for i, seg := range segs {
		name, ok := strings.CutPrefix(seg, ":")
		if !ok {
			continue
		}
		v, ok := params[name]
		if !ok {
			mk := matrixParams[name]
			if mk == nil {
				t.Fatalf("route %s: no value for :%s (add it to matrixParams)", pattern, name)
			}
			v = mk(t, s, p)
			params[name] = v
		}
		segs[i] = v
	}
	return strings.Join(segs, "/")
}

// postAs posts an empty form with the session's valid CSRF token (taken
// from the account page, or the sign-in page when anonymous).
func postAs(t *testing.T, s *site, token, path string) int {
	t.Helper()
	c := s.client()
	if token != "" {
		c.cookies["sid"] = token
	}
	page := "/tai-khoan"
	if token == "" {
		page = "/dang-nhap"
	}
	if web.IsUpload(s.a.HTTP, path) {
		// an upload route takes multipart only
		return c.uploadDocs(path, page, nil, nil).status
	}
	r := c.post(path, page)
	return r.status
}

// TestProducerAndProvinceRules checks the scoped rules on routes made for
// the test: a member of another producer gets 404, staff of another
// province 403.
func TestProducerAndProvinceRules(t *testing.T) {
	s := newSite(t)
	p := signInRoles(t, s)
	cfg, _ := config.Load(func(k string) string { return map[string]string{"DATABASE_URL": "postgres://x@y/z"}[k] })
	app := web.New(web.Deps{Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Pool: s.pool, Catalog: catalog.New(s.pool, nil),
		Sessions: &web.Sessions{Accounts: s.a.Accounts}, Producers: s.a.Producers,
		Mount: func(r *web.Router) {
			ok := func(c *fiber.Ctx) error { return c.SendString("ok") }
			r.Get("/quan-ly/:producer/san-pham", web.ProducerMember, ok)
			r.Get("/quan-tri/chu-the/:producer", web.StaffOfProducer, ok)
			r.Get("/quan-tri/tinh/:province", web.Staff, ok)
			r.Get("/quan-tri/he-thong", web.Admin, ok)
		}})
	a, b := strconv.FormatInt(p.producerA, 10), strconv.FormatInt(p.producerB, 10)
	tests := []struct {
		path string
		want map[string]int
	}{
		// staff19 manages household A on its behalf, not cooperative B;
		// trade19 (the same province's trade promotion) as staff19
		{"/quan-ly/" + a + "/san-pham", map[string]int{"anon": 303, "shopper": 404, "producerA": 200, "producerB": 404, "staff01": 404, "staff19": 200, "trade19": 200, "admin": 200}},
		{"/quan-ly/" + b + "/san-pham", map[string]int{"anon": 303, "shopper": 404, "producerA": 404, "producerB": 200, "staff01": 404, "staff19": 404, "trade19": 404, "admin": 200}},
		{"/quan-ly/abc/san-pham", map[string]int{"anon": 303, "shopper": 404, "producerA": 404, "producerB": 404, "staff01": 404, "staff19": 404, "trade19": 404, "admin": 404}},
		{"/quan-ly/999999/san-pham", map[string]int{"anon": 303, "shopper": 404, "producerA": 404, "producerB": 404, "staff01": 404, "staff19": 404, "trade19": 404, "admin": 404}},
		{"/quan-tri/chu-the/" + a, map[string]int{"anon": 303, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 403, "staff19": 200, "trade19": 200, "admin": 200}},
		{"/quan-tri/chu-the/" + b, map[string]int{"anon": 303, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 403, "staff19": 403, "trade19": 403, "admin": 200}},
		{"/quan-tri/chu-the/999999", map[string]int{"anon": 303, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 404, "staff19": 404, "trade19": 404, "admin": 404}},
		{"/quan-tri/tinh/01", map[string]int{"anon": 303, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 200, "staff19": 403, "trade19": 403, "admin": 200}},
		{"/quan-tri/tinh/79", map[string]int{"anon": 303, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 403, "staff19": 403, "trade19": 403, "admin": 200}},
		{"/quan-tri/he-thong", map[string]int{"anon": 303, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 403, "staff19": 403, "trade19": 403, "admin": 200}},
	}
	for _, tt := range tests {
		for _, role := range roles {
			if got := getAs(t, app, p.cookie[role], tt.path); got != tt.want[role] {
				t.Errorf("%s as %s: %d, want %d", tt.path, role, got, tt.want[role])
			}
		}
	}
}
