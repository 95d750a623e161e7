// Package app wires the process together: configuration, logger, database
// pool, services and the HTTP server. It is the only place that chooses
// implementations.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/web"
	"github.com/ocopvn/ocop/storefront"
)

// App is a running ocop server's parts.
type App struct {
	Config  config.Config
	Log     *slog.Logger
	Pool    *pgxpool.Pool
	Catalog *catalog.Service
	HTTP    *fiber.App
}

// NewLogger returns the process logger: JSON in production, text in
// development.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Production() {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// OpenDB opens the pool configured by cfg.
func OpenDB(ctx context.Context, cfg config.Config) (*pgxpool.Pool, error) {
	return postgres.Open(ctx, cfg.DatabaseURL, postgres.Options{MaxConns: cfg.DBMaxConns, StatementTimeout: cfg.DBStatementLimit})
}

// New opens the database and builds the server. The schema must be
// migrated (ocop migrate up).
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	pool, err := OpenDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Log: log, Pool: pool}
	a.Catalog = catalog.New(pool, nil)
	sf, err := storefront.New(a.Catalog, cfg.BaseURL)
	if err != nil {
		pool.Close()
		return nil, err
	}
	a.HTTP = web.New(web.Deps{Config: cfg, Log: log, Pool: pool, Catalog: a.Catalog, Mount: sf.Routes, HTMLError: sf.ErrorPage})
	return a, nil
}

// Serve answers requests on ln until ctx is done, then stops accepting,
// lets in-flight requests finish (up to the shutdown timeout) and closes
// the pool.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- a.HTTP.Listener(ln) }()
	a.Log.Info("serving", "addr", ln.Addr().String(), "config", a.Config.String())
	select {
	case err := <-errc:
		a.Pool.Close()
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	a.Log.Info("shutting down", "grace", a.Config.ShutdownTimeout.String())
	err := a.HTTP.ShutdownWithTimeout(a.Config.ShutdownTimeout)
	if lerr := <-errc; lerr != nil && !errors.Is(lerr, net.ErrClosed) {
		a.Log.Warn("listener", "err", lerr)
	}
	a.Pool.Close()
	a.Log.Info("stopped")
	return err
}
