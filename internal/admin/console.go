package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/web"
)

// consolePages are the staff console's page templates (templates/<name>.html).
var consolePages = []string{"console", "console_applications", "console_application", "console_producers",
	"console_producer", "console_certificate", "console_audit", "console_staff"}

// consoleRoutes mounts the staff console (/quan-tri/…).
func (h *Handler) consoleRoutes(r *web.Router) {
	r.Get("/quan-tri", web.Staff, h.showConsole)
	r.Get("/quan-tri/ho-so", web.Staff, h.listApplications)
	r.Get("/quan-tri/ho-so/:application", web.Staff, h.showApplication)
	r.Get("/quan-tri/ho-so/:application/tai-lieu/:document", web.Staff, h.showApplicationDocument)
	r.Post("/quan-tri/ho-so/:application/duyet", web.Staff, h.saveApproval)
	r.Post("/quan-tri/ho-so/:application/yeu-cau-bo-sung", web.Staff, h.saveChangeRequest)
	r.Post("/quan-tri/ho-so/:application/tu-choi", web.Staff, h.saveRejection)
	r.Post("/quan-tri/ho-so/:application/gan-chu-the", web.Staff, h.saveLink)
	r.Get("/quan-tri/chu-the", web.Staff, h.listProducers)
	r.Get("/quan-tri/chu-the/:producer", web.StaffOfProducer, h.showProducerConsole)
	r.Post("/quan-tri/chu-the/:producer/tam-ngung", web.StaffOfProducer, h.saveSuspension)
	r.Post("/quan-tri/chu-the/:producer/mo-lai", web.StaffOfProducer, h.saveReinstatement)
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

// consoleBase is the layout's data of a console or onboarding page.
func (h *Handler) consoleBase(c *fiber.Ctx, title string) BasePage { return h.privateBase(c, title) }

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
	if p.Counts, err = h.producers.ConsoleCounts(c.UserContext(), consoleActor(c)); err != nil {
		return err
	}
	return h.site.Render(c, "console", p)
}
