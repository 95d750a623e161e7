package fair_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/export"
	"github.com/ocopvn/ocop/internal/fair"
)

// openFair is spring() with registration open at now (1 December 2026)
// and zone A of four standard booths and one corner, then zone B of two
// standard booths; it returns the event id.
func openFair(t *testing.T, svc *fair.Service, edit func(fair.Fields)) int64 {
	t.Helper()
	ctx := context.Background()
	f := spring()
	if edit != nil {
		edit(f)
	}
	id, fe, err := svc.Save(ctx, officer, of22, 0, f)
	if err != nil || fe != nil {
		t.Fatalf("save: %v %v", fe, err)
	}
	for _, z := range []struct {
		code  string
		cells map[string]string
	}{
		{"A", map[string]string{"0,0": "corner", "1,0": "standard", "2,0": "standard", "3,0": "standard", "4,0": "standard"}},
		{"B", map[string]string{"0,0": "standard", "1,0": "standard"}},
	} {
		zone, fe, err := svc.SaveZone(ctx, officer, of22, id, 0, fair.ZoneForm{Code: z.code, Cols: "5", Rows: "1"})
		if err != nil || fe != nil {
			t.Fatalf("zone: %v %v", fe, err)
		}
		if _, err := svc.SaveLayout(ctx, officer, of22, id, zone, z.cells); err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range []string{fair.Published, fair.RegistrationOpen} {
		if err := svc.SetStatus(ctx, officer, of22, id, st, ""); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

type producers struct {
	hostA, guestB, lapsedC int64 // Quảng Ninh 5★, Hà Nội 3★, Quảng Ninh with an expired certificate
	teaA, fishB, oldC      int64
}

func makeProducers(t *testing.T, pool *pgxpool.Pool) producers {
	f := catalogtest.Fixture{T: t, Pool: pool}
	var p producers
	p.hostA = f.Producer("HTX Trà hoa vàng Ba Chẽ", "22")
	p.teaA = f.Product(p.hostA, catalogtest.Product{Name: "Trà hoa vàng Ba Chẽ", Group: "I.5.a", Price: 500000, Star: 5})
	p.guestB = f.Producer("HTX Nước mắm Hà Nội", "01")
	p.fishB = f.Product(p.guestB, catalogtest.Product{Name: "Nước mắm cốt", Group: "I.4.a", Price: 120000, Star: 3})
	p.lapsedC = f.Producer("Hộ kinh doanh Chả mực", "22")
	p.oldC = f.Product(p.lapsedC, catalogtest.Product{Name: "Chả mực Hạ Long", Group: "I.1.a", Price: 450000, Star: 4, Cert: "expired"})
	return p
}

func apply(svc *fair.Service, producer, event int64, typ, qty string, products ...int64) (int64, apperr.FieldErrors, error) {
	return svc.Apply(context.Background(), officer, producer, event, fair.ApplicationInput{BoothType: typ, Qty: qty, Products: products,
		ContactName: "Chị Lan", ContactPhone: "0912 345 678"})
}

// TestApplyReviewPay: the form is checked on the server (another
// producer's product, an expired certificate, too many booths, a type not
// offered); the fee, subsidy and payable are computed, never sent; a
// second application is refused; approval leads to payment or, with
// nothing to pay, straight to free; a certificate revoked after approval
// stops the allocation.
func TestApplyReviewPay(t *testing.T) {
	pool, svc := setup(t, time.Date(2026, 12, 1, 9, 0, 0, 0, fair.Vietnam))
	ctx := context.Background()
	p := makeProducers(t, pool)
	ev := openFair(t, svc, nil)

	_, fe, err := apply(svc, p.hostA, ev, "double", "3", p.fishB)
	if err != nil || fe["booth_type"] == "" || fe["qty"] == "" || fe["products"] == "" {
		t.Fatalf("field errors: %v %v", fe, err)
	}
	if _, fe, _ := apply(svc, p.lapsedC, ev, "standard", "1", p.oldC); fe["products"] == "" {
		t.Errorf("an expired certificate is eligible: %v", fe)
	}
	id, fe, err := apply(svc, p.hostA, ev, "standard", "2", p.teaA)
	if err != nil || fe != nil {
		t.Fatalf("apply: %v %v", fe, err)
	}
	app, err := svc.Application(ctx, ev, id)
	if err != nil || app.FeeVND != 5_000_000 || app.SubsidyVND != 2_500_000 || app.PayableVND != 2_500_000 || app.Status != fair.AppSubmitted ||
		app.ContactPhone != "+84912345678" || len(app.Products) != 1 || app.Products[0].Star != 5 {
		t.Fatalf("application: %+v %v", app, err)
	}
	if _, _, err := apply(svc, p.hostA, ev, "standard", "1", p.teaA); !errors.Is(err, fair.ErrApplied) {
		t.Errorf("second application: %v", err)
	}
	if err := svc.Review(ctx, officer, of22, ev, id, fair.DecideReject, ""); apperr.KindOf(err) != apperr.Invalid {
		t.Errorf("a rejection without a reason: %v", err)
	}
	if err := svc.Assign(ctx, officer, of22, ev, id, "A-02"); err == nil {
		t.Error("a booth for an application not approved")
	}
	if err := svc.Review(ctx, officer, of22, ev, id, fair.DecideApprove, ""); err != nil {
		t.Fatal(err)
	}
	if app, _ = svc.Application(ctx, ev, id); app.Status != fair.AppAwaiting {
		t.Fatalf("approved: %s", app.Status)
	}
	if err := svc.RecordPayment(ctx, officer, of22, ev, id, "transfer", "FT2612010001"); err != nil {
		t.Fatal(err)
	}
	if app, _ = svc.Application(ctx, ev, id); app.Status != fair.AppPaid || app.PaidVND != 2_500_000 {
		t.Fatalf("paid: %+v", app)
	}
	if err := svc.Assign(ctx, officer, of22, ev, id, "A-01"); apperr.KindOf(err) != apperr.Invalid {
		t.Errorf("a corner for a standard application: %v", err)
	}
	if err := svc.Assign(ctx, officer, of22, ev, id, "A-02"); err != nil {
		t.Fatal(err)
	}
	// the certificate is revoked before the second booth is given
	catalogtest.Fixture{T: t, Pool: pool}.Exec(`UPDATE certificate SET status = 'revoked', revoked_on = current_date WHERE product_id = $1`, p.teaA)
	if err := svc.Assign(ctx, officer, of22, ev, id, "A-03"); !errors.Is(err, fair.ErrIneligible) {
		t.Errorf("allocation after the revocation: %v", err)
	}

	// a fully subsidised fair: nothing to pay, approval confirms it free
	free := openFair(t, svc, func(f fair.Fields) {
		f["name"], f["subsidy_percent"], f["subsidy_cap_vnd"] = "Phiên chợ OCOP miễn phí", "100", ""
	})
	fid, fe, err := apply(svc, p.guestB, free, "standard", "1", p.fishB)
	if err != nil || fe != nil {
		t.Fatalf("apply: %v %v", fe, err)
	}
	if err := svc.Review(ctx, officer, of22, free, fid, fair.DecideApprove, ""); err != nil {
		t.Fatal(err)
	}
	if app, _ := svc.Application(ctx, free, fid); app.Status != fair.AppFree || app.PayableVND != 0 {
		t.Errorf("free: %+v", app)
	}
}

// TestRaceForOneBooth: 500 times, two officers give the same booth to two
// paid applications at once; exactly one wins each time and the loser is
// told the booth is taken.
func TestRaceForOneBooth(t *testing.T) {
	pool, svc := setup(t, time.Date(2026, 12, 1, 9, 0, 0, 0, fair.Vietnam))
	ctx := context.Background()
	p := makeProducers(t, pool)
	ev := openFair(t, svc, func(f fair.Fields) { f["eligible_provinces"] = "" })
	var apps [2]int64
	for i, pr := range []struct{ producer, product int64 }{{p.hostA, p.teaA}, {p.guestB, p.fishB}} {
		id, fe, err := apply(svc, pr.producer, ev, "standard", "1", pr.product)
		if err != nil || fe != nil {
			t.Fatalf("apply: %v %v", fe, err)
		}
		if err := svc.Review(ctx, officer, of22, ev, id, fair.DecideApprove, ""); err != nil {
			t.Fatal(err)
		}
		if err := svc.RecordPayment(ctx, officer, of22, ev, id, "cash", ""); err != nil {
			t.Fatal(err)
		}
		apps[i] = id
	}
	f := catalogtest.Fixture{T: t, Pool: pool}
	for round := range 500 {
		var wg sync.WaitGroup
		var errs [2]error
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = svc.Assign(ctx, officer, of22, ev, apps[i], "B-01")
			}()
		}
		wg.Wait()
		won, lost := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case errors.Is(err, fair.ErrBoothTaken):
				lost++
			default:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		var holders int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM booth_assignment x JOIN booth b ON b.id = x.booth_id WHERE b.code = 'B-01'`).Scan(&holders); err != nil {
			t.Fatal(err)
		}
		if won != 1 || lost != 1 || holders != 1 {
			t.Fatalf("round %d: %d won, %d lost, %d holders", round, won, lost, holders)
		}
		f.Exec(`DELETE FROM booth_assignment`)
		f.Exec(`UPDATE booth_application SET status = 'paid' WHERE event_id = $1`, ev)
	}
}

// TestAutoAllocateAndWithdraw: by priority points the host province's 5★
// producer gets its preferred zone; the guest the next free booths; a
// producer never gets more booths than it applied for; a late withdrawal
// keeps the deposit and frees the booths; check-in by booth code.
func TestAutoAllocateAndWithdraw(t *testing.T) {
	pool, svc := setup(t, time.Date(2026, 12, 1, 9, 0, 0, 0, fair.Vietnam))
	ctx := context.Background()
	p := makeProducers(t, pool)
	ev := openFair(t, svc, func(f fair.Fields) { f["eligible_provinces"], f["deposit_percent"] = "", "50" })
	guest, _, err := svc.Apply(ctx, officer, p.guestB, ev, fair.ApplicationInput{BoothType: "standard", Qty: "2", Products: []int64{p.fishB}, ContactName: "Anh Hùng"})
	if err != nil {
		t.Fatal(err)
	}
	host, _, err := svc.Apply(ctx, officer, p.hostA, ev, fair.ApplicationInput{BoothType: "standard", Qty: "2", PreferredZone: "B", Products: []int64{p.teaA}, ContactName: "Chị Lan"})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{guest, host} {
		if err := svc.Review(ctx, officer, of22, ev, id, fair.DecideApprove, ""); err != nil {
			t.Fatal(err)
		}
		if err := svc.RecordPayment(ctx, officer, of22, ev, id, "cash", ""); err != nil {
			t.Fatal(err)
		}
	}
	got, err := svc.AutoAllocate(ctx, officer, of22, ev)
	if err != nil || got.Assigned != 4 || len(got.Short) != 0 {
		t.Fatalf("allocate: %+v %v", got, err)
	}
	h, _ := svc.Application(ctx, ev, host)
	g, _ := svc.Application(ctx, ev, guest)
	if len(h.Booths) != 2 || h.Booths[0] != "B-01" || h.Booths[1] != "B-02" || len(g.Booths) != 2 || g.Booths[0] != "A-02" || h.Status != fair.AppAssigned {
		t.Errorf("host %v (%s), guest %v", h.Booths, h.Status, g.Booths)
	}
	if err := svc.Assign(ctx, officer, of22, ev, host, "A-05"); !errors.Is(err, fair.ErrEnoughBooths) {
		t.Errorf("a third booth: %v", err)
	}
	if again, _ := svc.AutoAllocate(ctx, officer, of22, ev); again.Assigned != 0 {
		t.Errorf("a second run gave %d booths", again.Assigned)
	}
	in, err := svc.CheckIn(ctx, officer, of22, ev, "B-02")
	if err != nil || in.ID != host || in.Status != fair.AppCheckedIn {
		t.Errorf("check-in: %+v %v", in, err)
	}
	// the guest withdraws 8 weeks before opening (notice 30 days): all back
	refund, err := svc.Withdraw(ctx, officer, p.guestB, guest)
	if err != nil || refund != g.PaidVND {
		t.Errorf("early withdrawal refunds %d of %d: %v", refund, g.PaidVND, err)
	}
	if g, _ = svc.Application(ctx, ev, guest); g.Status != fair.AppWithdrawn || len(g.Booths) != 0 {
		t.Errorf("withdrawn: %+v", g)
	}
	// late: 10 days before opening, half (the deposit) is kept
	late := fair.New(pool, func() time.Time { return time.Date(2027, 1, 16, 9, 0, 0, 0, fair.Vietnam) })
	if _, err := late.Withdraw(ctx, officer, p.guestB, host); !errors.Is(err, fair.ErrAppNotFound) {
		t.Errorf("another producer's application: %v", err)
	}
	if _, err := late.Withdraw(ctx, officer, p.hostA, host); !errors.Is(err, fair.ErrAppTransition) {
		t.Errorf("a checked-in exhibitor withdraws: %v", err)
	}
	f := catalogtest.Fixture{T: t, Pool: pool}
	d := f.Producer("HTX Miến dong Bình Liêu", "22")
	noodles := f.Product(d, catalogtest.Product{Name: "Miến dong Bình Liêu", Group: "I.1.a", Price: 90000, Star: 4})
	id, _, err := svc.Apply(ctx, officer, d, ev, fair.ApplicationInput{BoothType: "standard", Qty: "1", Products: []int64{noodles}, ContactName: "Chị Mai"})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Review(ctx, officer, of22, ev, id, fair.DecideApprove, ""); err != nil {
		t.Fatal(err)
	}
	if err := svc.RecordPayment(ctx, officer, of22, ev, id, "transfer", "FT1"); err != nil {
		t.Fatal(err)
	}
	if refund, err := late.Withdraw(ctx, officer, d, id); err != nil || refund != 625_000 {
		t.Errorf("late withdrawal of 1,250,000 paid refunds %d (want 625,000, the deposit kept): %v", refund, err)
	}
}

// TestDayReportsAndOutcome: exhibitors report each day of the fair (not a
// day outside it, not tomorrow); finishing the fair completes those who
// came; the organiser's report counts booths, exhibitors by province and
// star and the reported sales; its CSV neutralises a formula in a name.
func TestDayReportsAndOutcome(t *testing.T) {
	pool, svc := setup(t, time.Date(2026, 12, 1, 9, 0, 0, 0, fair.Vietnam))
	ctx := context.Background()
	p := makeProducers(t, pool)
	catalogtest.Fixture{T: t, Pool: pool}.Exec(`UPDATE producer SET display_name = '=HYPERLINK("http://evil","x")' WHERE id = $1`, p.guestB)
	ev := openFair(t, svc, func(f fair.Fields) {
		f["eligible_provinces"], f["subsidy_percent"], f["subsidy_cap_vnd"] = "", "100", ""
	})
	var apps []int64
	for _, pr := range []struct{ producer, product int64 }{{p.hostA, p.teaA}, {p.guestB, p.fishB}} {
		id, fe, err := apply(svc, pr.producer, ev, "standard", "1", pr.product)
		if err != nil || fe != nil {
			t.Fatalf("apply: %v %v", fe, err)
		}
		if err := svc.Review(ctx, officer, of22, ev, id, fair.DecideApprove, ""); err != nil {
			t.Fatal(err)
		}
		apps = append(apps, id)
	}
	if _, err := svc.AutoAllocate(ctx, officer, of22, ev); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CheckIn(ctx, officer, of22, ev, "A-02"); err != nil {
		t.Fatal(err)
	}
	for _, st := range []string{fair.RegistrationClosed, fair.Running} {
		if err := svc.SetStatus(ctx, officer, of22, ev, st, ""); err != nil {
			t.Fatal(err)
		}
	}
	during := fair.New(pool, func() time.Time { return time.Date(2027, 1, 27, 21, 0, 0, 0, fair.Vietnam) })
	if fe, err := during.ReportDay(ctx, officer, p.hostA, apps[0], fair.DayInput{Day: "28/01/2027", Sales: "1.000.000"}); err != nil || fe["day"] == "" {
		t.Errorf("tomorrow: %v %v", fe, err)
	}
	if fe, err := during.ReportDay(ctx, officer, p.hostA, apps[0], fair.DayInput{Day: "20/01/2027", Sales: "1.000.000"}); err != nil || fe["day"] == "" {
		t.Errorf("before the fair: %v %v", fe, err)
	}
	if _, err := during.ReportDay(ctx, officer, p.guestB, apps[0], fair.DayInput{Day: "26/01/2027"}); !errors.Is(err, fair.ErrAppNotFound) {
		t.Errorf("another producer's application: %v", err)
	}
	for _, r := range []struct {
		producer, app int64
		in            fair.DayInput
	}{
		{p.hostA, apps[0], fair.DayInput{Day: "26/01/2027", Sales: "12.500.000", Orders: "40", Contacts: "15", Contracts: "1"}},
		{p.hostA, apps[0], fair.DayInput{Day: "27/01/2027", Sales: "8.000.000", Orders: "25", Contacts: "9"}},
		{p.guestB, apps[1], fair.DayInput{Day: "26/01/2027", Sales: "3.000.000", Orders: "12", Contacts: "4"}},
		{p.hostA, apps[0], fair.DayInput{Day: "27/01/2027", Sales: "9.000.000", Orders: "26", Contacts: "9"}}, // corrected
	} {
		if fe, err := during.ReportDay(ctx, officer, r.producer, r.app, r.in); err != nil || fe != nil {
			t.Fatalf("report %v: %v %v", r.in, fe, err)
		}
	}
	if err := svc.SetStatus(ctx, officer, of22, ev, fair.Finished, ""); err != nil {
		t.Fatal(err)
	}
	if a, _ := svc.Application(ctx, ev, apps[0]); a.Status != fair.AppCompleted {
		t.Errorf("the exhibitor who came: %s", a.Status)
	}
	o, err := svc.Outcome(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	if o.BoothsOffered != 7 || o.BoothsTaken != 2 || o.Exhibitors != 2 || o.SalesVND != 24_500_000 || o.Orders != 78 || o.Contacts != 28 || o.Contracts != 1 {
		t.Errorf("outcome: %+v", o)
	}
	if len(o.ByProvince) != 2 || len(o.ByStar) != 2 || o.Rows[0].Star != 5 || !o.Rows[0].CheckedIn || o.Rows[1].CheckedIn {
		t.Errorf("by province %v, by star %v", o.ByProvince, o.ByStar)
	}
	e, _ := svc.ByID(ctx, ev)
	var buf strings.Builder
	if err := export.CSV(&buf, fair.OutcomeTable(e, o)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `'=HYPERLINK`) || !strings.Contains(buf.String(), "24500000") {
		t.Errorf("CSV:\n%s", buf.String())
	}
}

// TestWaitlistOffer: zone B's two booths are taken and a third producer is
// waitlisted; when one exhibitor withdraws, its booth is held for the
// waitlisted one with a 48-hour deadline (nobody else may be given it);
// another producer cannot take the offer; accepted in time, the booth is
// the waitlisted producer's; a lapsed offer cannot be taken.
func TestWaitlistOffer(t *testing.T) {
	pool, svc := setup(t, time.Date(2026, 12, 1, 9, 0, 0, 0, fair.Vietnam))
	ctx := context.Background()
	p := makeProducers(t, pool)
	f := catalogtest.Fixture{T: t, Pool: pool}
	d := f.Producer("HTX Miến dong Bình Liêu", "22")
	noodles := f.Product(d, catalogtest.Product{Name: "Miến dong Bình Liêu", Group: "I.1.a", Price: 90000, Star: 4})
	// only zone B's two standard booths: zone A has corners and standards, so block A
	ev := openFair(t, svc, func(fl fair.Fields) {
		fl["eligible_provinces"], fl["subsidy_percent"], fl["subsidy_cap_vnd"] = "", "100", ""
	})
	f.Exec(`UPDATE booth SET blocked = true WHERE event_id = $1 AND code LIKE 'A-%'`, ev)
	ids := map[int64]int64{}
	for _, pr := range []struct{ producer, product int64 }{{p.hostA, p.teaA}, {p.guestB, p.fishB}, {d, noodles}} {
		id, fe, err := apply(svc, pr.producer, ev, "standard", "1", pr.product)
		if err != nil || fe != nil {
			t.Fatalf("apply: %v %v", fe, err)
		}
		ids[pr.producer] = id
	}
	for _, pr := range []int64{p.hostA, p.guestB} {
		if err := svc.Review(ctx, officer, of22, ev, ids[pr], fair.DecideApprove, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.Review(ctx, officer, of22, ev, ids[d], fair.DecideWaitlist, "Hết gian"); err != nil {
		t.Fatal(err)
	}
	if got, err := svc.AutoAllocate(ctx, officer, of22, ev); err != nil || got.Assigned != 2 || got.Offered != 0 {
		t.Fatalf("allocate: %+v %v", got, err)
	}
	g, _ := svc.Application(ctx, ev, ids[p.guestB])
	if _, err := svc.Withdraw(ctx, officer, p.guestB, ids[p.guestB]); err != nil {
		t.Fatal(err)
	}
	offers, err := svc.OffersOf(ctx, d)
	if err != nil || len(offers) != 1 || offers[0].BoothCode != g.Booths[0] || !offers[0].ExpiresAt.Equal(time.Date(2026, 12, 3, 9, 0, 0, 0, fair.Vietnam)) {
		t.Fatalf("offer: %+v %v", offers, err)
	}
	// the plan shows the booth held, not free
	zones, _ := svc.Zones(ctx, ev)
	held := 0
	for _, z := range zones {
		for _, b := range z.Booths {
			if b.Held {
				held++
				if b.Code != g.Booths[0] {
					t.Errorf("booth %s held, want %s", b.Code, g.Booths[0])
				}
			}
		}
	}
	if held != 1 {
		t.Errorf("%d booths held on the plan", held)
	}
	// held for it: another producer cannot take it
	if err := svc.AcceptOffer(ctx, officer, p.hostA, offers[0].BoothID); !errors.Is(err, fair.ErrOfferGone) {
		t.Errorf("another producer takes the offer: %v", err)
	}
	late := fair.New(pool, func() time.Time { return time.Date(2026, 12, 3, 9, 0, 1, 0, fair.Vietnam) })
	if err := late.AcceptOffer(ctx, officer, d, offers[0].BoothID); !errors.Is(err, fair.ErrOfferGone) {
		t.Errorf("accepted after the deadline: %v", err)
	}
	if err := svc.AcceptOffer(ctx, officer, d, offers[0].BoothID); err != nil {
		t.Fatal(err)
	}
	w, _ := svc.Application(ctx, ev, ids[d])
	if w.Status != fair.AppAssigned || len(w.Booths) != 1 || w.Booths[0] != g.Booths[0] {
		t.Errorf("after accepting: %+v", w)
	}
	if offers, _ := svc.OffersOf(ctx, d); len(offers) != 0 {
		t.Errorf("the offer is still there: %v", offers)
	}
}
