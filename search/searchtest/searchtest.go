// Package searchtest is the conformance suite every search.Index backend
// passes: Run indexes a small Vietnamese catalog and checks matching,
// ranking, filters, facets, sorting, paging, hostile input and highlights.
package searchtest

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/ocopvn/ocop/search"
)

// NonPublicID is the document indexed and then deleted, as the sync worker
// deletes a product that stops being public; no search may return it.
const NonPublicID = "9"

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func doc(id, name, producer, provCode, provName string, groups []string, star int, price int64, certified string) search.Document {
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = groupNames[g]
	}
	return search.Document{
		ID: id, Slug: "p-" + id, Name: name, Description: "Mô tả " + name,
		ProducerSlug: "producer-" + strings.ToLower(strings.ReplaceAll(producer, " ", "-")), ProducerName: producer,
		ProvinceCode: provCode, ProvinceName: provName, GroupCodes: groups, GroupNames: names,
		Star: star, PriceVND: price, InStock: true, CertifiedOn: day(certified),
		CreatedAt: day(certified).Add(time.Hour),
	}
}

var groupNames = map[string]string{
	"I": "Sản phẩm thực phẩm", "I.2": "Thực phẩm thô, sơ chế", "I.2.b": "Mật ong, mật khác",
	"I.3": "Thực phẩm chế biến", "I.3.c": "Chế biến từ rau, củ, quả, hạt", "I.3.d": "Chế biến từ thịt",
	"I.4": "Gia vị", "I.4.a": "Tương, nước mắm, gia vị dạng lỏng khác",
	"I.5": "Chè", "I.5.a": "Chè tươi, chế biến", "I.5.b": "Sản phẩm chè từ thực vật khác",
	"I.6": "Cà phê, ca cao", "II": "Sản phẩm đồ uống", "II.1": "Đồ uống có cồn", "II.1.a": "Rượu trắng",
	"IV": "Sản phẩm hàng thủ công mỹ nghệ", "IV.1": "Thủ công mỹ nghệ gia dụng, trang trí",
}

// Documents returns the suite's catalog (NonPublicID included).
func Documents() []search.Document {
	g := func(codes ...string) []string { return codes }
	docs := []search.Document{
		doc("1", "Nước mắm Phú Quốc 40 độ đạm", "Công ty Khải Hoàn", "91", "An Giang", g("I", "I.4", "I.4.a"), 5, 150000, "2025-03-01"),
		doc("2", "Chè Tân Cương", "HTX Chè Tân Cương", "19", "Thái Nguyên", g("I", "I.5", "I.5.a"), 4, 250000, "2024-06-01"),
		doc("3", "Trà hoa vàng", "HTX Ba Chẽ", "22", "Quảng Ninh", g("I", "I.5", "I.5.b"), 5, 400000, "2025-01-10"),
		doc("4", "Nem chua Thanh Hoá", "Cơ sở Nem Hàm Rồng", "38", "Thanh Hoá", g("I", "I.3", "I.3.d"), 3, 60000, "2024-12-01"),
		doc("5", "Hạt mắc ca Đắk Lắk", "Công ty Macca Tây Nguyên", "66", "Đắk Lắk", g("I", "I.3", "I.3.c"), 4, 300000, "2025-05-05"),
		doc("6", "Mật ong bạc hà", "HTX Ong Mèo Vạc", "08", "Tuyên Quang", g("I", "I.2", "I.2.b"), 4, 220000, "2023-10-10"),
		doc("7", "Nước mắm cá cơm Cát Hải", "HTX Cát Hải", "31", "Hải Phòng", g("I", "I.4", "I.4.a"), 3, 90000, "2024-02-02"),
		doc("8", "Nước mắm nhĩ đặc sản Phú Quốc", "Công ty Hưng Thịnh", "91", "An Giang", g("I", "I.4", "I.4.a"), 5, 200000, "2025-06-01"),
		doc(NonPublicID, "Nước mắm Phú Quốc bản nháp", "Công ty Khải Hoàn", "91", "An Giang", g("I", "I.4", "I.4.a"), 5, 1, "2025-07-01"),
		doc("10", "Rượu Bàu Đá", "Cơ sở rượu Bàu Đá", "52", "Gia Lai", g("II", "II.1", "II.1.a"), 4, 120000, "2024-09-09"),
		doc("11", "Cà phê Robusta Đắk Lắk", "HTX Ea Tu", "66", "Đắk Lắk", g("I", "I.6"), 5, 180000, "2024-11-11"),
		doc("12", "Giỏ <b>mây</b> tre & cói", "HTX Mây tre Phú Vinh", "01", "Hà Nội", g("IV", "IV.1"), 3, 75000, "2023-05-05"),
	}
	docs[0].Description = "Nước mắm truyền thống ủ chượp 12 tháng trong thùng gỗ."
	return docs
}

