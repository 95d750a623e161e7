package account

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/vntext"
)

// SignUp is a sign-up request.
type SignUp struct {
	Identifier  string
	DisplayName string
	Password    string
}

// Register creates a shopper account. It returns apperr.FieldErrors (wrapped in an
// Invalid *apperr.Error) for bad input and ErrTaken when the email or
// phone has an account.
func (s *Service) Register(ctx context.Context, in SignUp) (u *User, err error) {
	defer apperr.Wrap(&err, "account.Register")
	fe := apperr.FieldErrors{}
	id, ok := ParseIdentifier(in.Identifier)
	if !ok {
		fe["identifier"] = msgIdentifier
	}
	name := vntext.NFC(in.DisplayName)
	switch {
	case name == "":
		fe["display_name"] = msgNameEmpty
	case utf8.RuneCountInString(name) > 100:
		fe["display_name"] = msgNameLong
	}
	if m := checkPassword(in.Password); m != "" {
		fe["password"] = m
	}
	if len(fe) > 0 {
		return nil, &apperr.Error{Kind: apperr.Invalid, Message: "Hãy sửa các ô được đánh dấu.", Detail: "invalid sign-up", Err: fe}
	}
	var phc string
	if err := s.hash(ctx, func() { phc, err = HashPassword(in.Password) }); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	return s.insertUser(ctx, id, name, phc, false)
}

