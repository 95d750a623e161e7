// Package account holds users, their passwords (argon2id), sessions stored
// in PostgreSQL, password reset, sign-in rate limiting and roles: shopper
// (everyone), producer member (owner or staff of a producer), trade-
// department staff (of one or more provinces) and admin.
package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"log/slog"
	"runtime"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/apperr"
)

// Vietnamese messages of the package's errors and field checks.
const (
	msgPasswordShort  = "Mật khẩu cần ít nhất 8 ký tự."
	msgPasswordLong   = "Mật khẩu dài quá 128 ký tự."
	msgIdentifier     = "Hãy nhập email hoặc số điện thoại di động Việt Nam (ví dụ 0912 345 678)."
	msgNameEmpty      = "Hãy nhập tên hiển thị."
	msgNameLong       = "Tên hiển thị dài quá 100 ký tự."
	msgTaken          = "Email hoặc số điện thoại này đã có tài khoản. Hãy đăng nhập hoặc lấy lại mật khẩu."
	msgBadCredentials = "Email/số điện thoại hoặc mật khẩu không đúng."
	msgTooMany        = "Bạn đã nhập sai quá nhiều lần. Vui lòng đợi 15 phút rồi thử lại."
	msgBusy           = "Hệ thống đang bận, vui lòng thử lại sau giây lát."
	msgResetInvalid   = "Liên kết đặt lại mật khẩu không hợp lệ hoặc đã hết hạn. Hãy yêu cầu liên kết mới."
)

// Errors callers branch on.
var (
	ErrBadCredentials  = apperr.E(apperr.Unauthorized, msgBadCredentials, "wrong identifier or password")
	ErrTooManyAttempts = apperr.E(apperr.TooMany, msgTooMany, "too many failed sign-ins; wait and retry")
	ErrBusy            = apperr.E(apperr.Unavailable, msgBusy, "too many password checks at once")
	ErrTaken           = apperr.E(apperr.Conflict, msgTaken, "an account has this email or phone")
	ErrResetInvalid    = apperr.E(apperr.Invalid, msgResetInvalid, "reset token unknown, used or expired")
	ErrNoSession       = apperr.E(apperr.Unauthorized, "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.", "no valid session")
)

// Session lifetimes (SECURITY.md S-04): an idle timeout and an absolute
// lifetime, shorter for staff and admins.
type Lifetime struct{ Idle, Absolute time.Duration }

// Session lifetimes by kind of user.
var (
	ShopperLifetime = Lifetime{Idle: 2 * time.Hour, Absolute: 30 * 24 * time.Hour}
	StaffLifetime   = Lifetime{Idle: 15 * time.Minute, Absolute: 8 * time.Hour}
)

// Limits of failed sign-ins in Window (SECURITY.md A-04).
type Limits struct {
	Window     time.Duration
	PerAccount int
	PerIP      int
}

// DefaultLimits: the 11th failure within 15 minutes is refused.
var DefaultLimits = Limits{Window: 15 * time.Minute, PerAccount: 10, PerIP: 50}

// ResetTTL is how long a password-reset link works.
const ResetTTL = time.Hour

// Mailer sends a message; the app chooses SMTP or the log.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// Service is the accounts feature.
type Service struct {
	pool    *pgxpool.Pool
	now     func() time.Time
	log     *slog.Logger
	mailer  Mailer
	sms     Mailer
	baseURL string
	limits  Limits
	hashing chan struct{} // bounds concurrent argon2 work
	dummy   string        // hash checked for unknown accounts
	// verify is VerifyPassword; a test counts the checks through it
	verify func(phc, pw string) (ok, rehash bool)
}

// Options configure New; zero values take defaults.
type Options struct {
	Now    func() time.Time
	Log    *slog.Logger
	Mailer Mailer
	// SMS sends reset links to accounts that have only a phone number;
	// until there is an SMS gateway the app gives a LogMailer.
	SMS     Mailer
	BaseURL string // reset links are built from it, never from Host
	Limits  Limits
}

// New returns the service.
func New(pool *pgxpool.Pool, o Options) *Service {
	s := &Service{pool: pool, now: o.Now, log: o.Log, mailer: o.Mailer, sms: o.SMS, baseURL: o.BaseURL, limits: o.Limits}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.limits == (Limits{}) {
		s.limits = DefaultLimits
	}
	if s.mailer == nil {
		s.mailer = LogMailer{Log: s.log}
	}
	if s.sms == nil {
		s.sms = s.mailer
	}
	s.hashing = make(chan struct{}, 2*runtime.NumCPU())
	s.dummy, _ = HashPassword("dummy password for unknown accounts")
	s.verify = VerifyPassword
	return s
}

// hash runs f holding a hashing slot, waiting at most a few seconds.
func (s *Service) hash(ctx context.Context, f func()) error {
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case s.hashing <- struct{}{}:
	case <-t.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.hashing }()
	f()
	return nil
}

// User is an account.
type User struct {
	ID          int64
	Email       string
	Phone       string
	DisplayName string
	IsAdmin     bool
	CreatedAt   time.Time
}

// Membership is a user's right on one producer.
type Membership struct {
	ProducerID int64
	Role       string // owner | staff
}

// Principal is who makes a request: the user and their roles.
type Principal struct {
	User      User
	Producers []Membership
	Provinces []string // province codes the user serves as staff, of either kind
	// OCOPOffice are the provinces whose OCOP office (certification) the
	// user works for; TradePromotion those whose trade promotion (fairs,
	// showrooms).
	OCOPOffice     []string
	TradePromotion []string
}

// Certifies reports whether p may record and revoke certificates of the
// province: an admin, or staff of its OCOP office.
func (p *Principal) Certifies(province string) bool {
	return p.IsAdmin() || (p != nil && slices.Contains(p.OCOPOffice, province))
}

// IsStaff reports whether p is trade-department staff of some province.
func (p *Principal) IsStaff() bool { return p != nil && len(p.Provinces) > 0 }

// IsAdmin reports whether p is an admin.
func (p *Principal) IsAdmin() bool { return p != nil && p.User.IsAdmin }

// MemberOf returns p's role on the producer, or "".
func (p *Principal) MemberOf(producerID int64) string {
	if p == nil {
		return ""
	}
	for _, m := range p.Producers {
		if m.ProducerID == producerID {
			return m.Role
		}
	}
	return ""
}

// ServesProvince reports whether p is staff of the province.
func (p *Principal) ServesProvince(code string) bool {
	if p == nil {
		return false
	}
	for _, c := range p.Provinces {
		if c == code {
			return true
		}
	}
	return false
}

// Lifetime returns the session lifetimes that apply to p.
func (p *Principal) Lifetime() Lifetime { return p.lifetime() }

func (p *Principal) lifetime() Lifetime {
	if p.IsStaff() || p.IsAdmin() {
		return StaffLifetime
	}
	return ShopperLifetime
}

// newToken returns a random 32-byte token, base64url without padding (43
// characters), and its SHA-256, which is all the database keeps.
func newToken() (string, []byte) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	return tok, tokenHash(tok)
}

func tokenHash(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// validToken reports whether tok has the shape newToken gives.
func validToken(tok string) bool {
	if len(tok) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(tok)
	return err == nil
}

var errNotFound = errors.New("not found")
