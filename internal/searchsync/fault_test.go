package searchsync_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/searchsync"
	"github.com/ocopvn/ocop/search/meili"
	"github.com/ocopvn/ocop/search/meili/meilifake"
)

// TestOutboxSurvivesMeilisearchOutage: with the Meilisearch endpoint
// refusing connections, 100 product edits commit; once it accepts
// connections again, every one of them reaches it (SECURITY.md D-01, D-05).
// The endpoint is a test double (meilifake) that records document and task
// calls.
func TestOutboxSurvivesMeilisearchOutage(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	fx := catalogtest.Fixture{T: t, Pool: pool}

	// an address nothing listens on: connections are refused
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	idx := meili.New("http://"+addr, "", "products", &http.Client{Timeout: time.Second})
	idx.TaskPoll = time.Millisecond
	w := searchsync.NewWorker(pool, catalog.New(pool, nil), idx, quiet)
	w.Poll, w.MinBackoff, w.MaxBackoff = 10*time.Millisecond, 10*time.Millisecond, 200*time.Millisecond
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = w.Run(wctx); close(done) }()
	defer func() { stop(); <-done }()

	producer := fx.Producer("HTX Mắc Ca Krông Năng", "66")
	ids := make([]int64, 100)
	for i := range ids {
		ids[i] = fx.Product(producer, catalogtest.Product{Name: fmt.Sprintf("Hạt mắc ca số %d", i), Group: "I.3.c", Price: 100000, Star: 4})
	}
	// 100 edits, each its own transaction, all while Meilisearch is down
	start := time.Now()
	for i, id := range ids {
		fx.Exec(`UPDATE product SET price_vnd = $2 WHERE id = $1`, id, 200000+i)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("100 edits took %s while Meilisearch was down", d)
	}
	// the worker has tried and failed; nothing is lost
	deadline := time.Now().Add(5 * time.Second)
	var attempted int
	for time.Now().Before(deadline) {
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM search_outbox WHERE attempts > 0`).Scan(&attempted); err != nil {
			t.Fatal(err)
		}
		if attempted > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n, _ := searchsync.Pending(ctx, pool); n != 100 || attempted == 0 {
		t.Fatalf("while down: %d rows pending (want 100), %d retried", n, attempted)
	}
	var lastErr string
	_ = pool.QueryRow(ctx, `SELECT last_error FROM search_outbox WHERE last_error IS NOT NULL LIMIT 1`).Scan(&lastErr)
	if !strings.Contains(lastErr, "refused") {
		t.Errorf("last_error = %q, want a refused connection", lastErr)
	}

	// Meilisearch comes back on the same address
	fake := meilifake.New()
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	srv := httptest.NewUnstartedServer(fake)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	defer srv.Close()

	deadline = time.Now().Add(20 * time.Second)
	for {
		n, err := searchsync.Pending(ctx, pool)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d outbox rows left 20 s after Meilisearch returned", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	docs := fake.Documents("products")
	if len(docs) != 100 {
		t.Fatalf("Meilisearch holds %d documents, want 100", len(docs))
	}
	for i, id := range ids {
		d := docs[strconv.FormatInt(id, 10)]
		if d == nil || d["price_vnd"] != float64(200000+i) {
			t.Errorf("product %d in Meilisearch: %v, want the edited price %d", id, d, 200000+i)
		}
	}
	var adds, taskPolls int
	for _, r := range fake.Requests() {
		switch {
		case r.Method == http.MethodPost && r.Path == "/indexes/products/documents":
			adds++
		case r.Method == http.MethodGet && strings.HasPrefix(r.Path, "/tasks/"):
			taskPolls++
		}
	}
	if adds == 0 || taskPolls < adds {
		t.Errorf("recorded %d document additions and %d task checks; every write must be waited for", adds, taskPolls)
	}
}
