package product_test

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/product/phototest"
	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/media/mediatest"
	"github.com/ocopvn/ocop/media/miniomedia"
	"github.com/ocopvn/ocop/media/photo"
)

type fixture struct {
	t        *testing.T
	pool     *pgxpool.Pool
	store    media.Store
	svc      *product.Photos
	producer int64
	product  int64
	actor    product.Actor
}

// newFixture is a fresh database and MinIO bucket with one producer and a
// product of it; now is the service's clock (nil: time.Now).
func newFixture(t *testing.T, now func() time.Time) *fixture {
	t.Helper()
	pool := pgtest.NewDB(t)
	store := mediatest.NewMinIO(t)
	f := catalogtest.Fixture{T: t, Pool: pool}
	producer := f.Producer("HTX Chè Shan Tuyết", "19")
	productID := f.Product(producer, catalogtest.Product{Name: "Chè Shan Tuyết", Group: "I.5.a", Price: 120000, Star: 4})
	var uid int64
	if err := pool.QueryRow(context.Background(),
		`INSERT INTO app_user (display_name, email, password_hash) VALUES ('Chủ HTX', 'chu@htx.vn', 'x') RETURNING id`).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	svc := product.NewPhotos(pool, store, photo.New(store, photo.Options{}), now)
	return &fixture{t: t, pool: pool, store: store, svc: svc, producer: producer, product: productID,
		actor: product.Actor{UserID: uid, ActingAs: audit.AsMember}}
}

// objects lists every key in the bucket.
func (f *fixture) objects() []string {
	f.t.Helper()
	objs, err := f.store.List(context.Background(), "")
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for _, o := range objs {
		out = append(out, o.Key)
	}
	sort.Strings(out)
	return out
}

// rowKeys lists every key a row refers to.
func (f *fixture) rowKeys() []string {
	f.t.Helper()
	rows, err := f.pool.Query(context.Background(), `
		SELECT v->>'key' FROM product_photo, jsonb_array_elements(variants) v
		UNION SELECT v->>'key' FROM producer, jsonb_array_elements(logo_variants || banner_variants) v
		ORDER BY 1`)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, k)
	}
	return out
}

// assertNoOrphans checks the bucket holds exactly the keys rows refer to.
func (f *fixture) assertNoOrphans() {
	f.t.Helper()
	if objs, keys := f.objects(), f.rowKeys(); !slices.Equal(objs, keys) {
		f.t.Fatalf("bucket and rows differ:\nobjects %v\nrows    %v", objs, keys)
	}
}

func (f *fixture) count(sql string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func TestUploadLimitDuplicateAndRefusals(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	first, err := f.svc.Upload(ctx, f.actor, f.producer, f.product, phototest.JPEG(t, 2000, 1500, 1))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(first.Variants); got != 3 || first.Variants[0].Width != 320 || first.Variants[2].Width != 1600 || first.Position != 0 {
		t.Fatalf("first photo: %+v", first)
	}
	// the same photo again: refused, nothing duplicated or deleted
	before := f.objects()
	if _, err := f.svc.Upload(ctx, f.actor, f.producer, f.product, phototest.JPEG(t, 2000, 1500, 1)); !errors.Is(err, product.ErrDuplicate) {
		t.Fatalf("same photo twice: %v, want ErrDuplicate", err)
	}
	if after := f.objects(); !slices.Equal(before, after) {
		t.Fatalf("duplicate upload changed the bucket: %v -> %v", before, after)
	}
	// hostile files: refused, nothing stored
	for name, data := range map[string][]byte{
		"pixel bomb":  phototest.PixelBombPNG(50_000, 50_000),
		"svg":         phototest.SVG,
		"polyglot":    phototest.Polyglot,
		"truncated":   phototest.JPEG(t, 800, 600, 5)[:2000],
		"empty":       nil,
		"lottapixel":  phototest.LottaPixelJPEG(t, 50_000, 50_000),
		"over 15 MiB": append(phototest.JPEG(t, 64, 64, 1), make([]byte, photo.MaxBytes)...),
	} {
		if _, err := f.svc.Upload(ctx, f.actor, f.producer, f.product, data); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	f.assertNoOrphans()
	for i := 2; i <= product.MaxPerProduct; i++ {
		if _, err := f.svc.Upload(ctx, f.actor, f.producer, f.product, phototest.JPEG(t, 400, 300, i)); err != nil {
			t.Fatalf("photo %d: %v", i, err)
		}
	}
	if _, err := f.svc.Upload(ctx, f.actor, f.producer, f.product, phototest.JPEG(t, 400, 300, 99)); !errors.Is(err, product.ErrFull) {
		t.Fatalf("11th photo: %v, want ErrFull", err)
	}
	if n := f.count(`SELECT count(*) FROM product_photo WHERE product_id = $1`, f.product); n != 10 {
		t.Fatalf("%d rows, want 10", n)
	}
	f.assertNoOrphans()
	if n := f.count(`SELECT count(*) FROM audit_log WHERE entity = 'product_photo' AND action = 'create' AND acting_as = 'member'`); n != 10 {
		t.Fatalf("%d audit entries, want 10", n)
	}
}

func TestConcurrentUploadsNeverExceedTen(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	files := make([][]byte, 20)
	for i := range files {
		files[i] = phototest.JPEG(t, 400, 300, i+1)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(files))
	for i := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.svc.Upload(ctx, f.actor, f.producer, f.product, files[i])
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, product.ErrFull):
			t.Errorf("unexpected error: %v", err)
		}
	}
	if n := f.count(`SELECT count(*) FROM product_photo WHERE product_id = $1`, f.product); n != 10 || ok != 10 {
		t.Fatalf("%d rows, %d successes; want 10 and 10", n, ok)
	}
	if n := f.count(`SELECT count(DISTINCT position) FROM product_photo WHERE product_id = $1 AND position BETWEEN 0 AND 9`, f.product); n != 10 {
		t.Fatalf("positions not 0..9: %d distinct", n)
	}
	f.assertNoOrphans()
}

