package app_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/product/phototest"
	"github.com/ocopvn/ocop/internal/showroom"
)

// TestShowroomPhotosAndOperator, on MinIO: trade promotion uploads a
// showroom's photos (a file that is no image is refused by name, the
// others kept), records an inspection with its evidence photo, removes a
// photo (its objects go too); the public page shows only the showroom's
// photos. Trade promotion names a producer as the operator; its owner
// then keeps the products carried from the back-office, and another
// producer cannot. The sweep removes an orphan under showrooms/ only.
func TestShowroomPhotosAndOperator(t *testing.T) {
	s, store := newSiteMinIO(t)
	p := signInRoles(t, s)
	ctx := context.Background()
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	tea := f.Product(p.producerB, catalogtest.Product{Name: "Nước mắm Phú Quốc 40 độ đạm", Group: "I.4.a", Price: 120000, Star: 4})
	var teaSlug, slugA string
	if err := s.pool.QueryRow(ctx, `SELECT (SELECT slug FROM product WHERE id = $1), (SELECT slug FROM producer WHERE id = $2)`,
		tea, p.producerA).Scan(&teaSlug, &slugA); err != nil {
		t.Fatal(err)
	}

	trade := as(s, p, "trade19")
	r := trade.post("/quan-tri/diem-ban/moi", "/quan-tri/diem-ban/moi", "province_code", "19", "code", "TN-P1", "name", "Điểm OCOP Tân Cương",
		"type", "intro_sales_point", "lat", "21.5942", "lng", "105.8482", "hours", "Hằng ngày 06:00-18:00", "status", "open")
	if r.status != 303 {
		t.Fatalf("create: %d\n%s", r.status, r.body)
	}
	base := strings.SplitN(r.location, "?", 2)[0]
	id, _ := strconv.ParseInt(strings.TrimPrefix(base, "/quan-tri/diem-ban/"), 10, 64)

	// two photos and a text file: 422 naming the text file, two kept
	r = trade.uploadDocs(base+"/anh", base, map[string]string{"alt": "Quầy chè ở cửa"}, []filePart{
		{name: "mat-tien.jpg", data: phototest.JPEG(t, 1600, 1200, 1), field: "photos"},
		{name: "ghi-chu.jpg", data: []byte("không phải ảnh"), field: "photos"},
		{name: "quay.png", data: phototest.PNG(t, 900, 700, 2), field: "photos"},
	})
	if r.status != 422 || !strings.Contains(r.body, "ghi-chu.jpg") {
		t.Fatalf("upload: %d\n%s", r.status, r.body)
	}
	if n := s.count(`SELECT count(*) FROM showroom_photo WHERE showroom_id = $1 AND inspection_id IS NULL`, id); n != 2 {
		t.Fatalf("%d photos kept, want 2", n)
	}
	objs, err := store.List(ctx, showroom.PhotoPrefix)
	if err != nil || len(objs) == 0 {
		t.Fatalf("objects under showrooms/: %d, %v", len(objs), err)
	}
	for _, o := range objs {
		if !strings.HasPrefix(o.Key, "showrooms/"+strconv.FormatInt(id, 10)+"/") {
			t.Errorf("object %s outside the showroom's prefix", o.Key)
		}
	}

	// an inspection with an evidence photo
	form := map[string]string{"inspected_on": "01/12/2026", "officer": "Nguyễn Văn A"}
	for _, c := range showroom.Criteria {
		form["c_"+c.Code] = "dat"
	}
	r = trade.uploadDocs(base+"/kiem-tra", base, form, []filePart{{name: "bien-hieu.jpg", data: phototest.JPEG(t, 800, 600, 3), field: "photos"}})
	if r.status != 303 {
		t.Fatalf("inspection: %d\n%s", r.status, r.body)
	}
	if n := s.count(`SELECT count(*) FROM showroom_photo WHERE showroom_id = $1 AND inspection_id IS NOT NULL`, id); n != 1 {
		t.Fatalf("%d inspection photos", n)
	}

	// the public page: the two photos (with the alt text), not the evidence
	pub := s.client().do("GET", "/diem-ban/diem-ocop-tan-cuong", nil)
	imgs := regexp.MustCompile(`<img src="(/media/showrooms/[^"]+)"[^>]* alt="([^"]*)"`).FindAllStringSubmatch(pub.body, -1)
	if pub.status != 200 || len(imgs) != 2 || imgs[0][2] != "Quầy chè ở cửa" {
		t.Fatalf("public page: %d, images %v", pub.status, imgs)
	}
	if got := s.client().do("GET", imgs[0][1], nil); got.status != http.StatusOK {
		t.Errorf("GET %s: %d", imgs[0][1], got.status)
	}
	if !strings.Contains(pub.body, `"image":["https://ocop.example/media/showrooms/`) {
		t.Error("Store JSON-LD without its images")
	}

	// removing a photo removes its objects
	var photoID int64
	var keys []string
	if err := s.pool.QueryRow(ctx, `SELECT id, ARRAY(SELECT v->>'key' FROM jsonb_array_elements(variants) v) FROM showroom_photo
		WHERE showroom_id = $1 AND inspection_id IS NULL ORDER BY position LIMIT 1`, id).Scan(&photoID, &keys); err != nil {
		t.Fatal(err)
	}
	staff := as(s, p, "staff19") // the OCOP office reads only
	if r := staff.post(base+"/anh/"+strconv.FormatInt(photoID, 10)+"/xoa", "/tai-khoan"); r.status != 403 {
		t.Errorf("OCOP office removes a photo: %d", r.status)
	}
	if r := trade.post(base+"/anh/"+strconv.FormatInt(photoID, 10)+"/xoa", base); r.status != 303 {
		t.Fatalf("remove: %d\n%s", r.status, r.body)
	}
	for _, k := range keys {
		if rc, err := store.Open(ctx, k); err == nil {
			rc.Close()
			t.Errorf("object %s left after the photo was removed", k)
		}
	}
	if n := s.count(`SELECT count(*) FROM showroom_photo WHERE showroom_id = $1 AND inspection_id IS NULL AND position = 0`, id); n != 1 {
		t.Error("the remaining photo was not renumbered")
	}

	// the operator: a bad address is a field message; the right one is kept
	if r := trade.post(base+"/don-vi-van-hanh", base, "producer", "/cua-hang/khong-co"); r.status != 422 || !strings.Contains(r.body, "Không có cơ sở sản xuất nào") {
		t.Errorf("unknown operator: %d", r.status)
	}
	if r := trade.post(base+"/don-vi-van-hanh", base, "producer", "https://cho-ocop.vn/cua-hang/"+slugA); r.status != 303 {
		t.Fatalf("operator: %d\n%s", r.status, r.body)
	}
	owner := as(s, p, "producerA")
	mine := "/quan-ly/" + strconv.FormatInt(p.producerA, 10) + "/diem-ban"
	if r := owner.do("GET", mine, nil); r.status != 200 || !strings.Contains(r.body, "Điểm OCOP Tân Cương") {
		t.Fatalf("the operator's page: %d", r.status)
	}
	add := mine + "/" + strconv.FormatInt(id, 10) + "/san-pham"
	if r := owner.post(add, mine, "product", "khong-co-san-pham"); r.status != 422 || !strings.Contains(r.body, "Không có sản phẩm OCOP") {
		t.Errorf("unknown product: %d", r.status)
	}
	if r := owner.post(add, mine, "product", "/san-pham/"+teaSlug); r.status != 303 {
		t.Fatalf("add product: %d\n%s", r.status, r.body)
	}
	if pub := s.client().do("GET", "/diem-ban/diem-ocop-tan-cuong", nil); !strings.Contains(pub.body, "Nước mắm Phú Quốc 40 độ đạm") {
		t.Error("the product added by the operator is not on the public page")
	}
	// sold out there: the public page says so
	if r := owner.post(add, mine, "product", teaSlug, "action", "out_of_stock"); r.status != 303 {
		t.Fatalf("out of stock: %d\n%s", r.status, r.body)
	}
	if pub := s.client().do("GET", "/diem-ban/diem-ocop-tan-cuong", nil); !strings.Contains(pub.body, "tạm hết hàng") {
		t.Error("the public page does not say the product is sold out there")
	}
	// the API gives the photo left and the operator's storefront
	api := s.client().do("GET", "/api/v1/showrooms/diem-ocop-tan-cuong", nil)
	if api.status != 200 || strings.Count(api.body, `"url":"/media/showrooms/`) != 1 || !strings.Contains(api.body, `"producer_slug":"`+slugA+`"`) {
		t.Errorf("API: %d\n%s", api.status, api.body)
	}
	// another producer (its own back-office) cannot change this showroom
	other := as(s, p, "producerB")
	otherAdd := "/quan-ly/" + strconv.FormatInt(p.producerB, 10) + "/diem-ban/" + strconv.FormatInt(id, 10) + "/san-pham"
	if r := other.post(otherAdd, "/tai-khoan", "product", teaSlug, "action", "remove"); r.status != 404 {
		t.Errorf("another producer: %d", r.status)
	}
	if n := s.count(`SELECT count(*) FROM audit_log WHERE entity = 'showroom' AND entity_id = $1 AND producer_id = $2 AND action = 'add_product'`, id, p.producerA); n != 1 {
		t.Errorf("%d audit entries of the operator's change", n)
	}

	// the sweep, two days on: an orphan under showrooms/ goes, the kept
	// photos and everything under products/ stay
	orphan := "showrooms/" + strconv.FormatInt(id, 10) + "/" + strings.Repeat("b", 64) + "-400.jpg"
	if err := store.Put(ctx, orphan, strings.NewReader("x"), 1, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	product := "products/1/" + strings.Repeat("c", 64) + "-400.jpg"
	if err := store.Put(ctx, product, strings.NewReader("x"), 1, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	later := showroom.New(s.pool, func() time.Time { return time.Now().Add(48 * time.Hour) })
	later.SetMedia(store, nil)
	deleted, err := later.SweepPhotos(ctx, 24*time.Hour)
	if err != nil || len(deleted) != 1 || deleted[0] != orphan {
		t.Fatalf("sweep: %v, %v", deleted, err)
	}
	if rc, err := store.Open(ctx, product); err != nil {
		t.Error("the showroom sweep deleted a product object")
	} else {
		rc.Close()
	}
}
