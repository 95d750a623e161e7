package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/jobs"
	"github.com/ocopvn/ocop/internal/order"
	"github.com/ocopvn/ocop/internal/payment"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/product"
)

type mailbox struct {
	mu   sync.Mutex
	sent []string // "to|subject"
}

func (m *mailbox) Send(_ context.Context, to, subject, _ string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, to+"|"+subject)
	return nil
}

func (m *mailbox) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sent)
}

// TestDeadlineNotices: with the clock moved day by day, the deadline scan
// (on River, as the app runs it) mails a certificate's members at T-90,
// T-30 and T-7, each once, and not again after a restart; the expiry then
// hides the product.
func TestDeadlineNotices(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	f := catalogtest.Fixture{T: t, Pool: pool}
	pid := f.Producer("HTX Chè Thái", "19")
	decided := time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC) // valid until 2026-02-28
	prod := f.Product(pid, catalogtest.Product{Name: "Chè Thái", Group: "I.5.a", Price: 1000, Star: 4, Decided: decided})
	f.Exec(`INSERT INTO app_user (email, display_name, password_hash) VALUES ('chu@htx.vn', 'Chủ', 'x'), ('kt@htx.vn', 'Kế toán', 'x')`)
	f.Exec(`INSERT INTO producer_member (user_id, producer_id, role) SELECT id, $1, 'owner' FROM app_user`, pid)
	until := certification.ValidUntil(decided)

	var mu sync.Mutex
	today := until.AddDate(0, 0, -120)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return today.Add(3 * time.Hour) }
	setDay := func(daysLeft int) { mu.Lock(); today = until.AddDate(0, 0, -daysLeft); mu.Unlock() }
	box := &mailbox{}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	// run starts a client (a fresh one each time: a restart), lets its
	// start-up scan and the mails it queues finish, and stops it
	run := func() {
		t.Helper()
		certs := certification.New(pool, clock)
		client, err := jobs.New(pool, jobs.Deps{Certification: certs, Mailer: box, Log: log})
		if err != nil {
			t.Fatal(err)
		}
		if err := client.Start(ctx); err != nil {
			t.Fatal(err)
		}
		// the scan runs at start; wait until no job is left
		for range 100 {
			var open int
			if err := pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state NOT IN ('completed', 'discarded', 'cancelled')`).Scan(&open); err != nil {
				t.Fatal(err)
			}
			var scans int
			_ = pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'certificate_deadline_scan' AND state = 'completed'`).Scan(&scans)
			if open == 0 && scans > 0 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		stop, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if err := client.Stop(stop); err != nil {
			t.Fatal(err)
		}
		// the next run's start-up scan is a new periodic job
		if _, err := pool.Exec(ctx, `DELETE FROM river_job WHERE kind = 'certificate_deadline_scan'`); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		daysLeft, want int // mails in total after the step (two members)
	}{
		{120, 0}, {91, 0}, {90, 2}, {89, 2}, {31, 2}, {30, 4}, {30, 4}, {8, 4}, {7, 6}, {1, 6}, {0, 6},
	}
	for _, st := range steps {
		setDay(st.daysLeft)
		run()
		if got := box.count(); got != st.want {
			t.Fatalf("%d days left: %d mails, want %d: %v", st.daysLeft, got, st.want, box.sent)
		}
	}
	for _, s := range box.sent {
		if !strings.Contains(s, "Chè Thái") || !strings.Contains(s, until.Format("02/01/2006")) {
			t.Errorf("mail %q", s)
		}
	}
	var notices int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM certificate_notice`).Scan(&notices); err != nil || notices != 3 {
		t.Errorf("%d notices recorded (%v), want 3", notices, err)
	}
	// the producer's dashboard lists the notices
	d, err := product.New(pool, nil).Dashboard(ctx, pid)
	if err != nil || len(d.Notices) != 3 || d.Notices[0].ProductName != "Chè Thái" || !d.Notices[0].ValidUntil.Equal(until) {
		t.Errorf("dashboard notices: %+v %v", d, err)
	}
	// the day after the last one the certificate expires and the product
	// leaves the catalog
	setDay(-1)
	if n, err := certification.New(pool, clock).ExpireDue(ctx, clock()); err != nil || n != 1 {
		t.Fatalf("expire: %d %v", n, err)
	}
	var public int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM public_product WHERE id = $1`, prod).Scan(&public); err != nil || public != 0 {
		t.Errorf("the expired product is public (%d, %v)", public, err)
	}
}

