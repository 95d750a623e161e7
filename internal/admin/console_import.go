package admin

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/importer"
)

// maxAnnex is the largest decision annex the console takes (a province's
// decision lists tens to a few hundred products).
const maxAnnex = 512 << 10

// importPage is /quan-tri/nhap-quyet-dinh: a recognition decision's annex
// (a spreadsheet of certified products) previewed with every row's errors
// and warnings before anything is written, then imported in one go.
type importPage struct {
	BasePage
	Name    string
	Format  string
	Data    string // the file, base64, carried from the preview to the import
	Preview *importer.Summary
	CanSave bool
	Message string
	Done    *importer.Summary
	// Backlog is how many changes the search index has still to apply
	// after the import (0: all found already).
	Backlog int64
}

func (h *Handler) showImport(c *fiber.Ctx) error {
	return h.site.Render(c, "console_import", importPage{BasePage: h.consoleBase(c, T("console.import"))})
}

// annexOptions are the import options of the signed-in officer: their
// provinces' OCOP office only (admins: any province), new products as
// drafts, audited as them.
func annexOptions(c *fiber.Ctx) (importer.Options, error) {
	a := consoleActor(c)
	if !a.Admin && len(a.Certifies) == 0 {
		return importer.Options{}, certification.ErrNotOCOPOffice
	}
	o := importer.Options{Actor: audit.Actor{UserID: a.UserID, ActingAs: a.Acting()}}
	if !a.Admin {
		o.Provinces = a.Certifies
	}
	return o, nil
}

// previewImport reads the uploaded annex and shows what importing it
// would do, writing nothing.
func (h *Handler) previewImport(c *fiber.Ctx) error {
	o, err := annexOptions(c)
	if err != nil {
		return err
	}
	p := importPage{BasePage: h.consoleBase(c, T("console.import"))}
	fh, err := c.FormFile("file")
	if err != nil {
		p.Message = T("console.import_choose")
		c.Status(fiber.StatusUnprocessableEntity)
		return h.site.Render(c, "console_import", p)
	}
	p.Name, p.Format = path.Base(fh.Filename), strings.TrimPrefix(strings.ToLower(path.Ext(fh.Filename)), ".")
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxAnnex+1))
	if err != nil {
		return err
	}
	if len(data) > maxAnnex {
		p.Message = T("console.import_too_large")
		c.Status(fiber.StatusRequestEntityTooLarge)
		return h.site.Render(c, "console_import", p)
	}
	p.Data = base64.StdEncoding.EncodeToString(data)
	o.DryRun = true
	return h.runImport(c, p, data, o)
}

// saveImport imports the previewed annex.
func (h *Handler) saveImport(c *fiber.Ctx) error {
	o, err := annexOptions(c)
	if err != nil {
		return err
	}
	p := importPage{BasePage: h.consoleBase(c, T("console.import")), Name: path.Base(c.FormValue("name")), Format: c.FormValue("format"),
		Data: c.FormValue("data")}
	data, derr := base64.StdEncoding.DecodeString(p.Data)
	if derr != nil || len(data) == 0 || len(data) > maxAnnex {
		p.Message = T("console.import_choose")
		c.Status(fiber.StatusUnprocessableEntity)
		return h.site.Render(c, "console_import", p)
	}
	return h.runImport(c, p, data, o)
}

// runImport imports data with o (a dry run for the preview) and renders
// the outcome: the rows refused and why, the warnings, and the counts.
func (h *Handler) runImport(c *fiber.Ctx, p importPage, data []byte, o importer.Options) error {
	o.Name = p.Name
	dry := o.DryRun
	sheet, err := importer.Read(bytes.NewReader(data), p.Format)
	if msg := importer.FileProblem(err); msg != "" {
		p.Message, p.Data = msg, ""
		c.Status(fiber.StatusUnprocessableEntity)
		return h.site.Render(c, "console_import", p)
	}
	if err != nil {
		return err
	}
	sum, err := h.importer.Import(c.UserContext(), sheet, o)
	if err != nil && !errors.Is(err, importer.ErrInvalidRows) {
		return err
	}
	if dry {
		p.Preview, p.CanSave = &sum, err == nil && sum.Rejected == 0
		if !p.CanSave {
			c.Status(fiber.StatusUnprocessableEntity)
		}
		return h.site.Render(c, "console_import", p)
	}
	if err != nil {
		p.Preview = &sum // the file changed its mind: show the rows again
		c.Status(fiber.StatusUnprocessableEntity)
		return h.site.Render(c, "console_import", p)
	}
	p.Done, p.Data = &sum, ""
	if sum.Created+sum.Updated > 0 {
		if b, err := h.outbox.Stats(c.UserContext()); err == nil {
			p.Backlog = b.Pending
		}
	}
	return h.site.Render(c, "console_import", p)
}
