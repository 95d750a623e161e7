package storefront_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/storefront"
)

func TestPagesRenderAndEscape(t *testing.T) {
	pool := pgtest.NewDB(t)
	f := catalogtest.Fixture{T: t, Pool: pool}
	p := f.Producer("HTX <script>alert(1)</script>", "19")
	f.Product(p, catalogtest.Product{Name: "Chè <img src=x onerror=alert(1)>", Group: "I.5.a", Price: 1250000, Star: 4, Description: "<b>ngon</b>"})

	h, err := storefront.New(catalog.New(pool, nil), "http://localhost:8080")
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New()
	h.Routes(app)
	get := func(path string) (int, string) {
		resp, err := app.Test(httptest.NewRequest("GET", path, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := get("/")
	if status != 200 || !strings.Contains(body, "1.250.000\u00a0₫") || !strings.Contains(body, "OCOP ★★★★") {
		t.Fatalf("home: %d\n%s", status, body)
	}
	status, body = get("/san-pham/che-img-src-x-onerror-alert-1")
	if status != 200 || !strings.Contains(body, "UBND tỉnh Thái Nguyên") {
		t.Fatalf("product page: %d\n%s", status, body)
	}
	for _, page := range []string{"/", "/san-pham/che-img-src-x-onerror-alert-1"} {
		_, body := get(page)
		for _, raw := range []string{"<script>alert", "<img src=x", "<b>ngon"} {
			if strings.Contains(body, raw) {
				t.Errorf("%s contains unescaped %q", page, raw)
			}
		}
	}
	if status, _ := get("/static/site.css"); status != 200 {
		t.Errorf("css: %d", status)
	}
	if status, _ := get("/static/../storefront.go"); status == 200 {
		t.Error("static path traversal served a file")
	}
}
