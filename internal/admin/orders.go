package admin

import (
	"bytes"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/export"
	"github.com/ocopvn/ocop/internal/order"
	"github.com/ocopvn/ocop/internal/payment"
	"github.com/ocopvn/ocop/internal/payment/vietqr"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/vntext"
	"github.com/ocopvn/ocop/internal/web"
)

// orderPages are the back-office's order and sales pages and the
// console's ledger.
var orderPages = []string{"bo_orders", "bo_order", "bo_sales", "console_ledger"}

// ordersPerPage is the length of a page of the order list.
const ordersPerPage = 30

type boOrdersPage struct {
	BasePage
	Nav      BackofficeNav
	Orders   []order.Order
	Total    int
	Statuses []statusOption
	Q        string
	From, To string
	Filtered bool
	Prev     string
	Next     string
	Export   string
}

// orderFilter reads the list's filters; bad dates are ignored.
func orderFilter(c *fiber.Ctx) (order.Filter, string, string) {
	f := order.Filter{Query: vntext.Truncate(strings.TrimSpace(c.Query("q")), 100)}
	if st, ok := order.ParseStatus(c.Query("status")); ok {
		f.Status = st
	}
	from, to := c.Query("tu"), c.Query("den")
	if t, err := time.ParseInLocation(time.DateOnly, from, catalog.Vietnam); err == nil {
		f.From = t
	} else {
		from = ""
	}
	if t, err := time.ParseInLocation(time.DateOnly, to, catalog.Vietnam); err == nil {
		f.To = t.AddDate(0, 0, 1)
	} else {
		to = ""
	}
	return f, from, to
}

func orderStatusOptions(selected order.Status) []statusOption {
	out := []statusOption{{Value: "", Label: T("bo.status_all"), Selected: selected == ""}}
	for _, s := range order.Statuses {
		out = append(out, statusOption{Value: string(s), Label: order.StatusText(s), Selected: s == selected})
	}
	return out
}

func (h *Handler) listOrders(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "orders")
	if err != nil {
		return err
	}
	f, from, to := orderFilter(c)
	if c.Query("tai") == "csv" {
		f.Limit = 10000
		os, _, err := h.orders.ProducerOrders(c.UserContext(), nav.Producer.ID, f)
		if err != nil {
			return err
		}
		return h.downloadOrders(c, os)
	}
	page, _ := strconv.Atoi(c.Query("trang"))
	page = max(page, 1)
	f.Limit, f.Offset = ordersPerPage, (page-1)*ordersPerPage
	os, total, err := h.orders.ProducerOrders(c.UserContext(), nav.Producer.ID, f)
	if err != nil {
		return err
	}
	q := url.Values{"q": {f.Query}, "status": {string(f.Status)}, "tu": {from}, "den": {to}}
	p := boOrdersPage{BasePage: h.backofficeBase(c, T("bo.orders")), Nav: nav, Orders: os, Total: total,
		Statuses: orderStatusOptions(f.Status), Q: f.Query, From: from, To: to,
		Filtered: f.Query != "" || f.Status != "" || from != "" || to != ""}
	if page > 1 {
		q.Set("trang", strconv.Itoa(page-1))
		p.Prev = withQuery(nav.Base+"/don-hang", q)
	}
	if page*ordersPerPage < total {
		q.Set("trang", strconv.Itoa(page+1))
		p.Next = withQuery(nav.Base+"/don-hang", q)
	}
	q.Del("trang")
	q.Set("tai", "csv")
	p.Export = withQuery(nav.Base+"/don-hang", q)
	return h.site.Render(c, "bo_orders", p)
}

// downloadOrders sends orders as CSV (formula-safe, X-06).
func (h *Handler) downloadOrders(c *fiber.Ctx, os []order.Order) error {
	t := export.Table{Sheet: "Don hang", Header: []string{"Mã đơn", "Ngày đặt", "Trạng thái", "Sản phẩm", "Tiền hàng (đ)",
		"Phí vận chuyển (đ)", "Tổng (đ)", "Tiền mặt đã thu (đ)", "Đơn vị vận chuyển", "Mã vận đơn", "Lý do huỷ"}}
	for _, o := range os {
		var items []string
		for _, it := range o.Items {
			items = append(items, it.Name+" × "+strconv.Itoa(it.Quantity))
		}
		var cash any = ""
		if o.CashCollectedVND != nil {
			cash = *o.CashCollectedVND
		}
		t.Rows = append(t.Rows, []any{o.Code, o.CreatedAt.In(catalog.Vietnam).Format("02/01/2006 15:04"), order.StatusText(o.Status),
			strings.Join(items, "; "), o.SubtotalVND, o.ShippingVND, o.TotalVND, cash, o.Carrier, o.TrackingNo, o.CancelReason})
	}
	return sendTable(c, t, "csv", "don-hang")
}

