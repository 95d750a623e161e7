package producer

import (
	"context"
	"errors"
	"strings"

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
	Provinces []string // names, each with its kind: "Thái Nguyên (Văn phòng điều phối OCOP …)"
}

// Staff lists users who serve at least one province, with the names of
// their provinces.
func (s *Service) Staff(ctx context.Context) (out []StaffUser, err error) {
	defer apperr.Wrap(&err, "producer.Staff")
	rows, err := s.pool.Query(ctx, `SELECT u.id, u.display_name, coalesce(u.email, ''), coalesce(u.phone, ''),
		array_agg(pr.name || '|' || sp.kind ORDER BY pr.name, sp.kind)
		FROM staff_province sp JOIN app_user u ON u.id = sp.user_id JOIN province pr ON pr.code = sp.province_code
		GROUP BY u.id ORDER BY u.display_name, u.id`)
	if err != nil {
		return nil, err
	}
	out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[StaffUser])
	for i := range out {
		for j, p := range out[i].Provinces {
			name, kind, _ := strings.Cut(p, "|")
			out[i].Provinces[j] = name + " (" + label(StaffKinds, kind) + ")"
		}
	}
	return out, err
}

// ErrNoSuchUser is a grant for an identifier no account has.
var ErrNoSuchUser = apperr.FieldErrors{"identifier": "Không có tài khoản nào với email hoặc số điện thoại này."}

// SetStaffProvince grants (grant true) or revokes a province's department
// of kind to the user with the identifier (email or phone), as an admin. The user's
// sessions end, so the new rights apply from their next sign-in
// (SECURITY.md S-03). It returns the user's id.
func (s *Service) SetStaffProvince(ctx context.Context, actor Actor, identifier, province, kind string, grant bool) (uid int64, err error) {
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
	if !valid(StaffKinds, kind) {
		fe["kind"] = "Vui lòng chọn cơ quan của cán bộ."
	}
	if len(fe) > 0 {
		return 0, fe
	}
	uid, err = account.FindUserID(ctx, s.pool, id)
	if errors.Is(err, account.ErrNoSuchUser) {
		return 0, ErrNoSuchUser
	}
	if err != nil {
		return 0, err
	}
	return uid, s.setStaff(ctx, actor, uid, province, kind, grant)
}

// GrantStaff makes the user staff of a province's department of kind
// (StaffOCOPOffice or StaffTradePromotion), as
// actor (an admin, or System for the demo and the grant-staff command).
// Like SetStaffProvince, a new grant ends the user's sessions and is
// audited; a grant the user has already changes nothing.
func (s *Service) GrantStaff(ctx context.Context, actor Actor, userID int64, province, kind string) (err error) {
	defer apperr.Wrap(&err, "producer.GrantStaff(%d, %s, %s)", userID, province, kind)
	if !actor.Admin {
		return apperr.E(apperr.Forbidden, "Chỉ quản trị viên được phân quyền cán bộ.", "admins only")
	}
	if !valid(StaffKinds, kind) {
		return apperr.E(apperr.Invalid, "Cơ quan của cán bộ không hợp lệ.", "unknown staff kind "+kind)
	}
	return s.setStaff(ctx, actor, userID, province, kind, true)
}

// setStaff grants or revokes the province in one transaction with the
// end of the user's sessions and the audit entry; nothing changes (and
// nothing is recorded) when the grant already is as asked.
func (s *Service) setStaff(ctx context.Context, actor Actor, uid int64, province, kind string, grant bool) error {
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		action := "grant_staff"
		var tag interface{ RowsAffected() int64 }
		var err error
		if grant {
			tag, err = tx.Exec(ctx, `INSERT INTO staff_province (user_id, province_code, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, uid, province, kind)
		} else {
			action = "revoke_staff"
			tag, err = tx.Exec(ctx, `DELETE FROM staff_province WHERE user_id = $1 AND province_code = $2 AND kind = $3`, uid, province, kind)
		}
		if err != nil || tag.RowsAffected() == 0 {
			return err // nothing changed: no audit entry, sessions kept
		}
		if err := account.EndSessions(ctx, tx, uid); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActingAs: actor.Acting(), Entity: "staff_province", EntityID: uid,
			Action: action, Detail: map[string]any{"user_id": uid, "province": province, "kind": kind}})
	})
}

// AddMember gives the user a role (owner or staff) on a producer, as
// actor (an admin, or System for the demo). The user's sessions end, so
// the role applies from their next sign-in (SECURITY.md S-02); the change
// is audited.
func (s *Service) AddMember(ctx context.Context, actor Actor, userID, producerID int64, role string) (err error) {
	defer apperr.Wrap(&err, "producer.AddMember(%d, %d)", userID, producerID)
	if !actor.Admin {
		return apperr.E(apperr.Forbidden, "Chỉ quản trị viên được thêm thành viên.", "admins only")
	}
	if role != "owner" && role != "staff" {
		return apperr.E(apperr.Invalid, "Vai trò không hợp lệ.", "role must be owner or staff")
	}
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		changed, err := upsertMember(ctx, tx, userID, producerID, role)
		if err != nil || !changed {
			return err // nothing changed: no audit entry, sessions kept
		}
		if err := account.EndSessions(ctx, tx, userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActingAs: actor.Acting(), ProducerID: producerID,
			Entity: "producer_member", EntityID: userID, Action: "add_member", Detail: map[string]any{"user_id": userID, "role": role}})
	})
}

// upsertMember gives the user role on the producer (a role they had is
// replaced) and reports whether anything changed.
func upsertMember(ctx context.Context, q postgres.Querier, userID, producerID int64, role string) (bool, error) {
	tag, err := q.Exec(ctx, `INSERT INTO producer_member (user_id, producer_id, role) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, producer_id) DO UPDATE SET role = EXCLUDED.role
		WHERE producer_member.role IS DISTINCT FROM EXCLUDED.role`, userID, producerID, role)
	return tag.RowsAffected() > 0, err
}
