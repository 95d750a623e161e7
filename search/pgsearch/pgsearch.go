// Package pgsearch is the embedded search backend: PostgreSQL full-text
// search over its own search_document table (migration 00004), with no
// extra service to run.
//
// Text is folded in Go (internal/vntext.Fold), so "nuoc mam", "nước mắm",
// its NFD form and either tone placement are the same words. A query runs
// in two statements:
//
//  1. each folded query word is looked up in search_word, the dictionary of
//     every indexed word; a word that is not there is replaced by the
//     dictionary words nearest to it (GiST trigram distance for candidates,
//     then an edit distance of 1 for words of 4 to 7 letters, 2 from 8, none
//     below 4), and the last word also matches as a prefix (the shopper is
//     still typing);
//  2. one statement matches the folded tsvector (GIN index), ranks exact
//     phrase > all words > typo-corrected, then name matches, then star,
//     then newest, and counts the facets over the same matches.
//
// Words of documents deleted since the last Replace stay in the dictionary;
// they can only make a correction find nothing.
//
// That is the SQL path. By default (Index.Memory) a process answers from a
// copy of the index in memory that gives the same answers (memory.go) and
// follows the table (sync.go); the SQL path serves when the copy is off or
// cannot be loaded.
package pgsearch

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/vntext"
	"github.com/ocopvn/ocop/search"
)

// Index is the PostgreSQL search backend. It is safe for concurrent use.
type Index struct {
	pool *pgxpool.Pool
	now  func() time.Time

	// browse caches the total and facets of the unfiltered, textless
	// search (the "show everything" page), which would otherwise count the
	// whole table on every request. Writes through this Index clear it;
	// writes by another process show within BrowseTTL.
	browse atomic.Pointer[browseCounts]
	// BrowseTTL is how long the unfiltered counts are reused (default 5 s).
	BrowseTTL time.Duration

	// Memory answers searches and suggestions from an in-memory copy of
	// the index (memory.go), loaded on first use and brought up to date
	// with the rows changed since (sync.go): at once after a write through
	// this Index, and at most Fresh after a write by another process. With
	// Memory off, or when the copy cannot be loaded, they run in SQL.
	Memory bool
	// Fresh is how old the copy may get before a search reads the changes
	// (default 500 ms); 0 reads them before every search.
	Fresh time.Duration

	mem     atomic.Pointer[memIndex]
	loading atomic.Bool // a background load runs
	syncMu  sync.Mutex
	synced  atomic.Int64 // when the copy was last brought up to date, Unix ns
}

type browseCounts struct {
	at     time.Time
	total  int
	facets [3][]byte
}

var _ search.Index = (*Index)(nil)

// New returns the index stored in pool's database (migrated).
func New(pool *pgxpool.Pool) *Index {
	return &Index{pool: pool, now: time.Now, BrowseTTL: 5 * time.Second, Memory: true, Fresh: 500 * time.Millisecond}
}

// Index adds or replaces docs and adds their words to the dictionary.
func (x *Index) Index(ctx context.Context, docs ...search.Document) (err error) {
	defer apperr.Wrap(&err, "pgsearch.Index(%d documents)", len(docs))
	if len(docs) == 0 {
		return nil
	}
	defer x.browse.Store(nil)
	if err := pgx.BeginFunc(ctx, x.pool, func(tx pgx.Tx) error {
		return upsertDocuments(ctx, tx, docs)
	}); err != nil {
		return err
	}
	return x.afterWrite(ctx)
}

// Delete removes the documents with ids.
func (x *Index) Delete(ctx context.Context, ids ...string) (err error) {
	defer apperr.Wrap(&err, "pgsearch.Delete(%d ids)", len(ids))
	if len(ids) == 0 {
		return nil
	}
	defer x.browse.Store(nil)
	if _, err = x.pool.Exec(ctx, deleteDocumentsSQL, ids); err != nil {
		return err
	}
	return x.afterWrite(ctx)
}

