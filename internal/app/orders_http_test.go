package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/order"
	"github.com/ocopvn/ocop/internal/payment"
	"github.com/ocopvn/ocop/internal/payment/stripecard/stripecardtest"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/vntext"
)

func init() {
	// orders: the producer's members and its province's staff of either
	// kind; others 404
	view := map[string]int{"anon": 303, "shopper": 404, "producerA": 200, "producerB": 404, "staff01": 404, "staff19": 200, "trade19": 200, "admin": 200}
	act := func(ok int) map[string]int {
		return map[string]int{"anon": 401, "shopper": 404, "producerA": ok, "producerB": 404, "staff01": 404, "staff19": ok, "trade19": ok, "admin": ok}
	}
	addMatrix(map[string]map[string]int{
		"GET /tai-khoan/don-hang":                {"anon": 303, "shopper": 200, "producerA": 200, "admin": 200},
		"GET /quan-ly/:producer/don-hang":        view,
		"GET /quan-ly/:producer/don-hang/:order": view,
		// an empty form: no target state (400); a cod order cannot take a
		// transfer (409) nor be refunded (409)
		"POST /quan-ly/:producer/don-hang/:order":              act(400),
		"POST /quan-ly/:producer/don-hang/:order/da-nhan-tien": act(422),
		"POST /quan-ly/:producer/don-hang/:order/hoan-tien":    act(409),
		"GET /quan-ly/:producer/ban-hang":                      {"anon": 303, "shopper": 404, "producerA": 200, "producerB": 404, "staff01": 404, "staff19": 200, "admin": 200},
		// an empty form: no shipping fee (422)
		"POST /quan-ly/:producer/ban-hang": {"anon": 401, "shopper": 404, "producerA": 422, "producerB": 404, "staff01": 404, "staff19": 422, "admin": 422},
		"GET /quan-tri/so-cai":             {"anon": 303, "shopper": 403, "producerA": 403, "staff01": 200, "staff19": 200, "trade19": 200, "admin": 200},
		// an empty form: no such producer (404) for staff
		"POST /quan-tri/so-cai/chi-tra": {"anon": 401, "shopper": 403, "producerA": 403, "staff19": 404, "admin": 404},
		"POST /quan-tri/so-cai/cai-dat": {"anon": 401, "shopper": 403, "producerA": 403, "staff19": 403, "trade19": 403, "admin": 422},
	})
	matrixParams["order"] = func(t *testing.T, s *site, p principals) string {
		slug := orderFixture(t, s, p.producerA)
		r, err := s.a.Payments.Checkout(t.Context(), order.CheckoutInput{Lines: []order.LineInput{{Product: slug, Quantity: 1}},
			Buyer: order.Buyer{Name: "Người mua", Phone: "0912345678"}, Shipping: order.Address{ProvinceCode: "19", CommuneCode: "05800", Address: "Số 1"},
			Method: order.MethodCOD})
		if err != nil {
			t.Fatal(err)
		}
		return r.Group.Orders[0].Code
	}
}

// orderFixture gives producer a published certified product with stock and
// the commune 05800 of province 19; it returns the product's slug.
func orderFixture(t *testing.T, s *site, producerID int64) string {
	t.Helper()
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	f.Exec(`INSERT INTO commune (code, province_code, name, full_name, kind, name_fold) VALUES ('05800', '19', 'Phú Đô', 'Xã Phú Đô', 'xa', 'phu do')
		ON CONFLICT DO NOTHING`)
	name := "Chè đơn hàng " + strconv.FormatInt(producerID, 10)
	f.Product(producerID, catalogtest.Product{Name: name, Group: "I.5.a", Price: 120000, Star: 4})
	return vntext.Slug(name)
}

// api sends a JSON request; cookie, when set, is the session cookie.
func api(t *testing.T, s *site, method, path, key, body, cookie string) (int, map[string]any, http.Header) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: "sid", Value: cookie})
	}
	resp, err := s.a.HTTP.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, m, resp.Header
}

