package producer_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/media/diskmedia"
)

var pdf = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

func TestNormalizePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0912 345 678", "+84912345678"},
		{"+84 912.345.678", "+84912345678"},
		{"84912345678", "+84912345678"},
		{"(0219) 3 862 555", "+842193862555"},
		{"0912-345-678", "+84912345678"},
		{"024 3936 4792", "+842439364792"},
		{"0112345678", ""},  // no such mobile prefix
		{"03912345678", ""}, // 11 digits but not a landline
		{"0212345678", ""},  // a landline needs 10 digits after the 0
		{"12345", ""},
		{"0012345678", ""},
		{"09123456789012", ""},
		{"0912abc678", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := producer.NormalizePhone(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

type fixture struct {
	pool  *pgxpool.Pool
	store media.Store
	svc   *producer.Service
	certs *certification.Service
	user  int64
}

func newFixture(t *testing.T, store media.Store) fixture {
	t.Helper()
	pool := pgtest.NewDB(t)
	if store == nil {
		d, err := diskmedia.New(t.TempDir(), "/media")
		if err != nil {
			t.Fatal(err)
		}
		store = d
	}
	clock := func() time.Time { return time.Date(2025, 6, 1, 3, 0, 0, 0, time.UTC) }
	f := fixture{pool: pool, store: store, svc: producer.New(pool, store, clock), certs: certification.New(pool, clock)}
	if err := pool.QueryRow(context.Background(), `INSERT INTO app_user (email, display_name, password_hash) VALUES ('a@example.vn', 'A', 'x') RETURNING id`).Scan(&f.user); err != nil {
		t.Fatal(err)
	}
	return f
}

func form() producer.ApplicationForm {
	return producer.ApplicationForm{LegalName: "HTX Chè Phú Đô", ProducerType: "htx", TaxCode: "4601234567", Representative: "Lan",
		Province: "19", Phone: "0912345678"}
}

// TestWrongProvinceActorIsRefused: the service itself refuses staff of
// another province (SECURITY.md Z-05), whatever the routes do.
func TestWrongProvinceActorIsRefused(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	appID, err := f.svc.Submit(ctx, f.user, form(), nil)
	if err != nil {
		t.Fatal(err)
	}
	fx := catalogtest.Fixture{T: t, Pool: f.pool}
	pid := fx.Producer("HTX Khác", "19")
	prod := fx.Product(pid, catalogtest.Product{Name: "Chè", Group: "I.5.a", Price: 1, Star: 3})
	wrong := producer.Actor{UserID: f.user, Provinces: []string{"01"}, Certifies: []string{"01"}}
	cert := certification.Form{DecisionNo: "1/QĐ", DecisionDate: "2025-01-02", Star: "3", IssuingLevel: "district", IssuingAuthority: "UBND huyện Phú Lương"}
	checks := map[string]error{}
	_, checks["approve"] = f.svc.Approve(ctx, wrong, appID)
	checks["reject"] = f.svc.Reject(ctx, wrong, appID, "x")
	checks["changes"] = f.svc.RequestChanges(ctx, wrong, appID, "x")
	checks["suspend"] = f.svc.Suspend(ctx, wrong, pid, "x")
	checks["reinstate"] = f.svc.Reinstate(ctx, wrong, pid)
	_, _, checks["certificate"] = f.certs.Record(ctx, wrong, pid, prod, cert)
	_, _, checks["application"] = f.svc.Application(ctx, wrong, appID)
	_, checks["producer"] = f.svc.ProducerDetail(ctx, wrong, pid)
	_, checks["staff"] = f.svc.SetStaffProvince(ctx, wrong, "a@example.vn", "19", producer.StaffOCOPOffice, true)
	for name, err := range checks {
		if k := apperr.KindOf(err); k != apperr.NotFound && k != apperr.Forbidden {
			t.Errorf("%s: %v, want NotFound or Forbidden", name, err)
		}
	}
	var n int
	_ = f.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM producer WHERE status <> 'active') + (SELECT count(*) FROM certificate WHERE decision_no = '1/QĐ')
		+ (SELECT count(*) FROM producer_application WHERE status <> 'submitted') + (SELECT count(*) FROM audit_log WHERE acting_as <> 'user')`).Scan(&n)
	if n != 0 {
		t.Errorf("%d changes by the wrong province", n)
	}
	right := producer.Actor{UserID: f.user, Provinces: []string{"19"}, Certifies: []string{"19"}}
	if _, _, err := f.certs.Record(ctx, right, pid, prod, cert); err != nil {
		t.Errorf("right province: %v", err)
	}
}

// failingStore fails the Put of the second object.
type failingStore struct {
	media.Store
	puts int
}

func (s *failingStore) Put(ctx context.Context, key string, r io.Reader, size int64, ct string) error {
	s.puts++
	if s.puts == 2 {
		return media.ErrUnavailable(errors.New("down"))
	}
	return s.Store.Put(ctx, key, r, size, ct)
}

// TestSubmitLeavesNothingBehind: a failure after objects were stored (the
// store failing mid-way, or the database refusing the row) deletes them
// and rolls the rows back.
func TestSubmitLeavesNothingBehind(t *testing.T) {
	ctx := context.Background()
	t.Run("store fails", func(t *testing.T) {
		disk, err := diskmedia.New(t.TempDir(), "/media")
		if err != nil {
			t.Fatal(err)
		}
		f := newFixture(t, &failingStore{Store: disk})
		ups := []producer.Upload{{Name: "a.pdf", Size: int64(len(pdf)), File: bytes.NewReader(pdf)}, {Name: "b.pdf", Size: int64(len(pdf)), File: bytes.NewReader(pdf)}}
		if _, err := f.svc.Submit(ctx, f.user, form(), ups); apperr.KindOf(err) != apperr.Unavailable {
			t.Fatalf("Submit: %v", err)
		}
		assertEmpty(t, f)
	})
	t.Run("database refuses", func(t *testing.T) {
		f := newFixture(t, nil)
		// the document row cannot be written, after its object was
		if _, err := f.pool.Exec(ctx, `ALTER TABLE application_document ADD CONSTRAINT test_refuse CHECK (size_bytes < 0) NOT VALID`); err != nil {
			t.Fatal(err)
		}
		ups := []producer.Upload{{Name: "a.pdf", Size: int64(len(pdf)), File: bytes.NewReader(pdf)}}
		if _, err := f.svc.Submit(ctx, f.user, form(), ups); err == nil {
			t.Fatal("Submit succeeded")
		}
		assertEmpty(t, f)
	})
}

func assertEmpty(t *testing.T, f fixture) {
	t.Helper()
	objs, err := f.store.List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	_ = f.pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM producer_application) + (SELECT count(*) FROM application_document)`).Scan(&n)
	if len(objs) != 0 || n != 0 {
		t.Errorf("left behind: %d objects %v, %d rows", len(objs), objs, n)
	}
}

