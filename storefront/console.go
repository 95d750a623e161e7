package storefront

import (
	"errors"
	"io"
	"mime"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/web"
)

// consolePages are the staff console's page templates (templates/<name>.html).
var consolePages = []string{"apply", "console_applications", "console_application", "console_producers",
	"console_producer", "console_certificate", "console_audit", "console_staff"}

// consoleRoutes mounts the onboarding pages and the staff console
// (/quan-tri/…).
func (h *Handler) consoleRoutes(r *web.Router) {
	r.Get("/quan-tri", web.Staff, h.showConsole)
	r.Get("/mo-cua-hang", web.SignedIn, h.showApply)
	r.Upload("/mo-cua-hang", web.SignedIn, h.saveApply)
	r.Get("/mo-cua-hang/tai-lieu/:document", web.SignedIn, h.myDocument)
	r.Post("/mo-cua-hang/tai-lieu/:document/xoa", web.SignedIn, h.deleteMyDocument)
	r.Get("/mo-cua-hang/xa", web.SignedIn, h.listCommunes)
	r.Get("/quan-tri/ho-so", web.Staff, h.listApplications)
	r.Get("/quan-tri/ho-so/:application", web.Staff, h.showApplication)
	r.Get("/quan-tri/ho-so/:application/tai-lieu/:document", web.Staff, h.applicationDocument)
	r.Post("/quan-tri/ho-so/:application/duyet", web.Staff, h.approveApplication)
	r.Post("/quan-tri/ho-so/:application/yeu-cau-bo-sung", web.Staff, h.requestChanges)
	r.Post("/quan-tri/ho-so/:application/tu-choi", web.Staff, h.rejectApplication)
	r.Post("/quan-tri/ho-so/:application/gan-chu-the", web.Staff, h.linkExisting)
	r.Get("/quan-tri/chu-the", web.Staff, h.listProducers)
	r.Get("/quan-tri/chu-the/:producer", web.StaffOfProducer, h.showProducerConsole)
	r.Post("/quan-tri/chu-the/:producer/tam-ngung", web.StaffOfProducer, h.suspendProducer)
	r.Post("/quan-tri/chu-the/:producer/mo-lai", web.StaffOfProducer, h.reinstateProducer)
	r.Get("/quan-tri/chu-the/:producer/san-pham/:product/chung-nhan", web.StaffOfProducer, h.showCertificate)
	r.Post("/quan-tri/chu-the/:producer/san-pham/:product/chung-nhan", web.StaffOfProducer, h.saveCertificate)
	r.Get("/quan-tri/nhat-ky", web.Staff, h.showAuditLog)
	r.Get("/quan-tri/can-bo", web.Admin, h.showStaffRoles)
	r.Post("/quan-tri/can-bo", web.Admin, h.saveStaffRole)
}

// consoleActor is the request's user as the producer service sees them; acting
// is web.Acting(c) on producer routes, else derived from the roles.
func consoleActor(c *fiber.Ctx) producer.Actor {
	me := web.CurrentUser(c)
	return producer.Actor{UserID: me.User.ID, Admin: me.IsAdmin(), Provinces: me.Provinces, ActingAs: web.Acting(c)}
}

func (h *Handler) consoleBase(c *fiber.Ctx, title string) BasePage {
	b := h.base(c, title+" – "+T("site.name"), "")
	b.NoIndex = true
	b.CSRF = web.CSRFToken(c)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return b
}

// ---- start page

type consolePage struct {
	BasePage
	Provinces []string
	Counts    producer.Counts
}

func (h *Handler) showConsole(c *fiber.Ctx) error {
	me := web.CurrentUser(c)
	p := consolePage{BasePage: h.consoleBase(c, T("console.title"))}
	ref, err := h.catalog.Reference(c.UserContext())
	if err != nil {
		return err
	}
	for _, code := range me.Provinces {
		if pr, ok := ref.Province(code); ok {
			p.Provinces = append(p.Provinces, pr.Name)
		} else {
			p.Provinces = append(p.Provinces, code)
		}
	}
	if p.Counts, err = h.Producers.ConsoleCounts(c.UserContext(), consoleActor(c)); err != nil {
		return err
	}
	return h.render(c, "console", p)
}

// ---- apply (/mo-cua-hang)

