package product

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/sanitize"
	"github.com/ocopvn/ocop/internal/vntext"
)

// Actor is who makes a change and how they act on the producer
// (audit.AsMember, AsStaff, AsAdmin).
type Actor = audit.Actor

// Errors callers branch on.
var (
	ErrProductNotFound  = apperr.E(apperr.NotFound, "Không tìm thấy sản phẩm.", "product not found")
	ErrProducerNotFound = producer.ErrProducerNotFound
	ErrStale            = apperr.E(apperr.Conflict,
		"Sản phẩm vừa được sửa ở nơi khác sau khi bạn mở trang này, nên thay đổi của bạn chưa được lưu. Thông tin bạn nhập vẫn còn bên dưới: hãy xem lại rồi bấm Lưu sản phẩm lần nữa, hoặc tải lại trang để xem bản mới nhất.",
		"stale product version")
)

// Why publishing was refused (SaveResult.Refused).
const (
	RefusedNoCertificate     = "no_certificate"
	RefusedProducerSuspended = "producer_suspended"
	RefusedProductSuspended  = "product_suspended"
)

// RefusedMessages explain each refusal next to the status field.
var RefusedMessages = map[string]string{
	RefusedNoCertificate:     "Sản phẩm chưa có chứng nhận OCOP còn hiệu lực nên được lưu ở trạng thái bản nháp. Khi cán bộ ghi nhận chứng nhận cho sản phẩm, bạn có thể chọn Đang bán.",
	RefusedProducerSuspended: "Gian hàng đang bị tạm ngừng nên sản phẩm được lưu ở trạng thái bản nháp. Sản phẩm chỉ được bán khi gian hàng hoạt động trở lại.",
	RefusedProductSuspended:  "Sản phẩm đang bị cán bộ tạm ngừng nên trạng thái không đổi. Các thông tin khác đã được lưu.",
}

// Product is a producer's product as the back-office edits it.
type Product struct {
	ID              int64
	Name            string
	Slug            string
	Group           string
	DescriptionHTML string
	Description     string
	Unit            string
	PriceVND        int64
	Stock           int32
	Status          string
	UpdatedAt       time.Time
	// CanPublish: the product has an active, unexpired certificate and
	// the producer is active.
	CanPublish bool
	// the active certificate, if any (Star 0: none)
	Star       int
	DecisionNo string
	ValidUntil time.Time
	// VerifyCode is the code of the product's QR label (/xac-minh/{code}).
	VerifyCode string
}

// Version is the optimistic-concurrency token of the edit form.
func (p *Product) Version() string { return strconv.FormatInt(p.UpdatedAt.UnixMicro(), 10) }

// Input is the edit form filled with the product.
func (p *Product) Input() ProductInput {
	// plain paragraphs are shown as the text they came from; only real
	// formatting shows as HTML
	desc := p.DescriptionHTML
	if h, _ := sanitize.Rich(p.Description); desc == "" || h == desc {
		desc = p.Description
	}
	return ProductInput{Name: p.Name, Group: p.Group, Description: desc, Unit: p.Unit,
		Price: strconv.FormatInt(p.PriceVND, 10), Stock: strconv.FormatInt(int64(p.Stock), 10), Status: p.Status, Version: p.Version()}
}

// SaveResult is what a save did.
type SaveResult struct {
	ID     int64
	Slug   string
	Status string // the status saved
	// Refused is why the chosen status "published" was not saved (one of
	// Refused*), or "".
	Refused string
}

// vnToday is today's date in Vietnam, as the public_product view has it.
const vnToday = `(now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`

// Product returns the product id of producer, or ErrProductNotFound (also
// when it belongs to another producer).
func (s *Service) Product(ctx context.Context, producerID, id int64) (_ *Product, err error) {
	defer apperr.Wrap(&err, "product.Product(%d, %d)", producerID, id)
	p := &Product{}
	err = s.pool.QueryRow(ctx, `
		SELECT p.id, p.name, p.slug, p.group_code, p.description_html, p.description, p.unit, p.price_vnd, p.stock, p.status, p.updated_at,
		       coalesce(pr.status = 'active' AND c.valid_until >= `+vnToday+`, false),
		       coalesce(c.star, 0), coalesce(c.decision_no, ''), coalesce(c.valid_until, '0001-01-01'), p.verify_code
		FROM product p JOIN producer pr ON pr.id = p.producer_id
		LEFT JOIN certificate c ON c.product_id = p.id AND c.status = 'active'
		WHERE p.id = $1 AND p.producer_id = $2`, id, producerID).Scan(
		&p.ID, &p.Name, &p.Slug, &p.Group, &p.DescriptionHTML, &p.Description, &p.Unit, &p.PriceVND, &p.Stock, &p.Status, &p.UpdatedAt, &p.CanPublish,
		&p.Star, &p.DecisionNo, &p.ValidUntil, &p.VerifyCode)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrProductNotFound
	}
	return p, err
}

