package storefront

import (
	"context"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/vntext"
	"github.com/ocopvn/ocop/search"
)

const perPage = 24

// readFilter reads the catalog filters from the query string. Unlike the
// API, a page never fails on a bad value: the value is dropped and a notice
// says so.
func readFilter(c *fiber.Ctx, ref *catalog.Reference) (catalog.Filter, []string) {
	var f catalog.Filter
	var notices []string
	bad := func(what, v string) {
		if len(v) > 40 {
			v = v[:40] + "…"
		}
		notices = append(notices, what+" “"+v+"”")
	}
	if q := c.Query("q"); q != "" {
		if utf8.RuneCountInString(q) > 200 {
			bad(T("search.label"), q)
		} else {
			f.Query = q
		}
	}
	if v := c.Query("province"); v != "" {
		if p, ok := ref.Province(v); ok {
			f.Province = p.Code
		} else {
			bad(T("filter.province"), v)
		}
	}
	if v := c.Query("group"); v != "" {
		if g, ok := ref.Group(v); ok {
			f.Group = g.Code
		} else {
			bad(T("filter.group"), v)
		}
	}
	for _, raw := range c.Context().QueryArgs().PeekMulti("star") {
		v := string(raw)
		if n, err := strconv.Atoi(v); err == nil && n >= 3 && n <= 5 {
			f.Stars = append(f.Stars, n)
		} else if v != "" {
			bad(T("filter.star"), v)
		}
	}
	for name, dst := range map[string]**int64{"price_min": &f.PriceMin, "price_max": &f.PriceMax} {
		v := strings.TrimSpace(c.Query(name))
		if v == "" {
			continue
		}
		// as people type prices: "150.000", "150000", "150.000 ₫"
		n, err := vntext.ParseVND(v)
		if err != nil {
			bad(T("filter."+name), v)
			continue
		}
		*dst = &n
	}
	if f.PriceMin != nil && f.PriceMax != nil && *f.PriceMin > *f.PriceMax {
		bad(T("filter.price"), c.Query("price_min")+"–"+c.Query("price_max"))
		f.PriceMin, f.PriceMax = nil, nil
	}
	switch v := c.Query("sort"); v {
	case "", catalog.SortNewest, catalog.SortStar, catalog.SortPriceAsc, catalog.SortPriceDesc:
		f.Sort = v
	case search.SortRelevance:
		// only search orders by relevance; elsewhere it means the default
	default:
		bad(T("sort.label"), v)
	}
	f.Page = 1
	if v := c.Query("page"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= 100000 {
			f.Page = n
		} else {
			bad(T("page.of"), v)
		}
	}
	f.PerPage = perPage
	f.Facets = true
	return f, notices
}

// filterQuery is f as query values, without the page.
func filterQuery(f catalog.Filter) url.Values {
	q := url.Values{}
	if f.Query != "" {
		q.Set("q", f.Query)
	}
	if f.Province != "" {
		q.Set("province", f.Province)
	}
	if f.Group != "" {
		q.Set("group", f.Group)
	}
	for _, s := range f.Stars {
		q.Add("star", strconv.Itoa(s))
	}
	if f.PriceMin != nil {
		q.Set("price_min", strconv.FormatInt(*f.PriceMin, 10))
	}
	if f.PriceMax != nil {
		q.Set("price_max", strconv.FormatInt(*f.PriceMax, 10))
	}
	if f.Sort != "" {
		q.Set("sort", f.Sort)
	}
	return q
}

// buildListing runs f and lays out the filter form, facet links and pager
// for a page at path. fixed names the filter the path itself sets
// ("group", "province" or "producer"), which the form does not repeat.
func (h *Handler) buildListing(ctx context.Context, v *catalog.View, path string, f catalog.Filter, notices []string, fixed string) (listing, error) {
	page, err := v.List(f)
	if err != nil {
		return listing{}, err
	}
	cards, err := h.renderCards(ctx, v, page.Items)
	if err != nil {
		return listing{}, err
	}
	return h.layoutListing(v, path, f, notices, fixed, page, cards), nil
}