type applyPage struct {
	BasePage
	App       *producer.Application // the latest application, or nil
	ShowForm  bool
	Form      producer.ApplicationForm
	Errors    apperr.FieldErrors
	Message   string
	Sent      bool
	Types     []producer.Option
	Provinces []producer.Province
	Communes  []producer.Commune
	MaxDocs   int
	// FilesSent: the refused form had files, which the browser does not
	// keep; the page asks to choose them again.
	FilesSent bool
	Deleted   bool
}

func (h *Handler) applyPage(c *fiber.Ctx) (applyPage, error) {
	me := web.CurrentUser(c)
	p := applyPage{BasePage: h.consoleBase(c, T("apply.title")), Types: producer.Types, MaxDocs: producer.MaxDocuments}
	a, err := h.Producers.MyApplication(c.UserContext(), me.User.ID)
	if err != nil && apperr.KindOf(err) != apperr.NotFound {
		return p, err
	}
	p.App = a
	switch {
	case a == nil || a.Status == "rejected":
		p.ShowForm = true
		p.Form.Phone = me.User.Phone
	case a.Status == "changes_requested":
		p.ShowForm = true
		p.Form = a.ApplicationForm
		if a.CommuneName != "" {
			p.Form.Commune = a.CommuneName // the list offers names
		}
	}
	if p.Provinces, err = h.Producers.Provinces(c.UserContext()); err != nil {
		return p, err
	}
	return p, nil
}

func (h *Handler) fillCommunes(c *fiber.Ctx, p *applyPage) error {
	if p.Form.Province == "" {
		return nil
	}
	var err error
	p.Communes, err = h.Producers.Communes(c.UserContext(), p.Form.Province)
	return err
}

func (h *Handler) showApply(c *fiber.Ctx) error {
	p, err := h.applyPage(c)
	if err != nil {
		return err
	}
	if prov := c.Query("tinh"); prov != "" && p.ShowForm {
		p.Form.Province = prov
	}
	p.Sent = c.Query("da-gui") == "1"
	p.Deleted = c.Query("da-xoa") == "1"
	if err := h.fillCommunes(c, &p); err != nil {
		return err
	}
	return h.render(c, "apply", p)
}

func (h *Handler) saveApply(c *fiber.Ctx) error {
	me := web.CurrentUser(c)
	value := c.FormValue
	var ups []producer.Upload
	form, err := c.MultipartForm()
	if err == nil {
		value = func(k string, _ ...string) string {
			if v := form.Value[k]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		for _, fh := range form.File["documents"] {
			if fh.Filename == "" && fh.Size == 0 {
				continue // the empty part a browser sends when no file is chosen
			}
			f, err := fh.Open()
			if err != nil {
				return err
			}
			defer f.Close()
			ups = append(ups, producer.Upload{Name: fh.Filename, Size: fh.Size, File: f})
		}
	}
	f := producer.ApplicationForm{LegalName: value("legal_name"), ProducerType: value("producer_type"), TaxCode: value("tax_code"),
		RegistrationNo: value("registration_no"), Representative: value("representative"), Province: value("province"),
		Commune: value("commune"), StreetLine: value("street_line"), Phone: value("phone"), Zalo: value("zalo")}
	_, err = h.Producers.Submit(c.UserContext(), me.User.ID, f, ups)
	if err == nil {
		return c.Redirect("/mo-cua-hang?da-gui=1", fiber.StatusSeeOther)
	}
	p, perr := h.applyPage(c)
	if perr != nil {
		return perr
	}
	var fe apperr.FieldErrors
	switch {
	case errors.As(err, &fe):
		p.Errors, p.Message, p.Form, p.ShowForm = fe, T("apply.fix_fields"), f, true
		p.FilesSent = len(ups) > 0
		c.Status(fiber.StatusUnprocessableEntity)
	case apperr.KindOf(err) == apperr.Conflict:
		p.Message = apperr.As(err).Message
		c.Status(fiber.StatusConflict)
	default:
		return err
	}
	if err := h.fillCommunes(c, &p); err != nil {
		return err
	}
	return h.render(c, "apply", p)
}

// listCommunes answers the communes of the province ?tinh= as JSON, for
// the apply form's list (console.js).
func (h *Handler) listCommunes(c *fiber.Ctx) error {
	prov := c.Query("tinh")
	out := []fiber.Map{}
	if len(prov) == 2 && prov[0] >= '0' && prov[0] <= '9' && prov[1] >= '0' && prov[1] <= '9' {
		cs, err := h.Producers.Communes(c.UserContext(), prov)
		if err != nil {
			return err
		}
		for _, x := range cs {
			out = append(out, fiber.Map{"code": x.Code, "name": x.Name})
		}
	}
	c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	return c.JSON(out)
}

// sendDocument streams a private document as an attachment.
func (h *Handler) sendDocument(c *fiber.Ctx, d *producer.Document) error {
	rc, err := h.Producers.OpenDocument(c.UserContext(), d)
	if err != nil {
		return err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, producer.MaxDocumentSize+1))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, d.ContentType)
	c.Set(fiber.HeaderContentDisposition, attachment(d.FileName))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	return c.Send(b)
}

