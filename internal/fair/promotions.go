package fair

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/vntext"
)

// Promotions are time-boxed discounts on chosen products, on one
// producer's products, or on what every exhibitor of an event shows.
// Decree 81/2018/NĐ-CP (amended by 128/2024/NĐ-CP) caps a discount at
// 50 % of the price just before the promotion unless the campaign is a
// concentrated promotion period. The price is decided at the moment it is
// asked for: the view product_promotion for checkout, and Offer (the same
// formula over promotions kept in memory) for pages, so a promotion starts
// and ends exactly on time with no job to flip it.

// Promotion scopes and kinds.
const (
	ScopeProducts = "products"
	ScopeProducer = "producer"
	ScopeEvent    = "event"
	KindPercent   = "percent"
	KindAmount    = "amount"
	// MaxDiscountPercent is the cap outside a concentrated period.
	MaxDiscountPercent = 50
)

// Promotion is a campaign.
type Promotion struct {
	ID           int64
	Name         string
	Scope        string
	ProducerID   int64
	EventID      int64
	Province     string
	Kind         string
	Value        int64
	Concentrated bool
	StartsAt     time.Time
	EndsAt       time.Time
	Status       string
	Products     int // products it covers now
}

// PromotionInput is a campaign's form, as typed.
type PromotionInput struct {
	Name, Kind, Value string
	StartsAt, EndsAt  string // dd/mm/yyyy hh:mm, Vietnam time
	Concentrated      bool
	Scope             string
	Products          string // product addresses or slugs, one per line or separated by commas
	ProducerSlug      string
	EventID           int64
}

// ErrPromotionNotFound is an unknown promotion.
var ErrPromotionNotFound = apperr.E(apperr.NotFound, "Không tìm thấy chương trình khuyến mại.", "promotion not found")

// Offer is a product's promoted price at a moment.
type Offer struct {
	PromotionID  int64
	Name         string
	Kind         string
	Value        int64
	PriceVND     int64
	ListPriceVND int64
	EndsAt       time.Time
}

// PromotedPrice is price under a promotion (the formula of the view
// product_promotion): a percentage off, rounded in the shopper's favour
// to the đồng, or an amount off that outside a concentrated period never
// takes more than half the price.
func PromotedPrice(price int64, kind string, value int64, concentrated bool) int64 {
	if kind == KindPercent {
		return price - price*value/100
	}
	floor := price - price/2
	if concentrated {
		floor = 0
	}
	return max(price-value, floor)
}

// promotionForm validates the campaign's name, discount and period.
func (s *Service) promotionForm(ctx context.Context, tx pgx.Tx, in PromotionInput, fe apperr.FieldErrors) (name string, value int64, start, end time.Time) {
	name = fe.Text("name", strings.TrimSpace(in.Name), true, 200, "tên chương trình")
	if in.Kind != KindPercent && in.Kind != KindAmount {
		fe.Add("kind", "Chọn giảm theo phần trăm hoặc theo số tiền.")
	}
	raw := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(in.Value), "%"))
	var err error
	if in.Kind == KindAmount {
		value, err = vntext.ParseVND(raw)
	} else {
		value, err = strconv.ParseInt(raw, 10, 64)
	}
	switch {
	case err != nil || value <= 0:
		fe.Add("value", "Ghi mức giảm: số phần trăm (ví dụ 20) hoặc số đồng (ví dụ 50.000).")
	case in.Kind == KindPercent && value > 100:
		fe.Add("value", "Mức giảm tối đa 100%.")
	case in.Kind == KindPercent && value > MaxDiscountPercent && !in.Concentrated:
		fe.Add("value", "Theo Nghị định 81/2018/NĐ-CP, mức giảm không quá 50% giá trước khuyến mại, trừ chương trình khuyến mại tập trung. Đánh dấu nếu đây là đợt khuyến mại tập trung.")
	}
	moment := func(k, label, v string) time.Time {
		for _, layout := range []string{"02/01/2006 15:04", "2/1/2006 15:04", "2006-01-02T15:04", "2006-01-02 15:04"} {
			if t, err := time.ParseInLocation(layout, strings.TrimSpace(v), Vietnam); err == nil {
				return t
			}
		}
		fe.Add(k, "Ghi "+label+" theo dạng dd/mm/yyyy hh:mm, ví dụ 01/02/2027 08:00.")
		return time.Time{}
	}
	start, end = moment("starts_at", "thời điểm bắt đầu", in.StartsAt), moment("ends_at", "thời điểm kết thúc", in.EndsAt)
	if !start.IsZero() && !end.IsZero() {
		switch {
		case !end.After(start):
			fe.Add("ends_at", "Thời điểm kết thúc phải sau thời điểm bắt đầu.")
		case !end.After(s.now()):
			fe.Add("ends_at", "Chương trình đã kết thúc: hãy chọn thời điểm kết thúc trong tương lai.")
		case end.Sub(start) > 180*24*time.Hour:
			fe.Add("ends_at", "Một chương trình kéo dài tối đa 180 ngày.")
		}
	}
	return name, value, start, end
}