func (s *Service) insertUser(ctx context.Context, id Identifier, name, phc string, admin bool) (*User, error) {
	u := &User{Email: id.Email, Phone: id.Phone, DisplayName: name, IsAdmin: admin}
	err := s.pool.QueryRow(ctx, `
		INSERT INTO app_user (email, phone, display_name, password_hash, is_admin, created_at)
		VALUES (NULLIF($1, ''), NULLIF($2, ''), $3, $4, $5, $6)
		RETURNING id, created_at`, id.Email, id.Phone, name, phc, admin, s.now()).Scan(&u.ID, &u.CreatedAt)
	if postgres.IsUniqueViolation(err, "") {
		return nil, ErrTaken
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}

// CreateAdmin creates an admin account, or makes an existing account with
// this identifier an admin with the new password. It is for the operator's
// CLI.
func (s *Service) CreateAdmin(ctx context.Context, identifier, password string) (u *User, err error) {
	defer apperr.Wrap(&err, "account.CreateAdmin")
	id, ok := ParseIdentifier(identifier)
	if !ok {
		return nil, apperr.E(apperr.Invalid, msgIdentifier, "not an email or Vietnamese mobile number")
	}
	if m := checkPassword(password); m != "" {
		return nil, apperr.E(apperr.Invalid, m, "password length")
	}
	phc, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	u, err = s.insertUser(ctx, id, "Quản trị viên", phc, true)
	if !errors.Is(err, ErrTaken) {
		return u, err
	}
	u = &User{}
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `UPDATE app_user SET is_admin = true, password_hash = $3
			WHERE email = NULLIF($1, '') OR phone = NULLIF($2, '') RETURNING id, display_name`, id.Email, id.Phone, phc).Scan(&u.ID, &u.DisplayName); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM user_session WHERE user_id = $1`, u.ID)
		return err
	})
	u.Email, u.Phone, u.IsAdmin = id.Email, id.Phone, true
	return u, err
}

// SignIn checks the identifier and password of a request from ip and
// starts a new session; it returns the session token for the cookie. It
// returns ErrTooManyAttempts when the account or the IP has failed too
// often, and ErrBadCredentials, the same for an unknown account and a
// wrong password.
func (s *Service) SignIn(ctx context.Context, identifier, password, ip string) (token string, p *Principal, err error) {
	id, ok := ParseIdentifier(identifier)
	key := id.Key()
	if !ok {
		key = "invalid:" + strings.ToLower(strings.TrimSpace(identifier))
		if len(key) > 300 {
			key = key[:300]
		}
	}
	now := s.now()
	since := now.Add(-s.limits.Window)
	var byAccount, byIP int
	if err := s.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM login_failure WHERE account_key = $1 AND at > $3),
		(SELECT count(*) FROM login_failure WHERE ip = $2 AND at > $3)`, key, ip, since).Scan(&byAccount, &byIP); err != nil {
		return "", nil, fmt.Errorf("account.SignIn: %w", err)
	}
	if byAccount >= s.limits.PerAccount || byIP >= s.limits.PerIP {
		return "", nil, ErrTooManyAttempts
	}
	var uid int64
	var phc string
	var disabled bool
	if ok {
		err = s.pool.QueryRow(ctx, `SELECT id, password_hash, disabled_at IS NOT NULL FROM app_user
			WHERE email = NULLIF($1, '') OR phone = NULLIF($2, '')`, id.Email, id.Phone).Scan(&uid, &phc, &disabled)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return "", nil, fmt.Errorf("account.SignIn: %w", err)
		}
	}
	known := uid != 0
	if !known {
		phc = s.dummy // same work for an unknown account
	}
	tooLong := checkPassword(password) == msgPasswordLong
	var good, rehash bool
	if err := s.hash(ctx, func() {
		if tooLong {
			// never hash a huge input; still spend the time
			_, _ = s.verify(s.dummy, "")
			return
		}
		good, rehash = s.verify(phc, password)
	}); err != nil {
		return "", nil, err
	}
	if !known || !good || disabled {
		if _, err := s.pool.Exec(ctx, `INSERT INTO login_failure (account_key, ip, at) VALUES ($1, $2, $3)`, key, ip, now); err != nil {
			return "", nil, fmt.Errorf("account.SignIn: %w", err)
		}
		return "", nil, ErrBadCredentials
	}
	if rehash {
		if h, err := HashPassword(password); err == nil {
			_, _ = s.pool.Exec(ctx, `UPDATE app_user SET password_hash = $2 WHERE id = $1`, uid, h)
		}
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM login_failure WHERE account_key = $1`, key); err != nil {
		return "", nil, fmt.Errorf("account.SignIn: %w", err)
	}
	p, err = s.principal(ctx, s.pool, uid)
	if err != nil {
		return "", nil, fmt.Errorf("account.SignIn: %w", err)
	}
	token, err = s.startSession(ctx, p)
	return token, p, err
}

// startSession stores a new session of p and returns its token. Every
// sign-in gets a fresh token, whatever cookie the browser sent, so an
// attacker cannot plant a session id (fixation, CVE-2024-38513).
func (s *Service) startSession(ctx context.Context, p *Principal) (string, error) {
	tok, h := newToken()
	now := s.now()
	_, err := s.pool.Exec(ctx, `INSERT INTO user_session (token_hash, user_id, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $3, $4)`, h, p.User.ID, now, now.Add(p.lifetime().Absolute))
	if err != nil {
		return "", fmt.Errorf("account.startSession: %w", err)
	}
	return tok, nil
}

// Session returns the principal of the session token, extending its idle
// timeout, or ErrNoSession when the token is unknown, idle too long, past
// its absolute lifetime or the user is disabled; an expired session is
// deleted.
func (s *Service) Session(ctx context.Context, token string) (*Principal, error) {
	if !validToken(token) {
		return nil, ErrNoSession
	}
	h := tokenHash(token)
	var uid int64
	var lastSeen, expires time.Time
	var disabled bool
	err := s.pool.QueryRow(ctx, `SELECT s.user_id, s.last_seen_at, s.expires_at, u.disabled_at IS NOT NULL
		FROM user_session s JOIN app_user u ON u.id = s.user_id WHERE s.token_hash = $1`, h).Scan(&uid, &lastSeen, &expires, &disabled)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, fmt.Errorf("account.Session: %w", err)
	}
	p, err := s.principal(ctx, s.pool, uid)
	if err != nil {
		return nil, fmt.Errorf("account.Session: %w", err)
	}
	now := s.now()
	lt := p.lifetime()
	if disabled || !now.Before(expires) || now.Sub(lastSeen) > lt.Idle {
		_, _ = s.pool.Exec(ctx, `DELETE FROM user_session WHERE token_hash = $1`, h)
		return nil, ErrNoSession
	}
	if now.Sub(lastSeen) > time.Minute {
		if _, err := s.pool.Exec(ctx, `UPDATE user_session SET last_seen_at = $2 WHERE token_hash = $1`, h, now); err != nil {
			return nil, fmt.Errorf("account.Session: %w", err)
		}
	}
	return p, nil
}

// SignOut deletes the session of token.
func (s *Service) SignOut(ctx context.Context, token string) error {
	if !validToken(token) {
		return nil
	}
	_, err := s.pool.Exec(ctx, `DELETE FROM user_session WHERE token_hash = $1`, tokenHash(token))
	return err
}

// SignOutEverywhere deletes every session of the user.
func (s *Service) SignOutEverywhere(ctx context.Context, userID int64) error {
	return EndSessions(ctx, s.pool, userID)
}

func (s *Service) principal(ctx context.Context, q postgres.Querier, uid int64) (*Principal, error) {
	p := &Principal{}
	var email, phone *string
	err := q.QueryRow(ctx, `SELECT id, email, phone, display_name, is_admin, created_at FROM app_user WHERE id = $1`, uid).
		Scan(&p.User.ID, &email, &phone, &p.User.DisplayName, &p.User.IsAdmin, &p.User.CreatedAt)
	if err != nil {
		return nil, err
	}
	if email != nil {
		p.User.Email = *email
	}
	if phone != nil {
		p.User.Phone = *phone
	}
	rows, err := q.Query(ctx, `SELECT producer_id, role FROM producer_member WHERE user_id = $1 ORDER BY producer_id`, uid)
	if err != nil {
		return nil, err
	}
	p.Producers, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Membership, error) {
		var m Membership
		return m, r.Scan(&m.ProducerID, &m.Role)
	})
	if err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT province_code, kind FROM staff_province WHERE user_id = $1 ORDER BY province_code, kind`, uid)
	if err != nil {
		return nil, err
	}
	var code, kind string
	_, err = pgx.ForEachRow(rows, []any{&code, &kind}, func() error {
		if !slices.Contains(p.Provinces, code) {
			p.Provinces = append(p.Provinces, code)
		}
		if kind == "trade_promotion" {
			p.TradePromotion = append(p.TradePromotion, code)
		} else {
			p.OCOPOffice = append(p.OCOPOffice, code)
		}
		return nil
	})
	return p, err
}

