package fair

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/vntext"
)

// Booth applications follow DOMAIN.md §4: submitted → under_review →
// approved → awaiting_payment → paid | free_confirmed → booth_assigned →
// checked_in → completed; waitlisted, rejected (with a reason), withdrawn
// (with the refund rule), cancelled_by_organiser. The fee, subsidy and
// payable amount are computed here and kept on the application; the
// client never sends an amount.

// Application statuses.
const (
	AppSubmitted   = "submitted"
	AppUnderReview = "under_review"
	AppApproved    = "approved"
	AppAwaiting    = "awaiting_payment"
	AppPaid        = "paid"
	AppFree        = "free_confirmed"
	AppAssigned    = "booth_assigned"
	AppCheckedIn   = "checked_in"
	AppCompleted   = "completed"
	AppWaitlisted  = "waitlisted"
	AppRejected    = "rejected"
	AppWithdrawn   = "withdrawn"
	AppCancelled   = "cancelled_by_organiser"
)

// AppStatusNames are the statuses in Vietnamese.
var AppStatusNames = map[string]string{
	AppSubmitted: "Đã gửi", AppUnderReview: "Đang xét", AppApproved: "Đã duyệt", AppAwaiting: "Chờ nộp phí",
	AppPaid: "Đã nộp phí", AppFree: "Được miễn phí", AppAssigned: "Đã xếp gian", AppCheckedIn: "Đã nhận gian",
	AppCompleted: "Đã tham gia", AppWaitlisted: "Danh sách chờ", AppRejected: "Bị từ chối", AppWithdrawn: "Đã rút",
	AppCancelled: "Ban tổ chức huỷ",
}

// Application is a producer's application for booths at an event.
type Application struct {
	ID            int64
	EventID       int64
	ProducerID    int64
	ProducerName  string
	ProducerSlug  string
	Province      string // the producer's province code
	BoothType     string
	Qty           int
	PreferredZone string
	Notes         string
	ContactName   string
	ContactPhone  string
	Status        string
	FeeVND        int64
	SubsidyVND    int64
	PayableVND    int64
	PaidVND       int64
	RefundVND     int64
	ReviewNote    string
	SubmittedAt   time.Time
	Products      []Exhibit
	Booths        []string // codes assigned
	// Points is the allocation priority (star, first time, host province).
	Points int
	// Offered are booths held for this waitlisted application until
	// OfferedUntil.
	Offered      []string
	OfferedUntil *time.Time
}

// Exhibit is a product an application exhibits.
type Exhibit struct {
	ID   int64
	Slug string
	Name string
	Star int // its active certificate's, 0 when it has none now
}

// ApplicationInput is the producer's form.
type ApplicationInput struct {
	BoothType     string
	Qty           string
	PreferredZone string
	Products      []int64
	Notes         string
	ContactName   string
	ContactPhone  string
}

// Refusals.
var (
	ErrRegistrationClosed = apperr.E(apperr.Conflict, "Sự kiện không nhận đăng ký gian hàng lúc này.", "registration is not open")
	ErrApplied            = apperr.E(apperr.Conflict, "Cơ sở đã đăng ký sự kiện này; xem hồ sơ đăng ký trong trang Hội chợ.", "the producer already applied")
	ErrAppNotFound        = apperr.E(apperr.NotFound, "Không tìm thấy hồ sơ đăng ký.", "application not found")
	ErrAppTransition      = apperr.E(apperr.Conflict, "Hồ sơ không thể chuyển sang bước này từ trạng thái hiện tại.", "application status change not allowed")
	ErrBoothTaken         = apperr.E(apperr.Conflict, "Gian này đã xếp cho chủ thể khác. Hãy chọn gian khác.", "the booth has an exhibitor")
	ErrEnoughBooths       = apperr.E(apperr.Conflict, "Hồ sơ đã được xếp đủ số gian đăng ký.", "the application holds all its booths")
	ErrIneligible         = apperr.E(apperr.Conflict, "Không còn sản phẩm nào của hồ sơ đủ điều kiện (chứng nhận OCOP còn hiệu lực, hạng sao, nhóm sản phẩm theo quy định của sự kiện).", "no exhibit is eligible any more")
)