// targetProducts selects the products (id, name, price) a new promotion of in
// would cover, with the provinces of their producers.
func targetProducts(ctx context.Context, tx pgx.Tx, in PromotionInput, producerID int64, fe apperr.FieldErrors) (ids []int64, names []string, prices []int64, provinces []string, err error) {
	var rows pgx.Rows
	switch in.Scope {
	case ScopeProducts:
		var slugs []string
		for _, ref := range strings.FieldsFunc(in.Products, func(r rune) bool { return r == '\n' || r == ',' || r == ' ' || r == '\r' }) {
			if s := vntext.SlugIn(ref, "san-pham"); s != "" {
				slugs = append(slugs, s)
			}
		}
		if len(slugs) == 0 || len(slugs) > 500 {
			fe.Add("products", "Dán đường dẫn (hoặc mã) của 1 đến 500 sản phẩm, mỗi dòng một sản phẩm.")
			return nil, nil, nil, nil, nil
		}
		rows, err = tx.Query(ctx, `SELECT p.id, p.name, p.price_vnd, pr.province_code, p.slug FROM product p JOIN producer pr ON pr.id = p.producer_id
			WHERE p.slug = ANY($1) AND ($2 = 0 OR p.producer_id = $2)`, slugs, producerID)
		if err == nil {
			var found []string
			var id, price int64
			var name, prov, slug string
			_, err = pgx.ForEachRow(rows, []any{&id, &name, &price, &prov, &slug}, func() error {
				ids, names, prices, provinces, found = append(ids, id), append(names, name), append(prices, price), append(provinces, prov), append(found, slug)
				return nil
			})
			for _, s := range slugs {
				if !contains(found, s) {
					fe.Add("products", fmt.Sprintf("Không có sản phẩm %q%s.", vntext.Truncate(s, 60), map[bool]string{true: " của cơ sở", false: ""}[producerID != 0]))
				}
			}
		}
		return ids, names, prices, provinces, err
	case ScopeProducer:
		rows, err = tx.Query(ctx, `SELECT p.id, p.name, p.price_vnd, pr.province_code FROM product p JOIN producer pr ON pr.id = p.producer_id
			WHERE pr.id = $1`, producerID)
	case ScopeEvent:
		rows, err = tx.Query(ctx, `SELECT DISTINCT p.id, p.name, p.price_vnd, e.province_code
			FROM booth_application a JOIN booth_application_product ap ON ap.application_id = a.id
			JOIN product p ON p.id = ap.product_id JOIN event e ON e.id = a.event_id
			WHERE a.event_id = $1 AND a.status IN ('paid', 'free_confirmed', 'booth_assigned', 'checked_in', 'completed')`, in.EventID)
	default:
		fe.Add("scope", "Chọn phạm vi: sản phẩm được chọn, một cơ sở hoặc các đơn vị tham gia một sự kiện.")
		return nil, nil, nil, nil, nil
	}
	if err != nil {
		return nil, nil, nil, nil, err
	}
	var id, price int64
	var name, prov string
	_, err = pgx.ForEachRow(rows, []any{&id, &name, &price, &prov}, func() error {
		ids, names, prices, provinces = append(ids, id), append(names, name), append(prices, price), append(provinces, prov)
		return nil
	})
	return ids, names, prices, provinces, err
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// CreatePromotion creates a campaign. A producer (producerID not 0) runs
// one on its own products (scope products or producer); trade promotion
// (may) on products of the provinces it serves, on a producer of them,
// or on an event of them. It returns the field errors of a refused form.
func (s *Service) CreatePromotion(ctx context.Context, a audit.Actor, may May, producerID int64, in PromotionInput) (_ int64, _ apperr.FieldErrors, err error) {
	defer apperr.Wrap(&err, "fair.CreatePromotion")
	fe := apperr.FieldErrors{}
	var id int64
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		name, value, start, end := s.promotionForm(ctx, tx, in, fe)
		owner := producerID
		var province *string
		switch {
		case producerID != 0 && in.Scope == ScopeEvent:
			fe.Add("scope", "Cơ sở chỉ tạo khuyến mại cho sản phẩm của mình.")
		case producerID == 0 && in.Scope == ScopeProducer:
			var prov string
			err := tx.QueryRow(ctx, `SELECT id, province_code FROM producer WHERE slug = $1`, vntext.SlugIn(in.ProducerSlug, "cua-hang")).Scan(&owner, &prov)
			if errors.Is(err, pgx.ErrNoRows) {
				fe.Add("producer", "Không có cơ sở với địa chỉ này; dán đường dẫn trang cửa hàng, ví dụ …/cua-hang/htx-che-tan-cuong.")
			} else if err != nil {
				return err
			}
		case producerID == 0 && in.Scope == ScopeEvent:
			if _, err := scoped(ctx, tx, may, in.EventID); err != nil {
				if errors.Is(err, ErrNotFound) {
					fe.Add("event", "Chọn một sự kiện của tỉnh.")
				} else {
					return err
				}
			}
		}
		if len(fe) > 0 {
			return fe
		}
		ids, names, prices, provinces, err := targetProducts(ctx, tx, in, owner, fe)
		if err != nil {
			return err
		}
		if len(fe) == 0 && len(ids) == 0 && in.Scope != ScopeEvent {
			fe.Add("products", "Phạm vi này chưa có sản phẩm nào.")
		}
		for i := range ids {
			if producerID == 0 && !may(provinces[i]) {
				return ErrForbidden
			}
			if in.Kind == KindAmount && !in.Concentrated && value*2 > prices[i] {
				fe.Add("value", fmt.Sprintf("Mức giảm %s vượt 50%% giá của %q (%s) — Nghị định 81/2018/NĐ-CP; chỉ chương trình khuyến mại tập trung được giảm hơn.",
					vntext.VND(value), names[i], vntext.VND(prices[i])))
				break
			}
		}
		if len(fe) > 0 {
			return fe
		}
		if producerID == 0 {
			p := ""
			if len(provinces) > 0 {
				p = provinces[0]
			}
			if in.Scope == ScopeEvent {
				if err := tx.QueryRow(ctx, `SELECT province_code FROM event WHERE id = $1`, in.EventID).Scan(&p); err != nil {
					return err
				}
			}
			province = &p
		}
		var ownerArg, eventArg *int64
		if in.Scope == ScopeProducer {
			ownerArg = &owner
		}
		if in.Scope == ScopeEvent {
			eventArg = &in.EventID
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO promotion (name, scope, producer_id, event_id, province_code, kind, value, concentrated, starts_at, ends_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULLIF($11, 0)) RETURNING id`,
			name, in.Scope, ownerArg, eventArg, province, in.Kind, value, in.Concentrated, start, end, a.UserID).Scan(&id); err != nil {
			return err
		}
		if in.Scope == ScopeProducts {
			if _, err := tx.Exec(ctx, `INSERT INTO promotion_product (promotion_id, product_id) SELECT $1, unnest($2::bigint[])`, id, ids); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, ProducerID: producerID, Entity: "promotion", EntityID: id,
			Action: "create", Detail: map[string]any{"name": name, "scope": in.Scope, "discount_kind": in.Kind, "value": value, "concentrated": in.Concentrated,
				"starts_at": start.Format(time.RFC3339), "ends_at": end.Format(time.RFC3339), "products": len(ids)}})
	})
	if errors.As(err, &fe) {
		return 0, fe, nil
	}
	if err == nil {
		s.offers.invalidate()
	}
	return id, nil, err
}

// CancelPromotion stops a campaign at once.
func (s *Service) CancelPromotion(ctx context.Context, a audit.Actor, may May, producerID, id int64) (err error) {
	defer apperr.Wrap(&err, "fair.CancelPromotion(%d)", id)
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var province *string
		var theirs bool
		err := tx.QueryRow(ctx, `SELECT pr.province_code,
			  coalesce(pr.producer_id = $2, false) OR coalesce((SELECT bool_and(p.producer_id = $2) FROM promotion_product x JOIN product p ON p.id = x.product_id
			                                  WHERE x.promotion_id = pr.id), false)
			FROM promotion pr WHERE pr.id = $1 AND pr.status = 'active' FOR UPDATE`, id, producerID).Scan(&province, &theirs)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrPromotionNotFound
		}
		if err != nil {
			return err
		}
		// a producer cancels its own campaigns, trade promotion those of
		// its provinces; anything else looks unknown
		if producerID != 0 && (province != nil || !theirs) || producerID == 0 && (province == nil || !may(*province)) {
			return ErrPromotionNotFound
		}
		if _, err := tx.Exec(ctx, `UPDATE promotion SET status = 'cancelled' WHERE id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, ProducerID: producerID, Entity: "promotion", EntityID: id, Action: "cancel"})
	})
	if err == nil {
		s.offers.invalidate()
	}
	return err
}

