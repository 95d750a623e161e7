package catalog

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ocopvn/ocop/internal/vntext"
	"time"
)

// syntheticSnapshot builds a snapshot of n products spread over provinces,
// groups and stars, without a database.
func syntheticSnapshot(n int) *snapshot {
	rng := rand.New(rand.NewPCG(1, 2))
	provinces := []string{"01", "19", "22", "66", "79", "91"}
	leaves := []string{"I.5.a", "I.4.a", "II.1.a", "III.3", "IV.1", "VI.1"}
	var ps []Province
	for _, c := range provinces {
		ps = append(ps, Province{Code: c})
	}
	var gs []Group
	for _, c := range []string{"I", "I.5", "I.5.a", "I.4", "I.4.a", "II", "II.1", "II.1.a", "III", "III.3", "IV", "IV.1", "VI", "VI.1"} {
		parent := ""
		if i := strings.LastIndexByte(c, '.'); i > 0 {
			parent = c[:i]
		}
		gs = append(gs, Group{Code: c, ParentCode: parent})
	}
	ref := newReference(ps, gs)
	s := &snapshot{ref: ref}
	for i := range n {
		it := &ListItem{
			ID: int64(i + 1), Slug: fmt.Sprintf("p-%d", i), Name: fmt.Sprintf("Sản phẩm %d", i),
			Producer: &Ref{Slug: "hop-tac-xa"}, Province: &CodeRef{Code: provinces[rng.IntN(len(provinces))]},
			Group: &CodeRef{Code: leaves[rng.IntN(len(leaves))]},
			Star:  3 + rng.IntN(3), PriceVND: int64(10000 + rng.IntN(1000)*1000),
			CertifiedOn: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(1000)).Format(time.DateOnly),
		}
		it.fold = " " + vntext.Fold(it.Name)
		it.provinceIdx = int16(slices.IndexFunc(ref.Provinces, func(p Province) bool { return p.Code == it.Province.Code }))
		it.groupIdx = [3]int16{-1, -1, -1}
		for j, g := range ref.Path(it.Group.Code) {
			it.groupIdx[j] = ref.groupAt[g.Code]
		}
		s.newest = append(s.newest, it)
	}
	s.price = slices.Clone(s.newest)
	s.star = slices.Clone(s.newest)
	slices.SortFunc(s.newest, newer)
	slices.SortFunc(s.price, func(a, b *ListItem) int { return cmpInt(a.PriceVND, b.PriceVND) })
	return s
}

func TestSnapshotListPagesPartitionTheResult(t *testing.T) {
	s := syntheticSnapshot(1000)
	f := Filter{Province: "19", Stars: []int{4, 5}, Sort: SortPriceDesc, PerPage: 7}
	var all []*ListItem
	total := -1
	for page := 1; ; page++ {
		f.Page = page
		p := s.list(f)
		if total >= 0 && p.Total != total {
			t.Fatalf("total changed between pages: %d then %d", total, p.Total)
		}
		total = p.Total
		if len(p.Items) == 0 {
			break
		}
		all = append(all, p.Items...)
	}
	if len(all) != total || total == 0 {
		t.Fatalf("pages hold %d items, total %d", len(all), total)
	}
	for i, it := range all {
		if it.Province.Code != "19" || it.Star < 4 {
			t.Fatalf("item %d does not match the filter: %+v", i, it)
		}
		if i > 0 && all[i-1].PriceVND < it.PriceVND {
			t.Fatalf("not sorted by price desc at %d", i)
		}
	}
}

func BenchmarkSnapshotList(b *testing.B) {
	s := syntheticSnapshot(10000)
	cases := []struct {
		name string
		f    Filter
	}{
		{"page1", Filter{Sort: SortNewest, Page: 1, PerPage: 20}},
		{"page50", Filter{Sort: SortNewest, Page: 50, PerPage: 20}},
		{"province_star_page5", Filter{Province: "19", Stars: []int{4}, Sort: SortNewest, Page: 5, PerPage: 20}},
		{"group_price_desc", Filter{Group: "I", Sort: SortPriceDesc, Page: 3, PerPage: 20}},
		{"query", Filter{Query: "san pham 12", Sort: SortNewest, Page: 1, PerPage: 20}},
		{"facets_province_star", Filter{Province: "19", Stars: []int{4}, Sort: SortNewest, Page: 1, PerPage: 20, Facets: true}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				s.list(c.f)
			}
		})
	}
}