// attachment is a Content-Disposition for a download named name
// (RFC 6266: an ASCII fallback and the UTF-8 name).
func attachment(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == ';' {
			return '_'
		}
		return r
	}, name)
	v := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	if v == "" || !strings.Contains(v, "filename") {
		return `attachment; filename="` + ascii + `"`
	}
	if strings.Contains(v, "filename*") {
		return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + url.PathEscape(name)
	}
	return v
}

func (h *Handler) myDocument(c *fiber.Ctx) error {
	id, err := idParam(c, "document")
	if err != nil {
		return err
	}
	d, err := h.Producers.MyDocument(c.UserContext(), web.CurrentUser(c).User.ID, id)
	if err != nil {
		return err
	}
	return h.sendDocument(c, d)
}

// deleteMyDocument deletes a document of the user's application while
// changes are requested, so a full set can be replaced.
func (h *Handler) deleteMyDocument(c *fiber.Ctx) error {
	id, err := idParam(c, "document")
	if err != nil {
		return err
	}
	if err := h.Producers.DeleteDocument(c.UserContext(), web.CurrentUser(c).User.ID, id); err != nil {
		return err
	}
	return c.Redirect("/mo-cua-hang?da-xoa=1", fiber.StatusSeeOther)
}

func (h *Handler) applicationDocument(c *fiber.Ctx) error {
	appID, err := idParam(c, "application")
	if err != nil {
		return err
	}
	id, err := idParam(c, "document")
	if err != nil {
		return err
	}
	d, err := h.Producers.ApplicationDocument(c.UserContext(), consoleActor(c), appID, id)
	if err != nil {
		return err
	}
	return h.sendDocument(c, d)
}

// ---- review (/quan-tri/ho-so)

type applicationsPage struct {
	BasePage
	Queue      *producer.Queue
	Status     string
	Statuses   []string
	Page, Last int
	PrevURL    string
	NextURL    string
}

const applicationsPerPage = 50

func (h *Handler) listApplications(c *fiber.Ctx) error {
	p := applicationsPage{BasePage: h.consoleBase(c, T("console.applications")), Status: c.Query("trang-thai"), Statuses: producer.Statuses}
	p.Page, _ = strconv.Atoi(c.Query("trang"))
	p.Page = min(max(p.Page, 1), 10000)
	var err error
	p.Queue, err = h.Producers.Applications(c.UserContext(), consoleActor(c),
		producer.QueueFilter{Status: p.Status, Limit: applicationsPerPage, Offset: (p.Page - 1) * applicationsPerPage})
	if err != nil {
		return err
	}
	p.Last = max(1, (p.Queue.Total+applicationsPerPage-1)/applicationsPerPage)
	if p.Page > 1 {
		p.PrevURL = withQuery("/quan-tri/ho-so", url.Values{"trang-thai": {p.Status}, "trang": {strconv.Itoa(p.Page - 1)}})
	}
	if p.Page < p.Last {
		p.NextURL = withQuery("/quan-tri/ho-so", url.Values{"trang-thai": {p.Status}, "trang": {strconv.Itoa(p.Page + 1)}})
	}
	return h.render(c, "console_applications", p)
}

type applicationPage struct {
	BasePage
	App     *producer.Application
	History []auditLine
	Errors  apperr.FieldErrors
	Message string
	Done    string
	Note    string
	Form    string // the form the note belongs to
	// Candidates are producers of the province with the applicant's
	// name, to link instead of creating one.
	Candidates []producer.Candidate
	Existing   string // the link form's input
}

func (h *Handler) applicationPage(c *fiber.Ctx) (applicationPage, error) {
	p := applicationPage{BasePage: h.consoleBase(c, T("console.application"))}
	id, err := idParam(c, "application")
	if err != nil {
		return p, err
	}
	a, hist, err := h.Producers.Application(c.UserContext(), consoleActor(c), id)
	if err != nil {
		return p, err
	}
	p.App, p.History = a, auditLines(hist)
	if a.Status == "submitted" {
		if p.Candidates, err = h.Producers.Candidates(c.UserContext(), consoleActor(c), id); err != nil {
			return p, err
		}
	}
	return p, nil
}

