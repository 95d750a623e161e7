package stripecard_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/payment/stripecard"
	"github.com/ocopvn/ocop/internal/payment/stripecard/stripecardtest"
)

const (
	testKey    = "sk_test_ocop"
	testSecret = "whsec_ocop_test"
)

// request is one request a recorder saw.
type request struct {
	method, path, idempotencyKey, auth string
	form                               url.Values
}

// recorder is an HTTP server that records each request and then forwards it
// to next, or answers 500 when next is nil.
type recorder struct {
	mu   sync.Mutex
	reqs []request
}

func (r *recorder) requests() []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]request(nil), r.reqs...)
}

// newRecorder starts a recorder in front of the server at next ("" for
// none) and returns it with a client on it.
func newRecorder(t *testing.T, next string) (*recorder, *stripecard.Client) {
	t.Helper()
	rec := &recorder{}
	var proxy http.Handler
	if next != "" {
		u, err := url.Parse(next)
		if err != nil {
			t.Fatalf("OCOP_TEST_STRIPE_URL: %v", err)
		}
		proxy = httputil.NewSingleHostReverseProxy(u)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		if req.Method == http.MethodGet {
			form = req.URL.Query()
		}
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, request{
			method:         req.Method,
			path:           req.URL.Path,
			idempotencyKey: req.Header.Get("Idempotency-Key"),
			auth:           req.Header.Get("Authorization"),
			form:           form,
		})
		rec.mu.Unlock()
		if proxy == nil {
			http.Error(w, `{"error":{"type":"api_error","message":"no server"}}`, http.StatusInternalServerError)
			return
		}
		proxy.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	return rec, stripecard.New(stripecard.Config{SecretKey: testKey, WebhookSecret: testSecret, BaseURL: srv.URL})
}

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// sampleParams is a valid two-line session with shipping: 2×150,000 +
// 1×250,000 + 30,000 = 580,000 đồng.
func sampleParams() stripecard.SessionParams {
	return stripecard.SessionParams{
		GroupCode: "G-20260101-ABC",
		Attempt:   3,
		Lines: []stripecard.Line{
			{Name: "Gạo ST25 túi 5kg", Quantity: 2, UnitVND: 150_000},
			{Name: "Mật ong bạc hà", Quantity: 1, UnitVND: 250_000},
		},
		ShippingVND: 30_000,
		TotalVND:    580_000,
		Email:       "buyer@example.vn",
		SuccessURL:  "https://ocop.example/checkout/done?session={CHECKOUT_SESSION_ID}",
		CancelURL:   "https://ocop.example/checkout/cancel",
		ExpiresAt:   time.Now().Add(2 * time.Hour).Truncate(time.Second),
	}
}

func TestCreateSession(t *testing.T) {
	rec, c := newRecorder(t, stripecardtest.URL(t))
	p := sampleParams()
	s, err := c.CreateSession(ctx(t), p)
	if err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	if s.ID == "" || s.URL == "" {
		t.Errorf("CreateSession = %+v, want an id and a URL", s)
	}

	reqs := rec.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.method != http.MethodPost || r.path != "/v1/checkout/sessions" {
		t.Errorf("request %s %s, want POST /v1/checkout/sessions", r.method, r.path)
	}
	if want := "ocop-checkout-G-20260101-ABC-3"; r.idempotencyKey != want {
		t.Errorf("Idempotency-Key %q, want %q", r.idempotencyKey, want)
	}
	if want := "Bearer " + testKey; r.auth != want {
		t.Errorf("Authorization %q, want %q", r.auth, want)
	}
	want := map[string]string{
		"mode":                    "payment",
		"currency":                "vnd",
		"payment_method_types[0]": "card",
		"client_reference_id":     "G-20260101-ABC",
		"customer_email":          "buyer@example.vn",
		"success_url":             p.SuccessURL,
		"cancel_url":              p.CancelURL,
		"expires_at":              strconv.FormatInt(p.ExpiresAt.Unix(), 10),
		"metadata[ocop_group]":    "G-20260101-ABC",
		"metadata[ocop_attempt]":  "3",
		"payment_intent_data[metadata][ocop_group]":     "G-20260101-ABC",
		"payment_intent_data[metadata][ocop_attempt]":   "3",
		"line_items[0][quantity]":                       "2",
		"line_items[0][price_data][currency]":           "vnd",
		"line_items[0][price_data][unit_amount]":        "150000",
		"line_items[0][price_data][product_data][name]": "Gạo ST25 túi 5kg",
		"line_items[1][quantity]":                       "1",
		"line_items[1][price_data][unit_amount]":        "250000",
		"line_items[1][price_data][product_data][name]": "Mật ong bạc hà",
		"line_items[2][quantity]":                       "1",
		"line_items[2][price_data][currency]":           "vnd",
		"line_items[2][price_data][unit_amount]":        "30000",
		"line_items[2][price_data][product_data][name]": "Phí vận chuyển",
	}
	for k, v := range want {
		if got := r.form.Get(k); got != v {
			t.Errorf("form %s = %q, want %q", k, got, v)
		}
	}
	if r.form.Has("line_items[3][quantity]") {
		t.Errorf("a fourth line item was sent: %v", r.form)
	}
}

