package report

import (
	"fmt"
	"io"

	"github.com/ocopvn/ocop/internal/export"
)

// PlanColumns are the plan-vs-actual table's columns for scripts (`ocop
// report plan`).
var PlanColumns = []string{"locality", "plan_total", "plan_star5", "plan_star4", "plan_star3",
	"actual_total", "actual_star5", "actual_star4", "actual_star3", "progress_pct"}

// planHeaderVI are the same columns for people, with the renewals and
// upgrades after them.
var planHeaderVI = []string{"Địa phương", "Kế hoạch: tổng", "Kế hoạch: 5 sao", "Kế hoạch: 4 sao", "Kế hoạch: 3 sao",
	"Đạt: tổng", "Đạt: 5 sao", "Đạt: 4 sao", "Đạt: 3 sao", "Tiến độ (%)", "Công nhận lại", "Nâng hạng"}

// UnattributedName and TotalsName name the table's last two rows.
const (
	UnattributedName = "Chưa xác định địa phương"
	TotalsName       = "Tổng cộng"
)

// PlanTable is the plan-vs-actual table: one row per plan row (named as in
// the plan), one for certificates in no locality of the plan, and the
// totals. forPeople gives Vietnamese headers, the title and the renewals
// and upgrades columns.
func PlanTable(r *PlanReport, forPeople bool) export.Table {
	t := export.Table{Sheet: fmt.Sprintf("Ke hoach %d", r.Year), Header: PlanColumns}
	if forPeople {
		t.Header = planHeaderVI
		t.Title = fmt.Sprintf("Kế hoạch OCOP năm %d và kết quả – %s", r.Year, r.Province.Name)
	}
	row := func(name string, l PlanLine) []any {
		out := []any{name, l.Plan.Total, l.Plan.Star5, l.Plan.Star4, l.Plan.Star3,
			l.Actual.Total, l.Actual.Star5, l.Actual.Star4, l.Actual.Star3, l.Progress()}
		if forPeople {
			out = append(out, l.Renewed, l.Upgraded)
		}
		return out
	}
	for _, l := range r.Lines {
		t.Rows = append(t.Rows, row(l.Name, l))
	}
	t.Rows = append(t.Rows, row(UnattributedName, r.Unattributed), row(TotalsName, r.Totals))
	return t
}

// WritePlan writes the plan-vs-actual table for scripts, as CSV or XLSX.
func WritePlan(w io.Writer, r *PlanReport, format string) error {
	if format == "xlsx" {
		return export.XLSX(w, PlanTable(r, false))
	}
	t := PlanTable(r, false)
	t.NoBOM = true
	return export.CSV(w, t)
}
