package catalog

import (
	"context"
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
func (s *Service) ProducersIn(ctx context.Context, province string) ([]ProducerSummary, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	idx := map[string]int{}
	var out []ProducerSummary
	for _, it := range snap.newest {
		if it.Province.Code != province {
			continue
		}
		i, ok := idx[it.producerSlug]
		if !ok {
			i = len(out)
			idx[it.producerSlug] = i
			out = append(out, ProducerSummary{Slug: it.Producer.Slug, Name: it.Producer.Name})
		}
		out[i].ProductCount++
	}
	c := collate.New(language.Vietnamese)
	slices.SortFunc(out, func(a, b ProducerSummary) int { return c.CompareString(a.Name, b.Name) })
	return out, nil
}

// PublicSlugs returns the slugs of every public product and of every
// producer with public products (for the sitemap).
func (s *Service) PublicSlugs(ctx context.Context) (products, producers []string, err error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	for _, it := range snap.newest {
		products = append(products, it.Slug)
		if !seen[it.producerSlug] {
			seen[it.producerSlug] = true
			producers = append(producers, it.producerSlug)
		}
	}
	slices.Sort(products)
	slices.Sort(producers)
	return products, producers, nil
}

// SortVietnamese sorts names the Vietnamese way ("Đ" after "D", not after
// "Z").
func SortVietnamese[T any](xs []T, name func(T) string) {
	c := collate.New(language.Vietnamese)
	slices.SortStableFunc(xs, func(a, b T) int { return c.CompareString(name(a), name(b)) })
}