// Promotions lists the campaigns of the provinces (nil: all; staff) or
// of a producer (producerID not 0: its own), latest first.
func (s *Service) Promotions(ctx context.Context, provinces []string, producerID int64) (_ []Promotion, err error) {
	defer apperr.Wrap(&err, "fair.Promotions")
	rows, err := s.pool.Query(ctx, `
		SELECT pr.id, pr.name, pr.scope, coalesce(pr.producer_id, 0), coalesce(pr.event_id, 0), coalesce(pr.province_code, ''),
		  pr.kind, pr.value, pr.concentrated, pr.starts_at, pr.ends_at, pr.status,
		  (SELECT count(*) FROM promotion_target t WHERE t.promotion_id = pr.id)::int
		FROM promotion pr
		WHERE CASE WHEN $2 <> 0 THEN pr.province_code IS NULL AND (pr.producer_id = $2 OR EXISTS (
		        SELECT 1 FROM promotion_product x JOIN product p ON p.id = x.product_id WHERE x.promotion_id = pr.id AND p.producer_id = $2))
		      ELSE pr.province_code IS NOT NULL AND ($1::text[] IS NULL OR pr.province_code = ANY($1)) END
		ORDER BY pr.starts_at DESC, pr.id DESC LIMIT 200`, provinces, producerID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Promotion, error) {
		var p Promotion
		err := r.Scan(&p.ID, &p.Name, &p.Scope, &p.ProducerID, &p.EventID, &p.Province, &p.Kind, &p.Value, &p.Concentrated,
			&p.StartsAt, &p.EndsAt, &p.Status, &p.Products)
		return p, err
	})
}