// eligibleProducts returns, of products (nil: all of the producer's),
// those of producerID that are public with an active certificate meeting
// the event's star and group rules, with their star.
func eligibleProducts(ctx context.Context, q postgres.Querier, e *Event, producerID int64, products []int64) ([]Exhibit, error) {
	rows, err := q.Query(ctx, `
		SELECT pp.id, pp.slug, pp.name, pp.star FROM public_product pp
		WHERE pp.producer_id = $1 AND ($2::bigint[] IS NULL OR pp.id = ANY($2))
		  AND pp.star >= $3
		  AND (cardinality($4::text[]) = 0 OR EXISTS (SELECT 1 FROM unnest($4::text[]) g WHERE pp.group_code = g OR pp.group_code LIKE g || '.%'))
		ORDER BY pp.star DESC, pp.name`, producerID, products, e.MinStar, e.EligibleGroups)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Exhibit, error) {
		var x Exhibit
		err := r.Scan(&x.ID, &x.Slug, &x.Name, &x.Star)
		return x, err
	})
}

// Eligible lists the producer's products that may be exhibited at event
// id, and whether the producer's province may take part.
func (s *Service) Eligible(ctx context.Context, eventID, producerID int64) (_ []Exhibit, provinceOK bool, err error) {
	defer apperr.Wrap(&err, "fair.Eligible(%d, %d)", eventID, producerID)
	e, err := s.ByID(ctx, eventID)
	if err != nil {
		return nil, false, err
	}
	var province string
	if err := s.pool.QueryRow(ctx, `SELECT province_code FROM producer WHERE id = $1`, producerID).Scan(&province); err != nil {
		return nil, false, err
	}
	list, err := eligibleProducts(ctx, s.pool, e, producerID, nil)
	return list, len(e.EligibleProvinces) == 0 || slices.Contains(e.EligibleProvinces, province), err
}

// Fee is the fee of qty booths of type t at the event's prices (raw
// space: its 18 m² minimum per booth), the subsidy on it and what is
// left to pay.
func Fee(e *Event, t BoothType, qty int) (fee, subsidy, payable int64) {
	fee = t.PriceVND * int64(qty)
	if t.PerM2 {
		fee = int64(float64(t.PriceVND)*t.AreaM2) * int64(qty)
	}
	subsidy = e.Subsidy(fee)
	return fee, subsidy, fee - subsidy
}

