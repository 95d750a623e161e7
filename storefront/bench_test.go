package storefront_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/searchsync"
	"github.com/ocopvn/ocop/internal/seed"
	"github.com/ocopvn/ocop/internal/web"
	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/media/diskmedia"
	"github.com/ocopvn/ocop/search/pgsearch"
	"github.com/ocopvn/ocop/storefront"
)

// BenchmarkPages renders storefront pages in process (no network) on a
// 3,000-product demo catalog: the cost of a page, without wrk's overhead
// (the search page answered by pgsearch's memory copy).
func BenchmarkPages(b *testing.B) {
	pool := pgtest.NewDB(b)
	if _, err := seed.Run(context.Background(), pool, seed.Options{Products: 3000}); err != nil {
		b.Fatal(err)
	}
	svc := catalog.New(pool, nil)
	idx := pgsearch.New(pool)
	if _, err := searchsync.Reindex(context.Background(), pool, svc, idx); err != nil {
		b.Fatal(err)
	}
	if err := idx.Warm(context.Background()); err != nil {
		b.Fatal(err)
	}
	store, err := diskmedia.New(b.TempDir(), strings.TrimSuffix(media.URLPrefix, "/"))
	if err != nil {
		b.Fatal(err)
	}
	h, err := storefront.New(storefront.Deps{Catalog: svc, Search: idx, Accounts: account.New(pool, account.Options{}), Media: store, Certification: certification.New(pool, nil), BaseURL: "http://localhost"})
	if err != nil {
		b.Fatal(err)
	}
	cfg, _ := config.Load(func(k string) string { return map[string]string{"DATABASE_URL": "postgres://x@y/z"}[k] })
	app := web.New(web.Deps{Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError})), Pool: pool, Catalog: svc, Mount: h.Routes, HTMLError: h.ErrorPage})
	handler := app.Handler()
	page, err := svc.ListProducts(context.Background(), catalog.Filter{PerPage: 1})
	if err != nil || len(page.Items) == 0 {
		b.Fatal("no products", err)
	}
	for _, path := range []string{"/", "/san-pham", "/san-pham/thuc-pham?star=4&page=3", "/san-pham/" + page.Items[0].Slug, "/tim-kiem?q=m%E1%BA%ADt+ong"} {
		b.Run(path, func(b *testing.B) {
			var ctx fasthttp.RequestCtx
			for b.Loop() {
				ctx.Request.Reset()
				ctx.Response.Reset()
				ctx.Request.SetRequestURI(path)
				handler(&ctx)
				if ctx.Response.StatusCode() != 200 {
					b.Fatalf("%s: %d", path, ctx.Response.StatusCode())
				}
			}
		})
	}
}
