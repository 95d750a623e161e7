package product

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
)

// Take is a quantity of one product a sale takes from (or a cancellation
// gives back to) its stock.
type Take struct {
	ProductID int64
	Quantity  int
}

// TakeStock takes every line's quantity from its product's stock in tx,
// each with one conditional update (stock >= quantity), never
// read-then-write, in product id order so that two checkouts cannot
// deadlock. It returns the ids of the products that had too little; the
// caller rolls tx back when there are any.
func TakeStock(ctx context.Context, tx pgx.Tx, takes []Take) (short []int64, err error) {
	sorted := slices.Clone(takes)
	slices.SortFunc(sorted, func(a, b Take) int { return cmp.Compare(a.ProductID, b.ProductID) })
	b := &pgx.Batch{}
	for _, t := range sorted {
		if t.Quantity <= 0 {
			return nil, fmt.Errorf("take stock: quantity %d of product %d", t.Quantity, t.ProductID)
		}
		b.Queue(`UPDATE product SET stock = stock - $2 WHERE id = $1 AND stock >= $2`, t.ProductID, t.Quantity)
	}
	br := tx.SendBatch(ctx, b)
	for _, t := range sorted {
		tag, err := br.Exec()
		if err != nil {
			_ = br.Close()
			return nil, fmt.Errorf("take stock of product %d: %w", t.ProductID, err)
		}
		if tag.RowsAffected() == 0 {
			short = append(short, t.ProductID)
		}
	}
	return short, br.Close()
}

// ReturnStock gives cancelled quantities back to their products' stock in
// tx, in product id order like TakeStock. A product deleted since is
// skipped.
func ReturnStock(ctx context.Context, tx pgx.Tx, takes []Take) error {
	sorted := slices.Clone(takes)
	slices.SortFunc(sorted, func(a, b Take) int { return cmp.Compare(a.ProductID, b.ProductID) })
	b := &pgx.Batch{}
	for _, t := range sorted {
		b.Queue(`UPDATE product SET stock = stock + $2 WHERE id = $1`, t.ProductID, t.Quantity)
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("return stock: %w", err)
	}
	return nil
}
