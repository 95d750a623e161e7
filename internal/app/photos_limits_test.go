package app_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/product/phototest"
)

// storedBytes is the size of every object in the bucket.
func (p *photoSite) storedBytes() map[string]int64 {
	p.t.Helper()
	objs, err := p.store.List(context.Background(), "")
	if err != nil {
		p.t.Fatal(err)
	}
	out := map[string]int64{}
	for _, o := range objs {
		out[o.Key] = o.Size
	}
	return out
}

func TestPhotoQuotaRefusesTheUploadThatWouldCrossIt(t *testing.T) {
	p := newPhotoSite(t)
	ctx := context.Background()
	img := phototest.JPEG(t, 1200, 900, 1)
	if r := p.owner.upload(p.photosPath(), p.photosPath(), "", "photos", upFile{"1.jpg", img}); r.status != 303 {
		t.Fatalf("first upload: %d %s", r.status, r.body)
	}
	one, err := p.a.Photos.Usage(ctx, p.producer)
	if err != nil {
		t.Fatal(err)
	}
	// the recorded sizes are the stored objects' sizes
	var total int64
	for k, n := range p.storedBytes() {
		total += n
		var rec int64
		if err := p.pool.QueryRow(ctx, `SELECT (v->>'bytes')::bigint FROM product_photo, jsonb_array_elements(variants) v
			WHERE v->>'key' = $1`, k).Scan(&rec); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if rec != n {
			t.Errorf("%s: recorded %d bytes, stored %d", k, rec, n)
		}
	}
	if one <= 0 || one != total {
		t.Fatalf("usage %d, stored %d", one, total)
	}

	// room for exactly one more copy of the same picture (its variants
	// encode to the same bytes whatever the product)
	p.a.Photos.SetLimits(product.Limits{QuotaBytes: 2*one + one/2, UploadFiles: 100, UploadWindow: product.UploadWindow})
	f := catalogtest.Fixture{T: t, Pool: p.pool}
	var paths []string
	for i := range 6 {
		id := f.Product(p.producer, catalogtest.Product{Name: fmt.Sprintf("Chè Hà Giang %d", i), Group: "I.5.a", Price: 150000, Star: 3})
		paths = append(paths, fmt.Sprintf("/quan-ly/%d/san-pham/%d/anh", p.producer, id))
	}
	csrf := p.owner.token(p.photosPath())
	// six products at once: the in-process lock is per product, so only
	// the producer row lock keeps them from overshooting together
	statuses := make([]int, len(paths))
	bodies := make([]string, len(paths))
	var wg sync.WaitGroup
	for i, path := range paths {
		wg.Go(func() {
			r := p.owner.upload(path, "", csrf, "photos", upFile{"chè.jpg", img})
			statuses[i], bodies[i] = r.status, r.body
		})
	}
	wg.Wait()
	ok, refused := 0, 0
	for i, st := range statuses {
		switch st {
		case 303:
			ok++
		case 409:
			refused++
			if !strings.Contains(bodies[i], "hết dung lượng lưu ảnh") {
				t.Errorf("409 without the quota message: %s", bodies[i])
			}
		default:
			t.Errorf("upload %d: %d %s", i, st, bodies[i])
		}
	}
	if ok != 1 || refused != 5 {
		t.Fatalf("statuses %v: want one upload accepted and five refused", statuses)
	}
	if n := p.count(`SELECT count(*) FROM product_photo`); n != 2 {
		t.Errorf("%d photo rows, want 2", n)
	}
	if used, _ := p.a.Photos.Usage(ctx, p.producer); used != 2*one {
		t.Errorf("usage %d, want %d", used, 2*one)
	}
	p.assertNoOrphans()

	// a logo counts too: the same picture no longer fits
	shop := fmt.Sprintf("/quan-ly/%d/cua-hang/anh", p.producer)
	r := p.owner.upload(shop+"/logo", shop, "", "image", upFile{"logo.jpg", img})
	if r.status != 409 || !strings.Contains(r.body, "hết dung lượng lưu ảnh") {
		t.Fatalf("logo over quota: %d %s", r.status, r.body)
	}
	p.assertNoOrphans()
	// a small logo still fits
	if r := p.owner.upload(shop+"/logo", shop, "", "image", upFile{"logo.jpg", phototest.JPEG(t, 200, 200, 2)}); r.status != 303 {
		t.Fatalf("small logo: %d %s", r.status, r.body)
	}
	if used, _ := p.a.Photos.Usage(ctx, p.producer); used <= 2*one || used > 2*one+one/2 {
		t.Errorf("usage with logo %d, want in (%d, %d]", used, 2*one, 2*one+one/2)
	}

	// at the quota, a refusal comes before any processing
	p.a.Photos.SetLimits(product.Limits{QuotaBytes: 1, UploadFiles: 100, UploadWindow: product.UploadWindow})
	r = p.owner.upload(paths[5], paths[5], "", "photos", upFile{"hỏng.jpg", img[:len(img)/2]})
	if r.status != 409 || !strings.Contains(r.body, "hết dung lượng lưu ảnh") {
		t.Fatalf("truncated file at the quota: %d %s", r.status, r.body)
	}
	p.assertNoOrphans()
}

