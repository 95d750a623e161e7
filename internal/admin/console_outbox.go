package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/searchsync"
)

// outboxPage is /quan-tri/chi-muc (admins): the search index's backlog and
// the changes in the dead letter, with the retry.
type outboxPage struct {
	BasePage
	Backlog searchsync.Backlog
	Dead    []searchsync.DeadRow
	Notice  string
}

func (h *Handler) showOutbox(c *fiber.Ctx) error {
	p := outboxPage{BasePage: h.consoleBase(c, T("console.outbox"))}
	var err error
	if p.Backlog, err = h.outbox.Stats(c.UserContext()); err != nil {
		return err
	}
	if p.Dead, err = h.outbox.Dead(c.UserContext()); err != nil {
		return err
	}
	if n := c.Query("thu-lai"); n != "" {
		p.Notice = T("console.outbox_retried") + " " + n
	}
	return h.site.Render(c, "console_outbox", p)
}

func (h *Handler) retryOutbox(c *fiber.Ctx) error {
	n, err := h.outbox.Retry(c.UserContext())
	if err != nil {
		return err
	}
	return c.Redirect("/quan-tri/chi-muc?thu-lai="+strconv.FormatInt(n, 10), fiber.StatusSeeOther)
}
