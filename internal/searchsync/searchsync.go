// Package searchsync keeps a search index true to the catalog.
//
// Triggers (migration 00004) write a row to search_outbox for every product
// whose public state may have changed, in the same transaction as the
// change: product, certificate and producer writes from any code path (the
// importer, the seed, future admin screens) are covered without those paths
// knowing about search. The Worker drains the outbox: it claims due rows
// with FOR UPDATE SKIP LOCKED (so several replicas share the work), loads
// each product's current public state from the public_product view, indexes
// it or deletes it, and deletes the outbox row only when the index accepted
// the change. On failure the row stays, with exponential backoff, however
// long the backend is down: no change is lost, and the queue drains when it
// returns.
//
// Reindex rebuilds an index from the database. Certificates expire in
// internal/certification; the triggers enqueue their products like any
// other change.
//
// Not queued: renaming a province, commune or product group (reference
// data, changed by migrations or `ocop geo import`); run `ocop reindex`
// after such a change. A change that keeps failing is retried with
// backoff, then, after DeadAfter attempts, tried alone (a refused document
// must not hold its batch back) and moved to the dead letter if it still
// fails (SECURITY.md D-03): Dead lists them, Retry re-queues them, and a
// new change of the product revives it.
package searchsync

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/search"
)

// Worker applies outbox rows to an index.
type Worker struct {
	pool    *pgxpool.Pool
	catalog *catalog.Service
	index   search.Index
	log     *slog.Logger

	// Batch is the most rows one step claims (default 200).
	Batch int
	// Poll is the pause when nothing is due (default 500 ms).
	Poll time.Duration
	// Lease is how long claimed rows stay invisible to other workers; a
	// worker that dies mid-step leaves them to be retried after it
	// (default 1 min).
	Lease time.Duration
	// MinBackoff and MaxBackoff bound the retry delay after a failure,
	// which doubles with each attempt (defaults 1 s and 5 min).
	MinBackoff, MaxBackoff time.Duration
	// DeadAfter is the attempts after which a failing change is tried
	// alone and, failing again, moved to the dead letter (default 20:
	// about an hour of retries, longer than a backend restart).
	DeadAfter int
}

// NewWorker returns a worker with the default settings.
func NewWorker(pool *pgxpool.Pool, cat *catalog.Service, index search.Index, log *slog.Logger) *Worker {
	return &Worker{pool: pool, catalog: cat, index: index, log: log,
		Batch: 200, Poll: 500 * time.Millisecond, Lease: time.Minute,
		MinBackoff: time.Second, MaxBackoff: 5 * time.Minute, DeadAfter: 20}
}

// Run drains the outbox until ctx is done, then returns nil.
func (w *Worker) Run(ctx context.Context) error {
	for {
		n, err := w.Step(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			w.log.Warn("search sync: step failed; will retry", "err", err)
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(w.Poll):
		}
	}
}

// Step claims one batch of due outbox rows and applies it. It returns the
// number of rows claimed (0: nothing was due) and the error that made the
// batch fail, if any; a failed batch is rescheduled, never dropped.
func (w *Worker) Step(ctx context.Context) (_ int, err error) {
	defer apperr.Wrap(&err, "searchsync.Step")
	// a shared lock for the whole step: Reindex takes it exclusively, so
	// no step applies an older state over the rebuilt index
	unlock, err := lockShared(ctx, w.pool)
	if err != nil {
		return 0, err
	}
	defer unlock()
	claimed, err := claim(ctx, w.pool, w.Batch, w.Lease)
	if err != nil || len(claimed) == 0 {
		return 0, err
	}
	ids := make([]int64, len(claimed))
	maxAttempts := 0
	for i, c := range claimed {
		ids[i] = c.productID
		maxAttempts = max(maxAttempts, c.attempts)
	}
	if applyErr := w.apply(ctx, ids); applyErr != nil {
		if maxAttempts+1 >= w.DeadAfter {
			return len(claimed), w.isolate(ctx, claimed, applyErr)
		}
		delay := backoff(maxAttempts, w.MinBackoff, w.MaxBackoff)
		// a cancelled ctx must still reschedule: use a short detached one
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := reschedule(rctx, w.pool, ids, delay, applyErr.Error()); err != nil {
			return len(claimed), fmt.Errorf("%w (and rescheduling failed: %v; the lease will expire)", applyErr, err)
		}
		return len(claimed), applyErr
	}
	return len(claimed), complete(ctx, w.pool, claimed)
}

