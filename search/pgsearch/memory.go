package pgsearch

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/ocopvn/ocop/search"
)

// The in-memory copy. PostgreSQL keeps the index (search_document); each
// process that searches loads it once into a memIndex and then applies the
// rows changed since (sync.go). A search is answered from memory: an
// inverted index of the folded words (each posting with the fields the word
// is in), the word dictionary sorted for prefixes and split into trigrams
// for typos, and per document the few values filters, facets and ranking
// need, with provinces, producers and groups interned to small numbers.
// It answers exactly as searchSQL does (the conformance suite runs on both).

// Fields a word is in, as the tsvector weights A to D.
const (
	inName     uint8 = 1 << iota // A
	inProducer                   // B
	inPlace                      // C: group names, province, commune
	inDesc                       // D
	fieldBits  = inName | inProducer | inPlace | inDesc
	wholeBit   = 1 << 7 // scratch: the last word matched as a whole word
)

// postings are the documents (ordinals, ascending) that have one word, and
// the fields it is in for each.
type postings struct {
	docs   []uint32
	fields []uint8
}

func (p *postings) find(doc uint32) (int, bool) {
	return slices.BinarySearch(p.docs, doc)
}

func (p *postings) set(doc uint32, f uint8) {
	if n := len(p.docs); n == 0 || p.docs[n-1] < doc { // a new document
		p.docs = append(p.docs, doc)
		p.fields = append(p.fields, f)
		return
	}
	i, ok := p.find(doc)
	if ok {
		p.fields[i] = f
		return
	}
	p.docs = slices.Insert(p.docs, i, doc)
	p.fields = slices.Insert(p.fields, i, f)
}

func (p *postings) remove(doc uint32) {
	if i, ok := p.find(doc); ok {
		p.docs = slices.Delete(p.docs, i, i+1)
		p.fields = slices.Delete(p.fields, i, i+1)
	}
}

// memDoc is one document as the memory index keeps it.
//
// Its words and accents live in the index's arenas (seq, acc), so that a
// document holds two pointers (slug, name) for the garbage collector to
// follow, not seven.
type memDoc struct {
	idNum     int64
	slug      string
	name      string
	producer  int32 // interned producer slug
	star      int8
	accLen    uint8 // accents of the name: acc[accOff:accOff+accLen]
	accOff    uint32
	seqOff    uint32 // the folded words' ids, name to description: seq[seqOff:seqOff+seqLen]
	seqLen    uint32
	price     int64
	certified int64 // days since 1970
	created   int64 // Unix nanoseconds
	xid       int64 // the transaction that wrote the row
}

// docHot is what filters and facets read of a document, kept apart so that
// a pass over every document reads 32 bytes of each.
type docHot struct {
	price    int64
	groups   [3]int32 // -1 for none
	province int32
	star     int8
	live     bool
}

// The orders kept sorted for searches without words (search.Sort*; the
// relevance of no words is the star order).
const (
	byStar = iota
	byNewest
	byPriceAsc
	byPriceDesc
	numOrders
)

func orderOf(sortKey string) int {
	switch sortKey {
	case search.SortNewest:
		return byNewest
	case search.SortPriceAsc:
		return byPriceAsc
	case search.SortPriceDesc:
		return byPriceDesc
	}
	return byStar
}

// interned numbers strings (province codes, producer slugs, group codes).
type interned struct {
	ids   map[string]int32
	keys  []string
	names []string // display name: the least seen, as min() in SQL
	folds []string // province names folded, " w1 w2 ", for suggestions
}

func (in *interned) get(key string) (int32, bool) {
	i, ok := in.ids[key]
	return i, ok
}

func (in *interned) add(key, name, fold string) int32 {
	if i, ok := in.ids[key]; ok {
		if name < in.names[i] {
			in.names[i] = name
		}
		return i
	}
	if in.ids == nil {
		in.ids = map[string]int32{}
	}
	i := int32(len(in.keys))
	in.ids[key] = i
	in.keys = append(in.keys, key)
	in.names = append(in.names, name)
	in.folds = append(in.folds, " "+fold+" ")
	return i
}

