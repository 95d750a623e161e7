package admin

import (
	"errors"
	"io"
	"mime/multipart"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/sheet"
	"github.com/ocopvn/ocop/internal/showroom"
	"github.com/ocopvn/ocop/internal/web"
)

// The staff console's showrooms (/quan-tri/diem-ban): staff of either
// kind see their provinces' showrooms; trade promotion (and admins)
// create and edit them, their exception days and the products they
// carry. Every change is audited by internal/showroom.

// showroomMay is who may change a province's showrooms: an admin, or its
// trade promotion staff.
func showroomMay(c *fiber.Ctx) showroom.May {
	me := web.CurrentUser(c)
	return func(province string) bool { return me.IsAdmin() || slices.Contains(me.TradePromotion, province) }
}

func showroomActor(c *fiber.Ctx) audit.Actor {
	me := web.CurrentUser(c)
	if me.IsAdmin() {
		return audit.Actor{UserID: me.User.ID, ActingAs: audit.AsAdmin}
	}
	return audit.Actor{UserID: me.User.ID, ActingAs: audit.AsStaff}
}

type showroomsConsolePage struct {
	BasePage
	Items       []*showroom.Showroom
	CanEdit     bool // trade promotion of some province, or admin
	Done        string
	StatusNames map[string]string
	// the sheet upload's outcome
	Message string
	Errors  []sheet.RowError
	Summary *showroom.Summary
}

// showroomTextFields are the form's text inputs, in order.
var showroomTextFields = []showroomTextField{
	{Name: "name", Label: "Tên điểm bán", Max: 200},
	{Name: "operator", Label: "Đơn vị vận hành", Max: 200},
	{Name: "commune_code", Label: "Mã xã/phường", Max: 5, Mode: "numeric", Hint: "5 chữ số. Không có toạ độ thì lấy toạ độ trung tâm xã."},
	{Name: "address", Label: "Địa chỉ (số nhà, đường, thôn)", Max: 300},
	{Name: "lat", Label: "Vĩ độ", Max: 20, Mode: "decimal", Hint: "Ví dụ 21.0245 (bấm giữ trên bản đồ điện thoại để chép toạ độ)."},
	{Name: "lng", Label: "Kinh độ", Max: 20, Mode: "decimal", Hint: "Ví dụ 105.8553."},
	{Name: "phone", Label: "Điện thoại", Max: 20, Mode: "tel"},
	{Name: "zalo", Label: "Zalo", Max: 20, Mode: "tel"},
	{Name: "email", Label: "Thư điện tử", Max: 254, Mode: "email"},
	{Name: "area_m2", Label: "Diện tích (m²)", Max: 12, Mode: "decimal"},
	{Name: "hours", Label: "Giờ mở cửa", Max: 300, Hint: "Ví dụ: T2-T6 07:30-17:30; T7,CN 08:00-12:00 hoặc Hằng ngày 08:00-21:00."},
	{Name: "valid_from", Label: "Mở từ ngày (điểm bán tạm thời)", Max: 10, Hint: "dd/mm/yyyy"},
	{Name: "valid_to", Label: "Đến ngày", Max: 10, Hint: "dd/mm/yyyy"},
}

type showroomTextField struct {
	Name, Label, Mode, Hint string
	Max                     int
}

func (h *Handler) listConsoleShowrooms(c *fiber.Ctx) error {
	p, err := h.showroomsPage(c)
	if err != nil {
		return err
	}
	return h.site.Render(c, "console_showrooms", p)
}

func (h *Handler) showroomsPage(c *fiber.Ctx) (showroomsConsolePage, error) {
	me := web.CurrentUser(c)
	var provinces []string
	if !me.IsAdmin() {
		provinces = me.Provinces
	}
	items, err := h.showrooms.StaffList(c.UserContext(), provinces)
	if err != nil {
		return showroomsConsolePage{}, err
	}
	p := showroomsConsolePage{BasePage: h.consoleBase(c, T("console.showrooms")), Items: items,
		CanEdit: me.IsAdmin() || len(me.TradePromotion) > 0, StatusNames: map[string]string{}}
	for _, st := range showroomStatuses {
		p.StatusNames[st.Code] = st.Name
	}
	if d := c.Query("xong"); d != "" {
		p.Done = lookup("console.done.", d)
	}
	return p, nil
}

