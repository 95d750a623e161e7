package certification_test

import (
	"context"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

// TestValidUntilMatchesDatabase compares ValidUntil with the database's
// own arithmetic, which the certificate_validity_36_months check uses.
func TestValidUntilMatchesDatabase(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	var dates []time.Time
	for d := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2025; d = d.AddDate(0, 0, 1) {
		dates = append(dates, d)
	}
	rows, err := pool.Query(ctx, `SELECT (d + interval '36 months' - interval '1 day')::date FROM unnest($1::date[]) WITH ORDINALITY AS u(d, i) ORDER BY i`, dates)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var want time.Time
		if err := rows.Scan(&want); err != nil {
			t.Fatal(err)
		}
		if got := certification.ValidUntil(dates[i]); !got.Equal(want) {
			t.Errorf("certification.ValidUntil(%s) = %s, database says %s", dates[i].Format("2006-01-02"), got.Format("2006-01-02"), want.Format("2006-01-02"))
		}
		i++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if i != len(dates) {
		t.Fatalf("compared %d dates, want %d", i, len(dates))
	}
	for in, want := range map[string]string{"2023-08-31": "2026-08-30", "2024-02-29": "2027-02-27", "2024-03-01": "2027-02-28"} {
		d, _ := time.Parse("2006-01-02", in)
		if got := certification.ValidUntil(d).Format("2006-01-02"); got != want {
			t.Errorf("certification.ValidUntil(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestPlace: where a certificate stands beside the product's active one.
func TestPlace(t *testing.T) {
	d := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
	ptr := func(s string) *time.Time { v := d(s); return &v }
	today := d("2025-06-01")
	tests := []struct {
		name           string
		date           string
		active         *time.Time
		tie            certification.Tie
		want           string
		wantSupersedes bool
	}{
		{"no active one", "2024-01-10", nil, certification.ActiveWins, certification.Active, false},
		{"validity passed, no active one", "2022-05-31", nil, certification.NewWins, certification.Expired, false},
		{"validity passed beside an active one", "2021-06-01", ptr("2024-01-10"), certification.NewWins, certification.Expired, false},
		{"later than the active one", "2025-01-10", ptr("2024-01-10"), certification.ActiveWins, certification.Active, true},
		{"earlier than the active one", "2023-01-10", ptr("2024-01-10"), certification.NewWins, certification.Superseded, false},
		{"same day, import", "2024-01-10", ptr("2024-01-10"), certification.ActiveWins, certification.Superseded, false},
		{"same day, console", "2024-01-10", ptr("2024-01-10"), certification.NewWins, certification.Active, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			date := d(tt.date)
			got, sup := certification.Place(today, date, certification.ValidUntil(date), tt.active, tt.tie)
			if got != tt.want || sup != tt.wantSupersedes {
				t.Errorf("Place = %s, %v; want %s, %v", got, sup, tt.want, tt.wantSupersedes)
			}
		})
	}
}

// TestMinScore: the star bands of Decision 148, in hundredths.
func TestMinScore(t *testing.T) {
	for star, want := range map[int]int64{3: 5000, 4: 7000, 5: 9000} {
		if got, ok := certification.MinScore(star); !ok || got != want {
			t.Errorf("MinScore(%d) = %d, %v", star, got, ok)
		}
	}
	for _, star := range []int{0, 2, 6} {
		if _, ok := certification.MinScore(star); ok {
			t.Errorf("MinScore(%d) ok", star)
		}
	}
}
