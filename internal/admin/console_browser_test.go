package admin_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/browsertest"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
)

// TestBrowserConsole applies for a storefront on a phone (with a refused
// form first), then reviews and approves it as an admin and visits every
// console page; each page is axe-clean and logs no error.
func TestBrowserConsole(t *testing.T) {
	b := browsertest.New(t)
	base := startApp(t, func(f catalogtest.Fixture) {
		ctx := context.Background()
		acc := account.New(f.Pool, account.Options{})
		for _, id := range []string{"lan@example.vn", "admin@example.vn"} {
			if _, err := acc.Register(ctx, account.SignUp{Identifier: id, DisplayName: strings.Split(id, "@")[0], Password: "mat khau dung"}); err != nil {
				t.Fatal(err)
			}
		}
		f.Exec(`UPDATE app_user SET is_admin = true WHERE email = 'admin@example.vn'`)
		f.Exec(`INSERT INTO commune (code, province_code, name, full_name, kind, name_fold) VALUES ('05800', '19', 'Phú Đô', 'Xã Phú Đô', 'xa', 'phu do')`)
		hh := f.Producer("Hộ kinh doanh Mật ong Bạc Hà", "19")
		f.Exec(`UPDATE producer SET producer_type = 'ho_kinh_doanh' WHERE id = $1`, hh)
		f.Product(hh, catalogtest.Product{Name: "Mật ong bạc hà", Group: "I.2.b", Price: 320000, Star: 4})
	})
	p := b.NewPage(t, browsertest.Viewports[0])
	eval := func(step, js string) { t.Helper(); runJS(t, p, step, js) }
	signIn := func(id string) {
		t.Helper()
		signInAs(t, p, base, id)
		p.AssertText("header", strings.Split(id, "@")[0])
	}
	signIn("lan@example.vn")
	p.Goto("apply", base+"/mo-cua-hang")
	p.AssertText("h1", "Mở gian hàng OCOP")
	// one visible province select (the no-JavaScript picker is hidden)
	waitFor(t, p, `[...document.querySelectorAll('main select')].filter(s => s.offsetParent !== null && /tỉnh/i.test(s.labels[0].textContent)).length === 1`)
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()

	// an incomplete form comes back with messages next to the fields
	eval("incomplete", `document.querySelector('#legal_name').value = 'HTX Chè Phú Đô'`)
	p.Step("submit incomplete")
	eval("submit incomplete", `document.querySelector('main form[enctype]').submit()`)
	waitFor(t, p, `document.querySelector('#representative-error') !== null`)
	p.AssertText("#phone-error", "Vui lòng nhập số điện thoại")
	for _, pr := range p.Problems() {
		if !strings.Contains(pr, "HTTP 422") {
			t.Errorf("incomplete application: %s", pr)
		}
	}
	p.AssertNoSeriousA11y()
	// choosing the province fills the commune list (console.js)
	eval("province", `const s = document.querySelector('#province'); s.value = '19'; s.dispatchEvent(new Event('change'))`)
	waitFor(t, p, `document.querySelector('#commune-list option[value="Xã Phú Đô"]') !== null`)
	eval("complete", `document.querySelector('#producer_type').value = 'htx';
		document.querySelector('#tax_code').value = '4601234567';
		document.querySelector('#representative').value = 'Nguyễn Thị Lan';
		document.querySelector('#province').value = '19';
		document.querySelector('#commune').value = 'Xã Phú Đô';
		document.querySelector('#phone').value = '0912 345 678'`)
	p.ClickLink("submit", `main form[enctype] button[type=submit]`)
	p.AssertText("main", "Đã gửi hồ sơ", "Chờ duyệt")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()

	p.Goto("account", base+"/tai-khoan")
	p.ClickLink("sign out", `main form[action="/dang-xuat"] button[type=submit]`)
	signIn("admin@example.vn")
	p.Goto("console", base+"/quan-tri")
	p.AssertText("main", "1 Hồ sơ chờ duyệt")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()
	p.ClickLink("queue", `main .tiles a[href="/quan-tri/ho-so?trang-thai=submitted"]`)
	p.AssertText("main", "HTX Chè Phú Đô")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()
	p.ClickLink("application", `main .rows a`)
	p.AssertText("main", "Nguyễn Thị Lan", "Xã Phú Đô")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()
	p.ClickLink("approve", `main form[action$="/duyet"] button[type=submit]`)
	p.AssertText("main", "Đã duyệt hồ sơ")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()
	p.ClickLink("producer", `main a[href^="/quan-tri/chu-the/"]`)
	p.AssertText("h1", "HTX Chè Phú Đô")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()

	p.Goto("producers", base+"/quan-tri/chu-the")
	p.AssertText("main", "Mật ong Bạc Hà")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()
	p.ClickLink("household", `main .rows a[href^="/quan-tri/chu-the/"]`)
	p.AssertText("main", "Quản lý gian hàng thay mặt", "Mật ong bạc hà")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()
	p.ClickLink("certificate", `main a[href$="/chung-nhan"]`)
	p.AssertText("h1", "Ghi nhận chứng nhận OCOP")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()
	p.Goto("audit log", base+"/quan-tri/nhat-ky")
	p.AssertText("main", "duyệt")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()
	p.Goto("staff roles", base+"/quan-tri/can-bo")
	p.AssertText("h1", "Phân quyền cán bộ")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()
}