// sendTable sends t as a CSV or XLSX download named name.format.
func sendTable(c *fiber.Ctx, t export.Table, format, name string) error {
	var b bytes.Buffer
	var err error
	if format == "csv" {
		err = export.CSV(&b, t)
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	} else {
		format = "xlsx"
		err = export.XLSX(&b, t)
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.`+format+`"`)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(b.Bytes())
}

type boOrderPage struct {
	BasePage
	Nav     BackofficeNav
	Order   *order.Order
	Group   *order.Group
	Payment *payment.Payment
	// Next are the states the user may move the order to.
	Next    []order.Status
	Errors  apperr.FieldErrors
	Message string
	Notice  string
	// ConfirmTransfer: a VietQR payment this user may confirm;
	// Refundable: an online payment this order may be refunded from.
	ConfirmTransfer bool
	Refundable      bool
}

// party is how the request's user acts on the route's producer's orders.
func party(c *fiber.Ctx) order.Party {
	if web.Acting(c) == audit.AsMember {
		return order.ByProducer
	}
	return order.ByStaff
}

func (h *Handler) orderPage(c *fiber.Ctx) (*boOrderPage, error) {
	nav, err := h.backofficeNav(c, "orders")
	if err != nil {
		return nil, err
	}
	o, g, err := h.orders.ProducerOrder(c.UserContext(), nav.Producer.ID, c.Params("order"))
	if err != nil {
		return nil, err
	}
	pay, err := h.payments.ByGroup(c.UserContext(), g.ID)
	if err != nil {
		return nil, err
	}
	p := &boOrderPage{BasePage: h.backofficeBase(c, T("bo.order")+" "+o.Code), Nav: nav, Order: o, Group: g, Payment: pay,
		Next: order.Next(o.Status, party(c))}
	isPayee := pay.Payee == payment.PayeeProducer || party(c) == order.ByStaff
	p.ConfirmTransfer = pay.Method == order.MethodVietQR && isPayee &&
		(pay.Status == payment.StatusPending || pay.Status == payment.StatusFailed) && o.Status == order.PendingPayment
	p.Refundable = (pay.Status == payment.StatusPaid || pay.Status == payment.StatusNeedsReview) && pay.Method != order.MethodCOD &&
		order.Allowed(o.Status, order.Refunded, order.BySystem) && (pay.Method == order.MethodCard || isPayee)
	p.Notice = map[string]string{"1": T("bo.order_saved")}[c.Query("ok")]
	return p, nil
}

func (h *Handler) showOrder(c *fiber.Ctx) error {
	p, err := h.orderPage(c)
	if err != nil {
		return err
	}
	return h.site.Render(c, "bo_order", p)
}

// saveOrder moves the order to the form's state.
func (h *Handler) saveOrder(c *fiber.Ctx) error {
	to, ok := order.ParseStatus(c.FormValue("to"))
	if !ok {
		return apperr.E(apperr.Invalid, "Không rõ thao tác. Hãy tải lại trang.", "unknown target state")
	}
	cash, _ := vntext.ParseVND(c.FormValue("cash"))
	_, err := h.orders.Transition(c.UserContext(), routeProducerID(c), c.Params("order"), order.Change{To: to, Party: party(c),
		Actor: actor(c), Carrier: c.FormValue("carrier"), TrackingNo: c.FormValue("tracking_no"), Reason: c.FormValue("reason"), CashVND: cash})
	return h.afterOrderAction(c, err)
}

// afterOrderAction redirects to the order after a change, or shows it
// again with why the change was refused.
func (h *Handler) afterOrderAction(c *fiber.Ctx, err error) error {
	if err == nil {
		return c.Redirect("/quan-ly/"+c.Params("producer")+"/don-hang/"+url.PathEscape(c.Params("order"))+"?ok=1", fiber.StatusSeeOther)
	}
	var fe apperr.FieldErrors
	k := apperr.KindOf(err)
	if !errors.As(err, &fe) && k != apperr.Conflict && k != apperr.Forbidden && k != apperr.Unavailable {
		return err
	}
	p, perr := h.orderPage(c)
	if perr != nil {
		return perr
	}
	if fe != nil {
		p.Errors, p.Message = fe, T("form.fix_fields")
	} else {
		p.Message = apperr.As(err).Message
	}
	c.Status(web.Status(err))
	return h.site.Render(c, "bo_order", p)
}

// confirmTransfer records a VietQR transfer the payee received.
func (h *Handler) confirmTransfer(c *fiber.Ctx) error {
	amount, err := vntext.ParseVND(c.FormValue("amount"))
	if err != nil {
		return h.afterOrderAction(c, apperr.FieldErrors{"amount": "Hãy nhập số tiền đã nhận, ví dụ 250.000."})
	}
	_, err = h.payments.ConfirmTransfer(c.UserContext(), actor(c), routeProducerID(c), c.Params("order"), amount)
	return h.afterOrderAction(c, err)
}

// refundOrder refunds the order (a card through Stripe; a transfer is
// recorded as refunded by hand).
func (h *Handler) refundOrder(c *fiber.Ctx) error {
	return h.afterOrderAction(c, h.payments.RefundOrder(c.UserContext(), actor(c), routeProducerID(c), c.Params("order")))
}

type boSalesPage struct {
	BasePage
	Nav     BackofficeNav
	Form    producer.Sales
	Free    string
	Banks   []vietqr.Bank
	Errors  apperr.FieldErrors
	Message string
	Notice  string
}

func (h *Handler) showSales(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "sales")
	if err != nil {
		return err
	}
	s, err := h.producers.Sales(c.UserContext(), nav.Producer.ID)
	if err != nil {
		return err
	}
	p := boSalesPage{BasePage: h.backofficeBase(c, T("bo.sales")), Nav: nav, Form: *s, Banks: vietqr.Banks(),
		Notice: map[string]string{"1": T("bo.sales_saved")}[c.Query("ok")]}
	if s.FreeShippingFromVND != nil {
		p.Free = strconv.FormatInt(*s.FreeShippingFromVND, 10)
	}
	return h.site.Render(c, "bo_sales", p)
}

