package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

// TestShowroomCommands: the department's sheet and its products carried,
// a refused sheet naming its rows, -skip-invalid, and a re-import that
// changes nothing.
func TestShowroomCommands(t *testing.T) {
	pool, url := pgtest.NewDBURL(t)
	ctx := context.Background()
	env := func(k string) string { return map[string]string{"DATABASE_URL": url}[k] }
	cli := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, args, env, &out, &out)
		return out.String(), err
	}
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("diem-ban.csv", "Mã,Tên điểm bán,Loại,Mã tỉnh,Vĩ độ,Kinh độ,Giờ mở cửa,Trạng thái\n"+
		"HN-01,Trung tâm OCOP Hà Nội,Trung tâm OCOP,01,21.0245,105.8553,\"T2-T6 08:00-17:30; T7,CN 08:00-21:00\",đang mở\n"+
		"HN-02,Điểm bán thử,điểm bán,01,91.5,105.8,Hằng ngày 08:00-22:00,\n")
	out, err := cli("showroom", "import", good)
	if err == nil || !strings.Contains(err.Error(), "không nhập gì: 1 dòng") || !strings.Contains(out, "dòng 3, cột lat") {
		t.Fatalf("bad row: %q %v", out, err)
	}
	if out, err = cli("showroom", "import", "-skip-invalid", good); err != nil || !strings.Contains(out, "tạo mới 1,") {
		t.Fatalf("-skip-invalid: %q %v", out, err)
	}
	if out, err = cli("showroom", "import", "-skip-invalid", good); err != nil || !strings.Contains(out, "tạo mới 0, cập nhật 0, không đổi 1") {
		t.Errorf("again: %q %v", out, err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO producer (name, name_fold, producer_type, province_code, slug) VALUES ('HTX Chè', 'htx che', 'htx', '19', 'htx-che')`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO product (producer_id, group_code, name, name_fold, slug, price_vnd, unit, stock, status)
		SELECT id, 'I.5.a', 'Chè búp', 'che bup', 'che-bup', 1000, 'Hộp', 1, 'draft' FROM producer`); err != nil {
		t.Fatal(err)
	}
	products := write("san-pham.csv", "showroom_code,product_name,producer_name\nHN-01,Chè búp,HTX Chè\n")
	if out, err = cli("showroom", "products", products); err != nil || !strings.Contains(out, "tạo mới 1,") {
		t.Errorf("products: %q %v", out, err)
	}
	if _, err := cli("showroom", "export", good); !errors.Is(err, errUsage) {
		t.Errorf("unknown subcommand: %v", err)
	}
}