func TestCreateSessionWithoutShippingClampsExpiry(t *testing.T) {
	rec, c := newRecorder(t, stripecardtest.URL(t))
	for _, tc := range []struct {
		name     string
		in       time.Duration // ExpiresAt from now
		min, max time.Duration // expires_at sent, from now
	}{
		{"too soon", 5 * time.Minute, 30 * time.Minute, 32 * time.Minute},
		{"too late", 48 * time.Hour, 23*time.Hour + 58*time.Minute, 24 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := sampleParams()
			p.ShippingVND = 0
			p.TotalVND = 550_000
			now := time.Now()
			p.ExpiresAt = now.Add(tc.in)
			if _, err := c.CreateSession(ctx(t), p); err != nil {
				t.Fatalf("CreateSession: %v", err)
			}
			reqs := rec.requests()
			r := reqs[len(reqs)-1]
			at, err := strconv.ParseInt(r.form.Get("expires_at"), 10, 64)
			if err != nil {
				t.Fatalf("expires_at %q: %v", r.form.Get("expires_at"), err)
			}
			if d := time.Unix(at, 0).Sub(now); d < tc.min || d > tc.max {
				t.Errorf("expires_at %v from now, want %v to %v", d, tc.min, tc.max)
			}
			if r.form.Has("line_items[2][quantity]") {
				t.Errorf("a shipping line was sent without shipping: %v", r.form)
			}
		})
	}
}

