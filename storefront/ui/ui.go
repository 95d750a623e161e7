// Package ui is the page plumbing every screen shares (the shopper's
// storefront and the staff and producer screens of internal/admin): the
// layout and shared partials, the UI strings both use and the t function,
// links to the fingerprinted static assets, the layout's page data (with
// the CSRF token for forms), flash notices after a redirect, and rendering
// a page into a buffer so a template failure is a clean 500.
//
// A screen makes one Site from its own templates and strings; the layout
// and partials here are parsed into each of its pages.
package ui

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/ocopvn/ocop/internal/catalog"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/vntext"
	"github.com/ocopvn/ocop/storefront/static"
)

//go:embed templates
var sharedFiles embed.FS

// shared are this package's templates (by their name in a set, and file),
// parsed before a screen's own.
var shared = []struct{ name, file string }{
	{"layout.html", "templates/layout.html"},
	{"ui/partials.html", "templates/partials.html"},
}

// Options describe a screen's pages.
type Options struct {
	// BaseURL is the site's public origin, for canonical links.
	BaseURL string
	// Files holds the screen's templates as templates/<name>.html.
	Files fs.FS
	// Messages are the screen's UI strings, Common included (Merge).
	Messages Messages
	// Funcs are template functions of the screen's own, besides t, asset,
	// vnd, stars, date and paras.
	Funcs template.FuncMap
	// Partials are the screen's partial templates, parsed into every page.
	Partials []string
	// Pages are the screen's page templates, each executed in the layout.
	Pages []string
}

// Site renders one screen's pages.
type Site struct {
	baseURL  string
	messages Messages
	files    fs.FS
	funcs    template.FuncMap
	partials []string
	pages    map[string]*template.Template
}

// New parses every page of o with the layout and partials.
func New(o Options) (*Site, error) {
	if o.Files == nil || o.Messages == nil {
		return nil, fmt.Errorf("ui: templates and messages are required")
	}
	s := &Site{baseURL: strings.TrimRight(o.BaseURL, "/"), messages: o.Messages, files: o.Files,
		partials: o.Partials, pages: map[string]*template.Template{}}
	s.funcs = template.FuncMap{
		"t":     s.T,
		"asset": static.URL,
		"vnd":   vntext.VND,
		"num":   vntext.Number,
		"stars": func(n int) string { return strings.Repeat("★", n) },
		"date":  viDate,
		"paras": paragraphs,
	}
	for k, f := range o.Funcs {
		s.funcs[k] = f
	}
	// a template that is neither would be a page nobody can render
	listed := map[string]bool{}
	for _, name := range o.Partials {
		listed[name] = true
	}
	for _, page := range o.Pages {
		listed[page+".html"] = true
	}
	files, err := fs.Glob(o.Files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if name := path.Base(f); !listed[name] {
			return nil, fmt.Errorf("template %s is neither a page nor a partial", name)
		}
	}
	for _, page := range o.Pages {
		t, err := s.Parse(page + ".html")
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", page, err)
		}
		s.pages[page] = t.Lookup("layout.html")
	}
	return s, nil
}

// T is the screen's message of key (Messages.T).
func (s *Site) T(key string) string { return s.messages.T(key) }

// BaseURL is the site's public origin, without a trailing slash.
func (s *Site) BaseURL() string { return s.baseURL }

// translated matches {{t "key"}} in templates. UI strings are constants,
// so they are put into the template text before parsing (escaped as HTML)
// instead of being looked up on every render.
var translated = regexp.MustCompile(`\{\{t "([a-z0-9_.]+)"\}\}`)

// Parse returns a template set of the shared templates, the screen's
// partials and the screen's templates names, with the screen's strings.
func (s *Site) Parse(names ...string) (*template.Template, error) {
	root := template.New("").Funcs(s.funcs)
	for _, t := range shared {
		if err := s.parse(root, sharedFiles, t.name, t.file); err != nil {
			return nil, err
		}
	}
	for _, name := range append(append([]string{}, s.partials...), names...) {
		if err := s.parse(root, s.files, name, "templates/"+name); err != nil {
			return nil, err
		}
	}
	return root, nil
}

func (s *Site) parse(root *template.Template, files fs.FS, name, file string) error {
	b, err := fs.ReadFile(files, file)
	if err != nil {
		return err
	}
	src := translated.ReplaceAllStringFunc(string(b), func(m string) string {
		return template.HTMLEscapeString(s.T(translated.FindStringSubmatch(m)[1]))
	})
	_, err = root.New(name).Parse(src)
	return err
}

// Render executes page into a buffer first, so a template failure becomes
// a clean 500 instead of half a page, then sends it as the response's
// HTML body (with the status already set on c).
func (s *Site) Render(c *fiber.Ctx, page string, data any) error {
	t, ok := s.pages[page]
	if !ok {
		return fmt.Errorf("render %s: no such page", page)
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer func() {
		buf.Reset()
		renderBuffers.Put(buf)
	}()
	if err := t.Execute(buf, data); err != nil {
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

func viDate(iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return t.Format("02/01/2006")
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

// DateTime shows t as Vietnam's local time, "15:04 02/01/2006"; a nil
// pointer is "".
func DateTime(t any) string {
	switch v := t.(type) {
	case time.Time:
		return v.In(catalog.Vietnam).Format("15:04 02/01/2006")
	case *time.Time:
		if v == nil {
			return ""
		}
		return v.In(catalog.Vietnam).Format("15:04 02/01/2006")
	}
	return ""
}
