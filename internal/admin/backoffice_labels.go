package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/product"
)

// labelsPerSheet is how many QR labels an A4 sheet holds (5 × 8, each
// about 38 × 34 mm: stamp-sized for packaging).
const labelsPerSheet = 40

// labelsPage is the printable A4 sheet of a product's QR labels: each
// opens the product's verification page (/xac-minh/{code}), which says
// the certificate's live status to whoever scans it.
type labelsPage struct {
	BasePage
	Nav     BackofficeNav
	Product *product.Product
	Labels  []int
}

func (h *Handler) showLabels(c *fiber.Ctx) error {
	nav, prod, err := h.productNav(c)
	if err != nil {
		return err
	}
	p := labelsPage{BasePage: h.backofficeBase(c, T("bo.labels")+" – "+prod.Name), Nav: nav, Product: prod}
	if prod.Star > 0 {
		p.Labels = make([]int, labelsPerSheet)
	}
	return h.site.Render(c, "bo_labels", p)
}
