// Package stripecard is the marketplace's only code that talks to Stripe: it
// opens hosted Checkout Sessions for card payments of an order group, reads a
// session back for the reconciliation job, refunds a payment and verifies and
// decodes Stripe's webhook events.
//
// Amounts are whole đồng. VND is a zero-decimal currency for Stripe, so the
// amount Stripe sees is the amount in đồng, unscaled; one charge may be at
// most MaxChargeVND.
//
// A Client has its own backend (API URL, HTTP client, key): it never reads or
// sets stripe-go's package-level state (stripe.Key, stripe.SetBackend), so
// several clients, and tests against stripe-mock, live side by side. A Client
// is safe for concurrent use.
package stripecard

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	stripe "github.com/stripe/stripe-go/v76"
	checkoutsession "github.com/stripe/stripe-go/v76/checkout/session"
	"github.com/stripe/stripe-go/v76/refund"
)

// MaxChargeVND is Stripe's limit for one VND charge (eight digits).
const MaxChargeVND = 99_999_999

// APIVersion is the Stripe API version this package speaks. The webhook
// endpoint in Stripe's dashboard must be created with this version:
// ParseWebhook refuses events of any other (ErrAPIVersion).
const APIVersion = stripe.APIVersion

// Metadata keys set on every Checkout Session and on its PaymentIntent
// (Stripe copies a PaymentIntent's metadata to the charge it makes, so
// charge.refunded carries them too).
const (
	metaGroup   = "ocop_group"
	metaAttempt = "ocop_attempt"
)

// Sentinel errors; the errors returned wrap them (test with errors.Is).
var (
	// ErrTooLarge: the total is above MaxChargeVND, which one Stripe charge
	// in VND cannot carry.
	ErrTooLarge = errors.New("stripecard: amount above Stripe's VND limit of 99,999,999 đồng")
	// ErrBadSignature: a webhook body whose Stripe-Signature header is
	// missing, malformed, made with another secret, over another body or
	// older than five minutes. Answer 400: it did not come from Stripe.
	ErrBadSignature = errors.New("stripecard: bad webhook signature")
	// ErrAPIVersion: a correctly signed webhook event rendered in an API
	// version other than APIVersion (the endpoint is misconfigured). Answer
	// 5xx so that Stripe retries once the endpoint is fixed.
	ErrAPIVersion = errors.New("stripecard: webhook event API version is not " + APIVersion)
	// ErrKeyReused: Stripe refused an idempotency key already used, within
	// the last 24 hours, with other parameters. For CreateSession, open the
	// session under a new Attempt.
	ErrKeyReused = errors.New("stripecard: idempotency key reused with other parameters")
)

// errNoKey is returned, without a request, by a Client without a secret key.
var errNoKey = errors.New("stripecard: no Stripe secret key configured")

// Config configures a Client.
type Config struct {
	// SecretKey is the Stripe secret (or restricted) API key, sk_… or rk_….
	SecretKey string
	// WebhookSecret is the webhook endpoint's signing secret, whsec_….
	WebhookSecret string
	// BaseURL is the API's root URL; "" means Stripe's API. Tests set it to
	// stripe-mock's URL (OCOP_TEST_STRIPE_URL).
	BaseURL string
	// HTTPClient makes the requests; nil means stripe-go's default (an
	// 80-second timeout). A context deadline bounds each call as well.
	HTTPClient *http.Client
}

// Client calls Stripe with one configuration. Build it with New.
type Client struct {
	key           string
	webhookSecret string
	sessions      checkoutsession.Client
	refunds       refund.Client
}

// New returns a Client for cfg. Requests go to cfg.BaseURL (Stripe's API when
// empty) through cfg.HTTPClient; stripe-go retries network errors and
// Stripe's 409/503 answers up to twice, with the same idempotency key. Its
// log output is off: every failure is returned as an error instead.
func New(cfg Config) *Client {
	bc := &stripe.BackendConfig{
		HTTPClient:    cfg.HTTPClient,
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull},
	}
	if cfg.BaseURL != "" {
		bc.URL = stripe.String(cfg.BaseURL)
	}
	backend := stripe.GetBackendWithConfig(stripe.APIBackend, bc)
	return &Client{
		key:           cfg.SecretKey,
		webhookSecret: cfg.WebhookSecret,
		sessions:      checkoutsession.Client{B: backend, Key: cfg.SecretKey},
		refunds:       refund.Client{B: backend, Key: cfg.SecretKey},
	}
}

