package payment

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/order"
	"github.com/ocopvn/ocop/internal/payment/vietqr"
	"github.com/ocopvn/ocop/internal/postgres"
)

// ConfirmTransfer records a VietQR transfer the payee saw arrive: the
// producer when the money went to its account, staff when it went to the
// platform's. amount is what arrived; another amount than the payment's
// puts it in needs_review.
func (s *Service) ConfirmTransfer(ctx context.Context, actor audit.Actor, producerID int64, orderCode string, amount int64) (string, error) {
	var groupCode string
	var payee, method string
	err := s.pool.QueryRow(ctx, `SELECT g.code, p.payee, p.method FROM shop_order o JOIN order_group g ON g.id = o.group_id
		JOIN payment p ON p.group_id = g.id WHERE o.code = $1 AND ($2 = 0 OR o.producer_id = $2)`, orderCode, producerID).Scan(&groupCode, &payee, &method)
	if err != nil {
		if err == pgx.ErrNoRows {
			return "", order.ErrNotFound
		}
		return "", err
	}
	if method != order.MethodVietQR {
		return "", apperr.E(apperr.Conflict, "Đơn này không thanh toán bằng chuyển khoản.", "not a transfer")
	}
	if payee == PayeePlatform && actor.ActingAs == audit.AsMember {
		return "", apperr.E(apperr.Forbidden, "Tiền chuyển vào tài khoản của sàn: cán bộ sàn xác nhận khi nhận được.", "the platform's staff confirm transfers to its account")
	}
	if amount <= 0 {
		return "", apperr.FieldErrors{"amount": "Hãy nhập số tiền đã nhận (đồng)."}
	}
	return s.Apply(ctx, Event{Provider: "staff", ID: fmt.Sprintf("confirm:%s:%d", groupCode, s.now().UnixNano()), Type: "transfer_confirmed",
		GroupCode: groupCode, Outcome: Succeeded, AmountVND: amount, Currency: "vnd", Actor: actor})
}

// RefundOrder refunds one paid order: a card through Stripe (its
// idempotency key is the order's, so a retry refunds once), a transfer by
// recording the refund staff made by hand. The order becomes refunded.
func (s *Service) RefundOrder(ctx context.Context, actor audit.Actor, producerID int64, orderCode string) error {
	var groupID, total, refunded int64
	var status order.Status
	var p *Payment
	err := s.pool.QueryRow(ctx, `SELECT o.group_id, o.total_vnd, o.refunded_vnd, o.status FROM shop_order o
		WHERE o.code = $1 AND ($2 = 0 OR o.producer_id = $2)`, orderCode, producerID).Scan(&groupID, &total, &refunded, &status)
	if err == pgx.ErrNoRows {
		return order.ErrNotFound
	}
	if err != nil {
		return err
	}
	if p, err = s.ByGroup(ctx, groupID); err != nil {
		return err
	}
	if p.Status != StatusPaid && p.Status != StatusNeedsReview {
		return apperr.E(apperr.Conflict, "Đơn này chưa được thanh toán trực tuyến nên không có gì để hoàn.", "nothing was paid online")
	}
	if !order.Allowed(status, order.Refunded, order.BySystem) {
		return apperr.E(apperr.Conflict, "Đơn ở trạng thái “"+order.StatusText(status)+"” không hoàn tiền được.", "the order cannot be refunded")
	}
	if p.Method == order.MethodCard {
		if s.stripe == nil || p.StripeIntent == "" {
			return apperr.E(apperr.Conflict, "Chưa có mã thanh toán thẻ của đơn này; hãy chờ Stripe báo kết quả.", "no PaymentIntent recorded")
		}
		if _, err := s.stripe.Refund(ctx, p.StripeIntent, total, "ocop-refund-"+orderCode); err != nil {
			return &apperr.Error{Kind: apperr.Unavailable, Message: "Cổng thanh toán chưa nhận lệnh hoàn tiền. Vui lòng thử lại sau ít phút.",
				Detail: "the refund was not accepted", Err: err}
		}
	} else if actor.ActingAs == audit.AsMember && p.Payee == PayeePlatform {
		return apperr.E(apperr.Forbidden, "Tiền nằm ở tài khoản của sàn: cán bộ sàn hoàn tiền.", "the platform's staff refund transfers to its account")
	}
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := s.orders.TransitionTx(ctx, tx, producerID, orderCode, order.Change{To: order.Refunded, Party: order.BySystem, Actor: actor}); err != nil {
			return err
		}
		// from the row as it is now (a concurrent refund of another order
		// of the group may have committed since p was read)
		_, err := tx.Exec(ctx, `UPDATE payment SET refunded_vnd = refunded_vnd + $2,
			status = CASE WHEN refunded_vnd + $2 >= received_vnd THEN 'refunded' ELSE status END, updated_at = $3 WHERE id = $1`, p.ID, total, s.now())
		return err
	})
}

