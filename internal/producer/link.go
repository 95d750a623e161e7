package producer

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/vntext"
)

// Candidate is an existing producer an application may be linked to.
type Candidate struct {
	ID       int64
	Name     string
	Slug     string
	HasOwner bool
}

// Candidates lists the producers of the application's province whose
// folded name is the applicant's legal name: producers imported from the
// OCOP list that the applicant may take over. The actor must serve the
// province (else NotFound).
func (s *Service) Candidates(ctx context.Context, actor Actor, appID int64) (out []Candidate, err error) {
	defer apperr.Wrap(&err, "producer.Candidates(%d)", appID)
	var prov, name string
	err = s.pool.QueryRow(ctx, `SELECT province_code, legal_name FROM producer_application WHERE id = $1`, appID).Scan(&prov, &name)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !actor.Serves(prov)) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT p.id, p.name, p.slug,
		EXISTS (SELECT 1 FROM producer_member m WHERE m.producer_id = p.id AND m.role = 'owner')
		FROM producer p WHERE p.province_code = $1 AND p.name_fold = $2 ORDER BY p.id`, prov, vntext.Fold(vntext.NFC(name)))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Candidate])
}

var (
	// ErrHasOwner is a link to a producer that has an owner already.
	ErrHasOwner = apperr.E(apperr.Conflict, "Chủ thể này đã có chủ sở hữu trên hệ thống. Nếu người nộp hồ sơ là người của chủ thể, chủ sở hữu hiện tại cần thêm họ; hồ sơ chưa được duyệt.", "the producer has an owner")
	// ErrChooseProducer is a link without a producer.
	ErrChooseProducer = apperr.FieldErrors{"existing": "Vui lòng chọn chủ thể trong danh sách hoặc nhập địa chỉ trang (slug) của chủ thể."}
	// ErrNoSuchProducer is a link to a producer not in the application's province.
	ErrNoSuchProducer = apperr.FieldErrors{"existing": "Không tìm thấy chủ thể này trong tỉnh của hồ sơ. Hãy kiểm tra địa chỉ trang (slug)."}
)

// LinkExisting approves a waiting application by making the applicant the
// owner of a producer that exists already in its province (imported from
// the OCOP list), given by id or slug, instead of creating one. The
// applicant's sessions end (a role change, SECURITY.md S-02); it is
// audited on the application and the producer. It returns the producer's
// id.
func (s *Service) LinkExisting(ctx context.Context, actor Actor, appID int64, ref string) (producerID int64, err error) {
	defer apperr.Wrap(&err, "producer.LinkExisting(%d)", appID)
	ref = strings.TrimSpace(ref)
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		a, err := lockApplication(ctx, tx, actor, appID)
		if err != nil {
			return err
		}
		if ref == "" {
			return ErrChooseProducer
		}
		id, _ := strconv.ParseInt(ref, 10, 64)
		slug := strings.ToLower(strings.Trim(ref, "/"))
		if i := strings.LastIndex(slug, "/"); i >= 0 {
			slug = slug[i+1:] // a pasted /cua-hang/<slug> address
		}
		var name string
		// a number is an id, anything else a slug: never both, which could
		// match two producers
		q := `SELECT id, name FROM producer WHERE province_code = $1 AND slug = $2 FOR UPDATE`
		var key any = slug
		if id > 0 {
			q, key = `SELECT id, name FROM producer WHERE province_code = $1 AND id = $2 FOR UPDATE`, id
		}
		err = tx.QueryRow(ctx, q, a.Province, key).Scan(&producerID, &name)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNoSuchProducer
		}
		if err != nil {
			return err
		}
		if err := RefuseMember(ctx, tx, actor, producerID); err != nil {
			return err
		}
		var owned bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM producer_member WHERE producer_id = $1 AND role = 'owner')`, producerID).Scan(&owned); err != nil {
			return err
		}
		if owned {
			return ErrHasOwner
		}
		if err := s.approveAsOwner(ctx, tx, actor, appID, a.UserID, producerID); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActingAs: actor.Acting(), ProducerID: producerID,
			Entity: "application", EntityID: appID, Action: "link_existing", Detail: map[string]any{"producer_id": producerID, "name": name}}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActingAs: actor.Acting(), ProducerID: producerID,
			Entity: "producer", EntityID: producerID, Action: "add_owner",
			Detail: map[string]any{"owner_user_id": a.UserID, "application_id": appID}})
	})
	return producerID, err
}
