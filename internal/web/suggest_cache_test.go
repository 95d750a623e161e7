package web

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocopvn/ocop/search"
)

// TestSuggestCache: 32 concurrent misses of one key make one query; once
// the entry is older than the TTL, 32 concurrent requests get the old
// answer at once and one query refreshes it (no stampede); a new catalog
// version starts over; a full cache drops its least recently used
// entries, not all of them.
func TestSuggestCache(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	c := newSuggestCache(clock)
	var calls atomic.Int32
	release := make(chan struct{})
	fetch := func(answer string) func(context.Context) ([]search.Suggestion, error) {
		ch := release // the gate of this round
		return func(context.Context) ([]search.Suggestion, error) {
			calls.Add(1)
			<-ch
			return []search.Suggestion{{Kind: search.KindProduct, Key: answer, Text: answer}}, nil
		}
	}
	ask := func(version, key, answer string, n int) []string {
		var wg sync.WaitGroup
		got := make([]string, n)
		f := fetch(answer)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				items, err := c.get(context.Background(), version, key, f)
				if err != nil || len(items) != 1 {
					t.Errorf("get: %v %v", items, err)
					return
				}
				got[i] = items[0].Key
			}()
		}
		time.Sleep(50 * time.Millisecond) // all of them waiting
		close(release)
		wg.Wait()
		release = make(chan struct{})
		return got
	}
	if got := ask("v1", "che t", "old", 32); calls.Load() != 1 || got[0] != "old" || got[31] != "old" {
		t.Fatalf("cold: %d queries for 32 concurrent misses", calls.Load())
	}
	// within the TTL: no query
	if items, _ := c.get(context.Background(), "v1", "che t", fetch("x")); calls.Load() != 1 || items[0].Key != "old" {
		t.Fatalf("fresh hit queried")
	}
	// expired: the old answer at once for all, one refresh behind
	mu.Lock()
	now = now.Add(suggestTTL + time.Second)
	mu.Unlock()
	calls.Store(0)
	var wg sync.WaitGroup
	fresh := fetch("new")
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			items, err := c.get(context.Background(), "v1", "che t", fresh)
			if err != nil || items[0].Key != "old" {
				t.Errorf("stale answer: %v %v", items, err)
			}
		}()
	}
	wg.Wait() // none of them waited for the query
	time.Sleep(20 * time.Millisecond)
	close(release)
	release = make(chan struct{})
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if e, ok := c.entries.Get("che t"); ok && e.items[0].Key == "new" {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("%d refreshes for 32 requests of an expired entry", n)
	}
	if e, _ := c.entries.Get("che t"); e.items[0].Key != "new" {
		t.Errorf("not refreshed: %v", e.items)
	}
	// a new catalog version starts over
	close(release)
	if items, _ := c.get(context.Background(), "v2", "che t", fetch("v2")); items[0].Key != "v2" {
		t.Errorf("across a version: %v", items)
	}
	// full: the least recently used go
	for i := range suggestCacheLimit + 10 {
		_, _ = c.get(context.Background(), "v2", "k"+strconv.Itoa(i), fetch("x"))
	}
	if n := c.entries.Len(); n != suggestCacheLimit {
		t.Errorf("%d entries", n)
	}
	if _, ok := c.entries.Get("k" + strconv.Itoa(suggestCacheLimit+9)); !ok {
		t.Error("the newest entry is gone")
	}
}
