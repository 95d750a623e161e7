package catalog

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// syntheticSnapshot builds a snapshot of n products spread over provinces,
// groups and stars, without a database.
func syntheticSnapshot(n int) *snapshot {
	rng := rand.New(rand.NewPCG(1, 2))
	provinces := []string{"01", "19", "22", "66", "79", "91"}
	leaves := []string{"I.5.a", "I.4.a", "II.1.a", "III.3", "IV.1", "VI.1"}
	s := &snapshot{}
	for i := range n {
		it := &ListItem{
			ID: int64(i + 1), Slug: fmt.Sprintf("p-%d", i), Name: fmt.Sprintf("Sản phẩm %d", i),
			Province: CodeRef{Code: provinces[rng.IntN(len(provinces))]}, Group: CodeRef{Code: leaves[rng.IntN(len(leaves))]},
			Star: 3 + rng.IntN(3), PriceVND: int64(10000 + rng.IntN(1000)*1000),
			CertifiedOn: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(1000)).Format(time.DateOnly),
		}
		it.json = []byte(`{}`)
		leaf := it.Group.Code
		it.groupPath = [3]string{leaf[:strings.IndexByte(leaf+".", '.')], leaf[:strings.LastIndexByte(leaf, '.')], leaf}
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
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				s.list(c.f)
			}
		})
	}
}
