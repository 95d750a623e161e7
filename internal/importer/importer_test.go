package importer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/xuri/excelize/v2"

	"github.com/ocopvn/ocop/internal/importer"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

var vn = time.FixedZone("ICT", 7*60*60)

// now is the clock of every test: 1 July 2025, Vietnam time.
func now() time.Time { return time.Date(2025, 7, 1, 10, 0, 0, 0, vn) }

const header = "product_name,group_code,star,score,producer_name,producer_type,province_code,commune_code," +
	"address_as_issued,decision_no,decision_date,issuing_level,issuing_authority,price_vnd,unit,description\n"

// newDB returns a migrated database with one commune loaded (Phú Quốc, in
// An Giang 91); the other provinces have no communes.
func newDB(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool := pgtest.NewDB(t)
	_, err := pool.Exec(context.Background(), `INSERT INTO commune (code, province_code, name, full_name, name_en, kind, name_fold)
VALUES ('31078', '91', 'Phú Quốc', 'Đặc khu Phú Quốc', 'Phu Quoc', 'dac_khu', 'phu quoc')`)
	if err != nil {
		t.Fatal(err)
	}
	return pool
}

func mustRead(t *testing.T, path string) *importer.Sheet {
	t.Helper()
	s, err := importer.ReadFile(path)
	if err != nil {
		t.Fatalf("ReadFile(%s): %v", path, err)
	}
	return s
}

func readString(t *testing.T, csv string) *importer.Sheet {
	t.Helper()
	s, err := importer.Read(strings.NewReader(csv), "csv")
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return s
}

