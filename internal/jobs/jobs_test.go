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
