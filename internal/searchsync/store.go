package searchsync

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/ocopvn/ocop/internal/postgres"
)

type claimedRow struct {
	productID int64
	seq       int64
	attempts  int
}

// claimSQL takes up to $1 due rows that no other worker holds (SKIP LOCKED)
// and hides them for the lease ($2 seconds) by moving next_attempt_at. The
// row locks last only for this statement; the lease is what keeps other
// workers off while the index is written, so product writes (whose
// triggers upsert these rows) never wait on the search backend.
//
// The due rows are picked once, as an array (an InitPlan): written as a
// join, the planner, with statistics from when the outbox was empty,
// re-ran the locking subquery for every outbox row, and a 20,000-row
// import left the claim over the 5 s statement timeout.
const claimSQL = `
UPDATE search_outbox o SET next_attempt_at = now() + make_interval(secs => $2)
WHERE o.product_id = ANY (ARRAY(
      SELECT product_id FROM search_outbox
      WHERE next_attempt_at <= now() AND dead_at IS NULL
      ORDER BY next_attempt_at, product_id
      LIMIT $1
      FOR UPDATE SKIP LOCKED))
RETURNING o.product_id, o.seq, o.attempts`

func claim(ctx context.Context, pool *pgxpool.Pool, n int, lease time.Duration) ([]claimedRow, error) {
	rows, err := pool.Query(ctx, claimSQL, n, lease.Seconds())
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (claimedRow, error) {
		var c claimedRow
		err := r.Scan(&c.productID, &c.seq, &c.attempts)
		return c, err
	})
}

// completeSQL deletes the applied rows, unless a newer change re-armed one
// while it was being applied (its seq moved): that row stays, and the second
// statement makes it due at once, with its attempts reset.
const completeSQL = `
DELETE FROM search_outbox o
USING unnest($1::bigint[], $2::bigint[]) AS done(product_id, seq)
WHERE o.product_id = done.product_id AND o.seq = done.seq`

const rearmSQL = `
UPDATE search_outbox SET next_attempt_at = now(), attempts = 0, last_error = NULL
WHERE product_id = ANY($1)`

func complete(ctx context.Context, pool *pgxpool.Pool, rows []claimedRow) error {
	ids := make([]int64, len(rows))
	seqs := make([]int64, len(rows))
	for i, r := range rows {
		ids[i], seqs[i] = r.productID, r.seq
	}
	return postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, completeSQL, ids, seqs); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, rearmSQL, ids)
		return err
	})
}

// rescheduleSQL records a failed attempt and when to try again.
const rescheduleSQL = `
UPDATE search_outbox
SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $2), last_error = left($3, 2000)
WHERE product_id = ANY($1)`

func reschedule(ctx context.Context, pool *pgxpool.Pool, ids []int64, delay time.Duration, msg string) error {
	_, err := pool.Exec(ctx, rescheduleSQL, ids, delay.Seconds(), msg)
	return err
}

// syncLockKey is the advisory lock between sync steps (shared) and a full
// reindex (exclusive): the bytes of "ocopsrch".
const syncLockKey int64 = 0x6f636f7073726368

// lockShared and lockExclusive take the sync lock in a transaction of their
// own, held until the returned function is called.
func lockShared(ctx context.Context, pool *pgxpool.Pool) (func(), error) {
	return lockTx(ctx, pool, `SELECT pg_advisory_xact_lock_shared($1)`)
}

func lockExclusive(ctx context.Context, pool *pgxpool.Pool) (func(), error) {
	return lockTx(ctx, pool, `SELECT pg_advisory_xact_lock($1)`)
}

func lockTx(ctx context.Context, pool *pgxpool.Pool, sql string) (func(), error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, sql, syncLockKey); err != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx))
		return nil, err
	}
	return func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }, nil
}

// burySQL moves rows that failed their last attempt to the dead letter.
const burySQL = `
UPDATE search_outbox SET attempts = attempts + 1, dead_at = now(), last_error = left($2, 2000)
WHERE product_id = ANY($1)`

func bury(ctx context.Context, pool *pgxpool.Pool, ids []int64, msg string) error {
	_, err := pool.Exec(ctx, burySQL, ids, msg)
	return err
}
