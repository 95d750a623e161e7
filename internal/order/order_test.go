package order_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/order"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/vntext"
)

// env is a fresh database with two communes (one in Thái Nguyên, 19, one
// in Hà Nội, 01) and an order service on it.
type env struct {
	t    *testing.T
	pool *pgxpool.Pool
	f    catalogtest.Fixture
	svc  *order.Service
}

const tokenKey = "order-test-token-key-0123456789"

func newEnv(t *testing.T, o order.Options) *env {
	t.Helper()
	pool := pgtest.NewDB(t)
	f := catalogtest.Fixture{T: t, Pool: pool}
	f.Exec(`INSERT INTO commune (code, province_code, name, full_name, kind, name_fold) VALUES
		('05800', '19', 'Phú Đô', 'Xã Phú Đô', 'xa', 'phu do'),
		('00004', '01', 'Ba Đình', 'Phường Ba Đình', 'phuong', 'ba dinh')`)
	if o.TokenKey == nil {
		o.TokenKey = []byte(tokenKey)
	}
	svc, err := order.New(pool, o)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, pool: pool, f: f, svc: svc}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// product inserts a published, certified product with stock 10 and returns
// its id and slug.
func (e *env) product(producer int64, name string, price int64) (int64, string) {
	e.t.Helper()
	id := e.f.Product(producer, catalogtest.Product{Name: name, Group: "I.5.a", Price: price, Star: 4})
	return id, vntext.Slug(name)
}

func (e *env) int(sql string, args ...any) int64 {
	e.t.Helper()
	var n int64
	if err := e.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func (e *env) str(sql string, args ...any) string {
	e.t.Helper()
	var s string
	if err := e.pool.QueryRow(context.Background(), sql, args...).Scan(&s); err != nil {
		e.t.Fatalf("%s: %v", sql, err)
	}
	return s
}

func (e *env) stock(id int64) int64 {
	e.t.Helper()
	return e.int(`SELECT stock FROM product WHERE id = $1`, id)
}

func (e *env) user(email string) int64 {
	e.t.Helper()
	return e.int(`INSERT INTO app_user (email, display_name, password_hash) VALUES ($1, 'Người dùng', 'x') RETURNING id`, email)
}

// checkout is a valid request to the commune 05800 of Thái Nguyên.
func checkout(method string, lines ...order.LineInput) order.CheckoutInput {
	return order.CheckoutInput{
		Lines:    lines,
		Buyer:    order.Buyer{Name: "Nguyễn Thị Hoa", Phone: "0912 345 678", Email: "hoa@example.vn"},
		Shipping: order.Address{ProvinceCode: "19", CommuneCode: "05800", Address: "Số 12, tổ 3, xóm Đồng"},
		Method:   method,
	}
}

func line(slug string, q int) order.LineInput { return order.LineInput{Product: slug, Quantity: q} }

// TestConcurrentCheckoutNeverOversells: 200 shoppers race for 5 units;
// exactly 5 get one, the rest a 409, and the stock ends at 0.
func TestConcurrentCheckoutNeverOversells(t *testing.T) {
	t.Parallel()
	e := newEnv(t, order.Options{})
	ctx := ctxT(t)
	pr := e.f.Producer("HTX Chè Tân Cương", "19")
	id, slug := e.product(pr, "Chè búp Tân Cương", 120_000)
	e.f.Exec(`UPDATE product SET stock = 5 WHERE id = $1`, id)

	const n = 200
	errs := make([]error, n)
	groups := make([]*order.Group, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			in := checkout(order.MethodCOD, line(slug, 1))
			in.IdempotencyKey = fmt.Sprintf("shopper-%d", i)
			groups[i], _, errs[i] = e.svc.Place(ctx, in, nil)
		}()
	}
	close(start)
	wg.Wait()

	ok, conflicts := 0, 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
			if g := groups[i]; len(g.Orders) != 1 || g.Orders[0].Status != order.CODPending || g.TotalVND != 120_000+30_000 {
				t.Errorf("placed group %+v: want one cod_pending order of 150000", g)
			}
		case apperr.KindOf(err) == apperr.Conflict:
			conflicts++
		default:
			t.Errorf("Place %d: unexpected error %v", i, err)
		}
	}
	if ok != 5 || conflicts != n-5 {
		t.Errorf("%d placed and %d conflicts, want 5 and %d", ok, conflicts, n-5)
	}
	if s := e.stock(id); s != 0 {
		t.Errorf("stock = %d, want 0", s)
	}
	if c := e.int(`SELECT count(*) FROM shop_order`); c != 5 {
		t.Errorf("%d shop_order rows, want 5", c)
	}
	if c := e.int(`SELECT count(*) FROM order_group`); c != 5 {
		t.Errorf("%d order_group rows, want 5", c)
	}
	if q := e.int(`SELECT COALESCE(sum(quantity), 0) FROM order_item WHERE product_id = $1`, id); q != 5 {
		t.Errorf("%d units ordered, want 5", q)
	}
}

