package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

// TestPlanCommands: geo legacy loads the former districts, plan import
// refuses a plan whose totals do not add up and takes a good one, report
// plan writes the contract's CSV.
func TestPlanCommands(t *testing.T) {
	pool, url := pgtest.NewDBURL(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO commune (code, province_code, name, full_name, kind, name_fold) VALUES
		('15001', '38', 'Nga Sơn', 'Xã Nga Sơn', 'xa', 'nga son')`); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	legacy := write("legacy-districts.csv", "commune_code,province_code,legacy_district_code\n15001,38,396\n")
	write("legacy-districts-list.csv", "legacy_district_code,legacy_district_name,legacy_province_code,legacy_province_name\n396,Huyện Nga Sơn,38,Tỉnh Thanh Hóa\n")
	bad := write("sai.csv", "Địa phương,Tổng số,5 sao,4 sao,3 sao\nHuyện Nga Sơn,5,1,1,1\n")
	good := write("ke-hoach.csv", "Địa phương,Tổng số,5 sao,4 sao,3 sao\nHuyện Nga Sơn,5,1,1,3\n")
	env := func(k string) string { return map[string]string{"DATABASE_URL": url}[k] }
	cmd := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(ctx, args, env, &out, &errb)
		return out.String(), err
	}
	if out, err := cmd("geo", "legacy", legacy); err != nil || !strings.Contains(out, "1 huyện/quận/thị xã cũ, 1 xã/phường") {
		t.Fatalf("geo legacy: %q %v", out, err)
	}
	if out, err := cmd("plan", "import", "-year", "2025", "-province", "38", bad); err == nil || !strings.Contains(out, "dòng 2, cột total") {
		t.Errorf("bad plan: %q %v", out, err)
	}
	if out, err := cmd("plan", "import", "-year", "2025", "-province", "38", good); err != nil || !strings.Contains(out, "1 địa phương, 5 sản phẩm") {
		t.Fatalf("plan import: %q %v", out, err)
	}
	out, err := cmd("report", "plan", "-year", "2025", "-province", "38", "-format", "csv")
	want := "locality,plan_total,plan_star5,plan_star4,plan_star3,actual_total,actual_star5,actual_star4,actual_star3,progress_pct\n" +
		"Huyện Nga Sơn,5,1,1,3,0,0,0,0,0\nChưa xác định địa phương,0,0,0,0,0,0,0,0,0\nTổng cộng,5,1,1,3,0,0,0,0,0\n"
	if err != nil || out != want {
		t.Errorf("report plan:\n%s\nwant:\n%s(%v)", out, want, err)
	}
	if _, err := cmd("report", "plan", "-year", "2025", "-province", "38", "-format", "pdf"); err == nil {
		t.Error("a pdf report was accepted")
	}
}

// TestReindexCheck: the check passes on an index in step with the
// database and names the drift when a document is missing.
func TestReindexCheck(t *testing.T) {
	pool, url := pgtest.NewDBURL(t)
	ctx := context.Background()
	env := func(k string) string { return map[string]string{"DATABASE_URL": url}[k] }
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"seed", "-photos=false", "-products", "60"}, env, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"reindex"}, env, &out, &errb); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"reindex", "-check"}, env, &out, &errb); err != nil || !strings.Contains(out.String(), "postgres: ok") {
		t.Fatalf("check in step: %v\n%s", err, out.String())
	}
	// the worker has applied everything (here: the outbox is emptied) and
	// a document went missing
	if _, err := pool.Exec(ctx, `DELETE FROM search_outbox; DELETE FROM search_document WHERE id IN (SELECT id FROM search_document LIMIT 1)`); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err := run(ctx, []string{"reindex", "-check"}, env, &out, &errb)
	if err == nil || !strings.Contains(out.String(), "postgres: DRIFT") {
		t.Errorf("a missing document: %v\n%s", err, out.String())
	}
}
