package admin_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/browsertest"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	producerpkg "github.com/ocopvn/ocop/internal/producer"
)

// TestBrowserFairFlow: a trade promotion officer of Quảng Ninh creates a
// fair through the console (a form, then zone A laid out on the grid),
// publishes it and opens registration; the owner of a cooperative applies
// on a phone; the officer approves it, records the fee and gives booths
// automatically; the public plan shows the exhibitor, and its booth link
// (where the QR leads) opens the booth page with its products. Every page
// is axe-clean.
func TestBrowserFairFlow(t *testing.T) {
	b := browsertest.New(t)
	base := startApp(t, func(f catalogtest.Fixture) {
		ctx := context.Background()
		accounts := account.New(f.Pool, account.Options{})
		producers := producerpkg.New(f.Pool, nil, nil)
		officer, err := accounts.Register(ctx, account.SignUp{Identifier: "xttm@quangninh.gov.vn", DisplayName: "Cán bộ XTTM", Password: "mat khau dung"})
		if err != nil {
			t.Fatal(err)
		}
		if err := producers.GrantStaff(ctx, producerpkg.System, officer.ID, "22", producerpkg.StaffTradePromotion); err != nil {
			t.Fatal(err)
		}
		htx := f.Producer("HTX Trà hoa vàng Ba Chẽ", "22")
		f.Product(htx, catalogtest.Product{Name: "Trà hoa vàng Ba Chẽ", Group: "I.5.a", Price: 500000, Star: 5})
		owner, err := accounts.Register(ctx, account.SignUp{Identifier: "htx@bache.vn", DisplayName: "Chị Lan", Password: "mat khau dung"})
		if err != nil {
			t.Fatal(err)
		}
		if err := producers.AddMember(ctx, producerpkg.System, owner.ID, htx, "owner"); err != nil {
			t.Fatal(err)
		}
	})
	today := time.Now().In(time.FixedZone("ICT", 7*3600))
	day := func(d int) string { return today.AddDate(0, 0, d).Format("02/01/2006") }

	staff := b.NewPage(t, browsertest.Viewports[1])
	signInAs(t, staff, base, "xttm@quangninh.gov.vn")
	staff.Goto("new fair", base+"/quan-tri/hoi-cho/moi")
	staff.AssertNoSeriousA11y()
	setValues(t, staff, map[string]string{"#kind": "fair", "#province_code": "22", "#name": "Hội chợ OCOP Quảng Ninh – Xuân",
		"#venue_name": "Cung Quy hoạch, Hội chợ và Triển lãm", "#starts_on": day(40), "#ends_on": day(45), "#hours": "08:00-22:00",
		"#registration_opens_on": day(0), "#registration_closes_on": day(20), "#subsidy_percent": "50", "#price_standard": "2.500.000"})
	clickButton(t, staff, "save the fair", "Lưu sự kiện")
	staff.AssertText(".notice", "Đã lưu sự kiện")
	setValues(t, staff, map[string]string{"#zone_code": "A", "#zone_name": "Sản phẩm Quảng Ninh", "#zone_cols": "3", "#zone_rows": "1"})
	clickButton(t, staff, "add zone A", "Thêm khu")
	staff.AssertText("h1", "Khu A")
	staff.AssertNoSeriousA11y()
	setValues(t, staff, map[string]string{"#c_0_0": "standard", "#c_1_0": "standard", "#c_2_0": "standard"})
	clickButton(t, staff, "lay out zone A", "Lưu sơ đồ")
	staff.AssertText("main", "Đã lưu sơ đồ gian hàng", "A-01", "A-03")
	staff.ClickLink("back to the fair", `main p a[href^="/quan-tri/hoi-cho/"]`)
	clickButton(t, staff, "publish", "Công bố")
	clickButton(t, staff, "open registration", "Mở đăng ký gian hàng")
	staff.AssertText("main", "Đang nhận đăng ký gian hàng")
	staff.AssertNoProblems()

	// the cooperative applies on a phone
	phone := b.NewPage(t, browsertest.Mobile)
	signInAs(t, phone, base, "htx@bache.vn")
	phone.Goto("back-office", base+"/quan-ly")
	phone.ClickLink("fairs", `nav.bo-nav a[href$="/hoi-cho"]`)
	phone.AssertText("main", "Hội chợ OCOP Quảng Ninh – Xuân")
	phone.AssertNoSeriousA11y()
	phone.ClickLink("the fair", `main ul.rows a`)
	phone.AssertText("main", "2.500.000", "1.250.000")
	runJS(t, phone, "choose", `document.querySelector('input[name=booth_type][value=standard]').checked = true;
		document.querySelector('input[name=products]').checked = true`)
	setValues(t, phone, map[string]string{"#qty": "2", "#contact_name": "Chị Lan", "#contact_phone": "0912 345 678"})
	phone.AssertNoSeriousA11y()
	clickButton(t, phone, "apply", "Gửi hồ sơ đăng ký")
	phone.AssertText("main", "Đã gửi hồ sơ", "Đã gửi", "2.500.000")
	phone.AssertNoProblems()

	// the officer approves, records the fee, allocates
	staff.ClickLink("applications", `a[href^="/quan-tri/hoi-cho/"][href$="/ho-so"]`)
	staff.AssertText("main", "HTX Trà hoa vàng Ba Chẽ", "Trà hoa vàng Ba Chẽ 5★")
	staff.AssertNoSeriousA11y()
	clickButton(t, staff, "approve", "Duyệt")
	clickButton(t, staff, "record the fee", "Ghi nhận đã nộp")
	clickButton(t, staff, "allocate", "Xếp gian tự động")
	staff.AssertText("main", "Đã xếp thêm số gian: 2", "A-01, A-02")
	staff.AssertNoProblems()

	// the public plan shows the exhibitor; its booth page lists its products
	pub := b.NewPage(t, browsertest.Mobile)
	pub.Goto("public fair", base+"/hoi-cho")
	pub.ClickLink("the fair", `.pl-item h3 a`)
	pub.AssertText("main", "Đơn vị tham gia (1)", "HTX Trà hoa vàng Ba Chẽ")
	if ok, err := pub.EvalBool(`document.querySelectorAll('svg.plan a[href*="/gian/A-0"]').length === 2`); !ok || err != nil {
		t.Errorf("the plan does not link the exhibitor's booths: %v", err)
	}
	pub.AssertNoSeriousA11y()
	href, err := pub.EvalString(`document.querySelector('svg.plan a[href*="/gian/A-01"]').getAttribute('href')`)
	if err != nil || !strings.HasSuffix(href, "/gian/A-01") {
		t.Fatalf("booth link %q: %v", href, err)
	}
	pub.Goto("booth page (the QR's address)", base+href)
	pub.AssertText("h1", "Gian A-01: HTX Trà hoa vàng Ba Chẽ")
	pub.AssertText("main", "Trà hoa vàng Ba Chẽ", "Xem gian hàng trên sàn")
	pub.AssertNoProblems()
	pub.AssertNoSeriousA11y()
	// the product page: "meet us at the fair"; the API lists the exhibitor
	pub.Goto("product page", base+"/san-pham/tra-hoa-vang-ba-che")
	pub.AssertText(".meet-us", "Gặp chúng tôi tại hội chợ", "Hội chợ OCOP Quảng Ninh – Xuân", "A-01, A-02")
	pub.AssertNoProblems()
	slug := strings.Split(strings.TrimPrefix(href, "/hoi-cho/"), "/")[0]
	resp, err := http.Get(base + "/api/v1/events/" + slug)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"booth_code":"A-02"`) || !strings.Contains(string(body), `"products":["tra-hoa-vang-ba-che"]`) {
		t.Errorf("API exhibitors: %s", body)
	}
	// the officer scans the booth's QR on the day and checks the exhibitor in
	staff.Goto("scan the booth", base+href)
	clickButton(t, staff, "check in", "Xác nhận đơn vị đã nhận gian")
	staff.AssertText("main", "Đã xác nhận chủ thể nhận gian", "Đã nhận gian")
	staff.AssertNoProblems()
	pub.Goto("booth card", base+href+"?in=1")
	if ok, err := pub.EvalBool(`document.querySelector('.booth-card img').naturalWidth > 0`); !ok || err != nil {
		t.Errorf("the card's QR image did not load: %v", err)
	}
	pub.AssertNoProblems()
	pub.AssertNoSeriousA11y()
}
