package storefront_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/browsertest"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/fair"
)

// springFair makes Quảng Ninh's spring fair, published, with zone A of
// six booths (two corners) and a 50 % subsidy; it returns its slug.
func springFair(t *testing.T, f catalogtest.Fixture) string {
	t.Helper()
	ctx := context.Background()
	svc := fair.New(f.Pool, nil)
	all := func(string) bool { return true }
	staff := audit.Actor{ActingAs: audit.AsStaff}
	start := time.Now().In(fair.Vietnam).AddDate(0, 1, 0)
	id, fe, err := svc.Save(ctx, staff, all, 0, fair.Fields{"kind": "fair", "name": "Hội chợ OCOP Quảng Ninh – Xuân", "organizer": "Sở Công Thương Quảng Ninh",
		"province_code": "22", "venue_name": "Cung Quy hoạch, Hội chợ và Triển lãm", "venue_address": "Phường Hồng Hà", "lat": "20.9517", "lng": "107.08",
		"starts_on": start.Format("02/01/2006"), "ends_on": start.AddDate(0, 0, 5).Format("02/01/2006"), "hours": "08:00-22:00",
		"registration_closes_on": start.AddDate(0, 0, -10).Format("02/01/2006"), "subsidy_percent": "50", "subsidy_cap_vnd": "10000000",
		"price_standard": "2500000", "price_corner": "3000000", "description": "Hơn 200 gian hàng OCOP.\nSân khấu công bố sản phẩm OCOP 2026."})
	if err != nil || fe != nil {
		t.Fatalf("fair: %v %v", fe, err)
	}
	zone, fe, err := svc.SaveZone(ctx, staff, all, id, 0, fair.ZoneForm{Code: "A", Name: "Sản phẩm Quảng Ninh", Cols: "3", Rows: "2"})
	if err != nil || fe != nil {
		t.Fatalf("zone: %v %v", fe, err)
	}
	if _, err := svc.SaveLayout(ctx, staff, all, id, zone, map[string]string{"0,0": "corner", "1,0": "standard", "2,0": "corner",
		"0,1": "standard", "1,1": "standard", "2,1": "standard"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetStatus(ctx, staff, all, id, fair.Published, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Save(ctx, staff, all, 0, fair.Fields{"kind": "market_session", "name": "Phiên chợ nháp", "province_code": "22",
		"venue_name": "Chợ Hạ Long", "starts_on": start.Format("02/01/2006"), "ends_on": start.Format("02/01/2006")}); err != nil {
		t.Fatal(err)
	}
	e, _ := svc.ByID(ctx, id)
	return e.Slug
}

// TestBrowserFairPages: on a phone, the fairs list shows the published
// fair (not the draft); its page shows dates, the directions link, booth
// prices, the subsidy and the plan as an SVG whose booths have text
// alternatives; axe finds nothing serious; the calendar feeds parse as
// RFC 5545 with the fair in them; the sitemap lists it.
func TestBrowserFairPages(t *testing.T) {
	b := browsertest.New(t)
	var slug string
	base := startApp(t, func(f catalogtest.Fixture) { slug = springFair(t, f) })
	p := b.NewPage(t, browsertest.Mobile)
	p.Goto("list", base+"/hoi-cho")
	p.AssertText("main", "Hội chợ OCOP Quảng Ninh – Xuân", "1 sự kiện", "6 gian hàng")
	if strings.Contains(p.Text("main"), "Phiên chợ nháp") {
		t.Error("a draft is listed")
	}
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()

	p.ClickLink("fair", `.pl-item h3 a`)
	p.AssertText("h1", "Hội chợ OCOP Quảng Ninh – Xuân")
	p.AssertText("main", "08:00–22:00", "Cung Quy hoạch, Hội chợ và Triển lãm", "2.500.000", "3.000.000", "hỗ trợ 50% phí gian hàng", "10.000.000", "Sân khấu công bố")
	if ok, err := p.EvalBool(`document.querySelectorAll('svg.plan g[role="img"][aria-label^="A-"]').length === 6 &&
		document.querySelector('svg.plan g[aria-label^="A-01"]').getAttribute('aria-label').includes('Gian góc') &&
		document.querySelector('a[href^="https://www.google.com/maps/dir/"]') !== null`); !ok || err != nil {
		t.Errorf("plan or directions missing: %v", err)
	}
	if ok, err := p.EvalBool(`[...document.querySelectorAll('script[type="application/ld+json"]')].some(s => JSON.parse(s.textContent)['@type'] === 'Event')`); !ok || err != nil {
		t.Errorf("no Event JSON-LD: %v", err)
	}
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()

	for _, path := range []string{"/hoi-cho/lich.ics", "/hoi-cho/" + slug + "/lich.ics"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cal, err := ics.ParseCalendar(strings.NewReader(string(body)))
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") || err != nil || len(cal.Events()) != 1 ||
			cal.Events()[0].GetProperty(ics.ComponentPropertySummary).Value != "Hội chợ OCOP Quảng Ninh – Xuân" || !strings.Contains(string(body), "\r\n") {
			t.Errorf("%s: %d %s %v\n%s", path, resp.StatusCode, resp.Header.Get("Content-Type"), err, body)
		}
	}
	resp, err := http.Get(base + "/sitemap.xml")
	if err != nil {
		t.Fatal(err)
	}
	sm, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(sm), "/hoi-cho/"+slug+"</loc>") || strings.Contains(string(sm), "phien-cho-nhap") {
		t.Errorf("sitemap:\n%s", sm)
	}
	p.GotoStatus("draft", base+"/hoi-cho/phien-cho-nhap-"+time.Now().In(fair.Vietnam).AddDate(0, 1, 0).Format("2006"), 404)
	p.AssertNoProblems()
}
