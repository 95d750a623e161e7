// Package product owns products and their photos: the tables product,
// product_photo and upload_event. Service is a producer's listings
// (create, edit, publish, stock), the back-office's dashboard and list,
// and the importer's bulk writes; Photos is product photos, a producer's
// logo and banner (whose columns producer writes) and the upload quotas.
// Descriptions are a safe rich-text subset, sanitised on the server. A
// product is published only with an active certificate. Every change is
// written to the audit log in the same transaction, with how the actor
// acted (member, staff on the producer's behalf, admin). The public read
// model is internal/catalog.
package product

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Service is the back-office feature.
type Service struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

// New returns the service. now may be nil (time.Now).
func New(pool *pgxpool.Pool, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{pool: pool, now: now}
}
