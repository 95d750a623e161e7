package showroom

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/vntext"
	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/media/photo"
)

// Photos of a showroom (its front, shelves, signage) and of an
// inspection (the officer's evidence) go through the product photo
// pipeline (type by content, pixel limits before decoding, metadata
// stripped, sized variants under content-addressed keys) into the media
// store under showrooms/<id>/. The objects are stored before the row
// that refers to them (SECURITY.md D-06); a refused row deletes them
// again unless a committed row refers to the same keys, and SweepPhotos
// removes what a crash leaves.

// Limits on photos.
const (
	MaxPhotos           = 10 // a showroom's public photos
	MaxInspectionPhotos = 6  // one inspection's evidence
	PhotoPrefix         = "showrooms/"
)

// Photo is one stored photo.
type Photo struct {
	ID       int64
	Alt      string
	Width    int
	Height   int
	Variants []media.Variant // smallest first
}

// Refusals.
var (
	ErrNoMedia      = apperr.E(apperr.Unavailable, "Chưa cấu hình kho ảnh.", "showroom photos need a media store")
	ErrPhotosFull   = apperr.E(apperr.Conflict, "Điểm bán đã có đủ 10 ảnh. Hãy xoá bớt ảnh cũ trước khi tải ảnh mới.", "a showroom has at most 10 photos")
	ErrPhotoDup     = apperr.E(apperr.Conflict, "Ảnh này đã có trong danh sách ảnh.", "the same photo is already attached")
	ErrPhotoMissing = apperr.E(apperr.NotFound, "Không tìm thấy ảnh.", "photo not found for this showroom")
	ErrPhotoAlt     = apperr.E(apperr.Invalid, "Mô tả ảnh dài quá 300 ký tự.", "alt text over 300 runes")
)

// SetMedia gives the service the media store and photo pipeline; without
// them photo uploads are refused with ErrNoMedia.
func (s *Service) SetMedia(store media.Store, proc *photo.Processor) {
	s.store, s.proc = store, proc
}

// UploadPhoto checks and stores one photo of showroom id and appends it
// to its public photos, with alt text (the photo's description for
// people who cannot see it).
func (s *Service) UploadPhoto(ctx context.Context, a audit.Actor, may May, id int64, data []byte, alt string) (_ *Photo, err error) {
	defer apperr.Wrap(&err, "showroom.UploadPhoto(%d)", id)
	return s.upload(ctx, a, may, id, 0, data, alt)
}

func (s *Service) upload(ctx context.Context, a audit.Actor, may May, id, inspectionID int64, data []byte, alt string) (*Photo, error) {
	if s.proc == nil {
		return nil, ErrNoMedia
	}
	alt = vntext.NFC(strings.TrimSpace(alt))
	if len([]rune(alt)) > product.MaxAlt {
		return nil, ErrPhotoAlt
	}
	// who may, and a full showroom, refuse before any decoding or object
	if err := postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := scoped(ctx, tx, may, id); err != nil {
			return err
		}
		_, err := photoCount(ctx, tx, id, inspectionID)
		return err
	}); err != nil {
		return nil, err
	}
	pvs, err := s.proc.ProcessUnder(ctx, PhotoPrefix+strconv.FormatInt(id, 10)+"/", data)
	if err != nil {
		return nil, err
	}
	vs := product.ToVariants(pvs)
	largest := vs[len(vs)-1]
	ph := &Photo{Alt: alt, Width: largest.Width, Height: largest.Height, Variants: vs}
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		// the showroom row lock serialises its photo changes: count, then insert
		if err := scoped(ctx, tx, may, id); err != nil {
			return err
		}
		n, err := photoCount(ctx, tx, id, inspectionID)
		if err != nil {
			return err
		}
		var dup bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM showroom_photo
			WHERE showroom_id = $1 AND coalesce(inspection_id, 0) = $2 AND content_sha = $3)`,
			id, inspectionID, product.ContentSHA(vs)).Scan(&dup); err != nil {
			return err
		}
		if dup {
			return ErrPhotoDup
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO showroom_photo (showroom_id, inspection_id, position, content_sha, width, height, alt, variants)
			VALUES ($1, NULLIF($2, 0), $3, $4, $5, $6, $7, $8) RETURNING id`,
			id, inspectionID, n, product.ContentSHA(vs), ph.Width, ph.Height, alt, vs).Scan(&ph.ID); err != nil {
			return err
		}
		detail := map[string]any{"keys": product.KeysOf(vs), "alt": alt}
		if inspectionID != 0 {
			detail["inspection_id"] = inspectionID
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, Entity: "showroom", EntityID: id,
			Action: "add_photo", Detail: detail})
	})
	if err != nil {
		s.deleteUnreferenced(context.WithoutCancel(ctx), product.KeysOf(vs))
		return nil, err
	}
	return ph, nil
}

