package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/ocopvn/ocop/internal/app"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/searchsync"
	"github.com/ocopvn/ocop/search"
	"github.com/ocopvn/ocop/search/pgsearch"
)

// reindexCmd rebuilds the search index (PostgreSQL, and Meilisearch when
// MEILI_URL is set) from the public products in the database. Changes made
// meanwhile stay in the outbox for the server's worker.
func reindexCmd(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	pool, err := app.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	index, m := app.NewSearch(cfg, pool, log)
	if m != nil {
		if err := m.Setup(ctx); err != nil {
			return err
		}
	}
	n, err := searchsync.Reindex(search.WithProgress(ctx, progressOf(stdout, "chỉ mục tìm kiếm (search index)")), pool, catalog.New(pool, nil), index)
	if err != nil {
		return err
	}
	pending, err := searchsync.Pending(ctx, pool)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "search index rebuilt: %d public products; %d changes queued for the worker\n", n, pending)
	return nil
}

// errDrift is an index that does not match the database.
var errDrift = errors.New("the search index does not match the database: run ocop reindex")

// reindexCheckCmd compares the search index (and Meilisearch's settings)
// with the database and fails when they differ.
func reindexCheckCmd(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	pool, err := app.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	pending, err := searchsync.Pending(ctx, pool)
	if err != nil {
		return err
	}
	checks := []struct {
		name     string
		index    searchsync.Counter
		settings func(context.Context) ([]string, error)
	}{{"postgres", pgsearch.New(pool), nil}}
	if _, m := app.NewSearch(cfg, pool, log); m != nil {
		checks = append(checks, struct {
			name     string
			index    searchsync.Counter
			settings func(context.Context) ([]string, error)
		}{"meilisearch", m, m.SettingsDrift})
	}
	ok := true
	for _, c := range checks {
		d, err := searchsync.Check(ctx, pool, c.index, c.settings)
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		state := "ok"
		if !d.OK() {
			state, ok = "DRIFT", false
		}
		fmt.Fprintf(stdout, "%s: %s (%s)\n", c.name, state, d)
	}
	if pending > 0 {
		fmt.Fprintf(stdout, "%d changes are still in the outbox: counts may differ by that much until the worker applies them\n", pending)
	}
	if !ok && pending == 0 {
		return errDrift
	}
	return nil
}
