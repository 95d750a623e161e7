package pgsearch_test

import (
	"context"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/search"
	"github.com/ocopvn/ocop/search/pgsearch"
	"github.com/ocopvn/ocop/search/searchtest"
)

// TestConformance runs the suite on the memory copy (the default) with
// every search reading the changes first, and on SQL alone.
func TestConformance(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Index {
		idx := pgsearch.New(pgtest.NewDB(t))
		idx.Fresh = 0
		if err := idx.Warm(context.Background()); err != nil {
			t.Fatal(err)
		}
		return idx
	})
}

func TestConformanceSQL(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Index {
		idx := pgsearch.New(pgtest.NewDB(t))
		idx.Memory = false
		return idx
	})
}

// TestConformanceCached: the same suite through the result cache the app
// puts in front of the backend (the catalog version never changes here:
// writes through the cache empty it).
func TestConformanceCached(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Index {
		return search.NewCache(pgsearch.New(pgtest.NewDB(t)), func(context.Context) (string, error) { return "v", nil })
	})
}

// TestBrowseCounts: the counts of the unfiltered search are reused for
// BrowseTTL, cleared by writes through the same Index, and a write by
// another process shows once the TTL is over.
func TestBrowseCounts(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	a, b := pgsearch.New(pool), pgsearch.New(pool)
	a.Memory, b.Memory = false, false
	docs := searchtest.Documents()
	if err := a.Index(ctx, docs[:3]...); err != nil {
		t.Fatal(err)
	}
	total := func(idx *pgsearch.Index) (int, int) {
		t.Helper()
		r, err := idx.Search(ctx, search.Query{PerPage: 100})
		if err != nil {
			t.Fatal(err)
		}
		return r.Total, len(r.Hits)
	}
	if n, _ := total(a); n != 3 {
		t.Fatalf("total %d, want 3", n)
	}
	if err := b.Index(ctx, docs[3]); err != nil { // another process
		t.Fatal(err)
	}
	if n, hits := total(a); n != 3 || hits != 4 {
		t.Errorf("within the TTL: total %d (cached 3), hits %d (live 4)", n, hits)
	}
	a.BrowseTTL = 0
	if n, _ := total(a); n != 4 {
		t.Errorf("after the TTL: total %d, want 4", n)
	}
	a.BrowseTTL = time.Hour
	if err := a.Delete(ctx, docs[3].ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := total(a); n != 3 {
		t.Errorf("after a delete through the same index: total %d, want 3", n)
	}
}
