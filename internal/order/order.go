// Package order owns carts and orders: the tables cart, cart_line,
// order_group, shop_order and order_item. A checkout places one order group
// (what the shopper pays) with one order per producer (what each producer
// fulfils), atomically, taking stock with conditional updates. Prices and
// totals are always the server's: a client sends products and quantities
// only. Each producer order then follows a state machine (Transition);
// every change is audited and queues a message to the shopper and the
// producer on the job queue in the same transaction. Payments (internal/
// payment) sit above this package and drive the payment states.
package order

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Status is a producer order's state.
type Status string

// The states of a producer order. A card or VietQR order starts
// pending_payment, a cash-on-delivery order cod_pending.
const (
	PendingPayment Status = "pending_payment"
	CODPending     Status = "cod_pending"
	Paid           Status = "paid"
	Confirmed      Status = "confirmed"
	Shipped        Status = "shipped"
	Delivered      Status = "delivered"
	Completed      Status = "completed"
	Cancelled      Status = "cancelled"
	Refunded       Status = "refunded"
)

// Statuses lists every state in the order of an order's life.
var Statuses = []Status{PendingPayment, CODPending, Paid, Confirmed, Shipped, Delivered, Completed, Cancelled, Refunded}

// Payment methods.
const (
	MethodCOD    = "cod"
	MethodVietQR = "vietqr"
	MethodCard   = "card"
)

// Limits of a cart and a checkout.
const (
	// MaxLines is the most lines one checkout may have.
	MaxLines = 50
	// DefaultLineCap is the most units of one product per line.
	DefaultLineCap = 20
	// DefaultPayWindow is how long an unpaid card or VietQR order holds
	// its stock.
	DefaultPayWindow = 30 * time.Minute
	// CardPayWindow is the shortest hold of a card order's stock: longer
	// than Stripe's shortest session (30 minutes) and the session's expiry
	// set by the payment (CardPayWindow less 3 minutes).
	CardPayWindow = 35 * time.Minute
)

// Queue inserts jobs in a transaction (the River client).
type Queue interface {
	InsertManyTx(ctx context.Context, tx pgx.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
}

// Options configure the service.
type Options struct {
	// TokenKey is the HMAC key of the orders' tracking tokens (required).
	TokenKey []byte
	// Queue receives the messages to the shopper and producers; nil sends
	// none.
	Queue Queue
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// LineCap is the most units of one product per line
	// (DefaultLineCap when 0).
	LineCap int
	// PayWindow is how long unpaid card and VietQR orders hold their stock
	// (DefaultPayWindow when 0).
	PayWindow time.Duration
}

// Service is carts, checkout and the orders' life.
type Service struct {
	pool      *pgxpool.Pool
	key       []byte
	queue     Queue
	now       func() time.Time
	lineCap   int
	payWindow time.Duration
	communes  communeCache
}

// New returns the service.
func New(pool *pgxpool.Pool, o Options) (*Service, error) {
	if len(o.TokenKey) < 16 {
		return nil, errors.New("order: a token key of at least 16 bytes is required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.LineCap <= 0 {
		o.LineCap = DefaultLineCap
	}
	if o.PayWindow <= 0 {
		o.PayWindow = DefaultPayWindow
	}
	return &Service{pool: pool, key: o.TokenKey, queue: o.Queue, now: o.Now, lineCap: o.LineCap, payWindow: o.PayWindow}, nil
}

// LineCap is the most units of one product per line.
func (s *Service) LineCap() int { return s.lineCap }

// PayWindow is how long unpaid card and VietQR orders hold their stock.
func (s *Service) PayWindow() time.Duration { return s.payWindow }

// Pool is the service's database pool, for the payment package's
// transactions that span both.
func (s *Service) Pool() *pgxpool.Pool { return s.pool }

// TrackingToken is the token of a group's tracking link: an HMAC of its
// code, so the same link can be given again (an idempotent retry) without
// storing it, and a code alone reveals nothing.
func (s *Service) TrackingToken(code string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("order-tracking:" + code))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

func (s *Service) tokenMatches(code, token string) bool {
	return hmac.Equal([]byte(s.TrackingToken(code)), []byte(token))
}

// codeAlphabet is Crockford's base 32 without I, L, O, U: codes are read
// aloud on the phone and typed into bank transfer memos.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// newGroupCode returns "OCOP" and 8 random characters (40 bits).
func newGroupCode() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	out := []byte("OCOP")
	for _, x := range b {
		out = append(out, codeAlphabet[int(x)%32])
	}
	return string(out)
}

// orderCode is the code of the n-th producer order of a group.
func orderCode(group string, n int) string { return fmt.Sprintf("%s-%d", group, n) }

// hash is SHA-256 of s, for guest cart tokens and idempotency keys.
func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// newToken returns a random URL-safe token of 32 bytes.
func newToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Shipping is a producer's shipping fee for an order of subtotal: the
// flat fee, or nothing from the producer's free-shipping threshold.
func Shipping(subtotal, fee int64, freeFrom *int64) int64 {
	if freeFrom != nil && subtotal >= *freeFrom {
		return 0
	}
	return fee
}
