package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/ocopvn/ocop/internal/app"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/searchsync"
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
	n, err := searchsync.Reindex(ctx, pool, catalog.New(pool, nil), index)
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
