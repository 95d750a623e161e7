// Package report owns the provinces' yearly OCOP plans (ocop_plan,
// ocop_plan_row) and computes the trade department's reports: certified
// products by star, group, locality and producer type; a year's plan
// against what was certified; new, renewed, upgraded, expired and revoked
// certificates per year. A locality is the province, a current commune, or
// a former district (districts were abolished on 1 July 2025, and plans are
// still written by them): certificates are placed by their producer's
// commune, or by the commune or district names in its address as issued.
package report

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/vntext"
)

// Locality kinds.
const (
	KindProvince = "province"
	KindDistrict = "district"
	KindCommune  = "commune"
)

// Locality is a place a plan row or a report row names.
type Locality struct {
	Kind string
	Code string // province code, former district code, or commune code
	Name string // the official name
}

// Localities are the places of one province: the province, its former
// districts and its communes, with the map from commune to former district.
type Localities struct {
	Province  Locality
	districts []named
	communes  []named
	// DistrictOf maps a commune code to its former district's code.
	DistrictOf map[string]string
	// DistrictName and CommuneName name codes for reports.
	DistrictName map[string]string
	CommuneName  map[string]string
}

// named is a locality with its folded name split into the kind of unit it
// names ("huyen", "xa"...) and the rest.
type named struct {
	Locality
	prefix, bare string
}

// unitPrefixes are the folded kinds of unit a name may start with, longest
// first, with the abbreviations plans use.
var unitPrefixes = []struct{ abbr, full string }{
	{"thanh pho ", "thanh pho "}, {"thi xa ", "thi xa "}, {"thi tran ", "thi tran "}, {"dac khu ", "dac khu "},
	{"huyen ", "huyen "}, {"quan ", "quan "}, {"phuong ", "phuong "}, {"xa ", "xa "}, {"tinh ", "tinh "},
	{"tp ", "thanh pho "}, {"tx ", "thi xa "}, {"tt ", "thi tran "}, {"h ", "huyen "}, {"q ", "quan "}, {"p ", "phuong "},
}

// districtPrefixes and communePrefixes are the kinds of each level.
var (
	districtPrefixes = map[string]bool{"huyen ": true, "quan ": true, "thi xa ": true, "thanh pho ": true}
	communePrefixes  = map[string]bool{"xa ": true, "phuong ": true, "thi tran ": true, "dac khu ": true}
)

// splitUnit folds a name ("TP. Thanh Hóa", "H.Nga Sơn", "Huyện Nga Sơn") and
// splits it into its kind of unit ("thanh pho ", "huyen ", or "") and the
// rest ("thanh hoa", "nga son").
func splitUnit(name string) (prefix, bare string) {
	// "H.Nga Sơn" and "TP.Thanh Hóa": a dot is a word break
	f := vntext.Fold(strings.ReplaceAll(name, ".", ". "))
	for _, p := range unitPrefixes {
		if rest, ok := strings.CutPrefix(f, p.abbr); ok && rest != "" {
			return p.full, rest
		}
	}
	return "", f
}

// LoadLocalities reads the places of a province. Its former districts are
// those its communes lay in (from commune_legacy) and those listed under a
// former province of the same name.
func LoadLocalities(ctx context.Context, q postgres.Querier, province string) (*Localities, error) {
	l := &Localities{DistrictOf: map[string]string{}, DistrictName: map[string]string{}, CommuneName: map[string]string{}}
	if err := q.QueryRow(ctx, `SELECT code, name FROM province WHERE code = $1`, province).Scan(&l.Province.Code, &l.Province.Name); err != nil {
		return nil, err
	}
	l.Province.Kind = KindProvince
	rows, err := q.Query(ctx, `
		SELECT d.code, d.name FROM legacy_district d
		WHERE EXISTS (SELECT 1 FROM commune_legacy cl JOIN commune c ON c.code = cl.commune_code
		              WHERE cl.legacy_district_code = d.code AND c.province_code = $1)
		   OR d.legacy_province_code = $1
		ORDER BY d.code`, province)
	if err != nil {
		return nil, err
	}
	var code, name string
	if _, err := pgx.ForEachRow(rows, []any{&code, &name}, func() error {
		p, b := splitUnit(name)
		l.districts = append(l.districts, named{Locality{KindDistrict, code, name}, p, b})
		l.DistrictName[code] = name
		return nil
	}); err != nil {
		return nil, err
	}
	var district *string
	rows, err = q.Query(ctx, `SELECT c.code, c.full_name, cl.legacy_district_code FROM commune c
		LEFT JOIN commune_legacy cl ON cl.commune_code = c.code WHERE c.province_code = $1 ORDER BY c.code`, province)
	if err != nil {
		return nil, err
	}
	_, err = pgx.ForEachRow(rows, []any{&code, &name, &district}, func() error {
		p, b := splitUnit(name)
		l.communes = append(l.communes, named{Locality{KindCommune, code, name}, p, b})
		l.CommuneName[code] = name
		if district != nil {
			l.DistrictOf[code] = *district
		}
		return nil
	})
	return l, err
}

// Match finds the locality a plan names: the province ("Tỉnh Thanh Hóa",
// "Toàn tỉnh"), a former district ("Huyện Nga Sơn", "H. Nga Sơn", "TX Nghi
// Sơn", "Nga Sơn") or a current commune ("Xã Phú Đô"). A name without a
// kind of unit is a district first (plans are written by district), then a
// commune. ok is false when nothing, or more than one place, matches.
func (l *Localities) Match(name string) (Locality, bool) {
	prefix, bare := splitUnit(name)
	_, provinceBare := splitUnit(l.Province.Name)
	if bare == "toan tinh" || (prefix == "tinh " || prefix == "") && bare == provinceBare {
		return l.Province, true
	}
	find := func(list []named) (Locality, bool) {
		var found []Locality
		for _, n := range list {
			if n.bare == bare && (prefix == "" || prefix == n.prefix) {
				found = append(found, n.Locality)
			}
		}
		if len(found) == 1 {
			return found[0], true
		}
		return Locality{}, false
	}
	switch {
	case districtPrefixes[prefix]:
		return find(l.districts)
	case communePrefixes[prefix]:
		return find(l.communes)
	}
	if loc, ok := find(l.districts); ok {
		return loc, true
	}
	return find(l.communes)
}

// Place finds where a producer lies from its address as issued (no commune
// recorded): the first former district, then current commune, whose full
// name the address contains. ok is false when none does.
func (l *Localities) Place(address string) (district, commune string, ok bool) {
	a := " " + vntext.Fold(strings.ReplaceAll(address, ".", ". ")) + " "
	for _, p := range unitPrefixes {
		if p.abbr != p.full {
			a = strings.ReplaceAll(a, " "+p.abbr, " "+p.full)
		}
	}
	for _, n := range l.districts {
		if strings.Contains(a, " "+n.prefix+n.bare+" ") {
			return n.Code, "", true
		}
	}
	for _, n := range l.communes {
		if strings.Contains(a, " "+n.prefix+n.bare+" ") {
			return l.DistrictOf[n.Code], n.Code, true
		}
	}
	return "", "", false
}