// EndSessions deletes every session of the user in the caller's
// transaction: a change of rights (a role, a staff grant, an approval)
// applies from the next sign-in (SECURITY.md S-02, S-03).
func EndSessions(ctx context.Context, q postgres.Querier, userID int64) error {
	_, err := q.Exec(ctx, `DELETE FROM user_session WHERE user_id = $1`, userID)
	return err
}

// SetAdmin makes the user an admin, ending their sessions in the same
// transaction. It is for the demo's admin account only (real admins come
// from ocop create-admin), so it records no audit entry.
func (s *Service) SetAdmin(ctx context.Context, userID int64) (err error) {
	defer apperr.Wrap(&err, "account.SetAdmin(%d)", userID)
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE app_user SET is_admin = true WHERE id = $1 AND NOT is_admin`, userID)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return EndSessions(ctx, tx, userID)
	})
}

// Cleanup deletes expired sessions, old failed sign-ins and used or
// expired reset tokens. The app runs it periodically.
func (s *Service) Cleanup(ctx context.Context) error {
	now := s.now()
	_, err := s.pool.Exec(ctx, `DELETE FROM user_session WHERE expires_at < $1 OR last_seen_at < $2`, now, now.Add(-ShopperLifetime.Idle))
	if err == nil {
		_, err = s.pool.Exec(ctx, `DELETE FROM login_failure WHERE at < $1`, now.Add(-s.limits.Window))
	}
	if err == nil {
		_, err = s.pool.Exec(ctx, `DELETE FROM password_reset WHERE expires_at < $1`, now)
	}
	return err
}
