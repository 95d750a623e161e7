package web

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/search"
)

// maxQueryRunes is the longest q accepted; search itself reads the first
// search.MaxQueryRune runes.
const maxQueryRunes = 1000

// searchHit is one product of a search response.
type searchHit struct {
	Slug      string            `json:"slug"`
	Name      string            `json:"name"`
	Producer  catalog.Ref       `json:"producer"`
	Province  catalog.CodeRef   `json:"province"`
	Star      int               `json:"star"`
	PriceVND  int64             `json:"price_vnd"`
	ImageURL  *string           `json:"image_url"`
	Highlight map[string]string `json:"highlight"`
}

type searchResponse struct {
	Total   int                       `json:"total"`
	Page    int                       `json:"page"`
	PerPage int                       `json:"per_page"`
	Hits    []searchHit               `json:"hits"`
	Facets  map[string]map[string]int `json:"facets"`
}

func searchText(c *fiber.Ctx) (string, error) {
	q := c.Query("q")
	if !utf8.ValidString(q) {
		return "", badParam("q", "Từ khoá không hợp lệ.", "q is not valid UTF-8")
	}
	if utf8.RuneCountInString(q) > maxQueryRunes {
		return "", badParam("q", "Từ khoá quá dài.", "q must be at most 1000 characters")
	}
	return q, nil
}

func (h *handler) searchUnavailable() error {
	return apperr.E(apperr.Unavailable, "Tìm kiếm tạm thời không sẵn sàng.", "search is not configured")
}

// searchProducts answers GET /api/v1/search: the list filters plus q, with
// highlights (HTML-escaped except <mark>) and facet counts.
func (h *handler) searchProducts(c *fiber.Ctx) error {
	if h.search == nil {
		return h.searchUnavailable()
	}
	f, err := productFilter(c) // checks q too
	if err != nil {
		return err
	}
	text := f.Query
	if f.Producer != "" {
		return badParam("producer", "Tìm kiếm không lọc theo cửa hàng.", "search does not filter by producer; use /api/v1/producers/{slug}")
	}
	ctx := c.UserContext()
	view, err := h.catalog.View(ctx)
	if err != nil {
		return err
	}
	q, err := view.SearchQuery(text, f)
	if err != nil {
		return err
	}
	res, err := h.search.Search(ctx, q)
	if err != nil {
		return err
	}
	items := view.SearchItems(res.Hits)
	out := searchResponse{Total: res.Total, Page: q.Page, PerPage: q.PerPage, Hits: make([]searchHit, len(items)), Facets: map[string]map[string]int{}}
	for i, it := range items {
		out.Hits[i] = searchHit{Slug: it.Slug, Name: it.Name, Producer: *it.Producer, Province: *it.Province,
			Star: it.Star, PriceVND: it.PriceVND, ImageURL: it.ImageURL, Highlight: it.Highlight}
		if out.Hits[i].Highlight == nil {
			out.Hits[i].Highlight = map[string]string{}
		}
	}
	for _, name := range []string{search.FacetProvince, search.FacetStar, search.FacetGroup} {
		counts := res.Facets[name]
		if counts == nil {
			counts = map[string]int{}
		}
		out.Facets[name] = counts
	}
	if res.Degraded {
		c.Set("X-Search-Degraded", "1")
	}
	return c.JSON(out)
}

// suggest answers GET /api/v1/suggest: up to 8 products, producers and
// provinces for what has been typed.
func (h *handler) suggest(c *fiber.Ctx) error {
	if h.search == nil {
		return h.searchUnavailable()
	}
	text, err := searchText(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	// answers are cached per catalog version (see suggestCache)
	view, err := h.catalog.View(ctx)
	if err != nil {
		return err
	}
	key := strings.Join(search.Words(text), " ")
	items, err := h.suggestions.get(ctx, view.Version(), key, func(ctx context.Context) ([]search.Suggestion, error) {
		return h.search.Suggest(ctx, key)
	})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items, "total": len(items)})
}
