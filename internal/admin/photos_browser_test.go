package admin_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/browsertest"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
)

// TestBrowserPhotoPages signs a producer's owner up in headless Chromium
// at 360 px and checks the photo management and logo/banner pages have no
// serious accessibility violations, with and without photos, and that
// photos.js reveals the drop-zone hint without errors.
func TestBrowserPhotoPages(t *testing.T) {
	b := browsertest.New(t)
	var pool *pgxpool.Pool
	var producer, product int64
	base := startApp(t, func(f catalogtest.Fixture) {
		pool = f.Pool
		producer = f.Producer("Hộ kinh doanh Chè Hà Giang", "19")
		product = f.Product(producer, catalogtest.Product{Name: "Chè Shan Tuyết", Group: "I.5.a", Price: 150000, Star: 4})
	})
	p := b.NewPage(t, browsertest.Mobile)
	p.Goto("sign-up page", base+"/dang-ky")
	if ok, err := p.EvalBool(`(() => {
		document.querySelector('#identifier').value = 'chu@che.vn';
		document.querySelector('#display_name').value = 'Chủ hộ';
		document.querySelector('#password').value = 'Mật khẩu 123';
		return true })()`); !ok || err != nil {
		t.Fatalf("fill: %v", err)
	}
	p.ClickLink("sign up", `main form button[type=submit]`)
	p.AssertText("h1", "Tài khoản của tôi")
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO producer_member (user_id, producer_id, role)
		SELECT id, $1, 'owner' FROM app_user WHERE email = 'chu@che.vn'`, producer); err != nil {
		t.Fatal(err)
	}

	photos := fmt.Sprintf("%s/quan-ly/%d/san-pham/%d/anh", base, producer, product)
	p.Goto("photos page, empty", photos)
	p.AssertText("h1", "Ảnh sản phẩm")
	p.AssertText("main form.upload button", "Tải ảnh lên")
	waitFor(t, p, `!document.querySelector('.drop-hint').hidden`)
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()

	p.Goto("logo and banner page", fmt.Sprintf("%s/quan-ly/%d/cua-hang/anh", base, producer))
	p.AssertText("h1", "Logo và ảnh bìa")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()

	// two photos (rows only: their images are not stored, so 404s are
	// expected here and only accessibility is checked)
	for i := range 2 {
		if _, err := pool.Exec(ctx, `INSERT INTO product_photo (product_id, position, content_sha, width, height, variants, alt)
			VALUES ($1::bigint, $2, repeat($3, 64), 800, 600, jsonb_build_array(jsonb_build_object('key', 'products/' || $1::text || '/' || repeat($3, 64) || '-800.jpg', 'width', 800, 'height', 600, 'type', 'image/jpeg')), $4)`,
			product, i, fmt.Sprint(i), []string{"", "Hộp chè"}[i]); err != nil {
			t.Fatal(err)
		}
	}
	p.Goto("photos page, two photos", photos)
	p.AssertText("main", "Hộp chè", "Lên trước", "Xuống sau", "Xoá ảnh")
	p.AssertNoSeriousA11y()
	for _, pr := range p.Problems() {
		if !strings.Contains(pr, "HTTP 404") || !strings.Contains(pr, "/media/products/") {
			t.Errorf("photos page: %s", pr)
		}
	}

}
