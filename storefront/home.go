package storefront

import (
	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/catalog"
)

func (h *Handler) showHome(c *fiber.Ctx) error {
	v, err := h.catalog.View(c.UserContext())
	if err != nil {
		return err
	}
	var top []catalog.GroupCount
	for _, g := range v.Groups() {
		if g.Level == 1 {
			top = append(top, g)
		}
	}
	counts := map[string]int{}
	for _, p := range v.Provinces() {
		counts[p.Code] = p.ProductCount
	}
	var provinces []catalog.ProvinceCount
	for _, p := range v.Reference().ProvincesVI {
		provinces = append(provinces, catalog.ProvinceCount{Province: p, ProductCount: counts[p.Code]})
	}
	featured, err := v.List(catalog.Filter{Stars: []int{5}, PerPage: 8})
	if err != nil {
		return err
	}
	newest, err := v.List(catalog.Filter{PerPage: 8})
	if err != nil {
		return err
	}
	featuredCards, err := h.renderCards(c.UserContext(), v, featured.Items)
	if err != nil {
		return err
	}
	newestCards, err := h.renderCards(c.UserContext(), v, newest.Items)
	if err != nil {
		return err
	}
	p := homePage{BasePage: h.site.Base(c, T("home.title"), ""), Groups: top, Provinces: provinces,
		Featured: featuredCards, Newest: newestCards, Total: newest.Total}
	p.JSONLD = append(p.JSONLD, map[string]any{
		"@context": "https://schema.org", "@type": "WebSite", "name": T("site.name"), "url": h.site.BaseURL() + "/",
		"potentialAction": map[string]any{"@type": "SearchAction", "target": h.site.BaseURL() + "/san-pham?q={q}", "query-input": "required name=q"},
	})
	return h.site.Render(c, "home", p)
}