// TestIdempotencyKey: concurrent retries under one key make one group;
// the key reused for another request is refused.
func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t, order.Options{})
	ctx := ctxT(t)
	pr := e.f.Producer("HTX Mật ong Bạc Hà", "19")
	id, slug := e.product(pr, "Mật ong bạc hà", 250_000)
	e.f.Exec(`UPDATE product SET stock = 1000 WHERE id = $1`, id)

	const keys, racers = 5, 4
	for k := range keys {
		key := fmt.Sprintf("retry-%d", k)
		type res struct {
			g       *order.Group
			created bool
			err     error
		}
		out := make([]res, racers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				in := checkout(order.MethodCOD, line(slug, 2))
				in.IdempotencyKey = key
				g, created, err := e.svc.Place(ctx, in, nil)
				out[i] = res{g, created, err}
			}()
		}
		close(start)
		wg.Wait()
		created := 0
		for i, r := range out {
			if r.err != nil {
				t.Fatalf("key %s, racer %d: %v", key, i, r.err)
			}
			if r.created {
				created++
			}
			if r.g.Code != out[0].g.Code {
				t.Errorf("key %s: racer %d got group %s, racer 0 %s", key, i, r.g.Code, out[0].g.Code)
			}
		}
		if created != 1 {
			t.Errorf("key %s: created = true %d times, want once", key, created)
		}
	}
	if c := e.int(`SELECT count(*) FROM order_group`); c != keys {
		t.Errorf("%d order groups, want %d", c, keys)
	}
	if s := e.stock(id); s != 1000-2*keys {
		t.Errorf("stock = %d, want %d", s, 1000-2*keys)
	}

	// a later retry gets the same group again
	in := checkout(order.MethodCOD, line(slug, 2))
	in.IdempotencyKey = "retry-0"
	g, created, err := e.svc.Place(ctx, in, nil)
	if err != nil || created {
		t.Fatalf("retry = %v, created %v; want the first group", err, created)
	}
	first := e.str(`SELECT code FROM order_group ORDER BY id LIMIT 1`)
	if g.Code != first {
		t.Errorf("retry returned %s, want %s", g.Code, first)
	}

	// the same key for another body
	for _, other := range []order.CheckoutInput{
		checkout(order.MethodCOD, line(slug, 3)),
		checkout(order.MethodVietQR, line(slug, 2)),
	} {
		other.IdempotencyKey = "retry-0"
		_, _, err = e.svc.Place(ctx, other, nil)
		if !errors.Is(err, order.ErrIdempotencyMismatch) || apperr.KindOf(err) != apperr.Unprocessable {
			t.Errorf("same key, other body: %v; want ErrIdempotencyMismatch (422)", err)
		}
	}
	if c := e.int(`SELECT count(*) FROM order_group`); c != keys {
		t.Errorf("%d order groups after the refused reuse, want %d", c, keys)
	}
}

// TestCheckoutValidation: a bad request names the field and writes nothing.
func TestCheckoutValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, order.Options{})
	ctx := ctxT(t)
	pr := e.f.Producer("HTX Gạo Thái", "19")
	okID, ok := e.product(pr, "Gạo bao thai", 40_000)
	revokedID := e.f.Product(pr, catalogtest.Product{Name: "Chè thu hồi", Group: "I.5.a", Price: 1000, Star: 4, Cert: "revoked"})
	draftID := e.f.Product(pr, catalogtest.Product{Name: "Chè nháp", Group: "I.5.a", Price: 1000, Star: 4, Status: "draft"})
	suspended := e.f.Producer("HTX Bị Đình Chỉ", "19")
	suspID, susp := e.product(suspended, "Miến dong đình chỉ", 30_000)
	e.f.Exec(`UPDATE producer SET status = 'suspended' WHERE id = $1`, suspended)
	ids := []int64{okID, revokedID, draftID, suspID}

	many := make([]order.LineInput, 51)
	for i := range many {
		many[i] = line(fmt.Sprintf("san-pham-%d", i), 1)
	}
	tests := []struct {
		name  string
		edit  func(*order.CheckoutInput)
		field string
		kind  apperr.Kind
	}{
		{"bad phone", func(in *order.CheckoutInput) { in.Buyer.Phone = "12345" }, "buyer.phone", apperr.Unprocessable},
		{"no name", func(in *order.CheckoutInput) { in.Buyer.Name = "  " }, "buyer.name", apperr.Unprocessable},
		{"bad email", func(in *order.CheckoutInput) { in.Buyer.Email = "hoa@" }, "buyer.email", apperr.Unprocessable},
		{"no address", func(in *order.CheckoutInput) { in.Shipping.Address = "" }, "shipping.address", apperr.Unprocessable},
		{"unknown province", func(in *order.CheckoutInput) { in.Shipping.ProvinceCode = "99" }, "shipping.province_code", apperr.Unprocessable},
		{"commune of another province", func(in *order.CheckoutInput) { in.Shipping.CommuneCode = "00004" }, "shipping.commune_code", apperr.Unprocessable},
		{"unknown commune", func(in *order.CheckoutInput) { in.Shipping.CommuneCode = "99999" }, "shipping.commune_code", apperr.Unprocessable},
		{"bad method", func(in *order.CheckoutInput) { in.Method = "bitcoin" }, "payment_method", apperr.Unprocessable},
		{"no lines", func(in *order.CheckoutInput) { in.Lines = nil }, "lines", apperr.Unprocessable},
		{"51 lines", func(in *order.CheckoutInput) { in.Lines = many }, "lines", apperr.Unprocessable},
		{"quantity 0", func(in *order.CheckoutInput) { in.Lines = []order.LineInput{line(ok, 0)} }, "lines[0].quantity", apperr.Unprocessable},
		{"negative quantity", func(in *order.CheckoutInput) { in.Lines = []order.LineInput{line(ok, -3)} }, "lines[0].quantity", apperr.Unprocessable},
		{"over the line cap", func(in *order.CheckoutInput) { in.Lines = []order.LineInput{line(ok, e.svc.LineCap()+1)} }, "lines[0].quantity", apperr.Unprocessable},
		{"repeated lines over the cap", func(in *order.CheckoutInput) {
			in.Lines = []order.LineInput{line(ok, e.svc.LineCap()), line(ok, 1)}
		}, "lines[1].quantity", apperr.Unprocessable},
		{"unknown slug", func(in *order.CheckoutInput) { in.Lines = []order.LineInput{line("khong-co", 1)} }, "lines[0].product", apperr.Unprocessable},
		{"revoked certificate", func(in *order.CheckoutInput) {
			in.Lines = []order.LineInput{line(vntext.Slug("Chè thu hồi"), 1)}
		}, "lines[0].product", apperr.Unprocessable},
		{"unpublished", func(in *order.CheckoutInput) { in.Lines = []order.LineInput{line(vntext.Slug("Chè nháp"), 1)} }, "lines[0].product", apperr.Unprocessable},
		{"suspended producer", func(in *order.CheckoutInput) { in.Lines = []order.LineInput{line(susp, 1)} }, "lines[0].product", apperr.Unprocessable},
		{"second line unknown", func(in *order.CheckoutInput) {
			in.Lines = []order.LineInput{line(ok, 1), line("khong-co", 1)}
		}, "lines[1].product", apperr.Unprocessable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := checkout(order.MethodCOD, line(ok, 1))
			tt.edit(&in)
			_, _, err := e.svc.Place(ctx, in, nil)
			var fe apperr.FieldErrors
			if !errors.As(err, &fe) {
				t.Fatalf("Place = %v, want FieldErrors with %q", err, tt.field)
			}
			if _, has := fe[tt.field]; !has {
				t.Errorf("FieldErrors %v lack %q", fe, tt.field)
			}
			if apperr.KindOf(err) != tt.kind {
				t.Errorf("kind %v, want %v", apperr.KindOf(err), tt.kind)
			}
		})
	}

	// too little stock on the second line: a 409, and the first line's
	// stock was not taken
	other, otherSlug := e.product(pr, "Bún gạo", 20_000)
	e.f.Exec(`UPDATE product SET stock = 1 WHERE id = $1`, other)
	_, _, err := e.svc.Place(ctx, checkout(order.MethodCOD, line(ok, 2), line(otherSlug, 2)), nil)
	if apperr.KindOf(err) != apperr.Conflict {
		t.Errorf("second line short: %v, want a 409", err)
	}
	if s := e.stock(other); s != 1 {
		t.Errorf("short product stock = %d, want 1", s)
	}

	if c := e.int(`SELECT count(*) FROM order_group`); c != 0 {
		t.Errorf("%d order groups written, want none", c)
	}
	if c := e.int(`SELECT count(*) FROM shop_order`); c != 0 {
		t.Errorf("%d orders written, want none", c)
	}
	for _, id := range ids[:3] {
		if s := e.stock(id); s != 10 {
			t.Errorf("product %d stock = %d, want 10", id, s)
		}
	}
}

