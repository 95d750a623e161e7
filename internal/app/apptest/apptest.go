// Package apptest serves the whole app for the screens' browser tests.
package apptest

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/app"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

// Start serves the whole app (as `ocop serve` does) on a fresh database
// filled by fill, on 127.0.0.1 at a free port, until t ends. It returns the
// base URL.
func Start(t *testing.T, fill func(catalogtest.Fixture)) string {
	t.Helper()
	return StartEnv(t, nil, fill)
}

// StartEnv is Start with more environment variables (env overrides the
// defaults, e.g. OCOP_MAP_TILES).
func StartEnv(t *testing.T, env map[string]string, fill func(catalogtest.Fixture)) string {
	t.Helper()
	pool, dbURL := pgtest.NewDBURL(t)
	fill(catalogtest.Fixture{T: t, Pool: pool})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	media := t.TempDir()
	vars := map[string]string{"DATABASE_URL": dbURL, "OCOP_BASE_URL": base, "OCOP_SHUTDOWN_TIMEOUT": "5s", "OCOP_MEDIA_DIR": media}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
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
