package producer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/paging"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/vntext"
)

// Statuses of an application, in the queue's order of tabs.
var Statuses = []string{"submitted", "changes_requested", "approved", "rejected"}

// QueueFilter selects applications.
type QueueFilter struct {
	Status string      // "" = all
	Page   paging.Page // size: default 50, at most 100
}

// Queue is a page of applications and the count of each status.
type Queue struct {
	Items  []*Application
	Counts map[string]int
	Total  int // of the filter
}

// Applications lists applications of the provinces the actor serves
// (admins: all), newest submitted first.
func (s *Service) Applications(ctx context.Context, actor Actor, f QueueFilter) (q *Queue, err error) {
	defer apperr.Wrap(&err, "producer.Applications")
	if f.Page.Size <= 0 || f.Page.Size > 100 {
		f.Page.Size = 50
	}
	f.Page = paging.Of(f.Page.Number, f.Page.Size)
	if f.Status != "" && !validStatus(f.Status) {
		f.Status = ""
	}
	q = &Queue{Counts: map[string]int{}}
	rows, err := s.pool.Query(ctx, `SELECT status, count(*) FROM producer_application
		WHERE ($1::text[] IS NULL OR province_code = ANY ($1)) GROUP BY status`, actor.scope())
	if err != nil {
		return nil, err
	}
	var st string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&st, &n}, func() error { q.Counts[st] = n; return nil }); err != nil {
		return nil, err
	}
	for k, v := range q.Counts {
		if f.Status == "" || f.Status == k {
			q.Total += v
		}
	}
	rows, err = s.pool.Query(ctx, `SELECT `+applicationCols+` `+applicationFrom+`
		WHERE ($1::text[] IS NULL OR a.province_code = ANY ($1)) AND ($2 = '' OR a.status = $2)
		ORDER BY a.updated_at DESC, a.id DESC LIMIT $3 OFFSET $4`, actor.scope(), f.Status, f.Page.Size, f.Page.Offset())
	if err != nil {
		return nil, err
	}
	q.Items, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Application, error) { return scanApplication(r) })
	return q, err
}

func validStatus(s string) bool {
	for _, v := range Statuses {
		if v == s {
			return true
		}
	}
	return false
}

