package producer

import (
	"context"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/paging"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/vntext"
)

// Producer is a producer as the console shows it.
type Producer struct {
	ID              int64
	Name            string
	DisplayName     string
	Slug            string
	Type            string
	TaxCode         string
	RegistrationNo  string
	Representative  string
	Province        string
	ProvinceName    string
	Commune         string
	CommuneName     string
	StreetLine      string
	Phone           string
	Zalo            string
	Status          string
	SuspendedReason string
	SuspendedAt     *time.Time
	CreatedAt       time.Time
	Products        int
}

// ProducerFilter selects producers.
type ProducerFilter struct {
	Query  string      // matched against the folded name
	Status string      // active | suspended | ""
	Page   paging.Page // size: default 30, at most 100
}

const producerCols = `p.id, p.name, p.display_name, p.slug, p.producer_type, coalesce(p.tax_code, ''), p.registration_no, p.representative,
	p.province_code, pr.name, coalesce(p.commune_code, ''), coalesce(c.full_name, ''), p.street_line, coalesce(p.phone_e164, ''), p.zalo,
	p.status, p.suspended_reason, p.suspended_at, p.created_at, (SELECT count(*) FROM product x WHERE x.producer_id = p.id)`

const producerFrom = `FROM producer p JOIN province pr ON pr.code = p.province_code LEFT JOIN commune c ON c.code = p.commune_code`

func scanProducer(r pgx.Row) (*Producer, error) {
	p := &Producer{}
	err := r.Scan(&p.ID, &p.Name, &p.DisplayName, &p.Slug, &p.Type, &p.TaxCode, &p.RegistrationNo, &p.Representative,
		&p.Province, &p.ProvinceName, &p.Commune, &p.CommuneName, &p.StreetLine, &p.Phone, &p.Zalo,
		&p.Status, &p.SuspendedReason, &p.SuspendedAt, &p.CreatedAt, &p.Products)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errNotFound
	}
	return p, err
}

// Producers lists producers of the actor's provinces (admins: all) by
// name, with the filter's total.
func (s *Service) Producers(ctx context.Context, actor Actor, f ProducerFilter) (items []*Producer, total int, err error) {
	defer apperr.Wrap(&err, "producer.Producers")
	if f.Page.Size <= 0 || f.Page.Size > 100 {
		f.Page.Size = 30
	}
	f.Page = paging.Of(f.Page.Number, f.Page.Size)
	if f.Status != "active" && f.Status != "suspended" {
		f.Status = ""
	}
	fold := postgres.EscapeLike(vntext.Fold(vntext.Truncate(f.Query, 200)))
	where := `WHERE ($1::text[] IS NULL OR p.province_code = ANY ($1)) AND ($2 = '' OR p.status = $2)
		AND ($3 = '' OR p.name_fold LIKE '%' || $3 || '%')`
	if err = s.pool.QueryRow(ctx, `SELECT count(*) FROM producer p `+where, actor.scope(), f.Status, fold).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+producerCols+` `+producerFrom+` `+where+`
		ORDER BY p.name_fold, p.id LIMIT $4 OFFSET $5`, actor.scope(), f.Status, fold, f.Page.Size, f.Page.Offset())
	if err != nil {
		return nil, 0, err
	}
	items, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Producer, error) { return scanProducer(r) })
	return items, total, err
}

// Member is a user of a producer.
type Member struct {
	UserID int64
	Name   string
	Email  string
	Phone  string
	Role   string
}

// ProductRow is a producer's product with its active certificate.
type ProductRow struct {
	ID         int64
	Name       string
	Slug       string
	Status     string
	Star       int    // 0: no active certificate
	ValidUntil string // yyyy-mm-dd
}

// ProducerDetail is the console's page of one producer.
type ProducerDetail struct {
	*Producer
	Members  []Member
	Products []ProductRow
	Audit    []audit.Row
}

