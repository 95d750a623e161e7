package app_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/app"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

// TestGracefulShutdown: a request in flight when the process is told to stop
// completes, new connections are refused, and Serve returns.
func TestGracefulShutdown(t *testing.T) {
	_, url := pgtest.NewDBURL(t)
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"DATABASE_URL": url, "OCOP_SHUTDOWN_TIMEOUT": "10s", "OCOP_MEDIA_DIR": t.TempDir()}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	a.HTTP.Get("/test/slow", func(c *fiber.Ctx) error {
		close(started)
		time.Sleep(1500 * time.Millisecond)
		return c.SendString("done")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()

	type result struct {
		status int
		body   string
		err    error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/test/slow")
		if err != nil {
			res <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		res <- result{status: resp.StatusCode, body: string(b)}
	}()
	<-started
	cancel() // as SIGTERM does
	r := <-res
	if r.err != nil || r.status != 200 || r.body != "done" {
		t.Fatalf("in-flight request: %+v", r)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("still accepting connections after shutdown")
	}
	if err := a.Pool.Ping(context.Background()); err == nil {
		t.Error("pool still open after shutdown")
	}
}
