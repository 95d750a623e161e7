package storefront

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/showroom"
	"github.com/ocopvn/ocop/internal/web"
)

// showroomsPage is /diem-ban: the showrooms near a position (the
// browser's, with permission, or a chosen province), filtered by type,
// "open now" and a product they carry. Complete without JavaScript: the
// position button only fills the form's near field.
type showroomsPage struct {
	BasePage
	Filter    showroom.Filter
	Near      string // "lat,lng" as submitted
	Radius    string
	Items     []showroomCard
	Total     int
	Notice    string
	Types     []facetOption
	Provinces []facetOption
	Radii     []facetOption
	Product   string // the carried product's name, when filtered by one
	Map       *mapView
	LiveMap   liveMap
	Prev      string
	Next      string
}

// showroomCard is a showroom in the list.
type showroomCard struct {
	*showroom.Showroom
	TypeName   string
	Open       bool
	Today      string // today's hours, "" when closed all day
	Distance   string // "1,2 km"
	Directions string
}

func (h *Handler) card(s *showroom.Showroom, now time.Time) showroomCard {
	c := showroomCard{Showroom: s, TypeName: showroom.TypeName(s.Type), Open: s.OpenAt(now), Directions: directions(s)}
	var ivs []string
	for _, iv := range s.Hours.Today(now) {
		ivs = append(ivs, iv.String())
	}
	c.Today = strings.Join(ivs, ", ")
	if s.DistanceKm != nil {
		c.Distance = km(*s.DistanceKm)
	}
	return c
}

// km writes a distance the Vietnamese way: "850 m", "1,2 km", "37 km".
func km(d float64) string {
	switch {
	case d < 1:
		return strconv.Itoa(int(math.Round(d*100))*10) + " m"
	case d < 10:
		return strings.Replace(strconv.FormatFloat(d, 'f', 1, 64), ".", ",", 1) + " km"
	}
	return strconv.Itoa(int(math.Round(d))) + " km"
}

// directions is a maps link that routes to the showroom.
func directions(s *showroom.Showroom) string {
	return "https://www.google.com/maps/dir/?api=1&destination=" + url.QueryEscape(fmt.Sprintf("%.6f,%.6f", s.Lat, s.Lng))
}

func (h *Handler) listShowrooms(c *fiber.Ctx) error {
	p := showroomsPage{BasePage: h.site.Base(c, T("showrooms.title")+" – "+T("site.name"), T("showrooms.description")),
		Near: c.Query("near"), Radius: c.Query("radius_km")}
	h.withCrumbs(&p.BasePage, Crumb{Name: T("showrooms.title")})
	f, err := showroom.ParseQuery(func(k string) string { return c.Query(k) })
	var ae *apperr.Error
	if errors.As(err, &ae) {
		// a bad parameter is dropped with a notice, never a dead end
		p.Notice = ae.Message
		f, p.Near, p.Radius = showroom.Filter{}, "", ""
	} else if err != nil {
		return err
	}
	p.Filter = f
	page, err := h.showrooms.Search(c.UserContext(), f)
	if errors.As(err, &ae) {
		p.Notice = ae.Message
		f.Product, p.Product = "", ""
		page, err = h.showrooms.Search(c.UserContext(), showroom.Filter{})
	}
	if err != nil {
		return err
	}
	p.Product = page.ProductName
	now := h.showrooms.Now()
	for _, s := range page.Items {
		p.Items = append(p.Items, h.card(s, now))
	}
	p.Total = page.Total
	for _, t := range showroom.Types {
		p.Types = append(p.Types, facetOption{Value: t.Code, Label: t.Name, Selected: f.Type == t.Code})
	}
	v, err := h.catalog.View(c.UserContext())
	if err != nil {
		return err
	}
	for _, pr := range v.Reference().ProvincesVI {
		p.Provinces = append(p.Provinces, facetOption{Value: pr.Code, Label: pr.Name, Selected: f.Province == pr.Code})
	}
	for _, r := range []int{5, 10, 20, 50, 100, 200} {
		p.Radii = append(p.Radii, facetOption{Value: strconv.Itoa(r), Label: strconv.Itoa(r) + " km", Selected: p.Radius == strconv.Itoa(r) || (p.Radius == "" && r == 50)})
	}
	p.Map = showroomMap(p.Items, f.Near)
	if len(p.Items) > 0 {
		p.LiveMap = h.liveMap
		h.liveMap.allow(c)
		if f.Near != nil {
			p.LiveMap.You = strconv.FormatFloat(f.Near.Lat, 'f', 5, 64) + "," + strconv.FormatFloat(f.Near.Lng, 'f', 5, 64)
		}
	}
	q := c.Queries()
	if page.Page > 1 {
		p.Prev = pageURL("/diem-ban", q, page.Page-1)
	}
	if page.Page*page.PerPage < page.Total {
		p.Next = pageURL("/diem-ban", q, page.Page+1)
	}
	return h.site.Render(c, "showrooms", p)
}

func pageURL(path string, q map[string]string, n int) string {
	v := url.Values{}
	for k, x := range q {
		if k != "page" && x != "" {
			v.Set(k, x)
		}
	}
	v.Set("page", strconv.Itoa(n))
	return path + "?" + v.Encode()
}

