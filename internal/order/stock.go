package order

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/postgres"
)

// Problems of a cart or checkout line.
const (
	ProblemUnavailable = "unavailable" // unknown, unpublished, or its producer suspended
	ProblemUncertified = "uncertified" // no active OCOP certificate
	ProblemOutOfStock  = "out_of_stock"
	ProblemTooMany     = "too_many" // more than the stock left
)

// productRow is a product as a cart or checkout sees it: the current
// price, stock and whether it may be sold.
type productRow struct {
	ID                 int64
	Slug, Name, Unit   string
	PriceVND           int64 // what it sells for now: the promoted price while a promotion runs
	ListPriceVND       int64 // its own price
	Stock              int
	ProducerID         int64
	ProducerSlug       string
	ProducerName       string
	ShippingFeeVND     int64
	FreeShippingFrom   *int64
	Published          bool
	Certified          bool
	ProducerActive     bool
	ProducerBankBIN    *string
	ProducerBankNo     *string
	ProducerBankHolder *string
}

// problem is why the product cannot be bought in quantity, or "".
func (p *productRow) problem(quantity int) string {
	switch {
	case !p.Published || !p.ProducerActive:
		return ProblemUnavailable
	case !p.Certified:
		return ProblemUncertified
	case p.Stock <= 0:
		return ProblemOutOfStock
	case quantity > p.Stock:
		return ProblemTooMany
	}
	return ""
}

const productColumns = `
SELECT p.id, p.slug, p.name, p.unit,
       coalesce((SELECT pp.price_vnd FROM product_promotion pp WHERE pp.product_id = p.id), p.price_vnd), p.price_vnd,
       p.stock, p.producer_id, pr.slug,
       COALESCE(NULLIF(pr.display_name, ''), pr.name), pr.shipping_fee_vnd, pr.free_shipping_from_vnd,
       p.status = 'published',
       EXISTS (SELECT 1 FROM certificate c WHERE c.product_id = p.id AND c.status = 'active'),
       pr.status = 'active', pr.bank_bin, pr.bank_account_no, pr.bank_account_name
FROM product p JOIN producer pr ON pr.id = p.producer_id`

func scanProducts(rows pgx.Rows, err error) (map[int64]*productRow, error) {
	if err != nil {
		return nil, err
	}
	out := map[int64]*productRow{}
	var p productRow
	_, err = pgx.ForEachRow(rows, []any{&p.ID, &p.Slug, &p.Name, &p.Unit, &p.PriceVND, &p.ListPriceVND, &p.Stock, &p.ProducerID,
		&p.ProducerSlug, &p.ProducerName, &p.ShippingFeeVND, &p.FreeShippingFrom, &p.Published, &p.Certified,
		&p.ProducerActive, &p.ProducerBankBIN, &p.ProducerBankNo, &p.ProducerBankHolder}, func() error {
		c := p
		out[c.ID] = &c
		return nil
	})
	return out, err
}

// productsByID loads products by id.
func productsByID(ctx context.Context, q postgres.Querier, ids []int64) (map[int64]*productRow, error) {
	return scanProducts(q.Query(ctx, productColumns+` WHERE p.id = ANY($1)`, ids))
}

// productsBySlug loads products by slug, keyed by slug.
func productsBySlug(ctx context.Context, q postgres.Querier, slugs []string) (map[string]*productRow, error) {
	m, err := scanProducts(q.Query(ctx, productColumns+` WHERE p.slug = ANY($1)`, slugs))
	if err != nil {
		return nil, err
	}
	out := make(map[string]*productRow, len(m))
	for _, p := range m {
		out[p.Slug] = p
	}
	return out, nil
}
