package admin

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/fair"
	"github.com/ocopvn/ocop/internal/web"
)

// The staff console's fairs (/quan-tri/hoi-cho): staff of either kind see
// their provinces' events; trade promotion (and admins) create and edit
// them, move them through their statuses and lay out the floor plan, one
// zone at a time, on a grid of selects (a form, no drawing tool). Every
// change is audited by internal/fair.

// fairMay is who may run a province's events: an admin, or its trade
// promotion staff (the same rule as showrooms).
func fairMay(c *fiber.Ctx) fair.May { return fair.May(showroomMay(c)) }

type fairsConsolePage struct {
	BasePage
	Items       []*fair.Event
	CanEdit     bool
	StatusNames map[string]string
	KindName    func(string) string
}

func (h *Handler) listConsoleFairs(c *fiber.Ctx) error {
	me := web.CurrentUser(c)
	var provinces []string
	if !me.IsAdmin() {
		provinces = me.Provinces
	}
	items, err := h.fairs.StaffList(c.UserContext(), provinces)
	if err != nil {
		return err
	}
	return h.site.Render(c, "console_fairs", fairsConsolePage{BasePage: h.consoleBase(c, T("console.fairs")), Items: items,
		CanEdit: me.IsAdmin() || len(me.TradePromotion) > 0, StatusNames: fair.StatusNames, KindName: fair.KindName})
}

// fairTextFields are the event form's text inputs, in order.
var fairTextFields = []showroomTextField{
	{Name: "name", Label: "Tên sự kiện", Max: 200},
	{Name: "organizer", Label: "Đơn vị tổ chức", Max: 200},
	{Name: "venue_name", Label: "Địa điểm tổ chức", Max: 200, Hint: "Ví dụ: Cung Quy hoạch, Hội chợ và Triển lãm tỉnh. Livestream có thể để trống."},
	{Name: "venue_address", Label: "Địa chỉ", Max: 300},
	{Name: "commune_code", Label: "Mã xã/phường", Max: 5, Mode: "numeric"},
	{Name: "lat", Label: "Vĩ độ", Max: 20, Mode: "decimal", Hint: "Để trống nếu chưa có; có toạ độ thì trang sự kiện có nút chỉ đường."},
	{Name: "lng", Label: "Kinh độ", Max: 20, Mode: "decimal"},
	{Name: "starts_on", Label: "Ngày khai mạc", Max: 10, Hint: "dd/mm/yyyy"},
	{Name: "ends_on", Label: "Ngày bế mạc", Max: 10, Hint: "dd/mm/yyyy"},
	{Name: "hours", Label: "Giờ mở cửa hằng ngày", Max: 20, Hint: "Ví dụ 08:00-22:00"},
	{Name: "registration_opens_on", Label: "Mở đăng ký gian hàng từ ngày", Max: 10, Hint: "dd/mm/yyyy"},
	{Name: "registration_closes_on", Label: "Hạn đăng ký gian hàng", Max: 10, Hint: "dd/mm/yyyy; cần có trước khi mở đăng ký."},
	{Name: "move_in_at", Label: "Nhận gian hàng từ", Max: 16, Hint: "dd/mm/yyyy hh:mm"},
	{Name: "move_out_until", Label: "Trả gian hàng trước", Max: 16, Hint: "dd/mm/yyyy hh:mm"},
	{Name: "min_star", Label: "Hạng sao tối thiểu", Max: 1, Mode: "numeric", Hint: "3, 4 hoặc 5; kiểm tra trên chứng nhận còn hiệu lực."},
	{Name: "eligible_provinces", Label: "Chỉ nhận chủ thể thuộc các tỉnh (mã)", Max: 200, Hint: "Ví dụ 22, 01. Để trống: mọi tỉnh."},
	{Name: "eligible_groups", Label: "Chỉ nhận nhóm sản phẩm (mã)", Max: 200, Hint: "Ví dụ I.5, I.4.a. Để trống: mọi nhóm."},
	{Name: "max_booths_per_producer", Label: "Số gian tối đa mỗi chủ thể", Max: 2, Mode: "numeric"},
	{Name: "subsidy_percent", Label: "Tỷ lệ hỗ trợ phí gian hàng (%)", Max: 3, Mode: "numeric"},
	{Name: "subsidy_cap_vnd", Label: "Hỗ trợ tối đa mỗi chủ thể (đồng)", Max: 20, Mode: "numeric", Hint: "Để trống nếu không giới hạn."},
	{Name: "subsidy_legal_basis", Label: "Căn cứ hỗ trợ", Max: 500, Hint: "Ví dụ: Nghị quyết của HĐND tỉnh, Quyết định 12/2019/QĐ-TTg."},
	{Name: "deposit_percent", Label: "Đặt cọc (% phí phải trả)", Max: 3, Mode: "numeric"},
}