// showroomPage is /diem-ban/{slug}.
type showroomPage struct {
	BasePage
	Card     showroomCard
	Week     []showroomDay
	Upcoming []showroomException
	Products []showroom.Carried
	Phone    string // as dialled in Vietnam
	Zalo     string
	Area     string // "120 m²"
	Dates    string // a pop-up's "06/02/2026 – 11/02/2026"
	// Compliant is the date of the latest inspection when it passed every
	// criterion of 950/QĐ-BCT ("" otherwise: no badge)
	Compliant string
	Photos    []catalog.Image
	Operator  showroom.OperatorProducer
	LiveMap   liveMap
}

// liveMap is what the interactive map (the vendored Leaflet and map.js)
// needs: the tile URL template, its attribution and the CSP that lets
// the tiles load. Without tiles the pages keep the server's SVG.
type liveMap struct {
	Tiles, Attribution string
	You                string // "lat,lng" of the shopper, when known
	csp                string
}

// newLiveMap checks nothing: config.Load has checked tiles.
func newLiveMap(tiles, attribution string) liveMap {
	if tiles == "" {
		return liveMap{}
	}
	u, err := url.Parse(strings.NewReplacer("{s}", "tile-subdomain", "{z}", "0", "{x}", "0", "{y}", "0", "{r}", "").Replace(tiles))
	if err != nil || u.Host == "" {
		return liveMap{}
	}
	origin := u.Scheme + "://" + strings.Replace(u.Host, "tile-subdomain", "*", 1)
	return liveMap{Tiles: tiles, Attribution: attribution, csp: web.ContentSecurityPolicyWithImages(origin)}
}

// allow sets the page's CSP to let the map's tiles load.
func (m liveMap) allow(c *fiber.Ctx) {
	if m.csp != "" {
		c.Set(fiber.HeaderContentSecurityPolicy, m.csp)
	}
}

type showroomException struct{ Date, Hours, Note string }

type showroomDay struct {
	Name  string
	Hours string // "" when closed
	Today bool
}

func (h *Handler) showShowroom(c *fiber.Ctx) error {
	s, err := h.showrooms.Get(c.UserContext(), c.Params("slug"))
	if errors.Is(err, showroom.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	carried, err := h.showrooms.Products(c.UserContext(), s.ID)
	if err != nil {
		return err
	}
	now := h.showrooms.Now()
	p := showroomPage{BasePage: h.site.Base(c, s.Name+" – "+T("site.name"), showroom.TypeName(s.Type)+" · "+s.FullAddress()),
		Card: h.card(s, now), Products: carried, Phone: localPhone(s.Phone), Zalo: strings.TrimPrefix(s.Zalo, "+84")}
	if p.Zalo != "" {
		p.Zalo = "0" + p.Zalo
	}
	h.withCrumbs(&p.BasePage, Crumb{Name: T("showrooms.title"), URL: "/diem-ban"}, Crumb{Name: s.Name})
	today := (int(now.In(showroom.Vietnam).Weekday()) + 6) % 7
	for i, ivs := range s.Hours.Week {
		var parts []string
		for _, iv := range ivs {
			parts = append(parts, iv.String())
		}
		p.Week = append(p.Week, showroomDay{Name: showroom.DayNames[i], Hours: strings.Join(parts, ", "), Today: i == today})
	}
	for _, e := range s.Hours.Exceptions {
		var parts []string
		for _, iv := range e.Intervals {
			parts = append(parts, iv.String())
		}
		p.Upcoming = append(p.Upcoming, showroomException{Date: e.Date.Format("02/01/2006"), Hours: strings.Join(parts, ", "), Note: e.Note})
	}
	if s.AreaM2 != nil {
		p.Area = strings.Replace(strconv.FormatFloat(*s.AreaM2, 'f', -1, 64), ".", ",", 1) + " m²"
	}
	if s.ValidFrom != nil && s.ValidTo != nil {
		p.Dates = s.ValidFrom.Format("02/01/2006") + " – " + s.ValidTo.Format("02/01/2006")
	}
	latest, err := h.showrooms.Latest(c.UserContext(), s.ID)
	if err != nil {
		return err
	}
	if latest != nil && latest.Passed {
		p.Compliant = latest.InspectedOn.Format("02/01/2006")
	}
	photos, err := h.showrooms.Photos(c.UserContext(), s.ID)
	if err != nil {
		return err
	}
	for i, ph := range photos {
		p.Photos = append(p.Photos, catalog.NewImage(ph.Variants, ph.Alt, s.Name+" – "+T("showrooms.photo")+" "+strconv.Itoa(i+1)))
	}
	p.Operator = s.Operator
	p.LiveMap = h.liveMap
	h.liveMap.allow(c)
	ld := h.storeLD(s, p.Canonical)
	if len(p.Photos) > 0 {
		var imgs []string
		for _, im := range p.Photos {
			imgs = append(imgs, h.site.BaseURL()+im.URL)
		}
		ld["image"] = imgs
	}
	p.JSONLD = append(p.JSONLD, ld)
	return h.site.Render(c, "showroom", p)
}

// storeLD is the schema.org Store of a showroom, with its position and
// opening hours.
func (h *Handler) storeLD(s *showroom.Showroom, canonical string) map[string]any {
	store := map[string]any{"@context": "https://schema.org", "@type": "Store", "name": s.Name, "url": canonical,
		"address": postalAddress(s.Address, s.ProvinceName),
		"geo":     map[string]any{"@type": "GeoCoordinates", "latitude": s.Lat, "longitude": s.Lng}}
	if s.Phone != "" {
		store["telephone"] = s.Phone
	}
	var specs []map[string]any
	for i, ivs := range s.Hours.Week {
		for _, iv := range ivs {
			specs = append(specs, map[string]any{"@type": "OpeningHoursSpecification", "dayOfWeek": "https://schema.org/" + schemaDay(i),
				"opens": fmt.Sprintf("%02d:%02d", iv.Opens/60, iv.Opens%60), "closes": fmt.Sprintf("%02d:%02d", iv.Closes/60, iv.Closes%60)})
		}
	}
	if len(specs) > 0 {
		store["openingHoursSpecification"] = specs
	}
	return store
}

func schemaDay(i int) string {
	return [7]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}[i]
}

