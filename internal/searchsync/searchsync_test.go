package searchsync_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/searchsync"
	"github.com/ocopvn/ocop/search"
	"github.com/ocopvn/ocop/search/pgsearch"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// flaky is an index that fails while down is set.
type flaky struct {
	inner search.Index
	down  atomic.Bool
	calls atomic.Int64
}

func (f *flaky) Index(ctx context.Context, docs ...search.Document) error {
	f.calls.Add(1)
	if f.down.Load() {
		return errors.New("backend down")
	}
	return f.inner.Index(ctx, docs...)
}

func (f *flaky) Replace(ctx context.Context, docs []search.Document) error {
	return f.inner.Replace(ctx, docs)
}

func (f *flaky) Search(ctx context.Context, q search.Query) (search.Result, error) {
	return f.inner.Search(ctx, q)
}

func (f *flaky) Suggest(ctx context.Context, text string) ([]search.Suggestion, error) {
	return f.inner.Suggest(ctx, text)
}

func (f *flaky) Delete(ctx context.Context, ids ...string) error {
	f.calls.Add(1)
	if f.down.Load() {
		return errors.New("backend down")
	}
	return f.inner.Delete(ctx, ids...)
}

type env struct {
	pool   *pgxpool.Pool
	fx     catalogtest.Fixture
	index  *flaky
	worker *searchsync.Worker
}

func newEnv(t *testing.T) *env {
	pool := pgtest.NewDB(t)
	idx := &flaky{inner: pgsearch.New(pool)}
	w := searchsync.NewWorker(pool, catalog.New(pool, nil), idx, quiet)
	w.MinBackoff, w.MaxBackoff = time.Millisecond, 10*time.Millisecond
	return &env{pool: pool, fx: catalogtest.Fixture{T: t, Pool: pool}, index: idx, worker: w}
}

func (e *env) drain(t *testing.T) {
	t.Helper()
	if _, err := e.worker.Drain(context.Background()); err != nil {
		t.Fatalf("drain: %v", err)
	}
	if n, err := searchsync.Pending(context.Background(), e.pool); err != nil || n != 0 {
		t.Fatalf("pending after drain = %d, %v", n, err)
	}
}

