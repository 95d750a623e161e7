package storefront

import (
	"net/url"
	"strconv"

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
	featuredCards, err := h.renderCards(v, featured.Items)
	if err != nil {
		return err
	}
	newestCards, err := h.renderCards(v, newest.Items)
	if err != nil {
		return err
	}
	p := homePage{BasePage: h.base(c, T("home.title"), ""), Groups: top, Provinces: provinces,
		Featured: featuredCards, Newest: newestCards, Total: newest.Total}
	p.JSONLD = append(p.JSONLD, map[string]any{
		"@context": "https://schema.org", "@type": "WebSite", "name": T("site.name"), "url": h.baseURL + "/",
		"potentialAction": map[string]any{"@type": "SearchAction", "target": h.baseURL + "/san-pham?q={q}", "query-input": "required name=q"},
	})
	return h.Render(c, "home", p)
}

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
	l, err := h.buildListing(v, path, f, notices, fixed)
	if err != nil {
		return err
	}
	title := heading + " – " + T("site.name")
	if f.Page > 1 {
		title = heading + " – " + T("page.of") + " " + strconv.Itoa(f.Page) + " – " + T("site.name")
	}
	p := catalogPage{BasePage: h.base(c, title, heading+": "+strconv.Itoa(l.Page.Total)+" "+T("catalog.results")+" OCOP 3–5 sao được chứng nhận."), Heading: heading, List: l}
	p.Canonical = h.canonical(path, f.Page)
	p.NoIndex = len(c.Queries()) > 0 && !(len(c.Queries()) == 1 && c.Query("page") != "")
	h.withCrumbs(&p.BasePage, crumbs...)
	return h.Render(c, "catalog", p)
}

func (h *Handler) canonical(path string, page int) string {
	if page > 1 {
		return h.baseURL + path + "?page=" + strconv.Itoa(page)
	}
	return h.baseURL + path
}

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
	sameProducerCards, err := h.renderCards(v, without(sameProducer.Items, p.Slug, 4))
	if err != nil {
		return err
	}
	sameGroupCards, err := h.renderCards(v, without(sameGroup.Items, p.Slug, 4))
	if err != nil {
		return err
	}
	page := productPage{BasePage: h.base(c, p.Name+" – OCOP "+strconv.Itoa(p.Star)+" sao – "+T("site.name"),
		p.Name+" – sản phẩm OCOP "+strconv.Itoa(p.Star)+" sao của "+p.Producer.Name+", "+p.Province.Name+"."),
		Product: p, SameProducer: sameProducerCards, SameGroup: sameGroupCards, Leaf: leaf}
	page.OGType = "product"
	ref := v.Reference()
	crumbs := []Crumb{{Name: T("nav.catalog"), URL: "/san-pham"}}
	for _, g := range ref.Path(leaf.Code) {
		crumbs = append(crumbs, Crumb{Name: g.Name, URL: "/san-pham/" + g.Slug})
	}
	crumbs = append(crumbs, Crumb{Name: p.Name})
	h.withCrumbs(&page.BasePage, crumbs...)
	availability := "https://schema.org/InStock"
	if !p.InStock {
		availability = "https://schema.org/OutOfStock"
	}
	page.JSONLD = append(page.JSONLD, map[string]any{
		"@context": "https://schema.org", "@type": "Product", "name": p.Name, "description": p.Description,
		"url": page.Canonical, "category": leaf.Name,
		"brand":           map[string]any{"@type": "Organization", "name": p.Producer.Name},
		"countryOfOrigin": "VN",
		"award":           "OCOP " + strconv.Itoa(p.Star) + " sao (" + p.Certificate.DecisionNo + ")",
		"offers": map[string]any{"@type": "Offer", "priceCurrency": "VND", "price": p.PriceVND, "availability": availability,
			"url": page.Canonical, "seller": map[string]any{"@type": "Organization", "name": p.Producer.Name}},
	})
	return h.Render(c, "product", page)
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

func (h *Handler) showProducer(c *fiber.Ctx) error {
	ctx := c.UserContext()
	pr, err := h.catalog.Producer(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	v, err := h.catalog.View(ctx)
	if err != nil {
		return err
	}
	ref := v.Reference()
	f, notices := readFilter(c, ref)
	f.Producer = pr.Slug
	path := "/cua-hang/" + pr.Slug
	l, err := h.buildListing(v, path, f, notices, "producer")
	if err != nil {
		return err
	}
	// the storefront's chosen name where it has one; the legal name stays
	// in the structured data
	label := pr.Label()
	desc := label + " (" + pr.TypeName + ", " + pr.Province.Name + "): " + strconv.Itoa(l.Page.Total) + " sản phẩm OCOP."
	p := producerPage{BasePage: h.base(c, label+" – "+T("site.name"), desc), Producer: pr, List: l}
	p.Canonical = h.canonical(path, f.Page)
	p.OGType = "profile"
	h.withCrumbs(&p.BasePage, Crumb{Name: pr.Province.Name, URL: "/tinh/" + provinceSlug(ref, pr.Province.Code)}, Crumb{Name: label})
	org := map[string]any{"@context": "https://schema.org", "@type": "Organization", "name": label, "legalName": pr.Name, "url": p.Canonical,
		"address": map[string]any{"@type": "PostalAddress", "streetAddress": pr.Address, "addressRegion": pr.Province.Name, "addressCountry": "VN"}}
	if pr.Phone != "" {
		org["telephone"] = pr.Phone
	}
	if pr.Story != "" {
		org["description"] = pr.Story
	}
	p.JSONLD = append(p.JSONLD, org)
	return h.Render(c, "producer", p)
}

func provinceSlug(ref *catalog.Reference, code string) string {
	if p, ok := ref.Province(code); ok {
		return p.Slug
	}
	return code
}

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
	if !ok || prov.Slug != c.Params("slug") {
		return errNotFound
	}
	f, notices := readFilter(c, ref)
	f.Province = prov.Code
	path := "/tinh/" + prov.Slug
	l, err := h.buildListing(v, path, f, notices, "province")
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
	p := provincePage{BasePage: h.base(c, heading+" – "+T("site.name"), heading+": "+strconv.Itoa(all.Total)+" sản phẩm được chứng nhận, "+strconv.Itoa(len(producers))+" chủ thể."),
		Province: prov, Stars: stars, Producers: producers, List: l}
	p.Canonical = h.canonical(path, f.Page)
	h.withCrumbs(&p.BasePage, Crumb{Name: prov.FullName})
	return h.Render(c, "province", p)
}