// TestOrderMessagesAndExpiry: a checkout's message, queued in its
// transaction, is mailed to the shopper and the producer's members by the
// job queue (a phone-only shopper gets it by SMS); the periodic payment
// job releases a VietQR order left unpaid past its deadline.
func TestOrderMessagesAndExpiry(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	f := catalogtest.Fixture{T: t, Pool: pool}
	pid := f.Producer("HTX Chè Thái", "19")
	f.Product(pid, catalogtest.Product{Name: "Chè Thái", Group: "I.5.a", Price: 100000, Star: 4})
	f.Exec(`INSERT INTO commune (code, province_code, name, full_name, kind, name_fold) VALUES ('05800', '19', 'Phú Đô', 'Xã Phú Đô', 'xa', 'phu do')`)
	f.Exec(`INSERT INTO app_user (email, display_name, password_hash) VALUES ('chu@htx.vn', 'Chủ', 'x')`)
	f.Exec(`INSERT INTO producer_member (user_id, producer_id, role) SELECT id, $1, 'owner' FROM app_user`, pid)
	f.Exec(`UPDATE producer SET bank_bin = '970415', bank_account_no = '0011001932418' WHERE id = $1`, pid)
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	inserter, err := jobs.NewInserter(pool)
	if err != nil {
		t.Fatal(err)
	}
	orders, err := order.New(pool, order.Options{TokenKey: []byte("a test key of 32 bytes, no more."), Queue: inserter, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	payments := payment.New(pool, orders, payment.Options{Now: clock})
	in := func(method, email, phone string) order.CheckoutInput {
		return order.CheckoutInput{Lines: []order.LineInput{{Product: "che-thai", Quantity: 1}}, Method: method,
			Buyer:    order.Buyer{Name: "Hoa", Phone: phone, Email: email},
			Shipping: order.Address{ProvinceCode: "19", CommuneCode: "05800", Address: "Số 1"}}
	}
	if _, err := payments.Checkout(ctx, in(order.MethodCOD, "hoa@example.vn", "0912345678")); err != nil {
		t.Fatal(err)
	}
	qr, err := payments.Checkout(ctx, in(order.MethodVietQR, "", "0987654321"))
	if err != nil {
		t.Fatal(err)
	}
	mail, sms := &mailbox{}, &mailbox{}
	client, err := jobs.New(pool, jobs.Deps{Certification: certification.New(pool, nil), Orders: orders, Payments: payments,
		Mailer: mail, SMS: sms, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: "https://ocop.test"})
	if err != nil {
		t.Fatal(err)
	}
	// the deadline passes before the queue starts: its first payment run
	// releases the unpaid transfer
	mu.Lock()
	now = now.Add(order.DefaultPayWindow + time.Minute)
	mu.Unlock()
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stop, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = client.Stop(stop)
	}()
	var status string
	for range 100 {
		_ = pool.QueryRow(ctx, `SELECT status FROM payment WHERE group_id = $1`, qr.Group.ID).Scan(&status)
		if status == "expired" && mail.count() >= 2 && sms.count() >= 2 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if status != "expired" {
		t.Errorf("unpaid transfer: payment %s, want expired", status)
	}
	mail.mu.Lock()
	got := strings.Join(mail.sent, "\n")
	mail.mu.Unlock()
	// the COD order: the shopper's confirmation and the producer's new
	// order; the transfer's producer hears of it only once paid
	if !strings.Contains(got, "hoa@example.vn|Đã nhận đơn hàng OCOP") || !strings.Contains(got, "chu@htx.vn|Đơn hàng mới OCOP") ||
		strings.Count(got, "chu@htx.vn") != 1 {
		t.Errorf("mails:\n%s", got)
	}
	sms.mu.Lock()
	texts := strings.Join(sms.sent, "\n")
	sms.mu.Unlock()
	// the phone-only shopper: placed, then cancelled by the expiry
	if !strings.Contains(texts, "+84987654321|Đã nhận đơn hàng") || !strings.Contains(texts, "+84987654321|Đơn "+qr.Group.Code+" đã bị huỷ") {
		t.Errorf("SMS:\n%s", texts)
	}
}
