package admin

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/fair"
	"github.com/ocopvn/ocop/internal/vntext"
)

// The producer's fairs (/quan-ly/{producer}/hoi-cho): the events taking
// booth registrations, the producer's applications with their fee,
// subsidy, payable amount, status and booths, the application form and
// the withdrawal.

type boFairsPage struct {
	BasePage
	Nav    BackofficeNav
	Notice string
	Open   []*fair.Event
	Mine   []boApplication
	Offers []boOffer
}

type boOffer struct {
	fair.BoothOffer
	Until string
}

type boApplication struct {
	*fair.Application
	EventName, EventSlug string
	StatusName           string
	Fee, Subsidy, Pay    string
	Refund               string
	CanWithdraw          bool
}

func toBoApplication(a *fair.Application, e *fair.Event) boApplication {
	b := boApplication{Application: a, StatusName: fair.AppStatusNames[a.Status], Fee: vntext.VND(a.FeeVND), Subsidy: vntext.VND(a.SubsidyVND),
		Pay: vntext.VND(a.PayableVND)}
	if e != nil {
		b.EventName, b.EventSlug = e.Name, e.Slug
	}
	if a.RefundVND > 0 {
		b.Refund = vntext.VND(a.RefundVND)
	}
	switch a.Status {
	case fair.AppCheckedIn, fair.AppCompleted, fair.AppRejected, fair.AppWithdrawn, fair.AppCancelled:
	default:
		b.CanWithdraw = true
	}
	return b
}

func (h *Handler) listProducerFairs(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "fairs")
	if err != nil {
		return err
	}
	p := boFairsPage{BasePage: h.backofficeBase(c, T("bo.fairs")), Nav: nav,
		Notice: map[string]string{"gui": T("bo.fair_applied"), "rut": T("bo.fair_withdrawn"), "nhan": T("bo.fair_offer_taken")}[c.Query("ok")]}
	offers, err := h.fairs.OffersOf(c.UserContext(), nav.Producer.ID)
	if err != nil {
		return err
	}
	for _, o := range offers {
		p.Offers = append(p.Offers, boOffer{BoothOffer: o, Until: o.ExpiresAt.In(fair.Vietnam).Format("15:04 02/01/2006")})
	}
	page, err := h.fairs.List(c.UserContext(), fair.Filter{PerPage: 100})
	if err != nil {
		return err
	}
	now := h.fairs.Now()
	byID := map[int64]*fair.Event{}
	for _, e := range page.Items {
		byID[e.ID] = e
		if e.RegistrationOpenAt(now) {
			p.Open = append(p.Open, e)
		}
	}
	apps, err := h.fairs.ApplicationsOf(c.UserContext(), nav.Producer.ID)
	if err != nil {
		return err
	}
	for _, a := range apps {
		e := byID[a.EventID]
		if e == nil {
			if e, err = h.fairs.ByID(c.UserContext(), a.EventID); err != nil {
				return err
			}
		}
		p.Mine = append(p.Mine, toBoApplication(a, e))
	}
	return h.site.Render(c, "bo_fairs", p)
}

type boApplyPage struct {
	BasePage
	Nav        BackofficeNav
	Event      *fair.Event
	Types      []fair.BoothType
	Zones      []fair.Zone
	Products   []fair.Exhibit
	ProvinceOK bool
	Open       bool
	Mine       *boApplication
	Form       fair.ApplicationInput
	Chosen     map[int64]bool
	Errors     apperr.FieldErrors
	Message    string
	Prices     map[string]string
	// the day reports of an exhibitor
	CanReport bool
	Days      []boDay
	Report    fair.DayInput
	Done      string
}

type boDay struct {
	Day, Sales                  string
	Orders, Contacts, Contracts int
}

func (h *Handler) producerFairPage(c *fiber.Ctx, nav BackofficeNav) (boApplyPage, error) {
	id, err := strconv.ParseInt(c.Params("event"), 10, 64)
	if err != nil {
		return boApplyPage{}, fair.ErrNotFound
	}
	e, err := h.fairs.ByID(c.UserContext(), id)
	if err != nil || e.Status == fair.Draft {
		return boApplyPage{}, fair.ErrNotFound
	}
	p := boApplyPage{BasePage: h.backofficeBase(c, e.Name), Nav: nav, Event: e, Open: e.RegistrationOpenAt(h.fairs.Now()),
		Chosen: map[int64]bool{}, Prices: map[string]string{}, Form: fair.ApplicationInput{Qty: "1"}}
	if p.Types, err = h.fairs.Offered(c.UserContext(), e.ID); err != nil {
		return p, err
	}
	for _, t := range p.Types {
		fee, sub, pay := fair.Fee(e, t, 1)
		p.Prices[t.Code] = vntext.VND(fee) + " − " + vntext.VND(sub) + " = " + vntext.VND(pay)
	}
	if p.Zones, err = h.fairs.Zones(c.UserContext(), e.ID); err != nil {
		return p, err
	}
	if p.Products, p.ProvinceOK, err = h.fairs.Eligible(c.UserContext(), e.ID, nav.Producer.ID); err != nil {
		return p, err
	}
	apps, err := h.fairs.ApplicationsOf(c.UserContext(), nav.Producer.ID)
	if err != nil {
		return p, err
	}
	for _, a := range apps {
		if a.EventID == e.ID {
			b := toBoApplication(a, e)
			p.Mine = &b
		}
	}
	if p.Mine != nil && len(p.Mine.Booths) > 0 && (e.Status == fair.Running || e.Status == fair.Finished || e.Phase(h.fairs.Now()) != "upcoming") {
		p.CanReport = true
		days, err := h.fairs.DayReports(c.UserContext(), p.Mine.ID)
		if err != nil {
			return p, err
		}
		for _, d := range days {
			p.Days = append(p.Days, boDay{Day: d.Day.Format("02/01/2006"), Sales: vntext.VND(d.SalesVND), Orders: d.Orders, Contacts: d.Contacts, Contracts: d.Contracts})
		}
		p.Report.Day = h.fairs.Now().In(fair.Vietnam).Format("02/01/2006")
	}
	return p, nil
}