// Apply submits producerID's application for event eventID. It returns
// the field errors of a refused form (nothing written).
func (s *Service) Apply(ctx context.Context, a audit.Actor, producerID, eventID int64, in ApplicationInput) (_ int64, _ apperr.FieldErrors, err error) {
	defer apperr.Wrap(&err, "fair.Apply(%d, %d)", producerID, eventID)
	var id int64
	fe := apperr.FieldErrors{}
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		// the event row lock orders applications with status changes
		e, err := scanEvent(tx.QueryRow(ctx, `SELECT `+eventColumns+` FROM `+eventFrom+` WHERE e.id = $1 FOR UPDATE OF e`, eventID))
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if !e.RegistrationOpenAt(s.now()) {
			return ErrRegistrationClosed
		}
		var province string
		if err := tx.QueryRow(ctx, `SELECT province_code FROM producer WHERE id = $1 AND status = 'active'`, producerID).Scan(&province); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return apperr.E(apperr.Forbidden, "Cơ sở đang bị tạm ngừng nên không đăng ký được.", "producer not active")
			}
			return err
		}
		var taken bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM booth_application WHERE event_id = $1 AND producer_id = $2)`, eventID, producerID).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return ErrApplied
		}
		if len(e.EligibleProvinces) > 0 && !slices.Contains(e.EligibleProvinces, province) {
			return apperr.E(apperr.Conflict, "Sự kiện chỉ nhận chủ thể thuộc các tỉnh được mời; cơ sở không thuộc các tỉnh này.", "producer province not eligible")
		}
		prices, err := boothPrices(ctx, tx, eventID)
		if err != nil {
			return err
		}
		t, ok := boothType(in.BoothType)
		price, offered := prices[in.BoothType]
		if !ok || !offered {
			fe.Add("booth_type", "Chọn một loại gian sự kiện có.")
		}
		t.PriceVND = price
		qty, err := strconv.Atoi(strings.TrimSpace(in.Qty))
		if err != nil || qty < 1 || qty > e.MaxBoothsPerProducer {
			fe.Add("qty", fmt.Sprintf("Số gian từ 1 đến %d (số gian tối đa mỗi chủ thể của sự kiện).", e.MaxBoothsPerProducer))
		}
		zone := strings.ToUpper(strings.TrimSpace(in.PreferredZone))
		if zone != "" {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM event_zone WHERE event_id = $1 AND code = $2)`, eventID, zone).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				fe.Add("preferred_zone", "Chọn một khu của sơ đồ, hoặc để trống.")
			}
		}
		if len(in.Products) == 0 {
			fe.Add("products", "Chọn ít nhất một sản phẩm OCOP sẽ trưng bày.")
		}
		exhibits, err := eligibleProducts(ctx, tx, e, producerID, in.Products)
		if err != nil {
			return err
		}
		if len(in.Products) > 0 && len(exhibits) != len(uniq(in.Products)) {
			fe.Add("products", fmt.Sprintf("Chỉ trưng bày được sản phẩm của cơ sở đang bán trên sàn, chứng nhận OCOP còn hiệu lực, từ %d sao%s.",
				e.MinStar, map[bool]string{true: " và thuộc nhóm sản phẩm sự kiện nhận", false: ""}[len(e.EligibleGroups) > 0]))
		}
		notes := fe.Text("notes", strings.TrimSpace(in.Notes), false, 2000, "ghi chú")
		contact := fe.Text("contact_name", strings.TrimSpace(in.ContactName), true, 200, "người liên hệ")
		phone := ""
		if p := strings.TrimSpace(in.ContactPhone); p != "" {
			n, ok := producer.NormalizePhone(p)
			if !ok {
				fe.Add("contact_phone", "Số điện thoại không đúng, ví dụ 0912 345 678.")
			}
			phone = n
		}
		if len(fe) > 0 {
			return fe
		}
		fee, subsidy, payable := Fee(e, t, qty)
		if err := tx.QueryRow(ctx, `
			INSERT INTO booth_application (event_id, producer_id, booth_type, qty, preferred_zone, notes, contact_name, contact_phone,
			  fee_vnd, subsidy_vnd, payable_vnd, submitted_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			eventID, producerID, t.Code, qty, zone, notes, contact, phone, fee, subsidy, payable, s.now()).Scan(&id); err != nil {
			return err
		}
		ids := make([]int64, len(exhibits))
		for i, x := range exhibits {
			ids[i] = x.ID
		}
		if _, err := tx.Exec(ctx, `INSERT INTO booth_application_product (application_id, product_id) SELECT $1, unnest($2::bigint[])`, id, ids); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, ProducerID: producerID, Entity: "booth_application", EntityID: id,
			Action: "create", Detail: map[string]any{"event_id": eventID, "booth_type": t.Code, "qty": qty, "fee_vnd": fee, "subsidy_vnd": subsidy, "payable_vnd": payable}})
	})
	if errors.As(err, &fe) {
		return 0, fe, nil
	}
	return id, nil, err
}

func uniq(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

const appColumns = `a.id, a.event_id, a.producer_id, coalesce(nullif(pr.display_name, ''), pr.name), pr.slug, pr.province_code,
  a.booth_type, a.qty, a.preferred_zone, a.notes, a.contact_name, a.contact_phone, a.status, a.fee_vnd, a.subsidy_vnd, a.payable_vnd,
  a.paid_vnd, a.refund_vnd, a.review_note, a.submitted_at,
  coalesce((SELECT array_agg(b.code ORDER BY b.code) FROM booth_assignment x JOIN booth b ON b.id = x.booth_id WHERE x.application_id = a.id), '{}'),
  coalesce((SELECT array_agg(b.code ORDER BY b.code) FROM booth_offer o JOIN booth b ON b.id = o.booth_id
            WHERE o.application_id = a.id AND o.expires_at > now()), '{}'),
  (SELECT min(o.expires_at) FROM booth_offer o WHERE o.application_id = a.id AND o.expires_at > now())`

func (s *Service) applications(ctx context.Context, q postgres.Querier, where string, args ...any) ([]*Application, error) {
	rows, err := q.Query(ctx, `SELECT `+appColumns+` FROM booth_application a JOIN producer pr ON pr.id = a.producer_id WHERE `+where+`
		ORDER BY a.submitted_at, a.id`, args...)
	if err != nil {
		return nil, err
	}
	apps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Application, error) {
		x := &Application{}
		err := r.Scan(&x.ID, &x.EventID, &x.ProducerID, &x.ProducerName, &x.ProducerSlug, &x.Province, &x.BoothType, &x.Qty, &x.PreferredZone,
			&x.Notes, &x.ContactName, &x.ContactPhone, &x.Status, &x.FeeVND, &x.SubsidyVND, &x.PayableVND, &x.PaidVND, &x.RefundVND,
			&x.ReviewNote, &x.SubmittedAt, &x.Booths, &x.Offered, &x.OfferedUntil)
		return x, err
	})
	if err != nil || len(apps) == 0 {
		return apps, err
	}
	byID := map[int64]*Application{}
	ids := make([]int64, len(apps))
	for i, x := range apps {
		byID[x.ID], ids[i] = x, x.ID
	}
	// exhibits with their star now (0: no active certificate any more)
	rows, err = q.Query(ctx, `
		SELECT ap.application_id, p.id, p.slug, p.name, coalesce(pp.star, 0)
		FROM booth_application_product ap JOIN product p ON p.id = ap.product_id LEFT JOIN public_product pp ON pp.id = p.id
		WHERE ap.application_id = ANY($1) ORDER BY coalesce(pp.star, 0) DESC, p.name`, ids)
	if err != nil {
		return nil, err
	}
	var aid int64
	var x Exhibit
	_, err = pgx.ForEachRow(rows, []any{&aid, &x.ID, &x.Slug, &x.Name, &x.Star}, func() error {
		byID[aid].Products = append(byID[aid].Products, x)
		return nil
	})
	return apps, err
}

// Applications lists the applications of event id, first submitted first.
func (s *Service) Applications(ctx context.Context, eventID int64) (_ []*Application, err error) {
	defer apperr.Wrap(&err, "fair.Applications(%d)", eventID)
	return s.applications(ctx, s.pool, `a.event_id = $1`, eventID)
}

// ApplicationsOf lists producerID's applications, by event.
func (s *Service) ApplicationsOf(ctx context.Context, producerID int64) (_ []*Application, err error) {
	defer apperr.Wrap(&err, "fair.ApplicationsOf(%d)", producerID)
	return s.applications(ctx, s.pool, `a.producer_id = $1`, producerID)
}

// Application returns application id of event eventID.
func (s *Service) Application(ctx context.Context, eventID, id int64) (_ *Application, err error) {
	defer apperr.Wrap(&err, "fair.Application(%d)", id)
	list, err := s.applications(ctx, s.pool, `a.event_id = $1 AND a.id = $2`, eventID, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ErrAppNotFound
	}
	return list[0], nil
}

// lockApp locks application id of event eventID after checking may on
// the event's province; it returns its status.
func lockApp(ctx context.Context, tx pgx.Tx, may May, eventID, id int64) (string, error) {
	if _, err := scoped(ctx, tx, may, eventID); err != nil {
		return "", err
	}
	var status string
	err := tx.QueryRow(ctx, `SELECT status FROM booth_application WHERE id = $1 AND event_id = $2 FOR UPDATE`, id, eventID).Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrAppNotFound
	}
	return status, err
}

// Review decisions.
const (
	DecideReview   = "review"   // submitted → under_review
	DecideApprove  = "approve"  // → awaiting_payment, or free_confirmed when nothing is payable
	DecideWaitlist = "waitlist" // → waitlisted
	DecideReject   = "reject"   // → rejected, with a reason
)

var reviewFrom = map[string][]string{
	DecideReview:   {AppSubmitted},
	DecideApprove:  {AppSubmitted, AppUnderReview, AppWaitlisted},
	DecideWaitlist: {AppSubmitted, AppUnderReview},
	DecideReject:   {AppSubmitted, AppUnderReview, AppWaitlisted},
}

// Review records trade promotion's decision on application id.
func (s *Service) Review(ctx context.Context, a audit.Actor, may May, eventID, id int64, decision, note string) (err error) {
	defer apperr.Wrap(&err, "fair.Review(%d, %s)", id, decision)
	note = vntext.NFC(strings.TrimSpace(note))
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		cur, err := lockApp(ctx, tx, may, eventID, id)
		if err != nil {
			return err
		}
		if !slices.Contains(reviewFrom[decision], cur) {
			return ErrAppTransition
		}
		if len([]rune(note)) > 1000 || decision == DecideReject && note == "" {
			return apperr.E(apperr.Invalid, "Hãy ghi lý do từ chối (tối đa 1.000 ký tự): chủ thể sẽ thấy lý do này.", "a rejection needs a reason")
		}
		next := map[string]string{DecideReview: AppUnderReview, DecideWaitlist: AppWaitlisted, DecideReject: AppRejected}[decision]
		if decision == DecideApprove {
			// eligibility again: a certificate may have lapsed since
			e, err := s.ByID(ctx, eventID)
			if err != nil {
				return err
			}
			if err := stillEligible(ctx, tx, e, id); err != nil {
				return err
			}
			var payable int64
			if err := tx.QueryRow(ctx, `SELECT payable_vnd FROM booth_application WHERE id = $1`, id).Scan(&payable); err != nil {
				return err
			}
			next = AppAwaiting
			if payable == 0 {
				next = AppFree
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE booth_application SET status = $2, review_note = $3, reviewed_by = NULLIF($4, 0), updated_at = now() WHERE id = $1`,
			id, next, note, a.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, Entity: "booth_application", EntityID: id, Action: "review",
			Detail: map[string]any{"from": cur, "to": next, "note": note}})
	})
}