// isolate tries the rows of a failed batch one by one: those that pass are
// done, those that fail again go to the dead letter once they have used
// their attempts, and are rescheduled otherwise.
func (w *Worker) isolate(ctx context.Context, claimed []claimedRow, batchErr error) error {
	var failed int
	for _, c := range claimed {
		err := w.apply(ctx, []int64{c.productID})
		switch {
		case err == nil:
			if err := complete(ctx, w.pool, []claimedRow{c}); err != nil {
				return err
			}
			continue
		case c.attempts+1 >= w.DeadAfter:
			if err := bury(ctx, w.pool, []int64{c.productID}, err.Error()); err != nil {
				return err
			}
			w.log.Error("search sync: change moved to the dead letter", "product", c.productID, "attempts", c.attempts+1, "err", err)
		default:
			if err := reschedule(ctx, w.pool, []int64{c.productID}, backoff(c.attempts, w.MinBackoff, w.MaxBackoff), err.Error()); err != nil {
				return err
			}
		}
		failed++
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d changes still fail: %w", failed, len(claimed), batchErr)
	}
	return nil
}

// apply loads the current public state of ids and writes it to the index.
func (w *Worker) apply(ctx context.Context, ids []int64) error {
	docs, gone, err := w.catalog.SearchDocuments(ctx, ids)
	if err != nil {
		return err
	}
	if len(docs) > 0 {
		if err := w.index.Index(ctx, docs...); err != nil {
			return err
		}
	}
	if len(gone) > 0 {
		if err := w.index.Delete(ctx, gone...); err != nil {
			return err
		}
	}
	return nil
}

// Drain runs steps until nothing is due or a step fails. Tests and
// `ocop reindex` use it.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := w.Step(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// backoff is min·2^attempts, capped at max.
func backoff(attempts int, min, max time.Duration) time.Duration {
	d := min
	for i := 0; i < attempts && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d
}

// Pending returns the number of outbox rows (due or waiting for a retry).
func Pending(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	var n int
	err := pool.QueryRow(ctx, `SELECT count(*) FROM search_outbox`).Scan(&n)
	return n, err
}

// Backlog is the outbox's state, for metrics and alerts.
type Backlog struct {
	Pending int64   // changes not yet applied
	Oldest  float64 // age in seconds of the oldest, 0 when none
	Failing int64   // changes whose last attempt failed
	Dead    int64   // changes in the dead letter
}

// Stats reads the backlog in one scan of the (small) outbox.
func Stats(ctx context.Context, pool *pgxpool.Pool) (b Backlog, err error) {
	defer apperr.Wrap(&err, "searchsync.Stats")
	err = pool.QueryRow(ctx, `
SELECT count(*) FILTER (WHERE dead_at IS NULL),
       coalesce(extract(epoch FROM now() - min(enqueued_at) FILTER (WHERE dead_at IS NULL)), 0)::float8,
       count(*) FILTER (WHERE last_error IS NOT NULL AND dead_at IS NULL), count(*) FILTER (WHERE dead_at IS NOT NULL)
FROM search_outbox`).Scan(&b.Pending, &b.Oldest, &b.Failing, &b.Dead)
	return b, err
}

// DeadRow is a change in the dead letter.
type DeadRow struct {
	ProductID   int64
	ProductName string // "" when the product was deleted
	Attempts    int
	LastError   string
	DeadAt      time.Time
}

// Dead lists the dead letter, newest first (at most 500).
func Dead(ctx context.Context, pool *pgxpool.Pool) ([]DeadRow, error) {
	rows, err := pool.Query(ctx, `SELECT o.product_id, COALESCE(p.name, ''), o.attempts, COALESCE(o.last_error, ''), o.dead_at
		FROM search_outbox o LEFT JOIN product p ON p.id = o.product_id
		WHERE o.dead_at IS NOT NULL ORDER BY o.dead_at DESC LIMIT 500`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[DeadRow])
}

// Retry re-queues the dead letter (all of it), due now with fresh
// attempts; it returns how many changes it re-queued.
func Retry(ctx context.Context, pool *pgxpool.Pool) (int64, error) {
	tag, err := pool.Exec(ctx, `UPDATE search_outbox SET dead_at = NULL, attempts = 0, next_attempt_at = now() WHERE dead_at IS NOT NULL`)
	return tag.RowsAffected(), err
}

