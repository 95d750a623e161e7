package web_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
)

func (s *testServer) code(t *testing.T, slug string) string {
	t.Helper()
	var code string
	if err := s.pool.QueryRow(context.Background(), `SELECT verify_code FROM product WHERE slug = $1`, slug).Scan(&code); err != nil {
		t.Fatal(err)
	}
	return code
}

// TestVerify: a product's QR code answers the live status of its
// certificate, and only what the certificate makes public (SECURITY.md
// Z-08).
func TestVerify(t *testing.T) {
	s := newServer(t)
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	pid := f.Producer("HTX Mật ong Bắc Kạn", "19")
	f.Exec(`UPDATE producer SET phone_e164 = '+84912345678', email = 'htx@example.vn', tax_code = '0101234567' WHERE id = $1`, pid)
	f.Product(pid, catalogtest.Product{Name: "Mật ong lapo", Group: "I.2.b", Price: 300000, Star: 4})
	f.Product(pid, catalogtest.Product{Name: "Mật ong cũ", Group: "I.2.b", Price: 300000, Star: 3, Decided: time.Now().AddDate(-4, 0, 0)})
	f.Product(pid, catalogtest.Product{Name: "Mật ong thu hồi", Group: "I.2.b", Price: 300000, Star: 3, Cert: "revoked"})
	f.Product(pid, catalogtest.Product{Name: "Mật ong thay thế", Group: "I.2.b", Price: 300000, Star: 3, Cert: "superseded"})

	tests := []struct {
		slug, status string
		listed       bool
	}{
		{"mat-ong-lapo", "active", true},
		{"mat-ong-cu", "expired", false}, // active in the table, its validity passed: shown expired
		{"mat-ong-thu-hoi", "revoked", false},
		{"mat-ong-thay-the", "superseded", false},
	}
	for _, tt := range tests {
		resp, body := s.get(t, "/api/v1/verify/"+s.code(t, tt.slug))
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", tt.slug, resp.StatusCode, body)
		}
		m := decode(t, body)
		if m["status"] != tt.status || m["listed"] != tt.listed || m["star"] == nil || m["decision_no"] == "" {
			t.Errorf("%s: %v", tt.slug, m)
		}
		if p := m["producer"].(map[string]any); p["name"] != "HTX Mật ong Bắc Kạn" {
			t.Errorf("%s: producer %v", tt.slug, p)
		}
		for _, secret := range []string{"0912345678", "htx@example.vn", "0101234567", "phone", "email", "tax"} {
			if strings.Contains(string(body), secret) {
				t.Errorf("%s: the answer holds %q: %s", tt.slug, secret, body)
			}
		}
		if tt.status == "revoked" && m["revoked_on"] == nil {
			t.Errorf("revoked without its decision: %v", m)
		}
	}

	// a revocation shows at once (the cache follows the catalog version)
	code := s.code(t, "mat-ong-lapo")
	f.Exec(`UPDATE certificate SET status = 'revoked', revoked_on = current_date, revoke_reason = 'Vi phạm an toàn thực phẩm'
		WHERE product_id = (SELECT id FROM product WHERE slug = 'mat-ong-lapo')`)
	_, body := s.get(t, "/api/v1/verify/"+code)
	if m := decode(t, body); m["status"] != "revoked" || m["revoke_reason"] != "Vi phạm an toàn thực phẩm" {
		t.Errorf("after revocation: %v", m)
	}
}

// TestVerifyCodesAreNotGuessable: codes are random, not sequential (Z-08).
func TestVerifyCodesAreNotGuessable(t *testing.T) {
	s := newServer(t)
	a, b := s.code(t, "che-tan-cuong"), s.code(t, "tra-hoa-vang")
	x, err1 := strconv.ParseUint(a, 16, 64)
	y, err2 := strconv.ParseUint(b, 16, 64)
	if err1 != nil || err2 != nil || len(a) != 12 || len(b) != 12 {
		t.Fatalf("codes %q %q", a, b)
	}
	diff := int64(x) - int64(y)
	if diff < 0 {
		diff = -diff
	}
	if a == b || diff < 1<<20 || a[:6] == b[:6] {
		t.Errorf("consecutive products' codes %s and %s look related", a, b)
	}
}

// TestVerifyUnknownCodesAreLimited: unknown codes are 404 problem+json
// until the client has tried too many (the test server allows 20 a
// minute), then 429 with Retry-After.
func TestVerifyUnknownCodesAreLimited(t *testing.T) {
	s := newServer(t)
	known := s.code(t, "che-tan-cuong")
	for i := range 50 {
		// a known code is never counted as a miss
		if resp, _ := s.get(t, "/api/v1/verify/"+known); i < 20 && resp.StatusCode != 200 {
			t.Fatalf("known code: %d", resp.StatusCode)
		}
		code := "0000000" + strconv.FormatInt(int64(10000+i), 16)
		resp, body := s.get(t, "/api/v1/verify/"+code)
		want := 404
		if i >= 20 {
			want = 429
		}
		if resp.StatusCode != want {
			t.Fatalf("unknown code %d: %d, want %d", i, resp.StatusCode, want)
		}
		var p struct{ Detail string }
		if err := json.Unmarshal(body, &p); err != nil || p.Detail == "" || strings.Contains(resp.Header.Get("Content-Type"), "html") {
			t.Fatalf("unknown code %d: %s %s", i, resp.Header.Get("Content-Type"), body)
		}
		if want == 429 && resp.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	}
	if resp, _ := s.get(t, "/api/v1/verify/NOT-A-CODE"); resp.StatusCode != 429 {
		t.Errorf("a blocked client's malformed code: %d", resp.StatusCode)
	}
}

// TestVerifyPotentialFive: a provincial 4★ scoring 95,64 (Đắk Lắk 2024)
// is marked potential 5★.
func TestVerifyPotentialFive(t *testing.T) {
	s := newServer(t)
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	f.Exec(`UPDATE certificate SET score = 95.64, issuing_level = 'province' WHERE product_id = (SELECT id FROM product WHERE slug = 'che-tan-cuong')`)
	_, body := s.get(t, "/api/v1/verify/"+s.code(t, "che-tan-cuong"))
	if m := decode(t, body); m["potential_five"] != true || m["score"] != "95.64" {
		t.Errorf("potential 5★: %v", m)
	}
	_, body = s.get(t, "/api/v1/verify/"+s.code(t, "tra-hoa-vang"))
	if m := decode(t, body); m["potential_five"] != false {
		t.Errorf("a 5★: %v", m)
	}
}
