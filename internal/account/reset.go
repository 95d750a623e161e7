package account

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"net/smtp"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/postgres"
)

// RequestReset sends a password-reset link to the account of identifier,
// if there is one. It returns nil either way, so the page cannot tell
// whether an account exists; it is rate limited per identifier and IP like
// sign-in.
func (s *Service) RequestReset(ctx context.Context, identifier, ip string) (err error) {
	defer apperr.Wrap(&err, "account.RequestReset")
	id, ok := ParseIdentifier(identifier)
	if !ok {
		return apperr.E(apperr.Invalid, msgIdentifier, "not an email or Vietnamese mobile number")
	}
	now := s.now()
	key := "reset:" + id.Key()
	var byAccount, byIP int
	if err := s.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM login_failure WHERE account_key = $1 AND at > $3),
		(SELECT count(*) FROM login_failure WHERE ip = $2 AND at > $3)`, key, ip, now.Add(-s.limits.Window)).Scan(&byAccount, &byIP); err != nil {
		return err
	}
	if byAccount >= s.limits.PerAccount || byIP >= s.limits.PerIP {
		return ErrTooManyAttempts
	}
	// every request counts, so the mailbox cannot be flooded
	if _, err := s.pool.Exec(ctx, `INSERT INTO login_failure (account_key, ip, at) VALUES ($1, $2, $3)`, key, ip, now); err != nil {
		return err
	}
	var uid int64
	err = s.pool.QueryRow(ctx, `SELECT id FROM app_user WHERE (email = NULLIF($1, '') OR phone = NULLIF($2, '')) AND disabled_at IS NULL`, id.Email, id.Phone).Scan(&uid)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	tok, h := newToken()
	if _, err := s.pool.Exec(ctx, `INSERT INTO password_reset (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`, h, uid, now.Add(ResetTTL)); err != nil {
		return err
	}
	link := s.baseURL + "/dat-lai-mat-khau?token=" + url.QueryEscape(tok)
	var email string
	err = s.pool.QueryRow(ctx, `SELECT coalesce(email, '') FROM app_user WHERE id = $1`, uid).Scan(&email)
	if err != nil {
		return err
	}
	to, send := email, s.mailer
	if to == "" {
		to, send = id.Phone, s.sms // a phone-only account
	}
	body := "Chào bạn,\r\n\r\nĐể đặt mật khẩu mới cho tài khoản Chợ OCOP, hãy mở liên kết sau trong vòng 1 giờ:\r\n\r\n" + link +
		"\r\n\r\nNếu bạn không yêu cầu, hãy bỏ qua thư này; mật khẩu của bạn không đổi.\r\n"
	if err := send.Send(ctx, to, "Đặt lại mật khẩu Chợ OCOP", body); err != nil {
		s.log.Error("password reset mail not sent", "user_id", uid, "err", err)
	}
	return nil
}

// ResetPassword sets a new password with a reset token. The token works
// once, within ResetTTL; every session of the user is ended. It returns
// ErrResetInvalid for an unknown, used or expired token and an Invalid
// error for a bad password.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (err error) {
	defer apperr.Wrap(&err, "account.ResetPassword")
	if !validToken(token) {
		return ErrResetInvalid
	}
	if m := checkPassword(password); m != "" {
		return &apperr.Error{Kind: apperr.Invalid, Message: m, Detail: "password length", Err: apperr.FieldErrors{"password": m}}
	}
	var phc string
	if err := s.hash(ctx, func() { phc, err = HashPassword(password) }); err != nil {
		return err
	}
	if err != nil {
		return err
	}
	now := s.now()
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var uid int64
		err := tx.QueryRow(ctx, `UPDATE password_reset SET used_at = $2
			WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id`, tokenHash(token), now).Scan(&uid)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrResetInvalid
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE app_user SET password_hash = $2 WHERE id = $1`, uid, phc); err != nil {
			return err
		}
		// other outstanding links die too, and every session ends (S-03)
		if _, err := tx.Exec(ctx, `UPDATE password_reset SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL`, uid, now); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM user_session WHERE user_id = $1`, uid)
		return err
	})
}

// ValidResetToken reports whether token can still be used, so the page can
// say so before the user types a new password.
func (s *Service) ValidResetToken(ctx context.Context, token string) bool {
	if !validToken(token) {
		return false
	}
	var ok bool
	_ = s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM password_reset WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2)`,
		tokenHash(token), s.now()).Scan(&ok)
	return ok
}

// LogMailer writes mail to the log instead of sending it. Outside
// development it leaves out the body, which may hold a reset link.
type LogMailer struct {
	Log        *slog.Logger
	Production bool
}

// Send logs the message.
func (m LogMailer) Send(_ context.Context, to, subject, body string) error {
	if m.Production {
		m.Log.Warn("mail not sent: SMTP is not configured", "to", to, "subject", subject)
		return nil
	}
	m.Log.Info("mail (development: not sent)", "to", to, "subject", subject, "body", body)
	return nil
}

// SMTPMailer sends mail through an SMTP server (STARTTLS when offered).
type SMTPMailer struct {
	Addr     string // host:port
	Username string
	Password string
	From     string
}

// Send sends one plain-text UTF-8 message.
func (m SMTPMailer) Send(_ context.Context, to, subject, body string) error {
	if strings.ContainsAny(to+subject, "\r\n") {
		return fmt.Errorf("header injection")
	}
	host, _, _ := strings.Cut(m.Addr, ":")
	var auth smtp.Auth
	if m.Username != "" {
		auth = smtp.PlainAuth("", m.Username, m.Password, host)
	}
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return fmt.Errorf("OCOP_SMTP_FROM: %w", err)
	}
	msg := "From: " + from.String() + "\r\nTo: " + to + "\r\nSubject: =?UTF-8?B?" + b64(subject) + "?=\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body
	return smtp.SendMail(m.Addr, auth, from.Address, []string{to}, []byte(msg))
}
