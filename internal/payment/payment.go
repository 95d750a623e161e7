// Package payment owns payments: the tables payment, payment_event,
// marketplace_setting and payout. It places checkouts through
// internal/order with the payment created in the same transaction, and
// moves orders to paid or refunded when money comes in or goes back:
//
//   - cash on delivery needs nothing: the producer records the cash;
//   - a VietQR transfer goes to the one producer's account (a group of one
//     producer with bank details) or to the platform's; receipt is
//     confirmed by the payee (producer or staff) or by the bank's
//     notification (HMAC-signed);
//   - a card pays on a Stripe Checkout Session; Stripe's webhooks (signed)
//     and a reconciliation job report the result.
//
// Every provider event takes effect once (its id is recorded in the
// transaction of its effect), events may come in any order, and an amount
// that is not what was ordered puts the payment in needs_review instead of
// paid.
package payment

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/order"
	"github.com/ocopvn/ocop/internal/payment/stripecard"
	"github.com/ocopvn/ocop/internal/payment/vietqr"
)

// Status is a payment's state.
type Status string

// Payment states. A COD group's payment is "cod" for its whole life: the
// cash is recorded on each order.
const (
	StatusCOD         Status = "cod"
	StatusPending     Status = "pending"
	StatusFailed      Status = "failed"
	StatusPaid        Status = "paid"
	StatusNeedsReview Status = "needs_review"
	StatusRefunded    Status = "refunded"
	StatusExpired     Status = "expired"
)

// Payees of a transfer.
const (
	PayeePlatform = "platform"
	PayeeProducer = "producer"
)

// Payment is a group's payment.
type Payment struct {
	ID              int64
	GroupID         int64
	GroupCode       string
	Method          string
	Status          Status
	AmountVND       int64
	ReceivedVND     int64
	RefundedVND     int64
	Payee           string
	BankBIN         string
	BankAccountNo   string
	BankAccountName string
	Attempt         int
	StripeSession   string
	StripeIntent    string
	CheckoutURL     string
	ReviewReason    string
	PaidAt          *time.Time
	PayBy           *time.Time
}

// BankName is the payee bank's short name, or its BIN.
func (p *Payment) BankName() string {
	if b, ok := vietqr.BankByBIN(p.BankBIN); ok {
		return b.ShortName
	}
	return p.BankBIN
}

// Options configure the service.
type Options struct {
	// Stripe takes card payments; nil turns cards off.
	Stripe *stripecard.Client
	// BankSecret is the HMAC secret of bank notifications; "" refuses
	// every notification.
	BankSecret string
	// BaseURL is the site's public origin, for Stripe's return URLs and
	// tracking links.
	BaseURL string
	Now     func() time.Time
	Log     *slog.Logger
}

// Service is the payments feature.
type Service struct {
	pool       *pgxpool.Pool
	orders     *order.Service
	stripe     *stripecard.Client
	bankSecret []byte
	baseURL    string
	now        func() time.Time
	log        *slog.Logger
}

// New returns the service.
func New(pool *pgxpool.Pool, orders *order.Service, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return &Service{pool: pool, orders: orders, stripe: o.Stripe, bankSecret: []byte(o.BankSecret),
		baseURL: strings.TrimRight(o.BaseURL, "/"), now: o.Now, log: o.Log}
}

// CardsEnabled reports whether card payments are on (a Stripe key is set).
func (s *Service) CardsEnabled() bool { return s.stripe != nil }

const paymentColumns = `
SELECT p.id, p.group_id, g.code, p.method, p.status, p.amount_vnd, p.received_vnd, p.refunded_vnd, p.payee,
       COALESCE(p.bank_bin, ''), COALESCE(p.bank_account_no, ''), COALESCE(p.bank_account_name, ''), p.attempt,
       COALESCE(p.stripe_session_id, ''), COALESCE(p.stripe_payment_intent, ''), COALESCE(p.checkout_url, ''),
       p.review_reason, p.paid_at, g.pay_by
FROM payment p JOIN order_group g ON g.id = p.group_id `

func scanPayment(row pgx.Row) (*Payment, error) {
	p := &Payment{}
	err := row.Scan(&p.ID, &p.GroupID, &p.GroupCode, &p.Method, &p.Status, &p.AmountVND, &p.ReceivedVND, &p.RefundedVND,
		&p.Payee, &p.BankBIN, &p.BankAccountNo, &p.BankAccountName, &p.Attempt, &p.StripeSession, &p.StripeIntent,
		&p.CheckoutURL, &p.ReviewReason, &p.PaidAt, &p.PayBy)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, order.ErrNotFound
	}
	return p, err
}

// ByGroup returns a group's payment.
func (s *Service) ByGroup(ctx context.Context, groupID int64) (*Payment, error) {
	return scanPayment(s.pool.QueryRow(ctx, paymentColumns+`WHERE p.group_id = $1`, groupID))
}

// VietQR is the transfer QR payload of a VietQR payment: the payee's
// account, the amount and the group code as the memo.
func (p *Payment) VietQR() (string, error) {
	if p.Method != order.MethodVietQR {
		return "", fmt.Errorf("payment %d is not a VietQR transfer", p.ID)
	}
	return vietqr.Encode(vietqr.Payload{BIN: p.BankBIN, Account: p.BankAccountNo, AmountVND: p.AmountVND - p.ReceivedVND,
		Memo: p.GroupCode})
}

// Settings are the platform's: its commission and bank account.
type Settings struct {
	CommissionBP    int
	BankBIN         string
	BankAccountNo   string
	BankAccountName string
}

// Settings returns the platform's settings.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	return settings(ctx, s.pool)
}

func settings(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (Settings, error) {
	var st Settings
	err := q.QueryRow(ctx, `SELECT commission_bp, COALESCE(bank_bin, ''), COALESCE(bank_account_no, ''), COALESCE(bank_account_name, '')
		FROM marketplace_setting`).Scan(&st.CommissionBP, &st.BankBIN, &st.BankAccountNo, &st.BankAccountName)
	return st, err
}

// errNoCard is a card checkout while cards are off.
func errNoCard() error {
	return apperr.FieldErrors{"payment_method": "Thanh toán bằng thẻ chưa được bật. Hãy chọn tiền mặt khi nhận hàng hoặc chuyển khoản VietQR."}
}

// errNoTransfer is a VietQR checkout with no account to pay to.
func errNoTransfer() error {
	return apperr.FieldErrors{"payment_method": "Chưa có tài khoản nhận chuyển khoản cho đơn này. Hãy chọn tiền mặt khi nhận hàng."}
}
