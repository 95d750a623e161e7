package postgres_test

import (
	"context"
	"io/fs"
	"regexp"
	"testing"

	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/vntext"
)

func TestMigrationNumbersAreUnique(t *testing.T) {
	names, err := fs.Glob(postgres.Migrations(), "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^(\d{5})_[a-z0-9_]+\.sql$`)
	seen := map[string]string{}
	for _, n := range names {
		m := re.FindStringSubmatch(n)
		if m == nil {
			t.Errorf("migration %q is not named NNNNN_name.sql", n)
			continue
		}
		if prev, ok := seen[m[1]]; ok {
			t.Errorf("migrations %q and %q share number %s", prev, n, m[1])
		}
		seen[m[1]] = n
	}
	if len(names) == 0 {
		t.Fatal("no migrations embedded")
	}
}

// TestMigrationsUpDownUp steps through every migration: up to n, down to
// n-1, up to n again (SECURITY.md R-03).
func TestMigrationsUpDownUp(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	p, err := postgres.NewMigrator(pool)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.DownTo(ctx, 0); err != nil {
		t.Fatalf("down to 0: %v", err)
	}
	for _, src := range p.ListSources() {
		v := src.Version
		if _, err := p.UpTo(ctx, v); err != nil {
			t.Fatalf("up to %d: %v", v, err)
		}
		if _, err := p.DownTo(ctx, v-1); err != nil {
			t.Fatalf("down to %d: %v", v-1, err)
		}
		if _, err := p.UpTo(ctx, v); err != nil {
			t.Fatalf("up to %d again: %v", v, err)
		}
	}
	var n int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM province").Scan(&n); err != nil || n != 34 {
		t.Errorf("provinces = %d, %v; want 34", n, err)
	}
}

func TestReferenceData(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()

	var leaves, groups int
	if err := pool.QueryRow(ctx, "SELECT count(*) FILTER (WHERE is_leaf), count(*) FILTER (WHERE level = 1) FROM product_group").Scan(&leaves, &groups); err != nil {
		t.Fatal(err)
	}
	if leaves != 26 || groups != 6 {
		t.Errorf("product groups: %d leaves, %d top groups; want 26 and 6", leaves, groups)
	}

	// The fold keys written by the migrations must be the ones the app computes.
	for _, table := range []string{"province", "product_group"} {
		rows, err := pool.Query(ctx, "SELECT name, name_fold FROM "+table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var name, fold string
			if err := rows.Scan(&name, &fold); err != nil {
				t.Fatal(err)
			}
			if want := vntext.Fold(name); fold != want {
				t.Errorf("%s %q: name_fold %q, want %q", table, name, fold, want)
			}
		}
		rows.Close()
	}
	var thanhHoa string
	if err := pool.QueryRow(ctx, "SELECT name FROM province WHERE name_fold = $1", vntext.Fold("Thanh Hòa")).Scan(&thanhHoa); err != nil || thanhHoa != "Thanh Hoá" {
		t.Errorf("province by fold of new-style spelling = %q, %v", thanhHoa, err)
	}
}

func TestConstraintsInDatabase(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	mustExec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	mustExec(`INSERT INTO producer (name, name_fold, producer_type, province_code, slug) VALUES ('HTX A', 'htx a', 'htx', '19', 'htx-a')`)
	mustExec(`INSERT INTO product (producer_id, group_code, name, name_fold, slug, price_vnd) VALUES (1, 'I.5.a', 'Chè', 'che', 'che', 100000)`)

	bad := []struct{ name, sql string }{
		{"NFD name", "INSERT INTO producer (name, name_fold, producer_type, province_code, slug) VALUES ('Ha\u0300 Nội', 'ha noi', 'htx', '01', 'x1')"},
		{"unknown producer type", "INSERT INTO producer (name, name_fold, producer_type, province_code, slug) VALUES ('B', 'b', 'llc', '01', 'x2')"},
		{"commune outside province", "INSERT INTO commune (code, province_code, name, full_name, kind, name_fold) VALUES ('00004', '01', 'Ba Đình', 'Phường Ba Đình', 'phuong', 'ba dinh'); UPDATE producer SET commune_code = '00004' WHERE id = 1"},
		{"non-leaf group", "INSERT INTO product (producer_id, group_code, name, name_fold, slug, price_vnd) VALUES (1, 'I.5', 'X', 'x', 'x', 1)"},
		{"negative price", "INSERT INTO product (producer_id, group_code, name, name_fold, slug, price_vnd) VALUES (1, 'I.5.a', 'Y', 'y', 'y', -1)"},
		{"negative stock", "UPDATE product SET stock = -1"},
		{"star 2", "INSERT INTO certificate (product_id, star, decision_no, decision_date, issuing_level, issuing_authority, valid_from, valid_until) VALUES (1, 2, '1/QĐ', '2025-01-01', 'province', 'UBND', '2025-01-01', '2027-12-31')"},
		{"validity not 36 months", "INSERT INTO certificate (product_id, star, decision_no, decision_date, issuing_level, issuing_authority, valid_from, valid_until) VALUES (1, 4, '1/QĐ', '2025-01-01', 'province', 'UBND', '2025-01-01', '2030-01-01')"},
		{"score below star floor", "INSERT INTO certificate (product_id, star, score, decision_no, decision_date, issuing_level, issuing_authority, valid_from, valid_until) VALUES (1, 5, 80, '1/QĐ', '2025-01-01', 'central', 'Bộ', '2025-01-01', '2027-12-31')"},
		{"two active certificates", "INSERT INTO certificate (product_id, star, decision_no, decision_date, issuing_level, issuing_authority, valid_from, valid_until) VALUES (1, 4, '1/QĐ', '2025-01-01', 'province', 'UBND', '2025-01-01', '2027-12-31'), (1, 4, '2/QĐ', '2025-02-01', 'province', 'UBND', '2025-02-01', '2028-01-31')"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			tx, err := pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			if _, err := tx.Exec(ctx, b.sql); err == nil {
				t.Errorf("database accepted: %s", b.sql)
			}
		})
	}
}

// TestEscapeLike: wildcards in user text match only themselves.
func TestEscapeLike(t *testing.T) {
	pool := pgtest.NewDB(t)
	for _, c := range []struct {
		text, pattern string
		want          bool
	}{
		{"giam 50% hom nay", "50%", true}, {"giam 50 hom nay", "50%", false},
		{"ma_so", "a_s", true}, {"maxso", "a_s", false}, {`a\b`, `a\b`, true}, {"abc", "%", false},
	} {
		var got bool
		if err := pool.QueryRow(context.Background(), `SELECT $1 LIKE '%' || $2 || '%'`, c.text, postgres.EscapeLike(c.pattern)).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%q LIKE %%%q%%: %v, want %v", c.text, c.pattern, got, c.want)
		}
	}
}
