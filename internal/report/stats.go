package report

import (
	"context"
	"slices"
	"sort"
	"strings"
)

// Filter selects the certificates of the certified-products report.
type Filter struct {
	Province string
	// Year 0 counts the certificates in force now; a year counts those
	// decided that year (revoked ones left out).
	Year int
	// District or Commune keeps one locality ("" all).
	District, Commune string
	Group             string // level-1 group code (I…VI), "" all
	Star              int    // 0 all
	ProducerType      string // "" all
	// ByCommune groups rows by current commune instead of former district.
	ByCommune bool
}

// CertifiedRow is one locality and group: its certified products by star.
type CertifiedRow struct {
	Locality string // the locality's name; "" for an unknown one
	Group    string
	Counts
}

// TypeRow is one producer type's certified products by star.
type TypeRow struct {
	ProducerType string
	Counts
}

// Certified is the certified-products report.
type Certified struct {
	Province Locality
	Rows     []CertifiedRow // by locality, then group
	ByType   []TypeRow
	Totals   Counts
}

// Certified counts certified products by star, group and locality, and by
// producer type, for the filter.
func (s *Service) Certified(ctx context.Context, f Filter) (*Certified, error) {
	locs, err := LoadLocalities(ctx, s.pool, f.Province)
	if err != nil {
		return nil, err
	}
	cs, err := certs(ctx, s.pool, locs, s.now())
	if err != nil {
		return nil, err
	}
	out := &Certified{Province: locs.Province}
	rows := map[[2]string]*CertifiedRow{}
	types := map[string]*TypeRow{}
	for _, c := range cs {
		switch {
		case f.Year == 0 && !c.InForce:
			continue
		case f.Year != 0 && (c.Year != f.Year || c.Status == "revoked"):
			continue
		case f.District != "" && c.District != f.District, f.Commune != "" && c.Commune != f.Commune,
			f.Group != "" && c.Group != f.Group, f.Star != 0 && c.Star != f.Star, f.ProducerType != "" && c.ProducerType != f.ProducerType:
			continue
		}
		name := locs.DistrictName[c.District]
		if f.ByCommune {
			name = locs.CommuneName[c.Commune]
		}
		k := [2]string{name, c.Group}
		if rows[k] == nil {
			rows[k] = &CertifiedRow{Locality: name, Group: c.Group}
		}
		rows[k].add(c.Star, c.N)
		if types[c.ProducerType] == nil {
			types[c.ProducerType] = &TypeRow{ProducerType: c.ProducerType}
		}
		types[c.ProducerType].add(c.Star, c.N)
		out.Totals.add(c.Star, c.N)
	}
	for _, r := range rows {
		out.Rows = append(out.Rows, *r)
	}
	sort.Slice(out.Rows, func(i, j int) bool {
		a, b := out.Rows[i], out.Rows[j]
		if a.Locality != b.Locality {
			// the unknown locality last
			return a.Locality != "" && (b.Locality == "" || strings.Compare(a.Locality, b.Locality) < 0)
		}
		return a.Group < b.Group
	})
	for _, t := range types {
		out.ByType = append(out.ByType, *t)
	}
	slices.SortFunc(out.ByType, func(a, b TypeRow) int { return b.Total - a.Total })
	return out, nil
}

// YearRow is one year of the province's certificates: new products,
// renewals, upgrades, and certificates that expired or were revoked that
// year.
type YearRow struct {
	Year                                     int
	New, Renewed, Upgraded, Expired, Revoked int
}

// Lifecycle counts a province's certificates per year, newest first.
func (s *Service) Lifecycle(ctx context.Context, province string) ([]YearRow, error) {
	locs, err := LoadLocalities(ctx, s.pool, province)
	if err != nil {
		return nil, err
	}
	cs, err := certs(ctx, s.pool, locs, s.now())
	if err != nil {
		return nil, err
	}
	years := map[int]*YearRow{}
	row := func(y int) *YearRow {
		if years[y] == nil {
			years[y] = &YearRow{Year: y}
		}
		return years[y]
	}
	for _, c := range cs {
		r := row(c.Year)
		switch c.Kind {
		case CertNew:
			r.New += c.N
		case CertRenewed:
			r.Renewed += c.N
		case CertUpgraded:
			r.Upgraded += c.N
		}
		switch {
		case c.Status == "revoked" && c.RevokedYear != 0:
			row(c.RevokedYear).Revoked += c.N
		case c.Status == "expired" || (c.Status == "active" && c.Lapsed):
			row(c.ValidYear).Expired += c.N
		}
	}
	out := make([]YearRow, 0, len(years))
	for _, r := range years {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b YearRow) int { return b.Year - a.Year })
	return out, nil
}
