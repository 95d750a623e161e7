package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/fair"
	"github.com/ocopvn/ocop/internal/showroom"
	"github.com/ocopvn/ocop/search"
)

type handler struct {
	starting      func() bool
	catalog       *catalog.Service
	pool          *pgxpool.Pool
	search        search.Index
	suggestions   *suggestCache
	certification *certification.Service
	verifyLimit   *MissLimiter
	showrooms     *showroom.Service
	fairs         *fair.Service
}

var errNoVerification = apperr.E(apperr.Unavailable, "Tra cứu chứng nhận đang tạm ngừng.", "verification is not configured")

// verify answers a product's QR code: the live status of its certificate.
func (h *handler) verify(c *fiber.Ctx) error {
	if h.certification == nil {
		return errNoVerification
	}
	if err := h.verifyLimit.Check(c); err != nil {
		return err
	}
	v, err := h.certification.Verify(c.UserContext(), c.Params("code"))
	if errors.Is(err, certification.ErrUnknownCode) {
		h.verifyLimit.Miss(c)
	}
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h *handler) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

func (h *handler) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := h.pool.Ping(ctx); err != nil {
		// counted and logged as an outage, once per burst
		return &apperr.Error{Kind: apperr.Unavailable, Message: "Cơ sở dữ liệu chưa sẵn sàng.", Detail: "database unreachable", Err: errDatabaseDown}
	}
	if h.starting != nil && h.starting() {
		// not an outage: the process is loading its catalog and search copy
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "starting"})
	}
	return c.JSON(fiber.Map{"status": "ready"})
}

func badParam(name, vi, en string) error {
	return apperr.E(apperr.Invalid, vi, name+": "+en)
}

// parseCount parses a non-negative whole number of at most 12 digits: no
// sign, no spaces, no exponent.
func parseCount(name, s string) (int64, error) {
	if s == "" || len(s) > 12 {
		return 0, badParam(name, "Giá trị "+name+" phải là số nguyên không âm.", "want a whole number from 0 to 999999999999, got "+strconv.Quote(s))
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, badParam(name, "Giá trị "+name+" phải là số nguyên không âm.", "want a whole number from 0 to 999999999999, got "+strconv.Quote(s))
		}
	}
	return strconv.ParseInt(s, 10, 64)
}

// productFilter reads list parameters. Shape errors are reported here;
// unknown codes and ranges by catalog.Normalize.
func productFilter(c *fiber.Ctx) (catalog.Filter, error) {
	q, err := searchText(c)
	if err != nil {
		return catalog.Filter{}, err
	}
	f := catalog.Filter{
		Query:    q,
		Province: c.Query("province"),
		Group:    c.Query("group"),
		Producer: c.Query("producer"),
		Sort:     c.Query("sort"),
	}
	for _, raw := range c.Context().QueryArgs().PeekMulti("star") {
		n, err := parseCount("star", string(raw))
		if err != nil {
			return f, err
		}
		f.Stars = append(f.Stars, int(min(n, 100)))
	}
	for name, dst := range map[string]**int64{"price_min": &f.PriceMin, "price_max": &f.PriceMax} {
		if v := c.Query(name); v != "" {
			n, err := parseCount(name, v)
			if err != nil {
				return f, err
			}
			*dst = &n
		}
	}
	for name, dst := range map[string]*int{"page": &f.Page, "per_page": &f.PerPage} {
		if v, ok := c.Queries()[name]; ok {
			n, err := parseCount(name, v)
			if err != nil {
				return f, err
			}
			if n == 0 || n > 1_000_000 {
				return f, badParam(name, "Giá trị "+name+" không hợp lệ.", "must be from 1 to 1000000")
			}
			*dst = int(n)
		}
	}
	return f, nil
}

func (h *handler) writeList(c *fiber.Ctx, p catalog.Page) error {
	var buf bytes.Buffer
	buf.Grow(256 + len(p.Items)*400)
	buf.WriteString(`{"items":`)
	p.AppendItemsJSON(&buf, h.promotionMember(c))
	buf.WriteString(`,"total":`)
	buf.WriteString(strconv.Itoa(p.Total))
	buf.WriteString(`,"page":`)
	buf.WriteString(strconv.Itoa(p.Page))
	buf.WriteString(`,"per_page":`)
	buf.WriteString(strconv.Itoa(p.PerPage))
	buf.WriteByte('}')
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(buf.Bytes())
}

func (h *handler) listProducts(c *fiber.Ctx) error {
	f, err := productFilter(c)
	if err != nil {
		return err
	}
	p, err := h.catalog.ListProducts(c.UserContext(), f)
	if err != nil {
		return err
	}
	return h.writeList(c, p)
}

func (h *handler) showProduct(c *fiber.Ctx) error {
	p, err := h.catalog.Product(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	if h.fairs == nil {
		return c.JSON(p)
	}
	// a running promotion: its kind, value, the price to pay and its end
	o, err := h.fairs.Offer(c.UserContext(), p.Slug, p.PriceVND)
	if err != nil || o == nil {
		return c.JSON(p)
	}
	return c.JSON(struct {
		*catalog.Product
		Promotion promotionJSON `json:"promotion"`
	}{p, promotionJSON{Kind: o.Kind, Value: o.Value, PriceVND: o.PriceVND, EndsAt: o.EndsAt.UTC().Format(time.RFC3339)}})
}

// promotionMember adds "promotion" to a list item while one runs (nil
// without promotions).
func (h *handler) promotionMember(c *fiber.Ctx) func(*catalog.ListItem) []byte {
	if h.fairs == nil {
		return nil
	}
	ctx := c.UserContext()
	return func(it *catalog.ListItem) []byte {
		o, err := h.fairs.Offer(ctx, it.Slug, it.PriceVND)
		if err != nil || o == nil {
			return nil
		}
		b, err := json.Marshal(promotionJSON{Kind: o.Kind, Value: o.Value, PriceVND: o.PriceVND, EndsAt: o.EndsAt.UTC().Format(time.RFC3339)})
		if err != nil {
			return nil
		}
		return append([]byte(`,"promotion":`), b...)
	}
}

// promotionJSON is a product's running promotion in the API.
type promotionJSON struct {
	Kind     string `json:"kind"`
	Value    int64  `json:"value"`
	PriceVND int64  `json:"price_vnd"`
	EndsAt   string `json:"ends_at"`
}

func (h *handler) showProducer(c *fiber.Ctx) error {
	ctx := c.UserContext()
	pr, err := h.catalog.Producer(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	f, err := productFilter(c)
	if err != nil {
		return err
	}
	f.Producer = pr.Slug
	page, err := h.catalog.ListProducts(ctx, f)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString(`{"producer":`)
	b, err := c.App().Config().JSONEncoder(pr)
	if err != nil {
		return err
	}
	buf.Write(b)
	buf.WriteString(`,"products":{"items":`)
	page.AppendItemsJSON(&buf, h.promotionMember(c))
	buf.WriteString(`,"total":` + strconv.Itoa(page.Total) + `,"page":` + strconv.Itoa(page.Page) + `,"per_page":` + strconv.Itoa(page.PerPage) + `}}`)
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(buf.Bytes())
}

func (h *handler) listProvinces(c *fiber.Ctx) error {
	ps, err := h.catalog.Provinces(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": ps, "total": len(ps)})
}

func (h *handler) listGroups(c *fiber.Ctx) error {
	gs, err := h.catalog.Groups(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": gs, "total": len(gs)})
}