func queryInt(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func queryString(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) string {
	t.Helper()
	var s string
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

type counts struct{ Producers, Products, Certificates int64 }

func tableCounts(t *testing.T, pool *pgxpool.Pool) counts {
	t.Helper()
	return counts{
		queryInt(t, pool, `SELECT count(*) FROM producer`),
		queryInt(t, pool, `SELECT count(*) FROM product`),
		queryInt(t, pool, `SELECT count(*) FROM certificate`),
	}
}

// fingerprint changes whenever any catalog row is written.
func fingerprint(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	return queryString(t, pool, `SELECT
  (SELECT coalesce(string_agg(xmin::text || updated_at::text, ',' ORDER BY id), '') FROM producer) || '|' ||
  (SELECT coalesce(string_agg(xmin::text || updated_at::text, ',' ORDER BY id), '') FROM product) || '|' ||
  (SELECT coalesce(string_agg(xmin::text || updated_at::text, ',' ORDER BY id), '') FROM certificate) || '|' ||
  (SELECT version::text FROM catalog_state)`)
}

type certRow struct {
	Star                  int
	Score                 string
	DecisionDate          string
	ValidUntil            string
	Status                string
	Level                 string
	IssuingProvince       string
	Address               string
	ProductStatus         string
	Price                 int64
	Slug, ProducerSlug    string
	ProducerType, Commune string
}

func certOf(t *testing.T, pool *pgxpool.Pool, product, decisionNo string) certRow {
	t.Helper()
	var c certRow
	err := pool.QueryRow(context.Background(), `
SELECT c.star, coalesce(c.score::text, ''), c.decision_date::text, c.valid_until::text, c.status, c.issuing_level,
       coalesce(c.issuing_province_code, ''), c.address_as_issued, p.status, p.price_vnd, p.slug, pr.slug,
       pr.producer_type, coalesce(pr.commune_code, '')
FROM certificate c JOIN product p ON p.id = c.product_id JOIN producer pr ON pr.id = p.producer_id
WHERE p.name = $1 AND c.decision_no = $2`, product, decisionNo).Scan(
		&c.Star, &c.Score, &c.DecisionDate, &c.ValidUntil, &c.Status, &c.Level, &c.IssuingProvince, &c.Address,
		&c.ProductStatus, &c.Price, &c.Slug, &c.ProducerSlug, &c.ProducerType, &c.Commune)
	if err != nil {
		t.Fatalf("certificate of %q %s: %v", product, decisionNo, err)
	}
	return c
}

func TestImportGoodFile(t *testing.T) {
	pool := newDB(t)
	ctx := context.Background()
	s := mustRead(t, "testdata/good.csv")
	if diff := cmp.Diff([]int{2, 3, 4, 5, 7, 8, 9}, s.Lines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}

	sum, err := importer.Import(ctx, pool, s, importer.Options{Now: now, Publish: true})
	if err != nil {
		t.Fatalf("Import: %v\n%v", err, sum.Errors)
	}
	if diff := cmp.Diff(importer.Summary{Created: 7}, sum, ignoreWarnings); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	// a provincial 3★ under Decision 148 (districts certified 3★ then) is
	// written, with a warning in the report
	if len(sum.Warnings) != 1 || sum.Warnings[0].Line != 8 || sum.Warnings[0].Column != "issuing_level" ||
		!strings.Contains(sum.Warnings[0].ReasonVI, "UBND cấp huyện") {
		t.Errorf("warnings = %v", sum.Warnings)
	}
	if diff := cmp.Diff(importer.Summary{Created: 7}, sum, ignoreWarnings); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if got, want := sum.String(), "tạo mới 7, cập nhật 0, không đổi 0, bị từ chối 0 (created/updated/unchanged/rejected)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if diff := cmp.Diff(counts{6, 7, 7}, tableCounts(t, pool)); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}

	tests := []struct {
		product, decision string
		want              certRow
	}{
		{"Mật hoa dừa", "2361/QĐ-BNNMT", certRow{
			Star: 5, Score: "92.50", DecisionDate: "2023-08-31", ValidUntil: "2026-08-30", Status: "active",
			Level: "central", Address: "xã Phú Cần, huyện Tiểu Cần, tỉnh Trà Vinh", ProductStatus: "published",
			Price: 1250000, Slug: "mat-hoa-dua", ProducerSlug: "cong-ty-tnhh-tra-vinh-farm", ProducerType: "doanh_nghiep"}},
		{"Đường hoa dừa", "1358/QĐ-UBND", certRow{
			Star: 4, Score: "85.50", DecisionDate: "2024-02-29", ValidUntil: "2027-02-27", Status: "active",
			Level: "province", IssuingProvince: "86", Address: "xã Phú Cần, huyện Tiểu Cần, tỉnh Trà Vinh",
			ProductStatus: "published", Price: 125000, Slug: "duong-hoa-dua", ProducerSlug: "cong-ty-tnhh-tra-vinh-farm",
			ProducerType: "doanh_nghiep"}},
		{"Nước mắm Phú Quốc Khải Hoàn 40 độ đạm", "426/QĐ-BNN-VPĐP", certRow{
			Star: 5, DecisionDate: "2023-03-15", ValidUntil: "2026-03-14", Status: "active", Level: "central",
			Address: "thị trấn Dương Đông, huyện Phú Quốc, tỉnh Kiên Giang", ProductStatus: "published", Price: 120000,
			Slug: "nuoc-mam-phu-quoc-khai-hoan-40-do-dam", ProducerSlug: "cong-ty-co-phan-thuong-mai-khai-hoan",
			ProducerType: "doanh_nghiep", Commune: "31078"}},
		// stored as NFC although the file has it in NFD
		{"Trà tôm nõn hương quê", "2585/QĐ-UBND", certRow{
			Star: 3, Score: "68.00", DecisionDate: "2023-10-12", ValidUntil: "2026-10-11", Status: "active",
			Level: "district", IssuingProvince: "19", Address: "xã Phú Lương, huyện Phú Lương, tỉnh Thái Nguyên",
			ProductStatus: "published", Price: 150000, Slug: "tra-tom-non-huong-que",
			ProducerSlug: "hop-tac-xa-nong-san-phu-luong", ProducerType: "htx"}},
		// 36 months after 20/07/2021 have passed on 01/07/2025
		{"Chè Shan tuyết cổ thụ", "1234/QĐ-UBND", certRow{
			Star: 4, Score: "78.00", DecisionDate: "2021-07-20", ValidUntil: "2024-07-19", Status: "expired",
			Level: "province", IssuingProvince: "08", Address: "xã Hồng Thái, huyện Na Hang, tỉnh Tuyên Quang",
			ProductStatus: "published", Price: 350000, Slug: "che-shan-tuyet-co-thu",
			ProducerSlug: "hop-tac-xa-che-shan-tuyet-hong-thai", ProducerType: "htx"}},
		// same product name from another producer: the slug takes the producer's
		{"Chè Shan tuyết cổ thụ", "88/QĐ-UBND", certRow{
			Star: 3, DecisionDate: "2024-03-05", ValidUntil: "2027-03-04", Status: "active",
			Level: "province", IssuingProvince: "08", Address: "xã Lũng Cú, huyện Đồng Văn, tỉnh Hà Giang",
			ProductStatus: "published", Price: 200000, Slug: "che-shan-tuyet-co-thu-ho-kinh-doanh-vang-seo-phu",
			ProducerSlug: "ho-kinh-doanh-vang-seo-phu", ProducerType: "ho_kinh_doanh"}},
		{"Cà phê Robusta Cầu Đất", "3001/QĐ-UBND", certRow{
			Star: 4, Score: "72.00", DecisionDate: "2024-12-31", ValidUntil: "2027-12-30", Status: "active",
			Level: "province", IssuingProvince: "68", Address: "Cầu Đất, Đà Lạt, Lâm Đồng",
			ProductStatus: "published", Price: 0, Slug: "ca-phe-robusta-cau-dat",
			ProducerSlug: "to-hop-tac-ca-phe-cau-dat", ProducerType: "to_hop_tac"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, certOf(t, pool, tt.product, tt.decision)); diff != "" {
			t.Errorf("%s %s (-want +got):\n%s", tt.product, tt.decision, diff)
		}
	}
	if n := queryInt(t, pool, `SELECT count(*) FROM product WHERE name = $1 AND name IS NFC NORMALIZED AND name_fold = 'tra tom non huong que'`,
		"Trà tôm nõn hương quê"); n != 1 {
		t.Errorf("NFC product rows = %d, want 1", n)
	}
	if got := queryString(t, pool, `SELECT description FROM product WHERE slug = 'tra-tom-non-huong-que'`); got != "Trà tôm nõn hái tay,\nsao thủ công." {
		t.Errorf("description = %q", got)
	}
	if n := queryInt(t, pool, `SELECT count(*) FROM product WHERE price_is_demo OR stock <> 0`); n != 0 {
		t.Errorf("%d products with demo price or stock", n)
	}

	// Re-importing the same file changes nothing.
	before := fingerprint(t, pool)
	version := queryInt(t, pool, `SELECT version FROM catalog_state`)
	sum, err = importer.Import(ctx, pool, mustRead(t, "testdata/good.csv"), importer.Options{Now: now, Publish: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(importer.Summary{Unchanged: 7}, sum, ignoreWarnings); diff != "" {
		t.Errorf("re-import summary (-want +got):\n%s", diff)
	}
	if v := queryInt(t, pool, `SELECT version FROM catalog_state`); v != version {
		t.Errorf("catalog version %d → %d on a no-op re-import", version, v)
	}
	if after := fingerprint(t, pool); after != before {
		t.Errorf("rows were rewritten by a no-op re-import")
	}

	// A changed price is one updated row.
	data, err := os.ReadFile("testdata/good.csv")
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(data), ",350000,", ",360000,", 1)
	sum, err = importer.Import(ctx, pool, readString(t, changed), importer.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(importer.Summary{Updated: 1, Unchanged: 6}, sum, ignoreWarnings); diff != "" {
		t.Errorf("changed-price summary (-want +got):\n%s", diff)
	}
	if got := certOf(t, pool, "Chè Shan tuyết cổ thụ", "1234/QĐ-UBND").Price; got != 360000 {
		t.Errorf("price = %d, want 360000", got)
	}
	if v := queryInt(t, pool, `SELECT version FROM catalog_state`); v <= version {
		t.Errorf("catalog version did not move on an update")
	}
}

// ignoreWarnings leaves Summary.Warnings to the tests about them.
var ignoreWarnings = cmpopts.IgnoreFields(importer.Summary{}, "Warnings")

type lineCol struct {
	Line   int
	Column string
}

func TestImportBadRows(t *testing.T) {
	pool := newDB(t)
	ctx := context.Background()
	want := []struct {
		line int
		col  string
		sub  string
	}{
		{3, "", "ngoặc kép"},
		{4, "", "the header has 16 columns"},
		{5, "group_code", `"IX.9"`},
		{6, "group_code", "pick a sub-group"},
		{7, "province_code", `"99"`},
		{8, "star", "không được công nhận"},
		{9, "star", "must be 3 to 5"},
		{10, "score", "0 to 100"},
		{11, "score", "below the 70 points"},
		{12, "decision_date", "31/02/2024 không có thật"},
		{13, "decision_date", "in the future"},
		{14, "product_name", "invisible"},
		{15, "price_vnd", "not a number"},
		{16, "price_vnd", "whole number"},
		{17, "price_vnd", "negative"},
		{18, "", "trùng dòng 2"},
		{19, "issuing_level", "certifies 5-star"},
		{20, "issuing_level", "districts were abolished"},
		{21, "commune_code", "ocop geo import"},
		{23, "decision_date", "490"},
		{24, "producer_type", `"Hội"`},
		{25, "commune_code", "lies in province 91"},
	}
	var wantLC []lineCol
	for _, w := range want {
		wantLC = append(wantLC, lineCol{w.line, w.col})
	}
	check := func(t *testing.T, sum importer.Summary) {
		t.Helper()
		var got []lineCol
		for _, e := range sum.Errors {
			got = append(got, lineCol{e.Line, e.Column})
		}
		if diff := cmp.Diff(wantLC, got); diff != "" {
			t.Errorf("errors (-want +got):\n%s", diff)
		}
		for i, w := range want {
			if i < len(sum.Errors) && !strings.Contains(sum.Errors[i].Error(), w.sub) {
				t.Errorf("error %d = %q, want it to contain %q", i, sum.Errors[i].Error(), w.sub)
			}
		}
		for _, e := range sum.Errors {
			if e.ReasonVI == "" || e.ReasonEN == "" {
				t.Errorf("error without both reasons: %+v", e)
			}
		}
	}

	t.Run("all or nothing", func(t *testing.T) {
		sum, err := importer.Import(ctx, pool, mustRead(t, "testdata/bad.csv"), importer.Options{Now: now})
		if !errors.Is(err, importer.ErrInvalidRows) {
			t.Fatalf("err = %v, want ErrInvalidRows", err)
		}
		check(t, sum)
		if sum.Rejected != len(want) || sum.Created+sum.Updated+sum.Unchanged != 0 {
			t.Errorf("summary = %v", sum)
		}
		if diff := cmp.Diff(counts{}, tableCounts(t, pool)); diff != "" {
			t.Errorf("rows written (-want +got):\n%s", diff)
		}
	})
	t.Run("skip invalid", func(t *testing.T) {
		sum, err := importer.Import(ctx, pool, mustRead(t, "testdata/bad.csv"), importer.Options{Now: now, SkipInvalid: true})
		if err != nil {
			t.Fatal(err)
		}
		check(t, sum)
		if sum.Created != 2 || sum.Rejected != len(want) {
			t.Errorf("summary = %v", sum)
		}
		if diff := cmp.Diff(counts{1, 2, 2}, tableCounts(t, pool)); diff != "" {
			t.Errorf("rows written (-want +got):\n%s", diff)
		}
		if st := queryString(t, pool, `SELECT string_agg(DISTINCT status, ',') FROM product`); st != "draft" {
			t.Errorf("product status = %s, want draft without Publish", st)
		}
	})
}

// TestImportOversizedCells covers cells a spreadsheet should never hold: a
// 100,000-character name is a row error, not a crash.
func TestImportOversizedCells(t *testing.T) {
	pool := newDB(t)
	long := strings.Repeat("ậ", 100000) // 100,000 characters
	csv := header +
		long + ",I.2.b,4,,HTX Ong,htx,08,,,1/QĐ-UBND,15/06/2024,province,UBND tỉnh Hà Giang,250000,,\n" +
		"Mật ong,I.2.b,4,,\u200b\u2060\u00ad,htx,08,,,1/QĐ-UBND,15/06/2024,province,UBND tỉnh Hà Giang,250000,," + strings.Repeat("x", 20001) + "\n" +
		"Mật ong,I.2.b,4,,HTX Ong,htx,08,,,1/QĐ-UBND,15/06/2024,province,UBND tỉnh Hà Giang,250000," + strings.Repeat("đ", 101) + ",\n"
	sum, err := importer.Import(context.Background(), pool, readString(t, csv), importer.Options{Now: now})
	if !errors.Is(err, importer.ErrInvalidRows) {
		t.Fatalf("err = %v", err)
	}
	var got []string
	for _, e := range sum.Errors {
		got = append(got, fmt.Sprintf("%d %s %s", e.Line, e.Column, e.ReasonEN))
		if len(e.Error()) > 500 {
			t.Errorf("error message is %d bytes long", len(e.Error()))
		}
	}
	wantErrs := []string{
		"2 product_name product name is 100000 characters long, at most 200",
		"3 producer_name producer name has only blank or invisible characters",
		"3 description the description is 20001 characters long, at most 20000",
		"4 unit unit is 101 characters long, at most 100",
	}
	if diff := cmp.Diff(wantErrs, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestVietnameseHeadersAndSemicolons(t *testing.T) {
	pool := newDB(t)
	s := mustRead(t, "testdata/vi-semicolon.csv")
	wantHeader := []string{"product_name", "group_code", "star", "score", "producer_name", "producer_type",
		"province_code", "commune_code", "address_as_issued", "decision_no", "decision_date", "issuing_level",
		"issuing_authority", "price_vnd", "unit", "description"}
	if diff := cmp.Diff(wantHeader, s.Header); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{4, 5}, s.Lines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if got := s.Records[0]["address_as_issued"]; got != "ấp Gia Huỳnh; xã Trảng Bàng" {
		t.Errorf("quoted cell with ';' = %q", got)
	}
	sum, err := importer.Import(context.Background(), pool, s, importer.Options{Now: now})
	if err != nil {
		t.Fatalf("%v: %v", err, sum.Errors)
	}
	if diff := cmp.Diff(importer.Summary{Created: 2}, sum, ignoreWarnings); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	c := certOf(t, pool, "Bánh tráng phơi sương Trảng Bàng", "215/QĐ-UBND")
	if c.Price != 1250000 || c.Score != "85.50" || c.IssuingProvince != "80" || c.ProducerType != "co_so_san_xuat" || c.ProductStatus != "draft" {
		t.Errorf("certificate = %+v", c)
	}
	m := certOf(t, pool, "Muối tôm Tây Ninh", "215/QĐ-UBND")
	if m.Price != 45000 || m.IssuingProvince != "80" || m.Score != "" {
		t.Errorf("certificate = %+v", m)
	}
	if diff := cmp.Diff(counts{1, 2, 2}, tableCounts(t, pool)); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestXLSX(t *testing.T) {
	pool := newDB(t)
	f := excelize.NewFile()
	defer f.Close()
	sh := f.GetSheetName(0)
	set := func(cell string, v any) {
		t.Helper()
		if err := f.SetCellValue(sh, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "Danh sách sản phẩm OCOP") // a title above the header
	headers := []string{"Tên sản phẩm", "Mã nhóm", "Số sao", "Điểm", "Chủ thể", "Loại hình chủ thể", "Mã tỉnh", "Mã xã",
		"Địa chỉ", "Số quyết định", "Ngày quyết định", "Cấp công nhận", "Cơ quan công nhận", "Giá bán", "Quy cách", "Mô tả"}
	if err := f.SetSheetRow(sh, "A2", &headers); err != nil {
		t.Fatal(err)
	}
	row3 := []any{"Nước mắm Phú Quốc 43 độ đạm", "I.4.a", 5, 95.64, "Công ty TNHH Nước mắm Phú Quốc", "Doanh nghiệp", 91, 31078,
		"Dương Đông, Phú Quốc", "2361/QĐ-BNNMT", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), "Trung ương", "Bộ Nông nghiệp và Môi trường",
		1250000, "Chai 500 ml", "Nước mắm truyền thống"}
	if err := f.SetSheetRow(sh, "A3", &row3); err != nil {
		t.Fatal(err)
	}
	// row 4 left blank; row 5 has a text date and a province code that
	// lost its leading zero
	row5 := []any{"Ô mai Hàng Đường", "I.3.c", 4, "", "Cơ sở Ô mai Hồng Lam", "Cơ sở sản xuất", 1, "",
		"", "55/QĐ-UBND", "20/07/2023", "Tỉnh", "UBND thành phố Hà Nội", "180.000", "Hộp 300 g", ""}
	if err := f.SetSheetRow(sh, "A5", &row5); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "catalog.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}

	s := mustRead(t, path)
	if diff := cmp.Diff([]int{3, 5}, s.Lines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if got := s.Records[0]["decision_date"]; got != "2024-02-29" {
		t.Errorf("date cell read as %q, want 2024-02-29", got)
	}
	// Read sniffs the ZIP signature even when told "csv".
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := importer.Read(bytes.NewReader(data), "csv")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, s2); diff != "" {
		t.Errorf("Read and ReadFile differ (-file +read):\n%s", diff)
	}

	sum, err := importer.Import(context.Background(), pool, s, importer.Options{Now: now, Publish: true})
	if err != nil {
		t.Fatalf("%v: %v", err, sum.Errors)
	}
	if diff := cmp.Diff(importer.Summary{Created: 2}, sum, ignoreWarnings); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	c := certOf(t, pool, "Nước mắm Phú Quốc 43 độ đạm", "2361/QĐ-BNNMT")
	want := certRow{Star: 5, Score: "95.64", DecisionDate: "2024-02-29", ValidUntil: "2027-02-27", Status: "active",
		Level: "central", Address: "Dương Đông, Phú Quốc", ProductStatus: "published", Price: 1250000,
		Slug: "nuoc-mam-phu-quoc-43-do-dam", ProducerSlug: "cong-ty-tnhh-nuoc-mam-phu-quoc", ProducerType: "doanh_nghiep", Commune: "31078"}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("certificate (-want +got):\n%s", diff)
	}
	o := certOf(t, pool, "Ô mai Hàng Đường", "55/QĐ-UBND")
	if o.IssuingProvince != "01" || o.DecisionDate != "2023-07-20" || o.Price != 180000 || o.ProducerType != "co_so_san_xuat" {
		t.Errorf("certificate = %+v", o)
	}
}

func TestBadFiles(t *testing.T) {
	tests := []struct {
		name, content, format, want string
	}{
		{"missing columns", "product_name,group_code,producer_name\nA,I.5.a,B\n", "csv", "missing required columns: star, producer_type"},
		// the shared reference file's header: what was not recognised, and
		// what it was probably meant to be
		{"reference layout", "id,product_name,group_code_guess,star,cert_status,producer,producer_type,province_code_2025,Giá bán lẻ,Ngay quyet dinh\n", "csv",
			`columns not recognised: "id", "group_code_guess" (did you mean group_code?), "cert_status", "producer" (did you mean producer_name?), "province_code_2025" (did you mean province_code?), "Giá bán lẻ" (did you mean price_vnd (Giá bán)?)`},
		{"misspelt header", "Tên sản phẩmm,Mã nhóm,Số sao,Chủ thể,Loại hình,Mã tỉnh,Số QĐ,Ngày QĐ,Cấp,Cơ quan công nhận,Giá\n", "csv",
			`thiếu cột bắt buộc: product_name (tên cột theo mẫu hoặc tiêu đề tiếng Việt như "Tên sản phẩm"); cột không nhận ra: "Tên sản phẩmm" (có phải product_name (Tên sản phẩm)?)`},
		{"empty", "", "csv", "empty"},
		{"blank lines only", "\n\n", "csv", "empty"},
		{"duplicate column", "product_name,Tên sản phẩm,star\n", "csv", "appears twice"},
		{"not UTF-8", "product_name,star\nM\xe1t ong,4\n", "csv", "not UTF-8"},
		{"old xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xlsx", ".xls"},
		{"xlsx that is not", "product_name\n", "xlsx", "not a valid .xlsx"},
		{"unknown format", "x", "ods", "not supported"},
		{"broken zip", "PK\x03\x04garbage", "xlsx", "cannot open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := importer.Read(strings.NewReader(tt.content), tt.format)
			if !errors.Is(err, importer.ErrBadFile) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want ErrBadFile mentioning %q", err, tt.want)
			}
		})
	}
}

func TestReadCSVVariants(t *testing.T) {
	good := "Mật ong,I.2.b,4,,HTX Ong,htx,08,,,1/QĐ-UBND,15/06/2024,province,UBND tỉnh Hà Giang,250000,,"
	t.Run("unclosed quote swallows the rest", func(t *testing.T) {
		s := readString(t, header+good+"\n"+`"Mật ong,I.2.b`+"\n"+good+"\n"+good+"\n")
		if len(s.Records) != 1 || len(s.Errors) != 1 {
			t.Fatalf("records %d, errors %v", len(s.Records), s.Errors)
		}
		if e := s.Errors[0]; e.Line != 3 || !strings.Contains(e.ReasonEN, "never closed") {
			t.Errorf("error = %v", e)
		}
	})
	t.Run("trailing empty cells", func(t *testing.T) {
		s := readString(t, header+good+",,,\n")
		if len(s.Records) != 1 || len(s.Errors) != 0 {
			t.Errorf("records %d, errors %v", len(s.Records), s.Errors)
		}
	})
	t.Run("extra cells", func(t *testing.T) {
		s := readString(t, header+good+",x\n")
		if len(s.Errors) != 1 || !strings.Contains(s.Errors[0].ReasonEN, "more than the header") {
			t.Errorf("errors %v", s.Errors)
		}
	})
	t.Run("tabs", func(t *testing.T) {
		s := readString(t, strings.ReplaceAll(header+good+"\n", ",", "\t"))
		if len(s.Records) != 1 || s.Records[0]["product_name"] != "Mật ong" {
			t.Errorf("records %v, errors %v", s.Records, s.Errors)
		}
	})
	t.Run("UTF-16", func(t *testing.T) {
		text := header + good + "\n"
		b := []byte{0xff, 0xfe}
		for _, r := range text {
			if r > 0xffff {
				t.Fatal("test text outside the BMP")
			}
			b = append(b, byte(r), byte(r>>8))
		}
		s, err := importer.Read(bytes.NewReader(b), "csv")
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Records) != 1 || s.Records[0]["producer_name"] != "HTX Ong" {
			t.Errorf("records %v, errors %v", s.Records, s.Errors)
		}
	})
}

func TestCertificateSupersession(t *testing.T) {
	pool := newDB(t)
	ctx := context.Background()
	row := func(decision, date string, star int, level string) string {
		return fmt.Sprintf("Mật ong bạc hà,I.2.b,%d,,HTX Ong mật Đồng Văn,htx,08,,,%s,%s,%s,UBND tỉnh Hà Giang,250000,,\n", star, decision, date, level)
	}
	imp := func(csv string) importer.Summary {
		t.Helper()
		sum, err := importer.Import(ctx, pool, readString(t, header+csv), importer.Options{Now: now})
		if err != nil {
			t.Fatalf("%v: %v", err, sum.Errors)
		}
		return sum
	}
	statuses := func() map[string]string {
		t.Helper()
		rows, err := pool.Query(ctx, `SELECT decision_no, status FROM certificate ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		m := map[string]string{}
		for rows.Next() {
			var no, st string
			if err := rows.Scan(&no, &st); err != nil {
				t.Fatal(err)
			}
			m[no] = st
		}
		return m
	}

	imp(row("1/QĐ-UBND", "01/05/2023", 3, "province"))
	// an upgrade: the newer decision is active, the older superseded
	if sum := imp(row("2/QĐ-UBND", "01/09/2024", 4, "province")); sum.Updated != 1 {
		t.Errorf("upgrade summary = %v", sum)
	}
	want := map[string]string{"1/QĐ-UBND": "superseded", "2/QĐ-UBND": "active"}
	if diff := cmp.Diff(want, statuses()); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	// an older decision imported late is stored superseded
	imp(row("0/QĐ-UBND", "01/02/2024", 3, "province"))
	want["0/QĐ-UBND"] = "superseded"
	if diff := cmp.Diff(want, statuses()); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	// all three in one file, in any order: nothing changes
	before := fingerprint(t, pool)
	sum := imp(row("2/QĐ-UBND", "01/09/2024", 4, "province") + row("0/QĐ-UBND", "01/02/2024", 3, "province") + row("1/QĐ-UBND", "01/05/2023", 3, "province"))
	if diff := cmp.Diff(importer.Summary{Unchanged: 3}, sum, ignoreWarnings); diff != "" {
		t.Errorf("re-import summary (-want +got):\n%s", diff)
	}
	if fingerprint(t, pool) != before {
		t.Error("re-import rewrote rows")
	}
	// the decision number matches on its fold key: QD is QĐ
	if sum := imp(row("2/QD-UBND", "01/09/2024", 4, "province")); sum.Unchanged != 1 {
		t.Errorf("QD/QĐ re-import summary = %v", sum)
	}

	// A fresh product whose file lists the decisions oldest first.
	imp(strings.ReplaceAll(row("1/QĐ-UBND", "01/05/2023", 3, "province")+row("2/QĐ-UBND", "01/09/2024", 4, "province"), "Mật ong bạc hà", "Mật ong hoa ban"))
	var active int64 = queryInt(t, pool, `SELECT count(*) FROM certificate c JOIN product p ON p.id = c.product_id WHERE p.name = 'Mật ong hoa ban' AND c.status = 'active' AND c.decision_no = '2/QĐ-UBND'`)
	if active != 1 {
		t.Errorf("newest decision of Mật ong hoa ban is not the active one")
	}
}

// TestImport5000Rows checks the import stays fast at the size of a large
// province's catalog, written in statements of at most 1,200 rows here (5
// per table; 5,000 in production).
func TestImport5000Rows(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	defer importer.SetChunkRows(importer.SetChunkRows(1200))
	pool := newDB(t)
	provinces := []string{"01", "04", "08", "19", "24", "38", "46", "48", "66", "79", "86", "91", "92", "96"}
	var b strings.Builder
	b.WriteString(header)
	for i := range 5000 {
		prov := provinces[i%len(provinces)]
		fmt.Fprintf(&b, "Sản phẩm số %d,I.2.b,4,%d.5,Hợp tác xã số %d,htx,%s,,\"xã %d, tỉnh %s\",%d/QĐ-UBND,15/06/2024,province,UBND tỉnh %s,%d,Hộp,Mô tả %d\n",
			i, 70+i%30, i/5, prov, i, prov, i/100, prov, 10000+i*10, i)
	}
	s := readString(t, b.String())
	start := time.Now()
	var seen []int
	sum, err := importer.Import(context.Background(), pool, s, importer.Options{Now: now, Publish: true, Progress: func(done, total int) {
		if total != 5000 {
			t.Errorf("progress total %d", total)
		}
		seen = append(seen, done)
	}})
	if err != nil {
		t.Fatalf("%v: %v", err, sum.Errors[:min(5, len(sum.Errors))])
	}
	if len(seen) < 10 || seen[len(seen)-1] != 5000 || !slices.IsSorted(seen) {
		t.Errorf("progress: %v", seen)
	}
	first := time.Since(start)
	if sum.Created != 5000 {
		t.Errorf("summary = %v", sum)
	}
	// every chunk written, each certificate on its own product (its score
	// is the row's)
	var products, certified int
	if err := pool.QueryRow(context.Background(), `
		WITH p AS (SELECT id, substring(name FROM 'số ([0-9]+)')::int AS n FROM product)
		SELECT (SELECT count(*) FROM p),
		       (SELECT count(*) FROM p JOIN certificate c ON c.product_id = p.id WHERE c.score = 70 + p.n % 30 + 0.5)`).Scan(&products, &certified); err != nil {
		t.Fatal(err)
	}
	if products != 5000 || certified != 5000 {
		t.Errorf("%d products, %d certificates on the right product; want 5000 each", products, certified)
	}
	start = time.Now()
	sum, err = importer.Import(context.Background(), pool, s, importer.Options{Now: now, Publish: true})
	if err != nil {
		t.Fatal(err)
	}
	again := time.Since(start)
	if sum.Unchanged != 5000 {
		t.Errorf("re-import summary = %v", sum)
	}
	t.Logf("5000 rows: first import %v, re-import %v", first, again)
	if first > 10*time.Second {
		t.Errorf("first import took %v", first)
	}
}

// TestDatabaseRefusesRow covers a constraint the validation does not know
// (added here to the test database): the row it refuses becomes a row
// error with its line, and the other rows still import with SkipInvalid.
func TestDatabaseRefusesRow(t *testing.T) {
	pool := newDB(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `ALTER TABLE product ADD CONSTRAINT test_no_coffee CHECK (name_fold NOT LIKE 'ca phe%')`); err != nil {
		t.Fatal(err)
	}
	for _, skip := range []bool{false, true} {
		sum, err := importer.Import(ctx, pool, mustRead(t, "testdata/good.csv"), importer.Options{Now: now, SkipInvalid: skip})
		if len(sum.Errors) != 1 || sum.Errors[0].Line != 9 || !strings.Contains(sum.Errors[0].Error(), "test_no_coffee") {
			t.Fatalf("SkipInvalid=%v: errors = %v", skip, sum.Errors)
		}
		if !skip {
			if !errors.Is(err, importer.ErrInvalidRows) {
				t.Fatalf("err = %v, want ErrInvalidRows", err)
			}
			if diff := cmp.Diff(counts{}, tableCounts(t, pool)); diff != "" {
				t.Errorf("rows written (-want +got):\n%s", diff)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(importer.Summary{Created: 6, Rejected: 1, Errors: sum.Errors}, sum, ignoreWarnings); diff != "" {
			t.Errorf("summary (-want +got):\n%s", diff)
		}
		// the producer of the refused row is not left behind either
		if diff := cmp.Diff(counts{5, 6, 6}, tableCounts(t, pool)); diff != "" {
			t.Errorf("rows written (-want +got):\n%s", diff)
		}
	}
}

// A product whose name slugs to a product-group slug ("Chè" → "che") must
// not take that URL: /san-pham/che is the group's page.
func TestProductSlugAvoidsGroupSlugs(t *testing.T) {
	pool := newDB(t)
	sheet := readString(t, header+"\n"+
		"Chè,I.5.a,4,80,HTX Chè Tân Cương,htx,19,,,12/QĐ-UBND,01/03/2024,province,UBND tỉnh Thái Nguyên,200000,Hộp,\n")
	if _, err := importer.Import(context.Background(), pool, sheet, importer.Options{Now: now, Publish: true}); err != nil {
		t.Fatal(err)
	}
	if slug := queryString(t, pool, `SELECT slug FROM product`); slug == "che" || slug == "" {
		t.Errorf("product slug = %q, which is a group's slug", slug)
	}
}

// TestImportLaterStartAndMandatory: the optional columns valid_from (a
// later start the decision states: 36 months count from it) and
// meets_mandatory (a product that fails them is refused).
func TestImportLaterStartAndMandatory(t *testing.T) {
	pool := newDB(t)
	ctx := context.Background()
	const head = "product_name,group_code,star,producer_name,producer_type,province_code,decision_no,decision_date,issuing_level,issuing_authority,price_vnd,valid_from,meets_mandatory\n"
	bad := head +
		"Quế Văn Yên,I.3.c,4,HTX Quế,htx,15,2900/QĐ-UBND,20/12/2023,province,UBND tỉnh Yên Bái,90000,01/12/2023,có\n" +
		"Quế Trấn Yên,I.3.c,4,HTX Quế,htx,15,2901/QĐ-UBND,20/12/2023,province,UBND tỉnh Yên Bái,90000,,không\n" +
		"Quế Lục Yên,I.3.c,4,HTX Quế,htx,15,2902/QĐ-UBND,20/12/2023,province,UBND tỉnh Yên Bái,90000,,có lẽ\n"
	sum, err := importer.Import(ctx, pool, readString(t, bad), importer.Options{Now: now})
	if !errors.Is(err, importer.ErrInvalidRows) || len(sum.Errors) != 3 {
		t.Fatalf("bad rows: %v %v", err, sum.Errors)
	}
	for i, col := range []string{"valid_from", "meets_mandatory", "meets_mandatory"} {
		if sum.Errors[i].Column != col {
			t.Errorf("error %d: %v, want column %s", i, sum.Errors[i], col)
		}
	}
	good := head + "Quế Văn Yên,I.3.c,4,HTX Quế,htx,15,2900/QĐ-UBND,20/12/2023,province,UBND tỉnh Yên Bái,90000,28/12/2023,có\n"
	if _, err := importer.Import(ctx, pool, readString(t, good), importer.Options{Now: now}); err != nil {
		t.Fatal(err)
	}
	var from, until string
	if err := pool.QueryRow(ctx, `SELECT valid_from::text, valid_until::text FROM certificate WHERE decision_no = '2900/QĐ-UBND'`).Scan(&from, &until); err != nil {
		t.Fatal(err)
	}
	if from != "2023-12-28" || until != "2026-12-27" {
		t.Errorf("validity %s–%s, want 2023-12-28–2026-12-27", from, until)
	}
}
