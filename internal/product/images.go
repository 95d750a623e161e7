package product

import (
	"context"
	"errors"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/producer"
)

// Kinds of producer image.
const (
	Logo   = "logo"
	Banner = "banner"
)

// ProducerImages are a producer's logo and banner variants (empty when
// none).
type ProducerImages struct {
	Logo   []Variant
	Banner []Variant
}

// errShopNotFound: no such producer (the photo pages say "shop").
var errShopNotFound = apperr.E(apperr.NotFound, "Không tìm thấy cửa hàng.", "producer not found")

// ProducerImages returns the producer's logo and banner.
func (s *Photos) ProducerImages(ctx context.Context, producerID int64) (_ *ProducerImages, err error) {
	defer apperr.Wrap(&err, "product.ProducerImages(%d)", producerID)
	im := &ProducerImages{}
	err = s.pool.QueryRow(ctx, `SELECT logo_variants, banner_variants FROM producer WHERE id = $1`, producerID).Scan(&im.Logo, &im.Banner)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errShopNotFound
	}
	return im, err
}

// validKind reports whether kind is a producer image kind.
func validKind(kind string) bool { return kind == Logo || kind == Banner }

// SetProducerImage stores data as the producer's logo or banner (kind)
// under producers/<id>/<kind>/ and, after the commit, deletes the old
// image's objects. Errors: ErrKind, the pipeline's refusals, ErrQuota,
// Unavailable.
func (s *Photos) SetProducerImage(ctx context.Context, a Actor, producerID int64, kind string, data []byte) (err error) {
	defer apperr.Wrap(&err, "product.SetProducerImage(%d, %s)", producerID, kind)
	if !validKind(kind) {
		return ErrKind
	}
	if _, err := s.ProducerImages(ctx, producerID); err != nil {
		return err
	}
	unlock := s.lock("producer:" + strconv.FormatInt(producerID, 10))
	defer unlock()
	if err := s.checkQuota(ctx, s.pool, producerID, kind, nil); err != nil {
		return err
	}
	pvs, err := s.proc.ProcessUnder(ctx, "producers/"+strconv.FormatInt(producerID, 10)+"/"+kind+"/", data)
	if err != nil {
		return err
	}
	vs := ToVariants(pvs)
	var old []Variant
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if old, err = producer.LockImage(ctx, tx, producerID, kind); err != nil {
			return err
		}
		// the producer row is locked: the sum cannot change until commit
		if err := s.checkQuota(ctx, tx, producerID, kind, vs); err != nil {
			return err
		}
		if err := producer.SetImage(ctx, tx, producerID, kind, vs); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, ProducerID: producerID,
			Entity: "producer", EntityID: producerID, Action: "set_" + kind,
			Detail: map[string]any{"keys": KeysOf(vs), "old_keys": KeysOf(old)}})
	})
	if err != nil {
		s.deleteUnreferenced(context.WithoutCancel(ctx), KeysOf(vs))
		return err
	}
	s.deleteUnreferenced(context.WithoutCancel(ctx), KeysOf(old))
	return nil
}

// RemoveProducerImage removes the producer's logo or banner and then its
// objects. Removing an absent image is not an error.
func (s *Photos) RemoveProducerImage(ctx context.Context, a Actor, producerID int64, kind string) (err error) {
	defer apperr.Wrap(&err, "product.RemoveProducerImage(%d, %s)", producerID, kind)
	if !validKind(kind) {
		return ErrKind
	}
	unlock := s.lock("producer:" + strconv.FormatInt(producerID, 10))
	defer unlock()
	var old []Variant
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if old, err = producer.LockImage(ctx, tx, producerID, kind); err != nil {
			return err
		}
		if len(old) == 0 {
			return nil
		}
		if err := producer.SetImage(ctx, tx, producerID, kind, nil); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, ProducerID: producerID,
			Entity: "producer", EntityID: producerID, Action: "remove_" + kind,
			Detail: map[string]any{"old_keys": KeysOf(old)}})
	})
	if err != nil {
		return err
	}
	s.deleteUnreferenced(context.WithoutCancel(ctx), KeysOf(old))
	return nil
}
