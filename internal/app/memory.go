package app

import (
	"context"
	"log/slog"
	"math"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// TuneMemory keeps the Go runtime's memory near target bytes while the
// live heap leaves room for it, and returns when ctx ends (the limit is
// then lifted). A server's heap is mostly long-lived (the catalog snapshot
// and the search copy: some 120 MiB at 100,000 products), and GOGC's
// default lets the heap grow to twice the live part before collecting, so
// the process would hold 300 MiB and more. A soft memory limit
// (runtime/debug.SetMemoryLimit) collects sooner only when memory nears
// the target: a small catalog never reaches it and keeps GOGC's pace.
// The limit follows the live heap, never below 1.25 times it plus 32 MiB,
// so a catalog that outgrows the target costs some memory, never a
// collector that runs without end (the runtime's own guard caps
// that at half the CPU, which a shop cannot afford either).
func TuneMemory(ctx context.Context, target int64, log *slog.Logger) {
	if target <= 0 {
		return
	}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	last := int64(-1)
	apply := func() {
		metrics.Read(sample)
		var live int64
		if sample[0].Value.Kind() == metrics.KindUint64 {
			live = int64(min(sample[0].Value.Uint64(), math.MaxInt64/2))
		}
		limit := memoryLimit(target, live)
		if limit != last {
			debug.SetMemoryLimit(limit)
			if last >= 0 && (limit > target) != (last > target) {
				log.Info("memory limit", "limit_mib", limit>>20, "live_mib", live>>20, "target_mib", target>>20)
			}
			last = limit
		}
	}
	apply()
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	defer debug.SetMemoryLimit(math.MaxInt64)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			apply()
		}
	}
}

// memoryLimit is the soft limit for a live heap of live bytes: the target,
// or 1.25 times the live heap plus 32 MiB when that is more (room enough
// that the collector runs at most some 4 times as often as GOGC's default
// would have it).
func memoryLimit(target, live int64) int64 {
	return max(target, live+live/4+32<<20)
}
