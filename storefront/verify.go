package storefront

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/ocopvn/ocop/internal/certification"
)

// verifyPage is /xac-minh/{code}: what a phone camera opens from the QR
// on a product's packaging, at a fair or in a shop.
type verifyPage struct {
	BasePage
	Code    string
	V       *certification.Verification // nil: no OCOP product has the code
	Invalid bool                        // superseded, expired or revoked
}

// verified returns the verification of the route's :code, counting a miss
// against the client (SECURITY.md Z-08); (nil, nil) for an unknown code.
func (h *Handler) verified(c *fiber.Ctx) (*certification.Verification, error) {
	if err := h.verifyLimit.Check(c); err != nil {
		return nil, err
	}
	v, err := h.certification.Verify(c.UserContext(), c.Params("code"))
	if errors.Is(err, certification.ErrUnknownCode) {
		h.verifyLimit.Miss(c)
		return nil, nil
	}
	return v, err
}

func (h *Handler) showVerification(c *fiber.Ctx) error {
	v, err := h.verified(c)
	if err != nil {
		return err
	}
	code := c.Params("code")
	if v == nil {
		p := verifyPage{BasePage: h.site.Base(c, T("verify.unknown")+" – "+T("site.name"), ""), Code: code}
		p.NoIndex = true
		c.Status(fiber.StatusNotFound)
		return h.site.Render(c, "verify", p)
	}
	title := v.Product.Name + " – " + T("verify.title") + " – " + T("site.name")
	desc := fmt.Sprintf("%s: OCOP %d sao, %s %s.", v.Product.Name, v.Star, T("verify.status."+v.Status), v.Producer.Name)
	p := verifyPage{BasePage: h.site.Base(c, title, desc), Code: code, V: v, Invalid: !v.Valid()}
	p.NoIndex = true // a code is for the one who holds the product, not for search engines
	status := "https://schema.org/CertificationActive"
	if p.Invalid {
		status = "https://schema.org/CertificationInactive"
	}
	cert := map[string]any{
		"@context": "https://schema.org", "@type": "Certification",
		"name":                        "OCOP " + strconv.Itoa(v.Star) + " sao",
		"certificationIdentification": v.DecisionNo,
		"certificationStatus":         status,
		"issuedBy":                    map[string]any{"@type": "Organization", "name": v.IssuingAuthority},
		"validFrom":                   v.ValidFrom,
		"expires":                     v.ValidUntil,
		"about": map[string]any{"@type": "Product", "name": v.Product.Name, "countryOfOrigin": "VN",
			"brand": map[string]any{"@type": "Organization", "name": v.Producer.Name}},
	}
	if v.Score != "" {
		cert["certificationRating"] = map[string]any{"@type": "Rating", "ratingValue": v.Score, "bestRating": "100"}
	}
	p.JSONLD = append(p.JSONLD, cert)
	return h.site.Render(c, "verify", p)
}

// qrURL is what the QR of code opens: the verification page on this site.
func (h *Handler) qrURL(c *fiber.Ctx, code string) string {
	base := h.site.BaseURL()
	if base == "" {
		base = c.BaseURL()
	}
	return base + "/xac-minh/" + code
}

// showQRSVG serves the QR of a known code as SVG: one path of dark
// modules, crisp at any print size.
func (h *Handler) showQRSVG(c *fiber.Ctx) error {
	q, err := h.qr(c)
	if err != nil || q == nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/svg+xml")
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.Send(QRSVG(q))
}

// showQRPNG serves the QR of a known code as a 512-pixel PNG.
func (h *Handler) showQRPNG(c *fiber.Ctx) error {
	q, err := h.qr(c)
	if err != nil || q == nil {
		return err
	}
	b, err := q.PNG(512)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/png")
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.Send(b)
}

// qr is the QR of the route's code; an unknown code is the 404 page.
func (h *Handler) qr(c *fiber.Ctx) (*qrcode.QRCode, error) {
	v, err := h.verified(c)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, h.showVerification(c)
	}
	return qrcode.New(h.qrURL(c, v.Code), qrcode.Medium)
}

// QRSVG draws q as an SVG: a white square with the dark modules as one
// path (the quiet zone included), sized by its viewBox.
func QRSVG(q *qrcode.QRCode) []byte {
	bm := q.Bitmap()
	n := len(bm)
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img" aria-label="QR">`, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range bm {
		for x := 0; x < len(row); x++ {
			if !row[x] {
				continue
			}
			run := 1
			for x+run < len(row) && row[x+run] {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x, y, run, run)
			x += run - 1
		}
	}
	b.WriteString(`"/></svg>`)
	return b.Bytes()
}
