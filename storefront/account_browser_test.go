package storefront_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/browsertest"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
)

// TestBrowserAccount signs up, lands on the account page, signs out and
// signs in again in headless Chromium: the forms' CSRF tokens, the
// Origin check and the cookies work in a real browser.
func TestBrowserAccount(t *testing.T) {
	b := browsertest.New(t)
	base := startApp(t, func(catalogtest.Fixture) {})
	p := b.NewPage(t, browsertest.Viewports[0])

	p.Goto("home", base+"/")
	p.ClickLink("sign-in page", `header a[href="/dang-nhap"]`)
	p.AssertText("h1", "Đăng nhập")
	p.AssertNoSeriousA11y()
	p.ClickLink("sign-up page", `main a[href="/dang-ky"]`)
	p.AssertText("h1", "Đăng ký")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()

	fill := func(step, js string) {
		t.Helper()
		if ok, err := p.EvalBool(`(() => {` + js + `; return true })()`); !ok || err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	// a too-short password first: the page comes back (422) with messages
	fill("short password", `document.querySelector('#identifier').value = '0912 345 678';
		document.querySelector('#display_name').value = 'Chị Lan';
		document.querySelector('#password').value = 'ngan';
		document.querySelector('#password').removeAttribute('minlength')`)
	p.Step("invalid sign-up")
	if ok, _ := p.EvalBool(`(() => { document.querySelector('main form').submit(); return true })()`); !ok {
		t.Fatal("submit")
	}
	waitFor(t, p, `document.querySelector('#password-error') !== null`)
	p.AssertText("#password-error", "ít nhất 8 ký tự")
	// the form comes back with 422, as it should; nothing else went wrong
	for _, pr := range p.Problems() {
		if !strings.Contains(pr, "HTTP 422") {
			t.Errorf("invalid sign-up: %s", pr)
		}
	}
	p.AssertNoSeriousA11y()

	fill("sign up", `document.querySelector('#password').value = 'Mật khẩu 123'`)
	p.ClickLink("sign up", `main form button[type=submit]`)
	p.AssertText("h1", "Tài khoản của tôi")
	p.AssertText("main", "Chị Lan", "84912345678", "Người mua")
	p.AssertText("header", "Chị Lan")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()

	p.ClickLink("sign out", `main form[action="/dang-xuat"] button[type=submit]`)
	p.AssertText("header", "Đăng nhập")

	p.Goto("account page, signed out", base+"/tai-khoan")
	p.AssertText("h1", "Đăng nhập")
	fill("sign in", `document.querySelector('#identifier').value = '+84912345678';
		document.querySelector('#password').value = 'Mật khẩu 123'`)
	p.ClickLink("sign in", `main form button[type=submit]`)
	p.AssertText("h1", "Tài khoản của tôi")
	p.AssertNoProblems()
}

func waitFor(t *testing.T, p *browsertest.Page, expr string) {
	t.Helper()
	for range 50 {
		if ok, _ := p.EvalBool(expr); ok {
			return
		}
		sleep()
	}
	t.Fatalf("waited in vain for %s", expr)
}

func sleep() { time.Sleep(100 * time.Millisecond) }
