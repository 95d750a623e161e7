package geo

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/vntext"
)

// LegacySummary reports what a load of the former districts did.
type LegacySummary struct {
	Districts int // former districts in the list
	Communes  int // communes mapped to one
	Unmapped  int // communes the file maps to none (special zones)
	Skipped   int // rows of communes not loaded (geo import first)
}

// String returns a one-line report.
func (s LegacySummary) String() string {
	return fmt.Sprintf("%d huyện/quận/thị xã cũ, %d xã/phường gắn với đơn vị cũ, %d không có, %d bỏ qua (former districts/mapped/unmapped/skipped)",
		s.Districts, s.Communes, s.Unmapped, s.Skipped)
}

var legacyCodeRE = regexp.MustCompile(`^[0-9]{3}$`)

// LoadLegacyFiles loads the commune → former district map from path
// (legacy-districts.csv) and the list of former districts from the file
// beside it (legacy-districts-list.csv). Re-loading replaces both; the
// communes must have been imported first (rows of other communes are
// skipped and counted).
func LoadLegacyFiles(ctx context.Context, pool *pgxpool.Pool, path string) (LegacySummary, error) {
	mapFile, err := os.Open(path)
	if err != nil {
		return LegacySummary{}, err
	}
	defer mapFile.Close()
	listPath := filepath.Join(filepath.Dir(path), "legacy-districts-list.csv")
	listFile, err := os.Open(listPath)
	if err != nil {
		return LegacySummary{}, fmt.Errorf("the list of former districts beside the map: %w", err)
	}
	defer listFile.Close()
	return LoadLegacy(ctx, pool, mapFile, listFile)
}

// legacyDistrict is a row of the list.
type legacyDistrict struct{ code, name, provinceCode, provinceName string }

// LoadLegacy loads the map (commune_code, …, legacy_district_code, …) and the
// list (legacy_district_code, legacy_district_name, legacy_province_code,
// legacy_province_name) in one transaction.
func LoadLegacy(ctx context.Context, pool *pgxpool.Pool, mapCSV, listCSV io.Reader) (LegacySummary, error) {
	var sum LegacySummary
	list, err := readCSV(listCSV, "legacy_district_code", "legacy_district_name", "legacy_province_code", "legacy_province_name")
	if err != nil {
		return sum, fmt.Errorf("%w: list: %v", ErrInvalid, err)
	}
	districts := make([]legacyDistrict, 0, len(list))
	known := map[string]bool{}
	for i, r := range list {
		d := legacyDistrict{code: r[0], name: vntext.NFC(strings.TrimSpace(r[1])), provinceCode: r[2], provinceName: vntext.NFC(r[3])}
		if !legacyCodeRE.MatchString(d.code) || d.name == "" {
			return sum, fmt.Errorf("%w: list line %d: bad district %q %q", ErrInvalid, i+2, d.code, d.name)
		}
		districts = append(districts, d)
		known[d.code] = true
	}
	rows, err := readCSV(mapCSV, "commune_code", "legacy_district_code")
	if err != nil {
		return sum, fmt.Errorf("%w: map: %v", ErrInvalid, err)
	}
	sum.Districts = len(districts)
	err = postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`DELETE FROM commune_legacy`)
		b.Queue(`DELETE FROM legacy_district`)
		for _, d := range districts {
			b.Queue(`INSERT INTO legacy_district (code, name, name_fold, legacy_province_code, legacy_province_name) VALUES ($1, $2, $3, $4, $5)`,
				d.code, d.name, vntext.Fold(d.name), d.provinceCode, d.provinceName)
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		communes, err := postgres.IDsByKey(tx.Query(ctx, `SELECT 0::bigint, code FROM commune`))
		if err != nil {
			return err
		}
		var codes, districtCodes []string
		for i, r := range rows {
			commune, district := r[0], r[1]
			switch {
			case district == "":
				sum.Unmapped++
				continue
			case !known[district]:
				return fmt.Errorf("%w: map line %d: district %q is not in the list", ErrInvalid, i+2, district)
			}
			if _, ok := communes[commune]; !ok {
				sum.Skipped++
				continue
			}
			codes, districtCodes = append(codes, commune), append(districtCodes, district)
		}
		sum.Communes = len(codes)
		_, err = tx.Exec(ctx, `INSERT INTO commune_legacy (commune_code, legacy_district_code) SELECT * FROM unnest($1::text[], $2::text[])`,
			codes, districtCodes)
		return err
	})
	return sum, err
}

// readCSV reads a CSV with a header and returns, per data row, the cells
// of the named columns in that order.
func readCSV(r io.Reader, cols ...string) ([][]string, error) {
	cr := csv.NewReader(io.LimitReader(r, maxInput))
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %v", err)
	}
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i] = -1
		for j, h := range header {
			if strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) == c {
				idx[i] = j
			}
		}
		if idx[i] < 0 {
			return nil, fmt.Errorf("missing column %s", c)
		}
	}
	var out [][]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, j := range idx {
			if j < len(rec) {
				row[i] = strings.TrimSpace(rec[j])
			}
		}
		out = append(out, row)
	}
}
