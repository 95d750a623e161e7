package order

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/vntext"
)

// LineInput is a product (by slug) and a quantity the shopper asks for.
type LineInput struct {
	Product  string `json:"product"`
	Quantity int    `json:"quantity"`

	productID int64
}

// Buyer is who orders.
type Buyer struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Email string `json:"email"`
}

// Address is where the order goes.
type Address struct {
	ProvinceCode string `json:"province_code"`
	CommuneCode  string `json:"commune_code"`
	Address      string `json:"address"`
}

// CheckoutInput is a checkout request. Prices are never part of it.
type CheckoutInput struct {
	Lines    []LineInput `json:"lines"`
	Buyer    Buyer       `json:"buyer"`
	Shipping Address     `json:"shipping"`
	Method   string      `json:"payment_method"`
	Note     string      `json:"note"`

	// IdempotencyKey makes a retry return the first attempt's group.
	IdempotencyKey string `json:"-"`
	// UserID is the signed-in shopper, 0 for a guest.
	UserID int64 `json:"-"`
	// FromCart, when set, is the cart the lines come from: the ordered
	// lines leave it in the checkout's transaction.
	FromCart *CartRef `json:"-"`
}

// PaymentHook creates the group's payment in the checkout's transaction
// (internal/payment). It may set g.PayBy.
type PaymentHook func(ctx context.Context, tx pgx.Tx, g *Group, parts []PlacedPart) error

// PlacedPart is what a payment needs of one producer order: who gets the
// money when the group has one producer with a bank account.
type PlacedPart struct {
	ProducerID       int64
	BankBIN, BankNo  string
	BankAccountName  string
	TotalVND         int64
	Lines            []CartLine
	ShippingVND      int64
	ProducerName     string
	ProducerSlug     string
	OrderCode        string
	OrderSubtotalVND int64
}

// ErrIdempotencyMismatch is a key used before for another request.
var ErrIdempotencyMismatch = apperr.E(apperr.Unprocessable,
	"Mã chống gửi trùng (Idempotency-Key) này đã được dùng cho một đơn hàng khác. Hãy dùng mã mới cho đơn mới.",
	"this Idempotency-Key was used for a different request")

// Place checks the request, takes the stock and creates the order group
// with one order per producer and, through pay, its payment, in one
// transaction. created is false when the idempotency key was seen before:
// g is then the first attempt's group and nothing new is created.
// Errors: apperr.FieldErrors (422) naming the field or line, a 409 when a
// product has too little stock.
func (s *Service) Place(ctx context.Context, in CheckoutInput, pay PaymentHook) (g *Group, created bool, err error) {
	in, fe := s.clean(ctx, in)
	if err := fe.OrNil(); err != nil {
		return nil, false, err
	}
	var key, reqHash []byte
	if in.IdempotencyKey != "" {
		key, reqHash = hash("idem:"+in.IdempotencyKey), requestHash(in)
		if g, err := s.byIdempotencyKey(ctx, key, reqHash); g != nil || err != nil {
			return g, false, err
		}
	}
	for attempt := 0; ; attempt++ {
		code := newGroupCode()
		err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
			var err error
			g, err = s.place(ctx, tx, code, in, key, reqHash, pay)
			return err
		})
		if (postgres.IsUniqueViolation(err, "order_group_code_key") || postgres.IsRetryable(err)) && attempt < 3 {
			// 40 random bits collided, or PostgreSQL broke a deadlock
			// (the stock is taken in product order, so none is expected):
			// run it again
			continue
		}
		break
	}
	if errors.Is(err, errSameKey) {
		// a concurrent request with the same key committed first
		g, err := s.byIdempotencyKey(ctx, key, reqHash)
		if g == nil && err == nil {
			err = errors.New("order: idempotent group vanished")
		}
		return g, false, err
	}
	if err != nil {
		return nil, false, err
	}
	return g, true, nil
}

