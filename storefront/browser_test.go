package storefront_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/app/apptest"
	"github.com/ocopvn/ocop/internal/browsertest"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
)

// startApp serves the whole app on a fresh database filled by fill
// (apptest.Start) and returns its base URL.
func startApp(t *testing.T, fill func(catalogtest.Fixture)) string { return apptest.Start(t, fill) }

// waitForIndex waits until the search API finds something for url: the
// sync worker indexes the fixture shortly after the server starts.
func waitForIndex(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 && !strings.Contains(string(b), `"total":0`) {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("search index never answered %s", url)
}

// TestBrowserWalk walks the storefront in headless Chromium, on a phone and
// on a desktop, as a shopper does: home → catalog → filter by province and
// star → product page → producer storefront → province page, and a missing
// page. On each it checks what the shopper sees, that the page logs no error
// and loads nothing broken, and that axe finds no serious accessibility
// violation.
func TestBrowserWalk(t *testing.T) {
	b := browsertest.New(t) // skips before the database is made when there is no browser
	base := startApp(t, func(f catalogtest.Fixture) {
		tc := f.Producer("HTX Chè Tân Cương", "19")
		f.Product(tc, catalogtest.Product{Name: "Chè Shan tuyết Tân Cương", Group: "I.5.a", Price: 1250000, Star: 5, Description: "Chè búp hái tay."})
		f.Product(tc, catalogtest.Product{Name: "Chè búp Tân Cương", Group: "I.5.a", Price: 250000, Star: 4})
		f.Product(tc, catalogtest.Product{Name: "Mật ong rừng", Group: "I.2.b", Price: 320000, Star: 3})
		pq := f.Producer("Công ty Nước mắm Phú Quốc", "91")
		f.Product(pq, catalogtest.Product{Name: "Nước mắm Phú Quốc 40 độ đạm", Group: "I.4.a", Price: 120000, Star: 4})
	})

	for _, vp := range browsertest.Viewports {
		t.Run(vp.Name, func(t *testing.T) {
			p := b.NewPage(t, vp)

			p.Goto("home", base+"/")
			p.AssertText("h1", "Sản phẩm OCOP được chứng nhận")
			p.AssertText("main", "4 sản phẩm 3–5 sao", "Sản phẩm thực phẩm", "Chè Shan tuyết Tân Cương", "HTX Chè Tân Cương", "1.250.000 ₫", "5 sao")
			p.AssertNoProblems()
			p.AssertNoSeriousA11y()

			p.ClickLink("catalog", `main a[href="/san-pham"]`)
			p.AssertText("h1", "Sản phẩm OCOP")
			p.AssertText(".results", "4 sản phẩm", "Nước mắm Phú Quốc 40 độ đạm", "Mật ong rừng")
			p.AssertNoProblems()
			p.AssertNoSeriousA11y()

			// filter by province and star with the plain form (no script on
			// the page; the test only sets the controls as a person would)
			if ok, err := p.EvalBool(`(() => {
				document.querySelector('.filters details').open = true;
				document.querySelector('#f-province').value = '19';
				document.querySelector('input[name=star][value="4"]').checked = true;
				return true })()`); !ok || err != nil {
				t.Fatalf("set filters: %v", err)
			}
			p.ClickLink("filtered", `.filters button[type=submit]`)
			if u := p.URL(); !strings.Contains(u, "province=19") || !strings.Contains(u, "star=4") {
				t.Errorf("filter URL %s lacks the filters", u)
			}
			p.AssertText(".results", "1 sản phẩm", "Chè búp Tân Cương")
			if strings.Contains(p.Text(".results"), "Nước mắm") {
				t.Error("filtered list shows another province's product")
			}
			p.AssertNoProblems()
			p.AssertNoSeriousA11y()

			p.ClickLink("product", `.results a[href="/san-pham/che-bup-tan-cuong"]`)
			p.AssertText("h1", "Chè búp Tân Cương")
			p.AssertText(".buy", "250.000 ₫", "4 sao", "Thái Nguyên")
			p.AssertText(".cert", "UBND tỉnh Thái Nguyên", "/QĐ-UBND")
			p.AssertText(".producer-card", "HTX Chè Tân Cương")
			p.AssertNoProblems()
			p.AssertNoSeriousA11y()

			p.ClickLink("storefront", `.producer-card a[href="/cua-hang/htx-che-tan-cuong"]`)
			p.AssertText("h1", "HTX Chè Tân Cương")
			p.AssertText("main", "Hợp tác xã", "Câu chuyện", "3 sản phẩm", "Chè Shan tuyết Tân Cương")
			p.AssertNoProblems()
			p.AssertNoSeriousA11y()

			p.ClickLink("province", `.crumbs a[href="/tinh/thai-nguyen"]`)
			p.AssertText("h1", "Sản phẩm OCOP Thái Nguyên")
			p.AssertText("main", "Số sản phẩm theo hạng sao", "3 sản phẩm")
			p.AssertNoProblems()
			p.AssertNoSeriousA11y()

			// search from the header box, typed without diacritics
			waitForIndex(t, base+"/api/v1/search?q=nuoc+mam")
			if ok, err := p.EvalBool(`(() => { document.querySelector('#q').value = 'nuoc mam phu quoc'; return true })()`); !ok || err != nil {
				t.Fatalf("type a search: %v", err)
			}
			p.ClickLink("search", `form.search button[type=submit]`)
			p.AssertText("h1", "Kết quả tìm kiếm")
			p.AssertText(".results", "1 sản phẩm", "Nước mắm Phú Quốc 40 độ đạm")
			if ok, _ := p.EvalBool(`document.querySelector('.results .card-name mark') !== null`); !ok {
				t.Error("search result name has no highlighted match")
			}
			p.AssertNoProblems()
			p.AssertNoSeriousA11y()

			// autocomplete: typing fills the datalist from /api/v1/suggest
			if ok, err := p.EvalBool(`(() => { const q = document.querySelector('#q'); q.value = 'che ta'; q.dispatchEvent(new Event('input')); return true })()`); !ok || err != nil {
				t.Fatalf("type into the search box: %v", err)
			}
			suggested := false
			for i := 0; i < 50 && !suggested; i++ {
				time.Sleep(100 * time.Millisecond)
				suggested, _ = p.EvalBool(`[...document.querySelectorAll('#q-suggestions option')].some(o => o.value.includes('Tân Cương'))`)
			}
			if !suggested {
				t.Error("no autocomplete suggestion for “che ta”")
			}
			p.AssertNoProblems()

			p.ClickLink("statistics", `footer a[href="/thong-ke"]`)
			p.AssertText("main", "Thống kê sản phẩm OCOP", "Theo hạng sao", "Thái Nguyên: 3")
			p.AssertNoProblems()
			p.AssertNoSeriousA11y()

			p.GotoStatus("not found", base+"/san-pham/khong-co-san-pham-nay", 404)
			p.AssertText("h1", "Không tìm thấy trang bạn cần")
			p.AssertNoProblems()
			p.AssertNoSeriousA11y()
		})
	}
}
