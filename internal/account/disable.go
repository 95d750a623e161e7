package account

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
)

// ErrDisableSelf refuses an admin locking themself out.
var ErrDisableSelf = apperr.FieldErrors{"identifier": "Không thể tự khoá tài khoản của chính mình."}

// SetDisabled disables (or re-enables) the account of identifier (an
// e-mail or phone): a disabled account cannot sign in, and its sessions
// end at once (SECURITY.md S-03). The change is audited; reason is kept in
// the entry. An admin cannot disable themself.
func (s *Service) SetDisabled(ctx context.Context, actor audit.Actor, identifier string, disabled bool, reason string) (userID int64, err error) {
	id, ok := ParseIdentifier(identifier)
	if !ok {
		return 0, apperr.FieldErrors{"identifier": "Hãy nhập email hoặc số điện thoại di động của tài khoản."}
	}
	uid, err := FindUserID(ctx, s.pool, id)
	if errors.Is(err, ErrNoSuchUser) {
		return 0, apperr.FieldErrors{"identifier": ErrNoSuchUser.Message}
	}
	if err != nil {
		return 0, err
	}
	if disabled && uid == actor.UserID {
		return 0, ErrDisableSelf
	}
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var tag interface{ RowsAffected() int64 }
		var err error
		if disabled {
			tag, err = tx.Exec(ctx, `UPDATE app_user SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL`, uid, s.now())
		} else {
			tag, err = tx.Exec(ctx, `UPDATE app_user SET disabled_at = NULL WHERE id = $1 AND disabled_at IS NOT NULL`, uid)
		}
		if err != nil || tag.RowsAffected() == 0 {
			return err // already so: nothing to record
		}
		if err := EndSessions(ctx, tx, uid); err != nil {
			return err
		}
		action := "enable"
		if disabled {
			action = "disable"
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActingAs: actor.ActingAs, Entity: "account", EntityID: uid,
			Action: action, Detail: map[string]any{"identifier": id.Key(), "reason": reason}})
	})
	return uid, err
}
