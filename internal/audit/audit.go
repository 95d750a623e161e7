// Package audit appends to the audit log: who changed what, how they
// acted (as a member of the producer, as trade-department staff on its
// behalf, as admin) and the change. The table is append-only; PostgreSQL
// refuses updates and deletes (migration 00006).
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// How an actor acted.
const (
	AsMember = "member" // a member (owner or staff) of the producer
	AsStaff  = "staff"  // trade-department staff, e.g. on a household's behalf
	AsAdmin  = "admin"
	AsUser   = "user"   // a signed-in user acting for themself (an application)
	AsSystem = "system" // a job
)

// Actor is who makes a change and how they act (As*); the feature
// services take it from the web layer (web.Acting).
type Actor struct {
	UserID   int64
	ActingAs string
}

// Change is one changed field in an entry's detail: its old and new
// values.
type Change struct {
	Old any `json:"old"`
	New any `json:"new"`
}

// Entry is one change.
type Entry struct {
	ActorID    int64  // 0 for the system
	ActingAs   string // As*
	ProducerID int64  // 0 when no producer is concerned
	Entity     string // "product", "producer", "application", "certificate", "photo", ...
	EntityID   int64
	Action     string         // "create", "update", "publish", "approve", "suspend", ...
	Detail     map[string]any // what changed; JSON
}

// Record appends e inside tx, so the entry commits with the change it
// describes or not at all.
func Record(ctx context.Context, tx pgx.Tx, e Entry) error {
	if e.ActingAs == "" || e.Entity == "" || e.Action == "" {
		return fmt.Errorf("audit: entry without acting_as, entity or action: %+v", e)
	}
	detail := []byte("{}")
	if len(e.Detail) > 0 {
		b, err := json.Marshal(e.Detail)
		if err != nil {
			return fmt.Errorf("audit: detail: %w", err)
		}
		detail = b
	}
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (actor_id, acting_as, producer_id, entity, entity_id, action, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		nullID(e.ActorID), e.ActingAs, nullID(e.ProducerID), e.Entity, nullID(e.EntityID), e.Action, detail)
	if err != nil {
		return fmt.Errorf("audit: record %s %s: %w", e.Entity, e.Action, err)
	}
	return nil
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// Row is a recorded entry.
type Row struct {
	ID         int64
	At         time.Time
	ActorID    int64
	ActorName  string
	ActingAs   string
	ProducerID int64
	Entity     string
	EntityID   int64
	Action     string
	Detail     map[string]any
}

// Filter selects entries; zero fields select everything.
type Filter struct {
	ProducerID int64
	Provinces  []string // producers of these provinces (staff scope); nil = all
	Limit      int      // default 100, at most 500
	BeforeID   int64    // entries older than this id (paging)
}

// List returns entries, newest first.
func List(ctx context.Context, pool *pgxpool.Pool, f Filter) ([]Row, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	rows, err := pool.Query(ctx, `
		SELECT a.id, a.at, coalesce(a.actor_id, 0), coalesce(u.display_name, ''), a.acting_as,
		       coalesce(a.producer_id, 0), a.entity, coalesce(a.entity_id, 0), a.action, a.detail
		FROM audit_log a
		LEFT JOIN app_user u ON u.id = a.actor_id
		LEFT JOIN producer p ON p.id = a.producer_id
		WHERE ($1 = 0 OR a.producer_id = $1)
		  AND ($2::text[] IS NULL OR p.province_code = ANY ($2))
		  AND ($3 = 0 OR a.id < $3)
		ORDER BY a.id DESC
		LIMIT $4`, f.ProducerID, f.Provinces, f.BeforeID, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Row, error) {
		var x Row
		err := r.Scan(&x.ID, &x.At, &x.ActorID, &x.ActorName, &x.ActingAs, &x.ProducerID, &x.Entity, &x.EntityID, &x.Action, &x.Detail)
		return x, err
	})
}
