package app_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

// TestTwoProcesses: two `ocop serve` processes (the real binary) on one
// database behind a round-robin proxy, as replicas run. A shopper's
// session and CSRF token from one process work on the other; failed
// sign-ins count across both (the limit is not doubled); a cart filled
// through one is the cart of the other; a catalog change shows on both
// within a second; an expired certificate is expired once.
func TestTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the binary twice (-short)")
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	bin := filepath.Join(t.TempDir(), "ocop")
	build := exec.Command("go", "build", "-o", bin, "./cmd/ocop")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	pool, dbURL := pgtest.NewDBURL(t)
	f := catalogtest.Fixture{T: t, Pool: pool}
	producer := f.Producer("HTX Chè Tân Cương", "19")
	f.Product(producer, catalogtest.Product{Name: "Chè búp Tân Cương", Group: "I.5.a", Price: 250000, Star: 4})
	old := f.Product(producer, catalogtest.Product{Name: "Chè móc câu cũ", Group: "I.5.a", Price: 100000, Star: 3,
		Decided: time.Now().AddDate(-3, 0, -5)}) // a certificate past its 36 months, still marked active
	if _, err := account.New(pool, account.Options{}).Register(context.Background(), account.SignUp{Identifier: "lan@example.vn",
		DisplayName: "Lan", Password: "mat khau dung"}); err != nil {
		t.Fatal(err)
	}

	// the proxy first, so both processes know the public address
	var backends [2]*url.URL
	var next atomic.Int64
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		b := backends[next.Add(1)%2]
		r.SetURL(b)
		r.Out.Host = r.In.Host
	}})
	t.Cleanup(proxy.Close)
	media := t.TempDir()
	env := append(os.Environ(), "DATABASE_URL="+dbURL, "OCOP_SECRET_KEY="+strings.Repeat("k", 40), "OCOP_MEDIA_DIR="+media,
		"OCOP_BASE_URL="+proxy.URL, "OCOP_LISTEN=127.0.0.1", "OCOP_LOG_LEVEL=warn")
	migrate := exec.Command(bin, "migrate", "up") // the job queue's tables too
	migrate.Env = env
	if out, err := migrate.CombinedOutput(); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	for i := range backends {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		cmd := exec.Command(bin, "serve")
		cmd.Env = append(env, fmt.Sprintf("PORT=%d", port))
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() })
		backends[i], _ = url.Parse(fmt.Sprintf("http://127.0.0.1:%d", port))
		deadline := time.Now().Add(30 * time.Second)
		for {
			resp, err := http.Get(backends[i].String() + "/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("process %d never ready", i)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) (int, string) {
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	csrf := regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	post := func(page, path string, form url.Values) int {
		_, body := get(proxy.URL + page) // one process renders the form…
		m := csrf.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no CSRF token on %s", page)
		}
		form.Set("_csrf", m[1])
		req, _ := http.NewRequest("POST", proxy.URL+path, strings.NewReader(form.Encode())) // …the other takes the post
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", proxy.URL)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	// failed sign-ins count across both processes: the 11th is refused
	// (10 per account), not the 21st
	limited := 0
	for i := range 12 {
		if st := post("/dang-nhap", "/dang-nhap", url.Values{"identifier": {"lan@example.vn"}, "password": {"sai mat khau"}}); st == 429 {
			limited = i + 1
			break
		}
	}
	if limited != 11 {
		t.Errorf("sign-in limit across processes: refused at attempt %d, want 11", limited)
	}
	pool.Exec(context.Background(), `DELETE FROM login_failure`)
	if st := post("/dang-nhap", "/dang-nhap", url.Values{"identifier": {"lan@example.vn"}, "password": {"mat khau dung"}}); st != 303 {
		t.Fatalf("sign in: %d", st)
	}
	for i := range 4 {
		if st, body := get(proxy.URL + "/tai-khoan"); st != 200 || !strings.Contains(body, "lan@example.vn") {
			t.Errorf("account page #%d (process %d): %d", i, (next.Load()+1)%2, st)
		}
	}
	// the cart: added through one, seen through both
	if st := post("/san-pham/che-bup-tan-cuong", "/gio-hang/them", url.Values{"product": {"che-bup-tan-cuong"}, "quantity": {"2"}}); st != 303 {
		t.Fatalf("add to cart: %d", st)
	}
	for i := range 2 {
		if _, body := get(proxy.URL + "/gio-hang"); !strings.Contains(body, "500.000") {
			t.Errorf("cart on process %d lacks the line", i)
		}
	}
	// a catalog change shows on both within a second (each has the old
	// page in its catalog snapshot first)
	for _, b := range backends {
		resp, err := http.Get(b.String() + "/san-pham/che-bup-tan-cuong")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), "250.000") {
			t.Fatalf("%s: the product page before the change", b)
		}
	}
	f.Exec(`UPDATE product SET price_vnd = 275000, updated_at = now() WHERE slug = 'che-bup-tan-cuong'`)
	deadline := time.Now().Add(time.Second)
	for _, b := range backends {
		for {
			resp, err := http.Get(b.String() + "/san-pham/che-bup-tan-cuong")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(body), "275.000") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s still shows the old price after a second", b)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// the search outbox: a renamed product is indexed once, by one of the
	// two workers, and both processes find it by its new name
	f.Exec(`UPDATE product SET name = 'Chè búp Tân Cương thượng hạng', name_fold = 'che bup tan cuong thuong hang', updated_at = now() WHERE slug = 'che-bup-tan-cuong'`)
	for _, b := range backends {
		deadline := time.Now().Add(10 * time.Second)
		for {
			resp, err := http.Get(b.String() + "/api/v1/search?q=thuong+hang")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(body), "che-bup-tan-cuong") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s does not find the renamed product: %s", b, body)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	var pending int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM search_outbox`).Scan(&pending); err != nil {
		t.Fatal(err)
	}
	if pending != 0 {
		t.Errorf("%d changes left in the outbox", pending)
	}
	// scheduled work runs once, not once per process: the job queue's
	// leader alone schedules the certificate deadline scan (run on start)
	var scans int
	deadline = time.Now().Add(15 * time.Second)
	for scans == 0 && time.Now().Before(deadline) {
		if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = 'certificate_deadline_scan'`).Scan(&scans); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // the other process had its chance
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = 'certificate_deadline_scan'`).Scan(&scans); err != nil {
		t.Fatal(err)
	}
	if scans != 1 {
		t.Errorf("%d deadline scans scheduled by two processes, want 1", scans)
	}
	// the expiry runs in both; its update is idempotent
	var status string
	if err := pool.QueryRow(context.Background(), `SELECT status FROM certificate WHERE product_id = $1`, old).Scan(&status); err != nil || status != "expired" {
		t.Errorf("the lapsed certificate: %s %v", status, err)
	}
}
