package catalog_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/vntext"
)

// fixture writes catalog rows straight into the tables.
type fixture struct {
	t    *testing.T
	pool *pgxpool.Pool
}

func (f fixture) exec(sql string, args ...any) {
	f.t.Helper()
	if _, err := f.pool.Exec(context.Background(), sql, args...); err != nil {
		f.t.Fatalf("%s: %v", sql, err)
	}
}

func (f fixture) producer(name, province string) int64 {
	f.t.Helper()
	var id int64
	err := f.pool.QueryRow(context.Background(), `
		INSERT INTO producer (name, name_fold, producer_type, province_code, slug, story)
		VALUES ($1, $2, 'htx', $3, $4, 'Câu chuyện') RETURNING id`,
		name, vntext.Fold(name), province, vntext.Slug(name)).Scan(&id)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

type prod struct {
	name, group string
	price       int64
	star        int
	decided     time.Time
	status      string // product status, default published
	cert        string // certificate status, default active
}

func (f fixture) product(producer int64, p prod) int64 {
	f.t.Helper()
	if p.status == "" {
		p.status = "published"
	}
	if p.cert == "" {
		p.cert = "active"
	}
	if p.decided.IsZero() {
		p.decided = time.Now().AddDate(0, -1, 0)
	}
	ctx := context.Background()
	var id int64
	err := f.pool.QueryRow(ctx, `
		INSERT INTO product (producer_id, group_code, name, name_fold, slug, price_vnd, unit, stock, status)
		VALUES ($1, $2, $3, $4, $5, $6, 'Hộp', 10, $7) RETURNING id`,
		producer, p.group, p.name, vntext.Fold(p.name), vntext.Slug(p.name), p.price, p.status).Scan(&id)
	if err != nil {
		f.t.Fatal(err)
	}
	from := p.decided.Format(time.DateOnly)
	until := p.decided.AddDate(0, 36, -1).Format(time.DateOnly)
	var revokedOn any
	if p.cert == "revoked" {
		revokedOn = from
	}
	f.exec(`INSERT INTO certificate (product_id, star, decision_no, decision_date, issuing_level, issuing_authority, valid_from, valid_until, status, revoked_on)
		VALUES ($1, $2, $3, $4, 'province', 'UBND tỉnh Thái Nguyên', $4, $5, $6, $7)`,
		id, p.star, fmt.Sprintf("%d/QĐ-UBND", id), from, until, p.cert, revokedOn)
	return id
}

func slugs(items []*catalog.ListItem) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.Slug)
	}
	return out
}

func TestListProducts(t *testing.T) {
	pool := pgtest.NewDB(t)
	f := fixture{t, pool}
	ctx := context.Background()
	now := time.Now()

	a := f.producer("HTX Chè Tân Cương", "19")
	b := f.producer("Công ty Nước mắm Phú Quốc", "91")
	f.product(a, prod{name: "Chè Tân Cương", group: "I.5.a", price: 250000, star: 4, decided: now.AddDate(0, -3, 0)})
	f.product(a, prod{name: "Trà hoa vàng", group: "I.5.b", price: 400000, star: 5, decided: now.AddDate(0, -2, 0)})
	f.product(b, prod{name: "Nước mắm 40 độ đạm", group: "I.4.a", price: 120000, star: 5, decided: now.AddDate(0, -1, 0)})
	f.product(b, prod{name: "Rượu sim", group: "II.1.b", price: 180000, star: 3, decided: now.AddDate(-1, 0, 0)})
	// never public:
	f.product(a, prod{name: "Chè nháp", group: "I.5.a", price: 1, star: 4, status: "draft"})
	f.product(a, prod{name: "Chè hết hạn", group: "I.5.a", price: 1, star: 4, decided: now.AddDate(-3, -1, 0), cert: "expired"})
	f.product(a, prod{name: "Chè quá hạn", group: "I.5.a", price: 1, star: 4, decided: now.AddDate(-3, 0, -2)}) // still 'active' but past valid_until
	f.product(b, prod{name: "Mắm thu hồi", group: "I.4.a", price: 1, star: 3, cert: "revoked"})
	suspended := f.producer("HTX Tạm dừng", "01")
	f.product(suspended, prod{name: "Bánh tạm dừng", group: "I.3.b", price: 1, star: 4})
	f.exec(`UPDATE producer SET status = 'suspended' WHERE id = $1`, suspended)

	svc := catalog.New(pool, nil)
	i64 := func(v int64) *int64 { return &v }
	tests := []struct {
		name  string
		f     catalog.Filter
		want  []string
		total int
	}{
		{"all, newest first", catalog.Filter{}, []string{"nuoc-mam-40-do-dam", "tra-hoa-vang", "che-tan-cuong", "ruou-sim"}, 4},
		{"province by code", catalog.Filter{Province: "19"}, []string{"tra-hoa-vang", "che-tan-cuong"}, 2},
		{"province by slug", catalog.Filter{Province: "an-giang"}, []string{"nuoc-mam-40-do-dam", "ruou-sim"}, 2},
		{"top-level group", catalog.Filter{Group: "I"}, []string{"nuoc-mam-40-do-dam", "tra-hoa-vang", "che-tan-cuong"}, 3},
		{"mid-level group by slug", catalog.Filter{Group: "che"}, []string{"tra-hoa-vang", "che-tan-cuong"}, 2},
		{"leaf group", catalog.Filter{Group: "II.1.b"}, []string{"ruou-sim"}, 1},
		{"group II does not match I.x", catalog.Filter{Group: "II"}, []string{"ruou-sim"}, 1},
		{"stars", catalog.Filter{Stars: []int{3, 4}}, []string{"che-tan-cuong", "ruou-sim"}, 2},
		{"price range", catalog.Filter{PriceMin: i64(150000), PriceMax: i64(300000)}, []string{"che-tan-cuong", "ruou-sim"}, 2},
		{"producer", catalog.Filter{Producer: "cong-ty-nuoc-mam-phu-quoc"}, []string{"nuoc-mam-40-do-dam", "ruou-sim"}, 2},
		{"price asc", catalog.Filter{Sort: "price_asc"}, []string{"nuoc-mam-40-do-dam", "ruou-sim", "che-tan-cuong", "tra-hoa-vang"}, 4},
		{"price desc", catalog.Filter{Sort: "price_desc"}, []string{"tra-hoa-vang", "che-tan-cuong", "ruou-sim", "nuoc-mam-40-do-dam"}, 4},
		{"star, then newest", catalog.Filter{Sort: "star"}, []string{"nuoc-mam-40-do-dam", "tra-hoa-vang", "che-tan-cuong", "ruou-sim"}, 4},
		{"page 2 of 3-per-page", catalog.Filter{PerPage: 3, Page: 2}, []string{"ruou-sim"}, 4},
		{"page beyond the end", catalog.Filter{PerPage: 3, Page: 9}, []string{}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := svc.ListProducts(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, slugs(p.Items)); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if p.Total != tt.total {
				t.Errorf("total = %d, want %d", p.Total, tt.total)
			}
		})
	}

	bad := []catalog.Filter{
		{Province: "99"}, {Group: "VII"}, {Stars: []int{2}}, {Stars: []int{6}},
		{Sort: "price;DROP TABLE product"}, {Page: -1}, {PerPage: 101},
		{PriceMin: i64(10), PriceMax: i64(5)}, {PriceMin: i64(-1)},
	}
	for _, f := range bad {
		if _, err := svc.ListProducts(ctx, f); apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("ListProducts(%+v) err = %v, want Invalid", f, err)
		}
	}
}

