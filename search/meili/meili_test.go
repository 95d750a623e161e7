package meili_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/search"
	"github.com/ocopvn/ocop/search/meili"
	"github.com/ocopvn/ocop/search/meili/meilifake"
	"github.com/ocopvn/ocop/search/searchtest"
)

// TestConformance runs the shared suite against a real Meilisearch when
// MEILI_URL is set (deploy/compose.yaml starts one).
func TestConformance(t *testing.T) {
	url := os.Getenv("MEILI_URL")
	if url == "" {
		t.Skip("SKIP: MEILI_URL not set; start Meilisearch (docker compose -f deploy/compose.yaml up -d meilisearch) and run MEILI_URL=http://127.0.0.1:7700 MEILI_API_KEY=… make test")
	}
	searchtest.Run(t, func(t *testing.T) search.Index {
		var b [4]byte
		_, _ = rand.Read(b[:])
		uid := "ocop_test_" + hex.EncodeToString(b[:])
		idx := meili.New(url, os.Getenv("MEILI_API_KEY"), uid, nil)
		ctx := context.Background()
		if err := idx.Setup(ctx); err != nil {
			t.Fatalf("Setup: %v", err)
		}
		t.Cleanup(func() { _ = idx.Drop(context.Background()) })
		return idx
	})
}

func TestSettings(t *testing.T) {
	s := meili.Settings()
	if want := []string{"name", "producer_name", "group_names", "province_name", "commune_name", "description"}; !slices.Equal(s.SearchableAttributes, want) {
		t.Errorf("searchable = %v, want %v (ranked)", s.SearchableAttributes, want)
	}
	for _, f := range []string{"province_code", "commune_code", "group_codes", "star", "price_vnd", "producer_slug", "in_stock"} {
		if !slices.Contains(s.FilterableAttributes, f) {
			t.Errorf("%s is not filterable", f)
		}
	}
	for _, f := range []string{"price_vnd", "star", "certified_ts"} {
		if !slices.Contains(s.SortableAttributes, f) {
			t.Errorf("%s is not sortable", f)
		}
	}
	for a, b := range map[string]string{"che": "tra", "tra": "che", "chè": "trà", "trà": "chè", "mac ca": "macca", "macca": "mac ca"} {
		if !slices.Contains(s.Synonyms[a], b) {
			t.Errorf("synonym %s → %s missing", a, b)
		}
	}
	if s.TypoTolerance == nil || !s.TypoTolerance.Enabled || s.TypoTolerance.MinWordSizeForTypos.OneTypo != 4 {
		t.Errorf("typo tolerance = %+v", s.TypoTolerance)
	}
	if len(s.LocalizedAttributes) != 1 || !slices.Equal(s.LocalizedAttributes[0].Locales, []string{"vie"}) {
		t.Errorf("localized attributes = %+v", s.LocalizedAttributes)
	}
	if i := slices.Index(s.RankingRules, "star:desc"); i < 0 || i < slices.Index(s.RankingRules, "exactness") {
		t.Errorf("ranking rules %v: star must break ties after relevance", s.RankingRules)
	}
	for _, a := range s.DisplayedAttributes {
		if strings.Contains(a, "phone") || strings.Contains(a, "email") || strings.Contains(a, "address") {
			t.Errorf("displayed attribute %s", a)
		}
	}
}

func i64(n int64) *int64 { return &n }

