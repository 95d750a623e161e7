// Command loadtest is `make loadtest`: a bounded mixed load on two `ocop
// serve` processes behind a round-robin proxy (on loopback, one fresh
// database, a MinIO bucket), with failures in the middle: PostgreSQL
// restarted, one process killed and started again, MinIO paused. It
// prints throughput, p95/p99 and errors per phase, then checks the
// invariants: no 5xx outside the outage windows, readiness flips and
// recovers without a restart, nothing oversold, no booth held twice, no
// order lost or duplicated, no orphaned object.
//
//	loadtest -bin bin/ocop -admin-url postgres://… -pg-restart "deploy/dev/postgres.sh restart" -minio-pid N
//
// MinIO comes from OCOP_TEST_MINIO_ENDPOINT/_ACCESS_KEY/_SECRET_KEY.
package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/media/miniomedia"
)

// an outage window: requests that start in it may fail (plus grace)
type window struct {
	name       string
	start, end time.Time
	ops        []string // the operations it may fail; nil: all
}

type sample struct {
	op      string
	start   time.Time
	latency time.Duration
	status  int // 0: transport error
}

type proc struct {
	cmd  *exec.Cmd
	port int
	env  []string
	bin  string
}

func (p *proc) start() error {
	p.cmd = exec.Command(p.bin, "serve")
	p.cmd.Env = append(p.env, "PORT="+strconv.Itoa(p.port))
	p.cmd.Stdout, p.cmd.Stderr = io.Discard, io.Discard
	return p.cmd.Start()
}

func (p *proc) url() string { return "http://127.0.0.1:" + strconv.Itoa(p.port) }

