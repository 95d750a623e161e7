package storefront

import (
	"strconv"

	"github.com/ocopvn/ocop/internal/web"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/catalog"
)

func (h *Handler) showProduct(c *fiber.Ctx, v *catalog.View) error {
	p, err := h.catalog.Product(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	leaf := p.GroupPath[len(p.GroupPath)-1]
	sameProducer, err := v.List(catalog.Filter{Producer: p.Producer.Slug, PerPage: 5})
	if err != nil {
		return err
	}
	sameGroup, err := v.List(catalog.Filter{Group: leaf.Code, PerPage: 5})
	if err != nil {
		return err
	}
	sameProducerCards, err := h.renderCards(c.UserContext(), v, without(sameProducer.Items, p.Slug, 4))
	if err != nil {
		return err
	}
	sameGroupCards, err := h.renderCards(c.UserContext(), v, without(sameGroup.Items, p.Slug, 4))
	if err != nil {
		return err
	}
	page := productPage{BasePage: h.site.Base(c, p.Name+" – OCOP "+strconv.Itoa(p.Star)+" sao – "+T("site.name"),
		p.Name+" – sản phẩm OCOP "+strconv.Itoa(p.Star)+" sao của "+p.Producer.Name+", "+p.Province.Name+"."),
		Product: p, SameProducer: sameProducerCards, SameGroup: sameGroupCards, Leaf: leaf,
		// group VI is community tourism and services: booked, not stocked
		Tourism: len(p.GroupPath) > 0 && p.GroupPath[0].Code == "VI"}
	page.OGType = "product"
	if h.orders != nil && !page.Tourism && p.InStock {
		// the add-to-cart form
		page.CSRF = web.CSRFToken(c)
		page.LineCap = h.orders.LineCap()
	}
	if sold := h.carrying(c, "p", p.Slug, p.Province.Code); sold != nil && sold.Total > 0 {
		page.SoldAt = sold
	}
	page.MeetUs = h.meetUs(c, p.Producer.Slug, p.Slug)
	page.Offer = h.offer(c, p.Slug, p.PriceVND)
	ref := v.Reference()
	crumbs := []Crumb{{Name: T("nav.catalog"), URL: "/san-pham"}}
	for _, g := range ref.Path(leaf.Code) {
		crumbs = append(crumbs, Crumb{Name: g.Name, URL: "/san-pham/" + g.Slug})
	}
	crumbs = append(crumbs, Crumb{Name: p.Name})
	h.withCrumbs(&page.BasePage, crumbs...)
	availability := "https://schema.org/InStock"
	if !p.InStock && !page.Tourism {
		availability = "https://schema.org/OutOfStock"
	}
	page.JSONLD = append(page.JSONLD, map[string]any{
		"@context": "https://schema.org", "@type": "Product", "name": p.Name, "description": p.Description,
		"url": page.Canonical, "category": leaf.Name,
		"brand":           map[string]any{"@type": "Organization", "name": p.Producer.Name},
		"countryOfOrigin": "VN",
		"award":           "OCOP " + strconv.Itoa(p.Star) + " sao (" + p.Certificate.DecisionNo + ")",
		"offers": map[string]any{"@type": "Offer", "priceCurrency": "VND", "price": offerPrice(page.Offer, p.PriceVND), "availability": availability,
			"url": page.Canonical, "seller": map[string]any{"@type": "Organization", "name": p.Producer.Name}},
	})
	return h.site.Render(c, "product", page)
}

func without(items []*catalog.ListItem, slug string, n int) []*catalog.ListItem {
	var out []*catalog.ListItem
	for _, it := range items {
		if it.Slug != slug && len(out) < n {
			out = append(out, it)
		}
	}
	return out
}
