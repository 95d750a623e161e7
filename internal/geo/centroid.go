package geo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/jackc/pgx/v5/pgxpool"
)

// CentroidFile is the name of the communes' centre points beside the
// provinces-and-wards JSON (commune_code, province_code, lat, lng, source).
const CentroidFile = "commune-centroids.csv"

// LoadCentroidsBeside loads CentroidFile from the folder of path (the
// JSON geo import read), when it is there; ok false when it is not.
func LoadCentroidsBeside(ctx context.Context, pool *pgxpool.Pool, path string) (n int, ok bool, err error) {
	f, err := os.Open(filepath.Join(filepath.Dir(path), CentroidFile))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	defer f.Close()
	n, err = LoadCentroids(ctx, pool, f)
	return n, true, err
}

// LoadCentroids sets the centre point of the communes the CSV names (a
// showroom without coordinates, or a shopper who picks a commune, gets
// it). Rows of communes not loaded are skipped; a row out of Vietnam's
// box is an error, and then nothing is written. It returns how many
// communes have a centre now.
func LoadCentroids(ctx context.Context, pool *pgxpool.Pool, r io.Reader) (int, error) {
	rows, err := readCSV(r, "commune_code", "lat", "lng")
	if err != nil {
		return 0, fmt.Errorf("%w: centroids: %v", ErrInvalid, err)
	}
	codes := make([]string, 0, len(rows))
	lats := make([]float64, 0, len(rows))
	lngs := make([]float64, 0, len(rows))
	for i, r := range rows {
		lat, err1 := strconv.ParseFloat(r[1], 64)
		lng, err2 := strconv.ParseFloat(r[2], 64)
		if !communeCodeRE.MatchString(r[0]) || err1 != nil || err2 != nil || lat < 6 || lat > 24 || lng < 102 || lng > 118 {
			return 0, fmt.Errorf("%w: centroids line %d: %q %q %q", ErrInvalid, i+2, r[0], r[1], r[2])
		}
		codes, lats, lngs = append(codes, r[0]), append(lats, lat), append(lngs, lng)
	}
	tag, err := pool.Exec(ctx, `
		UPDATE commune c SET lat = u.lat, lng = u.lng
		FROM unnest($1::text[], $2::float8[], $3::float8[]) AS u(code, lat, lng)
		WHERE c.code = u.code AND (c.lat, c.lng) IS DISTINCT FROM (u.lat, u.lng)`, codes, lats, lngs)
	if err != nil {
		return 0, fmt.Errorf("centroids: %w", err)
	}
	_ = tag
	var n int
	err = pool.QueryRow(ctx, `SELECT count(*) FROM commune WHERE lat IS NOT NULL`).Scan(&n)
	return n, err
}