// importShowrooms loads the department's showroom sheet: the rows of the
// provinces whose trade promotion the officer serves (admins: any), in
// one transaction; a refused row means nothing is written.
func (h *Handler) importShowrooms(c *fiber.Ctx) error {
	me := web.CurrentUser(c)
	if !me.IsAdmin() && len(me.TradePromotion) == 0 {
		return showroom.ErrForbidden
	}
	p, err := h.showroomsPage(c)
	if err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		p.Message = T("console.sr.no_file")
		c.Status(fiber.StatusUnprocessableEntity)
		return h.site.Render(c, "console_showrooms", p)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(fh.Filename)), ".")
	if format != "xlsx" {
		format = "csv"
	}
	sh, err := showroom.ReadShowroomsFrom(io.LimitReader(f, 16<<20), format)
	if msg := sheet.FileProblem(err); msg != "" {
		p.Message = msg
		c.Status(fiber.StatusUnprocessableEntity)
		return h.site.Render(c, "console_showrooms", p)
	}
	if err != nil {
		return err
	}
	o := showroom.ImportOptions{Actor: showroomActor(c), Name: fh.Filename}
	if !me.IsAdmin() {
		o.Provinces = me.TradePromotion
	}
	sum, err := h.showrooms.Import(c.UserContext(), sh, o)
	if errors.Is(err, showroom.ErrInvalidRows) {
		p.Message, p.Errors = T("console.sr.refused"), sum.Errors
		c.Status(fiber.StatusUnprocessableEntity)
		return h.site.Render(c, "console_showrooms", p)
	}
	if err != nil {
		return err
	}
	if p, err = h.showroomsPage(c); err != nil {
		return err
	}
	p.Summary = &sum
	return h.site.Render(c, "console_showrooms", p)
}

type showroomFormPage struct {
	BasePage
	ID         int64
	Form       showroom.Fields
	Errors     apperr.FieldErrors
	Message    string
	Done       string
	Types      []struct{ Code, Name string }
	Kinds      []struct{ Code, Name string }
	Provinces  []showroomProvince
	Statuses   []struct{ Code, Name string }
	TextFields []showroomTextField
	CanEdit    bool
	Showroom   *showroom.Showroom
	Products   []showroom.Carried
	// the exception form's error, shown beside it
	ExceptionError string
	ProductError   string
	// the 950/QĐ-BCT checklist and the inspections recorded
	Criteria         []showroom.Criterion
	Inspections      []showroom.Inspection
	InspectionErrors apperr.FieldErrors
	InspectionForm   map[string]string
	// photos: the showroom's, each inspection's, and the files an upload
	// refused
	Photos           []showroomPhoto
	InspectionPhotos map[int64][]showroomPhoto
	PhotoErrors      []FileError
	PhotoWarning     string
	MaxPhotos        int
	UploadMB         int64
	OperatorError    string
}

// showroomPhoto is a photo as the console shows it.
type showroomPhoto struct {
	ID  int64
	Img Image
}

func showroomPhotos(list []showroom.Photo, fallback string) []showroomPhoto {
	out := make([]showroomPhoto, len(list))
	for i, ph := range list {
		out[i] = showroomPhoto{ID: ph.ID, Img: imageOf(ph.Variants, ph.Alt, fallback)}
	}
	return out
}

type showroomProvince struct{ Code, Name string }

var showroomStatuses = []struct{ Code, Name string }{
	{showroom.Open, "Đang mở"}, {showroom.TemporarilyClosed, "Tạm đóng cửa"}, {showroom.Closed, "Đã đóng cửa"},
}