// reportProducerFair records the exhibitor's results of a day.
func (h *Handler) reportProducerFair(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "fairs")
	if err != nil {
		return err
	}
	p, err := h.producerFairPage(c, nav)
	if err != nil {
		return err
	}
	if p.Mine == nil {
		return fair.ErrAppNotFound
	}
	in := fair.DayInput{Day: c.FormValue("day"), Sales: c.FormValue("sales"), Orders: c.FormValue("orders"), Contacts: c.FormValue("contacts"),
		Contracts: c.FormValue("contracts"), Notes: c.FormValue("notes")}
	fe, err := h.fairs.ReportDay(c.UserContext(), actor(c), nav.Producer.ID, p.Mine.ID, in)
	if err != nil {
		return err
	}
	if fe == nil {
		return c.Redirect(nav.Base+"/hoi-cho/"+strconv.FormatInt(p.Event.ID, 10)+"?ok=bao-cao#bao-cao", fiber.StatusSeeOther)
	}
	p.Report, p.Errors, p.Message = in, fe, T(apperr.SummaryKey)
	c.Status(fiber.StatusUnprocessableEntity)
	return h.site.Render(c, "bo_fair", p)
}

func (h *Handler) showProducerFair(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "fairs")
	if err != nil {
		return err
	}
	p, err := h.producerFairPage(c, nav)
	if err != nil {
		return err
	}
	p.Done = map[string]string{"bao-cao": T("bo.fair_reported")}[c.Query("ok")]
	return h.site.Render(c, "bo_fair", p)
}

// applyProducerFair submits the application form.
func (h *Handler) applyProducerFair(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "fairs")
	if err != nil {
		return err
	}
	p, err := h.producerFairPage(c, nav)
	if err != nil {
		return err
	}
	in := fair.ApplicationInput{BoothType: c.FormValue("booth_type"), Qty: c.FormValue("qty"), PreferredZone: c.FormValue("preferred_zone"),
		Notes: c.FormValue("notes"), ContactName: c.FormValue("contact_name"), ContactPhone: c.FormValue("contact_phone")}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if string(k) == "products" {
			if id, err := strconv.ParseInt(string(v), 10, 64); err == nil {
				in.Products = append(in.Products, id)
			}
		}
	})
	_, fe, err := h.fairs.Apply(c.UserContext(), actor(c), nav.Producer.ID, p.Event.ID, in)
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Kind == apperr.Conflict {
		p.Message = ae.Message
		c.Status(fiber.StatusConflict)
		return h.site.Render(c, "bo_fair", p)
	}
	if err != nil {
		return err
	}
	if fe == nil {
		return c.Redirect(nav.Base+"/hoi-cho?ok=gui", fiber.StatusSeeOther)
	}
	p.Form, p.Errors, p.Message = in, fe, T(apperr.SummaryKey)
	for _, id := range in.Products {
		p.Chosen[id] = true
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return h.site.Render(c, "bo_fair", p)
}

// withdrawProducerFair withdraws the producer's application to the event.
func (h *Handler) withdrawProducerFair(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "fairs")
	if err != nil {
		return err
	}
	p, err := h.producerFairPage(c, nav)
	if err != nil {
		return err
	}
	if p.Mine == nil {
		return fair.ErrAppNotFound
	}
	if _, err := h.fairs.Withdraw(c.UserContext(), actor(c), nav.Producer.ID, p.Mine.ID); err != nil {
		return err
	}
	return c.Redirect(nav.Base+"/hoi-cho?ok=rut", fiber.StatusSeeOther)
}

// acceptProducerOffer takes a booth held for the producer's waitlisted
// application.
func (h *Handler) acceptProducerOffer(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "fairs")
	if err != nil {
		return err
	}
	booth, err := idParam(c, "booth")
	if err != nil {
		return err
	}
	if err := h.fairs.AcceptOffer(c.UserContext(), actor(c), nav.Producer.ID, booth); err != nil {
		return err
	}
	return c.Redirect(nav.Base+"/hoi-cho?ok=nhan", fiber.StatusSeeOther)
}
