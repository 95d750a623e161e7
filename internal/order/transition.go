package order

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/vntext"
)

// Party is who asks for a transition.
type Party string

// The parties.
const (
	ByShopper  Party = "shopper"
	ByProducer Party = "producer" // a member of the order's producer
	ByStaff    Party = "staff"    // staff of the producer's province, or an admin
	BySystem   Party = "system"   // payments and scheduled jobs
)

// rule is a transition the state machine allows, and to whom.
type rule struct {
	from    []Status
	to      Status
	parties []Party
}

// rules is the state machine of a producer order. Payment states (paid,
// refunded) are set by the payment package (BySystem); cancelling a paid
// order leaves the refund to it.
var rules = []rule{
	{[]Status{PendingPayment}, Paid, []Party{BySystem}},
	{[]Status{CODPending, Paid}, Confirmed, []Party{ByProducer, ByStaff}},
	{[]Status{Confirmed}, Shipped, []Party{ByProducer, ByStaff}},
	{[]Status{Shipped}, Delivered, []Party{ByProducer, ByStaff}},
	{[]Status{Delivered}, Completed, []Party{ByProducer, ByStaff, BySystem}},
	{[]Status{PendingPayment, CODPending}, Cancelled, []Party{ByShopper, ByProducer, ByStaff, BySystem}},
	{[]Status{Paid, Confirmed}, Cancelled, []Party{ByProducer, ByStaff, BySystem}},
	{[]Status{Paid, Confirmed, Shipped, Delivered, Completed, Cancelled}, Refunded, []Party{BySystem}},
}

// Allowed reports whether party may move an order from one state to
// another.
func Allowed(from, to Status, party Party) bool {
	for _, r := range rules {
		if r.to == to && slices.Contains(r.from, from) && slices.Contains(r.parties, party) {
			return true
		}
	}
	return false
}

// Next lists the states party may move an order in state from to.
func Next(from Status, party Party) []Status {
	var out []Status
	for _, r := range rules {
		if slices.Contains(r.from, from) && slices.Contains(r.parties, party) && !slices.Contains(out, r.to) {
			out = append(out, r.to)
		}
	}
	return out
}

// Change is a transition with what it records.
type Change struct {
	To    Status
	Party Party
	Actor audit.Actor
	// Carrier and TrackingNo are required to ship.
	Carrier    string
	TrackingNo string
	// Reason is required when a producer or staff cancels.
	Reason string
	// CashVND is the cash collected on delivery of a COD order; 0 means
	// the order's total.
	CashVND int64
}

// ErrTransition is a transition the state machine does not allow (409).
func errTransition(from, to Status) error {
	return apperr.E(apperr.Conflict,
		fmt.Sprintf("Không thể chuyển đơn từ “%s” sang “%s”. Hãy tải lại trang để xem trạng thái mới nhất.", StatusText(from), StatusText(to)),
		fmt.Sprintf("transition %s → %s is not allowed", from, to))
}

// Transition moves one order (by code; producerID 0 means any producer)
// as c says, in its own transaction.
func (s *Service) Transition(ctx context.Context, producerID int64, code string, c Change) (*Order, error) {
	var o *Order
	err := postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		o, err = s.TransitionTx(ctx, tx, producerID, code, c)
		return err
	})
	return o, err
}

// TransitionTx is Transition in the caller's transaction (payments).
func (s *Service) TransitionTx(ctx context.Context, tx pgx.Tx, producerID int64, code string, c Change) (*Order, error) {
	os, err := orders(ctx, tx, `WHERE o.code = $1 AND ($2 = 0 OR o.producer_id = $2) FOR UPDATE OF o`, code, producerID)
	if err != nil {
		return nil, err
	}
	if len(os) == 0 {
		return nil, ErrNotFound
	}
	o := &os[0]
	if err := s.apply(ctx, tx, o, c); err != nil {
		return nil, err
	}
	return o, nil
}

// GroupTransitionTx moves every order of a group that may take the change
// (payments: paid, refunded, an expired payment's cancellation); orders in
// other states are left alone. It returns the orders moved.
func (s *Service) GroupTransitionTx(ctx context.Context, tx pgx.Tx, groupID int64, c Change) ([]Order, error) {
	os, err := orders(ctx, tx, `WHERE o.group_id = $1 ORDER BY o.id FOR UPDATE OF o`, groupID)
	if err != nil {
		return nil, err
	}
	var moved []Order
	for i := range os {
		if !Allowed(os[i].Status, c.To, c.Party) {
			continue
		}
		if err := s.apply(ctx, tx, &os[i], c); err != nil {
			return nil, err
		}
		moved = append(moved, os[i])
	}
	return moved, nil
}

