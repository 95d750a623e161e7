package admin

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/paging"
	"github.com/ocopvn/ocop/internal/web"
)

// revokePage is /quan-tri/thu-hoi: one revocation decision (số, ngày, lý
// do) for one product or a whole list, as provinces decide them.
type revokePage struct {
	BasePage
	Q          string
	Items      []certification.Revocable
	Total      int
	Page, Last int
	PrevURL    string
	NextURL    string
	Form       certification.RevokeForm
	Selected   map[int64]bool
	Errors     apperr.FieldErrors
	Message    string
	Done       string // how many were revoked, after a redirect
	Today      string
}

const revocablesPerPage = 50

func (h *Handler) revokePage(c *fiber.Ctx) (revokePage, error) {
	p := revokePage{BasePage: h.consoleBase(c, T("console.revoke_cert")), Q: c.Query("q"), Selected: map[int64]bool{},
		Today: h.certification.Today().Format("2006-01-02")}
	p.Query = "" // the site search box stays empty
	pg := paging.Of(c.QueryInt("trang", 1), revocablesPerPage)
	var err error
	if p.Items, p.Total, err = h.certification.Revocables(c.UserContext(), consoleActor(c), p.Q, pg); err != nil {
		return p, err
	}
	l := pg.Links(p.Total, func(n int) string {
		return withQuery("/quan-tri/thu-hoi", url.Values{"q": {p.Q}, "trang": {strconv.Itoa(n)}})
	})
	p.Page, p.Last, p.PrevURL, p.NextURL = l.Number, l.Last, l.Prev, l.Next
	return p, nil
}

func (h *Handler) showRevoke(c *fiber.Ctx) error {
	p, err := h.revokePage(c)
	if err != nil {
		return err
	}
	p.Done = c.Query("xong")
	return h.site.Render(c, "console_revoke", p)
}

func (h *Handler) saveRevoke(c *fiber.Ctx) error {
	f := certification.RevokeForm{DecisionNo: c.FormValue("revoke_decision_no"), DecisionDate: c.FormValue("revoke_date"),
		Reason: c.FormValue("reason")}
	for _, raw := range c.Request().PostArgs().PeekMulti("product") {
		if id, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
			f.ProductIDs = append(f.ProductIDs, id)
		}
	}
	n, err := h.certification.RevokeByDecision(c.UserContext(), consoleActor(c), f)
	if err == nil {
		return c.Redirect("/quan-tri/thu-hoi?xong="+strconv.Itoa(n), fiber.StatusSeeOther)
	}
	fe, msg, ok := refusedForm(err)
	if !ok && apperr.KindOf(err) != apperr.NotFound {
		return err
	}
	if !ok {
		msg = apperr.As(err).Message // a product that left, or another province's: say so on the form
	}
	p, perr := h.revokePage(c)
	if perr != nil {
		return perr
	}
	p.Form, p.Errors, p.Message = f, fe, msg
	for _, id := range f.ProductIDs {
		p.Selected[id] = true
	}
	c.Status(web.Status(err))
	return h.site.Render(c, "console_revoke", p)
}
