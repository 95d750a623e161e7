package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/showroom"
)

// showroomItem is a showroom in the API's lists.
type showroomItem struct {
	Slug         string   `json:"slug"`
	Code         string   `json:"code"`
	Name         string   `json:"name"`
	Type         string   `json:"type"`
	Address      string   `json:"address"`
	ProvinceCode string   `json:"province_code"`
	CommuneCode  string   `json:"commune_code"`
	Lat          float64  `json:"lat"`
	Lng          float64  `json:"lng"`
	Approximate  bool     `json:"approximate"`
	DistanceKm   *float64 `json:"distance_km,omitempty"`
	OpenNow      bool     `json:"open_now"`
	Phone        string   `json:"phone"`
}

func toShowroomItem(s *showroom.Showroom, now time.Time) showroomItem {
	it := showroomItem{Slug: s.Slug, Code: s.Code, Name: s.Name, Type: s.Type, Address: s.FullAddress(), ProvinceCode: s.ProvinceCode,
		CommuneCode: s.CommuneCode, Lat: s.Lat, Lng: s.Lng, Approximate: s.Approximate, OpenNow: s.OpenAt(now), Phone: s.Phone}
	if s.DistanceKm != nil {
		d := float64(int(*s.DistanceKm*100+0.5)) / 100
		it.DistanceKm = &d
	}
	return it
}

// listShowrooms is GET /api/v1/showrooms.
func (h *handler) listShowrooms(c *fiber.Ctx) error {
	f, err := showroom.ParseQuery(func(k string) string { return c.Query(k) })
	if err != nil {
		return err
	}
	p, err := h.showrooms.Search(c.UserContext(), f)
	if err != nil {
		return err
	}
	now := h.showrooms.Now()
	items := make([]showroomItem, 0, len(p.Items))
	for _, s := range p.Items {
		items = append(items, toShowroomItem(s, now))
	}
	return c.JSON(fiber.Map{"items": items, "total": p.Total, "page": p.Page, "per_page": p.PerPage})
}

// showroomDay is a weekday's hours.
type showroomDay struct {
	Weekday   int      `json:"weekday"` // 1 Monday … 7 Sunday
	Name      string   `json:"name"`
	Intervals []string `json:"intervals"`
}

// showroomException is a day unlike the week.
type showroomException struct {
	Date      string   `json:"date"`
	Intervals []string `json:"intervals"` // empty: closed
	Note      string   `json:"note"`
}

type carriedProduct struct {
	Slug         string `json:"slug"`
	Name         string `json:"name"`
	Star         int    `json:"star"`
	ProducerName string `json:"producer_name"`
	InStock      bool   `json:"in_stock"`
}

// showShowroom is GET /api/v1/showrooms/{slug}.
func (h *handler) showShowroom(c *fiber.Ctx) error {
	s, err := h.showrooms.Get(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	carried, err := h.showrooms.Products(c.UserContext(), s.ID)
	if err != nil {
		return err
	}
	days := make([]showroomDay, 7)
	for i, ivs := range s.Hours.Week {
		days[i] = showroomDay{Weekday: i + 1, Name: showroom.DayNames[i], Intervals: intervals(ivs)}
	}
	exceptions := []showroomException{}
	for _, e := range s.Hours.Exceptions {
		exceptions = append(exceptions, showroomException{Date: e.Date.Format(time.DateOnly), Intervals: intervals(e.Intervals), Note: e.Note})
	}
	products := make([]carriedProduct, 0, len(carried))
	for _, p := range carried {
		products = append(products, carriedProduct(p))
	}
	var validFrom, validTo *string
	if s.ValidFrom != nil {
		v := s.ValidFrom.Format(time.DateOnly)
		validFrom = &v
	}
	if s.ValidTo != nil {
		v := s.ValidTo.Format(time.DateOnly)
		validTo = &v
	}
	latest, err := h.showrooms.Latest(c.UserContext(), s.ID)
	if err != nil {
		return err
	}
	var inspection any // null until one is recorded
	if latest != nil {
		criteria := make([]fiber.Map, 0, len(showroom.Criteria))
		for _, cr := range showroom.Criteria {
			criteria = append(criteria, fiber.Map{"code": cr.Code, "group": cr.Group, "text": cr.Text, "met": latest.Results[cr.Code]})
		}
		inspection = fiber.Map{"date": latest.InspectedOn.Format(time.DateOnly), "passed": latest.Passed, "criteria": criteria}
	}
	photos, err := h.showrooms.Photos(c.UserContext(), s.ID)
	if err != nil {
		return err
	}
	images := make([]fiber.Map, 0, len(photos))
	for _, ph := range photos {
		im := catalog.NewImage(ph.Variants, ph.Alt, s.Name)
		images = append(images, fiber.Map{"url": im.URL, "alt": im.Alt, "width": im.Width, "height": im.Height})
	}
	operator := fiber.Map{"name": s.OperatorName, "kind": s.OperatorKind, "producer_slug": nil}
	if s.Operator.Slug != "" {
		operator["producer_slug"] = s.Operator.Slug
	}
	return c.JSON(fiber.Map{
		"showroom": toShowroomItem(s, h.showrooms.Now()), "operator": operator, "images": images,
		"status": s.Status, "zalo": s.Zalo, "email": s.Email, "area_m2": s.AreaM2, "valid_from": validFrom, "valid_to": validTo,
		"hours_text": s.HoursText, "hours": days, "exceptions": exceptions, "products": products,
		"latest_inspection": inspection,
	})
}

func intervals(ivs []showroom.Interval) []string {
	out := make([]string, 0, len(ivs))
	for _, iv := range ivs {
		out = append(out, iv.String())
	}
	return out
}
