package storefront

import (
	"html/template"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/sanitize"
	"github.com/ocopvn/ocop/search"
)

// showSearch serves /tim-kiem?q=: search results with the catalog's
// filters, facet counts and highlighted names, and suggestions when nothing
// matches. Without a search backend it falls back to the catalog's word
// matching.
func (h *Handler) showSearch(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v, err := h.catalog.View(ctx)
	if err != nil {
		return err
	}
	f, notices := readFilter(c, v.Reference())
	text := f.Query
	heading := T("search.results")
	if text != "" {
		heading += " “" + text + "”"
	}
	p := searchPage{BasePage: h.site.Base(c, heading+" – "+T("site.name"), ""), Text: text}
	p.NoIndex = true
	h.withCrumbs(&p.BasePage, Crumb{Name: T("search.results")})

	var page catalog.Page
	var cards []template.HTML
	if h.search == nil {
		if page, err = v.List(f); err != nil {
			return err
		}
		if cards, err = h.renderCards(c.UserContext(), v, page.Items); err != nil {
			return err
		}
	} else {
		q, err := v.SearchQuery(text, f)
		if err != nil {
			return err
		}
		q.Facets = nil // all
		res, err := h.search.Search(ctx, q)
		if err != nil {
			return err
		}
		p.Degraded = res.Degraded
		items := v.SearchItems(res.Hits)
		page = catalog.Page{Total: res.Total, Page: q.Page, PerPage: q.PerPage, Facets: searchFacets(res.Facets)}
		for _, it := range items {
			page.Items = append(page.Items, it.ListItem)
		}
		// the catalog's cards (rendered once per catalog version, with the
		// promotion running), each with its name highlighted
		if cards, err = h.renderCards(ctx, v, page.Items); err != nil {
			return err
		}
		for i, it := range items {
			if name := sanitize.Highlight(it.Highlight["name"], it.Name); name != "" {
				cards[i] = sanitize.ReplaceContent(cards[i], `<span class="card-name">`, name)
			}
		}
		if res.Total == 0 && text != "" {
			if sug, err := h.search.Suggest(ctx, text); err == nil {
				p.DidYouMean = suggestionLinks(v.Reference(), sug)
			}
		}
	}
	p.List = h.layoutListing(v, "/tim-kiem", f, notices, "search", page, cards)
	return h.site.Render(c, "search", p)
}

// searchFacets converts search facet counts to the catalog's shape.
func searchFacets(in map[string]map[string]int) *catalog.Facets {
	f := &catalog.Facets{Province: in[search.FacetProvince], Group: in[search.FacetGroup], Star: map[int]int{}}
	if f.Province == nil {
		f.Province = map[string]int{}
	}
	if f.Group == nil {
		f.Group = map[string]int{}
	}
	for k, n := range in[search.FacetStar] {
		if s, err := strconv.Atoi(k); err == nil {
			f.Star[s] = n
		}
	}
	return f
}

func suggestionLinks(ref *catalog.Reference, sug []search.Suggestion) []suggestionLink {
	var out []suggestionLink
	for _, s := range sug {
		var u string
		switch s.Kind {
		case search.KindProduct:
			u = "/san-pham/" + url.PathEscape(s.Key)
		case search.KindProducer:
			u = "/cua-hang/" + url.PathEscape(s.Key)
		case search.KindProvince:
			p, ok := ref.Province(s.Key)
			if !ok {
				continue
			}
			u = "/tinh/" + p.Slug
		default:
			continue
		}
		out = append(out, suggestionLink{Text: s.Text, URL: u})
	}
	return out
}
