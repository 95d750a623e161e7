// Package backoffice is the producer back-office's product side: a
// producer's products (create, edit, status), the dashboard's figures and
// the storefront profile. Descriptions are a safe rich-text subset,
// sanitised on the server. A product is published only with an active
// certificate. Every change is written to the audit log in the same
// transaction, with how the actor acted (member, staff on the producer's
// behalf, admin).
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
