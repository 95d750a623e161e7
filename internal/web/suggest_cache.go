package web

import (
	"sync"
	"time"

	"github.com/ocopvn/ocop/search"
)

// suggestCache keeps recent autocomplete answers. Shoppers type the same
// prefixes over and over ("ch", "che", "che t"…), and each answer costs a
// full-text query. An entry lives until the catalog changes (version) and
// at most suggestTTL, which bounds how long the index's lag behind the
// catalog can be pinned.
type suggestCache struct {
	mu      sync.Mutex
	now     func() time.Time
	version string
	entries map[string]suggestEntry
}

type suggestEntry struct {
	items []search.Suggestion
	at    time.Time
}

const (
	suggestTTL        = 10 * time.Second
	suggestCacheLimit = 4096
)

func newSuggestCache(now func() time.Time) *suggestCache {
	if now == nil {
		now = time.Now
	}
	return &suggestCache{now: now, entries: map[string]suggestEntry{}}
}

// get returns the cached answer for key at catalog version, if fresh.
func (s *suggestCache) get(version, key string) ([]search.Suggestion, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if version != s.version {
		return nil, false
	}
	e, ok := s.entries[key]
	if !ok || s.now().Sub(e.at) > suggestTTL {
		return nil, false
	}
	return e.items, true
}

// put stores an answer; a new catalog version or a full cache starts over.
func (s *suggestCache) put(version, key string, items []search.Suggestion) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if version != s.version || len(s.entries) >= suggestCacheLimit {
		s.version = version
		s.entries = map[string]suggestEntry{}
	}
	s.entries[key] = suggestEntry{items: items, at: s.now()}
}
