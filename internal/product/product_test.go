package product_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/paging"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/product"
)

func TestParsePrice(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"120000", 120000, true}, {"120.000", 120000, true}, {"120.000 ₫", 120000, true}, {"120,000", 120000, true},
		{"120.000đ", 120000, true}, {" 1.000.000.000 ", 1_000_000_000, true}, {"0", 0, true},
		{"1.000.000.001", 0, false}, {"-5", 0, false}, {"12.5", 0, false}, {"", 0, false}, {"abc", 0, false},
		{"99999999999999999999", 0, false}, {"1,2", 0, false},
	}
	for _, tt := range tests {
		got, msg := product.ParsePrice(tt.in)
		if got != tt.want || (msg == "") != tt.ok {
			t.Errorf("ParsePrice(%q) = %d, %q; want %d, ok %v", tt.in, got, msg, tt.want, tt.ok)
		}
	}
}

type env struct {
	pool      *pgxpool.Pool
	svc       *product.Service
	producers *producer.Service
	f         catalogtest.Fixture
	producer  int64
	member    product.Actor
}

func newEnv(t *testing.T) *env {
	t.Helper()
	pool := pgtest.NewDB(t)
	e := &env{pool: pool, svc: product.New(pool, nil), producers: producer.New(pool, nil, nil), f: catalogtest.Fixture{T: t, Pool: pool}}
	e.producer = e.f.Producer("HTX Chè Tân Cương", "19")
	var uid int64
	if err := pool.QueryRow(context.Background(), `INSERT INTO app_user (email, display_name, password_hash) VALUES ('a@example.vn', 'An', 'x') RETURNING id`).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	e.member = product.Actor{UserID: uid, ActingAs: "member"}
	return e
}

func validInput() product.ProductInput {
	return product.ProductInput{Name: "Chè búp Tân Cương", Group: "I.3.c", Description: "Chè ngon.", Unit: "Hộp 200 g", Price: "120.000", Stock: "25", Status: "draft"}
}

// certify gives product an active certificate decided `ago` ago.
func (e *env) certify(id int64, decided time.Time) {
	from := decided.Format(time.DateOnly)
	e.f.Exec(`INSERT INTO certificate (product_id, star, decision_no, decision_date, issuing_level, issuing_authority, valid_from, valid_until)
		VALUES ($1::bigint, 4, 'QĐ-' || $1::bigint::text, $2::date, 'province', 'UBND tỉnh Thái Nguyên', $2::date, ($2::date + interval '36 months' - interval '1 day')::date)`, id, from)
}