// memIndex is the in-memory copy of one database's search index. Searches
// hold mu for reading; applying changes holds it for writing.
type memIndex struct {
	mu sync.RWMutex

	docs []memDoc
	hot  []docHot
	byID map[int64]uint32
	live int

	// seq holds each document's word ids in text order, name to
	// description, as the tsvector's positions run on from one field to the
	// next (the phrase test); acc the ids of its name's accents
	// (vntext.Accents). An update appends; waste counts what it left
	// behind, and compact drops it.
	seq       []byte // uvarints
	acc       []int32
	waste     int
	accentIDs map[string]int32
	// orders holds the live documents in each order, kept sorted as they
	// change (bulk: sorted once after loading instead)
	orders [numOrders][]uint32
	bulk   bool
	// version counts changes; ranks caches the positions in the orders
	version uint64
	ranks   atomic.Pointer[ranks]

	dict     map[string]int32 // word → id
	words    []string         // id → word
	post     []postings       // id → documents
	sorted   []int32          // word ids in byte order of the words (prefixes)
	trigrams map[string][]int32

	provinces, producers, groups interned

	epoch int64 // search_epoch when loaded
	xmin  int64 // changes at or after this transaction are read again
}

func newMemIndex() *memIndex {
	return &memIndex{byID: map[int64]uint32{}, dict: map[string]int32{}, trigrams: map[string][]int32{}, accentIDs: map[string]int32{}}
}

// memRow is a search_document row.
type memRow struct {
	id, slug, name, producerSlug, producerName string
	provinceCode, provinceName                 string
	groupCodes                                 []string
	star                                       int16
	price                                      int64
	certifiedDays                              int64
	createdNanos                               int64
	nameF, prodF, provF, placeF, descF         string
	accents                                    []string
	xid                                        int64
}

// wordID returns the id of w, adding it to the dictionary.
func (m *memIndex) wordID(w string) int32 {
	if id, ok := m.dict[w]; ok {
		return id
	}
	id := int32(len(m.words))
	m.dict[w] = id
	m.words = append(m.words, w)
	m.post = append(m.post, postings{})
	i := sort.Search(len(m.sorted), func(i int) bool { return m.words[m.sorted[i]] >= w })
	m.sorted = slices.Insert(m.sorted, i, id)
	for _, t := range trigramsOf(w) {
		m.trigrams[t] = append(m.trigrams[t], id)
	}
	return id
}

// put adds or replaces a document. Only the postings of words that came,
// went or moved between fields change, so a price change touches none.
func (m *memIndex) put(r memRow) {
	idNum, err := parseID(r.id)
	if err != nil {
		return // the table's CHECK keeps ids decimal
	}
	if o, ok := m.byID[idNum]; ok && m.docs[o].xid == r.xid && r.xid != 0 {
		return // read again, unchanged
	}
	fields := map[int32]uint8{}
	seqOff := len(m.seq)
	for _, f := range []struct {
		text string
		bit  uint8
	}{{r.nameF, inName}, {r.prodF, inProducer}, {r.placeF, inPlace}, {r.descF, inDesc}} {
		for _, w := range strings.Fields(f.text) {
			id := m.wordID(w)
			fields[id] |= f.bit
			m.seq = binary.AppendUvarint(m.seq, uint64(id))
		}
	}
	accOff := len(m.acc)
	for _, a := range r.accents[:min(len(r.accents), 255)] {
		id, ok := m.accentIDs[a]
		if !ok {
			id = int32(len(m.accentIDs))
			m.accentIDs[a] = id
		}
		m.acc = append(m.acc, id)
	}

	o, exists := m.byID[idNum]
	if !exists {
		o = uint32(len(m.docs))
		m.docs = append(m.docs, memDoc{})
		m.hot = append(m.hot, docHot{})
		m.byID[idNum] = o
		m.live++
	}
	d := &m.docs[o]
	old := *d
	moved := !exists || old.star != int8(r.star) || old.price != r.price || old.certified != r.certifiedDays || old.created != r.createdNanos
	if exists && moved {
		m.unorder(o)
	}
	if exists {
		for w := range m.wordsOf(&old) {
			if _, keep := fields[w]; !keep {
				m.post[w].remove(o)
			}
		}
		m.waste += int(old.seqLen) + int(old.accLen)
	}
	for w, f := range fields {
		m.post[w].set(o, f)
	}
	groups := [3]int32{-1, -1, -1}
	for i, g := range r.groupCodes {
		if i == 3 {
			break // facets count the first three levels, as searchSQL
		}
		groups[i] = m.groups.add(g, g, "")
	}
	*d = memDoc{
		idNum: idNum, slug: r.slug, name: r.name,
		producer:  m.producers.add(r.producerSlug, r.producerName, ""),
		star:      int8(r.star),
		accOff:    uint32(accOff),
		accLen:    uint8(len(m.acc) - accOff),
		seqOff:    uint32(seqOff),
		seqLen:    uint32(len(m.seq) - seqOff),
		price:     r.price,
		certified: r.certifiedDays,
		created:   r.createdNanos,
		xid:       r.xid,
	}
	m.hot[o] = docHot{price: r.price, groups: groups, province: m.provinces.add(r.provinceCode, r.provinceName, r.provF), star: int8(r.star), live: true}
	if moved {
		m.reorder(o)
	}
	m.version++
	m.compact()
}

