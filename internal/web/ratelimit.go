package web

import (
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
)

// RateLimiter allows a number of events per key (an IP, a phone number)
// in a fixed window and refuses more with 429 and Retry-After. Counts live
// in this process: each replica counts its own share.
type RateLimiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu sync.Mutex
	m  map[string]*missCount
}

// NewRateLimiter allows max events per key within window; now may be nil.
func NewRateLimiter(max int, window time.Duration, now func() time.Time) *RateLimiter {
	if now == nil {
		now = time.Now
	}
	return &RateLimiter{max: max, window: window, now: now, m: map[string]*missCount{}}
}

// maxKeys bounds the memory of a limiter: past it, windows that ended are
// dropped, and if none has, the table starts over.
const maxKeys = 100000

// Allow counts one event for key and reports whether it is within the
// limit; when not, wait is how long until the window ends.
func (l *RateLimiter) Allow(key string) (ok bool, wait time.Duration) {
	if l == nil {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	mc := l.m[key]
	if mc == nil || now.Sub(mc.start) >= l.window {
		if len(l.m) >= maxKeys {
			for k, v := range l.m {
				if now.Sub(v.start) >= l.window {
					delete(l.m, k)
				}
			}
			if len(l.m) >= maxKeys {
				l.m = map[string]*missCount{}
			}
		}
		mc = &missCount{start: now}
		l.m[key] = mc
	}
	if mc.n >= l.max {
		return false, l.window - now.Sub(mc.start)
	}
	mc.n++
	return true, 0
}

// Undo takes back one event of key (a request that failed for the
// server's reasons, an outage, is not held against the client).
func (l *RateLimiter) Undo(key string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if mc := l.m[key]; mc != nil && mc.n > 0 {
		mc.n--
	}
}

// Check is Allow for a request: a refused one gets Retry-After and err.
func (l *RateLimiter) Check(c *fiber.Ctx, key string, err error) error {
	ok, wait := l.Allow(key)
	if ok {
		return nil
	}
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Seconds())+1))
	return err
}

// ErrCheckoutRate is a client or phone number that placed too many
// orders in a short time.
var ErrCheckoutRate = apperr.E(apperr.TooMany, "Bạn đặt hàng quá nhanh. Vui lòng chờ một lát rồi thử lại.",
	"too many checkouts; retry after the Retry-After delay")
