package product

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/postgres"
)

// Default limits (SECURITY.md U-01).
const (
	// QuotaBytes is the most bytes of stored variants a producer may have:
	// every variant of all its products' photos, its logo and its banner.
	QuotaBytes = 500 << 20
	// UploadFiles image files per UploadWindow per user. A producer filling
	// a product (10 photos) six times in ten minutes stays under it; a
	// script cannot keep both decode slots busy (a 12-megapixel photo takes
	// about half a second of CPU, so 60 files are about 30 s of the 1,200
	// core-seconds in the window of a 2-core server, per user).
	UploadFiles  = 60
	UploadWindow = 10 * time.Minute
)

// Limits are the storage quota and the upload rate limit.
type Limits struct {
	QuotaBytes   int64         // per producer
	UploadFiles  int           // per user per UploadWindow
	UploadWindow time.Duration // sliding
}

// DefaultLimits are the limits New uses.
func DefaultLimits() Limits {
	return Limits{QuotaBytes: QuotaBytes, UploadFiles: UploadFiles, UploadWindow: UploadWindow}
}

// Refusals of the limits.
var (
	ErrQuota = apperr.E(apperr.Conflict,
		"Cửa hàng đã hết dung lượng lưu ảnh (tối đa 500 MB cho mọi ảnh sản phẩm, logo và ảnh bìa). Hãy xoá bớt ảnh cũ rồi tải lên lại.",
		"producer storage quota reached")
	ErrTooManyUploads = apperr.E(apperr.TooMany,
		"Bạn đã tải lên quá nhiều ảnh trong thời gian ngắn (tối đa 60 ảnh trong 10 phút). Vui lòng đợi vài phút rồi thử lại.",
		"upload rate limit reached")
)

// SetLimits replaces the limits; call it before the service is used (a
// test sets small ones).
func (s *Photos) SetLimits(l Limits) { s.limits = l }

// ReserveUploads records that userID is about to upload n image files and
// returns how many of them the rate limit lets through (the first granted
// ones). It is called before any file is read or decoded; a refused file
// is not processed. Staff acting for a producer count as themselves.
// Errors: ErrTooManyUploads when none is granted.
func (s *Photos) ReserveUploads(ctx context.Context, userID int64, n int) (granted int, err error) {
	defer apperr.Wrap(&err, "product.ReserveUploads(%d, %d)", userID, n)
	if n <= 0 {
		return 0, nil
	}
	now := s.now()
	since := now.Add(-s.limits.UploadWindow)
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		// the user's row lock serialises one user's reservations across
		// app processes: count, then insert
		var id int64
		if err := tx.QueryRow(ctx, `SELECT id FROM app_user WHERE id = $1 FOR NO KEY UPDATE`, userID).Scan(&id); err != nil {
			return fmt.Errorf("lock user: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM upload_event WHERE user_id = $1 AND at <= $2`, userID, since); err != nil {
			return err
		}
		var used int
		if err := tx.QueryRow(ctx, `SELECT coalesce(sum(files), 0) FROM upload_event WHERE user_id = $1 AND at > $2`,
			userID, since).Scan(&used); err != nil {
			return err
		}
		granted = min(n, max(s.limits.UploadFiles-used, 0))
		if granted == 0 {
			return nil
		}
		_, err := tx.Exec(ctx, `INSERT INTO upload_event (user_id, files, at) VALUES ($1, $2, $3)`, userID, granted, now)
		return err
	})
	if err != nil {
		return 0, err
	}
	if granted == 0 {
		return 0, ErrTooManyUploads
	}
	return granted, nil
}

// Cleanup deletes upload records older than the rate limit's window (an
// upload deletes its own user's; this catches users who stopped). The app
// runs it periodically.
func (s *Photos) Cleanup(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM upload_event WHERE at <= $1`, s.now().Add(-s.limits.UploadWindow))
	if err != nil {
		return fmt.Errorf("product.Cleanup: %w", err)
	}
	return nil
}

// Usage returns the bytes of stored variants producerID has (variants of
// rows written before sizes were recorded count as 0).
func (s *Photos) Usage(ctx context.Context, producerID int64) (_ int64, err error) {
	defer apperr.Wrap(&err, "product.Usage(%d)", producerID)
	return usage(ctx, s.pool, producerID, "")
}

// usage is the bytes of producerID's stored variants, leaving out its
// except image (Logo or Banner, the one being replaced; "" for none).
func usage(ctx context.Context, q postgres.Querier, producerID int64, except string) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, `
		SELECT coalesce((SELECT sum((v->>'bytes')::bigint)
		                 FROM product_photo ph JOIN product p ON p.id = ph.product_id,
		                      jsonb_array_elements(ph.variants) v
		                 WHERE p.producer_id = $1), 0)
		     + coalesce((SELECT sum((v->>'bytes')::bigint)
		                 FROM producer pr,
		                      jsonb_array_elements(CASE WHEN $2 = 'logo' THEN '[]'::jsonb ELSE pr.logo_variants END
		                                        || CASE WHEN $2 = 'banner' THEN '[]'::jsonb ELSE pr.banner_variants END) v
		                 WHERE pr.id = $1), 0)`, producerID, except).Scan(&n)
	return n, err
}

// sizeOf is the bytes of vs.
func sizeOf(vs []Variant) int64 {
	var n int64
	for _, v := range vs {
		n += v.Bytes
	}
	return n
}

// checkQuota refuses adding vs to producerID's images (replacing its
// except image) when that would cross the quota. In a transaction, the
// producer row must be locked first, so concurrent uploads to any of its
// products or images cannot together overshoot.
func (s *Photos) checkQuota(ctx context.Context, q postgres.Querier, producerID int64, except string, vs []Variant) error {
	used, err := usage(ctx, q, producerID, except)
	if err != nil {
		return err
	}
	// with no variants yet (the check before processing), a producer
	// exactly at its quota is refused too
	if used+max(sizeOf(vs), 1) > s.limits.QuotaBytes {
		return ErrQuota
	}
	return nil
}
