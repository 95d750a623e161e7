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

type producersPage struct {
	BasePage
	Items      []*producer.Producer
	Total      int
	Q, Status  string
	Page, Last int
	PrevURL    string
	NextURL    string
}

const producersPerPage = 30

func (h *Handler) listProducers(c *fiber.Ctx) error {
	p := producersPage{BasePage: h.consoleBase(c, T("console.producers")), Q: c.Query("q"), Status: c.Query("trang-thai")}
	pg := paging.Of(c.QueryInt("trang", 1), producersPerPage)
	p.Query = "" // the site search box stays empty
	var err error
	p.Items, p.Total, err = h.producers.Producers(c.UserContext(), consoleActor(c),
		producer.ProducerFilter{Query: p.Q, Status: p.Status, Page: pg})
	if err != nil {
		return err
	}
	l := pg.Links(p.Total, func(n int) string {
		return withQuery("/quan-tri/chu-the", url.Values{"q": {p.Q}, "trang-thai": {p.Status}, "trang": {strconv.Itoa(n)}})
	})
	p.Page, p.Last, p.PrevURL, p.NextURL = l.Number, l.Last, l.Prev, l.Next
	return h.site.Render(c, "console_producers", p)
}

type producerConsolePage struct {
	BasePage
	P        *producer.ProducerDetail
	OnBehalf bool
	Audit    []auditLine
	Errors   apperr.FieldErrors
	Message  string
	Done     string
	Reason   string
}

func (h *Handler) producerConsolePage(c *fiber.Ctx) (producerConsolePage, error) {
	p := producerConsolePage{BasePage: h.consoleBase(c, T("console.producer"))}
	id, err := idParam(c, "producer")
	if err != nil {
		return p, err
	}
	if p.P, err = h.producers.ProducerDetail(c.UserContext(), consoleActor(c), id); err != nil {
		return p, err
	}
	p.OnBehalf = producer.ManagedOnBehalf(p.P.Type)
	p.Audit = auditLines(p.P.Audit)
	return p, nil
}

func (h *Handler) showProducerConsole(c *fiber.Ctx) error {
	p, err := h.producerConsolePage(c)
	if err != nil {
		return err
	}
	if d := c.Query("xong"); d != "" {
		p.Done = lookup("console.done.", d)
	}
	return h.site.Render(c, "console_producer", p)
}

func (h *Handler) producerChanged(c *fiber.Ctx, err error, done string) error {
	if err == nil {
		return c.Redirect("/quan-tri/chu-the/"+c.Params("producer")+"?xong="+done, fiber.StatusSeeOther)
	}
	fe, msg, ok := refusedForm(err)
	if !ok {
		return err
	}
	p, perr := h.producerConsolePage(c)
	if perr != nil {
		return perr
	}
	p.Errors, p.Reason = fe, c.FormValue("reason")
	p.Message = msg
	c.Status(web.Status(err))
	return h.site.Render(c, "console_producer", p)
}

func (h *Handler) saveSuspension(c *fiber.Ctx) error {
	id, err := idParam(c, "producer")
	if err != nil {
		return err
	}
	return h.producerChanged(c, h.producers.Suspend(c.UserContext(), consoleActor(c), id, c.FormValue("reason")), "suspended")
}

func (h *Handler) saveReinstatement(c *fiber.Ctx) error {
	id, err := idParam(c, "producer")
	if err != nil {
		return err
	}
	return h.producerChanged(c, h.producers.Reinstate(c.UserContext(), consoleActor(c), id), "reinstated")
}
