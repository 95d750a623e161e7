package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

func TestRunUsageAndConfig(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run(context.Background(), nil, func(string) string { return "" }, &out, &errb); !errors.Is(err, errUsage) {
		t.Errorf("no args: %v", err)
	}
	err := run(context.Background(), []string{"serve"}, func(k string) string {
		return map[string]string{"PORT": "abc"}[k]
	}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") || !strings.Contains(err.Error(), "PORT") {
		t.Errorf("bad config: %v", err)
	}
}

// TestHelpWithoutDatabase: every command's -h answers with no
// configuration at all.
func TestHelpWithoutDatabase(t *testing.T) {
	for _, c := range commands {
		var out, errb bytes.Buffer
		if err := run(context.Background(), []string{c.name, "-h"}, func(string) string { return "" }, &out, &errb); err != nil {
			t.Errorf("%s -h: %v", c.name, err)
		}
		if !strings.HasPrefix(out.String(), c.usage) {
			t.Errorf("%s -h printed %q", c.name, out.String())
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"--help"}, func(string) string { return "" }, &out, &out); err != nil || !strings.Contains(out.String(), "ocop reindex") {
		t.Errorf("--help: %v %q", err, out.String())
	}
}

// TestCLI runs the commands on a fresh database as an operator would.
func TestCLI(t *testing.T) {
	_, url := pgtest.NewDBURL(t)
	env := func(k string) string { return map[string]string{"DATABASE_URL": url}[k] }
	ctx := context.Background()
	cli := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(ctx, args, env, &out, &errb)
		return out.String(), err
	}

	if out, err := cli("migrate", "up"); err != nil || !strings.Contains(out, "up to date") {
		t.Errorf("migrate up: %q %v", out, err)
	}
	if out, err := cli("migrate", "status"); err != nil || !strings.Contains(out, "00003_catalog.sql") || strings.Contains(out, "pending") {
		t.Errorf("migrate status: %q %v", out, err)
	}
	if _, err := cli("migrate", "sideways"); !errors.Is(err, errUsage) {
		t.Errorf("migrate sideways: %v", err)
	}

	out, err := cli("import", "../../internal/importer/testdata/bad.csv")
	if err == nil || !strings.Contains(err.Error(), "nothing imported") || !strings.Contains(out, "dòng") {
		t.Errorf("import bad file: %q %v", out, err)
	}
	// communes are not loaded here, so the row with a commune code is
	// reported and, with -skip-invalid, the others imported
	out, err = cli("import", "-skip-invalid", "../../internal/importer/testdata/good.csv")
	if err != nil || strings.Contains(out, "tạo mới 0,") || !strings.Contains(out, "ocop geo import") {
		t.Fatalf("import good file: %q %v", out, err)
	}
	if out, err = cli("import", "-skip-invalid", "../../internal/importer/testdata/good.csv"); err != nil || !strings.Contains(out, "tạo mới 0, cập nhật 0") {
		t.Errorf("re-import: %q %v", out, err)
	}
	// the template imports as it is, from the CSV and the XLSX
	for _, format := range []string{"csv", "xlsx"} {
		var tmpl bytes.Buffer
		if err := run(ctx, []string{"import", "-template", "-format", format}, func(string) string { return "" }, &tmpl, &tmpl); err != nil {
			t.Fatalf("import -template -format %s: %v", format, err)
		}
		path := filepath.Join(t.TempDir(), "mau."+format)
		if err := os.WriteFile(path, tmpl.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"csv": "tạo mới 1,", "xlsx": "tạo mới 0, cập nhật 0, không đổi 1"}[format]
		out, err := cli("import", path)
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("import of the %s template: %q %v", format, out, err)
		}
		// no server drains the outbox here: the backlog is said after an
		// import that changed something, and only then
		if backlog := strings.Contains(out, "đang cập nhật chỉ mục tìm kiếm: "); backlog != (format == "csv") {
			t.Errorf("import of the %s template, backlog line %v: %q", format, backlog, out)
		}
	}
	if err := run(ctx, []string{"import", "-template", "-format", "ods"}, func(string) string { return "" }, io.Discard, io.Discard); !errors.Is(err, errUsage) {
		t.Errorf("ods template: %v", err)
	}
	if _, err := cli("import", "/does/not/exist.csv"); err == nil {
		t.Error("import of a missing file succeeded")
	}
	if _, err := cli("geo", "import", "/does/not/exist.json"); err == nil {
		t.Error("geo import of a missing file succeeded")
	}
	if out, err := cli("seed", "-photos=false", "-products", "80"); err != nil || !strings.Contains(out, "demo catalog") {
		t.Errorf("seed: %q %v", out, err)
	}
	if _, err := cli("seed", "-products", "many"); !errors.Is(err, errUsage) {
		t.Errorf("seed bad flag: %v", err)
	}
	out, err = cli("reindex")
	if err != nil || !strings.Contains(out, "search index rebuilt") || strings.Contains(out, ": 0 public") {
		t.Errorf("reindex: %q %v", out, err)
	}
	if _, err := cli("reindex", "now"); !errors.Is(err, errUsage) {
		t.Errorf("reindex with an argument: %v", err)
	}
}

func TestCreateAdmin(t *testing.T) {
	pool, url := pgtest.NewDBURL(t)
	env := func(k string) string { return map[string]string{"DATABASE_URL": url}[k] }
	defer func(r io.Reader) { stdin = r }(stdin)
	var out, errb bytes.Buffer
	stdin = strings.NewReader("Mật khẩu quản trị\n")
	if err := run(context.Background(), []string{"create-admin", "Admin@Example.vn"}, env, &out, &errb); err != nil {
		t.Fatal(err)
	}
	var admin bool
	if err := pool.QueryRow(context.Background(), `SELECT is_admin FROM app_user WHERE email = 'admin@example.vn'`).Scan(&admin); err != nil || !admin {
		t.Fatalf("admin row: %v %v", admin, err)
	}
	stdin = strings.NewReader("")
	if err := run(context.Background(), []string{"create-admin", "admin@example.vn"}, env, &out, &errb); err == nil {
		t.Error("empty password accepted")
	}
	stdin = strings.NewReader("ngan\n")
	if err := run(context.Background(), []string{"create-admin", "admin@example.vn"}, env, &out, &errb); err == nil {
		t.Error("short password accepted")
	}
}
