package fair_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/fair"
)

// TestPromotionCap: a 60 % discount is refused (Decree 81/2018) unless the
// campaign is a concentrated promotion period; an amount over half a
// product's price likewise; a producer's campaign covers only its own
// products; staff of another province cannot run one on these.
func TestPromotionCap(t *testing.T) {
	pool, svc := setup(t, time.Date(2026, 12, 1, 9, 0, 0, 0, fair.Vietnam))
	ctx := context.Background()
	p := makeProducers(t, pool)
	in := fair.PromotionInput{Name: "Tết sum vầy", Kind: fair.KindPercent, Value: "60", StartsAt: "01/12/2026 08:00", EndsAt: "10/12/2026 22:00",
		Scope: fair.ScopeProducts, Products: "https://cho-ocop.vn/san-pham/tra-hoa-vang-ba-che"}
	_, fe, err := svc.CreatePromotion(ctx, officer, of22, 0, in)
	if err != nil || !strings.Contains(fe["value"], "Nghị định 81/2018") {
		t.Fatalf("60%%: %v %v", fe, err)
	}
	in.Concentrated = true
	if _, fe, err := svc.CreatePromotion(ctx, officer, of22, 0, in); err != nil || fe != nil {
		t.Fatalf("60%% in a concentrated period: %v %v", fe, err)
	}
	// 300,000 off a 500,000 tea is more than half
	amount := fair.PromotionInput{Name: "Giảm tiền", Kind: fair.KindAmount, Value: "300.000", StartsAt: "01/12/2026 08:00", EndsAt: "02/12/2026 08:00",
		Scope: fair.ScopeProducts, Products: "tra-hoa-vang-ba-che"}
	if _, fe, _ := svc.CreatePromotion(ctx, officer, of22, 0, amount); !strings.Contains(fe["value"], "vượt 50%") {
		t.Errorf("an amount over half the price: %v", fe)
	}
	// Hà Nội's officer may not discount Quảng Ninh's tea
	of01 := func(p string) bool { return p == "01" }
	amount.Value = "100.000"
	if _, _, err := svc.CreatePromotion(ctx, officer, of01, 0, amount); !errors.Is(err, fair.ErrForbidden) {
		t.Errorf("another province: %v", err)
	}
	// the Hà Nội cooperative cannot put the Quảng Ninh tea on sale
	if _, fe, _ := svc.CreatePromotion(ctx, officer, nil, p.guestB, amount); fe["products"] == "" {
		t.Errorf("another producer's product: %v", fe)
	}
	amount.Products = "nuoc-mam-cot"
	amount.Value = "20.000"
	id, fe, err := svc.CreatePromotion(ctx, officer, nil, p.guestB, amount)
	if err != nil || fe != nil {
		t.Fatalf("own promotion: %v %v", fe, err)
	}
	if err := svc.CancelPromotion(ctx, officer, nil, p.hostA, id); !errors.Is(err, fair.ErrPromotionNotFound) {
		t.Errorf("another producer cancels it: %v", err)
	}
	if err := svc.CancelPromotion(ctx, officer, nil, p.guestB, id); err != nil {
		t.Errorf("cancel: %v", err)
	}
}

// TestPromotionOnTime: the promoted price starts and ends exactly at the
// campaign's moments (Vietnam time), with no job; the best of two running
// campaigns wins; the pages' price (Offer) and the checkout's (the view
// product_promotion) agree.
func TestPromotionOnTime(t *testing.T) {
	pool, _ := setup(t, time.Now())
	ctx := context.Background()
	p := makeProducers(t, pool)
	at := func(s string) *fair.Service {
		tm, err := time.ParseInLocation("02/01/2006 15:04:05", s, fair.Vietnam)
		if err != nil {
			t.Fatal(err)
		}
		return fair.New(pool, func() time.Time { return tm })
	}
	staff := at("01/12/2026 09:00:00")
	for _, in := range []fair.PromotionInput{
		{Name: "Giờ vàng", Kind: fair.KindPercent, Value: "20", StartsAt: "06/12/2026 20:00", EndsAt: "06/12/2026 22:00", Scope: fair.ScopeProducts, Products: "tra-hoa-vang-ba-che"},
		{Name: "Tuần lễ trà", Kind: fair.KindAmount, Value: "50.000", StartsAt: "01/12/2026 08:00", EndsAt: "31/12/2026 23:00", Scope: fair.ScopeProducer, ProducerSlug: "/cua-hang/htx-tra-hoa-vang-ba-che"},
	} {
		if _, fe, err := staff.CreatePromotion(ctx, officer, of22, 0, in); err != nil || fe != nil {
			t.Fatalf("%s: %v %v", in.Name, fe, err)
		}
	}
	for moment, want := range map[string]int64{
		"01/12/2026 07:59:59": 500000, // before either
		"01/12/2026 08:00:00": 450000, // the week starts: 50,000 off
		"06/12/2026 19:59:59": 450000,
		"06/12/2026 20:00:00": 400000, // the golden hour: 20 % off is better
		"06/12/2026 21:59:59": 400000,
		"06/12/2026 22:00:00": 450000, // it ends on the dot
		"31/12/2026 23:00:00": 500000,
	} {
		o, err := at(moment).Offer(ctx, "tra-hoa-vang-ba-che", 500000)
		got := int64(500000)
		if o != nil {
			got = o.PriceVND
		}
		if err != nil || got != want {
			t.Errorf("%s: %d, want %d (%v)", moment, got, want, err)
		}
	}
	// the checkout's view, at the database's clock: a campaign running now
	now := time.Now().In(fair.Vietnam)
	live := fair.New(pool, nil)
	if _, fe, err := live.CreatePromotion(ctx, officer, of22, 0, fair.PromotionInput{Name: "Đang chạy", Kind: fair.KindPercent, Value: "15",
		StartsAt: now.Add(-time.Hour).Format("02/01/2006 15:04"), EndsAt: now.Add(time.Hour).Format("02/01/2006 15:04"),
		Scope: fair.ScopeProducts, Products: "tra-hoa-vang-ba-che"}); err != nil || fe != nil {
		t.Fatalf("live: %v %v", fe, err)
	}
	var viewPrice int64
	if err := pool.QueryRow(ctx, `SELECT price_vnd FROM product_promotion WHERE product_id = $1`, p.teaA).Scan(&viewPrice); err != nil {
		t.Fatal(err)
	}
	o, err := live.Offer(ctx, "tra-hoa-vang-ba-che", 500000)
	if err != nil || o == nil || o.PriceVND != viewPrice || viewPrice != 425000 {
		t.Errorf("pages %v, checkout %d, want 425,000 (%v)", o, viewPrice, err)
	}
	if fair.PromotedPrice(999, fair.KindPercent, 15, false) != 850 || fair.PromotedPrice(100000, fair.KindAmount, 80000, false) != 50000 {
		t.Error("rounding or the 50 % floor")
	}
}
