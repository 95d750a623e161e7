// Package storefront serves the shopper's server-rendered pages: home,
// catalog (by group and province), product, producer storefront, province,
// sitemap and robots. Pages are complete HTML without JavaScript; templates
// and static assets are embedded in the binary, assets under fingerprinted
// URLs with long-lived cache headers.
package storefront

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/sanitize"
	"github.com/ocopvn/ocop/internal/vntext"
	"github.com/ocopvn/ocop/internal/web"
	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/search"
)

//go:embed templates
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Handler serves the storefront pages.
type Handler struct {
	catalog  *catalog.Service
	search   search.Index // nil: search pages use the catalog's word matching
	baseURL  string
	pages    map[string]*template.Template
	assets   map[string]asset  // by fingerprinted name
	assetURL map[string]string // logical name -> /static/<fingerprinted name>
	cardTpl  *template.Template
	cards    atomic.Pointer[cardCache]
	// Accounts, when set, adds sign-up, sign-in and the account pages.
	Accounts *account.Service
	// Producers, Backoffice and Photos, when set with Accounts, add the
	// onboarding pages and staff console, the producer back-office and
	// photo management; Media serves photos from the local disk backend.
	Producers  *producer.Service
	Backoffice *product.Service
	Photos     *product.Photos
	Media      media.Store
	// Certification records certificates from the staff console.
	Certification *certification.Service
	// UploadLimit is the server's largest upload body (OCOP_UPLOAD_LIMIT),
	// which the photo pages announce and check before sending.
	UploadLimit int
}

// cardCache holds rendered product cards of one catalog version: a card
// looks the same on every page, so it is rendered once.
type cardCache struct {
	version string
	m       sync.Map // *catalog.ListItem -> template.HTML
}

// translated matches {{t "key"}} in templates. UI strings are constants,
// so they are put into the template text before parsing (escaped as HTML)
// instead of being looked up on every render.
var translated = regexp.MustCompile(`\{\{t "([a-z0-9_.]+)"\}\}`)

func parseTemplates(root *template.Template, names ...string) (*template.Template, error) {
	for _, name := range names {
		b, err := templateFiles.ReadFile("templates/" + name)
		if err != nil {
			return nil, err
		}
		src := translated.ReplaceAllStringFunc(string(b), func(m string) string {
			return template.HTMLEscapeString(T(translated.FindStringSubmatch(m)[1]))
		})
		if _, err := root.New(name).Parse(src); err != nil {
			return nil, err
		}
	}
	return root, nil
}

type asset struct {
	body        []byte
	contentType string
}

// pageNames are the page templates, each parsed with the layout and
// partials into its own set.
var pageNames = []string{"home", "catalog", "product", "producer", "province", "search", "error",
	"signup", "signin", "forgot", "reset", "account", "console"}

// New parses the templates and fingerprints the static assets. idx may be
// nil.
func New(c *catalog.Service, idx search.Index, baseURL string) (*Handler, error) {
	h := &Handler{catalog: c, search: idx, baseURL: strings.TrimRight(baseURL, "/"), pages: map[string]*template.Template{},
		assets: map[string]asset{}, assetURL: map[string]string{}}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		fp := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		h.assets[fp] = asset{body: b, contentType: mime.TypeByExtension(ext)}
		h.assetURL[name] = "/static/" + fp
		return nil
	})
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"t":       T,
		"vnd":     vntext.VND,
		"stars":   func(n int) string { return strings.Repeat("★", n) },
		"date":    viDate,
		"asset":   func(name string) string { return h.assetURL[name] },
		"level":   func(l string) string { return T("level." + l) },
		"add":     func(a, b int) int { return a + b },
		"letter":  initial,
		"tone":    groupTone,
		"paras":   paragraphs,
		"options": options,
		"rich":    sanitize.RichHTML,
	}
	all := append(append(append(append([]string{}, pageNames...), consolePages...), backofficePages...), photoPages...)
	for _, page := range all {
		t, err := parseTemplates(template.New("").Funcs(funcs), "layout.html", "partials.html", page+".html")
		if err != nil {
			return nil, fmt.Errorf("storefront template %s: %w", page, err)
		}
		h.pages[page] = t.Lookup("layout.html")
	}
	if h.cardTpl, err = parseTemplates(template.New("").Funcs(funcs), "partials.html"); err != nil {
		return nil, fmt.Errorf("storefront card template: %w", err)
	}
	return h, nil
}

