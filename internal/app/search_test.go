package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/app"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

// TestServeKeepsSearchTrue: with the server running, a product published
// with a plain SQL write appears in search within seconds, and disappears
// as quickly when it is unpublished (the outbox worker started by Serve).
func TestServeKeepsSearchTrue(t *testing.T) {
	serveAndWatch(t, nil)
}

// TestServeSearchWithMeilisearchDown: MEILI_URL points at a closed port;
// search still follows the catalog, answering from PostgreSQL.
func TestServeSearchWithMeilisearchDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	serveAndWatch(t, map[string]string{"MEILI_URL": "http://" + addr})
}

func serveAndWatch(t *testing.T, env map[string]string) {
	pool, url := pgtest.NewDBURL(t)
	media := t.TempDir()
	cfg, err := config.Load(func(k string) string {
		switch k {
		case "DATABASE_URL":
			return url
		case "OCOP_MEDIA_DIR":
			return media
		}
		return env[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()

	total := func() int {
		resp, err := http.Get("http://" + ln.Addr().String() + "/api/v1/search?q=hat+mac+ca")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b struct{ Total int }
		if err := json.NewDecoder(resp.Body).Decode(&b); err != nil {
			t.Fatal(err)
		}
		return b.Total
	}
	waitFor := func(want int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			if total() == want {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("search total did not become %d within 5 s", want)
	}

	fx := catalogtest.Fixture{T: t, Pool: pool}
	id := fx.Product(fx.Producer("HTX Mắc Ca Krông Năng", "66"), catalogtest.Product{Name: "Hạt mắc ca sấy", Group: "I.3.c", Price: 300000, Star: 4})
	waitFor(1)
	fx.Exec(`UPDATE product SET status = 'draft' WHERE id = $1`, id)
	waitFor(0)
}
