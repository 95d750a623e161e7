package importer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ocopvn/ocop/internal/vntext"
)

// Slug length limits leave room for a "-NN" suffix under the database's
// 120 (producer) and 140 (product) characters.
const (
	maxProducerSlug = 110
	maxProductSlug  = 130
)

type result int

const (
	unchanged result = iota
	updated
	created
)

// validUntil returns the last day of a recognition issued on from: 36
// months later, minus one day, computed the way PostgreSQL does
// ((from + interval '36 months' - interval '1 day')::date), which clamps
// 29 February to 28 February before subtracting the day. Go's
// AddDate(0, 36, -1) would give 28 February there instead of the 27th.
// ValidUntil is validUntil for the staff console, which records single
// certificates the same way.
func ValidUntil(from time.Time) time.Time { return validUntil(from) }

func validUntil(from time.Time) time.Time {
	y, m, d := from.Date()
	y += 3
	if last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); d > last {
		d = last
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
}

// producerFields, productFields and certFields are the columns an import
// may change on an existing row.
type producerFields struct {
	producerType, communeCode, address string
}

type productFields struct {
	groupCode         string
	price             int64
	unit, description string
}

type certFields struct {
	star                  int
	score                 *int64 // hundredths
	decisionDate          time.Time
	level, authority      string
	issuingProvince       *string
	validFrom, validUntil time.Time
	status, address       string
}

func (a certFields) equal(b certFields) bool {
	return a.star == b.star && eqPtr(a.score, b.score) && a.decisionDate.Equal(b.decisionDate) &&
		a.level == b.level && a.authority == b.authority && eqPtr(a.issuingProvince, b.issuingProvince) &&
		a.validFrom.Equal(b.validFrom) && a.validUntil.Equal(b.validUntil) && a.status == b.status &&
		a.address == b.address
}

func eqPtr[T comparable](a, b *T) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

// The writer's picture of the catalog. id is 0 for a row not inserted yet.
type producerState struct {
	id                       int64
	name, fold, provinceCode string
	slug                     string
	producerFields
	synced bool // brought up to date by this import
}

type productState struct {
	id                       int64
	producer                 *producerState
	name, fold, slug, status string
	productFields
	synced bool
}

type certState struct {
	id         int64
	product    *productState
	decisionNo string
	certFields
}

// writer plans the rows against what the catalog holds (loaded up front, so
// a row costs no lookups) and writes the plan with a few set-based
// statements: the catalog-version trigger fires per statement, and one
// statement per row would make a large import slow.
type writer struct {
	today   time.Time
	publish bool

	// What the file says about each producer and product, taken from its
	// most recent decision in the file, so that the order of rows does not
	// matter and a re-import is a no-op. Empty optional cells leave the
	// stored value alone.
	producerWant map[string]producerFields
	productWant  map[string]productFields

	producers map[string]*producerState // producer key: province + "\x00" + name fold
	products  map[string]*productState  // product key: producer key + "\x00" + name fold
	certs     map[string]*certState     // product key + "\x00" + folded decision number
	active    map[*productState]*certState

	producerSlugs, productSlugs map[string]bool // loaded when first needed

	// pending writes, in plan order
	newProducers, dirtyProducers []*producerState
	newProducts, dirtyProducts   []*productState
	newCerts, dirtyCerts         []*certState
	dirty                        map[any]bool
}

func producerKey(r *row) string { return r.provinceCode + "\x00" + r.producerFold }
func productKey(r *row) string  { return producerKey(r) + "\x00" + r.productFold }

