package storefront

import (
	"html/template"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/storefront/ui"
)

// statsPage is /thong-ke: the public catalog counted by province, star and
// group, from the in-memory catalog (no query).
type statsPage struct {
	BasePage
	Total      int
	Stars      []starCount
	Provinces  []catalog.ProvinceCount
	Groups     []catalog.GroupCount
	ByProvince template.HTML
	ByStar     template.HTML
	ByGroup    template.HTML
}

type starCount struct{ Star, N int }

func (h *Handler) showStats(c *fiber.Ctx) error {
	v, err := h.catalog.View(c.UserContext())
	if err != nil {
		return err
	}
	all, err := v.List(catalog.Filter{Facets: true, PerPage: 1})
	if err != nil {
		return err
	}
	p := statsPage{BasePage: h.site.Base(c, T("stats.title")+" – "+T("site.name"), T("stats.description")), Total: all.Total}
	var bars []ui.Bar
	for _, s := range []int{5, 4, 3} {
		n := all.Facets.Star[s]
		p.Stars = append(p.Stars, starCount{s, n})
		bars = append(bars, ui.Bar{Label: strconv.Itoa(s) + " sao", Value: n})
	}
	p.ByStar = ui.BarChart(T("stats.by_star"), bars)
	for _, pc := range v.Provinces() {
		if pc.ProductCount > 0 {
			p.Provinces = append(p.Provinces, pc)
		}
	}
	slices.SortStableFunc(p.Provinces, func(a, b catalog.ProvinceCount) int { return b.ProductCount - a.ProductCount })
	bars = nil
	for _, pc := range p.Provinces {
		bars = append(bars, ui.Bar{Label: pc.Name, Value: pc.ProductCount})
	}
	p.ByProvince = ui.BarChart(T("stats.by_province"), bars)
	bars = nil
	for _, g := range v.Groups() {
		if !strings.Contains(g.Code, ".") && g.ProductCount > 0 {
			p.Groups = append(p.Groups, g)
			bars = append(bars, ui.Bar{Label: g.Name, Value: g.ProductCount})
		}
	}
	p.ByGroup = ui.BarChart(T("stats.by_group"), bars)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return h.site.Render(c, "stats", p)
}
