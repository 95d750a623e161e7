package admin

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/web"
)

type staffPage struct {
	BasePage
	Staff      []producer.StaffUser
	Provinces  []producer.Province
	Identifier string
	Province   string
	Kind       string
	Kinds      []producer.Option
	Errors     apperr.FieldErrors
	Message    string
	Done       string
	// the disable/enable form
	Account      string
	AccountError string
}

func (h *Handler) staffPage(c *fiber.Ctx) (staffPage, error) {
	p := staffPage{BasePage: h.consoleBase(c, T("console.staff")), Kinds: producer.StaffKinds, Kind: producer.StaffOCOPOffice}
	var err error
	if p.Staff, err = h.producers.Staff(c.UserContext()); err != nil {
		return p, err
	}
	p.Provinces, err = h.producers.Provinces(c.UserContext())
	return p, err
}

func (h *Handler) showStaffRoles(c *fiber.Ctx) error {
	p, err := h.staffPage(c)
	if err != nil {
		return err
	}
	if d := c.Query("xong"); d != "" {
		p.Done = lookup("console.done.", d)
	}
	return h.site.Render(c, "console_staff", p)
}

func (h *Handler) saveStaffRole(c *fiber.Ctx) error {
	grant := c.FormValue("action") != "revoke"
	ident, prov, kind := c.FormValue("identifier"), c.FormValue("province"), c.FormValue("kind", producer.StaffOCOPOffice)
	_, err := h.producers.SetStaffProvince(c.UserContext(), consoleActor(c), ident, prov, kind, grant)
	if err == nil {
		done := "granted"
		if !grant {
			done = "revoked"
		}
		return c.Redirect("/quan-tri/can-bo?xong="+done, fiber.StatusSeeOther)
	}
	var fe apperr.FieldErrors
	if !errors.As(err, &fe) {
		return err
	}
	p, perr := h.staffPage(c)
	if perr != nil {
		return perr
	}
	p.Identifier, p.Province, p.Kind, p.Errors, p.Message = ident, prov, kind, fe, T(apperr.SummaryKey)
	c.Status(fiber.StatusUnprocessableEntity)
	return h.site.Render(c, "console_staff", p)
}

// saveAccountState disables or re-enables an account (admins): its
// sessions end at once.
func (h *Handler) saveAccountState(c *fiber.Ctx) error {
	disable := c.FormValue("action") != "enable"
	ident := c.FormValue("account")
	me := web.CurrentUser(c)
	_, err := h.accounts.SetDisabled(c.UserContext(), audit.Actor{UserID: me.User.ID, ActingAs: audit.AsAdmin}, ident, disable, c.FormValue("reason"))
	if err == nil {
		done := "disabled"
		if !disable {
			done = "enabled"
		}
		return c.Redirect("/quan-tri/can-bo?xong="+done, fiber.StatusSeeOther)
	}
	var fe apperr.FieldErrors
	if !errors.As(err, &fe) {
		return err
	}
	p, perr := h.staffPage(c)
	if perr != nil {
		return perr
	}
	p.Account, p.AccountError = ident, fe["identifier"]
	c.Status(fiber.StatusUnprocessableEntity)
	return h.site.Render(c, "console_staff", p)
}