type fairFormPage struct {
	BasePage
	ID          int64
	Form        fair.Fields
	Errors      apperr.FieldErrors
	Message     string
	Done        string
	Kinds       []struct{ Code, Name string }
	BoothTypes  []fair.BoothType
	Provinces   []showroomProvince
	TextFields  []showroomTextField
	CanEdit     bool
	Event       *fair.Event
	StatusName  string
	Next        []fairStatusOption
	StatusError string
	Zones       []fair.Zone
	ZoneErrors  apperr.FieldErrors
	ZoneForm    fair.ZoneForm
}

type fairStatusOption struct{ Code, Label string }

func (h *Handler) fairForm(c *fiber.Ctx, id int64, form fair.Fields) (fairFormPage, error) {
	me := web.CurrentUser(c)
	title := T("console.fair_new")
	if id != 0 {
		title = form["name"]
	}
	p := fairFormPage{BasePage: h.consoleBase(c, title), ID: id, Form: form, Kinds: fair.Kinds, BoothTypes: fair.BoothTypes,
		TextFields: fairTextFields, ZoneForm: fair.ZoneForm{Cols: "10", Rows: "4"}}
	ref, err := h.catalog.View(c.UserContext())
	if err != nil {
		return p, err
	}
	for _, pr := range ref.Reference().ProvincesVI {
		if me.IsAdmin() || slices.Contains(me.TradePromotion, pr.Code) {
			p.Provinces = append(p.Provinces, showroomProvince{pr.Code, pr.Name})
		}
	}
	p.CanEdit = me.IsAdmin() || slices.Contains(me.TradePromotion, form["province_code"]) || (id == 0 && len(p.Provinces) > 0)
	if id != 0 {
		if p.Event, err = h.fairs.ByID(c.UserContext(), id); err != nil {
			return p, err
		}
		p.StatusName = fair.StatusNames[p.Event.Status]
		for _, st := range fair.Next(p.Event.Status) {
			p.Next = append(p.Next, fairStatusOption{Code: st, Label: T("console.fair_to." + st)})
		}
		if p.Zones, err = h.fairs.Zones(c.UserContext(), id); err != nil {
			return p, err
		}
	}
	return p, nil
}

func (h *Handler) showNewFair(c *fiber.Ctx) error {
	me := web.CurrentUser(c)
	if !me.IsAdmin() && len(me.TradePromotion) == 0 {
		return fair.ErrForbidden
	}
	p, err := h.fairForm(c, 0, fair.Fields{"kind": "fair", "hours": "08:00-22:00", "min_star": "3", "max_booths_per_producer": "2",
		"subsidy_percent": "0", "deposit_percent": "0", "price_standard": "0"})
	if err != nil {
		return err
	}
	return h.site.Render(c, "console_fair", p)
}

// fairID reads :event; an event of another province is 404 for staff
// who do not serve it.
func (h *Handler) fairID(c *fiber.Ctx) (*fair.Event, error) {
	id, err := strconv.ParseInt(c.Params("event"), 10, 64)
	if err != nil || id <= 0 {
		return nil, fair.ErrNotFound
	}
	e, err := h.fairs.ByID(c.UserContext(), id)
	if err != nil {
		return nil, err
	}
	me := web.CurrentUser(c)
	if !me.IsAdmin() && !me.ServesProvince(e.ProvinceCode) {
		return nil, fair.ErrNotFound
	}
	return e, nil
}

func (h *Handler) currentFairForm(c *fiber.Ctx, e *fair.Event) (fairFormPage, error) {
	types, err := h.fairs.Offered(c.UserContext(), e.ID)
	if err != nil {
		return fairFormPage{}, err
	}
	return h.fairForm(c, e.ID, fair.FieldsOf(e, types))
}

func (h *Handler) showConsoleFair(c *fiber.Ctx) error {
	e, err := h.fairID(c)
	if err != nil {
		return err
	}
	p, err := h.currentFairForm(c, e)
	if err != nil {
		return err
	}
	if d := c.Query("xong"); d != "" {
		p.Done = lookup("console.done.", d)
	}
	return h.site.Render(c, "console_fair", p)
}

func fairFields(c *fiber.Ctx) fair.Fields {
	f := fair.Fields{"kind": c.FormValue("kind"), "province_code": c.FormValue("province_code"), "description": c.FormValue("description")}
	for _, tf := range fairTextFields {
		f[tf.Name] = c.FormValue(tf.Name)
	}
	for _, t := range fair.BoothTypes {
		f["price_"+t.Code] = c.FormValue("price_" + t.Code)
	}
	return f
}