// CreateProduct adds a product to producer. Field errors come back as
// apperr.FieldErrors with nothing saved. A product is new, so it has no
// certificate yet: asking to publish it saves a draft (SaveResult.Refused).
func (s *Service) CreateProduct(ctx context.Context, a Actor, producerID int64, in ProductInput) (res SaveResult, err error) {
	defer apperr.Wrap(&err, "product.CreateProduct(%d)", producerID)
	v, fe := in.validate()
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		producerStatus, err := lockProducer(ctx, tx, producerID)
		if err != nil {
			return err
		}
		if v.status == StatusSuspended {
			fe = withField(fe, "status", errStatusChoice)
		}
		if fe, err = checkProduct(ctx, tx, producerID, 0, v, fe); err != nil || fe != nil {
			return cmpErr(fe, err)
		}
		res.Status = v.status
		if v.status == StatusPublished {
			res.Status, res.Refused = StatusDraft, RefusedNoCertificate
			if producerStatus != "active" {
				res.Refused = RefusedProducerSuspended
			}
		}
		if res.Slug, err = uniqueProductSlug(ctx, tx, v.name); err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `
			INSERT INTO product (producer_id, group_code, name, name_fold, slug, description, description_html, unit, price_vnd, stock, status)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			producerID, v.group, v.name, v.nameFold, res.Slug, v.desc, v.descHTML, v.unit, v.price, v.stock, res.Status).Scan(&res.ID)
		if err != nil {
			return dbError(err)
		}
		detail := map[string]any{"name": v.name, "slug": res.Slug, "group": v.group, "price_vnd": v.price, "stock": v.stock, "status": res.Status}
		if res.Refused != "" {
			detail["publish_refused"] = res.Refused
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, ProducerID: producerID,
			Entity: "product", EntityID: res.ID, Action: "create", Detail: detail})
	})
	return res, err
}

// UpdateProduct saves the edit form of product id of producer. The
// product must belong to producer (else ErrProductNotFound) and still be
// the version the form was made from (else ErrStale); nothing is changed
// in either case, nor on apperr.FieldErrors.
func (s *Service) UpdateProduct(ctx context.Context, a Actor, producerID, id int64, in ProductInput) (res SaveResult, err error) {
	defer apperr.Wrap(&err, "product.UpdateProduct(%d, %d)", producerID, id)
	v, fe := in.validate()
	version, verr := strconv.ParseInt(strings.TrimSpace(in.Version), 10, 64)
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		producerStatus, err := lockProducer(ctx, tx, producerID)
		if err != nil {
			return err
		}
		var old productValues
		var updated time.Time
		var certified bool
		err = tx.QueryRow(ctx, `
			SELECT p.slug, p.name, p.group_code, p.description_html, p.description, p.unit, p.price_vnd, p.stock, p.status, p.updated_at,
			       EXISTS (SELECT 1 FROM certificate c WHERE c.product_id = p.id AND c.status = 'active' AND c.valid_until >= `+vnToday+`)
			FROM product p WHERE p.id = $1 AND p.producer_id = $2 FOR UPDATE`, id, producerID).Scan(
			&res.Slug, &old.name, &old.group, &old.descHTML, &old.desc, &old.unit, &old.price, &old.stock, &old.status, &updated, &certified)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrProductNotFound
		}
		if err != nil {
			return err
		}
		if verr != nil || version != updated.UnixMicro() {
			return ErrStale
		}
		if v.status == StatusSuspended && old.status != StatusSuspended {
			fe = withField(fe, "status", errStatusChoice)
		}
		if fe, err = checkProduct(ctx, tx, producerID, id, v, fe); err != nil || fe != nil {
			return cmpErr(fe, err)
		}
		res.ID, res.Status = id, v.status
		switch {
		case old.status == StatusSuspended:
			res.Status = StatusSuspended
			if v.status != StatusSuspended {
				res.Refused = RefusedProductSuspended
			}
		case v.status == StatusPublished && producerStatus != "active":
			res.Status, res.Refused = StatusDraft, RefusedProducerSuspended
		case v.status == StatusPublished && !certified:
			res.Status, res.Refused = StatusDraft, RefusedNoCertificate
		}
		v.status = res.Status
		changes := diff(old, v)
		if len(changes) == 0 {
			return nil // nothing to save, nothing to record
		}
		_, err = tx.Exec(ctx, `
			UPDATE product SET name = $3, name_fold = $4, group_code = $5, description = $6, description_html = $7, unit = $8,
			       price_vnd = $9, stock = $10, status = $11, updated_at = clock_timestamp()
			WHERE id = $1 AND producer_id = $2`,
			id, producerID, v.name, v.nameFold, v.group, v.desc, v.descHTML, v.unit, v.price, v.stock, v.status)
		if err != nil {
			return dbError(err)
		}
		action := "update"
		if old.status != v.status && v.status == StatusPublished {
			action = "publish"
		}
		detail := map[string]any{"changes": changes}
		if res.Refused != "" {
			detail["publish_refused"] = res.Refused
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, ProducerID: producerID,
			Entity: "product", EntityID: id, Action: action, Detail: detail})
	})
	return res, err
}

// diff lists the changed fields: old and new values of the short ones,
// only the fact for the description.
func diff(a, b productValues) map[string]any {
	out := map[string]any{}
	add := func(k string, o, n any) {
		if o != n {
			out[k] = audit.Change{Old: o, New: n}
		}
	}
	add("name", a.name, b.name)
	add("group", a.group, b.group)
	add("unit", a.unit, b.unit)
	add("price_vnd", a.price, b.price)
	add("stock", a.stock, b.stock)
	add("status", a.status, b.status)
	if a.descHTML != b.descHTML || a.desc != b.desc {
		out["description"] = "changed"
	}
	return out
}

// lockProducer share-locks the producer row for the transaction (so it
// cannot be suspended half-way through a save) and returns its status.
func lockProducer(ctx context.Context, tx pgx.Tx, id int64) (string, error) {
	var status string
	err := tx.QueryRow(ctx, `SELECT status FROM producer WHERE id = $1 FOR SHARE`, id).Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrProducerNotFound
	}
	return status, err
}

// checkProduct adds the checks that need the database to fe: the group
// is a known leaf, the name is not used by another product of producer.
// It returns nil when there is no field error.
func checkProduct(ctx context.Context, tx pgx.Tx, producerID, id int64, v productValues, fe apperr.FieldErrors) (apperr.FieldErrors, error) {
	if fe == nil {
		fe = apperr.FieldErrors{}
	}
	if _, bad := fe["group"]; !bad {
		var leaf bool
		err := tx.QueryRow(ctx, `SELECT is_leaf FROM product_group WHERE code = $1`, v.group).Scan(&leaf)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			fe["group"] = "Nhóm sản phẩm không có trong danh sách, vui lòng chọn lại."
		case err != nil:
			return nil, err
		case !leaf:
			fe["group"] = "Vui lòng chọn một nhóm cụ thể trong danh sách (không chọn nhóm lớn)."
		}
	}
	if _, bad := fe["name"]; !bad {
		var taken bool
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM product WHERE producer_id = $1 AND name_fold = $2 AND id <> $3)`,
			producerID, v.nameFold, id).Scan(&taken)
		if err != nil {
			return nil, err
		}
		if taken {
			fe["name"] = "Gian hàng đã có một sản phẩm tên này. Vui lòng đặt tên khác để khách dễ phân biệt."
		}
	}
	if len(fe) == 0 {
		return nil, nil
	}
	return fe, nil
}

