package search_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/search"
)

// fakeIndex answers with a fixed result, an error, or after a delay.
type fakeIndex struct {
	name     string
	err      error
	delay    time.Duration
	searches atomic.Int64
	mu       sync.Mutex
	indexed  []string
}

func (f *fakeIndex) Search(ctx context.Context, q search.Query) (search.Result, error) {
	f.searches.Add(1)
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-ctx.Done():
			return search.Result{}, ctx.Err()
		}
	}
	if f.err != nil {
		return search.Result{}, f.err
	}
	return search.Result{Total: 1, Hits: []search.Hit{{ID: f.name}}}, nil
}

func (f *fakeIndex) Suggest(ctx context.Context, text string) ([]search.Suggestion, error) {
	f.searches.Add(1)
	if f.err != nil {
		return nil, f.err
	}
	return []search.Suggestion{{Kind: search.KindProduct, Key: f.name}}, nil
}

func (f *fakeIndex) Index(ctx context.Context, docs ...search.Document) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range docs {
		f.indexed = append(f.indexed, d.ID)
	}
	return f.err
}

func (f *fakeIndex) Delete(ctx context.Context, ids ...string) error           { return f.err }
func (f *fakeIndex) Replace(ctx context.Context, docs []search.Document) error { return f.err }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestFallbackOnError(t *testing.T) {
	primary := &fakeIndex{name: "meili", err: search.Unavailable("meilisearch", errors.New("503"))}
	secondary := &fakeIndex{name: "pg"}
	f := search.NewFallback(primary, secondary, quiet, nil)
	r, err := f.Search(context.Background(), search.Query{Text: "che"})
	if err != nil || r.Hits[0].ID != "pg" || !r.Degraded {
		t.Fatalf("Search = %+v, %v; want the fallback's answer, degraded", r, err)
	}
	s, err := f.Suggest(context.Background(), "che")
	if err != nil || s[0].Key != "pg" {
		t.Fatalf("Suggest = %+v, %v", s, err)
	}
}

// TestFallbackOnTimeout: a primary that hangs is abandoned after Timeout
// (SECURITY.md D-05: the fallback answers within 1 s).
func TestFallbackOnTimeout(t *testing.T) {
	primary := &fakeIndex{name: "meili", delay: 30 * time.Second}
	secondary := &fakeIndex{name: "pg"}
	f := search.NewFallback(primary, secondary, quiet, nil)
	start := time.Now()
	r, err := f.Search(context.Background(), search.Query{Text: "che"})
	if err != nil || r.Hits[0].ID != "pg" {
		t.Fatalf("Search = %+v, %v", r, err)
	}
	if d := time.Since(start); d < f.Timeout || d > time.Second {
		t.Errorf("answered after %s, want about %s", d, f.Timeout)
	}
}

func TestFallbackPassesInvalid(t *testing.T) {
	bad := apperr.E(apperr.Invalid, "x", "sort: bad")
	primary := &fakeIndex{name: "meili", err: bad}
	secondary := &fakeIndex{name: "pg"}
	f := search.NewFallback(primary, secondary, quiet, nil)
	if _, err := f.Search(context.Background(), search.Query{}); !errors.Is(err, bad) {
		t.Errorf("invalid query: %v", err)
	}
	if secondary.searches.Load() != 0 || f.Open() {
		t.Error("an invalid query must not fall back or count as a failure")
	}
}

func TestCircuitBreaker(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	primary := &fakeIndex{name: "meili", err: errors.New("connection refused")}
	secondary := &fakeIndex{name: "pg"}
	f := search.NewFallback(primary, secondary, quiet, clock)
	ctx := context.Background()
	for range f.Threshold {
		_, _ = f.Search(ctx, search.Query{})
	}
	if !f.Open() || primary.searches.Load() != int64(f.Threshold) {
		t.Fatalf("after %d failures: open %v, primary asked %d times", f.Threshold, f.Open(), primary.searches.Load())
	}
	for range 10 {
		if r, err := f.Search(ctx, search.Query{}); err != nil || r.Hits[0].ID != "pg" {
			t.Fatal(r, err)
		}
	}
	if n := primary.searches.Load(); n != int64(f.Threshold) {
		t.Errorf("open breaker still asked the primary (%d calls)", n)
	}
	// after the cooldown one trial goes through; it fails: open again
	now = now.Add(f.Cooldown)
	_, _ = f.Search(ctx, search.Query{})
	_, _ = f.Search(ctx, search.Query{})
	if n := primary.searches.Load(); n != int64(f.Threshold)+1 {
		t.Errorf("half-open: primary asked %d times, want %d", n, f.Threshold+1)
	}
	// recovered: the next trial succeeds and closes the breaker
	primary.err = nil
	now = now.Add(f.Cooldown)
	if r, err := f.Search(ctx, search.Query{}); err != nil || r.Hits[0].ID != "meili" || r.Degraded {
		t.Fatalf("trial after recovery = %+v, %v", r, err)
	}
	if f.Open() {
		t.Error("breaker still open after a success")
	}
}

// TestFallbackWritesBoth: the secondary is written first, so a fallback
// answer is never staler than the primary's.
func TestFallbackWritesBoth(t *testing.T) {
	primary := &fakeIndex{name: "meili", err: errors.New("down")}
	secondary := &fakeIndex{name: "pg"}
	f := search.NewFallback(primary, secondary, quiet, nil)
	err := f.Index(context.Background(), search.Document{ID: "7"})
	if err == nil {
		t.Error("a primary write failure must be reported (the worker retries)")
	}
	if len(secondary.indexed) != 1 || len(primary.indexed) != 1 {
		t.Errorf("secondary got %v, primary %v", secondary.indexed, primary.indexed)
	}
}

func TestHighlight(t *testing.T) {
	tests := []struct {
		text, prefix, want string
		match              []string
	}{
		{"Nước mắm Phú Quốc", "", "<mark>Nước</mark> <mark>mắm</mark> Phú Quốc", []string{"nuoc", "mam"}},
		{"Thanh Hoá", "ho", "Thanh <mark>Hoá</mark>", nil},
		{"Giỏ <b>mây</b> & \"cói\"", "", "Giỏ &lt;b&gt;<mark>mây</mark>&lt;/b&gt; &amp; &#34;cói&#34;", []string{"may"}},
		{"<script>alert(1)</script>", "", "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;", []string{"script"}},
	}
	for _, tt := range tests {
		m := map[string]bool{}
		for _, w := range tt.match {
			m[w] = true
		}
		if got := search.Highlight(tt.text, m, tt.prefix); got != tt.want {
			t.Errorf("Highlight(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestWords(t *testing.T) {
	if got := search.Words("  Nước   MẮM 🙂 'phú' \"quốc\" AND = : \\ "); len(got) != 5 || got[0] != "nuoc" || got[4] != "and" {
		t.Errorf("Words = %q", got)
	}
	long := ""
	for range 100 {
		long += "chè "
	}
	if got := search.Words(long); len(got) != search.MaxWords {
		t.Errorf("%d words kept, want %d", len(got), search.MaxWords)
	}
}
