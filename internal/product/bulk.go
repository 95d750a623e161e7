package product

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/postgres"
)

// Row is a product as the importer writes it in bulk. ID is set by
// InsertProducts.
type Row struct {
	ID          int64
	ProducerID  int64
	GroupCode   string
	Name        string
	NameFold    string
	Slug        string
	Description string
	Unit        string
	PriceVND    int64
	Status      string
}

// InsertProducts inserts rows with one statement in the caller's
// transaction (an import's), with no stock and a real (not demo) price,
// and sets their IDs. Slugs must be unique.
func InsertProducts(ctx context.Context, tx pgx.Tx, rows []*Row) (err error) {
	defer apperr.Wrap(&err, "product.InsertProducts")
	if len(rows) == 0 {
		return nil
	}
	var producer, price []int64
	var group, name, fold, slug, desc, unit, status []string
	for _, p := range rows {
		producer, price = append(producer, p.ProducerID), append(price, p.PriceVND)
		group, name, fold = append(group, p.GroupCode), append(name, p.Name), append(fold, p.NameFold)
		slug, desc, unit = append(slug, p.Slug), append(desc, p.Description), append(unit, p.Unit)
		status = append(status, p.Status)
	}
	ids, err := postgres.IDsByKey(tx.Query(ctx, `
INSERT INTO product (producer_id, group_code, name, name_fold, slug, description, unit, price_vnd,
                     price_is_demo, stock, status)
SELECT pr, g, n, f, s, d, u, pv, false, 0, st
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[])
  AS u(pr, g, n, f, s, d, u, pv, st)
RETURNING id, slug`, producer, group, name, fold, slug, desc, unit, price, status))
	for _, p := range rows {
		p.ID = ids[p.Slug]
	}
	return err
}

// UpdateProducts writes the group, price, unit and description of rows
// (by ID) with one statement in the caller's transaction. A price that
// changes is no longer a demo price.
func UpdateProducts(ctx context.Context, tx pgx.Tx, rows []*Row) (err error) {
	defer apperr.Wrap(&err, "product.UpdateProducts")
	if len(rows) == 0 {
		return nil
	}
	var ids, price []int64
	var group, unit, desc []string
	for _, p := range rows {
		ids, price = append(ids, p.ID), append(price, p.PriceVND)
		group, unit, desc = append(group, p.GroupCode), append(unit, p.Unit), append(desc, p.Description)
	}
	_, err = tx.Exec(ctx, `
UPDATE product p
SET group_code = u.g, price_vnd = u.pv, unit = u.un, description = u.d, updated_at = now(),
    price_is_demo = p.price_is_demo AND p.price_vnd = u.pv
FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[]) AS u(id, g, pv, un, d)
WHERE p.id = u.id`, ids, group, price, unit, desc)
	return err
}

// MarkDemo marks the demo catalog's newly seeded products, in the
// caller's transaction: their prices are demo prices, their stock a demo
// stock derived from the slug, and their demo_key the key they were seeded
// under, so a later seed skips them (keeping a producer's edits). keys are
// "province_code|producer name fold|product name fold"; products marked
// before are left alone.
func MarkDemo(ctx context.Context, tx pgx.Tx, keys []string) (err error) {
	defer apperr.Wrap(&err, "product.MarkDemo")
	// one statement over every seeded product (100,000 in a benchmark,
	// with the search outbox's row triggers): beyond the ordinary limit
	if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = '10min'`); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `
UPDATE product p SET price_is_demo = true, demo_key = pr.province_code || '|' || pr.name_fold || '|' || p.name_fold,
       stock = CASE WHEN abs(hashtext(p.slug)) % 10 = 0 THEN 0 ELSE 5 + abs(hashtext(p.slug)) % 200 END
FROM producer pr
WHERE pr.id = p.producer_id AND p.demo_key IS NULL
  AND pr.province_code || '|' || pr.name_fold || '|' || p.name_fold = ANY($1)`, keys)
	return err
}
