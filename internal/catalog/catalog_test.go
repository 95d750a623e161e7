package catalog_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

func slugs(items []*catalog.ListItem) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.Slug)
	}
	return out
}

func TestListProducts(t *testing.T) {
	pool := pgtest.NewDB(t)
	f := catalogtest.Fixture{T: t, Pool: pool}
	ctx := context.Background()
	now := time.Now()

	a := f.Producer("HTX Chè Tân Cương", "19")
	b := f.Producer("Công ty Nước mắm Phú Quốc", "91")
	f.Product(a, catalogtest.Product{Name: "Chè Tân Cương", Group: "I.5.a", Price: 250000, Star: 4, Decided: now.AddDate(0, -3, 0)})
	f.Product(a, catalogtest.Product{Name: "Trà hoa vàng", Group: "I.5.b", Price: 400000, Star: 5, Decided: now.AddDate(0, -2, 0)})
	f.Product(b, catalogtest.Product{Name: "Nước mắm 40 độ đạm", Group: "I.4.a", Price: 120000, Star: 5, Decided: now.AddDate(0, -1, 0)})
	f.Product(b, catalogtest.Product{Name: "Rượu sim", Group: "II.1.b", Price: 180000, Star: 3, Decided: now.AddDate(-1, 0, 0)})
	// never public:
	f.Product(a, catalogtest.Product{Name: "Chè nháp", Group: "I.5.a", Price: 1, Star: 4, Status: "draft"})
	f.Product(a, catalogtest.Product{Name: "Chè hết hạn", Group: "I.5.a", Price: 1, Star: 4, Decided: now.AddDate(-3, -1, 0), Cert: "expired"})
	f.Product(a, catalogtest.Product{Name: "Chè quá hạn", Group: "I.5.a", Price: 1, Star: 4, Decided: now.AddDate(-3, 0, -2)}) // still 'active' but past valid_until
	f.Product(b, catalogtest.Product{Name: "Mắm thu hồi", Group: "I.4.a", Price: 1, Star: 3, Cert: "revoked"})
	suspended := f.Producer("HTX Tạm dừng", "01")
	f.Product(suspended, catalogtest.Product{Name: "Bánh tạm dừng", Group: "I.3.b", Price: 1, Star: 4})
	f.Exec(`UPDATE producer SET status = 'suspended' WHERE id = $1`, suspended)

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
	f := catalogtest.Fixture{T: t, Pool: pool}
	ctx := context.Background()
	svc := catalog.New(pool, nil)

	a := f.Producer("HTX Mật ong Đồng Văn", "08")
	id := f.Product(a, catalogtest.Product{Name: "Mật ong bạc hà", Group: "I.2.b", Price: 300000, Star: 4})
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
	f.Exec(`UPDATE product SET price_vnd = 320000 WHERE id = $1`, id)
	if p := list(); p.Items[0].PriceVND != 320000 {
		t.Errorf("price after edit = %d, want 320000", p.Items[0].PriceVND)
	}
	f.Exec(`UPDATE certificate SET status = 'revoked', revoked_on = current_date WHERE product_id = $1`, id)
	if p := list(); p.Total != 0 {
		t.Errorf("revoked product still listed: %+v", p.Items)
	}
	if _, err := svc.Product(ctx, "mat-ong-bac-ha"); !errors.Is(err, catalog.ErrProductNotFound) {
		t.Errorf("Product of revoked = %v, want ErrProductNotFound", err)
	}
}

func TestProductAndProducer(t *testing.T) {
	pool := pgtest.NewDB(t)
	f := catalogtest.Fixture{T: t, Pool: pool}
	ctx := context.Background()
	svc := catalog.New(pool, nil)

	a := f.Producer("HTX Chè Hảo Đạt", "19")
	decided := time.Date(2025, 1, 16, 0, 0, 0, 0, time.UTC)
	f.Product(a, catalogtest.Product{Name: "Chè Đinh Tân Cương", Group: "I.5.a", Price: 900000, Star: 5, Decided: decided})

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
	f.Exec(`UPDATE producer SET status = 'suspended'`)
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

// TestProductPhotosInOrder: the product's photos come in their order, with
// the product name as the alt text of a photo without one, in the same
// statement as the product.
func TestProductPhotosInOrder(t *testing.T) {
	pool := pgtest.NewDB(t)
	f := catalogtest.Fixture{T: t, Pool: pool}
	pr := f.Producer("HTX Chè Tân Cương", "19")
	id := f.Product(pr, catalogtest.Product{Name: "Chè búp", Group: "I.5.a", Price: 100000, Star: 4})
	photo := func(pos int, sha, alt string) {
		f.Exec(`INSERT INTO product_photo (product_id, position, content_sha, alt, width, height, variants) VALUES ($1, $2, $3, $4, 1600, 1200,
			jsonb_build_array(jsonb_build_object('key', 'products/x/' || $3 || '-320.jpg', 'width', 320, 'height', 240, 'type', 'image/jpeg'),
			                  jsonb_build_object('key', 'products/x/' || $3 || '-800.jpg', 'width', 800, 'height', 600, 'type', 'image/jpeg')))`,
			id, pos, sha, alt)
	}
	a, b := strings.Repeat("a", 64), strings.Repeat("b", 64)
	photo(1, a, "")
	photo(0, b, "Búp chè non")
	p, err := catalog.New(pool, nil).Product(context.Background(), "che-bup")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Images) != 2 || !strings.Contains(p.Images[0].URL, b) || p.Images[0].Alt != "Búp chè non" ||
		!strings.Contains(p.Images[1].URL, a+"-800.jpg") || p.Images[1].Alt != "Chè búp" || !strings.Contains(p.Images[1].SrcSet, "320w") {
		t.Fatalf("images: %+v", p.Images)
	}
}
