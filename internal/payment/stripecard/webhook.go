package stripecard

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	stripe "github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"
)

// Event types ParseWebhook decodes. Events of other types come back with
// only ID, Type and Created set.
const (
	EventSessionCompleted      = "checkout.session.completed"
	EventSessionAsyncSucceeded = "checkout.session.async_payment_succeeded"
	EventSessionAsyncFailed    = "checkout.session.async_payment_failed"
	EventSessionExpired        = "checkout.session.expired"
	EventPaymentSucceeded      = "payment_intent.succeeded"
	EventPaymentFailed         = "payment_intent.payment_failed"
	EventChargeRefunded        = "charge.refunded"
)

// Event is a verified Stripe webhook event, reduced to what the marketplace
// reads.
type Event struct {
	ID   string // evt_…; Stripe may deliver an event more than once
	Type string // one of the Event… constants, or another type to ignore
	// GroupCode is the order group: the ocop_group metadata of the session,
	// PaymentIntent or charge (for a session, the client_reference_id when
	// the metadata lacks it). "" for an object the marketplace did not
	// create.
	GroupCode       string
	PaymentIntentID string // pi_…, when the object has one
	SessionID       string // cs_…, for checkout.session.* events
	ChargeID        string // ch_…, for charge.refunded and payment_intent.* events
	// PaymentStatus is the session's payment_status for checkout.session.*
	// events: only "paid" means the money was taken (a completed session
	// may still be "unpaid" while a delayed payment method settles).
	PaymentStatus string
	// AmountVND is, in Currency's smallest unit (đồng for "vnd"):
	//   - checkout.session.*: the session's total (amount_total);
	//   - payment_intent.succeeded: the amount received;
	//   - payment_intent.payment_failed: the amount that was asked;
	//   - charge.refunded: the charge's amount refunded so far, all refunds
	//     together (amount_refunded), not this refund's alone.
	AmountVND int64
	Currency  string
	Created   time.Time
}

// ParseWebhook verifies a webhook request and decodes its event. body must
// be the request body exactly as received (not re-encoded JSON), and
// signatureHeader the request's Stripe-Signature header. A missing,
// malformed, wrong or more than five minutes old signature gives an error
// wrapping ErrBadSignature; a signed event of another API version, one
// wrapping ErrAPIVersion.
func (c *Client) ParseWebhook(body []byte, signatureHeader string) (Event, error) {
	if c.webhookSecret == "" {
		// an empty secret would accept anything signed with an empty key
		return Event{}, errors.New("stripecard: no webhook secret configured")
	}
	ev, err := webhook.ConstructEventWithOptions(body, signatureHeader, c.webhookSecret,
		webhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true})
	switch {
	case errors.Is(err, webhook.ErrNotSigned), errors.Is(err, webhook.ErrInvalidHeader),
		errors.Is(err, webhook.ErrNoValidSignature), errors.Is(err, webhook.ErrTooOld):
		return Event{}, fmt.Errorf("%w: %w", ErrBadSignature, err)
	case err != nil:
		return Event{}, fmt.Errorf("stripecard: webhook body: %w", err)
	case ev.APIVersion != APIVersion:
		return Event{}, fmt.Errorf("%w: event %s has %q", ErrAPIVersion, ev.ID, ev.APIVersion)
	}

	out := Event{ID: ev.ID, Type: string(ev.Type), Created: time.Unix(ev.Created, 0).UTC()}
	decode := func(v any) error {
		if ev.Data == nil || len(ev.Data.Raw) == 0 {
			return fmt.Errorf("stripecard: webhook event %s (%s) has no object", ev.ID, ev.Type)
		}
		if err := json.Unmarshal(ev.Data.Raw, v); err != nil {
			return fmt.Errorf("stripecard: webhook event %s (%s): %w", ev.ID, ev.Type, err)
		}
		return nil
	}
	switch {
	case strings.HasPrefix(out.Type, "checkout.session."):
		var s stripe.CheckoutSession
		if err := decode(&s); err != nil {
			return Event{}, err
		}
		st := sessionState(&s)
		out.SessionID = st.ID
		out.GroupCode = st.GroupCode
		out.PaymentIntentID = st.PaymentIntentID
		out.PaymentStatus = st.PaymentStatus
		out.AmountVND = st.AmountVND
		out.Currency = st.Currency

	case out.Type == EventPaymentSucceeded || out.Type == EventPaymentFailed:
		var pi stripe.PaymentIntent
		if err := decode(&pi); err != nil {
			return Event{}, err
		}
		out.PaymentIntentID = pi.ID
		out.GroupCode = pi.Metadata[metaGroup]
		out.Currency = string(pi.Currency)
		if pi.LatestCharge != nil {
			out.ChargeID = pi.LatestCharge.ID
		}
		if out.Type == EventPaymentSucceeded {
			out.AmountVND = pi.AmountReceived
		} else {
			out.AmountVND = pi.Amount
		}

	case out.Type == EventChargeRefunded:
		var ch stripe.Charge
		if err := decode(&ch); err != nil {
			return Event{}, err
		}
		out.ChargeID = ch.ID
		out.GroupCode = ch.Metadata[metaGroup]
		out.AmountVND = ch.AmountRefunded
		out.Currency = string(ch.Currency)
		if ch.PaymentIntent != nil {
			out.PaymentIntentID = ch.PaymentIntent.ID
		}
	}
	return out, nil
}