func TestPhotoUploadRateLimitPerUser(t *testing.T) {
	p := newPhotoSite(t)
	ctx := context.Background()
	p.a.Photos.SetLimits(product.Limits{QuotaBytes: product.QuotaBytes, UploadFiles: 3, UploadWindow: product.UploadWindow})
	path := p.photosPath()
	jpg := func(seed int) upFile { return upFile{fmt.Sprintf("%d.jpg", seed), phototest.JPEG(t, 400, 300, seed)} }

	if r := p.owner.upload(path, path, "", "photos", jpg(1), jpg(2)); r.status != 303 {
		t.Fatalf("2 files: %d %s", r.status, r.body)
	}
	// the third file is within the limit, the fourth is not
	r := p.owner.upload(path, path, "", "photos", jpg(3), jpg(4))
	if r.status != 429 || !strings.Contains(r.body, "quá nhiều ảnh trong thời gian ngắn") || !strings.Contains(r.body, "4.jpg") {
		t.Fatalf("4th file: %d %s", r.status, r.body)
	}
	if n := p.count(`SELECT count(*) FROM product_photo`); n != 3 {
		t.Fatalf("%d photo rows, want 3", n)
	}
	objects := p.objects()
	// a corrupt file is refused by the limit, not by the pipeline: it was
	// not looked at
	bad := phototest.JPEG(t, 400, 300, 5)
	r = p.owner.upload(path, path, "", "photos", upFile{"hỏng.jpg", bad[:len(bad)/2]})
	if r.status != 429 || !strings.Contains(r.body, "quá nhiều ảnh") || strings.Contains(r.body, "bị hỏng") {
		t.Fatalf("5th file: %d %s", r.status, r.body)
	}
	shop := fmt.Sprintf("/quan-ly/%d/cua-hang/anh", p.producer)
	r = p.owner.upload(shop+"/logo", shop, "", "image", jpg(6))
	if r.status != 429 || !strings.Contains(r.body, "quá nhiều ảnh") {
		t.Fatalf("logo over the limit: %d %s", r.status, r.body)
	}
	if got := p.objects(); strings.Join(got, " ") != strings.Join(objects, " ") {
		t.Errorf("objects changed by refused uploads:\n%v\n%v", objects, got)
	}
	if n := p.count(`SELECT count(*) FROM product_photo`); n != 3 {
		t.Errorf("%d photo rows, want 3", n)
	}
	p.assertNoOrphans()

	// another user, here the province's officer working on the household's
	// behalf, has a limit of their own
	u := p.user("canbo@hagiang.gov.vn", "Cán bộ Hà Giang", "mat khau dung")
	if err := p.a.Producers.GrantStaff(ctx, producer.System, u.ID, "19", producer.StaffOCOPOffice); err != nil {
		t.Fatal(err)
	}
	staff := p.client()
	if r := staff.signIn("canbo@hagiang.gov.vn", "mat khau dung"); r.status != 303 {
		t.Fatalf("staff sign in: %d", r.status)
	}
	if r := staff.upload(path, path, "", "photos", jpg(7)); r.status != 303 {
		t.Fatalf("staff upload: %d %s", r.status, r.body)
	}
	if n := p.count(`SELECT count(*) FROM product_photo`); n != 4 {
		t.Errorf("%d photo rows, want 4", n)
	}
	if n := p.count(`SELECT coalesce(sum(files), 0) FROM upload_event WHERE user_id = $1`, u.ID); n != 1 {
		t.Errorf("staff's files on record: %d, want 1 (counted as themselves)", n)
	}
	// the window slides: files older than it no longer count, and the
	// cleanup deletes their records
	if _, err := p.pool.Exec(ctx, `UPDATE upload_event SET at = at - interval '11 minutes' WHERE user_id <> $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	if r := p.owner.upload(path, path, "", "photos", jpg(8)); r.status != 303 {
		t.Fatalf("owner after the window: %d %s", r.status, r.body)
	}
	if _, err := p.pool.Exec(ctx, `UPDATE upload_event SET at = at - interval '11 minutes' WHERE user_id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := p.a.Photos.Cleanup(ctx); err != nil {
		t.Fatal(err)
	}
	var ownerFiles, staffFiles int
	if err := p.pool.QueryRow(ctx, `SELECT
		coalesce((SELECT sum(files) FROM upload_event e JOIN app_user u ON u.id = e.user_id WHERE u.email = 'chu@che.vn'), 0),
		coalesce((SELECT sum(files) FROM upload_event WHERE user_id = $1), 0)`, u.ID).Scan(&ownerFiles, &staffFiles); err != nil {
		t.Fatal(err)
	}
	if ownerFiles != 1 || staffFiles != 0 {
		t.Errorf("files on record: owner %d, staff %d; want 1 and 0", ownerFiles, staffFiles)
	}
}
