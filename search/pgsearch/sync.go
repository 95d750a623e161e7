package pgsearch

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// loadSQL reads the documents for the memory index (memory.go), with the
// id of the transaction that wrote each. Dates travel as numbers: days
// since 1970 and Unix nanoseconds, the keys the sorts compare.
const loadSQL = `
SELECT id, slug, name, producer_slug, producer_name, province_code, province_name,
       group_codes, star, price_vnd,
       (certified_on - date '1970-01-01')::bigint,
       (extract(epoch FROM created_at) * 1000000)::bigint * 1000,
       name_fold, producer_fold, province_fold, place_fold, desc_fold, name_accents,
       xid::text::bigint
FROM search_document`

// snapshotSQL returns the oldest transaction still running (every change
// by an older one is visible now, and none will come later) and the epoch,
// which Replace moves.
const snapshotSQL = `
SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint, (SELECT epoch FROM search_epoch)`

// memory returns the memory index, and brings it up to date when it was
// last synced more than Fresh ago: one caller syncs while the others go on
// with the copy they have. It returns nil when the memory index is off or
// not loaded yet (the first call starts loading it in the background); then
// searches run in SQL.
func (x *Index) memory(ctx context.Context) *memIndex {
	if !x.Memory {
		return nil
	}
	m := x.mem.Load()
	if m == nil {
		// the copy loads in the background (Warm may already be loading
		// it); until it is there, searches run in SQL rather than wait
		if x.loading.CompareAndSwap(false, true) {
			go func() {
				defer x.loading.Store(false)
				ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
				defer cancel()
				_ = x.Warm(ctx) // on failure the next search tries again
			}()
		}
		return nil
	}
	if time.Since(time.Unix(0, x.synced.Load())) >= x.Fresh && x.syncMu.TryLock() {
		defer x.syncMu.Unlock()
		if time.Since(time.Unix(0, x.synced.Load())) >= x.Fresh {
			// a failed sync keeps the copy: searches go on from memory
			// while the database is away, and the next try is after Fresh
			_ = x.syncLocked(ctx)
			m = x.mem.Load()
		}
	}
	return m
}

// Warm loads the memory index now, if it is not loaded: a server calls it
// as it starts, and tests before they search.
func (x *Index) Warm(ctx context.Context) error {
	if !x.Memory {
		return nil
	}
	x.syncMu.Lock()
	defer x.syncMu.Unlock()
	if x.mem.Load() != nil {
		return nil
	}
	return x.syncLocked(ctx)
}

// afterWrite brings a loaded memory index up to date with a write that has
// committed, so that searches through this Index see it at once.
func (x *Index) afterWrite(ctx context.Context) error {
	if !x.Memory {
		return nil
	}
	// after a load that may have begun before the write
	x.syncMu.Lock()
	defer x.syncMu.Unlock()
	if x.mem.Load() == nil {
		return nil
	}
	return x.syncLocked(ctx)
}

// syncLocked reads what changed since the last sync, or everything when
// there is no copy yet or the epoch moved, in one repeatable-read snapshot.
// The caller holds syncMu.
func (x *Index) syncLocked(ctx context.Context) (err error) {
	started := time.Now()
	defer func() {
		if err == nil || x.mem.Load() != nil {
			x.synced.Store(started.UnixNano())
		}
	}()
	tx, err := x.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	var xmin, epoch int64
	if err := tx.QueryRow(ctx, snapshotSQL).Scan(&xmin, &epoch); err != nil {
		return err
	}
	m := x.mem.Load()
	if m == nil || m.epoch != epoch {
		fresh := newMemIndex()
		fresh.bulk = true
		// row by row: the rows are never all in memory besides the copy
		if err := readRows(ctx, tx, fresh.put, loadSQL); err != nil {
			return err
		}
		fresh.bulk = false
		fresh.sortAll()
		fresh.trim()
		fresh.epoch, fresh.xmin = epoch, xmin
		x.mem.Store(fresh)
		return nil
	}
	since := strconv.FormatInt(m.xmin, 10)
	var rows []memRow
	if err := readRows(ctx, tx, func(r memRow) { rows = append(rows, r) }, loadSQL+` WHERE xid >= $1::xid8`, since); err != nil {
		return err
	}
	var gone []string
	trows, err := tx.Query(ctx, `SELECT id FROM search_tombstone WHERE xid >= $1::xid8`, since)
	if err != nil {
		return err
	}
	for trows.Next() {
		var id string
		if err := trows.Scan(&id); err != nil {
			trows.Close()
			return err
		}
		gone = append(gone, id)
	}
	if err := trows.Err(); err != nil {
		return err
	}
	if len(rows) > 0 || len(gone) > 0 {
		m.mu.Lock()
		// many changes (an import): sort the orders once after them
		m.bulk = len(rows)+len(gone) > 1000
		for _, id := range gone {
			m.remove(id)
		}
		for _, r := range rows {
			m.put(r)
		}
		if m.bulk {
			m.bulk = false
			m.sortAll()
		}
		m.mu.Unlock()
	}
	m.xmin = xmin
	return nil
}

// readRows calls f with each row sql returns.
func readRows(ctx context.Context, tx pgx.Tx, f func(memRow), sql string, args ...any) error {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r memRow
		if err := rows.Scan(&r.id, &r.slug, &r.name, &r.producerSlug, &r.producerName, &r.provinceCode, &r.provinceName,
			&r.groupCodes, &r.star, &r.price, &r.certifiedDays, &r.createdNanos,
			&r.nameF, &r.prodF, &r.provF, &r.placeF, &r.descF, &r.accents, &r.xid); err != nil {
			return err
		}
		f(r)
	}
	return rows.Err()
}

func parseID(id string) (int64, error) { return strconv.ParseInt(id, 10, 64) }
