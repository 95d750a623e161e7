// Package fair is trade fairs and promotion events (hội chợ OCOP, tuần lễ
// OCOP, phiên chợ, livestream): the province's trade promotion (Sở Công
// Thương) creates and runs them, with a floor plan of zones and booths on
// a grid, booth types with prices, eligibility and subsidy rules; the
// public sees every event past its draft. It owns the tables event,
// event_zone, event_booth_type and booth.
package fair

import (
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/apperr"
)

// Vietnam is the time zone of every event's days and hours.
var Vietnam = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}()

// Kinds of event, with their Vietnamese names.
var Kinds = []struct{ Code, Name string }{
	{"fair", "Hội chợ"},
	{"ocop_week", "Tuần lễ OCOP"},
	{"market_session", "Phiên chợ"},
	{"livestream", "Livestream bán hàng"},
}

// KindName is the Vietnamese name of a kind.
func KindName(code string) string {
	for _, k := range Kinds {
		if k.Code == code {
			return k.Name
		}
	}
	return code
}

// Statuses of an event.
const (
	Draft              = "draft"
	Published          = "published"
	RegistrationOpen   = "registration_open"
	RegistrationClosed = "registration_closed"
	Running            = "running"
	Finished           = "finished"
	Cancelled          = "cancelled"
)

// StatusNames are the statuses in Vietnamese.
var StatusNames = map[string]string{
	Draft:              "Bản nháp",
	Published:          "Đã công bố",
	RegistrationOpen:   "Đang nhận đăng ký gian hàng",
	RegistrationClosed: "Đã hết hạn đăng ký",
	Running:            "Đang diễn ra",
	Finished:           "Đã kết thúc",
	Cancelled:          "Đã huỷ",
}

// transitions are the status changes staff may make.
var transitions = map[string][]string{
	Draft:              {Published, Cancelled},
	Published:          {RegistrationOpen, Draft, Cancelled},
	RegistrationOpen:   {RegistrationClosed, Cancelled},
	RegistrationClosed: {RegistrationOpen, Running, Cancelled},
	Running:            {Finished},
}

// Next lists the statuses an event in status may move to.
func Next(status string) []string { return transitions[status] }

// BoothTypes are the kinds of booth, their names, default area and
// whether the price is per m².
var BoothTypes = []BoothType{
	{Code: "standard", Name: "Gian tiêu chuẩn 3×3 m", AreaM2: 9},
	{Code: "corner", Name: "Gian góc (2 mặt thoáng)", AreaM2: 9},
	{Code: "double", Name: "Gian đôi 3×6 m", AreaM2: 18},
	{Code: "raw_space", Name: "Đất trống (tính theo m²)", AreaM2: 18, PerM2: true},
}

// BoothType is a kind of booth; on an event it carries its price.
type BoothType struct {
	Code     string
	Name     string
	AreaM2   float64
	PerM2    bool
	PriceVND int64
}

// boothType returns the kind of code.
func boothType(code string) (BoothType, bool) {
	for _, t := range BoothTypes {
		if t.Code == code {
			return t, true
		}
	}
	return BoothType{}, false
}

// Event is one fair or promotion event.
type Event struct {
	ID                   int64
	Slug                 string
	Kind                 string
	Name                 string
	Organizer            string
	Description          string
	ProvinceCode         string
	ProvinceName         string
	VenueName            string
	VenueAddress         string
	CommuneCode          string
	CommuneName          string
	Lat, Lng             *float64
	StartsOn, EndsOn     time.Time // dates (midnight UTC)
	Opens, Closes        int       // minutes from midnight, Vietnam time
	RegistrationOpensOn  *time.Time
	RegistrationClosesOn *time.Time
	MoveInAt             *time.Time
	MoveOutUntil         *time.Time
	Status               string
	CancelReason         string
	MinStar              int
	EligibleProvinces    []string
	EligibleGroups       []string
	SubsidyPercent       int
	SubsidyCapVND        *int64
	SubsidyLegalBasis    string
	MaxBoothsPerProducer int
	DepositPercent       int
	UpdatedAt            time.Time
	// BoothsTotal and BoothsFree count the booths offered (not blocked)
	// and those nobody holds.
	BoothsTotal, BoothsFree int
}

// Hours is the daily opening as "08:00–22:00".
func (e *Event) Hours() string { return clock(e.Opens) + "–" + clock(e.Closes) }

func clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// Start is the first day's opening time.
func (e *Event) Start() time.Time { return at(e.StartsOn, e.Opens) }

// End is the last day's closing time (the next day when it closes at
// or after midnight).
func (e *Event) End() time.Time {
	end := at(e.EndsOn, e.Closes)
	if e.Closes <= e.Opens {
		end = end.AddDate(0, 0, 1)
	}
	return end
}

func at(day time.Time, minutes int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), minutes/60, minutes%60, 0, 0, Vietnam)
}

// Phase is how the public sees the event at now: "upcoming", "ongoing",
// "past" or "cancelled".
func (e *Event) Phase(now time.Time) string {
	switch {
	case e.Status == Cancelled:
		return "cancelled"
	case now.Before(e.Start()):
		return "upcoming"
	case now.Before(e.End()):
		return "ongoing"
	}
	return "past"
}

// RegistrationOpenAt reports whether producers may apply at now: the
// event takes registrations and today is within the window.
func (e *Event) RegistrationOpenAt(now time.Time) bool {
	if e.Status != RegistrationOpen {
		return false
	}
	today := now.In(Vietnam)
	d := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	if e.RegistrationOpensOn != nil && d.Before(*e.RegistrationOpensOn) {
		return false
	}
	return e.RegistrationClosesOn == nil || !d.After(*e.RegistrationClosesOn)
}

// Subsidy is the subsidy on a fee under the event's rule, in đồng,
// rounded down: min(fee × percent / 100, cap).
func (e *Event) Subsidy(feeVND int64) int64 {
	s := feeVND * int64(e.SubsidyPercent) / 100
	if e.SubsidyCapVND != nil && s > *e.SubsidyCapVND {
		s = *e.SubsidyCapVND
	}
	return s
}

// Zone is a zone of the floor plan.
type Zone struct {
	ID         int64
	Code       string
	Name       string
	Theme      string
	Cols, Rows int
	Booths     []Booth
}

// Booth is a booth on the plan.
type Booth struct {
	ID       int64
	ZoneID   int64
	Code     string
	Type     string
	X, Y     int
	W, H     int
	AreaM2   float64
	Blocked  bool
	PriceVND int64
	// Exhibitor is the producer holding it ("" when free).
	Exhibitor     string
	ExhibitorSlug string
	// Held: offered to a waitlisted producer until its deadline
	Held bool
}

// Service runs events.
type Service struct {
	pool *pgxpool.Pool
	now  func() time.Time
	// offers are the promotions the pages price with
	offers offers
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

// May answers whether the acting person may run the events of a
// province (its trade promotion, or an admin).
type May func(province string) bool

// Errors.
var (
	ErrNotFound  = apperr.E(apperr.NotFound, "Không tìm thấy sự kiện này.", "event not found")
	ErrForbidden = apperr.E(apperr.Forbidden, "Bạn không phụ trách xúc tiến thương mại của tỉnh này.", "not trade promotion staff of this province")
)