// mapView is the showrooms (and the shopper's position) as points of an
// equirectangular view of their box, drawn by the page as an SVG: a map
// without a tile server, for phones offline or a site without a map key.
type mapView struct {
	W, H   float64
	You    *mapPoint
	Points []mapPoint
}

type mapPoint struct {
	X, Y  float64
	N     int // the showroom's number in the list
	TextY float64
}

func showroomMap(cards []showroomCard, near *showroom.Point) *mapView {
	if len(cards) == 0 {
		return nil
	}
	minLat, maxLat, minLng, maxLng := 90.0, -90.0, 180.0, -180.0
	add := func(lat, lng float64) {
		minLat, maxLat = math.Min(minLat, lat), math.Max(maxLat, lat)
		minLng, maxLng = math.Min(minLng, lng), math.Max(maxLng, lng)
	}
	for _, c := range cards {
		add(c.Lat, c.Lng)
	}
	if near != nil {
		add(near.Lat, near.Lng)
	}
	// at least ~2 km across, and a margin
	padLat := math.Max((maxLat-minLat)*0.1, 0.01)
	padLng := math.Max((maxLng-minLng)*0.1, 0.01)
	minLat, maxLat, minLng, maxLng = minLat-padLat, maxLat+padLat, minLng-padLng, maxLng+padLng
	m := &mapView{W: 320, H: 240}
	kx := math.Cos((minLat + maxLat) / 2 * math.Pi / 180)
	scale := math.Min(m.W/((maxLng-minLng)*kx), m.H/(maxLat-minLat))
	x := func(lng float64) float64 {
		return math.Round(((lng-minLng)*kx*scale+(m.W-(maxLng-minLng)*kx*scale)/2)*10) / 10
	}
	y := func(lat float64) float64 {
		return math.Round(((maxLat-lat)*scale+(m.H-(maxLat-minLat)*scale)/2)*10) / 10
	}
	if near != nil {
		m.You = &mapPoint{X: x(near.Lng), Y: y(near.Lat)}
	}
	for i, c := range cards {
		m.Points = append(m.Points, mapPoint{X: x(c.Lng), Y: y(c.Lat), N: i + 1, TextY: y(c.Lat) + 3.5})
	}
	return m
}

// carryingCache keeps which showrooms carry a product or a producer's
// products for a short while: a product page is served from memory, and
// a showroom's list changes a few times a year.
type carryingCache struct {
	m sync.Map // key -> carryingEntry
}

type carryingEntry struct {
	at    time.Time
	value carryingView
}

// carryingView is the "sold at" block of a product or producer page.
type carryingView struct {
	Total int
	Items []showroomCard
	More  string // the list of them all
}

const carryingTTL = 30 * time.Second

// carrying returns the showrooms that carry the product (kind "p") or
// the producer's products ("r") with slug, those of province first.
func (h *Handler) carrying(c *fiber.Ctx, kind, slug, province string) *carryingView {
	if h.showrooms == nil {
		return nil
	}
	key := kind + ":" + slug
	now := h.showrooms.Now()
	if e, ok := h.carryingCache.m.Load(key); ok && now.Sub(e.(carryingEntry).at) < carryingTTL {
		v := e.(carryingEntry).value
		return &v
	}
	get := h.showrooms.CarryingProduct
	more := "/diem-ban?product=" + url.QueryEscape(slug)
	if kind == "r" {
		get, more = h.showrooms.CarryingProducer, ""
	}
	found, err := get(c.UserContext(), slug, province, 3)
	if err != nil {
		// the block is a help, not the page: leave it out
		return nil
	}
	v := carryingView{Total: found.Total, More: more}
	for _, s := range found.Items {
		v.Items = append(v.Items, h.card(s, now))
	}
	h.carryingCache.m.Store(key, carryingEntry{at: now, value: v})
	return &v
}