// publicCount is the number of documents left after NonPublicID is deleted.
const publicCount = 11

func ids(r search.Result) []string {
	out := make([]string, len(r.Hits))
	for i, h := range r.Hits {
		out[i] = h.ID
	}
	return out
}

func i64(n int64) *int64 { return &n }

// Run checks newIndex's backend. newIndex returns an empty index that the
// suite may fill.
func Run(t *testing.T, newIndex func(t *testing.T) search.Index) {
	ctx := context.Background()
	idx := newIndex(t)
	if err := idx.Index(ctx, Documents()...); err != nil {
		t.Fatalf("Index: %v", err)
	}
	if err := idx.Delete(ctx, NonPublicID, "999999"); err != nil {
		t.Fatalf("Delete: %v", err)
	}

	type check func(t *testing.T, r search.Result)
	first := func(id string) check {
		return func(t *testing.T, r search.Result) {
			t.Helper()
			if len(r.Hits) == 0 || r.Hits[0].ID != id {
				t.Errorf("first hit: got %v, want %s first", ids(r), id)
			}
		}
	}
	exactly := func(want ...string) check {
		return func(t *testing.T, r search.Result) {
			t.Helper()
			got := ids(r)
			slices.Sort(got)
			w := slices.Clone(want)
			slices.Sort(w)
			if !slices.Equal(got, w) || r.Total != len(want) {
				t.Errorf("hits %v (total %d), want exactly %v", ids(r), r.Total, want)
			}
		}
	}
	order := func(want ...string) check {
		return func(t *testing.T, r search.Result) {
			t.Helper()
			if got := ids(r); !slices.Equal(got, want) {
				t.Errorf("order %v, want %v", got, want)
			}
		}
	}
	contains := func(want ...string) check {
		return func(t *testing.T, r search.Result) {
			t.Helper()
			for _, w := range want {
				if !slices.Contains(ids(r), w) {
					t.Errorf("hits %v lack %s", ids(r), w)
				}
			}
		}
	}
	total := func(n int) check {
		return func(t *testing.T, r search.Result) {
			t.Helper()
			if r.Total != n {
				t.Errorf("total %d, want %d (hits %v)", r.Total, n, ids(r))
			}
		}
	}
	noHits := func(t *testing.T, r search.Result) {
		t.Helper()
		if r.Total != 0 || len(r.Hits) != 0 {
			t.Errorf("want no hits, got %v (total %d)", ids(r), r.Total)
		}
	}
	facet := func(name string, want map[string]int) check {
		return func(t *testing.T, r search.Result) {
			t.Helper()
			got := r.Facets[name]
			for k, v := range want {
				if got[k] != v {
					t.Errorf("facet %s[%s] = %d, want %d (all: %v)", name, k, got[k], v, got)
				}
			}
			for k, v := range got {
				if _, ok := want[k]; !ok && v != 0 {
					t.Errorf("facet %s has unexpected %s=%d", name, k, v)
				}
			}
		}
	}
	highlight := func(id string, wantAll ...string) check {
		return func(t *testing.T, r search.Result) {
			t.Helper()
			for _, h := range r.Hits {
				if h.ID != id {
					continue
				}
				for _, w := range wantAll {
					if !strings.Contains(h.Highlight["name"], w) {
						t.Errorf("highlight %q lacks %q", h.Highlight["name"], w)
					}
				}
				return
			}
			t.Errorf("no hit %s to check the highlight of (%v)", id, ids(r))
		}
	}
	sortedBy := func(key func(d search.Document) int64, desc bool) check {
		return func(t *testing.T, r search.Result) {
			t.Helper()
			byID := map[string]search.Document{}
			for _, d := range Documents() {
				byID[d.ID] = d
			}
			for i := 1; i < len(r.Hits); i++ {
				a, b := key(byID[r.Hits[i-1].ID]), key(byID[r.Hits[i].ID])
				if (!desc && a > b) || (desc && a < b) {
					t.Errorf("not sorted at %d: %v", i, ids(r))
				}
			}
		}
	}
	longQuery := strings.Repeat("nước mắm ", 112)[:1000]

	tests := []struct {
		name  string
		q     search.Query
		check []check
	}{
		{"no diacritics", search.Query{Text: "nuoc mam phu quoc"}, []check{exactly("1", "8"), first("1")}},
		{"with diacritics", search.Query{Text: "Nước mắm Phú Quốc"}, []check{exactly("1", "8"), order("1", "8")}},
		{"exact phrase before all words", search.Query{Text: "nuoc mam"}, []check{exactly("1", "7", "8")}},
		{"wrong tone placement", search.Query{Text: "Thanh Hòa"}, []check{exactly("4")}},
		{"upper case old tone placement", search.Query{Text: "THANH HOÁ"}, []check{exactly("4")}},
		{"NFD input", search.Query{Text: norm.NFD.String("Chè Tân Cương")}, []check{first("2")}},
		{"NFD with wrong tone placement", search.Query{Text: norm.NFD.String("nem chua thanh hòa")}, []check{exactly("4")}},
		{"one typo", search.Query{Text: "che tan cuogn"}, []check{first("2"), total(1)}},
		{"two typos", search.Query{Text: "che tan cuogn thai nguyne"}, []check{exactly("2")}},
		{"typo in a producer name", search.Query{Text: "macac"}, []check{contains("5")}},
		{"prefix of the last word", search.Query{Text: "tra hoa va"}, []check{first("3")}},
		{"prefix of a single word", search.Query{Text: "robu"}, []check{exactly("11")}},
		{"producer name", search.Query{Text: "Khải Hoàn"}, []check{exactly("1")}},
		{"province name", search.Query{Text: "quang ninh"}, []check{exactly("3")}},
		{"province name, two products", search.Query{Text: "dak lak"}, []check{exactly("5", "11")}},
		{"multi-word", search.Query{Text: "mat ong bac ha"}, []check{exactly("6")}},
		{"words across fields", search.Query{Text: "ca phe dak lak"}, []check{exactly("11")}},
		{"filter alone: province", search.Query{Province: "66"}, []check{exactly("5", "11"), order("11", "5")}},
		{"filter alone: top-level group", search.Query{Group: "I.4"}, []check{exactly("1", "7", "8")}},
		{"filter alone: level-1 group", search.Query{Group: "II"}, []check{exactly("10")}},
		{"filter alone: leaf group", search.Query{Group: "I.5.b"}, []check{exactly("3")}},
		{"filter alone: stars", search.Query{Stars: []int{3}}, []check{exactly("4", "7", "12")}},
		{"filter alone: price range", search.Query{PriceMin: i64(100000), PriceMax: i64(200000)}, []check{exactly("1", "8", "10", "11")}},
		{"text and filters", search.Query{Text: "nuoc mam", Province: "91", Stars: []int{5}}, []check{exactly("1", "8")}},
		{"facets of everything", search.Query{}, []check{total(publicCount),
			facet(search.FacetProvince, map[string]int{"91": 2, "19": 1, "22": 1, "38": 1, "66": 2, "08": 1, "31": 1, "52": 1, "01": 1}),
			facet(search.FacetStar, map[string]int{"3": 3, "4": 4, "5": 4}),
			facet(search.FacetGroup, map[string]int{"I": 9, "I.2": 1, "I.2.b": 1, "I.3": 2, "I.3.c": 1, "I.3.d": 1, "I.4": 3, "I.4.a": 3,
				"I.5": 2, "I.5.a": 1, "I.5.b": 1, "I.6": 1, "II": 1, "II.1": 1, "II.1.a": 1, "IV": 1, "IV.1": 1})}},
		{"facets of a query", search.Query{Text: "nuoc mam"}, []check{
			facet(search.FacetProvince, map[string]int{"91": 2, "31": 1}),
			facet(search.FacetStar, map[string]int{"3": 1, "5": 2}),
			facet(search.FacetGroup, map[string]int{"I": 3, "I.4": 3, "I.4.a": 3})}},
		{"sort price ascending", search.Query{Sort: search.SortPriceAsc, PerPage: 100}, []check{total(publicCount), first("4"),
			sortedBy(func(d search.Document) int64 { return d.PriceVND }, false)}},
		{"sort price descending", search.Query{Text: "nuoc mam", Sort: search.SortPriceDesc}, []check{order("8", "1", "7")}},
		{"sort newest", search.Query{Sort: search.SortNewest, PerPage: 100}, []check{first("8"),
			sortedBy(func(d search.Document) int64 { return d.CertifiedOn.Unix() }, true)}},
		{"sort star", search.Query{Sort: search.SortStar, PerPage: 100}, []check{
			sortedBy(func(d search.Document) int64 { return int64(d.Star) }, true)}},
		{"pagination", search.Query{Sort: search.SortPriceAsc, Page: 2, PerPage: 3}, []check{total(publicCount), order("10", "1", "11")}},
		{"pagination beyond the end", search.Query{Page: 100, PerPage: 10}, []check{total(publicCount), order()}},
		{"a 1,000-character query", search.Query{Text: longQuery}, []check{contains("1")}},
		{"1,000 characters of nothing", search.Query{Text: strings.Repeat("zqxj", 250)}, []check{noHits}},
		{"single quote", search.Query{Text: "nuoc' mam'"}, []check{contains("1", "7", "8")}},
		{"double quote and backslash", search.Query{Text: `"nuoc \mam"\`}, []check{contains("1", "7", "8")}},
		{"query-language words", search.Query{Text: `mam AND province_code = "31"`}, []check{noHits}},
		{"filter syntax in text", search.Query{Text: "star:5 OR 1=1 --"}, []check{noHits}},
		{"metacharacters in a filter value", search.Query{Province: `91" OR star = 3 OR province_code = "91`}, []check{noHits}},
		{"backslash in a filter value", search.Query{Group: `I.4\" OR group_codes = \"I`}, []check{noHits}},
		{"emoji around words", search.Query{Text: "🍵 chè tân cương 🙂"}, []check{first("2")}},
		{"emoji alone", search.Query{Text: "🍵🙂"}, []check{total(publicCount)}},
		{"non-public product never appears", search.Query{Text: "nuoc mam phu quoc ban nhap"}, []check{noHits}},
		{"highlight", search.Query{Text: "nuoc mam"}, []check{highlight("1", "<mark>Nước</mark>", "<mark>mắm</mark>")}},
		{"highlight is escaped", search.Query{Text: "gio may"}, []check{exactly("12"), highlight("12", "&lt;b&gt;", "&amp;", "<mark>Giỏ</mark>")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := idx.Search(ctx, tt.q)
			if err != nil {
				t.Fatalf("Search(%+v): %v", tt.q, err)
			}
			for _, c := range tt.check {
				c(t, r)
			}
			for _, h := range r.Hits {
				if h.ID == NonPublicID {
					t.Errorf("non-public document %s returned", NonPublicID)
				}
				if hl := h.Highlight["name"]; strings.Contains(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(hl), "<") {
					t.Errorf("highlight %q has unescaped markup", hl)
				}
			}
		})
	}

	t.Run("bad queries are Invalid", func(t *testing.T) {
		for _, q := range []search.Query{{Sort: "price"}, {PerPage: 101}, {Page: -1}, {Stars: []int{6}}} {
			if _, err := idx.Search(ctx, q); err == nil {
				t.Errorf("Search(%+v) accepted", q)
			}
		}
	})

	t.Run("suggest", func(t *testing.T) {
		tests := []struct {
			text      string
			kind, key string
		}{
			{"tra hoa", search.KindProduct, "p-3"},
			{"Trà hoa v", search.KindProduct, "p-3"},
			{"quang n", search.KindProvince, "22"},
			{"thanh ho", search.KindProvince, "38"},
			{"htx che", search.KindProducer, "producer-htx-chè-tân-cương"},
		}
		for _, tt := range tests {
			got, err := idx.Suggest(ctx, tt.text)
			if err != nil {
				t.Fatalf("Suggest(%q): %v", tt.text, err)
			}
			if len(got) > search.MaxSuggestions {
				t.Errorf("Suggest(%q): %d suggestions", tt.text, len(got))
			}
			found := false
			for _, s := range got {
				found = found || s.Kind == tt.kind && s.Key == tt.key
				if s.Key == "p-"+NonPublicID {
					t.Errorf("Suggest(%q) offers the non-public product", tt.text)
				}
			}
			if !found {
				t.Errorf("Suggest(%q) = %+v, want %s %s", tt.text, got, tt.kind, tt.key)
			}
		}
		for _, text := range []string{"", "🙂", `'"\`, strings.Repeat("x", 1000)} {
			got, err := idx.Suggest(ctx, text)
			if err != nil || len(got) != 0 {
				t.Errorf("Suggest(%q) = %v, %v; want nothing", text, got, err)
			}
		}
	})

	// ranking: the diacritics typed, a whole word before the prefix of a
	// longer one, the name before the producer before the description
	t.Run("ranking", func(t *testing.T) {
		idx := newIndex(t)
		g := []string{"IV", "IV.1"} // group names that share no word with the queries
		docs := []search.Document{
			doc("21", "Chè búp Tân Cương", "HTX Tân Cương", "19", "Thái Nguyên", g, 3, 200000, "2024-01-01"),
			doc("22", "Tinh dầu sả chanh Ba Chẽ", "HTX Ba Chẽ", "22", "Quảng Ninh", g, 5, 150000, "2025-06-01"),
			doc("23", "Chế phẩm men vi sinh", "Công ty Vi Sinh", "01", "Hà Nội", g, 5, 90000, "2025-05-01"),
			doc("24", "Cá chép giòn", "HTX Thủy sản", "31", "Hải Phòng", g, 5, 300000, "2025-07-01"),
			doc("25", "Mật ong hoa nhãn", "HTX Ong Vàng", "33", "Hưng Yên", g, 3, 180000, "2023-01-01"),
			doc("26", "Nước cốt gừng", "HTX Mật Ong Rừng", "08", "Tuyên Quang", g, 5, 80000, "2025-01-01"),
			doc("27", "Trà thảo mộc", "Công ty Thảo Mộc", "40", "Nghệ An", g, 5, 70000, "2025-02-01"),
		}
		docs[6].Description = "Trà pha cùng mật ong"
		if err := idx.Index(ctx, docs...); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name  string
			q     string
			check check
		}{
			// Chè (the tea) before chẽ and chế, though they have more stars
			{"diacritics typed rank first", "chè", first("21")},
			// without diacritics: whole words "che" (21, 22, 23) before the
			// prefix of "chép" (24)
			{"whole word before prefix", "che", func(t *testing.T, r search.Result) {
				t.Helper()
				got := ids(r)
				if len(got) != 4 || got[3] != "24" {
					t.Errorf("order %v: want 24 (chép) last", got)
				}
			}},
			{"name, then producer, then description", "mật ong", order("25", "26", "27")},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r, err := idx.Search(ctx, search.Query{Text: tt.q})
				if err != nil {
					t.Fatal(err)
				}
				tt.check(t, r)
			})
		}
	})

	t.Run("update and replace", func(t *testing.T) {
		idx := newIndex(t)
		docs := Documents()
		if err := idx.Index(ctx, docs...); err != nil {
			t.Fatal(err)
		}
		d := docs[1]
		d.Name = "Chè móc câu Tân Cương"
		if err := idx.Index(ctx, d); err != nil {
			t.Fatal(err)
		}
		r, err := idx.Search(ctx, search.Query{Text: "moc cau"})
		if err != nil || !slices.Equal(ids(r), []string{"2"}) {
			t.Errorf("after rename: %v, %v", ids(r), err)
		}
		if err := idx.Replace(ctx, docs[:3]); err != nil {
			t.Fatal(err)
		}
		r, err = idx.Search(ctx, search.Query{PerPage: 100})
		got := ids(r)
		slices.Sort(got)
		if err != nil || !slices.Equal(got, []string{"1", "2", "3"}) {
			t.Errorf("after Replace: %v, %v", got, err)
		}
		r, err = idx.Search(ctx, search.Query{Text: "moc cau"})
		if err != nil || r.Total != 0 {
			t.Errorf("Replace kept the renamed document: %v, %v", ids(r), err)
		}
		// a long Replace says how far it has gone, up to all of it
		var calls [][2]int
		pctx := search.WithProgress(ctx, func(done, total int) { calls = append(calls, [2]int{done, total}) })
		if err := idx.Replace(pctx, Many(2500)); err != nil {
			t.Fatal(err)
		}
		if len(calls) < 2 || calls[len(calls)-1] != [2]int{2500, 2500} || !slices.IsSortedFunc(calls, func(a, b [2]int) int { return a[0] - b[0] }) {
			t.Errorf("Replace progress: %v", calls)
		}
		if err := idx.Replace(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if r, err := idx.Search(ctx, search.Query{}); err != nil || r.Total != 0 {
			t.Errorf("after Replace(nil): %d, %v", r.Total, err)
		}
	})
}

// Many returns n generated documents for benchmarks: real-looking names
// built from a small vocabulary, spread over provinces, groups and stars.
func Many(n int) []search.Document {
	products := []string{"Nước mắm", "Chè", "Trà", "Mật ong", "Hạt mắc ca", "Cà phê", "Rượu", "Nem chua", "Bánh đậu xanh", "Gạo", "Miến dong", "Tinh dầu quế", "Giỏ mây tre", "Nấm linh chi", "Mứt gừng", "Tương ớt"}
	qualities := []string{"đặc sản", "truyền thống", "hữu cơ", "thượng hạng", "loại 1", "cao cấp", "tự nhiên", "sấy khô"}
	places := [][2]string{{"01", "Hà Nội"}, {"19", "Thái Nguyên"}, {"22", "Quảng Ninh"}, {"38", "Thanh Hoá"}, {"66", "Đắk Lắk"}, {"91", "An Giang"}, {"31", "Hải Phòng"}, {"52", "Gia Lai"}, {"56", "Khánh Hoà"}, {"79", "Hồ Chí Minh"}}
	groups := [][]string{{"I", "I.4", "I.4.a"}, {"I", "I.5", "I.5.a"}, {"I", "I.5", "I.5.b"}, {"I", "I.2", "I.2.b"}, {"I", "I.3", "I.3.c"}, {"I", "I.6"}, {"II", "II.1", "II.1.a"}, {"I", "I.3", "I.3.d"}}
	producers := []string{"HTX", "Công ty", "Cơ sở", "Hộ kinh doanh"}
	out := make([]search.Document, n)
	for i := range n {
		p := places[i%len(places)]
		name := products[i%len(products)] + " " + qualities[(i/len(products))%len(qualities)] + " " + p[1] + " số " + strconv.Itoa(i)
		out[i] = doc(strconv.Itoa(i+1), name, producers[i%len(producers)]+" "+strconv.Itoa(i/7), p[0], p[1],
			groups[i%len(groups)], 3+i%3, int64(10000+(i*7919)%900000), time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%900).Format(time.DateOnly))
	}
	return out
}
