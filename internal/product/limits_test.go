package product_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/product/phototest"
	"github.com/ocopvn/ocop/media/photo"
)

// Twelve uploads to twelve products of one producer, all decoded at once
// (no decode slot serialises them), are held at the producer row lock and
// then released together: they reach the quota check one at a time, and
// exactly as many as fit are accepted.
func TestQuotaHoldsUnderConcurrentUploads(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	img := phototest.JPEG(t, 900, 600, 7)
	if _, err := f.svc.Upload(ctx, f.actor, f.producer, f.product, img); err != nil {
		t.Fatal(err)
	}
	one, err := f.svc.Usage(ctx, f.producer)
	if err != nil || one <= 0 {
		t.Fatalf("usage %d, %v", one, err)
	}
	// a pool with a connection for every upload, so they all wait on the
	// row lock rather than for a connection
	cfg := f.pool.Config().Copy()
	cfg.MaxConns = 20
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	svc := product.NewPhotos(pool, f.store, photo.New(f.store, photo.Options{Concurrency: 12}), nil)
	svc.SetLimits(product.Limits{QuotaBytes: 3*one + one/2, UploadFiles: 100, UploadWindow: product.UploadWindow})
	cf := catalogtest.Fixture{T: t, Pool: f.pool}
	var products []int64
	for i := range 12 {
		products = append(products, cf.Product(f.producer, catalogtest.Product{Name: fmt.Sprintf("Chè %d", i), Group: "I.5.a", Price: 1000, Star: 3}))
	}

	hold, err := f.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = hold.Rollback(ctx) }()
	if _, err := hold.Exec(ctx, `SELECT 1 FROM producer WHERE id = $1 FOR UPDATE`, f.producer); err != nil {
		t.Fatal(err)
	}
	errs := make([]error, len(products))
	var wg sync.WaitGroup
	for i, id := range products {
		wg.Go(func() { _, errs[i] = svc.Upload(ctx, f.actor, f.producer, id, img) })
	}
	waiting := 0
	for deadline := time.Now().Add(30 * time.Second); waiting < len(products) && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if err := f.pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
	}
	if err := hold.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if waiting != len(products) {
		t.Fatalf("%d of %d uploads waited for the producer row lock", waiting, len(products))
	}
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, product.ErrQuota):
			t.Errorf("upload %d: %v", i, err)
		}
	}
	if used, _ := svc.Usage(ctx, f.producer); ok != 2 || used != 3*one {
		t.Fatalf("%d uploads accepted, usage %d; want 2 and %d", ok, used, 3*one)
	}
	f.assertNoOrphans()
}

// Replacing the logo counts the new logo instead of the old one.
func TestQuotaCountsAReplacedLogoOnce(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	if err := f.svc.SetProducerImage(ctx, f.actor, f.producer, product.Logo, phototest.JPEG(t, 600, 600, 1)); err != nil {
		t.Fatal(err)
	}
	used, err := f.svc.Usage(ctx, f.producer)
	if err != nil || used <= 0 {
		t.Fatalf("usage %d, %v", used, err)
	}
	// a quota a little above the usage: another logo of the same size
	// fits only if the old one stops counting
	f.svc.SetLimits(product.Limits{QuotaBytes: used + used/10, UploadFiles: 100, UploadWindow: product.UploadWindow})
	if err := f.svc.SetProducerImage(ctx, f.actor, f.producer, product.Logo, phototest.JPEG(t, 600, 600, 2)); err != nil {
		t.Fatalf("replacing the logo: %v", err)
	}
	// a banner of that size does not fit
	err = f.svc.SetProducerImage(ctx, f.actor, f.producer, product.Banner, phototest.JPEG(t, 600, 600, 3))
	if !errors.Is(err, product.ErrQuota) {
		t.Fatalf("banner over quota: %v", err)
	}
	f.assertNoOrphans()
}
