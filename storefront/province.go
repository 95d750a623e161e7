package storefront

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/catalog"
)

// pickProvince serves the home page's province form (GET /tinh?tinh=slug)
// without JavaScript by redirecting to the province's page.
func (h *Handler) pickProvince(c *fiber.Ctx) error {
	ref, err := h.catalog.Reference(c.UserContext())
	if err != nil {
		return err
	}
	if p, ok := ref.Province(c.Query("tinh")); ok {
		return c.Redirect("/tinh/"+url.PathEscape(p.Slug), fiber.StatusSeeOther)
	}
	return c.Redirect("/san-pham", fiber.StatusSeeOther)
}

func (h *Handler) showProvince(c *fiber.Ctx) error {
	v, err := h.catalog.View(c.UserContext())
	if err != nil {
		return err
	}
	ref := v.Reference()
	prov, ok := ref.Province(c.Params("slug"))
	if !ok {
		return errNotFound
	}
	if prov.Slug != c.Params("slug") {
		// a province code (/tinh/42): the page's one address
		to := "/tinh/" + url.PathEscape(prov.Slug)
		if q := string(c.Request().URI().QueryString()); q != "" {
			to += "?" + q
		}
		return c.Redirect(to, fiber.StatusMovedPermanently)
	}
	f, notices := readFilter(c, ref)
	f.Province = prov.Code
	path := "/tinh/" + prov.Slug
	l, err := h.buildListing(c.UserContext(), v, path, f, notices, "province")
	if err != nil {
		return err
	}
	// counts by star for the whole province, whatever the other filters
	all, err := v.List(catalog.Filter{Province: prov.Code, PerPage: 1, Facets: true})
	if err != nil {
		return err
	}
	var stars []facetOption
	for _, s := range []int{5, 4, 3} {
		stars = append(stars, facetOption{Value: strconv.Itoa(s), Label: strconv.Itoa(s) + " " + T("product.star"), Count: all.Facets.Star[s],
			URL: path + "?star=" + strconv.Itoa(s)})
	}
	producers := v.ProducersIn(prov.Code)
	heading := T("province.title") + " " + prov.Name
	p := provincePage{BasePage: h.site.Base(c, heading+" – "+T("site.name"), heading+": "+strconv.Itoa(all.Total)+" sản phẩm được chứng nhận, "+strconv.Itoa(len(producers))+" chủ thể."),
		Province: prov, Stars: stars, Producers: producers, List: l}
	p.Canonical = h.canonical(path, f.Page)
	h.withCrumbs(&p.BasePage, Crumb{Name: prov.FullName})
	return h.site.Render(c, "province", p)
}