func freePort() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func waitReady(u string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(u + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s not ready within %s", u, within)
}

func main() {
	bin := flag.String("bin", "bin/ocop", "the ocop binary")
	adminURL := flag.String("admin-url", "", "PostgreSQL admin URL (a database is created for the run)")
	pgRestart := flag.String("pg-restart", "deploy/dev/postgres.sh restart", "command that restarts PostgreSQL")
	minioPID := flag.Int("minio-pid", 0, "MinIO's process id (paused with SIGSTOP, resumed with SIGCONT)")
	meiliPID := flag.Int("meili-pid", 0, "Meilisearch's process id, when MEILI_URL is set (paused with MinIO)")
	products := flag.Int("products", 400, "demo products seeded")
	phase := flag.Duration("phase", 15*time.Second, "length of a steady phase")
	flag.Parse()
	if err := run(*bin, *adminURL, *pgRestart, *minioPID, *meiliPID, *products, *phase); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(bin, adminURL, pgRestart string, minioPID, meiliPID, products int, phase time.Duration) error {
	ctx := context.Background()
	if adminURL == "" {
		return errors.New("-admin-url is required")
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	suffix := hex.EncodeToString(rnd[:])
	db := "ocop_loadtest_" + suffix
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+db+" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"); err != nil {
		return err
	}
	admin.Close(ctx)
	defer func() {
		if c, err := pgx.Connect(context.Background(), adminURL); err == nil {
			_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db+" WITH (FORCE)")
			c.Close(context.Background())
		}
	}()
	u, _ := url.Parse(adminURL)
	u.Path = "/" + db
	dbURL := u.String()
	endpoint := os.Getenv("OCOP_TEST_MINIO_ENDPOINT")
	if endpoint == "" {
		return errors.New("OCOP_TEST_MINIO_ENDPOINT and the keys are required (make loadtest starts MinIO)")
	}
	bucket := "ocop-loadtest-" + suffix
	bankSecret := "loadtest-bank-" + suffix
	env := append(os.Environ(), "DATABASE_URL="+dbURL, "OCOP_SECRET_KEY="+strings.Repeat("l", 40), "OCOP_LISTEN=127.0.0.1",
		"OCOP_LOG_LEVEL=error", "OCOP_S3_ENDPOINT="+endpoint, "OCOP_S3_ACCESS_KEY="+os.Getenv("OCOP_TEST_MINIO_ACCESS_KEY"),
		"OCOP_S3_SECRET_KEY="+os.Getenv("OCOP_TEST_MINIO_SECRET_KEY"), "OCOP_S3_BUCKET="+bucket, "OCOP_CHECKOUT_RATE=100000",
		"OCOP_DB_MAX_CONNS=12", "OCOP_BANK_WEBHOOK_SECRET="+bankSecret)
	step := func(args ...string) error {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("ocop %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	fmt.Printf("setting up: database %s, bucket %s, %d demo products with photos…\n", db, bucket, products)
	if err := step("migrate", "up"); err != nil {
		return err
	}
	if err := step("seed", "-products", strconv.Itoa(products)); err != nil {
		return err
	}
	pool, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close(ctx)
	// the product every checkout buys: a limited stock, so it runs out
	var hot string
	const stock = 150
	if err := pool.QueryRow(ctx, `UPDATE product SET stock = $1 WHERE id = (SELECT id FROM public_product ORDER BY id LIMIT 1) RETURNING slug`, stock).Scan(&hot); err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, `INSERT INTO commune (code, province_code, name, full_name, kind, name_fold) VALUES ('05800', '19', 'Phú Đô', 'Xã Phú Đô', 'xa', 'phu do') ON CONFLICT DO NOTHING`); err != nil {
		return err
	}
	// VietQR transfers go to the platform's account
	if _, err := pool.Exec(ctx, `UPDATE marketplace_setting SET bank_bin = '970436', bank_account_no = '0011001234567', bank_account_name = 'CHO OCOP'`); err != nil {
		return err
	}
	slugs := []string{}
	rows, err := pool.Query(ctx, `SELECT slug FROM public_product ORDER BY id LIMIT 200`)
	if err != nil {
		return err
	}
	if slugs, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return err
	}
	var images []string
	rows, err = pool.Query(ctx, `SELECT variants->0->>'key' FROM product_photo ORDER BY id LIMIT 100`)
	if err != nil {
		return err
	}
	if images, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return err
	}

	// two processes behind a round-robin proxy that tries the other on a
	// refused connection (what a load balancer's health checks do)
	procs := []*proc{{port: freePort(), env: env, bin: bin}, {port: freePort(), env: env, bin: bin}}
	for _, p := range procs {
		if err := p.start(); err != nil {
			return err
		}
		defer func(p *proc) {
			if p.cmd != nil && p.cmd.Process != nil {
				_ = p.cmd.Process.Signal(os.Interrupt)
				_, _ = p.cmd.Process.Wait()
			}
		}(p)
	}
	for _, p := range procs {
		if err := waitReady(p.url(), 30*time.Second); err != nil {
			return err
		}
	}
	var rr sync.Mutex
	next := 0
	transport := &http.Transport{MaxIdleConnsPerHost: 64, DialContext: (&net.Dialer{Timeout: time.Second}).DialContext}
	client := &http.Client{Timeout: 10 * time.Second, Transport: transport, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, path string, body []byte, header map[string]string) (int, []byte) {
		rr.Lock()
		first := next
		next = (next + 1) % len(procs)
		rr.Unlock()
		for i := range len(procs) {
			p := procs[(first+i)%len(procs)]
			var r io.Reader
			if body != nil {
				r = bytes.NewReader(body)
			}
			req, _ := http.NewRequest(method, p.url()+path, r)
			for k, v := range header {
				req.Header.Set(k, v)
			}
			resp, err := client.Do(req)
			if err != nil {
				var op *net.OpError
				if errors.As(err, &op) && op.Op == "dial" {
					continue // that process is down: the balancer sends it to the other
				}
				return 0, nil
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp.StatusCode, b
		}
		return 0, nil
	}

	var mu sync.Mutex
	var samples []sample
	var windows []window
	record := func(op string, start time.Time, status int) {
		mu.Lock()
		samples = append(samples, sample{op: op, start: start, latency: time.Since(start), status: status})
		mu.Unlock()
	}
	// orders the client was told about, by idempotency key, and the
	// VietQR ones it paid (code → amount)
	confirmed := map[string]string{}
	paid := map[string]int64{}
	var keysMu sync.Mutex
	pay := func(code string, amount int64) {
		body, _ := json.Marshal(map[string]any{"id": "bank-" + code, "amount": amount, "memo": "CK " + code, "account": "0011001234567"})
		m := hmac.New(sha256.New, []byte(bankSecret))
		m.Write(body)
		sig := "sha256=" + hex.EncodeToString(m.Sum(nil))
		// the bank sends each notification twice: it must count once
		for range 2 {
			for attempt := range 4 {
				start := time.Now()
				status, _ := do("POST", "/webhooks/bank", body, map[string]string{"Content-Type": "application/json", "X-Signature": sig})
				record("bank-webhook", start, status)
				if status == 200 {
					break
				}
				time.Sleep(time.Duration(500*(attempt+1)) * time.Millisecond)
			}
		}
		keysMu.Lock()
		paid[code] = amount
		keysMu.Unlock()
	}
	checkout := func(i int) {
		key := fmt.Sprintf("loadtest-%s-%06d", suffix, i)
		method := "cod"
		if i%2 == 1 {
			method = "vietqr"
		}
		body, _ := json.Marshal(map[string]any{"lines": []map[string]any{{"product": hot, "quantity": 1}},
			"buyer":    map[string]string{"name": "Khách thử tải", "phone": fmt.Sprintf("09%08d", i)}, // many shoppers
			"shipping": map[string]string{"province_code": "19", "commune_code": "05800", "address": "Số 1"}, "payment_method": method})
		for attempt := range 4 {
			start := time.Now()
			status, resp := do("POST", "/api/v1/checkout", body, map[string]string{"Content-Type": "application/json", "Accept": "application/json", "Idempotency-Key": key})
			record("checkout", start, status)
			if status == 201 || status == 200 {
				var got struct {
					Code  string `json:"code"`
					Total int64  `json:"total_vnd"`
				}
				_ = json.Unmarshal(resp, &got)
				keysMu.Lock()
				confirmed[key] = got.Code
				keysMu.Unlock()
				if method == "vietqr" {
					pay(got.Code, got.Total)
				}
				return
			}
			if status == 409 || status == 422 || status == 400 {
				return // sold out, or refused: nothing placed
			}
			time.Sleep(time.Duration(500*(attempt+1)) * time.Millisecond) // the same key again
		}
	}
	type op struct {
		name string
		rate int // per second
		fn   func(i int)
	}
	get := func(name string, path func(i int) string) func(i int) {
		return func(i int) {
			start := time.Now()
			status, _ := do("GET", path(i), nil, nil)
			record(name, start, status)
		}
	}
	// add to cart: a shopper's page (session and CSRF cookies) and its
	// form, on one process, the other when that one refuses connections
	csrfRE := regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	cart := func(i int) {
		slug := slugs[i%len(slugs)]
		rr.Lock()
		first := next
		next = (next + 1) % len(procs)
		rr.Unlock()
		for k := range len(procs) {
			p := procs[(first+k)%len(procs)]
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Timeout: 10 * time.Second, Jar: jar, Transport: transport,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			start := time.Now()
			resp, err := c.Get(p.url() + "/san-pham/" + slug)
			if err != nil {
				var op *net.OpError
				if errors.As(err, &op) && op.Op == "dial" {
					continue
				}
				record("cart", start, 0)
				return
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			m := csrfRE.FindSubmatch(page)
			if resp.StatusCode != 200 || m == nil {
				record("cart", start, resp.StatusCode)
				return
			}
			form := url.Values{"_csrf": {string(m[1])}, "product": {slug}, "quantity": {"1"}}
			req, _ := http.NewRequest("POST", p.url()+"/gio-hang/them", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", p.url())
			resp, err = c.Do(req)
			if err != nil {
				record("cart", start, 0)
				return
			}
			resp.Body.Close()
			record("cart", start, resp.StatusCode)
			return
		}
	}
	words := []string{"chè", "mật ong", "nước mắm", "gạo", "cà phê", "rượu", "nem", "mắc ca"}
	ops := []op{
		{"browse", 20, get("browse", func(i int) string { return "/san-pham?page=" + strconv.Itoa(1+i%5) })},
		{"product", 30, get("product", func(i int) string { return "/san-pham/" + slugs[i%len(slugs)] })},
		{"api-list", 20, get("api-list", func(i int) string { return "/api/v1/products?page=" + strconv.Itoa(1+i%5) })},
		{"search", 10, get("search", func(i int) string { return "/api/v1/search?q=" + url.QueryEscape(words[i%len(words)]) })},
		{"media", 5, get("media", func(i int) string { return "/media/" + images[i%len(images)] })},
		{"cart", 3, cart},
		{"checkout", 3, checkout},
	}
	// readiness of each process, polled
	type flip struct {
		at    time.Time
		proc  int
		ready bool
	}
	var flips []flip
	stopPoll := make(chan struct{})
	var pollWG sync.WaitGroup
	for i, p := range procs {
		pollWG.Add(1)
		go func() {
			defer pollWG.Done()
			last := true
			for {
				select {
				case <-stopPoll:
					return
				case <-time.After(200 * time.Millisecond):
				}
				ready := false
				if resp, err := client.Get(p.url() + "/readyz"); err == nil {
					ready = resp.StatusCode == 200
					resp.Body.Close()
				} else {
					continue // the process is down (killed): not a readiness answer
				}
				if ready != last {
					mu.Lock()
					flips = append(flips, flip{time.Now(), i, ready})
					mu.Unlock()
					last = ready
				}
			}
		}()
	}
	// the load: each operation at its rate until stop
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, o := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(time.Second / time.Duration(o.rate))
			defer t.Stop()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-t.C:
					wg.Add(1)
					go func() { defer wg.Done(); o.fn(i) }()
				}
			}
		}()
	}
	begin := time.Now()
	phases := []struct {
		name       string
		start, end time.Time
	}{}
	mark := func(name string, from time.Time) {
		phases = append(phases, struct {
			name       string
			start, end time.Time
		}{name, from, time.Now()})
	}
	fmt.Println("load running: browse 20/s, product 30/s, api-list 20/s, search 10/s, media 5/s, add to cart 3/s, checkout 3/s (half VietQR, paid by bank notifications sent twice)")
	time.Sleep(phase)
	mark("steady", begin)

	// PostgreSQL restarted
	t0 := time.Now()
	cmd := exec.Command("sh", "-c", pgRestart)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("restart PostgreSQL: %v\n%s", err, out)
	}
	for _, p := range procs {
		if err := waitReady(p.url(), 30*time.Second); err != nil {
			return err
		}
	}
	windows = append(windows, window{name: "PostgreSQL restart", start: t0, end: time.Now().Add(2 * time.Second)})
	time.Sleep(phase / 2)
	mark("PostgreSQL restart", t0)

	// one process killed, started again
	t1 := time.Now()
	_ = procs[1].cmd.Process.Signal(syscall.SIGKILL)
	_, _ = procs[1].cmd.Process.Wait()
	time.Sleep(5 * time.Second)
	if err := procs[1].start(); err != nil {
		return err
	}
	if err := waitReady(procs[1].url(), 30*time.Second); err != nil {
		return err
	}
	// requests in flight on the killed process when it died may fail
	windows = append(windows, window{name: "process killed", start: t1, end: t1.Add(500 * time.Millisecond)})
	time.Sleep(phase / 2)
	mark("one process killed and restarted", t1)

	// MinIO paused
	t2 := time.Now()
	if minioPID > 0 {
		paused := []int{minioPID}
		affected := []string{"media"}
		if meiliPID > 0 && os.Getenv("MEILI_URL") != "" {
			// search falls back to PostgreSQL after its timeout
			paused, affected = append(paused, meiliPID), append(affected, "search")
		}
		for _, pid := range paused {
			_ = syscall.Kill(pid, syscall.SIGSTOP)
		}
		time.Sleep(8 * time.Second)
		for _, pid := range paused {
			_ = syscall.Kill(pid, syscall.SIGCONT)
		}
		windows = append(windows, window{name: "MinIO paused", start: t2, end: time.Now().Add(12 * time.Second), ops: affected})
	}
	time.Sleep(phase / 2)
	mark("MinIO paused", t2)
	t3 := time.Now()
	time.Sleep(phase)
	mark("steady again", t3)
	close(stop)
	wg.Wait()
	close(stopPoll)
	pollWG.Wait()

	// the figures, per phase
	fmt.Printf("\n%-34s %6s %8s %8s %8s %8s %6s %6s %6s\n", "phase", "secs", "requests", "req/s", "p95 ms", "p99 ms", "4xx", "5xx", "failed")
	for _, ph := range phases {
		var lat []time.Duration
		n, s4, s5, fail := 0, 0, 0, 0
		for _, s := range samples {
			if s.start.Before(ph.start) || !s.start.Before(ph.end) {
				continue
			}
			n++
			lat = append(lat, s.latency)
			switch {
			case s.status == 0:
				fail++
			case s.status >= 500:
				s5++
			case s.status >= 400:
				s4++
			}
		}
		slices.Sort(lat)
		pct := func(p float64) float64 {
			if len(lat) == 0 {
				return 0
			}
			return float64(lat[int(math.Ceil(p*float64(len(lat))))-1].Microseconds()) / 1000
		}
		secs := ph.end.Sub(ph.start).Seconds()
		fmt.Printf("%-34s %6.1f %8d %8.0f %8.1f %8.1f %6d %6d %6d\n", ph.name, secs, n, float64(n)/secs, pct(0.95), pct(0.99), s4, s5, fail)
	}
	fmt.Printf("total %s\n\n", time.Since(begin).Round(time.Second))

	// the invariants, on a new connection (the restart ended the first)
	pool.Close(ctx)
	if pool, err = pgx.Connect(ctx, dbURL); err != nil {
		return err
	}
	var problems []string
	inWindow := func(s sample) bool {
		for _, w := range windows {
			if !s.start.Before(w.start) && s.start.Before(w.end) && (w.ops == nil || slices.Contains(w.ops, s.op)) {
				return true
			}
		}
		return false
	}
	bad := map[string]int{}
	for _, s := range samples {
		if (s.status == 0 || s.status >= 500) && !inWindow(s) {
			bad[s.op]++
		}
	}
	for op, n := range bad {
		problems = append(problems, fmt.Sprintf("%d %s requests failed outside the outage windows", n, op))
	}
	// readiness flipped during the database restart and came back on the
	// process that was never restarted
	sawDown, sawUp := false, false
	for _, f := range flips {
		if f.proc == 0 && !f.ready && !f.at.Before(t0) && f.at.Before(t1) {
			sawDown = true
		}
		if f.proc == 0 && f.ready && sawDown {
			sawUp = true
		}
	}
	if !sawDown || !sawUp {
		problems = append(problems, fmt.Sprintf("readiness of the process left running: down during the restart %v, back %v", sawDown, sawUp))
	}
	var left, sold int
	if err := pool.QueryRow(ctx, `SELECT p.stock, coalesce((SELECT sum(i.quantity) FROM order_item i JOIN shop_order o ON o.id = i.order_id
		WHERE i.product_id = p.id AND o.status <> 'cancelled'), 0) FROM product p WHERE slug = $1`, hot).Scan(&left, &sold); err != nil {
		return err
	}
	if left < 0 || left+sold != stock {
		problems = append(problems, fmt.Sprintf("stock: %d left + %d sold ≠ %d", left, sold, stock))
	}
	var doubled int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT booth_id FROM booth_assignment GROUP BY 1 HAVING count(*) > 1) d`).Scan(&doubled); err != nil {
		return err
	}
	if doubled != 0 {
		problems = append(problems, fmt.Sprintf("%d booths held twice", doubled))
	}
	// the run's database holds only the run's orders
	rows, err = pool.Query(ctx, `SELECT code FROM order_group`)
	if err != nil {
		return err
	}
	placed, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, c := range confirmed {
		seen[c] = true
	}
	lost, dup := 0, len(placed)-len(seen)
	for _, c := range placed {
		if !seen[c] {
			lost++
		}
	}
	if lost != 0 || dup != 0 {
		problems = append(problems, fmt.Sprintf("orders: %d placed, %d confirmed to the client (%d not confirmed, %d duplicated)", len(placed), len(seen), lost, dup))
	}
	// every VietQR order the bank paid is paid once, for its amount, though
	// each notification came twice
	var paidOnce, bankEvents int
	codes := make([]string, 0, len(paid))
	for c := range paid {
		codes = append(codes, c)
	}
	if err := pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM payment p JOIN order_group g ON g.id = p.group_id
		  WHERE g.code = ANY($1) AND p.status = 'paid' AND p.received_vnd = p.amount_vnd),
		(SELECT count(*) FROM payment_event WHERE provider = 'bank')`, codes).Scan(&paidOnce, &bankEvents); err != nil {
		return err
	}
	if paidOnce != len(paid) || bankEvents != len(paid) {
		problems = append(problems, fmt.Sprintf("paid orders: %d paid by the bank, %d recorded paid once for their amount, %d bank events", len(paid), paidOnce, bankEvents))
	}
	orphans, err := orphanObjects(ctx, pool, bucket)
	if err != nil {
		return err
	}
	if orphans != 0 {
		problems = append(problems, fmt.Sprintf("%d media objects no row refers to", orphans))
	}
	fmt.Printf("invariants: stock %d = %d left + %d sold; %d orders placed, each confirmed once; %d paid by VietQR (notified twice), each paid once; %d booths held twice; %d orphaned objects; readiness flipped and recovered: %v\n",
		stock, left, sold, len(placed), paidOnce, doubled, orphans, sawDown && sawUp)
	for _, w := range windows {
		fmt.Printf("outage window %-20s %s–%s\n", w.name, w.start.Sub(begin).Round(100*time.Millisecond), w.end.Sub(begin).Round(100*time.Millisecond))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	fmt.Println("all invariants hold")
	return nil
}

