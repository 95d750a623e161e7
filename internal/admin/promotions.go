package admin

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/fair"
	"github.com/ocopvn/ocop/internal/vntext"
	"github.com/ocopvn/ocop/internal/web"
)

// Promotions: trade promotion runs campaigns on products of its
// provinces, on a producer or on an event's exhibitors
// (/quan-tri/khuyen-mai); a producer on its own products
// (/quan-ly/{producer}/khuyen-mai). The cap of Decree 81/2018 and the
// prices are internal/fair's.

type promotionsPage struct {
	BasePage
	Nav      *BackofficeNav // the producer's pages
	Action   string         // where the form posts
	Items    []promoRow
	CanEdit  bool
	Staff    bool
	Events   []*fair.Event
	Form     fair.PromotionInput
	EventID  string
	Errors   apperr.FieldErrors
	Message  string
	Done     string
	Template string
}

type promoRow struct {
	fair.Promotion
	Discount, Period, State string
}

func promoRows(list []fair.Promotion, now func() string) []promoRow {
	out := make([]promoRow, 0, len(list))
	for _, p := range list {
		r := promoRow{Promotion: p, Discount: fmt.Sprintf("−%d%%", p.Value),
			Period: p.StartsAt.In(fair.Vietnam).Format("15:04 02/01/2006") + " – " + p.EndsAt.In(fair.Vietnam).Format("15:04 02/01/2006")}
		if p.Kind == fair.KindAmount {
			r.Discount = "−" + vntext.VND(p.Value)
		}
		r.State = T("promo.state." + p.Status)
		out = append(out, r)
	}
	return out
}

func (h *Handler) promotionsPage(c *fiber.Ctx, producerID int64, nav *BackofficeNav) (promotionsPage, error) {
	me := web.CurrentUser(c)
	p := promotionsPage{Nav: nav, Form: fair.PromotionInput{Kind: fair.KindPercent, Scope: fair.ScopeProducts}}
	var list []fair.Promotion
	var err error
	if producerID != 0 {
		p.BasePage, p.Action, p.CanEdit, p.Template = h.backofficeBase(c, T("promo.title")), nav.Base+"/khuyen-mai", true, "bo_promotions"
		list, err = h.fairs.Promotions(c.UserContext(), nil, producerID)
	} else {
		var provinces []string
		if !me.IsAdmin() {
			provinces = me.Provinces
		}
		p.BasePage, p.Action, p.Staff, p.Template = h.consoleBase(c, T("promo.title")), "/quan-tri/khuyen-mai", true, "console_promotions"
		p.CanEdit = me.IsAdmin() || len(me.TradePromotion) > 0
		list, err = h.fairs.Promotions(c.UserContext(), provinces, 0)
		if err == nil && p.CanEdit {
			events, err2 := h.fairs.StaffList(c.UserContext(), provinces)
			if err2 != nil {
				return p, err2
			}
			for _, e := range events {
				if e.Status != fair.Draft && e.Status != fair.Cancelled && fairMay(c)(e.ProvinceCode) {
					p.Events = append(p.Events, e)
				}
			}
		}
	}
	if err != nil {
		return p, err
	}
	p.Items = promoRows(list, nil)
	p.Done = map[string]string{"tao": T("promo.created"), "huy": T("promo.cancelled")}[c.Query("ok")]
	return p, nil
}

func (h *Handler) listPromotions(c *fiber.Ctx) error {
	p, err := h.promotionsPage(c, 0, nil)
	if err != nil {
		return err
	}
	return h.site.Render(c, p.Template, p)
}

func (h *Handler) listProducerPromotions(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "promotions")
	if err != nil {
		return err
	}
	p, err := h.promotionsPage(c, nav.Producer.ID, &nav)
	if err != nil {
		return err
	}
	return h.site.Render(c, p.Template, p)
}

func promotionInput(c *fiber.Ctx) (fair.PromotionInput, string) {
	in := fair.PromotionInput{Name: c.FormValue("name"), Kind: c.FormValue("kind"), Value: c.FormValue("value"),
		StartsAt: c.FormValue("starts_at"), EndsAt: c.FormValue("ends_at"), Concentrated: c.FormValue("concentrated") == "1",
		Scope: c.FormValue("scope"), Products: c.FormValue("products"), ProducerSlug: c.FormValue("producer")}
	ev := c.FormValue("event")
	in.EventID, _ = strconv.ParseInt(ev, 10, 64)
	return in, ev
}

func (h *Handler) savePromotion(c *fiber.Ctx, producerID int64, nav *BackofficeNav) error {
	me := web.CurrentUser(c)
	if producerID == 0 && !me.IsAdmin() && len(me.TradePromotion) == 0 {
		return fair.ErrForbidden
	}
	in, ev := promotionInput(c)
	a := showroomActor(c)
	if producerID != 0 {
		a = actor(c)
	}
	_, fe, err := h.fairs.CreatePromotion(c.UserContext(), a, fairMay(c), producerID, in)
	if err != nil {
		return err
	}
	p, perr := h.promotionsPage(c, producerID, nav)
	if perr != nil {
		return perr
	}
	if fe == nil {
		return c.Redirect(p.Action+"?ok=tao", fiber.StatusSeeOther)
	}
	p.Form, p.EventID, p.Errors, p.Message = in, ev, fe, T(apperr.SummaryKey)
	c.Status(fiber.StatusUnprocessableEntity)
	return h.site.Render(c, p.Template, p)
}

func (h *Handler) saveStaffPromotion(c *fiber.Ctx) error { return h.savePromotion(c, 0, nil) }

func (h *Handler) saveProducerPromotion(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "promotions")
	if err != nil {
		return err
	}
	return h.savePromotion(c, nav.Producer.ID, &nav)
}

func (h *Handler) cancelStaffPromotion(c *fiber.Ctx) error {
	id, err := idParam(c, "promotion")
	if err != nil {
		return err
	}
	if err := h.fairs.CancelPromotion(c.UserContext(), showroomActor(c), fairMay(c), 0, id); err != nil {
		return err
	}
	return c.Redirect("/quan-tri/khuyen-mai?ok=huy", fiber.StatusSeeOther)
}

func (h *Handler) cancelProducerPromotion(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "promotions")
	if err != nil {
		return err
	}
	id, err := idParam(c, "promotion")
	if err != nil {
		return err
	}
	if err := h.fairs.CancelPromotion(c.UserContext(), actor(c), nil, nav.Producer.ID, id); err != nil {
		return err
	}
	return c.Redirect(nav.Base+"/khuyen-mai?ok=huy", fiber.StatusSeeOther)
}
