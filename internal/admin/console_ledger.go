package admin

import (
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/export"
	"github.com/ocopvn/ocop/internal/payment"
	"github.com/ocopvn/ocop/internal/payment/vietqr"
	"github.com/ocopvn/ocop/internal/vntext"
	"github.com/ocopvn/ocop/internal/web"
)

type ledgerPage struct {
	BasePage
	Rows      []payment.LedgerRow
	Provinces []string // the provinces the user may choose
	Province  string
	From, To  string // yyyy-mm
	Settings  payment.Settings
	Banks     []vietqr.Bank
	Errors    apperr.FieldErrors
	Message   string
	Notice    string
	CSV, XLSX string
}

// parseMonth reads yyyy-mm as the first of the month; zero if bad.
func parseMonth(s string) time.Time {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// ledgerProvince is the province the request may see: an admin any (""
// is all), staff one of theirs (the first when none is asked for).
func ledgerProvince(c *fiber.Ctx, asked string) (string, []string) {
	me := web.CurrentUser(c)
	if me.IsAdmin() {
		return asked, nil
	}
	if slices.Contains(me.Provinces, asked) {
		return asked, me.Provinces
	}
	return me.Provinces[0], me.Provinces
}

func (h *Handler) ledgerPage(c *fiber.Ctx) (*ledgerPage, error) {
	prov, provs := ledgerProvince(c, c.Query("tinh", c.FormValue("tinh")))
	p := &ledgerPage{BasePage: h.privateBase(c, T("console.ledger")), Province: prov, Provinces: provs,
		From: c.Query("tu"), To: c.Query("den"), Banks: vietqr.Banks()}
	f := payment.LedgerFilter{Province: prov, From: parseMonth(p.From), To: parseMonth(p.To)}
	var err error
	if p.Rows, err = h.payments.Ledger(c.UserContext(), f); err != nil {
		return nil, err
	}
	if p.Settings, err = h.payments.Settings(c.UserContext()); err != nil {
		return nil, err
	}
	base := "/quan-tri/so-cai?tinh=" + prov + "&tu=" + p.From + "&den=" + p.To
	p.CSV, p.XLSX = base+"&tai=csv", base+"&tai=xlsx"
	p.Notice = map[string]string{"chi-tra": T("console.ledger_paid"), "cai-dat": T("console.ledger_settings_saved")}[c.Query("ok")]
	return p, nil
}

func (h *Handler) showLedger(c *fiber.Ctx) error {
	p, err := h.ledgerPage(c)
	if err != nil {
		return err
	}
	if f := c.Query("tai"); f == "csv" || f == "xlsx" {
		return downloadLedger(c, p.Rows, f)
	}
	return h.site.Render(c, "console_ledger", p)
}

// downloadLedger sends the ledger as CSV or XLSX (formula-safe, X-06).
func downloadLedger(c *fiber.Ctx, rows []payment.LedgerRow, format string) error {
	t := export.Table{Sheet: "So cai", Header: []string{"Tháng", "Chủ thể", "Tỉnh", "Số đơn", "Doanh số (đ)", "Hoa hồng (đ)",
		"Tiền mặt COD chủ thể đã thu (đ)", "Trực tuyến qua sàn (đ)", "Chuyển thẳng cho chủ thể (đ)", "Sàn phải trả (đ)", "Đã chi trả (đ)", "Còn lại (đ)"}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []any{r.Month.Format("01/2006"), r.ProducerName, r.ProvinceCode, r.Orders, r.GrossVND, r.CommissionVND,
			r.CODCollectedVND, r.PlatformVND, r.DirectVND, r.PayableVND, r.PaidOutVND, r.BalanceVND})
	}
	return sendTable(c, t, format, "so-cai-ban-hang")
}

// savePayout records a payout to a producer of a province the user
// serves.
func (h *Handler) savePayout(c *fiber.Ctx) error {
	pid, _ := strconv.ParseInt(c.FormValue("producer"), 10, 64)
	scope, err := h.producers.FindScope(c.UserContext(), pid)
	if err != nil {
		return err
	}
	me := web.CurrentUser(c)
	if !me.IsAdmin() && !me.ServesProvince(scope.Province) {
		return apperr.E(apperr.Forbidden, "Chủ thể này không thuộc tỉnh bạn phụ trách.", "not a producer of your province")
	}
	amount, aerr := vntext.ParseVND(c.FormValue("amount"))
	if aerr != nil {
		amount = 0
	}
	err = h.payments.MarkPayout(c.UserContext(), staffActor(c), pid, parseMonth(c.FormValue("month")), amount, c.FormValue("reference"))
	return h.afterLedger(c, err, "chi-tra")
}

// saveMarketplace sets the commission and the platform's bank account
// (admins).
func (h *Handler) saveMarketplace(c *fiber.Ctx) error {
	pct, err := strconv.ParseFloat(c.FormValue("commission"), 64)
	if err != nil {
		return h.afterLedger(c, apperr.FieldErrors{"commission": "Hoa hồng là một số phần trăm, ví dụ 5 hoặc 2.5."}, "")
	}
	a := staffActor(c)
	if err := h.payments.SetCommission(c.UserContext(), a, int(pct*100+0.5)); err != nil {
		return h.afterLedger(c, err, "")
	}
	if c.FormValue("bank_bin") != "" || c.FormValue("bank_account_no") != "" {
		err = h.payments.SetPlatformBank(c.UserContext(), a, c.FormValue("bank_bin"), c.FormValue("bank_account_no"), c.FormValue("bank_account_name"))
	}
	return h.afterLedger(c, err, "cai-dat")
}

func (h *Handler) afterLedger(c *fiber.Ctx, err error, ok string) error {
	if err == nil {
		return c.Redirect("/quan-tri/so-cai?ok="+ok, fiber.StatusSeeOther)
	}
	var fe apperr.FieldErrors
	if !errors.As(err, &fe) {
		return err
	}
	p, perr := h.ledgerPage(c)
	if perr != nil {
		return perr
	}
	p.Errors, p.Message = fe, T("form.fix_fields")
	c.Status(fiber.StatusUnprocessableEntity)
	return h.site.Render(c, "console_ledger", p)
}

// staffActor is the console's user as the audit log records them.
func staffActor(c *fiber.Ctx) audit.Actor {
	me := web.CurrentUser(c)
	if me.IsAdmin() {
		return audit.Actor{UserID: me.User.ID, ActingAs: audit.AsAdmin}
	}
	return audit.Actor{UserID: me.User.ID, ActingAs: audit.AsStaff}
}