// ProducerDetail returns a producer of the actor's provinces (else
// NotFound) with its members, products and recent audit entries.
func (s *Service) ProducerDetail(ctx context.Context, actor Actor, id int64) (d *ProducerDetail, err error) {
	defer apperr.Wrap(&err, "producer.ProducerDetail(%d)", id)
	p, err := scanProducer(s.pool.QueryRow(ctx, `SELECT `+producerCols+` `+producerFrom+` WHERE p.id = $1`, id))
	if err != nil {
		return nil, err
	}
	if !actor.Serves(p.Province) {
		return nil, errNotFound
	}
	d = &ProducerDetail{Producer: p}
	rows, err := s.pool.Query(ctx, `SELECT u.id, u.display_name, coalesce(u.email, ''), coalesce(u.phone, ''), m.role
		FROM producer_member m JOIN app_user u ON u.id = m.user_id WHERE m.producer_id = $1 ORDER BY m.role, u.id`, id)
	if err != nil {
		return nil, err
	}
	if d.Members, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Member]); err != nil {
		return nil, err
	}
	rows, err = s.pool.Query(ctx, `SELECT x.id, x.name, x.slug, x.status, coalesce(c.star, 0), coalesce(c.valid_until::text, '')
		FROM product x LEFT JOIN certificate c ON c.product_id = x.id AND c.status = 'active'
		WHERE x.producer_id = $1 ORDER BY x.name_fold, x.id`, id)
	if err != nil {
		return nil, err
	}
	if d.Products, err = pgx.CollectRows(rows, pgx.RowToStructByPos[ProductRow]); err != nil {
		return nil, err
	}
	d.Audit, err = audit.List(ctx, s.pool, audit.Filter{ProducerID: id, Limit: 20})
	return d, err
}

var (
	// ErrAlreadySuspended is a suspension of a suspended producer.
	ErrAlreadySuspended = apperr.E(apperr.Conflict, "Chủ thể này đang bị tạm ngừng rồi.", "the producer is suspended already")
	// ErrNotSuspended is a reinstatement of an active producer.
	ErrNotSuspended = apperr.E(apperr.Conflict, "Chủ thể này đang hoạt động, không cần mở lại.", "the producer is not suspended")
)

// Suspend suspends a producer of the actor's provinces: its products
// leave the public catalog and search at once (the public_product view
// and the search outbox follow producer.status).
func (s *Service) Suspend(ctx context.Context, actor Actor, id int64, reason string) (err error) {
	defer apperr.Wrap(&err, "producer.Suspend(%d)", id)
	reason = vntext.CleanText(reason)
	switch {
	case reason == "":
		return apperr.FieldErrors{"reason": "Vui lòng ghi lý do tạm ngừng."}
	case utf8.RuneCountInString(reason) > 2000:
		return apperr.FieldErrors{"reason": "Lý do dài quá 2000 ký tự."}
	}
	return s.setStatus(ctx, actor, id, "suspended", reason)
}

// Reinstate makes a suspended producer active again.
func (s *Service) Reinstate(ctx context.Context, actor Actor, id int64) error {
	return s.setStatus(ctx, actor, id, "active", "")
}

func (s *Service) setStatus(ctx context.Context, actor Actor, id int64, status, reason string) error {
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var prov, cur string
		err := tx.QueryRow(ctx, `SELECT province_code, status FROM producer WHERE id = $1 FOR UPDATE`, id).Scan(&prov, &cur)
		if errors.Is(err, pgx.ErrNoRows) || (err == nil && !actor.Serves(prov)) {
			return errNotFound
		}
		if err != nil {
			return err
		}
		if err := RefuseMember(ctx, tx, actor, id); err != nil {
			return err
		}
		action := "suspend"
		switch {
		case status == "suspended" && cur == "suspended":
			return ErrAlreadySuspended
		case status == "active" && cur == "active":
			return ErrNotSuspended
		case status == "suspended":
			_, err = tx.Exec(ctx, `UPDATE producer SET status = 'suspended', suspended_reason = $2, suspended_at = $3, updated_at = $3 WHERE id = $1`,
				id, reason, s.now())
		default:
			action = "reinstate"
			_, err = tx.Exec(ctx, `UPDATE producer SET status = 'active', suspended_reason = '', suspended_at = NULL, updated_at = $2 WHERE id = $1`,
				id, s.now())
		}
		if err != nil {
			return err
		}
		detail := map[string]any{}
		if reason != "" {
			detail["reason"] = reason
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActingAs: actor.Acting(), ProducerID: id,
			Entity: "producer", EntityID: id, Action: action, Detail: detail})
	})
}

