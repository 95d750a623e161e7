package account

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/postgres"
	"golang.org/x/text/unicode/norm"
)

// Identifier is a normalised sign-in name: an email (lower case, NFC) or a
// Vietnamese mobile number in E.164 (+84 and nine digits).
type Identifier struct {
	Email string
	Phone string
}

// Key is the identifier as one string, for rate limiting.
func (id Identifier) Key() string {
	if id.Email != "" {
		return id.Email
	}
	return id.Phone
}

// ParseIdentifier normalises s, an email or a Vietnamese mobile number
// (0912 345 678, 84912345678, +84 912.345.678). ok is false when s is
// neither.
func ParseIdentifier(s string) (id Identifier, ok bool) {
	// NFKC so that full-width digits and @ typed on some phones count too
	s = strings.TrimSpace(norm.NFKC.String(s))
	if s == "" || len(s) > 254 || !utf8.ValidString(s) {
		return id, false
	}
	if strings.Contains(s, "@") {
		e := strings.ToLower(norm.NFC.String(s))
		local, domain, found := strings.Cut(e, "@")
		if !found || local == "" || domain == "" || strings.ContainsAny(e, " \t\r\n<>()[],;:\"\\") || strings.Contains(domain, "@") ||
			!strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
			return id, false
		}
		return Identifier{Email: e}, true
	}
	var digits strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		default:
			return id, false
		}
	}
	d := digits.String()
	switch {
	case strings.HasPrefix(d, "84") && len(d) == 11:
		d = d[2:]
	case strings.HasPrefix(d, "0") && len(d) == 10:
		d = d[1:]
	default:
		return id, false
	}
	// mobile numbers start 3, 5, 7, 8 or 9 after the country code
	if !strings.ContainsRune("35789", rune(d[0])) {
		return id, false
	}
	return Identifier{Phone: "+84" + d}, true
}

// ErrNoSuchUser is an identifier no account has.
var ErrNoSuchUser = apperr.E(apperr.NotFound, "Không có tài khoản nào với email hoặc số điện thoại này.", "no account has this identifier")

// FindUserID returns the id of the account with the identifier, or
// ErrNoSuchUser.
func FindUserID(ctx context.Context, q postgres.Querier, id Identifier) (uid int64, err error) {
	defer apperr.Wrap(&err, "account.FindUserID")
	err = q.QueryRow(ctx, `SELECT id FROM app_user WHERE ($1 <> '' AND email = $1) OR ($2 <> '' AND phone = $2)`, id.Email, id.Phone).Scan(&uid)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrNoSuchUser
	}
	return uid, err
}
