package storefront

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/ocopvn/ocop/internal/web"

	"github.com/ocopvn/ocop/internal/fair"
	"github.com/ocopvn/ocop/internal/vntext"
)

// The fairs' pages: /hoi-cho (upcoming or past events by province and
// month), /hoi-cho/{slug} (dates, venue, booth types, the floor plan as
// an accessible SVG and a list), and the calendar feeds.

type fairsPage struct {
	BasePage
	Items     []fairCard
	Total     int
	Past      bool
	Notice    string
	Provinces []facetOption
	Kinds     []facetOption
	Month     string
	Prev      string
	Next      string
	Feed      string
}

// fairCard is an event as the pages show it.
type fairCard struct {
	*fair.Event
	KindName   string
	Dates      string // "26/01 – 31/01/2027"
	Phase      string // upcoming | ongoing | past | cancelled
	Status     string
	Register   bool // registration open today
	Directions string
}

func (h *Handler) fairCard(e *fair.Event, now time.Time) fairCard {
	c := fairCard{Event: e, KindName: fair.KindName(e.Kind), Dates: dateRange(e.StartsOn, e.EndsOn), Phase: e.Phase(now),
		Status: fair.StatusNames[e.Status], Register: e.RegistrationOpenAt(now)}
	switch {
	case e.Lat != nil && e.Lng != nil:
		c.Directions = "https://www.google.com/maps/dir/?api=1&destination=" + url.QueryEscape(fmt.Sprintf("%.6f,%.6f", *e.Lat, *e.Lng))
	case e.VenueName != "":
		c.Directions = "https://www.google.com/maps/dir/?api=1&destination=" + url.QueryEscape(strings.Join(nonEmpty(e.VenueName, e.VenueAddress, e.ProvinceName), ", "))
	}
	return c
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// dateRange writes two dates the Vietnamese way, the year once.
func dateRange(a, b time.Time) string {
	switch {
	case a.Equal(b):
		return a.Format("02/01/2006")
	case a.Year() == b.Year():
		return a.Format("02/01") + " – " + b.Format("02/01/2006")
	}
	return a.Format("02/01/2006") + " – " + b.Format("02/01/2006")
}

func (h *Handler) listFairs(c *fiber.Ctx) error {
	p := fairsPage{BasePage: h.site.Base(c, T("fairs.title")+" – "+T("site.name"), T("fairs.description")), Feed: "/hoi-cho/lich.ics"}
	h.withCrumbs(&p.BasePage, Crumb{Name: T("fairs.title")})
	f, err := fair.ParseFilter(func(k string) string { return c.Query(k) })
	if errors.Is(err, fair.ErrFilter) {
		// a bad parameter is dropped with a notice, never a dead end
		p.Notice, f = fair.ErrFilter.Message, fair.Filter{}
	} else if err != nil {
		return err
	}
	p.Past, p.Month = f.Past, f.Month
	page, err := h.fairs.List(c.UserContext(), f)
	if err != nil {
		return err
	}
	now := h.fairs.Now()
	for _, e := range page.Items {
		p.Items = append(p.Items, h.fairCard(e, now))
	}
	p.Total = page.Total
	v, err := h.catalog.View(c.UserContext())
	if err != nil {
		return err
	}
	for _, pr := range v.Reference().ProvincesVI {
		p.Provinces = append(p.Provinces, facetOption{Value: pr.Code, Label: pr.Name, Selected: f.Province == pr.Code})
	}
	for _, k := range fair.Kinds {
		p.Kinds = append(p.Kinds, facetOption{Value: k.Code, Label: k.Name, Selected: f.Kind == k.Code})
	}
	q := c.Queries()
	if page.Page > 1 {
		p.Prev = pageURL("/hoi-cho", q, page.Page-1)
	}
	if page.Page*page.PerPage < page.Total {
		p.Next = pageURL("/hoi-cho", q, page.Page+1)
	}
	return h.site.Render(c, "fairs", p)
}

type fairPage struct {
	BasePage
	Card        fairCard
	Paragraphs  []string
	Hours       string
	Window      string // registration window
	MoveIn      string
	MoveOut     string
	Types       []fairBoothType
	Subsidy     string
	Eligibility string
	Plan        *planView
	Feed        string
	Exhibitors  []fair.Exhibitor
	Schedule    []string // each day with its hours, for events of up to two weeks
}

type fairBoothType struct {
	Name  string
	Price string
	Count int
	Color string
}

func (h *Handler) showFair(c *fiber.Ctx) error {
	e, err := h.fairs.Get(c.UserContext(), c.Params("slug"))
	if errors.Is(err, fair.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	now := h.fairs.Now()
	card := h.fairCard(e, now)
	p := fairPage{BasePage: h.site.Base(c, e.Name+" – "+T("site.name"), card.KindName+" · "+card.Dates+" · "+strings.Join(nonEmpty(e.VenueName, e.ProvinceName), ", ")),
		Card: card, Hours: e.Hours(), Feed: "/hoi-cho/" + e.Slug + "/lich.ics"}
	h.withCrumbs(&p.BasePage, Crumb{Name: T("fairs.title"), URL: "/hoi-cho"}, Crumb{Name: e.Name})
	for _, para := range strings.Split(e.Description, "\n") {
		if para = strings.TrimSpace(para); para != "" {
			p.Paragraphs = append(p.Paragraphs, para)
		}
	}
	if e.RegistrationOpensOn != nil && e.RegistrationClosesOn != nil {
		p.Window = dateRange(*e.RegistrationOpensOn, *e.RegistrationClosesOn)
	} else if e.RegistrationClosesOn != nil {
		p.Window = T("fairs.until") + " " + e.RegistrationClosesOn.Format("02/01/2006")
	}
	if e.MoveInAt != nil {
		p.MoveIn = e.MoveInAt.In(fair.Vietnam).Format("15:04 02/01/2006")
	}
	if e.MoveOutUntil != nil {
		p.MoveOut = e.MoveOutUntil.In(fair.Vietnam).Format("15:04 02/01/2006")
	}
	offered, err := h.fairs.Offered(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	zones, err := h.fairs.Zones(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, z := range zones {
		for _, b := range z.Booths {
			if !b.Blocked {
				counts[b.Type]++
			}
		}
	}
	for _, t := range offered {
		price := vntext.VND(t.PriceVND)
		switch {
		case t.PriceVND == 0:
			price = T("fairs.free")
		case t.PerM2:
			price += "/m²"
		}
		p.Types = append(p.Types, fairBoothType{Name: t.Name, Price: price, Count: counts[t.Code], Color: boothColors[t.Code]})
	}
	if e.SubsidyPercent > 0 {
		p.Subsidy = fmt.Sprintf(T("fairs.subsidy_rule"), e.SubsidyPercent)
		if e.SubsidyCapVND != nil {
			p.Subsidy += ", " + T("fairs.subsidy_cap") + " " + vntext.VND(*e.SubsidyCapVND) + " " + T("fairs.per_producer")
		}
		if e.SubsidyLegalBasis != "" {
			p.Subsidy += " (" + e.SubsidyLegalBasis + ")"
		}
	}
	p.Eligibility = fmt.Sprintf(T("fairs.min_star"), e.MinStar)
	if len(e.EligibleProvinces) > 0 {
		v, err := h.catalog.View(c.UserContext())
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, pr := range v.Reference().ProvincesVI {
			names[pr.Code] = pr.Name
		}
		var ps []string
		for _, code := range e.EligibleProvinces {
			ps = append(ps, names[code])
		}
		p.Eligibility += "; " + T("fairs.from_provinces") + " " + strings.Join(ps, ", ")
	}
	p.Eligibility += "; " + fmt.Sprintf(T("fairs.max_booths"), e.MaxBoothsPerProducer)
	if days := int(e.EndsOn.Sub(e.StartsOn).Hours()/24) + 1; days > 1 && days <= 14 {
		for d := range days {
			day := e.StartsOn.AddDate(0, 0, d)
			p.Schedule = append(p.Schedule, weekdays[day.Weekday()]+", "+day.Format("02/01")+": "+e.Hours())
		}
	}
	p.Plan = fairPlan(e, zones)
	if p.Exhibitors, err = h.fairs.Exhibitors(c.UserContext(), e.ID); err != nil {
		return err
	}
	p.JSONLD = append(p.JSONLD, h.eventLD(e, p.Canonical))
	return h.site.Render(c, "fair", p)
}

// eventLD is the schema.org Event of e.
func (h *Handler) eventLD(e *fair.Event, canonical string) map[string]any {
	ld := map[string]any{"@context": "https://schema.org", "@type": "Event", "name": e.Name, "url": canonical,
		"startDate": e.Start().Format(time.RFC3339), "endDate": e.End().Format(time.RFC3339),
		"eventStatus": "https://schema.org/EventScheduled", "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode"}
	if e.Status == fair.Cancelled {
		ld["eventStatus"] = "https://schema.org/EventCancelled"
	}
	if e.Kind == "livestream" {
		ld["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
		ld["location"] = map[string]any{"@type": "VirtualLocation", "url": canonical}
	} else {
		place := map[string]any{"@type": "Place", "name": e.VenueName, "address": postalAddress(strings.Join(nonEmpty(e.VenueAddress, e.CommuneName), ", "), e.ProvinceName)}
		if e.Lat != nil && e.Lng != nil {
			place["geo"] = map[string]any{"@type": "GeoCoordinates", "latitude": *e.Lat, "longitude": *e.Lng}
		}
		ld["location"] = place
	}
	if e.Organizer != "" {
		ld["organizer"] = map[string]any{"@type": "Organization", "name": e.Organizer}
	}
	if e.Description != "" {
		ld["description"] = vntext.Truncate(e.Description, 500)
	}
	return ld
}

// showFairFeed is the calendar feed of one event; showFairsFeed, of every
// event that has not ended.
func (h *Handler) showFairFeed(c *fiber.Ctx) error {
	e, err := h.fairs.Get(c.UserContext(), c.Params("slug"))
	if errors.Is(err, fair.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	return sendICS(c, fair.ICS([]*fair.Event{e}, h.site.BaseURL(), e.Name), e.Slug)
}

func (h *Handler) showFairsFeed(c *fiber.Ctx) error {
	events, err := h.fairs.Upcoming(c.UserContext(), 100)
	if err != nil {
		return err
	}
	return sendICS(c, fair.ICS(events, h.site.BaseURL(), T("fairs.title")), "hoi-cho-ocop")
}

func sendICS(c *fiber.Ctx, body, name string) error {
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+name+`.ics"`)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.SendString(body)
}

// The floor plan drawn on the server: zones one under the other, each a
// grid of 40-unit cells; every booth a labelled shape with a text
// alternative, and the same booths as a list below it.

const cell = 40

var boothColors = map[string]string{"standard": "#dcfce7", "corner": "#fef3c7", "double": "#dbeafe", "raw_space": "#f3e8ff"}

type planView struct {
	W, H  int
	Zones []planZone
}

type planZone struct {
	Code, Name, Theme string
	Y, W, H           int // the zone's frame
	LabelY            int
	Booths            []planBooth
}

type planBooth struct {
	Code, TypeName, Price, Fill string
	X, Y, W, H                  int
	TextX, TextY                int
	Label                       string // the text alternative
	URL                         string // the booth's page, when it has an exhibitor
	Taken                       bool
}

// fairPlan lays out the zones (nil when there is none).
func fairPlan(e *fair.Event, zones []fair.Zone) *planView {
	if len(zones) == 0 {
		return nil
	}
	v := &planView{}
	y := 0
	for _, z := range zones {
		pz := planZone{Code: z.Code, Name: z.Name, Theme: z.Theme, Y: y, W: z.Cols*cell + 16, H: z.Rows*cell + 40, LabelY: y + 20}
		for _, b := range z.Booths {
			bt := boothTypeName(b.Type)
			price := vntext.VND(b.PriceVND)
			if b.PriceVND == 0 {
				price = T("fairs.free")
			}
			pb := planBooth{Code: b.Code, TypeName: bt, Price: price, Fill: boothColors[b.Type],
				X: 8 + b.X*cell + 2, Y: y + 32 + b.Y*cell + 2, W: b.W*cell - 4, H: b.H*cell - 4}
			pb.TextX, pb.TextY = pb.X+pb.W/2, pb.Y+pb.H/2+4
			pb.Label = b.Code + ": " + bt + ", " + price + ", " + T("fairs.booth_free")
			if b.Held {
				pb.Label, pb.Fill = b.Code+": "+bt+", "+T("fairs.booth_held"), "#fde68a"
			}
			if b.Exhibitor != "" {
				pb.Label, pb.URL, pb.Taken, pb.Fill = b.Code+": "+b.Exhibitor, "/hoi-cho/"+e.Slug+"/gian/"+b.Code, true, "#1b5e20"
			}
			if b.Blocked {
				pb.Fill, pb.Label = "#e5e7eb", b.Code+": "+T("fairs.booth_blocked")
			}
			pz.Booths = append(pz.Booths, pb)
		}
		v.Zones = append(v.Zones, pz)
		v.W = max(v.W, pz.W)
		y += pz.H + 12
	}
	v.H = y
	return v
}

func boothTypeName(code string) string {
	for _, t := range fair.BoothTypes {
		if t.Code == code {
			return t.Name
		}
	}
	return code
}

// fairPaths lists the public events' pages, for the sitemap.
func (h *Handler) fairPaths(c *fiber.Ctx) ([]string, error) {
	if h.fairs == nil {
		return nil, nil
	}
	var out []string
	for _, past := range []bool{false, true} {
		p, err := h.fairs.List(c.UserContext(), fair.Filter{Past: past, PerPage: 100})
		if err != nil {
			return nil, err
		}
		for _, e := range p.Items {
			out = append(out, "/hoi-cho/"+e.Slug)
		}
	}
	return out, nil
}

type boothPage struct {
	BasePage
	Card      fairCard
	Code      string
	Exhibitor *fair.Exhibitor
	QR        string // the booth page's address the QR carries
	Hours     string
	// CheckIn, for the event's trade promotion staff who scanned the
	// booth's QR: the form that confirms the exhibitor is in
	CheckIn string
}

// boothOf reads :slug and :code: a public event and a booth with an
// exhibitor (anything else is 404).
func (h *Handler) boothOf(c *fiber.Ctx) (*fair.Event, *fair.Exhibitor, string, error) {
	e, err := h.fairs.Get(c.UserContext(), c.Params("slug"))
	if errors.Is(err, fair.ErrNotFound) {
		return nil, nil, "", errNotFound
	}
	if err != nil {
		return nil, nil, "", err
	}
	code := strings.ToUpper(c.Params("code"))
	x, err := h.fairs.AtBooth(c.UserContext(), e.ID, code)
	if errors.Is(err, fair.ErrNotFound) {
		return nil, nil, "", errNotFound
	}
	return e, x, code, err
}

// showBooth is a booth's page, where its QR leads: the producer, its
// products at the fair and its storefront.
func (h *Handler) showBooth(c *fiber.Ctx) error {
	e, x, code, err := h.boothOf(c)
	if err != nil {
		return err
	}
	card := h.fairCard(e, h.fairs.Now())
	p := boothPage{BasePage: h.site.Base(c, T("fairs.booth")+" "+code+" · "+x.ProducerName+" – "+e.Name, x.ProducerName+" "+T("fairs.at")+" "+e.Name+", "+T("fairs.booth")+" "+code),
		Card: card, Code: code, Exhibitor: x, QR: h.site.BaseURL() + "/hoi-cho/" + e.Slug + "/gian/" + code, Hours: e.Hours()}
	h.withCrumbs(&p.BasePage, Crumb{Name: T("fairs.title"), URL: "/hoi-cho"}, Crumb{Name: e.Name, URL: "/hoi-cho/" + e.Slug}, Crumb{Name: T("fairs.booth") + " " + code})
	if c.Query("in") == "1" {
		return h.site.Render(c, "fair_card", p)
	}
	if me := web.CurrentUser(c); me != nil && (me.IsAdmin() || slices.Contains(me.TradePromotion, e.ProvinceCode)) && !x.CheckedIn {
		p.CheckIn, p.CSRF = "/quan-tri/hoi-cho/"+strconv.FormatInt(e.ID, 10)+"/nhan-gian", web.CSRFToken(c)
		c.Set(fiber.HeaderCacheControl, "private, no-store")
	}
	return h.site.Render(c, "fair_booth", p)
}

// showBoothQR is the QR of a booth's page, as SVG or a 512-pixel PNG.
func (h *Handler) showBoothQR(c *fiber.Ctx) error {
	e, _, code, err := h.boothOf(c)
	if err != nil {
		return err
	}
	q, err := qrcode.New(h.site.BaseURL()+"/hoi-cho/"+e.Slug+"/gian/"+code, qrcode.Medium)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	if strings.HasSuffix(c.Path(), ".png") {
		b, err := q.PNG(512)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "image/png")
		return c.Send(b)
	}
	c.Set(fiber.HeaderContentType, "image/svg+xml")
	return c.Send(QRSVG(q))
}

// meetUs is an upcoming fair where a producer (or one of its products)
// is exhibited: "Gặp chúng tôi tại …".
type meetUs struct {
	Name, URL, Dates string
	Booths           []string
}

// meetUs lists the upcoming fairs of a producer (and product, when not
// empty), kept 30 s like the showrooms' block: the block is a help, so a
// failure leaves it out.
func (h *Handler) meetUs(c *fiber.Ctx, producerSlug, productSlug string) []meetUs {
	if h.fairs == nil {
		return nil
	}
	key := "f:" + producerSlug + "/" + productSlug
	now := h.fairs.Now()
	if e, ok := h.carryingCache.m.Load(key); ok && now.Sub(e.(meetUsEntry).at) < carryingTTL {
		return e.(meetUsEntry).value
	}
	found, err := h.fairs.AppearancesOf(c.UserContext(), producerSlug, productSlug)
	if err != nil {
		return nil
	}
	var out []meetUs
	for _, a := range found {
		out = append(out, meetUs{Name: a.Name, URL: "/hoi-cho/" + a.Slug, Dates: dateRange(a.StartsOn, a.EndsOn), Booths: a.Booths})
	}
	h.carryingCache.m.Store(key, meetUsEntry{at: now, value: out})
	return out
}

type meetUsEntry struct {
	at    time.Time
	value []meetUs
}

// promoView is a running promotion as the product page shows it.
type promoView struct {
	Name     string
	Price    int64
	List     int64
	Discount string // "−20%" or "−50.000 ₫"
	Until    string // "20:00 06/02/2027"
}

// offer is the promotion of the product with slug at price now (nil:
// none, or the promotions cannot be read: the list price stands; the
// checkout decides the price on its own).
func (h *Handler) offer(c *fiber.Ctx, slug string, price int64) *promoView {
	return h.offerOf(c.UserContext(), slug, price)
}

func (h *Handler) offerOf(ctx context.Context, slug string, price int64) *promoView {
	if h.fairs == nil {
		return nil
	}
	o, err := h.fairs.Offer(ctx, slug, price)
	if err != nil || o == nil {
		return nil
	}
	v := &promoView{Name: o.Name, Price: o.PriceVND, List: o.ListPriceVND, Until: o.EndsAt.In(fair.Vietnam).Format("15:04 02/01/2006"),
		Discount: "−" + vntext.VND(o.ListPriceVND-o.PriceVND)}
	if o.Kind == fair.KindPercent {
		v.Discount = fmt.Sprintf("−%d%%", o.Value)
	}
	return v
}

func offerPrice(o *promoView, price int64) int64 {
	if o != nil {
		return o.Price
	}
	return price
}

var weekdays = [...]string{"Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}