// The checks run before any request: the recorder has no server behind it,
// and must see nothing.
func TestCreateSessionRefusedBeforeHTTP(t *testing.T) {
	rec, c := newRecorder(t, "")
	edit := func(f func(p *stripecard.SessionParams)) stripecard.SessionParams {
		p := sampleParams()
		f(&p)
		return p
	}
	for _, tc := range []struct {
		name     string
		p        stripecard.SessionParams
		tooLarge bool
	}{
		{"above the limit", edit(func(p *stripecard.SessionParams) {
			p.Lines = []stripecard.Line{{Name: "Trầm hương", Quantity: 1, UnitVND: 100_000_000}}
			p.ShippingVND = 0
			p.TotalVND = 100_000_000
		}), true},
		{"one đồng above the limit", edit(func(p *stripecard.SessionParams) {
			p.Lines = []stripecard.Line{{Name: "Trầm hương", Quantity: 1, UnitVND: stripecard.MaxChargeVND}}
			p.ShippingVND = 1
			p.TotalVND = stripecard.MaxChargeVND + 1
		}), true},
		{"total below the lines", edit(func(p *stripecard.SessionParams) { p.TotalVND = 579_999 }), false},
		{"total above the lines", edit(func(p *stripecard.SessionParams) { p.TotalVND = 600_000 }), false},
		{"shipping left out of the total", edit(func(p *stripecard.SessionParams) { p.TotalVND = 550_000 }), false},
		{"lines overflow", edit(func(p *stripecard.SessionParams) {
			p.Lines = []stripecard.Line{{Name: "x", Quantity: math.MaxInt64, UnitVND: 2}, {Name: "y", Quantity: 1, UnitVND: 2}}
		}), false},
		{"no lines", edit(func(p *stripecard.SessionParams) { p.Lines = nil }), false},
		{"zero quantity", edit(func(p *stripecard.SessionParams) { p.Lines[0].Quantity = 0 }), false},
		{"negative price", edit(func(p *stripecard.SessionParams) { p.Lines[1].UnitVND = -1 }), false},
		{"unnamed line", edit(func(p *stripecard.SessionParams) { p.Lines[0].Name = " " }), false},
		{"no group", edit(func(p *stripecard.SessionParams) { p.GroupCode = "" }), false},
		{"negative attempt", edit(func(p *stripecard.SessionParams) { p.Attempt = -1 }), false},
		{"no success URL", edit(func(p *stripecard.SessionParams) { p.SuccessURL = "" }), false},
		{"zero total", edit(func(p *stripecard.SessionParams) {
			p.Lines = []stripecard.Line{{Name: "Quà tặng", Quantity: 1}}
			p.ShippingVND, p.TotalVND = 0, 0
		}), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CreateSession(ctx(t), tc.p)
			if err == nil {
				t.Fatal("CreateSession succeeded, want an error")
			}
			if got := errors.Is(err, stripecard.ErrTooLarge); got != tc.tooLarge {
				t.Errorf("errors.Is(%v, ErrTooLarge) = %v, want %v", err, got, tc.tooLarge)
			}
		})
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("%d requests made, want none", n)
	}
}

func TestSession(t *testing.T) {
	rec, c := newRecorder(t, stripecardtest.URL(t))
	st, err := c.Session(ctx(t), "cs_test_ocop1")
	if err != nil {
		t.Fatalf("Session: %v", err)
	}
	// stripe-mock answers with a fixture carrying the asked id
	if st.ID != "cs_test_ocop1" || st.Status == "" || st.PaymentStatus == "" {
		t.Errorf("Session = %+v, want the id, a status and a payment status", st)
	}
	reqs := rec.requests()
	if len(reqs) != 1 || reqs[0].method != http.MethodGet || reqs[0].path != "/v1/checkout/sessions/cs_test_ocop1" {
		t.Errorf("requests %+v, want one GET /v1/checkout/sessions/cs_test_ocop1", reqs)
	}
	if _, err := c.Session(ctx(t), ""); err == nil {
		t.Error(`Session("") succeeded`)
	}
}

func TestRefund(t *testing.T) {
	rec, c := newRecorder(t, stripecardtest.URL(t))
	id, err := c.Refund(ctx(t), "pi_test_ocop1", 150_000, "ocop-refund-G-1-1")
	if err != nil {
		t.Fatalf("Refund: %v", err)
	}
	if !strings.HasPrefix(id, "re_") {
		t.Errorf("Refund = %q, want a refund id", id)
	}
	reqs := rec.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.method != http.MethodPost || r.path != "/v1/refunds" || r.idempotencyKey != "ocop-refund-G-1-1" ||
		r.form.Get("payment_intent") != "pi_test_ocop1" || r.form.Get("amount") != "150000" {
		t.Errorf("request %+v, want POST /v1/refunds of 150000 from pi_test_ocop1 with key ocop-refund-G-1-1", r)
	}

	for _, tc := range []struct {
		pi     string
		amount int64
		key    string
	}{
		{"", 1, "k"},
		{"pi_1", 0, "k"},
		{"pi_1", -5, "k"},
		{"pi_1", stripecard.MaxChargeVND + 1, "k"},
		{"pi_1", 1, ""},
	} {
		if _, err := c.Refund(ctx(t), tc.pi, tc.amount, tc.key); err == nil {
			t.Errorf("Refund(%q, %d, %q) succeeded", tc.pi, tc.amount, tc.key)
		}
	}
	if n := len(rec.requests()); n != 1 {
		t.Errorf("%d requests after the refused refunds, want still 1", n)
	}
}

