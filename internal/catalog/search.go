package catalog

import (
	"context"
	"strconv"
	"time"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/search"
)

// This file is the catalog's side of the search seam: the search document
// of a public product (built from the public_product view, the one
// definition of "public"), the query a list filter becomes, and the list
// items a page of hits shows.

// SearchDocuments returns the search documents of the products among ids
// that are public now, and, as decimal IDs, those that are not (unpublished,
// decertified, expired, of a suspended producer, or deleted), which an index
// must drop.
func (s *Service) SearchDocuments(ctx context.Context, ids []int64) (docs []search.Document, gone []string, err error) {
	defer apperr.Wrap(&err, "catalog.SearchDocuments(%d ids)", len(ids))
	// only the reference data: the list snapshot would be rebuilt for every
	// batch while the catalog changes, which is exactly when this runs
	ref, err := loadReference(ctx, s.pool)
	if err != nil {
		return nil, nil, err
	}
	docs, err = loadSearchDocuments(ctx, s.pool, ref, ids)
	if err != nil {
		return nil, nil, err
	}
	public := make(map[string]bool, len(docs))
	for _, d := range docs {
		public[d.ID] = true
	}
	for _, id := range ids {
		if key := strconv.FormatInt(id, 10); !public[key] {
			gone = append(gone, key)
		}
	}
	return docs, gone, nil
}

// AllSearchDocuments returns the search document of every public product,
// for a full reindex.
func (s *Service) AllSearchDocuments(ctx context.Context) (_ []search.Document, err error) {
	defer apperr.Wrap(&err, "catalog.AllSearchDocuments")
	ref, err := loadReference(ctx, s.pool)
	if err != nil {
		return nil, err
	}
	return loadSearchDocuments(ctx, s.pool, ref, nil)
}

// AllSearchDocumentsIn is AllSearchDocuments read through q: a transaction
// whose snapshot the caller shares with other reads.
func (s *Service) AllSearchDocumentsIn(ctx context.Context, q postgres.Querier) (_ []search.Document, err error) {
	defer apperr.Wrap(&err, "catalog.AllSearchDocumentsIn")
	ref, err := loadReference(ctx, q)
	if err != nil {
		return nil, err
	}
	return loadSearchDocuments(ctx, q, ref, nil)
}

// SearchQuery turns shopper input into a validated search query: text, and
// the list filter's province and group (codes or slugs), stars, prices,
// sort (the list sorts or "relevance", the default) and page. It returns an
// apperr.Invalid error naming a bad value. The producer filter is not part
// of search.
func (v *View) SearchQuery(text string, f Filter) (search.Query, error) {
	ref := v.Reference()
	sort := f.Sort
	switch sort {
	case "", search.SortRelevance, search.SortNewest, search.SortPriceAsc, search.SortPriceDesc, search.SortStar:
	default:
		return search.Query{}, invalid("sort", "Cách sắp xếp không hợp lệ.", "sort must be one of relevance, newest, price_asc, price_desc, star")
	}
	if sort == search.SortRelevance {
		f.Sort = ""
	}
	f, err := ref.Normalize(f)
	if err != nil {
		return search.Query{}, err
	}
	if sort == "" {
		sort = search.SortRelevance
	}
	q := search.Query{Text: text, Province: f.Province, Group: f.Group, Stars: f.Stars,
		PriceMin: f.PriceMin, PriceMax: f.PriceMax, Sort: sort, Page: f.Page, PerPage: f.PerPage}
	return q.Normalize()
}

// SearchItems returns the list items of hits, in order, with each hit's
// highlights. A hit that is no longer public (the index lags the catalog by
// the outbox's delay) is left out.
func (v *View) SearchItems(hits []search.Hit) []SearchItem {
	out := make([]SearchItem, 0, len(hits))
	for _, h := range hits {
		id, err := strconv.ParseInt(h.ID, 10, 64)
		if err != nil {
			continue
		}
		if it, ok := v.snap.byID[id]; ok {
			out = append(out, SearchItem{ListItem: it, Highlight: h.Highlight})
		}
	}
	return out
}

// SearchItem is a list item found by a search.
type SearchItem struct {
	*ListItem
	Highlight map[string]string
}

// searchDocument builds the document of one public product row.
func searchDocument(ref *Reference, r searchRow) search.Document {
	d := search.Document{
		ID: strconv.FormatInt(r.id, 10), Slug: r.slug, Name: r.name, Description: r.description,
		ProducerSlug: r.producerSlug, ProducerName: r.producerName, ProvinceCode: r.provinceCode,
		CommuneCode: r.communeCode, CommuneName: r.communeName, GroupCodes: []string{}, GroupNames: []string{},
		Star: r.star, PriceVND: r.price, InStock: r.inStock,
		CertifiedOn: r.certified, CreatedAt: r.created.In(time.UTC),
	}
	if p, ok := ref.Province(r.provinceCode); ok {
		d.ProvinceName = p.Name
	}
	for _, g := range ref.Path(r.groupCode) {
		d.GroupCodes = append(d.GroupCodes, g.Code)
		d.GroupNames = append(d.GroupNames, g.Name)
	}
	return d
}
