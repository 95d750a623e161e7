package admin

import (
	"errors"
	"io"
	"mime"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/web"
)

// applyPages are the onboarding pages' templates.
var applyPages = []string{"apply"}

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
	a, err := h.producers.MyApplication(c.UserContext(), me.User.ID)
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
	if p.Provinces, err = h.producers.Provinces(c.UserContext()); err != nil {
		return p, err
	}
	return p, nil
}

func (h *Handler) fillCommunes(c *fiber.Ctx, p *applyPage) error {
	if p.Form.Province == "" {
		return nil
	}
	var err error
	p.Communes, err = h.producers.Communes(c.UserContext(), p.Form.Province)
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
	return h.site.Render(c, "apply", p)
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
	_, err = h.producers.Submit(c.UserContext(), me.User.ID, f, ups)
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
		p.Errors, p.Message, p.Form, p.ShowForm = fe, T(apperr.SummaryKey), f, true
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
	return h.site.Render(c, "apply", p)
}

// listCommunes answers the communes of the province ?tinh= as JSON, for
// the apply form's list (console.js).
func (h *Handler) listCommunes(c *fiber.Ctx) error {
	prov := c.Query("tinh")
	out := []fiber.Map{}
	if len(prov) == 2 && prov[0] >= '0' && prov[0] <= '9' && prov[1] >= '0' && prov[1] <= '9' {
		cs, err := h.producers.Communes(c.UserContext(), prov)
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
	rc, err := h.producers.OpenDocument(c.UserContext(), d)
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

// showMyDocument sends a document of the user's own application.
func (h *Handler) showMyDocument(c *fiber.Ctx) error {
	id, err := idParam(c, "document")
	if err != nil {
		return err
	}
	d, err := h.producers.MyDocument(c.UserContext(), web.CurrentUser(c).User.ID, id)
	if err != nil {
		return err
	}
	return h.sendDocument(c, d)
}

// removeMyDocument deletes a document of the user's application while
// changes are requested, so a full set can be replaced.
func (h *Handler) removeMyDocument(c *fiber.Ctx) error {
	id, err := idParam(c, "document")
	if err != nil {
		return err
	}
	if err := h.producers.DeleteDocument(c.UserContext(), web.CurrentUser(c).User.ID, id); err != nil {
		return err
	}
	return c.Redirect("/mo-cua-hang?da-xoa=1", fiber.StatusSeeOther)
}
