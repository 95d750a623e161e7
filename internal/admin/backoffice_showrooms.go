package admin

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/showroom"
)

// The producer's showrooms (/quan-ly/{producer}/diem-ban): the showrooms
// the producer runs, where its owner and staff keep the products carried
// (any certified product of the platform), and the showrooms that sell
// its products.

type boShowroomsPage struct {
	BasePage
	Nav      BackofficeNav
	Notice   string
	Operated []boOperated
	Carrying showroom.Carrying
}

type boOperated struct {
	*showroom.Showroom
	Products []showroom.Carried
	Error    string // the add form's refusal
	Value    string // what was typed
}

func (h *Handler) showroomsOfProducer(c *fiber.Ctx, nav BackofficeNav) (boShowroomsPage, error) {
	p := boShowroomsPage{BasePage: h.backofficeBase(c, T("bo.showrooms")), Nav: nav}
	srs, err := h.showrooms.Operated(c.UserContext(), nav.Producer.ID)
	if err != nil {
		return p, err
	}
	for _, sr := range srs {
		carried, err := h.showrooms.Products(c.UserContext(), sr.ID)
		if err != nil {
			return p, err
		}
		p.Operated = append(p.Operated, boOperated{Showroom: sr, Products: carried})
	}
	p.Carrying, err = h.showrooms.CarryingProducer(c.UserContext(), nav.Producer.Slug, "", 50)
	return p, err
}

func (h *Handler) listProducerShowrooms(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "showrooms")
	if err != nil {
		return err
	}
	p, err := h.showroomsOfProducer(c, nav)
	if err != nil {
		return err
	}
	p.Notice = map[string]string{"1": T("console.done.showroom_product")}[c.Query("ok")]
	return h.site.Render(c, "bo_showrooms", p)
}

// saveProducerShowroomProduct adds (or with action=remove, removes) a
// product carried by a showroom the producer runs.
func (h *Handler) saveProducerShowroomProduct(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "showrooms")
	if err != nil {
		return err
	}
	id, err := idParam(c, "showroom")
	if err != nil {
		return err
	}
	err = h.showrooms.SetOperatedProduct(c.UserContext(), actor(c), nav.Producer.ID, id, c.FormValue("product"), showroom.ProductChangeOf(c.FormValue("action")))
	if err == nil {
		return c.Redirect(nav.Base+"/diem-ban?ok=1#sr-"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind != apperr.Invalid {
		return err
	}
	p, perr := h.showroomsOfProducer(c, nav)
	if perr != nil {
		return perr
	}
	for i := range p.Operated {
		if p.Operated[i].ID == id {
			p.Operated[i].Error, p.Operated[i].Value = ae.Message, c.FormValue("product")
		}
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return h.site.Render(c, "bo_showrooms", p)
}
