package account_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/producer"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type mailbox struct {
	mu   sync.Mutex
	sent []string
}

func (m *mailbox) Send(_ context.Context, to, subject, body string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, body)
	return nil
}

func (m *mailbox) last() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.sent) == 0 {
		return ""
	}
	return m.sent[len(m.sent)-1]
}

func newService(t *testing.T) (*account.Service, *clock, *mailbox) {
	t.Helper()
	s, clk, mb, _ := newServicePool(t)
	return s, clk, mb
}

func newServicePool(t *testing.T) (*account.Service, *clock, *mailbox, *pgxpool.Pool) {
	t.Helper()
	pool := pgtest.NewDB(t)
	clk := &clock{t: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)}
	mb := &mailbox{}
	s := account.New(pool, account.Options{Now: clk.Now, Mailer: mb, BaseURL: "https://ocop.example"})
	return s, clk, mb, pool
}

func TestHashPassword(t *testing.T) {
	nfc := norm.NFC.String("Mật khẩu 123")
	nfd := norm.NFD.String(nfc)
	if nfc == nfd {
		t.Fatal("test needs distinct NFC and NFD forms")
	}
	h, err := account.HashPassword(nfc)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q lacks the explicit params", h)
	}
	if ok, _ := account.VerifyPassword(h, nfd); !ok {
		t.Error("NFD form of the password rejected")
	}
	if ok, _ := account.VerifyPassword(h, "Mật khẩu 124"); ok {
		t.Error("wrong password accepted")
	}
	long := strings.Repeat("ộ", 25)
	h2, err := account.HashPassword(long)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := account.VerifyPassword(h2, norm.NFD.String(long)); !ok {
		t.Error("25×ộ in NFD rejected")
	}
}

func TestParseIdentifier(t *testing.T) {
	tests := []struct {
		name, in, email, phone string
		ok                     bool
	}{
		{"email", " An@Example.VN ", "an@example.vn", "", true},
		{"local mobile", "0912 345 678", "", "+84912345678", true},
		{"dotted", "091.234.5678", "", "+84912345678", true},
		{"e164", "+84912345678", "", "+84912345678", true},
		{"84 prefix", "84 912 345 678", "", "+84912345678", true},
		{"full-width digits", "０９１２３４５６７８", "", "+84912345678", true},
		{"landline", "0241234567", "", "", false},
		{"short", "091234", "", "", false},
		{"letters", "09123abc78", "", "", false},
		{"no domain dot", "a@b", "", "", false},
		{"empty", "", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, ok := account.ParseIdentifier(tt.in)
			if ok != tt.ok || id.Email != tt.email || id.Phone != tt.phone {
				t.Errorf("ParseIdentifier(%q) = %+v, %v; want %q %q %v", tt.in, id, ok, tt.email, tt.phone, tt.ok)
			}
		})
	}
}