// Line is one item line of a Checkout Session.
type Line struct {
	Name     string // shown on Stripe's payment page
	Quantity int64  // at least 1
	UnitVND  int64  // price of one unit in đồng, at least 0
}

// SessionParams describes the Checkout Session of one payment attempt of an
// order group.
type SessionParams struct {
	// GroupCode is the order group's code: the session's
	// client_reference_id and the ocop_group metadata of the session and of
	// its PaymentIntent. At most 200 bytes.
	GroupCode string
	// Attempt numbers the group's payment attempts (0 or more). With
	// GroupCode it makes the idempotency key
	// "ocop-checkout-<GroupCode>-<Attempt>", so a retried call (a time-out,
	// a crash before the answer was stored) returns the session already
	// opened instead of opening a second one, as long as it is made within 24
	// hours with the same parameters. A new session for the group needs a
	// new Attempt.
	Attempt int
	// Lines are the goods, at least one.
	Lines []Line
	// ShippingVND, when above 0, is added as one more line, "Phí vận
	// chuyển".
	ShippingVND int64
	// TotalVND is what the buyer pays. It must equal the sum of the lines
	// and ShippingVND, and be at most MaxChargeVND.
	TotalVND int64
	// Email pre-fills the payment page's e-mail field; optional.
	Email string
	// SuccessURL and CancelURL are where Stripe sends the buyer back after
	// paying or giving up. SuccessURL may contain {CHECKOUT_SESSION_ID}.
	SuccessURL, CancelURL string
	// ExpiresAt, when set, is when the session stops accepting payment.
	// Stripe accepts 30 minutes to 24 hours from the session's creation; a
	// time outside is clamped to that window (with a minute's margin), which
	// makes the parameters depend on the clock: pass the same ExpiresAt on a
	// retry, and one well inside the window. Zero means Stripe's default,
	// 24 hours.
	ExpiresAt time.Time
}

// Session is a Checkout Session just opened.
type Session struct {
	ID  string // cs_…
	URL string // Stripe's payment page; send the buyer there
}

const (
	// shippingLineName names the shipping line on the payment page.
	shippingLineName = "Phí vận chuyển"
	// minExpiry and maxExpiry bound ExpiresAt, from now: Stripe's 30
	// minutes and 24 hours, a minute inside for the time the request takes
	// and the clocks' skew.
	minExpiry = 31 * time.Minute
	maxExpiry = 24*time.Hour - time.Minute
)

