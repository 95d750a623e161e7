package order

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/postgres"
)

// Group is an order group: the shopper's checkout and its producer orders.
type Group struct {
	ID           int64
	Code         string
	UserID       int64
	Buyer        Buyer
	Shipping     Address
	ProvinceName string
	CommuneName  string
	Note         string
	Method       string
	TotalVND     int64
	PayBy        *time.Time
	CreatedAt    time.Time
	Orders       []Order
}

// Order is one producer's part of a group.
type Order struct {
	ID               int64
	GroupID          int64
	GroupCode        string
	Code             string
	ProducerID       int64
	ProducerSlug     string
	ProducerName     string
	Status           Status
	Items            []Item
	SubtotalVND      int64
	ShippingVND      int64
	TotalVND         int64
	CommissionBP     int
	Carrier          string
	TrackingNo       string
	CancelReason     string
	CancelledBy      string
	CashCollectedVND *int64
	RefundedVND      int64
	CreatedAt        time.Time
	UpdatedAt        time.Time
	PaidAt           *time.Time
	ConfirmedAt      *time.Time
	ShippedAt        *time.Time
	DeliveredAt      *time.Time
	CompletedAt      *time.Time
	CancelledAt      *time.Time
}

// Item is a product in an order at the price it was ordered at.
type Item struct {
	ProductID    int64 // 0 when the product was deleted since
	Slug         string
	Name         string
	Unit         string
	UnitPriceVND int64
	Quantity     int
}

// LineTotalVND is the item's price times its quantity.
func (i Item) LineTotalVND() int64 { return i.UnitPriceVND * int64(i.Quantity) }

// ErrNotFound is an unknown order (or a wrong tracking token: the two are
// not told apart, so codes cannot be probed).
var ErrNotFound = apperr.E(apperr.NotFound, "Không tìm thấy đơn hàng. Hãy mở lại đường dẫn trong tin nhắn xác nhận đơn.", "no such order")

const groupColumns = `
SELECT g.id, g.code, COALESCE(g.user_id, 0), g.buyer_name, g.buyer_phone, g.buyer_email, g.province_code, g.commune_code,
       g.address, pv.name, cm.full_name, g.note, g.payment_method, g.total_vnd, g.pay_by, g.created_at
FROM order_group g JOIN province pv ON pv.code = g.province_code JOIN commune cm ON cm.code = g.commune_code`

