package storefront

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/order"
	"github.com/ocopvn/ocop/internal/payment"
	"github.com/ocopvn/ocop/internal/web"
	"github.com/ocopvn/ocop/storefront/ui"
)

// guestCartCookie holds a guest's cart token (its SHA-256 is stored).
const guestCartCookie = "giohang"

// guestCartDays is how long a guest's cart cookie lasts.
const guestCartDays = 30

// cartRef is the request's cart: the signed-in user's, or the guest's by
// cookie.
func cartRef(c *fiber.Ctx) order.CartRef {
	if u := web.CurrentUser(c); u != nil {
		return order.CartRef{UserID: u.User.ID}
	}
	return order.CartRef{Token: c.Cookies(guestCartCookie)}
}

// setCartCookies remembers a guest's cart token and the cart's unit count
// (shown in the header).
func (h *Handler) setCartCookies(c *fiber.Ctx, ref order.CartRef) error {
	if ref.UserID == 0 && ref.Token != "" && ref.Token != c.Cookies(guestCartCookie) {
		c.Cookie(&fiber.Cookie{Name: guestCartCookie, Value: ref.Token, Path: "/", HTTPOnly: true, Secure: c.Protocol() == "https",
			SameSite: fiber.CookieSameSiteLaxMode, MaxAge: guestCartDays * 24 * 3600})
	}
	n, err := h.orders.CartCount(c.UserContext(), ref)
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: ui.CartCookie, Value: strconv.Itoa(n), Path: "/", HTTPOnly: true, Secure: c.Protocol() == "https",
		SameSite: fiber.CookieSameSiteLaxMode, MaxAge: guestCartDays * 24 * 3600})
	return nil
}

// MergeGuestCart moves the guest's cart into the user's at sign-in.
func (h *Handler) mergeGuestCart(c *fiber.Ctx, userID int64) {
	tok := c.Cookies(guestCartCookie)
	if h.orders == nil || tok == "" {
		return
	}
	if err := h.orders.MergeCart(c.UserContext(), tok, userID); err != nil {
		return // the guest cart stays; nothing is lost
	}
	c.Cookie(&fiber.Cookie{Name: guestCartCookie, Value: "", Path: "/", MaxAge: -1, HTTPOnly: true})
	_ = h.setCartCookies(c, order.CartRef{UserID: userID})
}

type cartPage struct {
	BasePage
	Cart    *order.Cart
	Message string
}

func (h *Handler) showCart(c *fiber.Ctx) error {
	ref := cartRef(c)
	cart, err := h.orders.LoadCart(c.UserContext(), ref)
	if err != nil {
		return err
	}
	if err := h.setCartCookies(c, ref); err != nil {
		return err
	}
	p := cartPage{BasePage: h.site.Form(c, T("cart.title")), Cart: cart}
	p.Message = ui.Flash(c, "da-them", map[string]string{"1": T("cart.added")})
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return h.site.Render(c, "cart", p)
}

func (h *Handler) addToCart(c *fiber.Ctx) error {
	qty, _ := strconv.Atoi(c.FormValue("quantity"))
	ref, err := h.orders.AddToCart(c.UserContext(), cartRef(c), c.FormValue("product"), qty)
	if err != nil {
		if k := apperr.KindOf(err); k == apperr.Conflict || k == apperr.Unprocessable || k == apperr.NotFound {
			return h.cartWithMessage(c, web.Status(err), err)
		}
		return err
	}
	if err := h.setCartCookies(c, ref); err != nil {
		return err
	}
	return c.Redirect("/gio-hang?da-them=1", fiber.StatusSeeOther)
}

// cartWithMessage shows the cart with why the last change was refused.
func (h *Handler) cartWithMessage(c *fiber.Ctx, status int, err error) error {
	cart, lerr := h.orders.LoadCart(c.UserContext(), cartRef(c))
	if lerr != nil {
		return lerr
	}
	msg := T("cart.not_added")
	if ae := apperr.As(err); ae != nil {
		msg = ae.Message
	}
	c.Status(status)
	return h.site.Render(c, "cart", cartPage{BasePage: h.site.Form(c, T("cart.title")), Cart: cart, Message: msg})
}

func (h *Handler) updateCart(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.FormValue("product_id"), 10, 64)
	if err != nil || id <= 0 {
		return apperr.E(apperr.Invalid, "Không rõ sản phẩm cần cập nhật. Hãy tải lại giỏ hàng.", "product_id is required")
	}
	qty, err := strconv.Atoi(c.FormValue("quantity"))
	if err != nil || c.FormValue("remove") != "" {
		qty = 0
	}
	ref := cartRef(c)
	if err := h.orders.SetQuantity(c.UserContext(), ref, id, qty); err != nil {
		return err
	}
	if err := h.setCartCookies(c, ref); err != nil {
		return err
	}
	return c.Redirect("/gio-hang", fiber.StatusSeeOther)
}