// Stripe's idempotency_error (a key reused with other parameters) comes back
// as ErrKeyReused; other API errors are wrapped as they are.
func TestAPIErrors(t *testing.T) {
	status, typ := 0, ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, `{"error":{"type":"`+typ+`","message":"refused by the test"}}`)
	}))
	defer srv.Close()
	c := stripecard.New(stripecard.Config{SecretKey: testKey, BaseURL: srv.URL})

	status, typ = http.StatusBadRequest, "idempotency_error"
	if _, err := c.CreateSession(ctx(t), sampleParams()); !errors.Is(err, stripecard.ErrKeyReused) {
		t.Errorf("CreateSession on idempotency_error: %v, want ErrKeyReused", err)
	}
	if _, err := c.Refund(ctx(t), "pi_1", 1, "k"); !errors.Is(err, stripecard.ErrKeyReused) {
		t.Errorf("Refund on idempotency_error: %v, want ErrKeyReused", err)
	}
	status, typ = http.StatusBadRequest, "invalid_request_error"
	_, err := c.CreateSession(ctx(t), sampleParams())
	if err == nil || errors.Is(err, stripecard.ErrKeyReused) || !strings.Contains(err.Error(), "refused by the test") {
		t.Errorf("CreateSession on invalid_request_error: %v, want Stripe's message and not ErrKeyReused", err)
	}
}

func TestParseWebhook(t *testing.T) {
	c := stripecard.New(stripecard.Config{SecretKey: testKey, WebhookSecret: testSecret})
	for _, tc := range []struct {
		typ    string
		object map[string]any
		want   stripecard.Event
	}{
		{
			stripecard.EventSessionCompleted,
			map[string]any{
				"id": "cs_1", "object": "checkout.session", "mode": "payment", "status": "complete",
				"payment_status": "paid", "amount_total": 580000, "currency": "vnd",
				"payment_intent": "pi_1", "client_reference_id": "G-1",
				"metadata": map[string]any{"ocop_group": "G-1", "ocop_attempt": "0"},
			},
			stripecard.Event{GroupCode: "G-1", SessionID: "cs_1", PaymentIntentID: "pi_1", PaymentStatus: "paid", AmountVND: 580000, Currency: "vnd"},
		},
		{
			// no metadata: the group comes from client_reference_id
			stripecard.EventSessionAsyncSucceeded,
			map[string]any{
				"id": "cs_2", "object": "checkout.session", "status": "complete",
				"payment_status": "paid", "amount_total": 99_999_999, "currency": "vnd",
				"payment_intent": "pi_2", "client_reference_id": "G-2", "metadata": map[string]any{},
			},
			stripecard.Event{GroupCode: "G-2", SessionID: "cs_2", PaymentIntentID: "pi_2", PaymentStatus: "paid", AmountVND: 99_999_999, Currency: "vnd"},
		},
		{
			stripecard.EventPaymentSucceeded,
			map[string]any{
				"id": "pi_3", "object": "payment_intent", "status": "succeeded",
				"amount": 250000, "amount_received": 250000, "currency": "vnd", "latest_charge": "ch_3",
				"metadata": map[string]any{"ocop_group": "G-3", "ocop_attempt": "1"},
			},
			stripecard.Event{GroupCode: "G-3", PaymentIntentID: "pi_3", ChargeID: "ch_3", AmountVND: 250000, Currency: "vnd"},
		},
		{
			stripecard.EventPaymentFailed,
			map[string]any{
				"id": "pi_4", "object": "payment_intent", "status": "requires_payment_method",
				"amount": 120000, "amount_received": 0, "currency": "vnd", "latest_charge": nil,
				"last_payment_error": map[string]any{"type": "card_error", "code": "card_declined", "message": "Your card was declined."},
				"metadata":           map[string]any{"ocop_group": "G-4"},
			},
			stripecard.Event{GroupCode: "G-4", PaymentIntentID: "pi_4", AmountVND: 120000, Currency: "vnd"},
		},
		{
			stripecard.EventChargeRefunded,
			map[string]any{
				"id": "ch_5", "object": "charge", "amount": 580000, "amount_refunded": 150000,
				"currency": "vnd", "refunded": false, "payment_intent": "pi_5",
				"metadata": map[string]any{"ocop_group": "G-5"},
			},
			stripecard.Event{GroupCode: "G-5", PaymentIntentID: "pi_5", ChargeID: "ch_5", AmountVND: 150000, Currency: "vnd"},
		},
		{
			// not the marketplace's business: ID and Type only
			"customer.created",
			map[string]any{"id": "cus_6", "object": "customer", "metadata": map[string]any{"ocop_group": "G-6"}},
			stripecard.Event{},
		},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			body := stripecardtest.EventJSON("evt_"+tc.typ, tc.typ, tc.object)
			got, err := c.ParseWebhook(body, stripecardtest.Signed(t, testSecret, body))
			if err != nil {
				t.Fatalf("ParseWebhook: %v", err)
			}
			if time.Since(got.Created) > time.Minute || got.Created.After(time.Now()) {
				t.Errorf("Created = %v, want about now", got.Created)
			}
			want := tc.want
			want.ID, want.Type, want.Created = "evt_"+tc.typ, tc.typ, got.Created
			if got != want {
				t.Errorf("ParseWebhook =\n%+v, want\n%+v", got, want)
			}
		})
	}
}