// Application returns an application of a province the actor serves
// (else NotFound) with its documents and history.
func (s *Service) Application(ctx context.Context, actor Actor, id int64) (a *Application, history []audit.Row, err error) {
	defer apperr.Wrap(&err, "producer.Application(%d)", id)
	a, err = scanApplication(s.pool.QueryRow(ctx, `SELECT `+applicationCols+` `+applicationFrom+` WHERE a.id = $1`, id))
	if err != nil {
		return nil, nil, err
	}
	if !actor.Serves(a.Province) {
		return nil, nil, errNotFound
	}
	if a.Documents, err = s.documents(ctx, s.pool, id); err != nil {
		return nil, nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT l.id, l.at, coalesce(l.actor_id, 0), coalesce(u.display_name, ''), l.acting_as,
		coalesce(l.producer_id, 0), l.entity, coalesce(l.entity_id, 0), l.action, l.detail
		FROM audit_log l LEFT JOIN app_user u ON u.id = l.actor_id
		WHERE l.entity = 'application' AND l.entity_id = $1 ORDER BY l.id`, id)
	if err != nil {
		return nil, nil, err
	}
	history, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (audit.Row, error) {
		var x audit.Row
		err := r.Scan(&x.ID, &x.At, &x.ActorID, &x.ActorName, &x.ActingAs, &x.ProducerID, &x.Entity, &x.EntityID, &x.Action, &x.Detail)
		return x, err
	})
	return a, history, err
}

var (
	// ErrDecided is a decision on an application that is no longer waiting.
	ErrDecided = apperr.E(apperr.Conflict, "Hồ sơ này đã được xử lý (có thể do bạn bấm hai lần hoặc cán bộ khác đã xử lý). Hãy tải lại trang để xem trạng thái mới.", "the application is not waiting for a decision")
	// ErrOwnCase is an officer's decision on their own application, or a
	// change to a producer they are a member of (SECURITY.md Z-05).
	ErrOwnCase = apperr.E(apperr.Conflict, "Hồ sơ này cần cán bộ khác xử lý: bạn không thể tự duyệt hồ sơ của mình hoặc xử lý chủ thể mà bạn là thành viên.", "the actor's own application or producer")
	// ErrDuplicateName is an approval when the province has a producer of that name.
	ErrDuplicateName = apperr.E(apperr.Conflict, "Tỉnh này đã có một chủ thể cùng tên. Hãy kiểm tra lại: có thể chủ thể đã được tạo (ví dụ khi nhập danh sách OCOP): khi đó hãy dùng “Gắn với chủ thể đã có”. Hồ sơ chưa được duyệt.", "a producer of that name exists in the province")
)

// lockApplication locks a waiting application of a province the actor
// serves.
func lockApplication(ctx context.Context, tx pgx.Tx, actor Actor, id int64) (*Application, error) {
	a := &Application{ID: id}
	var tax, commune *string
	err := tx.QueryRow(ctx, `SELECT user_id, legal_name, producer_type, tax_code, registration_no, representative, province_code,
		commune_code, street_line, phone_e164, zalo, status FROM producer_application WHERE id = $1 FOR UPDATE`, id).
		Scan(&a.UserID, &a.LegalName, &a.ProducerType, &tax, &a.RegistrationNo, &a.Representative, &a.Province,
			&commune, &a.StreetLine, &a.PhoneE164, &a.Zalo, &a.Status)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !actor.Serves(a.Province)) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	if tax != nil {
		a.TaxCode = *tax
	}
	if commune != nil {
		a.Commune = *commune
	}
	if a.UserID == actor.UserID {
		return nil, ErrOwnCase
	}
	if a.Status != "submitted" {
		return nil, ErrDecided
	}
	return a, nil
}

// Approve creates the producer of a waiting application, makes the
// applicant its owner, ends the applicant's sessions and marks the
// application approved, in one transaction. It returns the producer's id.
func (s *Service) Approve(ctx context.Context, actor Actor, id int64) (producerID int64, err error) {
	defer apperr.Wrap(&err, "producer.Approve(%d)", id)
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		a, err := lockApplication(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		name := vntext.NFC(a.LegalName)
		fold := vntext.Fold(name)
		var dup bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM producer WHERE province_code = $1 AND name_fold = $2)`, a.Province, fold).Scan(&dup); err != nil {
			return err
		}
		if dup {
			return ErrDuplicateName
		}
		slug, err := uniqueSlug(ctx, tx, vntext.Slug(name))
		if err != nil {
			return err
		}
		var tax, commune *string
		if a.TaxCode != "" {
			tax = &a.TaxCode
		}
		if a.Commune != "" {
			commune = &a.Commune
		}
		// The applicant's phone and Zalo stay on the application, for
		// staff: the producer row is public (storefront, API), and the
		// owner chooses what to publish on the profile form.
		err = tx.QueryRow(ctx, `INSERT INTO producer (name, name_fold, producer_type, tax_code, province_code, commune_code, street_line,
			slug, registration_no, representative, status)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'active') RETURNING id`,
			name, fold, a.ProducerType, tax, a.Province, commune, a.StreetLine, slug, a.RegistrationNo, a.Representative).Scan(&producerID)
		if postgres.IsUniqueViolation(err, "producer_province_name_key") {
			return ErrDuplicateName
		}
		if postgres.IsUniqueViolation(err, "producer_slug_key") {
			// another approval took the slug meanwhile
			return apperr.E(apperr.Conflict, "Hệ thống đang bận, hồ sơ chưa được duyệt. Vui lòng bấm duyệt lại.", "slug taken concurrently")
		}
		if err != nil {
			return err
		}
		if err := s.approveAsOwner(ctx, tx, actor, id, a.UserID, producerID); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActingAs: actor.Acting(), ProducerID: producerID,
			Entity: "application", EntityID: id, Action: "approve", Detail: map[string]any{"producer_id": producerID}}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActingAs: actor.Acting(), ProducerID: producerID,
			Entity: "producer", EntityID: producerID, Action: "create",
			Detail: map[string]any{"name": name, "slug": slug, "province": a.Province, "owner_user_id": a.UserID, "application_id": id}})
	})
	return producerID, err
}

