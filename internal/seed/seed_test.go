package seed_test

import (
	"context"
	"testing"

	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/seed"
)

func TestDemoCatalog(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	res, err := seed.Run(ctx, pool, seed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Import.Created < 300 || res.Revoked < 1 {
		t.Errorf("first seed: %+v", res)
	}

	var products, provinces, groups, expired, revoked, notDemo int
	err = pool.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM product),
		       (SELECT count(DISTINCT pr.province_code) FROM product p JOIN producer pr ON pr.id = p.producer_id),
		       (SELECT count(DISTINCT split_part(group_code, '.', 1)) FROM product),
		       (SELECT count(*) FROM certificate WHERE status = 'expired'),
		       (SELECT count(*) FROM certificate WHERE status = 'revoked'),
		       (SELECT count(*) FROM product WHERE NOT price_is_demo)`).Scan(&products, &provinces, &groups, &expired, &revoked, &notDemo)
	if err != nil {
		t.Fatal(err)
	}
	if products < 300 || provinces < 12 || groups != 6 || expired == 0 || revoked == 0 || notDemo != 0 {
		t.Errorf("demo catalog: %d products, %d provinces, %d groups, %d expired, %d revoked, %d prices not flagged demo",
			products, provinces, groups, expired, revoked, notDemo)
	}

	// Only published products with an active, unexpired certificate are public.
	page, err := catalog.New(pool, nil).ListProducts(ctx, catalog.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var public int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM public_product`).Scan(&public); err != nil {
		t.Fatal(err)
	}
	if page.Total != public || public >= products || public < 200 {
		t.Errorf("public: API %d, view %d, of %d products", page.Total, public, products)
	}
	var revokedListed int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM public_product p JOIN certificate c ON c.product_id = p.id WHERE c.status = 'revoked'`).Scan(&revokedListed); err != nil || revokedListed != 0 {
		t.Errorf("revoked products listed: %d, %v", revokedListed, err)
	}

	// Seeding again changes nothing.
	var before int64
	if err := pool.QueryRow(ctx, `SELECT version FROM catalog_state`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	res, err = seed.Run(ctx, pool, seed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var after int64
	if err := pool.QueryRow(ctx, `SELECT version FROM catalog_state`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if res.Import.Created != 0 || res.Import.Updated != 0 || res.Revoked != 0 || after != before || res.Skipped != seed.DefaultProducts {
		t.Errorf("second seed changed something: %+v, version %d -> %d", res, before, after)
	}

	// a producer renames a demo product and sets its real price and stock:
	// seeding again neither publishes the old name a second time nor puts
	// the demo price back (SECURITY.md, issue "nothing demo in production")
	var id int64
	var count int
	if err := pool.QueryRow(ctx, `SELECT id FROM product WHERE demo_key IS NOT NULL ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE product SET name = 'Tên mới do chủ thể đặt', name_fold = 'ten moi do chu the dat', price_vnd = 1250000,
		price_is_demo = false, stock = 3 WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM product`).Scan(&count)
	if res, err = seed.Run(ctx, pool, seed.Options{}); err != nil || res.Import.Created != 0 {
		t.Fatalf("third seed: %+v %v", res, err)
	}
	var again int
	var name string
	var price int64
	var demo bool
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM product`).Scan(&again)
	_ = pool.QueryRow(ctx, `SELECT name, price_vnd, price_is_demo FROM product WHERE id = $1`, id).Scan(&name, &price, &demo)
	if again != count || name != "Tên mới do chủ thể đặt" || price != 1250000 || demo {
		t.Errorf("after a reseed: %d products (was %d), %q at %d (demo %v)", again, count, name, price, demo)
	}
}
