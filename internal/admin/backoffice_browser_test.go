package admin_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/browsertest"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	producerpkg "github.com/ocopvn/ocop/internal/producer"
)

// TestBrowserBackoffice walks the back-office at phone width in headless
// Chromium: a producer signs up, becomes the owner of a household
// storefront, creates a product with a bad price (the form comes back
// with the message tied to the field), fixes it, lands on the edit page
// with the draft reason, and saves the profile. Every page is checked
// with axe.
func TestBrowserBackoffice(t *testing.T) {
	b := browsertest.New(t)
	var pool *pgxpool.Pool
	var producer int64
	base := startApp(t, func(f catalogtest.Fixture) {
		pool = f.Pool
		producer = f.Producer("Hộ kinh doanh Chè Lan", "19")
	})
	p := b.NewPage(t, browsertest.Mobile)
	fill := func(step, js string) {
		t.Helper()
		if ok, err := p.EvalBool(`(() => {` + js + `; return true })()`); !ok || err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}

	p.Goto("sign-up page", base+"/dang-ky")
	fill("sign up", `document.querySelector('#identifier').value = 'lan@example.vn';
		document.querySelector('#display_name').value = 'Chị Lan';
		document.querySelector('#password').value = 'Mật khẩu 123'`)
	p.ClickLink("sign up", `main form button[type=submit]`)
	p.AssertText("h1", "Tài khoản của tôi")

	p.Goto("back-office without a storefront", base+"/quan-ly")
	p.AssertText("main", "Bạn chưa có gian hàng nào", "Đăng ký mở gian hàng")
	p.AssertNoSeriousA11y()

	ctx := context.Background()
	var uid int64
	if err := pool.QueryRow(ctx, `SELECT id FROM app_user WHERE email = 'lan@example.vn'`).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	if err := producerpkg.New(pool, nil, nil).AddMember(ctx, producerpkg.System, uid, producer, "owner"); err != nil {
		t.Fatal(err)
	}
	p.Goto("sign in again (a new role ends old sessions)", base+"/dang-nhap?next=/quan-ly")
	fill("sign in", `document.querySelector('#identifier').value = 'lan@example.vn';
		document.querySelector('#password').value = 'Mật khẩu 123'`)
	p.ClickLink("sign in", `main form button[type=submit]`)
	p.AssertText("h1", "Tổng quan")
	p.AssertText(".bo-nav", "Tổng quan", "Sản phẩm", "Thêm sản phẩm", "Gian hàng")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()

	p.ClickLink("new product", `.bo-nav a[href$="/san-pham/moi"]`)
	p.AssertText("h1", "Thêm sản phẩm")
	p.AssertNoSeriousA11y()
	fill("product form", `document.querySelector('#name').value = 'Chè shan tuyết cổ thụ';
		document.querySelector('#group').value = 'I.3.c';
		document.querySelector('#description').value = 'Chè hái từ cây trăm tuổi.\nSao tay.';
		document.querySelector('#unit').value = 'Túi 100 g';
		document.querySelector('#price').value = '1.000.000.000.000';
		document.querySelector('#stock').value = '30';
		document.querySelector('#status').value = 'published'`)
	p.Step("invalid price")
	if ok, _ := p.EvalBool(`(() => { document.querySelector('main form').submit(); return true })()`); !ok {
		t.Fatal("submit")
	}
	waitFor(t, p, `document.querySelector('#price-error') !== null`)
	p.AssertText("#price-error", "1.000.000.000")
	if ok, _ := p.EvalBool(`document.querySelector('#price').getAttribute('aria-describedby').startsWith('price-error') && document.querySelector('#name').value === 'Chè shan tuyết cổ thụ'`); !ok {
		t.Error("the price error is not tied to the field, or the input was lost")
	}
	expect422(t, p)
	p.AssertNoSeriousA11y()

	fill("fix price", `document.querySelector('#price').value = '350.000 ₫'`)
	p.ClickLink("save product", `main form button[type=submit]`)
	p.AssertText(".notice", "Đã lưu sản phẩm")
	p.AssertText("#status-note", "chưa có chứng nhận OCOP còn hiệu lực")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()

	p.ClickLink("product list", `.bo-nav a[href$="/san-pham"]`)
	p.AssertText("main", "Chè shan tuyết cổ thụ", "350.000", "Bản nháp")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()

	p.ClickLink("profile", `.bo-nav a[href$="/cua-hang"]`)
	fill("profile form", `document.querySelector('#display_name').value = 'Chè Lan Hà Giang';
		document.querySelector('#website').value = 'http://khong-an-toan.vn'`)
	p.Step("invalid website")
	if ok, _ := p.EvalBool(`(() => { document.querySelector('main form').submit(); return true })()`); !ok {
		t.Fatal("submit")
	}
	waitFor(t, p, `document.querySelector('#website-error') !== null`)
	p.AssertText("#website-error", "https://")
	expect422(t, p)
	p.AssertNoSeriousA11y()
	fill("fix website", `document.querySelector('#website').value = 'https://chelan.vn'`)
	p.ClickLink("save profile", `main form button[type=submit]`)
	p.AssertText(".notice", "Đã lưu thông tin gian hàng")
	p.AssertNoProblems()
}

// expect422 checks that the only browser problem since the last check is
// the refused form's 422, as it should be.
func expect422(t *testing.T, p *browsertest.Page) {
	t.Helper()
	probs := p.Problems()
	if len(probs) == 0 {
		t.Error("the refused form did not answer 422")
	}
	for _, pr := range probs {
		if !strings.Contains(pr, "HTTP 422") {
			t.Errorf("refused form: %s", pr)
		}
	}
}
