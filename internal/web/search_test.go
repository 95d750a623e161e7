package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/searchsync"
	"github.com/ocopvn/ocop/internal/web"
	"github.com/ocopvn/ocop/search"
	"github.com/ocopvn/ocop/search/meili"
	"github.com/ocopvn/ocop/search/pgsearch"
)

type searchBody struct {
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	Hits    []struct {
		Slug     string `json:"slug"`
		Name     string `json:"name"`
		Producer struct {
			Slug, Name string
		} `json:"producer"`
		Province struct {
			Code, Name string
		} `json:"province"`
		Star      int               `json:"star"`
		PriceVND  int64             `json:"price_vnd"`
		ImageURL  *string           `json:"image_url"`
		Highlight map[string]string `json:"highlight"`
	} `json:"hits"`
	Facets map[string]map[string]int `json:"facets"`
}

func TestSearchAPI(t *testing.T) {
	s := newServer(t)
	tests := []struct {
		query     string
		wantTotal int
		wantFirst string
	}{
		// the other product matches through its producer's name, ranked after
		{"q=che+tan+cuong", 2, "che-tan-cuong"},
		{"q=" + url.QueryEscape("Chè Tân Cương"), 2, "che-tan-cuong"},
		{"q=" + url.QueryEscape(norm.NFD.String("chè tân cương")), 2, "che-tan-cuong"},
		{"q=che+tan+cuogn", 2, "che-tan-cuong"},
		{"q=nuoc+mam", 1, "nuoc-mam-40-do-dam"},
		{"q=nuoc+ma", 1, "nuoc-mam-40-do-dam"},
		{"q=thai+nguyen", 2, ""},
		{"q=che&group=I.5.b", 1, "tra-hoa-vang"},
		{"province=thai-nguyen&sort=price_desc", 2, "tra-hoa-vang"},
		{"star=5&sort=price_asc", 2, "nuoc-mam-40-do-dam"},
		{"price_min=200000&price_max=300000", 1, "che-tan-cuong"},
		{"q=mam+nhap", 0, ""}, // a draft
		{"", 3, ""},
		{"page=9", 3, ""},
		{"q=" + url.QueryEscape(`' OR 1=1 -- "\ AND star = 3 :`), 0, ""},
		{"q=" + url.QueryEscape("🍵 chè"), 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp, body := s.get(t, "/api/v1/search?"+tt.query)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			var b searchBody
			decodeInto(t, body, &b)
			if b.Total != tt.wantTotal {
				t.Errorf("total %d, want %d: %s", b.Total, tt.wantTotal, body)
			}
			if tt.wantFirst != "" && (len(b.Hits) == 0 || b.Hits[0].Slug != tt.wantFirst) {
				t.Errorf("first hit: %s", body)
			}
			for _, f := range []string{"province", "star", "group"} {
				if b.Facets[f] == nil {
					t.Errorf("facet %s missing: %s", f, body)
				}
			}
		})
	}
}

func TestSearchAPIShape(t *testing.T) {
	s := newServer(t)
	_, body := s.get(t, "/api/v1/search?q=che+tan&star=4&province=thai-nguyen")
	var b searchBody
	decodeInto(t, body, &b)
	if len(b.Hits) != 1 {
		t.Fatalf("hits: %s", body)
	}
	h := b.Hits[0]
	if h.Name != "Chè Tân Cương" || h.Producer.Slug != "htx-che-tan-cuong" || h.Province.Code != "19" || h.Province.Name != "Thái Nguyên" || h.Star != 4 || h.PriceVND != 250000 {
		t.Errorf("hit = %+v", h)
	}
	if h.Highlight["name"] != "<mark>Chè</mark> <mark>Tân</mark> Cương" {
		t.Errorf("highlight = %q", h.Highlight["name"])
	}
	if b.Facets["province"]["19"] != 1 || b.Facets["star"]["4"] != 1 || b.Facets["group"]["I.5"] != 1 || b.Facets["group"]["I"] != 1 {
		t.Errorf("facets = %v", b.Facets)
	}
	_, body = s.get(t, "/api/v1/search")
	decodeInto(t, body, &b)
	if b.Facets["province"]["19"] != 2 || b.Facets["province"]["91"] != 1 || b.Facets["star"]["5"] != 2 || b.Facets["group"]["I"] != 3 || b.Page != 1 || b.PerPage != 20 {
		t.Errorf("facets of everything = %v, page %d/%d", b.Facets, b.Page, b.PerPage)
	}
}

