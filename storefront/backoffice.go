package storefront

import (
	"errors"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/web"
)

// backofficePages are the producer back-office's page templates.
var backofficePages = []string{"bo_start", "bo_dashboard", "bo_products", "bo_product", "bo_profile"}

// backofficeRoutes mounts the producer back-office (/quan-ly/…). Every
// page below /quan-ly/:producer is for the producer's members, admins and
// the province's staff on a household's behalf (web.ProducerMember); the
// producer and product come from the URL only, never from the form.
func (h *Handler) backofficeRoutes(r *web.Router) {
	r.Get("/quan-ly", web.SignedIn, h.showBackofficeStart)
	r.Get("/quan-ly/:producer", web.ProducerMember, h.showDashboard)
	r.Get("/quan-ly/:producer/san-pham", web.ProducerMember, h.listBackofficeProducts)
	r.Get("/quan-ly/:producer/san-pham/moi", web.ProducerMember, h.showNewProduct)
	r.Post("/quan-ly/:producer/san-pham/moi", web.ProducerMember, h.createProduct)
	r.Get("/quan-ly/:producer/san-pham/:product", web.ProducerMember, h.showEditProduct)
	r.Post("/quan-ly/:producer/san-pham/:product", web.ProducerMember, h.saveProduct)
	r.Get("/quan-ly/:producer/cua-hang", web.ProducerMember, h.showProfile)
	r.Post("/quan-ly/:producer/cua-hang", web.ProducerMember, h.saveProfile)
}

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
	p, err := h.Producers.Summary(c.UserContext(), id)
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

func (h *Handler) backofficeBase(c *fiber.Ctx, title string) BasePage {
	b := h.base(c, title+" – "+T("bo.title")+" – "+T("site.name"), "")
	b.NoIndex = true
	b.CSRF = web.CSRFToken(c)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return b
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
		if p.Producers, err = h.Producers.Summaries(c.UserContext(), ids); err != nil {
			return err
		}
	}
	return h.render(c, "bo_start", p)
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
	d, err := h.Backoffice.Dashboard(c.UserContext(), nav.Producer.ID)
	if err != nil {
		return err
	}
	p := boDashboardPage{BasePage: h.backofficeBase(c, T("bo.dashboard")), Nav: nav, D: d}
	for _, st := range []string{product.StatusPublished, product.StatusDraft, product.StatusArchived, product.StatusSuspended} {
		if n := d.ByStatus[st]; n > 0 || st != product.StatusSuspended {
			p.Statuses = append(p.Statuses, statusCount{Status: st, Label: product.StatusNames[st], N: n, URL: nav.Base + "/san-pham?status=" + st})
		}
	}
	return h.render(c, "bo_dashboard", p)
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

type boProductsPage struct {
	BasePage
	Nav         BackofficeNav
	Q           string
	Statuses    []statusOption
	List        *product.ListPage
	Prev, Next  string
	Filtered    bool
	StatusNames map[string]string
	Notice      string // after a deletion (?ok=xoa from the photos page)
}

func (h *Handler) listBackofficeProducts(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "products")
	if err != nil {
		return err
	}
	f := product.ListFilter{Q: c.Query("q"), Status: c.Query("status"), Page: c.QueryInt("page", 1)}
	if _, ok := product.StatusNames[f.Status]; !ok {
		f.Status = ""
	}
	if f.Page > 10000 {
		f.Page = 10000
	}
	l, err := h.Backoffice.Products(c.UserContext(), nav.Producer.ID, f)
	if err != nil {
		return err
	}
	p := boProductsPage{BasePage: h.backofficeBase(c, T("bo.products")), Nav: nav, Q: f.Q, Statuses: statusOptions(f.Status, true), List: l,
		Filtered: f.Q != "" || f.Status != "", StatusNames: product.StatusNames}
	p.Query = "" // the site search box is not this search
	if c.Query("ok") == "xoa" {
		p.Notice = T("bo.product_deleted")
	}
	link := func(page int) string {
		return withQuery(nav.Base+"/san-pham", url.Values{"q": {f.Q}, "status": {f.Status}, "page": {strconv.Itoa(page)}})
	}
	if l.Page > 1 {
		p.Prev = link(min(l.Page-1, l.LastPage))
	}
	if l.Page < l.LastPage {
		p.Next = link(l.Page + 1)
	}
	return h.render(c, "bo_products", p)
}

type boProductPage struct {
	BasePage
	Nav        BackofficeNav
	Product    *product.Product // nil when creating
	Action     string
	Form       product.ProductInput
	Errors     apperr.FieldErrors
	Message    string // above the form (errors, conflicts)
	Notice     string // after a successful save
	StatusNote string // why the product was kept a draft
	Groups     []product.GroupSet
	Statuses   []statusOption
}

func (h *Handler) productForm(c *fiber.Ctx, nav BackofficeNav, prod *product.Product, in product.ProductInput) (boProductPage, error) {
	groups, err := h.Backoffice.LeafGroups(c.UserContext())
	if err != nil {
		return boProductPage{}, err
	}
	title, action := T("bo.new_product"), nav.Base+"/san-pham/moi"
	if prod != nil {
		title, action = prod.Name, nav.Base+"/san-pham/"+strconv.FormatInt(prod.ID, 10)
	}
	return boProductPage{BasePage: h.backofficeBase(c, title), Nav: nav, Product: prod, Action: action, Form: in,
		Groups: groups, Statuses: statusOptions(in.Status, false)}, nil
}

