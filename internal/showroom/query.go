package showroom

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/ocopvn/ocop/internal/apperr"
)

var (
	reProvince = regexp.MustCompile(`^[0-9]{2}$`)
	reCommune  = regexp.MustCompile(`^[0-9]{5}$`)
	reSlug     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

func invalid(name, vi, en string) error { return apperr.E(apperr.Invalid, vi, name+": "+en) }

// ParseQuery reads a search from query parameters (the API's and the
// page's): near=lat,lng, radius_km, province, commune, type, open_now,
// product (a slug), page, per_page. What is malformed is an Invalid
// error naming the parameter; empty parameters are absent.
func ParseQuery(get func(string) string) (Filter, error) {
	var f Filter
	if near := strings.TrimSpace(get("near")); near != "" {
		lat, lng, ok := strings.Cut(near, ",")
		a, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
		b, err2 := strconv.ParseFloat(strings.TrimSpace(lng), 64)
		p := Point{Lat: a, Lng: b}
		if !ok || err1 != nil || err2 != nil || !p.Valid() {
			return f, ErrPosition
		}
		f.Near = &p
	}
	if r := strings.TrimSpace(get("radius_km")); r != "" {
		v, err := strconv.ParseFloat(r, 64)
		if err != nil || math.IsNaN(v) || v < 1 || v > MaxRadiusKm {
			return f, ErrRadius
		}
		f.RadiusKm = v
	}
	f.Province = strings.TrimSpace(get("province"))
	if f.Province != "" && !reProvince.MatchString(f.Province) {
		return f, invalid("province", "Mã tỉnh gồm 2 chữ số, ví dụ 01.", "a province code is 2 digits")
	}
	f.Commune = strings.TrimSpace(get("commune"))
	if f.Commune != "" && !reCommune.MatchString(f.Commune) {
		return f, invalid("commune", "Mã xã gồm 5 chữ số.", "a commune code is 5 digits")
	}
	f.Type = strings.TrimSpace(get("type"))
	if f.Type != "" && TypeName(f.Type) == "" {
		return f, invalid("type", "Loại điểm bán không có trong danh mục.", "type is one of ocop_center, intro_sales_point, supermarket_counter, post_office, transport_hub, popup")
	}
	switch strings.ToLower(strings.TrimSpace(get("open_now"))) {
	case "", "0", "false", "no":
	case "1", "true", "yes", "on":
		f.OpenNow = true
	default:
		return f, invalid("open_now", "open_now là true hoặc false.", "open_now is true or false")
	}
	f.Product = strings.TrimSpace(get("product"))
	if f.Product != "" && (!reSlug.MatchString(f.Product) || len(f.Product) > 200) {
		return f, ErrNoProduct
	}
	for name, dst := range map[string]*int{"page": &f.Page, "per_page": &f.PerPage} {
		raw := strings.TrimSpace(get(name))
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		limit := 10000
		if name == "per_page" {
			limit = 100
		}
		if err != nil || n < 1 || n > limit {
			return f, invalid(name, fmt.Sprintf("%s là số từ 1 đến %d.", name, limit), fmt.Sprintf("must be 1..%d", limit))
		}
		*dst = n
	}
	return f, nil
}