var errSameKey = errors.New("order: another request with this idempotency key committed first")

// place writes the group in tx and returns it as written (with its
// orders and items; without the place names, which only pages show).
func (s *Service) place(ctx context.Context, tx pgx.Tx, code string, in CheckoutInput, key, reqHash []byte, pay PaymentHook) (*Group, error) {
	// the group row first: a concurrent request with the same key waits
	// here for this one and then finds the key taken
	var gid int64
	var commission int
	now := s.now()
	err := tx.QueryRow(ctx, `
		INSERT INTO order_group (code, user_id, idempotency_key, request_hash, buyer_name, buyer_phone, buyer_email,
			province_code, commune_code, address, note, payment_method, total_vnd, created_at)
		VALUES ($1, NULLIF($2, 0), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, $13)
		ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, (SELECT commission_bp FROM marketplace_setting)`,
		code, in.UserID, key, reqHash, in.Buyer.Name, in.Buyer.Phone, in.Buyer.Email, in.Shipping.ProvinceCode,
		in.Shipping.CommuneCode, in.Shipping.Address, in.Note, in.Method, now).Scan(&gid, &commission)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errSameKey
	}
	if err != nil {
		return nil, err
	}
	slugs := make([]string, len(in.Lines))
	for i, l := range in.Lines {
		slugs[i] = l.Product
	}
	ps, err := productsBySlug(ctx, tx, slugs)
	if err != nil {
		return nil, err
	}
	fe := apperr.FieldErrors{}
	takes := make([]product.Take, 0, len(in.Lines))
	for i, l := range in.Lines {
		p := ps[l.Product]
		field := fmt.Sprintf("lines[%d].product", i)
		switch {
		case p == nil || p.problem(0) == ProblemUnavailable:
			fe.Add(field, fmt.Sprintf("Dòng %d: không có sản phẩm “%s” đang bán.", i+1, vntext.Truncate(l.Product, 80)))
		case !p.Certified:
			fe.Add(field, fmt.Sprintf("Dòng %d: %s", i+1, problemText(ProblemUncertified, p.Name)))
		default:
			takes = append(takes, product.Take{ProductID: p.ID, Quantity: l.Quantity})
		}
	}
	if err := fe.OrNil(); err != nil {
		return nil, err
	}
	// whether there is enough is decided by taking the stock, late (see
	// below): the price is computed as if the read stock sufficed
	for _, t := range takes {
		for _, p := range ps {
			if p.ID == t.ProductID && p.Stock < t.Quantity {
				p.Stock = t.Quantity
			}
		}
	}
	cart := s.price(in.Lines, func(l LineInput) *productRow { return ps[l.Product] })
	status := PendingPayment
	if in.Method == MethodCOD {
		status = CODPending
	}
	parts := make([]PlacedPart, len(cart.Parts))
	g := &Group{ID: gid, Code: code, UserID: in.UserID, Buyer: in.Buyer, Shipping: in.Shipping, Note: in.Note, Method: in.Method,
		TotalVND: cart.TotalVND, CreatedAt: now, Orders: make([]Order, len(cart.Parts))}
	b, items := &pgx.Batch{}, &pgx.Batch{}
	for i, part := range cart.Parts {
		oc := orderCode(code, i+1)
		first := ps[part.Lines[0].Slug]
		parts[i] = PlacedPart{ProducerID: part.ProducerID, TotalVND: part.TotalVND, Lines: part.Lines, ShippingVND: part.ShippingVND,
			ProducerName: part.ProducerName, ProducerSlug: part.ProducerSlug, OrderCode: oc, OrderSubtotalVND: part.SubtotalVND}
		if first.ProducerBankBIN != nil && first.ProducerBankNo != nil {
			parts[i].BankBIN, parts[i].BankNo = *first.ProducerBankBIN, *first.ProducerBankNo
			if first.ProducerBankHolder != nil {
				parts[i].BankAccountName = *first.ProducerBankHolder
			}
		}
		o := &g.Orders[i]
		b.Queue(`INSERT INTO shop_order (group_id, code, producer_id, status, subtotal_vnd, shipping_vnd, total_vnd, commission_bp, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`, gid, oc, part.ProducerID, status, part.SubtotalVND, part.ShippingVND, part.TotalVND, commission, now).
			QueryRow(func(row pgx.Row) error { return row.Scan(&o.ID) })
		*o = Order{GroupID: gid, GroupCode: code, Code: oc, ProducerID: part.ProducerID, ProducerSlug: part.ProducerSlug,
			ProducerName: part.ProducerName, Status: status, SubtotalVND: part.SubtotalVND, ShippingVND: part.ShippingVND,
			TotalVND: part.TotalVND, CommissionBP: commission, CreatedAt: now, UpdatedAt: now}
		for _, l := range part.Lines {
			o.Items = append(o.Items, Item{ProductID: l.ProductID, Slug: l.Slug, Name: l.Name, Unit: l.Unit, UnitPriceVND: l.UnitPriceVND, Quantity: l.Quantity})
		}
		for _, l := range part.Lines {
			items.Queue(`INSERT INTO order_item (order_id, product_id, product_slug, product_name, unit, unit_price_vnd, quantity)
				SELECT id, $2, $3, $4, $5, $6, $7 FROM shop_order WHERE code = $1`, oc, l.ProductID, l.Slug, l.Name, l.Unit, l.UnitPriceVND, l.Quantity)
		}
	}
	var payBy *time.Time
	if in.Method != MethodCOD {
		w := s.payWindow
		if in.Method == MethodCard {
			// a Stripe Checkout Session stays open at least 30 minutes:
			// the stock is held past its end, so a card paid at the last
			// minute finds its orders (the expiry job asks Stripe first)
			w = max(w, CardPayWindow)
		}
		t := now.Add(w)
		payBy = &t
	}
	b.Queue(`UPDATE order_group SET total_vnd = $2, pay_by = $3 WHERE id = $1`, gid, cart.TotalVND, payBy)
	if in.FromCart != nil {
		if cid, err := cartID(ctx, tx, *in.FromCart); err != nil {
			return nil, err
		} else if cid != 0 {
			ids := make([]int64, len(cart.Lines()))
			for i, l := range cart.Lines() {
				ids[i] = l.ProductID
			}
			b.Queue(`DELETE FROM cart_line WHERE cart_id = $1 AND product_id = ANY($2)`, cid, ids)
		}
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	g.PayBy = payBy
	if pay != nil {
		if err := pay(ctx, tx, g, parts); err != nil {
			return nil, err
		}
	}
	if err := s.enqueue(ctx, tx, Message{GroupID: gid, Event: EventPlaced}); err != nil {
		return nil, err
	}
	// the stock late, so its row locks are held briefly (checkouts of one
	// popular product queue on them), and before the order items: an
	// item's foreign key takes a KEY SHARE lock on its product, and a
	// transaction that holds one and then updates the row, while others do
	// the same, makes PostgreSQL 15 fail with "new multixact has more than
	// one updating member"; too little stock rolls everything back
	short, err := product.TakeStock(ctx, tx, takes)
	if err != nil {
		return nil, err
	}
	if len(short) > 0 {
		return nil, outOfStock(short, ps)
	}
	if err := tx.SendBatch(ctx, items).Close(); err != nil {
		return nil, err
	}
	return g, nil
}

