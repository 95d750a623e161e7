// Package importer loads a province's list of OCOP-certified products (the
// annex of a recognition decision, kept as a CSV or XLSX spreadsheet) into
// the catalog: producers, their products, and the certificates.
//
// ReadFile or Read turns the file into a Sheet; Import validates every row
// against the OCOP rules and the reference tables, then upserts the rows in
// one transaction. Re-importing the same file changes nothing. Every
// problem with a row is reported as a RowError in Vietnamese and English,
// with its line number and column.
package importer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/sheet"
)

// ErrInvalidRows is wrapped by the error Import returns when rows were
// rejected and Options.SkipInvalid is false; nothing was written then.
var ErrInvalidRows = errors.New("importer: the file has invalid rows")

// Options tunes Import.
type Options struct {
	// SkipInvalid writes the valid rows and reports the rejected ones.
	// Without it any rejected row means nothing is written.
	SkipInvalid bool
	// Now is the clock; nil means time.Now. It decides which decision
	// dates lie in the future and which certificates have expired.
	Now func() time.Time
	// Publish sets status 'published' on newly created products (the CLI
	// does); otherwise they are created as 'draft'. Existing products keep
	// their status.
	Publish bool
	// DryRun validates and plans everything, writes it in a transaction
	// and rolls it back: the Summary says what an import would do (the
	// console's preview).
	DryRun bool
	// Provinces, when not nil, are the only provinces the file may name
	// (an officer imports for their own provinces); a row of another is
	// refused.
	Provinces []string
	// Actor, when its UserID is set, is recorded in the audit log with
	// the import's counts (the console's imports).
	Actor audit.Actor
	// Name is the file's name, for the audit log.
	Name string
	// Progress, when set, is told how many rows are done of how many:
	// as rows are checked, and all of them once they are written.
	Progress func(done, total int)
}

// errDryRun rolls a dry run back.
var errDryRun = errors.New("dry run")

// RowError is one problem with one row of the file.
type RowError = sheet.RowError

// Summary reports the outcome of Import. A row is Created when it added a
// product, Updated when it changed an existing producer, product or
// certificate, Unchanged when the catalog already held it, and Rejected when
// it had errors. When nothing was written (rejected rows without
// SkipInvalid) only Rejected and Errors are set.
type Summary struct {
	Created, Updated, Unchanged, Rejected int
	Errors                                []RowError // sorted by line
	// Warnings are accepted rows whose decision differs from its period's
	// pattern (certification.Check): written, and worth a second look.
	Warnings []RowError
}

// String returns a one-line report such as "tạo mới 12, cập nhật 3, không
// đổi 40, bị từ chối 2 (created/updated/unchanged/rejected)".
func (s Summary) String() string {
	return fmt.Sprintf("tạo mới %d, cập nhật %d, không đổi %d, bị từ chối %d (created/updated/unchanged/rejected)",
		s.Created, s.Updated, s.Unchanged, s.Rejected)
}

// vnZone is Asia/Ho_Chi_Minh: UTC+7 all year, no daylight saving time.
var vnZone = time.FixedZone("ICT", 7*60*60)

// Service imports files into the database for the staff console.
type Service struct{ pool *pgxpool.Pool }

// New returns the service.
func New(pool *pgxpool.Pool) *Service { return &Service{pool: pool} }

// Import is Import on the service's database.
func (s *Service) Import(ctx context.Context, sheet *Sheet, o Options) (Summary, error) {
	return Import(ctx, s.pool, sheet, o)
}

