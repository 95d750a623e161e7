package app

import (
	"context"
	"io"
	"log/slog"
	"math"
	"runtime/debug"
	"testing"
	"time"
)

func TestMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct{ target, live, want int64 }{
		{200 * mib, 0, 200 * mib},
		{200 * mib, 120 * mib, 200 * mib}, // 100,000 products: the target
		{200 * mib, 160 * mib, 232 * mib}, // grown past it: 1.25 × live + 32 MiB
		{200 * mib, 400 * mib, 532 * mib}, // never a collector that runs without end
	} {
		if got := memoryLimit(c.target, c.live); got != c.want {
			t.Errorf("memoryLimit(%d MiB, %d MiB) = %d MiB, want %d", c.target/mib, c.live/mib, got/mib, c.want/mib)
		}
	}
}

// TuneMemory sets the runtime's soft limit while it runs and lifts it
// when its context ends; a target of 0 leaves the runtime alone.
func TestTuneMemory(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	TuneMemory(context.Background(), 0, log) // returns at once
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Fatalf("target 0 changed the limit to %d", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { TuneMemory(ctx, 4<<30, log); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for debug.SetMemoryLimit(-1) != 4<<30 {
		if time.Now().After(deadline) {
			t.Fatalf("limit %d, want %d", debug.SetMemoryLimit(-1), int64(4<<30))
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("limit after the end %d, want none", got)
	}
}