// TestFilter: every value is typed or a quoted, escaped literal
// (SECURITY.md X-04).
func TestFilter(t *testing.T) {
	tests := []struct {
		name string
		q    search.Query
		want []any
	}{
		{"none", search.Query{}, []any{}},
		{"province", search.Query{Province: "19"}, []any{`province_code = "19"`}},
		{"injection in a province", search.Query{Province: `Hà Nội" OR status = "draft`},
			[]any{`province_code = "Hà Nội\" OR status = \"draft"`}},
		{"backslash before a quote", search.Query{Group: `I.5\" OR star = 3 OR group_codes = \`},
			[]any{`group_codes = "I.5\\\" OR star = 3 OR group_codes = \\"`}},
		{"stars are an OR group", search.Query{Stars: []int{4, 5}}, []any{[]string{"star = 4", "star = 5"}}},
		{"prices", search.Query{PriceMin: i64(1000), PriceMax: i64(2000)}, []any{"price_vnd >= 1000", "price_vnd <= 2000"}},
		{"all", search.Query{Province: "91", Group: "I.4", Stars: []int{3}, PriceMax: i64(5)},
			[]any{`province_code = "91"`, `group_codes = "I.4"`, []string{"star = 3"}, "price_vnd <= 5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, meili.Filter(tt.q)); diff != "" {
				t.Errorf("Filter (-want +got):\n%s", diff)
			}
		})
	}
	// the escaped literal decodes back to exactly the input: one value
	for _, v := range []string{`Hà Nội" OR status = "draft`, `a\`, `\"`, `"`, `x\\" OR 1 = 1`} {
		lit := strings.TrimPrefix(meili.Filter(search.Query{Province: v})[0].(string), "province_code = ")
		if got := unquote(t, lit); got != v {
			t.Errorf("literal %s decodes to %q, want %q", lit, got, v)
		}
	}
}

// unquote decodes a filter literal as Meilisearch does (a backslash escapes
// the next character), failing if the literal ends before its last rune.
func unquote(t *testing.T, lit string) string {
	t.Helper()
	if !strings.HasPrefix(lit, `"`) {
		t.Fatalf("literal %s is not quoted", lit)
	}
	var b strings.Builder
	rs := []rune(lit[1:])
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '\\':
			i++
			b.WriteRune(rs[i])
		case '"':
			if i != len(rs)-1 {
				t.Fatalf("literal %s closes early at %d", lit, i)
			}
			return b.String()
		default:
			b.WriteRune(rs[i])
		}
	}
	t.Fatalf("literal %s is not closed", lit)
	return ""
}

func TestRequest(t *testing.T) {
	q, err := search.Query{Sort: search.SortPriceDesc, Page: 3, PerPage: 7, Stars: []int{5}}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	r := meili.Request(q)
	if r.Page != 3 || r.HitsPerPage == nil || *r.HitsPerPage != 7 {
		t.Errorf("paging: page %d, per page %v", r.Page, r.HitsPerPage)
	}
	if !slices.Equal(r.Sort, []string{"price_vnd:desc"}) {
		t.Errorf("sort = %v", r.Sort)
	}
	if !slices.Equal(r.Facets, []string{"province_code", "star", "group_codes"}) {
		t.Errorf("facets = %v", r.Facets)
	}
	if !slices.Equal(r.Locales, []string{"vie"}) {
		t.Errorf("locales = %v", r.Locales)
	}
	if r.MatchingStrategy != "all" {
		t.Errorf("matching strategy = %q, want all (every word must match)", r.MatchingStrategy)
	}
}

func newFake(t *testing.T) (*meilifake.Server, *meili.Index) {
	fake := meilifake.New()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	idx := meili.New(srv.URL, "key", "products", nil)
	idx.TaskPoll = time.Millisecond
	return fake, idx
}

func TestSetupAppliesSettings(t *testing.T) {
	fake, idx := newFake(t)
	if err := idx.Setup(context.Background()); err != nil {
		t.Fatal(err)
	}
	var patched map[string]any
	for _, r := range fake.Requests() {
		if r.Method == http.MethodPatch && r.Path == "/indexes/products/settings" {
			if err := json.Unmarshal(r.Body, &patched); err != nil {
				t.Fatal(err)
			}
		}
	}
	if patched == nil {
		t.Fatalf("no settings request in %v", fake.Requests())
	}
	want, _ := json.Marshal(meili.Settings())
	var wantMap map[string]any
	_ = json.Unmarshal(want, &wantMap)
	if diff := cmp.Diff(wantMap, patched); diff != "" {
		t.Errorf("settings sent (-want +got):\n%s", diff)
	}
	// a second start finds the index there and still succeeds
	fake.Code = "index_already_exists"
	fake.SetOutcome(meilifake.Fail)
	if err := idx.Setup(context.Background()); err == nil {
		t.Error("a failed settings task must fail Setup (readiness)")
	}
}

// TestFailedTaskSurfaces: a 202 is not done; a task that fails is an
// Unavailable error naming the task's code (SECURITY.md D-03).
func TestFailedTaskSurfaces(t *testing.T) {
	fake, idx := newFake(t)
	fake.SetOutcome(meilifake.Fail)
	err := idx.Index(context.Background(), searchtest.Documents()[0])
	var te *meili.TaskError
	if !errors.As(err, &te) || te.Code != "invalid_document_id" || te.Status != "failed" {
		t.Fatalf("Index with a failing task = %v", err)
	}
	if apperr.KindOf(err) != apperr.Unavailable {
		t.Errorf("kind = %v, want unavailable", apperr.KindOf(err))
	}
	if len(fake.Documents("products")) != 0 {
		t.Error("failed task applied documents")
	}
	if err := idx.Delete(context.Background(), "1"); !errors.As(err, &te) {
		t.Errorf("Delete with a failing task = %v", err)
	}
}

