package payment

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/order"
	"github.com/ocopvn/ocop/internal/payment/stripecard"
	"github.com/ocopvn/ocop/internal/postgres"
)

// Outcome is what an event says happened to a payment.
type Outcome string

// Outcomes.
const (
	Succeeded Outcome = "succeeded"
	Failed    Outcome = "failed"
	Refund    Outcome = "refunded" // AmountVND is the total refunded so far
	// Expired: the payment page closed unpaid (a Stripe session expired);
	// the orders are released at once
	Expired Outcome = "expired"
)

// Event is a provider's report about a payment, reduced to its effect.
type Event struct {
	Provider string // stripe, bank, reconcile, staff
	ID       string // unique per provider: the event takes effect once
	Type     string
	// GroupCode or PaymentIntent finds the payment.
	GroupCode     string
	PaymentIntent string
	Outcome       Outcome
	AmountVND     int64
	Currency      string // "vnd"; "" counts as vnd
	Actor         audit.Actor
}

// Effects of an event, recorded with it.
const (
	EffectDuplicate = "duplicate"
	EffectIgnored   = "ignored"
	EffectPaid      = "paid"
	EffectFailed    = "failed"
	EffectRefunded  = "refunded"
	EffectPartial   = "partial_refund"
	EffectReview    = "needs_review"
	EffectUnmatched = "unmatched"
	EffectExpired   = "expired"
)

// Apply makes an event take effect, once: a second delivery of the same
// event id is EffectDuplicate and changes nothing. Events may come in any
// order: a refund is final, a success after a failure counts, a failure
// after a success does not; an amount or currency that is not the
// payment's puts it in needs_review.
func (s *Service) Apply(ctx context.Context, ev Event) (effect string, err error) {
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		effect, err = s.apply(ctx, tx, ev)
		return err
	})
	return effect, err
}

func (s *Service) apply(ctx context.Context, tx pgx.Tx, ev Event) (string, error) {
	tag, err := tx.Exec(ctx, `INSERT INTO payment_event (provider, event_id, type, amount_vnd, effect, received_at)
		VALUES ($1, $2, $3, $4, '', $5) ON CONFLICT DO NOTHING`, ev.Provider, ev.ID, ev.Type, ev.AmountVND, s.now())
	if err != nil {
		return "", err
	}
	if tag.RowsAffected() == 0 {
		return EffectDuplicate, nil
	}
	effect, gid, err := s.effect(ctx, tx, ev)
	if err != nil {
		return "", err
	}
	_, err = tx.Exec(ctx, `UPDATE payment_event SET effect = $3, group_id = NULLIF($4, 0) WHERE provider = $1 AND event_id = $2`,
		ev.Provider, ev.ID, effect, gid)
	return effect, err
}

