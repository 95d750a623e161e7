// Package storefront serves the shopper's server-rendered pages. Templates
// and static assets are embedded in the binary.
package storefront

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/vntext"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Handler serves the storefront pages.
type Handler struct {
	catalog *catalog.Service
	baseURL string
	pages   map[string]*template.Template
}

var funcs = template.FuncMap{
	"vnd":   vntext.VND,
	"stars": func(n int) string { return strings.Repeat("★", n) },
}

// New parses the templates (one set per page, sharing the layout).
func New(c *catalog.Service, baseURL string) (*Handler, error) {
	h := &Handler{catalog: c, baseURL: baseURL, pages: map[string]*template.Template{}}
	for _, page := range []string{"home", "product"} {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/"+page+".html")
		if err != nil {
			return nil, fmt.Errorf("storefront template %s: %w", page, err)
		}
		h.pages[page] = t
	}
	return h, nil
}

// Routes mounts the pages on app.
func (h *Handler) Routes(app *fiber.App) {
	app.Get("/static/*", h.static)
	app.Get("/", h.showHome)
	app.Get("/san-pham/:slug", h.showProduct)
}

// render executes page into a buffer first, so a template failure becomes
// a clean 500 instead of half a page.
func (h *Handler) render(c *fiber.Ctx, page string, data any) error {
	var buf bytes.Buffer
	if err := h.pages[page].Execute(&buf, data); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(buf.Bytes())
}

func (h *Handler) static(c *fiber.Ctx) error {
	name := c.Params("*")
	if strings.Contains(name, "..") {
		return fiber.ErrNotFound
	}
	b, err := staticFiles.ReadFile("static/" + name)
	if err != nil {
		return fiber.ErrNotFound
	}
	switch {
	case strings.HasSuffix(name, ".css"):
		c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	default:
		c.Set(fiber.HeaderContentType, "application/octet-stream")
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(b)
}

type homePage struct {
	Title     string
	Canonical string
	Groups    []catalog.GroupCount
	Products  []*catalog.ListItem
	Total     int
}

func (h *Handler) showHome(c *fiber.Ctx) error {
	ctx := c.UserContext()
	groups, err := h.catalog.Groups(ctx)
	if err != nil {
		return err
	}
	var top []catalog.GroupCount
	for _, g := range groups {
		if g.Level == 1 {
			top = append(top, g)
		}
	}
	page, err := h.catalog.ListProducts(ctx, catalog.Filter{PerPage: 24})
	if err != nil {
		return err
	}
	return h.render(c, "home", homePage{
		Title: "Chợ OCOP – sản phẩm OCOP được chứng nhận", Canonical: h.baseURL + "/",
		Groups: top, Products: page.Items, Total: page.Total,
	})
}

type productPage struct {
	Title     string
	Canonical string
	Product   *catalog.Product
}

func (h *Handler) showProduct(c *fiber.Ctx) error {
	p, err := h.catalog.Product(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	return h.render(c, "product", productPage{Title: p.Name + " – Chợ OCOP", Canonical: h.baseURL + "/san-pham/" + p.Slug, Product: p})
}
