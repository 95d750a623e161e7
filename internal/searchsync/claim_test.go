package searchsync

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

// TestClaimAfterABulkImport: the outbox was analysed while empty (after an
// earlier import had been applied), then a bulk import queued 20,000
// changes. The claim must still lock its due
// rows in one pass (a plan that re-ran the locking subquery per outbox row
// took over the statement timeout), and take the oldest 200.
func TestClaimAfterABulkImport(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	for _, q := range []string{
		`ALTER TABLE search_outbox SET (autovacuum_enabled = false)`,
		// an earlier import's changes, all applied: pages full of dead
		// rows, analysed as holding none
		`INSERT INTO search_outbox (product_id) SELECT -i FROM generate_series(1, 20000) i`,
		`DELETE FROM search_outbox`,
		`ANALYZE search_outbox`,
		`INSERT INTO search_outbox (product_id, next_attempt_at) SELECT i, now() - interval '1 hour' + i * interval '1 ms' FROM generate_series(1, 20000) i`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	var plan []byte
	if err := tx.QueryRow(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+claimSQL, 200, 60).Scan(&plan); err != nil {
		t.Fatal(err)
	}
	var doc []struct{ Plan node }
	if err := json.Unmarshal(plan, &doc); err != nil {
		t.Fatal(err)
	}
	var lockLoops []float64
	var walk func(n node)
	walk = func(n node) {
		if n.Type == "LockRows" {
			lockLoops = append(lockLoops, n.Loops)
		}
		for _, c := range n.Plans {
			walk(c)
		}
	}
	walk(doc[0].Plan)
	if len(lockLoops) != 1 || lockLoops[0] != 1 {
		t.Errorf("the locking subquery ran %v times:\n%s", lockLoops, plan)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	rows, err := claim(ctx, pool, 200, time.Minute)
	if err != nil || len(rows) != 200 {
		t.Fatalf("claimed %d (%v)", len(rows), err)
	}
	for _, r := range rows {
		if r.productID > 200 {
			t.Fatalf("claimed %d, not among the 200 oldest", r.productID)
		}
	}
}

type node struct {
	Type  string  `json:"Node Type"`
	Loops float64 `json:"Actual Loops"`
	Plans []node  `json:"Plans"`
}