// Routes mounts the pages on app.
// Every route declares who may use it (web.Access); the account pages
// come only with an account service.
func (h *Handler) Routes(r *web.Router) {
	r.Get("/static/:name", web.Public, h.static)
	r.Get("/robots.txt", web.Public, h.robots)
	r.Get("/sitemap.xml", web.Public, h.sitemap)
	r.Get("/", web.Public, h.showHome)
	r.Get("/san-pham", web.Public, h.listCatalog)
	r.Get("/san-pham/:slug", web.Public, h.showProductOrGroup)
	r.Get("/cua-hang/:slug", web.Public, h.showProducer)
	r.Get("/tinh", web.Public, h.pickProvince)
	r.Get("/tinh/:slug", web.Public, h.showProvince)
	r.Get("/tim-kiem", web.Public, h.showSearch)
	if h.Accounts != nil {
		h.accountRoutes(r)
		if h.Producers != nil {
			h.consoleRoutes(r)
		}
		if h.Backoffice != nil {
			h.backofficeRoutes(r)
		}
		if h.Photos != nil {
			h.photoRoutes(r)
		}
	}
}

// renderCards returns the rendered cards of items, from the cache of v's
// version. The HTML comes from html/template, so it is escaped already.
func (h *Handler) renderCards(v *catalog.View, items []*catalog.ListItem) ([]template.HTML, error) {
	cc := h.cards.Load()
	if cc == nil || cc.version != v.Version() {
		cc = &cardCache{version: v.Version()}
		h.cards.Store(cc)
	}
	out := make([]template.HTML, len(items))
	for i, it := range items {
		if s, ok := cc.m.Load(it); ok {
			out[i] = s.(template.HTML)
			continue
		}
		card, err := h.renderCard(cardData{ListItem: it})
		if err != nil {
			return nil, err
		}
		out[i] = card
		cc.m.Store(it, card)
	}
	return out, nil
}

// cardData is what the card template shows: an item, and its name with
// search matches marked when it comes from a search.
type cardData struct {
	*catalog.ListItem
	NameHTML template.HTML
}

func (h *Handler) renderCard(d cardData) (template.HTML, error) {
	card, err := sanitize.ExecuteTemplate(h.cardTpl, "card", d)
	if err != nil {
		return "", fmt.Errorf("render card: %w", err)
	}
	return card, nil
}

// render executes page into a buffer first, so a template failure becomes
// a clean 500 instead of half a page.
func (h *Handler) render(c *fiber.Ctx, page string, data any) error {
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer func() {
		buf.Reset()
		renderBuffers.Put(buf)
	}()
	if err := h.pages[page].Execute(buf, data); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	// SetBody copies into the response's own buffer, so ours can be reused
	c.Response().SetBody(buf.Bytes())
	return nil
}

// renderBuffers recycles page buffers: pages are 10–30 KB, and growing a
// fresh buffer for each was a large part of a page's allocations.
var renderBuffers = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 32<<10)) }}

func (h *Handler) static(c *fiber.Ctx) error {
	a, ok := h.assets[c.Params("name")]
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, a.contentType)
	// the name carries the content hash: a new version gets a new URL
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Send(a.body)
}

// ErrorPage renders the site's error page for status. The web error
// handler calls it for every HTML error response.
func (h *Handler) ErrorPage(c *fiber.Ctx, status int, message, requestID string) error {
	title, help := T("error.other"), message
	switch {
	case status == fiber.StatusNotFound:
		title, help = T("error.404"), T("error.404.help")
	case status >= 500:
		title, help = T("error.500"), T("error.500.help")
	}
	p := errorPage{BasePage: h.base(c, title+" – "+T("site.name"), ""), Status: status, Heading: title, Help: help, RequestID: requestID}
	p.NoIndex = true
	var buf bytes.Buffer
	if err := h.pages["error"].Execute(&buf, p); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}

func viDate(iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return t.Format("02/01/2006")
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

// paragraphs splits plain text into paragraphs at blank lines or line
// breaks; the template escapes each.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// options renders facet values as <option> elements (sanitize.Options).
func options(opts []facetOption) template.HTML { return sanitize.Options(opts, (*facetOption).option) }

// withQuery returns path with the query values q (empty values dropped).
func withQuery(p string, q url.Values) string {
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

func itoa(n int) string { return strconv.Itoa(n) }
