package admin_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/browsertest"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
)

// TestBrowserRevocation: the province's officer revokes two products in
// one decision; their verification pages turn red, they leave search, and
// the producer's dashboard says why.
func TestBrowserRevocation(t *testing.T) {
	b := browsertest.New(t)
	var pool *pgxpool.Pool
	var producerID string
	base := startApp(t, func(f catalogtest.Fixture) {
		pool = f.Pool
		ctx := context.Background()
		acc := account.New(f.Pool, account.Options{})
		officer, err := acc.Register(ctx, account.SignUp{Identifier: "canbo@example.vn", DisplayName: "Cán bộ OCOP", Password: "mat khau dung"})
		if err != nil {
			t.Fatal(err)
		}
		owner, err := acc.Register(ctx, account.SignUp{Identifier: "chu@example.vn", DisplayName: "Chủ HTX", Password: "mat khau dung"})
		if err != nil {
			t.Fatal(err)
		}
		f.Exec(`INSERT INTO staff_province (user_id, province_code) VALUES ($1, '19')`, officer.ID)
		pid := f.Producer("HTX Mật ong Bắc Hà", "19")
		f.Exec(`INSERT INTO producer_member (user_id, producer_id, role) VALUES ($1, $2, 'owner')`, owner.ID, pid)
		for _, name := range []string{"Mật ong hoa bạc hà", "Mật ong hoa táo mèo", "Mật ong rừng"} {
			f.Product(pid, catalogtest.Product{Name: name, Group: "I.2.b", Price: 300000, Star: 3})
		}
		producerID = strconv.FormatInt(pid, 10)
	})
	code := func(name string) string {
		var c string
		if err := pool.QueryRow(context.Background(), `SELECT verify_code FROM product WHERE name = $1`, name).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	p := b.NewPage(t, browsertest.Viewports[0])
	eval := func(step, js string) { t.Helper(); runJS(t, p, step, js) }
	signIn := func(id string) { t.Helper(); signInAs(t, p, base, id) }

	// before: the verification page is green and search finds all three
	p.Goto("verify before", base+"/xac-minh/"+code("Mật ong hoa bạc hà"))
	p.AssertText(".verdict.good", "còn hiệu lực")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()

	signIn("canbo@example.vn")
	p.Goto("revocation page", base+"/quan-tri/thu-hoi?q=mat+ong")
	p.AssertText("h1", "Thu hồi chứng nhận")
	p.AssertText("main", "Mật ong hoa bạc hà", "Mật ong hoa táo mèo", "Mật ong rừng")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()
	eval("choose two", `for (const l of document.querySelectorAll('main label.check')) {
			if (/bạc hà|táo mèo/.test(l.textContent)) l.querySelector('input').checked = true }
		document.querySelector('#revoke_decision_no').value = '1520/QĐ-UBND';
		document.querySelector('#revoke_date').value = '2026-11-20';
		document.querySelector('#reason').value = 'Không tham gia đánh giá lại sau 36 tháng'`)
	p.ClickLink("revoke", `main form[method=post] button[type=submit]`)
	p.AssertText("main", "Đã thu hồi chứng nhận của 2 sản phẩm")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()

	// the verification pages turn red, with the decision
	for _, name := range []string{"Mật ong hoa bạc hà", "Mật ong hoa táo mèo"} {
		p.Goto("verify "+name, base+"/xac-minh/"+code(name))
		p.AssertText(".verdict.bad", "đã bị thu hồi")
		p.AssertText("main", "1520/QĐ-UBND", "Không tham gia đánh giá lại")
		p.AssertNoProblems()
		p.AssertNoSeriousA11y()
	}
	p.Goto("verify the third", base+"/xac-minh/"+code("Mật ong rừng"))
	p.AssertText(".verdict.good", "còn hiệu lực")

	// they leave search (the index follows within a second or two)
	p.Goto("search", base+"/tim-kiem?q=mat+ong")
	for range 50 {
		if ok, _ := p.EvalBool(`!document.querySelector('main').textContent.includes('hoa bạc hà') && document.querySelector('main').textContent.includes('Mật ong rừng')`); ok {
			break
		}
		sleep()
		p.Goto("search again", base+"/tim-kiem?q=mat+ong")
	}
	if ok, _ := p.EvalBool(`!document.querySelector('main').textContent.includes('hoa bạc hà') && !document.querySelector('main').textContent.includes('táo mèo')`); !ok {
		t.Error("the revoked products are still found")
	}

	// the producer's dashboard says why
	p.Goto("account", base+"/tai-khoan")
	p.ClickLink("sign out", `main form[action="/dang-xuat"] button[type=submit]`)
	signIn("chu@example.vn")
	p.Goto("dashboard", base+"/quan-ly/"+producerID)
	p.AssertText("main", "Chứng nhận bị thu hồi", "Mật ong hoa bạc hà", "1520/QĐ-UBND", "Không tham gia đánh giá lại sau 36 tháng")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()
}
