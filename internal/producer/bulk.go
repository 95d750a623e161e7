package producer

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/postgres"
)

// Row is a producer as the importer writes it in bulk. ID is set by
// InsertProducers.
type Row struct {
	ID           int64
	Name         string
	NameFold     string
	Type         string
	ProvinceCode string
	CommuneCode  string // "" when not known
	Address      string // as the certificate decision prints it
	Slug         string
}

// InsertProducers inserts rows with one statement in the caller's
// transaction (an import's) and sets their IDs. Slugs must be unique.
func InsertProducers(ctx context.Context, tx pgx.Tx, rows []*Row) (err error) {
	defer apperr.Wrap(&err, "producer.InsertProducers")
	if len(rows) == 0 {
		return nil
	}
	var name, fold, typ, prov, commune, addr, slug []string
	for _, p := range rows {
		name, fold, typ = append(name, p.Name), append(fold, p.NameFold), append(typ, p.Type)
		prov, commune = append(prov, p.ProvinceCode), append(commune, p.CommuneCode)
		addr, slug = append(addr, p.Address), append(slug, p.Slug)
	}
	ids, err := postgres.IDsByKey(tx.Query(ctx, `
INSERT INTO producer (name, name_fold, producer_type, province_code, commune_code, address_as_issued, slug)
SELECT n, f, t, p, nullif(c, ''), a, s
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u(n, f, t, p, c, a, s)
RETURNING id, slug`, name, fold, typ, prov, commune, addr, slug))
	for _, p := range rows {
		p.ID = ids[p.Slug]
	}
	return err
}

// UpdateProducers writes the type, commune and address of rows (by ID)
// with one statement in the caller's transaction.
func UpdateProducers(ctx context.Context, tx pgx.Tx, rows []*Row) (err error) {
	defer apperr.Wrap(&err, "producer.UpdateProducers")
	if len(rows) == 0 {
		return nil
	}
	var ids []int64
	var typ, commune, addr []string
	for _, p := range rows {
		ids, typ = append(ids, p.ID), append(typ, p.Type)
		commune, addr = append(commune, p.CommuneCode), append(addr, p.Address)
	}
	_, err = tx.Exec(ctx, `
UPDATE producer p
SET producer_type = u.t, commune_code = nullif(u.c, ''), address_as_issued = u.a, updated_at = now()
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS u(id, t, c, a)
WHERE p.id = u.id`, ids, typ, commune, addr)
	return err
}
