package certification_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/paging"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/producer"
)

// TestRevokeByDecision: one decision revokes a list of products in one
// transaction, each audited; a product of another province, or without
// an active certificate, revokes nothing; an officer who is a member of
// a producer cannot revoke its products.
func TestRevokeByDecision(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	f := catalogtest.Fixture{T: t, Pool: pool}
	svc := certification.New(pool, func() time.Time { return time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC) })
	var uid int64
	if err := pool.QueryRow(ctx, `INSERT INTO app_user (email, display_name, password_hash) VALUES ('cb@so.vn', 'Cán bộ', 'x') RETURNING id`).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	officer := producer.Actor{UserID: uid, Provinces: []string{"82"}, Certifies: []string{"82"}}
	// staff of the province's trade promotion: not theirs to revoke
	trade := producer.Actor{UserID: uid, Provinces: []string{"82"}}
	dt := f.Producer("HTX Đồng Tháp", "82")
	a := f.Product(dt, catalogtest.Product{Name: "Bánh phồng tôm", Group: "I.3.a", Price: 50000, Star: 3})
	b := f.Product(dt, catalogtest.Product{Name: "Nem Lai Vung", Group: "I.3.a", Price: 60000, Star: 3})
	c := f.Product(dt, catalogtest.Product{Name: "Hủ tiếu Sa Đéc", Group: "I.3.a", Price: 40000, Star: 4})
	other := f.Product(f.Producer("HTX An Giang", "91"), catalogtest.Product{Name: "Mắm Châu Đốc", Group: "I.4.a", Price: 90000, Star: 4})
	form := certification.RevokeForm{DecisionNo: "1520/QĐ-UBND", DecisionDate: "2026-11-20", Reason: "Không đạt tiêu chí bắt buộc khi đánh giá lại"}

	// the list page shows only the officer's province
	items, total, err := svc.Revocables(ctx, officer, "", paging.Of(1, 50))
	if err != nil || total != 3 || len(items) != 3 {
		t.Fatalf("revocables: %d %v", total, err)
	}

	for _, tt := range []struct {
		name  string
		form  certification.RevokeForm
		field string
	}{
		{"no decision number", certification.RevokeForm{DecisionDate: form.DecisionDate, Reason: form.Reason, ProductIDs: []int64{a}}, "revoke_decision_no"},
		{"no reason", certification.RevokeForm{DecisionNo: form.DecisionNo, DecisionDate: form.DecisionDate, ProductIDs: []int64{a}}, "reason"},
		{"future date", certification.RevokeForm{DecisionNo: form.DecisionNo, DecisionDate: "2026-12-20", Reason: form.Reason, ProductIDs: []int64{a}}, "revoke_date"},
		{"no product", certification.RevokeForm{DecisionNo: form.DecisionNo, DecisionDate: form.DecisionDate, Reason: form.Reason}, "products"},
		{"before the certificate", certification.RevokeForm{DecisionNo: form.DecisionNo, DecisionDate: "2024-01-01", Reason: form.Reason, ProductIDs: []int64{a}}, "revoke_date"},
	} {
		_, err := svc.RevokeByDecision(ctx, officer, tt.form)
		var fe apperr.FieldErrors
		if !errors.As(err, &fe) || fe[tt.field] == "" {
			t.Errorf("%s: %v, want a %s error", tt.name, err, tt.field)
		}
	}
	tradeForm := form
	tradeForm.ProductIDs = []int64{a}
	if _, err := svc.RevokeByDecision(ctx, trade, tradeForm); !errors.Is(err, certification.ErrNotOCOPOffice) {
		t.Errorf("trade promotion staff: %v", err)
	}
	if items, _, _ := svc.Revocables(ctx, trade, "", paging.Of(1, 50)); len(items) != 0 {
		t.Errorf("trade promotion staff see %d revocables", len(items))
	}
	// another province's product in the list: nothing revoked
	withOther := form
	withOther.ProductIDs = []int64{a, other}
	if _, err := svc.RevokeByDecision(ctx, officer, withOther); apperr.KindOf(err) != apperr.NotFound {
		t.Errorf("another province's product: %v", err)
	}
	countRevoked := func() int {
		var n int
		_ = pool.QueryRow(ctx, `SELECT count(*) FROM certificate WHERE status = 'revoked'`).Scan(&n)
		return n
	}
	if n := countRevoked(); n != 0 {
		t.Fatalf("%d revoked after refusals", n)
	}
	// a member of the producer may not revoke its products
	if _, err := pool.Exec(ctx, `INSERT INTO producer_member (user_id, producer_id, role) VALUES ($1, $2, 'staff')`, uid, dt); err != nil {
		t.Fatal(err)
	}
	own := form
	own.ProductIDs = []int64{a}
	if _, err := svc.RevokeByDecision(ctx, officer, own); !errors.Is(err, producer.ErrOwnCase) {
		t.Errorf("own producer: %v", err)
	}
	if _, err := pool.Exec(ctx, `DELETE FROM producer_member WHERE user_id = $1`, uid); err != nil {
		t.Fatal(err)
	}

	form.ProductIDs = []int64{a, b, a}
	n, err := svc.RevokeByDecision(ctx, officer, form)
	if err != nil || n != 2 {
		t.Fatalf("revoke two: %d, %v", n, err)
	}
	var revoked int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM certificate WHERE status = 'revoked' AND revoked_on = '2026-11-20'
		AND revoke_decision_no = '1520/QĐ-UBND' AND revoke_reason = $1 AND product_id = ANY ($2)`, form.Reason, []int64{a, b}).Scan(&revoked); err != nil || revoked != 2 {
		t.Errorf("revoked rows: %d %v", revoked, err)
	}
	var audited, public int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'certificate' AND action = 'revoke' AND actor_id = $1`, uid).Scan(&audited)
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM public_product WHERE id = ANY ($1)`, []int64{a, b, c}).Scan(&public)
	if audited != 2 || public != 1 {
		t.Errorf("audited %d, public %d", audited, public)
	}
	// revoking again: they have no active certificate any more
	if _, err := svc.RevokeByDecision(ctx, officer, form); apperr.KindOf(err) != apperr.NotFound {
		t.Errorf("again: %v", err)
	}
}
