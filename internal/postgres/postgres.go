// Package postgres opens the PostgreSQL pool, runs the embedded migrations
// and offers the small helpers every store uses (Querier, InTx, error
// translation).
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Querier is what unexported store functions take, so a method can run them
// on the pool or inside a transaction.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Options tunes the pool.
type Options struct {
	MaxConns         int32
	StatementTimeout time.Duration
	Tracer           pgx.QueryTracer // optional, e.g. to count statements in tests
}

// Open connects to url, sets the statement timeout and time zone for every
// connection, and pings the server.
func Open(ctx context.Context, url string, o Options) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if o.MaxConns > 0 {
		cfg.MaxConns = o.MaxConns
	}
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	if o.StatementTimeout > 0 {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = fmt.Sprint(o.StatementTimeout.Milliseconds())
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "ocop"
	cfg.ConnConfig.Tracer = o.Tracer
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	return pool, nil
}

// Beginner starts a transaction: a pool, or a transaction (which starts
// a savepoint).
type Beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// InTx is the one way to run a transaction: fn runs in a transaction of
// db (a savepoint when db is a transaction), which commits when fn
// returns nil and rolls back otherwise, returning fn's error (joined with
// the rollback's, when that fails too).
func InTx(ctx context.Context, db Beginner, fn func(tx pgx.Tx) error) (err error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		// a no-op after Commit; after a failure (or a panic) it ends the
		// transaction, and a failed rollback is reported with fn's error
		if rbErr := tx.Rollback(ctx); err != nil && rbErr != nil && !errors.Is(rbErr, pgx.ErrTxClosed) {
			err = errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// InSnapshot runs fn in a read-only repeatable-read transaction: every
// statement of fn sees the same snapshot of the database.
func InSnapshot(ctx context.Context, pool *pgxpool.Pool, fn func(tx pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}

// IsUniqueViolation reports whether err is a unique-constraint violation,
// of the named constraint when name is not empty.
func IsUniqueViolation(err error, name string) bool {
	return hasCode(err, "23505", name)
}

// EscapeLike escapes LIKE's wildcards (% and _) and its escape character
// in user text, so a search for "50%" finds "50%" and "_" matches only "_"
// (PostgreSQL's default escape character for LIKE is the backslash).
func EscapeLike(s string) string {
	return likeEscaper.Replace(s)
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// IsUnavailable reports whether err means PostgreSQL cannot be reached or
// cannot serve right now: a refused or lost connection, a connect or
// network timeout, the server shutting down or starting up, too many
// connections. The request may succeed later (503 with Retry-After), where
// any other error is a bug or bad input.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "57P01", "57P02", "57P03", "53300", "53400": // shutdown, crash, starting up, too many connections, limits
			return true
		}
		return strings.HasPrefix(pgErr.Code, "08") // connection exceptions
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.As(err, &connectErr), errors.As(err, &netErr), pgconn.Timeout(err),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	}
	// pgx reports a connection that died under a query this way
	msg := err.Error()
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "failed to connect") ||
		strings.Contains(msg, "unexpected EOF")
}

// IsRetryable reports whether err is a deadlock or a serialization failure:
// the transaction may simply be run again.
func IsRetryable(err error) bool { return hasCode(err, "40P01", "") || hasCode(err, "40001", "") }

// IsCheckViolation reports whether err is a check-constraint violation.
func IsCheckViolation(err error) bool { return hasCode(err, "23514", "") }

func hasCode(err error, code, constraint string) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != code {
		return false
	}
	return constraint == "" || pgErr.ConstraintName == constraint
}

// Migrations returns the embedded migration files.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(err)
	}
	return sub
}

// NewMigrator returns a goose provider over the embedded migrations. A
// PostgreSQL advisory lock keeps two replicas from migrating at once. Close
// it when done.
func NewMigrator(pool *pgxpool.Pool) (*goose.Provider, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	db := stdlib.OpenDBFromPool(pool)
	p, err := goose.NewProvider(goose.DialectPostgres, db, Migrations(), goose.WithSessionLocker(locker))
	if err != nil {
		db.Close()
		return nil, err
	}
	return p, nil
}

// Migrate applies every pending migration.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	p, err := NewMigrator(pool)
	if err != nil {
		return err
	}
	defer p.Close()
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	_, err = MigrateQueue(ctx, pool)
	return err
}

// MigrateQueue creates or updates the job queue's own tables (River's, by
// its own migrator) and returns the versions it applied.
func MigrateQueue(ctx context.Context, pool *pgxpool.Pool) (applied []int, err error) {
	rm, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return nil, fmt.Errorf("migrate job queue: %w", err)
	}
	res, err := rm.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return nil, fmt.Errorf("migrate job queue: %w", err)
	}
	for _, v := range res.Versions {
		applied = append(applied, v.Version)
	}
	return applied, nil
}

// IDsByKey reads rows of (id bigint, key text), as a bulk INSERT …
// RETURNING id, <unique key> gives them, into a map from key to id. It
// takes a Query's results as they are: IDsByKey(tx.Query(…)).
func IDsByKey(rows pgx.Rows, err error) (map[string]int64, error) {
	if err != nil {
		return nil, err
	}
	ids := make(map[string]int64)
	var id int64
	var key string
	_, err = pgx.ForEachRow(rows, []any{&id, &key}, func() error {
		ids[key] = id
		return nil
	})
	return ids, err
}

// FreeSlug is base, or base-2, base-3… the first that no row of table
// (a constant of the caller, never input) has as its slug.
func FreeSlug(ctx context.Context, q Querier, table, base string) (string, error) {
	for i := 1; ; i++ {
		slug := base
		if i > 1 {
			slug = fmt.Sprintf("%s-%d", base, i)
		}
		var taken bool
		if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+pgx.Identifier{table}.Sanitize()+` WHERE slug = $1)`, slug).Scan(&taken); err != nil {
			return "", err
		}
		if !taken {
			return slug, nil
		}
	}
}

// StringSet collects the one text column of rows into a set.
func StringSet(rows pgx.Rows, err error) (map[string]bool, error) {
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(list))
	for _, s := range list {
		out[s] = true
	}
	return out, nil
}