const errStatusChoice = "Vui lòng chọn trạng thái: Bản nháp, Đang bán hoặc Ngừng bán."

// withField adds a message to fe (which may be nil).
func withField(fe apperr.FieldErrors, field, msg string) apperr.FieldErrors {
	if fe == nil {
		fe = apperr.FieldErrors{}
	}
	if _, ok := fe[field]; !ok {
		fe[field] = msg
	}
	return fe
}

func cmpErr(fe apperr.FieldErrors, err error) error {
	if err != nil {
		return err
	}
	return fe
}

// dbError turns a refusal by the database into a field error: the
// unique name (a save racing another) and the checks mirror validate.
func dbError(err error) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" {
		switch pg.ConstraintName {
		case "product_producer_name_key":
			return apperr.FieldErrors{"name": "Gian hàng đã có một sản phẩm tên này. Vui lòng đặt tên khác để khách dễ phân biệt."}
		case "product_slug_key":
			return apperr.E(apperr.Conflict, "Có người vừa lưu một sản phẩm cùng tên. Vui lòng bấm lưu lại.", "slug race")
		}
	}
	return err
}

// maxSlug is a product slug's length before a -N suffix.
const maxSlug = 120

// uniqueProductSlug returns the slug of name that no product and no
// product group uses (they share /san-pham/), with -2, -3… when needed.
func uniqueProductSlug(ctx context.Context, tx pgx.Tx, name string) (string, error) {
	base := vntext.Slug(name)
	if len(base) > maxSlug {
		base = base[:maxSlug]
		if i := strings.LastIndexByte(base, '-'); i > maxSlug/2 {
			base = base[:i]
		}
		base = strings.Trim(base, "-")
	}
	if base == "" {
		base = "san-pham"
	}
	rows, err := tx.Query(ctx, `
		SELECT slug FROM product WHERE slug = $1 OR slug LIKE $1 || '-%'
		UNION ALL SELECT slug FROM product_group WHERE slug = $1 OR slug LIKE $1 || '-%'`, base)
	if err != nil {
		return "", err
	}
	taken, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", err
	}
	set := make(map[string]bool, len(taken))
	for _, s := range taken {
		set[s] = true
	}
	if !set[base] {
		return base, nil
	}
	for i := 2; ; i++ {
		if s := base + "-" + strconv.Itoa(i); !set[s] {
			return s, nil
		}
	}
}
