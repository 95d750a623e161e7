package app_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/app"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/postgres"
)

// privateCluster starts a PostgreSQL cluster of its own for a test that
// stops it (the shared test cluster must keep running), with the project's
// script; it returns a database URL and the script's start and stop.
func privateCluster(t *testing.T) (url string, start, stop func()) {
	t.Helper()
	if os.Getenv("OCOP_TEST_DATABASE_URL") == "" && os.Getenv("OCOP_TEST_REQUIRE_DB") != "1" {
		t.Skip("SKIP: OCOP_TEST_DATABASE_URL not set (make test sets it; this test runs its own cluster beside it)")
	}
	script, err := filepath.Abs("../../deploy/dev/postgres.sh")
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	data := filepath.Join(os.TempDir(), "ocop-outage-"+hex.EncodeToString(b[:]))
	run := func(args ...string) string {
		cmd := exec.Command(script, args...)
		cmd.Env = append(os.Environ(), "OCOP_PG_PORT="+port, "OCOP_PG_DATA="+data)
		out, err := cmd.Output()
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			t.Fatalf("%s %v: %v\n%s", script, args, err, stderr)
		}
		return strings.TrimSpace(string(out))
	}
	url = run("db", "ocop_outage")
	t.Cleanup(func() {
		run("stop")
		_ = os.RemoveAll(data)
	})
	return url, func() { run("start") }, func() { run("stop") }
}

// lineCounter counts the lines written to it.
type lineCounter struct {
	mu    sync.Mutex
	lines []string
}

func (w *lineCounter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lines = append(w.lines, strings.Split(strings.TrimSpace(string(p)), "\n")...)
	return len(p), nil
}

func (w *lineCounter) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.lines)
}