func TestTaskTimeout(t *testing.T) {
	fake, idx := newFake(t)
	fake.SetOutcome(meilifake.Hang)
	idx.TaskTimeout = 100 * time.Millisecond
	start := time.Now()
	err := idx.Index(context.Background(), searchtest.Documents()[0])
	if err == nil || !strings.Contains(err.Error(), "not finished after 100ms") {
		t.Fatalf("Index with a stuck task = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("gave up after %s", d)
	}
}

func TestIndexDeleteReplace(t *testing.T) {
	fake, idx := newFake(t)
	ctx := context.Background()
	docs := searchtest.Documents()
	if err := idx.Index(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	if err := idx.Delete(ctx, searchtest.NonPublicID); err != nil {
		t.Fatal(err)
	}
	got := fake.Documents("products")
	if len(got) != len(docs)-1 || got[searchtest.NonPublicID] != nil {
		t.Fatalf("documents after index+delete: %d", len(got))
	}
	d := got["1"]
	if d["name"] != docs[0].Name || d["certified_ts"] != float64(docs[0].CertifiedOn.Unix()) || d["province_code"] != "91" {
		t.Errorf("document 1 = %v", d)
	}
	for k := range d {
		if strings.Contains(k, "phone") || strings.Contains(k, "email") || strings.Contains(k, "address") || strings.Contains(k, "tax") {
			t.Errorf("document field %s", k)
		}
	}
	// full reindex: a new index, swapped in, the old one dropped
	if err := idx.Replace(ctx, docs[:2]); err != nil {
		t.Fatal(err)
	}
	if got := fake.Documents("products"); len(got) != 2 {
		t.Errorf("after Replace: %d documents", len(got))
	}
	var swapped, dropped bool
	for _, r := range fake.Requests() {
		swapped = swapped || r.Path == "/swap-indexes" && strings.Contains(string(r.Body), `"products_new_`)
		dropped = dropped || r.Method == http.MethodDelete && strings.HasPrefix(r.Path, "/indexes/products_new_")
	}
	if !swapped || !dropped {
		t.Errorf("Replace: swapped %v, dropped the old index %v", swapped, dropped)
	}
}

// TestSearchResponse: hits, highlight escaping and facets are read from a
// Meilisearch response, and the request carries the filter as typed values.
func TestSearchResponse(t *testing.T) {
	var body map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/indexes/products/search" {
			http.NotFound(w, r)
			return
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"hits":[{"id":"12","slug":"gio-may","_formatted":{"id":"12","name":"Giỏ <b>\ue000mây\ue001</b> & cói"}}],
			"totalHits":41,"page":1,"hitsPerPage":20,"totalPages":3,"processingTimeMs":1,"query":"may",
			"facetDistribution":{"province_code":{"01":1},"star":{"3":1},"group_codes":{"IV":1,"IV.1":1}}}`))
	}))
	defer srv.Close()
	idx := meili.New(srv.URL, "", "products", nil)
	r, err := idx.Search(context.Background(), search.Query{Text: "  MÂY 🙂 ", Province: `01" OR star = 3`})
	if err != nil {
		t.Fatal(err)
	}
	if body["q"] != "may" {
		t.Errorf("query sent = %v, want the folded words", body["q"])
	}
	if f, _ := json.Marshal(body["filter"]); string(f) != `["province_code = \"01\\\" OR star = 3\""]` {
		t.Errorf("filter sent = %s", f)
	}
	if r.Total != 41 || len(r.Hits) != 1 || r.Hits[0].ID != "12" || r.Hits[0].Slug != "gio-may" {
		t.Errorf("result = %+v", r)
	}
	if h := r.Hits[0].Highlight["name"]; h != "Giỏ &lt;b&gt;<mark>mây</mark>&lt;/b&gt; &amp; cói" {
		t.Errorf("highlight = %q", h)
	}
	if r.Facets[search.FacetGroup]["IV.1"] != 1 || r.Facets[search.FacetProvince]["01"] != 1 || r.Facets[search.FacetStar]["3"] != 1 {
		t.Errorf("facets = %v", r.Facets)
	}
}

func TestUnreachableIsUnavailable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	idx := meili.New(url, "", "products", nil)
	if _, err := idx.Search(context.Background(), search.Query{Text: "che"}); apperr.KindOf(err) != apperr.Unavailable {
		t.Errorf("search on a closed port: %v (kind %v)", err, apperr.KindOf(err))
	}
	if err := idx.Index(context.Background(), searchtest.Documents()[0]); apperr.KindOf(err) != apperr.Unavailable {
		t.Errorf("index on a closed port: %v", err)
	}
}
