// Package pgtest gives tests a fresh, migrated PostgreSQL database.
//
// OCOP_TEST_DATABASE_URL points at a server where the test user may create
// databases (make test starts one). Without it the tests are skipped with a
// loud message, unless OCOP_TEST_REQUIRE_DB=1, when they fail.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/postgres"
)

// URL returns the admin URL of the test server, skipping or failing t when
// none is configured.
func URL(tb testing.TB) string {
	tb.Helper()
	return Env(tb, "OCOP_TEST_DATABASE_URL", "run `make test` to start a private PostgreSQL")
}

// Env returns the environment variable name, which a test needs: when it
// is unset, tb is skipped with the reason and what to do (hint), or fails
// when OCOP_TEST_REQUIRE_DB=1 (make test sets it: there, nothing may be
// skipped).
func Env(tb testing.TB, name, hint string) string {
	tb.Helper()
	v := os.Getenv(name)
	if v == "" {
		if os.Getenv("OCOP_TEST_REQUIRE_DB") == "1" {
			tb.Fatalf("%s is not set but OCOP_TEST_REQUIRE_DB=1: %s", name, hint)
		}
		tb.Skipf("SKIP: %s not set; %s", name, hint)
	}
	return v
}

// NewDB creates an empty database, migrates it and returns a pool on it. The
// database is dropped when the test ends.
func NewDB(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	pool, _ := NewDBURL(tb)
	return pool
}

// NewDBURL is NewDB that also returns the new database's URL, for tests that
// start the server or a subprocess on it.
func NewDBURL(tb testing.TB) (*pgxpool.Pool, string) {
	tb.Helper()
	admin := URL(tb)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "ocop_test_" + hex.EncodeToString(b[:])

	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		tb.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"); err != nil {
		tb.Fatalf("pgtest: create database: %v", err)
	}
	url := replaceDB(admin, name)

	pool, err := postgres.Open(ctx, url, postgres.Options{MaxConns: 8, StatementTimeout: 30 * time.Second})
	if err != nil {
		tb.Fatalf("pgtest: open: %v", err)
	}
	tb.Cleanup(func() {
		pool.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, admin); err == nil {
			_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	if err := postgres.Migrate(ctx, pool); err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	return pool, url
}
