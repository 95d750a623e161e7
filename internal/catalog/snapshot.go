package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/paging"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/vntext"
	"github.com/ocopvn/ocop/media"
)

// Reference is the reference data lists need: provinces and the group tree.
type Reference struct {
	Provinces   []Province // in code order
	ProvincesVI []Province // in Vietnamese alphabetical order
	Groups      []Group    // in tree order
	province    map[string]*Province
	group       map[string]*Group
	groupAt     map[string]int16 // code → index in Groups
	provinceAt  map[string]int16 // code → index in Provinces
	// the list items' references to Provinces and Groups (shared by all
	// the items of one), and " " + their folded names, for list queries
	provinceRefs, groupRefs []CodeRef
	provinceFold, groupFold []string
}

// Province finds a province by code or slug.
func (r *Reference) Province(key string) (*Province, bool) {
	p, ok := r.province[key]
	return p, ok
}

// Group finds a product group by code or slug.
func (r *Reference) Group(key string) (*Group, bool) {
	g, ok := r.group[key]
	return g, ok
}

// groupIndex is the index in r.Groups of the group with code (-2 when none
// has it, which no item's path holds).
func (r *Reference) groupIndex(code string) int16 {
	if i, ok := r.groupAt[code]; ok {
		return i
	}
	return -2
}

// Path returns the groups from the top level down to code.
func (r *Reference) Path(code string) []*Group {
	var path []*Group
	for g, ok := r.group[code]; ok; g, ok = r.group[g.ParentCode] {
		path = append(path, g)
		if g.ParentCode == "" {
			break
		}
	}
	slices.Reverse(path)
	return path
}

func loadReference(ctx context.Context, q postgres.Querier) (*Reference, error) {
	rows, err := q.Query(ctx, `SELECT code, name, full_name, name_en, kind, slug FROM province ORDER BY code`)
	if err != nil {
		return nil, err
	}
	provinces, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Province, error) {
		var p Province
		err := row.Scan(&p.Code, &p.Name, &p.FullName, &p.NameEn, &p.Kind, &p.Slug)
		return p, err
	})
	if err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `
		SELECT code, coalesce(parent_code, ''), level, name, coalesce(name_en, ''), coalesce(lead_ministry, ''), slug, is_leaf
		FROM product_group ORDER BY sort_order`)
	if err != nil {
		return nil, err
	}
	groups, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Group, error) {
		var g Group
		err := row.Scan(&g.Code, &g.ParentCode, &g.Level, &g.Name, &g.NameEn, &g.LeadMinistry, &g.Slug, &g.IsLeaf)
		return g, err
	})
	if err != nil {
		return nil, err
	}
	return newReference(provinces, groups), nil
}

// newReference indexes provinces (in code order) and groups (in tree
// order).
func newReference(provinces []Province, groups []Group) *Reference {
	r := &Reference{Provinces: provinces, Groups: groups, province: map[string]*Province{}, group: map[string]*Group{}}
	r.ProvincesVI = slices.Clone(provinces)
	SortVietnamese(r.ProvincesVI, func(p Province) string { return p.Name })
	for i := range r.Provinces {
		p := &r.Provinces[i]
		r.province[p.Code] = p
		r.province[p.Slug] = p
	}
	r.provinceAt = make(map[string]int16, len(r.Provinces))
	for i, p := range r.Provinces {
		r.provinceAt[p.Code] = int16(i)
		r.provinceRefs = append(r.provinceRefs, CodeRef{Code: p.Code, Name: p.Name})
		r.provinceFold = append(r.provinceFold, " "+vntext.Fold(p.Name))
	}
	r.groupAt = make(map[string]int16, len(r.Groups))
	for i := range r.Groups {
		g := &r.Groups[i]
		r.groupAt[g.Code] = int16(i)
		r.groupRefs = append(r.groupRefs, CodeRef{Code: g.Code, Name: g.Name})
		r.groupFold = append(r.groupFold, " "+vntext.Fold(g.Name))
		r.group[g.Code] = g
		r.group[g.Slug] = g
	}
	return r
}

