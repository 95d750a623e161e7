package search

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ocopvn/ocop/internal/apperr"
)

// Fallback is an Index that searches a primary backend (Meilisearch) and,
// when it fails or is slower than Timeout, answers from a secondary one
// (pgsearch) instead (SECURITY.md D-05). A circuit breaker stops asking the
// primary after Threshold consecutive failures, for Cooldown; then one
// search tries it again.
//
// Writes go to the secondary first, then to the primary, so the secondary
// is always at least as fresh as the primary and a fallback answer is
// never staler than the catalog's outbox delay. A write fails if either
// fails (the sync worker then retries both; writes are idempotent).
type Fallback struct {
	primary, secondary Index
	log                *slog.Logger
	now                func() time.Time

	// Timeout bounds one primary search or suggest (default 500 ms).
	Timeout time.Duration
	// Threshold is the number of consecutive primary failures that opens
	// the breaker (default 3).
	Threshold int
	// Cooldown is how long the breaker stays open (default 10 s).
	Cooldown time.Duration

	mu        sync.Mutex
	failures  int
	openUntil time.Time
}

var _ Index = (*Fallback)(nil)

// NewFallback returns a Fallback with the default timeout, threshold and
// cooldown. now is the clock (nil: time.Now).
func NewFallback(primary, secondary Index, log *slog.Logger, now func() time.Time) *Fallback {
	if now == nil {
		now = time.Now
	}
	return &Fallback{primary: primary, secondary: secondary, log: log, now: now,
		Timeout: 500 * time.Millisecond, Threshold: 3, Cooldown: 10 * time.Second}
}

// allow reports whether the primary may be asked now. When the breaker's
// cooldown is over it lets one caller through (and keeps the others on the
// secondary until that call reports).
func (f *Fallback) allow() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failures < f.Threshold {
		return true
	}
	if t := f.now(); !t.Before(f.openUntil) {
		f.openUntil = t.Add(f.Cooldown) // half-open: this caller is the trial
		return true
	}
	return false
}

func (f *Fallback) report(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err == nil {
		if f.failures >= f.Threshold {
			f.log.Info("search: primary backend is back")
		}
		f.failures = 0
		return
	}
	f.failures++
	if f.failures == f.Threshold {
		f.openUntil = f.now().Add(f.Cooldown)
		f.log.Warn("search: primary backend failing, answering from the fallback", "failures", f.failures, "err", err)
	}
}

// Open reports whether the breaker is open (searches skip the primary).
func (f *Fallback) Open() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failures >= f.Threshold
}

// Search asks the primary within Timeout, else the secondary. An invalid
// query is reported as such, not retried.
func (f *Fallback) Search(ctx context.Context, q Query) (Result, error) {
	if f.allow() {
		pctx, cancel := context.WithTimeout(ctx, f.Timeout)
		r, err := f.primary.Search(pctx, q)
		cancel()
		if err == nil || apperr.KindOf(err) == apperr.Invalid {
			f.report(nil)
			return r, err
		}
		if ctx.Err() != nil {
			return Result{}, ctx.Err() // the caller gave up; not the primary's fault
		}
		f.report(err)
		f.log.Debug("search: falling back", "err", err)
	}
	r, err := f.secondary.Search(ctx, q)
	r.Degraded = true
	fallbacks.Add(1)
	return r, err
}

// fallbacks counts the searches answered by a secondary backend.
var fallbacks atomic.Int64

// Fallbacks is how many searches the secondary backend answered in this
// process (the metric ocop_search_fallbacks_total).
func Fallbacks() int64 { return fallbacks.Load() }

// Suggest is Search's policy for suggestions.
func (f *Fallback) Suggest(ctx context.Context, text string) ([]Suggestion, error) {
	if f.allow() {
		pctx, cancel := context.WithTimeout(ctx, f.Timeout)
		s, err := f.primary.Suggest(pctx, text)
		cancel()
		if err == nil {
			f.report(nil)
			return s, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		f.report(err)
	}
	return f.secondary.Suggest(ctx, text)
}

// Index writes to the secondary, then the primary.
func (f *Fallback) Index(ctx context.Context, docs ...Document) error {
	if err := f.secondary.Index(ctx, docs...); err != nil {
		return err
	}
	return f.primary.Index(ctx, docs...)
}

// Delete deletes from the secondary, then the primary.
func (f *Fallback) Delete(ctx context.Context, ids ...string) error {
	if err := f.secondary.Delete(ctx, ids...); err != nil {
		return err
	}
	return f.primary.Delete(ctx, ids...)
}

// Replace replaces the secondary, then the primary.
func (f *Fallback) Replace(ctx context.Context, docs []Document) error {
	if err := f.secondary.Replace(ctx, docs); err != nil {
		return err
	}
	return f.primary.Replace(ctx, docs)
}
