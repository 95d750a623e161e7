package ui

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/web"
)

// BasePage is what the layout needs; every page struct embeds it.
type BasePage struct {
	Title       string
	Description string
	Canonical   string
	OGType      string
	OGImage     string
	NoIndex     bool
	Query       string // the search box's current text
	Breadcrumbs []Crumb
	JSONLD      []any              // structured data blocks, marshalled by html/template
	Me          *account.Principal // the signed-in user, or nil
	CSRF        string             // token for the page's forms, set by pages with forms
	// CartCount is the number of units in the shopper's cart, from the
	// cart-count cookie the cart pages set (a hint: the cart page reads
	// the cart itself), so browsing pages need no query for it.
	CartCount int
}

// CartCookie is the cookie holding the cart's unit count for the header.
const CartCookie = "gio"

// Crumb is one step of a breadcrumb trail; the last has no URL.
type Crumb struct {
	Name string
	URL  string
}

// Base is the layout's data for the page at c's path.
func (s *Site) Base(c *fiber.Ctx, title, description string) BasePage {
	if description == "" {
		description = s.T("site.description")
	}
	b := BasePage{Title: title, Description: description, Canonical: s.baseURL + c.Path(), OGType: "website", Query: c.Query("q"),
		Me: web.CurrentUser(c)}
	if n, err := strconv.Atoi(c.Cookies(CartCookie)); err == nil && n > 0 && n < 100000 {
		b.CartCount = n
	}
	return b
}

// Form is Base for a page with forms, titled title (the site's name is
// added): kept out of search engines, with the request's CSRF token for
// the forms' _csrf field (the "csrf" partial).
func (s *Site) Form(c *fiber.Ctx, title string) BasePage {
	b := s.Base(c, title+" – "+s.T("site.name"), "")
	b.NoIndex = true
	b.CSRF = web.CSRFToken(c)
	return b
}

// Flash is the notice a page shows after a redirect that says what was
// done with ?param=code: the notice of code, or "" for none.
func Flash(c *fiber.Ctx, param string, notices map[string]string) string {
	return notices[c.Query(param)]
}

// WithQuery returns path with the query values q (empty values dropped).
func WithQuery(p string, q url.Values) string {
	for k, vs := range q {
		if len(vs) == 0 || (len(vs) == 1 && vs[0] == "") {
			delete(q, k)
		}
	}
	if len(q) == 0 {
		return p
	}
	return p + "?" + q.Encode()
}
