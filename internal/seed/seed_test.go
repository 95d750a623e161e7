package seed_test

import (
	"context"
	"encoding/json"
	"image/jpeg"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/fair"
	"github.com/ocopvn/ocop/internal/importer"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/seed"
	"github.com/ocopvn/ocop/internal/showroom"
	"github.com/ocopvn/ocop/media/diskmedia"
	"github.com/ocopvn/ocop/media/photo"
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

// TestDemoStaysAlive seeds the demo with the clock three years ahead: every
// generated producer still has a product in force that day, the demo
// producer several, and no generated decision reads as a real one.
func TestDemoStaysAlive(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	later := time.Now().AddDate(3, 0, 0)
	if _, err := seed.Run(ctx, pool, seed.Options{Now: func() time.Time { return later }}); err != nil {
		t.Fatal(err)
	}
	day := later.In(certification.Vietnam).Format(time.DateOnly)
	rows, err := pool.Query(ctx, `
		SELECT pr.name, count(p.id) FILTER (WHERE c.id IS NOT NULL AND p.status = 'published')
		FROM producer pr JOIN product p ON p.producer_id = pr.id
		LEFT JOIN certificate c ON c.product_id = p.id AND c.status = 'active'
		     AND c.decision_date <= $1::date AND c.valid_until >= $1::date
		WHERE p.description LIKE '%(dữ liệu minh hoạ).'
		GROUP BY pr.name`, day)
	if err != nil {
		t.Fatal(err)
	}
	inForce := map[string]int{}
	var name string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&name, &n}, func() error { inForce[name] = n; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(inForce) < 70 {
		t.Errorf("%d generated producers", len(inForce))
	}
	for name, n := range inForce {
		if n == 0 {
			t.Errorf("%s has no product in force on %s", name, day)
		}
	}
	if inForce[seed.DemoProducer] < 5 {
		t.Errorf("the demo producer has %d products in force", inForce[seed.DemoProducer])
	}
	var unmarked int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM certificate c JOIN product p ON p.id = c.product_id
		WHERE p.description LIKE '%(dữ liệu minh hoạ).' AND c.decision_no NOT LIKE '%(minh hoạ)'`).Scan(&unmarked); err != nil || unmarked != 0 {
		t.Errorf("%d generated decisions not marked as illustrative (%v)", unmarked, err)
	}
	// the demo producer is on sale: stock, and a public storefront
	var stocked int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM product p JOIN producer pr ON pr.id = p.producer_id
		WHERE pr.name = $1 AND p.stock > 0`, seed.DemoProducer).Scan(&stocked); err != nil || stocked < 3 {
		t.Errorf("the demo producer has %d products in stock (%v)", stocked, err)
	}
}

// TestImportOverDemo: a province imports its sheet over the demo (a new
// price for a demo product), then the demo is seeded again: the import
// stands, and its price is no longer marked as a demo price.
func TestImportOverDemo(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	if _, err := seed.Run(ctx, pool, seed.Options{}); err != nil {
		t.Fatal(err)
	}
	var decision, date string
	if err := pool.QueryRow(ctx, `SELECT c.decision_no, to_char(c.decision_date, 'DD/MM/YYYY') FROM certificate c
		JOIN product p ON p.id = c.product_id WHERE p.name = 'Tiêu đen Ea Kao'`).Scan(&decision, &date); err != nil {
		t.Fatal(err)
	}
	sheet := "product_name,group_code,star,score,producer_name,producer_type,province_code,decision_no,decision_date,issuing_level,issuing_authority,price_vnd,unit,description\n" +
		"Tiêu đen Ea Kao,I.4.b,3,62.75," + seed.DemoProducer + ",ho_kinh_doanh,66,\"" + decision + "\"," + date + ",province,UBND tỉnh Đắk Lắk,\"1.250.000\",Hũ 100 g,Tiêu đen hạt to.\n" +
		"Cà phê chồn Ea Kao,I.6,4,75," + seed.DemoProducer + ",ho_kinh_doanh,66,2222/QĐ-UBND," + date + ",province,UBND tỉnh Đắk Lắk,900000,Túi 500 g,\n"
	sh, err := importer.Read(strings.NewReader(sheet), "csv")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := importer.Import(ctx, pool, sh, importer.Options{Publish: true})
	if err != nil || sum.Created != 1 || sum.Updated != 1 {
		t.Fatalf("import: %s %v", sum, err)
	}
	check := func(when string) {
		t.Helper()
		var price int64
		var demo bool
		var desc string
		if err := pool.QueryRow(ctx, `SELECT price_vnd, price_is_demo, description FROM product WHERE name = 'Tiêu đen Ea Kao'`).Scan(&price, &demo, &desc); err != nil {
			t.Fatal(err)
		}
		if price != 1250000 || demo || desc != "Tiêu đen hạt to." {
			t.Errorf("%s: %d (demo %v) %q", when, price, demo, desc)
		}
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM product WHERE name IN ('Tiêu đen Ea Kao', 'Cà phê chồn Ea Kao')`).Scan(&n); err != nil || n != 2 {
			t.Errorf("%s: %d products (%v)", when, n, err)
		}
	}
	check("after the import")
	res, err := seed.Run(ctx, pool, seed.Options{})
	if err != nil || res.Import.Created != 0 || res.Import.Updated != 0 {
		t.Fatalf("reseed: %+v %v", res, err)
	}
	check("after seeding again")
}

// TestDemoPhotos: each product a seed inserts gets one drawn photo
// through the real pipeline and media store, its alt text saying it is
// illustrative; seeding again adds none, even to a product whose
// producer removed the demo photo.
func TestDemoPhotos(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	store, err := diskmedia.New(t.TempDir(), "/media")
	if err != nil {
		t.Fatal(err)
	}
	photos := product.NewPhotos(pool, store, photo.New(store, photo.Options{}), nil)
	var calls atomic.Int64
	res, err := seed.Run(ctx, pool, seed.Options{Products: 60, Photos: photos, Progress: func(done, total int) {
		calls.Add(1)
		if total != 60 || done > total {
			t.Errorf("progress %d/%d", done, total)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Photos != 60 || calls.Load() != 61 {
		t.Fatalf("%d photos, %d progress calls", res.Photos, calls.Load())
	}
	var products, withPhoto, illustrative int
	var variants []byte
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM product),
		(SELECT count(DISTINCT product_id) FROM product_photo),
		(SELECT count(*) FROM product_photo WHERE alt LIKE 'Ảnh minh hoạ%' || (SELECT name FROM product WHERE id = product_id)),
		(SELECT variants::text::bytea FROM product_photo ORDER BY id LIMIT 1)`).Scan(&products, &withPhoto, &illustrative, &variants); err != nil {
		t.Fatal(err)
	}
	if products != 60 || withPhoto != 60 || illustrative != 60 {
		t.Errorf("%d products, %d with a photo, %d marked illustrative", products, withPhoto, illustrative)
	}
	var vs []struct{ Key string }
	if err := json.Unmarshal(variants, &vs); err != nil || len(vs) != 2 {
		t.Fatalf("variants %s (%v)", variants, err)
	}
	for _, v := range vs {
		rc, err := store.Open(ctx, v.Key)
		if err != nil {
			t.Fatalf("variant %s: %v", v.Key, err)
		}
		img, err := jpeg.Decode(rc)
		rc.Close()
		if err != nil || img.Bounds().Dx() > 800 || img.Bounds().Dy()*4 != img.Bounds().Dx()*3 {
			t.Errorf("variant %s: %v %v", v.Key, img.Bounds(), err)
		}
	}
	// a producer removes one demo photo; seeding again leaves it removed
	if _, err := pool.Exec(ctx, `DELETE FROM product_photo WHERE id = (SELECT min(id) FROM product_photo)`); err != nil {
		t.Fatal(err)
	}
	if res, err = seed.Run(ctx, pool, seed.Options{Products: 60, Photos: photos}); err != nil || res.Photos != 0 {
		t.Errorf("reseed: %d photos (%v)", res.Photos, err)
	}
}

