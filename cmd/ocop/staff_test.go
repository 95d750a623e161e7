package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

func TestGrantStaff(t *testing.T) {
	pool, url := pgtest.NewDBURL(t)
	ctx := context.Background()
	env := func(k string) string { return map[string]string{"DATABASE_URL": url}[k] }
	if _, err := pool.Exec(ctx, `INSERT INTO app_user (email, display_name, password_hash) VALUES ('canbo@example.vn', 'Cán bộ', 'x')`); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"grant-staff", "CanBo@example.vn", "19", "01"}, env, &out, &errb); err != nil {
		t.Fatal(err)
	}
	var n, audited int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM staff_province sp JOIN app_user u ON u.id = sp.user_id WHERE u.email = 'canbo@example.vn' AND sp.province_code IN ('19', '01')`).Scan(&n)
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE acting_as = 'system' AND action = 'grant_staff'`).Scan(&audited)
	if n != 2 || audited != 2 || !strings.Contains(out.String(), "province 19") {
		t.Errorf("grants %d, audit %d, out %q", n, audited, out.String())
	}
	if err := run(ctx, []string{"grant-staff", "nobody@example.vn", "19"}, env, &out, &errb); err == nil || !strings.Contains(err.Error(), "Không có tài khoản") {
		t.Errorf("unknown account: %v", err)
	}
	if err := run(ctx, []string{"grant-staff", "canbo@example.vn", "99"}, env, &out, &errb); err == nil {
		t.Error("unknown province accepted")
	}
	if err := run(ctx, []string{"grant-staff", "canbo@example.vn"}, env, &out, &errb); !errors.Is(err, errUsage) {
		t.Errorf("no province: %v", err)
	}
}
