package fair

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
)

// A booth freed by a withdrawal (or left free after an automatic
// allocation) is offered to the waitlist: held for the first waitlisted
// application of its type, by priority points, until OfferWindow has
// passed. Accepting it approves the application with the booth; an
// offer not taken in time lapses and the booth is free again.

// OfferWindow is how long a waitlisted producer has to accept a booth.
const OfferWindow = 48 * time.Hour

// ErrOfferGone refuses an offer that lapsed or is another's.
var ErrOfferGone = apperr.E(apperr.Conflict, "Lời mời nhận gian này đã hết hạn hoặc không dành cho cơ sở.", "the offer lapsed or is not this producer's")

// BoothOffer is a booth held for a waitlisted application.
type BoothOffer struct {
	BoothID       int64
	BoothCode     string
	ApplicationID int64
	EventID       int64
	EventName     string
	ExpiresAt     time.Time
}

// offerToWaitlist offers each of the free booths (ids) of event e not
// already held to the next waitlisted application of its type that still
// lacks booths. It returns how many it offered.
func (s *Service) offerToWaitlist(ctx context.Context, tx pgx.Tx, a audit.Actor, e *Event, booths []int64) (int, error) {
	if len(booths) == 0 {
		return 0, nil
	}
	apps, err := s.applications(ctx, tx, `a.event_id = $1 AND a.status = 'waitlisted'`, e.ID)
	if err != nil || len(apps) == 0 {
		return 0, err
	}
	if err := s.score(ctx, tx, e, apps); err != nil {
		return 0, err
	}
	slices.SortStableFunc(apps, func(x, y *Application) int {
		if x.Points != y.Points {
			return y.Points - x.Points
		}
		return x.SubmittedAt.Compare(y.SubmittedAt)
	})
	now := s.now()
	held := map[int64]int{} // application → booths held for it now
	rows, err := tx.Query(ctx, `SELECT application_id, count(*) FROM booth_offer WHERE expires_at > $1 GROUP BY application_id`, now)
	if err != nil {
		return 0, err
	}
	var aid int64
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&aid, &n}, func() error { held[aid] = n; return nil }); err != nil {
		return 0, err
	}
	offered := 0
	for _, bid := range booths {
		var typ, code string
		var taken bool
		if err := tx.QueryRow(ctx, `SELECT booth_type, code,
			EXISTS (SELECT 1 FROM booth_assignment x WHERE x.booth_id = b.id) OR EXISTS (SELECT 1 FROM booth_offer o WHERE o.booth_id = b.id AND o.expires_at > $2)
			FROM booth b WHERE b.id = $1 AND NOT b.blocked`, bid, now).Scan(&typ, &code, &taken); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				continue
			}
			return offered, err
		}
		if taken {
			continue
		}
		for _, app := range apps {
			if app.BoothType != typ || len(app.Booths)+held[app.ID] >= app.Qty {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO booth_offer (booth_id, application_id, expires_at) VALUES ($1, $2, $3)
				ON CONFLICT (booth_id) DO UPDATE SET application_id = excluded.application_id, expires_at = excluded.expires_at, created_at = now()`,
				bid, app.ID, now.Add(OfferWindow)); err != nil {
				return offered, err
			}
			held[app.ID]++
			offered++
			if err := audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, Entity: "booth_application", EntityID: app.ID,
				Action: "offer_booth", Detail: map[string]any{"booth": code, "expires_at": now.Add(OfferWindow).Format(time.RFC3339)}}); err != nil {
				return offered, err
			}
			break
		}
	}
	return offered, nil
}

// OffersOf lists the booths held for producerID's waitlisted
// applications, soonest deadline first.
func (s *Service) OffersOf(ctx context.Context, producerID int64) (_ []BoothOffer, err error) {
	defer apperr.Wrap(&err, "fair.OffersOf(%d)", producerID)
	rows, err := s.pool.Query(ctx, `
		SELECT o.booth_id, b.code, o.application_id, e.id, e.name, o.expires_at
		FROM booth_offer o JOIN booth b ON b.id = o.booth_id JOIN booth_application a ON a.id = o.application_id JOIN event e ON e.id = a.event_id
		WHERE a.producer_id = $1 AND a.status = 'waitlisted' AND o.expires_at > $2 ORDER BY o.expires_at`, producerID, s.now())
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (BoothOffer, error) {
		var o BoothOffer
		err := r.Scan(&o.BoothID, &o.BoothCode, &o.ApplicationID, &o.EventID, &o.EventName, &o.ExpiresAt)
		return o, err
	})
}

// AcceptOffer takes the booth held for producerID before its deadline:
// the application is approved with the booth (to pay, or free), and the
// offer is gone.
func (s *Service) AcceptOffer(ctx context.Context, a audit.Actor, producerID, boothID int64) (err error) {
	defer apperr.Wrap(&err, "fair.AcceptOffer(%d)", boothID)
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var appID, eventID int64
		var code string
		var payable int64
		var qty int
		err := tx.QueryRow(ctx, `
			DELETE FROM booth_offer o USING booth_application a, booth b
			WHERE o.booth_id = $1 AND a.id = o.application_id AND b.id = o.booth_id AND a.producer_id = $2 AND a.status = 'waitlisted' AND o.expires_at > $3
			RETURNING a.id, a.event_id, b.code, a.payable_vnd, a.qty`, boothID, producerID, s.now()).Scan(&appID, &eventID, &code, &payable, &qty)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrOfferGone
		}
		if err != nil {
			return err
		}
		e, err := s.ByID(ctx, eventID)
		if err != nil {
			return err
		}
		if err := stillEligible(ctx, tx, e, appID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO booth_assignment (booth_id, application_id) VALUES ($1, $2)`, boothID, appID); err != nil {
			return err
		}
		var held int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM booth_assignment WHERE application_id = $1`, appID).Scan(&held); err != nil {
			return err
		}
		next := AppAwaiting
		if payable == 0 {
			next = AppFree
			if held >= qty {
				next = AppAssigned
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE booth_application SET status = $2, updated_at = now() WHERE id = $1`, appID, next); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, ProducerID: producerID, Entity: "booth_application", EntityID: appID,
			Action: "accept_offer", Detail: map[string]any{"booth": code, "to": next}})
	})
}
