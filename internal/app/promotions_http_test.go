package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/searchsync"
)

func init() {
	staffOnly := map[string]int{"anon": 401, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 403, "staff19": 403}
	addMatrix(map[string]map[string]int{
		"GET /quan-tri/khuyen-mai": {"anon": 303, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 200, "staff19": 200, "trade19": 200, "admin": 200},
		// an empty form: field errors for those who may run campaigns
		"POST /quan-tri/khuyen-mai": withRoles(staffOnly, "trade19", 422, "admin", 422),
		// :promotion is unknown to them all
		"POST /quan-tri/khuyen-mai/:promotion/huy":          withRoles(staffOnly, "staff01", 404, "staff19", 404, "trade19", 404, "admin", 404),
		"GET /quan-ly/:producer/khuyen-mai":                 {"anon": 303, "shopper": 404, "producerA": 200, "producerB": 404, "staff01": 404, "staff19": 200, "trade19": 200, "admin": 200},
		"POST /quan-ly/:producer/khuyen-mai":                {"anon": 401, "shopper": 404, "producerA": 422, "producerB": 404, "staff01": 404, "staff19": 422, "trade19": 422, "admin": 422},
		"POST /quan-ly/:producer/khuyen-mai/:promotion/huy": {"anon": 401, "shopper": 404, "producerA": 404, "producerB": 404, "staff01": 404, "staff19": 404, "trade19": 404, "admin": 404},
	})
	matrixParams["promotion"] = func(t *testing.T, s *site, p principals) string { return "999999" }
}

// withRoles is m with the roles of kv changed.
func withRoles(m map[string]int, kv ...any) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1].(int)
	}
	return out
}

// TestPromotionToCheckout: trade promotion of 19 puts a product on 20 %
// for an hour through the console (60 % is refused first); the product
// page strikes the old price and says when it ends, the API carries the
// promotion, and a cash-on-delivery checkout charges the promoted price,
// computed on the server.
func TestPromotionToCheckout(t *testing.T) {
	s := newSite(t)
	p := signInRoles(t, s)
	slug := orderFixture(t, s, p.producerA) // 120,000 ₫
	trade := as(s, p, "trade19")
	now := time.Now().In(time.FixedZone("ICT", 7*3600))
	form := []string{"name", "Giờ vàng chè Thái", "kind", "percent", "value", "60", "scope", "products", "products", "/san-pham/" + slug,
		"starts_at", now.Add(-time.Minute).Format("02/01/2006 15:04"), "ends_at", now.Add(time.Hour).Format("02/01/2006 15:04")}
	if r := trade.post("/quan-tri/khuyen-mai", "/quan-tri/khuyen-mai", form...); r.status != 422 || !strings.Contains(r.body, "Nghị định 81/2018") {
		t.Fatalf("60%%: %d", r.status)
	}
	form[5] = "20"
	if r := trade.post("/quan-tri/khuyen-mai", "/quan-tri/khuyen-mai", form...); r.status != 303 {
		t.Fatalf("20%%: %d\n%s", r.status, r.body)
	}
	page := s.client().do("GET", "/san-pham/"+slug, nil)
	if !strings.Contains(page.body, "<del") || !strings.Contains(page.body, "96.000") || !strings.Contains(page.body, "−20%") {
		t.Errorf("product page without the promotion")
	}
	var shop string
	if err := s.pool.QueryRow(context.Background(), `SELECT slug FROM producer WHERE id = $1`, p.producerA).Scan(&shop); err != nil {
		t.Fatal(err)
	}
	if store := s.client().do("GET", "/cua-hang/"+shop, nil); !strings.Contains(store.body, `<span class="promo-tag">−20%</span>`) {
		t.Errorf("the storefront's card has no promotion")
	}
	// the search page's card: the promotion, and the name highlighted
	if _, err := searchsync.NewWorker(s.pool, s.a.Catalog, s.a.Search, slog.New(slog.NewTextHandler(io.Discard, nil))).Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	var name string
	if err := s.pool.QueryRow(context.Background(), `SELECT name FROM product WHERE slug = $1`, slug).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if found := s.client().do("GET", "/tim-kiem?q="+url.QueryEscape(name), nil); !strings.Contains(found.body, `<span class="promo-tag">−20%</span>`) ||
		!strings.Contains(found.body, `<span class="card-name"><mark>`) {
		t.Errorf("the search page's card for %q lacks the promotion or the highlight", name)
	}
	status, got, _ := api(t, s, "GET", "/api/v1/products/"+slug, "", "", "")
	promo, _ := got["promotion"].(map[string]any)
	if status != 200 || promo == nil || promo["price_vnd"].(float64) != 96000 || promo["kind"] != "percent" || got["price_vnd"].(float64) != 120000 {
		t.Errorf("API: %d %v", status, got)
	}
	// the list API carries it on the item too
	if _, list, _ := api(t, s, "GET", "/api/v1/producers/"+shop, "", "", ""); !strings.Contains(fmtJSON(list), `"price_vnd":96000`) {
		t.Errorf("the producer's list lacks the promotion: %v", list)
	}
	body := `{"lines":[{"product":"` + slug + `","quantity":2}],"buyer":{"name":"Nguyễn Văn A","phone":"0912 345 678"},
	 "shipping":{"province_code":"19","commune_code":"05800","address":"Số 5"},"payment_method":"cod"}`
	status, got, _ = api(t, s, "POST", "/api/v1/checkout", "key-promo-0001", body, "")
	if status != 201 {
		t.Fatalf("checkout: %d %v", status, got)
	}
	item := got["orders"].([]any)[0].(map[string]any)["items"].([]any)[0].(map[string]any)
	if item["unit_price_vnd"].(float64) != 96000 {
		t.Errorf("charged %v a unit, want the promoted 96,000", item["unit_price_vnd"])
	}
	if n := s.count(`SELECT count(*) FROM audit_log WHERE entity = 'promotion' AND action = 'create' AND actor_id = $1`, p.users["trade19"]); n != 1 {
		t.Errorf("%d audit entries", n)
	}
}

func fmtJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
