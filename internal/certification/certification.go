// Package certification owns OCOP certificates (the certificate table) and
// every rule about them: the star a score allows, the 36-month validity,
// where a new certificate stands beside the product's active one
// (active, superseded or expired), the nightly expiry and revocation. The
// staff console records single certificates through Service.Record; the
// importer writes whole spreadsheets through the bulk functions
// (InsertCertificates, UpdateCertificates) in its own transaction.
package certification

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/producer"
)

// Certificate statuses.
const (
	Active     = "active"
	Expired    = "expired"
	Revoked    = "revoked"
	Superseded = "superseded"
)

// Issuing levels.
const (
	LevelDistrict = "district"
	LevelProvince = "province"
	LevelCentral  = "central"
)

// Levels are the issuing levels of a certificate, with their labels.
var Levels = []producer.Option{
	{Code: LevelDistrict, Label: "Cấp huyện"},
	{Code: LevelProvince, Label: "Cấp tỉnh"},
	{Code: LevelCentral, Label: "Cấp trung ương"},
}

// LevelLabel returns the label of an issuing level code (the code itself
// when unknown).
func LevelLabel(code string) string {
	for _, o := range Levels {
		if o.Code == code {
			return o.Label
		}
	}
	return code
}

func validLevel(code string) bool { return LevelLabel(code) != code }

// ProgrammeStart is the first day OCOP certificates were issued under the
// national programme (Decision 490/QĐ-TTg, 07/05/2018).
var ProgrammeStart = time.Date(2018, 5, 7, 0, 0, 0, 0, time.UTC)

// starFloor is the least score of each star (Decision 148: 3★ 50–69,
// 4★ 70–89, 5★ 90–100), in hundredths of a point.
var starFloor = map[int]int64{3: 5000, 4: 7000, 5: 9000}

// MinScore returns the least score of star, in hundredths of a point, and
// whether star is a star OCOP gives (3, 4 or 5).
func MinScore(star int) (hundredths int64, ok bool) {
	h, ok := starFloor[star]
	return h, ok
}

// ValidUntil returns the last day of a certificate issued on from: 36
// months later, minus one day, computed the way PostgreSQL does
// ((from + interval '36 months' - interval '1 day')::date), which clamps
// 29 February to 28 February before subtracting the day. Go's
// AddDate(0, 36, -1) would give 28 February there instead of the 27th.
// The database checks the same rule (certificate_validity_36_months).
func ValidUntil(from time.Time) time.Time {
	y, m, d := from.Date()
	y += 3
	if last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); d > last {
		d = last
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
}

// Tie says who stays active when a certificate is decided on the same day
// as the product's active one.
type Tie int

const (
	// ActiveWins keeps the active certificate (an import: re-running a
	// file must not flip two decisions of one day).
	ActiveWins Tie = iota
	// NewWins lets the new certificate replace it (an officer recording a
	// decision now records the later one).
	NewWins
)

// Place decides the status of a certificate decided on date and valid
// until until, beside the product's active certificate decided on
// activeDate (nil when the product has none, or the active one is this
// certificate): expired once its validity has passed (today is the date
// in Vietnam), whether or not the product has an active certificate;
// otherwise active, unless the active one was decided later (or on the
// same day, see Tie), which makes this one superseded. supersedes reports
// that the active one must become superseded.
func Place(today, date, until time.Time, activeDate *time.Time, tie Tie) (status string, supersedes bool) {
	switch {
	case until.Before(today):
		return Expired, false
	case activeDate == nil:
		return Active, false
	case activeDate.Before(date), tie == NewWins && activeDate.Equal(date):
		return Active, true
	}
	return Superseded, false
}

// Vietnam is the time zone certificate dates are read in.
var Vietnam = time.FixedZone("ICT", 7*60*60)

// Today returns t's date in Vietnam, at midnight UTC (how dates are
// compared with the database's date columns).
func Today(t time.Time) time.Time {
	y, m, d := t.In(Vietnam).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Service records, expires and revokes certificates.
type Service struct {
	pool *pgxpool.Pool
	now  func() time.Time

	verified verifyCache
}

// New returns the service. now may be nil (time.Now).
func New(pool *pgxpool.Pool, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{pool: pool, now: now}
}

// Today is the current date in Vietnam (for forms' date limits).
func (s *Service) Today() time.Time { return Today(s.now()) }

// ExpireDue marks every active certificate whose validity ended before
// now's date in Vietnam as expired, and returns how many. The catalog's
// triggers enqueue their products, so the search index drops them.
func (s *Service) ExpireDue(ctx context.Context, now time.Time) (n int64, err error) {
	defer apperr.Wrap(&err, "certification.ExpireDue")
	return expireDue(ctx, s.pool, Today(now))
}

// RunExpiry runs ExpireDue now and then every interval until ctx is done.
func (s *Service) RunExpiry(ctx context.Context, log *slog.Logger, every time.Duration) {
	for {
		n, err := s.ExpireDue(ctx, s.now())
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("certificate expiry failed", "err", err)
		case n > 0:
			log.Info("certificates expired", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}
