// Package storefront serves the shopper's server-rendered pages: home,
// catalog (by group and province), product, producer storefront, province,
// search, sitemap and robots, the error pages, the account pages (sign-up,
// sign-in, password reset, the account) and the public media files. Pages
// are complete HTML without JavaScript; templates are embedded in the
// binary, and the layout, shared partials and static assets come from
// storefront/ui and storefront/static, which the back-office and staff
// screens (internal/admin) share.
package storefront

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/gofiber/fiber/v2"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/fair"
	"github.com/ocopvn/ocop/internal/order"
	"github.com/ocopvn/ocop/internal/payment"
	"github.com/ocopvn/ocop/internal/sanitize"
	"github.com/ocopvn/ocop/internal/showroom"
	"github.com/ocopvn/ocop/internal/web"
	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/search"
	"github.com/ocopvn/ocop/storefront/static"
	"github.com/ocopvn/ocop/storefront/ui"
)

//go:embed templates
var templateFiles embed.FS

// Deps are what the storefront needs; New refuses a missing one.
type Deps struct {
	Catalog *catalog.Service
	// Search answers the search page; nil (optional) makes it use the
	// catalog's word matching.
	Search search.Index
	// Accounts signs shoppers up and in (the account pages).
	Accounts *account.Service
	// Media holds the public photos, logos and banners served at /media/.
	Media media.Store
	// Certification answers the verification pages of products' QR codes;
	// VerifyLimit (shared with the API) refuses a client that looks up too
	// many unknown codes.
	Certification *certification.Service
	VerifyLimit   *web.MissLimiter
	// Sales are the cart, checkout and order pages (nil: no shop); its
	// rate limits are the API's.
	Sales *web.Sales
	// Showrooms serves the showroom pages (nil: none).
	Showrooms *showroom.Service
	// Fairs serves the fairs' pages (nil: none).
	Fairs *fair.Service
	// BaseURL is the site's public origin, for canonical links.
	BaseURL string
	// MapTiles (a checked tile URL template; "" for none) and
	// MapAttribution make the showroom pages' maps interactive.
	MapTiles, MapAttribution string
}

// Handler serves the storefront pages.
type Handler struct {
	site     *ui.Site
	catalog  *catalog.Service
	search   search.Index // nil: search pages use the catalog's word matching
	accounts *account.Service
	media    media.Store
	// certification and verifyLimit serve /xac-minh/{code}
	certification *certification.Service
	verifyLimit   *web.MissLimiter
	// orders, payments and sales serve the cart, checkout and orders
	orders    *order.Service
	payments  *payment.Service
	sales     *web.Sales
	showrooms *showroom.Service
	fairs     *fair.Service
	// liveMap is the interactive map's settings ("" tiles: SVG only)
	liveMap liveMap
	// carryingCache holds the "sold at" blocks of product pages
	carryingCache carryingCache
	cardTpl       *template.Template
	cards         atomic.Pointer[cardCache]
}

// cardCache holds rendered product cards of one catalog version: a card
// looks the same on every page, so it is rendered once. It keeps the
// cardCacheSize most recently shown (about 1.5 KiB each), so a crawler
// walking every page of 100,000 products does not hold them all.
type cardCache struct {
	version string
	m       *lru.Cache[any, renderedCard] // *catalog.ListItem or eagerKey
}

// renderedCard is one card as the card template rendered it (a struct, so
// the trusted type is never a type argument: SECURITY.md X-01's scan).
type renderedCard struct{ html template.HTML }

// cardCacheSize is how many rendered cards a cardCache keeps.
const cardCacheSize = 4096

func newCardCache(version string) *cardCache {
	m, _ := lru.New[any, renderedCard](cardCacheSize)
	return &cardCache{version: version, m: m}
}

// pageNames are the page templates, each parsed with the layout and
// partials into its own set.
var pageNames = []string{"home", "catalog", "product", "producer", "province", "search", "error",
	"signup", "signin", "forgot", "reset", "account", "verify", "cart", "checkout", "order", "orders", "stats",
	"showrooms", "showroom", "fairs", "fair", "fair_booth", "fair_card"}

