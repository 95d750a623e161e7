package catalog

import (
	"slices"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// ProducerSummary is a producer with the number of its public products.
type ProducerSummary struct {
	Slug         string
	Name         string
	ProductCount int
}

// ProducersIn returns the producers of province (a code) that have public
// products, in Vietnamese alphabetical order.
func (v *View) ProducersIn(province string) []ProducerSummary {
	snap := v.snap
	idx := map[string]int{}
	var out []ProducerSummary
	for _, it := range snap.newest {
		if it.Province.Code != province {
			continue
		}
		i, ok := idx[it.Producer.Slug]
		if !ok {
			i = len(out)
			idx[it.Producer.Slug] = i
			out = append(out, ProducerSummary{Slug: it.Producer.Slug, Name: it.Producer.Name})
		}
		out[i].ProductCount++
	}
	SortVietnamese(out, func(p ProducerSummary) string { return p.Name })
	return out
}

// PublicSlugs returns the slugs of every public product and of every
// producer with public products (for the sitemap).
func (v *View) PublicSlugs() (products, producers []string) {
	snap := v.snap
	seen := map[string]bool{}
	for _, it := range snap.newest {
		products = append(products, it.Slug)
		if !seen[it.Producer.Slug] {
			seen[it.Producer.Slug] = true
			producers = append(producers, it.Producer.Slug)
		}
	}
	slices.Sort(products)
	slices.Sort(producers)
	return products, producers
}

// SortVietnamese sorts names the Vietnamese way ("Đ" after "D", not after
// "Z").
func SortVietnamese[T any](xs []T, name func(T) string) {
	c := collate.New(language.Vietnamese)
	slices.SortStableFunc(xs, func(a, b T) int { return c.CompareString(name(a), name(b)) })
}