// TestCertificateValidity: 36 months − 1 day, the importer's way (a
// decision on 29/02 ends on 27/02); the date is not in the future in
// Vietnam's time.
func TestCertificateValidity(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	fx := catalogtest.Fixture{T: t, Pool: f.pool}
	pid := fx.Producer("HTX A", "19")
	prod := fx.Product(pid, catalogtest.Product{Name: "Chè", Group: "I.5.a", Price: 1, Star: 3})
	admin := producer.Actor{UserID: f.user, Admin: true}
	for _, tt := range []struct{ date, until string }{{"2024-02-29", "2027-02-27"}, {"2023-03-31", "2026-03-30"}, {"2025-06-01", "2028-05-31"}} {
		id, _, err := f.certs.Record(ctx, admin, pid, prod, certification.Form{DecisionNo: tt.date, DecisionDate: tt.date, Star: "5", Score: "90",
			IssuingLevel: "central", IssuingAuthority: "Bộ NN"})
		if err != nil {
			t.Fatalf("%s: %v", tt.date, err)
		}
		var until string
		_ = f.pool.QueryRow(ctx, `SELECT valid_until::text FROM certificate WHERE id = $1`, id).Scan(&until)
		if until != tt.until {
			t.Errorf("%s: valid until %s, want %s", tt.date, until, tt.until)
		}
	}
	// 2025-06-01 10:00 in Vietnam: the 2nd is tomorrow
	_, _, err := f.certs.Record(ctx, admin, pid, prod, certification.Form{DecisionNo: "x", DecisionDate: "2025-06-02", Star: "3",
		IssuingLevel: "central", IssuingAuthority: "Bộ NN"})
	var fe apperr.FieldErrors
	if !errors.As(err, &fe) || fe["decision_date"] == "" {
		t.Errorf("future date: %v", err)
	}
	var active int
	_ = f.pool.QueryRow(ctx, `SELECT count(*) FROM certificate WHERE product_id = $1 AND status = 'active'`, prod).Scan(&active)
	if active != 1 {
		t.Errorf("%d active certificates", active)
	}
}