// apply checks and makes one transition of a locked order.
func (s *Service) apply(ctx context.Context, tx pgx.Tx, o *Order, c Change) error {
	from := o.Status
	if !Allowed(from, c.To, c.Party) {
		return errTransition(from, c.To)
	}
	c.Carrier, c.TrackingNo, c.Reason = vntext.CleanText(c.Carrier), vntext.CleanText(c.TrackingNo), strings.TrimSpace(vntext.NFC(c.Reason))
	fe := apperr.FieldErrors{}
	if c.To == Shipped {
		fe.Text("carrier", c.Carrier, true, 100, "đơn vị vận chuyển")
		fe.Text("tracking_no", c.TrackingNo, true, 100, "mã vận đơn")
	}
	if c.To == Cancelled && (c.Party == ByProducer || c.Party == ByStaff) {
		fe.Text("reason", c.Reason, true, 500, "lý do huỷ")
	}
	if c.CashVND < 0 || c.CashVND > o.TotalVND*2 {
		fe.Add("cash", "Số tiền mặt đã thu không hợp lệ.")
	}
	if err := fe.OrNil(); err != nil {
		return err
	}
	now := s.now()
	set := "status = $2, updated_at = $3"
	args := []any{o.ID, c.To, now}
	detail := map[string]any{"from": string(from), "to": string(c.To), "code": o.Code}
	switch c.To {
	case Paid:
		set += ", paid_at = $3"
	case Confirmed:
		set += ", confirmed_at = $3"
	case Shipped:
		set += ", shipped_at = $3, carrier = $4, tracking_no = $5"
		args = append(args, c.Carrier, c.TrackingNo)
		detail["carrier"], detail["tracking_no"] = c.Carrier, c.TrackingNo
	case Delivered:
		set += ", delivered_at = $3"
		var method string
		if err := tx.QueryRow(ctx, `SELECT payment_method FROM order_group WHERE id = $1`, o.GroupID).Scan(&method); err != nil {
			return err
		}
		if method == MethodCOD {
			cash := c.CashVND
			if cash == 0 {
				cash = o.TotalVND
			}
			set += ", cash_collected_vnd = $4"
			args = append(args, cash)
			detail["cash_collected_vnd"] = cash
			o.CashCollectedVND = &cash
		}
	case Completed:
		set += ", completed_at = $3"
	case Cancelled:
		set += ", cancelled_at = $3, cancel_reason = $4, cancelled_by = $5"
		args = append(args, c.Reason, string(c.Party))
		detail["reason"] = c.Reason
		// nothing left the producer yet: the stock goes back
		takes := make([]product.Take, 0, len(o.Items))
		for _, it := range o.Items {
			if it.ProductID != 0 {
				takes = append(takes, product.Take{ProductID: it.ProductID, Quantity: it.Quantity})
			}
		}
		if err := product.ReturnStock(ctx, tx, takes); err != nil {
			return err
		}
	case Refunded:
		set += ", refunded_vnd = total_vnd"
	}
	if _, err := tx.Exec(ctx, `UPDATE shop_order SET `+set+` WHERE id = $1`, args...); err != nil {
		return err
	}
	o.Status, o.UpdatedAt = c.To, now
	actor := c.Actor
	if actor.ActingAs == "" {
		actor.ActingAs = audit.AsSystem
		if c.Party == ByShopper {
			actor.ActingAs = audit.AsUser
		}
	}
	if err := auditOrder(ctx, tx, actor, o, string(c.To), detail); err != nil {
		return err
	}
	if ev := eventOf(c.To); ev != "" {
		return s.enqueue(ctx, tx, Message{GroupID: o.GroupID, OrderID: o.ID, Event: ev})
	}
	return nil
}

// CancelByShopper cancels the orders of the group of a tracking link that
// the shopper may still cancel (before the producer confirms).
func (s *Service) CancelByShopper(ctx context.Context, code, token string, userID int64) (int, error) {
	g, err := s.GroupByToken(ctx, code, token)
	if err != nil {
		return 0, err
	}
	var n int
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		moved, err := s.GroupTransitionTx(ctx, tx, g.ID, Change{To: Cancelled, Party: ByShopper,
			Actor: audit.Actor{UserID: userID, ActingAs: audit.AsUser}, Reason: "Người mua huỷ"})
		n = len(moved)
		return err
	})
	if err == nil && n == 0 {
		err = apperr.E(apperr.Conflict, "Đơn đã được nhà sản xuất xác nhận nên không thể tự huỷ. Hãy liên hệ nhà sản xuất.", "no order can be cancelled by the shopper")
	}
	return n, err
}

// statusText are the states in Vietnamese.
var statusText = map[Status]string{
	PendingPayment: "Chờ thanh toán",
	CODPending:     "Chờ xác nhận (thanh toán khi nhận hàng)",
	Paid:           "Đã thanh toán, chờ xác nhận",
	Confirmed:      "Đã xác nhận, đang chuẩn bị",
	Shipped:        "Đang giao",
	Delivered:      "Đã giao",
	Completed:      "Hoàn tất",
	Cancelled:      "Đã huỷ",
	Refunded:       "Đã hoàn tiền",
}

// StatusText is a state in Vietnamese.
func StatusText(s Status) string {
	if t, ok := statusText[s]; ok {
		return t
	}
	return string(s)
}

// ParseStatus returns the state named s, or false.
func ParseStatus(s string) (Status, bool) {
	st := Status(s)
	_, ok := statusText[st]
	return st, ok
}