// RefuseMember refuses an actor who is a member of the producer: an
// officer does not suspend, reinstate or certify their own producer
// (SECURITY.md Z-05).
func RefuseMember(ctx context.Context, q postgres.Querier, actor Actor, producerID int64) error {
	var member bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM producer_member WHERE user_id = $1 AND producer_id = $2)`,
		actor.UserID, producerID).Scan(&member); err != nil {
		return err
	}
	if member {
		return ErrOwnCase
	}
	return nil
}

// FindIDByName returns the id of the producer with exactly this name
// (NotFound when none).
func (s *Service) FindIDByName(ctx context.Context, name string) (id int64, err error) {
	defer apperr.Wrap(&err, "producer.FindIDByName")
	err = s.pool.QueryRow(ctx, `SELECT id FROM producer WHERE name = $1 ORDER BY id LIMIT 1`, name).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrProducerNotFound
	}
	return id, err
}

// Scope is what the access rules know of a producer.
type Scope struct {
	ID       int64
	Province string
	Type     string
	Status   string
}

// onBehalfTypes are the producer types their province's staff may
// manage on their behalf: households and small establishments, which
// often have nobody to run a storefront.
var onBehalfTypes = map[string]bool{"ho_kinh_doanh": true, "co_so_san_xuat": true}

// ManagedOnBehalf reports whether producers of the type may be managed
// by their province's staff on their behalf.
func ManagedOnBehalf(producerType string) bool { return onBehalfTypes[producerType] }

// FindScope returns the producer's scope, or ErrProducerNotFound.
func (s *Service) FindScope(ctx context.Context, id int64) (_ *Scope, err error) {
	defer apperr.Wrap(&err, "producer.FindScope")
	sc := &Scope{ID: id}
	err = s.pool.QueryRow(ctx, `SELECT province_code, producer_type, status FROM producer WHERE id = $1`, id).
		Scan(&sc.Province, &sc.Type, &sc.Status)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrProducerNotFound
	}
	if err != nil {
		return nil, err
	}
	return sc, nil
}

// Summary is what every back-office page shows of the producer.
type Summary struct {
	ID              int64
	Name            string
	DisplayName     string
	Slug            string
	Type            string
	Status          string
	SuspendedReason string
}

// Label is the name the producer shows to shoppers.
func (p *Summary) Label() string {
	if p.DisplayName != "" {
		return p.DisplayName
	}
	return p.Name
}

// Summary returns the summary of producer id, or ErrProducerNotFound.
func (s *Service) Summary(ctx context.Context, id int64) (_ *Summary, err error) {
	defer apperr.Wrap(&err, "producer.Summary(%d)", id)
	p := &Summary{}
	err = s.pool.QueryRow(ctx, `SELECT id, name, display_name, slug, producer_type, status, suspended_reason FROM producer WHERE id = $1`, id).
		Scan(&p.ID, &p.Name, &p.DisplayName, &p.Slug, &p.Type, &p.Status, &p.SuspendedReason)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrProducerNotFound
	}
	return p, err
}

// Summaries returns the summaries of producers ids, in name order (the
// memberships of a user).
func (s *Service) Summaries(ctx context.Context, ids []int64) (_ []*Summary, err error) {
	defer apperr.Wrap(&err, "producer.Summaries")
	rows, err := s.pool.Query(ctx, `SELECT id, name, display_name, slug, producer_type, status, suspended_reason
		FROM producer WHERE id = ANY ($1) ORDER BY name`, ids)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Summary, error) {
		p := &Summary{}
		err := r.Scan(&p.ID, &p.Name, &p.DisplayName, &p.Slug, &p.Type, &p.Status, &p.SuspendedReason)
		return p, err
	})
}