// compactMin is the least waste worth compacting (changed by tests).
var compactMin = 1 << 16

// compact copies the live documents' words and accents into new arenas
// once updates have left more behind than they hold.
func (m *memIndex) compact() {
	if m.waste < compactMin || m.waste < len(m.seq)/2 {
		return
	}
	seq := make([]byte, 0, len(m.seq)-m.waste)
	acc := make([]int32, 0, len(m.acc))
	for o := range m.docs {
		d := &m.docs[o]
		if !m.hot[o].live {
			continue
		}
		off := len(seq)
		seq = append(seq, m.seq[d.seqOff:d.seqOff+d.seqLen]...)
		d.seqOff = uint32(off)
		off = len(acc)
		acc = append(acc, m.acc[d.accOff:d.accOff+uint32(d.accLen)]...)
		d.accOff = uint32(off)
	}
	m.seq, m.acc, m.waste = seq, acc, 0
}

// trim gives back the spare capacity appending left in the copy's slices
// (up to a fifth of each past a few hundred elements, half of each small
// one) once a full load is done: some 15 MiB of 100,000 documents.
func (m *memIndex) trim() {
	m.seq, m.acc = clipped(m.seq), clipped(m.acc)
	m.docs, m.hot = clipped(m.docs), clipped(m.hot)
	for i := range m.post {
		p := &m.post[i]
		p.docs, p.fields = clipped(p.docs), clipped(p.fields)
	}
	m.post, m.words, m.sorted = clipped(m.post), clipped(m.words), clipped(m.sorted)
	for k, ids := range m.trigrams {
		m.trigrams[k] = clipped(ids)
	}
}

// clipped is s in a slice of its own length when its capacity is larger.
func clipped[T any](s []T) []T {
	if cap(s) == len(s) {
		return s
	}
	return slices.Clone(s)
}

// seqOf is d's word ids in text order, each a uvarint (encoding/binary):
// the frequent words, met first, take one or two bytes instead of four.
func (m *memIndex) seqOf(d *memDoc) []byte { return m.seq[d.seqOff : d.seqOff+d.seqLen] }

// wordsOf yields d's word ids in text order.
func (m *memIndex) wordsOf(d *memDoc) func(yield func(int32) bool) {
	return func(yield func(int32) bool) {
		for b := m.seqOf(d); len(b) > 0; {
			v, n := binary.Uvarint(b)
			if n <= 0 || !yield(int32(v)) {
				return
			}
			b = b[n:]
		}
	}
}

// encodePhrase is ids as they are written in seq.
func encodePhrase(ids []int32) []byte {
	var b []byte
	for _, id := range ids {
		b = binary.AppendUvarint(b, uint64(id))
	}
	return b
}