// orphanObjects counts the objects of the bucket no row refers to (photos
// of products, producers' images, showroom photos).
func orphanObjects(ctx context.Context, pool *pgx.Conn, bucket string) (int, error) {
	store, err := miniomedia.New(ctx, miniomedia.Options{Endpoint: os.Getenv("OCOP_TEST_MINIO_ENDPOINT"), AccessKey: os.Getenv("OCOP_TEST_MINIO_ACCESS_KEY"),
		SecretKey: os.Getenv("OCOP_TEST_MINIO_SECRET_KEY"), Bucket: bucket})
	if err != nil {
		return 0, err
	}
	objs, err := store.List(ctx, "")
	if err != nil {
		return 0, err
	}
	keys := make([]string, len(objs))
	for i, o := range objs {
		keys[i] = o.Key
	}
	var orphans int
	err = pool.QueryRow(ctx, `
		SELECT count(*) FROM unnest($1::text[]) AS k
		WHERE NOT EXISTS (SELECT 1 FROM product_photo WHERE variants @> jsonb_build_array(jsonb_build_object('key', k)))
		  AND NOT EXISTS (SELECT 1 FROM showroom_photo WHERE variants @> jsonb_build_array(jsonb_build_object('key', k)))
		  AND NOT EXISTS (SELECT 1 FROM producer WHERE logo_variants @> jsonb_build_array(jsonb_build_object('key', k))
		                  OR banner_variants @> jsonb_build_array(jsonb_build_object('key', k)) OR logo_key = k OR banner_key = k)`, keys).Scan(&orphans)
	// the bucket goes with the run
	for _, k := range keys {
		_ = store.Delete(context.Background(), k)
	}
	_ = store.Client().RemoveBucket(context.Background(), bucket)
	return orphans, err
}
