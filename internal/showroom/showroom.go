// Package showroom owns the showrooms (điểm giới thiệu và bán sản phẩm
// OCOP): the physical places that sell certified products, their opening
// hours and exceptions, and the products each carries. It answers the
// shopper's questions (which are near me, which are open now, which carry
// this product) and loads the trade department's spreadsheets.
//
// Distances are great-circle distances on a sphere of radius 6,371 km,
// computed in PostgreSQL: a bounding box on (lat, lng) that an index
// serves narrows the rows, the haversine formula orders them.
package showroom

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/media/photo"
)

// Types are the kinds of showroom, with their Vietnamese names.
var Types = []struct{ Code, Name string }{
	{"ocop_center", "Trung tâm OCOP"},
	{"intro_sales_point", "Điểm giới thiệu và bán sản phẩm OCOP"},
	{"supermarket_counter", "Quầy OCOP trong siêu thị"},
	{"post_office", "Điểm bưu điện"},
	{"transport_hub", "Ki-ốt sân bay, nhà ga, trạm dừng nghỉ"},
	{"popup", "Điểm bán tạm thời"},
}

// TypeName is the Vietnamese name of a type code ("" when unknown).
func TypeName(code string) string {
	for _, t := range Types {
		if t.Code == code {
			return t.Name
		}
	}
	return ""
}

// OperatorKinds are who runs a showroom.
var OperatorKinds = []struct{ Code, Name string }{
	{"htx", "Hợp tác xã"},
	{"company", "Doanh nghiệp"},
	{"trade_promotion", "Trung tâm xúc tiến thương mại"},
	{"vnpost", "Bưu điện (VNPost)"},
}

// Statuses of a showroom.
const (
	Open              = "open"
	TemporarilyClosed = "temporarily_closed"
	Closed            = "closed"
)

// EarthRadiusKm is the mean radius of the sphere distances are measured
// on.
const EarthRadiusKm = 6371.0

// MaxRadiusKm is the widest near-me search.
const MaxRadiusKm = 500

// Showroom is one showroom as the public sees it.
type Showroom struct {
	ID             int64
	Slug           string
	Code           string
	Name           string
	Type           string
	OperatorName   string
	OperatorKind   string
	ManagingAgency string
	ProvinceCode   string
	ProvinceName   string
	CommuneCode    string
	CommuneName    string
	Address        string
	Lat, Lng       float64
	Approximate    bool
	Phone          string // E.164
	Zalo           string // E.164
	Email          string
	AreaM2         *float64
	HoursText      string
	Status         string
	ValidFrom      *time.Time
	ValidTo        *time.Time
	Hours          Hours
	// DistanceKm is set when the search had a position.
	DistanceKm *float64
	// Products is the number of public products it carries.
	Products int
	// Operator is the producer of the platform that runs it (ID 0: none).
	Operator OperatorProducer
}

// OperatorProducer is the producer that runs a showroom.
type OperatorProducer struct {
	ID         int64
	Name, Slug string
}

// OpenAt reports whether the showroom receives shoppers at t: open, and
// within its hours.
func (s *Showroom) OpenAt(t time.Time) bool {
	return s.Status == Open && s.Hours.OpenAt(t)
}

// FullAddress is the street address, commune and province.
func (s *Showroom) FullAddress() string {
	out := s.Address
	for _, part := range []string{s.CommuneName, s.ProvinceName} {
		if part == "" {
			continue
		}
		if out != "" {
			out += ", "
		}
		out += part
	}
	return out
}

// Service reads and writes showrooms.
type Service struct {
	pool *pgxpool.Pool
	now  func() time.Time
	// store and proc keep photos (SetMedia)
	store media.Store
	proc  *photo.Processor
}

