// Package admin serves the screens behind sign-in that are not the
// shopper's: the producer back-office (/quan-ly/…) with its photo pages,
// the onboarding pages where a user applies to open a storefront
// (/mo-cua-hang), and the staff console (/quan-tri/…) with the audit log.
// Its pages share the storefront's layout, partials, strings and static
// assets through storefront/ui; errors are rendered by the site's error
// page (web.Deps.HTMLError).
package admin

import (
	"embed"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/ocopvn/ocop/internal/searchsync"

	"github.com/ocopvn/ocop/internal/account"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/fair"
	"github.com/ocopvn/ocop/internal/importer"
	"github.com/ocopvn/ocop/internal/order"
	"github.com/ocopvn/ocop/internal/payment"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/report"
	"github.com/ocopvn/ocop/internal/showroom"
	"github.com/ocopvn/ocop/storefront/ui"
)

//go:embed templates
var templateFiles embed.FS

// Deps are what the screens need; New refuses a missing one.
type Deps struct {
	// Catalog names the provinces on the console's start page.
	Catalog *catalog.Service
	// Producers serves the onboarding pages and the staff console.
	Producers *producer.Service
	// Products serves the producer back-office's listings.
	Products *product.Service
	// Photos serves the photo pages.
	Photos *product.Photos
	// Certification records certificates from the staff console.
	Certification *certification.Service
	// Importer imports decision annexes from the staff console.
	Importer *importer.Service
	// Orders and Payments serve the back-office's orders and sales
	// settings and the console's ledger.
	Orders   *order.Service
	Payments *payment.Service
	// Reports serves the console's reports and the plans' upload.
	Reports *report.Service
	// Accounts lets admins disable and re-enable accounts.
	Accounts *account.Service
	// Outbox shows admins the search index's backlog and dead letter.
	Outbox *searchsync.Outbox
	// Showrooms, if set, serves the console's showrooms.
	Showrooms *showroom.Service
	// Fairs, if set, serves the console's fairs and events.
	Fairs *fair.Service
	// UploadLimit is the server's largest upload body (OCOP_UPLOAD_LIMIT),
	// which the photo pages announce and check before sending; 0 means
	// 64 MB.
	UploadLimit int
	// BaseURL is the site's public origin, for canonical links.
	BaseURL string
}

// Handler serves the back-office, onboarding and console pages.
type Handler struct {
	site          *ui.Site
	catalog       *catalog.Service
	producers     *producer.Service
	products      *product.Service
	photos        *product.Photos
	certification *certification.Service
	importer      *importer.Service
	orders        *order.Service
	payments      *payment.Service
	reports       *report.Service
	accounts      *account.Service
	outbox        *searchsync.Outbox
	showrooms     *showroom.Service
	fairs         *fair.Service
	uploadLimit   int
	now           func() time.Time
}

// messages are the strings of these screens, with the shared ones.
var messages = ui.Merge(ui.Common, ui.Orders, consoleMessages, backofficeMessages, photoMessages, orderMessages, reportMessages)

// T returns the message of key, or the key itself when it has none.
func T(key string) string { return messages.T(key) }

// New parses the templates. Every service of d is required.
func New(d Deps) (*Handler, error) {
	var missing []string
	for _, dep := range []struct {
		name string
		ok   bool
	}{{"Catalog", d.Catalog != nil}, {"Producers", d.Producers != nil}, {"Products", d.Products != nil}, {"Photos", d.Photos != nil}, {"Certification", d.Certification != nil}, {"Importer", d.Importer != nil}, {"Orders", d.Orders != nil}, {"Payments", d.Payments != nil}, {"Reports", d.Reports != nil}, {"Accounts", d.Accounts != nil}, {"Outbox", d.Outbox != nil}} {
		if !dep.ok {
			missing = append(missing, dep.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("admin: missing dependencies %s", strings.Join(missing, ", "))
	}
	h := &Handler{catalog: d.Catalog, producers: d.Producers, products: d.Products, photos: d.Photos, certification: d.Certification, importer: d.Importer, orders: d.Orders, payments: d.Payments,
		reports: d.Reports, accounts: d.Accounts, outbox: d.Outbox, showrooms: d.Showrooms, fairs: d.Fairs, uploadLimit: d.UploadLimit, now: time.Now}
	pages := append(append(append(append([]string{}, consolePages...), applyPages...), backofficePages...), photoPages...)
	pages = append(append(append(pages, orderPages...), reportPages...), "console_outbox", "console_showrooms", "console_showroom", "bo_showrooms",
		"console_fairs", "console_fair", "console_fair_zone",
		"bo_fairs", "bo_fair", "console_fair_applications",
		"console_promotions", "bo_promotions", "console_fair_outcome")
	var err error
	funcs := template.FuncMap{
		"status":     func(s order.Status) string { return order.StatusText(s) },
		"datetime":   ui.DateTime,
		"commission": func(bp int) string { return strconv.FormatFloat(float64(bp)/100, 'f', -1, 64) },
		"typeLabel":  producer.TypeLabel,
	}
	h.site, err = ui.New(ui.Options{BaseURL: d.BaseURL, Files: templateFiles, Messages: messages, Funcs: funcs,
		Partials: []string{"partials.html", "promotion_form.html"}, Pages: pages})
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	return h, nil
}

// privateBase is the layout's data of a page of these screens, titled
// title: with the CSRF token, kept out of search engines and of caches.
func (h *Handler) privateBase(c *fiber.Ctx, title string) BasePage {
	b := h.site.Form(c, title)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return b
}

// BasePage is what the layout needs; every page struct embeds it.
type BasePage = ui.BasePage

// withQuery returns path with the query values q (empty values dropped).
var withQuery = ui.WithQuery

// idParam parses a positive id route parameter; anything else is 404.
func idParam(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.E(apperr.NotFound, "Không tìm thấy trang bạn cần.", "bad :"+name)
	}
	return id, nil
}