func (h *Handler) showApplication(c *fiber.Ctx) error {
	p, err := h.applicationPage(c)
	if err != nil {
		return err
	}
	if d := c.Query("xong"); d != "" {
		p.Done = lookup("console.done.", d)
	}
	return h.render(c, "console_application", p)
}

// refusal classifies a console action's error: field errors (422) or a
// conflict such as a stale decision (409) re-show the page with the
// message; anything else (ok false) goes to the error page.
func refusal(err error) (fe apperr.FieldErrors, status int, ok bool) {
	switch {
	case errors.As(err, &fe):
		return fe, fiber.StatusUnprocessableEntity, true
	case apperr.KindOf(err) == apperr.Conflict:
		return nil, fiber.StatusConflict, true
	}
	return nil, 0, false
}

// decided re-shows the application page after a refused decision, or
// goes back to it after a done one.
func (h *Handler) decided(c *fiber.Ctx, err error, done, form string) error {
	if err == nil {
		return c.Redirect("/quan-tri/ho-so/"+c.Params("application")+"?xong="+done, fiber.StatusSeeOther)
	}
	fe, status, ok := refusal(err)
	if !ok {
		return err
	}
	p, perr := h.applicationPage(c)
	if perr != nil {
		return perr
	}
	p.Errors, p.Form, p.Note, p.Existing = fe, form, c.FormValue("note"), c.FormValue("existing")
	if fe == nil {
		p.Message = apperr.As(err).Message
	} else {
		p.Message = T("apply.fix_fields")
	}
	c.Status(status)
	return h.render(c, "console_application", p)
}

func (h *Handler) approveApplication(c *fiber.Ctx) error {
	id, err := idParam(c, "application")
	if err != nil {
		return err
	}
	_, err = h.Producers.Approve(c.UserContext(), consoleActor(c), id)
	return h.decided(c, err, "approved", "approve")
}

// linkExisting approves an application by making the applicant the
// owner of a producer that exists in the province already.
func (h *Handler) linkExisting(c *fiber.Ctx) error {
	id, err := idParam(c, "application")
	if err != nil {
		return err
	}
	_, err = h.Producers.LinkExisting(c.UserContext(), consoleActor(c), id, c.FormValue("existing"))
	return h.decided(c, err, "linked", "link")
}

func (h *Handler) requestChanges(c *fiber.Ctx) error {
	id, err := idParam(c, "application")
	if err != nil {
		return err
	}
	return h.decided(c, h.Producers.RequestChanges(c.UserContext(), consoleActor(c), id, c.FormValue("note")), "changes_requested", "changes")
}

func (h *Handler) rejectApplication(c *fiber.Ctx) error {
	id, err := idParam(c, "application")
	if err != nil {
		return err
	}
	return h.decided(c, h.Producers.Reject(c.UserContext(), consoleActor(c), id, c.FormValue("note")), "rejected", "reject")
}

// ---- producers (/quan-tri/chu-the)

type producersPage struct {
	BasePage
	Items      []*producer.Producer
	Total      int
	Q, Status  string
	Page, Last int
	PrevURL    string
	NextURL    string
}

const producersPerPage = 30

func (h *Handler) listProducers(c *fiber.Ctx) error {
	p := producersPage{BasePage: h.consoleBase(c, T("console.producers")), Q: c.Query("q"), Status: c.Query("trang-thai")}
	p.Page, _ = strconv.Atoi(c.Query("trang"))
	if p.Page < 1 {
		p.Page = 1
	}
	p.Query = "" // the site search box stays empty
	var err error
	p.Items, p.Total, err = h.Producers.Producers(c.UserContext(), consoleActor(c),
		producer.ProducerFilter{Query: p.Q, Status: p.Status, Page: p.Page, Limit: producersPerPage})
	if err != nil {
		return err
	}
	p.Last = max(1, (p.Total+producersPerPage-1)/producersPerPage)
	q := url.Values{"q": {p.Q}, "trang-thai": {p.Status}}
	if p.Page > 1 {
		q.Set("trang", strconv.Itoa(p.Page-1))
		p.PrevURL = withQuery("/quan-tri/chu-the", q)
	}
	if p.Page < p.Last {
		q = url.Values{"q": {p.Q}, "trang-thai": {p.Status}, "trang": {strconv.Itoa(p.Page + 1)}}
		p.NextURL = withQuery("/quan-tri/chu-the", q)
	}
	return h.render(c, "console_producers", p)
}