func (h *Handler) showroomForm(c *fiber.Ctx, id int64, form showroom.Fields) (showroomFormPage, error) {
	me := web.CurrentUser(c)
	title := T("console.showroom_new")
	if id != 0 {
		title = form["name"]
	}
	p := showroomFormPage{BasePage: h.consoleBase(c, title), ID: id, Form: form, Types: showroom.Types, Kinds: showroom.OperatorKinds,
		Statuses: showroomStatuses, TextFields: showroomTextFields}
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
		if p.Showroom, err = h.showrooms.ByID(c.UserContext(), id); err != nil {
			return p, err
		}
		if p.Products, err = h.showrooms.Products(c.UserContext(), id); err != nil {
			return p, err
		}
		if p.Inspections, err = h.showrooms.Inspections(c.UserContext(), id); err != nil {
			return p, err
		}
		photos, err := h.showrooms.Photos(c.UserContext(), id)
		if err != nil {
			return p, err
		}
		p.Photos = showroomPhotos(photos, p.Showroom.Name)
		byInspection, err := h.showrooms.InspectionPhotos(c.UserContext(), id)
		if err != nil {
			return p, err
		}
		p.InspectionPhotos = map[int64][]showroomPhoto{}
		for iid, list := range byInspection {
			p.InspectionPhotos[iid] = showroomPhotos(list, T("console.sr.inspection_photo"))
		}
	}
	p.MaxPhotos, p.UploadMB = showroom.MaxPhotos, h.uploadMB()
	p.Criteria = showroom.Criteria
	return p, nil
}

func (h *Handler) showNewShowroom(c *fiber.Ctx) error {
	me := web.CurrentUser(c)
	if !me.IsAdmin() && len(me.TradePromotion) == 0 {
		return showroom.ErrForbidden
	}
	p, err := h.showroomForm(c, 0, showroom.Fields{"status": showroom.Open})
	if err != nil {
		return err
	}
	return h.site.Render(c, "console_showroom", p)
}

// showroomID reads :showroom; a showroom of another province is 404 for
// staff who do not serve it.
func (h *Handler) showroomID(c *fiber.Ctx) (*showroom.Showroom, error) {
	id, err := strconv.ParseInt(c.Params("showroom"), 10, 64)
	if err != nil || id <= 0 {
		return nil, showroom.ErrNotFound
	}
	sr, err := h.showrooms.ByID(c.UserContext(), id)
	if err != nil {
		return nil, err
	}
	me := web.CurrentUser(c)
	if !me.IsAdmin() && !me.ServesProvince(sr.ProvinceCode) {
		return nil, showroom.ErrNotFound
	}
	return sr, nil
}

func (h *Handler) showConsoleShowroom(c *fiber.Ctx) error {
	sr, err := h.showroomID(c)
	if err != nil {
		return err
	}
	p, err := h.showroomForm(c, sr.ID, showroom.FieldsOf(sr))
	if err != nil {
		return err
	}
	if d := c.Query("xong"); d != "" {
		p.Done = lookup("console.done.", d)
	}
	return h.site.Render(c, "console_showroom", p)
}

func formFields(c *fiber.Ctx) showroom.Fields {
	f := showroom.Fields{}
	for _, col := range showroom.Columns {
		f[col] = c.FormValue(col)
	}
	return f
}

func (h *Handler) saveNewShowroom(c *fiber.Ctx) error { return h.saveShowroom(c, 0) }

func (h *Handler) saveConsoleShowroom(c *fiber.Ctx) error {
	sr, err := h.showroomID(c)
	if err != nil {
		return err
	}
	return h.saveShowroom(c, sr.ID)
}

