package catalog

import (
	"context"
	"sync"
	"time"
)

// versionReads shares reads of catalog_state's version among concurrent
// requests without weakening what one read promises: a request is
// answered by a read that began after the request asked, so it sees
// every catalog change committed before it asked (a shopper who has just
// saved a product sees it; another replica's change shows as soon as it
// commits). A request that arrives while a read is running waits for the
// next one, which starts when the running one ends and answers everyone
// who arrived meanwhile. Under load that turns one query per request
// (20,000 a second for the suggest box on a 2-core machine, each taking
// PostgreSQL's CPU from the requests) into one per round trip.
type versionReads struct {
	read func(context.Context) (int64, error)

	mu      sync.Mutex
	running bool
	next    *versionRead // the read that starts next, with its waiters
}

type versionRead struct {
	done    chan struct{}
	version int64
	err     error
}

// versionReadTimeout bounds one shared read (its waiters may have longer
// or shorter deadlines of their own).
const versionReadTimeout = 5 * time.Second

// get returns the version as a read that began after the call sees it.
func (r *versionReads) get(ctx context.Context) (int64, error) {
	r.mu.Lock()
	if r.next == nil {
		r.next = &versionRead{done: make(chan struct{})}
	}
	c := r.next
	if !r.running {
		r.running = true
		r.next = nil
		go r.run(c)
	}
	r.mu.Unlock()
	select {
	case <-c.done:
		return c.version, c.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// run performs c's read, then the next one's while anyone waits for it.
func (r *versionReads) run(c *versionRead) {
	for {
		ctx, cancel := context.WithTimeout(context.Background(), versionReadTimeout)
		c.version, c.err = r.read(ctx)
		cancel()
		close(c.done)
		r.mu.Lock()
		c = r.next
		r.next = nil
		if c == nil {
			r.running = false
			r.mu.Unlock()
			return
		}
		r.mu.Unlock()
	}
}
