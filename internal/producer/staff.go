package producer

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
)

// StaffUser is a user with the provinces they serve.
type StaffUser struct {
	UserID    int64
	Name      string
	Email     string
	Phone     string
	Provinces []string // names
}

// Staff lists users who serve at least one province, with the names of
// their provinces.
func (s *Service) Staff(ctx context.Context) (out []StaffUser, err error) {
	defer apperr.Wrap(&err, "producer.Staff")
	rows, err := s.pool.Query(ctx, `SELECT u.id, u.display_name, coalesce(u.email, ''), coalesce(u.phone, ''),
		array_agg(pr.name ORDER BY pr.name)
		FROM staff_province sp JOIN app_user u ON u.id = sp.user_id JOIN province pr ON pr.code = sp.province_code
		GROUP BY u.id ORDER BY u.display_name, u.id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[StaffUser])
}

// ErrNoSuchUser is a grant for an identifier no account has.
var ErrNoSuchUser = apperr.FieldErrors{"identifier": "Không có tài khoản nào với email hoặc số điện thoại này."}

// SetStaffProvince grants (grant true) or revokes a province to the
// user with the identifier (email or phone), as an admin. The user's
// sessions end, so the new rights apply from their next sign-in
// (SECURITY.md S-03). It returns the user's id.
func (s *Service) SetStaffProvince(ctx context.Context, actor Actor, identifier, province string, grant bool) (uid int64, err error) {
	defer apperr.Wrap(&err, "producer.SetStaffProvince")
	if !actor.Admin {
		return 0, apperr.E(apperr.Forbidden, "Chỉ quản trị viên được phân quyền cán bộ.", "admins only")
	}
	fe := apperr.FieldErrors{}
	id, ok := account.ParseIdentifier(identifier)
	if !ok {
		fe["identifier"] = "Nhập email hoặc số điện thoại di động của cán bộ."
	}
	var provOK bool
	if provRE.MatchString(province) {
		if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM province WHERE code = $1)`, province).Scan(&provOK); err != nil {
			return 0, err
		}
	}
	if !provOK {
		fe["province"] = "Vui lòng chọn tỉnh, thành phố."
	}
	if len(fe) > 0 {
		return 0, fe
	}
	err = s.pool.QueryRow(ctx, `SELECT id FROM app_user WHERE ($1 <> '' AND email = $1) OR ($2 <> '' AND phone = $2)`, id.Email, id.Phone).Scan(&uid)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrNoSuchUser
	}
	if err != nil {
		return 0, err
	}
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		action := "grant_staff"
		var tag interface{ RowsAffected() int64 }
		var err error
		if grant {
			tag, err = tx.Exec(ctx, `INSERT INTO staff_province (user_id, province_code) VALUES ($1, $2) ON CONFLICT DO NOTHING`, uid, province)
		} else {
			action = "revoke_staff"
			tag, err = tx.Exec(ctx, `DELETE FROM staff_province WHERE user_id = $1 AND province_code = $2`, uid, province)
		}
		if err != nil || tag.RowsAffected() == 0 {
			return err // nothing changed: no audit entry, sessions kept
		}
		if _, err := tx.Exec(ctx, `DELETE FROM user_session WHERE user_id = $1`, uid); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActingAs: actor.Acting(), Entity: "staff_province", EntityID: uid,
			Action: action, Detail: map[string]any{"user_id": uid, "province": province}})
	})
	return uid, err
}
