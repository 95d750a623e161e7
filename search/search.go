// Package search is the product-search seam: a small Index interface, the
// documents it holds and the queries it answers. Backends live in
// sub-packages (pgsearch, the embedded default; meili, Meilisearch) and pass
// the same conformance suite (searchtest). PostgreSQL stays the source of
// truth: an index holds a copy of public products only, and callers load
// what they show from the catalog by the IDs a search returns.
package search

import (
	"context"
	"time"

	"github.com/ocopvn/ocop/internal/apperr"
)

// Document is what an index holds for one public product. It is an
// allowlisted set of public fields: no personal data (phone, e-mail,
// national ID, street address) ever goes into it (SECURITY.md D-02).
type Document struct {
	ID           string    `json:"id"` // the product id in decimal: [0-9]+
	Slug         string    `json:"slug"`
	Name         string    `json:"name"`
	Description  string    `json:"description"`
	ProducerSlug string    `json:"producer_slug"`
	ProducerName string    `json:"producer_name"`
	ProvinceCode string    `json:"province_code"`
	ProvinceName string    `json:"province_name"`
	CommuneCode  string    `json:"commune_code,omitempty"`
	CommuneName  string    `json:"commune_name,omitempty"`
	GroupCodes   []string  `json:"group_codes"` // every level, top to leaf: I, I.5, I.5.a
	GroupNames   []string  `json:"group_names"`
	Star         int       `json:"star"`
	PriceVND     int64     `json:"price_vnd"`
	InStock      bool      `json:"in_stock"`
	ImageURL     string    `json:"image_url,omitempty"`
	CertifiedOn  time.Time `json:"-"` // decision date (a date; time of day ignored)
	CreatedAt    time.Time `json:"-"`
}

// Sort orders of a search.
const (
	SortRelevance = "relevance" // the default: best match, then star, then newest
	SortNewest    = "newest"
	SortPriceAsc  = "price_asc"
	SortPriceDesc = "price_desc"
	SortStar      = "star"
)

// Limits on a query.
const (
	MaxPerPage   = 100
	MaxQueryRune = 200 // longer text is cut before folding
	MaxWords     = 10  // words past this are ignored
)

// Query is one search. Text is what the shopper typed, in any Unicode form;
// backends fold it (internal/vntext.Fold). Filters are already validated
// codes; an empty Text with filters lists the filtered products.
type Query struct {
	Text     string
	Province string   // province code
	Group    string   // group code at any level
	Stars    []int    // any of
	PriceMin *int64   // đồng, inclusive
	PriceMax *int64   // đồng, inclusive
	Sort     string   // one of the Sort constants; "" is SortRelevance
	Page     int      // from 1
	PerPage  int      // 1..MaxPerPage
	Facets   []string // facets to count; nil means all of FacetProvince, FacetStar, FacetGroup
}

// Facet names.
const (
	FacetProvince = "province" // counts by province code
	FacetStar     = "star"     // counts by star, as "3", "4", "5"
	FacetGroup    = "group"    // counts by group code at every level
)

// Hit is one matching product.
type Hit struct {
	ID   string
	Slug string
	// Highlight maps a field ("name") to its text, HTML-escaped, with the
	// matched words wrapped in <mark>…</mark>.
	Highlight map[string]string
}

// Result is one page of a search.
type Result struct {
	Hits   []Hit
	Total  int
	Facets map[string]map[string]int // facet name → value → count
	// Degraded is set when the answer comes from a fallback backend
	// (Fallback), so a page can say results may be less precise.
	Degraded bool
}

// Suggestion kinds.
const (
	KindProduct  = "product"
	KindProducer = "producer"
	KindProvince = "province"
)

// Suggestion is one autocomplete entry: a product or producer (by slug) or a
// province (by code).
type Suggestion struct {
	Kind string `json:"kind"`
	Key  string `json:"key"` // slug, or province code
	Text string `json:"text"`
}

// MaxSuggestions is the most Suggest returns.
const MaxSuggestions = 8

