package producer

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/vntext"
)

// ProfileInput is the storefront profile form, as typed.
type ProfileInput struct {
	DisplayName string
	Story       string
	Phone       string
	Zalo        string
	Email       string
	Website     string
}

// Profile limits.
const (
	MaxDisplayName = 200
	MaxStory       = 20000
	maxZalo        = 50
	maxEmail       = 254
	maxWebsite     = 300
)

// Profile returns the profile form filled with producer's values.
func (s *Service) Profile(ctx context.Context, producerID int64) (_ ProfileInput, err error) {
	defer apperr.Wrap(&err, "producer.Profile(%d)", producerID)
	var in ProfileInput
	err = s.pool.QueryRow(ctx, `SELECT display_name, story, coalesce(phone_e164, ''), zalo, coalesce(email, ''), coalesce(website, '')
		FROM producer WHERE id = $1`, producerID).Scan(&in.DisplayName, &in.Story, &in.Phone, &in.Zalo, &in.Email, &in.Website)
	if errors.Is(err, pgx.ErrNoRows) {
		return in, ErrProducerNotFound
	}
	if strings.HasPrefix(in.Phone, "+84") {
		in.Phone = "0" + in.Phone[3:] // as people write it
	}
	return in, err
}

type profileValues struct {
	displayName, story, zalo string
	phone, email, website    *string
}

var phoneRE = regexp.MustCompile(`^\+84[0-9]{9,10}$`)

// E164 returns a Vietnamese phone number in E.164 ("0912 345 678",
// "+84 912.345.678" → "+84912345678"), or "" when it is not one.
func E164(raw string) string {
	v := strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9', r == '+':
			return r
		case r == ' ', r == '.', r == '-', r == '(', r == ')':
			return -1
		}
		return 'x'
	}, raw)
	switch {
	case strings.HasPrefix(v, "+84"):
	case strings.HasPrefix(v, "84") && len(v) >= 11:
		v = "+" + v
	case strings.HasPrefix(v, "0"):
		v = "+84" + v[1:]
	}
	if !phoneRE.MatchString(v) {
		return ""
	}
	return v
}

func (in ProfileInput) validate() (profileValues, apperr.FieldErrors) {
	fe := apperr.FieldErrors{}
	v := profileValues{displayName: vntext.NFC(in.DisplayName), story: vntext.CleanText(in.Story), zalo: vntext.NFC(in.Zalo)}
	if utf8.RuneCountInString(v.displayName) > MaxDisplayName {
		fe["display_name"] = fmt.Sprintf("Tên hiển thị dài tối đa %d ký tự.", MaxDisplayName)
	}
	if utf8.RuneCountInString(v.story) > MaxStory {
		fe["story"] = fmt.Sprintf("Câu chuyện dài tối đa %d ký tự.", MaxStory)
	}
	if p := strings.TrimSpace(in.Phone); p != "" {
		if e := E164(p); e == "" {
			fe["phone"] = "Số điện thoại chưa đúng. Ví dụ: 0912 345 678."
		} else {
			v.phone = &e
		}
	}
	if utf8.RuneCountInString(v.zalo) > maxZalo {
		fe["zalo"] = fmt.Sprintf("Zalo dài tối đa %d ký tự.", maxZalo)
	}
	if e := strings.TrimSpace(in.Email); e != "" {
		a, err := mail.ParseAddress(e)
		if err != nil || a.Address != e || len(e) > maxEmail || !strings.Contains(e[strings.LastIndexByte(e, '@')+1:], ".") {
			fe["email"] = "Địa chỉ email chưa đúng. Ví dụ: htx@gmail.com."
		} else {
			v.email = &e
		}
	}
	if w := strings.TrimSpace(in.Website); w != "" {
		u, err := url.Parse(w)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || len(w) > maxWebsite || strings.ContainsAny(w, " \"'<>") {
			fe["website"] = "Trang web phải bắt đầu bằng https://, ví dụ https://htxchetancuong.vn."
		} else {
			v.website = &w
		}
	}
	if len(fe) > 0 {
		return v, fe
	}
	return v, nil
}

// UpdateProfile saves producer's storefront profile, with an audit entry
// of the changed fields.
func (s *Service) UpdateProfile(ctx context.Context, a audit.Actor, producerID int64, in ProfileInput) (err error) {
	defer apperr.Wrap(&err, "producer.UpdateProfile(%d)", producerID)
	v, fe := in.validate()
	if fe != nil {
		return fe
	}
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var old ProfileInput
		err = tx.QueryRow(ctx, `SELECT display_name, story, coalesce(phone_e164, ''), zalo, coalesce(email, ''), coalesce(website, '')
			FROM producer WHERE id = $1 FOR UPDATE`, producerID).Scan(&old.DisplayName, &old.Story, &old.Phone, &old.Zalo, &old.Email, &old.Website)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrProducerNotFound
		}
		if err != nil {
			return err
		}
		str := func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		}
		changes := map[string]any{}
		add := func(k, o, n string) {
			if o != n {
				changes[k] = audit.Change{Old: o, New: n}
			}
		}
		add("display_name", old.DisplayName, v.displayName)
		add("phone", old.Phone, str(v.phone))
		add("zalo", old.Zalo, v.zalo)
		add("email", old.Email, str(v.email))
		add("website", old.Website, str(v.website))
		if old.Story != v.story {
			changes["story"] = "changed"
		}
		if len(changes) == 0 {
			return nil
		}
		if v.displayName != "" && v.displayName != old.DisplayName {
			if taken, err := displayNameTaken(ctx, tx, producerID, v.displayName); err != nil {
				return err
			} else if taken {
				return apperr.FieldErrors{"display_name": "Tên hiển thị này đã được một chủ thể khác dùng. Hãy chọn tên khác, ví dụ thêm tên xã hoặc tỉnh."}
			}
		}
		_, err = tx.Exec(ctx, `UPDATE producer SET display_name = $2, story = $3, phone_e164 = $4, zalo = $5, email = $6, website = $7,
			updated_at = clock_timestamp() WHERE id = $1`, producerID, v.displayName, v.story, v.phone, v.zalo, v.email, v.website)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, ProducerID: producerID,
			Entity: "producer", EntityID: producerID, Action: "update_profile", Detail: map[string]any{"changes": changes}})
	})
	return err
}

// displayNameTaken reports whether another active producer shows the name
// (its display name, or its legal name when it has none), compared
// folded, so that no storefront can pass for another's. Concurrent
// claims of one name queue on an advisory lock.
func displayNameTaken(ctx context.Context, tx pgx.Tx, producerID int64, name string) (bool, error) {
	fold := vntext.Fold(name)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('producer-display-name:' || $1))`, fold); err != nil {
		return false, err
	}
	rows, err := tx.Query(ctx, `SELECT display_name, name_fold FROM producer
		WHERE id <> $1 AND status = 'active' AND (name_fold = $2 OR display_name <> '')`, producerID, fold)
	if err != nil {
		return false, err
	}
	var display, nameFold string
	taken := false
	_, err = pgx.ForEachRow(rows, []any{&display, &nameFold}, func() error {
		shown := nameFold
		if display != "" {
			shown = vntext.Fold(display)
		}
		taken = taken || shown == fold
		return nil
	})
	return taken, err
}
