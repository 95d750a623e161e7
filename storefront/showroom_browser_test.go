package storefront_test

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/ocopvn/ocop/internal/app/apptest"
	"github.com/ocopvn/ocop/internal/browsertest"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
)

// TestBrowserNearestShowroom: on a phone, a shopper on a product page
// follows "find a showroom near you", lets the site use their position,
// gets the nearest showroom that carries the product first, opens it and
// sees it open now with a directions link; axe finds nothing serious.
func TestBrowserNearestShowroom(t *testing.T) {
	b := browsertest.New(t)
	base := startApp(t, func(f catalogtest.Fixture) {
		tc := f.Producer("HTX Chè Tân Cương", "19")
		f.Product(tc, catalogtest.Product{Name: "Chè búp Tân Cương", Group: "I.5.a", Price: 250000, Star: 4})
		// two showrooms carry it (the kiosk open day and night), one
		// further away does not
		f.Exec(`INSERT INTO showroom (province_code, code, slug, name, name_fold, showroom_type, address, lat, lng, hours_text) VALUES
			('19', 'TN-01', 'trung-tam-ocop-thai-nguyen', 'Trung tâm OCOP Thái Nguyên', 'trung tam ocop thai nguyen', 'ocop_center', 'Số 1 Hoàng Văn Thụ', 21.5942, 105.8482, ''),
			('19', 'TN-02', 'kiot-tan-cuong', 'Ki-ốt OCOP Tân Cương', 'ki ot ocop tan cuong', 'transport_hub', 'Quốc lộ 3', 21.5500, 105.7700, 'Hằng ngày 00:00-24:00'),
			('01', 'HN-01', 'trung-tam-ocop-ha-noi', 'Trung tâm OCOP Hà Nội', 'trung tam ocop ha noi', 'ocop_center', '45 Phan Chu Trinh', 21.0245, 105.8553, '')`)
		f.Exec(`INSERT INTO showroom_hours (showroom_id, weekday, opens, closes) SELECT id, d, '00:00', '00:00' FROM showroom, generate_series(1, 7) d WHERE code = 'TN-02'`)
		f.Exec(`INSERT INTO showroom_product (showroom_id, product_id) SELECT s.id, p.id FROM showroom s, product p WHERE s.code IN ('TN-01', 'TN-02')`)
	})
	p := b.NewPage(t, browsertest.Mobile)
	p.Goto("product", base+"/san-pham/che-bup-tan-cuong")
	p.AssertText(".sold-at", "Có bán tại 2 điểm bán", "Ki-ốt OCOP Tân Cương")
	p.AssertNoSeriousA11y()

	p.ClickLink("showrooms carrying it", `.sold-at a[href^="/diem-ban?product="]`)
	p.AssertText("main", "Điểm bán có Chè búp Tân Cương", "2 điểm bán")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()

	// the shopper stands by the Tân Cương tea hills and lets the site use it
	lat, lng, acc := 21.5600, 105.7800, 50.0
	if _, err := chromedp.CallBrowser(p.Ctx(), browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "geolocation"}, Setting: browser.PermissionSettingGranted,
		Origin: base, BrowserContextID: chromedp.FromContext(p.Ctx()).BrowserContextID}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(p.Ctx(), emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lng, Accuracy: &acc}); err != nil {
		t.Fatal(err)
	}
	p.ClickLink("use my position", `#sr-locate`)
	p.AssertText("main", "Đang tìm quanh vị trí của bạn", "2 điểm bán", "1,5 km")
	if ok, err := p.EvalBool(`document.querySelector('.pl-item h3 a').textContent === 'Ki-ốt OCOP Tân Cương'`); !ok || err != nil {
		t.Fatalf("the nearest is not first: %v", err)
	}
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()

	p.ClickLink("the nearest", `.pl-item h3 a`)
	p.AssertText("h1", "Ki-ốt OCOP Tân Cương")
	p.AssertText(".showroom", "Đang mở cửa", "Chỉ đường")
	if ok, err := p.EvalBool(`document.querySelector('.showroom a[href^="https://www.google.com/maps/dir/"]') !== null`); !ok || err != nil {
		t.Errorf("no directions link: %v", err)
	}
	p.AssertText(".pl-products", "Chè búp Tân Cương")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()
}

// TestBrowserShowroomLiveMap: with a tile server configured (here a local
// one, another origin), the list and a showroom page draw the showrooms
// on the vendored Leaflet: one marker per showroom, tiles loaded (the
// page's CSP lets that origin's images in), the server's SVG sketch
// hidden; nothing logged, axe passes.
func TestBrowserShowroomLiveMap(t *testing.T) {
	b := browsertest.New(t)
	var tiles atomic.Int64
	tile := pngTile(t)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tiles.Add(1)
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(tile)
	}))
	t.Cleanup(ts.Close)
	base := apptest.StartEnv(t, map[string]string{"OCOP_MAP_TILES": ts.URL + "/{z}/{x}/{y}.png", "OCOP_MAP_ATTRIBUTION": "© Bản đồ <thử>"}, func(f catalogtest.Fixture) {
		f.Exec(`INSERT INTO showroom (province_code, code, slug, name, name_fold, showroom_type, address, lat, lng, hours_text) VALUES
			('19', 'TN-01', 'trung-tam-ocop-thai-nguyen', 'Trung tâm OCOP Thái Nguyên', 'trung tam ocop thai nguyen', 'ocop_center', 'Số 1 Hoàng Văn Thụ', 21.5942, 105.8482, ''),
			('19', 'TN-02', 'kiot-tan-cuong', 'Ki-ốt OCOP Tân Cương', 'ki ot ocop tan cuong', 'transport_hub', 'Quốc lộ 3', 21.5500, 105.7700, ''),
			('01', 'HN-01', 'trung-tam-ocop-ha-noi', 'Trung tâm OCOP Hà Nội', 'trung tam ocop ha noi', 'ocop_center', '45 Phan Chu Trinh', 21.0245, 105.8553, '')`)
	})
	p := b.NewPage(t, browsertest.Mobile)
	p.Goto("list", base+"/diem-ban")
	waitFor(t, p, `document.querySelectorAll('#sr-livemap path.leaflet-interactive').length === 3 && document.querySelectorAll('#sr-livemap img.leaflet-tile-loaded').length > 0`)
	if ok, err := p.EvalBool(`document.querySelector('.pl-map-fig').hidden && !document.getElementById('sr-livemap').hidden`); !ok || err != nil {
		t.Errorf("the SVG sketch is not replaced by the live map: %v", err)
	}
	// the attribution is shown as text, never as markup
	p.AssertText(".leaflet-control-attribution", "© Bản đồ <thử>")
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()

	p.Goto("showroom", base+"/diem-ban/kiot-tan-cuong")
	waitFor(t, p, `document.querySelectorAll('#sr-livemap path.leaflet-interactive').length === 1 && document.querySelectorAll('#sr-livemap img.leaflet-tile-loaded').length > 0`)
	p.AssertNoProblems()
	p.AssertNoSeriousA11y()
	if tiles.Load() == 0 {
		t.Error("no tile was requested")
	}
}

// pngTile is a 256 px map tile.
func pngTile(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	draw.Draw(img, img.Bounds(), &image.Uniform{C: color.RGBA{0xee, 0xf5, 0xee, 0xff}}, image.Point{}, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
