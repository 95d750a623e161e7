package admin

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/export"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/report"
	"github.com/ocopvn/ocop/internal/sheet"
	"github.com/ocopvn/ocop/internal/web"
	"github.com/ocopvn/ocop/storefront/ui"
)

// reportPages are the console's report pages.
var reportPages = []string{"console_report_plan", "console_report_certified", "console_report_years"}

// reportBase is what every report page shows: the province chosen among
// those the user may see, and the links between the reports.
type reportBase struct {
	BasePage
	Province  string
	Provinces []catalog.Province // the user's choices
	Tab       string
	Query     string // the filters as a query string, for the downloads
}

// reportProvince is the province a report shows: one the user serves
// (staff) or any (admins); the first of theirs when none is asked for.
func (h *Handler) reportProvince(c *fiber.Ctx, asked string) (string, []catalog.Province, error) {
	me := web.CurrentUser(c)
	v, err := h.catalog.View(c.UserContext())
	if err != nil {
		return "", nil, err
	}
	var choices []catalog.Province
	for _, p := range v.Reference().ProvincesVI {
		if me.IsAdmin() || slices.Contains(me.Provinces, p.Code) {
			choices = append(choices, p)
		}
	}
	if len(choices) == 0 {
		return "", nil, apperr.E(apperr.Forbidden, "Bạn chưa được giao tỉnh nào.", "no province")
	}
	for _, p := range choices {
		if p.Code == asked {
			return asked, choices, nil
		}
	}
	if asked != "" && !me.IsAdmin() {
		return "", nil, apperr.E(apperr.Forbidden, "Tỉnh này không thuộc phạm vi bạn phụ trách.", "not a province of yours")
	}
	if len(me.Provinces) > 0 {
		return me.Provinces[0], choices, nil
	}
	return choices[0].Code, choices, nil
}

func (h *Handler) reportBase(c *fiber.Ctx, title, tab string) (reportBase, error) {
	prov, provs, err := h.reportProvince(c, c.Query("tinh", c.FormValue("tinh")))
	if err != nil {
		return reportBase{}, err
	}
	return reportBase{BasePage: h.consoleBase(c, title), Province: prov, Provinces: provs, Tab: tab}, nil
}

// download sends a report table as CSV or XLSX when ?tai= asks for one.
func download(c *fiber.Ctx, t export.Table, name string) (bool, error) {
	switch f := c.Query("tai"); f {
	case "csv", "xlsx":
		return true, sendTable(c, t, f, name)
	}
	return false, nil
}

// yearParam reads ?nam= (a plan's year); def when absent or bad.
func yearParam(c *fiber.Ctx, name string, def int) int {
	y, err := strconv.Atoi(c.Query(name))
	if err != nil || y < 2018 || y > 2100 {
		return def
	}
	return y
}

type planPage struct {
	reportBase
	Year    int
	Years   []int
	Report  *report.PlanReport
	Chart   template.HTML
	Errors  []sheet.RowError
	Message string
	Notice  string
}

func (h *Handler) planPage(c *fiber.Ctx) (*planPage, error) {
	base, err := h.reportBase(c, T("report.plan"), "ke-hoach")
	if err != nil {
		return nil, err
	}
	p := &planPage{reportBase: base}
	if p.Years, err = h.reports.Years(c.UserContext(), base.Province); err != nil {
		return nil, err
	}
	def := h.now().Year()
	if len(p.Years) > 0 {
		def = p.Years[0]
	}
	p.Year = yearParam(c, "nam", def)
	p.Query = url.Values{"tinh": {base.Province}, "nam": {strconv.Itoa(p.Year)}}.Encode()
	r, err := h.reports.PlanVsActual(c.UserContext(), base.Province, p.Year)
	switch {
	case errors.Is(err, report.ErrNoPlan):
	case err != nil:
		return nil, err
	default:
		p.Report = r
		var bars []ui.Bar
		for _, l := range r.Lines {
			bars = append(bars, ui.Bar{Label: l.Name, Value: l.Actual.Total, Target: l.Plan.Total})
		}
		p.Chart = ui.BarChart(fmt.Sprintf(T("report.plan_chart"), p.Year), bars)
	}
	return p, nil
}