// TestOfficerCannotDecideOwnCase: an officer of the province may not
// decide an application they submitted, nor certify, suspend or
// reinstate a producer they are a member of (SECURITY.md Z-05); another
// officer may.
func TestOfficerCannotDecideOwnCase(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	officer := producer.Actor{UserID: f.user, Provinces: []string{"19"}, Certifies: []string{"19"}}
	admin := producer.Actor{UserID: f.user, Admin: true}
	appID, err := f.svc.Submit(ctx, f.user, form(), nil)
	if err != nil {
		t.Fatal(err)
	}
	fx := catalogtest.Fixture{T: t, Pool: f.pool}
	pid := fx.Producer("HTX Của Cán Bộ", "19")
	prod := fx.Product(pid, catalogtest.Product{Name: "Chè", Group: "I.5.a", Price: 1, Star: 3})
	fx.Exec(`INSERT INTO producer_member (user_id, producer_id, role) VALUES ($1, $2, 'owner')`, f.user, pid)
	cert := certification.Form{DecisionNo: "1/QĐ", DecisionDate: "2025-01-02", Star: "3", IssuingLevel: "district", IssuingAuthority: "UBND huyện Phú Lương"}
	for _, actor := range []producer.Actor{officer, admin} {
		checks := map[string]error{}
		_, checks["approve"] = f.svc.Approve(ctx, actor, appID)
		checks["reject"] = f.svc.Reject(ctx, actor, appID, "x")
		checks["changes"] = f.svc.RequestChanges(ctx, actor, appID, "x")
		checks["suspend"] = f.svc.Suspend(ctx, actor, pid, "x")
		_, _, checks["certificate"] = f.certs.Record(ctx, actor, pid, prod, cert)
		for name, err := range checks {
			if !errors.Is(err, producer.ErrOwnCase) || apperr.KindOf(err) != apperr.Conflict {
				t.Errorf("admin %v, %s: %v, want ErrOwnCase", actor.Admin, name, err)
			}
		}
	}
	var n int
	_ = f.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM producer WHERE status <> 'active') + (SELECT count(*) FROM certificate WHERE decision_no = '1/QĐ')
		+ (SELECT count(*) FROM producer_application WHERE status <> 'submitted') + (SELECT count(*) FROM audit_log WHERE acting_as <> 'user')`).Scan(&n)
	if n != 0 {
		t.Errorf("%d changes by the officer on their own case", n)
	}
	// reinstating their own suspended producer is refused too
	fx.Exec(`UPDATE producer SET status = 'suspended', suspended_reason = 'x', suspended_at = now() WHERE id = $1`, pid)
	if err := f.svc.Reinstate(ctx, officer, pid); !errors.Is(err, producer.ErrOwnCase) {
		t.Errorf("reinstate: %v", err)
	}
	// another officer of the province may do all of it
	var other int64
	if err := f.pool.QueryRow(ctx, `INSERT INTO app_user (email, display_name, password_hash) VALUES ('b@example.vn', 'B', 'x') RETURNING id`).Scan(&other); err != nil {
		t.Fatal(err)
	}
	colleague := producer.Actor{UserID: other, Provinces: []string{"19"}, Certifies: []string{"19"}}
	if err := f.svc.Reinstate(ctx, colleague, pid); err != nil {
		t.Errorf("colleague reinstate: %v", err)
	}
	if _, _, err := f.certs.Record(ctx, colleague, pid, prod, cert); err != nil {
		t.Errorf("colleague certificate: %v", err)
	}
	if _, err := f.svc.Approve(ctx, colleague, appID); err != nil {
		t.Errorf("colleague approve: %v", err)
	}
	// linking someone else's application to the officer's own producer
	var third int64
	if err := f.pool.QueryRow(ctx, `INSERT INTO app_user (email, display_name, password_hash) VALUES ('c@example.vn', 'C', 'x') RETURNING id`).Scan(&third); err != nil {
		t.Fatal(err)
	}
	app3, err := f.svc.Submit(ctx, third, form(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.LinkExisting(ctx, officer, app3, strconv.FormatInt(pid, 10)); !errors.Is(err, producer.ErrOwnCase) {
		t.Errorf("link to own producer: %v", err)
	}
}

// TestBackfilledCertificateKeepsTheActiveOne: a certificate decided
// before the active one is stored as history (superseded while still
// valid, expired past its validity) and the active one stays; one
// decided on or after it replaces it.
func TestBackfilledCertificateKeepsTheActiveOne(t *testing.T) {
	f := newFixture(t, nil) // today: 2025-06-01
	ctx := context.Background()
	fx := catalogtest.Fixture{T: t, Pool: f.pool}
	pid := fx.Producer("HTX A", "19")
	prod := fx.Product(pid, catalogtest.Product{Name: "Chè", Group: "I.5.a", Price: 1, Star: 3})
	fx.Exec(`DELETE FROM certificate WHERE product_id = $1`, prod) // start with none
	admin := producer.Actor{UserID: f.user, Admin: true}
	record := func(no, date string) string {
		t.Helper()
		_, status, err := f.certs.Record(ctx, admin, pid, prod, certification.Form{DecisionNo: no, DecisionDate: date, Star: "4",
			IssuingLevel: "province", IssuingAuthority: "UBND tỉnh Thái Nguyên"})
		if err != nil {
			t.Fatalf("%s: %v", no, err)
		}
		return status
	}
	statuses := func() map[string]string {
		rows, err := f.pool.Query(ctx, `SELECT decision_no, status FROM certificate WHERE product_id = $1`, prod)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		var no, st string
		for rows.Next() {
			if err := rows.Scan(&no, &st); err != nil {
				t.Fatal(err)
			}
			out[no] = st
		}
		return out
	}
	for _, tt := range []struct {
		no, date, want string
		all            map[string]string
	}{
		{"A", "2024-05-01", "active", map[string]string{"A": "active"}},
		// older, still valid until 2026-01-09
		{"B", "2023-01-10", "superseded", map[string]string{"A": "active", "B": "superseded"}},
		// older, valid until 2024-05-31: past
		{"C", "2021-06-01", "expired", map[string]string{"A": "active", "B": "superseded", "C": "expired"}},
		// the same day as the active one: replaces it
		{"D", "2024-05-01", "active", map[string]string{"A": "superseded", "B": "superseded", "C": "expired", "D": "active"}},
		{"E", "2025-01-02", "active", map[string]string{"A": "superseded", "B": "superseded", "C": "expired", "D": "superseded", "E": "active"}},
	} {
		if got := record(tt.no, tt.date); got != tt.want {
			t.Errorf("%s: status %s, want %s", tt.no, got, tt.want)
		}
		if diff := cmp.Diff(tt.all, statuses()); diff != "" {
			t.Errorf("after %s (-want +got):\n%s", tt.no, diff)
		}
	}
	var superseded int
	_ = f.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'certificate' AND detail ? 'superseded'`).Scan(&superseded)
	if superseded != 2 {
		t.Errorf("%d audit entries supersede a certificate, want 2 (D and E)", superseded)
	}
}