// hasPhrase reports whether d's words hold the ids of phrase (encodePhrase)
// one after the other, followed by any of last (ascending).
func (m *memIndex) hasPhrase(d *memDoc, phrase []byte, last []int32) bool {
	seq := m.seqOf(d)
	for from := 0; from < len(seq); {
		i := bytes.Index(seq[from:], phrase)
		if i < 0 {
			return false
		}
		i += from
		from = i + 1
		if i > 0 && seq[i-1] >= 0x80 {
			continue // the bytes end a longer id: not where a word starts
		}
		// phrase ends with an id's last byte, so the next word starts here
		v, n := binary.Uvarint(seq[i+len(phrase):])
		if n <= 0 {
			return false // the phrase ends the document
		}
		if _, ok := slices.BinarySearch(last, int32(v)); ok {
			return true
		}
	}
	return false
}

// compare returns the order of documents a and b in order k: ascending
// means "comes first"; ties are broken by id, so no two compare equal.
func (m *memIndex) compare(k int) func(a, b uint32) int {
	newest := func(x, y *memDoc) int {
		if c := cmp.Compare(y.certified, x.certified); c != 0 {
			return c
		}
		if c := cmp.Compare(y.created, x.created); c != 0 {
			return c
		}
		return cmp.Compare(y.idNum, x.idNum)
	}
	switch k {
	case byNewest:
		return func(a, b uint32) int { return newest(&m.docs[a], &m.docs[b]) }
	case byPriceAsc:
		return func(a, b uint32) int {
			x, y := &m.docs[a], &m.docs[b]
			if c := cmp.Compare(x.price, y.price); c != 0 {
				return c
			}
			return cmp.Compare(x.idNum, y.idNum)
		}
	case byPriceDesc:
		return func(a, b uint32) int {
			x, y := &m.docs[a], &m.docs[b]
			if c := cmp.Compare(y.price, x.price); c != 0 {
				return c
			}
			return cmp.Compare(x.idNum, y.idNum)
		}
	}
	return func(a, b uint32) int {
		x, y := &m.docs[a], &m.docs[b]
		if c := cmp.Compare(y.star, x.star); c != 0 {
			return c
		}
		return newest(x, y)
	}
}

// unorder takes document o out of the orders (before its keys change).
func (m *memIndex) unorder(o uint32) {
	if m.bulk {
		return
	}
	for k := range m.orders {
		c := m.compare(k)
		if i, ok := slices.BinarySearchFunc(m.orders[k], o, c); ok {
			m.orders[k] = slices.Delete(m.orders[k], i, i+1)
		}
	}
}

// reorder puts document o in its place in each order.
func (m *memIndex) reorder(o uint32) {
	if m.bulk {
		return
	}
	for k := range m.orders {
		i, _ := slices.BinarySearchFunc(m.orders[k], o, m.compare(k))
		m.orders[k] = slices.Insert(m.orders[k], i, o)
	}
}

// sortAll sorts the orders from scratch (after a bulk load).
func (m *memIndex) sortAll() {
	for k := range m.orders {
		ord := make([]uint32, 0, m.live)
		for o := range m.docs {
			if m.hot[o].live {
				ord = append(ord, uint32(o))
			}
		}
		slices.SortFunc(ord, m.compare(k))
		m.orders[k] = ord
	}
}

// remove deletes the document with id, if any.
func (m *memIndex) remove(id string) {
	idNum, err := parseID(id)
	if err != nil {
		return
	}
	o, ok := m.byID[idNum]
	if !ok {
		return
	}
	d := &m.docs[o]
	for w := range m.wordsOf(d) {
		m.post[w].remove(o)
	}
	m.unorder(o)
	m.waste += int(d.seqLen) + int(d.accLen)
	m.docs[o] = memDoc{}
	m.hot[o] = docHot{}
	delete(m.byID, idNum)
	m.live--
	m.version++
}