func TestFacetsCountOtherDimensions(t *testing.T) {
	s := syntheticSnapshot(2000)
	f := Filter{Province: "19", Stars: []int{4}, Sort: SortNewest, Page: 1, PerPage: 5, Facets: true}
	p := s.list(f)
	// the star facet ignores the star filter: its value for 4 is the total,
	// and each other star's count is what that filter would return
	if p.Facets.Star[4] != p.Total {
		t.Errorf("star facet 4 = %d, total %d", p.Facets.Star[4], p.Total)
	}
	for _, star := range []int{3, 5} {
		g := f
		g.Stars, g.Facets = []int{star}, false
		if got := s.list(g).Total; got != p.Facets.Star[star] {
			t.Errorf("star facet %d = %d, but that filter gives %d", star, p.Facets.Star[star], got)
		}
	}
	for code, n := range p.Facets.Province {
		g := f
		g.Province, g.Facets = code, false
		if got := s.list(g).Total; got != n {
			t.Errorf("province facet %s = %d, but that filter gives %d", code, n, got)
		}
	}
	if len(p.Facets.Province) < 2 {
		t.Errorf("province facet has %d values", len(p.Facets.Province))
	}
}

func TestQueryMatchesWordPrefixes(t *testing.T) {
	s := syntheticSnapshot(200)
	p := s.list(Filter{Query: "SAN PHAM 12", Sort: SortNewest, Page: 1, PerPage: 100})
	for _, it := range p.Items {
		if !strings.Contains(it.fold, " 12") {
			t.Errorf("%q does not match", it.Name)
		}
	}
	// "12" starts the words "12", "120".."129": 11 of the 200 products
	if p.Total != 11 {
		t.Errorf("total = %d, want 11", p.Total)
	}
}

// A list query's words may each come from the product's name, its
// producer's, its province's or one of its groups' names (kept once each,
// not folded into every item).
func TestQueryMatchesEveryName(t *testing.T) {
	ref := newReference([]Province{{Code: "19", Name: "Thái Nguyên"}, {Code: "22", Name: "Quảng Ninh"}},
		[]Group{{Code: "I", Name: "Thực phẩm"}, {Code: "I.5", ParentCode: "I", Name: "Chè"}, {Code: "II", Name: "Đồ uống"}})
	htx := &Ref{Slug: "htx-tan-cuong", Name: "HTX Tân Cương", fold: " " + vntext.Fold("HTX Tân Cương")}
	item := func(id int64, name string, province, group int16) *ListItem {
		it := &ListItem{ID: id, Slug: fmt.Sprint(id), Name: name, Producer: htx, Province: &CodeRef{Code: ref.Provinces[province].Code},
			fold: " " + vntext.Fold(name), provinceIdx: province, groupIdx: [3]int16{-1, -1, -1}}
		for k, g := range ref.Path(ref.Groups[group].Code) {
			it.groupIdx[k] = ref.groupAt[g.Code]
		}
		return it
	}
	tea := item(1, "Chè búp", 0, 1)
	drink := item(2, "Rượu mơ", 1, 2)
	s := &snapshot{ref: ref, newest: []*ListItem{tea, drink}}
	for q, want := range map[string]int{
		"che":                1, // the name, and the group "Chè"
		"thuc pham":          1, // the top group of the tea
		"do uong":            1,
		"tan cuong":          2, // the producer
		"THAI nguyen CHE":    1, // province and name
		"quang ninh ruou":    1,
		"quang ninh che bup": 0,
		"bup htx":            1,
		"buphtx":             0, // never across two names
		"nguyen thuc":        1,
	} {
		if got := s.list(Filter{Query: q, Page: 1, PerPage: 10}).Total; got != want {
			t.Errorf("%q: %d items, want %d", q, got, want)
		}
	}
}
