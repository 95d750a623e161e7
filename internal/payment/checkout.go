package payment

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/order"
	"github.com/ocopvn/ocop/internal/payment/stripecard"
)

// Result is a placed checkout: the group, its payment and where the
// shopper goes next.
type Result struct {
	Group   *order.Group
	Payment *Payment
	// Created is false for a retry under a known idempotency key.
	Created bool
	// VietQR is the transfer payload (VietQR payments).
	VietQR string
	// CheckoutURL is where a card payment is made (card payments).
	CheckoutURL string
	// TrackingURL is the group's tracking link with its token.
	TrackingURL string
}

// Checkout places the order group with its payment in one transaction;
// for a card it then opens the Stripe Checkout Session (a failure there
// leaves the order in place: the tracking page's pay button tries again).
func (s *Service) Checkout(ctx context.Context, in order.CheckoutInput) (*Result, error) {
	if in.Method == order.MethodCard && s.stripe == nil {
		return nil, errNoCard()
	}
	var p *Payment
	g, created, err := s.orders.Place(ctx, in, func(ctx context.Context, tx pgx.Tx, g *order.Group, parts []order.PlacedPart) error {
		var err error
		p, err = s.createPayment(ctx, tx, g, parts)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !created {
		if p, err = s.ByGroup(ctx, g.ID); err != nil {
			return nil, err
		}
	}
	if created && p.Method == order.MethodCard {
		if err := s.openSession(ctx, g, p); err != nil {
			s.log.Warn("card checkout: session not opened; the tracking page will retry", "group", g.Code, "err", err)
		}
	}
	return s.result(g, p, created)
}

// Result returns the result of a known group (the tracking page, the API).
func (s *Service) Result(ctx context.Context, g *order.Group) (*Result, error) {
	p, err := s.ByGroup(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	return s.result(g, p, false)
}

func (s *Service) result(g *order.Group, p *Payment, created bool) (*Result, error) {
	r := &Result{Group: g, Payment: p, Created: created, TrackingURL: s.TrackingURL(g.Code)}
	switch p.Method {
	case order.MethodVietQR:
		if p.Status == StatusPending || p.Status == StatusFailed {
			q, err := p.VietQR()
			if err != nil {
				return nil, err
			}
			r.VietQR = q
		}
	case order.MethodCard:
		if p.Status == StatusPending || p.Status == StatusFailed {
			r.CheckoutURL = p.CheckoutURL
			if r.CheckoutURL == "" {
				// Stripe could not be reached at checkout: the tracking
				// page's pay button opens the session again
				r.CheckoutURL = r.TrackingURL
			}
		}
	}
	return r, nil
}

// TrackingURL is a group's tracking link.
func (s *Service) TrackingURL(code string) string {
	return fmt.Sprintf("%s/don-hang/%s?token=%s", s.baseURL, code, url.QueryEscape(s.orders.TrackingToken(code)))
}

// createPayment writes the group's payment row in the checkout's
// transaction and returns it.
func (s *Service) createPayment(ctx context.Context, tx pgx.Tx, g *order.Group, parts []order.PlacedPart) (*Payment, error) {
	status := StatusPending
	var payee, bin, acct, holder string
	switch g.Method {
	case order.MethodCOD:
		status = StatusCOD
	case order.MethodCard:
		if g.TotalVND > stripecard.MaxChargeVND {
			return nil, apperr.FieldErrors{"payment_method": "Thanh toán thẻ tối đa 99.999.999 ₫ mỗi lần. Hãy chia thành nhiều đơn hoặc chọn chuyển khoản."}
		}
		payee = PayeePlatform
	case order.MethodVietQR:
		if len(parts) == 1 && parts[0].BankBIN != "" {
			payee, bin, acct, holder = PayeeProducer, parts[0].BankBIN, parts[0].BankNo, parts[0].BankAccountName
			break
		}
		st, err := settings(ctx, tx)
		if err != nil {
			return nil, err
		}
		if st.BankBIN == "" {
			return nil, errNoTransfer()
		}
		payee, bin, acct, holder = PayeePlatform, st.BankBIN, st.BankAccountNo, st.BankAccountName
	}
	if payee == "" {
		payee = PayeePlatform
	}
	p := &Payment{GroupID: g.ID, GroupCode: g.Code, Method: g.Method, Status: status, AmountVND: g.TotalVND, Payee: payee,
		BankBIN: bin, BankAccountNo: acct, BankAccountName: holder, Attempt: 1, PayBy: g.PayBy}
	err := tx.QueryRow(ctx, `INSERT INTO payment (group_id, method, status, amount_vnd, payee, bank_bin, bank_account_no, bank_account_name, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), NULLIF($7, ''), NULLIF($8, ''), $9, $9) RETURNING id`,
		g.ID, g.Method, status, g.TotalVND, payee, bin, acct, holder, s.now()).Scan(&p.ID)
	return p, err
}

// openSession opens a Checkout Session for the payment's current attempt
// and records it.
func (s *Service) openSession(ctx context.Context, g *order.Group, p *Payment) error {
	params := stripecard.SessionParams{GroupCode: g.Code, Attempt: p.Attempt, TotalVND: g.TotalVND, Email: g.Buyer.Email,
		SuccessURL: s.TrackingURL(g.Code) + "&tra-ve=1", CancelURL: s.TrackingURL(g.Code)}
	for _, o := range g.Orders {
		for _, it := range o.Items {
			params.Lines = append(params.Lines, stripecard.Line{Name: it.Name, Quantity: int64(it.Quantity), UnitVND: it.UnitPriceVND})
		}
		params.ShippingVND += o.ShippingVND
	}
	if g.PayBy != nil {
		// Stripe stops taking the card before the orders are released
		params.ExpiresAt = g.PayBy.Add(-3 * time.Minute)
	}
	sess, err := s.stripe.CreateSession(ctx, params)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `UPDATE payment SET stripe_session_id = $2, checkout_url = $3, updated_at = $4 WHERE id = $1`,
		p.ID, sess.ID, sess.URL, s.now())
	p.StripeSession, p.CheckoutURL = sess.ID, sess.URL
	return err
}

// CardURL returns the Stripe page where the group's card payment is made,
// opening a session when the group has none yet (the first attempt failed
// to open one). A paid or closed payment is a 409.
func (s *Service) CardURL(ctx context.Context, g *order.Group) (string, error) {
	p, err := s.ByGroup(ctx, g.ID)
	if err != nil {
		return "", err
	}
	if p.Method != order.MethodCard || s.stripe == nil {
		return "", apperr.E(apperr.Conflict, "Đơn này không thanh toán bằng thẻ.", "not a card payment")
	}
	if p.Status != StatusPending && p.Status != StatusFailed {
		return "", apperr.E(apperr.Conflict, "Đơn này không còn chờ thanh toán.", "the payment is not open")
	}
	if p.CheckoutURL != "" {
		return p.CheckoutURL, nil
	}
	// a new attempt: the failed one's idempotency key may be bound to
	// other parameters (its expiry)
	if err := s.pool.QueryRow(ctx, `UPDATE payment SET attempt = attempt + 1 WHERE id = $1 RETURNING attempt`, p.ID).Scan(&p.Attempt); err != nil {
		return "", err
	}
	if err := s.openSession(ctx, g, p); err != nil {
		return "", &apperr.Error{Kind: apperr.Unavailable, Message: "Chưa kết nối được cổng thanh toán thẻ. Vui lòng thử lại sau ít phút.",
			Detail: "the card payment page could not be opened", Err: err}
	}
	return p.CheckoutURL, nil
}
