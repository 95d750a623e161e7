package storefront_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"image/png"
	"io"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/storefront"
)

func (s *site) code(slug string) string {
	s.t.Helper()
	var code string
	if err := s.pool.QueryRow(context.Background(), `SELECT verify_code FROM product WHERE slug = $1`, slug).Scan(&code); err != nil {
		s.t.Fatal(err)
	}
	return code
}

// TestVerificationPage: what a phone opens from a product's QR says the
// certificate's live status plainly, green or red, and links to the
// product only while it is on sale.
func TestVerificationPage(t *testing.T) {
	s := newSite(t)
	valid, expired := s.code("tra-hoa-vang"), s.code("mam-het-han")

	status, body, _ := s.get("/xac-minh/" + valid)
	for _, want := range []string{`class="verdict good"`, "Sản phẩm OCOP được chứng nhận, còn hiệu lực", "Trà hoa vàng", "Còn hiệu lực",
		"UBND tỉnh Thái Nguyên", `href="/san-pham/tra-hoa-vang"`, `src="/xac-minh/` + valid + `/qr.svg"`,
		`"@type":"Certification"`, `"certificationStatus":"https://schema.org/CertificationActive"`, `name="robots" content="noindex`} {
		if status != 200 || !strings.Contains(body, want) {
			t.Errorf("valid: status %d, page lacks %q", status, want)
		}
	}
	status, body, _ = s.get("/xac-minh/" + expired)
	if status != 200 || !strings.Contains(body, `class="verdict bad"`) || !strings.Contains(body, "đã hết hiệu lực") ||
		strings.Contains(body, `href="/san-pham/mam-het-han"`) || !strings.Contains(body, "CertificationInactive") {
		t.Errorf("expired: status %d\n%s", status, body)
	}
	for _, code := range []string{"0123456789ab", "not-a-code", "%3Cscript%3E"} {
		status, body, _ = s.get("/xac-minh/" + code)
		if status != 404 || !strings.Contains(body, "Mã này không phải của sản phẩm OCOP nào") || strings.Contains(body, "<script>") {
			t.Errorf("unknown %s: status %d", code, status)
		}
	}
	// the product page links to its verification
	if _, body, _ = s.get("/san-pham/tra-hoa-vang"); !strings.Contains(body, `href="/xac-minh/`+valid+`"`) {
		t.Error("the product page does not link to its verification page")
	}
}

// TestVerificationQR: the QR (SVG and PNG) encodes the verification page's
// absolute URL; an unknown code has no QR.
func TestVerificationQR(t *testing.T) {
	s := newSite(t)
	code := s.code("tra-hoa-vang")
	want, err := qrcode.New("https://ocop.example.vn/xac-minh/"+code, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	status, svg, h := s.get("/xac-minh/" + code + "/qr.svg")
	if status != 200 || h["Content-Type"] != "image/svg+xml" || svg != string(storefront.QRSVG(want)) {
		t.Fatalf("qr.svg: %d %s, not the QR of the page's URL", status, h["Content-Type"])
	}
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("qr.svg is not well-formed: %v", err)
		}
	}
	status, pngBody, h := s.get("/xac-minh/" + code + "/qr.png")
	img, err := png.Decode(bytes.NewReader([]byte(pngBody)))
	if status != 200 || h["Content-Type"] != "image/png" || err != nil || img.Bounds().Dx() != 512 {
		t.Fatalf("qr.png: %d %s %v", status, h["Content-Type"], err)
	}
	wantPNG, _ := want.PNG(512)
	if !bytes.Equal([]byte(pngBody), wantPNG) {
		t.Error("qr.png is not the QR of the page's URL")
	}
	if status, _, _ := s.get("/xac-minh/0123456789ab/qr.svg"); status != 404 {
		t.Errorf("unknown code's QR: %d", status)
	}
}

// TestPotentialFiveAndScoreInWords: the product and verification pages
// show a score the Vietnamese way and a provincial 4★ scoring 90 or more
// as a potential 5★.
func TestPotentialFiveAndScoreInWords(t *testing.T) {
	s := newSite(t)
	if _, err := s.pool.Exec(context.Background(), `UPDATE certificate SET score = 95.64, issuing_level = 'province'
		WHERE product_id = (SELECT id FROM product WHERE name LIKE 'Chè%')`); err != nil {
		t.Fatal(err)
	}
	_, body, _ := s.get("/san-pham/che-img-src-x-onerror-alert-1")
	if !strings.Contains(body, "95,64/100") || !strings.Contains(body, "Tiềm năng 5 sao") {
		t.Error("product page: no 95,64 or potential 5★")
	}
	_, body, _ = s.get("/xac-minh/" + s.code("che-img-src-x-onerror-alert-1"))
	if !strings.Contains(body, "95,64/100") || !strings.Contains(body, "Tiềm năng 5 sao") {
		t.Error("verification page: no 95,64 or potential 5★")
	}
	if _, body, _ = s.get("/san-pham/tra-hoa-vang"); strings.Contains(body, "Tiềm năng 5 sao") {
		t.Error("a 5★ marked potential 5★")
	}
}

// TestTourismIsNotStocked: a community-tourism service (group VI) is not
// shown in or out of stock.
func TestTourismIsNotStocked(t *testing.T) {
	s := newSite(t)
	var producerID int64
	if err := s.pool.QueryRow(context.Background(), `SELECT id FROM producer LIMIT 1`).Scan(&producerID); err != nil {
		t.Fatal(err)
	}
	var leaf string
	if err := s.pool.QueryRow(context.Background(), `SELECT code FROM product_group WHERE is_leaf AND code LIKE 'VI%' ORDER BY code LIMIT 1`).Scan(&leaf); err != nil {
		t.Fatal(err)
	}
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	id := f.Product(producerID, catalogtest.Product{Name: "Homestay bản Lác", Group: leaf, Price: 350000, Star: 3})
	f.Exec(`UPDATE product SET stock = 0 WHERE id = $1`, id)
	_, body, _ := s.get("/san-pham/homestay-ban-lac")
	if !strings.Contains(body, "Dịch vụ du lịch") || strings.Contains(body, "Hết hàng") || strings.Contains(body, "OutOfStock") {
		t.Errorf("tourism page shows stock:\n%s", body)
	}
}