// TestPricesAndShipping: prices are the database's, shipping per producer
// with its free-shipping threshold, the group the sum of its orders.
func TestPricesAndShipping(t *testing.T) {
	t.Parallel()
	e := newEnv(t, order.Options{})
	ctx := ctxT(t)
	a := e.f.Producer("HTX Chè Hảo Đạt", "19")
	b := e.f.Producer("HTX Miến Việt Cường", "19")
	e.f.Exec(`UPDATE producer SET shipping_fee_vnd = 25000, free_shipping_from_vnd = 300000 WHERE id = $1`, a)
	e.f.Exec(`UPDATE producer SET shipping_fee_vnd = 40000, free_shipping_from_vnd = NULL WHERE id = $1`, b)
	a1, a1s := e.product(a, "Chè đinh Hảo Đạt", 120_000)
	a2, a2s := e.product(a, "Chè nõn tôm", 90_000)
	b1, b1s := e.product(b, "Miến dong Việt Cường", 55_000)

	tests := []struct {
		name      string
		lines     []order.LineInput
		orders    []int64 // producer of each order, in order
		subtotals []int64
		shipping  []int64
		items     [][]order.Item
	}{
		{
			name:      "two producers, one over the threshold",
			lines:     []order.LineInput{line(a1s, 1), line(b1s, 1), line(a2s, 1), line(a1s, 1)},
			orders:    []int64{a, b},
			subtotals: []int64{330_000, 55_000},
			shipping:  []int64{0, 40_000},
			items: [][]order.Item{
				{{ProductID: a1, Slug: a1s, UnitPriceVND: 120_000, Quantity: 2}, {ProductID: a2, Slug: a2s, UnitPriceVND: 90_000, Quantity: 1}},
				{{ProductID: b1, Slug: b1s, UnitPriceVND: 55_000, Quantity: 1}},
			},
		},
		{
			name:      "under the threshold",
			lines:     []order.LineInput{line(a1s, 1)},
			orders:    []int64{a},
			subtotals: []int64{120_000},
			shipping:  []int64{25_000},
			items:     [][]order.Item{{{ProductID: a1, Slug: a1s, UnitPriceVND: 120_000, Quantity: 1}}},
		},
		{
			name:      "exactly the threshold",
			lines:     []order.LineInput{line(a2s, 2), line(a1s, 1)},
			orders:    []int64{a},
			subtotals: []int64{300_000},
			shipping:  []int64{0},
			items:     [][]order.Item{{{ProductID: a2, Slug: a2s, UnitPriceVND: 90_000, Quantity: 2}, {ProductID: a1, Slug: a1s, UnitPriceVND: 120_000, Quantity: 1}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, created, err := e.svc.Place(ctx, checkout(order.MethodCOD, tt.lines...), nil)
			if err != nil || !created {
				t.Fatalf("Place: %v, created %v", err, created)
			}
			if len(g.Orders) != len(tt.orders) {
				t.Fatalf("%d orders, want %d", len(g.Orders), len(tt.orders))
			}
			var sum int64
			for i, o := range g.Orders {
				if o.ProducerID != tt.orders[i] || o.Code != fmt.Sprintf("%s-%d", g.Code, i+1) {
					t.Errorf("order %d: producer %d code %s, want producer %d code %s-%d", i, o.ProducerID, o.Code, tt.orders[i], g.Code, i+1)
				}
				if o.SubtotalVND != tt.subtotals[i] || o.ShippingVND != tt.shipping[i] || o.TotalVND != tt.subtotals[i]+tt.shipping[i] {
					t.Errorf("order %d: subtotal %d shipping %d total %d, want %d %d %d", i, o.SubtotalVND, o.ShippingVND, o.TotalVND,
						tt.subtotals[i], tt.shipping[i], tt.subtotals[i]+tt.shipping[i])
				}
				if len(o.Items) != len(tt.items[i]) {
					t.Errorf("order %d: %d items, want %d", i, len(o.Items), len(tt.items[i]))
					continue
				}
				for j, it := range o.Items {
					w := tt.items[i][j]
					if it.ProductID != w.ProductID || it.Slug != w.Slug || it.UnitPriceVND != w.UnitPriceVND || it.Quantity != w.Quantity {
						t.Errorf("order %d item %d = %+v, want %+v", i, j, it, w)
					}
				}
				sum += o.TotalVND
			}
			if g.TotalVND != sum {
				t.Errorf("group total %d, want the orders' sum %d", g.TotalVND, sum)
			}
			// and as stored
			if st := e.int(`SELECT total_vnd FROM order_group WHERE id = $1`, g.ID); st != sum {
				t.Errorf("stored group total %d, want %d", st, sum)
			}
			if st := e.int(`SELECT sum(total_vnd) FROM shop_order WHERE group_id = $1`, g.ID); st != sum {
				t.Errorf("stored orders' total %d, want %d", st, sum)
			}
		})
	}

	// a price change later leaves placed items at the price they were ordered at
	g, _, err := e.svc.Place(ctx, checkout(order.MethodCOD, line(b1s, 1)), nil)
	if err != nil {
		t.Fatal(err)
	}
	e.f.Exec(`UPDATE product SET price_vnd = 99000 WHERE id = $1`, b1)
	g2, err := e.svc.GroupByCode(ctx, g.Code)
	if err != nil {
		t.Fatal(err)
	}
	if p := g2.Orders[0].Items[0].UnitPriceVND; p != 55_000 {
		t.Errorf("item price after the product's price changed = %d, want 55000", p)
	}
	g3, _, err := e.svc.Place(ctx, checkout(order.MethodCOD, line(b1s, 1)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := g3.Orders[0].Items[0].UnitPriceVND; p != 99_000 {
		t.Errorf("new order's price = %d, want the new price 99000", p)
	}
}

// TestStateMachine walks a COD order through its life and refuses what
// the state machine does not allow.
func TestStateMachine(t *testing.T) {
	t.Parallel()
	e := newEnv(t, order.Options{})
	ctx := ctxT(t)
	pr := e.f.Producer("HTX Nấm Linh Chi", "19")
	id, slug := e.product(pr, "Nấm linh chi đỏ", 300_000)
	uid := e.user("chu@nam.vn")
	member := audit.Actor{UserID: uid, ActingAs: audit.AsMember}

	g, _, err := e.svc.Place(ctx, checkout(order.MethodCOD, line(slug, 2)), nil)
	if err != nil {
		t.Fatal(err)
	}
	code := g.Orders[0].Code
	total := g.Orders[0].TotalVND
	if s := e.stock(id); s != 8 {
		t.Fatalf("stock after placing 2 = %d, want 8", s)
	}

	steps := []struct {
		name  string
		c     order.Change
		kind  apperr.Kind // 0: succeeds
		field string      // for FieldErrors
		want  order.Status
	}{
		{"shopper cannot confirm", order.Change{To: order.Confirmed, Party: order.ByShopper}, apperr.Conflict, "", order.CODPending},
		{"cannot ship unconfirmed", order.Change{To: order.Shipped, Party: order.ByProducer, Carrier: "VNPost", TrackingNo: "EB1"}, apperr.Conflict, "", order.CODPending},
		{"producer cannot mark paid", order.Change{To: order.Paid, Party: order.ByProducer}, apperr.Conflict, "", order.CODPending},
		{"confirm", order.Change{To: order.Confirmed, Party: order.ByProducer, Actor: member}, 0, "", order.Confirmed},
		{"ship without carrier", order.Change{To: order.Shipped, Party: order.ByProducer, TrackingNo: "EB1"}, apperr.Unprocessable, "carrier", order.Confirmed},
		{"ship without tracking", order.Change{To: order.Shipped, Party: order.ByProducer, Carrier: "VNPost"}, apperr.Unprocessable, "tracking_no", order.Confirmed},
		{"ship", order.Change{To: order.Shipped, Party: order.ByProducer, Actor: member, Carrier: " VNPost ", TrackingNo: "EB123456789VN"}, 0, "", order.Shipped},
		{"shipped back to confirmed", order.Change{To: order.Confirmed, Party: order.ByProducer}, apperr.Conflict, "", order.Shipped},
		{"cancel shipped", order.Change{To: order.Cancelled, Party: order.ByProducer, Reason: "hết hàng"}, apperr.Conflict, "", order.Shipped},
		{"shopper cannot deliver", order.Change{To: order.Delivered, Party: order.ByShopper}, apperr.Conflict, "", order.Shipped},
		{"deliver", order.Change{To: order.Delivered, Party: order.ByProducer, Actor: member}, 0, "", order.Delivered},
		{"producer cannot refund", order.Change{To: order.Refunded, Party: order.ByProducer}, apperr.Conflict, "", order.Delivered},
		{"complete", order.Change{To: order.Completed, Party: order.ByProducer, Actor: member}, 0, "", order.Completed},
		{"completed back to shipped", order.Change{To: order.Shipped, Party: order.ByProducer, Carrier: "x", TrackingNo: "y"}, apperr.Conflict, "", order.Completed},
	}
	for _, st := range steps {
		o, err := e.svc.Transition(ctx, pr, code, st.c)
		switch {
		case st.kind == 0 && err != nil:
			t.Errorf("%s: %v", st.name, err)
		case st.kind == 0 && o.Status != st.want:
			t.Errorf("%s: status %s, want %s", st.name, o.Status, st.want)
		case st.kind != 0 && apperr.KindOf(err) != st.kind:
			t.Errorf("%s: %v (kind %v), want kind %v", st.name, err, apperr.KindOf(err), st.kind)
		case st.field != "":
			var fe apperr.FieldErrors
			if !errors.As(err, &fe) || fe[st.field] == "" {
				t.Errorf("%s: %v, want a message for %q", st.name, err, st.field)
			}
		}
		if s := e.str(`SELECT status FROM shop_order WHERE code = $1`, code); s != string(st.want) {
			t.Errorf("%s: stored status %s, want %s", st.name, s, st.want)
		}
	}
	// another producer cannot move it
	if _, err := e.svc.Transition(ctx, pr+1000, code, order.Change{To: order.Completed, Party: order.ByProducer}); !errors.Is(err, order.ErrNotFound) {
		t.Errorf("another producer's transition: %v, want ErrNotFound", err)
	}

	o, _, err := e.svc.ProducerOrder(ctx, pr, code)
	if err != nil {
		t.Fatal(err)
	}
	if o.Carrier != "VNPost" || o.TrackingNo != "EB123456789VN" {
		t.Errorf("carrier %q tracking %q, want VNPost EB123456789VN", o.Carrier, o.TrackingNo)
	}
	if o.CashCollectedVND == nil || *o.CashCollectedVND != total {
		t.Errorf("cash collected %v, want the total %d", o.CashCollectedVND, total)
	}
	if o.ConfirmedAt == nil || o.ShippedAt == nil || o.DeliveredAt == nil || o.CompletedAt == nil {
		t.Errorf("timestamps not all set: %+v", o)
	}
	if s := e.stock(id); s != 8 {
		t.Errorf("stock after completion = %d, want 8", s)
	}
	rows, err := e.pool.Query(ctx, `SELECT action, acting_as, COALESCE(actor_id, 0) FROM audit_log WHERE entity = 'order' AND entity_id = $1 ORDER BY id`, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var action, as string
		var actor int64
		if err := rows.Scan(&action, &as, &actor); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s/%s/%d", action, as, actor))
	}
	want := []string{"confirmed", "shipped", "delivered", "completed"}
	if len(got) != len(want) {
		t.Errorf("audit %v, want actions %v", got, want)
	} else {
		for i := range want {
			if got[i] != fmt.Sprintf("%s/member/%d", want[i], uid) {
				t.Errorf("audit %d = %s, want %s by member %d", i, got[i], want[i], uid)
			}
		}
	}

	// cancelling needs a reason from the producer, and gives the stock back
	g2, _, err := e.svc.Place(ctx, checkout(order.MethodCOD, line(slug, 3)), nil)
	if err != nil {
		t.Fatal(err)
	}
	code2 := g2.Orders[0].Code
	if s := e.stock(id); s != 5 {
		t.Fatalf("stock = %d, want 5", s)
	}
	_, err = e.svc.Transition(ctx, pr, code2, order.Change{To: order.Cancelled, Party: order.ByProducer, Reason: "   "})
	if fe := (apperr.FieldErrors{}); !errors.As(err, &fe) || fe["reason"] == "" {
		t.Errorf("cancel without a reason: %v, want FieldErrors reason", err)
	}
	if s := e.stock(id); s != 5 {
		t.Errorf("stock after the refused cancel = %d, want 5", s)
	}
	o2, err := e.svc.Transition(ctx, pr, code2, order.Change{To: order.Cancelled, Party: order.ByProducer, Actor: member, Reason: "Hết hàng trong kho"})
	if err != nil {
		t.Fatal(err)
	}
	if o2.Status != order.Cancelled {
		t.Errorf("status %s, want cancelled", o2.Status)
	}
	if s := e.stock(id); s != 8 {
		t.Errorf("stock after cancel = %d, want 8", s)
	}
	if r := e.str(`SELECT cancel_reason || '/' || cancelled_by FROM shop_order WHERE code = $1`, code2); r != "Hết hàng trong kho/producer" {
		t.Errorf("cancel recorded as %q", r)
	}
	if _, err := e.svc.Transition(ctx, pr, code2, order.Change{To: order.Cancelled, Party: order.ByProducer, Reason: "lần nữa"}); apperr.KindOf(err) != apperr.Conflict {
		t.Errorf("cancelling twice: %v, want a 409", err)
	}
	if s := e.stock(id); s != 8 {
		t.Errorf("stock after the second cancel = %d, want still 8", s)
	}

	// the shopper cancels through the tracking link, before confirmation
	g3, _, err := e.svc.Place(ctx, checkout(order.MethodCOD, line(slug, 1)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CancelByShopper(ctx, g3.Code, "wrong-token", 0); !errors.Is(err, order.ErrNotFound) {
		t.Errorf("cancel with a wrong token: %v, want ErrNotFound", err)
	}
	if n, err := e.svc.CancelByShopper(ctx, g3.Code, e.svc.TrackingToken(g3.Code), 0); err != nil || n != 1 {
		t.Errorf("CancelByShopper = %d, %v; want 1", n, err)
	}
	if s := e.stock(id); s != 8 {
		t.Errorf("stock after the shopper's cancel = %d, want 8", s)
	}
	if n, err := e.svc.CancelByShopper(ctx, g3.Code, e.svc.TrackingToken(g3.Code), 0); apperr.KindOf(err) != apperr.Conflict || n != 0 {
		t.Errorf("second CancelByShopper = %d, %v; want a 409", n, err)
	}

	// every successful transition wrote one audit row
	if c := e.int(`SELECT count(*) FROM audit_log WHERE entity = 'order'`); c != 6 {
		t.Errorf("%d order audit rows, want 6 (4 + 2 cancellations)", c)
	}
}

// TestCartAdd: a guest's first AddToCart makes a cart and its token;
// quantities are capped at min(stock, LineCap).
func TestCartAdd(t *testing.T) {
	t.Parallel()
	e := newEnv(t, order.Options{})
	ctx := ctxT(t)
	pr := e.f.Producer("HTX Cam Sành", "19")
	p, ps := e.product(pr, "Cam sành Hàm Yên", 35_000) // stock 10
	q, qs := e.product(pr, "Bưởi Đoan Hùng", 60_000)
	e.f.Exec(`UPDATE product SET stock = 100 WHERE id = $1`, q)
	_, rs := e.product(pr, "Chanh leo thu hồi", 20_000)
	e.f.Exec(`UPDATE certificate SET status = 'revoked', revoked_on = current_date WHERE product_id = (SELECT id FROM product WHERE slug = $1)`, rs)
	lineCap := e.svc.LineCap()

	if _, err := e.svc.AddToCart(ctx, order.CartRef{}, "khong-co", 1); apperr.KindOf(err) != apperr.NotFound {
		t.Errorf("AddToCart of an unknown product: %v, want 404", err)
	}
	if _, err := e.svc.AddToCart(ctx, order.CartRef{}, rs, 1); apperr.KindOf(err) != apperr.Conflict {
		t.Errorf("AddToCart of a product without an active certificate: %v, want a 409", err)
	}
	guest, err := e.svc.AddToCart(ctx, order.CartRef{}, ps, 3)
	if err != nil {
		t.Fatalf("AddToCart (new guest): %v", err)
	}
	if guest.Token == "" || guest.UserID != 0 {
		t.Fatalf("guest ref %+v, want a new token", guest)
	}
	again, err := e.svc.AddToCart(ctx, guest, ps, 15)
	if err != nil || again.Token != guest.Token {
		t.Fatalf("AddToCart again = %+v, %v; want the same token", again, err)
	}
	if _, err := e.svc.AddToCart(ctx, guest, qs, lineCap+5); err != nil {
		t.Fatal(err)
	}
	c, err := e.svc.LoadCart(ctx, guest)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]int{p: min(10, lineCap), q: min(100, lineCap)}
	lines := c.Lines()
	if len(lines) != 2 {
		t.Fatalf("guest cart lines %+v, want 2", lines)
	}
	for _, l := range lines {
		if l.Quantity != want[l.ProductID] || l.Max != want[l.ProductID] || l.Problem != "" {
			t.Errorf("guest line %s: quantity %d max %d problem %q, want %d %d none", l.Slug, l.Quantity, l.Max, l.Problem, want[l.ProductID], want[l.ProductID])
		}
	}
	if !c.Ready || c.SubtotalVND != 10*35_000+int64(lineCap)*60_000 || c.ShippingVND != 30_000 {
		t.Errorf("cart ready %v subtotal %d shipping %d", c.Ready, c.SubtotalVND, c.ShippingVND)
	}
	if n, err := e.svc.CartCount(ctx, guest); err != nil || n != 10+lineCap {
		t.Errorf("CartCount = %d, %v; want %d", n, err, 10+lineCap)
	}
	uid := e.user("mua@example.vn")
	if ref, err := e.svc.AddToCart(ctx, order.CartRef{UserID: uid}, ps, 2); err != nil || ref.Token != "" {
		t.Errorf("AddToCart for a user = %+v, %v; want no token", ref, err)
	}
	if n, _ := e.svc.CartCount(ctx, order.CartRef{UserID: uid}); n != 2 {
		t.Errorf("user CartCount = %d, want 2", n)
	}
}

// seedCart writes a cart straight into the tables (a guest's by the
// SHA-256 of its token, as the schema says), so that the tests of merging
// and loading do not depend on AddToCart.
func (e *env) seedCart(ref order.CartRef, lines map[int64]int) {
	e.t.Helper()
	var id int64
	if ref.UserID != 0 {
		id = e.int(`INSERT INTO cart (user_id) VALUES ($1) RETURNING id`, ref.UserID)
	} else {
		h := sha256.Sum256([]byte(ref.Token))
		id = e.int(`INSERT INTO cart (token_hash) VALUES ($1) RETURNING id`, h[:])
	}
	for p, q := range lines {
		e.f.Exec(`INSERT INTO cart_line (cart_id, product_id, quantity) VALUES ($1, $2, $3)`, id, p, q)
	}
}

// TestCartMergeLoadCount: merging a guest cart at sign-in adds up
// quantities, capped at what may be ordered; a product whose certificate
// was revoked is flagged; the count is the units.
func TestCartMergeLoadCount(t *testing.T) {
	t.Parallel()
	e := newEnv(t, order.Options{})
	ctx := ctxT(t)
	pr := e.f.Producer("HTX Cam Sành", "19")
	p, _ := e.product(pr, "Cam sành Hàm Yên", 35_000) // stock 10
	q, qs := e.product(pr, "Bưởi Đoan Hùng", 60_000)
	e.f.Exec(`UPDATE product SET stock = 100 WHERE id = $1`, q)
	r, _ := e.product(pr, "Hồng không hạt", 80_000)
	lineCap := e.svc.LineCap()

	guest := order.CartRef{Token: "guest-cookie-token-for-the-test"}
	e.seedCart(guest, map[int64]int{p: 8, q: 15})
	uid := e.user("mua@example.vn")
	user := order.CartRef{UserID: uid}
	e.seedCart(user, map[int64]int{p: 4, q: 12, r: 1})
	if n, err := e.svc.CartCount(ctx, guest); err != nil || n != 23 {
		t.Errorf("guest CartCount = %d, %v; want 23", n, err)
	}
	if n, _ := e.svc.CartCount(ctx, order.CartRef{Token: "unknown"}); n != 0 {
		t.Errorf("unknown token's CartCount = %d", n)
	}

	if err := e.svc.MergeCart(ctx, guest.Token, uid); err != nil {
		t.Fatal(err)
	}
	c, err := e.svc.LoadCart(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	// p: 4 + 8 capped at min(stock 10, cap); q: 12 + 15 capped at min(100, lineCap)
	want := map[int64]int{p: min(10, lineCap), q: min(100, lineCap), r: 1}
	if len(c.Lines()) != 3 {
		t.Errorf("merged cart %+v, want 3 lines", c.Lines())
	}
	for _, l := range c.Lines() {
		if l.Quantity != want[l.ProductID] {
			t.Errorf("merged line %s: quantity %d, want %d = min(sum, stock, line cap)", l.Slug, l.Quantity, want[l.ProductID])
		}
	}
	if !c.Ready {
		t.Errorf("merged cart not ready: %+v", c.Lines())
	}
	if n, _ := e.svc.CartCount(ctx, guest); n != 0 {
		t.Errorf("guest cart still counts %d after the merge", n)
	}
	if n := e.int(`SELECT count(*) FROM cart WHERE user_id IS NULL`); n != 0 {
		t.Errorf("%d guest carts left, want 0", n)
	}
	// merging again (the cookie replayed) does nothing
	if err := e.svc.MergeCart(ctx, guest.Token, uid); err != nil {
		t.Errorf("second merge: %v", err)
	}
	// (what follows does not depend on the merge's cap)
	if err := e.svc.SetQuantity(ctx, user, p, 10); err != nil {
		t.Fatal(err)
	}

	// a revoked certificate makes its line a problem
	e.f.Exec(`UPDATE certificate SET status = 'revoked', revoked_on = current_date WHERE product_id = $1`, r)
	c, err = e.svc.LoadCart(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	if c.Ready {
		t.Errorf("cart with an uncertified product is ready")
	}
	var sub int64
	for _, l := range c.Lines() {
		switch l.ProductID {
		case r:
			if l.Problem != order.ProblemUncertified {
				t.Errorf("revoked product's problem = %q, want %q", l.Problem, order.ProblemUncertified)
			}
		default:
			if l.Problem != "" {
				t.Errorf("line %s problem = %q", l.Slug, l.Problem)
			}
			sub += l.LineTotalVND
		}
	}
	if c.SubtotalVND != sub {
		t.Errorf("subtotal %d, want only the certified lines %d", c.SubtotalVND, sub)
	}
	units := 0
	for _, l := range c.Lines() {
		units += l.Quantity
	}
	if n, err := e.svc.CartCount(ctx, user); err != nil || n != units || c.Count != units {
		t.Errorf("CartCount(user) = %d, %v, Cart.Count %d; want %d", n, err, c.Count, units)
	}

	// SetQuantity caps at the stock and the line cap; 0 removes
	if err := e.svc.SetQuantity(ctx, user, q, 1000); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SetQuantity(ctx, user, r, 0); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SetQuantity(ctx, user, p, 9); err != nil {
		t.Fatal(err)
	}
	c, _ = e.svc.LoadCart(ctx, user)
	got := map[int64]int{}
	for _, l := range c.Lines() {
		got[l.ProductID] = l.Quantity
	}
	if len(got) != 2 || got[p] != min(9, lineCap) || got[q] != lineCap || !c.Ready {
		t.Errorf("after SetQuantity: %v ready %v; want %d × %d and %d × %d", got, c.Ready, p, min(9, lineCap), q, lineCap)
	}

	// checking out from the cart removes the ordered lines only
	in := checkout(order.MethodCOD, line(qs, 2))
	in.UserID, in.FromCart = uid, &user
	if _, _, err := e.svc.Place(ctx, in, nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.svc.CartCount(ctx, user); n != min(9, lineCap) {
		t.Errorf("cart count after checkout = %d, want %d (the line not ordered)", n, min(9, lineCap))
	}
}

// TestStockOnlyChangeDoesNotBumpCatalog: a sale that leaves the product in
// stock touches neither the catalog version nor the search outbox.
func TestStockOnlyChangeDoesNotBumpCatalog(t *testing.T) {
	t.Parallel()
	e := newEnv(t, order.Options{})
	ctx := ctxT(t)
	pr := e.f.Producer("HTX Trà Hoa Vàng", "19")
	id, slug := e.product(pr, "Trà hoa vàng", 500_000) // stock 10
	version := func() int64 { return e.int(`SELECT version FROM catalog_state`) }
	outbox := func() int64 { return e.int(`SELECT count(*) FROM search_outbox WHERE product_id = $1`, id) }
	e.f.Exec(`DELETE FROM search_outbox`)

	steps := []struct {
		name   string
		do     func()
		bumped bool
	}{
		{"stock 10 → 9", func() { e.f.Exec(`UPDATE product SET stock = stock - 1 WHERE id = $1`, id) }, false},
		{"stock 9 → 20", func() { e.f.Exec(`UPDATE product SET stock = 20 WHERE id = $1`, id) }, false},
		{"checkout of 2", func() {
			if _, _, err := e.svc.Place(ctx, checkout(order.MethodCOD, line(slug, 2)), nil); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"stock and updated_at", func() { e.f.Exec(`UPDATE product SET stock = stock - 1, updated_at = now() WHERE id = $1`, id) }, false},
		{"price change", func() { e.f.Exec(`UPDATE product SET price_vnd = 480000 WHERE id = $1`, id) }, true},
		{"stock to 0", func() { e.f.Exec(`UPDATE product SET stock = 0 WHERE id = $1`, id) }, true},
		{"stock back from 0", func() { e.f.Exec(`UPDATE product SET stock = 3 WHERE id = $1`, id) }, true},
		{"name change with stock", func() { e.f.Exec(`UPDATE product SET stock = 2, description = 'Mới' WHERE id = $1`, id) }, true},
	}
	for _, st := range steps {
		v0 := version()
		e.f.Exec(`DELETE FROM search_outbox`)
		st.do()
		if got := version() != v0; got != st.bumped {
			t.Errorf("%s: catalog version bumped = %v, want %v", st.name, got, st.bumped)
		}
		if got := outbox() > 0; got != st.bumped {
			t.Errorf("%s: search outbox queued = %v, want %v", st.name, got, st.bumped)
		}
	}
}

// TestMessagesQueuedInCheckoutTx: with a real River client the checkout
// and each told transition queue an order_message job in their own
// transaction; a refused one queues none.
func TestMessagesQueuedInCheckoutTx(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewDB(t)
	queue, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	f := catalogtest.Fixture{T: t, Pool: pool}
	f.Exec(`INSERT INTO commune (code, province_code, name, full_name, kind, name_fold) VALUES ('05800', '19', 'Phú Đô', 'Xã Phú Đô', 'xa', 'phu do')`)
	svc, err := order.New(pool, order.Options{TokenKey: []byte(tokenKey), Queue: queue})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, pool: pool, f: f, svc: svc}
	ctx := ctxT(t)
	pr := e.f.Producer("HTX Tương Bần", "19")
	id, slug := e.product(pr, "Tương nếp", 45_000)

	jobs := func() []order.Message {
		t.Helper()
		rows, err := pool.Query(ctx, `SELECT args FROM river_job WHERE kind = 'order_message' ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []order.Message
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&b); err != nil {
				t.Fatal(err)
			}
			var m order.Message
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			out = append(out, m)
		}
		return out
	}

	g, _, err := svc.Place(ctx, checkout(order.MethodCOD, line(slug, 2)), nil)
	if err != nil {
		t.Fatal(err)
	}
	js := jobs()
	if len(js) != 1 || js[0].Event != order.EventPlaced || js[0].GroupID != g.ID {
		t.Fatalf("jobs after checkout %+v, want one placed of group %d", js, g.ID)
	}
	// a refused checkout (too little stock) and a refused transition queue nothing
	f.Exec(`UPDATE product SET stock = 1 WHERE id = $1`, id)
	if _, _, err := svc.Place(ctx, checkout(order.MethodCOD, line(slug, 2)), nil); apperr.KindOf(err) != apperr.Conflict {
		t.Fatalf("short checkout: %v", err)
	}
	// a payment hook that fails rolls the message back too
	hookErr := errors.New("payment refused")
	if _, _, err := svc.Place(ctx, checkout(order.MethodCOD, line(slug, 1)), func(context.Context, pgx.Tx, *order.Group, []order.PlacedPart) error {
		return hookErr
	}); !errors.Is(err, hookErr) {
		t.Fatalf("failing hook: %v", err)
	}
	code := g.Orders[0].Code
	if _, err := svc.Transition(ctx, pr, code, order.Change{To: order.Shipped, Party: order.ByProducer}); err == nil {
		t.Fatal("shipping an unconfirmed order succeeded")
	}
	if js := jobs(); len(js) != 1 {
		t.Fatalf("jobs after refused changes %+v, want still 1", js)
	}
	if s := e.stock(id); s != 1 {
		t.Errorf("stock after the failed hook = %d, want 1", s)
	}
	if _, err := svc.Transition(ctx, pr, code, order.Change{To: order.Confirmed, Party: order.ByProducer}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Transition(ctx, pr, code, order.Change{To: order.Shipped, Party: order.ByProducer, Carrier: "GHN", TrackingNo: "GHN1"}); err != nil {
		t.Fatal(err)
	}
	js = jobs()
	if len(js) != 2 || js[1].Event != order.EventShipped || js[1].OrderID != g.Orders[0].ID {
		t.Errorf("jobs %+v, want placed then shipped of order %d", js, g.Orders[0].ID)
	}
	mails, err := svc.Compose(ctx, js[1], "https://ocop.test")
	if err != nil || len(mails) != 1 || mails[0].To != "hoa@example.vn" {
		t.Errorf("Compose(shipped) = %+v, %v; want one mail to the shopper", mails, err)
	}
}

// TestCheckoutRacingRestock: the stock a checkout reads to price its
// lines may be older than the stock it takes (read committed: two
// statements, two snapshots). Shoppers buy while the producer keeps
// editing the stock between 0 and 5 (sold out, restocked); every order
// placed must charge for what it contains: subtotal = Σ unit price ×
// quantity, total = subtotal + shipping. (The race is caught by chance,
// not forced; each run makes many attempts.)
func TestCheckoutRacingRestock(t *testing.T) {
	t.Parallel()
	e := newEnv(t, order.Options{})
	ctx := ctxT(t)
	pr := e.f.Producer("HTX Gà Đồi", "19")
	id, slug := e.product(pr, "Gà đồi ủ muối", 250_000)

	stop := make(chan struct{})
	var restocks sync.WaitGroup
	restocks.Add(1)
	go func() {
		defer restocks.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := e.pool.Exec(ctx, `UPDATE product SET stock = $2 WHERE id = $1`, id, 5*(i%2)); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	const shoppers, each = 4, 40
	var wg sync.WaitGroup
	for range shoppers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				_, _, err := e.svc.Place(ctx, checkout(order.MethodCOD, line(slug, 1)), nil)
				if err != nil && apperr.KindOf(err) != apperr.Conflict {
					t.Errorf("Place: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	restocks.Wait()

	placed := e.int(`SELECT count(*) FROM shop_order`)
	bad := e.int(`SELECT count(*) FROM shop_order o WHERE o.subtotal_vnd <> (SELECT sum(unit_price_vnd * quantity) FROM order_item WHERE order_id = o.id)
		OR o.total_vnd <> o.subtotal_vnd + 30000`)
	free := e.int(`SELECT count(*) FROM shop_order WHERE total_vnd = 0`)
	if bad > 0 {
		t.Errorf("%d of %d orders do not charge for their items (%d with a total of 0 đồng)", bad, placed, free)
	}
	if placed == 0 {
		t.Error("no order was placed")
	}
	t.Logf("%d orders placed", placed)
}