func TestCreateUpdateAndPublish(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in := validInput()
	in.Status = "published"
	res, err := e.svc.CreateProduct(ctx, e.member, e.producer, in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "draft" || res.Refused != product.RefusedNoCertificate || res.Slug != "che-bup-tan-cuong" {
		t.Fatalf("create: %+v", res)
	}
	p, err := e.svc.Product(ctx, e.producer, res.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.PriceVND != 120000 || p.Stock != 25 || p.DescriptionHTML != "<p>Chè ngon.</p>" || p.Description != "Chè ngon." || p.CanPublish {
		t.Fatalf("stored: %+v", p)
	}
	// same name, other tone placement and case: refused
	dup := validInput()
	dup.Name = "CHÈ BÚP TÂN CƯƠNG"
	_, err = e.svc.CreateProduct(ctx, e.member, e.producer, dup)
	var fe apperr.FieldErrors
	if !errors.As(err, &fe) || fe["name"] == "" {
		t.Fatalf("duplicate name: %v", err)
	}
	other := validInput()
	other.Name = "Chè búp Tân Cương!"
	if _, err := e.svc.CreateProduct(ctx, e.member, e.producer, other); !errors.As(err, &fe) {
		t.Fatalf("name folding to the same key: %v", err)
	}
	// the same name at another producer is fine; its slug gets -2
	c := e.f.Producer("HTX Chè C", "19")
	resC, err := e.svc.CreateProduct(ctx, e.member, c, validInput())
	if err != nil || resC.Slug != "che-bup-tan-cuong-2" {
		t.Fatalf("same name, other producer: %+v %v", resC, err)
	}

	// certified: publishing works, and the change is audited with old/new
	e.certify(res.ID, time.Now().AddDate(0, -1, 0))
	p, _ = e.svc.Product(ctx, e.producer, res.ID)
	up := p.Input()
	up.Status, up.Price = "published", "150000"
	res2, err := e.svc.UpdateProduct(ctx, e.member, e.producer, res.ID, up)
	if err != nil || res2.Status != "published" || res2.Refused != "" {
		t.Fatalf("publish: %+v %v", res2, err)
	}
	var public int
	_ = e.pool.QueryRow(ctx, `SELECT count(*) FROM public_product WHERE id = $1`, res.ID).Scan(&public)
	if public != 1 {
		t.Fatal("published certified product is not public")
	}
	var detail map[string]any
	var action, acting string
	if err := e.pool.QueryRow(ctx, `SELECT action, acting_as, detail FROM audit_log WHERE entity = 'product' AND entity_id = $1 ORDER BY id DESC LIMIT 1`, res.ID).
		Scan(&action, &acting, &detail); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"changes": map[string]any{"price_vnd": map[string]any{"old": float64(120000), "new": float64(150000)},
		"status": map[string]any{"old": "draft", "new": "published"}}}
	if action != "publish" || acting != "member" || !cmp.Equal(detail, want) {
		t.Errorf("audit: %s %s %v", action, acting, cmp.Diff(want, detail))
	}

	// the form made before that save is stale now
	if _, err := e.svc.UpdateProduct(ctx, e.member, e.producer, res.ID, p.Input()); !errors.Is(err, product.ErrStale) || apperr.KindOf(err) != apperr.Conflict {
		t.Fatalf("stale save: %v", err)
	}

	// another producer cannot touch it, even with the right version
	b := e.f.Producer("HTX Mắm B", "91")
	p, _ = e.svc.Product(ctx, e.producer, res.ID)
	hostile := p.Input()
	hostile.Price = "1"
	if _, err := e.svc.UpdateProduct(ctx, e.member, b, res.ID, hostile); !errors.Is(err, product.ErrProductNotFound) {
		t.Fatalf("update through another producer: %v", err)
	}
	if _, err := e.svc.Product(ctx, b, res.ID); !errors.Is(err, product.ErrProductNotFound) {
		t.Fatalf("read through another producer: %v", err)
	}
	if p2, _ := e.svc.Product(ctx, e.producer, res.ID); p2.PriceVND != 150000 {
		t.Fatalf("price changed to %d", p2.PriceVND)
	}
}

func TestPublishRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	create := func(name string) int64 {
		in := validInput()
		in.Name = name
		res, err := e.svc.CreateProduct(ctx, e.member, e.producer, in)
		if err != nil {
			t.Fatal(err)
		}
		return res.ID
	}
	publish := func(id int64) product.SaveResult {
		p, err := e.svc.Product(ctx, e.producer, id)
		if err != nil {
			t.Fatal(err)
		}
		in := p.Input()
		in.Status = "published"
		res, err := e.svc.UpdateProduct(ctx, e.member, e.producer, id, in)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	expired := create("Chè hết hạn")
	e.certify(expired, time.Now().AddDate(-4, 0, 0))
	if res := publish(expired); res.Status != "draft" || res.Refused != product.RefusedNoCertificate {
		t.Errorf("expired certificate: %+v", res)
	}
	// a product staff suspended keeps its status; other fields save
	held := create("Chè bị tạm ngưng")
	e.f.Exec(`UPDATE product SET status = 'suspended' WHERE id = $1`, held)
	p, _ := e.svc.Product(ctx, e.producer, held)
	in := p.Input()
	in.Price = "99000"
	if res, err := e.svc.UpdateProduct(ctx, e.member, e.producer, held, in); err != nil || res.Status != "suspended" || res.Refused != "" {
		t.Errorf("suspended product, same status: %+v %v", res, err)
	}
	if res := publish(held); res.Status != "suspended" || res.Refused != product.RefusedProductSuspended {
		t.Errorf("suspended product published: %+v", res)
	}
	if p, _ := e.svc.Product(ctx, e.producer, held); p.PriceVND != 99000 || p.Status != "suspended" {
		t.Errorf("suspended product: %+v", p)
	}
	// nobody suspends their own product through the form
	p, _ = e.svc.Product(ctx, e.producer, expired)
	in = p.Input()
	in.Status = "suspended"
	var fe apperr.FieldErrors
	if _, err := e.svc.UpdateProduct(ctx, e.member, e.producer, expired, in); !errors.As(err, &fe) || fe["status"] == "" {
		t.Errorf("status suspended chosen: %v", err)
	}
	ok := create("Chè còn hạn")
	e.certify(ok, time.Now().AddDate(0, -2, 0))
	e.f.Exec(`UPDATE producer SET status = 'suspended', suspended_reason = 'Kiểm tra', suspended_at = now() WHERE id = $1`, e.producer)
	if res := publish(ok); res.Status != "draft" || res.Refused != product.RefusedProducerSuspended {
		t.Errorf("suspended producer: %+v", res)
	}
}

func TestValidation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		edit  func(*product.ProductInput)
		field string
	}{
		{"empty name", func(in *product.ProductInput) { in.Name = "  " }, "name"},
		{"name too long", func(in *product.ProductInput) { in.Name = strings.Repeat("ộ", 201) }, "name"},
		{"non-leaf group", func(in *product.ProductInput) { in.Group = "I.3" }, "group"},
		{"unknown group", func(in *product.ProductInput) { in.Group = "Z.9" }, "group"},
		{"no group", func(in *product.ProductInput) { in.Group = "" }, "group"},
		{"price over the limit", func(in *product.ProductInput) { in.Price = "1.000.000.001" }, "price"},
		{"price negative", func(in *product.ProductInput) { in.Price = "-1000" }, "price"},
		{"price not a number", func(in *product.ProductInput) { in.Price = "một trăm" }, "price"},
		{"stock negative", func(in *product.ProductInput) { in.Stock = "-1" }, "stock"},
		{"stock not a number", func(in *product.ProductInput) { in.Stock = "2.5" }, "stock"},
		{"unknown status", func(in *product.ProductInput) { in.Status = "suspended" }, "status"},
		{"description too long", func(in *product.ProductInput) { in.Description = strings.Repeat("a", 20001) }, "description"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validInput()
			tt.edit(&in)
			_, err := e.svc.CreateProduct(ctx, e.member, e.producer, in)
			var fe apperr.FieldErrors
			if !errors.As(err, &fe) || fe[tt.field] == "" {
				t.Fatalf("err %v, want a message for %s", err, tt.field)
			}
		})
	}
	var n int
	_ = e.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM product) + (SELECT count(*) FROM audit_log)`).Scan(&n)
	if n != 0 {
		t.Errorf("refused forms left %d rows", n)
	}
}

func TestDashboardAndList(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// fixture products are published with a certificate
	soon := e.f.Product(e.producer, catalogtest.Product{Name: "Chè sắp hết hạn", Group: "I.3.c", Price: 1000, Star: 4, Decided: time.Now().AddDate(-3, 0, 20)})
	e.f.Exec(`UPDATE product SET stock = 3 WHERE id = $1`, soon)
	e.f.Product(e.producer, catalogtest.Product{Name: "Mật ong bạc hà", Group: "I.3.c", Price: 1000, Star: 3})
	in := validInput()
	if _, err := e.svc.CreateProduct(ctx, e.member, e.producer, in); err != nil {
		t.Fatal(err)
	}
	d, err := e.svc.Dashboard(ctx, e.producer)
	if err != nil {
		t.Fatal(err)
	}
	if d.Total != 3 || d.ByStatus["published"] != 2 || d.ByStatus["draft"] != 1 || d.Public != 2 {
		t.Errorf("counts: %+v", d)
	}
	if len(d.Expiring) != 1 || d.Expiring[0].ProductID != soon || len(d.LowStock) != 1 || d.LowStock[0].ID != soon {
		t.Errorf("expiring %+v, low stock %+v", d.Expiring, d.LowStock)
	}
	l, err := e.svc.Products(ctx, e.producer, product.ListFilter{Q: "mat ong"})
	if err != nil || l.Total != 1 || l.Items[0].Name != "Mật ong bạc hà" || l.Items[0].Star != 3 || !l.Items[0].Public {
		t.Errorf("search without diacritics: %+v %v", l, err)
	}
	l, _ = e.svc.Products(ctx, e.producer, product.ListFilter{Status: "draft"})
	if l.Total != 1 || l.Items[0].Status != "draft" {
		t.Errorf("status filter: %+v", l)
	}
	for i := range product.PerPage {
		in := validInput()
		in.Name = "Trà " + string(rune('a'+i))
		if _, err := e.svc.CreateProduct(ctx, e.member, e.producer, in); err != nil {
			t.Fatal(err)
		}
	}
	l, _ = e.svc.Products(ctx, e.producer, product.ListFilter{Page: paging.Of(2, product.PerPage)})
	if l.Total != 3+product.PerPage || len(l.Items) != 3 || l.LastPage != 2 {
		t.Errorf("page 2: total %d, %d items, last page %d", l.Total, len(l.Items), l.LastPage)
	}
	l, _ = e.svc.Products(ctx, e.producer, product.ListFilter{Page: paging.Of(9, product.PerPage)})
	if l.Total != 3+product.PerPage || len(l.Items) != 0 {
		t.Errorf("past the end: %+v", l)
	}
	l, _ = e.svc.Products(ctx, e.producer, product.ListFilter{Q: "%' OR 1=1 --"})
	if l.Total != 0 {
		t.Errorf("metacharacters matched %d", l.Total)
	}
}

func TestProfile(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	err := e.producers.UpdateProfile(ctx, e.member, e.producer, producer.ProfileInput{Phone: "abc", Email: "x@", Website: "http://a.vn", DisplayName: strings.Repeat("a", 201)})
	var fe apperr.FieldErrors
	if !errors.As(err, &fe) || len(fe) != 4 {
		t.Fatalf("invalid profile: %v", err)
	}
	in := producer.ProfileInput{DisplayName: "Chè Tân Cương", Story: "Dòng một\nDòng hai", Phone: "0912 345 678", Zalo: "0912345678",
		Email: "htx@example.vn", Website: "https://htx.example.vn"}
	if err := e.producers.UpdateProfile(ctx, e.member, e.producer, in); err != nil {
		t.Fatal(err)
	}
	got, err := e.producers.Profile(ctx, e.producer)
	if err != nil {
		t.Fatal(err)
	}
	in.Phone = "0912345678"
	if got != in {
		t.Errorf("profile %+v, want %+v", got, in)
	}
	var phone string
	_ = e.pool.QueryRow(ctx, `SELECT phone_e164 FROM producer WHERE id = $1`, e.producer).Scan(&phone)
	if phone != "+84912345678" {
		t.Errorf("phone stored %q", phone)
	}
	// another active producer cannot take the name, in any spelling, nor a
	// producer's legal name; a suspended producer's name is free
	other := e.f.Producer("HTX Mật ong Bạc Hà", "19")
	for _, name := range []string{"CHÈ TÂN CƯƠNG", "Che Tan Cuong", "Chè  Tân Cương ", "htx mat ong bac ha"} {
		err := e.producers.UpdateProfile(ctx, e.member, e.producer, producer.ProfileInput{DisplayName: name})
		if name == "htx mat ong bac ha" {
			if !errors.As(err, &fe) || fe["display_name"] == "" {
				t.Errorf("display name %q (another's legal name): %v", name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("its own name %q: %v", name, err)
		}
	}
	_ = e.producers.UpdateProfile(ctx, e.member, e.producer, in)
	err = e.producers.UpdateProfile(ctx, audit.Actor{ActingAs: audit.AsSystem}, other, producer.ProfileInput{DisplayName: "chè tân cương"})
	if !errors.As(err, &fe) || fe["display_name"] == "" {
		t.Errorf("another producer took the display name: %v", err)
	}
	e.f.Exec(`UPDATE producer SET status = 'suspended' WHERE id = $1`, e.producer)
	if err := e.producers.UpdateProfile(ctx, audit.Actor{ActingAs: audit.AsSystem}, other, producer.ProfileInput{DisplayName: "chè tân cương"}); err != nil {
		t.Errorf("a suspended producer's name: %v", err)
	}
}