// TestDatabaseOutage stops the app's PostgreSQL for 5 s under load: every
// failed request is a 503 with Retry-After (never a 500); the catalog
// pages served from memory keep answering 200, for signed-out shoppers and
// for signed-in ones (whose cookie is kept); the outage logs fewer than 20
// lines; and everything recovers without a restart.
func TestDatabaseOutage(t *testing.T) {
	url, start, stop := privateCluster(t)
	ctx := context.Background()
	pool, err := postgres.Open(ctx, url, postgres.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	m, err := postgres.NewMigrator(pool)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	m.Close()
	if _, err := postgres.MigrateQueue(ctx, pool); err != nil {
		t.Fatal(err)
	}
	f := catalogtest.Fixture{T: t, Pool: pool}
	pid := f.Producer("HTX Chè Tân Cương", "19")
	f.Product(pid, catalogtest.Product{Name: "Chè Tân Cương", Group: "I.5.a", Price: 250000, Star: 4})
	f.Exec(`UPDATE product SET stock = 100000`)
	f.Exec(`INSERT INTO commune (code, province_code, name, full_name, kind, name_fold) VALUES ('05800', '19', 'Phú Đô', 'Xã Phú Đô', 'xa', 'phu do')`)
	if _, err := account.New(pool, account.Options{}).Register(ctx, account.SignUp{Identifier: "hoa@example.vn", DisplayName: "Hoa", Password: "mat khau dung"}); err != nil {
		t.Fatal(err)
	}
	pool.Close()

	logs := &lineCounter{}
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"DATABASE_URL": url, "OCOP_MEDIA_DIR": t.TempDir(), "OCOP_LOG_LEVEL": "warn", "OCOP_CHECKOUT_RATE": "100000"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Pool.Close)
	tok, _, err := a.Accounts.SignIn(ctx, "hoa@example.vn", "mat khau dung", "10.0.0.9")
	if err != nil {
		t.Fatal(err)
	}
	get := func(path, session string) *http.Response {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept", "text/html")
		if session != "" {
			req.AddCookie(&http.Cookie{Name: "sid", Value: session})
		}
		resp, err := a.HTTP.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	for _, p := range []string{"/san-pham", "/api/v1/products", "/api/v1/search?q=che", "/tai-khoan"} {
		s := tok
		if strings.HasPrefix(p, "/api") {
			s = ""
		}
		if r := get(p, s); r.StatusCode != 200 {
			t.Fatalf("before the outage %s: %d", p, r.StatusCode)
		}
	}
	before := logs.count()

	// shoppers keep checking out through the outage, each retrying its
	// order (same Idempotency-Key) on 503 until it is placed: afterwards
	// every order exists exactly once (none lost, none doubled)
	checkout := func(key string, n int) int {
		req := httptest.NewRequest("POST", "/api/v1/checkout", strings.NewReader(fmt.Sprintf(`{"lines":[{"product":"che-tan-cuong","quantity":1}],
			"buyer":{"name":"Hoa","phone":"09%08d"},"shipping":{"province_code":"19","commune_code":"05800","address":"Số 1"},"payment_method":"cod"}`, n)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		resp, err := a.HTTP.Test(req, -1)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	const orders = 40
	placed := make(chan string, orders)
	var shoppers sync.WaitGroup
	for i := range orders {
		shoppers.Go(func() {
			key := "outage-order-" + strconv.Itoa(i)
			time.Sleep(time.Duration(i) * 150 * time.Millisecond) // spread over the outage
			for range 600 {
				switch st := checkout(key, i); st {
				case 200, 201:
					placed <- key
					return
				case 503:
					time.Sleep(50 * time.Millisecond)
				default:
					t.Errorf("checkout %s: %d", key, st)
					return
				}
			}
			t.Errorf("checkout %s never went through", key)
		})
	}

	stop()
	type result struct {
		path          string
		status        int
		retryAfter    string
		clearedCookie bool
	}
	var mu sync.Mutex
	var results []result
	var served atomic.Int64
	deadline := time.Now().Add(5 * time.Second)
	var wg sync.WaitGroup
	paths := []struct{ path, session string }{
		{"/san-pham", ""}, {"/san-pham", tok}, {"/api/v1/products", ""}, {"/api/v1/search?q=che", ""},
		{"/tai-khoan", tok}, {"/readyz", ""}, {"/san-pham/che-tan-cuong", ""}, {"/tim-kiem?q=che", ""},
	}
	for _, p := range paths {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				r := get(p.path, p.session)
				cleared := false
				for _, ck := range r.Cookies() {
					if ck.Name == "sid" && (ck.MaxAge < 0 || ck.Value == "") {
						cleared = true
					}
				}
				served.Add(1)
				mu.Lock()
				results = append(results, result{p.path + " " + map[bool]string{true: "(signed in)", false: ""}[p.session != ""], r.StatusCode, r.Header.Get("Retry-After"), cleared})
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	byPath := map[string]map[int]int{}
	for _, r := range results {
		if byPath[r.path] == nil {
			byPath[r.path] = map[int]int{}
		}
		byPath[r.path][r.status]++
		switch {
		case r.status == 500:
			t.Errorf("%s answered 500 during the outage", r.path)
		case r.status >= 400 && r.status != 503:
			t.Errorf("%s answered %d during the outage", r.path, r.status)
		case r.status == 503 && r.retryAfter == "":
			t.Errorf("%s: 503 without Retry-After", r.path)
		}
		if r.clearedCookie {
			t.Errorf("%s cleared the session cookie during the outage", r.path)
		}
	}
	t.Logf("%d requests in 5 s of outage: %v", served.Load(), byPath)
	for _, p := range []string{"/san-pham ", "/san-pham (signed in)", "/api/v1/products "} {
		if byPath[p][200] == 0 || len(byPath[p]) != 1 {
			t.Errorf("%s from memory during the outage: %v, want only 200", p, byPath[p])
		}
	}
	if byPath["/tai-khoan (signed in)"][503] == 0 || byPath["/readyz "][503] == 0 {
		t.Errorf("pages that need the database: %v %v, want 503", byPath["/tai-khoan (signed in)"], byPath["/readyz "])
	}
	if n := logs.count() - before; n >= 20 {
		t.Errorf("the outage logged %d lines, want fewer than 20:\n%s", n, strings.Join(logs.lines[before:min(before+30, len(logs.lines))], "\n"))
	}

	start()
	recovered := false
	for range 100 {
		if get("/readyz", "").StatusCode == 200 && get("/tai-khoan", tok).StatusCode == 200 {
			recovered = true
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !recovered {
		t.Fatal("the app did not recover after PostgreSQL came back")
	}
	if r := get("/api/v1/search?q=che", ""); r.StatusCode != 200 {
		t.Errorf("search after the outage: %d", r.StatusCode)
	}
	shoppers.Wait()
	close(placed)
	keys := map[string]bool{}
	for k := range placed {
		keys[k] = true
	}
	var groups, items int
	if err := a.Pool.QueryRow(ctx, `SELECT count(*), (SELECT count(*) FROM order_item) FROM order_group`).Scan(&groups, &items); err != nil {
		t.Fatal(err)
	}
	if len(keys) != orders || groups != orders || items != orders {
		t.Errorf("after the outage: %d orders placed, %d groups, %d items; want %d of each (none lost, none doubled)", len(keys), groups, items, orders)
	}
}