func (h *Handler) saveShowroom(c *fiber.Ctx, id int64) error {
	form := formFields(c)
	saved, fe, err := h.showrooms.Save(c.UserContext(), showroomActor(c), showroomMay(c), id, form)
	if err != nil {
		return err
	}
	if fe == nil {
		return c.Redirect("/quan-tri/diem-ban/"+strconv.FormatInt(saved, 10)+"?xong=showroom_saved", fiber.StatusSeeOther)
	}
	p, err := h.showroomForm(c, id, form)
	if err != nil {
		return err
	}
	p.Errors, p.Message = fe, T(apperr.SummaryKey)
	c.Status(fiber.StatusUnprocessableEntity)
	return h.site.Render(c, "console_showroom", p)
}

// saveShowroomException sets (or with action=remove, removes) a day
// unlike the week.
func (h *Handler) saveShowroomException(c *fiber.Ctx) error {
	sr, err := h.showroomID(c)
	if err != nil {
		return err
	}
	if c.FormValue("action") == "remove" {
		err = h.showrooms.RemoveException(c.UserContext(), showroomActor(c), showroomMay(c), sr.ID, c.FormValue("date"))
	} else {
		err = h.showrooms.SetException(c.UserContext(), showroomActor(c), showroomMay(c), sr.ID, c.FormValue("date"), c.FormValue("hours"), c.FormValue("note"))
	}
	return h.afterShowroomChange(c, sr, err, "exception")
}

// saveShowroomProduct adds (or removes) a product carried.
func (h *Handler) saveShowroomProduct(c *fiber.Ctx) error {
	sr, err := h.showroomID(c)
	if err != nil {
		return err
	}
	err = h.showrooms.SetProduct(c.UserContext(), showroomActor(c), showroomMay(c), sr.ID, c.FormValue("product"), showroom.ProductChangeOf(c.FormValue("action")))
	return h.afterShowroomChange(c, sr, err, "product")
}

