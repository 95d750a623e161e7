package admin_test

import (
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/app/apptest"
	"github.com/ocopvn/ocop/internal/browsertest"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
)

// startApp serves the whole app on a fresh database filled by fill
// (apptest.Start) and returns its base URL.
func startApp(t *testing.T, fill func(catalogtest.Fixture)) string { return apptest.Start(t, fill) }

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

// runJS runs js on the page for step, failing t when it throws.
func runJS(t *testing.T, p *browsertest.Page, step, js string) {
	t.Helper()
	if ok, err := p.EvalBool(`(() => {` + js + `; return true })()`); !ok || err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// signInAs signs the account id in with the tests' password.
func signInAs(t *testing.T, p *browsertest.Page, base, id string) {
	t.Helper()
	p.Goto("sign in "+id, base+"/dang-nhap")
	runJS(t, p, "sign in", `document.querySelector('#identifier').value = '`+id+`'; document.querySelector('#password').value = 'mat khau dung'`)
	p.ClickLink("sign in", `main form button[type=submit]`)
}