func (h *Handler) saveNewFair(c *fiber.Ctx) error { return h.saveFair(c, 0) }

func (h *Handler) saveConsoleFair(c *fiber.Ctx) error {
	e, err := h.fairID(c)
	if err != nil {
		return err
	}
	return h.saveFair(c, e.ID)
}

func (h *Handler) saveFair(c *fiber.Ctx, id int64) error {
	form := fairFields(c)
	saved, fe, err := h.fairs.Save(c.UserContext(), showroomActor(c), fairMay(c), id, form)
	if err != nil {
		return err
	}
	if fe == nil {
		return c.Redirect("/quan-tri/hoi-cho/"+strconv.FormatInt(saved, 10)+"?xong=fair_saved", fiber.StatusSeeOther)
	}
	p, err := h.fairForm(c, id, form)
	if err != nil {
		return err
	}
	p.Errors, p.Message = fe, T(apperr.SummaryKey)
	c.Status(fiber.StatusUnprocessableEntity)
	return h.site.Render(c, "console_fair", p)
}

// saveFairStatus moves the event to the status asked for.
func (h *Handler) saveFairStatus(c *fiber.Ctx) error {
	e, err := h.fairID(c)
	if err != nil {
		return err
	}
	err = h.fairs.SetStatus(c.UserContext(), showroomActor(c), fairMay(c), e.ID, c.FormValue("status"), c.FormValue("reason"))
	if err == nil {
		return c.Redirect("/quan-tri/hoi-cho/"+strconv.FormatInt(e.ID, 10)+"?xong=fair_status", fiber.StatusSeeOther)
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) || (ae.Kind != apperr.Invalid && ae.Kind != apperr.Conflict) {
		return err
	}
	p, perr := h.currentFairForm(c, e)
	if perr != nil {
		return perr
	}
	p.StatusError = ae.Message
	c.Status(fiber.StatusUnprocessableEntity)
	return h.site.Render(c, "console_fair", p)
}

// saveFairZone adds a zone (its grid starts as aisles).
func (h *Handler) saveFairZone(c *fiber.Ctx) error {
	e, err := h.fairID(c)
	if err != nil {
		return err
	}
	zf := fair.ZoneForm{Code: c.FormValue("zone_code"), Name: c.FormValue("zone_name"), Theme: c.FormValue("zone_theme"),
		Cols: c.FormValue("zone_cols"), Rows: c.FormValue("zone_rows")}
	zoneID, fe, err := h.fairs.SaveZone(c.UserContext(), showroomActor(c), fairMay(c), e.ID, 0, zf)
	if err != nil {
		return err
	}
	if fe == nil {
		return c.Redirect("/quan-tri/hoi-cho/"+strconv.FormatInt(e.ID, 10)+"/khu/"+strconv.FormatInt(zoneID, 10), fiber.StatusSeeOther)
	}
	p, err := h.currentFairForm(c, e)
	if err != nil {
		return err
	}
	p.ZoneErrors, p.ZoneForm, p.Message = fe, zf, T(apperr.SummaryKey)
	c.Status(fiber.StatusUnprocessableEntity)
	return h.site.Render(c, "console_fair", p)
}

type fairZonePage struct {
	BasePage
	Event   *fair.Event
	Zone    fair.Zone
	Rows    [][]zoneCell
	Types   []fair.BoothType
	CanEdit bool
	Done    string
	Message string
	Errors  apperr.FieldErrors
	Form    fair.ZoneForm
}

type zoneCell struct {
	Name, Code, Type string // Name: the select's, c_<x>_<y> from 0
	X, Y             int    // from 1, as people count
}

// zoneOf reads :zone of the event.
func (h *Handler) zoneOf(c *fiber.Ctx, e *fair.Event) (fair.Zone, error) {
	id, err := strconv.ParseInt(c.Params("zone"), 10, 64)
	if err != nil {
		return fair.Zone{}, fair.ErrNotFound
	}
	zones, err := h.fairs.Zones(c.UserContext(), e.ID)
	if err != nil {
		return fair.Zone{}, err
	}
	for _, z := range zones {
		if z.ID == id {
			return z, nil
		}
	}
	return fair.Zone{}, fair.ErrNotFound
}