// stillEligible refuses an application none of whose exhibits is
// eligible now.
func stillEligible(ctx context.Context, tx pgx.Tx, e *Event, id int64) error {
	var producerID int64
	var products []int64
	if err := tx.QueryRow(ctx, `SELECT a.producer_id, coalesce(array_agg(ap.product_id) FILTER (WHERE ap.product_id IS NOT NULL), '{}')
		FROM booth_application a LEFT JOIN booth_application_product ap ON ap.application_id = a.id WHERE a.id = $1 GROUP BY a.producer_id`,
		id).Scan(&producerID, &products); err != nil {
		return err
	}
	ok, err := eligibleProducts(ctx, tx, e, producerID, products)
	if err != nil {
		return err
	}
	if len(ok) == 0 {
		return ErrIneligible
	}
	return nil
}

// RecordPayment records that application id paid what it owes (cash or
// transfer, with a reference) or that the organiser waived it.
func (s *Service) RecordPayment(ctx context.Context, a audit.Actor, may May, eventID, id int64, method, ref string) (err error) {
	defer apperr.Wrap(&err, "fair.RecordPayment(%d)", id)
	ref = vntext.NFC(strings.TrimSpace(ref))
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		cur, err := lockApp(ctx, tx, may, eventID, id)
		if err != nil {
			return err
		}
		if cur != AppAwaiting {
			return ErrAppTransition
		}
		if method != "cash" && method != "transfer" && method != "waived" || len([]rune(ref)) > 100 {
			return apperr.E(apperr.Invalid, "Chọn cách nộp (tiền mặt, chuyển khoản) hoặc miễn phí; mã giao dịch tối đa 100 ký tự.", "bad payment method or reference")
		}
		paid := "payable_vnd"
		if method == "waived" {
			paid = "0"
		}
		var amount int64
		if err := tx.QueryRow(ctx, `UPDATE booth_application SET status = 'paid', paid_vnd = `+paid+`, payment_method = $2, payment_ref = $3, updated_at = now()
			WHERE id = $1 RETURNING paid_vnd`, id, method, ref).Scan(&amount); err != nil {
			return err
		}
		// a booth taken from the waitlist was held while the fee was due
		if _, err := tx.Exec(ctx, `UPDATE booth_application a SET status = 'booth_assigned'
			WHERE a.id = $1 AND (SELECT count(*) FROM booth_assignment x WHERE x.application_id = a.id) >= a.qty`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, Entity: "booth_application", EntityID: id, Action: "record_payment",
			Detail: map[string]any{"method": method, "ref": ref, "paid_vnd": amount}})
	})
}

