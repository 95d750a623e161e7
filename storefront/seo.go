package storefront

import (
	"bytes"
	"encoding/xml"

	"github.com/gofiber/fiber/v2"
)

func (h *Handler) showRobots(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	return c.SendString("User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /quan-ly/\nDisallow: /quan-tri/\n\nSitemap: " + h.site.BaseURL() + "/sitemap.xml\n")
}

type urlset struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc string `xml:"loc"`
}

// showSitemap lists the home page, the catalog, every group and province page
// with public products, every public product and every producer with one.
func (h *Handler) showSitemap(c *fiber.Ctx) error {
	v, err := h.catalog.View(c.UserContext())
	if err != nil {
		return err
	}
	products, producers := v.PublicSlugs()
	groups, provinces := v.Groups(), v.Provinces()
	s := urlset{NS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	add := func(path string) { s.URLs = append(s.URLs, sitemapURL{Loc: h.site.BaseURL() + path}) }
	add("/")
	add("/san-pham")
	for _, g := range groups {
		if g.ProductCount > 0 {
			add("/san-pham/" + g.Slug)
		}
	}
	for _, p := range provinces {
		if p.ProductCount > 0 {
			add("/tinh/" + p.Slug)
		}
	}
	for _, slug := range products {
		add("/san-pham/" + slug)
	}
	for _, slug := range producers {
		add("/cua-hang/" + slug)
	}
	if h.showrooms != nil {
		add("/diem-ban")
	}
	if h.fairs != nil {
		add("/hoi-cho")
		paths, err := h.fairPaths(c)
		if err != nil {
			return err
		}
		for _, p := range paths {
			add(p)
		}
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(s); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	return c.Send(buf.Bytes())
}
