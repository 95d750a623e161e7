package admin

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/paging"
	"github.com/ocopvn/ocop/internal/producer"
)

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
	rows, err := h.producers.AuditLog(c.UserContext(), audit.Filter{ProducerID: max(p.ProducerID, 0), Provinces: provinces, Limit: 50, BeforeID: max(before, 0)})
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
	if p.Producers, _, err = h.producers.Producers(c.UserContext(), a, producer.ProducerFilter{Page: paging.Of(1, 100)}); err != nil {
		return err
	}
	return h.site.Render(c, "console_audit", p)
}

// When is the entry's time in Vietnam.
func (l auditLine) When() string { return producer.VNTime(l.At) }
