package order

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/ocopvn/ocop/internal/vntext"
)

// Events a message tells of.
const (
	EventPlaced    = "placed"
	EventPaid      = "paid"
	EventShipped   = "shipped"
	EventCancelled = "cancelled"
	EventRefunded  = "refunded"
)

// eventOf is the event a transition to st tells the shopper of, or "".
func eventOf(st Status) string {
	switch st {
	case Paid:
		return EventPaid
	case Shipped:
		return EventShipped
	case Cancelled:
		return EventCancelled
	case Refunded:
		return EventRefunded
	}
	return ""
}

// Message is the job that tells the shopper (and, for a new or paid
// order, the producers) of an event. It is queued in the transaction of
// the change, so it goes out once the change commits and never for one
// that rolled back (a transactional outbox on River).
type Message struct {
	GroupID int64  `json:"group_id"`
	OrderID int64  `json:"order_id,omitempty"` // 0: the whole group
	Event   string `json:"event"`
}

// Kind names the job.
func (Message) Kind() string { return "order_message" }

// InsertOpts: a mail server down for a while is retried, not given up.
func (Message) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 10} }

func (s *Service) enqueue(ctx context.Context, tx pgx.Tx, m Message) error {
	if s.queue == nil {
		return nil
	}
	_, err := s.queue.InsertManyTx(ctx, tx, []river.InsertManyParams{{Args: m}})
	return err
}

// Mail is one message to send.
type Mail struct {
	To      string // an e-mail address, or a +84 phone number (SMS)
	Subject string
	Body    string
}

// Compose writes the mails of m: to the shopper (by e-mail when given,
// else by SMS to the phone), and to the members of each concerned
// producer for a new or paid order. trackingBase is the site's origin.
func (s *Service) Compose(ctx context.Context, m Message, trackingBase string) ([]Mail, error) {
	var code string
	if err := s.pool.QueryRow(ctx, `SELECT code FROM order_group WHERE id = $1`, m.GroupID).Scan(&code); err != nil {
		return nil, err
	}
	g, err := s.GroupByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	link := fmt.Sprintf("%s/don-hang/%s?token=%s", strings.TrimRight(trackingBase, "/"), g.Code, s.TrackingToken(g.Code))
	var concerned []Order
	for _, o := range g.Orders {
		if m.OrderID == 0 || o.ID == m.OrderID {
			concerned = append(concerned, o)
		}
	}
	var subject, lead string
	switch m.Event {
	case EventPlaced:
		subject, lead = "Đã nhận đơn hàng "+g.Code, "Cảm ơn bạn đã đặt hàng sản phẩm OCOP."
	case EventPaid:
		subject, lead = "Đã nhận thanh toán đơn "+g.Code, "Chúng tôi đã nhận được thanh toán của bạn."
	case EventShipped:
		subject, lead = "Đơn "+g.Code+" đang được giao", "Nhà sản xuất đã gửi hàng."
	case EventCancelled:
		subject, lead = "Đơn "+g.Code+" đã bị huỷ", "Một phần đơn hàng của bạn đã bị huỷ."
	case EventRefunded:
		subject, lead = "Đã hoàn tiền đơn "+g.Code, "Tiền của bạn đã được hoàn lại."
	default:
		return nil, fmt.Errorf("order message: unknown event %q", m.Event)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Xin chào %s,\n\n%s\n\n", g.Buyer.Name, lead)
	for _, o := range concerned {
		fmt.Fprintf(&b, "Đơn %s – %s: %s\n", o.Code, o.ProducerName, StatusText(o.Status))
		for _, it := range o.Items {
			fmt.Fprintf(&b, "  • %s × %d: %s\n", it.Name, it.Quantity, vntext.VND(it.LineTotalVND()))
		}
		if o.Status == Shipped {
			fmt.Fprintf(&b, "  Vận chuyển: %s, mã vận đơn %s\n", o.Carrier, o.TrackingNo)
		}
		if o.Status == Cancelled && o.CancelReason != "" {
			fmt.Fprintf(&b, "  Lý do: %s\n", o.CancelReason)
		}
	}
	fmt.Fprintf(&b, "\nTổng cộng: %s\nTheo dõi đơn hàng: %s\n", vntext.VND(g.TotalVND), link)
	to := g.Buyer.Email
	if to == "" {
		to = g.Buyer.Phone
	}
	mails := []Mail{{To: to, Subject: subject, Body: b.String()}}
	if m.Event != EventPlaced && m.Event != EventPaid {
		return mails, nil
	}
	for _, o := range concerned {
		if m.Event == EventPlaced && o.Status == PendingPayment {
			continue // the producer hears of it once it is paid
		}
		rows, err := s.pool.Query(ctx, `SELECT u.email FROM producer_member m JOIN app_user u ON u.id = m.user_id
			WHERE m.producer_id = $1 AND u.email IS NOT NULL AND u.email <> '' ORDER BY u.email`, o.ProducerID)
		if err != nil {
			return nil, err
		}
		emails, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return nil, err
		}
		body := fmt.Sprintf("Đơn mới %s (%s) cần xác nhận: %s.\nNgười nhận: %s, %s, %s, %s, %s.\nXem và xử lý trong trang quản lý cửa hàng: %s/quan-ly/%d/don-hang/%s\n",
			o.Code, StatusText(o.Status), vntext.VND(o.TotalVND), g.Buyer.Name, g.Buyer.Phone, g.Shipping.Address, g.CommuneName, g.ProvinceName,
			strings.TrimRight(trackingBase, "/"), o.ProducerID, o.Code)
		for _, e := range emails {
			mails = append(mails, Mail{To: e, Subject: "Đơn hàng mới " + o.Code, Body: body})
		}
	}
	return mails, nil
}