func (h *Handler) showPlanReport(c *fiber.Ctx) error {
	p, err := h.planPage(c)
	if err != nil {
		return err
	}
	if p.Report != nil {
		if done, err := download(c, report.PlanTable(p.Report, true), fmt.Sprintf("ke-hoach-ocop-%s-%d", p.Province, p.Year)); done {
			return err
		}
	}
	p.Notice = ui.Flash(c, "ok", map[string]string{"1": T("report.plan_saved")})
	return h.site.Render(c, "console_report_plan", p)
}

// savePlan imports a plan file uploaded by the province's staff.
func (h *Handler) savePlan(c *fiber.Ctx) error {
	prov, _, err := h.reportProvince(c, c.FormValue("tinh"))
	if err != nil {
		return err
	}
	year, err := strconv.Atoi(c.FormValue("nam"))
	fail := func(status int, msg string, rowErrs []sheet.RowError) error {
		p, perr := h.planPage(c)
		if perr != nil {
			return perr
		}
		p.Message, p.Errors = msg, rowErrs
		c.Status(status)
		return h.site.Render(c, "console_report_plan", p)
	}
	if err != nil || year < 2018 || year > 2100 {
		return fail(fiber.StatusUnprocessableEntity, T("report.bad_year"), nil)
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return fail(fiber.StatusUnprocessableEntity, T("report.no_file"), nil)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	in := report.PlanInput{Province: prov, Year: year, File: io.LimitReader(f, 16<<20), FileName: fh.Filename,
		Format: strings.TrimPrefix(strings.ToLower(filepath.Ext(fh.Filename)), "."), Actor: staffActor(c)}
	for field, dst := range map[string]**int{"coop": &in.CoopSharePct, "enterprise": &in.EnterpriseSharePct} {
		if v := strings.TrimSpace(strings.TrimSuffix(c.FormValue(field), "%")); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 100 {
				return fail(fiber.StatusUnprocessableEntity, T("report.bad_share"), nil)
			}
			*dst = &n
		}
	}
	if in.Format != "xlsx" {
		in.Format = "csv"
	}
	_, rowErrs, err := h.reports.ImportPlan(c.UserContext(), in)
	switch {
	case errors.Is(err, report.ErrPlanRows):
		return fail(fiber.StatusUnprocessableEntity, fmt.Sprintf(T("report.plan_refused"), len(rowErrs)), rowErrs)
	case errors.Is(err, sheet.ErrBadFile):
		return fail(fiber.StatusUnprocessableEntity, sheet.FileProblem(err), nil)
	case err != nil:
		return err
	}
	return c.Redirect("/quan-tri/bao-cao/ke-hoach?"+url.Values{"tinh": {prov}, "nam": {strconv.Itoa(year)}, "ok": {"1"}}.Encode(), fiber.StatusSeeOther)
}

type certifiedPage struct {
	reportBase
	F       report.Filter
	Report  *report.Certified
	Chart   template.HTML
	Groups  []catalog.Group
	Types   []producer.Option
	Years   []int
	ByLabel string
}