// snapshot is an immutable view of the public catalog at one version.
type snapshot struct {
	version int64
	day     string // date in Vietnam when built
	ref     *Reference
	newest  []*ListItem // certified_on desc, created_at desc, id desc
	price   []*ListItem // price asc, id asc
	star    []*ListItem // star desc, then newest
	byID    map[int64]*ListItem
	// counts of public products per province code and per group code (any level)
	provinceCount map[string]int
	groupCount    map[string]int

	// results of recent filters (popular pages repeat them); dropped with
	// the snapshot, so never stale
	results     sync.Map // filter key -> Page
	resultCount atomic.Int64
	// json holds the encoded items lately listed (the API's lists): an
	// item is encoded once while it is listed, not once per request
	json *lru.Cache[*ListItem, []byte]
}

// itemJSONCacheSize is how many encoded items a snapshot keeps (about
// 400 bytes each).
const itemJSONCacheSize = 8192

// itemJSON returns it encoded (s may be nil: a page not made by list).
func (s *snapshot) itemJSON(it *ListItem) []byte {
	if s == nil || s.json == nil {
		return encodeItem(it)
	}
	if b, ok := s.json.Get(it); ok {
		return b
	}
	b := encodeItem(it)
	s.json.Add(it, b)
	return b
}

func encodeItem(it *ListItem) []byte {
	b, err := json.Marshal(it)
	if err != nil { // a ListItem has nothing that fails to encode
		panic(fmt.Sprintf("catalog: encode item %d: %v", it.ID, err))
	}
	return b
}

// maxCachedResults bounds the result cache of one snapshot.
const maxCachedResults = 2048

// key identifies a normalised filter.
func (f *Filter) key() string {
	var b strings.Builder
	b.WriteString(f.Query)
	b.WriteByte('|')
	b.WriteString(f.Province)
	b.WriteByte('|')
	b.WriteString(f.Group)
	b.WriteByte('|')
	for _, s := range f.Stars {
		b.WriteString(strconv.Itoa(s))
	}
	b.WriteByte('|')
	b.WriteString(f.Producer)
	b.WriteByte('|')
	if f.PriceMin != nil {
		b.WriteString(strconv.FormatInt(*f.PriceMin, 10))
	}
	b.WriteByte('|')
	if f.PriceMax != nil {
		b.WriteString(strconv.FormatInt(*f.PriceMax, 10))
	}
	fmt.Fprintf(&b, "|%s|%d|%d|%t", f.Sort, f.Page, f.PerPage, f.Facets)
	return b.String()
}

// cachedList is list with the snapshot's result cache in front. Callers
// must not modify the returned Page.
func (s *snapshot) cachedList(f Filter) Page {
	k := f.key()
	if p, ok := s.results.Load(k); ok {
		return p.(Page)
	}
	p := s.list(f)
	if s.resultCount.Add(1) <= maxCachedResults {
		s.results.Store(k, p)
	}
	return p
}

const snapshotQuery = `
SELECT p.id, p.slug, p.name, p.price_vnd, p.price_is_demo, p.unit, p.stock > 0,
       p.group_code, p.star, p.certified_on, p.created_at,
       pr.slug, pr.name, pr.province_code, ph.alt, ph.variants
FROM public_product p
JOIN producer pr ON pr.id = p.producer_id
LEFT JOIN LATERAL (
  SELECT alt, variants FROM product_photo WHERE product_id = p.id ORDER BY position LIMIT 1
) ph ON true`

