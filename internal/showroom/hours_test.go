package showroom

import (
	"testing"
	"time"
)

func TestParseWeek(t *testing.T) {
	tests := []struct{ in, want string }{
		{"T2-T6 07:30-17:30; T7,CN 08:00-12:00", "T2-T6 07:30-17:30; T7, CN 08:00-12:00"},
		{"Hằng ngày 7h-21h", "T2-CN 07:00-21:00"},
		{"T2-T6 07:30-11:30, 13:30-17:00; T7 8:00-11:00", "T2-T6 07:30-11:30, 13:30-17:00; T7 08:00-11:00"},
		{"Thứ 2 - Thứ 4 08:00-17:00; CN 18:00-01:00", "T2-T4 08:00-17:00; CN 18:00-01:00"},
		{"T2,T4,T6 06:00-10:00", "T2, T4, T6 06:00-10:00"},
		{"thứ hai 08:00-24:00", "T2 08:00-00:00"},
		{"", ""},
	}
	for _, tt := range tests {
		w, err := ParseWeek(tt.in)
		if err != nil || w.String() != tt.want {
			t.Errorf("ParseWeek(%q) = %q, %v; want %q", tt.in, w.String(), err, tt.want)
		}
	}
	for _, bad := range []string{"07:30-17:30", "T2-T6", "T2-T6 7:30", "T8 08:00-12:00", "T6-T2 08:00-12:00",
		"T2 08:00-12:00; T2 13:00-17:00", "T2 25:00-26:00", "T2 08:00-08:00", "T2 08:60-09:00"} {
		if _, err := ParseWeek(bad); err == nil {
			t.Errorf("ParseWeek(%q) accepted", bad)
		}
	}
}

// TestOpenAt: in Vietnam's time whatever the caller's zone, across
// midnight, and on exception days.
func TestOpenAt(t *testing.T) {
	w, err := ParseWeek("T2-T6 07:30-17:30; T7 08:00-12:00; CN 18:00-01:00")
	if err != nil {
		t.Fatal(err)
	}
	tet := time.Date(2027, 2, 8, 0, 0, 0, 0, Vietnam) // a Monday
	special := time.Date(2027, 2, 10, 0, 0, 0, 0, Vietnam)
	h := Hours{Week: w, Exceptions: []Exception{{Date: tet, Note: "Tết"}, {Date: special, Intervals: []Interval{{Opens: 9 * 60, Closes: 11 * 60}}}}}
	vn := func(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, Vietnam) }
	tests := []struct {
		at   time.Time
		open bool
	}{
		{vn(2026, 12, 7, 7, 29), false}, // Monday before opening
		{vn(2026, 12, 7, 7, 30), true},
		{vn(2026, 12, 7, 17, 29), true},
		{vn(2026, 12, 7, 17, 30), false},
		{vn(2026, 12, 12, 11, 59), true}, // Saturday
		{vn(2026, 12, 12, 12, 0), false},
		{vn(2026, 12, 13, 17, 59), false}, // Sunday night market
		{vn(2026, 12, 13, 23, 30), true},
		{vn(2026, 12, 14, 0, 30), true}, // Monday 00:30: Sunday's night
		{vn(2026, 12, 14, 1, 0), false},
		{vn(2027, 2, 8, 10, 0), false}, // Tết: closed although Monday
		{vn(2027, 2, 8, 0, 30), true},  // but Sunday's night still runs
		{vn(2027, 2, 10, 10, 0), true}, // special hours
		{vn(2027, 2, 10, 12, 0), false},
		// 2026-12-07 01:00 UTC is 08:00 in Vietnam: open
		{time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC), true},
		// 2026-12-06 23:00 in New York is 11:00 on Monday in Vietnam
		{time.Date(2026, 12, 6, 23, 0, 0, 0, mustZone(t, "America/New_York")), true},
	}
	for _, tt := range tests {
		if got := h.OpenAt(tt.at); got != tt.open {
			t.Errorf("OpenAt(%v) = %v, want %v", tt.at, got, tt.open)
		}
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("time zone %s not installed: %v", name, err)
	}
	return l
}
