package showroom

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/vntext"
)

// A showroom may be run by a producer of the platform (a cooperative's
// own shop, a company's counter): trade promotion names it, and the
// producer's owner and staff then keep the products the showroom carries
// from their back-office. Everything else stays with trade promotion.

// ErrOperatorRef refuses an operator that is not a producer of the
// platform.
var ErrOperatorRef = apperr.E(apperr.Invalid, "Không có cơ sở sản xuất nào với địa chỉ này. Hãy dán đường dẫn trang cửa hàng (ví dụ /cua-hang/htx-che-tan-cuong) hoặc để trống.", "no producer with this slug")

// SetOperator names the producer (by storefront address or slug; empty:
// none) that runs showroom id.
func (s *Service) SetOperator(ctx context.Context, a audit.Actor, may May, id int64, ref string) (err error) {
	defer apperr.Wrap(&err, "showroom.SetOperator(%d)", id)
	slug := vntext.SlugIn(ref, "cua-hang")
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := scoped(ctx, tx, may, id); err != nil {
			return err
		}
		var pid *int64
		name := ""
		if slug != "" {
			var p int64
			err := tx.QueryRow(ctx, `SELECT id, name FROM producer WHERE slug = $1`, slug).Scan(&p, &name)
			if errors.Is(err, pgx.ErrNoRows) {
				return ErrOperatorRef
			}
			if err != nil {
				return err
			}
			pid = &p
		}
		tag, err := tx.Exec(ctx, `UPDATE showroom SET operator_producer_id = $2, updated_at = now()
			WHERE id = $1 AND operator_producer_id IS DISTINCT FROM $2`, id, pid)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, Entity: "showroom", EntityID: id,
			Action: "set_operator", Detail: map[string]any{"producer": name, "slug": slug}})
	})
}

// Operated lists the showrooms producerID runs (whatever their status),
// by name.
func (s *Service) Operated(ctx context.Context, producerID int64) (_ []*Showroom, err error) {
	defer apperr.Wrap(&err, "showroom.Operated(%d)", producerID)
	rows, err := s.pool.Query(ctx, `
		SELECT `+columnsSQL+`
		FROM showroom s JOIN province p ON p.code = s.province_code LEFT JOIN commune c ON c.code = s.commune_code
		WHERE s.operator_producer_id = $1 ORDER BY s.name_fold, s.id`, producerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Showroom
	for rows.Next() {
		sr, err := scanShowroom(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sr)
	}
	return out, rows.Err()
}

// OperatedByID returns showroom id when producerID runs it, else
// ErrNotFound (the same answer as an unknown showroom).
func (s *Service) OperatedByID(ctx context.Context, producerID, id int64) (*Showroom, error) {
	sr, err := s.ByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if sr.Operator.ID != producerID || producerID == 0 {
		return nil, ErrNotFound
	}
	return sr, nil
}

// SetOperatedProduct is SetProduct by the producer that runs showroom id:
// a showroom it does not run is ErrNotFound.
func (s *Service) SetOperatedProduct(ctx context.Context, a audit.Actor, producerID, id int64, ref string, change ProductChange) (err error) {
	defer apperr.Wrap(&err, "showroom.SetOperatedProduct(%d, %d)", producerID, id)
	return s.setProduct(ctx, a, producerID, func(tx pgx.Tx) error {
		var op *int64
		err := tx.QueryRow(ctx, `SELECT operator_producer_id FROM showroom WHERE id = $1 FOR UPDATE`, id).Scan(&op)
		if errors.Is(err, pgx.ErrNoRows) || (err == nil && (op == nil || *op != producerID)) {
			return ErrNotFound
		}
		return err
	}, id, ref, change)
}
