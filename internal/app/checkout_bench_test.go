package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/app"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

// BenchmarkCheckout places b.N orders through the JSON API of a served app
// (loopback HTTP, the real middleware and PostgreSQL) from 50 concurrent
// shoppers, each cart two lines of two producers, one of them a scarce
// product; every 20th request is a retry of an earlier one with the same
// Idempotency-Key. It reports orders/s and the latency percentiles, and
// afterwards checks that nothing was oversold or placed twice:
//
//	go test -run='^$' -bench=Checkout -benchtime=3000x ./internal/app/
func BenchmarkCheckout(b *testing.B) {
	const shoppers = 50
	const scarceStock = 400
	pool, dbURL := pgtest.NewDBURL(b)
	f := catalogtest.Fixture{T: b, Pool: pool}
	f.Exec(`INSERT INTO commune (code, province_code, name, full_name, kind, name_fold) VALUES ('05800', '19', 'Phú Đô', 'Xã Phú Đô', 'xa', 'phu do')`)
	var slugs []string
	for i := range 20 {
		pid := f.Producer("HTX Bench "+strconv.Itoa(i), "19")
		name := "Sản phẩm bench " + strconv.Itoa(i)
		f.Product(pid, catalogtest.Product{Name: name, Group: "I.5.a", Price: int64(50000 + i*1000), Star: 4})
		slugs = append(slugs, "san-pham-bench-"+strconv.Itoa(i))
	}
	f.Exec(`UPDATE product SET stock = 1000000`)
	f.Exec(`UPDATE product SET stock = $1 WHERE slug = $2`, scarceStock, slugs[0])

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"DATABASE_URL": dbURL, "OCOP_BASE_URL": base, "OCOP_MEDIA_DIR": b.TempDir(),
			"OCOP_CHECKOUT_RATE": "1000000", "OCOP_DB_MAX_CONNS": "24", "OCOP_LOG_LEVEL": "error"}[k]
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelError})))
	if err != nil {
		b.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	defer func() { cancel(); <-served }()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: shoppers * 2}, Timeout: 30 * time.Second}

	body := func(n int) []byte {
		// the scarce product in every 4th cart; a distinct phone number per
		// shopper (the per-phone limit is not what is measured)
		first := slugs[1+n%19]
		if n%4 == 0 {
			first = slugs[0]
		}
		return fmt.Appendf(nil, `{"lines":[{"product":%q,"quantity":1},{"product":%q,"quantity":2}],
			"buyer":{"name":"Người mua %d","phone":"09%08d"},"shipping":{"province_code":"19","commune_code":"05800","address":"Số %d"},
			"payment_method":"cod"}`, first, slugs[1+(n+7)%19], n, n, n)
	}
	var (
		next                  atomic.Int64
		created, retried, out atomic.Int64
		failed                atomic.Int64
		mu                    sync.Mutex
		latencies             []time.Duration
		okKeys                = map[string]bool{}
		firstErr              atomic.Value
		post                  func(key string, n int) (int, error)
		retryEvery            = 20
	)
	post = func(key string, n int) (int, error) {
		req, _ := http.NewRequest("POST", base+"/api/v1/checkout", bytes.NewReader(body(n)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	// warm up: the pool's connections open and prepare their statements
	// (steady state is what is measured); these orders count nowhere
	var warm sync.WaitGroup
	for w := range shoppers {
		warm.Go(func() {
			for i := range 4 {
				if st, err := post(fmt.Sprintf("warm-key-%03d-%d", w, i), 1_000_000+w*10+i); err != nil || st != 201 {
					firstErr.CompareAndSwap(nil, fmt.Errorf("warm-up: %d %v", st, err))
				}
			}
		})
	}
	warm.Wait()
	var warmGroups int64
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM order_group`).Scan(&warmGroups); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range shoppers {
		wg.Go(func() {
			var mine []time.Duration
			for {
				n := int(next.Add(1)) - 1
				if n >= b.N {
					break
				}
				key := fmt.Sprintf("bench-key-%07d", n)
				retry := n > 0 && n%retryEvery == 0
				if retry {
					key = fmt.Sprintf("bench-key-%07d", n-retryEvery/2) // an earlier request again
				}
				k := n
				if retry {
					k = n - retryEvery/2
				}
				t0 := time.Now()
				status, err := post(key, k)
				mine = append(mine, time.Since(t0))
				switch {
				case err != nil:
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
				case status == 201:
					created.Add(1)
					mu.Lock()
					okKeys[key] = true
					mu.Unlock()
				case status == 200:
					retried.Add(1)
				case status == 409:
					out.Add(1)
				default:
					failed.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Errorf("status %d", status))
				}
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if e := firstErr.Load(); e != nil {
		b.Errorf("%d requests failed, first: %v\n%s", failed.Load(), e, logs.String())
	}

	// afterwards: one group per created key, the scarce product's stock
	// plus what its orders hold is what it had, and nothing negative
	var groups, scarceOrdered, scarceLeft, negative int64
	q := func(sql string, dst *int64, args ...any) {
		if err := pool.QueryRow(context.Background(), sql, args...).Scan(dst); err != nil {
			b.Fatal(err)
		}
	}
	q(`SELECT count(*) FROM order_group`, &groups)
	groups -= warmGroups
	q(`SELECT COALESCE(sum(i.quantity), 0) FROM order_item i JOIN product p ON p.id = i.product_id WHERE p.slug = $1`, &scarceOrdered, slugs[0])
	// (the warm-up's carts hold the scarce product too: it is counted
	// with the rest)
	q(`SELECT stock FROM product WHERE slug = $1`, &scarceLeft, slugs[0])
	q(`SELECT count(*) FROM product WHERE stock < 0`, &negative)
	duplicated := groups - int64(len(okKeys))
	oversold := max(scarceOrdered-scarceStock, 0) + negative
	if scarceOrdered+scarceLeft != scarceStock {
		oversold += 1
		b.Errorf("scarce product: %d ordered + %d left != %d", scarceOrdered, scarceLeft, scarceStock)
	}
	if duplicated != 0 || oversold != 0 {
		b.Errorf("duplicated %d, oversold %d", duplicated, oversold)
	}
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		if len(latencies) == 0 {
			return 0
		}
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(created.Load())/elapsed.Seconds(), "orders/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(out.Load()), "409s")
	b.ReportMetric(float64(retried.Load()), "retries")
	b.ReportMetric(float64(duplicated), "duplicated")
	b.ReportMetric(float64(oversold), "oversold")
	b.ReportMetric(0, "ns/op")
}
