package web

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/order"
	"github.com/ocopvn/ocop/internal/payment"
	"github.com/ocopvn/ocop/internal/postgres"
)

// Sales are the checkout's rate limits, shared by the API and the
// checkout page: per IP (OCOP_CHECKOUT_RATE a minute) and per phone
// number.
type Sales struct {
	Orders   *order.Service
	Payments *payment.Service
	PerIP    *RateLimiter
	PerPhone *RateLimiter
}

// PhoneCheckouts is how many checkouts one phone number may make in 10
// minutes.
const PhoneCheckouts = 10

// NewSales returns the checkout's limits: perMinute checkouts per IP a
// minute, PhoneCheckouts per phone in 10 minutes.
func NewSales(orders *order.Service, payments *payment.Service, perMinute int) *Sales {
	return &Sales{Orders: orders, Payments: payments, PerIP: NewRateLimiter(perMinute, time.Minute, nil),
		PerPhone: NewRateLimiter(PhoneCheckouts, 10*time.Minute, nil)}
}

// CheckLimits refuses (429) a checkout over the IP's or the phone's rate.
func (s *Sales) CheckLimits(c *fiber.Ctx, phone string) error {
	if err := s.PerIP.Check(c, c.IP(), ErrCheckoutRate); err != nil {
		return err
	}
	if id, ok := account.ParseIdentifier(phone); ok && id.Phone != "" {
		if err := s.PerPhone.Check(c, id.Phone, ErrCheckoutRate); err != nil {
			s.PerIP.Undo(c.IP())
			return err
		}
	}
	return nil
}

// Unavailable takes back the counts of a checkout the server could not
// serve (the database was down): a shopper retrying through an outage is
// not rate-limited for it.
func (s *Sales) Unavailable(c *fiber.Ctx, phone string, err error) {
	if !postgres.IsUnavailable(err) {
		return
	}
	s.PerIP.Undo(c.IP())
	if id, ok := account.ParseIdentifier(phone); ok && id.Phone != "" {
		s.PerPhone.Undo(id.Phone)
	}
}

// groupJSON is an order group as the API shows it.
type groupJSON struct {
	Code        string      `json:"code"`
	TotalVND    int64       `json:"total_vnd"`
	CreatedAt   time.Time   `json:"created_at"`
	Orders      []orderJSON `json:"orders"`
	Payment     paymentJSON `json:"payment"`
	TrackingURL string      `json:"tracking_url"`
}

type orderJSON struct {
	Code        string     `json:"code"`
	Producer    string     `json:"producer"`
	Status      string     `json:"status"`
	Items       []itemJSON `json:"items"`
	SubtotalVND int64      `json:"subtotal_vnd"`
	ShippingVND int64      `json:"shipping_vnd"`
	TotalVND    int64      `json:"total_vnd"`
	Carrier     string     `json:"carrier,omitempty"`
	TrackingNo  string     `json:"tracking_no,omitempty"`
}

type itemJSON struct {
	Product      string `json:"product"`
	Name         string `json:"name"`
	Quantity     int    `json:"quantity"`
	UnitPriceVND int64  `json:"unit_price_vnd"`
}

type paymentJSON struct {
	Method        string `json:"method"`
	Status        string `json:"status"`
	AmountVND     int64  `json:"amount_vnd"`
	VietQRPayload string `json:"vietqr_payload,omitempty"`
	CheckoutURL   string `json:"checkout_url,omitempty"`
}

func resultJSON(r *payment.Result) groupJSON {
	g := r.Group
	out := groupJSON{Code: g.Code, TotalVND: g.TotalVND, CreatedAt: g.CreatedAt.UTC(), TrackingURL: r.TrackingURL,
		Payment: paymentJSON{Method: r.Payment.Method, Status: string(r.Payment.Status), AmountVND: r.Payment.AmountVND,
			VietQRPayload: r.VietQR, CheckoutURL: r.CheckoutURL}}
	for _, o := range g.Orders {
		oj := orderJSON{Code: o.Code, Producer: o.ProducerSlug, Status: string(o.Status), SubtotalVND: o.SubtotalVND,
			ShippingVND: o.ShippingVND, TotalVND: o.TotalVND, Carrier: o.Carrier, TrackingNo: o.TrackingNo, Items: []itemJSON{}}
		for _, it := range o.Items {
			oj.Items = append(oj.Items, itemJSON{Product: it.Slug, Name: it.Name, Quantity: it.Quantity, UnitPriceVND: it.UnitPriceVND})
		}
		out.Orders = append(out.Orders, oj)
	}
	return out
}

var errIdempotencyKey = apperr.E(apperr.Invalid, "Thiếu hoặc sai tiêu đề Idempotency-Key (8–200 ký tự).",
	"the Idempotency-Key header is required: 8 to 200 visible ASCII characters")

var errCheckoutJSON = apperr.E(apperr.Invalid, "Nội dung đơn hàng không đúng định dạng JSON.", "the body must be a JSON checkout request")

// checkout is POST /api/v1/checkout.
func (s *Sales) checkout(c *fiber.Ctx) error {
	key := c.Get("Idempotency-Key")
	if len(key) < 8 || len(key) > 200 || strings.IndexFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0 {
		return errIdempotencyKey
	}
	var in order.CheckoutInput
	dec := json.NewDecoder(strings.NewReader(string(c.Body())))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return errCheckoutJSON
	}
	if err := s.CheckLimits(c, in.Buyer.Phone); err != nil {
		return err
	}
	in.IdempotencyKey = key
	if u := CurrentUser(c); u != nil {
		in.UserID = u.User.ID
	}
	r, err := s.Payments.Checkout(c.UserContext(), in)
	if err != nil {
		s.Unavailable(c, in.Buyer.Phone, err)
		return err
	}
	status := fiber.StatusOK
	if r.Created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(resultJSON(r))
}

// showOrder is GET /api/v1/orders/:code?token=…; a wrong token is a 404.
func (s *Sales) showOrder(c *fiber.Ctx) error {
	g, err := s.Orders.GroupByToken(c.UserContext(), strings.ToUpper(c.Params("code")), c.Query("token"))
	if err != nil {
		return err
	}
	r, err := s.Payments.Result(c.UserContext(), g)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(resultJSON(r))
}

// stripeWebhook is POST /webhooks/stripe: the signature is checked over
// the raw body.
func (s *Sales) stripeWebhook(c *fiber.Ctx) error {
	effect, err := s.Payments.HandleStripeWebhook(c.UserContext(), c.Body(), c.Get("Stripe-Signature"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"received": true, "effect": effect})
}

// bankWebhook is POST /webhooks/bank: a bank's or aggregator's transfer
// notification, HMAC-signed (X-Signature: sha256=<hex>).
func (s *Sales) bankWebhook(c *fiber.Ctx) error {
	effect, err := s.Payments.HandleBankNotification(c.UserContext(), c.Body(), c.Get("X-Signature"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"received": true, "effect": effect})
}

// mount adds the routes of the sales API and the webhooks.
func (s *Sales) mount(r *Router, api string) {
	r.PostAPI(api+"/checkout", Public, s.checkout)
	r.Get(api+"/orders/:code", Public, s.showOrder)
	r.PostAPI("/webhooks/stripe", Public, s.stripeWebhook)
	r.PostAPI("/webhooks/bank", Public, s.bankWebhook)
}
