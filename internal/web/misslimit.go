package web

import (
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
)

// MissLimiter counts lookups of unknown codes per client IP and refuses a
// client that made too many within a window (429), so that public codes
// cannot be enumerated (SECURITY.md Z-08). Lookups of codes that exist are
// never counted: a fair's visitors scanning labels from one Wi-Fi are not
// slowed down. The counts live in this process (each replica counts its
// own share).
type MissLimiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu sync.Mutex
	m  map[string]*missCount
}

type missCount struct {
	n     int
	start time.Time
}

// NewMissLimiter allows max misses per IP within window. now may be nil
// (time.Now).
func NewMissLimiter(max int, window time.Duration, now func() time.Time) *MissLimiter {
	if now == nil {
		now = time.Now
	}
	return &MissLimiter{max: max, window: window, now: now, m: map[string]*missCount{}}
}

// errTooManyMisses is a client that looked up too many unknown codes.
var errTooManyMisses = apperr.E(apperr.TooMany,
	"Bạn đã tra quá nhiều mã không tồn tại. Vui lòng thử lại sau ít phút.",
	"too many lookups of unknown codes from this address; try again later")

// Check refuses (429, with Retry-After) a client that has used up its
// misses; nil otherwise.
func (l *MissLimiter) Check(c *fiber.Ctx) error {
	if l == nil {
		return nil
	}
	now := l.now()
	l.mu.Lock()
	mc := l.m[c.IP()]
	blocked := mc != nil && now.Sub(mc.start) < l.window && mc.n >= l.max
	var wait time.Duration
	if blocked {
		wait = l.window - now.Sub(mc.start)
	}
	l.mu.Unlock()
	if blocked {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Seconds())+1))
		return errTooManyMisses
	}
	return nil
}

// Miss counts a lookup of an unknown code by the client.
func (l *MissLimiter) Miss(c *fiber.Ctx) {
	if l == nil {
		return
	}
	now := l.now()
	ip := c.IP()
	l.mu.Lock()
	defer l.mu.Unlock()
	mc := l.m[ip]
	if mc == nil || now.Sub(mc.start) >= l.window {
		if len(l.m) >= 100000 {
			l.prune(now)
		}
		mc = &missCount{start: now}
		l.m[ip] = mc
	}
	mc.n++
}

// prune drops the counts whose window has passed.
func (l *MissLimiter) prune(now time.Time) {
	for ip, mc := range l.m {
		if now.Sub(mc.start) >= l.window {
			delete(l.m, ip)
		}
	}
}