func (h *Handler) saveSales(c *fiber.Ctx) error {
	nav, err := h.backofficeNav(c, "sales")
	if err != nil {
		return err
	}
	fe := apperr.FieldErrors{}
	in := producer.Sales{BankBIN: c.FormValue("bank_bin"), BankAccountNo: c.FormValue("bank_account_no"), BankAccountName: c.FormValue("bank_account_name")}
	if in.BankBIN != "" {
		if _, ok := vietqr.BankByBIN(in.BankBIN); !ok {
			fe.Add("bank_bin", "Hãy chọn ngân hàng trong danh sách.")
		}
	}
	if in.ShippingFeeVND, err = vntext.ParseVND(c.FormValue("shipping_fee")); err != nil {
		fe.Add("shipping_fee", "Hãy nhập phí vận chuyển, ví dụ 30.000 (0 nếu miễn phí).")
	}
	free := strings.TrimSpace(c.FormValue("free_shipping_from"))
	if free != "" {
		v, err := vntext.ParseVND(free)
		if err != nil {
			fe.Add("free_shipping_from", "Hãy nhập số tiền, ví dụ 500.000, hoặc để trống.")
		}
		in.FreeShippingFromVND = &v
	}
	if err = fe.OrNil(); err == nil {
		err = h.producers.SetSales(c.UserContext(), actor(c), nav.Producer.ID, in)
	}
	if err == nil {
		return c.Redirect(nav.Base+"/ban-hang?ok=1", fiber.StatusSeeOther)
	}
	if !errors.As(err, &fe) {
		return err
	}
	p := boSalesPage{BasePage: h.backofficeBase(c, T("bo.sales")), Nav: nav, Form: in, Free: free, Banks: vietqr.Banks(),
		Errors: fe, Message: T("form.fix_fields")}
	c.Status(fiber.StatusUnprocessableEntity)
	return h.site.Render(c, "bo_sales", p)
}
