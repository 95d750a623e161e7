// Package producer owns producers (chủ thể OCOP) and everything about who
// acts for them: the tables producer, producer_application,
// application_document, producer_member and staff_province. It covers a
// signed-up user's application to open a storefront and its review by the
// province's staff (approve, request changes, reject, link to an existing
// producer), suspension and reinstatement, the storefront profile and the
// logo and banner columns, members and staff grants, which producers staff
// may manage on their behalf, and the importer's bulk writes. Every change
// is written to the audit log in the same transaction.
package producer

import (
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/media"
)

// Service is the onboarding and oversight feature.
type Service struct {
	pool  *pgxpool.Pool
	store media.Store // application documents (private objects)
	now   func() time.Time
}

// New returns the service. now may be nil (time.Now).
func New(pool *pgxpool.Pool, store media.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{pool: pool, store: store, now: now}
}

// vnZone is Vietnam's time zone: "today" for decision dates.
var vnZone = time.FixedZone("ICT", 7*60*60)

// today is the current date in Vietnam, at midnight UTC.
func (s *Service) today() time.Time {
	y, m, d := s.now().In(vnZone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Actor is who makes a change from the console: the user, whether they
// are an admin, and the provinces they serve as staff.
type Actor struct {
	UserID    int64
	Admin     bool
	Provinces []string
	// Certifies are the provinces whose OCOP office the actor works for:
	// certificates are theirs to record and revoke.
	Certifies []string
	// ActingAs is the audit's acting_as; empty means admin or staff
	// according to Admin.
	ActingAs string
}

// System is the actor of jobs and commands (the demo seed, the
// grant-staff command): an admin's rights, audited as the system.
var System = Actor{Admin: true, ActingAs: audit.AsSystem}

// Staff kinds: which provincial department a staff grant is for.
const (
	// StaffOCOPOffice is the OCOP office (Văn phòng điều phối OCOP, under
	// Sở Nông nghiệp và Môi trường): certificates.
	StaffOCOPOffice = "ocop_office"
	// StaffTradePromotion is trade promotion (Sở Công Thương and its trade
	// promotion centre): fairs and showrooms.
	StaffTradePromotion = "trade_promotion"
)

// StaffKinds are the staff kinds with their labels.
var StaffKinds = []Option{
	{Code: StaffOCOPOffice, Label: "Văn phòng điều phối OCOP (Sở Nông nghiệp và Môi trường): chứng nhận"},
	{Code: StaffTradePromotion, Label: "Xúc tiến thương mại (Sở Công Thương): hội chợ, điểm bán"},
}

// CertifiesIn reports whether the actor may record and revoke
// certificates of the province (an admin, or its OCOP office's staff).
func (a Actor) CertifiesIn(province string) bool {
	return a.Admin || slices.Contains(a.Certifies, province)
}

// Serves reports whether the actor may act on things of the province.
func (a Actor) Serves(province string) bool {
	if a.Admin {
		return true
	}
	for _, p := range a.Provinces {
		if p == province {
			return true
		}
	}
	return false
}

// scope is the province filter of lists: nil (everything) for an admin.
func (a Actor) scope() []string {
	if a.Admin {
		return nil
	}
	if a.Provinces == nil {
		return []string{}
	}
	return a.Provinces
}

func (a Actor) Acting() string {
	if a.ActingAs != "" {
		return a.ActingAs
	}
	if a.Admin {
		return audit.AsAdmin
	}
	return audit.AsStaff
}

// Option is a code and its Vietnamese label.
type Option struct {
	Code, Label string
}

// Types are the producer types (loại hình chủ thể).
var Types = []Option{
	{"htx", "Hợp tác xã"},
	{"lien_hiep_htx", "Liên hiệp hợp tác xã"},
	{"to_hop_tac", "Tổ hợp tác"},
	{"doanh_nghiep", "Doanh nghiệp"},
	{"ho_kinh_doanh", "Hộ kinh doanh"},
	{"co_so_san_xuat", "Cơ sở sản xuất"},
}

// TypeLabel returns the label of a producer type code.
func TypeLabel(code string) string { return label(Types, code) }

func label(opts []Option, code string) string {
	for _, o := range opts {
		if o.Code == code {
			return o.Label
		}
	}
	return code
}

func valid(opts []Option, code string) bool {
	for _, o := range opts {
		if o.Code == code {
			return true
		}
	}
	return false
}

// taxOptional are the types that may have no tax code.
var taxOptional = map[string]bool{"ho_kinh_doanh": true, "co_so_san_xuat": true}

var (
	errNotFound = apperr.E(apperr.NotFound, "Không tìm thấy trang bạn cần.", "not found")
	// ErrProducerNotFound is a producer id that names no producer.
	ErrProducerNotFound = apperr.E(apperr.NotFound, "Không tìm thấy gian hàng.", "producer not found")
)

// Today is the current date in Vietnam (for forms' date limits).
func (s *Service) Today() time.Time { return s.today() }

// AuditLog returns audit entries, newest first, for the console's log
// page; the caller scopes f to the provinces the officer serves.
func (s *Service) AuditLog(ctx context.Context, f audit.Filter) ([]audit.Row, error) {
	return audit.List(ctx, s.pool, f)
}

// VNTime formats t as Vietnam's local date and time (dd/mm/yyyy hh:mm).
func VNTime(t time.Time) string { return t.In(vnZone).Format("02/01/2006 15:04") }

// TypeLabel is the label of the application's producer type.
func (a *Application) TypeLabel() string { return TypeLabel(a.ProducerType) }

// Submitted is when the application was last submitted (decisions set
// reviewed_at, not updated_at), in Vietnam's time.
func (a *Application) Submitted() string { return VNTime(a.UpdatedAt) }

// Reviewed is when it was decided, or "".
func (a *Application) Reviewed() string {
	if a.ReviewedAt == nil {
		return ""
	}
	return VNTime(*a.ReviewedAt)
}

// TypeLabel is the label of the producer's type.
func (p *Producer) TypeLabel() string { return TypeLabel(p.Type) }

// Suspended is when the producer was suspended, or "".
func (p *Producer) Suspended() string {
	if p.SuspendedAt == nil {
		return ""
	}
	return VNTime(*p.SuspendedAt)
}

// SizeKB is the document's size in kB, rounded up.
func (d Document) SizeKB() int64 { return (d.Size + 1023) / 1024 }

// DocumentPrefix is where application documents are stored: private
// objects, never served under /media.
const DocumentPrefix = "private/applications/"

// SweepDocuments deletes stored documents no application refers to any
// more and older than minAge (an upload stores its objects before its row
// commits, so younger ones may be in flight): what a crash between the
// two, or a failed cleanup, left behind.
func (s *Service) SweepDocuments(ctx context.Context, minAge time.Duration) ([]string, error) {
	return media.Sweep(ctx, s.store, DocumentPrefix, minAge, s.now(), func(ctx context.Context, keys []string) (map[string]bool, error) {
		rows, err := s.pool.Query(ctx, `SELECT object_key FROM application_document WHERE object_key = ANY ($1)`, keys)
		if err != nil {
			return nil, err
		}
		found, err := pgx.CollectRows(rows, pgx.RowTo[string])
		used := make(map[string]bool, len(found))
		for _, k := range found {
			used[k] = true
		}
		return used, err
	})
}