// newWriter loads the producers of rows, with their products and
// certificates.
func newWriter(ctx context.Context, q pgx.Tx, rows []*row, today time.Time, publish bool) (*writer, error) {
	w := &writer{
		today: today, publish: publish,
		producerWant: make(map[string]producerFields),
		productWant:  make(map[string]productFields),
		producers:    make(map[string]*producerState),
		products:     make(map[string]*productState),
		certs:        make(map[string]*certState),
		active:       make(map[*productState]*certState),
		dirty:        make(map[any]bool),
	}

	byDate := slices.Clone(rows)
	slices.SortStableFunc(byDate, func(a, b *row) int {
		return cmp.Or(a.decisionDate.Compare(b.decisionDate), a.line-b.line)
	})
	for _, r := range byDate {
		pk := producerKey(r)
		pa := w.producerWant[pk]
		pa.producerType = r.producerType
		pa.communeCode = cmp.Or(r.communeCode, pa.communeCode)
		pa.address = cmp.Or(r.address, pa.address)
		w.producerWant[pk] = pa

		k := productKey(r)
		qa := w.productWant[k]
		qa.groupCode, qa.price = r.groupCode, r.price
		qa.unit = cmp.Or(r.unit, qa.unit)
		qa.description = cmp.Or(r.description, qa.description)
		w.productWant[k] = qa
	}
	if len(rows) == 0 {
		return w, nil
	}

	var provinces, folds []string
	for pk := range w.producerWant {
		province, fold, _ := strings.Cut(pk, "\x00")
		provinces, folds = append(provinces, province), append(folds, fold)
	}
	byID := make(map[int64]*producerState)
	rs, err := q.Query(ctx, `
SELECT p.id, p.name, p.province_code, p.name_fold, p.slug, p.producer_type, coalesce(p.commune_code, ''), p.address_as_issued
FROM producer p
JOIN unnest($1::text[], $2::text[]) AS k(province_code, name_fold)
  ON p.province_code = k.province_code AND p.name_fold = k.name_fold`, provinces, folds)
	if err != nil {
		return nil, fmt.Errorf("load producers: %w", err)
	}
	p := &producerState{}
	_, err = pgx.ForEachRow(rs, []any{&p.id, &p.name, &p.provinceCode, &p.fold, &p.slug, &p.producerType, &p.communeCode, &p.address}, func() error {
		np := *p
		w.producers[np.provinceCode+"\x00"+np.fold] = &np
		byID[np.id] = &np
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load producers: %w", err)
	}
	if len(byID) == 0 {
		return w, nil
	}

	var producerID int64
	pr := &productState{}
	prodByID := make(map[int64]*productState)
	rs, err = q.Query(ctx, `
SELECT id, producer_id, name, name_fold, slug, status, group_code, price_vnd, unit, description
FROM product WHERE producer_id = ANY($1)`, mapKeys(byID))
	if err != nil {
		return nil, fmt.Errorf("load products: %w", err)
	}
	_, err = pgx.ForEachRow(rs, []any{&pr.id, &producerID, &pr.name, &pr.fold, &pr.slug, &pr.status, &pr.groupCode, &pr.price, &pr.unit, &pr.description}, func() error {
		np := *pr
		np.producer = byID[producerID]
		w.products[np.producer.provinceCode+"\x00"+np.producer.fold+"\x00"+np.fold] = &np
		prodByID[np.id] = &np
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load products: %w", err)
	}
	if len(prodByID) == 0 {
		return w, nil
	}

	var productID int64
	c := &certState{}
	rs, err = q.Query(ctx, `
SELECT id, product_id, decision_no, star, (score * 100)::bigint, decision_date, issuing_level,
       issuing_authority, issuing_province_code, valid_from, valid_until, status, address_as_issued
FROM certificate WHERE product_id = ANY($1)`, mapKeys(prodByID))
	if err != nil {
		return nil, fmt.Errorf("load certificates: %w", err)
	}
	_, err = pgx.ForEachRow(rs, []any{&c.id, &productID, &c.decisionNo, &c.star, &c.score, &c.decisionDate, &c.level,
		&c.authority, &c.issuingProvince, &c.validFrom, &c.validUntil, &c.status, &c.address}, func() error {
		nc := *c
		c.score, c.issuingProvince = nil, nil // fresh pointers for the next row
		nc.product = prodByID[productID]
		w.certs[productKeyOf(nc.product)+"\x00"+vntext.Fold(nc.decisionNo)] = &nc
		if nc.status == "active" {
			w.active[nc.product] = &nc
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load certificates: %w", err)
	}
	return w, nil
}

func productKeyOf(p *productState) string {
	return p.producer.provinceCode + "\x00" + p.producer.fold + "\x00" + p.fold
}

func mapKeys[V any](m map[int64]V) []int64 {
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

func (w *writer) markDirty(x any) bool {
	if w.dirty[x] {
		return false
	}
	w.dirty[x] = true
	return true
}

// plan works out what row r changes, updates the writer's picture and queues
// the writes. It touches the database only to load the slug sets.
func (w *writer) plan(ctx context.Context, q pgx.Tx, r *row) (result, error) {
	res := unchanged
	pk := producerKey(r)

	// Producer.
	want := w.producerWant[pk]
	p := w.producers[pk]
	switch {
	case p == nil:
		slugs, err := w.slugs(ctx, q, &w.producerSlugs, "producer")
		if err != nil {
			return 0, err
		}
		p = &producerState{
			name: r.producerName, fold: r.producerFold, provinceCode: r.provinceCode,
			slug:           uniqueSlug(slugs, vntext.Slug(r.producerName), "chu-the", maxProducerSlug),
			producerFields: want,
			synced:         true,
		}
		slugs[p.slug] = true
		w.producers[pk] = p
		w.newProducers = append(w.newProducers, p)
		res = updated
	case !p.synced:
		next := producerFields{
			producerType: want.producerType,
			communeCode:  cmp.Or(want.communeCode, p.communeCode),
			address:      cmp.Or(want.address, p.address),
		}
		p.synced = true
		if next != p.producerFields {
			p.producerFields = next
			if p.id != 0 && w.markDirty(p) {
				w.dirtyProducers = append(w.dirtyProducers, p)
			}
			res = updated
		}
	}

	// Product.
	pkey := productKey(r)
	pwant := w.productWant[pkey]
	prod := w.products[pkey]
	switch {
	case prod == nil:
		slugs, err := w.slugs(ctx, q, &w.productSlugs, "product")
		if err != nil {
			return 0, err
		}
		slug := trimSlug(cmp.Or(vntext.Slug(r.productName), "san-pham"), maxProductSlug)
		if slugs[slug] {
			// on a clash, the name with the producer's slug, then -2, -3…
			slug = uniqueSlug(slugs, slug+"-"+p.slug, "", maxProductSlug)
		}
		slugs[slug] = true
		status := "draft"
		if w.publish {
			status = "published"
		}
		prod = &productState{
			producer: p, name: r.productName, fold: r.productFold, slug: slug, status: status,
			productFields: pwant,
			synced:        true,
		}
		w.products[pkey] = prod
		w.newProducts = append(w.newProducts, prod)
		res = created
	case !prod.synced:
		next := productFields{
			groupCode:   pwant.groupCode,
			price:       pwant.price,
			unit:        cmp.Or(pwant.unit, prod.unit),
			description: cmp.Or(pwant.description, prod.description),
		}
		prod.synced = true
		if next != prod.productFields {
			prod.productFields = next
			if prod.id != 0 && w.markDirty(prod) {
				w.dirtyProducts = append(w.dirtyProducts, prod)
			}
			res = max(res, updated)
		}
	}

	// Certificate.
	f := certFields{
		star:         r.star,
		score:        r.score,
		decisionDate: r.decisionDate,
		level:        r.issuingLevel,
		authority:    r.issuingAuthority,
		validFrom:    r.decisionDate,
		validUntil:   validUntil(r.decisionDate),
		address:      r.address,
	}
	if f.level != "central" {
		pc := r.provinceCode
		f.issuingProvince = &pc
	}
	// matched on the fold key, so "12/QĐ-UBND" and "12/QD-UBND" are one
	// decision
	ckey := pkey + "\x00" + vntext.Fold(r.decisionNo)
	c := w.certs[ckey]
	if c == nil {
		c = &certState{product: prod, decisionNo: r.decisionNo}
		f.status = w.placement(prod, c, f)
		c.certFields = f
		w.certs[ckey] = c
		w.newCerts = append(w.newCerts, c)
		if c.status == "active" {
			w.active[prod] = c
		}
		return max(res, updated), nil
	}
	f.address = cmp.Or(f.address, c.address)
	f.status = c.status
	if c.status == "active" || c.status == "expired" {
		// revoked and superseded certificates were settled by a later
		// decision and keep their status
		f.status = w.placement(prod, c, f)
	}
	if f.equal(c.certFields) {
		return res, nil
	}
	c.certFields = f
	if c.status == "active" {
		w.active[prod] = c
	} else if w.active[prod] == c {
		delete(w.active, prod)
	}
	w.touchCert(c)
	return max(res, updated), nil
}

// placement decides the status of certificate c with fields f: expired once
// its validity has passed; otherwise active, unless the product has another
// active certificate. Then the one with the later decision stays active:
// the older active one is superseded here, or c is.
func (w *writer) placement(prod *productState, c *certState, f certFields) string {
	if f.validUntil.Before(w.today) {
		return "expired"
	}
	other := w.active[prod]
	if other == nil || other == c {
		return "active"
	}
	if other.decisionDate.Before(f.decisionDate) {
		other.status = "superseded"
		delete(w.active, prod)
		w.touchCert(other)
		return "active"
	}
	return "superseded"
}

func (w *writer) touchCert(c *certState) {
	if c.id != 0 && w.markDirty(c) {
		w.dirtyCerts = append(w.dirtyCerts, c)
	}
}

// flush writes the queued changes, with each table's final state, and
// empties the queue.
func (w *writer) flush(ctx context.Context, q pgx.Tx) error {
	if err := w.insertProducers(ctx, q); err != nil {
		return err
	}
	if err := w.updateProducers(ctx, q); err != nil {
		return err
	}
	if err := w.insertProducts(ctx, q); err != nil {
		return err
	}
	if err := w.updateProducts(ctx, q); err != nil {
		return err
	}
	// Certificates leaving 'active' first, then those entering it, then
	// the new ones: the one-active-per-product index is checked row by row.
	var leaving, entering []*certState
	for _, c := range w.dirtyCerts {
		if c.status == "active" {
			entering = append(entering, c)
		} else {
			leaving = append(leaving, c)
		}
	}
	if err := updateCerts(ctx, q, leaving); err != nil {
		return err
	}
	if err := updateCerts(ctx, q, entering); err != nil {
		return err
	}
	if err := w.insertCerts(ctx, q); err != nil {
		return err
	}
	w.newProducers, w.dirtyProducers = nil, nil
	w.newProducts, w.dirtyProducts = nil, nil
	w.newCerts, w.dirtyCerts = nil, nil
	clear(w.dirty)
	return nil
}

func (w *writer) insertProducers(ctx context.Context, q pgx.Tx) error {
	ps := w.newProducers
	if len(ps) == 0 {
		return nil
	}
	var name, fold, typ, prov, commune, addr, slug []string
	for _, p := range ps {
		name, fold, typ = append(name, p.name), append(fold, p.fold), append(typ, p.producerType)
		prov, commune = append(prov, p.provinceCode), append(commune, p.communeCode)
		addr, slug = append(addr, p.address), append(slug, p.slug)
	}
	rs, err := q.Query(ctx, `
INSERT INTO producer (name, name_fold, producer_type, province_code, commune_code, address_as_issued, slug)
SELECT n, f, t, p, nullif(c, ''), a, s
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u(n, f, t, p, c, a, s)
RETURNING id, slug`, name, fold, typ, prov, commune, addr, slug)
	if err != nil {
		return err
	}
	bySlug := make(map[string]*producerState, len(ps))
	for _, p := range ps {
		bySlug[p.slug] = p
	}
	var id int64
	var s string
	_, err = pgx.ForEachRow(rs, []any{&id, &s}, func() error {
		bySlug[s].id = id
		return nil
	})
	return err
}

func (w *writer) updateProducers(ctx context.Context, q pgx.Tx) error {
	if len(w.dirtyProducers) == 0 {
		return nil
	}
	var ids []int64
	var typ, commune, addr []string
	for _, p := range w.dirtyProducers {
		ids, typ = append(ids, p.id), append(typ, p.producerType)
		commune, addr = append(commune, p.communeCode), append(addr, p.address)
	}
	_, err := q.Exec(ctx, `
UPDATE producer p
SET producer_type = u.t, commune_code = nullif(u.c, ''), address_as_issued = u.a, updated_at = now()
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS u(id, t, c, a)
WHERE p.id = u.id`, ids, typ, commune, addr)
	return err
}

func (w *writer) insertProducts(ctx context.Context, q pgx.Tx) error {
	ps := w.newProducts
	if len(ps) == 0 {
		return nil
	}
	var producer, price []int64
	var group, name, fold, slug, desc, unit, status []string
	for _, p := range ps {
		producer, price = append(producer, p.producer.id), append(price, p.price)
		group, name, fold = append(group, p.groupCode), append(name, p.name), append(fold, p.fold)
		slug, desc, unit = append(slug, p.slug), append(desc, p.description), append(unit, p.unit)
		status = append(status, p.status)
	}
	rs, err := q.Query(ctx, `
INSERT INTO product (producer_id, group_code, name, name_fold, slug, description, unit, price_vnd,
                     price_is_demo, stock, status)
SELECT pr, g, n, f, s, d, u, pv, false, 0, st
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[])
  AS u(pr, g, n, f, s, d, u, pv, st)
RETURNING id, slug`, producer, group, name, fold, slug, desc, unit, price, status)
	if err != nil {
		return err
	}
	bySlug := make(map[string]*productState, len(ps))
	for _, p := range ps {
		bySlug[p.slug] = p
	}
	var id int64
	var s string
	_, err = pgx.ForEachRow(rs, []any{&id, &s}, func() error {
		bySlug[s].id = id
		return nil
	})
	return err
}

func (w *writer) updateProducts(ctx context.Context, q pgx.Tx) error {
	if len(w.dirtyProducts) == 0 {
		return nil
	}
	var ids, price []int64
	var group, unit, desc []string
	for _, p := range w.dirtyProducts {
		ids, price = append(ids, p.id), append(price, p.price)
		group, unit, desc = append(group, p.groupCode), append(unit, p.unit), append(desc, p.description)
	}
	_, err := q.Exec(ctx, `
UPDATE product p
SET group_code = u.g, price_vnd = u.pv, unit = u.un, description = u.d, updated_at = now()
FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[]) AS u(id, g, pv, un, d)
WHERE p.id = u.id`, ids, group, price, unit, desc)
	return err
}

// certColumns are the arrays of certificate fields passed to unnest.
type certColumns struct {
	star                  []int32
	score                 []*int64
	decisionDate          []time.Time
	level, authority      []string
	province              []*string
	validFrom, validUntil []time.Time
	status, address       []string
}

func (a *certColumns) add(f certFields) {
	a.star = append(a.star, int32(f.star))
	a.score = append(a.score, f.score)
	a.decisionDate = append(a.decisionDate, f.decisionDate)
	a.level, a.authority = append(a.level, f.level), append(a.authority, f.authority)
	a.province = append(a.province, f.issuingProvince)
	a.validFrom, a.validUntil = append(a.validFrom, f.validFrom), append(a.validUntil, f.validUntil)
	a.status, a.address = append(a.status, f.status), append(a.address, f.address)
}

func updateCerts(ctx context.Context, q pgx.Tx, cs []*certState) error {
	if len(cs) == 0 {
		return nil
	}
	var ids []int64
	var a certColumns
	for _, c := range cs {
		ids = append(ids, c.id)
		a.add(c.certFields)
	}
	_, err := q.Exec(ctx, `
UPDATE certificate c
SET star = u.star, score = u.score / 100.0, decision_date = u.dd, issuing_level = u.lvl,
    issuing_authority = u.auth, issuing_province_code = u.prov, valid_from = u.vf, valid_until = u.vu,
    status = u.st, address_as_issued = u.addr, updated_at = now()
FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::date[], $5::text[], $6::text[], $7::text[],
            $8::date[], $9::date[], $10::text[], $11::text[])
  AS u(id, star, score, dd, lvl, auth, prov, vf, vu, st, addr)
WHERE c.id = u.id`, ids, a.star, a.score, a.decisionDate, a.level, a.authority, a.province,
		a.validFrom, a.validUntil, a.status, a.address)
	return err
}

func (w *writer) insertCerts(ctx context.Context, q pgx.Tx) error {
	cs := w.newCerts
	if len(cs) == 0 {
		return nil
	}
	var product []int64
	var no []string
	var a certColumns
	for _, c := range cs {
		product, no = append(product, c.product.id), append(no, c.decisionNo)
		a.add(c.certFields)
	}
	rs, err := q.Query(ctx, `
INSERT INTO certificate (product_id, decision_no, star, score, decision_date, issuing_level, issuing_authority,
                         issuing_province_code, valid_from, valid_until, status, address_as_issued)
SELECT pid, no, star, score / 100.0, dd, lvl, auth, prov, vf, vu, st, addr
FROM unnest($1::bigint[], $2::text[], $3::int[], $4::bigint[], $5::date[], $6::text[], $7::text[], $8::text[],
            $9::date[], $10::date[], $11::text[], $12::text[])
  AS u(pid, no, star, score, dd, lvl, auth, prov, vf, vu, st, addr)
RETURNING id, product_id, decision_no`, product, no, a.star, a.score, a.decisionDate, a.level, a.authority,
		a.province, a.validFrom, a.validUntil, a.status, a.address)
	if err != nil {
		return err
	}
	type key struct {
		product int64
		no      string
	}
	byKey := make(map[key]*certState, len(cs))
	for _, c := range cs {
		byKey[key{c.product.id, c.decisionNo}] = c
	}
	var id, pid int64
	var n string
	_, err = pgx.ForEachRow(rs, []any{&id, &pid, &n}, func() error {
		byKey[key{pid, n}].id = id
		return nil
	})
	return err
}

// slugs returns the set of slugs of table, loading it on first use.
func (w *writer) slugs(ctx context.Context, q pgx.Tx, set *map[string]bool, table string) (map[string]bool, error) {
	if *set != nil {
		return *set, nil
	}
	m := make(map[string]bool)
	// table is one of two constants, never input. Product pages share the
	// /san-pham/ namespace with product-group pages, so group slugs are
	// taken for products.
	query := "SELECT slug FROM " + table
	if table == "product" {
		query += " UNION ALL SELECT slug FROM product_group"
	}
	rows, err := q.Query(ctx, query)
	if err != nil {
		return nil, err
	}
	var s string
	_, err = pgx.ForEachRow(rows, []any{&s}, func() error {
		m[s] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	*set = m
	return m, nil
}

// trimSlug cuts s to at most n characters, at a hyphen when one is near.
func trimSlug(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	if i := strings.LastIndexByte(s, '-'); i > n/2 {
		s = s[:i]
	}
	return strings.Trim(s, "-")
}

// uniqueSlug returns base (or fallback when base is empty), cut to n
// characters and made unique in taken with -2, -3…
func uniqueSlug(taken map[string]bool, base, fallback string, n int) string {
	base = trimSlug(cmp.Or(base, fallback), n)
	if !taken[base] {
		return base
	}
	for i := 2; ; i++ {
		s := base + "-" + strconv.Itoa(i)
		if !taken[s] {
			return s
		}
	}
}

// isRowLevel reports whether err is the database refusing data (an
// integrity or data exception), as opposed to a failure of the database.
func isRowLevel(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (strings.HasPrefix(pgErr.Code, "23") || strings.HasPrefix(pgErr.Code, "22"))
}

// dbRowError describes a row the database refused.
func dbRowError(line int, err error) RowError {
	var pgErr *pgconn.PgError
	errors.As(err, &pgErr)
	col := ""
	switch pgErr.ConstraintName {
	case "producer_commune_in_province", "producer_commune_code_fkey":
		col = colCommuneCode
	case "certificate_score_matches_star", "certificate_score_check":
		col = colScore
	case "certificate_validity_36_months":
		col = colDecisionDate
	case "product_group_code_group_is_leaf_fkey":
		col = colGroupCode
	}
	what := pgErr.Message
	if pgErr.ConstraintName != "" {
		what += " (" + pgErr.ConstraintName + ")"
	}
	return RowError{Line: line, Column: col,
		ReasonVI: "cơ sở dữ liệu từ chối dòng này: " + what,
		ReasonEN: "the database rejected this row: " + what}
}
