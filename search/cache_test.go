package search_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/search"
)

// TestCache: 32 concurrent identical searches make one backend call; the
// next is a hit; another page is another query; a new catalog version
// starts over; past the TTL the old answer is served at once and one call
// refreshes it; a degraded answer is not kept; a bad query is refused
// before the backend; a write empties the cache.
func TestCache(t *testing.T) {
	backend := &fakeIndex{name: "a", delay: 30 * time.Millisecond}
	var version atomic.Value
	version.Store("v1")
	c := search.NewCache(backend, func(context.Context) (string, error) { return version.Load().(string), nil })
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	c.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	ctx := context.Background()
	q := search.Query{Text: "Chè Tân Cương", Province: "19"}
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r, err := c.Search(ctx, q); err != nil || r.Total != 1 {
				t.Errorf("search: %v %v", r, err)
			}
		}()
	}
	wg.Wait()
	if n := backend.searches.Load(); n != 1 {
		t.Fatalf("%d backend calls for 32 concurrent identical searches", n)
	}
	// the same words folded otherwise are the same query
	if _, err := c.Search(ctx, search.Query{Text: "che tan cuong", Province: "19"}); err != nil || backend.searches.Load() != 1 {
		t.Errorf("a hit went to the backend: %d", backend.searches.Load())
	}
	if _, _ = c.Search(ctx, search.Query{Text: "che tan cuong", Province: "19", Page: 2}); backend.searches.Load() != 2 {
		t.Error("page 2 answered from page 1")
	}
	version.Store("v2")
	if _, _ = c.Search(ctx, q); backend.searches.Load() != 3 {
		t.Error("a new catalog version answered from the old cache")
	}
	// stale: served at once, refreshed once behind
	mu.Lock()
	now = now.Add(c.TTL + time.Second)
	mu.Unlock()
	start := time.Now()
	for range 10 {
		if _, err := c.Search(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if time.Since(start) > 25*time.Millisecond {
		t.Errorf("stale answers waited for the backend (%s)", time.Since(start))
	}
	deadline := time.Now().Add(time.Second)
	for backend.searches.Load() != 4 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	if n := backend.searches.Load(); n != 4 {
		t.Errorf("%d backend calls after 10 stale hits, want one refresh (4)", n)
	}
	// a bad query never reaches the backend
	if _, err := c.Search(ctx, search.Query{Sort: "price"}); apperr.KindOf(err) != apperr.Invalid || backend.searches.Load() != 4 {
		t.Errorf("bad query: %v", err)
	}
	// a write empties it
	if err := c.Index(ctx, search.Document{ID: "1"}); err != nil {
		t.Fatal(err)
	}
	if _, _ = c.Search(ctx, q); backend.searches.Load() != 5 {
		t.Error("answered from the cache after a write")
	}
	// degraded answers are not kept
	primary := &fakeIndex{name: "primary", err: errors.New("down")}
	secondary := &fakeIndex{name: "secondary"}
	d := search.NewCache(search.NewFallback(primary, secondary, quiet, nil), func(context.Context) (string, error) { return "v", nil })
	for range 3 {
		r, err := d.Search(ctx, q)
		if err != nil || !r.Degraded {
			t.Fatalf("fallback: %v %v", r, err)
		}
	}
	if n := secondary.searches.Load(); n != 3 {
		t.Errorf("degraded answers cached: %d calls for 3 searches", n)
	}
}
