package admin_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/browsertest"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/geo"
	producerpkg "github.com/ocopvn/ocop/internal/producer"
)

// TestBrowserPlanReport: an OCOP officer of Thanh Hóa uploads the year's
// plan by former districts (a refused file first, with its row errors),
// opens plan against actual with its chart, and downloads the XLSX; the
// other reports open too. Every page is axe-clean.
func TestBrowserPlanReport(t *testing.T) {
	b := browsertest.New(t)
	base := startApp(t, func(f catalogtest.Fixture) {
		ctx := context.Background()
		f.Exec(`INSERT INTO commune (code, province_code, name, full_name, kind, name_fold) VALUES
			('15001', '38', 'Nga Sơn', 'Xã Nga Sơn', 'xa', 'nga son'), ('15004', '38', 'Nghi Sơn', 'Phường Nghi Sơn', 'phuong', 'nghi son')`)
		list := "legacy_district_code,legacy_district_name,legacy_province_code,legacy_province_name\n396,Huyện Nga Sơn,38,Tỉnh Thanh Hóa\n407,Thị xã Nghi Sơn,38,Tỉnh Thanh Hóa\n"
		m := "commune_code,legacy_district_code\n15001,396\n15004,407\n"
		if _, err := geo.LoadLegacy(ctx, f.Pool, strings.NewReader(m), strings.NewReader(list)); err != nil {
			t.Fatal(err)
		}
		pid := f.Producer("HTX Nem Nga Sơn", "38")
		f.Exec(`UPDATE producer SET commune_code = '15001' WHERE id = $1`, pid)
		f.Product(pid, catalogtest.Product{Name: "Nem chua Nga Sơn", Group: "I.1.a", Price: 50000, Star: 4})
		u, err := account.New(f.Pool, account.Options{}).Register(ctx, account.SignUp{Identifier: "canbo@thanhhoa.vn", DisplayName: "Cán bộ", Password: "mat khau dung"})
		if err != nil {
			t.Fatal(err)
		}
		if err := producerpkg.New(f.Pool, nil, nil).GrantStaff(ctx, producerpkg.System, u.ID, "38", producerpkg.StaffOCOPOffice); err != nil {
			t.Fatal(err)
		}
	})
	dir := t.TempDir()
	year := strconv.Itoa(time.Now().AddDate(0, -1, 0).Year()) // the fixture's certificate was decided a month ago
	badPlan, goodPlan := filepath.Join(dir, "sai.csv"), filepath.Join(dir, "ke-hoach.csv")
	os.WriteFile(badPlan, []byte("Địa phương,Tổng số,5 sao,4 sao,3 sao\nHuyện Không Có,1,0,0,1\nH. Nga Sơn,3,0,1,1\n"), 0o644)
	os.WriteFile(goodPlan, []byte("Địa phương,Tổng số,5 sao,4 sao,3 sao\nH. Nga Sơn,2,0,1,1\nTX Nghi Sơn,1,1,0,0\n"), 0o644)

	p := b.NewPage(t, browsertest.Viewports[0])
	signInAs(t, p, base, "canbo@thanhhoa.vn")
	p.Goto("reports", base+"/quan-tri/bao-cao")
	p.AssertText("main", "Chưa có kế hoạch")
	p.AssertNoSeriousA11y()
	runJS(t, p, "year", `document.querySelector('#u-nam').value = '`+year+`'`)
	upload(t, p, "#u-file", badPlan)
	p.Step("upload a bad plan")
	runJS(t, p, "submit", `document.querySelector('form[enctype]').submit()`)
	waitFor(t, p, `document.body.innerText.includes('dòng lỗi')`)
	p.AssertText("main", "Huyện Không Có", "2 dòng lỗi")
	for _, pr := range p.Problems() {
		if !strings.Contains(pr, "HTTP 422") {
			t.Errorf("bad plan: %s", pr)
		}
	}
	p.AssertNoSeriousA11y()
	runJS(t, p, "year", `document.querySelector('#u-nam').value = '`+year+`'`)
	upload(t, p, "#u-file", goodPlan)
	clickButton(t, p, "upload the plan", "Nhập kế hoạch")
	p.AssertText(".notice", "Đã nhập kế hoạch")
	p.AssertText("table", "H. Nga Sơn", "TX Nghi Sơn", "50 %", "Tổng cộng")
	if ok, _ := p.EvalBool(`document.querySelector('svg.chart[role=img]') !== null`); !ok {
		t.Error("no chart")
	}
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()
	// the XLSX download is a workbook
	runJS(t, p, "download", `(async () => { const a = [...document.querySelectorAll('a[download]')].find(a => a.href.includes('tai=xlsx'));
		const r = await fetch(a.href); const b = new Uint8Array(await r.arrayBuffer());
		window.xlsxOK = r.ok && r.headers.get('Content-Type').includes('spreadsheetml') && b[0] === 0x50 && b[1] === 0x4b })()`)
	waitFor(t, p, `window.xlsxOK === true`)
	p.ClickLink("certified report", `.bo-nav a[href*="/bao-cao/san-pham"]`)
	p.AssertText("main", "Huyện Nga Sơn")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()
	p.ClickLink("years report", `.bo-nav a[href*="/bao-cao/bien-dong"]`)
	p.AssertText("table", year)
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()
}
