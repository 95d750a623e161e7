package admin

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/paging"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/web"
)

type applicationsPage struct {
	BasePage
	Queue      *producer.Queue
	Status     string
	Statuses   []string
	Page, Last int
	PrevURL    string
	NextURL    string
}

const applicationsPerPage = 50

func (h *Handler) listApplications(c *fiber.Ctx) error {
	p := applicationsPage{BasePage: h.consoleBase(c, T("console.applications")), Status: c.Query("trang-thai"), Statuses: producer.Statuses}
	pg := paging.Of(c.QueryInt("trang", 1), applicationsPerPage)
	var err error
	p.Queue, err = h.producers.Applications(c.UserContext(), consoleActor(c), producer.QueueFilter{Status: p.Status, Page: pg})
	if err != nil {
		return err
	}
	l := pg.Links(p.Queue.Total, func(n int) string {
		return withQuery("/quan-tri/ho-so", url.Values{"trang-thai": {p.Status}, "trang": {strconv.Itoa(n)}})
	})
	p.Page, p.Last, p.PrevURL, p.NextURL = l.Number, l.Last, l.Prev, l.Next
	return h.site.Render(c, "console_applications", p)
}

type applicationPage struct {
	BasePage
	App     *producer.Application
	History []auditLine
	Errors  apperr.FieldErrors
	Message string
	Done    string
	Note    string
	Form    string // the form the note belongs to
	// Candidates are producers of the province with the applicant's
	// name, to link instead of creating one.
	Candidates []producer.Candidate
	Existing   string // the link form's input
}

func (h *Handler) applicationPage(c *fiber.Ctx) (applicationPage, error) {
	p := applicationPage{BasePage: h.consoleBase(c, T("console.application"))}
	id, err := idParam(c, "application")
	if err != nil {
		return p, err
	}
	a, hist, err := h.producers.Application(c.UserContext(), consoleActor(c), id)
	if err != nil {
		return p, err
	}
	p.App, p.History = a, auditLines(hist)
	if a.Status == "submitted" {
		if p.Candidates, err = h.producers.Candidates(c.UserContext(), consoleActor(c), id); err != nil {
			return p, err
		}
	}
	return p, nil
}

func (h *Handler) showApplication(c *fiber.Ctx) error {
	p, err := h.applicationPage(c)
	if err != nil {
		return err
	}
	if d := c.Query("xong"); d != "" {
		p.Done = lookup("console.done.", d)
	}
	return h.site.Render(c, "console_application", p)
}

// decided re-shows the application page after a refused decision, or
// goes back to it after a done one.
func (h *Handler) decided(c *fiber.Ctx, err error, done, form string) error {
	if err == nil {
		return c.Redirect("/quan-tri/ho-so/"+c.Params("application")+"?xong="+done, fiber.StatusSeeOther)
	}
	fe, msg, ok := refusedForm(err)
	if !ok {
		return err
	}
	p, perr := h.applicationPage(c)
	if perr != nil {
		return perr
	}
	p.Errors, p.Form, p.Note, p.Existing = fe, form, c.FormValue("note"), c.FormValue("existing")
	p.Message = msg
	c.Status(web.Status(err))
	return h.site.Render(c, "console_application", p)
}

func (h *Handler) saveApproval(c *fiber.Ctx) error {
	id, err := idParam(c, "application")
	if err != nil {
		return err
	}
	_, err = h.producers.Approve(c.UserContext(), consoleActor(c), id)
	return h.decided(c, err, "approved", "approve")
}

// saveLink approves an application by making the applicant the
// owner of a producer that exists in the province already.
func (h *Handler) saveLink(c *fiber.Ctx) error {
	id, err := idParam(c, "application")
	if err != nil {
		return err
	}
	_, err = h.producers.LinkExisting(c.UserContext(), consoleActor(c), id, c.FormValue("existing"))
	return h.decided(c, err, "linked", "link")
}

func (h *Handler) saveChangeRequest(c *fiber.Ctx) error {
	id, err := idParam(c, "application")
	if err != nil {
		return err
	}
	return h.decided(c, h.producers.RequestChanges(c.UserContext(), consoleActor(c), id, c.FormValue("note")), "changes_requested", "changes")
}

func (h *Handler) saveRejection(c *fiber.Ctx) error {
	id, err := idParam(c, "application")
	if err != nil {
		return err
	}
	return h.decided(c, h.producers.Reject(c.UserContext(), consoleActor(c), id, c.FormValue("note")), "rejected", "reject")
}

// showApplicationDocument sends a document of an application to staff.
func (h *Handler) showApplicationDocument(c *fiber.Ctx) error {
	appID, err := idParam(c, "application")
	if err != nil {
		return err
	}
	id, err := idParam(c, "document")
	if err != nil {
		return err
	}
	d, err := h.producers.ApplicationDocument(c.UserContext(), consoleActor(c), appID, id)
	if err != nil {
		return err
	}
	return h.sendDocument(c, d)
}
