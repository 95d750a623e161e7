// Package catalogtest writes catalog rows straight into the tables, for
// tests of the read side that must not depend on the importer.
package catalogtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/vntext"
)

// Fixture inserts rows with pool, failing t on error.
type Fixture struct {
	T    testing.TB
	Pool *pgxpool.Pool
}

// Exec runs sql.
func (f Fixture) Exec(sql string, args ...any) {
	f.T.Helper()
	if _, err := f.Pool.Exec(context.Background(), sql, args...); err != nil {
		f.T.Fatalf("%s: %v", sql, err)
	}
}

// Producer inserts an active cooperative and returns its id. Its slug is
// vntext.Slug(name).
func (f Fixture) Producer(name, province string) int64 {
	f.T.Helper()
	var id int64
	err := f.Pool.QueryRow(context.Background(), `
		INSERT INTO producer (name, name_fold, producer_type, province_code, slug, story)
		VALUES ($1, $2, 'htx', $3, $4, 'Câu chuyện') RETURNING id`,
		name, vntext.Fold(name), province, vntext.Slug(name)).Scan(&id)
	if err != nil {
		f.T.Fatal(err)
	}
	return id
}

// Product describes a product to insert with its certificate.
type Product struct {
	Name, Group string
	Price       int64
	Star        int
	Decided     time.Time // default: a month ago
	Status      string    // product status, default published
	Cert        string    // certificate status, default active
	Description string
}

// Product inserts p for producer with one certificate and returns its id.
// Its slug is vntext.Slug(p.Name).
func (f Fixture) Product(producer int64, p Product) int64 {
	f.T.Helper()
	if p.Status == "" {
		p.Status = "published"
	}
	if p.Cert == "" {
		p.Cert = "active"
	}
	if p.Decided.IsZero() {
		p.Decided = time.Now().AddDate(0, -1, 0)
	}
	ctx := context.Background()
	var id int64
	err := f.Pool.QueryRow(ctx, `
		INSERT INTO product (producer_id, group_code, name, name_fold, slug, price_vnd, unit, stock, status, description)
		VALUES ($1, $2, $3, $4, $5, $6, 'Hộp', 10, $7, $8) RETURNING id`,
		producer, p.Group, p.Name, vntext.Fold(p.Name), vntext.Slug(p.Name), p.Price, p.Status, p.Description).Scan(&id)
	if err != nil {
		f.T.Fatal(err)
	}
	from := p.Decided.Format(time.DateOnly)
	var revokedOn any
	if p.Cert == "revoked" {
		revokedOn = from
	}
	f.Exec(`INSERT INTO certificate (product_id, star, decision_no, decision_date, issuing_level, issuing_authority, valid_from, valid_until, status, revoked_on)
		VALUES ($1, $2, $3, $4::date, 'province', 'UBND tỉnh Thái Nguyên', $4::date, ($4::date + interval '36 months' - interval '1 day')::date, $5, $6)`,
		id, p.Star, fmt.Sprintf("%d/QĐ-UBND", id), from, p.Cert, revokedOn)
	return id
}