// TestSearchHighlightIsEscaped: a product name with markup comes back
// escaped, only <mark> left as HTML.
func TestSearchHighlightIsEscaped(t *testing.T) {
	s := newServer(t)
	_, body := s.get(t, "/api/v1/search?q=mam")
	var b searchBody
	decodeInto(t, body, &b)
	for _, h := range b.Hits {
		hl := h.Highlight["name"]
		if strings.Contains(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(hl), "<") {
			t.Errorf("unescaped markup in %q", hl)
		}
	}
	if len(b.Hits) != 1 || !strings.Contains(b.Hits[0].Highlight["name"], "<mark>mắm</mark>") {
		t.Errorf("hits: %s", body)
	}
}

func TestSearchAPIBadParams(t *testing.T) {
	s := newServer(t)
	for _, q := range []string{
		"sort=cheapest", "star=6", "star=x", "page=0", "per_page=101", "price_min=-1", "price_min=5&price_max=1",
		"province=atlantis", "group=Z", "producer=htx-che-tan-cuong", "q=" + strings.Repeat("a", 1001),
		"province=" + url.QueryEscape(`19" OR star = 3`),
	} {
		resp, body := s.get(t, "/api/v1/search?"+q)
		if resp.StatusCode != 400 || resp.Header.Get("Content-Type") != "application/problem+json; charset=utf-8" {
			t.Errorf("%s: status %d %s: %s", q, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
	resp, _ := s.get(t, "/api/v1/search?q="+url.QueryEscape(strings.Repeat("nước ", 200)))
	if resp.StatusCode != 200 {
		t.Errorf("a 1,000-character query: status %d", resp.StatusCode)
	}
}

func TestSuggestAPI(t *testing.T) {
	s := newServer(t)
	tests := []struct{ q, kind, key string }{
		{"tra ho", "product", "tra-hoa-vang"},
		{"thai ng", "province", "19"},
		{"htx che", "producer", "htx-che-tan-cuong"},
	}
	for _, tt := range tests {
		resp, body := s.get(t, "/api/v1/suggest?q="+url.QueryEscape(tt.q))
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", tt.q, resp.StatusCode, body)
		}
		var b struct {
			Items []struct{ Kind, Key, Text string }
			Total int
		}
		decodeInto(t, body, &b)
		found := false
		for _, it := range b.Items {
			found = found || it.Kind == tt.kind && it.Key == tt.key
		}
		if !found || len(b.Items) > 8 || b.Total != len(b.Items) {
			t.Errorf("suggest %q = %s", tt.q, body)
		}
	}
	_, body := s.get(t, "/api/v1/suggest?q=mam+nh")
	if strings.Contains(string(body), "nhap") {
		t.Errorf("suggest offers a draft: %s", body)
	}
}

// TestSearchStatementBudget: a search is a handful of statements, whatever
// the catalog size: from the memory copy, the catalog version alone (and,
// at most every Fresh, the copy's read of what changed); in SQL, the
// catalog version, the word lookup and one search statement.
func TestSearchStatementBudget(t *testing.T) {
	s := newServer(t)
	s.search.Fresh = time.Hour       // no read of changes inside the count
	s.get(t, "/api/v1/search?q=che") // build the snapshot
	paths := []string{"/api/v1/search?q=che+tan+cuogn+thai", "/api/v1/search?province=19&star=4", "/api/v1/suggest?q=che+t"}
	for _, path := range paths {
		before := s.stmts.n.Load()
		s.get(t, path)
		if n := s.stmts.n.Load() - before; n > 1 {
			t.Errorf("memory copy: %s ran %d SQL statements, want 1", path, n)
		}
	}
	s.search.Memory = false
	for _, path := range []string{"/api/v1/search?q=che+tan+cuogn", "/api/v1/search?province=19", "/api/v1/suggest?q=che"} {
		before := s.stmts.n.Load()
		start := time.Now()
		s.get(t, path)
		if n := s.stmts.n.Load() - before; n > 4 {
			t.Errorf("SQL: %s ran %d SQL statements, want at most 4", path, n)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s took %s", path, d)
		}
	}
}

func decodeInto(t *testing.T, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, body)
	}
}