// Index is a product search backend. Writes are synchronous: when Index,
// Delete or Replace return nil, searches see the change. Every method
// returns an apperr.Invalid error for a bad query and an
// apperr.Unavailable error when the backend cannot be reached or fails.
type Index interface {
	// Index adds or replaces documents by ID.
	Index(ctx context.Context, docs ...Document) error
	// Delete removes documents by ID; unknown IDs are ignored.
	Delete(ctx context.Context, ids ...string) error
	// Replace makes docs the whole content of the index, atomically for
	// searchers (a full reindex).
	Replace(ctx context.Context, docs []Document) error
	// Search runs q.
	Search(ctx context.Context, q Query) (Result, error)
	// Suggest returns up to MaxSuggestions completions of the text typed
	// so far.
	Suggest(ctx context.Context, text string) ([]Suggestion, error)
}

// Unavailable wraps a backend failure as an apperr.Unavailable error.
func Unavailable(backend string, err error) error {
	if err == nil {
		return nil
	}
	if apperr.As(err) != nil {
		return err
	}
	return &apperr.Error{Kind: apperr.Unavailable, Message: "Tìm kiếm tạm thời không sẵn sàng.", Detail: backend + " unavailable", Err: err}
}

// Normalize checks q and fills defaults. It returns an apperr.Invalid error
// naming the bad field.
func (q Query) Normalize() (Query, error) {
	switch q.Sort {
	case "":
		q.Sort = SortRelevance
	case SortRelevance, SortNewest, SortPriceAsc, SortPriceDesc, SortStar:
	default:
		return q, apperr.E(apperr.Invalid, "Cách sắp xếp không hợp lệ.", "sort: must be one of relevance, newest, price_asc, price_desc, star")
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.PerPage == 0 {
		q.PerPage = 20
	}
	if q.Page < 1 || q.PerPage < 1 || q.PerPage > MaxPerPage {
		return q, apperr.E(apperr.Invalid, "Trang không hợp lệ.", "page must be 1 or more and per_page from 1 to 100")
	}
	for _, s := range q.Stars {
		if s < 3 || s > 5 {
			return q, apperr.E(apperr.Invalid, "Hạng sao OCOP chỉ từ 3 đến 5.", "star must be 3, 4 or 5")
		}
	}
	if q.Facets == nil {
		q.Facets = []string{FacetProvince, FacetStar, FacetGroup}
	}
	for _, f := range q.Facets {
		if f != FacetProvince && f != FacetStar && f != FacetGroup {
			return q, apperr.E(apperr.Invalid, "Bộ lọc không hợp lệ.", "facet must be province, star or group")
		}
	}
	return q, nil
}

// Offset is the number of hits before q's page.
func (q Query) Offset() int { return (q.Page - 1) * q.PerPage }

// MergeSuggestions picks at most MaxSuggestions from suggestions grouped by
// kind, each group best first: up to 4 products, 2 producers and 2
// provinces, then whatever is left in that order to fill the list.
func MergeSuggestions(byKind map[string][]Suggestion) []Suggestion {
	out := []Suggestion{}
	kinds := []string{KindProduct, KindProducer, KindProvince}
	quota := map[string]int{KindProduct: 4, KindProducer: 2, KindProvince: 2}
	used := map[string]int{}
	for _, k := range kinds {
		n := min(quota[k], len(byKind[k]))
		used[k] = n
	}
	for _, k := range kinds {
		for used[k] < len(byKind[k]) && sum(used) < MaxSuggestions {
			used[k]++
		}
	}
	for _, k := range kinds {
		out = append(out, byKind[k][:used[k]]...)
	}
	if len(out) > MaxSuggestions {
		out = out[:MaxSuggestions]
	}
	return out
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

type progressKey struct{}

// WithProgress returns a context under which long index work (Replace)
// reports how many documents it has written of how many, from the
// goroutine doing the work.
func WithProgress(ctx context.Context, f func(done, total int)) context.Context {
	return context.WithValue(ctx, progressKey{}, f)
}

// ReportProgress tells the observer WithProgress set, if any, that done
// documents of total are written.
func ReportProgress(ctx context.Context, done, total int) {
	if f, ok := ctx.Value(progressKey{}).(func(done, total int)); ok {
		f(done, total)
	}
}
