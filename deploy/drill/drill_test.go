// Package drill_test is the backup and restore drill (make backup-drill,
// and part of make test): it fills a database and a media bucket the way
// the marketplace does, backs both up as production would (pg_dump
// custom format; a mirror of the bucket), restores them into a fresh
// database and a fresh bucket, and compares every table's row count and
// every object's SHA-256. It logs the dump's size and the time each step
// took: the figures behind the RPO/RTO in the README.
package drill_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/seed"
	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/media/mediatest"
	"github.com/ocopvn/ocop/media/miniomedia"
	"github.com/ocopvn/ocop/media/photo"
)

// pgBin is the directory of the server's client programs (pg_dump,
// pg_restore): the newest /usr/lib/postgresql/*/bin, as make test uses.
func pgBin(t *testing.T) string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return len(a) - len(b) })
	if len(dirs) == 0 {
		t.Fatal("no /usr/lib/postgresql/*/bin: make test installs PostgreSQL")
	}
	return dirs[len(dirs)-1]
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
}

// counts returns every table's row count in the public schema.
func counts(t *testing.T, ctx context.Context, conn *pgx.Conn) map[string]int64 {
	t.Helper()
	rows, err := conn.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, tbl := range tables {
		var n int64
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{tbl}.Sanitize()).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[tbl] = n
	}
	return out
}

// sums returns the SHA-256 of every object in the store.
func sums(t *testing.T, ctx context.Context, s media.Store) map[string]string {
	t.Helper()
	objs, err := s.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, o := range objs {
		rc, err := s.Open(ctx, o.Key)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		_, err = io.Copy(h, rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[o.Key] = hex.EncodeToString(h.Sum(nil))
	}
	return out
}

// mirror copies every object of src into dst (what `mc mirror` does).
func mirror(t *testing.T, ctx context.Context, src, dst *miniomedia.Store) int {
	t.Helper()
	objs, err := src.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		rc, err := src.Open(ctx, o.Key)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := dst.Put(ctx, o.Key, bytes.NewReader(b), int64(len(b)), media.ContentTypeOf(o.Key)); err != nil {
			t.Fatal(err)
		}
	}
	return len(objs)
}

func TestBackupDrill(t *testing.T) {
	ctx := context.Background()
	pool, srcURL := pgtest.NewDBURL(t)
	store := mediatest.NewMinIO(t)
	photos := product.NewPhotos(pool, store, photo.New(store, photo.Options{}), nil)
	if _, err := seed.Run(ctx, pool, seed.Options{Products: 60, Photos: photos}); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Showrooms(ctx, pool, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Fairs(ctx, pool, nil); err != nil {
		t.Fatal(err)
	}
	bin := pgBin(t)

	// back up: pg_dump's custom format, and a mirror of the bucket
	dump := filepath.Join(t.TempDir(), "ocop.dump")
	start := time.Now()
	run(t, filepath.Join(bin, "pg_dump"), "-Fc", "--no-owner", "--no-acl", "-f", dump, "-d", srcURL)
	dumpTook := time.Since(start)
	st, err := os.Stat(dump)
	if err != nil {
		t.Fatal(err)
	}
	backup := mediatest.NewMinIO(t)
	start = time.Now()
	n := mirror(t, ctx, store, backup)
	mirrorTook := time.Since(start)

	// restore: into a database and a bucket that never saw the data
	admin, err := pgx.Connect(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	name := "ocop_restore_" + hex.EncodeToString(rnd[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	u, _ := url.Parse(pgtest.URL(t))
	u.Path = "/" + name
	dstURL := u.String()
	start = time.Now()
	run(t, filepath.Join(bin, "pg_restore"), "--no-owner", "--no-acl", "--exit-on-error", "-j", "2", "-d", dstURL, dump)
	restoreTook := time.Since(start)
	restored := mediatest.NewMinIO(t)
	start = time.Now()
	mirror(t, ctx, backup, restored)
	mediaRestoreTook := time.Since(start)

	// compare: every table's rows, every object's bytes
	src, err := pgx.Connect(ctx, srcURL)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close(ctx)
	dst, err := pgx.Connect(ctx, dstURL)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close(ctx)
	before, after := counts(t, ctx, src), counts(t, ctx, dst)
	if len(before) < 40 || len(before) != len(after) {
		t.Fatalf("%d tables before, %d after", len(before), len(after))
	}
	rowsTotal := int64(0)
	for tbl, c := range before {
		rowsTotal += c
		if after[tbl] != c {
			t.Errorf("%s: %d rows backed up, %d restored", tbl, c, after[tbl])
		}
	}
	for _, tbl := range []string{"product", "certificate", "producer", "product_photo", "showroom", "event", "booth_assignment", "promotion", "audit_log", "goose_db_version"} {
		if before[tbl] == 0 {
			t.Errorf("the drill's data has no %s rows: it proves nothing for them", tbl)
		}
	}
	want, got := sums(t, ctx, store), sums(t, ctx, restored)
	if len(want) == 0 || len(want) != len(got) {
		t.Fatalf("%d objects before, %d after", len(want), len(got))
	}
	for k, h := range want {
		if got[k] != h {
			t.Errorf("object %s: checksum differs after the restore", k)
		}
	}
	// the restored rows refer only to restored objects
	rows, err := dst.Query(ctx, `SELECT DISTINCT v->>'key' FROM product_photo, jsonb_array_elements(variants) v`)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if _, ok := got[k]; !ok {
			t.Errorf("restored photo row refers to %s, missing from the restored bucket", k)
		}
	}
	// the restored database is current: nothing left to migrate
	if err := postgres.Migrate(ctx, mustPool(t, dstURL)); err != nil {
		t.Errorf("migrations on the restored database: %v", err)
	}
	t.Logf("drill: %d tables, %d rows, %d objects; dump %d KiB in %s, bucket mirrored (%d objects) in %s; restored in %s (database) + %s (media)",
		len(before), rowsTotal, len(want), st.Size()/1024, dumpTook.Round(time.Millisecond), n, mirrorTook.Round(time.Millisecond),
		restoreTook.Round(time.Millisecond), mediaRestoreTook.Round(time.Millisecond))
}

// mustPool opens a pool on url, closed when the test ends.
func mustPool(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	p, err := postgres.Open(context.Background(), url, postgres.Options{MaxConns: 2, StatementTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}
