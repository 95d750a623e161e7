package admin_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/browsertest"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	producerpkg "github.com/ocopvn/ocop/internal/producer"
)

// TestBrowserOrder: on a phone, a guest adds products of two producers to
// the cart, checks out with cash on delivery (the commune chosen from the
// list console.js fills), and lands on the tracking page; each producer
// sees its own order only, confirms and ships it; the shopper's tracking
// page then shows both shipped. Every page is axe-clean and logs no error.
func TestBrowserOrder(t *testing.T) {
	b := browsertest.New(t)
	base := startApp(t, func(f catalogtest.Fixture) {
		ctx := context.Background()
		acc := account.New(f.Pool, account.Options{})
		producers := producerpkg.New(f.Pool, nil, nil)
		f.Exec(`INSERT INTO commune (code, province_code, name, full_name, kind, name_fold) VALUES ('05800', '19', 'Phú Đô', 'Xã Phú Đô', 'xa', 'phu do')`)
		for i, pr := range []struct{ owner, producer, product string }{
			{"che@example.vn", "HTX Chè Tân Cương", "Chè búp Tân Cương"},
			{"mat@example.vn", "HTX Mật ong Bạc Hà", "Mật ong bạc hà"},
		} {
			id := f.Producer(pr.producer, "19")
			f.Product(id, catalogtest.Product{Name: pr.product, Group: "I.5.a", Price: int64(150000 + i*100000), Star: 4})
			u, err := acc.Register(ctx, account.SignUp{Identifier: pr.owner, DisplayName: strings.Split(pr.owner, "@")[0], Password: "mat khau dung"})
			if err != nil {
				t.Fatal(err)
			}
			if err := producers.AddMember(ctx, producerpkg.System, u.ID, id, "owner"); err != nil {
				t.Fatal(err)
			}
		}
	})
	p := b.NewPage(t, browsertest.Mobile)
	eval := func(step, js string) { t.Helper(); runJS(t, p, step, js) }
	for _, slug := range []string{"che-bup-tan-cuong", "mat-ong-bac-ha"} {
		p.Goto("product "+slug, base+"/san-pham/"+slug)
		p.AssertNoSeriousA11y()
		p.ClickLink("add "+slug, `form.add-cart button[type=submit]`)
		p.AssertText(".notice", "Đã thêm vào giỏ hàng")
	}
	p.AssertText("header .cart", "2")
	p.AssertText("main", "HTX Chè Tân Cương", "HTX Mật ong Bạc Hà", "Chè búp Tân Cương", "Mật ong bạc hà")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()

	p.ClickLink("checkout", `main a[href="/thanh-toan"]`)
	p.AssertText("h1", "Thanh toán")
	eval("receiver", `document.querySelector('#name').value = 'Nguyễn Thị Hoa';
		document.querySelector('#phone').value = '0912 345 678';
		document.querySelector('#address').value = 'Xóm 3';
		const s = document.querySelector('#province'); s.value = '19'; s.dispatchEvent(new Event('change'))`)
	waitFor(t, p, `document.querySelector('#commune-list option[value="Xã Phú Đô"]') !== null`)
	eval("commune", `document.querySelector('#commune').value = 'Xã Phú Đô'`)
	p.AssertNoSeriousA11y()
	p.ClickLink("place order", `main form button[type=submit]`)
	p.AssertText("h1", "Đơn hàng OCOP")
	p.AssertText(".notice", "Đặt hàng thành công")
	p.AssertText("main", "HTX Chè Tân Cương", "HTX Mật ong Bạc Hà", "Chờ xác nhận")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()
	tracking := p.URL()

	for _, owner := range []string{"che@example.vn", "mat@example.vn"} {
		// a fresh sign-in in the same tab: the shopper was a guest
		signInAs(t, p, base, owner)
		p.Goto("back-office", base+"/quan-ly")
		p.ClickLink("orders of "+owner, `.bo-nav a[href$="/don-hang"]`)
		p.AssertText("h1", "Đơn hàng")
		if ok, _ := p.EvalBool(`document.querySelectorAll('.bo-products li').length === 1`); !ok {
			t.Fatalf("%s sees %s orders, want its own one", owner, p.Text("main"))
		}
		p.AssertNoSeriousA11y()
		p.ClickLink("open order", `.bo-products a`)
		p.AssertText("main", "Nguyễn Thị Hoa", "Xã Phú Đô")
		p.AssertNoSeriousA11y()
		p.ClickLink("confirm", `form.order-action input[value="confirmed"] ~ p button`)
		p.AssertText(".notice", "Đã cập nhật đơn hàng")
		eval("shipment", `document.querySelector('#carrier').value = 'Viettel Post'; document.querySelector('#tracking_no').value = 'VTP-`+owner[:3]+`'`)
		p.ClickLink("ship", `form.order-action input[value="shipped"] ~ p button`)
		p.AssertText("main", "Đang giao", "Viettel Post")
		p.AssertNoProblems()
		p.AssertNoSeriousA11y()
		p.Goto("sign out", base+"/tai-khoan")
		p.ClickLink("sign out", `form[action="/dang-xuat"] button`)
	}
	p.Goto("tracking", tracking)
	p.AssertText("main", "VTP-che", "VTP-mat")
	if ok, _ := p.EvalBool(`[...document.querySelectorAll('.sub-order .status')].filter(e => e.textContent.includes('Đang giao')).length === 2`); !ok {
		t.Errorf("the tracking page does not show both orders shipped: %s", p.Text("main"))
	}
	p.AssertNoProblems()
}