// TestCheckoutAPI: the JSON checkout's contract: 201 with server prices,
// the same body again for the same key, problem+json naming the field,
// 409 when stock runs out, and the tracking token's 404.
func TestCheckoutAPI(t *testing.T) {
	s := newSite(t)
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	pa := f.Producer("HTX Chè Tân Cương", "19")
	pb := f.Producer("HTX Mắm Cát Hải", "19")
	a, b := orderFixture(t, s, pa), orderFixture(t, s, pb)
	f.Exec(`UPDATE producer SET shipping_fee_vnd = 25000, free_shipping_from_vnd = 200000 WHERE id = $1`, pa)
	f.Exec(`UPDATE product SET stock = 3 WHERE slug = $1`, b)
	body := `{"lines":[{"product":"` + a + `","quantity":2},{"product":"` + b + `","quantity":1}],
	 "buyer":{"name":"Nguyễn Văn A","phone":"0912 345 678","email":"a@example.vn"},
	 "shipping":{"province_code":"19","commune_code":"05800","address":"Số 5, đường Hoàng Văn Thụ"},
	 "payment_method":"cod","note":"Giao giờ hành chính"}`
	status, got, _ := api(t, s, "POST", "/api/v1/checkout", "key-0001-abcdef", body, "")
	if status != 201 {
		t.Fatalf("checkout: %d %v", status, got)
	}
	orders := got["orders"].([]any)
	if len(orders) != 2 {
		t.Fatalf("orders: %v", orders)
	}
	first := orders[0].(map[string]any)
	// 2 × 120,000 = 240,000 ≥ 200,000: free shipping; the other pays the
	// default 30,000
	if first["subtotal_vnd"].(float64) != 240000 || first["shipping_vnd"].(float64) != 0 || first["status"] != "cod_pending" {
		t.Errorf("first order: %v", first)
	}
	second := orders[1].(map[string]any)
	if second["shipping_vnd"].(float64) != 30000 || got["total_vnd"].(float64) != 240000+120000+30000 {
		t.Errorf("second order %v, total %v", second, got["total_vnd"])
	}
	item := first["items"].([]any)[0].(map[string]any)
	if item["unit_price_vnd"].(float64) != 120000 || item["product"] != a {
		t.Errorf("item: %v", item)
	}
	if pay := got["payment"].(map[string]any); pay["method"] != "cod" || pay["status"] != "cod" {
		t.Errorf("payment: %v", pay)
	}
	track := got["tracking_url"].(string)
	if !strings.Contains(track, "/don-hang/"+got["code"].(string)+"?token=") {
		t.Errorf("tracking url %q", track)
	}

	// the same key: the same body, nothing new
	status2, again, _ := api(t, s, "POST", "/api/v1/checkout", "key-0001-abcdef", body, "")
	if status2 != 200 || again["code"] != got["code"] || again["tracking_url"] != track {
		t.Errorf("retry: %d %v", status2, again)
	}
	var groups int
	if err := s.pool.QueryRow(t.Context(), `SELECT count(*) FROM order_group`).Scan(&groups); err != nil || groups != 1 {
		t.Errorf("%d groups after a retry (%v)", groups, err)
	}
	// a client price is not part of the contract: refused
	if st, p, _ := api(t, s, "POST", "/api/v1/checkout", "key-0002-abcdef", strings.Replace(body, `"quantity":2}`, `"quantity":2,"unit_price_vnd":1}`, 1), ""); st != 400 {
		t.Errorf("a line with a price: %d %v", st, p)
	}
	// bad phone and commune: 422 naming the fields
	bad := strings.Replace(strings.Replace(body, "0912 345 678", "12345", 1), `"05800"`, `"99999"`, 1)
	st, p, h := api(t, s, "POST", "/api/v1/checkout", "key-0003-abcdef", bad, "")
	errs, _ := p["errors"].(map[string]any)
	if st != 422 || errs["buyer.phone"] == nil || errs["shipping.commune_code"] == nil || !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") {
		t.Errorf("bad fields: %d %v", st, p)
	}
	// more than the stock: 409
	over := strings.Replace(body, `{"product":"`+b+`","quantity":1}`, `{"product":"`+b+`","quantity":5}`, 1)
	if st, p, _ := api(t, s, "POST", "/api/v1/checkout", "key-0004-abcdef", over, ""); st != 409 {
		t.Errorf("over stock: %d %v", st, p)
	}
	// no key: 400
	if st, _, _ := api(t, s, "POST", "/api/v1/checkout", "", body, ""); st != 400 {
		t.Errorf("no idempotency key: %d", st)
	}
	// the order by its token; a wrong token is 404, like an unknown code
	tok := track[strings.Index(track, "?token=")+7:]
	code := got["code"].(string)
	if st, g, _ := api(t, s, "GET", "/api/v1/orders/"+code+"?token="+tok, "", "", ""); st != 200 || g["code"] != code {
		t.Errorf("order by token: %d %v", st, g)
	}
	for _, path := range []string{"/api/v1/orders/" + code + "?token=x" + tok[1:], "/api/v1/orders/" + code, "/api/v1/orders/OCOP00000000?token=" + tok} {
		if st, _, _ := api(t, s, "GET", path, "", "", ""); st != 404 {
			t.Errorf("GET %s: %d, want 404", path, st)
		}
	}
	// a call with the site's session cookie is a browser's: it needs the
	// CSRF token
	u := s.user("mua@example.vn", "Người mua", "mat khau dung")
	tokSess, _, err := s.a.Accounts.SignIn(t.Context(), "mua@example.vn", "mat khau dung", "10.1.1.1")
	if err != nil || u == nil {
		t.Fatal(err)
	}
	if st, _, _ := api(t, s, "POST", "/api/v1/checkout", "key-0005-abcdef", body, tokSess); st != 403 {
		t.Errorf("checkout with a session cookie and no CSRF token: %d, want 403", st)
	}
	// webhooks: a bank notification without a configured secret is 404,
	// a Stripe webhook while cards are off is 404
	if st, _, _ := api(t, s, "POST", "/webhooks/bank", "", `{"id":"1","amount":1,"memo":"x"}`, ""); st != 404 {
		t.Errorf("bank webhook without a secret: %d", st)
	}
}

