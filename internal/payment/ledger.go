package payment

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
)

// LedgerRow is one producer's month: what it sold, what the platform keeps
// and what it owes the producer.
type LedgerRow struct {
	ProducerID   int64
	ProducerName string
	ProvinceCode string
	Month        time.Time
	Orders       int
	// GrossVND is the month's sales: online payments received and COD
	// orders delivered, shipping included.
	GrossVND      int64
	CommissionVND int64
	// CODCollectedVND is cash the producer collected on delivery.
	CODCollectedVND int64
	// PlatformVND is online money the platform received for the producer;
	// DirectVND transfers straight to the producer's account.
	PlatformVND int64
	DirectVND   int64
	// PayableVND is what the platform owes the producer for the month
	// (PlatformVND less all commission; negative when the producer owes).
	PayableVND int64
	PaidOutVND int64
	BalanceVND int64
}

// LedgerFilter selects ledger rows.
type LedgerFilter struct {
	Province   string // "" all
	ProducerID int64  // 0 all
	From, To   time.Time
}

// Ledger returns producers' months, newest month first. A sale counts in
// the month its order was placed (Asia/Ho_Chi_Minh).
func (s *Service) Ledger(ctx context.Context, f LedgerFilter) ([]LedgerRow, error) {
	rows, err := s.pool.Query(ctx, `
WITH sale AS (
  SELECT o.producer_id, date_trunc('month', o.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS month, o.total_vnd,
         round(o.total_vnd * o.commission_bp / 10000.0)::bigint AS commission, g.payment_method AS method,
         COALESCE(o.cash_collected_vnd, 0) AS cash, p.payee
  FROM shop_order o JOIN order_group g ON g.id = o.group_id JOIN payment p ON p.group_id = g.id
  WHERE (g.payment_method <> 'cod' AND o.status IN ('paid', 'confirmed', 'shipped', 'delivered', 'completed'))
     OR (g.payment_method = 'cod' AND o.status IN ('delivered', 'completed'))
), month AS (
  SELECT producer_id, month, count(*) AS orders, sum(total_vnd) AS gross, sum(commission) AS commission,
         sum(cash) FILTER (WHERE method = 'cod') AS cod,
         sum(total_vnd) FILTER (WHERE method <> 'cod' AND payee = 'platform') AS platform,
         sum(total_vnd) FILTER (WHERE method <> 'cod' AND payee = 'producer') AS direct
  FROM sale GROUP BY 1, 2
), paid AS (
  SELECT producer_id, month, sum(amount_vnd) AS paid FROM payout GROUP BY 1, 2
)
SELECT pr.id, COALESCE(NULLIF(pr.display_name, ''), pr.name), pr.province_code, COALESCE(m.month, pd.month),
       COALESCE(m.orders, 0), COALESCE(m.gross, 0), COALESCE(m.commission, 0), COALESCE(m.cod, 0),
       COALESCE(m.platform, 0), COALESCE(m.direct, 0), COALESCE(pd.paid, 0)
FROM month m FULL JOIN paid pd ON pd.producer_id = m.producer_id AND pd.month = m.month
JOIN producer pr ON pr.id = COALESCE(m.producer_id, pd.producer_id)
WHERE ($1 = '' OR pr.province_code = $1) AND ($2 = 0 OR pr.id = $2)
  AND ($3::date IS NULL OR COALESCE(m.month, pd.month) >= $3) AND ($4::date IS NULL OR COALESCE(m.month, pd.month) <= $4)
ORDER BY 4 DESC, 2`, f.Province, f.ProducerID, dateOrNil(f.From), dateOrNil(f.To))
	if err != nil {
		return nil, err
	}
	var out []LedgerRow
	var r LedgerRow
	_, err = pgx.ForEachRow(rows, []any{&r.ProducerID, &r.ProducerName, &r.ProvinceCode, &r.Month, &r.Orders, &r.GrossVND,
		&r.CommissionVND, &r.CODCollectedVND, &r.PlatformVND, &r.DirectVND, &r.PaidOutVND}, func() error {
		r.PayableVND = r.PlatformVND - r.CommissionVND
		r.BalanceVND = r.PayableVND - r.PaidOutVND
		out = append(out, r)
		return nil
	})
	return out, err
}

func dateOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(time.DateOnly)
}

// MarkPayout records a payout staff made to a producer for a month.
func (s *Service) MarkPayout(ctx context.Context, actor audit.Actor, producerID int64, month time.Time, amount int64, reference string) error {
	fe := apperr.FieldErrors{}
	if amount <= 0 || amount > 10_000_000_000 {
		fe.Add("amount", "Hãy nhập số tiền đã chuyển (đồng).")
	}
	if month.IsZero() {
		fe.Add("month", "Hãy chọn tháng (mm/yyyy).")
	}
	reference = fe.Text("reference", reference, false, 200, "mã giao dịch")
	if err := fe.OrNil(); err != nil {
		return err
	}
	m := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO payout (producer_id, month, amount_vnd, reference, marked_by, created_at)
			VALUES ($1, $2, $3, $4, NULLIF($5, 0), $6) RETURNING id`, producerID, m, amount, reference, actor.UserID, s.now()).Scan(&id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActingAs: actor.ActingAs, ProducerID: producerID,
			Entity: "payout", EntityID: id, Action: "create",
			Detail: map[string]any{"month": m.Format("2006-01"), "amount_vnd": amount, "reference": reference}})
	})
}
