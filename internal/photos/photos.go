// Package photos manages product photos and a producer's logo and banner:
// upload through the media/photo pipeline (type by content, size and
// pixel limits before decoding, EXIF orientation, metadata stripped,
// sized variants under content-addressed keys), order, alt text and
// deletion, which deletes the objects too; Sweep removes orphans.
package photos

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/media/photo"
)

// Service is the photos feature.
type Service struct {
	pool  *pgxpool.Pool
	store media.Store
	proc  *photo.Processor
	now   func() time.Time
}

// New returns the service. now may be nil (time.Now).
func New(pool *pgxpool.Pool, store media.Store, proc *photo.Processor, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{pool: pool, store: store, proc: proc, now: now}
}
