package admin

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/web"
)

// consolePages are the staff console's page templates (templates/<name>.html).
var consolePages = []string{"console", "console_revoke", "console_deadlines", "console_import", "console_applications", "console_application", "console_producers",
	"console_producer", "console_certificate", "console_audit", "console_staff"}

// consoleActor is the request's user as the producer service sees them; acting
// is web.Acting(c) on producer routes, else derived from the roles.
func consoleActor(c *fiber.Ctx) producer.Actor {
	me := web.CurrentUser(c)
	return producer.Actor{UserID: me.User.ID, Admin: me.IsAdmin(), Provinces: me.Provinces, Certifies: me.OCOPOffice, ActingAs: web.Acting(c)}
}

// consoleBase is the layout's data of a console or onboarding page.
func (h *Handler) consoleBase(c *fiber.Ctx, title string) BasePage { return h.privateBase(c, title) }

type consolePage struct {
	BasePage
	Provinces []string
	Counts    producer.Counts
}

func (h *Handler) showConsole(c *fiber.Ctx) error {
	me := web.CurrentUser(c)
	p := consolePage{BasePage: h.consoleBase(c, T("console.title"))}
	ref, err := h.catalog.Reference(c.UserContext())
	if err != nil {
		return err
	}
	for _, code := range me.Provinces {
		if pr, ok := ref.Province(code); ok {
			p.Provinces = append(p.Provinces, pr.Name)
		} else {
			p.Provinces = append(p.Provinces, code)
		}
	}
	if p.Counts, err = h.producers.ConsoleCounts(c.UserContext(), consoleActor(c)); err != nil {
		return err
	}
	return h.site.Render(c, "console", p)
}

// refusedForm says how a console action's error re-shows its page: field
// errors (422) or a conflict such as a stale decision (409) come back with
// the form's field messages and the message on top; ok is false for any
// other error, which goes to the error page. The status is web.Status(err).
func refusedForm(err error) (fe apperr.FieldErrors, message string, ok bool) {
	if k := apperr.KindOf(err); k != apperr.Unprocessable && k != apperr.Conflict {
		return nil, "", false
	}
	if errors.As(err, &fe) {
		return fe, T(apperr.SummaryKey), true
	}
	return nil, apperr.As(err).Message, true
}