// Import validates every record of s and writes the valid ones in one
// transaction: producers are upserted on (province, folded name), products
// on (producer, folded name) and certificates on (product, decision
// number). It returns ErrInvalidRows (wrapped) with the Summary's Errors
// when rows were rejected and o.SkipInvalid is false, and writes nothing
// then. Other errors are failures of the database or a malformed Sheet.
func Import(ctx context.Context, pool *pgxpool.Pool, s *Sheet, o Options) (Summary, error) {
	if s == nil || len(s.Records) != len(s.Lines) {
		return Summary{}, errors.New("importer: malformed Sheet (Records and Lines differ in length)")
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	y, m, d := now().In(vnZone).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)

	var sum Summary
	rejected := make(map[int]bool)
	reject := func(errs ...RowError) {
		for _, e := range errs {
			sum.Errors = append(sum.Errors, e)
			rejected[e.Line] = true
		}
	}
	reject(s.Errors...)

	// the whole file is one transaction: a rejected row (without
	// SkipInvalid) or a failure writes nothing
	err := postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		// One import at a time: two imports racing to create the same producer
		// would otherwise fail on the unique index.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('ocop.importer'))`); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		ref, err := loadRef(ctx, tx)
		if err != nil {
			return fmt.Errorf("load reference data: %w", err)
		}

		rows := make([]*row, 0, len(s.Records))
		firstLine := make(map[string]int)
		for i, rec := range s.Records {
			if o.Progress != nil && i%256 == 0 {
				o.Progress(i, len(s.Records))
			}
			r, errs, warnings := ref.validate(rec, s.Lines[i], today)
			if k := r.dupKey(); k != "" {
				if first, ok := firstLine[k]; ok {
					errs = append(errs, RowError{Line: r.line,
						ReasonVI: fmt.Sprintf("trùng dòng %d (cùng chủ thể, tỉnh, sản phẩm và số quyết định)", first),
						ReasonEN: fmt.Sprintf("duplicate of line %d (same producer, province, product and decision number)", first)})
				} else {
					firstLine[k] = r.line
				}
			}
			if o.Provinces != nil && r.provinceCode != "" && !slices.Contains(o.Provinces, r.provinceCode) {
				errs = append(errs, RowError{Line: r.line, Column: colProvinceCode,
					ReasonVI: fmt.Sprintf("tỉnh %s không thuộc các tỉnh bạn phụ trách", r.provinceCode),
					ReasonEN: fmt.Sprintf("province %s is not one you serve", r.provinceCode)})
			}
			if len(errs) > 0 {
				reject(errs...)
				continue
			}
			sum.Warnings = append(sum.Warnings, warnings...)
			rows = append(rows, r)
		}

		results, failed, err := write(ctx, tx, rows, today, o.Publish)
		if err != nil {
			return err
		}
		if o.Progress != nil {
			o.Progress(len(s.Records), len(s.Records))
		}
		for i := range rows {
			if e, ok := failed[i]; ok {
				reject(e)
				continue
			}
			switch results[i] {
			case created:
				sum.Created++
			case updated:
				sum.Updated++
			default:
				sum.Unchanged++
			}
		}

		sum.Rejected = len(rejected)
		slices.SortStableFunc(sum.Errors, func(a, b RowError) int {
			if a.Line != b.Line {
				return a.Line - b.Line
			}
			return columnIndex(a.Column) - columnIndex(b.Column)
		})
		if sum.Rejected > 0 && !o.SkipInvalid {
			sum = Summary{Rejected: sum.Rejected, Errors: sum.Errors}
			return fmt.Errorf("%w: %d dòng bị từ chối, không ghi gì / %d rows rejected, nothing written", ErrInvalidRows, sum.Rejected, sum.Rejected)
		}
		if o.Actor.UserID != 0 {
			if err := audit.Record(ctx, tx, audit.Entry{ActorID: o.Actor.UserID, ActingAs: o.Actor.ActingAs, Entity: "import", Action: "import",
				Detail: map[string]any{"file": o.Name, "created": sum.Created, "updated": sum.Updated, "unchanged": sum.Unchanged,
					"rejected": sum.Rejected}}); err != nil {
				return err
			}
		}
		if o.DryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, errDryRun) {
			return sum, nil
		}
		if errors.Is(err, ErrInvalidRows) {
			return sum, err
		}
		return Summary{}, fmt.Errorf("importer: %w", err)
	}
	// A large import (a province's catalog the day before a fair) changes
	// the tables' sizes more than their statistics know until autovacuum
	// gets to them; plans made on the old figures can take seconds (the
	// statement timeout). Refresh them now.
	if sum.Created+sum.Updated >= analyzeAfter {
		if _, err := pool.Exec(ctx, `ANALYZE producer, product, certificate`); err != nil {
			return sum, fmt.Errorf("importer: statistics after the import: %w", err)
		}
	}
	return sum, nil
}

// analyzeAfter is the number of rows written after which Import refreshes
// the tables' statistics.
const analyzeAfter = 1000

// columnIndex orders errors of one line: whole-row errors first, then by
// column.
func columnIndex(c string) int {
	if c == "" {
		return -1
	}
	if i := slices.Index(columns, c); i >= 0 {
		return i
	}
	return len(columns)
}

// write plans every row and writes the plan with a few set-based
// statements. If the database refuses that (a constraint the validation
// did not foresee), it writes the rows again one by one, each in a
// savepoint, to find the rows at fault; failed maps their index to the
// error.
func write(ctx context.Context, tx pgx.Tx, rows []*row, today time.Time, publish bool) (results []result, failed map[int]RowError, err error) {
	w, err := newWriter(ctx, tx, rows, today, publish)
	if err != nil {
		return nil, nil, err
	}
	results = make([]result, len(rows))
	for i, r := range rows {
		if results[i], err = w.plan(ctx, tx, r); err != nil {
			return nil, nil, err
		}
	}
	// in a savepoint: a row the database refuses sends the rows through
	// the slow path instead of failing the import
	err = postgres.InTx(ctx, tx, func(sp pgx.Tx) error { return w.flush(ctx, sp) })
	if err == nil {
		return results, nil, nil
	}
	if !isRowLevel(err) {
		return nil, nil, err
	}
	return writeEach(ctx, tx, rows, today, publish)
}

// writeEach writes the rows one at a time, each in a savepoint, turning
// rows the database refuses into row errors. It is the slow path of write.
func writeEach(ctx context.Context, tx pgx.Tx, rows []*row, today time.Time, publish bool) ([]result, map[int]RowError, error) {
	w, err := newWriter(ctx, tx, rows, today, publish)
	if err != nil {
		return nil, nil, err
	}
	results := make([]result, len(rows))
	failed := make(map[int]RowError)
	for i, r := range rows {
		var res result
		err := postgres.InTx(ctx, tx, func(sp pgx.Tx) error {
			var err error
			if res, err = w.plan(ctx, sp, r); err != nil {
				return err
			}
			return w.flush(ctx, sp)
		})
		if err == nil {
			results[i] = res
			continue
		}
		if !isRowLevel(err) {
			return nil, nil, err
		}
		failed[i] = dbRowError(r.line, err)
		// The writer's picture now differs from the database: reload it.
		if w, err = newWriter(ctx, tx, rows, today, publish); err != nil {
			return nil, nil, err
		}
	}
	return results, failed, nil
}