func (e *env) found(t *testing.T, text string) []string {
	t.Helper()
	r, err := e.index.Search(context.Background(), search.Query{Text: text, PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, h := range r.Hits {
		slugs = append(slugs, h.Slug)
	}
	slices.Sort(slugs)
	return slugs
}

func (e *env) outbox(t *testing.T) int {
	t.Helper()
	n, err := searchsync.Pending(context.Background(), e.pool)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestOutboxIsTransactional: a rolled-back change enqueues nothing; a
// committed one enqueues one row per product however many statements
// touched it (SECURITY.md D-01).
func TestOutboxIsTransactional(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.fx.Producer("HTX Chè Tân Cương", "19")
	id := e.fx.Product(a, catalogtest.Product{Name: "Chè Tân Cương", Group: "I.5.a", Price: 250000, Star: 4})
	e.drain(t)

	tx, err := e.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `UPDATE product SET price_vnd = 1 WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if n := e.outbox(t); n != 0 {
		t.Errorf("rolled-back update left %d outbox rows", n)
	}

	tx, err = e.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		`UPDATE product SET price_vnd = 260000 WHERE id = $1`,
		`UPDATE product SET stock = 3 WHERE id = $1`,
		`UPDATE certificate SET score = 80 WHERE product_id = $1`,
	} {
		if _, err := tx.Exec(ctx, sql, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if n := e.outbox(t); n != 1 {
		t.Errorf("committed changes left %d outbox rows, want 1", n)
	}
	// an update that changes nothing enqueues nothing
	e.drain(t)
	e.fx.Exec(`UPDATE product SET price_vnd = price_vnd WHERE id = $1`, id)
	if n := e.outbox(t); n != 0 {
		t.Errorf("no-op update enqueued %d rows", n)
	}
}

// TestWorkerFollowsPublicState: every way a product stops or starts being
// public reaches the index (SECURITY.md D-02).
func TestWorkerFollowsPublicState(t *testing.T) {
	e := newEnv(t)
	a := e.fx.Producer("HTX Chè Tân Cương", "19")
	b := e.fx.Producer("Công ty Nước mắm Khải Hoàn", "91")
	che := e.fx.Product(a, catalogtest.Product{Name: "Chè Tân Cương", Group: "I.5.a", Price: 250000, Star: 4})
	e.fx.Product(a, catalogtest.Product{Name: "Chè búp nháp", Group: "I.5.a", Price: 1, Star: 3, Status: "draft"})
	mam := e.fx.Product(b, catalogtest.Product{Name: "Nước mắm Phú Quốc", Group: "I.4.a", Price: 150000, Star: 5})
	e.fx.Product(b, catalogtest.Product{Name: "Nước mắm thu hồi", Group: "I.4.a", Price: 1, Star: 3, Cert: "revoked"})
	e.drain(t)

	steps := []struct {
		name, sql string
		arg       any
		query     string
		want      []string
	}{
		{"initial state", "", nil, "che", []string{"che-tan-cuong"}},
		{"draft never indexed", "", nil, "nhap", nil},
		{"revoked never indexed", "", nil, "thu hoi", nil},
		{"publish a draft", `UPDATE product SET status = 'published' WHERE slug = $1`, "che-bup-nhap", "che", []string{"che-bup-nhap", "che-tan-cuong"}},
		{"unpublish", `UPDATE product SET status = 'draft' WHERE id = $1`, che, "che", []string{"che-bup-nhap"}},
		{"republish", `UPDATE product SET status = 'published' WHERE id = $1`, che, "che", []string{"che-bup-nhap", "che-tan-cuong"}},
		{"rename", `UPDATE product SET name = 'Chè móc câu Tân Cương', name_fold = 'che moc cau tan cuong' WHERE id = $1`, che, "moc cau", []string{"che-tan-cuong"}},
		{"revoke the certificate", `UPDATE certificate SET status = 'revoked', revoked_on = decision_date WHERE product_id = $1`, mam, "nuoc mam", nil},
		{"suspend the producer", `UPDATE producer SET status = 'suspended' WHERE id = $1`, a, "che", nil},
		{"reinstate the producer", `UPDATE producer SET status = 'active' WHERE id = $1`, a, "che", []string{"che-bup-nhap", "che-tan-cuong"}},
		{"rename the producer", `UPDATE producer SET name = 'HTX Trà Xanh', name_fold = 'htx tra xanh' WHERE id = $1`, a, "tra xanh", []string{"che-bup-nhap", "che-tan-cuong"}},
	}
	for _, s := range steps {
		if s.sql != "" {
			e.fx.Exec(s.sql, s.arg)
			e.drain(t)
		}
		if got := e.found(t, s.query); !slices.Equal(got, s.want) {
			t.Errorf("%s: search %q = %v, want %v", s.name, s.query, got, s.want)
		}
	}
}

// TestCertificateExpiry: the day after valid_until in Vietnam the job marks
// the certificate expired and the product leaves the index.
func TestCertificateExpiry(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.fx.Producer("HTX Mắc Ca", "66")
	// valid until tomorrow: decided 36 months before the day after tomorrow
	decided := time.Now().In(catalog.Vietnam).AddDate(0, 0, 2).AddDate(-3, 0, 0)
	id := e.fx.Product(a, catalogtest.Product{Name: "Hạt mắc ca", Group: "I.3.c", Price: 300000, Star: 4, Decided: decided})
	e.drain(t)
	var until time.Time
	if err := e.pool.QueryRow(ctx, `SELECT valid_until FROM certificate WHERE product_id = $1`, id).Scan(&until); err != nil {
		t.Fatal(err)
	}
	if got := e.found(t, "mac ca"); len(got) != 1 {
		t.Fatalf("before expiry: %v", got)
	}
	// on the last valid day, at 23:59 in Vietnam, nothing expires
	lastDay := time.Date(until.Year(), until.Month(), until.Day(), 23, 59, 0, 0, catalog.Vietnam)
	if n, err := certification.New(e.pool, nil).ExpireDue(ctx, lastDay); err != nil || n != 0 {
		t.Fatalf("expire on the last day = %d, %v", n, err)
	}
	// one minute after midnight in Vietnam (still the previous day in UTC)
	if n, err := certification.New(e.pool, nil).ExpireDue(ctx, lastDay.Add(2*time.Minute)); err != nil || n != 1 {
		t.Fatalf("expire after midnight = %d, %v", n, err)
	}
	if n := e.outbox(t); n != 1 {
		t.Errorf("expiry enqueued %d rows, want 1", n)
	}
	e.drain(t)
	if got := e.found(t, "mac ca"); len(got) != 0 {
		t.Errorf("expired product still found: %v", got)
	}
}

// TestWorkerRetriesWithoutLosing: while the index fails, rows stay with
// their attempts counted; when it recovers they are applied and removed.
func TestWorkerRetriesWithoutLosing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.fx.Producer("HTX Ong Mèo Vạc", "08")
	e.index.down.Store(true)
	for _, name := range []string{"Mật ong bạc hà", "Mật ong hoa nhãn", "Mật ong rừng"} {
		e.fx.Product(a, catalogtest.Product{Name: name, Group: "I.2.b", Price: 200000, Star: 4})
	}
	n, err := e.worker.Step(ctx)
	if err == nil || n != 3 {
		t.Fatalf("step while down = %d, %v; want 3 and an error", n, err)
	}
	var attempts int
	var lastErr string
	if err := e.pool.QueryRow(ctx, `SELECT min(attempts), min(last_error) FROM search_outbox`).Scan(&attempts, &lastErr); err != nil {
		t.Fatal(err)
	}
	if attempts != 1 || lastErr == "" || e.outbox(t) != 3 {
		t.Errorf("after a failure: attempts %d, last_error %q, rows %d", attempts, lastErr, e.outbox(t))
	}
	e.index.down.Store(false)
	deadline := time.Now().Add(5 * time.Second)
	for e.outbox(t) > 0 && time.Now().Before(deadline) {
		if _, err := e.worker.Step(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := e.found(t, "mat ong"); len(got) != 3 {
		t.Errorf("after recovery found %v", got)
	}
}

func TestReindex(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.fx.Producer("HTX Chè Tân Cương", "19")
	e.fx.Product(a, catalogtest.Product{Name: "Chè Tân Cương", Group: "I.5.a", Price: 250000, Star: 4})
	e.fx.Product(a, catalogtest.Product{Name: "Chè nháp", Group: "I.5.a", Price: 1, Star: 3, Status: "draft"})
	// a stale document the outbox never saw
	if err := e.index.inner.Index(ctx, search.Document{ID: "999", Slug: "stale", Name: "Chè cũ", GroupCodes: []string{}, Star: 3}); err != nil {
		t.Fatal(err)
	}
	if n, err := searchsync.Pending(ctx, e.pool); err != nil || n != 2 {
		t.Fatalf("before: %d changes queued, %v; want the 2 products'", n, err)
	}
	n, err := searchsync.Reindex(ctx, e.pool, catalog.New(e.pool, nil), e.index)
	if err != nil || n != 1 {
		t.Fatalf("Reindex = %d, %v", n, err)
	}
	if got := e.found(t, "che"); !slices.Equal(got, []string{"che-tan-cuong"}) {
		t.Errorf("after reindex: %v", got)
	}
	// the changes it covered are gone from the outbox; a later one is not
	if n, err := searchsync.Pending(ctx, e.pool); err != nil || n != 0 {
		t.Errorf("after reindex: %d changes queued, %v; want 0", n, err)
	}
	e.fx.Exec(`UPDATE product SET price_vnd = 260000 WHERE slug = 'che-tan-cuong'`)
	if n, err := searchsync.Pending(ctx, e.pool); err != nil || n != 1 {
		t.Errorf("a change after reindex: %d queued, %v; want 1", n, err)
	}
}

// TestDocumentsCarryNoPersonalData: the document of a producer with a
// phone, e-mail, tax code and street address holds none of them.
func TestDocumentsCarryNoPersonalData(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.fx.Producer("HTX Chè Tân Cương", "19")
	e.fx.Exec(`UPDATE producer SET phone_e164 = '+84912345678', email = 'chu.nhiem@example.vn', tax_code = '0101234567',
		street_line = 'Số 12 đường Tân Cương', address_as_issued = 'Xóm 5, xã Tân Cương' WHERE id = $1`, a)
	id := e.fx.Product(a, catalogtest.Product{Name: "Chè Tân Cương", Group: "I.5.a", Price: 250000, Star: 4})
	docs, gone, err := catalog.New(e.pool, nil).SearchDocuments(ctx, []int64{id, 424242})
	if err != nil || len(docs) != 1 || !slices.Equal(gone, []string{"424242"}) {
		t.Fatalf("SearchDocuments = %v, %v, %v", docs, gone, err)
	}
	d := docs[0]
	for _, pii := range []string{"912345678", "chu.nhiem", "0101234567", "Số 12", "Xóm 5"} {
		for _, field := range []string{d.Name, d.Description, d.ProducerName, d.ProducerSlug, d.ProvinceName, d.CommuneName, d.Slug, d.ImageURL} {
			if field != "" && contains(field, pii) {
				t.Errorf("document field %q holds %q", field, pii)
			}
		}
	}
	if !slices.Equal(d.GroupCodes, []string{"I", "I.5", "I.5.a"}) || d.ProvinceName != "Thái Nguyên" || d.ProducerSlug != "htx-che-tan-cuong" {
		t.Errorf("document = %+v", d)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// TestReindexPausesWorkers: while a reindex holds the sync lock, a worker
// step waits; it proceeds once the reindex is done.
func TestReindexPausesWorkers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.fx.Producer("HTX Chè Tân Cương", "19")
	e.fx.Product(a, catalogtest.Product{Name: "Chè Tân Cương", Group: "I.5.a", Price: 250000, Star: 4})

	tx, err := e.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(8026381489668252520)`); err != nil { // what Reindex holds
		t.Fatal(err)
	}
	stepped := make(chan int, 1)
	go func() {
		n, _ := e.worker.Step(ctx)
		stepped <- n
	}()
	select {
	case n := <-stepped:
		t.Fatalf("a step ran (%d rows) during a reindex", n)
	case <-time.After(300 * time.Millisecond):
	}
	_ = tx.Rollback(ctx)
	select {
	case n := <-stepped:
		if n != 1 {
			t.Errorf("step after the reindex applied %d rows, want 1", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the step did not resume after the reindex")
	}
}

// refusing is an index that refuses the documents of one product.
type refusing struct {
	inner search.Index
	id    string
}

func (r refusing) Delete(ctx context.Context, ids ...string) error {
	return r.inner.Delete(ctx, ids...)
}
func (r refusing) Replace(ctx context.Context, docs []search.Document) error {
	return r.inner.Replace(ctx, docs)
}
func (r refusing) Search(ctx context.Context, q search.Query) (search.Result, error) {
	return r.inner.Search(ctx, q)
}
func (r refusing) Suggest(ctx context.Context, text string) ([]search.Suggestion, error) {
	return r.inner.Suggest(ctx, text)
}

func (r refusing) Index(ctx context.Context, docs ...search.Document) error {
	for _, d := range docs {
		if d.ID == r.id {
			return fmt.Errorf("document %s refused: field too long", d.ID)
		}
	}
	return r.inner.Index(ctx, docs...)
}

// TestDeadLetter (SECURITY.md D-03): a change the backend keeps refusing
// holds its batch back only until its attempts run out; then it is tried
// alone, its batch-mates are indexed, and it moves to the dead letter,
// counted, listed and retried on demand; a new change of the product
// revives it.
func TestDeadLetter(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	pid := e.fx.Producer("HTX Chè Tân Cương", "19")
	var ids []int64
	for i := range 5 {
		ids = append(ids, e.fx.Product(pid, catalogtest.Product{Name: fmt.Sprintf("Chè số %d", i), Group: "I.5.a", Price: 1000, Star: 4}))
	}
	poison := strconv.FormatInt(ids[2], 10)
	w := searchsync.NewWorker(e.pool, catalog.New(e.pool, nil), refusing{pgsearch.New(e.pool), poison}, quiet)
	w.MinBackoff, w.MaxBackoff, w.DeadAfter = time.Millisecond, time.Millisecond, 3
	for range 10 {
		_, _ = w.Drain(ctx)
		time.Sleep(5 * time.Millisecond)
	}
	b, err := searchsync.Stats(ctx, e.pool)
	if err != nil || b.Dead != 1 || b.Pending != 0 {
		t.Fatalf("after the retries: %+v %v; want 1 dead, 0 pending", b, err)
	}
	res, err := pgsearch.New(e.pool).Search(ctx, search.Query{PerPage: 10, Page: 1})
	if err != nil || res.Total != 4 {
		t.Errorf("the poison's batch-mates: %d indexed (%v), want 4", res.Total, err)
	}
	dead, err := searchsync.Dead(ctx, e.pool)
	if err != nil || len(dead) != 1 || dead[0].ProductName != "Chè số 2" || !strings.Contains(dead[0].LastError, "refused") || dead[0].Attempts != 3 {
		t.Fatalf("dead letter: %+v %v", dead, err)
	}
	// retried after the cause is fixed (here: a working index)
	if n, err := searchsync.Retry(ctx, e.pool); err != nil || n != 1 {
		t.Fatalf("retry: %d %v", n, err)
	}
	ok := searchsync.NewWorker(e.pool, catalog.New(e.pool, nil), pgsearch.New(e.pool), quiet)
	if _, err := ok.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if b, _ := searchsync.Stats(ctx, e.pool); b.Dead != 0 || b.Pending != 0 {
		t.Errorf("after the retry: %+v", b)
	}
	// a dead change is revived by a new change of its product
	e.fx.Exec(`UPDATE product SET price_vnd = price_vnd + 1 WHERE id = $1`, ids[2])
	for range 10 {
		_, _ = w.Drain(ctx)
		time.Sleep(5 * time.Millisecond)
	}
	if b, _ := searchsync.Stats(ctx, e.pool); b.Dead != 1 {
		t.Fatalf("poisoned again: %+v", b)
	}
	e.fx.Exec(`UPDATE product SET price_vnd = price_vnd + 1 WHERE id = $1`, ids[2])
	if b, _ := searchsync.Stats(ctx, e.pool); b.Dead != 0 || b.Pending != 1 {
		t.Errorf("a new change did not revive the dead one: %+v", b)
	}
}
