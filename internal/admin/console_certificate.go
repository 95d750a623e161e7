package admin

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/web"
)

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
	if p.Product, p.Certs, err = h.certification.ProductCertificates(c.UserContext(), consoleActor(c), pid, prod); err != nil {
		return p, err
	}
	if p.Provinces, err = h.producers.Provinces(c.UserContext()); err != nil {
		return p, err
	}
	p.Today = h.certification.Today().Format("2006-01-02")
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
	return h.site.Render(c, "console_certificate", p)
}

func (h *Handler) saveCertificate(c *fiber.Ctx) error {
	p, err := h.certificatePage(c)
	if err != nil {
		return err
	}
	f := certification.Form{DecisionNo: c.FormValue("decision_no"), DecisionDate: c.FormValue("decision_date"), Star: c.FormValue("star"),
		Score: c.FormValue("score"), IssuingLevel: c.FormValue("issuing_level"), IssuingAuthority: c.FormValue("issuing_authority"),
		IssuingProvince: c.FormValue("issuing_province"), MeetsMandatory: c.FormValue("meets_mandatory"), Confirm: c.FormValue("confirm"),
		ValidFrom: c.FormValue("valid_from")}
	_, status, err := h.certification.Record(c.UserContext(), consoleActor(c), p.ProducerID, p.Product.ID, f)
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
	p.Form, p.Errors, p.Message = f, fe, T(apperr.SummaryKey)
	c.Status(fiber.StatusUnprocessableEntity)
	return h.site.Render(c, "console_certificate", p)
}
