package search

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/singleflight"
)

// Cache answers repeated searches from memory. Shoppers send the same
// queries over and over (a word from the home page, a province and a
// star), and each costs the backend a ranked match and its facet counts.
// An answer is kept for the catalog version it was computed at (version
// tells the current one; a new version starts over, since the catalog's
// changes reach the index right after) and at most TTL, which bounds how
// long the index's lag behind the catalog can be pinned. Concurrent misses
// of one query share one backend call (singleflight); an answer past its
// TTL is served while one call refreshes it, so the moment it expires
// does not send every request to the backend. Degraded answers (from a
// fallback backend) are not kept. Writes pass through and empty the
// cache. Results are shared: callers must not modify them.
type Cache struct {
	idx     Index
	version func(ctx context.Context) (string, error)
	// TTL is how long an answer is served as fresh (default 5 s).
	TTL time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time

	flight  singleflight.Group
	mu      sync.Mutex
	current string
	results *lru.Cache[string, cached]
}

type cached struct {
	res Result
	sug []Suggestion
	at  time.Time
}

// CacheSize is how many answers a Cache keeps (the least recently used
// go): about 10 KiB each with their facets, so some 5 MiB at most. The
// popular queries stay; the long tail is answered by the engine, from
// pgsearch's memory copy in a millisecond or two.
const CacheSize = 512

// NewCache caches idx's answers per catalog version.
func NewCache(idx Index, version func(ctx context.Context) (string, error)) *Cache {
	results, _ := lru.New[string, cached](CacheSize)
	return &Cache{idx: idx, version: version, TTL: 5 * time.Second, Now: time.Now, results: results}
}

var _ Index = (*Cache)(nil)

// Unwrap is the cached backend.
func (c *Cache) Unwrap() Index { return c.idx }

func (c *Cache) purge() {
	c.results.Purge()
}

// Index writes through and empties the cache.
func (c *Cache) Index(ctx context.Context, docs ...Document) error {
	defer c.purge()
	return c.idx.Index(ctx, docs...)
}

// Delete writes through and empties the cache.
func (c *Cache) Delete(ctx context.Context, ids ...string) error {
	defer c.purge()
	return c.idx.Delete(ctx, ids...)
}

// Replace writes through and empties the cache.
func (c *Cache) Replace(ctx context.Context, docs []Document) error {
	defer c.purge()
	return c.idx.Replace(ctx, docs)
}

// key is q's cache key: its folded words, filters, sort, page and facets.
func key(q Query) string {
	var b strings.Builder
	b.WriteString(strings.Join(Words(q.Text), " "))
	b.WriteString("\x00" + q.Province + "\x00" + q.Group + "\x00")
	for _, s := range q.Stars {
		b.WriteString(strconv.Itoa(s) + ",")
	}
	b.WriteByte(0)
	if q.PriceMin != nil {
		b.WriteString(strconv.FormatInt(*q.PriceMin, 10))
	}
	b.WriteByte(0)
	if q.PriceMax != nil {
		b.WriteString(strconv.FormatInt(*q.PriceMax, 10))
	}
	b.WriteString("\x00" + q.Sort + "\x00" + strconv.Itoa(q.Page) + "\x00" + strconv.Itoa(q.PerPage) + "\x00" + strings.Join(q.Facets, ","))
	return b.String()
}

// lookup answers key from the cache, or by fetch (shared by concurrent
// misses), refreshing a stale answer in the background.
func (c *Cache) lookup(ctx context.Context, k string, fetch func(context.Context) (cached, bool, error)) (cached, error) {
	v, err := c.version(ctx)
	if err != nil {
		// no version: no cache, the backend answers as it can
		e, _, err := fetch(ctx)
		return e, err
	}
	c.mu.Lock()
	if v != c.current {
		c.current = v
		c.results.Purge()
	}
	c.mu.Unlock()
	k = v + "\x01" + k
	load := func(ctx context.Context) (any, error) {
		e, keep, err := fetch(ctx)
		if err != nil {
			return nil, err
		}
		e.at = c.Now()
		if keep {
			c.mu.Lock()
			current := v == c.current
			c.mu.Unlock()
			if current {
				c.results.Add(k, e)
			}
		}
		return e, nil
	}
	if e, ok := c.results.Get(k); ok {
		if c.Now().Sub(e.at) > c.TTL {
			go func() {
				ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
				defer cancel()
				_, _, _ = c.flight.Do(k, func() (any, error) { return load(ctx) })
			}()
		}
		return e, nil
	}
	r, err, _ := c.flight.Do(k, func() (any, error) { return load(ctx) })
	if err != nil {
		return cached{}, err
	}
	return r.(cached), nil
}

// Search answers q from the cache or the backend.
func (c *Cache) Search(ctx context.Context, q Query) (Result, error) {
	n, err := q.Normalize()
	if err != nil {
		return Result{}, err
	}
	e, err := c.lookup(ctx, "s\x00"+key(n), func(ctx context.Context) (cached, bool, error) {
		r, err := c.idx.Search(ctx, q)
		return cached{res: r}, err == nil && !r.Degraded, err
	})
	return e.res, err
}

// Suggest answers text from the cache or the backend.
func (c *Cache) Suggest(ctx context.Context, text string) ([]Suggestion, error) {
	e, err := c.lookup(ctx, "g\x00"+strings.Join(Words(text), " "), func(ctx context.Context) (cached, bool, error) {
		s, err := c.idx.Suggest(ctx, text)
		return cached{sug: s}, err == nil, err
	})
	return e.sug, err
}