// offers keeps the promotions that have not ended, per product slug, for
// the pages: reloaded after a change in this process and at most every
// OffersTTL otherwise (one reload at a time; readers never wait on a
// lock while a copy is fresh); which one applies is decided at each call.
type offers struct {
	cur    atomic.Pointer[offerSnapshot]
	stale  atomic.Bool
	reload sync.Mutex
}

type offerSnapshot struct {
	at     time.Time
	bySlug map[string][]offerRow
}

type offerRow struct {
	id           int64
	name, kind   string
	value        int64
	concentrated bool
	start, end   time.Time
}

// OffersTTL is how long the pages' copy of the promotions is kept (a
// campaign created by another process shows within it; a running one
// starts and ends on time regardless).
const OffersTTL = 10 * time.Second

func (o *offers) invalidate() { o.stale.Store(true) }

func (s *Service) loadOffers(ctx context.Context) (map[string][]offerRow, error) {
	o := &s.offers
	now := s.now()
	fresh := func() *offerSnapshot {
		if c := o.cur.Load(); c != nil && !o.stale.Load() && now.Sub(c.at) < OffersTTL {
			return c
		}
		return nil
	}
	if c := fresh(); c != nil {
		return c.bySlug, nil
	}
	o.reload.Lock()
	defer o.reload.Unlock()
	if c := fresh(); c != nil {
		return c.bySlug, nil
	}
	o.stale.Store(false)
	rows, err := s.pool.Query(ctx, `
		SELECT p.slug, pr.id, pr.name, pr.kind, pr.value, pr.concentrated, pr.starts_at, pr.ends_at
		FROM promotion pr JOIN promotion_target t ON t.promotion_id = pr.id JOIN product p ON p.id = t.product_id
		WHERE pr.status = 'active' AND pr.ends_at > $1`, now)
	if err != nil {
		o.stale.Store(true)
		return nil, err
	}
	m := map[string][]offerRow{}
	var slug string
	var r offerRow
	if _, err := pgx.ForEachRow(rows, []any{&slug, &r.id, &r.name, &r.kind, &r.value, &r.concentrated, &r.start, &r.end}, func() error {
		m[slug] = append(m[slug], r)
		return nil
	}); err != nil {
		o.stale.Store(true)
		return nil, err
	}
	o.cur.Store(&offerSnapshot{at: now, bySlug: m})
	return m, nil
}

// Offer is the promoted price of the product with slug (at price) now,
// or nil.
func (s *Service) Offer(ctx context.Context, slug string, price int64) (*Offer, error) {
	m, err := s.loadOffers(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var best *Offer
	for _, r := range m[slug] {
		if now.Before(r.start) || !now.Before(r.end) {
			continue
		}
		p := PromotedPrice(price, r.kind, r.value, r.concentrated)
		if best == nil || p < best.PriceVND || p == best.PriceVND && r.end.Before(best.EndsAt) {
			best = &Offer{PromotionID: r.id, Name: r.name, Kind: r.kind, Value: r.value, PriceVND: p, ListPriceVND: price, EndsAt: r.end}
		}
	}
	if best != nil && best.PriceVND >= price {
		return nil, nil
	}
	return best, nil
}
