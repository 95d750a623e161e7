package seed

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/fair"
)

// demoOrganizer marks the demo fair, so a second seed leaves it alone.
const demoOrganizer = "Sở Công Thương Quảng Ninh (dữ liệu mẫu)"

// Fairs seeds, once, an upcoming fair in Quảng Ninh taking booth
// registrations, with a plan of two zones, exhibitors from the demo
// catalog given their booths, and a running promotion on what they show.
// It reports whether it added them.
func Fairs(ctx context.Context, pool *pgxpool.Pool, now func() time.Time) (bool, error) {
	if now == nil {
		now = time.Now
	}
	var seeded bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM event WHERE organizer = $1)`, demoOrganizer).Scan(&seeded); err != nil || seeded {
		return false, err
	}
	svc := fair.New(pool, now)
	sys := audit.Actor{ActingAs: audit.AsSystem}
	all := func(string) bool { return true }
	today := now().In(fair.Vietnam)
	day := func(d int) string { return today.AddDate(0, 0, d).Format("02/01/2006") }
	id, fe, err := svc.Save(ctx, sys, all, 0, fair.Fields{"kind": "fair", "name": "Hội chợ OCOP Quảng Ninh", "organizer": demoOrganizer,
		"description":   "Hội chợ sản phẩm OCOP của Quảng Ninh và các tỉnh bạn: gian hàng của hợp tác xã, doanh nghiệp, hộ kinh doanh, khu trải nghiệm và sân khấu công bố sản phẩm OCOP năm.\nDữ liệu mẫu để thử sàn.",
		"province_code": "22", "venue_name": "Cung Quy hoạch, Hội chợ và Triển lãm tỉnh", "venue_address": "Phường Hồng Hà, Hạ Long",
		"lat": "20.9507", "lng": "107.0915", "starts_on": day(21), "ends_on": day(26), "hours": "08:00-22:00",
		"registration_opens_on": day(-7), "registration_closes_on": day(14), "move_in_at": day(20) + " 08:00", "move_out_until": day(27) + " 12:00",
		"min_star": "3", "subsidy_percent": "100", "subsidy_cap_vnd": "10.000.000", "subsidy_legal_basis": "Chương trình xúc tiến thương mại tỉnh (dữ liệu mẫu)",
		"max_booths_per_producer": "2", "price_standard": "2.500.000", "price_corner": "3.000.000"})
	if err != nil || fe != nil {
		return false, errorsOf(err, fe)
	}
	for _, z := range []struct {
		code, name string
		cells      map[string]string
	}{
		{"A", "Sản phẩm Quảng Ninh", map[string]string{"0,0": "corner", "1,0": "standard", "2,0": "standard", "3,0": "standard", "4,0": "corner",
			"0,2": "standard", "1,2": "standard", "2,2": "standard", "3,2": "standard", "4,2": "standard"}},
		{"B", "Tỉnh bạn", map[string]string{"0,0": "standard", "1,0": "standard", "2,0": "standard", "3,0": "standard"}},
	} {
		zone, fe, err := svc.SaveZone(ctx, sys, all, id, 0, fair.ZoneForm{Code: z.code, Name: z.name, Cols: "5", Rows: "3"})
		if err != nil || fe != nil {
			return false, errorsOf(err, fe)
		}
		if _, err := svc.SaveLayout(ctx, sys, all, id, zone, z.cells); err != nil {
			return false, err
		}
	}
	for _, st := range []string{fair.Published, fair.RegistrationOpen} {
		if err := svc.SetStatus(ctx, sys, all, id, st, ""); err != nil {
			return false, err
		}
	}
	// exhibitors: the best-rated public products of up to four producers,
	// those of Quảng Ninh first
	rows, err := pool.Query(ctx, `
		SELECT DISTINCT ON (pp.producer_id) pp.producer_id, pp.id FROM public_product pp JOIN producer pr ON pr.id = pp.producer_id
		ORDER BY pp.producer_id, pp.star DESC, pp.id`)
	if err != nil {
		return false, err
	}
	type pick struct{ producer, product int64 }
	var picks []pick
	var pk pick
	if _, err := pgx.ForEachRow(rows, []any{&pk.producer, &pk.product}, func() error { picks = append(picks, pk); return nil }); err != nil {
		return false, err
	}
	var host, guests []pick
	for _, p := range picks {
		var province string
		if err := pool.QueryRow(ctx, `SELECT province_code FROM producer WHERE id = $1`, p.producer).Scan(&province); err != nil {
			return false, err
		}
		if province == "22" {
			host = append(host, p)
		} else {
			guests = append(guests, p)
		}
	}
	chosen := append(host[:min(2, len(host))], guests[:min(4-min(2, len(host)), len(guests))]...)
	for _, p := range chosen {
		app, fe, err := svc.Apply(ctx, sys, p.producer, id, fair.ApplicationInput{BoothType: "standard", Qty: "1", Products: []int64{p.product},
			ContactName: "Đại diện cơ sở"})
		if err != nil || fe != nil {
			return false, errorsOf(err, fe)
		}
		if err := svc.Review(ctx, sys, all, id, app, fair.DecideApprove, ""); err != nil {
			return false, err
		}
	}
	if _, err := svc.AutoAllocate(ctx, sys, all, id); err != nil {
		return false, err
	}
	// a running promotion on what the exhibitors show
	if _, fe, err := svc.CreatePromotion(ctx, sys, all, 0, fair.PromotionInput{Name: "Tuần lễ OCOP Quảng Ninh", Kind: fair.KindPercent, Value: "15",
		StartsAt: today.Add(-24 * time.Hour).Format("02/01/2006 15:04"), EndsAt: today.AddDate(0, 0, 14).Format("02/01/2006") + " 22:00",
		Scope: fair.ScopeEvent, EventID: id}); err != nil || fe != nil {
		return false, errorsOf(err, fe)
	}
	return true, nil
}

// errorsOf is err, or the refused fields of a demo form (a bug in the
// demo data).
func errorsOf(err error, fe error) error {
	if err != nil {
		return err
	}
	return fe
}