// CreateSession opens a Checkout Session (mode payment, currency VND, card)
// for p. It checks p first and makes no request when the total is above
// MaxChargeVND (ErrTooLarge) or is not the sum of the lines and shipping.
func (c *Client) CreateSession(ctx context.Context, p SessionParams) (Session, error) {
	if err := p.check(); err != nil {
		return Session{}, err
	}
	if c.key == "" {
		return Session{}, errNoKey
	}
	currency := string(stripe.CurrencyVND)
	var items []*stripe.CheckoutSessionLineItemParams
	add := func(name string, qty, unit int64) {
		items = append(items, &stripe.CheckoutSessionLineItemParams{
			Quantity: stripe.Int64(qty),
			PriceData: &stripe.CheckoutSessionLineItemPriceDataParams{
				Currency:    stripe.String(currency),
				UnitAmount:  stripe.Int64(unit),
				ProductData: &stripe.CheckoutSessionLineItemPriceDataProductDataParams{Name: stripe.String(name)},
			},
		})
	}
	for _, l := range p.Lines {
		add(l.Name, l.Quantity, l.UnitVND)
	}
	if p.ShippingVND > 0 {
		add(shippingLineName, 1, p.ShippingVND)
	}
	meta := func() map[string]string {
		return map[string]string{metaGroup: p.GroupCode, metaAttempt: strconv.Itoa(p.Attempt)}
	}
	params := &stripe.CheckoutSessionParams{
		Mode:               stripe.String(string(stripe.CheckoutSessionModePayment)),
		Currency:           stripe.String(currency),
		PaymentMethodTypes: stripe.StringSlice([]string{"card"}),
		LineItems:          items,
		ClientReferenceID:  stripe.String(p.GroupCode),
		Metadata:           meta(),
		PaymentIntentData:  &stripe.CheckoutSessionPaymentIntentDataParams{Metadata: meta()},
		SuccessURL:         stripe.String(p.SuccessURL),
		CancelURL:          stripe.String(p.CancelURL),
	}
	if p.Email != "" {
		params.CustomerEmail = stripe.String(p.Email)
	}
	if !p.ExpiresAt.IsZero() {
		params.ExpiresAt = stripe.Int64(clampExpiry(p.ExpiresAt, time.Now()).Unix())
	}
	params.Context = ctx
	params.SetIdempotencyKey(sessionKey(p.GroupCode, p.Attempt))

	s, err := c.sessions.New(params)
	if err != nil {
		return Session{}, wrapAPI("create checkout session for "+p.GroupCode, err)
	}
	return Session{ID: s.ID, URL: s.URL}, nil
}

// sessionKey returns the idempotency key CreateSession sends for the given
// group and attempt: "ocop-checkout-<group>-<attempt>".
func sessionKey(group string, attempt int) string {
	return "ocop-checkout-" + group + "-" + strconv.Itoa(attempt)
}

// check validates p without any request.
func (p SessionParams) check() error {
	switch {
	case p.TotalVND > MaxChargeVND:
		return fmt.Errorf("%w: total %d đồng", ErrTooLarge, p.TotalVND)
	case strings.TrimSpace(p.GroupCode) == "" || len(p.GroupCode) > 200:
		return fmt.Errorf("stripecard: group code %q must have 1 to 200 bytes", p.GroupCode)
	case p.Attempt < 0:
		return fmt.Errorf("stripecard: attempt %d is negative", p.Attempt)
	case len(p.Lines) == 0:
		return errors.New("stripecard: a checkout session needs at least one line")
	case p.ShippingVND < 0:
		return fmt.Errorf("stripecard: shipping %d đồng is negative", p.ShippingVND)
	case p.TotalVND <= 0:
		return fmt.Errorf("stripecard: total %d đồng must be positive", p.TotalVND)
	case p.SuccessURL == "" || p.CancelURL == "":
		return errors.New("stripecard: success and cancel URLs are required")
	}
	// sum stays exact: every term is checked against MaxChargeVND before it
	// is added, so nothing overflows
	sum := p.ShippingVND
	for i, l := range p.Lines {
		switch {
		case strings.TrimSpace(l.Name) == "":
			return fmt.Errorf("stripecard: line %d has no name", i+1)
		case l.Quantity < 1:
			return fmt.Errorf("stripecard: line %d (%s): quantity %d below 1", i+1, l.Name, l.Quantity)
		case l.UnitVND < 0:
			return fmt.Errorf("stripecard: line %d (%s): unit price %d đồng is negative", i+1, l.Name, l.UnitVND)
		case l.UnitVND > 0 && l.Quantity > (MaxChargeVND-sum)/l.UnitVND:
			return fmt.Errorf("stripecard: lines and shipping exceed the total %d đồng (and the limit of %d)", p.TotalVND, MaxChargeVND)
		}
		sum += l.Quantity * l.UnitVND
	}
	if sum != p.TotalVND {
		return fmt.Errorf("stripecard: lines and shipping add up to %d đồng, not the total %d", sum, p.TotalVND)
	}
	return nil
}

// clampExpiry returns at moved into [now+minExpiry, now+maxExpiry].
func clampExpiry(at, now time.Time) time.Time {
	if lo := now.Add(minExpiry); at.Before(lo) {
		return lo
	}
	if hi := now.Add(maxExpiry); at.After(hi) {
		return hi
	}
	return at
}