// CheckoutForm is the checkout page's form.
type CheckoutForm struct {
	Name, Phone, Email string
	Province, Commune  string
	Address, Note      string
	Method             string
	Key                string // the form's idempotency token
}

type checkoutPage struct {
	BasePage
	Cart      *order.Cart
	Form      CheckoutForm
	Errors    apperr.FieldErrors
	Message   string
	Provinces []catalog.Province
	Cards     bool
}

func (h *Handler) checkoutPage(c *fiber.Ctx, cart *order.Cart, f CheckoutForm) checkoutPage {
	p := checkoutPage{BasePage: h.site.Form(c, T("checkout.title")), Cart: cart, Form: f, Cards: h.payments.CardsEnabled()}
	if v, err := h.catalog.View(c.UserContext()); err == nil {
		p.Provinces = v.Reference().ProvincesVI
	}
	return p
}

func (h *Handler) showCheckout(c *fiber.Ctx) error {
	cart, err := h.orders.LoadCart(c.UserContext(), cartRef(c))
	if err != nil {
		return err
	}
	if len(cart.Parts) == 0 {
		return c.Redirect("/gio-hang", fiber.StatusSeeOther)
	}
	f := CheckoutForm{Method: order.MethodCOD, Key: newFormKey()}
	if u := web.CurrentUser(c); u != nil {
		f.Name, f.Email, f.Phone = u.User.DisplayName, u.User.Email, localPhone(u.User.Phone)
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return h.site.Render(c, "checkout", h.checkoutPage(c, cart, f))
}

// newFormKey is a fresh idempotency token for a checkout form: a double
// submit (or a reload of the POST) carries the same one.
func newFormKey() string {
	var b [18]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// localPhone shows +84912345678 as 0912345678.
func localPhone(e164 string) string {
	if strings.HasPrefix(e164, "+84") {
		return "0" + e164[3:]
	}
	return e164
}

func (h *Handler) saveCheckout(c *fiber.Ctx) error {
	f := CheckoutForm{Name: c.FormValue("name"), Phone: c.FormValue("phone"), Email: c.FormValue("email"),
		Province: c.FormValue("province"), Commune: c.FormValue("commune"), Address: c.FormValue("address"),
		Note: c.FormValue("note"), Method: c.FormValue("method"), Key: c.FormValue("key")}
	ref := cartRef(c)
	cart, err := h.orders.LoadCart(c.UserContext(), ref)
	if err != nil {
		return err
	}
	in := order.CheckoutInput{Buyer: order.Buyer{Name: f.Name, Phone: f.Phone, Email: f.Email},
		Shipping: order.Address{ProvinceCode: f.Province, CommuneCode: f.Commune, Address: f.Address},
		Method:   f.Method, Note: f.Note, FromCart: &ref}
	for _, l := range cart.Lines() {
		in.Lines = append(in.Lines, order.LineInput{Product: l.Slug, Quantity: l.Quantity})
	}
	if len(f.Key) >= 16 && len(f.Key) <= 64 {
		// the form's random token: a second submit of the same form (a
		// double tap, a reload) finds the first one's order
		in.IdempotencyKey = "form:" + f.Key
		if len(in.Lines) == 0 {
			// the first submit emptied the cart
			g, err := h.orders.GroupByKey(c.UserContext(), in.IdempotencyKey)
			if err != nil {
				return err
			}
			if g != nil {
				return c.Redirect(localURL(h.payments.TrackingURL(g.Code)), fiber.StatusSeeOther)
			}
		}
	}
	if u := web.CurrentUser(c); u != nil {
		in.UserID = u.User.ID
	}
	var r *payment.Result
	if err = h.sales.CheckLimits(c, f.Phone); err == nil {
		r, err = h.payments.Checkout(c.UserContext(), in)
		h.sales.Unavailable(c, f.Phone, err)
	}
	if err != nil {
		var fe apperr.FieldErrors
		p := h.checkoutPage(c, cart, f)
		switch {
		case errors.As(err, &fe):
			p.Errors, p.Message = fe, T(apperr.SummaryKey)
		case apperr.KindOf(err) == apperr.Conflict || apperr.KindOf(err) == apperr.TooMany:
			p.Message = apperr.As(err).Message
			p.Form.Key = newFormKey() // the cart must change first: a new attempt
		default:
			return err
		}
		c.Status(web.Status(err))
		return h.site.Render(c, "checkout", p)
	}
	if err := h.setCartCookies(c, ref); err != nil {
		return err
	}
	return c.Redirect(localURL(r.TrackingURL)+"&moi=1", fiber.StatusSeeOther)
}

// localURL is the path and query of an absolute URL on this site.
func localURL(u string) string {
	if i := strings.Index(u, "/don-hang/"); i >= 0 {
		return u[i:]
	}
	return "/"
}

// listCommunes answers the communes of a province as JSON for the
// checkout form's list (the form also works without it: the commune is
// typed and matched by name).
func (h *Handler) listCommunes(c *fiber.Ctx) error {
	cs, err := h.orders.Communes(c.UserContext(), c.Query("tinh"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.JSON(cs)
}

type orderPage struct {
	BasePage
	Result  *payment.Result
	Token   string
	Message string
	// Cancellable: the shopper may still cancel an order of the group.
	Cancellable bool
}

// group is the group of the route's code: by its token, or the signed-in
// shopper's own.
func (h *Handler) group(c *fiber.Ctx, token string) (*order.Group, error) {
	code := strings.ToUpper(c.Params("code"))
	g, err := h.orders.GroupByToken(c.UserContext(), code, token)
	if errors.Is(err, order.ErrNotFound) {
		if u := web.CurrentUser(c); u != nil {
			mine, gerr := h.orders.GroupByCode(c.UserContext(), code)
			if gerr == nil && mine.UserID == u.User.ID {
				return mine, nil
			}
		}
	}
	return g, err
}

func (h *Handler) showOrder(c *fiber.Ctx) error {
	token := c.Query("token")
	g, err := h.group(c, token)
	if err != nil {
		return err
	}
	r, err := h.payments.Result(c.UserContext(), g)
	if err != nil {
		return err
	}
	p := orderPage{BasePage: h.site.Form(c, T("order.title")+" "+g.Code), Result: r, Token: h.orders.TrackingToken(g.Code)}
	p.Message = ui.Flash(c, "moi", map[string]string{"1": T("order.placed")})
	if p.Message == "" {
		p.Message = ui.Flash(c, "da-huy", map[string]string{"1": T("order.cancelled")})
	}
	if p.Message == "" && r.Payment.Status == payment.StatusPending {
		// back from Stripe's page: the webhook may still be on its way
		p.Message = ui.Flash(c, "tra-ve", map[string]string{"1": T("order.card_returned")})
	}
	for _, o := range g.Orders {
		if order.Allowed(o.Status, order.Cancelled, order.ByShopper) {
			p.Cancellable = true
		}
	}
	// the link's token must not leak through Referers or caches
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set("Referrer-Policy", "same-origin")
	return h.site.Render(c, "order", p)
}

// showVietQR draws the group's VietQR transfer code as SVG.
func (h *Handler) showVietQR(c *fiber.Ctx) error {
	g, err := h.group(c, c.Query("token"))
	if err != nil {
		return err
	}
	r, err := h.payments.Result(c.UserContext(), g)
	if err != nil {
		return err
	}
	if r.VietQR == "" {
		return order.ErrNotFound
	}
	q, err := qrcode.New(r.VietQR, qrcode.Medium)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/svg+xml")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(QRSVG(q))
}

// payByCard sends the shopper to Stripe's payment page of the group.
func (h *Handler) payByCard(c *fiber.Ctx) error {
	g, err := h.group(c, c.FormValue("token"))
	if err != nil {
		return err
	}
	u, err := h.payments.CardURL(c.UserContext(), g)
	if err != nil {
		return err
	}
	return c.Redirect(u, fiber.StatusSeeOther)
}

func (h *Handler) cancelOrder(c *fiber.Ctx) error {
	token := c.FormValue("token")
	g, err := h.group(c, token)
	if err != nil {
		return err
	}
	var uid int64
	if u := web.CurrentUser(c); u != nil {
		uid = u.User.ID
	}
	if _, err := h.orders.CancelByShopper(c.UserContext(), g.Code, h.orders.TrackingToken(g.Code), uid); err != nil {
		return err
	}
	return c.Redirect(localURL(h.payments.TrackingURL(g.Code))+"&da-huy=1", fiber.StatusSeeOther)
}

type ordersPage struct {
	BasePage
	Groups []*order.Group
	Links  map[string]string // group code → tracking path
}

func (h *Handler) listMyOrders(c *fiber.Ctx) error {
	u := web.CurrentUser(c)
	gs, err := h.orders.GroupsOfUser(c.UserContext(), u.User.ID, 100)
	if err != nil {
		return err
	}
	p := ordersPage{BasePage: h.site.Form(c, T("orders.title")), Groups: gs, Links: map[string]string{}}
	for _, g := range gs {
		p.Links[g.Code] = localURL(h.payments.TrackingURL(g.Code))
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return h.site.Render(c, "orders", p)
}

// checkoutField is one text field of the checkout form, for its partial.
type checkoutField struct {
	ID, Label, Value, Type, Auto string
	Required                     bool
	Error                        string
}

func newCheckoutField(id, errKey, label, value, typ, auto string, required bool, errs apperr.FieldErrors) checkoutField {
	return checkoutField{ID: id, Label: label, Value: value, Type: typ, Auto: auto, Required: required, Error: errs[errKey]}
}
