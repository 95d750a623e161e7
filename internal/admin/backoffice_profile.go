package admin

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/storefront/ui"
)

type boProfilePage struct {
	BasePage
	Nav     BackofficeNav
	Form    producer.ProfileInput
	Errors  apperr.FieldErrors
	Message string
	Notice  string
}

func (h *Handler) showProfile(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "profile")
	if err != nil {
		return err
	}
	in, err := h.producers.Profile(c.UserContext(), nav.Producer.ID)
	if err != nil {
		return err
	}
	p := boProfilePage{BasePage: h.backofficeBase(c, T("bo.profile")), Nav: nav, Form: in}
	p.Notice = ui.Flash(c, "da-luu", map[string]string{"1": T("bo.profile_saved")})
	return h.site.Render(c, "bo_profile", p)
}

func (h *Handler) saveProfile(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "profile")
	if err != nil {
		return err
	}
	in := producer.ProfileInput{DisplayName: c.FormValue("display_name"), Story: c.FormValue("story"), Phone: c.FormValue("phone"),
		Zalo: c.FormValue("zalo"), Email: c.FormValue("email"), Website: c.FormValue("website")}
	err = h.producers.UpdateProfile(c.UserContext(), actor(c), nav.Producer.ID, in)
	var fe apperr.FieldErrors
	if errors.As(err, &fe) {
		p := boProfilePage{BasePage: h.backofficeBase(c, T("bo.profile")), Nav: nav, Form: in, Errors: fe, Message: T("bo.fix_fields")}
		c.Status(fiber.StatusUnprocessableEntity)
		return h.site.Render(c, "bo_profile", p)
	}
	if err != nil {
		return err
	}
	return c.Redirect(nav.Base+"/cua-hang?da-luu=1", fiber.StatusSeeOther)
}