// Replace makes docs the whole index in one transaction: searchers see the
// old content until it commits, then the new.
func (x *Index) Replace(ctx context.Context, docs []search.Document) (err error) {
	defer apperr.Wrap(&err, "pgsearch.Replace(%d documents)", len(docs))
	defer x.browse.Store(nil)
	if err := pgx.BeginFunc(ctx, x.pool, func(tx pgx.Tx) error {
		// every process loads the new index whole (sync.go)
		if _, err := tx.Exec(ctx, `DELETE FROM search_document; DELETE FROM search_tombstone; UPDATE search_epoch SET epoch = epoch + 1`); err != nil {
			return err
		}
		// the dictionary is rebuilt too, dropping words no document has
		if _, err := tx.Exec(ctx, `DELETE FROM search_word`); err != nil {
			return err
		}
		for done := 0; done < len(docs); {
			n := min(len(docs)-done, 1000)
			if err := upsertDocuments(ctx, tx, docs[done:done+n]); err != nil {
				return err
			}
			done += n
			search.ReportProgress(ctx, done, len(docs))
		}
		return nil
	}); err != nil {
		return err
	}
	return x.afterWrite(ctx)
}

// plan is a query's words after dictionary lookup.
type plan struct {
	match     string          // tsquery every hit must match
	phrase    string          // tsquery of the words as typed, adjacent; "" when corrected
	all       string          // tsquery of all words as typed; "" when corrected
	name      string          // match, restricted to the name (weight A)
	producer  string          // match, restricted to the producer (weight B)
	accents   []string        // the words typed with their marks, when the text carries some
	marks     map[string]bool // folded words to highlight
	prefix    string          // the last word, highlighted as a prefix; "" when none
	unmatched bool            // some word matches nothing: no hits
}

// Search runs q.
func (x *Index) Search(ctx context.Context, q search.Query) (res search.Result, err error) {
	defer apperr.Wrap(&err, "pgsearch.Search")
	q, err = q.Normalize()
	if err != nil {
		return res, err
	}
	res.Facets = map[string]map[string]int{}
	for _, f := range q.Facets {
		res.Facets[f] = map[string]int{}
	}
	res.Hits = []search.Hit{}
	words := search.Words(q.Text)
	var accents []string
	if len(words) > 0 && vntext.HasAccents(q.Text) {
		accents = vntext.Accents(vntext.Truncate(q.Text, search.MaxQueryRune))
		if len(accents) > search.MaxWords {
			accents = accents[:search.MaxWords]
		}
	}
	if m := x.memory(ctx); m != nil {
		p := plan{marks: map[string]bool{}}
		m.mu.RLock()
		defer m.mu.RUnlock()
		return m.search(q, words, accents, &p), nil
	}
	var p plan
	if len(words) > 0 {
		p, err = x.plan(ctx, words)
		if err != nil {
			return res, err
		}
		// typed with diacritics: the names that carry them, as whole words,
		// rank first (a word still being typed matches no whole word)
		p.accents = accents
		if p.unmatched {
			return res, nil
		}
	}
	var total int
	var facets [3][]byte
	var hits []byte
	if c := x.browse.Load(); browsing(q, p) && c != nil && x.now().Sub(c.at) < x.BrowseTTL {
		total, facets = c.total, c.facets
		sql, args := pageSQL(q)
		if err := x.pool.QueryRow(ctx, sql, args...).Scan(&hits); err != nil {
			return res, err
		}
	} else {
		at := x.now()
		sql, args := searchSQL(q, p)
		if err := x.pool.QueryRow(ctx, sql, args...).Scan(&total, &facets[0], &facets[1], &facets[2], &hits); err != nil {
			return res, err
		}
		if browsing(q, p) {
			x.browse.Store(&browseCounts{at: at, total: total, facets: facets})
		}
	}
	res.Total = total
	for i, name := range []string{search.FacetProvince, search.FacetStar, search.FacetGroup} {
		if _, ok := res.Facets[name]; !ok {
			continue
		}
		counts := map[string]int{}
		if err := json.Unmarshal(facets[i], &counts); err != nil {
			return res, err
		}
		res.Facets[name] = counts
	}
	var rows [][3]string
	if err := json.Unmarshal(hits, &rows); err != nil {
		return res, err
	}
	for _, r := range rows {
		res.Hits = append(res.Hits, search.Hit{ID: r[0], Slug: r[1], Highlight: map[string]string{
			"name": search.Highlight(r[2], p.marks, p.prefix),
		}})
	}
	return res, nil
}