func (h *Handler) zonePage(c *fiber.Ctx, e *fair.Event, z fair.Zone) (fairZonePage, error) {
	types, err := h.fairs.Offered(c.UserContext(), e.ID)
	if err != nil {
		return fairZonePage{}, err
	}
	p := fairZonePage{BasePage: h.consoleBase(c, T("console.fair_zone")+" "+z.Code+" – "+e.Name), Event: e, Zone: z, Types: types,
		CanEdit: fairMay(c)(e.ProvinceCode), Form: fair.ZoneForm{Code: z.Code, Name: z.Name, Theme: z.Theme,
			Cols: strconv.Itoa(z.Cols), Rows: strconv.Itoa(z.Rows)}}
	at := map[[2]int]fair.Booth{}
	for _, b := range z.Booths {
		at[[2]int{b.X, b.Y}] = b
	}
	for y := range z.Rows {
		var row []zoneCell
		for x := range z.Cols {
			b := at[[2]int{x, y}]
			row = append(row, zoneCell{Name: "c_" + strconv.Itoa(x) + "_" + strconv.Itoa(y), Code: b.Code, Type: b.Type, X: x + 1, Y: y + 1})
		}
		p.Rows = append(p.Rows, row)
	}
	return p, nil
}

func (h *Handler) showFairZone(c *fiber.Ctx) error {
	e, err := h.fairID(c)
	if err != nil {
		return err
	}
	z, err := h.zoneOf(c, e)
	if err != nil {
		return err
	}
	p, err := h.zonePage(c, e, z)
	if err != nil {
		return err
	}
	if d := c.Query("xong"); d != "" {
		p.Done = lookup("console.done.", d)
	}
	return h.site.Render(c, "console_fair_zone", p)
}

// saveFairZoneMeta changes a zone's code, name, theme or grid size.
func (h *Handler) saveFairZoneMeta(c *fiber.Ctx) error {
	e, err := h.fairID(c)
	if err != nil {
		return err
	}
	z, err := h.zoneOf(c, e)
	if err != nil {
		return err
	}
	zf := fair.ZoneForm{Code: c.FormValue("zone_code"), Name: c.FormValue("zone_name"), Theme: c.FormValue("zone_theme"),
		Cols: c.FormValue("zone_cols"), Rows: c.FormValue("zone_rows")}
	_, fe, err := h.fairs.SaveZone(c.UserContext(), showroomActor(c), fairMay(c), e.ID, z.ID, zf)
	if err != nil {
		return err
	}
	if fe == nil {
		return c.Redirect(zonePath(e.ID, z.ID)+"?xong=zone_saved", fiber.StatusSeeOther)
	}
	p, err := h.zonePage(c, e, z)
	if err != nil {
		return err
	}
	p.Errors, p.Form, p.Message = fe, zf, T(apperr.SummaryKey)
	c.Status(fiber.StatusUnprocessableEntity)
	return h.site.Render(c, "console_fair_zone", p)
}

func zonePath(eventID, zoneID int64) string {
	return "/quan-tri/hoi-cho/" + strconv.FormatInt(eventID, 10) + "/khu/" + strconv.FormatInt(zoneID, 10)
}

// saveFairLayout saves the grid: one select per cell, named c_<x>_<y>.
func (h *Handler) saveFairLayout(c *fiber.Ctx) error {
	e, err := h.fairID(c)
	if err != nil {
		return err
	}
	z, err := h.zoneOf(c, e)
	if err != nil {
		return err
	}
	cells := map[string]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if name, ok := strings.CutPrefix(string(k), "c_"); ok && len(v) > 0 {
			cells[strings.Replace(name, "_", ",", 1)] = string(v)
		}
	})
	_, err = h.fairs.SaveLayout(c.UserContext(), showroomActor(c), fairMay(c), e.ID, z.ID, cells)
	if err == nil {
		return c.Redirect(zonePath(e.ID, z.ID)+"?xong=layout_saved", fiber.StatusSeeOther)
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind != apperr.Invalid {
		return err
	}
	p, perr := h.zonePage(c, e, z)
	if perr != nil {
		return perr
	}
	p.Message = ae.Message
	c.Status(fiber.StatusUnprocessableEntity)
	return h.site.Render(c, "console_fair_zone", p)
}

// removeFairZone deletes a zone and its booths.
func (h *Handler) removeFairZone(c *fiber.Ctx) error {
	e, err := h.fairID(c)
	if err != nil {
		return err
	}
	z, err := h.zoneOf(c, e)
	if err != nil {
		return err
	}
	if err := h.fairs.DeleteZone(c.UserContext(), showroomActor(c), fairMay(c), e.ID, z.ID); err != nil {
		return err
	}
	return c.Redirect("/quan-tri/hoi-cho/"+strconv.FormatInt(e.ID, 10)+"?xong=zone_removed", fiber.StatusSeeOther)
}