// effect applies ev to its payment (locked) and orders.
func (s *Service) effect(ctx context.Context, tx pgx.Tx, ev Event) (string, int64, error) {
	if ev.Outcome == "" {
		return EffectIgnored, 0, nil
	}
	var p *Payment
	var err error
	switch {
	case ev.GroupCode != "":
		p, err = scanPayment(tx.QueryRow(ctx, paymentColumns+`WHERE g.code = $1 FOR UPDATE OF p`, ev.GroupCode))
	case ev.PaymentIntent != "":
		p, err = scanPayment(tx.QueryRow(ctx, paymentColumns+`WHERE p.stripe_payment_intent = $1 FOR UPDATE OF p`, ev.PaymentIntent))
	default:
		return EffectUnmatched, 0, nil
	}
	if errors.Is(err, order.ErrNotFound) {
		return EffectUnmatched, 0, nil
	}
	if err != nil {
		return "", 0, err
	}
	if ev.PaymentIntent != "" && p.StripeIntent == "" {
		if _, err := tx.Exec(ctx, `UPDATE payment SET stripe_payment_intent = $2 WHERE id = $1`, p.ID, ev.PaymentIntent); err != nil {
			return "", 0, err
		}
	}
	currencyOK := ev.Currency == "" || strings.EqualFold(ev.Currency, "vnd")
	switch ev.Outcome {
	case Failed:
		if p.Status != StatusPending {
			return EffectIgnored, p.GroupID, nil
		}
		return EffectFailed, p.GroupID, s.setStatus(ctx, tx, p, StatusFailed, "")
	case Succeeded:
		switch p.Status {
		case StatusPaid, StatusRefunded, StatusNeedsReview, StatusCOD:
			return EffectIgnored, p.GroupID, nil
		}
		if !currencyOK || ev.AmountVND != p.AmountVND {
			reason := fmt.Sprintf("%s báo nhận %d %s, đơn cần %d vnd", ev.Provider, ev.AmountVND, strings.ToLower(ev.Currency), p.AmountVND)
			return EffectReview, p.GroupID, s.review(ctx, tx, p, ev.AmountVND, reason)
		}
		if p.Status == StatusExpired {
			// the money came after the orders were released: staff refund
			// or re-open it by hand
			return EffectReview, p.GroupID, s.review(ctx, tx, p, ev.AmountVND, "tiền đến sau khi đơn đã hết hạn thanh toán và bị huỷ")
		}
		moved, err := s.orders.GroupTransitionTx(ctx, tx, p.GroupID, order.Change{To: order.Paid, Party: order.BySystem, Actor: ev.Actor})
		if err != nil {
			return "", 0, err
		}
		if len(moved) == 0 {
			// every order was cancelled before the money came
			return EffectReview, p.GroupID, s.review(ctx, tx, p, ev.AmountVND, "tiền đến sau khi mọi đơn của nhóm đã bị huỷ")
		}
		if _, err := tx.Exec(ctx, `UPDATE payment SET status = 'paid', received_vnd = $2, paid_at = $3, updated_at = $3 WHERE id = $1`,
			p.ID, ev.AmountVND, s.now()); err != nil {
			return "", 0, err
		}
		return EffectPaid, p.GroupID, nil
	case Expired:
		if p.Status != StatusPending && p.Status != StatusFailed {
			return EffectIgnored, p.GroupID, nil
		}
		if _, err := s.orders.GroupTransitionTx(ctx, tx, p.GroupID, order.Change{To: order.Cancelled, Party: order.BySystem,
			Reason: "Phiên thanh toán thẻ đã hết hạn"}); err != nil {
			return "", 0, err
		}
		return EffectExpired, p.GroupID, s.setStatus(ctx, tx, p, StatusExpired, "")
	case Refund:
		if !currencyOK {
			return EffectReview, p.GroupID, s.review(ctx, tx, p, p.ReceivedVND, "hoàn tiền bằng loại tiền khác vnd")
		}
		if ev.AmountVND <= p.RefundedVND {
			return EffectIgnored, p.GroupID, nil // an older total
		}
		if p.Status == StatusPending || p.Status == StatusFailed {
			// a refund says the money was taken: its success event has not
			// come yet (Stripe does not order deliveries)
			if _, err := tx.Exec(ctx, `UPDATE payment SET received_vnd = amount_vnd, paid_at = $2 WHERE id = $1`, p.ID, s.now()); err != nil {
				return "", 0, err
			}
			if _, err := s.orders.GroupTransitionTx(ctx, tx, p.GroupID, order.Change{To: order.Paid, Party: order.BySystem, Actor: ev.Actor}); err != nil {
				return "", 0, err
			}
		}
		status := p.Status
		effect := EffectPartial
		if ev.AmountVND >= p.AmountVND {
			status, effect = StatusRefunded, EffectRefunded
		}
		if _, err := tx.Exec(ctx, `UPDATE payment SET status = $2, refunded_vnd = $3, updated_at = $4 WHERE id = $1`,
			p.ID, status, ev.AmountVND, s.now()); err != nil {
			return "", 0, err
		}
		if status == StatusRefunded {
			if _, err := s.orders.GroupTransitionTx(ctx, tx, p.GroupID, order.Change{To: order.Refunded, Party: order.BySystem, Actor: ev.Actor}); err != nil {
				return "", 0, err
			}
		}
		return effect, p.GroupID, nil
	}
	return EffectIgnored, p.GroupID, nil
}

func (s *Service) setStatus(ctx context.Context, tx pgx.Tx, p *Payment, st Status, reason string) error {
	_, err := tx.Exec(ctx, `UPDATE payment SET status = $2, review_reason = CASE WHEN $3 = '' THEN review_reason ELSE $3 END, updated_at = $4 WHERE id = $1`,
		p.ID, st, reason, s.now())
	return err
}

// review puts a payment in needs_review with the amount received and why.
func (s *Service) review(ctx context.Context, tx pgx.Tx, p *Payment, received int64, reason string) error {
	_, err := tx.Exec(ctx, `UPDATE payment SET status = 'needs_review', received_vnd = $2, review_reason = $3, updated_at = $4 WHERE id = $1`,
		p.ID, received, reason, s.now())
	if err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{ActingAs: audit.AsSystem, Entity: "payment", EntityID: p.ID, Action: "needs_review",
		Detail: map[string]any{"group": p.GroupCode, "reason": reason, "received_vnd": received}})
}