// browsing reports whether q is the unfiltered, textless search.
func browsing(q search.Query, p plan) bool {
	return p.match == "" && q.Province == "" && q.Group == "" && len(q.Stars) == 0 && q.PriceMin == nil && q.PriceMax == nil
}

// plan looks the words up in the dictionary and builds the tsqueries.
func (x *Index) plan(ctx context.Context, words []string) (plan, error) {
	rows, err := x.pool.Query(ctx, lookupWordsSQL, words)
	if err != nil {
		return plan{}, err
	}
	type lookup struct {
		known, prefixed bool
		near            []string
	}
	looks := make([]lookup, len(words))
	for rows.Next() {
		var i int
		var l lookup
		if err := rows.Scan(&i, &l.known, &l.prefixed, &l.near); err != nil {
			rows.Close()
			return plan{}, err
		}
		looks[i-1] = l
	}
	if err := rows.Err(); err != nil {
		return plan{}, err
	}

	p := plan{marks: map[string]bool{}}
	corrected := false
	var match, name, producer, phrase, all []string
	for i, w := range words {
		last := i == len(words)-1
		l := looks[i]
		var alts []string // tsquery lexemes
		switch {
		case last && l.prefixed:
			alts = []string{quote(w) + ":*"}
			p.prefix = w
		case l.known:
			alts = []string{quote(w)}
			p.marks[w] = true
		default:
			best := nearest(w, l.near)
			if len(best) == 0 {
				p.unmatched = true
				return p, nil
			}
			corrected = true
			for _, c := range best {
				alts = append(alts, quote(c))
				p.marks[c] = true
			}
		}
		if len(alts) == 1 {
			match = append(match, alts[0])
		} else {
			match = append(match, "("+strings.Join(alts, " | ")+")")
		}
		weighted := func(w string) string {
			out := make([]string, len(alts))
			for j, a := range alts {
				if strings.HasSuffix(a, ":*") {
					out[j] = a + w
				} else {
					out[j] = a + ":" + w
				}
			}
			return "(" + strings.Join(out, " | ") + ")"
		}
		name = append(name, weighted("A"))
		producer = append(producer, weighted("B"))
		phrase = append(phrase, alts[0])
		all = append(all, alts[0])
	}
	p.match = strings.Join(match, " & ")
	p.name = strings.Join(name, " & ")
	p.producer = strings.Join(producer, " & ")
	if !corrected {
		p.phrase = strings.Join(phrase, " <-> ")
		p.all = strings.Join(all, " & ")
	}
	return p, nil
}

// quote makes w a tsquery lexeme. Folded words hold only letters and
// digits; quoting (with any quote doubled) keeps that true whatever the
// input.
func quote(w string) string { return "'" + strings.ReplaceAll(w, "'", "''") + "'" }

// maxTypos is the edit distance allowed for a word of n runes, as
// Meilisearch's defaults: none below 4, one from 4, two from 8.
func maxTypos(n int) int {
	switch {
	case n >= 8:
		return 2
	case n >= 4:
		return 1
	}
	return 0
}

// nearest returns the candidates at the smallest edit distance from w, if
// that distance is allowed for w's length.
func nearest(w string, candidates []string) []string {
	limit := maxTypos(len([]rune(w)))
	best, bestD := []string(nil), limit+1
	for _, c := range candidates {
		d := editDistance(w, c)
		switch {
		case d < bestD:
			best, bestD = []string{c}, d
		case d == bestD:
			best = append(best, c)
		}
	}
	if bestD > limit {
		return nil
	}
	return best
}

// editDistance is the optimal-string-alignment distance (insertions,
// deletions, substitutions and adjacent transpositions) between a and b.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	prev2 := make([]int, len(y)+1)
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(y)]
}

