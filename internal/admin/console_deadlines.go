package admin

import (
	"sort"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/export"
)

// deadlinesPage is /quan-tri/han-chung-nhan: the certificates the province's
// staff follow (ending within 30 and 90 days, lapsed without renewal,
// revoked this year), counted by commune and by product group, listed,
// and downloadable as CSV or XLSX.
type deadlinesPage struct {
	BasePage
	Categories []string
	Counts     map[string]int
	ByCommune  []deadlineCount
	ByGroup    []deadlineCount
	Items      []certification.Deadline
}

// deadlineCount is one line of a summary: a commune or group and its
// count in each category.
type deadlineCount struct {
	Name string
	N    map[string]int
}

// summarise counts ds by key, in name order.
func summarise(ds []certification.Deadline, key func(certification.Deadline) string) []deadlineCount {
	by := map[string]map[string]int{}
	for _, d := range ds {
		k := key(d)
		if by[k] == nil {
			by[k] = map[string]int{}
		}
		by[k][d.Category]++
	}
	out := make([]deadlineCount, 0, len(by))
	for name, n := range by {
		out = append(out, deadlineCount{Name: name, N: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (h *Handler) showDeadlines(c *fiber.Ctx) error {
	ds, err := h.certification.Deadlines(c.UserContext(), consoleActor(c))
	if err != nil {
		return err
	}
	switch c.Query("tai-ve") {
	case "csv", "xlsx":
		return h.downloadDeadlines(c, ds, c.Query("tai-ve"))
	}
	p := deadlinesPage{BasePage: h.consoleBase(c, T("console.deadlines")), Categories: certification.DeadlineCategories,
		Counts: map[string]int{}, Items: ds}
	for _, d := range ds {
		p.Counts[d.Category]++
	}
	p.ByCommune = summarise(ds, func(d certification.Deadline) string {
		if d.Commune == "" {
			return T("console.commune_unknown")
		}
		return d.Commune
	})
	p.ByGroup = summarise(ds, func(d certification.Deadline) string { return d.Group })
	return h.site.Render(c, "console_deadlines", p)
}

// downloadDeadlines sends ds as a spreadsheet (formula-safe, X-06).
func (h *Handler) downloadDeadlines(c *fiber.Ctx, ds []certification.Deadline, format string) error {
	t := export.Table{Sheet: "Chung nhan OCOP", Header: []string{"Tình trạng", "Sản phẩm", "Chủ thể", "Tỉnh", "Xã/phường",
		"Nhóm sản phẩm", "Hạng sao", "Số quyết định", "Hiệu lực đến", "Ngày thu hồi", "Lý do thu hồi", "Đã thông báo trước (ngày)"}}
	for _, d := range ds {
		revoked := ""
		if d.RevokedOn != nil {
			revoked = d.RevokedOn.Format("02/01/2006")
		}
		t.Rows = append(t.Rows, []any{T("console.deadline." + d.Category), d.ProductName, d.ProducerName, d.Province, d.Commune,
			d.Group, d.Star, d.DecisionNo, d.Until(), revoked, d.Reason, d.Notified})
	}
	return sendTable(c, t, format, "chung-nhan-ocop")
}