func productInput(c *fiber.Ctx) product.ProductInput {
	return product.ProductInput{Name: c.FormValue("name"), Group: c.FormValue("group"), Description: c.FormValue("description"),
		Unit: c.FormValue("unit"), Price: c.FormValue("price"), Stock: c.FormValue("stock"), Status: c.FormValue("status"),
		Version: c.FormValue("version")}
}

func (h *Handler) showNewProduct(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "new")
	if err != nil {
		return err
	}
	p, err := h.productForm(c, nav, nil, product.ProductInput{Status: product.StatusDraft, Stock: "0"})
	if err != nil {
		return err
	}
	return h.render(c, "bo_product", p)
}

func (h *Handler) createProduct(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "new")
	if err != nil {
		return err
	}
	in := productInput(c)
	in.Version = ""
	res, err := h.Backoffice.CreateProduct(c.UserContext(), actor(c), nav.Producer.ID, in)
	if err != nil {
		return h.productFormError(c, nav, nil, in, err)
	}
	return c.Redirect(savedURL(nav, res), fiber.StatusSeeOther)
}

// savedURL is the edit page after a save, saying so (and why the product
// was kept a draft).
func savedURL(nav BackofficeNav, res product.SaveResult) string {
	q := url.Values{"da-luu": {"1"}, "nhap": {res.Refused}}
	return withQuery(nav.Base+"/san-pham/"+strconv.FormatInt(res.ID, 10), q)
}

// productFormError shows the form again with the user's input: 422 with
// a message by each refused field, 409 when the product changed meanwhile.
func (h *Handler) productFormError(c *fiber.Ctx, nav BackofficeNav, prod *product.Product, in product.ProductInput, err error) error {
	var fe apperr.FieldErrors
	stale := errors.Is(err, product.ErrStale)
	if !errors.As(err, &fe) && !stale {
		return err
	}
	p, perr := h.productForm(c, nav, prod, in)
	if perr != nil {
		return perr
	}
	if stale {
		// the input stays; the form now carries the current version, so
		// saving again is a deliberate overwrite
		p.Message = product.ErrStale.Message
		p.Form.Version = prod.Version()
		c.Status(fiber.StatusConflict)
	} else {
		p.Errors, p.Message = fe, T("bo.fix_fields")
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return h.render(c, "bo_product", p)
}

// routeProduct loads :product of the route's producer (404 when it is
// another producer's or no product).
func (h *Handler) routeProduct(c *fiber.Ctx, nav BackofficeNav) (*product.Product, error) {
	id, err := strconv.ParseInt(c.Params("product"), 10, 64)
	if err != nil || id <= 0 {
		return nil, product.ErrProductNotFound
	}
	return h.Backoffice.Product(c.UserContext(), nav.Producer.ID, id)
}

func (h *Handler) showEditProduct(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "products")
	if err != nil {
		return err
	}
	prod, err := h.routeProduct(c, nav)
	if err != nil {
		return err
	}
	p, err := h.productForm(c, nav, prod, prod.Input())
	if err != nil {
		return err
	}
	if c.Query("da-luu") == "1" {
		p.Notice = T("bo.saved")
	}
	p.StatusNote = product.RefusedMessages[c.Query("nhap")]
	return h.render(c, "bo_product", p)
}

func (h *Handler) saveProduct(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "products")
	if err != nil {
		return err
	}
	prod, err := h.routeProduct(c, nav)
	if err != nil {
		return err
	}
	in := productInput(c)
	res, err := h.Backoffice.UpdateProduct(c.UserContext(), actor(c), nav.Producer.ID, prod.ID, in)
	if err != nil {
		if errors.Is(err, product.ErrStale) {
			// show the current row's state (and version) with the input
			if prod, err = h.routeProduct(c, nav); err != nil {
				return err
			}
			err = product.ErrStale
		}
		return h.productFormError(c, nav, prod, in, err)
	}
	return c.Redirect(savedURL(nav, res), fiber.StatusSeeOther)
}

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
	in, err := h.Producers.Profile(c.UserContext(), nav.Producer.ID)
	if err != nil {
		return err
	}
	p := boProfilePage{BasePage: h.backofficeBase(c, T("bo.profile")), Nav: nav, Form: in}
	if c.Query("da-luu") == "1" {
		p.Notice = T("bo.profile_saved")
	}
	return h.render(c, "bo_profile", p)
}

func (h *Handler) saveProfile(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "profile")
	if err != nil {
		return err
	}
	in := producer.ProfileInput{DisplayName: c.FormValue("display_name"), Story: c.FormValue("story"), Phone: c.FormValue("phone"),
		Zalo: c.FormValue("zalo"), Email: c.FormValue("email"), Website: c.FormValue("website")}
	err = h.Producers.UpdateProfile(c.UserContext(), actor(c), nav.Producer.ID, in)
	var fe apperr.FieldErrors
	if errors.As(err, &fe) {
		p := boProfilePage{BasePage: h.backofficeBase(c, T("bo.profile")), Nav: nav, Form: in, Errors: fe, Message: T("bo.fix_fields")}
		c.Status(fiber.StatusUnprocessableEntity)
		return h.render(c, "bo_profile", p)
	}
	if err != nil {
		return err
	}
	return c.Redirect(nav.Base+"/cua-hang?da-luu=1", fiber.StatusSeeOther)
}