func (h *Handler) afterShowroomChange(c *fiber.Ctx, sr *showroom.Showroom, err error, what string) error {
	if err == nil {
		return c.Redirect("/quan-tri/diem-ban/"+strconv.FormatInt(sr.ID, 10)+"?xong=showroom_"+what, fiber.StatusSeeOther)
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind != apperr.Invalid {
		return err
	}
	p, perr := h.showroomForm(c, sr.ID, showroom.FieldsOf(sr))
	if perr != nil {
		return perr
	}
	switch what {
	case "exception":
		p.ExceptionError = ae.Message
	case "operator":
		p.OperatorError = ae.Message
	default:
		p.ProductError = ae.Message
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return h.site.Render(c, "console_showroom", p)
}

// saveShowroomInspection records an inspection against the 950/QĐ-BCT
// checklist.
func (h *Handler) saveShowroomInspection(c *fiber.Ctx) error {
	sr, err := h.showroomID(c)
	if err != nil {
		return err
	}
	results := map[string]string{}
	form := map[string]string{"inspected_on": c.FormValue("inspected_on"), "officer": c.FormValue("officer"), "notes": c.FormValue("notes")}
	for _, cr := range showroom.Criteria {
		results[cr.Code] = c.FormValue("c_" + cr.Code)
		form["c_"+cr.Code] = results[cr.Code]
	}
	ctx, cancel := uploadContext(c)
	defer cancel()
	c.SetUserContext(ctx)
	iid, fe, err := h.showrooms.RecordInspection(ctx, showroomActor(c), showroomMay(c), sr.ID, form["inspected_on"], form["officer"], results, form["notes"])
	if err != nil {
		return err
	}
	if fe == nil {
		// the record is kept whatever becomes of its photos; a refused
		// photo is named on the page, to be added again
		var files []*multipart.FileHeader
		if mf, err := c.MultipartForm(); err == nil {
			files = mf.File["photos"]
		}
		if len(files) == 0 {
			return c.Redirect("/quan-tri/diem-ban/"+strconv.FormatInt(sr.ID, 10)+"?xong=showroom_inspection", fiber.StatusSeeOther)
		}
		_, refused, warning, status, err := h.uploadEach(ctx, c, files, showroom.MaxInspectionPhotos, func(data []byte) error {
			_, err := h.showrooms.UploadInspectionPhoto(ctx, showroomActor(c), showroomMay(c), sr.ID, iid, data, c.FormValue("photo_alt"))
			return err
		})
		if err != nil {
			return err
		}
		if len(refused) == 0 && warning == "" {
			return c.Redirect("/quan-tri/diem-ban/"+strconv.FormatInt(sr.ID, 10)+"?xong=showroom_inspection", fiber.StatusSeeOther)
		}
		p, err := h.showroomForm(c, sr.ID, showroom.FieldsOf(sr))
		if err != nil {
			return err
		}
		p.Done, p.PhotoErrors, p.PhotoWarning = T("console.done.showroom_inspection"), refused, warning
		c.Status(status)
		return h.site.Render(c, "console_showroom", p)
	}
	p, err := h.showroomForm(c, sr.ID, showroom.FieldsOf(sr))
	if err != nil {
		return err
	}
	p.InspectionErrors, p.InspectionForm, p.Message = fe, form, T(apperr.SummaryKey)
	c.Status(fiber.StatusUnprocessableEntity)
	return h.site.Render(c, "console_showroom", p)
}

// saveShowroomPhotos adds the uploaded photos to the showroom's public
// photos.
func (h *Handler) saveShowroomPhotos(c *fiber.Ctx) error {
	sr, err := h.showroomID(c)
	if err != nil {
		return err
	}
	ctx, cancel := uploadContext(c)
	defer cancel()
	c.SetUserContext(ctx)
	if !showroomMay(c)(sr.ProvinceCode) {
		return showroom.ErrForbidden
	}
	form, err := c.MultipartForm()
	if err != nil {
		return apperr.E(apperr.Invalid, "Không đọc được ảnh gửi lên. Vui lòng thử lại.", "the multipart form could not be read")
	}
	saved, refused, warning, status, err := h.uploadEach(ctx, c, form.File["photos"], showroom.MaxPhotos, func(data []byte) error {
		_, err := h.showrooms.UploadPhoto(ctx, showroomActor(c), showroomMay(c), sr.ID, data, c.FormValue("alt"))
		return err
	})
	if err != nil {
		return err
	}
	if len(refused) == 0 && warning == "" {
		return c.Redirect("/quan-tri/diem-ban/"+strconv.FormatInt(sr.ID, 10)+"?xong=showroom_photos#anh", fiber.StatusSeeOther)
	}
	p, err := h.showroomForm(c, sr.ID, showroom.FieldsOf(sr))
	if err != nil {
		return err
	}
	p.PhotoErrors, p.PhotoWarning = refused, warning
	if saved > 0 {
		p.Done = T("photos.uploaded")
	}
	c.Status(status)
	return h.site.Render(c, "console_showroom", p)
}

// removeShowroomPhoto deletes a photo of the showroom or of one of its
// inspections.
func (h *Handler) removeShowroomPhoto(c *fiber.Ctx) error {
	sr, err := h.showroomID(c)
	if err != nil {
		return err
	}
	photoID, err := idParam(c, "photo")
	if err != nil {
		return err
	}
	if err := h.showrooms.DeletePhoto(c.UserContext(), showroomActor(c), showroomMay(c), sr.ID, photoID); err != nil {
		return err
	}
	return c.Redirect("/quan-tri/diem-ban/"+strconv.FormatInt(sr.ID, 10)+"?xong=showroom_photo_removed#anh", fiber.StatusSeeOther)
}

// saveShowroomOperator names the producer of the platform that runs the
// showroom (or none).
func (h *Handler) saveShowroomOperator(c *fiber.Ctx) error {
	sr, err := h.showroomID(c)
	if err != nil {
		return err
	}
	err = h.showrooms.SetOperator(c.UserContext(), showroomActor(c), showroomMay(c), sr.ID, c.FormValue("producer"))
	return h.afterShowroomChange(c, sr, err, "operator")
}