// TestSearchSurvivesMeilisearchHanging: with Meilisearch answering nothing
// for 30 s, /api/v1/search answers 200 from PostgreSQL within a second
// (SECURITY.md D-05), and product pages never touch Meilisearch.
func TestSearchSurvivesMeilisearchHanging(t *testing.T) {
	pool, dbURL := pgtest.NewDBURL(t)
	fx := catalogtest.Fixture{T: t, Pool: pool}
	fx.Product(fx.Producer("HTX Chè Tân Cương", "19"), catalogtest.Product{Name: "Chè Tân Cương", Group: "I.5.a", Price: 250000, Star: 4})
	cat := catalog.New(pool, nil)
	if _, err := searchsync.Reindex(context.Background(), pool, cat, pgsearch.New(pool)); err != nil {
		t.Fatal(err)
	}
	var meiliCalls atomic.Int64
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		meiliCalls.Add(1)
		_, _ = io.Copy(io.Discard, r.Body) // then a client that gives up is noticed
		select {
		case <-time.After(30 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer func() { hang.CloseClientConnections(); hang.Close() }()
	cfg, err := config.Load(func(k string) string { return map[string]string{"DATABASE_URL": dbURL}[k] })
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	idx := search.NewFallback(meili.New(hang.URL, "", "products", nil), pgsearch.New(pool), log, nil)
	app := web.New(web.Deps{Config: cfg, Log: log, Pool: pool, Catalog: cat, Search: idx})
	s := &testServer{app: app}

	for range 5 {
		start := time.Now()
		resp, body := s.get(t, "/api/v1/search?q=che+tan+cuong")
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"total":1`) || resp.Header.Get("X-Search-Degraded") != "1" {
			t.Fatalf("status %d, degraded %q: %s", resp.StatusCode, resp.Header.Get("X-Search-Degraded"), body)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("search took %s with Meilisearch hanging", d)
		}
	}
	if n := meiliCalls.Load(); n != 3 {
		t.Errorf("Meilisearch asked %d times; the breaker should stop after 3", n)
	}
	before := meiliCalls.Load()
	if resp, _ := s.get(t, "/api/v1/products/che-tan-cuong"); resp.StatusCode != 200 {
		t.Errorf("product page: %d", resp.StatusCode)
	}
	if meiliCalls.Load() != before {
		t.Error("a product page called Meilisearch")
	}
}

// TestSearchHostileInputs: SECURITY.md (c) 19-20 and 10-11 against the
// search API: only 200 or 400, each answered within a second.
func TestSearchHostileInputs(t *testing.T) {
	s := newServer(t)
	params := map[string][]string{
		"q": {`' OR 1=1--`, `$tag$ $1 $tag$`, `%`, `_`, `%_%`, "\u200b\u200b", "Trà Thái Nguyên", "\u202egpj.exe",
			"a\x00b", strings.Repeat("ộ", 25), strings.Repeat("x", 3000), `\`, `"`, `:*`, `!`, `&|`, `<->`, `'a':*`,
			"🍵🍵🍵", "Hà Nội", norm.NFD.String("Hà Nội"), "Ð", "(SELECT pg_sleep(5))"},
		"sort":     {"price;DROP TABLE orders", "(SELECT pg_sleep(5))", "relevance", "star"},
		"province": {`Hà Nội" OR status = "draft`, "19", "'19'", "19 OR 1=1"},
		"star":     {"5 OR 1", "5", "1e9", "-1"},
		"group":    {`I" OR 1`, "I.5"},
	}
	for name, values := range params {
		for _, v := range values {
			for _, path := range []string{"/api/v1/search?", "/api/v1/suggest?"} {
				start := time.Now()
				resp, body := s.get(t, path+name+"="+url.QueryEscape(v))
				if resp.StatusCode != 200 && resp.StatusCode != 400 {
					t.Errorf("%s%s=%q: status %d: %s", path, name, v, resp.StatusCode, body)
				}
				if d := time.Since(start); d > time.Second {
					t.Errorf("%s%s=%q took %s", path, name, v, d)
				}
			}
		}
	}
}
