package fair_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/fair"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

var (
	officer = audit.Actor{UserID: 0, ActingAs: audit.AsStaff}
	of22    = func(p string) bool { return p == "22" } // Quảng Ninh's trade promotion
)

// spring is Quảng Ninh's spring fair as the department writes it.
func spring() fair.Fields {
	return fair.Fields{"kind": "fair", "name": "Hội chợ OCOP Quảng Ninh – Xuân 2027", "organizer": "Sở Công Thương Quảng Ninh",
		"province_code": "22", "venue_name": "Cung Quy hoạch, Hội chợ và Triển lãm", "venue_address": "Phường Hồng Hà",
		"lat": "20.9517", "lng": "107.0800", "starts_on": "26/01/2027", "ends_on": "31/01/2027", "hours": "08:00-22:00",
		"registration_opens_on": "01/12/2026", "registration_closes_on": "10/01/2027", "move_in_at": "25/01/2027 08:00",
		"min_star": "3", "eligible_provinces": "22, 01", "subsidy_percent": "50", "subsidy_cap_vnd": "10.000.000",
		"subsidy_legal_basis": "Nghị quyết HĐND tỉnh", "max_booths_per_producer": "2",
		"price_standard": "2.500.000", "price_corner": "3.000.000"}
}

func setup(t *testing.T, now time.Time) (*pgxpool.Pool, *fair.Service) {
	t.Helper()
	pool := pgtest.NewDB(t)
	catalogtest.Fixture{T: t, Pool: pool}.Exec(`SELECT 1`)
	return pool, fair.New(pool, func() time.Time { return now })
}