// allocatable are the statuses whose applications may get booths.
var allocatable = []string{AppPaid, AppFree, AppAssigned}

// Assign gives application id the booth with code: of the type it
// applied for, free, and within the booths it applied for. Two officers
// assigning one booth at once: the booth is the key of booth_assignment,
// so one wins and the other gets ErrBoothTaken.
func (s *Service) Assign(ctx context.Context, a audit.Actor, may May, eventID, id int64, code string) (err error) {
	defer apperr.Wrap(&err, "fair.Assign(%d, %s)", id, code)
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := scoped(ctx, tx, may, eventID); err != nil {
			return err
		}
		return s.assign(ctx, tx, a, eventID, id, strings.ToUpper(strings.TrimSpace(code)))
	})
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" && pg.ConstraintName == "booth_assignment_pkey" {
		return ErrBoothTaken
	}
	return err
}

// assign is Assign within tx, once the event is locked and may checked.
func (s *Service) assign(ctx context.Context, tx pgx.Tx, a audit.Actor, eventID, id int64, code string) error {
	var status, typ string
	var qty, held int
	err := tx.QueryRow(ctx, `SELECT status, booth_type, qty, (SELECT count(*) FROM booth_assignment WHERE application_id = $1)
		FROM booth_application WHERE id = $1 AND event_id = $2 FOR UPDATE`, id, eventID).Scan(&status, &typ, &qty, &held)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrAppNotFound
	}
	if err != nil {
		return err
	}
	if !slices.Contains(allocatable, status) {
		return apperr.E(apperr.Conflict, "Chỉ xếp gian cho hồ sơ đã nộp phí hoặc được miễn phí.", "application not paid or free")
	}
	if held >= qty {
		return ErrEnoughBooths
	}
	e, err := s.ByID(ctx, eventID)
	if err != nil {
		return err
	}
	if err := stillEligible(ctx, tx, e, id); err != nil {
		return err
	}
	var boothID int64
	var boothType string
	var blocked bool
	err = tx.QueryRow(ctx, `SELECT id, booth_type, blocked FROM booth WHERE event_id = $1 AND code = $2`, eventID, code).Scan(&boothID, &boothType, &blocked)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && blocked {
		return apperr.E(apperr.Invalid, "Không có gian mang mã này trong sơ đồ.", "no booth with this code")
	}
	if err != nil {
		return err
	}
	if boothType != typ {
		return apperr.E(apperr.Invalid, "Gian này khác loại gian chủ thể đăng ký.", "booth type differs from the application's")
	}
	var heldFor int64
	if err := tx.QueryRow(ctx, `SELECT coalesce((SELECT application_id FROM booth_offer WHERE booth_id = $1 AND expires_at > $2), 0)`, boothID, s.now()).Scan(&heldFor); err != nil {
		return err
	}
	if heldFor != 0 && heldFor != id {
		return apperr.E(apperr.Conflict, "Gian này đang giữ cho một chủ thể trong danh sách chờ đến hết hạn nhận gian.", "the booth is offered to the waitlist")
	}
	if _, err := tx.Exec(ctx, `INSERT INTO booth_assignment (booth_id, application_id) VALUES ($1, $2)`, boothID, id); err != nil {
		return err
	}
	if held+1 == qty {
		if _, err := tx.Exec(ctx, `UPDATE booth_application SET status = 'booth_assigned', updated_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
	}
	return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, Entity: "booth_application", EntityID: id, Action: "assign_booth",
		Detail: map[string]any{"booth": code}})
}
