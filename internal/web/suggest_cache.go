package web

import (
	"context"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/singleflight"

	"github.com/ocopvn/ocop/search"
)

// suggestCache keeps recent autocomplete answers. Shoppers type the same
// prefixes over and over ("ch", "che", "che t"…), and each answer costs a
// full-text query. An entry lives until the catalog changes (version);
// after suggestTTL it is still served while one request refreshes it in
// the background, so the moment an entry expires does not send every
// concurrent request to the index (a stampede); concurrent misses of one
// key share one query (singleflight). The least recently used entries go
// when it is full (github.com/hashicorp/golang-lru), not all at once.
type suggestCache struct {
	now     func() time.Time
	flight  singleflight.Group
	mu      sync.Mutex
	version string
	entries *lru.Cache[string, suggestEntry]
}

type suggestEntry struct {
	items []search.Suggestion
	at    time.Time
}

const (
	suggestTTL        = 10 * time.Second
	suggestCacheLimit = 4096
	// suggestRefreshTimeout bounds a background refresh.
	suggestRefreshTimeout = 5 * time.Second
)

func newSuggestCache(now func() time.Time) *suggestCache {
	if now == nil {
		now = time.Now
	}
	entries, _ := lru.New[string, suggestEntry](suggestCacheLimit)
	return &suggestCache{now: now, entries: entries}
}

// entry returns the cached answer for key at version and whether it is
// older than suggestTTL; a new version empties the cache.
func (s *suggestCache) entry(version, key string) (suggestEntry, bool, bool) {
	s.mu.Lock()
	if version != s.version {
		s.version = version
		s.entries.Purge()
	}
	s.mu.Unlock()
	e, ok := s.entries.Get(key)
	return e, ok, ok && s.now().Sub(e.at) > suggestTTL
}

// get answers key at catalog version from the cache, or by fetch: a miss
// waits for the one fetch of that key in flight; a stale entry is served
// as is while one background fetch refreshes it.
func (s *suggestCache) get(ctx context.Context, version, key string, fetch func(context.Context) ([]search.Suggestion, error)) ([]search.Suggestion, error) {
	e, ok, stale := s.entry(version, key)
	load := func(ctx context.Context) (any, error) {
		items, err := fetch(ctx)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		current := version == s.version
		s.mu.Unlock()
		if current {
			s.entries.Add(key, suggestEntry{items: items, at: s.now()})
		}
		return items, nil
	}
	switch {
	case ok && !stale:
		return e.items, nil
	case ok:
		// refresh in the background; the shopper gets the answer it has
		go func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), suggestRefreshTimeout)
			defer cancel()
			_, _, _ = s.flight.Do(version+"\x00"+key, func() (any, error) { return load(ctx) })
		}()
		return e.items, nil
	}
	v, err, _ := s.flight.Do(version+"\x00"+key, func() (any, error) { return load(ctx) })
	if err != nil {
		return nil, err
	}
	return v.([]search.Suggestion), nil
}
