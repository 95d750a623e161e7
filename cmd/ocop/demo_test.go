package main

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

// TestSeedDemoAccounts: every role gets an account that signs in with the
// demo password; the owner runs the seeded household; a second run changes
// nothing; production refuses.
func TestSeedDemoAccounts(t *testing.T) {
	pool, url := pgtest.NewDBURL(t)
	ctx := context.Background()
	mediaDir := t.TempDir()
	for i := range 2 {
		var out, errb bytes.Buffer
		if err := run(ctx, []string{"seed", "-products", "60", "-demo-accounts"}, func(k string) string {
			return map[string]string{"DATABASE_URL": url, "OCOP_MEDIA_DIR": mediaDir}[k]
		}, &out, &errb); err != nil {
			t.Fatalf("seed -demo-accounts: %v\n%s", err, errb.String())
		}
		if !strings.Contains(out.String(), "canbo.daklak@ocop.test") || !strings.Contains(out.String(), "/quan-ly/") {
			t.Fatalf("output lacks the accounts: %s", out.String())
		}
		// make run's seed draws a photo for each product it inserts, and
		// says how far it has gone
		photos := []string{"; 60 ảnh minh hoạ (", "; 0 ảnh minh hoạ ("}[i]
		if !strings.Contains(out.String(), photos) || (i == 0 && !strings.Contains(out.String(), "ảnh minh hoạ (demo photos): 60/60 (100 %)")) {
			t.Errorf("run %d: %s", i+1, out.String())
		}
	}
	acc := account.New(pool, account.Options{})
	want := map[string]func(p *account.Principal) bool{
		"quantri@ocop.test":      func(p *account.Principal) bool { return p.IsAdmin() && !p.IsStaff() },
		"canbo.daklak@ocop.test": func(p *account.Principal) bool { return p.ServesProvince("66") && len(p.Provinces) == 1 },
		// trade promotion serves the province but does not certify
		"xuctien.daklak@ocop.test": func(p *account.Principal) bool { return p.ServesProvince("66") && !p.Certifies("66") },
		"nongsan.eakao@ocop.test":  func(p *account.Principal) bool { return len(p.Producers) == 1 && p.Producers[0].Role == "owner" },
		"nguoimua@ocop.test":       func(p *account.Principal) bool { return !p.IsAdmin() && !p.IsStaff() && len(p.Producers) == 0 },
	}
	for id, ok := range want {
		_, p, err := acc.SignIn(ctx, id, DemoPassword, "10.1.1.1")
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if !ok(p) {
			t.Errorf("%s has the wrong roles: %+v", id, p)
		}
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM app_user`).Scan(&n); err != nil || n != len(want) {
		t.Errorf("%d accounts after two runs (%v), want %d", n, err, len(want))
	}
	var out, errb bytes.Buffer
	err := run(ctx, []string{"seed", "-photos=false", "-products", "60", "-demo-accounts"}, func(k string) string {
		return map[string]string{"DATABASE_URL": url, "OCOP_ENV": "production", "OCOP_SECRET_KEY": strings.Repeat("k", 40)}[k]
	}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "development only") {
		t.Errorf("production: %v, want a refusal", err)
	}
	// refused before writing anything: a fresh database stays empty
	pool2, url2 := pgtest.NewDBURL(t)
	err = run(ctx, []string{"seed", "-photos=false", "-products", "60", "-demo-accounts"}, func(k string) string {
		return map[string]string{"DATABASE_URL": url2, "OCOP_ENV": "production", "OCOP_SECRET_KEY": strings.Repeat("k", 40)}[k]
	}, &out, &errb)
	var products int
	if qerr := pool2.QueryRow(ctx, `SELECT count(*) FROM product`).Scan(&products); err == nil || qerr != nil || products != 0 {
		t.Errorf("production seed with demo accounts: %v, wrote %d products (%v)", err, products, qerr)
	}
	// with a commune to deliver to, the demo shopper gets orders in
	// several states, placed once
	if _, err := pool.Exec(ctx, `INSERT INTO commune (code, province_code, name, full_name, kind, name_fold)
		VALUES ('24100', '66', 'Buôn Ma Thuột', 'Phường Buôn Ma Thuột', 'phuong', 'buon ma thuot')`); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := seedDemoSales(ctx, pool, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := pool.Query(ctx, `SELECT o.status FROM shop_order o JOIN order_group g ON g.id = o.group_id
		JOIN app_user u ON u.id = g.user_id WHERE u.email = 'nguoimua@ocop.test' ORDER BY o.id`)
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for rows.Next() {
		var st string
		_ = rows.Scan(&st)
		states = append(states, st)
	}
	for _, want := range []string{"shipped", "completed", "pending_payment", "cancelled"} {
		if !slices.Contains(states, want) {
			t.Errorf("demo orders %v lack one %s", states, want)
		}
	}
	if len(states) > 6 {
		t.Errorf("%d demo orders after two runs: placed twice?", len(states))
	}
}