func TestRegisterValidatesAndRejectsDuplicates(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	_, err := s.Register(ctx, account.SignUp{Identifier: "abc", DisplayName: " ", Password: "short"})
	var fe apperr.FieldErrors
	if !errors.As(err, &fe) || fe["identifier"] == "" || fe["display_name"] == "" || fe["password"] == "" {
		t.Fatalf("bad sign-up: err = %v, want messages for every field", err)
	}
	_, err = s.Register(ctx, account.SignUp{Identifier: "a@b.vn", DisplayName: "A", Password: strings.Repeat("x", 10_000)})
	if !errors.As(err, &fe) || fe["password"] == "" {
		t.Fatalf("10 KB password: err = %v", err)
	}
	email := norm.NFC.String("nguyễn@làng.vn")
	if _, err := s.Register(ctx, account.SignUp{Identifier: email, DisplayName: norm.NFD.String("Nguyễn Văn A"), Password: "Mật khẩu 123"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Register(ctx, account.SignUp{Identifier: norm.NFD.String(strings.ToUpper(email)), DisplayName: "B", Password: "Mật khẩu 123"}); !errors.Is(err, account.ErrTaken) {
		t.Errorf("NFD duplicate email: err = %v, want ErrTaken", err)
	}
	if _, err := s.Register(ctx, account.SignUp{Identifier: "0912345678", DisplayName: "C", Password: "Mật khẩu 123"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Register(ctx, account.SignUp{Identifier: "+84 912 345 678", DisplayName: "D", Password: "Mật khẩu 123"}); !errors.Is(err, account.ErrTaken) {
		t.Errorf("duplicate phone in another format: err = %v, want ErrTaken", err)
	}
	_, p, err := s.SignIn(ctx, email, norm.NFD.String("Mật khẩu 123"), "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if p.User.DisplayName != "Nguyễn Văn A" || !norm.NFC.IsNormalString(p.User.DisplayName) {
		t.Errorf("display name %q not stored as NFC", p.User.DisplayName)
	}
}

func TestSignInUniformFailure(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	if _, err := s.Register(ctx, account.SignUp{Identifier: "an@example.vn", DisplayName: "An", Password: "mat khau dung"}); err != nil {
		t.Fatal(err)
	}
	_, _, wrong := s.SignIn(ctx, "an@example.vn", "mat khau sai!", "10.0.0.1")
	_, _, unknown := s.SignIn(ctx, "ai@example.vn", "mat khau sai!", "10.0.0.1")
	if wrong != account.ErrBadCredentials || unknown != account.ErrBadCredentials {
		t.Errorf("wrong password: %v; unknown account: %v; want the same ErrBadCredentials", wrong, unknown)
	}
	tok, p, err := s.SignIn(ctx, "AN@example.vn", "mat khau dung", "10.0.0.1")
	if err != nil || len(tok) != 43 || p.User.Email != "an@example.vn" {
		t.Fatalf("SignIn = %q, %+v, %v", tok, p, err)
	}
}

func TestRehashOnSignIn(t *testing.T) {
	pool := pgtest.NewDB(t)
	s := account.New(pool, account.Options{})
	ctx := context.Background()
	u, err := s.Register(ctx, account.SignUp{Identifier: "old@example.vn", DisplayName: "Cũ", Password: "mat khau cu"})
	if err != nil {
		t.Fatal(err)
	}
	old := account.HashWithParamsForTest(t, "mat khau cu", 8*1024, 1)
	if _, err := pool.Exec(ctx, `UPDATE app_user SET password_hash = $2 WHERE id = $1`, u.ID, old); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SignIn(ctx, "old@example.vn", "mat khau cu", "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	var h string
	_ = pool.QueryRow(ctx, `SELECT password_hash FROM app_user WHERE id = $1`, u.ID).Scan(&h)
	if !strings.Contains(h, "m=19456,t=2,p=1") {
		t.Errorf("hash not upgraded: %q", h)
	}
}

func TestSessionsRotateExpireAndEnd(t *testing.T) {
	s, clk, _ := newService(t)
	ctx := context.Background()
	if _, err := s.Register(ctx, account.SignUp{Identifier: "an@example.vn", DisplayName: "An", Password: "mat khau dung"}); err != nil {
		t.Fatal(err)
	}
	t1, _, err := s.SignIn(ctx, "an@example.vn", "mat khau dung", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	t2, _, err := s.SignIn(ctx, "an@example.vn", "mat khau dung", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if t1 == t2 {
		t.Fatal("two sign-ins share a session token")
	}
	if _, err := s.Session(ctx, "attacker-chosen"); err != account.ErrNoSession {
		t.Errorf("made-up token: %v", err)
	}
	// idle: active every hour keeps it; 2 h 1 min idle ends it
	for range 5 {
		clk.Add(time.Hour)
		if _, err := s.Session(ctx, t1); err != nil {
			t.Fatalf("active session ended: %v", err)
		}
	}
	clk.Add(2*time.Hour + time.Minute)
	if _, err := s.Session(ctx, t1); err != account.ErrNoSession {
		t.Errorf("idle session: %v, want ErrNoSession", err)
	}
	// sign out everywhere
	t3, p, _ := s.SignIn(ctx, "an@example.vn", "mat khau dung", "10.0.0.1")
	if err := s.SignOutEverywhere(ctx, p.User.ID); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{t2, t3} {
		if _, err := s.Session(ctx, tok); err != account.ErrNoSession {
			t.Errorf("session after sign-out everywhere: %v", err)
		}
	}
	t4, _, _ := s.SignIn(ctx, "an@example.vn", "mat khau dung", "10.0.0.1")
	if err := s.SignOut(ctx, t4); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, t4); err != account.ErrNoSession {
		t.Errorf("session after sign-out: %v", err)
	}
}

func TestStaffSessionAbsoluteLifetime(t *testing.T) {
	s, clk, _, pool := newServicePool(t)
	ctx := context.Background()
	u, err := s.Register(ctx, account.SignUp{Identifier: "canbo@so.vn", DisplayName: "Cán bộ", Password: "mat khau dung"})
	if err != nil {
		t.Fatal(err)
	}
	if err := producer.New(pool, nil, nil).GrantStaff(ctx, producer.System, u.ID, "01", producer.StaffOCOPOffice); err != nil {
		t.Skipf("province 01 not seeded: %v", err)
	}
	tok, p, err := s.SignIn(ctx, "canbo@so.vn", "mat khau dung", "10.0.0.1")
	if err != nil || !p.IsStaff() {
		t.Fatalf("SignIn: %v, staff %v", err, p.IsStaff())
	}
	// active every 10 minutes for 8 h: still refused after 8 h 1 min
	for elapsed := time.Duration(0); elapsed < 8*time.Hour; elapsed += 10 * time.Minute {
		clk.Add(10 * time.Minute)
		_, err = s.Session(ctx, tok)
		if err != nil {
			break
		}
	}
	clk.Add(time.Minute)
	if _, err := s.Session(ctx, tok); err != account.ErrNoSession {
		t.Errorf("staff session after 8 h 1 min: %v, want ErrNoSession", err)
	}
	// idle 16 minutes
	tok, _, _ = s.SignIn(ctx, "canbo@so.vn", "mat khau dung", "10.0.0.1")
	clk.Add(16 * time.Minute)
	if _, err := s.Session(ctx, tok); err != account.ErrNoSession {
		t.Errorf("staff idle 16 min: %v", err)
	}
}

func TestRateLimit(t *testing.T) {
	s, clk, _ := newService(t)
	ctx := context.Background()
	if _, err := s.Register(ctx, account.SignUp{Identifier: "an@example.vn", DisplayName: "An", Password: "mat khau dung"}); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if _, _, err := s.SignIn(ctx, "an@example.vn", "sai mat khau", "10.0.0."+string(rune('1'+i%5))); err != account.ErrBadCredentials {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	_, _, err := s.SignIn(ctx, "an@example.vn", "mat khau dung", "10.9.9.9")
	if err != account.ErrTooManyAttempts || apperr.KindOf(err) != apperr.TooMany {
		t.Fatalf("11th try (right password, other IP): %v, want ErrTooManyAttempts", err)
	}
	clk.Add(16 * time.Minute)
	if _, _, err := s.SignIn(ctx, "an@example.vn", "mat khau dung", "10.9.9.9"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	// per IP: 50 failures on different accounts from one address
	for i := range 50 {
		_, _, _ = s.SignIn(ctx, "x"+string(rune('a'+i%26))+string(rune('a'+i/26))+"@example.vn", "sai mat khau", "10.1.1.1")
	}
	if _, _, err := s.SignIn(ctx, "an@example.vn", "mat khau dung", "10.1.1.1"); err != account.ErrTooManyAttempts {
		t.Errorf("51st try from one IP: %v, want ErrTooManyAttempts", err)
	}
}

func TestPasswordReset(t *testing.T) {
	s, clk, mb := newService(t)
	ctx := context.Background()
	if _, err := s.Register(ctx, account.SignUp{Identifier: "an@example.vn", DisplayName: "An", Password: "mat khau cu"}); err != nil {
		t.Fatal(err)
	}
	old, _, _ := s.SignIn(ctx, "an@example.vn", "mat khau cu", "10.0.0.1")
	if err := s.RequestReset(ctx, "ai@example.vn", "10.0.0.1"); err != nil || mb.last() != "" {
		t.Fatalf("unknown account: err %v, mail %q", err, mb.last())
	}
	if err := s.RequestReset(ctx, "an@example.vn", "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	tok := tokenFrom(t, mb.last())
	if !s.ValidResetToken(ctx, tok) {
		t.Fatal("fresh token invalid")
	}
	if err := s.ResetPassword(ctx, tok, "mat khau moi"); err != nil {
		t.Fatal(err)
	}
	if err := s.ResetPassword(ctx, tok, "mat khau khac"); !errors.Is(err, account.ErrResetInvalid) {
		t.Errorf("reused token: %v", err)
	}
	if _, err := s.Session(ctx, old); err != account.ErrNoSession {
		t.Errorf("session survived the reset: %v", err)
	}
	if _, _, err := s.SignIn(ctx, "an@example.vn", "mat khau moi", "10.0.0.1"); err != nil {
		t.Errorf("new password: %v", err)
	}
	// expiry: 61 minutes
	_ = s.RequestReset(ctx, "an@example.vn", "10.0.0.1")
	tok = tokenFrom(t, mb.last())
	clk.Add(61 * time.Minute)
	if err := s.ResetPassword(ctx, tok, "mat khau moi 2"); !errors.Is(err, account.ErrResetInvalid) {
		t.Errorf("61-minute-old token: %v", err)
	}
}

func tokenFrom(t *testing.T, body string) string {
	t.Helper()
	const prefix = "https://ocop.example/dat-lai-mat-khau?token="
	i := strings.Index(body, prefix)
	if i < 0 {
		t.Fatalf("no reset link built from the base URL in %q", body)
	}
	return strings.Fields(body[i+len(prefix):])[0]
}

func TestCleanup(t *testing.T) {
	s, clk, _ := newService(t)
	ctx := context.Background()
	if _, err := s.Register(ctx, account.SignUp{Identifier: "an@example.vn", DisplayName: "An", Password: "mat khau dung"}); err != nil {
		t.Fatal(err)
	}
	tok, _, _ := s.SignIn(ctx, "an@example.vn", "mat khau dung", "10.0.0.1")
	clk.Add(31 * 24 * time.Hour)
	if err := s.Cleanup(ctx); err != nil {
		t.Fatal(err)
	}
	clk.Add(-31 * 24 * time.Hour)
	if _, err := s.Session(ctx, tok); err != account.ErrNoSession {
		t.Errorf("expired session not cleaned up: %v", err)
	}
}

// TestSignInLoad: a flood of concurrent wrong sign-ins gets refusals, never
// an internal error (SECURITY.md A-03).
func TestSignInLoad(t *testing.T) {
	pool := pgtest.NewDB(t)
	s := account.New(pool, account.Options{})
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := s.SignIn(ctx, "flood@example.vn", "sai mat khau", "10.0.0."+strconv.Itoa(i%4))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if k := apperr.KindOf(err); k != apperr.Unauthorized && k != apperr.TooMany && k != apperr.Unavailable {
			t.Errorf("flood: %v", err)
		}
	}
}

func TestResetForPhoneAccountGoesToSMS(t *testing.T) {
	pool := pgtest.NewDB(t)
	mail, sms := &mailbox{}, &mailbox{}
	s := account.New(pool, account.Options{Mailer: mail, SMS: sms, BaseURL: "https://ocop.example"})
	ctx := context.Background()
	if _, err := s.Register(ctx, account.SignUp{Identifier: "0912345678", DisplayName: "Lan", Password: "mat khau dung"}); err != nil {
		t.Fatal(err)
	}
	if err := s.RequestReset(ctx, "+84 912 345 678", "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if mail.last() != "" || !strings.Contains(sms.last(), "https://ocop.example/dat-lai-mat-khau?token=") {
		t.Errorf("mail %q, sms %q", mail.last(), sms.last())
	}
}