type producerConsolePage struct {
	BasePage
	P        *producer.ProducerDetail
	OnBehalf bool
	Audit    []auditLine
	Errors   apperr.FieldErrors
	Message  string
	Done     string
	Reason   string
}

func (h *Handler) producerConsolePage(c *fiber.Ctx) (producerConsolePage, error) {
	p := producerConsolePage{BasePage: h.consoleBase(c, T("console.producer"))}
	id, err := idParam(c, "producer")
	if err != nil {
		return p, err
	}
	if p.P, err = h.Producers.ProducerDetail(c.UserContext(), consoleActor(c), id); err != nil {
		return p, err
	}
	p.OnBehalf = producer.ManagedOnBehalf(p.P.Type)
	p.Audit = auditLines(p.P.Audit)
	return p, nil
}

func (h *Handler) showProducerConsole(c *fiber.Ctx) error {
	p, err := h.producerConsolePage(c)
	if err != nil {
		return err
	}
	if d := c.Query("xong"); d != "" {
		p.Done = lookup("console.done.", d)
	}
	return h.render(c, "console_producer", p)
}

func (h *Handler) producerChanged(c *fiber.Ctx, err error, done string) error {
	if err == nil {
		return c.Redirect("/quan-tri/chu-the/"+c.Params("producer")+"?xong="+done, fiber.StatusSeeOther)
	}
	fe, status, ok := refusal(err)
	if !ok {
		return err
	}
	p, perr := h.producerConsolePage(c)
	if perr != nil {
		return perr
	}
	p.Errors, p.Reason = fe, c.FormValue("reason")
	if fe == nil {
		p.Message = apperr.As(err).Message
	} else {
		p.Message = T("apply.fix_fields")
	}
	c.Status(status)
	return h.render(c, "console_producer", p)
}

func (h *Handler) suspendProducer(c *fiber.Ctx) error {
	id, err := idParam(c, "producer")
	if err != nil {
		return err
	}
	return h.producerChanged(c, h.Producers.Suspend(c.UserContext(), consoleActor(c), id, c.FormValue("reason")), "suspended")
}

func (h *Handler) reinstateProducer(c *fiber.Ctx) error {
	id, err := idParam(c, "producer")
	if err != nil {
		return err
	}
	return h.producerChanged(c, h.Producers.Reinstate(c.UserContext(), consoleActor(c), id), "reinstated")
}

// ---- certificates

type certificatePage struct {
	BasePage
	ProducerID  int64
	Product     *product.ProductRef
	Certs       []certification.Certificate
	Form        certification.Form
	Errors      apperr.FieldErrors
	Message     string
	Done        bool
	DoneHistory bool
	Levels      []producer.Option
	Provinces   []producer.Province
	Today       string
}

func (h *Handler) certificatePage(c *fiber.Ctx) (certificatePage, error) {
	p := certificatePage{BasePage: h.consoleBase(c, T("console.certificate")), Levels: certification.Levels}
	pid, err := idParam(c, "producer")
	if err != nil {
		return p, err
	}
	prod, err := idParam(c, "product")
	if err != nil {
		return p, err
	}
	p.ProducerID = pid
	if p.Product, p.Certs, err = h.Certification.ProductCertificates(c.UserContext(), consoleActor(c), pid, prod); err != nil {
		return p, err
	}
	if p.Provinces, err = h.Producers.Provinces(c.UserContext()); err != nil {
		return p, err
	}
	p.Today = h.Producers.Today().Format("2006-01-02")
	return p, nil
}

func (h *Handler) showCertificate(c *fiber.Ctx) error {
	p, err := h.certificatePage(c)
	if err != nil {
		return err
	}
	p.Done = c.Query("xong") == "1"
	p.DoneHistory = c.Query("xong") == "lich-su"
	if rp := web.RouteProducer(c); rp != nil {
		p.Form.IssuingProvince = rp.Province
	}
	p.Form.IssuingLevel = "province"
	return h.render(c, "console_certificate", p)
}