// uniqueSlug returns base, or base-2, base-3… when taken.
func uniqueSlug(ctx context.Context, tx pgx.Tx, base string) (string, error) {
	if base == "" {
		base = "chu-the"
	}
	base = strings.Trim(vntext.Truncate(base, 110), "-")
	rows, err := tx.Query(ctx, `SELECT slug FROM producer WHERE slug = $1 OR slug LIKE $2`, base, base+"-%")
	if err != nil {
		return "", err
	}
	taken, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", err
	}
	set := map[string]bool{}
	for _, t := range taken {
		set[t] = true
	}
	if !set[base] {
		return base, nil
	}
	for n := 2; ; n++ {
		if c := base + "-" + strconv.Itoa(n); !set[c] {
			return c, nil
		}
	}
}

// RequestChanges sends a waiting application back to the applicant with
// a note.
func (s *Service) RequestChanges(ctx context.Context, actor Actor, id int64, note string) error {
	return s.decide(ctx, actor, id, note, "changes_requested", "request_changes")
}

// Reject rejects a waiting application with the reason.
func (s *Service) Reject(ctx context.Context, actor Actor, id int64, note string) error {
	return s.decide(ctx, actor, id, note, "rejected", "reject")
}

func (s *Service) decide(ctx context.Context, actor Actor, id int64, note, status, action string) (err error) {
	defer apperr.Wrap(&err, "producer.decide(%d, %s)", id, status)
	note = vntext.CleanText(note)
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		// access first: another province's application does not exist
		if _, err := lockApplication(ctx, tx, actor, id); err != nil {
			return err
		}
		switch {
		case note == "":
			return apperr.FieldErrors{"note": "Vui lòng ghi rõ lý do hoặc những gì cần bổ sung, để người nộp hồ sơ biết phải làm gì."}
		case utf8.RuneCountInString(note) > 4000:
			return apperr.FieldErrors{"note": "Ghi chú dài quá 4000 ký tự."}
		}
		if _, err := tx.Exec(ctx, `UPDATE producer_application SET status = $2, review_note = $3, reviewed_by = $4,
			reviewed_at = $5 WHERE id = $1`, id, status, note, actor.UserID, s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActingAs: actor.Acting(), Entity: "application", EntityID: id,
			Action: action, Detail: map[string]any{"note": note}})
	})
}

// Counts are the console start page's numbers for the actor's provinces.
type Counts struct {
	Waiting, ChangesRequested, Producers, Suspended int
}

// ConsoleCounts counts applications waiting and producers in the actor's
// provinces (admins: all).
func (s *Service) ConsoleCounts(ctx context.Context, actor Actor) (c Counts, err error) {
	err = s.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM producer_application WHERE status = 'submitted' AND ($1::text[] IS NULL OR province_code = ANY ($1))),
		(SELECT count(*) FROM producer_application WHERE status = 'changes_requested' AND ($1::text[] IS NULL OR province_code = ANY ($1))),
		(SELECT count(*) FROM producer WHERE ($1::text[] IS NULL OR province_code = ANY ($1))),
		(SELECT count(*) FROM producer WHERE status = 'suspended' AND ($1::text[] IS NULL OR province_code = ANY ($1)))`, actor.scope()).
		Scan(&c.Waiting, &c.ChangesRequested, &c.Producers, &c.Suspended)
	if err != nil {
		err = fmt.Errorf("producer.ConsoleCounts: %w", err)
	}
	return c, err
}

// approveAsOwner makes the applicant the producer's owner and the
// application approved for that producer, inside tx. The role change ends
// the applicant's sessions: they sign in again with the new role
// (SECURITY.md S-02).
func (s *Service) approveAsOwner(ctx context.Context, tx pgx.Tx, actor Actor, appID, applicantID, producerID int64) error {
	if _, err := upsertMember(ctx, tx, applicantID, producerID, "owner"); err != nil {
		return err
	}
	if err := account.EndSessions(ctx, tx, applicantID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE producer_application SET status = 'approved', producer_id = $2, reviewed_by = $3,
		reviewed_at = $4 WHERE id = $1`, appID, producerID, actor.UserID, s.now())
	return err
}
