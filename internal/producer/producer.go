// Package producer is the onboarding and oversight of producers (chủ thể
// OCOP): a signed-up user's application to open a storefront, its review
// by trade-department staff of the province (approve, request changes,
// reject), suspension and reinstatement, and certificates recorded from
// the staff console. Every change is written to the audit log in the same
// transaction.
package producer

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/media"
)

// Service is the onboarding and oversight feature.
type Service struct {
	pool  *pgxpool.Pool
	store media.Store // application documents (private objects)
	now   func() time.Time
}

// New returns the service. now may be nil (time.Now).
func New(pool *pgxpool.Pool, store media.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{pool: pool, store: store, now: now}
}