// TestApplicationHistoryUsesIndex: the history of an application reads
// audit_log through the (entity, entity_id, id) index, not a scan of
// the whole log.
func TestApplicationHistoryUsesIndex(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	tx, err := f.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Query(ctx, `EXPLAIN SELECT l.id FROM audit_log l WHERE l.entity = 'application' AND l.entity_id = 1 ORDER BY l.id`)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if s := strings.Join(plan, "\n"); !strings.Contains(s, "audit_log_entity") {
		t.Errorf("plan does not use audit_log_entity:\n%s", s)
	}
}

// blockingStore holds each Put until release is closed.
type blockingStore struct {
	media.Store
	putting chan struct{}
	release chan struct{}
}

func (s *blockingStore) Put(ctx context.Context, key string, r io.Reader, size int64, ct string) error {
	s.putting <- struct{}{}
	<-s.release
	return s.Store.Put(ctx, key, r, size, ct)
}

// TestSubmitLocksNothingWhileUploading: a resubmission stores its
// documents before its transaction, so the application row is not
// locked (a reviewer's page or decision does not wait) during uploads.
func TestSubmitLocksNothingWhileUploading(t *testing.T) {
	disk, err := diskmedia.New(t.TempDir(), "/media")
	if err != nil {
		t.Fatal(err)
	}
	bs := &blockingStore{Store: disk, putting: make(chan struct{}, 1), release: make(chan struct{})}
	f := newFixture(t, bs)
	ctx := context.Background()
	appID, err := f.svc.Submit(ctx, f.user, form(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.pool.Exec(ctx, `UPDATE producer_application SET status = 'changes_requested' WHERE id = $1`, appID); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := f.svc.Submit(ctx, f.user, form(), []producer.Upload{{Name: "a.pdf", Size: int64(len(pdf)), File: bytes.NewReader(pdf)}})
		done <- err
	}()
	<-bs.putting
	tx, err := f.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, lockErr := tx.Exec(ctx, `SELECT 1 FROM producer_application WHERE id = $1 FOR UPDATE NOWAIT`, appID)
	_ = tx.Rollback(ctx)
	close(bs.release)
	if lockErr != nil {
		t.Errorf("the application is locked during the upload: %v", lockErr)
	}
	if err := <-done; err != nil {
		t.Fatalf("Submit: %v", err)
	}
	var n int
	_ = f.pool.QueryRow(ctx, `SELECT count(*) FROM application_document WHERE application_id = $1`, appID).Scan(&n)
	if n != 1 {
		t.Errorf("%d documents", n)
	}
}

// TestSweepDocuments: a stored document no application refers to is
// deleted once old enough; a referenced one, a young orphan and objects
// outside the documents' prefix are kept.
func TestSweepDocuments(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	put := func(key string) {
		t.Helper()
		if err := f.store.Put(ctx, key, strings.NewReader("%PDF-1.4"), 8, "application/pdf"); err != nil {
			t.Fatal(err)
		}
	}
	var app int64
	if err := f.pool.QueryRow(ctx, `INSERT INTO producer_application (user_id, legal_name, producer_type, representative, province_code, phone_e164)
		VALUES ($1, 'HTX A', 'htx', 'Lan', '19', '+84912345678') RETURNING id`, f.user).Scan(&app); err != nil {
		t.Fatal(err)
	}
	kept, orphan, photo := "private/applications/1/aaaa.pdf", "private/applications/1/bbbb.pdf", "products/1/cccc-320.jpg"
	for _, k := range []string{kept, orphan, photo} {
		put(k)
	}
	if _, err := f.pool.Exec(ctx, `INSERT INTO application_document (application_id, object_key, file_name, content_type, size_bytes)
		VALUES ($1, $2, 'gcn.pdf', 'application/pdf', 8)`, app, kept); err != nil {
		t.Fatal(err)
	}
	// today nothing is old enough
	if d, err := f.svc.SweepDocuments(ctx, 24*time.Hour); err != nil || len(d) != 0 {
		t.Fatalf("young objects: deleted %v (%v)", d, err)
	}
	later := producer.New(f.pool, f.store, func() time.Time { return time.Now().Add(48 * time.Hour) })
	d, err := later.SweepDocuments(ctx, 24*time.Hour)
	if err != nil || len(d) != 1 || d[0] != orphan {
		t.Fatalf("two days later: deleted %v (%v), want only %s", d, err, orphan)
	}
	objs, err := f.store.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, o := range objs {
		left = append(left, o.Key)
	}
	if strings.Join(left, ",") != kept+","+photo && strings.Join(left, ",") != photo+","+kept {
		t.Errorf("left: %v, want the referenced document and the photo", left)
	}
}

// TestExpiredDecisionNeverActive: a decision whose 36 months have passed
// is recorded as expired even when the product has no active certificate
// (it must not show on the storefront until the nightly expiry job).
func TestExpiredDecisionNeverActive(t *testing.T) {
	f := newFixture(t, nil) // today: 2025-06-01
	ctx := context.Background()
	fx := catalogtest.Fixture{T: t, Pool: f.pool}
	pid := fx.Producer("HTX B", "19")
	prod := fx.Product(pid, catalogtest.Product{Name: "Mật ong", Group: "I.2.b", Price: 1, Star: 3})
	fx.Exec(`DELETE FROM certificate WHERE product_id = $1`, prod)
	_, status, err := f.certs.Record(ctx, producer.Actor{UserID: f.user, Admin: true}, pid, prod, certification.Form{
		DecisionNo: "12/QĐ", DecisionDate: "2021-06-01", Star: "3", IssuingLevel: "province", IssuingAuthority: "UBND tỉnh Thái Nguyên"})
	if err != nil || status != "expired" {
		t.Fatalf("a decision valid until 2024-05-31: status %q (%v), want expired", status, err)
	}
	var active int
	if err := f.pool.QueryRow(ctx, `SELECT count(*) FROM certificate WHERE product_id = $1 AND status = 'active'`, prod).Scan(&active); err != nil || active != 0 {
		t.Errorf("%d active certificates (%v), want 0", active, err)
	}
}

// TestTaxCodes: 10 digits, 10+3 for a branch, and since 01/07/2025 a
// household's 12-digit personal identification number; the database
// accepts what the form accepts.
func TestTaxCodes(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	for code, ok := range map[string]bool{"4601234567": true, "4601234567-001": true, "001085012345": true,
		"46012345": false, "4601234567001": false, "00108501234": false, "0010850123456": false} {
		fm := form()
		fm.ProducerType, fm.TaxCode = "ho_kinh_doanh", code
		_, err := f.svc.Submit(ctx, f.user, fm, nil)
		var fe apperr.FieldErrors
		switch {
		case ok && err != nil:
			t.Errorf("%s: %v", code, err)
		case !ok && (!errors.As(err, &fe) || fe["tax_code"] == ""):
			t.Errorf("%s accepted: %v", code, err)
		}
		if ok {
			if _, err := f.pool.Exec(ctx, `DELETE FROM producer_application WHERE user_id = $1`, f.user); err != nil {
				t.Fatal(err)
			}
		}
	}
	fx := catalogtest.Fixture{T: t, Pool: f.pool}
	fx.Exec(`UPDATE producer SET tax_code = '001085012345' WHERE id = $1`, fx.Producer("Hộ kinh doanh Lò Văn A", "11"))
}

// TestTradePromotionDoesNotCertify: staff of the province's trade
// promotion serve its producers but may not record certificates, which
// are the OCOP office's.
func TestTradePromotionDoesNotCertify(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	fx := catalogtest.Fixture{T: t, Pool: f.pool}
	pid := fx.Producer("HTX Chè La Bằng", "19")
	prod := fx.Product(pid, catalogtest.Product{Name: "Chè La Bằng", Group: "I.5.a", Price: 1, Star: 3})
	trade := producer.Actor{UserID: f.user, Provinces: []string{"19"}}
	_, _, err := f.certs.Record(ctx, trade, pid, prod, certification.Form{DecisionNo: "7/QĐ", DecisionDate: "2025-01-02", Star: "3",
		IssuingLevel: "district", IssuingAuthority: "UBND huyện Đại Từ"})
	if !errors.Is(err, certification.ErrNotOCOPOffice) {
		t.Errorf("trade promotion recorded a certificate: %v", err)
	}
}