// StripeEvent turns a verified Stripe webhook event into an Event.
func StripeEvent(e stripecard.Event) Event {
	ev := Event{Provider: "stripe", ID: e.ID, Type: e.Type, GroupCode: e.GroupCode, PaymentIntent: e.PaymentIntentID,
		AmountVND: e.AmountVND, Currency: e.Currency}
	switch e.Type {
	case stripecard.EventSessionCompleted, stripecard.EventSessionAsyncSucceeded:
		if e.PaymentStatus == "paid" {
			ev.Outcome = Succeeded
		}
	case stripecard.EventPaymentSucceeded:
		ev.Outcome = Succeeded
	case stripecard.EventPaymentFailed, stripecard.EventSessionAsyncFailed:
		ev.Outcome = Failed
	case stripecard.EventChargeRefunded:
		ev.Outcome = Refund
	case stripecard.EventSessionExpired:
		ev.Outcome = Expired
	}
	return ev
}

// HandleStripeWebhook verifies a webhook request (the raw body and its
// Stripe-Signature header) and applies its event. A bad signature is a
// 400 and changes nothing.
func (s *Service) HandleStripeWebhook(ctx context.Context, body []byte, signature string) (string, error) {
	if s.stripe == nil {
		return "", apperr.E(apperr.NotFound, "Không tìm thấy.", "card payments are off")
	}
	e, err := s.stripe.ParseWebhook(body, signature)
	if errors.Is(err, stripecard.ErrAPIVersion) {
		// signed by Stripe but for another API version: a 5xx makes Stripe
		// retry once the endpoint's version is fixed
		return "", &apperr.Error{Kind: apperr.Unavailable, Message: "Phiên bản API của webhook không khớp.", Detail: "webhook API version mismatch", Err: err}
	}
	if err != nil {
		return "", &apperr.Error{Kind: apperr.Invalid, Message: "Chữ ký webhook không hợp lệ.", Detail: "invalid Stripe signature", Err: err}
	}
	return s.Apply(ctx, StripeEvent(e))
}

// BankNotification is a bank's (or an aggregator's) report of an incoming
// transfer.
type BankNotification struct {
	ID        string `json:"id"`
	AmountVND int64  `json:"amount"`
	Memo      string `json:"memo"`
	Account   string `json:"account"`
}

// groupCodeRE is a group code in a memo: OCOP and 8 characters of the
// codes' alphabet (no I, L, O, U).
var groupCodeRE = regexp.MustCompile(`OCOP[0-9A-HJKMNP-TV-Z]{8}`)

// HandleBankNotification verifies the HMAC-SHA256 of the raw body (header
// "sha256=<hex>") with the shared secret and applies the transfer to the
// group whose code is in the memo. The amount must be the payment's.
func (s *Service) HandleBankNotification(ctx context.Context, body []byte, signature string) (string, error) {
	if len(s.bankSecret) == 0 {
		return "", apperr.E(apperr.NotFound, "Không tìm thấy.", "bank notifications are off")
	}
	m := hmac.New(sha256.New, s.bankSecret)
	m.Write(body)
	want := "sha256=" + hex.EncodeToString(m.Sum(nil))
	if !hmac.Equal([]byte(strings.ToLower(strings.TrimSpace(signature))), []byte(want)) {
		return "", apperr.E(apperr.Invalid, "Chữ ký không hợp lệ.", "invalid notification signature")
	}
	var n BankNotification
	if err := json.Unmarshal(body, &n); err != nil || n.ID == "" || n.AmountVND <= 0 {
		return "", apperr.E(apperr.Invalid, "Thông báo chuyển khoản không hợp lệ.", "a notification needs id, amount > 0 and memo")
	}
	// banks upper-case, space out or cut memos: match the code loosely
	memo := strings.ToUpper(strings.Join(strings.Fields(n.Memo), ""))
	code, err := s.knownCode(ctx, memo)
	if err != nil {
		return "", err
	}
	return s.Apply(ctx, Event{Provider: "bank", ID: n.ID, Type: "transfer", GroupCode: code, Outcome: Succeeded,
		AmountVND: n.AmountVND, Currency: "vnd"})
}

// knownCode is the first group code in memo that names a group ("" when
// none does): a memo may hold other text that looks like a code.
func (s *Service) knownCode(ctx context.Context, memo string) (string, error) {
	for i := 0; i+12 <= len(memo); i++ {
		c := groupCodeRE.FindString(memo[i:])
		if c == "" {
			break
		}
		i += strings.Index(memo[i:], c)
		var ok bool
		if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM order_group WHERE code = $1)`, c).Scan(&ok); err != nil {
			return "", err
		}
		if ok {
			return c, nil
		}
	}
	return "", nil
}

// SignBankNotification is the signature header of a notification body,
// for the bank's side and tests.
func SignBankNotification(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}