func scanGroup(row pgx.Row) (*Group, error) {
	g := &Group{}
	err := row.Scan(&g.ID, &g.Code, &g.UserID, &g.Buyer.Name, &g.Buyer.Phone, &g.Buyer.Email, &g.Shipping.ProvinceCode,
		&g.Shipping.CommuneCode, &g.Shipping.Address, &g.ProvinceName, &g.CommuneName, &g.Note, &g.Method, &g.TotalVND,
		&g.PayBy, &g.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	return g, err
}

// GroupByCode returns a group with its orders (for the shopper's own
// pages, the API after checkout, and payments).
func (s *Service) GroupByCode(ctx context.Context, code string) (*Group, error) {
	return groupByCode(ctx, s.pool, code)
}

func groupByCode(ctx context.Context, q postgres.Querier, code string) (*Group, error) {
	g, err := scanGroup(q.QueryRow(ctx, groupColumns+` WHERE g.code = $1`, code))
	if err != nil {
		return nil, err
	}
	g.Orders, err = orders(ctx, q, `WHERE o.group_id = $1 ORDER BY o.code`, g.ID)
	return g, err
}

// GroupByToken returns the group of a tracking link; a wrong token is
// ErrNotFound, like an unknown code.
func (s *Service) GroupByToken(ctx context.Context, code, token string) (*Group, error) {
	if len(code) != 12 || !s.tokenMatches(code, token) {
		return nil, ErrNotFound
	}
	return s.GroupByCode(ctx, code)
}

// GroupsOfUser returns a signed-in shopper's groups, newest first.
func (s *Service) GroupsOfUser(ctx context.Context, userID int64, limit int) ([]*Group, error) {
	rows, err := s.pool.Query(ctx, groupColumns+` WHERE g.user_id = $1 ORDER BY g.created_at DESC LIMIT $2`, userID, limit)
	if err != nil {
		return nil, err
	}
	var out []*Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, g := range out {
		if g.Orders, err = orders(ctx, s.pool, `WHERE o.group_id = $1 ORDER BY o.code`, g.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

const orderColumns = `
SELECT o.id, o.group_id, g.code, o.code, o.producer_id, pr.slug, COALESCE(NULLIF(pr.display_name, ''), pr.name), o.status,
       o.subtotal_vnd, o.shipping_vnd, o.total_vnd, o.commission_bp, o.carrier, o.tracking_no, o.cancel_reason,
       COALESCE(o.cancelled_by, ''), o.cash_collected_vnd, o.refunded_vnd, o.created_at, o.updated_at, o.paid_at,
       o.confirmed_at, o.shipped_at, o.delivered_at, o.completed_at, o.cancelled_at
FROM shop_order o JOIN order_group g ON g.id = o.group_id JOIN producer pr ON pr.id = o.producer_id `

func orderFields(o *Order) []any {
	return []any{&o.ID, &o.GroupID, &o.GroupCode, &o.Code, &o.ProducerID, &o.ProducerSlug, &o.ProducerName, &o.Status,
		&o.SubtotalVND, &o.ShippingVND, &o.TotalVND, &o.CommissionBP, &o.Carrier, &o.TrackingNo, &o.CancelReason,
		&o.CancelledBy, &o.CashCollectedVND, &o.RefundedVND, &o.CreatedAt, &o.UpdatedAt, &o.PaidAt,
		&o.ConfirmedAt, &o.ShippedAt, &o.DeliveredAt, &o.CompletedAt, &o.CancelledAt}
}

// orders loads orders (where is the clause after the joins) with their
// items.
func orders(ctx context.Context, q postgres.Querier, where string, args ...any) ([]Order, error) {
	rows, err := q.Query(ctx, orderColumns+where, args...)
	if err != nil {
		return nil, err
	}
	var out []Order
	var o Order
	if _, err := pgx.ForEachRow(rows, orderFields(&o), func() error {
		out = append(out, o)
		return nil
	}); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	idx := make(map[int64]int, len(out))
	for i, o := range out {
		ids[i], idx[o.ID] = o.ID, i
	}
	rows, err = q.Query(ctx, `SELECT order_id, COALESCE(product_id, 0), product_slug, product_name, unit, unit_price_vnd, quantity
		FROM order_item WHERE order_id = ANY($1) ORDER BY id`, ids)
	if err != nil {
		return nil, err
	}
	var oid int64
	var it Item
	_, err = pgx.ForEachRow(rows, []any{&oid, &it.ProductID, &it.Slug, &it.Name, &it.Unit, &it.UnitPriceVND, &it.Quantity}, func() error {
		o := &out[idx[oid]]
		o.Items = append(o.Items, it)
		return nil
	})
	return out, err
}

// Filter selects a producer's (or a province's) orders.
type Filter struct {
	Status Status
	From   time.Time // created on or after; zero: any
	To     time.Time // created before; zero: any
	Query  string    // an order code, or part of the buyer's name or phone
	Limit  int
	Offset int
}

// ProducerOrders returns a producer's orders matching f, newest first, and
// how many match in all.
func (s *Service) ProducerOrders(ctx context.Context, producerID int64, f Filter) ([]Order, int, error) {
	where := ` WHERE o.producer_id = $1
		AND ($2 = '' OR o.status = $2)
		AND ($3::timestamptz IS NULL OR o.created_at >= $3)
		AND ($4::timestamptz IS NULL OR o.created_at < $4)
		AND ($5 = '' OR o.code ILIKE $5 || '%' OR g.buyer_phone LIKE '%' || $5 || '%' OR g.buyer_name ILIKE '%' || $5 || '%')`
	args := []any{producerID, string(f.Status), timeOrNil(f.From), timeOrNil(f.To), postgres.EscapeLike(f.Query)}
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM shop_order o JOIN order_group g ON g.id = o.group_id`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	os, err := orders(ctx, s.pool, where+` ORDER BY o.created_at DESC, o.id DESC LIMIT $6 OFFSET $7`, append(args, f.Limit, f.Offset)...)
	return os, total, err
}

// ProducerOrder returns one of a producer's orders with its group (the
// buyer and address); another producer's order is ErrNotFound.
func (s *Service) ProducerOrder(ctx context.Context, producerID int64, code string) (*Order, *Group, error) {
	os, err := orders(ctx, s.pool, `WHERE o.code = $1 AND o.producer_id = $2`, code, producerID)
	if err != nil {
		return nil, nil, err
	}
	if len(os) == 0 {
		return nil, nil, ErrNotFound
	}
	g, err := scanGroup(s.pool.QueryRow(ctx, groupColumns+` WHERE g.id = $1`, os[0].GroupID))
	return &os[0], g, err
}

func timeOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// Commune is a commune of a province, for the checkout form's list.
type Commune struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Communes returns the communes of a province by name; none for an
// unknown province.
func (s *Service) Communes(ctx context.Context, province string) ([]Commune, error) {
	if len(province) != 2 {
		return []Commune{}, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT code, full_name FROM commune WHERE province_code = $1 ORDER BY name_fold`, province)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Commune])
}
