package audit_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

func TestRecordListAndAppendOnly(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	f := catalogtest.Fixture{T: t, Pool: pool}
	a := f.Producer("HTX Chè Tân Cương", "19")
	b := f.Producer("HTX Nước mắm Phú Quốc", "91")
	for _, e := range []audit.Entry{
		{ActingAs: audit.AsStaff, ProducerID: a, Entity: "product", EntityID: 7, Action: "update", Detail: map[string]any{"price_vnd": []int{100, 120}}},
		{ActingAs: audit.AsMember, ProducerID: b, Entity: "producer", EntityID: b, Action: "update"},
	} {
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return audit.Record(ctx, tx, e) })
		if err != nil {
			t.Fatal(err)
		}
	}
	// an entry rolls back with its transaction
	_ = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := audit.Record(ctx, tx, audit.Entry{ActingAs: audit.AsAdmin, ProducerID: a, Entity: "product", Action: "delete"}); err != nil {
			t.Fatal(err)
		}
		return context.Canceled
	})
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return audit.Record(ctx, tx, audit.Entry{Entity: "x"}) }); err == nil {
		t.Fatal("an entry without acting_as and action was recorded")
	}

	all, err := audit.List(ctx, pool, audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ProducerID != b || all[1].Action != "update" || all[1].ActingAs != audit.AsStaff {
		t.Fatalf("entries: %+v", all)
	}
	mine, err := audit.List(ctx, pool, audit.Filter{Provinces: []string{"19"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 1 || mine[0].ProducerID != a || mine[0].Detail["price_vnd"] == nil {
		t.Fatalf("province 19 entries: %+v", mine)
	}

	for _, sql := range []string{`UPDATE audit_log SET action = 'x'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`} {
		if _, err := pool.Exec(ctx, sql); err == nil {
			t.Errorf("%s: PostgreSQL allowed it; the audit log must be append-only", sql)
		}
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("after the refused changes: %d entries (%v), want 2", n, err)
	}
}
