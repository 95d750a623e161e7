package admin_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/browsertest"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/producer"
)

// TestBrowserOnboarding walks issue 5's whole flow in headless Chromium,
// with three people in three browser contexts: a household in Tuyên
// Quang signs up and applies to open a storefront with its business
// registration; the province's trade officer approves it; the household
// adds a product with a photo; the officer records the product's OCOP
// certificate; the household publishes it; a shopper finds it on the
// storefront with its photo.
func TestBrowserOnboarding(t *testing.T) {
	b := browsertest.New(t)
	const officerID, officerPW = "canbo.tq@example.vn", "mat khau can bo"
	base := startApp(t, func(f catalogtest.Fixture) {
		f.Exec(`INSERT INTO commune (code, province_code, name, full_name, kind, name_fold)
			VALUES ('02275', '08', 'Mèo Vạc', 'Xã Mèo Vạc', 'xa', 'meo vac')`)
		acc := account.New(f.Pool, account.Options{})
		u, err := acc.Register(context.Background(), account.SignUp{Identifier: officerID, DisplayName: "Cán bộ Tuyên Quang", Password: officerPW})
		if err != nil {
			t.Fatal(err)
		}
		if err := producer.New(f.Pool, nil, nil).GrantStaff(context.Background(), producer.System, u.ID, "08", producer.StaffOCOPOffice); err != nil {
			t.Fatal(err)
		}
	})
	dir := t.TempDir()
	doc := filepath.Join(dir, "giay-dang-ky-kinh-doanh.pdf")
	if err := os.WriteFile(doc, []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(dir, "mat-ong-bac-ha.jpg")
	writeJPEG(t, photo, 1200, 900)

	producer := b.NewPage(t, browsertest.Mobile)
	officer := b.NewPage(t, browsertest.Desktop)
	shopper := b.NewPage(t, browsertest.Mobile)

	// 1. the household signs up
	producer.Goto("sign up", base+"/dang-ky")
	setValues(t, producer, map[string]string{"#identifier": "0912 000 111", "#display_name": "Chị Lò Thị Mai", "#password": "Mật khẩu của Mai"})
	producer.ClickLink("signed up", `main form button[type=submit]`)
	producer.AssertText("h1", "Tài khoản của tôi")

	// 2. and applies to open a storefront
	producer.Goto("apply", base+"/mo-cua-hang")
	producer.AssertNoSeriousA11y()
	setValues(t, producer, map[string]string{
		"[name=legal_name]":      "Hộ kinh doanh Mật ong Mèo Vạc",
		"[name=producer_type]":   "ho_kinh_doanh",
		"[name=registration_no]": "08A8001234",
		"[name=representative]":  "Lò Thị Mai",
		"[name=province]":        "08",
		"[name=street_line]":     "Thôn Pả Vi Hạ",
		"[name=phone]":           "0912 000 111",
		"[name=zalo]":            "0912000111",
	})
	setCommune(t, producer, base, "02275")
	upload(t, producer, "[name=documents]", doc)
	clickButton(t, producer, "application sent", "Gửi hồ sơ")
	producer.AssertText("main", "Hộ kinh doanh Mật ong Mèo Vạc")
	producer.AssertNoProblems()

	// 3. the officer of Tuyên Quang approves it
	officer.Goto("officer sign in", base+"/dang-nhap")
	setValues(t, officer, map[string]string{"#identifier": officerID, "#password": officerPW})
	officer.ClickLink("officer signed in", `main form button[type=submit]`)
	officer.Goto("applications", base+"/quan-tri/ho-so")
	officer.AssertText("main", "Hộ kinh doanh Mật ong Mèo Vạc")
	officer.AssertNoSeriousA11y()
	officer.ClickLink("application", `main a[href^="/quan-tri/ho-so/"]`)
	officer.AssertText("main", "Lò Thị Mai", "08A8001234")
	clickButton(t, officer, "approve", "Duyệt hồ sơ")
	officer.AssertNoProblems()

	// 4. the household, now a producer, adds a product; approval changed
	// its role, which ends its sessions (S-02), so it may sign in again
	producer.Goto("back-office", base+"/quan-ly")
	if strings.Contains(producer.URL(), "/dang-nhap") {
		setValues(t, producer, map[string]string{"#identifier": "0912 000 111", "#password": "Mật khẩu của Mai"})
		producer.ClickLink("signed in again", `main form button[type=submit]`)
		producer.Goto("back-office", base+"/quan-ly")
	}
	producerURL := regexp.MustCompile(`/quan-ly/(\d+)`).FindString(producer.URL())
	if producerURL == "" {
		t.Fatalf("after approval /quan-ly went to %s, want /quan-ly/{id}", producer.URL())
	}
	producer.AssertNoSeriousA11y()
	producer.Goto("new product", base+producerURL+"/san-pham/moi")
	producer.AssertNoSeriousA11y()
	setValues(t, producer, map[string]string{
		"[name=name]":        "Mật ong bạc hà Mèo Vạc",
		"[name=group]":       "I.2.b",
		"[name=description]": "Mật ong hoa bạc hà từ cao nguyên đá Đồng Văn.\n\nThu hoạch tháng 11–12.",
		"[name=unit]":        "Chai 500 ml",
		"[name=price]":       "250.000",
		"[name=stock]":       "40",
		"[name=status]":      "draft",
	})
	clickButton(t, producer, "product saved", "Lưu sản phẩm")
	productURL := regexp.MustCompile(`/quan-ly/\d+/san-pham/(\d+)`).FindString(producer.URL())
	if productURL == "" {
		t.Fatalf("after creating a product the page is %s, want its edit page", producer.URL())
	}
	producer.AssertNoProblems()

	// with a photo
	producer.Goto("photos", base+productURL+"/anh")
	producer.AssertNoSeriousA11y()
	// a file over 15 MB is refused on the phone, before sending
	big := filepath.Join(dir, "anh-qua-lon.jpg")
	if err := os.WriteFile(big, make([]byte, 16<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	upload(t, producer, "[name=photos]", big)
	waitFor(t, producer, `!document.querySelector('#photos-check').hidden`)
	producer.AssertText("#photos-check", "15 MB")
	upload(t, producer, "[name=photos]", photo)
	waitFor(t, producer, `document.querySelector('#photos-check').hidden`)
	clickButton(t, producer, "photo uploaded", "Tải ảnh lên")
	waitFor(t, producer, `[...document.querySelectorAll('main img')].some(i => i.complete && i.naturalWidth > 0)`)
	producer.AssertNoProblems()

	// 5. the officer records its certificate
	productID := productURL[strings.LastIndex(productURL, "/")+1:]
	officer.Goto("certificate form", base+"/quan-tri/chu-the/"+strings.TrimPrefix(producerURL, "/quan-ly/")+"/san-pham/"+productID+"/chung-nhan")
	officer.AssertNoSeriousA11y()
	decided := time.Now().AddDate(0, -2, 0).Format(time.DateOnly)
	setValues(t, officer, map[string]string{
		"[name=decision_no]":       "1234/QĐ-UBND",
		"[name=decision_date]":     decided,
		"[name=score]":             "78",
		"[name=issuing_level]":     "province",
		"[name=issuing_authority]": "UBND tỉnh Tuyên Quang",
	})
	if ok, _ := officer.EvalBool(`(() => { const r = document.querySelector('[name=star][value="4"]'); if (r) r.checked = true; return !!r })()`); !ok {
		t.Fatal("no 4-star choice on the certificate form")
	}
	clickButton(t, officer, "certificate recorded", "Ghi nhận chứng nhận")
	officer.AssertText("main", "1234/QĐ-UBND")
	officer.AssertNoProblems()

	// 6. the household publishes the product
	producer.Goto("edit product", base+productURL)
	setValues(t, producer, map[string]string{"[name=status]": "published"})
	clickButton(t, producer, "published", "Lưu sản phẩm")
	if ok, _ := producer.EvalBool(`document.querySelector('[name=status]').value === 'published'`); !ok {
		t.Fatalf("the product did not stay published: %s", producer.Text("main"))
	}
	producer.AssertNoProblems()

	// 7. a shopper finds it on the storefront, with its photo
	shopper.Goto("catalog", base+"/san-pham?province=08")
	shopper.AssertText("main", "Mật ong bạc hà Mèo Vạc")
	shopper.ClickLink("product page", `main a[href="/san-pham/mat-ong-bac-ha-meo-vac"]`)
	shopper.AssertText("main", "Mật ong bạc hà Mèo Vạc", "1234/QĐ-UBND", "250.000", "Hộ kinh doanh Mật ong Mèo Vạc")
	waitFor(t, shopper, `[...document.querySelectorAll('main img[srcset]')].some(i => i.complete && i.naturalWidth > 0)`)
	// a phone of 360 CSS px at 2x picks a variant narrower than the original
	if ok, _ := shopper.EvalBool(`[...document.querySelectorAll('main img[srcset]')].some(i => /-(320|800)\./.test(i.currentSrc))`); !ok {
		t.Error("the phone did not download a small variant of the photo")
	}
	shopper.AssertNoProblems()
	shopper.AssertNoSeriousA11y()
}

// setValues sets form fields (inputs, selects, textareas) by selector and
// fires change events.
func setValues(t *testing.T, p *browsertest.Page, values map[string]string) {
	t.Helper()
	for sel, v := range values {
		js := `(() => { const e = document.querySelector(` + jsString(sel) + `); if (!e) return false;
			e.value = ` + jsString(v) + `; e.dispatchEvent(new Event('input', {bubbles: true}));
			e.dispatchEvent(new Event('change', {bubbles: true})); return e.value === ` + jsString(v) + ` })()`
		if ok, err := p.EvalBool(js); !ok || err != nil {
			t.Fatalf("set %s = %q: field missing or value refused (%v)", sel, v, err)
		}
	}
}

// setCommune picks the commune: a select or input named commune, which
// may appear only once the province is chosen (a page reload without
// JavaScript, or a script).
func setCommune(t *testing.T, p *browsertest.Page, base, code string) {
	t.Helper()
	for range 30 {
		if ok, _ := p.EvalBool(`(() => { const e = document.querySelector('[name=commune]'); if (!e) return false;
			if (e.tagName === 'SELECT' && ![...e.options].some(o => o.value === ` + jsString(code) + `)) return false;
			e.value = ` + jsString(code) + `; return e.value === ` + jsString(code) + ` })()`); ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the application form offers no commune %s for the chosen province", code)
}

// upload puts file into the file input sel.
func upload(t *testing.T, p *browsertest.Page, sel, file string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx(), 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.SetUploadFiles(chromedp.CSS(sel), []string{file})); err != nil {
		t.Fatalf("upload %s into %s: %v", file, sel, err)
	}
}

// clickButton submits the form of the main content's submit button whose
// text contains label, and waits for the page it leads to.
func clickButton(t *testing.T, p *browsertest.Page, step, label string) {
	t.Helper()
	ok, err := p.EvalBool(`(() => { const b = [...document.querySelectorAll('main button, main input[type=submit]')]
		.find(b => (b.innerText || b.value || '').includes(` + jsString(label) + `));
		if (!b) return false; b.setAttribute('data-test-click', '1'); return true })()`)
	if !ok || err != nil {
		t.Fatalf("%s: no button %q on %s (%v)", step, label, p.URL(), err)
	}
	p.ClickLink(step, `[data-test-click="1"]`)
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\r", `\r`, "</", `<\/`)
	return `'` + r.Replace(s) + `'`
}

// writeJPEG writes a w×h photo-like JPEG (a gradient, so variants differ).
func writeJPEG(t *testing.T, path string, w, h int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(200 * x / w), uint8(150 + 100*y/h), 40, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}
