package fair

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
)

const eventColumns = `e.id, e.slug, e.kind, e.name, e.organizer, e.description, e.province_code, p.name,
  e.venue_name, e.venue_address, coalesce(e.commune_code, ''), coalesce(c.full_name, ''), e.lat, e.lng,
  e.starts_on, e.ends_on, (extract(epoch FROM e.opens) / 60)::int, (extract(epoch FROM e.closes) / 60)::int,
  e.registration_opens_on, e.registration_closes_on, e.move_in_at, e.move_out_until, e.status, e.cancel_reason,
  e.min_star, e.eligible_provinces::text[], e.eligible_groups, e.subsidy_percent, e.subsidy_cap_vnd, e.subsidy_legal_basis,
  e.max_booths_per_producer, e.deposit_percent, e.updated_at,
  (SELECT count(*) FROM booth b WHERE b.event_id = e.id AND NOT b.blocked)::int,
  (SELECT count(*) FROM booth b WHERE b.event_id = e.id AND NOT b.blocked
     AND NOT EXISTS (SELECT 1 FROM booth_assignment x WHERE x.booth_id = b.id)
     AND NOT EXISTS (SELECT 1 FROM booth_offer o WHERE o.booth_id = b.id AND o.expires_at > now()))::int`

const eventFrom = `event e JOIN province p ON p.code = e.province_code LEFT JOIN commune c ON c.code = e.commune_code`

func scanEvent(row pgx.Row) (*Event, error) {
	e := &Event{}
	err := row.Scan(eventDest(e)...)
	fixEvent(e)
	return e, err
}