func (h *Handler) saveCertificate(c *fiber.Ctx) error {
	p, err := h.certificatePage(c)
	if err != nil {
		return err
	}
	f := certification.Form{DecisionNo: c.FormValue("decision_no"), DecisionDate: c.FormValue("decision_date"), Star: c.FormValue("star"),
		Score: c.FormValue("score"), IssuingLevel: c.FormValue("issuing_level"), IssuingAuthority: c.FormValue("issuing_authority"),
		IssuingProvince: c.FormValue("issuing_province")}
	_, status, err := h.Certification.Record(c.UserContext(), consoleActor(c), p.ProducerID, p.Product.ID, f)
	if err == nil {
		done := "1"
		if status != "active" {
			done = "lich-su" // older than the active certificate: kept as history
		}
		return c.Redirect(c.Path()+"?xong="+done, fiber.StatusSeeOther)
	}
	var fe apperr.FieldErrors
	if !errors.As(err, &fe) {
		return err
	}
	p.Form, p.Errors, p.Message = f, fe, T("apply.fix_fields")
	c.Status(fiber.StatusUnprocessableEntity)
	return h.render(c, "console_certificate", p)
}

// ---- audit log (/quan-tri/nhat-ky)

type auditPage struct {
	BasePage
	Lines      []auditLine
	ProducerID int64
	Producers  []*producer.Producer
	MoreURL    string
}

func (h *Handler) showAuditLog(c *fiber.Ctx) error {
	p := auditPage{BasePage: h.consoleBase(c, T("console.audit"))}
	p.ProducerID, _ = strconv.ParseInt(c.Query("chu-the"), 10, 64)
	before, _ := strconv.ParseInt(c.Query("truoc"), 10, 64)
	a := consoleActor(c)
	var provinces []string
	if !a.Admin {
		provinces = append([]string{}, a.Provinces...)
	}
	rows, err := h.Producers.AuditLog(c.UserContext(), audit.Filter{ProducerID: max(p.ProducerID, 0), Provinces: provinces, Limit: 50, BeforeID: max(before, 0)})
	if err != nil {
		return err
	}
	p.Lines = auditLines(rows)
	if len(rows) == 50 {
		q := url.Values{"truoc": {strconv.FormatInt(rows[len(rows)-1].ID, 10)}}
		if p.ProducerID > 0 {
			q.Set("chu-the", strconv.FormatInt(p.ProducerID, 10))
		}
		p.MoreURL = withQuery("/quan-tri/nhat-ky", q)
	}
	if p.Producers, _, err = h.Producers.Producers(c.UserContext(), a, producer.ProducerFilter{Limit: 100}); err != nil {
		return err
	}
	return h.render(c, "console_audit", p)
}

// ---- staff roles (/quan-tri/can-bo)

type staffPage struct {
	BasePage
	Staff      []producer.StaffUser
	Provinces  []producer.Province
	Identifier string
	Province   string
	Errors     apperr.FieldErrors
	Message    string
	Done       string
}

func (h *Handler) staffPage(c *fiber.Ctx) (staffPage, error) {
	p := staffPage{BasePage: h.consoleBase(c, T("console.staff"))}
	var err error
	if p.Staff, err = h.Producers.Staff(c.UserContext()); err != nil {
		return p, err
	}
	p.Provinces, err = h.Producers.Provinces(c.UserContext())
	return p, err
}

func (h *Handler) showStaffRoles(c *fiber.Ctx) error {
	p, err := h.staffPage(c)
	if err != nil {
		return err
	}
	if d := c.Query("xong"); d != "" {
		p.Done = lookup("console.done.", d)
	}
	return h.render(c, "console_staff", p)
}

func (h *Handler) saveStaffRole(c *fiber.Ctx) error {
	grant := c.FormValue("action") != "revoke"
	ident, prov := c.FormValue("identifier"), c.FormValue("province")
	_, err := h.Producers.SetStaffProvince(c.UserContext(), consoleActor(c), ident, prov, grant)
	if err == nil {
		done := "granted"
		if !grant {
			done = "revoked"
		}
		return c.Redirect("/quan-tri/can-bo?xong="+done, fiber.StatusSeeOther)
	}
	var fe apperr.FieldErrors
	if !errors.As(err, &fe) {
		return err
	}
	p, perr := h.staffPage(c)
	if perr != nil {
		return perr
	}
	p.Identifier, p.Province, p.Errors, p.Message = ident, prov, fe, T("apply.fix_fields")
	c.Status(fiber.StatusUnprocessableEntity)
	return h.render(c, "console_staff", p)
}

// When is the entry's time in Vietnam.
func (l auditLine) When() string { return producer.VNTime(l.At) }