// trigramsOf returns w's trigrams as pg_trgm makes them: the word padded
// with two spaces before and one after.
func trigramsOf(w string) []string {
	rs := []rune("  " + w + " ")
	out := make([]string, 0, len(rs)-2)
	for i := 0; i+3 <= len(rs); i++ {
		t := string(rs[i : i+3])
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// term is one query word resolved against the dictionary.
type term struct {
	alts   []int32 // dictionary words that match it
	whole  int32   // the word itself when it is matched as a prefix; -1 if none
	prefix bool
	size   int // postings to visit
}

// lookup resolves words as plan does in SQL: the last word as a prefix when
// some word begins with it, a known word as itself, an unknown one as the
// nearest words within the typos its length allows. It reports ok false
// when some word matches nothing.
func (m *memIndex) lookup(words []string, p *plan) (terms []term, corrected, ok bool) {
	for i, w := range words {
		t := term{whole: -1}
		if i == len(words)-1 {
			t.alts = m.prefixed(w)
		}
		id, known := m.dict[w]
		known = known && len(m.post[id].docs) > 0
		switch {
		case len(t.alts) > 0:
			t.prefix = true
			p.prefix = w
			if known {
				t.whole = id
			}
		case known:
			t.alts = []int32{id}
			p.marks[w] = true
		default:
			t.alts = m.nearest(w)
			if len(t.alts) == 0 {
				return nil, false, false
			}
			corrected = true
			for _, a := range t.alts {
				p.marks[m.words[a]] = true
			}
		}
		for _, a := range t.alts {
			t.size += len(m.post[a].docs)
		}
		terms = append(terms, t)
	}
	return terms, corrected, true
}

// prefixed returns the words (with documents) that begin with w.
func (m *memIndex) prefixed(w string) []int32 {
	i := sort.Search(len(m.sorted), func(i int) bool { return m.words[m.sorted[i]] >= w })
	var out []int32
	for ; i < len(m.sorted) && strings.HasPrefix(m.words[m.sorted[i]], w); i++ {
		if id := m.sorted[i]; len(m.post[id].docs) > 0 {
			out = append(out, id)
		}
	}
	return out
}

// nearest returns the dictionary words at the smallest edit distance from w
// within the typos its length allows, among those sharing a trigram with it.
func (m *memIndex) nearest(w string) []int32 {
	limit := maxTypos(utf8.RuneCountInString(w))
	if limit == 0 {
		return nil
	}
	n := utf8.RuneCountInString(w)
	seen := map[int32]bool{}
	var best []int32
	bestD := limit + 1
	for _, t := range trigramsOf(w) {
		for _, id := range m.trigrams[t] {
			if seen[id] {
				continue
			}
			seen[id] = true
			c := m.words[id]
			if len(m.post[id].docs) == 0 || abs(utf8.RuneCountInString(c)-n) > limit {
				continue
			}
			switch d := editDistance(w, c); {
			case d < bestD:
				best, bestD = []int32{id}, d
			case d == bestD:
				best = append(best, id)
			}
		}
	}
	if bestD > limit {
		return nil
	}
	slices.Sort(best)
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// hit is a candidate document with what ranking needs, gathered once.
type hit struct {
	doc    uint32
	fields uint8  // fields that hold every word
	rel    uint8  // tier, exact, whole, field packed: higher first
	key    uint64 // the order: higher first
}

var scratch = sync.Pool{New: func() any { return new([]uint8) }}

// match returns the documents that have every term, each with the fields
// that hold them all; whole is false for those whose last word is only the
// prefix of a longer word.
func (m *memIndex) match(terms []term) []hit {
	bufp := scratch.Get().(*[]uint8)
	defer scratch.Put(bufp)
	if cap(*bufp) < len(m.docs) {
		*bufp = make([]uint8, len(m.docs))
	}
	acc := (*bufp)[:len(m.docs)]
	order := make([]int, len(terms))
	for i := range order {
		order[i] = i
	}
	// the rarest word first: the candidates only shrink
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(terms[a].size, terms[b].size) })
	var hits []hit
	for n, ti := range order {
		t := terms[ti]
		for _, a := range t.alts {
			p := &m.post[a]
			extra := uint8(0)
			if a == t.whole {
				extra = wholeBit
			}
			for j, d := range p.docs {
				acc[d] |= p.fields[j] | extra
			}
		}
		if n == 0 {
			hits = getHits(t.size)
			for _, a := range t.alts {
				for _, d := range m.post[a].docs {
					if v := acc[d]; v != 0 {
						h := hit{doc: d, fields: v & fieldBits, rel: 1}
						if t.prefix && v&wholeBit == 0 {
							h.rel = 0
						}
						hits = append(hits, h)
						acc[d] = 0
					}
				}
			}
			continue
		}
		keep := hits[:0]
		for _, h := range hits {
			if v := acc[h.doc]; v != 0 {
				h.fields &= v
				if t.prefix && v&wholeBit == 0 {
					h.rel = 0
				}
				keep = append(keep, h)
			}
		}
		hits = keep
		for _, a := range t.alts {
			for _, d := range m.post[a].docs {
				acc[d] = 0
			}
		}
	}
	return hits
}

// filter keeps the hits (or, with all, the live documents) that pass q's
// filters.
func (m *memIndex) filter(q search.Query, hits []hit, all bool) []hit {
	pass := m.passer(q)
	if all {
		hits = getHits(m.live)
		for o := range m.hot {
			if d := &m.hot[o]; d.live && pass(d) {
				hits = append(hits, hit{doc: uint32(o)})
			}
		}
		return hits
	}
	keep := hits[:0]
	for _, h := range hits {
		if pass(&m.hot[h.doc]) {
			keep = append(keep, h)
		}
	}
	return keep
}

// passer returns q's filters as a test of a document.
func (m *memIndex) passer(q search.Query) func(d *docHot) bool {
	province, group := int32(-1), int32(-1)
	if q.Province != "" {
		i, ok := m.provinces.get(q.Province)
		if !ok {
			return func(*docHot) bool { return false }
		}
		province = i
	}
	if q.Group != "" {
		i, ok := m.groups.get(q.Group)
		if !ok {
			return func(*docHot) bool { return false }
		}
		group = i
	}
	var stars uint8
	for _, s := range q.Stars {
		stars |= 1 << s
	}
	return func(d *docHot) bool {
		if province >= 0 && d.province != province {
			return false
		}
		if group >= 0 && d.groups[0] != group && d.groups[1] != group && d.groups[2] != group {
			return false
		}
		if stars != 0 && stars&(1<<d.star) == 0 {
			return false
		}
		if q.PriceMin != nil && d.price < *q.PriceMin {
			return false
		}
		if q.PriceMax != nil && d.price > *q.PriceMax {
			return false
		}
		return true
	}
}

// search answers q (normalized) for words, as searchSQL does.
func (m *memIndex) search(q search.Query, words, accents []string, p *plan) search.Result {
	res := search.Result{Hits: []search.Hit{}, Facets: map[string]map[string]int{}}
	for _, f := range q.Facets {
		res.Facets[f] = map[string]int{}
	}
	if len(words) == 0 {
		m.browse(q, &res, p)
		return res
	}
	terms, corrected, ok := m.lookup(words, p)
	if !ok {
		return res
	}
	hits := m.filter(q, m.match(terms), false)
	res.Total = len(hits)
	m.facets(hits, res.Facets)

	// relevance: the tier (3 the words typed as a phrase, 2 all of them,
	// 1 typo-corrected), then the accents typed, whole word, field
	relevance := q.Sort == search.SortRelevance
	tier := uint8(3)
	var phrase []byte
	var last []int32
	switch {
	case corrected:
		tier = 1
	case len(terms) > 1:
		ids := make([]int32, 0, len(terms)-1)
		for _, t := range terms[:len(terms)-1] {
			ids = append(ids, t.alts[0]) // known words: one each
		}
		phrase = encodePhrase(ids)
		last = slices.Sorted(slices.Values(terms[len(terms)-1].alts))
	}
	exactOK := len(accents) > 0
	var accentIDs []int32
	for _, a := range accents {
		id, ok := m.accentIDs[a]
		exactOK = exactOK && ok // an accent no name has: none is exact
		accentIDs = append(accentIDs, id)
	}
	rank := m.rank()[orderOf(q.Sort)] // relevance ties go by star, then newest
	for i := range hits {
		h := &hits[i]
		h.key = uint64(math.MaxUint32 - rank[h.doc])
		if !relevance {
			continue
		}
		d := &m.docs[h.doc]
		t := tier
		if last != nil {
			t = 2
			if m.hasPhrase(d, phrase, last) {
				t = 3
			}
		}
		rel := t<<4 | h.rel<<2 // h.rel holds whole (1) or not (0)
		if exactOK && containsAll(m.acc[d.accOff:d.accOff+uint32(d.accLen)], accentIDs) {
			rel |= 1 << 3
		}
		switch {
		case h.fields&inName != 0:
			rel |= 2
		case h.fields&inProducer != 0:
			rel |= 1
		}
		h.key |= uint64(rel) << 32
	}
	page := topK(hits, q.Offset(), q.PerPage, func(a, b *hit) bool { return a.key > b.key })
	for _, h := range page {
		d := &m.docs[h.doc]
		res.Hits = append(res.Hits, search.Hit{ID: strconv.FormatInt(d.idNum, 10), Slug: d.slug, Highlight: map[string]string{
			"name": search.Highlight(d.name, p.marks, p.prefix),
		}})
	}
	putHits(hits)
	return res
}

// browse answers a search without words: one pass over every document for
// the total and the facets, and the page from the order kept sorted.
func (m *memIndex) browse(q search.Query, res *search.Result, p *plan) {
	hits := m.filter(q, nil, true)
	res.Total = len(hits)
	m.facets(hits, res.Facets)
	putHits(hits)
	if res.Total <= q.Offset() {
		return
	}
	pass := m.passer(q)
	skip, want := q.Offset(), q.PerPage
	for _, o := range m.orders[orderOf(q.Sort)] {
		if !pass(&m.hot[o]) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		d := &m.docs[o]
		res.Hits = append(res.Hits, search.Hit{ID: strconv.FormatInt(d.idNum, 10), Slug: d.slug, Highlight: map[string]string{
			"name": search.Highlight(d.name, p.marks, p.prefix),
		}})
		if want--; want == 0 {
			break
		}
	}
}

var hitPool = sync.Pool{New: func() any { return new([]hit) }}

func getHits(n int) []hit {
	hp := hitPool.Get().(*[]hit)
	if cap(*hp) < n {
		return make([]hit, 0, n)
	}
	return (*hp)[:0]
}

func putHits(h []hit) {
	if cap(h) > 0 {
		h = h[:0]
		hitPool.Put(&h)
	}
}

func containsAll(have, want []int32) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// facets counts hits by province, star and group into the facets asked for.
func (m *memIndex) facets(hits []hit, out map[string]map[string]int) {
	if len(out) == 0 {
		return
	}
	provinces := make([]int, len(m.provinces.keys))
	groups := make([]int, len(m.groups.keys))
	var stars [8]int
	for _, h := range hits {
		d := &m.hot[h.doc]
		provinces[d.province]++
		stars[d.star&7]++
		for _, g := range d.groups {
			if g >= 0 {
				groups[g]++
			}
		}
	}
	if f, ok := out[search.FacetProvince]; ok {
		for i, n := range provinces {
			if n > 0 {
				f[m.provinces.keys[i]] = n
			}
		}
	}
	if f, ok := out[search.FacetStar]; ok {
		for s, n := range stars {
			if n > 0 {
				f[string(rune('0'+s))] = n
			}
		}
	}
	if f, ok := out[search.FacetGroup]; ok {
		for i, n := range groups {
			if n > 0 {
				f[m.groups.keys[i]] = n
			}
		}
	}
}

// ranks are each live document's position in each order, for the
// version of the index they were computed at.
type ranks struct {
	version uint64
	at      [numOrders][]uint32
}

// rank returns the positions of the documents in the orders, computing
// them again after a change. The caller holds mu for reading.
func (m *memIndex) rank() *[numOrders][]uint32 {
	if r := m.ranks.Load(); r != nil && r.version == m.version {
		return &r.at
	}
	r := &ranks{version: m.version}
	for k := range r.at {
		r.at[k] = make([]uint32, len(m.docs))
		for i, o := range m.orders[k] {
			r.at[k][o] = uint32(i)
		}
	}
	m.ranks.Store(r)
	return &r.at
}

// topK returns hits[offset:offset+limit] of hits in before's order, keeping
// only the best offset+limit in a heap rather than sorting them all.
func topK(hits []hit, offset, limit int, before func(a, b *hit) bool) []hit {
	k := offset + limit
	if offset >= len(hits) {
		return nil
	}
	cmpf := func(a, b hit) int {
		switch {
		case before(&a, &b):
			return -1
		case before(&b, &a):
			return 1
		}
		return 0
	}
	if k >= len(hits)/2 {
		slices.SortFunc(hits, cmpf)
		return hits[offset:min(k, len(hits))]
	}
	// a max-heap of the best k so far: its root is the worst of them
	h := make([]hit, 0, k)
	worse := func(i, j int) bool { return before(&h[j], &h[i]) }
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			c := l
			if r := l + 1; r < len(h) && worse(r, l) {
				c = r
			}
			if !worse(c, i) {
				return
			}
			h[i], h[c] = h[c], h[i]
			i = c
		}
	}
	for i := range hits {
		x := &hits[i] // not a copy: &x would send each one to the heap
		if len(h) < k {
			h = append(h, *x)
			for i := len(h) - 1; i > 0; {
				parent := (i - 1) / 2
				if !worse(i, parent) {
					break
				}
				h[i], h[parent] = h[parent], h[i]
				i = parent
			}
			continue
		}
		if before(x, &h[0]) {
			h[0] = *x
			down(0)
		}
	}
	slices.SortFunc(h, cmpf)
	return h[offset:]
}

