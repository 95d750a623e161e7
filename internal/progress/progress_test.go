package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestPlainLines: off a terminal the bar prints one line per tenth (and
// the last), with the count, percentage, rate and time left.
func TestPlainLines(t *testing.T) {
	var out bytes.Buffer
	b := New(&out, "nhập (import)", 200)
	clock := b.start
	b.now = func() time.Time { return clock }
	for i := 1; i <= 200; i++ {
		clock = clock.Add(10 * time.Millisecond) // 100 rows/s
		b.Set(i)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 10 {
		t.Fatalf("%d lines:\n%s", len(lines), out.String())
	}
	if lines[0] != "nhập (import): 20/200 (10 %), 100/s, còn khoảng 2s (about 2s left)" {
		t.Errorf("first line %q", lines[0])
	}
	if lines[9] != "nhập (import): 200/200 (100 %), 100/s" {
		t.Errorf("last line %q", lines[9])
	}
	// done never goes back, and nothing is printed for a repeat
	b.Set(150)
	if strings.Count(out.String(), "\n") != 10 {
		t.Error("a lower count printed a line")
	}
}

// TestSlowWorkPrintsEveryFiveSeconds: within one tenth, a line every 5 s.
func TestSlowWorkPrintsEveryFiveSeconds(t *testing.T) {
	var out bytes.Buffer
	b := New(&out, "x", 1000)
	clock := b.start
	b.now = func() time.Time { return clock }
	for i := 1; i <= 30; i++ {
		clock = clock.Add(time.Second)
		b.Set(i)
	}
	if n := strings.Count(out.String(), "\n"); n != 6 {
		t.Errorf("%d lines in 30 s:\n%s", n, out.String())
	}
}