// outOfStock is the 409 naming the products with too little stock.
func outOfStock(short []int64, ps map[string]*productRow) error {
	var names []string
	for _, p := range ps {
		for _, id := range short {
			if p.ID == id {
				names = append(names, "“"+p.Name+"”")
			}
		}
	}
	return apperr.E(apperr.Conflict,
		fmt.Sprintf("Không đủ hàng: %s vừa hết hoặc còn ít hơn số lượng bạn đặt. Hãy giảm số lượng hoặc bỏ sản phẩm này.", strings.Join(names, ", ")),
		"not enough stock")
}

// clean normalises and checks a checkout request; the errors name the
// fields (buyer.phone, shipping.commune_code, lines[2].quantity...).
func (s *Service) clean(ctx context.Context, in CheckoutInput) (CheckoutInput, apperr.FieldErrors) {
	fe := apperr.FieldErrors{}
	in.Buyer.Name = vntext.CleanText(in.Buyer.Name)
	in.Shipping.Address = vntext.CleanText(in.Shipping.Address)
	in.Note = strings.TrimSpace(vntext.NFC(in.Note))
	in.Buyer.Email = strings.TrimSpace(in.Buyer.Email)
	switch n := len([]rune(in.Buyer.Name)); {
	case n == 0:
		fe.Add("buyer.name", "Hãy nhập họ tên người nhận.")
	case n > 100:
		fe.Add("buyer.name", "Họ tên dài quá 100 ký tự.")
	}
	if id, ok := account.ParseIdentifier(in.Buyer.Phone); !ok || id.Phone == "" {
		fe.Add("buyer.phone", "Số điện thoại di động không hợp lệ. Ví dụ: 0912 345 678.")
	} else {
		in.Buyer.Phone = id.Phone
	}
	if in.Buyer.Email != "" {
		if id, ok := account.ParseIdentifier(in.Buyer.Email); !ok || id.Email == "" {
			fe.Add("buyer.email", "Email không hợp lệ (có thể bỏ trống).")
		} else {
			in.Buyer.Email = id.Email
		}
	}
	switch n := len([]rune(in.Shipping.Address)); {
	case n == 0:
		fe.Add("shipping.address", "Hãy nhập số nhà, đường, thôn/xóm.")
	case n > 300:
		fe.Add("shipping.address", "Địa chỉ dài quá 300 ký tự.")
	}
	if len([]rune(in.Note)) > 1000 {
		fe.Add("note", "Ghi chú dài quá 1.000 ký tự.")
	}
	switch in.Method {
	case MethodCOD, MethodVietQR, MethodCard:
	default:
		fe.Add("payment_method", "Hãy chọn cách thanh toán: tiền mặt khi nhận hàng (cod), chuyển khoản VietQR (vietqr) hoặc thẻ (card).")
	}
	// the commune first: found in the province, both are right (one query
	// on the usual path); otherwise the province tells which field is wrong
	commune := ""
	if len(in.Shipping.ProvinceCode) == 2 {
		c, err := s.communes.resolve(ctx, s.pool, in.Shipping.ProvinceCode, strings.TrimSpace(in.Shipping.CommuneCode))
		if err != nil {
			fe.Add("shipping.commune_code", "Chưa kiểm tra được xã/phường. Hãy thử lại.")
		}
		commune = c
	}
	if commune != "" {
		in.Shipping.CommuneCode = commune
	} else if _, failed := fe["shipping.commune_code"]; !failed {
		var provinceOK bool
		if len(in.Shipping.ProvinceCode) == 2 {
			if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM province WHERE code = $1)`, in.Shipping.ProvinceCode).Scan(&provinceOK); err != nil {
				return in, fe.Add("shipping.province_code", "Chưa kiểm tra được tỉnh/thành. Hãy thử lại.")
			}
		}
		if !provinceOK {
			fe.Add("shipping.province_code", "Hãy chọn tỉnh/thành phố nhận hàng.")
		} else {
			fe.Add("shipping.commune_code", "Không tìm thấy xã/phường này trong tỉnh đã chọn. Hãy chọn trong danh sách.")
		}
	}
	switch {
	case len(in.Lines) == 0:
		fe.Add("lines", "Giỏ hàng trống: hãy chọn ít nhất một sản phẩm.")
	case len(in.Lines) > MaxLines:
		fe.Add("lines", fmt.Sprintf("Một đơn có tối đa %d dòng sản phẩm (đơn này có %d).", MaxLines, len(in.Lines)))
	}
	// one line per product: repeated products add up
	merged := make([]LineInput, 0, len(in.Lines))
	seen := map[string]int{}
	for i, l := range in.Lines {
		l.Product = strings.TrimSpace(l.Product)
		if l.Quantity < 1 || l.Quantity > s.lineCap {
			fe.Add(fmt.Sprintf("lines[%d].quantity", i), fmt.Sprintf("Dòng %d: số lượng phải từ 1 đến %d.", i+1, s.lineCap))
			continue
		}
		if j, ok := seen[l.Product]; ok {
			merged[j].Quantity += l.Quantity
			if merged[j].Quantity > s.lineCap {
				fe.Add(fmt.Sprintf("lines[%d].quantity", i), fmt.Sprintf("Dòng %d: tổng số lượng một sản phẩm tối đa %d.", i+1, s.lineCap))
			}
			continue
		}
		seen[l.Product] = len(merged)
		merged = append(merged, l)
	}
	in.Lines = merged
	return in, fe
}

// communeCache remembers which commune a (province, typed commune) names:
// the administrative units change only by an import, and every checkout
// asks. Entries last communeTTL; the table is dropped when it grows past
// communeMax.
type communeCache struct {
	mu sync.Mutex
	m  map[string]communeEntry
}

type communeEntry struct {
	code string
	at   time.Time
}

const (
	communeTTL = 10 * time.Minute
	communeMax = 20000
)

func (c *communeCache) resolve(ctx context.Context, q postgres.Querier, province, v string) (string, error) {
	k := province + "|" + v
	c.mu.Lock()
	e, ok := c.m[k]
	c.mu.Unlock()
	if ok && time.Since(e.at) < communeTTL {
		return e.code, nil
	}
	code, err := producer.ResolveCommune(ctx, q, province, v)
	if err != nil || code == "" {
		return code, err // misses are not kept: a typo costs its sender
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= communeMax {
		c.m = map[string]communeEntry{}
	}
	c.m[k] = communeEntry{code: code, at: time.Now()}
	c.mu.Unlock()
	return code, nil
}

// requestHash is a hash of what a checkout asked for, to tell a retry
// from another request under the same key.
func requestHash(in CheckoutInput) []byte {
	b, _ := json.Marshal(in)
	h := sha256.Sum256(b)
	return h[:]
}

// byIdempotencyKey returns the group placed under key, nil if none; a
// group placed for another request is ErrIdempotencyMismatch.
func (s *Service) byIdempotencyKey(ctx context.Context, key, reqHash []byte) (*Group, error) {
	var code string
	var stored []byte
	err := s.pool.QueryRow(ctx, `SELECT code, request_hash FROM order_group WHERE idempotency_key = $1`, key).Scan(&code, &stored)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(stored, reqHash) {
		return nil, ErrIdempotencyMismatch
	}
	return s.GroupByCode(ctx, code)
}

// GroupByKey returns the group placed under an idempotency key, or nil:
// for the checkout page, whose double submit finds the cart already
// emptied by the first.
func (s *Service) GroupByKey(ctx context.Context, key string) (*Group, error) {
	var code string
	err := s.pool.QueryRow(ctx, `SELECT code FROM order_group WHERE idempotency_key = $1`, hash("idem:"+key)).Scan(&code)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return s.GroupByCode(ctx, code)
}

// auditOrder records a change of an order in tx.
func auditOrder(ctx context.Context, tx pgx.Tx, actor audit.Actor, o *Order, action string, detail map[string]any) error {
	return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActingAs: actor.ActingAs, ProducerID: o.ProducerID,
		Entity: "order", EntityID: o.ID, Action: action, Detail: detail})
}