// Suggest returns products, producers and provinces whose names contain
// every word typed, the last as a prefix.
func (x *Index) Suggest(ctx context.Context, text string) (_ []search.Suggestion, err error) {
	defer apperr.Wrap(&err, "pgsearch.Suggest")
	words := search.Words(text)
	out := []search.Suggestion{}
	if len(words) == 0 || len(words) == 1 && len([]rune(words[0])) < 2 {
		return out, nil // one letter would match most of the catalog
	}
	if m := x.memory(ctx); m != nil {
		m.mu.RLock()
		defer m.mu.RUnlock()
		return m.suggest(words), nil
	}
	weighted := func(weight string) string {
		lex := make([]string, len(words))
		for i, w := range words {
			lex[i] = quote(w) + ":" + weight
			if i == len(words)-1 {
				lex[i] = quote(w) + ":*" + weight
			}
		}
		return strings.Join(lex, " & ")
	}
	// words hold only letters and digits (search.Words), so no LIKE
	// wildcard can come from the shopper
	patterns := make([]string, len(words))
	for i, w := range words {
		patterns[i] = "% " + w + " %"
		if i == len(words)-1 {
			patterns[i] = "% " + w + "%"
		}
	}
	rows, err := x.pool.Query(ctx, suggestSQL, weighted("A"), weighted("B"), weighted("ABCD"), search.MaxSuggestions, patterns)
	if err != nil {
		return nil, err
	}
	byKind := map[string][]search.Suggestion{}
	for rows.Next() {
		var s search.Suggestion
		if err := rows.Scan(&s.Kind, &s.Key, &s.Text); err != nil {
			rows.Close()
			return nil, err
		}
		byKind[s.Kind] = append(byKind[s.Kind], s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return search.MergeSuggestions(byKind), nil
}

// fold is vntext.Fold of each string, joined by spaces.
func fold(ss ...string) string {
	var b strings.Builder
	for _, s := range ss {
		if f := vntext.Fold(s); f != "" {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(f)
		}
	}
	return b.String()
}

func upsertDocuments(ctx context.Context, tx pgx.Tx, docs []search.Document) error {
	batch := &pgx.Batch{}
	words := map[string]bool{}
	for _, d := range docs {
		if _, err := strconv.ParseUint(d.ID, 10, 63); err != nil {
			return apperr.E(apperr.Invalid, "Mã tài liệu không hợp lệ.", "document id "+strconv.Quote(d.ID)+" is not a decimal product id")
		}
		nameF := fold(d.Name)
		prodF := fold(d.ProducerName)
		provF := fold(d.ProvinceName)
		placeF := fold(append(append([]string{}, d.GroupNames...), d.ProvinceName, d.CommuneName)...)
		descF := fold(d.Description)
		for _, f := range []string{nameF, prodF, placeF, descF} {
			for _, w := range strings.Fields(f) {
				if len(w) <= 64 {
					words[w] = true
				}
			}
		}
		groups, names := d.GroupCodes, d.GroupNames
		if groups == nil {
			groups = []string{}
		}
		if names == nil {
			names = []string{}
		}
		accents := vntext.Accents(d.Name)
		if accents == nil {
			accents = []string{}
		}
		batch.Queue(upsertDocumentSQL, d.ID, d.Slug, d.Name, d.ProducerSlug, d.ProducerName,
			d.ProvinceCode, d.ProvinceName, d.CommuneCode, d.CommuneName, groups, names,
			d.Star, d.PriceVND, d.InStock, d.ImageURL, d.CertifiedOn, d.CreatedAt,
			nameF, prodF, provF, placeF, descF, accents)
	}
	list := make([]string, 0, len(words))
	for w := range words {
		list = append(list, w)
	}
	batch.Queue(insertWordsSQL, list)
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	batch.Queue(clearTombstonesSQL, ids)
	return tx.SendBatch(ctx, batch).Close()
}

// Count returns the number of documents in the index.
func (x *Index) Count(ctx context.Context) (n int, err error) {
	err = x.pool.QueryRow(ctx, `SELECT count(*) FROM search_document`).Scan(&n)
	return n, err
}
