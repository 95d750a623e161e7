package geo_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/geo"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

// sharedFile returns the path of the dataset copy in the shared data folder,
// skipping the test when it is not there.
func sharedFile(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("OCOP_SHARED_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "data")
	}
	path := filepath.Join(dir, "vn-admin-units", "provinces-wards.json")
	if _, err := os.Stat(path); err != nil {
		t.Logf("SKIP: %s not readable (%v); set OCOP_SHARED_DATA to the shared data folder", path, err)
		t.Skipf("shared dataset missing: %v", err)
	}
	return path
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func TestImportSharedDataset(t *testing.T) {
	path := sharedFile(t)
	pool := pgtest.NewDB(t)
	ctx := context.Background()

	start := time.Now()
	sum, err := geo.ImportFile(ctx, pool, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first import: %v in %v", sum, time.Since(start))
	if sum.Provinces != 34 || sum.Communes != 3321 {
		t.Errorf("summary = %+v, want 34 provinces and 3321 communes", sum)
	}
	// The migration seeds the provinces with the same data, so only the
	// communes are new.
	if sum.Changed != 3321 {
		t.Errorf("changed = %d, want 3321", sum.Changed)
	}
	if n := count(t, pool, `SELECT count(*) FROM province`); n != 34 {
		t.Errorf("provinces = %d, want 34", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM commune`); n != 3321 {
		t.Errorf("communes = %d, want 3321", n)
	}
	for kind, want := range map[string]int{"xa": 2611, "phuong": 697, "dac_khu": 13} {
		if n := count(t, pool, `SELECT count(*) FROM commune WHERE kind = $1`, kind); n != want {
			t.Errorf("communes of kind %s = %d, want %d", kind, n, want)
		}
	}
	if n := count(t, pool, `SELECT count(*) FROM province WHERE kind = 'thanh_pho'`); n != 7 {
		t.Errorf("thanh_pho = %d, want 7", n)
	}

	var kind, prov, name, fold string
	err = pool.QueryRow(ctx, `SELECT kind, province_code, name, name_fold FROM commune WHERE code = '31078'`).
		Scan(&kind, &prov, &name, &fold)
	if err != nil {
		t.Fatal(err)
	}
	if kind != "dac_khu" || prov != "91" || name != "Phú Quốc" || fold != "phu quoc" {
		t.Errorf("31078 = %s %s %q %q, want dac_khu 91 \"Phú Quốc\" \"phu quoc\"", kind, prov, name, fold)
	}

	var version int64
	if err := pool.QueryRow(ctx, `SELECT version FROM catalog_state`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	sum, err = geo.ImportFile(ctx, pool, path)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Changed != 0 {
		t.Errorf("re-import changed %d rows, want 0", sum.Changed)
	}
	var version2 int64
	if err := pool.QueryRow(ctx, `SELECT version FROM catalog_state`).Scan(&version2); err != nil {
		t.Fatal(err)
	}
	if version2 != version {
		t.Errorf("catalog version moved from %d to %d on a no-op re-import", version, version2)
	}

	// A changed name is one change, and NFD input is stored as NFC.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	nfd := strings.Replace(string(data), `"FullName": "Đặc khu Phú Quốc"`, `"FullName": "Đặc khu Phu`+"\u0301"+` Quốc"`, 1)
	if nfd == string(data) {
		t.Fatal("test edit did not apply")
	}
	sum, err = geo.Import(ctx, pool, strings.NewReader(nfd))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Changed != 0 {
		t.Errorf("NFD spelling of the same name changed %d rows, want 0", sum.Changed)
	}
	renamed := strings.Replace(string(data), `"FullName": "Đặc khu Phú Quốc"`, `"FullName": "Đặc khu Phú Quốc mới"`, 1)
	sum, err = geo.Import(ctx, pool, strings.NewReader(renamed))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Changed != 1 {
		t.Errorf("one renamed commune changed %d rows, want 1", sum.Changed)
	}
}

func TestImportRejectsBadInput(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()

	good := `[{"Code":"01","Name":"Hà Nội","NameEn":"Hanoi","FullName":"Thành phố Hà Nội","Wards":[
	  {"Code":"00004","Name":"Ba Đình","NameEn":"Ba Dinh","FullName":"Phường Ba Đình","ProvinceCode":"01"}]}]`
	tests := []struct {
		name, json, want string
	}{
		{"malformed JSON", `[{"Code":"01",`, "JSON"},
		{"not a list", `{"Code":"01"}`, "JSON"},
		{"empty list", `[]`, "no provinces"},
		{"trailing data", good + `]`, "after the list"},
		{"bad province code", strings.Replace(good, `"Code":"01"`, `"Code":"1"`, 1), "2 digits"},
		{"bad commune code", strings.Replace(good, `"00004"`, `"0004x"`, 1), `commune #1 (code "0004x"`},
		{"unknown commune kind", strings.Replace(good, `"Phường Ba Đình"`, `"Thị trấn Ba Đình"`, 1), `"Thị trấn Ba Đình"`},
		{"unknown province kind", strings.Replace(good, `"Thành phố Hà Nội"`, `"Hà Nội"`, 1), "unknown kind of province"},
		{"wrong parent", strings.Replace(good, `"ProvinceCode":"01"`, `"ProvinceCode":"04"`, 1), "differs"},
		{"empty name", strings.Replace(good, `"Name":"Ba Đình"`, `"Name":" \u200b "`, 1), "name is empty"},
		{"duplicate commune", strings.Replace(good, `"ProvinceCode":"01"}`, `"ProvinceCode":"01"},{"Code":"00004","Name":"X","FullName":"Xã X"}`, 1), "appears twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := geo.Import(ctx, pool, strings.NewReader(tt.json))
			if !errors.Is(err, geo.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
			if n := count(t, pool, `SELECT count(*) FROM commune`); n != 0 {
				t.Errorf("%d communes written, want 0", n)
			}
		})
	}

	// A file whose second province is bad writes nothing, not even the
	// first province's communes.
	bad := strings.TrimSuffix(good, "]") + `,{"Code":"04","Name":"Cao Bằng","FullName":"Tỉnh Cao Bằng","Wards":[{"Code":"123","Name":"A","FullName":"Xã A"}]}]`
	if _, err := geo.Import(ctx, pool, strings.NewReader(bad)); !errors.Is(err, geo.ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
	if n := count(t, pool, `SELECT count(*) FROM commune`); n != 0 {
		t.Errorf("%d communes written, want 0", n)
	}

	sum, err := geo.Import(ctx, pool, strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if sum != (geo.Summary{Provinces: 1, Communes: 1, Changed: 1}) {
		t.Errorf("summary = %+v", sum)
	}
}

// TestLoadLegacySharedFiles: the shared commune → former district map
// loads whole (696 former districts; 3,315 communes mapped, the six its
// README lists unmapped), twice with the same result; Thanh Hóa's 26
// former districts are all there.
func TestLoadLegacySharedFiles(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	if _, err := geo.ImportFile(ctx, pool, sharedFile(t)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(filepath.Dir(sharedFile(t)), "legacy-districts.csv")
	for range 2 {
		sum, err := geo.LoadLegacyFiles(ctx, pool, path)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Districts != 696 || sum.Communes != 3315 || sum.Unmapped != 6 || sum.Skipped != 0 {
			t.Fatalf("legacy load: %+v", sum)
		}
	}
	if n := count(t, pool, `SELECT count(DISTINCT cl.legacy_district_code) FROM commune_legacy cl JOIN commune c ON c.code = cl.commune_code
		WHERE c.province_code = '38'`); n != 26 {
		t.Errorf("Thanh Hóa has %d former districts, want 26", n)
	}
	// a district name the list spells with old-style tones matches folded
	if n := count(t, pool, `SELECT count(*) FROM legacy_district WHERE name_fold = 'huyen nga son'`); n != 1 {
		t.Errorf("Huyện Nga Sơn: %d rows", n)
	}
}

// TestCentroidsSharedFile: the communes' centre points load from the file
// beside the JSON, each inside its province's rough box, and a second
// load changes nothing.
func TestCentroidsSharedFile(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	if _, err := geo.ImportFile(ctx, pool, sharedFile(t)); err != nil {
		t.Fatal(err)
	}
	communes := count(t, pool, `SELECT count(*) FROM commune`)
	for range 2 {
		n, ok, err := geo.LoadCentroidsBeside(ctx, pool, sharedFile(t))
		if err != nil || !ok || n != communes {
			t.Fatalf("centroids: %d of %d communes, %v %v", n, communes, ok, err)
		}
	}
	// Phường Hoàn Kiếm lies by the lake
	if n := count(t, pool, `SELECT count(*) FROM commune WHERE name_fold = 'hoan kiem' AND province_code = '01'
		AND lat BETWEEN 21.0 AND 21.06 AND lng BETWEEN 105.83 AND 105.87`); n != 1 {
		t.Errorf("Hoàn Kiếm's centre: %d", n)
	}
	if _, err := geo.LoadCentroids(ctx, pool, strings.NewReader("commune_code,lat,lng\n00004,48.85,2.35\n")); !errors.Is(err, geo.ErrInvalid) {
		t.Errorf("a point in Paris: %v", err)
	}
}
