package fair

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/export"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/vntext"
)

// After each day of an event an exhibitor reports its sales, orders,
// contacts and contracts; the organiser's report counts booths,
// exhibitors by province and star, and what was reported, and exports it
// (CSV, XLSX, through internal/export, which neutralises formulas).

// DayReport is an exhibitor's report of one day.
type DayReport struct {
	Day       time.Time
	SalesVND  int64
	Orders    int
	Contacts  int
	Contracts int
	Notes     string
}

// DayInput is a day's report as typed.
type DayInput struct {
	Day, Sales, Orders, Contacts, Contracts, Notes string
}

// ReportDay records (or replaces) producerID's report of a day of the
// event its application id is for: a day of the event, not in the
// future, by an exhibitor that holds booths.
func (s *Service) ReportDay(ctx context.Context, a audit.Actor, producerID, id int64, in DayInput) (_ apperr.FieldErrors, err error) {
	defer apperr.Wrap(&err, "fair.ReportDay(%d)", id)
	fe := apperr.FieldErrors{}
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var status string
		var starts, ends time.Time
		err := tx.QueryRow(ctx, `SELECT a.status, e.starts_on, e.ends_on FROM booth_application a JOIN event e ON e.id = a.event_id
			WHERE a.id = $1 AND a.producer_id = $2 FOR UPDATE OF a`, id, producerID).Scan(&status, &starts, &ends)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrAppNotFound
		}
		if err != nil {
			return err
		}
		if !slices.Contains([]string{AppAssigned, AppCheckedIn, AppCompleted}, status) {
			return apperr.E(apperr.Conflict, "Chỉ đơn vị đã được xếp gian mới báo cáo kết quả.", "not an exhibitor")
		}
		var day time.Time
		for _, layout := range []string{"02/01/2006", "2/1/2006", time.DateOnly} {
			if t, err := time.Parse(layout, strings.TrimSpace(in.Day)); err == nil {
				day = t
				break
			}
		}
		today := s.now().In(Vietnam)
		switch {
		case day.IsZero():
			fe.Add("day", "Ghi ngày theo dạng dd/mm/yyyy.")
		case day.Before(starts) || day.After(ends):
			fe.Add("day", "Chọn một ngày diễn ra sự kiện ("+starts.Format("02/01")+"–"+ends.Format("02/01/2006")+").")
		case day.After(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)):
			fe.Add("day", "Chưa đến ngày này.")
		}
		sales := int64(0)
		if v := strings.TrimSpace(in.Sales); v != "" {
			n, err := vntext.ParseVND(v)
			if err != nil || n >= 100_000_000_000 {
				fe.Add("sales", "Doanh số ghi bằng số đồng, ví dụ 12.500.000.")
			}
			sales = n
		}
		count := func(k, v, label string, max int) int {
			v = strings.TrimSpace(v)
			if v == "" {
				return 0
			}
			n, err := strconv.Atoi(strings.ReplaceAll(v, ".", ""))
			if err != nil || n < 0 || n >= max {
				fe.Add(k, label+" là số tự nhiên.")
			}
			return n
		}
		orders := count("orders", in.Orders, "Số đơn", 1_000_000)
		contacts := count("contacts", in.Contacts, "Số khách liên hệ", 1_000_000)
		contracts := count("contracts", in.Contracts, "Số hợp đồng", 10_000)
		notes := fe.Text("notes", strings.TrimSpace(in.Notes), false, 1000, "ghi chú")
		if len(fe) > 0 {
			return fe
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO exhibitor_report (application_id, day, sales_vnd, orders, contacts, contracts, notes) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (application_id, day) DO UPDATE SET sales_vnd = excluded.sales_vnd, orders = excluded.orders, contacts = excluded.contacts,
			  contracts = excluded.contracts, notes = excluded.notes, updated_at = now()`, id, day, sales, orders, contacts, contracts, notes); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, ProducerID: producerID, Entity: "booth_application", EntityID: id,
			Action: "report_day", Detail: map[string]any{"date": day.Format(time.DateOnly), "sales_vnd": sales, "orders": orders, "contacts": contacts, "contracts": contracts}})
	})
	if errors.As(err, &fe) {
		return fe, nil
	}
	return nil, err
}

// DayReports lists the reports of application id, by day.
func (s *Service) DayReports(ctx context.Context, id int64) (_ []DayReport, err error) {
	defer apperr.Wrap(&err, "fair.DayReports(%d)", id)
	rows, err := s.pool.Query(ctx, `SELECT day, sales_vnd, orders, contacts, contracts, notes FROM exhibitor_report WHERE application_id = $1 ORDER BY day`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (DayReport, error) {
		var d DayReport
		err := r.Scan(&d.Day, &d.SalesVND, &d.Orders, &d.Contacts, &d.Contracts, &d.Notes)
		return d, err
	})
}

// Outcome is the organiser's report of an event.
type Outcome struct {
	BoothsOffered, BoothsTaken, Exhibitors int
	ByProvince                             []Count // exhibitors by province name, most first
	ByStar                                 []Count // exhibitors by their best star ("5 sao"…)
	SalesVND                               int64
	Orders, Contacts, Contracts            int
	Rows                                   []OutcomeRow
}

// Count is a label and a number.
type Count struct {
	Label string
	N     int
}

// OutcomeRow is one exhibitor in the report.
type OutcomeRow struct {
	Producer, Province     string
	Star, Booths, Days     int
	SalesVND               int64
	Orders, Contacts, Deal int
	CheckedIn              bool
}

// Outcome counts event id's booths, exhibitors and reported results.
func (s *Service) Outcome(ctx context.Context, eventID int64) (_ *Outcome, err error) {
	defer apperr.Wrap(&err, "fair.Outcome(%d)", eventID)
	e, err := s.ByID(ctx, eventID)
	if err != nil {
		return nil, err
	}
	o := &Outcome{BoothsOffered: e.BoothsTotal, BoothsTaken: e.BoothsTotal - e.BoothsFree}
	rows, err := s.pool.Query(ctx, `
		SELECT coalesce(nullif(pr.display_name, ''), pr.name), pv.name,
		  coalesce((SELECT max(pp.star) FROM booth_application_product ap JOIN public_product pp ON pp.id = ap.product_id WHERE ap.application_id = a.id),
		           (SELECT max(c.star) FROM booth_application_product ap JOIN certificate c ON c.product_id = ap.product_id WHERE ap.application_id = a.id), 0),
		  (SELECT count(*) FROM booth_assignment x WHERE x.application_id = a.id)::int,
		  (SELECT count(*) FROM exhibitor_report r WHERE r.application_id = a.id)::int,
		  coalesce((SELECT sum(sales_vnd) FROM exhibitor_report r WHERE r.application_id = a.id), 0)::bigint,
		  coalesce((SELECT sum(orders) FROM exhibitor_report r WHERE r.application_id = a.id), 0)::int,
		  coalesce((SELECT sum(contacts) FROM exhibitor_report r WHERE r.application_id = a.id), 0)::int,
		  coalesce((SELECT sum(contracts) FROM exhibitor_report r WHERE r.application_id = a.id), 0)::int,
		  a.status IN ('checked_in', 'completed')
		FROM booth_application a JOIN producer pr ON pr.id = a.producer_id JOIN province pv ON pv.code = pr.province_code
		WHERE a.event_id = $1 AND a.status IN ('booth_assigned', 'checked_in', 'completed')
		ORDER BY 6 DESC, 1`, eventID)
	if err != nil {
		return nil, err
	}
	var r OutcomeRow
	if _, err := pgx.ForEachRow(rows, []any{&r.Producer, &r.Province, &r.Star, &r.Booths, &r.Days, &r.SalesVND, &r.Orders, &r.Contacts, &r.Deal, &r.CheckedIn}, func() error {
		o.Rows = append(o.Rows, r)
		return nil
	}); err != nil {
		return nil, err
	}
	provinces, stars := map[string]int{}, map[string]int{}
	for _, r := range o.Rows {
		o.Exhibitors++
		provinces[r.Province]++
		stars[strconv.Itoa(r.Star)+" sao"]++
		o.SalesVND += r.SalesVND
		o.Orders += r.Orders
		o.Contacts += r.Contacts
		o.Contracts += r.Deal
	}
	o.ByProvince, o.ByStar = counts(provinces), counts(stars)
	return o, nil
}

func counts(m map[string]int) []Count {
	out := make([]Count, 0, len(m))
	for k, n := range m {
		out = append(out, Count{k, n})
	}
	slices.SortFunc(out, func(a, b Count) int {
		if a.N != b.N {
			return b.N - a.N
		}
		return strings.Compare(b.Label, a.Label)
	})
	return out
}

// OutcomeTable is the report as a table for export.
func OutcomeTable(e *Event, o *Outcome) export.Table {
	t := export.Table{Sheet: "Ket qua", Title: "Kết quả " + e.Name + " (" + e.StartsOn.Format("02/01/2006") + " – " + e.EndsOn.Format("02/01/2006") + ")",
		Header: []string{"Đơn vị tham gia", "Tỉnh", "Hạng sao cao nhất", "Số gian", "Đã nhận gian", "Số ngày báo cáo", "Doanh số (đồng)", "Số đơn", "Khách liên hệ", "Hợp đồng"}}
	for _, r := range o.Rows {
		in := "không"
		if r.CheckedIn {
			in = "có"
		}
		t.Rows = append(t.Rows, []any{r.Producer, r.Province, r.Star, r.Booths, in, r.Days, r.SalesVND, r.Orders, r.Contacts, r.Deal})
	}
	t.Rows = append(t.Rows, []any{"Tổng cộng", "", "", o.BoothsTaken, "", "", o.SalesVND, o.Orders, o.Contacts, o.Contracts})
	return t
}