// SessionState is a Checkout Session as Stripe has it now.
type SessionState struct {
	ID string
	// Status is "open", "complete" or "expired".
	Status string
	// PaymentStatus is "paid", "unpaid" or "no_payment_required"; only
	// "paid" means the money was taken.
	PaymentStatus string
	// PaymentIntentID is the session's PaymentIntent (pi_…), "" while none
	// exists yet.
	PaymentIntentID string
	// GroupCode is the ocop_group metadata, or else the
	// client_reference_id.
	GroupCode string
	// AmountVND is the session's total in Currency's smallest unit: đồng
	// when Currency is "vnd".
	AmountVND int64
	Currency  string
}

// Session reads the Checkout Session id back from Stripe, for the
// reconciliation job: a session whose webhook got lost shows here as
// complete and paid.
func (c *Client) Session(ctx context.Context, id string) (SessionState, error) {
	switch {
	case id == "":
		return SessionState{}, errors.New("stripecard: empty checkout session id")
	case c.key == "":
		return SessionState{}, errNoKey
	}
	params := &stripe.CheckoutSessionParams{}
	params.Context = ctx
	s, err := c.sessions.Get(id, params)
	if err != nil {
		return SessionState{}, wrapAPI("get checkout session "+id, err)
	}
	return sessionState(s), nil
}

// sessionState copies what the marketplace reads from s.
func sessionState(s *stripe.CheckoutSession) SessionState {
	st := SessionState{
		ID:            s.ID,
		Status:        string(s.Status),
		PaymentStatus: string(s.PaymentStatus),
		GroupCode:     groupCode(s.Metadata, s.ClientReferenceID),
		AmountVND:     s.AmountTotal,
		Currency:      string(s.Currency),
	}
	if s.PaymentIntent != nil {
		st.PaymentIntentID = s.PaymentIntent.ID
	}
	return st
}

// Refund refunds amountVND đồng (at least 1; a partial refund is fine) of the
// payment paymentIntentID and returns the refund's id (re_…). key is the
// idempotency key, which the caller derives from what the refund is for
// (say, "ocop-refund-<order>-<n>") so that a retried call refunds once.
// The refund may still be pending at Stripe; charge.refunded tells when the
// money went back.
func (c *Client) Refund(ctx context.Context, paymentIntentID string, amountVND int64, key string) (string, error) {
	switch {
	case paymentIntentID == "":
		return "", errors.New("stripecard: refund needs a payment intent id")
	case amountVND < 1:
		return "", fmt.Errorf("stripecard: refund of %d đồng: the amount must be positive", amountVND)
	case amountVND > MaxChargeVND:
		return "", fmt.Errorf("%w: refund of %d đồng", ErrTooLarge, amountVND)
	case strings.TrimSpace(key) == "":
		return "", errors.New("stripecard: refund needs an idempotency key")
	case c.key == "":
		return "", errNoKey
	}
	params := &stripe.RefundParams{
		PaymentIntent: stripe.String(paymentIntentID),
		Amount:        stripe.Int64(amountVND),
	}
	params.Context = ctx
	params.SetIdempotencyKey(key)
	r, err := c.refunds.New(params)
	if err != nil {
		return "", wrapAPI(fmt.Sprintf("refund %d đồng of %s", amountVND, paymentIntentID), err)
	}
	return r.ID, nil
}

// wrapAPI wraps an error from a Stripe call, adding ErrKeyReused for
// Stripe's idempotency errors.
func wrapAPI(what string, err error) error {
	var se *stripe.Error
	if errors.As(err, &se) && se.Type == stripe.ErrorTypeIdempotency {
		return fmt.Errorf("stripecard: %s: %w: %w", what, ErrKeyReused, err)
	}
	return fmt.Errorf("stripecard: %s: %w", what, err)
}

// groupCode returns the ocop_group metadata, or ref when there is none.
func groupCode(meta map[string]string, ref string) string {
	if g := meta[metaGroup]; g != "" {
		return g
	}
	return ref
}