// New parses the templates. Every dependency but d.Search is required.
func New(d Deps) (*Handler, error) {
	var missing []string
	for _, dep := range []struct {
		name string
		ok   bool
	}{{"Catalog", d.Catalog != nil}, {"Accounts", d.Accounts != nil}, {"Media", d.Media != nil}, {"Certification", d.Certification != nil}} {
		if !dep.ok {
			missing = append(missing, dep.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("storefront: missing dependencies %s", strings.Join(missing, ", "))
	}
	h := &Handler{catalog: d.Catalog, search: d.Search, accounts: d.Accounts, media: d.Media,
		certification: d.Certification, verifyLimit: d.VerifyLimit, showrooms: d.Showrooms, fairs: d.Fairs,
		liveMap: newLiveMap(d.MapTiles, d.MapAttribution)}
	if d.Sales != nil {
		h.sales, h.orders, h.payments = d.Sales, d.Sales.Orders, d.Sales.Payments
	}
	funcs := template.FuncMap{
		"level":   func(l string) string { return T("level." + l) },
		"add":     func(a, b int) int { return a + b },
		"letter":  initial,
		"tone":    groupTone,
		"options": options,
		"rich":    sanitize.RichHTML,
		// the shop's pages
		"status":    func(s order.Status) string { return order.StatusText(s) },
		"datetime":  ui.DateTime,
		"hasPrefix": strings.HasPrefix,
		"phone":     localPhone,
		"field":     newCheckoutField,
		// a certificate's score the Vietnamese way (95,64), and whether it
		// makes a provincial 4★ a potential 5★
		"score": certScore,
		"potential5": func(c catalog.Certificate) bool {
			if c.Score == nil {
				return false
			}
			h := int64(math.Round(*c.Score * 100))
			return certification.PotentialFive(c.Star, c.IssuingLevel, &h)
		},
	}
	var err error
	h.site, err = ui.New(ui.Options{BaseURL: d.BaseURL, Files: templateFiles, Messages: messages, Funcs: funcs,
		Partials: []string{"partials.html"}, Pages: pageNames})
	if err != nil {
		return nil, fmt.Errorf("storefront: %w", err)
	}
	if h.cardTpl, err = h.site.Parse(); err != nil {
		return nil, fmt.Errorf("storefront card template: %w", err)
	}
	return h, nil
}

// Routes mounts the pages on r. Every route declares who may use it
// (web.Access).
func (h *Handler) Routes(r *web.Router) {
	r.Get("/static/:name", web.Public, static.Serve)
	r.Get("/robots.txt", web.Public, h.showRobots)
	r.Get("/sitemap.xml", web.Public, h.showSitemap)
	r.Get("/media/*", web.Public, h.showMedia)
	r.Get("/", web.Public, h.showHome)
	r.Get("/san-pham", web.Public, h.listCatalog)
	r.Get("/san-pham/:slug", web.Public, h.showProductOrGroup)
	r.Get("/cua-hang/:slug", web.Public, h.showProducer)
	r.Get("/tinh", web.Public, h.pickProvince)
	r.Get("/tinh/:slug", web.Public, h.showProvince)
	r.Get("/tim-kiem", web.Public, h.showSearch)
	r.Get("/thong-ke", web.Public, h.showStats)
	r.Get("/xac-minh/:code", web.Public, h.showVerification)
	r.Get("/xac-minh/:code/qr.svg", web.Public, h.showQRSVG)
	r.Get("/xac-minh/:code/qr.png", web.Public, h.showQRPNG)

	// accounts
	r.Get("/dang-ky", web.Public, h.showSignUp)
	r.Post("/dang-ky", web.Public, h.saveSignUp)
	r.Get("/dang-nhap", web.Public, h.showSignIn)
	r.Post("/dang-nhap", web.Public, h.saveSignIn)
	r.Post("/dang-xuat", web.Public, h.signOut)
	r.Get("/quen-mat-khau", web.Public, h.showForgot)
	r.Post("/quen-mat-khau", web.Public, h.saveForgot)
	r.Get("/dat-lai-mat-khau", web.Public, h.showReset)
	r.Post("/dat-lai-mat-khau", web.Public, h.saveReset)
	r.Get("/tai-khoan", web.SignedIn, h.showAccount)

	// showrooms
	if h.showrooms != nil {
		r.Get("/diem-ban", web.Public, h.listShowrooms)
		r.Get("/diem-ban/:slug", web.Public, h.showShowroom)
	}
	// fairs (the feed of all events before the event pages)
	if h.fairs != nil {
		r.Get("/hoi-cho", web.Public, h.listFairs)
		r.Get("/hoi-cho/lich.ics", web.Public, h.showFairsFeed)
		r.Get("/hoi-cho/:slug", web.Public, h.showFair)
		r.Get("/hoi-cho/:slug/lich.ics", web.Public, h.showFairFeed)
		r.Get("/hoi-cho/:slug/gian/:code", web.Public, h.showBooth)
		r.Get("/hoi-cho/:slug/gian/:code/qr.svg", web.Public, h.showBoothQR)
		r.Get("/hoi-cho/:slug/gian/:code/qr.png", web.Public, h.showBoothQR)
	}

	// cart, checkout and orders
	if h.orders != nil {
		r.Get("/gio-hang", web.Public, h.showCart)
		r.Post("/gio-hang/them", web.Public, h.addToCart)
		r.Post("/gio-hang/cap-nhat", web.Public, h.updateCart)
		r.Get("/thanh-toan", web.Public, h.showCheckout)
		r.Post("/thanh-toan", web.Public, h.saveCheckout)
		r.Get("/thanh-toan/xa-phuong", web.Public, h.listCommunes)
		r.Get("/don-hang/:code", web.Public, h.showOrder)
		r.Get("/don-hang/:code/vietqr.svg", web.Public, h.showVietQR)
		r.Post("/don-hang/:code/thanh-toan-the", web.Public, h.payByCard)
		r.Post("/don-hang/:code/huy", web.Public, h.cancelOrder)
		r.Get("/tai-khoan/don-hang", web.SignedIn, h.listMyOrders)
	}
}

// renderCards returns the rendered cards of items, from the cache of v's
// version. The HTML comes from html/template, so it is escaped already.
//
// A product on promotion now is rendered apart, never cached: its price
// starts and ends with the campaign.
func (h *Handler) renderCards(ctx context.Context, v *catalog.View, items []*catalog.ListItem) ([]template.HTML, error) {
	cc := h.cards.Load()
	if cc == nil || cc.version != v.Version() {
		cc = newCardCache(v.Version())
		h.cards.Store(cc)
	}
	out := make([]template.HTML, len(items))
	for i, it := range items {
		d := cardData{ListItem: it, Eager: i < eagerCards, Offer: h.offerOf(ctx, it.Slug, it.PriceVND)}
		if d.Offer != nil {
			card, err := h.renderCard(d)
			if err != nil {
				return nil, err
			}
			out[i] = card
			continue
		}
		var key any = it
		if d.Eager {
			key = eagerKey{it}
		}
		if s, ok := cc.m.Get(key); ok {
			out[i] = s.html
			continue
		}
		card, err := h.renderCard(d)
		if err != nil {
			return nil, err
		}
		out[i] = card
		cc.m.Add(key, renderedCard{card})
	}
	return out, nil
}

// eagerCards are the cards of a list whose photo loads at once, with high
// priority: the first row on a phone, where the largest paint is one of
// them; the others wait until they near the screen.
const eagerCards = 2

// eagerKey caches the eager rendering of an item apart from its lazy one.
type eagerKey struct{ *catalog.ListItem }

// cardData is what the card template shows: an item, and its name with
// search matches marked when it comes from a search.
type cardData struct {
	*catalog.ListItem
	NameHTML template.HTML
	// Eager loads the photo at once, with high priority (eagerCards).
	Eager bool
	// Offer is the promotion running now (nil: none)
	Offer *promoView
}

func (h *Handler) renderCard(d cardData) (template.HTML, error) {
	card, err := sanitize.ExecuteTemplate(h.cardTpl, "card", d)
	if err != nil {
		return "", fmt.Errorf("render card: %w", err)
	}
	return card, nil
}

// ErrorPage renders the site's error page for status. The web error
// handler calls it for every HTML error response, the back-office's and
// staff console's included.
func (h *Handler) ErrorPage(c *fiber.Ctx, status int, message, requestID string) error {
	title, help := T("error.other"), message
	switch {
	case status == fiber.StatusNotFound:
		title, help = T("error.404"), T("error.404.help")
	case status >= 500:
		title, help = T("error.500"), T("error.500.help")
	}
	p := errorPage{BasePage: h.site.Base(c, title+" – "+T("site.name"), ""), Status: status, Heading: title, Help: help, RequestID: requestID}
	p.NoIndex = true
	c.Status(status)
	return h.site.Render(c, "error", p)
}

// initial is the first letter of name, for photo placeholders.
func initial(name string) string {
	for _, r := range name {
		return strings.ToUpper(string(r))
	}
	return ""
}

// groupTone picks a placeholder colour class from the top-level group.
func groupTone(code string) string {
	top, _, _ := strings.Cut(code, ".")
	return "tone-" + strings.ToLower(top)
}

// options renders facet values as <option> elements (sanitize.Options).
func options(opts []facetOption) template.HTML { return sanitize.Options(opts, (*facetOption).option) }

// withQuery returns path with the query values q (empty values dropped).
func withQuery(p string, q url.Values) string { return ui.WithQuery(p, q) }

var errNotFound = fiber.ErrNotFound

// IsNotFound reports whether err means "no such page".
func IsNotFound(err error) bool { return errors.Is(err, fiber.ErrNotFound) }

// certScore formats a score as stored (a float, or the database's text)
// the Vietnamese way: 95,64.
func certScore(v any) string {
	switch x := v.(type) {
	case float64:
		return certification.ScoreText(x)
	case *float64:
		if x != nil {
			return certification.ScoreText(*x)
		}
	case string:
		if f, err := strconv.ParseFloat(x, 64); err == nil {
			return certification.ScoreText(f)
		}
		return x
	}
	return ""
}
