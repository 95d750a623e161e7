package storefront_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/app"
	"github.com/ocopvn/ocop/internal/browsertest"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

// startApp serves the whole app (as `ocop serve` does) on a fresh database
// filled by fill, on 127.0.0.1 at a free port, until t ends. It returns the
// base URL.
func startApp(t *testing.T, fill func(catalogtest.Fixture)) string {
	t.Helper()
	pool, dbURL := pgtest.NewDBURL(t)
	fill(catalogtest.Fixture{T: t, Pool: pool})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"DATABASE_URL": dbURL, "OCOP_BASE_URL": base, "OCOP_SHUTDOWN_TIMEOUT": "5s"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-served:
			if err != nil && !errors.Is(err, net.ErrClosed) {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("server did not stop")
		}
	})
	return base
}

// TestBrowserWalk walks the storefront in headless Chromium, on a phone and
// on a desktop: home → a product page, checking what a shopper sees, that
// the page logs no error and loads nothing broken, and that axe finds no
// serious accessibility violation.
func TestBrowserWalk(t *testing.T) {
	b := browsertest.New(t) // skips before the database is made when there is no browser
	base := startApp(t, func(f catalogtest.Fixture) {
		tc := f.Producer("HTX Chè Tân Cương", "19")
		f.Product(tc, catalogtest.Product{Name: "Chè Shan tuyết Tân Cương", Group: "I.5.a", Price: 1250000, Star: 5, Description: "Chè búp hái tay."})
		f.Product(tc, catalogtest.Product{Name: "Mật ong rừng", Group: "I.5.a", Price: 320000, Star: 3})
	})

	for _, vp := range browsertest.Viewports {
		t.Run(vp.Name, func(t *testing.T) {
			p := b.NewPage(t, vp)

			p.Goto("home", base+"/")
			p.AssertText("h1", "Sản phẩm OCOP được chứng nhận")
			p.AssertText("main", "2 sản phẩm", "Chè Shan tuyết Tân Cương", "Mật ong rừng", "HTX Chè Tân Cương", "1.250.000 ₫", "320.000 ₫")
			p.AssertText(".card .star", "OCOP ★")
			p.AssertNoProblems()
			p.AssertNoSeriousA11y()

			p.ClickLink("product", `a[href="/san-pham/che-shan-tuyet-tan-cuong"]`)
			if got, want := p.URL(), base+"/san-pham/che-shan-tuyet-tan-cuong"; got != want {
				t.Errorf("after the click: at %s, want %s", got, want)
			}
			p.AssertText("h1", "Chè Shan tuyết Tân Cương")
			p.AssertText(".price", "1.250.000 ₫")
			p.AssertText(".star", "OCOP ★★★★★", "5 sao")
			p.AssertText(".cert", "UBND tỉnh Thái Nguyên", "/QĐ-UBND", "HTX Chè Tân Cương")
			p.AssertText("main", "Chè búp hái tay.")
			p.AssertNoProblems()
			p.AssertNoSeriousA11y()
		})
	}
}
