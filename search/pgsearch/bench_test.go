package pgsearch_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/search"
	"github.com/ocopvn/ocop/search/pgsearch"
	"github.com/ocopvn/ocop/search/searchtest"
)

// BenchmarkSearch measures pgsearch on generated catalogs of 10,000
// documents (and 100,000 with OCOP_BENCH_LARGE=1, as make bench sets), for
// the query kinds shoppers send, answered from the memory copy (and in SQL
// too with OCOP_BENCH_SQL=1). Besides ns/op it reports the p50 and p99
// latency in milliseconds, and how long a new process takes to load the
// copy.
//
//	go test -run '^$' -bench . ./search/pgsearch/
func BenchmarkSearch(b *testing.B) {
	sizes := []int{10000}
	if os.Getenv("OCOP_BENCH_LARGE") == "1" {
		sizes = append(sizes, 100000)
	}
	kinds := []struct {
		name string
		q    search.Query
		cold bool // counts not cached (BrowseTTL 0)
	}{
		{"one-word", search.Query{Text: "mật"}, false},
		{"three-words", search.Query{Text: "chè hữu cơ"}, false},
		{"no-diacritics", search.Query{Text: "nuoc mam ha noi"}, false},
		{"typo", search.Query{Text: "banh dau xahn"}, false},
		{"prefix", search.Query{Text: "nam linh ch"}, false},
		{"filter-only", search.Query{Province: "66", Stars: []int{5}}, false},
		{"facet-heavy", search.Query{}, false},
		{"facet-heavy-cold", search.Query{}, true},
		{"facet-heavy-filtered", search.Query{Group: "I"}, false},
	}
	for _, n := range sizes {
		pool := pgtest.NewDB(b)
		idx := pgsearch.New(pool)
		ctx := context.Background()
		start := time.Now()
		if err := idx.Replace(ctx, searchtest.Many(n)); err != nil {
			b.Fatal(err)
		}
		// steady state: statistics gathered, as autovacuum does
		if _, err := pool.Exec(ctx, `VACUUM ANALYZE search_document, search_word`); err != nil {
			b.Fatal(err)
		}
		b.Logf("indexed %d documents in %s", n, time.Since(start).Round(time.Millisecond))
		if err := idx.Warm(ctx); err != nil {
			b.Fatal(err)
		}
		// a new process loads the copy (searches run in SQL meanwhile):
		// load-ms is the median of 3 (whatever -benchtime says)
		b.Run(strconv.Itoa(n)+"/load", func(b *testing.B) {
			loads := make([]time.Duration, 3)
			for i := range loads {
				fresh := pgsearch.New(pool)
				t := time.Now()
				if err := fresh.Warm(ctx); err != nil {
					b.Fatal(err)
				}
				loads[i] = time.Since(t)
			}
			slices.Sort(loads)
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(float64(loads[1].Microseconds())/1000, "load-ms")
		})
		modes := []bool{true}
		if os.Getenv("OCOP_BENCH_SQL") == "1" {
			modes = append(modes, false)
		}
		for _, memory := range modes {
			idx.Memory = memory
			prefix := strconv.Itoa(n) + "/"
			if !memory {
				prefix += "sql/"
			}
			for _, k := range kinds {
				b.Run(prefix+k.name, func(b *testing.B) {
					idx.BrowseTTL = 5 * time.Second
					if k.cold {
						idx.BrowseTTL = 0
					}
					r, err := idx.Search(ctx, k.q)
					if err != nil {
						b.Fatal(err)
					}
					if r.Total == 0 {
						b.Fatalf("%+v finds nothing", k.q)
					}
					durations := make([]time.Duration, 0, b.N)
					b.ResetTimer()
					for range b.N {
						t := time.Now()
						if _, err := idx.Search(ctx, k.q); err != nil {
							b.Fatal(err)
						}
						durations = append(durations, time.Since(t))
					}
					b.StopTimer()
					slices.Sort(durations)
					ms := func(p float64) float64 {
						return float64(durations[int(p*float64(len(durations)-1))].Microseconds()) / 1000
					}
					b.ReportMetric(ms(0.50), "p50-ms")
					b.ReportMetric(ms(0.99), "p99-ms")
					b.ReportMetric(float64(r.Total), "hits")
				})
			}
			b.Run(prefix+"suggest", func(b *testing.B) {
				if s, err := idx.Suggest(ctx, "mat ong t"); err != nil || len(s) == 0 {
					b.Fatalf("Suggest = %v, %v", s, err)
				}
				b.ResetTimer()
				for range b.N {
					if _, err := idx.Suggest(ctx, "mat ong t"); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
