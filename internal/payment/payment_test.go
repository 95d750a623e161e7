package payment_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/order"
	"github.com/ocopvn/ocop/internal/payment"
	"github.com/ocopvn/ocop/internal/payment/stripecard"
	"github.com/ocopvn/ocop/internal/payment/stripecard/stripecardtest"
	"github.com/ocopvn/ocop/internal/payment/vietqr"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/vntext"
)

const (
	webhookSecret = "whsec_test"
	bankSecret    = "bank-secret"
)

// clock is a test clock both services read.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

type env struct {
	t      *testing.T
	pool   *pgxpool.Pool
	f      catalogtest.Fixture
	orders *order.Service
	pay    *payment.Service
	clock  *clock
}

func newEnv(t *testing.T) *env {
	t.Helper()
	pool := pgtest.NewDB(t)
	f := catalogtest.Fixture{T: t, Pool: pool}
	f.Exec(`INSERT INTO commune (code, province_code, name, full_name, kind, name_fold) VALUES
		('05800', '19', 'Phú Đô', 'Xã Phú Đô', 'xa', 'phu do')`)
	c := &clock{}
	orders, err := order.New(pool, order.Options{TokenKey: []byte("payment-test-token-key-0123456789"), Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	card := stripecard.New(stripecard.Config{SecretKey: "sk_test_123", WebhookSecret: webhookSecret, BaseURL: stripecardtest.URL(t)})
	pay := payment.New(pool, orders, payment.Options{Stripe: card, BankSecret: bankSecret, BaseURL: "https://ocop.test", Now: c.Now,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	return &env{t: t, pool: pool, f: f, orders: orders, pay: pay, clock: c}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// product inserts a published, certified product with the given stock and
// returns its id and slug.
func (e *env) product(producer int64, name string, price int64, stock int) (int64, string) {
	e.t.Helper()
	id := e.f.Product(producer, catalogtest.Product{Name: name, Group: "I.5.a", Price: price, Star: 4})
	e.f.Exec(`UPDATE product SET stock = $2 WHERE id = $1`, id, stock)
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

// statuses returns the group's orders' states, in order.
func (e *env) statuses(groupID int64) []string {
	e.t.Helper()
	rows, err := e.pool.Query(context.Background(), `SELECT status FROM shop_order WHERE group_id = $1 ORDER BY code`, groupID)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func allAre(ss []string, want string) bool {
	for _, s := range ss {
		if s != want {
			return false
		}
	}
	return len(ss) > 0
}

func checkout(method string, lines ...order.LineInput) order.CheckoutInput {
	return order.CheckoutInput{
		Lines:    lines,
		Buyer:    order.Buyer{Name: "Trần Văn Bình", Phone: "0987654321", Email: "binh@example.vn"},
		Shipping: order.Address{ProvinceCode: "19", CommuneCode: "05800", Address: "Tổ 5, phường Phan Đình Phùng"},
		Method:   method,
	}
}

func line(slug string, q int) order.LineInput { return order.LineInput{Product: slug, Quantity: q} }

func (e *env) checkout(ctx context.Context, method string, lines ...order.LineInput) *payment.Result {
	e.t.Helper()
	r, err := e.pay.Checkout(ctx, checkout(method, lines...))
	if err != nil {
		e.t.Fatalf("Checkout(%s): %v", method, err)
	}
	return r
}

func (e *env) payment(groupID int64) *payment.Payment {
	e.t.Helper()
	p, err := e.pay.ByGroup(context.Background(), groupID)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// Stripe objects as webhooks carry them.
func intentSucceeded(pi, group string, amount int64, currency string) map[string]any {
	return map[string]any{"id": pi, "object": "payment_intent", "amount": amount, "amount_received": amount, "currency": currency,
		"status": "succeeded", "metadata": map[string]any{"ocop_group": group}}
}

func intentFailed(pi, group string, amount int64) map[string]any {
	return map[string]any{"id": pi, "object": "payment_intent", "amount": amount, "amount_received": 0, "currency": "vnd",
		"status": "requires_payment_method", "metadata": map[string]any{"ocop_group": group}}
}

func chargeRefunded(ch, pi, group string, refunded int64) map[string]any {
	return map[string]any{"id": ch, "object": "charge", "amount": refunded, "amount_refunded": refunded, "refunded": true,
		"currency": "vnd", "payment_intent": pi, "metadata": map[string]any{"ocop_group": group}}
}

func sessionCompleted(cs, pi, group string, amount int64) map[string]any {
	return map[string]any{"id": cs, "object": "checkout.session", "status": "complete", "payment_status": "paid",
		"amount_total": amount, "currency": "vnd", "client_reference_id": group, "payment_intent": pi,
		"metadata": map[string]any{"ocop_group": group}}
}

func sessionExpired(cs, group string, amount int64) map[string]any {
	return map[string]any{"id": cs, "object": "checkout.session", "status": "expired", "payment_status": "unpaid",
		"amount_total": amount, "currency": "vnd", "client_reference_id": group, "metadata": map[string]any{"ocop_group": group}}
}

// webhook delivers a signed Stripe event.
func (e *env) webhook(ctx context.Context, id, typ string, object map[string]any) (string, error) {
	body := stripecardtest.EventJSON(id, typ, object)
	return e.pay.HandleStripeWebhook(ctx, body, stripecardtest.Signed(e.t, webhookSecret, body))
}

// bank delivers a bank notification signed with secret.
func (e *env) bank(ctx context.Context, secret, id string, amount int64, memo string) (string, error) {
	body, _ := json.Marshal(payment.BankNotification{ID: id, AmountVND: amount, Memo: memo, Account: "0011001932418"})
	return e.pay.HandleBankNotification(ctx, body, payment.SignBankNotification(secret, body))
}

// TestStripeWebhookSignatureAndDedup: a badly signed webhook changes
// nothing; one event delivered five times (concurrently) takes effect once.
func TestStripeWebhookSignatureAndDedup(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	a := e.f.Producer("HTX Chè La Bằng", "19")
	b := e.f.Producer("HTX Gạo Bao Thai", "19")
	_, as := e.product(a, "Chè La Bằng", 180_000, 10)
	_, bs := e.product(b, "Gạo bao thai Định Hoá", 45_000, 10)

	r := e.checkout(ctx, order.MethodCard, line(as, 1), line(bs, 2))
	g := r.Group
	if !r.Created || len(g.Orders) != 2 || !allAre(e.statuses(g.ID), string(order.PendingPayment)) {
		t.Fatalf("card checkout: created %v, orders %v", r.Created, e.statuses(g.ID))
	}
	p := e.payment(g.ID)
	if p.Status != payment.StatusPending || p.AmountVND != g.TotalVND || !strings.HasPrefix(p.StripeSession, "cs_") || p.CheckoutURL == "" {
		t.Fatalf("payment %+v: want pending, a session and its URL", p)
	}
	if r.CheckoutURL != p.CheckoutURL {
		t.Errorf("Result.CheckoutURL %q, want the session's %q", r.CheckoutURL, p.CheckoutURL)
	}

	body := stripecardtest.EventJSON("evt_paid_1", stripecard.EventPaymentSucceeded, intentSucceeded("pi_dedup_1", g.Code, g.TotalVND, "vnd"))
	for name, sig := range map[string]string{
		"wrong secret":  stripecardtest.Signed(t, "whsec_other", body),
		"other body":    stripecardtest.Signed(t, webhookSecret, []byte(`{"id":"evt_x"}`)),
		"stale":         stripecardtest.SignedAt(t, webhookSecret, body, time.Now().Add(-time.Hour)),
		"no signature":  "",
		"garbage":       "t=1,v1=zz",
		"signed tamper": stripecardtest.Signed(t, webhookSecret, body) + "0",
	} {
		effect, err := e.pay.HandleStripeWebhook(ctx, body, sig)
		if apperr.KindOf(err) != apperr.Invalid || effect != "" {
			t.Errorf("%s: %q, %v; want an Invalid error", name, effect, err)
		}
	}
	if st := e.payment(g.ID).Status; st != payment.StatusPending {
		t.Errorf("payment %s after bad signatures, want pending", st)
	}
	if n := e.int(`SELECT count(*) FROM payment_event`); n != 0 {
		t.Errorf("%d payment events recorded from bad signatures", n)
	}

	const deliveries = 5
	effects := make([]string, deliveries)
	errs := make([]error, deliveries)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range deliveries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			effects[i], errs[i] = e.pay.HandleStripeWebhook(ctx, body, stripecardtest.Signed(t, webhookSecret, body))
		}()
	}
	close(start)
	wg.Wait()
	count := map[string]int{}
	for i, eff := range effects {
		if errs[i] != nil {
			t.Errorf("delivery %d: %v", i, errs[i])
		}
		count[eff]++
	}
	if count[payment.EffectPaid] != 1 || count[payment.EffectDuplicate] != deliveries-1 {
		t.Errorf("effects %v, want 1 paid and %d duplicate", count, deliveries-1)
	}
	if eff, err := e.pay.HandleStripeWebhook(ctx, body, stripecardtest.Signed(t, webhookSecret, body)); err != nil || eff != payment.EffectDuplicate {
		t.Errorf("a later redelivery: %q, %v; want duplicate", eff, err)
	}
	p = e.payment(g.ID)
	if p.Status != payment.StatusPaid || p.ReceivedVND != g.TotalVND || p.StripeIntent != "pi_dedup_1" || p.PaidAt == nil {
		t.Errorf("payment %+v, want paid with the intent recorded", p)
	}
	if st := e.statuses(g.ID); !allAre(st, string(order.Paid)) {
		t.Errorf("orders %v, want all paid", st)
	}
	if n := e.int(`SELECT count(*) FROM audit_log WHERE entity = 'order' AND action = 'paid'`); n != 2 {
		t.Errorf("%d paid audit rows, want 2 (one per order)", n)
	}
	// the session's own report of the same payment changes nothing more
	if eff, err := e.webhook(ctx, "evt_sess_1", stripecard.EventSessionCompleted, sessionCompleted(p.StripeSession, "pi_dedup_1", g.Code, g.TotalVND)); err != nil || eff != payment.EffectIgnored {
		t.Errorf("session completed after paid: %q, %v; want ignored", eff, err)
	}
	// an event of a type the marketplace ignores, or about another group
	if eff, err := e.webhook(ctx, "evt_other", "customer.created", map[string]any{"id": "cus_1", "object": "customer"}); err != nil || eff != payment.EffectIgnored {
		t.Errorf("unrelated event: %q, %v; want ignored", eff, err)
	}
	if eff, err := e.webhook(ctx, "evt_unknown_group", stripecard.EventPaymentSucceeded, intentSucceeded("pi_unknown", "OCOP00000000", 1000, "vnd")); err != nil || eff != payment.EffectUnmatched {
		t.Errorf("unknown group: %q, %v; want unmatched", eff, err)
	}
}

// TestStripeEventsAnyOrder: whatever order Stripe delivers a paid and then
// refunded payment's events in, the payment and its orders end refunded.
func TestStripeEventsAnyOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	pr := e.f.Producer("HTX Miến Dong", "19")
	_, slug := e.product(pr, "Miến dong Bình Liêu", 70_000, 1000)

	kinds := []string{stripecard.EventPaymentSucceeded, stripecard.EventChargeRefunded, stripecard.EventSessionCompleted, stripecard.EventPaymentFailed,
		stripecard.EventSessionExpired}
	// the four events, then SECURITY.md P-03's (session.expired
	// instead of payment_failed)
	perms := append(permutations([]int{0, 1, 2, 3}), permutations([]int{0, 1, 2, 4})...)
	for n, perm := range perms {
		names := make([]string, len(perm))
		for i, k := range perm {
			names[i] = strings.TrimPrefix(strings.TrimPrefix(kinds[k], "payment_intent."), "checkout.session.")
		}
		t.Run(strings.Join(names, ","), func(t *testing.T) {
			r := e.checkout(ctx, order.MethodCard, line(slug, 1))
			g := r.Group
			pi := fmt.Sprintf("pi_perm_%d", n)
			total := g.TotalVND
			objects := []map[string]any{
				intentSucceeded(pi, g.Code, total, "vnd"),
				chargeRefunded(fmt.Sprintf("ch_perm_%d", n), pi, g.Code, total),
				sessionCompleted(e.payment(g.ID).StripeSession, pi, g.Code, total),
				intentFailed(pi, g.Code, total),
				sessionExpired(e.payment(g.ID).StripeSession, g.Code, total),
			}
			var effects []string
			for i, k := range perm {
				eff, err := e.webhook(ctx, fmt.Sprintf("evt_perm_%d_%d", n, i), kinds[k], objects[k])
				if err != nil {
					t.Fatalf("event %s: %v", kinds[k], err)
				}
				effects = append(effects, eff)
			}
			p := e.payment(g.ID)
			if p.Status != payment.StatusRefunded || p.RefundedVND != total {
				t.Errorf("payment %s refunded %d, want refunded %d (effects %v)", p.Status, p.RefundedVND, total, effects)
			}
			if st := e.statuses(g.ID); !allAre(st, string(order.Refunded)) {
				t.Errorf("orders %v, want refunded (effects %v)", st, effects)
			}
		})
	}
}

func permutations(xs []int) [][]int {
	if len(xs) <= 1 {
		return [][]int{append([]int(nil), xs...)}
	}
	var out [][]int
	for i := range xs {
		rest := append(append([]int(nil), xs[:i]...), xs[i+1:]...)
		for _, p := range permutations(rest) {
			out = append(out, append([]int{xs[i]}, p...))
		}
	}
	return out
}

// TestAmountMismatchNeedsReview: money that is not what was ordered puts
// the payment in needs_review and leaves the orders unpaid.
func TestAmountMismatchNeedsReview(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	pr := e.f.Producer("HTX Mơ Lông", "19")
	_, slug := e.product(pr, "Ô mai mơ", 65_000, 100)

	tests := []struct {
		name     string
		amount   func(total int64) int64
		currency string
	}{
		{"1000 short", func(total int64) int64 { return total - 1000 }, "vnd"},
		{"1000 over", func(total int64) int64 { return total + 1000 }, "vnd"},
		{"another currency", func(total int64) int64 { return total }, "usd"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.checkout(ctx, order.MethodCard, line(slug, 2))
			g := r.Group
			amount := tt.amount(g.TotalVND)
			eff, err := e.webhook(ctx, fmt.Sprintf("evt_mismatch_%d", i), stripecard.EventPaymentSucceeded,
				intentSucceeded(fmt.Sprintf("pi_mismatch_%d", i), g.Code, amount, tt.currency))
			if err != nil || eff != payment.EffectReview {
				t.Fatalf("effect %q, %v; want needs_review", eff, err)
			}
			p := e.payment(g.ID)
			if p.Status != payment.StatusNeedsReview || p.ReceivedVND != amount || p.ReviewReason == "" || p.PaidAt != nil {
				t.Errorf("payment %+v, want needs_review with %d received and a reason", p, amount)
			}
			if st := e.statuses(g.ID); !allAre(st, string(order.PendingPayment)) {
				t.Errorf("orders %v, want still pending_payment", st)
			}
			if n := e.int(`SELECT count(*) FROM audit_log WHERE entity = 'payment' AND action = 'needs_review' AND entity_id = $1`, p.ID); n != 1 {
				t.Errorf("%d needs_review audit rows, want 1", n)
			}
			// the right amount afterwards does not sneak past the review
			eff, err = e.webhook(ctx, fmt.Sprintf("evt_mismatch_%d_b", i), stripecard.EventSessionCompleted,
				sessionCompleted(p.StripeSession, fmt.Sprintf("pi_mismatch_%d", i), g.Code, g.TotalVND))
			if err != nil || eff != payment.EffectIgnored || e.payment(g.ID).Status != payment.StatusNeedsReview {
				t.Errorf("later right amount: %q, %v; want ignored and still needs_review", eff, err)
			}
		})
	}
}

// TestVietQR: a one-producer transfer goes to the producer's account,
// several producers' to the platform's (or is refused without one); bank
// notifications are checked, matched by memo and applied once.
func TestVietQR(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	a := e.f.Producer("HTX A", "19")
	b := e.f.Producer("HTX Bún Bà Hai", "19")
	e.f.Exec(`UPDATE producer SET bank_bin = '970415', bank_account_no = '0011001932418', bank_account_name = 'HTX A' WHERE id = $1`, a)
	aID, as := e.product(a, "Chè móc câu A", 150_000, 10)
	bID, bs := e.product(b, "Bún khô Bà Hai", 30_000, 10)

	decode := func(t *testing.T, r *payment.Result) vietqr.Payload {
		t.Helper()
		if r.VietQR == "" {
			t.Fatal("no VietQR payload")
		}
		q, err := vietqr.Decode(r.VietQR)
		if err != nil {
			t.Fatalf("Decode(%q): %v", r.VietQR, err)
		}
		return q
	}

	one := e.checkout(ctx, order.MethodVietQR, line(as, 2))
	q := decode(t, one)
	if q.BIN != "970415" || q.Account != "0011001932418" || q.AmountVND != one.Group.TotalVND || q.Memo != one.Group.Code {
		t.Errorf("VietQR %+v, want 970415/0011001932418, %d, memo %s", q, one.Group.TotalVND, one.Group.Code)
	}
	if p := e.payment(one.Group.ID); p.Payee != payment.PayeeProducer || p.BankAccountName != "HTX A" || p.Status != payment.StatusPending {
		t.Errorf("payment %+v, want pending to the producer", p)
	}
	// (the deadline is read from the clock a moment after created_at)
	if pb := one.Group.PayBy; pb == nil || pb.Sub(one.Group.CreatedAt) < order.DefaultPayWindow || pb.Sub(one.Group.CreatedAt) > order.DefaultPayWindow+time.Second {
		t.Errorf("pay by %v (created %v), want created + %v", one.Group.PayBy, one.Group.CreatedAt, order.DefaultPayWindow)
	}

	// two producers and no platform account: refused, nothing written
	groups := e.int(`SELECT count(*) FROM order_group`)
	_, err := e.pay.Checkout(ctx, checkout(order.MethodVietQR, line(as, 1), line(bs, 1)))
	var fe apperr.FieldErrors
	if !errors.As(err, &fe) || fe["payment_method"] == "" {
		t.Errorf("two-producer VietQR without a platform account: %v, want FieldErrors payment_method", err)
	}
	if n := e.int(`SELECT count(*) FROM order_group`); n != groups {
		t.Errorf("%d groups after the refused checkout, want %d", n, groups)
	}
	if s := e.int(`SELECT stock FROM product WHERE id = $1`, bID); s != 10 {
		t.Errorf("stock %d after the refused checkout, want 10", s)
	}
	if s := e.int(`SELECT stock FROM product WHERE id = $1`, aID); s != 8 {
		t.Errorf("stock %d, want 8", s)
	}

	e.f.Exec(`UPDATE marketplace_setting SET bank_bin = '970436', bank_account_no = '1023456789', bank_account_name = 'CONG TY SAN OCOP'`)
	two := e.checkout(ctx, order.MethodVietQR, line(as, 1), line(bs, 1))
	q = decode(t, two)
	if q.BIN != "970436" || q.Account != "1023456789" || q.AmountVND != two.Group.TotalVND || q.Memo != two.Group.Code {
		t.Errorf("platform VietQR %+v, want 970436/1023456789, %d, memo %s", q, two.Group.TotalVND, two.Group.Code)
	}
	if p := e.payment(two.Group.ID); p.Payee != payment.PayeePlatform {
		t.Errorf("payee %s, want platform", p.Payee)
	}

	// bank notifications
	code := one.Group.Code
	// spaced, lower-cased, after text that looks like a code
	memo := "CK don cu OCOP 1234 5678, don moi " + strings.ToLower(code[:6]) + " " + strings.ToLower(code[6:]) + " chuyen tien"
	total := one.Group.TotalVND
	if eff, err := e.bank(ctx, "wrong-secret", "ft-1", total, memo); apperr.KindOf(err) != apperr.Invalid || eff != "" {
		t.Errorf("wrong HMAC: %q, %v; want Invalid", eff, err)
	}
	if n := e.int(`SELECT count(*) FROM payment_event`); n != 0 {
		t.Errorf("%d events after a wrong HMAC", n)
	}
	if p := e.payment(one.Group.ID); p.Status != payment.StatusPending {
		t.Errorf("payment %s after a wrong HMAC, want pending", p.Status)
	}
	if eff, err := e.bank(ctx, bankSecret, "ft-1", total, memo); err != nil || eff != payment.EffectPaid {
		t.Errorf("notification: %q, %v; want paid", eff, err)
	}
	if p := e.payment(one.Group.ID); p.Status != payment.StatusPaid || p.ReceivedVND != total {
		t.Errorf("payment %+v, want paid %d", p, total)
	}
	if st := e.statuses(one.Group.ID); !allAre(st, string(order.Paid)) {
		t.Errorf("orders %v, want paid", st)
	}
	if eff, err := e.bank(ctx, bankSecret, "ft-1", total, memo); err != nil || eff != payment.EffectDuplicate {
		t.Errorf("same notification again: %q, %v; want duplicate", eff, err)
	}
	if eff, err := e.bank(ctx, bankSecret, "ft-2", 5000, "tien an sang"); err != nil || eff != payment.EffectUnmatched {
		t.Errorf("memo without a code: %q, %v; want unmatched", eff, err)
	}
	// the platform group: a wrong amount goes to review
	code2 := two.Group.Code
	if eff, err := e.bank(ctx, bankSecret, "ft-3", two.Group.TotalVND-1, "Thanh toan "+code2); err != nil || eff != payment.EffectReview {
		t.Errorf("amount mismatch: %q, %v; want needs_review", eff, err)
	}
	if p := e.payment(two.Group.ID); p.Status != payment.StatusNeedsReview {
		t.Errorf("payment %s, want needs_review", p.Status)
	}
	if st := e.statuses(two.Group.ID); !allAre(st, string(order.PendingPayment)) {
		t.Errorf("orders %v, want still pending_payment", st)
	}
	// a VietQR payment is not shown once paid
	if r, err := e.pay.Result(ctx, one.Group); err != nil || r.VietQR != "" {
		t.Errorf("Result of a paid group: VietQR %q, %v; want none", r.VietQR, err)
	}
}

// TestExpireUnpaid: an unpaid transfer past its deadline releases its
// orders and stock; COD is untouched; money that comes later is reviewed.
func TestExpireUnpaid(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	pr := e.f.Producer("HTX Chè Khe Cốc", "19")
	e.f.Exec(`UPDATE producer SET bank_bin = '970415', bank_account_no = '0011001932418', bank_account_name = 'HTX KHE COC' WHERE id = $1`, pr)
	id, slug := e.product(pr, "Chè Khe Cốc", 200_000, 10)
	stock := func() int64 { return e.int(`SELECT stock FROM product WHERE id = $1`, id) }

	qr := e.checkout(ctx, order.MethodVietQR, line(slug, 2))
	cod := e.checkout(ctx, order.MethodCOD, line(slug, 1))
	if s := stock(); s != 7 {
		t.Fatalf("stock %d, want 7", s)
	}
	if n, err := e.pay.ExpireUnpaid(ctx); err != nil || n != 0 {
		t.Errorf("ExpireUnpaid before the deadline = %d, %v; want 0", n, err)
	}
	e.clock.Advance(order.DefaultPayWindow - time.Minute)
	if n, err := e.pay.ExpireUnpaid(ctx); err != nil || n != 0 {
		t.Errorf("ExpireUnpaid a minute before the deadline = %d, %v; want 0", n, err)
	}
	e.clock.Advance(2 * time.Minute)
	if n, err := e.pay.ExpireUnpaid(ctx); err != nil || n != 1 {
		t.Errorf("ExpireUnpaid past the deadline = %d, %v; want 1", n, err)
	}
	if st := e.statuses(qr.Group.ID); !allAre(st, string(order.Cancelled)) {
		t.Errorf("transfer orders %v, want cancelled", st)
	}
	if by := e.str(`SELECT cancelled_by FROM shop_order WHERE group_id = $1`, qr.Group.ID); by != "system" {
		t.Errorf("cancelled by %s, want system", by)
	}
	if s := stock(); s != 9 {
		t.Errorf("stock %d after expiry, want 9", s)
	}
	if p := e.payment(qr.Group.ID); p.Status != payment.StatusExpired {
		t.Errorf("payment %s, want expired", p.Status)
	}
	if st := e.statuses(cod.Group.ID); !allAre(st, string(order.CODPending)) {
		t.Errorf("COD orders %v, want untouched", st)
	}
	if p := e.payment(cod.Group.ID); p.Status != payment.StatusCOD {
		t.Errorf("COD payment %s, want cod", p.Status)
	}
	if n, err := e.pay.ExpireUnpaid(ctx); err != nil || n != 0 {
		t.Errorf("ExpireUnpaid again = %d, %v; want 0", n, err)
	}
	if s := stock(); s != 9 {
		t.Errorf("stock %d after a second expiry run, want 9", s)
	}

	eff, err := e.bank(ctx, bankSecret, "ft-late", qr.Group.TotalVND, qr.Group.Code)
	if err != nil || eff != payment.EffectReview {
		t.Errorf("late transfer: %q, %v; want needs_review", eff, err)
	}
	if p := e.payment(qr.Group.ID); p.Status != payment.StatusNeedsReview || p.ReceivedVND != qr.Group.TotalVND {
		t.Errorf("payment %+v, want needs_review with the money recorded", p)
	}
	if st := e.statuses(qr.Group.ID); !allAre(st, string(order.Cancelled)) {
		t.Errorf("orders %v after the late transfer, want still cancelled", st)
	}
	if s := stock(); s != 9 {
		t.Errorf("stock %d after the late transfer, want 9", s)
	}
}

// TestRefundCard: refunding paid card orders goes through Stripe; the
// payment is refunded when every order is.
func TestRefundCard(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	a := e.f.Producer("HTX Dứa Đồng Giao", "19")
	b := e.f.Producer("HTX Nếp Cái Hoa Vàng", "19")
	_, as := e.product(a, "Dứa sấy", 80_000, 10)
	_, bs := e.product(b, "Nếp cái hoa vàng", 60_000, 10)
	staff := audit.Actor{ActingAs: audit.AsStaff}

	r := e.checkout(ctx, order.MethodCard, line(as, 1), line(bs, 1))
	g := r.Group
	if err := e.pay.RefundOrder(ctx, staff, 0, g.Orders[0].Code); apperr.KindOf(err) != apperr.Conflict {
		t.Errorf("refund before payment: %v, want a 409", err)
	}
	if eff, err := e.webhook(ctx, "evt_refund_paid", stripecard.EventPaymentSucceeded, intentSucceeded("pi_refund_1", g.Code, g.TotalVND, "vnd")); err != nil || eff != payment.EffectPaid {
		t.Fatalf("pay: %q, %v", eff, err)
	}
	if err := e.pay.RefundOrder(ctx, staff, b, g.Orders[0].Code); !errors.Is(err, order.ErrNotFound) {
		t.Errorf("refund of another producer's order: %v, want ErrNotFound", err)
	}

	first, second := g.Orders[0], g.Orders[1]
	if err := e.pay.RefundOrder(ctx, staff, first.ProducerID, first.Code); err != nil {
		t.Fatalf("RefundOrder: %v", err)
	}
	if st, ref := e.str(`SELECT status FROM shop_order WHERE code = $1`, first.Code), e.int(`SELECT refunded_vnd FROM shop_order WHERE code = $1`, first.Code); st != "refunded" || ref != first.TotalVND {
		t.Errorf("first order %s refunded %d, want refunded %d", st, ref, first.TotalVND)
	}
	if p := e.payment(g.ID); p.Status != payment.StatusPaid || p.RefundedVND != first.TotalVND {
		t.Errorf("payment %s refunded %d after one of two, want paid with %d refunded", p.Status, p.RefundedVND, first.TotalVND)
	}
	if err := e.pay.RefundOrder(ctx, staff, 0, first.Code); apperr.KindOf(err) != apperr.Conflict {
		t.Errorf("refunding twice: %v, want a 409", err)
	}
	// Stripe's report of that refund changes nothing more
	if eff, err := e.webhook(ctx, "evt_refund_1", stripecard.EventChargeRefunded, chargeRefunded("ch_refund_1", "pi_refund_1", g.Code, first.TotalVND)); err != nil || eff != payment.EffectIgnored {
		t.Errorf("charge.refunded of the first refund: %q, %v; want ignored", eff, err)
	}
	if err := e.pay.RefundOrder(ctx, staff, 0, second.Code); err != nil {
		t.Fatalf("RefundOrder(second): %v", err)
	}
	if p := e.payment(g.ID); p.Status != payment.StatusRefunded || p.RefundedVND != g.TotalVND {
		t.Errorf("payment %s refunded %d, want refunded %d", p.Status, p.RefundedVND, g.TotalVND)
	}
	if st := e.statuses(g.ID); !allAre(st, string(order.Refunded)) {
		t.Errorf("orders %v, want refunded", st)
	}

	// a paid order the producer cancels is refunded after; its stock came
	// back once, with the cancellation
	r2 := e.checkout(ctx, order.MethodCard, line(as, 3))
	o := r2.Group.Orders[0]
	stock := func() int64 { return e.int(`SELECT stock FROM product WHERE slug = $1`, as) }
	before := stock()
	if eff, err := e.webhook(ctx, "evt_refund_paid_2", stripecard.EventPaymentSucceeded, intentSucceeded("pi_refund_2", r2.Group.Code, r2.Group.TotalVND, "vnd")); err != nil || eff != payment.EffectPaid {
		t.Fatalf("pay: %q, %v", eff, err)
	}
	if _, err := e.orders.Transition(ctx, a, o.Code, order.Change{To: order.Cancelled, Party: order.ByProducer, Reason: "Hết hàng"}); err != nil {
		t.Fatal(err)
	}
	if err := e.pay.RefundOrder(ctx, audit.Actor{ActingAs: audit.AsMember}, a, o.Code); err != nil {
		t.Fatalf("RefundOrder of a cancelled paid order: %v", err)
	}
	if p := e.payment(r2.Group.ID); p.Status != payment.StatusRefunded {
		t.Errorf("payment %s, want refunded", p.Status)
	}
	if s := stock(); s != before+3 {
		t.Errorf("stock %d, want %d (given back once)", s, before+3)
	}

	// a COD order has nothing to refund
	cod := e.checkout(ctx, order.MethodCOD, line(as, 1))
	if err := e.pay.RefundOrder(ctx, staff, 0, cod.Group.Orders[0].Code); apperr.KindOf(err) != apperr.Conflict {
		t.Errorf("refund of a COD order: %v, want a 409", err)
	}
}

// TestLedger: a producer's month counts delivered COD and paid card
// orders, the commission on both, what the platform holds and owes.
func TestLedger(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	pr := e.f.Producer("HTX Hồng Không Hạt", "19")
	other := e.f.Producer("HTX Khác", "19")
	_, slug := e.product(pr, "Hồng không hạt Bắc Kạn", 123_457, 100)
	_, oslug := e.product(other, "Măng khô", 50_000, 100)
	admin := audit.Actor{ActingAs: audit.AsAdmin}

	if err := e.pay.SetCommission(ctx, admin, 5001); apperr.KindOf(err) != apperr.Unprocessable {
		t.Errorf("commission 50.01 %%: %v, want 422", err)
	}
	if err := e.pay.SetCommission(ctx, admin, 500); err != nil {
		t.Fatal(err)
	}

	// a delivered COD order
	cod := e.checkout(ctx, order.MethodCOD, line(slug, 2))
	co := cod.Group.Orders[0]
	if co.CommissionBP != 500 {
		t.Errorf("order commission %d bp, want 500", co.CommissionBP)
	}
	for _, c := range []order.Change{{To: order.Confirmed}, {To: order.Shipped, Carrier: "VNPost", TrackingNo: "EB1"}, {To: order.Delivered}} {
		c.Party = order.ByProducer
		if _, err := e.orders.Transition(ctx, pr, co.Code, c); err != nil {
			t.Fatalf("→ %s: %v", c.To, err)
		}
	}
	// a paid card order
	card := e.checkout(ctx, order.MethodCard, line(slug, 1))
	if eff, err := e.webhook(ctx, "evt_ledger_paid", stripecard.EventPaymentSucceeded, intentSucceeded("pi_ledger", card.Group.Code, card.Group.TotalVND, "vnd")); err != nil || eff != payment.EffectPaid {
		t.Fatalf("pay: %q, %v", eff, err)
	}
	// not counted: a COD order not yet delivered, an unpaid card order, another producer's
	e.checkout(ctx, order.MethodCOD, line(slug, 1))
	e.checkout(ctx, order.MethodCard, line(slug, 1))
	e.checkout(ctx, order.MethodCOD, line(oslug, 1))

	rows, err := e.pay.Ledger(ctx, payment.LedgerFilter{ProducerID: pr})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("ledger %+v, want one month", rows)
	}
	r := rows[0]
	t1, t2 := co.TotalVND, card.Group.TotalVND
	commission := func(total int64) int64 { return (total*500 + 5000) / 10000 } // rounded half up
	wantCommission := commission(t1) + commission(t2)
	month := time.Date(e.clock.Now().In(hcm(t)).Year(), e.clock.Now().In(hcm(t)).Month(), 1, 0, 0, 0, 0, time.UTC)
	if r.Orders != 2 || r.GrossVND != t1+t2 || r.CommissionVND != wantCommission || r.CODCollectedVND != t1 ||
		r.PlatformVND != t2 || r.DirectVND != 0 || r.PayableVND != t2-wantCommission || r.PaidOutVND != 0 || r.BalanceVND != t2-wantCommission {
		t.Errorf("ledger row %+v;\nwant orders 2, gross %d, commission %d, cod %d, platform %d, payable %d",
			r, t1+t2, wantCommission, t1, t2, t2-wantCommission)
	}
	if !r.Month.Equal(month) {
		t.Errorf("month %v, want %v", r.Month, month)
	}

	if err := e.pay.MarkPayout(ctx, admin, pr, r.Month, 0, ""); apperr.KindOf(err) != apperr.Unprocessable {
		t.Errorf("payout of 0: %v, want 422", err)
	}
	const paid = 100_000
	if err := e.pay.MarkPayout(ctx, admin, pr, r.Month, paid, "UNC-2026-001"); err != nil {
		t.Fatal(err)
	}
	rows, err = e.pay.Ledger(ctx, payment.LedgerFilter{ProducerID: pr})
	if err != nil || len(rows) != 1 {
		t.Fatalf("ledger after payout %+v, %v", rows, err)
	}
	if rows[0].PaidOutVND != paid || rows[0].BalanceVND != r.PayableVND-paid {
		t.Errorf("after payout: paid %d balance %d, want %d and %d", rows[0].PaidOutVND, rows[0].BalanceVND, paid, r.PayableVND-paid)
	}
	all, err := e.pay.Ledger(ctx, payment.LedgerFilter{Province: "19"})
	if err != nil || len(all) != 1 {
		t.Errorf("province ledger %+v, %v; want only the producer with sales", all, err)
	}
}

func hcm(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestConcurrentRefundsOfOneGroup: staff refund both orders of a paid card
// group at once; the payment must end refunded, as it does one after the
// other. The test holds the payment row locked until both refunds wait on
// it, so that they overlap every time.
func TestConcurrentRefundsOfOneGroup(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	a := e.f.Producer("HTX Vải Thiều", "19")
	b := e.f.Producer("HTX Nhãn Lồng", "19")
	_, as := e.product(a, "Vải thiều sấy", 90_000, 100)
	_, bs := e.product(b, "Long nhãn", 110_000, 100)
	staff := audit.Actor{ActingAs: audit.AsStaff}

	r := e.checkout(ctx, order.MethodCard, line(as, 1), line(bs, 1))
	g := r.Group
	if eff, err := e.webhook(ctx, "evt_conc", stripecard.EventPaymentSucceeded, intentSucceeded("pi_conc", g.Code, g.TotalVND, "vnd")); err != nil || eff != payment.EffectPaid {
		t.Fatalf("pay: %q, %v", eff, err)
	}
	hold, err := e.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Rollback(ctx)
	if _, err := hold.Exec(ctx, `SELECT 1 FROM payment WHERE group_id = $1 FOR UPDATE`, g.ID); err != nil {
		t.Fatal(err)
	}
	errs := make([]error, len(g.Orders))
	var wg sync.WaitGroup
	for i, o := range g.Orders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = e.pay.RefundOrder(ctx, staff, 0, o.Code)
		}()
	}
	deadline := time.Now().Add(10 * time.Second)
	for e.int(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`) < int64(len(g.Orders)) {
		if time.Now().After(deadline) {
			t.Log("the refunds did not both wait on the payment row; releasing it")
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := hold.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("RefundOrder(%s): %v", g.Orders[i].Code, err)
		}
	}
	if st := e.statuses(g.ID); !allAre(st, string(order.Refunded)) {
		t.Errorf("orders %v, want refunded", st)
	}
	if p := e.payment(g.ID); p.Status != payment.StatusRefunded || p.RefundedVND != g.TotalVND {
		t.Errorf("payment %s with %d of %d refunded, want refunded", p.Status, p.RefundedVND, g.TotalVND)
	}
}

// TestPaymentAfterShopperCancel: money that arrives for a group whose
// orders the shopper (or producer) already cancelled must not make the
// payment plainly "paid": nothing is left to fulfil, so staff must review
// it and refund, as for money that comes after expiry.
func TestPaymentAfterShopperCancel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	pr := e.f.Producer("HTX Quế Văn Yên", "19")
	e.f.Exec(`UPDATE producer SET bank_bin = '970415', bank_account_no = '0011001932418', bank_account_name = 'HTX QUE' WHERE id = $1`, pr)
	_, slug := e.product(pr, "Quế thanh", 75_000, 10)

	tests := []struct {
		name   string
		method string
		cancel func(g *order.Group)
		pay    func(g *order.Group) (string, error)
	}{
		{"vietqr, shopper cancels, bank transfer", order.MethodVietQR,
			func(g *order.Group) {
				if n, err := e.orders.CancelByShopper(ctx, g.Code, e.orders.TrackingToken(g.Code), 0); err != nil || n != 1 {
					t.Fatalf("CancelByShopper = %d, %v", n, err)
				}
			},
			func(g *order.Group) (string, error) { return e.bank(ctx, bankSecret, "ft-"+g.Code, g.TotalVND, g.Code) }},
		{"card, producer cancels, Stripe succeeded", order.MethodCard,
			func(g *order.Group) {
				if _, err := e.orders.Transition(ctx, pr, g.Orders[0].Code, order.Change{To: order.Cancelled, Party: order.ByProducer, Reason: "Hết hàng"}); err != nil {
					t.Fatal(err)
				}
			},
			func(g *order.Group) (string, error) {
				return e.webhook(ctx, "evt_"+g.Code, stripecard.EventPaymentSucceeded, intentSucceeded("pi_"+g.Code, g.Code, g.TotalVND, "vnd"))
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.checkout(ctx, tt.method, line(slug, 1))
			tt.cancel(r.Group)
			eff, err := tt.pay(r.Group)
			if err != nil {
				t.Fatal(err)
			}
			if st := e.statuses(r.Group.ID); !allAre(st, string(order.Cancelled)) {
				t.Errorf("orders %v, want still cancelled", st)
			}
			if p := e.payment(r.Group.ID); eff != payment.EffectReview || p.Status != payment.StatusNeedsReview {
				t.Errorf("effect %q, payment %s with every order cancelled; want needs_review", eff, p.Status)
			}
		})
	}
}

// fakeStripe is a stateful stand-in for Stripe's Checkout Sessions (stripe-
// mock is stateless): it opens sessions and reports one as paid once told.
type fakeStripe struct {
	mu       sync.Mutex
	sessions map[string]map[string]any
	gets     int
}

func (f *fakeStripe) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == "POST" && r.URL.Path == "/v1/checkout/sessions":
		_ = r.ParseForm()
		id := fmt.Sprintf("cs_fake_%d", len(f.sessions)+1)
		amount := int64(0)
		for i := 0; ; i++ {
			q := r.Form.Get(fmt.Sprintf("line_items[%d][quantity]", i))
			if q == "" {
				break
			}
			n, _ := strconv.ParseInt(q, 10, 64)
			u, _ := strconv.ParseInt(r.Form.Get(fmt.Sprintf("line_items[%d][price_data][unit_amount]", i)), 10, 64)
			amount += n * u
		}
		f.sessions[id] = map[string]any{"id": id, "object": "checkout.session", "url": "https://checkout.stripe.test/" + id,
			"status": "open", "payment_status": "unpaid", "amount_total": amount, "currency": r.Form.Get("currency"),
			"client_reference_id": r.Form.Get("client_reference_id"), "metadata": map[string]any{"ocop_group": r.Form.Get("metadata[ocop_group]")}}
		_ = json.NewEncoder(w).Encode(f.sessions[id])
	case r.Method == "GET" && strings.HasPrefix(r.URL.Path, "/v1/checkout/sessions/"):
		f.gets++
		s, ok := f.sessions[strings.TrimPrefix(r.URL.Path, "/v1/checkout/sessions/")]
		if !ok {
			w.WriteHeader(404)
			_, _ = w.Write([]byte(`{"error":{"type":"invalid_request_error","message":"No such session"}}`))
			return
		}
		_ = json.NewEncoder(w).Encode(s)
	default:
		w.WriteHeader(404)
		_, _ = w.Write([]byte(`{"error":{"type":"invalid_request_error","message":"not faked"}}`))
	}
}

// pay marks a session paid as Stripe would after the shopper paid.
func (f *fakeStripe) pay(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessions[id]["status"], f.sessions[id]["payment_status"], f.sessions[id]["payment_intent"] = "complete", "paid", "pi_"+id
}

// TestReconcileLostWebhook (SECURITY.md P-06): a card paid on Stripe whose
// webhook never came is found by the payment job, which asks Stripe about
// payments open 10 minutes, and paid once; a session that expired unpaid
// releases its orders and their stock.
func TestReconcileLostWebhook(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	fake := &fakeStripe{sessions: map[string]map[string]any{}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	card := stripecard.New(stripecard.Config{SecretKey: "sk_test_123", WebhookSecret: webhookSecret, BaseURL: srv.URL})
	pay := payment.New(e.pool, e.orders, payment.Options{Stripe: card, BaseURL: "https://ocop.test", Now: e.clock.Now,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	pr := e.f.Producer("HTX Trà Shan", "19")
	id, slug := e.product(pr, "Trà shan tuyết", 300_000, 10)
	in := checkout(order.MethodCard, line(slug, 2))
	r, err := pay.Checkout(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	sess := e.payment(r.Group.ID).StripeSession
	if sess == "" || r.CheckoutURL != "https://checkout.stripe.test/"+sess {
		t.Fatalf("session %q, checkout URL %q", sess, r.CheckoutURL)
	}
	fake.pay(sess)
	// too young to ask about: nothing happens
	if _, err := pay.ExpireUnpaid(ctx); err != nil || fake.gets != 0 || e.payment(r.Group.ID).Status != payment.StatusPending {
		t.Fatalf("a fresh payment was asked about (%d gets, %v)", fake.gets, err)
	}
	e.clock.Advance(payment.ReconcileAfter + time.Minute)
	for range 2 {
		if _, err := pay.ExpireUnpaid(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if p := e.payment(r.Group.ID); p.Status != payment.StatusPaid || p.ReceivedVND != r.Group.TotalVND || p.StripeIntent != "pi_"+sess {
		t.Errorf("after reconciliation: %+v", p)
	}
	if st := e.statuses(r.Group.ID); !allAre(st, string(order.Paid)) {
		t.Errorf("orders %v, want paid", st)
	}
	if n := e.int(`SELECT count(*) FROM payment_event WHERE provider = 'reconcile'`); n != 1 || fake.gets != 1 {
		t.Errorf("%d reconcile events, %d session reads; want 1 and 1", n, fake.gets)
	}
	// a session that expired unpaid: the orders go and the stock comes back
	r2, err := pay.Checkout(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.int(`SELECT stock FROM product WHERE id = $1`, id); got != 6 {
		t.Fatalf("stock %d after two orders of 2, want 6", got)
	}
	if eff, err := e.webhook(ctx, "evt_expired_1", stripecard.EventSessionExpired, sessionExpired(e.payment(r2.Group.ID).StripeSession, r2.Group.Code, r2.Group.TotalVND)); err != nil || eff != payment.EffectExpired {
		t.Fatalf("session expired: %q %v", eff, err)
	}
	if st := e.statuses(r2.Group.ID); !allAre(st, string(order.Cancelled)) || e.int(`SELECT stock FROM product WHERE id = $1`, id) != 8 {
		t.Errorf("after the session expired: orders %v, stock %d", st, e.int(`SELECT stock FROM product WHERE id = $1`, id))
	}
}