// ExpireUnpaid cancels the orders of card and VietQR groups whose payment
// deadline passed unpaid, giving their stock back; card groups are first
// asked of Stripe (a lost webhook). It returns how many groups expired.
func (s *Service) ExpireUnpaid(ctx context.Context) (int, error) {
	if err := s.Reconcile(ctx, ReconcileAfter); err != nil {
		s.log.Warn("payment reconciliation before expiry", "err", err)
	}
	n := 0
	for {
		var done bool
		err := postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
			p, err := scanPayment(tx.QueryRow(ctx, paymentColumns+`WHERE p.status IN ('pending', 'failed') AND g.pay_by < $1
				ORDER BY g.pay_by LIMIT 1 FOR UPDATE OF p SKIP LOCKED`, s.now()))
			if err == order.ErrNotFound {
				done = true
				return nil
			}
			if err != nil {
				return err
			}
			if _, err := s.orders.GroupTransitionTx(ctx, tx, p.GroupID, order.Change{To: order.Cancelled, Party: order.BySystem,
				Reason: "Quá hạn thanh toán"}); err != nil {
				return err
			}
			n++
			return s.setStatus(ctx, tx, p, StatusExpired, "")
		})
		if err != nil || done {
			return n, err
		}
	}
}

// ReconcileAfter is how old an open card payment is before the payment job
// asks Stripe about it: its webhook normally comes within seconds.
const ReconcileAfter = 10 * time.Minute

// Reconcile asks Stripe about open card payments older than minAge whose
// webhook has not come (0: every open one) and applies what it says.
func (s *Service) Reconcile(ctx context.Context, minAge time.Duration) error {
	if s.stripe == nil {
		return nil
	}
	rows, err := s.pool.Query(ctx, `SELECT stripe_session_id FROM payment WHERE method = 'card' AND status IN ('pending', 'failed')
		AND stripe_session_id IS NOT NULL AND created_at < $1 ORDER BY created_at LIMIT 200`, s.now().Add(-minAge))
	if err != nil {
		return err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, id := range ids {
		st, err := s.stripe.Session(ctx, id)
		if err != nil {
			return err
		}
		if st.PaymentStatus != "paid" {
			continue
		}
		if _, err := s.Apply(ctx, Event{Provider: "reconcile", ID: "session:" + st.ID, Type: "checkout.session", GroupCode: st.GroupCode,
			PaymentIntent: st.PaymentIntentID, Outcome: Succeeded, AmountVND: st.AmountVND, Currency: st.Currency}); err != nil {
			return err
		}
	}
	return nil
}

// SetCommission sets the platform's commission (basis points, 0..5000) on
// orders placed from now on; admins only (the caller checks).
func (s *Service) SetCommission(ctx context.Context, actor audit.Actor, bp int) error {
	if bp < 0 || bp > 5000 {
		return apperr.FieldErrors{"commission": "Hoa hồng từ 0 đến 50 %."}
	}
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var old int
		if err := tx.QueryRow(ctx, `SELECT commission_bp FROM marketplace_setting FOR UPDATE`).Scan(&old); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE marketplace_setting SET commission_bp = $1, updated_at = $2`, bp, s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActingAs: actor.ActingAs, Entity: "marketplace", Action: "commission",
			Detail: map[string]any{"commission_bp": audit.Change{Old: old, New: bp}}})
	})
}

// SetPlatformBank sets the platform's account for VietQR transfers of
// groups with several producers.
func (s *Service) SetPlatformBank(ctx context.Context, actor audit.Actor, bin, account, holder string) error {
	fe := apperr.FieldErrors{}
	if _, ok := vietqr.BankByBIN(bin); !ok {
		fe.Add("bank_bin", "Hãy chọn ngân hàng trong danh sách.")
	}
	if _, err := vietqr.Encode(vietqr.Payload{BIN: "970436", Account: account}); err != nil {
		fe.Add("bank_account_no", "Số tài khoản gồm 1–19 chữ số hoặc chữ cái, không dấu cách.")
	}
	holder = fe.Text("bank_account_name", holder, true, 100, "tên chủ tài khoản")
	if err := fe.OrNil(); err != nil {
		return err
	}
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE marketplace_setting SET bank_bin = $1, bank_account_no = $2, bank_account_name = $3, updated_at = $4`,
			bin, account, holder, s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActingAs: actor.ActingAs, Entity: "marketplace", Action: "bank",
			Detail: map[string]any{"bank_bin": bin, "bank_account_no": account}})
	})
}