var trackingLink = regexp.MustCompile(`/don-hang/(OCOP[0-9A-Z]{8})\?token=([A-Za-z0-9_-]+)`)

// TestShopPages: a guest adds to the cart, checks out by COD without
// JavaScript, lands on the tracking page; the producer sees the order and
// ships it; the shopper's page shows it shipped.
func TestShopPages(t *testing.T) {
	s := newSite(t)
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	pa := f.Producer("HTX Chè Tân Cương", "19")
	slug := orderFixture(t, s, pa)
	c := s.client()
	if r := c.post("/gio-hang/them", "/san-pham/"+slug, "product", slug, "quantity", "2"); r.status != 303 {
		t.Fatalf("add to cart: %d %s", r.status, s.logs.String())
	}
	r := c.do("GET", "/gio-hang", nil)
	if r.status != 200 || !strings.Contains(r.body, "Chè đơn hàng") || !strings.Contains(r.body, "240.000") {
		t.Fatalf("cart page: %d", r.status)
	}
	if c.cookies["gio"] != "2" {
		t.Errorf("cart count cookie %q", c.cookies["gio"])
	}
	// a refused form keeps what was typed
	r = c.post("/thanh-toan", "/thanh-toan", "name", "Trần Thị B", "phone", "123", "province", "19", "commune", "Phú Đô", "address", "Thôn 3", "method", "cod")
	if r.status != 422 || !strings.Contains(r.body, "Trần Thị B") || !strings.Contains(r.body, "Số điện thoại di động không hợp lệ") {
		t.Fatalf("bad checkout: %d", r.status)
	}
	key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(c.do("GET", "/thanh-toan", nil).body)[1]
	r = c.post("/thanh-toan", "/thanh-toan", "name", "Trần Thị B", "phone", "0987654321", "province", "19", "commune", "Phú Đô",
		"address", "Thôn 3", "method", "cod", "key", key)
	if r.status != 303 || !trackingLink.MatchString(r.location) {
		t.Fatalf("checkout: %d %q %s", r.status, r.location, r.body)
	}
	m := trackingLink.FindStringSubmatch(r.location)
	code := m[1]
	// the same form again (a double tap; the cart is empty by now): the
	// same order
	again := c.post("/thanh-toan", "/dang-nhap", "name", "Trần Thị B", "phone", "0987654321", "province", "19", "commune", "Phú Đô",
		"address", "Thôn 3", "method", "cod", "key", key)
	if again.status != 303 || !strings.Contains(again.location, code) {
		t.Errorf("second submit: %d %q, want the first order %s", again.status, again.location, code)
	}
	if r := c.do("GET", r.location, nil); r.status != 200 || !strings.Contains(r.body, code) || !strings.Contains(r.body, "Chờ xác nhận") {
		t.Fatalf("tracking page: %d", r.status)
	}
	if r := c.do("GET", "/gio-hang", nil); !strings.Contains(r.body, "Giỏ hàng đang trống") {
		t.Errorf("the cart was not emptied by the checkout")
	}
	// the producer confirms and ships
	owner := s.user("chu@example.vn", "Chủ HTX", "mat khau dung")
	if err := s.a.Producers.AddMember(t.Context(), producer.System, owner.ID, pa, "owner"); err != nil {
		t.Fatal(err)
	}
	pc := s.client()
	pc.signIn("chu@example.vn", "mat khau dung")
	base := "/quan-ly/" + strconv.FormatInt(pa, 10) + "/don-hang"
	if r := pc.do("GET", base, nil); r.status != 200 || !strings.Contains(r.body, code+"-1") {
		t.Fatalf("producer's order list: %d", r.status)
	}
	oc := code + "-1"
	if r := pc.post(base+"/"+oc, base+"/"+oc, "to", "confirmed"); r.status != 303 {
		t.Fatalf("confirm: %d %s", r.status, r.body)
	}
	if r := pc.post(base+"/"+oc, base+"/"+oc, "to", "shipped"); r.status != 422 {
		t.Errorf("ship without a tracking number: %d", r.status)
	}
	if r := pc.post(base+"/"+oc, base+"/"+oc, "to", "shipped", "carrier", "GHN", "tracking_no", "GHN123"); r.status != 303 {
		t.Fatalf("ship: %d", r.status)
	}
	if r := pc.post(base+"/"+oc, base+"/"+oc, "to", "confirmed"); r.status != 409 {
		t.Errorf("back to confirmed: %d, want 409", r.status)
	}
	if r := c.do("GET", "/don-hang/"+code+"?token="+m[2], nil); !strings.Contains(r.body, "Đang giao") || !strings.Contains(r.body, "GHN123") {
		t.Errorf("the shopper does not see the shipment")
	}
	if r := pc.do("GET", base+"?tai=csv", nil); r.status != 200 || !strings.Contains(r.body, oc) {
		t.Errorf("CSV export: %d", r.status)
	}
	// a guest's cart joins the account's at sign-in
	g := s.client()
	g.post("/gio-hang/them", "/san-pham/"+slug, "product", slug, "quantity", "1")
	s.user("hoa@example.vn", "Hoa", "mat khau dung")
	g.signIn("hoa@example.vn", "mat khau dung")
	if r := g.do("GET", "/gio-hang", nil); !strings.Contains(r.body, "Chè đơn hàng") || g.cookies["giohang"] != "" {
		t.Errorf("the guest cart was not merged at sign-in (guest cookie %q)", g.cookies["giohang"])
	}
}

