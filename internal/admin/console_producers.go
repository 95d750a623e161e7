package admin

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
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
	p.Page, _ = strconv.Atoi(c.Query("trang"))
	if p.Page < 1 {
		p.Page = 1
	}
	p.Query = "" // the site search box stays empty
	var err error
	p.Items, p.Total, err = h.producers.Producers(c.UserContext(), consoleActor(c),
		producer.ProducerFilter{Query: p.Q, Status: p.Status, Page: p.Page, Limit: producersPerPage})
	if err != nil {
		return err
	}
	p.Last = max(1, (p.Total+producersPerPage-1)/producersPerPage)
	q := url.Values{"q": {p.Q}, "trang-thai": {p.Status}}
	if p.Page > 1 {
		q.Set("trang", strconv.Itoa(p.Page-1))
		p.PrevURL = withQuery("/quan-tri/chu-the", q)
	}
	if p.Page < p.Last {
		q = url.Values{"q": {p.Q}, "trang-thai": {p.Status}, "trang": {strconv.Itoa(p.Page + 1)}}
		p.NextURL = withQuery("/quan-tri/chu-the", q)
	}
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
