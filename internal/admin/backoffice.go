package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/web"
)

// backofficePages are the producer back-office's page templates.
var backofficePages = []string{"bo_start", "bo_dashboard", "bo_products", "bo_product", "bo_profile", "bo_labels"}

// BackofficeNav is the header of every /quan-ly/{producer} page (the
// "bo_nav" partial): the producer, the back-office's navigation and the
// banners (producer suspended; staff acting on a household's behalf).
type BackofficeNav struct {
	Producer *producer.Summary
	Base     string // /quan-ly/{id}
	Active   string // dashboard | products | new | profile | "" (another page)
	OnBehalf bool   // staff or admin acting for the producer: changes are audited
}

// backofficeNav loads the route's producer for the header.
func (h *Handler) backofficeNav(c *fiber.Ctx, active string) (BackofficeNav, error) {
	id := routeProducerID(c)
	p, err := h.producers.Summary(c.UserContext(), id)
	if err != nil {
		return BackofficeNav{}, err
	}
	return BackofficeNav{Producer: p, Base: "/quan-ly/" + strconv.FormatInt(id, 10), Active: active,
		OnBehalf: web.Acting(c) != audit.AsMember}, nil
}

// routeProducerID is :producer; the access rule has checked it.
func routeProducerID(c *fiber.Ctx) int64 {
	id, _ := strconv.ParseInt(c.Params("producer"), 10, 64)
	return id
}

// actor is the request's user as the audit log records them.
func actor(c *fiber.Ctx) audit.Actor {
	return audit.Actor{UserID: web.CurrentUser(c).User.ID, ActingAs: web.Acting(c)}
}

// backofficeBase is the layout's data of a back-office page.
func (h *Handler) backofficeBase(c *fiber.Ctx, title string) BasePage {
	return h.privateBase(c, title+" – "+T("bo.title"))
}

type boStartPage struct {
	BasePage
	Producers []*producer.Summary
	Staff     bool
}

func (h *Handler) showBackofficeStart(c *fiber.Ctx) error {
	me := web.CurrentUser(c)
	if len(me.Producers) == 1 {
		return c.Redirect("/quan-ly/"+strconv.FormatInt(me.Producers[0].ProducerID, 10), fiber.StatusSeeOther)
	}
	p := boStartPage{BasePage: h.backofficeBase(c, T("bo.start")), Staff: me.IsStaff() || me.IsAdmin()}
	if len(me.Producers) > 1 {
		ids := make([]int64, len(me.Producers))
		for i, m := range me.Producers {
			ids[i] = m.ProducerID
		}
		var err error
		if p.Producers, err = h.producers.Summaries(c.UserContext(), ids); err != nil {
			return err
		}
	}
	return h.site.Render(c, "bo_start", p)
}

type statusCount struct {
	Status, Label, URL string
	N                  int
}

type boDashboardPage struct {
	BasePage
	Nav      BackofficeNav
	D        *product.Dashboard
	Statuses []statusCount
}

func (h *Handler) showDashboard(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "dashboard")
	if err != nil {
		return err
	}
	d, err := h.products.Dashboard(c.UserContext(), nav.Producer.ID)
	if err != nil {
		return err
	}
	p := boDashboardPage{BasePage: h.backofficeBase(c, T("bo.dashboard")), Nav: nav, D: d}
	for _, st := range []string{product.StatusPublished, product.StatusDraft, product.StatusArchived, product.StatusSuspended} {
		if n := d.ByStatus[st]; n > 0 || st != product.StatusSuspended {
			p.Statuses = append(p.Statuses, statusCount{Status: st, Label: product.StatusNames[st], N: n, URL: nav.Base + "/san-pham?status=" + st})
		}
	}
	return h.site.Render(c, "bo_dashboard", p)
}

type statusOption struct {
	Value, Label string
	Selected     bool
}

func statusOptions(selected string, withAll bool) []statusOption {
	var out []statusOption
	if withAll {
		out = append(out, statusOption{Value: "", Label: T("bo.status_all"), Selected: selected == ""})
	}
	list := product.Statuses
	if withAll || selected == product.StatusSuspended {
		list = append(append([]string{}, list...), product.StatusSuspended)
	}
	for _, s := range list {
		out = append(out, statusOption{Value: s, Label: product.StatusNames[s], Selected: s == selected})
	}
	return out
}