// layoutListing lays out the filter form, facet counts and pager around a
// page of results (from the catalog or from a search).
func (h *Handler) layoutListing(v *catalog.View, path string, f catalog.Filter, notices []string, fixed string, page catalog.Page, cards []template.HTML) listing {
	ref := v.Reference()
	// the path carries the fixed filter; links and form carry the others
	linkFilter := f
	switch fixed {
	case "group":
		linkFilter.Group = ""
	case "province":
		linkFilter.Province = ""
	case "producer":
		linkFilter.Producer = ""
	}
	l := listing{Path: path, Page: page, Cards: cards, Filter: f, Notices: notices, ShowGroup: fixed != "group", ShowProv: fixed != "province" && fixed != "producer"}
	for k, vs := range filterQuery(linkFilter) {
		if k != "sort" && k != "q" {
			l.Active += len(vs)
		}
	}
	l.ShowFilters = fixed != "producer" || l.Active > 0 || page.Total > 12
	l.Clear = path
	if l.ShowGroup {
		l.Groups = make([]facetOption, 0, len(page.Facets.Group)+1)
		for _, g := range ref.Groups {
			n := page.Facets.Group[g.Code]
			if n == 0 && f.Group != g.Code {
				continue
			}
			l.Groups = append(l.Groups, facetOption{Value: g.Code, Label: g.Name, Count: n, Level: g.Level, Selected: f.Group == g.Code})
		}
	}
	if l.ShowProv {
		l.Provinces = make([]facetOption, 0, len(page.Facets.Province)+1)
		for _, p := range ref.ProvincesVI {
			n := page.Facets.Province[p.Code]
			if n == 0 && f.Province != p.Code {
				continue
			}
			l.Provinces = append(l.Provinces, facetOption{Value: p.Code, Label: p.Name, Count: n, Selected: f.Province == p.Code})
		}
	}
	for _, s := range []int{5, 4, 3} {
		selected := false
		for _, x := range f.Stars {
			selected = selected || x == s
		}
		l.Stars = append(l.Stars, facetOption{Value: strconv.Itoa(s), Label: strconv.Itoa(s) + " " + T("product.star"),
			Count: page.Facets.Star[s], Selected: selected})
	}
	sorts := []string{catalog.SortNewest, catalog.SortStar, catalog.SortPriceAsc, catalog.SortPriceDesc}
	if fixed == "search" {
		sorts = append([]string{search.SortRelevance}, sorts...)
	}
	for _, s := range sorts {
		l.Sorts = append(l.Sorts, facetOption{Value: s, Label: T("sort." + s), Selected: f.Sort == s || (f.Sort == "" && s == sorts[0])})
	}
	if f.Query != "" {
		l.Hidden = append(l.Hidden, hiddenField{"q", f.Query})
	}

	l.LastPage = max(1, (page.Total+perPage-1)/perPage)
	pageURL := func(n int) string {
		q := filterQuery(linkFilter)
		if n > 1 {
			q.Set("page", strconv.Itoa(n))
		}
		return withQuery(path, q)
	}
	if f.Page > 1 {
		l.Prev = pageURL(min(f.Page-1, l.LastPage))
	}
	if f.Page < l.LastPage {
		l.Next = pageURL(f.Page + 1)
	}
	last := 0
	for n := 1; n <= l.LastPage; n++ {
		if n == 1 || n == l.LastPage || (n >= f.Page-2 && n <= f.Page+2) {
			if last != 0 && n != last+1 {
				l.Pager = append(l.Pager, pageLink{Gap: true})
			}
			l.Pager = append(l.Pager, pageLink{Number: n, URL: pageURL(n), Current: n == f.Page})
			last = n
		}
	}
	return l
}