func collectEvents(rows pgx.Rows) ([]*Event, error) {
	defer rows.Close()
	out := []*Event{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ByID returns an event whatever its status (staff).
func (s *Service) ByID(ctx context.Context, id int64) (_ *Event, err error) {
	defer apperr.Wrap(&err, "fair.ByID(%d)", id)
	e, err := scanEvent(s.pool.QueryRow(ctx, `SELECT `+eventColumns+` FROM `+eventFrom+` WHERE e.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	return e, err
}

// Get returns the public event with slug: any status but draft.
func (s *Service) Get(ctx context.Context, slug string) (_ *Event, err error) {
	defer apperr.Wrap(&err, "fair.Get(%q)", slug)
	e, err := scanEvent(s.pool.QueryRow(ctx, `SELECT `+eventColumns+` FROM `+eventFrom+` WHERE e.slug = $1 AND e.status <> 'draft'`, slug))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	return e, err
}

// StaffList lists the events of provinces (nil: all), latest first.
func (s *Service) StaffList(ctx context.Context, provinces []string) (_ []*Event, err error) {
	defer apperr.Wrap(&err, "fair.StaffList")
	rows, err := s.pool.Query(ctx, `SELECT `+eventColumns+` FROM `+eventFrom+`
		WHERE $1::text[] IS NULL OR e.province_code = ANY($1) ORDER BY e.starts_on DESC, e.id DESC`, provinces)
	if err != nil {
		return nil, err
	}
	return collectEvents(rows)
}

// Filter is a public listing of events.
type Filter struct {
	Province string // host province code
	Month    string // "2026-02": events open on some day of that month
	Kind     string
	From, To *time.Time // events that end on or after From and start on or before To
	Past     bool       // past events (ended before today), latest first
	Page     int
	PerPage  int
}

var monthRE = regexp.MustCompile(`^(20[0-9]{2})-(0[1-9]|1[0-2])$`)

// ErrFilter refuses a bad filter.
var ErrFilter = apperr.E(apperr.Invalid, "Bộ lọc không hợp lệ: tháng ghi như 2026-02, ngày như 2026-02-06, tỉnh bằng mã 2 chữ số.", "month must be YYYY-MM, dates YYYY-MM-DD, province two digits")

// ParseFilter reads a listing's query parameters (province, month, kind,
// from, to, qua=1 for past events, page).
func ParseFilter(get func(string) string) (Filter, error) {
	f := Filter{Province: strings.TrimSpace(get("province")), Month: strings.TrimSpace(get("month")), Kind: strings.TrimSpace(get("kind")),
		Past: get("qua") == "1"}
	if f.Province != "" && !provinceCodeRE.MatchString(f.Province) {
		return Filter{}, ErrFilter
	}
	if f.Month != "" && !monthRE.MatchString(f.Month) {
		return Filter{}, ErrFilter
	}
	if f.Kind != "" && KindName(f.Kind) == f.Kind {
		return Filter{}, ErrFilter
	}
	for _, k := range []string{"from", "to"} {
		if v := strings.TrimSpace(get(k)); v != "" {
			t, err := time.Parse(time.DateOnly, v)
			if err != nil {
				return Filter{}, ErrFilter
			}
			if k == "from" {
				f.From = &t
			} else {
				f.To = &t
			}
		}
	}
	if v := get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return Filter{}, ErrFilter
		}
		f.Page = n
	}
	return f, nil
}

// Page is one page of a listing.
type Page struct {
	Items   []*Event
	Total   int
	Page    int
	PerPage int
}

// List lists the public events of f: upcoming and ongoing ones soonest
// first, or (Past) ended ones latest first.
func (s *Service) List(ctx context.Context, f Filter) (_ *Page, err error) {
	defer apperr.Wrap(&err, "fair.List")
	if f.PerPage <= 0 || f.PerPage > 100 {
		f.PerPage = 20
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	from, to := f.From, f.To
	if f.Month != "" {
		m, _ := time.Parse("2006-01", f.Month)
		end := m.AddDate(0, 1, -1)
		from, to = &m, &end
	}
	today := s.now().In(Vietnam).Format(time.DateOnly)
	order := `e.starts_on, e.id`
	when := `e.ends_on >= $1::date`
	if f.Past {
		order, when = `e.starts_on DESC, e.id DESC`, `e.ends_on < $1::date`
	}
	if from != nil || to != nil {
		when = `$1::date IS NOT NULL` // an explicit period lists what it covers, past or not
	}
	rows, err := s.pool.Query(ctx, `SELECT `+eventColumns+`, count(*) OVER () FROM `+eventFrom+`
		WHERE e.status <> 'draft' AND `+when+`
		  AND ($2 = '' OR e.province_code = $2) AND ($3 = '' OR e.kind = $3)
		  AND ($4::date IS NULL OR e.ends_on >= $4) AND ($5::date IS NULL OR e.starts_on <= $5)
		ORDER BY `+order+` LIMIT $6 OFFSET $7`, today, f.Province, f.Kind, from, to, f.PerPage, (f.Page-1)*f.PerPage)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	p := &Page{Items: []*Event{}, Page: f.Page, PerPage: f.PerPage}
	for rows.Next() {
		e := &Event{}
		var total int
		if err := rows.Scan(append(eventDest(e), &total)...); err != nil {
			return nil, err
		}
		fixEvent(e)
		p.Items, p.Total = append(p.Items, e), total
	}
	return p, rows.Err()
}

// eventDest are the scan targets of eventColumns.
func eventDest(e *Event) []any {
	return []any{&e.ID, &e.Slug, &e.Kind, &e.Name, &e.Organizer, &e.Description, &e.ProvinceCode, &e.ProvinceName,
		&e.VenueName, &e.VenueAddress, &e.CommuneCode, &e.CommuneName, &e.Lat, &e.Lng,
		&e.StartsOn, &e.EndsOn, &e.Opens, &e.Closes,
		&e.RegistrationOpensOn, &e.RegistrationClosesOn, &e.MoveInAt, &e.MoveOutUntil, &e.Status, &e.CancelReason,
		&e.MinStar, &e.EligibleProvinces, &e.EligibleGroups, &e.SubsidyPercent, &e.SubsidyCapVND, &e.SubsidyLegalBasis,
		&e.MaxBoothsPerProducer, &e.DepositPercent, &e.UpdatedAt, &e.BoothsTotal, &e.BoothsFree}
}

func fixEvent(e *Event) {
	if e.EligibleProvinces == nil {
		e.EligibleProvinces = []string{}
	}
	if e.EligibleGroups == nil {
		e.EligibleGroups = []string{}
	}
}

// Upcoming lists the public events that have not ended, soonest first
// (the calendar feed of all events and the sitemap use it).
func (s *Service) Upcoming(ctx context.Context, limit int) ([]*Event, error) {
	p, err := s.List(ctx, Filter{PerPage: limit})
	if err != nil {
		return nil, err
	}
	return p.Items, nil
}

// Exhibitor is a producer with booths at an event and the products it
// exhibits that are still public.
type Exhibitor struct {
	ProducerSlug, ProducerName string
	Booths                     []string
	Products                   []Exhibit
	CheckedIn                  bool
}

// Exhibitors lists the producers holding booths at event id, by their
// first booth's code.
func (s *Service) Exhibitors(ctx context.Context, eventID int64) (_ []Exhibitor, err error) {
	defer apperr.Wrap(&err, "fair.Exhibitors(%d)", eventID)
	apps, err := s.applications(ctx, s.pool, `a.event_id = $1 AND EXISTS (SELECT 1 FROM booth_assignment x WHERE x.application_id = a.id)`, eventID)
	if err != nil {
		return nil, err
	}
	out := make([]Exhibitor, 0, len(apps))
	for _, a := range apps {
		x := Exhibitor{ProducerSlug: a.ProducerSlug, ProducerName: a.ProducerName, Booths: a.Booths, CheckedIn: a.Status == AppCheckedIn || a.Status == AppCompleted}
		for _, p := range a.Products {
			if p.Star > 0 {
				x.Products = append(x.Products, p)
			}
		}
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b Exhibitor) int { return strings.Compare(a.Booths[0], b.Booths[0]) })
	return out, nil
}

// AtBooth returns the exhibitor at booth code of event id (ErrNotFound
// when the booth has none).
func (s *Service) AtBooth(ctx context.Context, eventID int64, code string) (*Exhibitor, error) {
	list, err := s.Exhibitors(ctx, eventID)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if slices.Contains(list[i].Booths, code) {
			return &list[i], nil
		}
	}
	return nil, ErrNotFound
}

// Appearance is an upcoming event a producer exhibits at.
type Appearance struct {
	Slug, Name string
	StartsOn   time.Time
	EndsOn     time.Time
	Booths     []string
}

// AppearancesOf lists the events that have not ended where producer slug
// (or, with product set, that product) is exhibited, soonest first.
func (s *Service) AppearancesOf(ctx context.Context, producerSlug, productSlug string) (_ []Appearance, err error) {
	defer apperr.Wrap(&err, "fair.AppearancesOf(%q, %q)", producerSlug, productSlug)
	rows, err := s.pool.Query(ctx, `
		SELECT e.slug, e.name, e.starts_on, e.ends_on,
		  array_agg(b.code ORDER BY b.code)
		FROM booth_application a JOIN producer pr ON pr.id = a.producer_id JOIN event e ON e.id = a.event_id
		JOIN booth_assignment x ON x.application_id = a.id JOIN booth b ON b.id = x.booth_id
		WHERE pr.slug = $1 AND e.status NOT IN ('draft', 'cancelled') AND e.ends_on >= $3::date
		  AND ($2 = '' OR EXISTS (SELECT 1 FROM booth_application_product ap JOIN product p ON p.id = ap.product_id
		                          WHERE ap.application_id = a.id AND p.slug = $2))
		GROUP BY e.id ORDER BY e.starts_on, e.id LIMIT 5`, producerSlug, productSlug, s.now().In(Vietnam).Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Appearance, error) {
		var a Appearance
		err := r.Scan(&a.Slug, &a.Name, &a.StartsOn, &a.EndsOn, &a.Booths)
		return a, err
	})
}
