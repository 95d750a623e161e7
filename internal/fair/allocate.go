package fair

import (
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
)

// Priority points of an application when booths are allocated
// automatically: the best star among its eligible exhibits (×10), a
// first-time exhibitor (+15), a producer of the host province (+20); then
// the earlier application first.
const (
	pointsPerStar  = 10
	pointsFirst    = 15
	pointsHostProv = 20
)

// Allocation is what AutoAllocate did.
type Allocation struct {
	Assigned int      // booths given
	Short    []string // producers left with fewer booths than they applied for
	Offered  int      // free booths offered to the waitlist
}

// AutoAllocate gives every paid or free application of the event the
// booths it still lacks, by priority points, each in its preferred zone
// when that zone has free booths of its type, else in the first zone
// that has. It runs in one transaction under the event's lock.
func (s *Service) AutoAllocate(ctx context.Context, a audit.Actor, may May, eventID int64) (_ Allocation, err error) {
	defer apperr.Wrap(&err, "fair.AutoAllocate(%d)", eventID)
	var out Allocation
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := scoped(ctx, tx, may, eventID); err != nil {
			return err
		}
		e, err := scanEvent(tx.QueryRow(ctx, `SELECT `+eventColumns+` FROM `+eventFrom+` WHERE e.id = $1`, eventID))
		if err != nil {
			return err
		}
		apps, err := s.applications(ctx, tx, `a.event_id = $1 AND a.status = ANY($2)`, eventID, allocatable)
		if err != nil {
			return err
		}
		if err := s.score(ctx, tx, e, apps); err != nil {
			return err
		}
		slices.SortStableFunc(apps, func(x, y *Application) int {
			if x.Points != y.Points {
				return y.Points - x.Points
			}
			return x.SubmittedAt.Compare(y.SubmittedAt)
		})
		type free struct {
			code, typ, zone string
		}
		rows, err := tx.Query(ctx, `
			SELECT b.code, b.booth_type, z.code FROM booth b JOIN event_zone z ON z.id = b.zone_id
			WHERE b.event_id = $1 AND NOT b.blocked AND NOT EXISTS (SELECT 1 FROM booth_assignment x WHERE x.booth_id = b.id)
			  AND NOT EXISTS (SELECT 1 FROM booth_offer o WHERE o.booth_id = b.id AND o.expires_at > $2)
			ORDER BY z.position, z.code, split_part(b.code, '-', 2)::int`, eventID, s.now())
		if err != nil {
			return err
		}
		var booths []free
		var f free
		if _, err := pgx.ForEachRow(rows, []any{&f.code, &f.typ, &f.zone}, func() error { booths = append(booths, f); return nil }); err != nil {
			return err
		}
		used := map[string]bool{}
		pick := func(typ, zone string) string {
			for _, b := range booths {
				if !used[b.code] && b.typ == typ && (zone == "" || b.zone == zone) {
					return b.code
				}
			}
			return ""
		}
		for _, app := range apps {
			if len(app.Booths) >= app.Qty {
				continue
			}
			if err := stillEligible(ctx, tx, e, app.ID); err != nil {
				// a lapsed certificate: no booth, and it is listed short
				out.Short = append(out.Short, app.ProducerName)
				continue
			}
			for n := len(app.Booths); n < app.Qty; n++ {
				code := pick(app.BoothType, app.PreferredZone)
				if code == "" {
					code = pick(app.BoothType, "")
				}
				if code == "" {
					out.Short = append(out.Short, app.ProducerName)
					break
				}
				if err := s.assign(ctx, tx, a, eventID, app.ID, code); err != nil {
					return err
				}
				used[code] = true
				out.Assigned++
			}
		}
		// what is left free goes to the waitlist
		rows, err = tx.Query(ctx, `SELECT b.id FROM booth b WHERE b.event_id = $1 AND NOT b.blocked
			AND NOT EXISTS (SELECT 1 FROM booth_assignment x WHERE x.booth_id = b.id) ORDER BY b.zone_id, split_part(b.code, '-', 2)::int`, eventID)
		if err != nil {
			return err
		}
		left, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		if out.Offered, err = s.offerToWaitlist(ctx, tx, a, e, left); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, Entity: "event", EntityID: eventID, Action: "auto_allocate",
			Detail: map[string]any{"assigned": out.Assigned, "short": len(out.Short), "offered": out.Offered}})
	})
	return out, err
}

