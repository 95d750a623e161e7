package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/fair"
)

// eventItem is an event in the API's lists.
type eventItem struct {
	Slug                 string     `json:"slug"`
	Name                 string     `json:"name"`
	Kind                 string     `json:"kind"`
	Status               string     `json:"status"`
	StartsOn             string     `json:"starts_on"`
	EndsOn               string     `json:"ends_on"`
	Hours                string     `json:"hours"`
	Venue                eventVenue `json:"venue"`
	RegistrationOpensOn  *string    `json:"registration_opens_on"`
	RegistrationClosesOn *string    `json:"registration_closes_on"`
	RegistrationOpen     bool       `json:"registration_open"`
	BoothsTotal          int        `json:"booths_total"`
	BoothsFree           int        `json:"booths_free"`
}

type eventVenue struct {
	Name         string   `json:"name"`
	Address      string   `json:"address"`
	ProvinceCode string   `json:"province_code"`
	CommuneCode  string   `json:"commune_code"`
	Lat          *float64 `json:"lat"`
	Lng          *float64 `json:"lng"`
}

func dateOrNil(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

func toEventItem(e *fair.Event, now time.Time) eventItem {
	return eventItem{Slug: e.Slug, Name: e.Name, Kind: e.Kind, Status: e.Status, StartsOn: e.StartsOn.Format(time.DateOnly),
		EndsOn: e.EndsOn.Format(time.DateOnly), Hours: e.Hours(),
		Venue:               eventVenue{Name: e.VenueName, Address: e.VenueAddress, ProvinceCode: e.ProvinceCode, CommuneCode: e.CommuneCode, Lat: e.Lat, Lng: e.Lng},
		RegistrationOpensOn: dateOrNil(e.RegistrationOpensOn), RegistrationClosesOn: dateOrNil(e.RegistrationClosesOn),
		RegistrationOpen: e.RegistrationOpenAt(now), BoothsTotal: e.BoothsTotal, BoothsFree: e.BoothsFree}
}

// listEvents is GET /api/v1/events: upcoming and ongoing events, soonest
// first (province, kind, from, to; past=1 for ended ones, latest first).
func (h *handler) listEvents(c *fiber.Ctx) error {
	f, err := fair.ParseFilter(func(k string) string {
		if k == "qua" {
			k = "past"
		}
		return c.Query(k)
	})
	if err != nil {
		return err
	}
	p, err := h.fairs.List(c.UserContext(), f)
	if err != nil {
		return err
	}
	now := h.fairs.Now()
	items := make([]eventItem, 0, len(p.Items))
	for _, e := range p.Items {
		items = append(items, toEventItem(e, now))
	}
	return c.JSON(fiber.Map{"items": items, "total": p.Total, "page": p.Page, "per_page": p.PerPage})
}

type eventZone struct {
	Code   string       `json:"code"`
	Name   string       `json:"name"`
	Theme  string       `json:"theme"`
	Cols   int          `json:"cols"`
	Rows   int          `json:"rows"`
	Booths []eventBooth `json:"booths"`
}

type eventBooth struct {
	Code     string  `json:"code"`
	Type     string  `json:"type"`
	X        int     `json:"x"`
	Y        int     `json:"y"`
	AreaM2   float64 `json:"area_m2"`
	PriceVND int64   `json:"price_vnd"`
	Free     bool    `json:"free"`
}

type eventBoothType struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	PriceVND int64  `json:"price_vnd"`
	PerM2    bool   `json:"per_m2"`
}

// showEvent is GET /api/v1/events/{slug}.
func (h *handler) showEvent(c *fiber.Ctx) error {
	e, err := h.fairs.Get(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	zones, err := h.fairs.Zones(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	offered, err := h.fairs.Offered(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	zs := make([]eventZone, 0, len(zones))
	for _, z := range zones {
		ez := eventZone{Code: z.Code, Name: z.Name, Theme: z.Theme, Cols: z.Cols, Rows: z.Rows, Booths: []eventBooth{}}
		for _, b := range z.Booths {
			if b.Blocked {
				continue
			}
			ez.Booths = append(ez.Booths, eventBooth{Code: b.Code, Type: b.Type, X: b.X, Y: b.Y, AreaM2: b.AreaM2, PriceVND: b.PriceVND, Free: b.Exhibitor == "" && !b.Held})
		}
		zs = append(zs, ez)
	}
	types := make([]eventBoothType, 0, len(offered))
	for _, t := range offered {
		types = append(types, eventBoothType{Code: t.Code, Name: t.Name, PriceVND: t.PriceVND, PerM2: t.PerM2})
	}
	exhibitors, err := h.fairs.Exhibitors(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	ex := make([]fiber.Map, 0, len(exhibitors))
	for _, x := range exhibitors {
		products := make([]string, 0, len(x.Products))
		for _, p := range x.Products {
			products = append(products, p.Slug)
		}
		for _, code := range x.Booths {
			ex = append(ex, fiber.Map{"producer": fiber.Map{"slug": x.ProducerSlug, "name": x.ProducerName}, "booth_code": code, "products": products})
		}
	}
	subsidy := fiber.Map{"percent": e.SubsidyPercent, "cap_vnd": e.SubsidyCapVND, "legal_basis": e.SubsidyLegalBasis}
	return c.JSON(fiber.Map{
		"event": toEventItem(e, h.fairs.Now()), "organizer": e.Organizer, "description": e.Description, "cancel_reason": e.CancelReason,
		"eligibility": fiber.Map{"min_star": e.MinStar, "provinces": e.EligibleProvinces, "groups": e.EligibleGroups, "max_booths_per_producer": e.MaxBoothsPerProducer},
		"subsidy":     subsidy, "zones": zs, "booth_types": types, "exhibitors": ex,
	})
}
