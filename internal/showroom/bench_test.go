package showroom_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/showroom"
)

// BenchmarkNearMe: near-me searches among 10,000 showrooms spread over
// Vietnam's land (a band from Hà Giang to Cà Mau), each with a week of
// hours, from random positions: within 50 km, within 10 km with "open
// now", and within 200 km. The goal is p99 ≤ 10 ms.
//
//	go test -run='^$' -bench=NearMe -benchtime=500x ./internal/showroom/
func BenchmarkNearMe(b *testing.B) {
	pool := pgtest.NewDB(b)
	f := catalogtest.Fixture{T: b, Pool: pool}
	// points along the country's spine: latitude 8.8..23.2, longitude
	// following the coast roughly, ±0.6°
	f.Exec(`INSERT INTO showroom (province_code, code, slug, name, name_fold, showroom_type, lat, lng, hours_text)
		SELECT '01', 'B-' || i, 'bench-' || i, 'Điểm bán ' || i, 'diem ban ' || i, 'intro_sales_point', lat,
		       CASE WHEN lat > 20 THEN 105.8 WHEN lat > 16 THEN 106.5 + (20 - lat) * 0.4 WHEN lat > 11 THEN 108.5 ELSE 106.0 END + (random() - 0.5) * 1.2,
		       'T2-CN 07:00-21:00'
		FROM (SELECT i, 8.8 + random() * 14.4 AS lat FROM generate_series(1, 10000) i) x`)
	f.Exec(`INSERT INTO showroom_hours (showroom_id, weekday, opens, closes) SELECT id, d, '07:00', '21:00' FROM showroom, generate_series(1, 7) d`)
	f.Exec(`ANALYZE`)
	svc := showroom.New(pool, func() time.Time { return time.Date(2026, 12, 7, 10, 0, 0, 0, showroom.Vietnam) })
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, bc := range []struct {
		name    string
		radius  float64
		openNow bool
	}{{"50km", 50, false}, {"10km-open-now", 10, true}, {"200km", 200, false}} {
		b.Run(bc.name, func(b *testing.B) {
			durations := make([]time.Duration, 0, b.N)
			hits := 0
			for b.Loop() {
				lat := 9 + rng.Float64()*14
				p := showroom.Point{Lat: lat, Lng: 105.9 + rng.Float64()*0.2}
				if lat < 20 && lat > 11 {
					p.Lng = 108.4
				}
				start := time.Now()
				page, err := svc.Search(ctx, showroom.Filter{Near: &p, RadiusKm: bc.radius, OpenNow: bc.openNow})
				durations = append(durations, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				hits += page.Total
			}
			slices.Sort(durations)
			ms := func(q float64) float64 {
				return float64(durations[int(q*float64(len(durations)-1))].Microseconds()) / 1000
			}
			b.ReportMetric(ms(0.50), "p50-ms")
			b.ReportMetric(ms(0.99), "p99-ms")
			b.ReportMetric(float64(hits)/float64(len(durations)), "hits")
		})
	}
}