// photoCount counts the photos of a showroom (inspectionID 0) or of one
// of its inspections, refusing a full set.
func photoCount(ctx context.Context, tx pgx.Tx, id, inspectionID int64) (int, error) {
	limit, full := MaxPhotos, ErrPhotosFull
	if inspectionID != 0 {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM showroom_inspection WHERE id = $1 AND showroom_id = $2)`,
			inspectionID, id).Scan(&ok); err != nil {
			return 0, err
		}
		if !ok {
			return 0, ErrNotFound
		}
		limit = MaxInspectionPhotos
		full = apperr.E(apperr.Conflict, "Mỗi lần kiểm tra có tối đa 6 ảnh.", "an inspection has at most 6 photos")
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM showroom_photo WHERE showroom_id = $1 AND coalesce(inspection_id, 0) = $2`,
		id, inspectionID).Scan(&n); err != nil {
		return 0, err
	}
	if n >= limit {
		return n, full
	}
	return n, nil
}

// Photos lists the public photos of showroom id in their order.
func (s *Service) Photos(ctx context.Context, id int64) (_ []Photo, err error) {
	defer apperr.Wrap(&err, "showroom.Photos(%d)", id)
	return s.photos(ctx, `WHERE showroom_id = $1 AND inspection_id IS NULL ORDER BY position, id`, id)
}

// InspectionPhotos maps each inspection of showroom id to its photos.
func (s *Service) InspectionPhotos(ctx context.Context, id int64) (_ map[int64][]Photo, err error) {
	defer apperr.Wrap(&err, "showroom.InspectionPhotos(%d)", id)
	rows, err := s.pool.Query(ctx, `SELECT inspection_id, id, alt, width, height, variants FROM showroom_photo
		WHERE showroom_id = $1 AND inspection_id IS NOT NULL ORDER BY inspection_id, position, id`, id)
	if err != nil {
		return nil, err
	}
	out := map[int64][]Photo{}
	var iid int64
	var ph Photo
	_, err = pgx.ForEachRow(rows, []any{&iid, &ph.ID, &ph.Alt, &ph.Width, &ph.Height, &ph.Variants}, func() error {
		out[iid] = append(out[iid], ph)
		ph = Photo{}
		return nil
	})
	return out, err
}

func (s *Service) photos(ctx context.Context, where string, args ...any) ([]Photo, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, alt, width, height, variants FROM showroom_photo `+where, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Photo, error) {
		var ph Photo
		err := r.Scan(&ph.ID, &ph.Alt, &ph.Width, &ph.Height, &ph.Variants)
		return ph, err
	})
}

// DeletePhoto removes a photo of showroom id (public or of an
// inspection), renumbers the rest and then deletes its objects unless
// another row refers to them.
func (s *Service) DeletePhoto(ctx context.Context, a audit.Actor, may May, id, photoID int64) (err error) {
	defer apperr.Wrap(&err, "showroom.DeletePhoto(%d, %d)", id, photoID)
	var vs []media.Variant
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := scoped(ctx, tx, may, id); err != nil {
			return err
		}
		var iid *int64
		err := tx.QueryRow(ctx, `DELETE FROM showroom_photo WHERE id = $1 AND showroom_id = $2 RETURNING inspection_id, variants`,
			photoID, id).Scan(&iid, &vs)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrPhotoMissing
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE showroom_photo p SET position = o.n - 1
			FROM (SELECT id, row_number() OVER (ORDER BY position, id) AS n FROM showroom_photo
			      WHERE showroom_id = $1 AND inspection_id IS NOT DISTINCT FROM $2) o
			WHERE p.id = o.id AND p.position <> o.n - 1`, id, iid); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, Entity: "showroom", EntityID: id,
			Action: "remove_photo", Detail: map[string]any{"keys": product.KeysOf(vs)}})
	})
	if err != nil {
		return err
	}
	s.deleteUnreferenced(context.WithoutCancel(ctx), product.KeysOf(vs))
	return nil
}

// deleteUnreferenced deletes the objects of keys no committed row refers
// to; failures are left to the sweeper.
func (s *Service) deleteUnreferenced(ctx context.Context, keys []string) {
	if s.store != nil {
		media.DeleteUnreferenced(ctx, s.store, keys, s.Referenced)
	}
}

// Referenced returns which of keys a showroom photo refers to.
func (s *Service) Referenced(ctx context.Context, keys []string) (_ map[string]bool, err error) {
	defer apperr.Wrap(&err, "showroom.Referenced(%d keys)", len(keys))
	return postgres.StringSet(s.pool.Query(ctx, `
		SELECT k FROM unnest($1::text[]) AS k
		WHERE EXISTS (SELECT 1 FROM showroom_photo WHERE variants @> jsonb_build_array(jsonb_build_object('key', k)))`, keys))
}

// SweepPhotos deletes objects under showrooms/ older than minAge that no
// row refers to (a showroom or inspection deleted with its rows, a crash
// between storing and the insert).
func (s *Service) SweepPhotos(ctx context.Context, minAge time.Duration) ([]string, error) {
	if s.store == nil {
		return nil, nil
	}
	return media.Sweep(ctx, s.store, PhotoPrefix, minAge, s.now(), s.Referenced)
}