func (h *Handler) showCertifiedReport(c *fiber.Ctx) error {
	base, err := h.reportBase(c, T("report.certified"), "san-pham")
	if err != nil {
		return err
	}
	f := report.Filter{Province: base.Province, Year: yearParam(c, "nam", 0), Group: c.Query("nhom"), ProducerType: c.Query("loai"),
		ByCommune: c.Query("theo") == "xa"}
	f.Star, _ = strconv.Atoi(c.Query("sao"))
	if f.Star < 3 || f.Star > 5 {
		f.Star = 0
	}
	r, err := h.reports.Certified(c.UserContext(), f)
	if err != nil {
		return err
	}
	q := url.Values{"tinh": {f.Province}, "nhom": {f.Group}, "loai": {f.ProducerType}}
	if f.Year != 0 {
		q.Set("nam", strconv.Itoa(f.Year))
	}
	if f.Star != 0 {
		q.Set("sao", strconv.Itoa(f.Star))
	}
	if f.ByCommune {
		q.Set("theo", "xa")
	}
	p := certifiedPage{reportBase: base, F: f, Report: r, Types: producer.Types}
	p.Query = q.Encode()
	title := certifiedTitle(r, f)
	t := export.Table{Sheet: "San pham OCOP", Title: title, Header: []string{"Địa phương", "Nhóm", "Tổng", "5 sao", "4 sao", "3 sao"}}
	byLocality := map[string]int{}
	var order []string
	for _, row := range r.Rows {
		name := row.Locality
		if name == "" {
			name = report.UnattributedName
		}
		t.Rows = append(t.Rows, []any{name, row.Group, row.Total, row.Star5, row.Star4, row.Star3})
		if _, ok := byLocality[name]; !ok {
			order = append(order, name)
		}
		byLocality[name] += row.Total
	}
	for _, ty := range r.ByType {
		t.Rows = append(t.Rows, []any{T("report.by_type") + ": " + producer.TypeLabel(ty.ProducerType), "", ty.Total, ty.Star5, ty.Star4, ty.Star3})
	}
	if done, err := download(c, t, "san-pham-ocop-"+f.Province); done {
		return err
	}
	var bars []ui.Bar
	for _, name := range order {
		bars = append(bars, ui.Bar{Label: name, Value: byLocality[name]})
	}
	p.Chart = ui.BarChart(title, bars)
	if v, err := h.catalog.View(c.UserContext()); err == nil {
		for _, g := range v.Reference().Groups {
			if !strings.Contains(g.Code, ".") {
				p.Groups = append(p.Groups, g)
			}
		}
	}
	for y := h.now().Year(); y >= 2019; y-- {
		p.Years = append(p.Years, y)
	}
	return h.site.Render(c, "console_report_certified", p)
}

// certifiedTitle says what the certified report counts, filters included.
func certifiedTitle(r *report.Certified, f report.Filter) string {
	parts := []string{T("report.certified") + " – " + r.Province.Name}
	if f.Year != 0 {
		parts = append(parts, fmt.Sprintf(T("report.decided_in"), f.Year))
	} else {
		parts = append(parts, T("report.in_force"))
	}
	if f.Group != "" {
		parts = append(parts, T("report.group")+" "+f.Group)
	}
	if f.Star != 0 {
		parts = append(parts, fmt.Sprintf("%d sao", f.Star))
	}
	if f.ProducerType != "" {
		parts = append(parts, producer.TypeLabel(f.ProducerType))
	}
	return strings.Join(parts, ", ")
}

type yearsPage struct {
	reportBase
	Rows  []report.YearRow
	Chart template.HTML
}

func (h *Handler) showYearsReport(c *fiber.Ctx) error {
	base, err := h.reportBase(c, T("report.years"), "bien-dong")
	if err != nil {
		return err
	}
	rows, err := h.reports.Lifecycle(c.UserContext(), base.Province)
	if err != nil {
		return err
	}
	p := yearsPage{reportBase: base, Rows: rows}
	p.Query = url.Values{"tinh": {base.Province}}.Encode()
	t := export.Table{Sheet: "Bien dong", Title: T("report.years") + " – " + base.Province,
		Header: []string{"Năm", "Sản phẩm mới", "Công nhận lại", "Nâng hạng", "Hết hạn", "Bị thu hồi"}}
	var bars []ui.Bar
	for _, r := range rows {
		t.Rows = append(t.Rows, []any{r.Year, r.New, r.Renewed, r.Upgraded, r.Expired, r.Revoked})
		bars = append(bars, ui.Bar{Label: strconv.Itoa(r.Year), Value: r.New})
	}
	if len(rows) == 0 {
		bars = nil
	}
	if done, err := download(c, t, "bien-dong-ocop-"+base.Province); done {
		return err
	}
	p.Chart = ui.BarChart(T("report.new_per_year"), bars)
	return h.site.Render(c, "console_report_years", p)
}