// New returns the service; now may be nil (time.Now).
func New(pool *pgxpool.Pool, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{pool: pool, now: now}
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// Errors.
var (
	ErrNotFound  = apperr.E(apperr.NotFound, "Không tìm thấy điểm bán này.", "showroom not found")
	ErrPosition  = apperr.E(apperr.Invalid, "Vị trí không hợp lệ: cần vĩ độ và kinh độ trong lãnh thổ Việt Nam, ví dụ near=21.0285,105.8542.", "near must be lat,lng within Vietnam")
	ErrRadius    = apperr.E(apperr.Invalid, fmt.Sprintf("Bán kính phải từ 1 đến %d km.", MaxRadiusKm), fmt.Sprintf("radius_km must be 1..%d", MaxRadiusKm))
	ErrNoProduct = apperr.E(apperr.Invalid, "Không có sản phẩm OCOP nào với mã này.", "no public product with this slug")
)

// Point is a position.
type Point struct{ Lat, Lng float64 }

// Valid reports whether p lies in Vietnam's bounding box (with its
// islands).
func (p Point) Valid() bool {
	return p.Lat >= 6 && p.Lat <= 24 && p.Lng >= 102 && p.Lng <= 118 && !math.IsNaN(p.Lat) && !math.IsNaN(p.Lng)
}

// Distance is the great-circle distance in km between a and b, as the
// database computes it (haversine on EarthRadiusKm).
func Distance(a, b Point) float64 {
	rad := math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLng := (b.Lng - a.Lng) * rad
	h := math.Pow(math.Sin(dLat/2), 2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Pow(math.Sin(dLng/2), 2)
	return 2 * EarthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
}

// Filter selects showrooms.
type Filter struct {
	Near     *Point
	RadiusKm float64 // with Near; 0 means 50
	Province string
	Commune  string
	Type     string
	OpenNow  bool
	Product  string // slug: showrooms that carry it
	Page     int
	PerPage  int
}

// Page is one page of showrooms.
type Page struct {
	Items   []*Showroom
	Total   int
	Page    int
	PerPage int
	// ProductName is the name of the product the search asked for.
	ProductName string
}

// visible is the condition a showroom the public sees meets: not closed
// for good, and a pop-up only within its dates; $n is today in Vietnam.
func visible(n int) string {
	return fmt.Sprintf(`s.status <> 'closed'
  AND (s.valid_from IS NULL OR s.valid_from <= $%[1]d::date)
  AND (s.valid_to IS NULL OR s.valid_to >= $%[1]d::date)`, n)
}

// today is the service's date in Vietnam, for SQL.
func (s *Service) today() string { return s.now().In(Vietnam).Format(time.DateOnly) }

// distanceSQL is the haversine distance in km from ($1, $2) to s.
const distanceSQL = `2 * 6371.0 * asin(least(1, sqrt(
    power(sin(radians(s.lat - $1) / 2), 2) + cos(radians($1)) * cos(radians(s.lat)) * power(sin(radians(s.lng - $2) / 2), 2))))`

const columnsSQL = `s.id, s.slug, s.code, s.name, s.showroom_type, s.operator_name, s.operator_kind, s.managing_agency,
  s.province_code, p.name, coalesce(s.commune_code, ''), coalesce(c.full_name, ''), s.address, s.lat, s.lng, s.approximate,
  s.phone, s.zalo, s.email, s.area_m2::float8, s.hours_text, s.status, s.valid_from, s.valid_to,
  (SELECT count(*) FROM showroom_product sp JOIN public_product pp ON pp.id = sp.product_id WHERE sp.showroom_id = s.id)::int,
  coalesce(s.operator_producer_id, 0), coalesce((SELECT pr.name FROM producer pr WHERE pr.id = s.operator_producer_id), ''),
  coalesce((SELECT pr.slug FROM producer pr WHERE pr.id = s.operator_producer_id), '')`

func scanShowroom(row pgx.Row, extra ...any) (*Showroom, error) {
	s := &Showroom{}
	dest := append([]any{&s.ID, &s.Slug, &s.Code, &s.Name, &s.Type, &s.OperatorName, &s.OperatorKind, &s.ManagingAgency,
		&s.ProvinceCode, &s.ProvinceName, &s.CommuneCode, &s.CommuneName, &s.Address, &s.Lat, &s.Lng, &s.Approximate,
		&s.Phone, &s.Zalo, &s.Email, &s.AreaM2, &s.HoursText, &s.Status, &s.ValidFrom, &s.ValidTo, &s.Products,
		&s.Operator.ID, &s.Operator.Name, &s.Operator.Slug}, extra...)
	return s, row.Scan(dest...)
}

// Search lists the visible showrooms that match f: by distance when f has
// a position (within the radius), else by province and name. "Open now"
// is decided in Go on the showrooms' hours, in Vietnam's time.
func (s *Service) Search(ctx context.Context, f Filter) (_ *Page, err error) {
	defer apperr.Wrap(&err, "showroom.Search")
	if f.PerPage <= 0 || f.PerPage > 100 {
		f.PerPage = 20
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	lat, lng, radius := 0.0, 0.0, 0.0
	if f.Near != nil {
		if !f.Near.Valid() {
			return nil, ErrPosition
		}
		radius = f.RadiusKm
		if radius == 0 {
			radius = 50
		}
		if radius < 1 || radius > MaxRadiusKm || math.IsNaN(radius) {
			return nil, ErrRadius
		}
		lat, lng = f.Near.Lat, f.Near.Lng
	}
	var productID int64
	var productName string
	if f.Product != "" {
		err := s.pool.QueryRow(ctx, `SELECT id, name FROM public_product WHERE slug = $1`, f.Product).Scan(&productID, &productName)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrNoProduct
		}
		if err != nil {
			return nil, err
		}
	}
	// the bounding box: 1° of latitude is 111.2 km; a degree of longitude
	// shrinks with the cosine of the latitude (the box's far edge)
	dLat := radius / 111.19
	dLng := radius / (111.19 * math.Max(0.01, math.Cos((math.Abs(lat)+dLat)*math.Pi/180)))
	// Without "open now" the database pages and counts; with it, every
	// candidate's hours are read and the page is cut in Go.
	limit, offset := -1, 0
	if !f.OpenNow {
		limit, offset = f.PerPage, (f.Page-1)*f.PerPage
	}
	var all []*Showroom
	total := 0
	query := func(limit, offset int) error {
		rows, err := s.pool.Query(ctx, `
		SELECT `+columnsSQL+`, CASE WHEN $3 THEN `+distanceSQL+` END AS distance, count(*) OVER ()
		FROM showroom s JOIN province p ON p.code = s.province_code LEFT JOIN commune c ON c.code = s.commune_code
		WHERE `+visible(11)+`
		  AND (NOT $3 OR (s.lat BETWEEN $1 - $4 AND $1 + $4 AND s.lng BETWEEN $2 - $5 AND $2 + $5 AND `+distanceSQL+` <= $6))
		  AND ($7 = '' OR s.province_code = $7)
		  AND ($8 = '' OR s.commune_code = $8)
		  AND ($9 = '' OR s.showroom_type = $9)
		  AND ($10 = 0 OR EXISTS (SELECT 1 FROM showroom_product sp WHERE sp.showroom_id = s.id AND sp.product_id = $10))
		ORDER BY distance NULLS LAST, s.province_code, s.name_fold, s.id
		LIMIT CASE WHEN $12 < 0 THEN NULL ELSE $12 END OFFSET $13`,
			lat, lng, f.Near != nil, dLat, dLng, radius, f.Province, f.Commune, f.Type, productID, s.today(), limit, offset)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d *float64
			sr, err := scanShowroom(rows, &d, &total)
			if err != nil {
				return err
			}
			sr.DistanceKm = d
			all = append(all, sr)
		}
		return rows.Err()
	}
	if err := query(limit, offset); err != nil {
		return nil, err
	}
	if len(all) == 0 && offset > 0 {
		// a page past the end still tells how many there are
		if err := query(1, 0); err != nil {
			return nil, err
		}
		all = nil
	}
	if err := s.loadHours(ctx, all); err != nil {
		return nil, err
	}
	page := &Page{Total: total, Page: f.Page, PerPage: f.PerPage, Items: all, ProductName: productName}
	if page.Items == nil {
		page.Items = []*Showroom{}
	}
	if f.OpenNow {
		now := s.now()
		kept := all[:0]
		for _, sr := range all {
			if sr.OpenAt(now) {
				kept = append(kept, sr)
			}
		}
		page.Total, page.Items = len(kept), []*Showroom{}
		if from := (f.Page - 1) * f.PerPage; from < len(kept) {
			page.Items = kept[from:min(len(kept), from+f.PerPage)]
		}
	}
	return page, nil
}

// loadHours fills the hours of srs.
func (s *Service) loadHours(ctx context.Context, srs []*Showroom) error {
	if len(srs) == 0 {
		return nil
	}
	byID := make(map[int64]*Showroom, len(srs))
	ids := make([]int64, 0, len(srs))
	for _, sr := range srs {
		byID[sr.ID] = sr
		ids = append(ids, sr.ID)
	}
	rows, err := s.pool.Query(ctx, `
		SELECT showroom_id, weekday, extract(epoch FROM opens)::int / 60, extract(epoch FROM closes)::int / 60
		FROM showroom_hours WHERE showroom_id = ANY($1) ORDER BY showroom_id, weekday, opens`, ids)
	if err != nil {
		return err
	}
	var id int64
	var day int
	var iv Interval
	if _, err := pgx.ForEachRow(rows, []any{&id, &day, &iv.Opens, &iv.Closes}, func() error {
		sr := byID[id]
		sr.Hours.Week[day-1] = append(sr.Hours.Week[day-1], iv)
		return nil
	}); err != nil {
		return err
	}
	rows, err = s.pool.Query(ctx, `
		SELECT showroom_id, on_date, extract(epoch FROM opens)::int / 60, extract(epoch FROM closes)::int / 60, note
		FROM showroom_exception WHERE showroom_id = ANY($1) AND on_date >= CURRENT_DATE - 1 ORDER BY showroom_id, on_date`, ids)
	if err != nil {
		return err
	}
	var on time.Time
	var opens, closes *int
	var note string
	_, err = pgx.ForEachRow(rows, []any{&id, &on, &opens, &closes, &note}, func() error {
		e := Exception{Date: time.Date(on.Year(), on.Month(), on.Day(), 0, 0, 0, 0, Vietnam), Note: note}
		if opens != nil && closes != nil {
			e.Intervals = []Interval{{Opens: *opens, Closes: *closes}}
		}
		sr := byID[id]
		sr.Hours.Exceptions = append(sr.Hours.Exceptions, e)
		return nil
	})
	return err
}

// Get returns the visible showroom with slug, with its hours.
func (s *Service) Get(ctx context.Context, slug string) (_ *Showroom, err error) {
	defer apperr.Wrap(&err, "showroom.Get(%q)", slug)
	sr, err := scanShowroom(s.pool.QueryRow(ctx, `
		SELECT `+columnsSQL+`
		FROM showroom s JOIN province p ON p.code = s.province_code LEFT JOIN commune c ON c.code = s.commune_code
		WHERE s.slug = $1 AND `+visible(2), slug, s.today()))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return sr, s.loadHours(ctx, []*Showroom{sr})
}

// Carried is a public product a showroom carries.
type Carried struct {
	Slug         string
	Name         string
	Star         int
	ProducerName string
	InStock      bool
}

// Products lists the public products (certificate in force) the showroom
// carries, best star first.
func (s *Service) Products(ctx context.Context, showroomID int64) (_ []Carried, err error) {
	defer apperr.Wrap(&err, "showroom.Products(%d)", showroomID)
	rows, err := s.pool.Query(ctx, `
		SELECT pp.slug, pp.name, c.star, pr.name, sp.in_stock
		FROM showroom_product sp JOIN public_product pp ON pp.id = sp.product_id
		JOIN certificate c ON c.product_id = pp.id AND c.status = 'active'
		JOIN producer pr ON pr.id = pp.producer_id
		WHERE sp.showroom_id = $1
		ORDER BY c.star DESC, pp.name`, showroomID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Carried, error) {
		var c Carried
		err := r.Scan(&c.Slug, &c.Name, &c.Star, &c.ProducerName, &c.InStock)
		return c, err
	})
}