func TestParseWebhookRefused(t *testing.T) {
	c := stripecard.New(stripecard.Config{SecretKey: testKey, WebhookSecret: testSecret})
	body := stripecardtest.EventJSON("evt_1", stripecard.EventSessionCompleted, map[string]any{
		"id": "cs_1", "object": "checkout.session", "payment_status": "paid", "amount_total": 1000,
		"currency": "vnd", "metadata": map[string]any{"ocop_group": "G-1"},
	})
	tampered := bytes.Replace(body, []byte(`"amount_total":1000`), []byte(`"amount_total":9000`), 1)
	if bytes.Equal(tampered, body) {
		t.Fatal("the test's tampering changed nothing")
	}
	for _, tc := range []struct {
		name   string
		body   []byte
		header string
	}{
		{"tampered body", tampered, stripecardtest.Signed(t, testSecret, body)},
		{"wrong secret", body, stripecardtest.Signed(t, "whsec_someone_else", body)},
		{"missing header", body, ""},
		{"malformed header", body, "nonsense"},
		{"stale timestamp", body, stripecardtest.SignedAt(t, testSecret, body, time.Now().Add(-10*time.Minute))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := c.ParseWebhook(tc.body, tc.header)
			if !errors.Is(err, stripecard.ErrBadSignature) {
				t.Errorf("ParseWebhook = %+v, %v; want ErrBadSignature", ev, err)
			}
		})
	}

	t.Run("other API version", func(t *testing.T) {
		old := bytes.Replace(body, []byte(stripecard.APIVersion), []byte("2020-08-27"), 1)
		_, err := c.ParseWebhook(old, stripecardtest.Signed(t, testSecret, old))
		if !errors.Is(err, stripecard.ErrAPIVersion) || errors.Is(err, stripecard.ErrBadSignature) {
			t.Errorf("ParseWebhook: %v, want ErrAPIVersion and not ErrBadSignature", err)
		}
	})
	t.Run("no secret configured", func(t *testing.T) {
		open := stripecard.New(stripecard.Config{SecretKey: testKey})
		if _, err := open.ParseWebhook(body, stripecardtest.Signed(t, testSecret, body)); err == nil {
			t.Error("ParseWebhook without a webhook secret succeeded")
		}
	})
	t.Run("not JSON", func(t *testing.T) {
		junk := []byte("not json")
		_, err := c.ParseWebhook(junk, stripecardtest.Signed(t, testSecret, junk))
		if err == nil || errors.Is(err, stripecard.ErrBadSignature) {
			t.Errorf("ParseWebhook: %v, want an error other than ErrBadSignature", err)
		}
	})
}
