package admin

import (
	"errors"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/paging"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/storefront/ui"
)

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
	f := product.ListFilter{Q: c.Query("q"), Status: c.Query("status"), Page: paging.Of(c.QueryInt("page", 1), product.PerPage)}
	if _, ok := product.StatusNames[f.Status]; !ok {
		f.Status = ""
	}
	l, err := h.products.Products(c.UserContext(), nav.Producer.ID, f)
	if err != nil {
		return err
	}
	p := boProductsPage{BasePage: h.backofficeBase(c, T("bo.products")), Nav: nav, Q: f.Q, Statuses: statusOptions(f.Status, true), List: l,
		Filtered: f.Q != "" || f.Status != "", StatusNames: product.StatusNames}
	p.Query = "" // the site search box is not this search
	p.Notice = ui.Flash(c, "ok", map[string]string{"xoa": T("bo.product_deleted")})
	links := f.Page.Links(l.Total, func(page int) string {
		return withQuery(nav.Base+"/san-pham", url.Values{"q": {f.Q}, "status": {f.Status}, "page": {strconv.Itoa(page)}})
	})
	p.Prev, p.Next = links.Prev, links.Next
	return h.site.Render(c, "bo_products", p)
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
	groups, err := h.products.LeafGroups(c.UserContext())
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
	return h.site.Render(c, "bo_product", p)
}

func (h *Handler) saveNewProduct(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "new")
	if err != nil {
		return err
	}
	in := productInput(c)
	in.Version = ""
	res, err := h.products.CreateProduct(c.UserContext(), actor(c), nav.Producer.ID, in)
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
	return h.site.Render(c, "bo_product", p)
}

// productNav is the back-office navigation of the products tab and the
// route's :product (404 when it is another producer's or no product).
func (h *Handler) productNav(c *fiber.Ctx) (BackofficeNav, *product.Product, error) {
	nav, err := h.backofficeNav(c, "products")
	if err != nil {
		return nav, nil, err
	}
	prod, err := h.routeProduct(c, nav)
	return nav, prod, err
}

// routeProduct loads :product of the route's producer (404 when it is
// another producer's or no product).
func (h *Handler) routeProduct(c *fiber.Ctx, nav BackofficeNav) (*product.Product, error) {
	id, err := strconv.ParseInt(c.Params("product"), 10, 64)
	if err != nil || id <= 0 {
		return nil, product.ErrProductNotFound
	}
	return h.products.Product(c.UserContext(), nav.Producer.ID, id)
}

func (h *Handler) showEditProduct(c *fiber.Ctx) error {
	nav, prod, err := h.productNav(c)
	if err != nil {
		return err
	}
	p, err := h.productForm(c, nav, prod, prod.Input())
	if err != nil {
		return err
	}
	p.Notice = ui.Flash(c, "da-luu", map[string]string{"1": T("bo.saved")})
	p.StatusNote = product.RefusedMessages[c.Query("nhap")]
	return h.site.Render(c, "bo_product", p)
}

func (h *Handler) saveProduct(c *fiber.Ctx) error {
	nav, prod, err := h.productNav(c)
	if err != nil {
		return err
	}
	in := productInput(c)
	res, err := h.products.UpdateProduct(c.UserContext(), actor(c), nav.Producer.ID, prod.ID, in)
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