// TestCardsAndWebhooksHTTP: with a Stripe key (stripe-mock) a card checkout
// answers a checkout URL; the webhook endpoint refuses a bad signature
// (400, no effect) and applies a signed payment_intent.succeeded once; a
// signed bank notification pays a VietQR group. Without a session cookie
// neither needs a CSRF token.
func TestCardsAndWebhooksHTTP(t *testing.T) {
	const whsec, banksec = "whsec_test_secret", "bank-secret-for-tests"
	s := newSite(t, "OCOP_STRIPE_SECRET_KEY", "sk_test_123", "OCOP_STRIPE_WEBHOOK_SECRET", whsec,
		"OCOP_STRIPE_API_URL", stripecardtest.URL(t), "OCOP_BANK_WEBHOOK_SECRET", banksec)
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	pa := f.Producer("HTX Chè Tân Cương", "19")
	slug := orderFixture(t, s, pa)
	f.Exec(`UPDATE producer SET bank_bin = '970415', bank_account_no = '0011001932418', bank_account_name = 'HTX CHE' WHERE id = $1`, pa)
	body := func(method string) string {
		return `{"lines":[{"product":"` + slug + `","quantity":1}],"buyer":{"name":"Lê C","phone":"0903123456"},
		"shipping":{"province_code":"19","commune_code":"05800","address":"Số 9"},"payment_method":"` + method + `"}`
	}
	st, card, _ := api(t, s, "POST", "/api/v1/checkout", "card-key-0001", body("card"), "")
	pay, _ := card["payment"].(map[string]any)
	if st != 201 || pay["status"] != "pending" || !strings.HasPrefix(pay["checkout_url"].(string), "http") {
		t.Fatalf("card checkout: %d %v", st, card)
	}
	code := card["code"].(string)
	total := int64(card["total_vnd"].(float64))
	ev := stripecardtest.EventJSON("evt_http_1", "payment_intent.succeeded", map[string]any{"id": "pi_http_1", "object": "payment_intent",
		"amount": total, "amount_received": total, "currency": "vnd", "status": "succeeded", "metadata": map[string]any{"ocop_group": code}})
	webhook := func(payload []byte, sig string) int {
		req := httptest.NewRequest("POST", "/webhooks/stripe", bytes.NewReader(payload))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Stripe-Signature", sig)
		resp, err := s.a.HTTP.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode
	}
	if st := webhook(ev, stripecardtest.Signed(t, "whsec_wrong", ev)); st != 400 {
		t.Errorf("bad signature: %d, want 400", st)
	}
	status := func() (ps, os string) {
		if err := s.pool.QueryRow(t.Context(), `SELECT p.status, o.status FROM payment p JOIN order_group g ON g.id = p.group_id
			JOIN shop_order o ON o.group_id = g.id WHERE g.code = $1`, code).Scan(&ps, &os); err != nil {
			t.Fatal(err)
		}
		return
	}
	if ps, _ := status(); ps != "pending" {
		t.Errorf("after a bad signature the payment is %s", ps)
	}
	for range 3 {
		if st := webhook(ev, stripecardtest.Signed(t, whsec, ev)); st != 200 {
			t.Errorf("signed webhook: %d", st)
		}
	}
	if ps, os := status(); ps != "paid" || os != "paid" {
		t.Errorf("after the webhook: payment %s, order %s", ps, os)
	}
	var events int
	if err := s.pool.QueryRow(t.Context(), `SELECT count(*) FROM payment_event WHERE provider = 'stripe'`).Scan(&events); err != nil || events != 1 {
		t.Errorf("%d stripe events recorded (%v), want 1", events, err)
	}

	// VietQR to the producer's own account, paid by the bank's notification
	st, qr, _ := api(t, s, "POST", "/api/v1/checkout", "qr-key-00001", body("vietqr"), "")
	payload, _ := qr["payment"].(map[string]any)["vietqr_payload"].(string)
	if st != 201 || !strings.Contains(payload, "0011001932418") {
		t.Fatalf("vietqr checkout: %d %v", st, qr)
	}
	note := fmt.Appendf(nil, `{"id":"FT-1","amount":%d,"memo":"%s thanh toan","account":"0011001932418"}`, int64(qr["total_vnd"].(float64)), qr["code"])
	req := httptest.NewRequest("POST", "/webhooks/bank", bytes.NewReader(note))
	req.Header.Set("X-Signature", payment.SignBankNotification(banksec, note))
	resp, err := s.a.HTTP.Test(req, -1)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("bank notification: %v %v", resp.StatusCode, err)
	}
	tok := qr["tracking_url"].(string)
	tok = tok[strings.Index(tok, "/don-hang/")+len("/don-hang/"):]
	if st, g, _ := api(t, s, "GET", "/api/v1/orders/"+tok, "", "", ""); st != 200 || g["payment"].(map[string]any)["status"] != "paid" {
		t.Errorf("after the notification: %d %v", st, g)
	}
}

// TestCheckoutRateLimit: OCOP_CHECKOUT_RATE checkouts a minute from one
// address, then 429 with Retry-After.
func TestCheckoutRateLimit(t *testing.T) {
	s := newSite(t, "OCOP_CHECKOUT_RATE", "2")
	for i := range 3 {
		st, _, h := api(t, s, "POST", "/api/v1/checkout", "rate-key-000"+strconv.Itoa(i), `{"lines":[]}`, "")
		switch {
		case i < 2 && st != 422:
			t.Errorf("checkout %d: %d, want 422 (an empty cart)", i, st)
		case i == 2 && (st != 429 || h.Get("Retry-After") == ""):
			t.Errorf("third checkout in a minute: %d (Retry-After %q), want 429", st, h.Get("Retry-After"))
		}
	}
}
