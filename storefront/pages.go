package storefront

import (
	"html/template"

	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/sanitize"
	"github.com/ocopvn/ocop/storefront/ui"
)

// BasePage is what the layout needs; every page struct embeds it.
type BasePage = ui.BasePage

// Crumb is one step of a breadcrumb trail; the last has no URL.
type Crumb = ui.Crumb

// breadcrumbLD is the schema.org BreadcrumbList of crumbs.
func (h *Handler) breadcrumbLD(crumbs []Crumb) map[string]any {
	items := make([]map[string]any, 0, len(crumbs))
	for i, c := range crumbs {
		it := map[string]any{"@type": "ListItem", "position": i + 1, "name": c.Name}
		if c.URL != "" {
			it["item"] = h.site.BaseURL() + c.URL
		}
		items = append(items, it)
	}
	return map[string]any{"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}
}

func (h *Handler) withCrumbs(b *BasePage, crumbs ...Crumb) {
	b.Breadcrumbs = append([]Crumb{{Name: T("nav.home"), URL: "/"}}, crumbs...)
	b.JSONLD = append(b.JSONLD, h.breadcrumbLD(b.Breadcrumbs))
}

type homePage struct {
	BasePage
	Groups    []catalog.GroupCount
	Provinces []catalog.ProvinceCount
	Featured  []template.HTML // rendered cards
	Newest    []template.HTML
	Total     int
}

// listing is a filtered, sorted, paginated product list with its filter
// form, facet links and pager; the catalog, producer and province pages
// share it.
type listing struct {
	Path      string // the page the form and links point to
	Hidden    []hiddenField
	Page      catalog.Page
	Cards     []template.HTML // rendered cards of Page.Items
	Filter    catalog.Filter
	Notices   []string
	Groups    []facetOption
	Provinces []facetOption
	Stars     []facetOption
	Sorts     []facetOption
	Pager     []pageLink
	Prev      string
	Next      string
	Clear     string
	LastPage  int
	ShowGroup bool // group facet shown (not on a group page)
	ShowProv  bool // province facet shown (not on a province page)
	// ShowFilters is false on a small storefront, where filters would only
	// be in the way; Active counts the filters in use.
	ShowFilters bool
	Active      int
}

type hiddenField struct{ Name, Value string }

type facetOption struct {
	Value    string
	Label    string
	Count    int
	Level    int
	Selected bool
	URL      string
}

// option is o as one <option> of a select list.
func (o *facetOption) option() sanitize.Option {
	return sanitize.Option{Value: o.Value, Label: o.Label, Count: o.Count, Level: o.Level, Selected: o.Selected}
}

type pageLink struct {
	Number  int
	URL     string
	Current bool
	Gap     bool
}

type catalogPage struct {
	BasePage
	Heading string
	Intro   string
	List    listing
}

type productPage struct {
	BasePage
	Product      *catalog.Product
	SameProducer []template.HTML // rendered cards
	SameGroup    []template.HTML
	Leaf         catalog.CodeRef
	// Tourism: a community-tourism service (group VI), booked rather
	// than kept in stock
	Tourism bool
	// LineCap, when above 0, shows the add-to-cart form: the most units
	// of one product per cart line
	LineCap int
	// SoldAt are the showrooms that carry it (nil: none known)
	SoldAt *carryingView
	// MeetUs are the upcoming fairs where it is exhibited
	MeetUs []meetUs
	// Offer is the promotion running now (nil: none): the price to pay
	Offer *promoView
}

type producerPage struct {
	BasePage
	Producer *catalog.Producer
	List     listing
	// SoldAt are the showrooms that carry its products
	SoldAt *carryingView
	// MeetUs are the upcoming fairs where the producer exhibits
	MeetUs []meetUs
}

type provincePage struct {
	BasePage
	Province  *catalog.Province
	Stars     []facetOption
	Producers []catalog.ProducerSummary
	List      listing
}

type errorPage struct {
	BasePage
	Status    int
	Heading   string
	Help      string
	RequestID string
}

type searchPage struct {
	BasePage
	Text       string
	Degraded   bool
	DidYouMean []suggestionLink
	List       listing
}

type suggestionLink struct {
	Text string
	URL  string
}
