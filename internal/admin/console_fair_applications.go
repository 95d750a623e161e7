package admin

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/fair"
	"github.com/ocopvn/ocop/internal/vntext"
)

// The applications of an event (/quan-tri/hoi-cho/{event}/ho-so): trade
// promotion reviews them, records fees, gives booths one by one or all at
// once by priority, and checks exhibitors in by booth code (the code on
// the booth's QR card).

type fairApplicationsPage struct {
	BasePage
	Event   *fair.Event
	Apps    []boApplication
	Free    map[string][]string // booth type → free booth codes
	CanEdit bool
	Done    string
	Message string
	// the application whose form was refused, and why
	FailedID int64
	Failed   string
	Summary  *fair.Allocation
}

func (h *Handler) fairApplicationsPage(c *fiber.Ctx, e *fair.Event) (fairApplicationsPage, error) {
	p := fairApplicationsPage{BasePage: h.consoleBase(c, T("console.fair_applications")+" – "+e.Name), Event: e, CanEdit: fairMay(c)(e.ProvinceCode),
		Free: map[string][]string{}}
	apps, err := h.fairs.Applications(c.UserContext(), e.ID)
	if err != nil {
		return p, err
	}
	for _, a := range apps {
		p.Apps = append(p.Apps, toBoApplication(a, e))
	}
	zones, err := h.fairs.Zones(c.UserContext(), e.ID)
	if err != nil {
		return p, err
	}
	for _, z := range zones {
		for _, b := range z.Booths {
			if b.Exhibitor == "" && !b.Blocked && !b.Held {
				p.Free[b.Type] = append(p.Free[b.Type], b.Code)
			}
		}
	}
	if d := c.Query("xong"); d != "" {
		p.Done = lookup("console.done.", d)
	}
	return p, nil
}

func (h *Handler) listFairApplications(c *fiber.Ctx) error {
	e, err := h.fairID(c)
	if err != nil {
		return err
	}
	p, err := h.fairApplicationsPage(c, e)
	if err != nil {
		return err
	}
	return h.site.Render(c, "console_fair_applications", p)
}

// afterApplicationChange redirects after a change, or shows the page
// with the refusal beside the application's forms.
func (h *Handler) afterApplicationChange(c *fiber.Ctx, e *fair.Event, appID int64, err error, done string) error {
	base := "/quan-tri/hoi-cho/" + strconv.FormatInt(e.ID, 10) + "/ho-so"
	if err == nil {
		anchor := ""
		if appID != 0 {
			anchor = "#hs-" + strconv.FormatInt(appID, 10)
		}
		return c.Redirect(base+"?xong="+done+anchor, fiber.StatusSeeOther)
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) || (ae.Kind != apperr.Invalid && ae.Kind != apperr.Conflict) {
		return err
	}
	p, perr := h.fairApplicationsPage(c, e)
	if perr != nil {
		return perr
	}
	p.FailedID, p.Failed = appID, ae.Message
	if appID == 0 {
		p.Message = ae.Message
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return h.site.Render(c, "console_fair_applications", p)
}

func (h *Handler) applicationParam(c *fiber.Ctx) (*fair.Event, int64, error) {
	e, err := h.fairID(c)
	if err != nil {
		return nil, 0, err
	}
	id, err := strconv.ParseInt(c.Params("application"), 10, 64)
	if err != nil || id <= 0 {
		return nil, 0, fair.ErrAppNotFound
	}
	return e, id, nil
}

func (h *Handler) reviewFairApplication(c *fiber.Ctx) error {
	e, id, err := h.applicationParam(c)
	if err != nil {
		return err
	}
	err = h.fairs.Review(c.UserContext(), showroomActor(c), fairMay(c), e.ID, id, c.FormValue("decision"), c.FormValue("note"))
	return h.afterApplicationChange(c, e, id, err, "application_reviewed")
}

func (h *Handler) payFairApplication(c *fiber.Ctx) error {
	e, id, err := h.applicationParam(c)
	if err != nil {
		return err
	}
	err = h.fairs.RecordPayment(c.UserContext(), showroomActor(c), fairMay(c), e.ID, id, c.FormValue("method"), c.FormValue("ref"))
	return h.afterApplicationChange(c, e, id, err, "application_paid")
}

func (h *Handler) assignFairBooth(c *fiber.Ctx) error {
	e, id, err := h.applicationParam(c)
	if err != nil {
		return err
	}
	err = h.fairs.Assign(c.UserContext(), showroomActor(c), fairMay(c), e.ID, id, c.FormValue("booth"))
	return h.afterApplicationChange(c, e, id, err, "booth_assigned")
}

func (h *Handler) autoAllocateFair(c *fiber.Ctx) error {
	e, err := h.fairID(c)
	if err != nil {
		return err
	}
	sum, err := h.fairs.AutoAllocate(c.UserContext(), showroomActor(c), fairMay(c), e.ID)
	if err != nil {
		return h.afterApplicationChange(c, e, 0, err, "")
	}
	p, err := h.fairApplicationsPage(c, e)
	if err != nil {
		return err
	}
	p.Summary = &sum
	return h.site.Render(c, "console_fair_applications", p)
}

func (h *Handler) checkInFair(c *fiber.Ctx) error {
	e, err := h.fairID(c)
	if err != nil {
		return err
	}
	_, err = h.fairs.CheckIn(c.UserContext(), showroomActor(c), fairMay(c), e.ID, strings.ToUpper(strings.TrimSpace(c.FormValue("booth"))))
	return h.afterApplicationChange(c, e, 0, err, "checked_in")
}

type fairOutcomePage struct {
	BasePage
	Event   *fair.Event
	Outcome *fair.Outcome
	Sales   string
}

// showFairOutcome is the organiser's report of an event, as a page or a
// download (?tai=csv|xlsx).
func (h *Handler) showFairOutcome(c *fiber.Ctx) error {
	e, err := h.fairID(c)
	if err != nil {
		return err
	}
	o, err := h.fairs.Outcome(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	if f := c.Query("tai"); f == "csv" || f == "xlsx" {
		return sendTable(c, fair.OutcomeTable(e, o), f, "ket-qua-"+e.Slug)
	}
	return h.site.Render(c, "console_fair_outcome", fairOutcomePage{BasePage: h.consoleBase(c, T("console.fair_outcome")+" – "+e.Name),
		Event: e, Outcome: o, Sales: vntext.VND(o.SalesVND)})
}