// Reindex rebuilds index from every public product (a full replace) and
// returns the number of documents. Workers pause while it runs (an
// exclusive advisory lock): a step that finished before it is in the
// documents it loads, and changes made meanwhile wait in the outbox for
// the steps after it.
func Reindex(ctx context.Context, pool *pgxpool.Pool, cat *catalog.Service, index search.Index) (_ int, err error) {
	defer apperr.Wrap(&err, "searchsync.Reindex")
	unlock, err := lockExclusive(ctx, pool)
	if err != nil {
		return 0, err
	}
	defer unlock()
	// the documents and the outbox rows they already include, in one
	// snapshot: an outbox row visible here is a change the documents have
	docs, covered, err := snapshotDocuments(ctx, pool, cat)
	if err != nil {
		return 0, err
	}
	if err := index.Replace(ctx, docs); err != nil {
		return 0, err
	}
	// the worker need not apply those changes again (after seeding 100,000
	// products it spent 37 s doing so); a row re-armed since has a new
	// seq and stays
	ids, seqs := make([]int64, len(covered)), make([]int64, len(covered))
	for i, c := range covered {
		ids[i], seqs[i] = c[0], c[1]
	}
	if _, err := pool.Exec(ctx, `
		DELETE FROM search_outbox o USING unnest($1::bigint[], $2::bigint[]) AS c(id, seq)
		WHERE o.product_id = c.id AND o.seq = c.seq`, ids, seqs); err != nil {
		return 0, err
	}
	return len(docs), nil
}

// snapshotDocuments reads every search document and the outbox rows (by
// product id and seq) in one repeatable-read snapshot.
func snapshotDocuments(ctx context.Context, pool *pgxpool.Pool, cat *catalog.Service) (docs []search.Document, covered [][2]int64, err error) {
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	if docs, err = cat.AllSearchDocumentsIn(ctx, tx); err != nil {
		return nil, nil, err
	}
	rows, err := tx.Query(ctx, `SELECT product_id, seq FROM search_outbox`)
	if err != nil {
		return nil, nil, err
	}
	var c [2]int64
	if _, err := pgx.ForEachRow(rows, []any{&c[0], &c[1]}, func() error {
		covered = append(covered, c)
		return nil
	}); err != nil {
		return nil, nil, err
	}
	return docs, covered, nil
}

// Outbox is the outbox as the console sees it: its backlog, the dead
// letter, and the retry.
type Outbox struct{ pool *pgxpool.Pool }

// NewOutbox returns the console's view of the outbox.
func NewOutbox(pool *pgxpool.Pool) *Outbox { return &Outbox{pool: pool} }

// Stats reads the backlog.
func (o *Outbox) Stats(ctx context.Context) (Backlog, error) { return Stats(ctx, o.pool) }

// Dead lists the dead letter.
func (o *Outbox) Dead(ctx context.Context) ([]DeadRow, error) { return Dead(ctx, o.pool) }

// Retry re-queues the dead letter.
func (o *Outbox) Retry(ctx context.Context) (int64, error) { return Retry(ctx, o.pool) }

// Counter is an index that can count its documents (pgsearch, meili).
type Counter interface {
	Count(ctx context.Context) (int, error)
}

// Drift is how an index differs from the database (SECURITY.md D-04).
type Drift struct {
	Database int      // public products
	Index    int      // documents in the index
	Settings []string // index settings that differ from the project's
}

// OK reports whether the index matches.
func (d Drift) OK() bool { return d.Database == d.Index && len(d.Settings) == 0 }

// String says what differs.
func (d Drift) String() string {
	s := fmt.Sprintf("database %d public products, index %d documents", d.Database, d.Index)
	if len(d.Settings) > 0 {
		s += "; settings differ: " + strings.Join(d.Settings, ", ")
	}
	return s
}

// Check compares index with the database: the number of public products
// against the number of documents (changes still in the outbox are
// allowed for: they are on their way), and, when settings is not nil, the
// index's settings.
func Check(ctx context.Context, pool *pgxpool.Pool, index Counter, settings func(context.Context) ([]string, error)) (d Drift, err error) {
	defer apperr.Wrap(&err, "searchsync.Check")
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM public_product`).Scan(&d.Database); err != nil {
		return d, err
	}
	if d.Index, err = index.Count(ctx); err != nil {
		return d, err
	}
	if settings != nil {
		if d.Settings, err = settings(ctx); err != nil {
			return d, err
		}
	}
	return d, nil
}