// TestEventLifecycle: a form checked field by field, the fair saved with
// its booth types, laid out on a grid (codes kept when the layout
// changes), moved through its statuses (registration needs booths and a
// window; cancelling needs a reason), every change audited.
func TestEventLifecycle(t *testing.T) {
	pool, svc := setup(t, time.Date(2026, 12, 1, 9, 0, 0, 0, fair.Vietnam))
	ctx := context.Background()

	bad := spring()
	bad["ends_on"], bad["hours"], bad["price_double"], bad["eligible_groups"], bad["lat"] = "20/01/2027", "8h-", "hai triệu", "nước mắm", "48.8"
	if _, fe, err := svc.Save(ctx, officer, of22, 0, bad); err != nil || len(fe) != 5 {
		t.Fatalf("field errors: %v %v", fe, err)
	}
	if _, _, err := svc.Save(ctx, officer, func(string) bool { return false }, 0, spring()); !errors.Is(err, fair.ErrForbidden) {
		t.Errorf("another province's officer: %v", err)
	}
	id, fe, err := svc.Save(ctx, officer, of22, 0, spring())
	if err != nil || fe != nil {
		t.Fatalf("save: %v %v", fe, err)
	}
	e, err := svc.ByID(ctx, id)
	if err != nil || e.Slug != "hoi-cho-ocop-quang-ninh-xuan-2027" || e.Status != fair.Draft || e.Hours() != "08:00–22:00" {
		t.Fatalf("saved: %+v %v", e, err)
	}
	if got := e.Start().UTC().Format(time.RFC3339); got != "2027-01-26T01:00:00Z" {
		t.Errorf("opens at %s", got)
	}
	// subsidy: half of the fee, at most 10 million, rounded down
	if s := e.Subsidy(2_500_001); s != 1_250_000 {
		t.Errorf("subsidy of 2,500,001: %d", s)
	}
	if s := e.Subsidy(30_000_000); s != 10_000_000 {
		t.Errorf("capped subsidy: %d", s)
	}

	// opening registration before there is a plan is refused
	if err := svc.SetStatus(ctx, officer, of22, id, fair.RegistrationOpen, ""); !errors.Is(err, fair.ErrTransition) {
		t.Errorf("draft → registration_open: %v", err)
	}
	if err := svc.SetStatus(ctx, officer, of22, id, fair.Published, ""); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetStatus(ctx, officer, of22, id, fair.RegistrationOpen, ""); apperr.KindOf(err) != apperr.Invalid || !strings.Contains(err.Error(), "no booth") {
		t.Errorf("no booth yet: %v", err)
	}

	// zone A: 4 × 2 cells, corners at both ends of the first row
	zoneID, fe, err := svc.SaveZone(ctx, officer, of22, id, 0, fair.ZoneForm{Code: "a", Name: "Khu sản phẩm Quảng Ninh", Cols: "4", Rows: "2"})
	if err != nil || fe != nil {
		t.Fatalf("zone: %v %v", fe, err)
	}
	if _, fe, _ := svc.SaveZone(ctx, officer, of22, id, 0, fair.ZoneForm{Code: "1A", Cols: "50", Rows: "0"}); len(fe) != 3 {
		t.Errorf("bad zone: %v", fe)
	}
	if _, fe, _ := svc.SaveZone(ctx, officer, of22, id, 0, fair.ZoneForm{Code: "A", Cols: "2", Rows: "2"}); fe["zone_code"] == "" {
		t.Errorf("a second zone A: %v", fe)
	}
	cells := map[string]string{"0,0": "corner", "1,0": "standard", "2,0": "standard", "3,0": "corner", "0,1": "standard", "3,1": "standard"}
	if n, err := svc.SaveLayout(ctx, officer, of22, id, zoneID, cells); err != nil || n != 6 {
		t.Fatalf("layout: %d %v", n, err)
	}
	if _, err := svc.SaveLayout(ctx, officer, of22, id, zoneID, map[string]string{"0,0": "double"}); apperr.KindOf(err) != apperr.Invalid {
		t.Errorf("a type without a price: %v", err)
	}
	if _, err := svc.SaveLayout(ctx, officer, of22, id, zoneID, map[string]string{"4,0": "standard"}); apperr.KindOf(err) != apperr.Invalid {
		t.Errorf("a cell outside the grid: %v", err)
	}
	zones, err := svc.Zones(ctx, id)
	if err != nil || len(zones) != 1 || len(zones[0].Booths) != 6 {
		t.Fatalf("zones: %+v %v", zones, err)
	}
	codeAt := func(zs []fair.Zone, x, y int) string {
		for _, b := range zs[0].Booths {
			if b.X == x && b.Y == y {
				return b.Code
			}
		}
		return ""
	}
	if codeAt(zones, 0, 0) != "A-01" || codeAt(zones, 3, 1) != "A-06" || zones[0].Booths[0].PriceVND != 3_000_000 {
		t.Errorf("codes in reading order: %+v", zones[0].Booths)
	}
	// a new layout: (1,0) becomes an aisle, (1,1) a booth; the others keep their codes
	delete(cells, "1,0")
	cells["1,1"] = "standard"
	if _, err := svc.SaveLayout(ctx, officer, of22, id, zoneID, cells); err != nil {
		t.Fatal(err)
	}
	zones, _ = svc.Zones(ctx, id)
	if codeAt(zones, 2, 0) != "A-03" || codeAt(zones, 1, 1) != "A-07" || codeAt(zones, 1, 0) != "" {
		t.Errorf("codes after the change: %+v", zones[0].Booths)
	}
	// a booth type the plan uses cannot lose its price
	noCorner := spring()
	delete(noCorner, "price_corner")
	if _, fe, err := svc.Save(ctx, officer, of22, id, noCorner); err != nil || fe["price_corner"] == "" {
		t.Errorf("dropping a used type: %v %v", fe, err)
	}

	if err := svc.SetStatus(ctx, officer, of22, id, fair.RegistrationOpen, ""); err != nil {
		t.Fatal(err)
	}
	e, _ = svc.ByID(ctx, id)
	if !e.RegistrationOpenAt(time.Date(2027, 1, 10, 23, 0, 0, 0, fair.Vietnam)) || e.RegistrationOpenAt(time.Date(2027, 1, 11, 0, 30, 0, 0, fair.Vietnam)) {
		t.Error("the registration window ends with 10/01/2027, Vietnam time")
	}
	if e.BoothsTotal != 6 {
		t.Errorf("booths on offer: %d", e.BoothsTotal)
	}
	if err := svc.SetStatus(ctx, officer, of22, id, fair.Cancelled, " "); apperr.KindOf(err) != apperr.Invalid {
		t.Errorf("cancel without a reason: %v", err)
	}
	if err := svc.SetStatus(ctx, officer, of22, id, fair.Cancelled, "Thời tiết xấu"); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetStatus(ctx, officer, of22, id, fair.Published, ""); !errors.Is(err, fair.ErrTransition) {
		t.Errorf("a cancelled event comes back: %v", err)
	}
	var entries int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'event' AND entity_id = $1`, id).Scan(&entries); err != nil || entries != 7 {
		t.Errorf("%d audit entries (create, publish, zone, 2 layouts, open, cancel): %v", entries, err)
	}
}

// TestListAndFeed: the public sees no draft; upcoming soonest first, past
// latest first, by province and month; the calendar feed parses and has
// one event per fair, cancelled ones marked.
func TestListAndFeed(t *testing.T) {
	_, svc := setup(t, time.Date(2026, 12, 1, 9, 0, 0, 0, fair.Vietnam))
	ctx := context.Background()
	mk := func(name, province, from, to, status string) *fair.Event {
		f := spring()
		f["name"], f["province_code"], f["starts_on"], f["ends_on"], f["eligible_provinces"] = name, province, from, to, ""
		f["registration_opens_on"], f["registration_closes_on"], f["move_in_at"] = "", "", ""
		may := func(string) bool { return true }
		id, fe, err := svc.Save(ctx, officer, may, 0, f)
		if err != nil || fe != nil {
			t.Fatalf("%s: %v %v", name, fe, err)
		}
		for _, st := range map[string][]string{"draft": nil, "published": {fair.Published}, "cancelled": {fair.Cancelled}}[status] {
			if err := svc.SetStatus(ctx, officer, may, id, st, "Hoãn vì bão"); err != nil {
				t.Fatal(err)
			}
		}
		e, _ := svc.ByID(ctx, id)
		return e
	}
	mk("Hội chợ Xuân Quảng Ninh", "22", "26/01/2027", "31/01/2027", "published")
	mk("Tuần lễ OCOP Hà Nội", "01", "10/12/2026", "14/12/2026", "published")
	mk("Phiên chợ nháp", "01", "05/12/2026", "05/12/2026", "draft")
	mk("Hội chợ Thu 2026", "22", "01/10/2026", "05/10/2026", "published")
	cancelled := mk("Phiên chợ Tết bị hoãn", "22", "20/12/2026", "21/12/2026", "cancelled")

	list := func(f fair.Filter) string {
		p, err := svc.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range p.Items {
			out = append(out, e.Name)
		}
		return strings.Join(out, " | ")
	}
	if got := list(fair.Filter{}); got != "Tuần lễ OCOP Hà Nội | Phiên chợ Tết bị hoãn | Hội chợ Xuân Quảng Ninh" {
		t.Errorf("upcoming: %s", got)
	}
	if got := list(fair.Filter{Past: true}); got != "Hội chợ Thu 2026" {
		t.Errorf("past: %s", got)
	}
	if got := list(fair.Filter{Province: "22", Month: "2027-01"}); got != "Hội chợ Xuân Quảng Ninh" {
		t.Errorf("Quảng Ninh in January 2027: %s", got)
	}
	if _, err := fair.ParseFilter(func(k string) string { return map[string]string{"month": "2027-13"}[k] }); !errors.Is(err, fair.ErrFilter) {
		t.Errorf("a bad month: %v", err)
	}
	if _, err := svc.Get(ctx, "phien-cho-nhap-2026"); !errors.Is(err, fair.ErrNotFound) {
		t.Errorf("a draft is public: %v", err)
	}

	events, _ := svc.Upcoming(ctx, 50)
	feed := fair.ICS(events, "https://cho-ocop.vn", "Hội chợ OCOP")
	for i, line := range strings.Split(strings.TrimSuffix(feed, "\r\n"), "\r\n") {
		if len(line) > 75 || !utf8.ValidString(line) {
			t.Errorf("line %d is %d octets or cuts a character (RFC 5545 folds at 75, between characters): %q", i+1, len(line), line)
		}
	}
	cal, err := ics.ParseCalendar(strings.NewReader(feed))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(cal.Events()); got != 3 {
		t.Fatalf("%d events in the feed", got)
	}
	for _, ev := range cal.Events() {
		start, err1 := ev.GetStartAt()
		end, err2 := ev.GetEndAt()
		if err1 != nil || err2 != nil || !end.After(start) || ev.GetProperty(ics.ComponentPropertyDtstamp) == nil {
			t.Errorf("%s: %v–%v %v %v", ev.Id(), start, end, err1, err2)
		}
		if ev.Id() == "event-"+strconv.FormatInt(cancelled.ID, 10)+"@cho-ocop.vn" && ev.GetProperty(ics.ComponentPropertyStatus).Value != "CANCELLED" {
			t.Error("the cancelled event is not marked CANCELLED")
		}
	}
}
