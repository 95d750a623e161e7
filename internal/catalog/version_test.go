package catalog

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A request is answered by a read that began after it asked: calls that
// arrive while a read runs share the next read, never the running one.
func TestVersionReadsShareTheNextRead(t *testing.T) {
	release := make(chan int64)
	started := make(chan struct{}, 10)
	var reads atomic.Int32
	r := &versionReads{read: func(ctx context.Context) (int64, error) {
		reads.Add(1)
		started <- struct{}{}
		select {
		case v := <-release:
			return v, nil
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}}
	ctx := context.Background()
	type answer struct {
		v   int64
		err error
	}
	first := make(chan answer, 1)
	go func() { v, err := r.get(ctx); first <- answer{v, err} }()
	<-started // read 1 runs
	// ten calls arrive while it runs: read 1 may have missed a change
	// committed just before they asked, so they wait for read 2
	var wg sync.WaitGroup
	later := make(chan answer, 10)
	for range 10 {
		wg.Add(1)
		go func() { defer wg.Done(); v, err := r.get(ctx); later <- answer{v, err} }()
	}
	waitFor(t, func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.next != nil
	})
	time.Sleep(20 * time.Millisecond) // let the ten reach their wait
	release <- 1
	if a := <-first; a.v != 1 || a.err != nil {
		t.Fatalf("first call: %d, %v", a.v, a.err)
	}
	<-started // read 2, for the ten
	release <- 2
	wg.Wait()
	close(later)
	n := 0
	for a := range later {
		n++
		if a.v != 2 || a.err != nil {
			t.Errorf("a later call got %d, %v; want 2 from the read that began after it", a.v, a.err)
		}
	}
	if n != 10 || reads.Load() != 2 {
		t.Errorf("%d answers from %d reads, want 10 from 2", n, reads.Load())
	}
	// idle again: the next call starts a read of its own
	go func() { <-started; release <- 3 }()
	if v, err := r.get(ctx); v != 3 || err != nil {
		t.Errorf("after idle: %d, %v", v, err)
	}
}

// A caller that gives up returns at once; the read goes on for the others,
// and its error reaches them all.
func TestVersionReadsDeadlineAndError(t *testing.T) {
	release := make(chan struct{})
	boom := errors.New("connection refused")
	r := &versionReads{read: func(ctx context.Context) (int64, error) {
		<-release
		return 0, boom
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := r.get(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
	done := make(chan error, 1)
	go func() { _, err := r.get(context.Background()); done <- err }()
	close(release)
	if err := <-done; !errors.Is(err, boom) {
		t.Errorf("err = %v, want %v", err, boom)
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}