// TestDemoShowrooms: showrooms in several provinces with hours and the
// demo's products, one pop-up shown around the day of seeding; a second
// run adds none.
func TestDemoShowrooms(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	if _, err := seed.Run(ctx, pool, seed.Options{}); err != nil {
		t.Fatal(err)
	}
	n, err := seed.Showrooms(ctx, pool, nil)
	if err != nil || n != 8 {
		t.Fatalf("showrooms: %d %v", n, err)
	}
	if n, err := seed.Showrooms(ctx, pool, nil); err != nil || n != 0 {
		t.Errorf("again: %d %v", n, err)
	}
	svc := showroom.New(pool, nil)
	p, err := svc.Search(ctx, showroom.Filter{PerPage: 100})
	if err != nil || p.Total != 8 {
		t.Fatalf("visible: %d %v", p.Total, err)
	}
	provinces := map[string]bool{}
	popups := 0
	for _, s := range p.Items {
		provinces[s.ProvinceCode] = true
		if s.Hours.Week.Empty() {
			t.Errorf("%s has no hours", s.Name)
		}
		if s.Type == "popup" {
			popups++
		}
	}
	if len(provinces) < 5 || popups != 1 {
		t.Errorf("%d provinces, %d pop-ups", len(provinces), popups)
	}
	bmt, err := svc.Get(ctx, "trung-tam-ocop-buon-ma-thuot")
	if err != nil {
		t.Fatal(err)
	}
	carried, err := svc.Products(ctx, bmt.ID)
	if err != nil || len(carried) < 5 || carried[len(carried)-1].ProducerName == "" {
		t.Fatalf("carried: %v %v", carried, err)
	}
	var eaKao int
	for _, c := range carried {
		if c.ProducerName == seed.DemoProducer {
			eaKao++
		}
	}
	if eaKao != 5 {
		t.Errorf("the demo producer's products carried in Buôn Ma Thuột: %d", eaKao)
	}
}

// TestDemoFair: an upcoming fair taking registrations, its plan, four
// exhibitors with their booths (two of Quảng Ninh), and a promotion
// running on what they show; a second run adds nothing.
func TestDemoFair(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	if _, err := seed.Run(ctx, pool, seed.Options{}); err != nil {
		t.Fatal(err)
	}
	added, err := seed.Fairs(ctx, pool, nil)
	if err != nil || !added {
		t.Fatalf("fair: %v %v", added, err)
	}
	if again, err := seed.Fairs(ctx, pool, nil); err != nil || again {
		t.Errorf("again: %v %v", again, err)
	}
	svc := fair.New(pool, nil)
	page, err := svc.List(ctx, fair.Filter{})
	if err != nil || page.Total != 1 {
		t.Fatalf("list: %+v %v", page, err)
	}
	e := page.Items[0]
	if !e.RegistrationOpenAt(time.Now()) || e.BoothsTotal != 14 || e.BoothsFree != 10 {
		t.Errorf("fair: open %v, %d booths, %d free", e.RegistrationOpenAt(time.Now()), e.BoothsTotal, e.BoothsFree)
	}
	ex, err := svc.Exhibitors(ctx, e.ID)
	if err != nil || len(ex) != 4 {
		t.Fatalf("exhibitors: %v %v", ex, err)
	}
	var promoted int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM product_promotion`).Scan(&promoted); err != nil || promoted != 4 {
		t.Errorf("%d products on promotion now (%v)", promoted, err)
	}
}