// score sets the priority points of apps.
func (s *Service) score(ctx context.Context, tx pgx.Tx, e *Event, apps []*Application) error {
	for _, app := range apps {
		best := 0
		for _, x := range app.Products {
			best = max(best, x.Star)
		}
		app.Points = best * pointsPerStar
		if app.Province == e.ProvinceCode {
			app.Points += pointsHostProv
		}
		var before bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM booth_application WHERE producer_id = $1 AND event_id <> $2
			AND status IN ('booth_assigned', 'checked_in', 'completed'))`, app.ProducerID, e.ID).Scan(&before); err != nil {
			return err
		}
		if !before {
			app.Points += pointsFirst
		}
	}
	return nil
}

// Withdraw is the producer's withdrawal of its application: its booths
// are released. What was paid is refunded in full when the withdrawal
// comes at least the event's notice days before opening, else the
// deposit is kept (deposits are not refundable late).
func (s *Service) Withdraw(ctx context.Context, a audit.Actor, producerID, id int64) (refund int64, err error) {
	defer apperr.Wrap(&err, "fair.Withdraw(%d)", id)
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var status string
		var paid int64
		var starts time.Time
		var notice, deposit int
		err := tx.QueryRow(ctx, `SELECT a.status, a.paid_vnd, e.starts_on, e.withdrawal_notice_days, e.deposit_percent
			FROM booth_application a JOIN event e ON e.id = a.event_id WHERE a.id = $1 AND a.producer_id = $2 FOR UPDATE OF a`, id, producerID).
			Scan(&status, &paid, &starts, &notice, &deposit)
		if err != nil {
			if err == pgx.ErrNoRows {
				return ErrAppNotFound
			}
			return err
		}
		if slices.Contains([]string{AppCheckedIn, AppCompleted, AppRejected, AppWithdrawn, AppCancelled}, status) {
			return ErrAppTransition
		}
		today := s.now().In(Vietnam)
		deadline := starts.AddDate(0, 0, -notice)
		refund = paid
		if !time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC).Before(deadline) {
			refund = paid - paid*int64(deposit)/100
		}
		rows, err := tx.Query(ctx, `DELETE FROM booth_assignment WHERE application_id = $1 RETURNING booth_id`, id)
		if err != nil {
			return err
		}
		freed, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		var eventID int64
		if err := tx.QueryRow(ctx, `UPDATE booth_application SET status = 'withdrawn', refund_vnd = $2, updated_at = now() WHERE id = $1 RETURNING event_id`,
			id, refund).Scan(&eventID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM booth_offer WHERE application_id = $1`, id); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, ProducerID: producerID, Entity: "booth_application", EntityID: id,
			Action: "withdraw", Detail: map[string]any{"from": status, "refund_vnd": refund}}); err != nil {
			return err
		}
		// the freed booths go to the waitlist, with a deadline to accept
		e, err := scanEvent(tx.QueryRow(ctx, `SELECT `+eventColumns+` FROM `+eventFrom+` WHERE e.id = $1`, eventID))
		if err != nil {
			return err
		}
		_, err = s.offerToWaitlist(ctx, tx, a, e, freed)
		return err
	})
	return refund, err
}

// CheckIn marks the exhibitor of booth code checked in (by scanning its
// booth QR or typing the code) on the event's days.
func (s *Service) CheckIn(ctx context.Context, a audit.Actor, may May, eventID int64, code string) (_ *Application, err error) {
	defer apperr.Wrap(&err, "fair.CheckIn(%d, %s)", eventID, code)
	var appID int64
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := scoped(ctx, tx, may, eventID); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `SELECT x.application_id FROM booth_assignment x JOIN booth b ON b.id = x.booth_id
			WHERE b.event_id = $1 AND b.code = $2 FOR UPDATE OF x`, eventID, code).Scan(&appID)
		if err == pgx.ErrNoRows {
			return apperr.E(apperr.Invalid, "Gian này chưa xếp cho chủ thể nào.", "no exhibitor at this booth")
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE booth_assignment SET checked_in_at = coalesce(checked_in_at, now()) WHERE application_id = $1`, appID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE booth_application SET status = 'checked_in', updated_at = now() WHERE id = $1 AND status = 'booth_assigned'`, appID)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, Entity: "booth_application", EntityID: appID, Action: "check_in",
			Detail: map[string]any{"booth": code}})
	})
	if err != nil {
		return nil, err
	}
	return s.Application(ctx, eventID, appID)
}
