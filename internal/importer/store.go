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

	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/product"
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
		validFrom:    cmp.Or(r.validFrom, r.decisionDate),
		validUntil:   certification.ValidUntil(cmp.Or(r.validFrom, r.decisionDate)),
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

// placement decides the status of certificate c with fields f by
// certification.Place; an active certificate it supersedes is queued.
func (w *writer) placement(prod *productState, c *certState, f certFields) string {
	var activeDate *time.Time
	other := w.active[prod]
	if other != nil && other != c {
		activeDate = &other.decisionDate
	}
	status, supersedes := certification.Place(w.today, f.decisionDate, f.validUntil, activeDate, certification.ActiveWins)
	if supersedes {
		other.status = certification.Superseded
		delete(w.active, prod)
		w.touchCert(other)
	}
	return status
}

func (w *writer) touchCert(c *certState) {
	if c.id != 0 && w.markDirty(c) {
		w.dirtyCerts = append(w.dirtyCerts, c)
	}
}

// flush writes the queued changes through the tables' owners (producer,
// product, certification), each table's rows with one statement, and
// empties the queue.
func (w *writer) flush(ctx context.Context, tx pgx.Tx) error {
	newProducers := mapSlice(w.newProducers, (*producerState).row)
	if err := inChunks(ctx, tx, newProducers, producer.InsertProducers); err != nil {
		return err
	}
	for i, p := range w.newProducers {
		p.id = newProducers[i].ID
	}
	if err := inChunks(ctx, tx, mapSlice(w.dirtyProducers, (*producerState).row), producer.UpdateProducers); err != nil {
		return err
	}
	newProducts := mapSlice(w.newProducts, (*productState).row)
	if err := inChunks(ctx, tx, newProducts, product.InsertProducts); err != nil {
		return err
	}
	for i, p := range w.newProducts {
		p.id = newProducts[i].ID
	}
	if err := inChunks(ctx, tx, mapSlice(w.dirtyProducts, (*productState).row), product.UpdateProducts); err != nil {
		return err
	}
	if err := inChunks(ctx, tx, mapSlice(w.dirtyCerts, (*certState).row), certification.UpdateCertificates); err != nil {
		return err
	}
	newCerts := mapSlice(w.newCerts, (*certState).row)
	if err := inChunks(ctx, tx, newCerts, certification.InsertCertificates); err != nil {
		return err
	}
	for i, c := range w.newCerts {
		c.id = newCerts[i].ID
	}
	w.newProducers, w.dirtyProducers = nil, nil
	w.newProducts, w.dirtyProducts = nil, nil
	w.newCerts, w.dirtyCerts = nil, nil
	clear(w.dirty)
	return nil
}

// chunkRows is the most rows one statement writes (a variable for tests):
// a catalog of 100,000
// products is written in statements that each finish well inside the
// connection's statement timeout (with the search outbox's row triggers).
var chunkRows = 5000

// inChunks calls write with rows, chunkRows at a time, in tx.
func inChunks[T any](ctx context.Context, tx pgx.Tx, rows []T, write func(context.Context, pgx.Tx, []T) error) error {
	for len(rows) > 0 {
		n := min(len(rows), chunkRows)
		if err := write(ctx, tx, rows[:n]); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func mapSlice[T, U any](in []T, f func(T) U) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

func (p *producerState) row() *producer.Row {
	return &producer.Row{ID: p.id, Name: p.name, NameFold: p.fold, Type: p.producerType, ProvinceCode: p.provinceCode,
		CommuneCode: p.communeCode, Address: p.address, Slug: p.slug}
}

func (p *productState) row() *product.Row {
	return &product.Row{ID: p.id, ProducerID: p.producer.id, GroupCode: p.groupCode, Name: p.name, NameFold: p.fold,
		Slug: p.slug, Description: p.description, Unit: p.unit, PriceVND: p.price, Status: p.status}
}

func (c *certState) row() *certification.Row {
	return &certification.Row{ID: c.id, ProductID: c.product.id, DecisionNo: c.decisionNo, Star: c.star, Score: c.score,
		DecisionDate: c.decisionDate, Level: c.level, Authority: c.authority, IssuingProvince: c.issuingProvince,
		ValidFrom: c.validFrom, ValidUntil: c.validUntil, Status: c.status, Address: c.address}
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
