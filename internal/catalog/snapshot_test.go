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
	ref := &Reference{}
	for _, c := range provinces {
		ref.Provinces = append(ref.Provinces, Province{Code: c})
	}
	for _, c := range []string{"I", "I.5", "I.5.a", "I.4", "I.4.a", "II", "II.1", "II.1.a", "III", "III.3", "IV", "IV.1", "VI", "VI.1"} {
		ref.Groups = append(ref.Groups, Group{Code: c})
	}
	s := &snapshot{ref: ref}
	for i := range n {
		it := &ListItem{
			ID: int64(i + 1), Slug: fmt.Sprintf("p-%d", i), Name: fmt.Sprintf("Sản phẩm %d", i),
			Province: CodeRef{Code: provinces[rng.IntN(len(provinces))]}, Group: CodeRef{Code: leaves[rng.IntN(len(leaves))]},
			Star: 3 + rng.IntN(3), PriceVND: int64(10000 + rng.IntN(1000)*1000),
			CertifiedOn: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(1000)).Format(time.DateOnly),
		}
		it.json = []byte(`{}`)
		it.fold = " " + vntext.Fold(it.Name)
		leaf := it.Group.Code
		it.groupPath = [3]string{leaf[:strings.IndexByte(leaf+".", '.')], leaf[:strings.LastIndexByte(leaf, '.')], leaf}
		if strings.Count(leaf, ".") == 1 {
			it.groupPath[1], it.groupPath[2] = leaf, ""
		}
		it.provinceIdx = slices.IndexFunc(ref.Provinces, func(p Province) bool { return p.Code == it.Province.Code })
		for j, g := range it.groupPath {
			it.groupIdx[j] = slices.IndexFunc(ref.Groups, func(x Group) bool { return g != "" && x.Code == g })
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