// Carrying is the visible showrooms that carry a product (or any product
// of a producer): how many, and the first few, those of province first.
type Carrying struct {
	Total int
	Items []*Showroom
}

// CarryingProduct returns the showrooms that carry the public product
// with slug, those of province first.
func (s *Service) CarryingProduct(ctx context.Context, slug, province string, limit int) (Carrying, error) {
	return s.carrying(ctx, `pp.slug = $1`, slug, province, limit)
}

// CarryingProducer returns the showrooms that carry a public product of
// the producer with slug, those of province first.
func (s *Service) CarryingProducer(ctx context.Context, slug, province string, limit int) (Carrying, error) {
	return s.carrying(ctx, `pp.producer_id = (SELECT id FROM producer WHERE slug = $1)`, slug, province, limit)
}

func (s *Service) carrying(ctx context.Context, which, slug, province string, limit int) (_ Carrying, err error) {
	defer apperr.Wrap(&err, "showroom.carrying(%q)", slug)
	rows, err := s.pool.Query(ctx, `
		SELECT `+columnsSQL+`, count(*) OVER ()
		FROM showroom s JOIN province p ON p.code = s.province_code LEFT JOIN commune c ON c.code = s.commune_code
		WHERE `+visible(3)+` AND EXISTS (SELECT 1 FROM showroom_product sp JOIN public_product pp ON pp.id = sp.product_id
		                                 WHERE sp.showroom_id = s.id AND `+which+`)
		ORDER BY s.province_code = $2 DESC, s.province_code, s.name_fold, s.id
		LIMIT $4`, slug, province, s.today(), limit)
	if err != nil {
		return Carrying{}, err
	}
	var out Carrying
	for rows.Next() {
		sr, err := scanShowroom(rows, &out.Total)
		if err != nil {
			rows.Close()
			return Carrying{}, err
		}
		out.Items = append(out.Items, sr)
	}
	if err := rows.Err(); err != nil {
		return Carrying{}, err
	}
	return out, s.loadHours(ctx, out.Items)
}