func TestReorderAltDeleteAndOwnership(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	var ids []int64
	for i := range 3 {
		ph, err := f.svc.Upload(ctx, f.actor, f.producer, f.product, phototest.JPEG(t, 500, 400, i+1))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ph.ID)
	}
	// move the last to the front with alt text
	if err := f.svc.Update(ctx, f.actor, f.producer, f.product, ids[2], product.PhotoUpdate{Alt: "  Hộp chè 200 g  ", Position: 0}); err != nil {
		t.Fatal(err)
	}
	list, err := f.svc.Photos(ctx, f.producer, f.product)
	if err != nil {
		t.Fatal(err)
	}
	var order []int64
	for i, ph := range list {
		order = append(order, ph.ID)
		if ph.Position != i {
			t.Errorf("photo %d at position %d, want %d", ph.ID, ph.Position, i)
		}
	}
	if want := []int64{ids[2], ids[0], ids[1]}; !slices.Equal(order, want) {
		t.Fatalf("order %v, want %v", order, want)
	}
	if list[0].Alt != "Hộp chè 200 g" {
		t.Fatalf("alt %q", list[0].Alt)
	}
	// a position past the end is clamped to the last
	if err := f.svc.Update(ctx, f.actor, f.producer, f.product, ids[2], product.PhotoUpdate{Alt: list[0].Alt, Position: 42}); err != nil {
		t.Fatal(err)
	}
	list, _ = f.svc.Photos(ctx, f.producer, f.product)
	if list[2].ID != ids[2] {
		t.Fatalf("clamped move: %+v", list)
	}

	// another producer, or another product, cannot reach these photos
	other := catalogtest.Fixture{T: t, Pool: f.pool}.Producer("HTX Khác", "91")
	otherProduct := catalogtest.Fixture{T: t, Pool: f.pool}.Product(other, catalogtest.Product{Name: "Mắm cá", Group: "I.5.a", Price: 1000, Star: 3})
	if _, err := f.svc.Upload(ctx, f.actor, other, f.product, phototest.JPEG(t, 400, 300, 50)); !errors.Is(err, product.ErrProductNotFound) {
		t.Errorf("upload through another producer: %v", err)
	}
	if err := f.svc.Delete(ctx, f.actor, other, f.product, ids[0]); !errors.Is(err, product.ErrProductNotFound) {
		t.Errorf("delete through another producer: %v", err)
	}
	if err := f.svc.Delete(ctx, f.actor, other, otherProduct, ids[0]); !errors.Is(err, product.ErrPhotoNotFound) {
		t.Errorf("delete with another product's id: %v", err)
	}
	if err := f.svc.Update(ctx, f.actor, other, otherProduct, ids[0], product.PhotoUpdate{}); !errors.Is(err, product.ErrPhotoNotFound) {
		t.Errorf("update with another product's id: %v", err)
	}
	f.assertNoOrphans()
	if n := f.count(`SELECT count(*) FROM product_photo`); n != 3 {
		t.Fatalf("%d photos after refused changes", n)
	}

	// delete: row, then objects; the rest renumbered
	if err := f.svc.Delete(ctx, f.actor, f.producer, f.product, ids[0]); err != nil {
		t.Fatal(err)
	}
	f.assertNoOrphans()
	if n := f.count(`SELECT count(*) FROM product_photo WHERE product_id = $1 AND position < 2`, f.product); n != 2 {
		t.Fatalf("positions not renumbered")
	}

	// a certified product cannot be deleted
	if err := f.svc.DeleteProduct(ctx, f.actor, f.producer, f.product); !errors.Is(err, product.ErrCertified) {
		t.Fatalf("delete certified product: %v", err)
	}
	// one that never had a certificate can, with its objects
	var draft int64
	if err := f.pool.QueryRow(ctx, `INSERT INTO product (producer_id, group_code, name, name_fold, slug, price_vnd)
		VALUES ($1, 'I.5.a', 'Chè nháp', 'che nhap', 'che-nhap', 1000) RETURNING id`, f.producer).Scan(&draft); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Upload(ctx, f.actor, f.producer, draft, phototest.JPEG(t, 400, 300, 77)); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.DeleteProduct(ctx, f.actor, other, draft); !errors.Is(err, product.ErrProductNotFound) {
		t.Fatalf("delete another producer's product: %v", err)
	}
	if err := f.svc.DeleteProduct(ctx, f.actor, f.producer, draft); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM product WHERE id = $1`, draft); n != 0 {
		t.Fatal("product not deleted")
	}
	f.assertNoOrphans()
	if n := f.count(`SELECT count(*) FROM audit_log WHERE entity = 'product' AND action = 'delete' AND entity_id = $1`, draft); n != 1 {
		t.Fatal("no audit entry for the product deletion")
	}
}

func TestProducerImages(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	if err := f.svc.SetProducerImage(ctx, f.actor, f.producer, product.Logo, phototest.PNG(t, 600, 600, 1)); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SetProducerImage(ctx, f.actor, f.producer, product.Banner, phototest.JPEG(t, 1800, 600, 2)); err != nil {
		t.Fatal(err)
	}
	im, err := f.svc.ProducerImages(ctx, f.producer)
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Logo) != 2 || len(im.Banner) != 3 { // 600 px: 320 and 600
		t.Fatalf("logo %+v banner %+v", im.Logo, im.Banner)
	}
	for _, v := range append(im.Logo, im.Banner...) {
		if !media.Public(v.Key) || v.Key[:10] != "producers/" {
			t.Errorf("key %q not under producers/", v.Key)
		}
	}
	old := im.Logo
	// a new logo replaces the old one, whose objects go
	if err := f.svc.SetProducerImage(ctx, f.actor, f.producer, product.Logo, phototest.PNG(t, 500, 500, 3)); err != nil {
		t.Fatal(err)
	}
	objs := f.objects()
	for _, v := range old {
		if slices.Contains(objs, v.Key) {
			t.Errorf("old logo object %s kept", v.Key)
		}
	}
	// a refused file keeps the current logo
	if err := f.svc.SetProducerImage(ctx, f.actor, f.producer, product.Logo, phototest.SVG); err == nil {
		t.Fatal("SVG logo accepted")
	}
	f.assertNoOrphans()
	if err := f.svc.RemoveProducerImage(ctx, f.actor, f.producer, product.Banner); err != nil {
		t.Fatal(err)
	}
	f.assertNoOrphans()
	if n := f.count(`SELECT count(*) FROM producer WHERE id = $1 AND banner_key IS NULL AND logo_key IS NOT NULL`, f.producer); n != 1 {
		t.Fatal("banner_key not cleared or logo_key missing")
	}
}

func TestSweepDeletesOnlyOldOrphans(t *testing.T) {
	later := time.Now().Add(25 * time.Hour)
	f := newFixture(t, func() time.Time { return later })
	ctx := context.Background()
	ph, err := f.svc.Upload(ctx, f.actor, f.producer, f.product, phototest.JPEG(t, 400, 300, 1))
	if err != nil {
		t.Fatal(err)
	}
	put := func(key string) {
		if err := f.store.Put(ctx, key, bytesReader("x"), 1, "image/jpeg"); err != nil {
			t.Fatal(err)
		}
	}
	put("products/999/orphan-320.jpg")
	put("producers/5/logo/orphan-320.jpg")
	put("private/applications/1/registration.pdf") // a document: never swept
	deleted, err := f.svc.Sweep(ctx, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(deleted)
	if want := []string{"producers/5/logo/orphan-320.jpg", "products/999/orphan-320.jpg"}; !slices.Equal(deleted, want) {
		t.Fatalf("deleted %v, want %v", deleted, want)
	}
	objs := f.objects()
	for _, v := range ph.Variants {
		if !slices.Contains(objs, v.Key) {
			t.Errorf("referenced %s swept", v.Key)
		}
	}
	if !slices.Contains(objs, "private/applications/1/registration.pdf") {
		t.Error("private document swept")
	}
	// with the real clock nothing is old enough
	young := product.NewPhotos(f.pool, f.store, nil, nil)
	put("products/999/young-320.jpg")
	if deleted, err := young.Sweep(ctx, 24*time.Hour); err != nil || len(deleted) != 0 {
		t.Fatalf("young orphan swept: %v %v", deleted, err)
	}
}

func bytesReader(s string) *strings.Reader { return strings.NewReader(s) }

func TestStoreDownIsUnavailableAndWritesNoRow(t *testing.T) {
	f := newFixture(t, nil)
	dead, err := miniomedia.NewUnchecked(miniomedia.Options{Endpoint: "127.0.0.1:1", AccessKey: "x", SecretKey: "xxxxxxxx", Bucket: "dead", MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	svc := product.NewPhotos(f.pool, dead, photo.New(dead, photo.Options{}), nil)
	_, err = svc.Upload(context.Background(), f.actor, f.producer, f.product, phototest.JPEG(t, 400, 300, 1))
	if apperr.KindOf(err) != apperr.Unavailable {
		t.Fatalf("store down: %v, want Unavailable", err)
	}
	if n := f.count(`SELECT count(*) FROM product_photo`); n != 0 {
		t.Fatalf("%d rows written while the store was down", n)
	}
}
