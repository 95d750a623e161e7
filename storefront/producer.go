package storefront

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/catalog"
)

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
	l, err := h.buildListing(c.UserContext(), v, path, f, notices, "producer")
	if err != nil {
		return err
	}
	// the storefront's chosen name where it has one; the legal name stays
	// in the structured data
	label := pr.Label()
	desc := label + " (" + pr.TypeName + ", " + pr.Province.Name + "): " + strconv.Itoa(l.Page.Total) + " sản phẩm OCOP."
	p := producerPage{BasePage: h.site.Base(c, label+" – "+T("site.name"), desc), Producer: pr, List: l}
	if sold := h.carrying(c, "r", pr.Slug, pr.Province.Code); sold != nil && sold.Total > 0 {
		p.SoldAt = sold
	}
	p.MeetUs = h.meetUs(c, pr.Slug, "")
	p.Canonical = h.canonical(path, f.Page)
	p.OGType = "profile"
	h.withCrumbs(&p.BasePage, Crumb{Name: pr.Province.Name, URL: "/tinh/" + provinceSlug(ref, pr.Province.Code)}, Crumb{Name: label})
	org := map[string]any{"@context": "https://schema.org", "@type": "Organization", "name": label, "legalName": pr.Name, "url": p.Canonical,
		"address": postalAddress(pr.Address, pr.Province.Name)}
	if pr.Phone != "" {
		org["telephone"] = pr.Phone
	}
	if pr.Story != "" {
		org["description"] = pr.Story
	}
	p.JSONLD = append(p.JSONLD, org)
	return h.site.Render(c, "producer", p)
}

func provinceSlug(ref *catalog.Reference, code string) string {
	if p, ok := ref.Province(code); ok {
		return p.Slug
	}
	return code
}

// postalAddress is a schema.org PostalAddress without empty fields.
func postalAddress(street, region string) map[string]any {
	a := map[string]any{"@type": "PostalAddress", "addressCountry": "VN"}
	if street != "" {
		a["streetAddress"] = street
	}
	if region != "" {
		a["addressRegion"] = region
	}
	return a
}