func buildSnapshot(ctx context.Context, q postgres.Querier, version int64, day string) (*snapshot, error) {
	ref, err := loadReference(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("load reference data: %w", err)
	}
	rows, err := q.Query(ctx, snapshotQuery)
	if err != nil {
		return nil, fmt.Errorf("load public products: %w", err)
	}
	defer rows.Close()
	s := &snapshot{version: version, day: day, ref: ref, provinceCount: map[string]int{}, groupCount: map[string]int{}}
	s.json, _ = lru.New[*ListItem, []byte](itemJSONCacheSize)
	// items share their producer, province, group, unit and date: one
	// copy each instead of one per item (a third of a 100,000-product
	// snapshot's memory)
	noRef := &CodeRef{}
	producers := map[string]*Ref{}
	texts := map[string]string{}
	intern := func(x string) string {
		if y, ok := texts[x]; ok {
			return y
		}
		texts[x] = x
		return x
	}
	var producerSlug, producerName, unit string
	for rows.Next() {
		it := &ListItem{}
		var groupCode, provinceCode string
		var certified time.Time
		var alt *string
		var photo []media.Variant
		if err := rows.Scan(&it.ID, &it.Slug, &it.Name, &it.PriceVND, &it.PriceIsDemo, &unit, &it.InStock,
			&groupCode, &it.Star, &certified, &it.CreatedAt, &producerSlug, &producerName, &provinceCode,
			&alt, &photo); err != nil {
			return nil, err
		}
		if len(photo) > 0 {
			img := NewImage(photo, deref(alt), it.Name)
			it.Photo, it.ImageURL = &img, &img.URL
		}
		it.Unit = intern(unit)
		it.Producer = producers[producerSlug]
		if it.Producer == nil || it.Producer.Name != producerName {
			it.Producer = &Ref{Slug: strings.Clone(producerSlug), Name: strings.Clone(producerName), fold: " " + vntext.Fold(producerName)}
			producers[it.Producer.Slug] = it.Producer
		}
		it.CertifiedOn = intern(certified.Format(time.DateOnly))
		it.Province, it.Group, it.provinceIdx, it.groupIdx = noRef, noRef, -1, [3]int16{-1, -1, -1}
		if i, ok := ref.provinceAt[provinceCode]; ok {
			it.Province, it.provinceIdx = &ref.provinceRefs[i], i
		}
		s.newest = append(s.newest, it)
		s.provinceCount[it.Province.Code]++
		for k, g := range ref.Path(groupCode) {
			it.groupIdx[k] = ref.groupAt[g.Code]
			s.groupCount[g.Code]++
		}
		if i, ok := ref.groupAt[groupCode]; ok {
			it.Group = &ref.groupRefs[i]
		}
		it.fold = " " + vntext.Fold(it.Name)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	s.byID = make(map[int64]*ListItem, len(s.newest))
	for _, it := range s.newest {
		s.byID[it.ID] = it
	}
	s.price = slices.Clone(s.newest)
	s.star = slices.Clone(s.newest)
	slices.SortFunc(s.newest, newer)
	slices.SortFunc(s.price, func(a, b *ListItem) int {
		if c := cmpInt(a.PriceVND, b.PriceVND); c != 0 {
			return c
		}
		return cmpInt(a.ID, b.ID)
	})
	slices.SortFunc(s.star, func(a, b *ListItem) int {
		if c := b.Star - a.Star; c != 0 {
			return c
		}
		return newer(a, b)
	})
	return s, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// newer orders the most recently certified first (the date string is
// yyyy-mm-dd, so it compares as text), then the most recently listed.
func newer(a, b *ListItem) int {
	if c := strings.Compare(b.CertifiedOn, a.CertifiedOn); c != 0 {
		return c
	}
	if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
		return c
	}
	return cmpInt(b.ID, a.ID)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Filter dimensions, for facet counting.
const (
	dimProvince = 1 << iota
	dimGroup
	dimStar
	dimOther // query, producer, price
	dimAll   = dimProvince | dimGroup | dimStar | dimOther
)

// match returns the set of dimensions of f that it passes; it is in the
// result when all pass. words are the folded query words, each after a
// space; group is f.Group's index in r.Groups.
func (f *Filter) match(r *Reference, it *ListItem, words []string, group int16) int {
	ok := 0
	if f.Province == "" || it.Province.Code == f.Province {
		ok |= dimProvince
	}
	if f.Group == "" || slices.Contains(it.groupIdx[:], group) {
		ok |= dimGroup
	}
	if len(f.Stars) == 0 || slices.Contains(f.Stars, it.Star) {
		ok |= dimStar
	}
	if (f.Producer == "" || it.Producer.Slug == f.Producer) &&
		(f.PriceMin == nil || it.PriceVND >= *f.PriceMin) &&
		(f.PriceMax == nil || it.PriceVND <= *f.PriceMax) &&
		r.matchWords(it, words) {
		ok |= dimOther
	}
	return ok
}

// matchAll is match(it, words) == dimAll, stopping at the first miss: the
// hot path of lists without facets.
func (f *Filter) matchAll(r *Reference, it *ListItem, words []string, group int16) bool {
	switch {
	case f.Province != "" && it.Province.Code != f.Province,
		f.Group != "" && !slices.Contains(it.groupIdx[:], group),
		len(f.Stars) > 0 && !slices.Contains(f.Stars, it.Star),
		f.Producer != "" && it.Producer.Slug != f.Producer,
		f.PriceMin != nil && it.PriceVND < *f.PriceMin,
		f.PriceMax != nil && it.PriceVND > *f.PriceMax:
		return false
	}
	return r.matchWords(it, words)
}

// matchWords reports whether every word (" " + a folded query word)
// starts a word of it's name, its producer's, its province's or one of
// its groups' (the folds begin with a space too; a word has no space, so
// it never spans two names).
func (r *Reference) matchWords(it *ListItem, words []string) bool {
	for _, w := range words {
		if !r.hasWord(it, w) {
			return false
		}
	}
	return true
}

func (r *Reference) hasWord(it *ListItem, sw string) bool {
	if strings.Contains(it.fold, sw) || strings.Contains(it.Producer.fold, sw) ||
		it.provinceIdx >= 0 && strings.Contains(r.provinceFold[it.provinceIdx], sw) {
		return true
	}
	for _, g := range it.groupIdx {
		if g >= 0 && strings.Contains(r.groupFold[g], sw) {
			return true
		}
	}
	return false
}

// list returns the page of items passing f, in f.Sort order, with facet
// counts when f.Facets.
func (s *snapshot) list(f Filter) Page {
	var order []*ListItem
	reverse := false
	switch f.Sort {
	case SortPriceAsc:
		order = s.price
	case SortPriceDesc:
		order, reverse = s.price, true
	case SortStar:
		order = s.star
	default:
		order = s.newest
	}
	var words []string
	for _, w := range strings.Fields(vntext.Fold(f.Query)) {
		words = append(words, " "+w) // matchWords looks for word starts
	}
	group := s.ref.groupIndex(f.Group)
	from := paging.Page{Number: f.Page, Size: f.PerPage}.Offset() // Page and PerPage were checked by Reference.Normalize
	p := Page{snap: s, Page: f.Page, PerPage: f.PerPage, Items: make([]*ListItem, 0, min(f.PerPage, len(order)))}
	// facet counts go into arrays indexed like the reference data, and
	// become maps once at the end
	var provinceN, groupN []int
	var starN [6]int
	if f.Facets {
		provinceN = make([]int, len(s.ref.Provinces))
		groupN = make([]int, len(s.ref.Groups))
	}
	n := len(order)
	for i := range n {
		it := order[i]
		if reverse {
			it = order[n-1-i]
		}
		if !f.Facets {
			if !f.matchAll(s.ref, it, words, group) {
				continue
			}
		} else {
			ok := f.match(s.ref, it, words, group)
			// an item counts for a value of one dimension when it passes
			// every other dimension
			if ok|dimProvince == dimAll && it.provinceIdx >= 0 {
				provinceN[it.provinceIdx]++
			}
			if ok|dimGroup == dimAll {
				for _, g := range it.groupIdx {
					if g >= 0 {
						groupN[g]++
					}
				}
			}
			if ok|dimStar == dimAll {
				starN[it.Star]++
			}
			if ok != dimAll {
				continue
			}
		}
		if p.Total >= from && len(p.Items) < f.PerPage {
			p.Items = append(p.Items, it)
		}
		p.Total++
	}
	if f.Facets {
		fc := &Facets{Province: map[string]int{}, Group: map[string]int{}, Star: map[int]int{}}
		for i, n := range provinceN {
			if n > 0 {
				fc.Province[s.ref.Provinces[i].Code] = n
			}
		}
		for i, n := range groupN {
			if n > 0 {
				fc.Group[s.ref.Groups[i].Code] = n
			}
		}
		for star, n := range starN {
			if n > 0 {
				fc.Star[star] = n
			}
		}
		p.Facets = fc
	}
	return p
}
