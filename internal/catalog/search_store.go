package catalog

import (
	"context"
	"time"

	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/search"
)

// searchDocumentsQuery reads what a search document holds, and nothing
// more: no producer phone, e-mail, tax code or street address (SECURITY.md
// D-02). The commune is an administrative unit, shown on product pages.
const searchDocumentsQuery = `
SELECT p.id, p.slug, p.name, p.description, p.price_vnd, p.stock > 0, p.group_code, p.star,
       p.certified_on, p.created_at, pr.slug, pr.name, pr.province_code,
       coalesce(cm.code, ''), coalesce(cm.name, '')
FROM public_product p
JOIN producer pr ON pr.id = p.producer_id
LEFT JOIN commune cm ON cm.code = pr.commune_code`

type searchRow struct {
	id                         int64
	slug, name, description    string
	price                      int64
	inStock                    bool
	groupCode                  string
	star                       int
	certified, created         time.Time
	producerSlug, producerName string
	provinceCode               string
	communeCode, communeName   string
}

// loadSearchDocuments returns the documents of the public products among
// ids, or of all public products when ids is nil.
func loadSearchDocuments(ctx context.Context, q postgres.Querier, ref *Reference, ids []int64) ([]search.Document, error) {
	sql, args := searchDocumentsQuery+` ORDER BY p.id`, []any{}
	if ids != nil {
		sql, args = searchDocumentsQuery+` WHERE p.id = ANY($1) ORDER BY p.id`, []any{ids}
	}
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	docs := []search.Document{}
	for rows.Next() {
		var r searchRow
		if err := rows.Scan(&r.id, &r.slug, &r.name, &r.description, &r.price, &r.inStock, &r.groupCode, &r.star,
			&r.certified, &r.created, &r.producerSlug, &r.producerName, &r.provinceCode, &r.communeCode, &r.communeName); err != nil {
			return nil, err
		}
		docs = append(docs, searchDocument(ref, r))
	}
	return docs, rows.Err()
}
