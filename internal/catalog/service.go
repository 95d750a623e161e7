package catalog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/singleflight"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/media"
)

// Service answers catalog reads. It is safe for concurrent use.
type Service struct {
	pool     *pgxpool.Pool
	now      func() time.Time
	current  atomic.Pointer[snapshot]
	rebuild  singleflight.Group
	versions *versionReads
}

// New returns a Service reading from pool. now is the clock (nil: time.Now).
func New(pool *pgxpool.Pool, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	s := &Service{pool: pool, now: now}
	s.versions = &versionReads{read: func(ctx context.Context) (int64, error) {
		var v int64
		err := pool.QueryRow(ctx, `SELECT version FROM catalog_state`).Scan(&v)
		return v, err
	}}
	return s
}

// snapshot returns a snapshot no older than the last committed catalog
// change: a primary-key read of catalog_state begun after the call
// (shared with concurrent calls, see versionReads), and a rebuild when the
// version or the date in Vietnam moved.
func (s *Service) snapshot(ctx context.Context) (*snapshot, error) {
	version, err := s.versions.get(ctx)
	if err != nil {
		// PostgreSQL unreachable for a moment: a shopper is better served by
		// the last snapshot than by an error (readiness still reports it).
		if snap := s.current.Load(); snap != nil && ctx.Err() == nil {
			return snap, nil
		}
		return nil, fmt.Errorf("catalog version: %w", err)
	}
	day := s.now().In(Vietnam).Format(time.DateOnly)
	if snap := s.current.Load(); snap != nil && snap.version >= version && snap.day == day {
		return snap, nil
	}
	v, err, _ := s.rebuild.Do(strconv.FormatInt(version, 10)+day, func() (any, error) {
		if snap := s.current.Load(); snap != nil && snap.version >= version && snap.day == day {
			return snap, nil
		}
		// Build from a repeatable-read transaction so version and rows agree.
		// Detached from the first caller, who may give up while others wait.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		var snap *snapshot
		err := postgres.InSnapshot(ctx, s.pool, func(tx pgx.Tx) error {
			var v int64
			if err := tx.QueryRow(ctx, `SELECT version FROM catalog_state`).Scan(&v); err != nil {
				return err
			}
			var err error
			snap, err = buildSnapshot(ctx, tx, v, day)
			return err
		})
		if err != nil {
			return nil, err
		}
		for {
			old := s.current.Load()
			if old != nil && old.version > snap.version && old.day == day {
				return old, nil
			}
			if s.current.CompareAndSwap(old, snap) {
				return snap, nil
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("build catalog snapshot: %w", err)
	}
	return v.(*snapshot), nil
}

// View is a consistent read of the public catalog at one version. Take one
// per request (one cheap version check) and read everything from it.
type View struct{ snap *snapshot }

// View returns the current view of the public catalog.
func (s *Service) View(ctx context.Context) (*View, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return &View{snap: snap}, nil
}

// Reference returns the provinces and the product-group tree.
func (v *View) Reference() *Reference { return v.snap.ref }

// Version identifies the view's data: two views with the same Version show
// the same catalog (for caches of rendered fragments).
func (v *View) Version() string {
	return strconv.FormatInt(v.snap.version, 10) + "/" + v.snap.day
}

// List returns a page of public products. It returns an apperr.Invalid
// error for a bad filter.
func (v *View) List(f Filter) (Page, error) {
	f, err := v.snap.ref.Normalize(f)
	if err != nil {
		return Page{}, err
	}
	return v.snap.cachedList(f), nil
}

// ProvinceCount is a province with the number of its public products.
type ProvinceCount struct {
	Province
	ProductCount int `json:"product_count"`
}

// GroupCount is a product group with the number of its public products.
type GroupCount struct {
	Group
	ProductCount int `json:"product_count"`
}

// Provinces returns every province, in code order, with its public product
// count.
func (v *View) Provinces() []ProvinceCount {
	out := make([]ProvinceCount, len(v.snap.ref.Provinces))
	for i, p := range v.snap.ref.Provinces {
		out[i] = ProvinceCount{Province: p, ProductCount: v.snap.provinceCount[p.Code]}
	}
	return out
}

// Groups returns the product-group tree (in tree order) with public product
// counts at every level.
func (v *View) Groups() []GroupCount {
	out := make([]GroupCount, len(v.snap.ref.Groups))
	for i, g := range v.snap.ref.Groups {
		out[i] = GroupCount{Group: g, ProductCount: v.snap.groupCount[g.Code]}
	}
	return out
}

// Reference returns the provinces and the product-group tree.
func (s *Service) Reference(ctx context.Context) (*Reference, error) {
	v, err := s.View(ctx)
	if err != nil {
		return nil, err
	}
	return v.Reference(), nil
}

// ListProducts returns a page of public products. It returns an
// apperr.Invalid error for a bad filter.
func (s *Service) ListProducts(ctx context.Context, f Filter) (Page, error) {
	v, err := s.View(ctx)
	if err != nil {
		return Page{}, err
	}
	return v.List(f)
}

// Provinces returns every province with its public product count.
func (s *Service) Provinces(ctx context.Context) ([]ProvinceCount, error) {
	v, err := s.View(ctx)
	if err != nil {
		return nil, err
	}
	return v.Provinces(), nil
}

// Groups returns the product-group tree with public product counts.
func (s *Service) Groups(ctx context.Context) ([]GroupCount, error) {
	v, err := s.View(ctx)
	if err != nil {
		return nil, err
	}
	return v.Groups(), nil
}

// names returns reference data for naming provinces and groups in detail
// pages. Names change only with a geo import, so the last loaded snapshot
// serves without a version check.
func (s *Service) names(ctx context.Context) (*Reference, error) {
	if snap := s.current.Load(); snap != nil {
		return snap.ref, nil
	}
	return s.Reference(ctx)
}

// AppendItemsJSON appends the JSON array of p's items to buf. extra
// (when not nil) may add members to an item's object: what it returns
// (",\"name\":value…") is written before the item's closing brace. An item
// is encoded once while it is being listed, not once per request.
func (p *Page) AppendItemsJSON(buf *bytes.Buffer, extra func(*ListItem) []byte) {
	buf.WriteByte('[')
	for i, it := range p.Items {
		if i > 0 {
			buf.WriteByte(',')
		}
		b := p.snap.itemJSON(it)
		var more []byte
		if extra != nil {
			more = extra(it)
		}
		if len(more) == 0 {
			buf.Write(b)
			continue
		}
		buf.Write(b[:len(b)-1])
		buf.Write(more)
		buf.WriteByte('}')
	}
	buf.WriteByte(']')
}

const productQuery = `
SELECT p.slug, pd.verify_code, p.name, p.description, pd.description_html, p.unit, p.price_vnd, p.price_is_demo, p.stock > 0, p.group_code,
       pr.slug, pr.name, pr.producer_type, pr.province_code,
       cm.code, cm.full_name,
       c.star, c.score::float8, c.decision_no, c.decision_date, c.issuing_level, c.issuing_authority, c.valid_from, c.valid_until,
       (SELECT coalesce(json_agg(json_build_object('alt', ph.alt, 'variants', ph.variants) ORDER BY ph.position), '[]')
        FROM product_photo ph WHERE ph.product_id = p.id)
FROM public_product p
JOIN product pd ON pd.id = p.id -- the view's p.* predates description_html and verify_code
JOIN producer pr ON pr.id = p.producer_id
JOIN certificate c ON c.id = p.certificate_id
LEFT JOIN commune cm ON cm.code = pr.commune_code
WHERE p.slug = $1`

// Product returns the public product with slug, or ErrProductNotFound when
// there is none or it is not public (draft, suspended, no active certificate).
func (s *Service) Product(ctx context.Context, slug string) (_ *Product, err error) {
	defer apperr.Wrap(&err, "catalog.Product(%q)", slug)
	ref, err := s.names(ctx)
	if err != nil {
		return nil, err
	}
	p := &Product{Images: []Image{}}
	var groupCode, provinceCode string
	var communeCode, communeName *string
	var decided, from, until time.Time
	var photos []struct {
		Alt      string          `json:"alt"`
		Variants []media.Variant `json:"variants"`
	}
	// one round trip: the photos come as a JSON array column
	err = s.pool.QueryRow(ctx, productQuery, slug).Scan(
		&p.Slug, &p.VerifyCode, &p.Name, &p.Description, &p.DescriptionHTML, &p.Unit, &p.PriceVND, &p.PriceIsDemo, &p.InStock, &groupCode,
		&p.Producer.Slug, &p.Producer.Name, &p.Producer.Type, &provinceCode,
		&communeCode, &communeName,
		&p.Certificate.Star, &p.Certificate.Score, &p.Certificate.DecisionNo, &decided,
		&p.Certificate.IssuingLevel, &p.Certificate.IssuingAuthority, &from, &until, &photos)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrProductNotFound
	}
	if err != nil {
		return nil, err
	}
	p.Star = p.Certificate.Star
	p.Certificate.DecisionDate = decided.Format(time.DateOnly)
	p.Certificate.ValidFrom = from.Format(time.DateOnly)
	p.Certificate.ValidUntil = until.Format(time.DateOnly)
	p.Producer.TypeName = ProducerTypeNames[p.Producer.Type]
	if pv, ok := ref.Province(provinceCode); ok {
		p.Province = CodeRef{Code: pv.Code, Name: pv.Name}
	}
	if communeCode != nil {
		p.Commune = &CodeRef{Code: *communeCode, Name: *communeName}
	}
	for _, g := range ref.Path(groupCode) {
		p.GroupPath = append(p.GroupPath, CodeRef{Code: g.Code, Name: g.Name})
	}
	for _, ph := range photos {
		if len(ph.Variants) > 0 {
			p.Images = append(p.Images, NewImage(ph.Variants, ph.Alt, p.Name))
		}
	}
	return p, nil
}

const producerQuery = `
SELECT pr.slug, pr.name, pr.producer_type, pr.story, pr.province_code, pr.street_line, pr.address_as_issued,
       coalesce(pr.phone_e164, ''), coalesce(pr.email, ''), coalesce(pr.website, ''), pr.created_at,
       cm.code, cm.full_name, pr.display_name, pr.zalo, pr.logo_variants, pr.banner_variants
FROM producer pr
LEFT JOIN commune cm ON cm.code = pr.commune_code
WHERE pr.slug = $1 AND pr.status = 'active'`

// Producer returns the active producer with slug, or ErrProducerNotFound.
func (s *Service) Producer(ctx context.Context, slug string) (_ *Producer, err error) {
	defer apperr.Wrap(&err, "catalog.Producer(%q)", slug)
	ref, err := s.names(ctx)
	if err != nil {
		return nil, err
	}
	p := &Producer{}
	var provinceCode, street, asIssued string
	var communeCode, communeName *string
	var created time.Time
	var logo, banner []media.Variant
	err = s.pool.QueryRow(ctx, producerQuery, slug).Scan(&p.Slug, &p.Name, &p.Type, &p.Story, &provinceCode,
		&street, &asIssued, &p.Phone, &p.Email, &p.Website, &created, &communeCode, &communeName, &p.DisplayName, &p.Zalo, &logo, &banner)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrProducerNotFound
	}
	if err != nil {
		return nil, err
	}
	p.TypeName = ProducerTypeNames[p.Type]
	p.CreatedAt = created.In(Vietnam).Format(time.DateOnly)
	if len(logo) > 0 {
		img := NewImage(logo, "Logo "+p.Name, "")
		p.Logo = &img
	}
	if len(banner) > 0 {
		img := NewImage(banner, "Ảnh bìa "+p.Name, "")
		p.Banner = &img
	}
	pv, _ := ref.Province(provinceCode)
	if pv != nil {
		p.Province = CodeRef{Code: pv.Code, Name: pv.Name}
	}
	if communeCode != nil {
		p.Commune = &CodeRef{Code: *communeCode, Name: *communeName}
	}
	// Prefer the current address (street, commune, province); fall back to
	// the address printed on the decision, which may use pre-2025 units.
	switch {
	case street != "" || p.Commune != nil:
		addr := street
		if p.Commune != nil {
			addr = joinAddr(addr, p.Commune.Name)
		}
		if pv != nil {
			addr = joinAddr(addr, pv.FullName)
		}
		p.Address = addr
	default:
		p.Address = asIssued
	}
	return p, nil
}

func joinAddr(a, b string) string {
	if a == "" {
		return b
	}
	return a + ", " + b
}
