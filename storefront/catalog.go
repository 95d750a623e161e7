package storefront

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/catalog"
)

func (h *Handler) listCatalog(c *fiber.Ctx) error {
	v, err := h.catalog.View(c.UserContext())
	if err != nil {
		return err
	}
	return h.catalogPage(c, v, nil)
}

// showProductOrGroup serves /san-pham/{slug}: a product-group page when slug
// names a group (product slugs never take a group's slug), else a product.
func (h *Handler) showProductOrGroup(c *fiber.Ctx) error {
	v, err := h.catalog.View(c.UserContext())
	if err != nil {
		return err
	}
	if g, ok := v.Reference().Group(c.Params("slug")); ok && g.Slug == c.Params("slug") {
		return h.catalogPage(c, v, g)
	}
	return h.showProduct(c, v)
}

func (h *Handler) catalogPage(c *fiber.Ctx, v *catalog.View, group *catalog.Group) error {
	ref := v.Reference()
	f, notices := readFilter(c, ref)
	path, fixed, heading := "/san-pham", "", T("catalog.title")
	var crumbs []Crumb
	if group != nil {
		f.Group, path, fixed, heading = group.Code, "/san-pham/"+group.Slug, "group", group.Name
		crumbs = append(crumbs, Crumb{Name: T("nav.catalog"), URL: "/san-pham"})
		for _, g := range ref.Path(group.Code) {
			crumbs = append(crumbs, Crumb{Name: g.Name, URL: "/san-pham/" + g.Slug})
		}
		crumbs[len(crumbs)-1].URL = ""
	} else {
		crumbs = append(crumbs, Crumb{Name: T("nav.catalog")})
	}
	l, err := h.buildListing(c.UserContext(), v, path, f, notices, fixed)
	if err != nil {
		return err
	}
	title := heading + " – " + T("site.name")
	if f.Page > 1 {
		title = heading + " – " + T("page.of") + " " + strconv.Itoa(f.Page) + " – " + T("site.name")
	}
	p := catalogPage{BasePage: h.site.Base(c, title, heading+": "+strconv.Itoa(l.Page.Total)+" "+T("catalog.results")+" OCOP 3–5 sao được chứng nhận."), Heading: heading, List: l}
	p.Canonical = h.canonical(path, f.Page)
	p.NoIndex = len(c.Queries()) > 0 && !(len(c.Queries()) == 1 && c.Query("page") != "")
	h.withCrumbs(&p.BasePage, crumbs...)
	return h.site.Render(c, "catalog", p)
}

func (h *Handler) canonical(path string, page int) string {
	if page > 1 {
		return h.site.BaseURL() + path + "?page=" + strconv.Itoa(page)
	}
	return h.site.BaseURL() + path
}