// suggest answers Suggest from memory, as suggestSQL does.
func (m *memIndex) suggest(words []string) []search.Suggestion {
	terms := make([]term, len(words))
	for i, w := range words {
		t := term{whole: -1}
		if i == len(words)-1 {
			t.alts = m.prefixed(w)
		} else if id, ok := m.dict[w]; ok {
			t.alts = []int32{id}
		}
		if len(t.alts) == 0 {
			return []search.Suggestion{}
		}
		for _, a := range t.alts {
			t.size += len(m.post[a].docs)
		}
		terms[i] = t
	}
	hits := m.match(terms)
	byKind := map[string][]search.Suggestion{}

	// products whose name has every word: best star, newest, slug
	var named []hit
	for _, h := range hits {
		if h.fields&inName != 0 {
			named = append(named, h)
		}
	}
	for _, h := range topK(named, 0, search.MaxSuggestions, func(a, b *hit) bool {
		x, y := &m.docs[a.doc], &m.docs[b.doc]
		if x.star != y.star {
			return x.star > y.star
		}
		if x.certified != y.certified {
			return x.certified > y.certified
		}
		return x.slug < y.slug
	}) {
		d := &m.docs[h.doc]
		byKind[search.KindProduct] = append(byKind[search.KindProduct], search.Suggestion{Kind: search.KindProduct, Key: d.slug, Text: d.name})
	}

	// producers whose name has every word, and provinces whose name does,
	// by how many matching products they have
	producers := map[int32]int{}
	provinces := map[int32]int{}
	provinceMatch := make([]bool, len(m.provinces.keys))
	for i, f := range m.provinces.folds {
		provinceMatch[i] = true
		for j, w := range words {
			pattern := " " + w
			if j < len(words)-1 {
				pattern += " "
			}
			if !strings.Contains(f, pattern) {
				provinceMatch[i] = false
				break
			}
		}
	}
	for _, h := range hits {
		d := &m.docs[h.doc]
		if h.fields&inProducer != 0 {
			producers[d.producer]++
		}
		if p := m.hot[h.doc].province; provinceMatch[p] {
			provinces[p]++
		}
	}
	putHits(hits)
	byKind[search.KindProducer] = ranked(producers, &m.producers, search.KindProducer)
	byKind[search.KindProvince] = ranked(provinces, &m.provinces, search.KindProvince)
	return search.MergeSuggestions(byKind)
}

// ranked returns up to MaxSuggestions of counts' keys, most first, then by
// key.
func ranked(counts map[int32]int, in *interned, kind string) []search.Suggestion {
	keys := make([]int32, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b int32) int {
		if c := cmp.Compare(counts[b], counts[a]); c != 0 {
			return c
		}
		return strings.Compare(in.keys[a], in.keys[b])
	})
	out := make([]search.Suggestion, 0, min(len(keys), search.MaxSuggestions))
	for _, k := range keys[:min(len(keys), search.MaxSuggestions)] {
		out = append(out, search.Suggestion{Kind: kind, Key: in.keys[k], Text: in.names[k]})
	}
	return out
}