// TestSnapshotFollowsChanges checks that a committed change shows at once:
// no stale list after an edit, a suspension or a revocation.
func TestSnapshotFollowsChanges(t *testing.T) {
	pool := pgtest.NewDB(t)
	f := fixture{t, pool}
	ctx := context.Background()
	svc := catalog.New(pool, nil)

	a := f.producer("HTX Mật ong Đồng Văn", "08")
	id := f.product(a, prod{name: "Mật ong bạc hà", group: "I.2.b", price: 300000, star: 4})
	list := func() catalog.Page {
		t.Helper()
		p, err := svc.ListProducts(ctx, catalog.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p := list(); p.Total != 1 || p.Items[0].PriceVND != 300000 {
		t.Fatalf("before: %+v", p)
	}
	f.exec(`UPDATE product SET price_vnd = 320000 WHERE id = $1`, id)
	if p := list(); p.Items[0].PriceVND != 320000 {
		t.Errorf("price after edit = %d, want 320000", p.Items[0].PriceVND)
	}
	f.exec(`UPDATE certificate SET status = 'revoked', revoked_on = current_date WHERE product_id = $1`, id)
	if p := list(); p.Total != 0 {
		t.Errorf("revoked product still listed: %+v", p.Items)
	}
	if _, err := svc.Product(ctx, "mat-ong-bac-ha"); !errors.Is(err, catalog.ErrProductNotFound) {
		t.Errorf("Product of revoked = %v, want ErrProductNotFound", err)
	}
}

func TestProductAndProducer(t *testing.T) {
	pool := pgtest.NewDB(t)
	f := fixture{t, pool}
	ctx := context.Background()
	svc := catalog.New(pool, nil)

	a := f.producer("HTX Chè Hảo Đạt", "19")
	decided := time.Date(2025, 1, 16, 0, 0, 0, 0, time.UTC)
	f.product(a, prod{name: "Chè Đinh Tân Cương", group: "I.5.a", price: 900000, star: 5, decided: decided})

	p, err := svc.Product(ctx, "che-dinh-tan-cuong")
	if err != nil {
		t.Fatal(err)
	}
	if p.Certificate.ValidUntil != "2028-01-15" || p.Star != 5 || p.Province.Name != "Thái Nguyên" || p.Producer.TypeName != "Hợp tác xã" {
		t.Errorf("product: %+v", p)
	}
	wantPath := []catalog.CodeRef{{"I", "Sản phẩm thực phẩm"}, {"I.5", "Chè"}, {"I.5.a", "Chè tươi, chế biến"}}
	if diff := cmp.Diff(wantPath, p.GroupPath); diff != "" {
		t.Errorf("group path (-want +got):\n%s", diff)
	}
	if _, err := svc.Product(ctx, "khong-co"); !errors.Is(err, catalog.ErrProductNotFound) {
		t.Errorf("unknown slug: %v", err)
	}
	pr, err := svc.Producer(ctx, "htx-che-hao-dat")
	if err != nil || pr.Name != "HTX Chè Hảo Đạt" || pr.Province.Code != "19" {
		t.Errorf("producer = %+v, %v", pr, err)
	}
	f.exec(`UPDATE producer SET status = 'suspended'`)
	if _, err := svc.Producer(ctx, "htx-che-hao-dat"); !errors.Is(err, catalog.ErrProducerNotFound) {
		t.Errorf("suspended producer: %v", err)
	}

	ps, err := svc.Provinces(ctx)
	if err != nil || len(ps) != 34 {
		t.Fatalf("provinces: %d, %v", len(ps), err)
	}
	gs, err := svc.Groups(ctx)
	if err != nil || len(gs) != 39 {
		t.Fatalf("groups: %d, %v", len(gs), err)
	}
}
