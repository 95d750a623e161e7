package pgsearch_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/search"
	"github.com/ocopvn/ocop/search/pgsearch"
	"github.com/ocopvn/ocop/search/searchtest"
)

// TestMemoryMatchesSQL: on 3,000 generated documents (and the suite's
// catalog), the memory copy and SQL give the same hits in the same order,
// the same totals, facets and highlights, for 400 random queries: words
// with and without diacritics, prefixes, typos, filters, sorts and pages.
func TestMemoryMatchesSQL(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	mem, sql := pgsearch.New(pool), pgsearch.New(pool)
	sql.Memory, sql.BrowseTTL = false, 0 // no cached counts: the writes go through mem
	docs := append(searchtest.Many(3000), searchtest.Documents()...)
	for i := range docs[3000:] {
		docs[3000+i].ID = fmt.Sprint(5000 + i)
	}
	if err := mem.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	if err := mem.Replace(ctx, docs); err != nil {
		t.Fatal(err)
	}
	words := []string{"nước", "nuoc", "mắm", "chè", "che", "trà", "mật", "ong", "hạt", "mắc", "cà", "phê", "rượu", "nem", "bánh", "gạo",
		"miến", "tinh", "dầu", "quế", "mây", "nấm", "linh", "chi", "gừng", "tương", "đặc", "sản", "hữu", "cơ", "loại", "1", "hà", "nội",
		"thái", "nguyên", "đắk", "lắk", "htx", "công", "ty", "số", "12", "khải", "hoàn", "tân", "cương", "xahn", "banh", "cuogn", "nguyne", "mô", "tả"}
	prefixes := []string{"n", "ch", "th", "ng", "m", "ca", "ph", "1", "ha", "qu"}
	provinces := []string{"", "", "", "", "", "", "", "", "01", "66", "91", "99"}
	groups := []string{"", "", "", "", "", "", "", "", "I", "I.5", "I.4.a", "II", "X"}
	sorts := []string{"", "", search.SortNewest, search.SortPriceAsc, search.SortPriceDesc, search.SortStar}
	r := rand.New(rand.NewPCG(1, 2))
	compare(t, mem, sql, r, words, prefixes, provinces, groups, sorts)

	// then changes through the copy's own Index (compacting the arenas
	// often on the way): 300 documents change
	// price, star, date or name, 100 go, 50 come (the orders and postings
	// are kept in place), and the answers still agree
	defer pgsearch.SetCompactMin(pgsearch.SetCompactMin(500))
	var changed []search.Document
	for range 300 {
		d := docs[r.IntN(3000)]
		d.PriceVND = int64(r.IntN(900000))
		d.Star = 3 + r.IntN(3)
		d.CertifiedOn = d.CertifiedOn.AddDate(0, 0, r.IntN(30))
		if r.IntN(3) == 0 {
			d.Name = words[r.IntN(len(words))] + " " + d.Name
		}
		changed = append(changed, d)
	}
	changed = append(changed, searchtest.Many(3050)[3000:]...)
	if err := mem.Index(ctx, changed...); err != nil {
		t.Fatal(err)
	}
	var gone []string
	for range 100 {
		gone = append(gone, fmt.Sprint(1+r.IntN(3000)))
	}
	if err := mem.Delete(ctx, gone...); err != nil {
		t.Fatal(err)
	}
	compare(t, mem, sql, r, words, prefixes, provinces, groups, sorts)

	// 1,200 changes at once (an import): the orders are sorted again
	var bulk []search.Document
	for i := range 1200 {
		d := docs[i]
		d.PriceVND, d.Star = int64(r.IntN(900000)), 3+r.IntN(3)
		bulk = append(bulk, d)
	}
	if err := mem.Index(ctx, bulk...); err != nil {
		t.Fatal(err)
	}
	compare(t, mem, sql, r, words, prefixes, provinces, groups, sorts)
}

func compare(t *testing.T, mem, sql *pgsearch.Index, r *rand.Rand, words, prefixes, provinces, groups, sorts []string) {
	t.Helper()
	ctx := context.Background()
	found, typed := 0, 0
	for i := range 400 {
		var q search.Query
		n := r.IntN(3)
		var text []string
		for range n {
			text = append(text, words[r.IntN(len(words))])
		}
		if n > 0 && r.IntN(3) == 0 {
			text = append(text, prefixes[r.IntN(len(prefixes))])
		}
		q.Text = strings.Join(text, " ")
		q.Province = provinces[r.IntN(len(provinces))]
		q.Group = groups[r.IntN(len(groups))]
		if r.IntN(6) == 0 {
			q.Stars = []int{3 + r.IntN(3)}
		}
		if r.IntN(6) == 0 {
			lo, hi := int64(100000), int64(500000)
			q.PriceMin, q.PriceMax = &lo, &hi
		}
		q.Sort = sorts[r.IntN(len(sorts))]
		q.Page = 1 + r.IntN(3)
		q.PerPage = []int{5, 20, 100}[r.IntN(3)]
		a, err := mem.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		b, err := sql.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if b.Total > 0 {
			found++
			if q.Text != "" {
				typed++
			}
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("query %d %+v:\nmemory %d %v %v\nSQL    %d %v %v", i, q, a.Total, hitIDs(a), a.Facets, b.Total, hitIDs(b), b.Facets)
			for j := range min(len(a.Hits), len(b.Hits)) {
				if !reflect.DeepEqual(a.Hits[j], b.Hits[j]) {
					t.Errorf("  first difference at %d: %+v / %+v", j, a.Hits[j], b.Hits[j])
					break
				}
			}
		}
	}
	// most queries find something, so the comparison is not of empty pages
	if found < 200 || typed < 80 {
		t.Errorf("only %d queries found something (%d with text)", found, typed)
	}
	t.Logf("%d of 400 queries found something, %d of them with text", found, typed)
	for _, text := range []string{"mat ong t", "htx", "cong ty 1", "ha n", "dak l", "nuoc mam ca", "che tan", "thai ng", "zz", "tinh dau qu"} {
		a, err := mem.Suggest(ctx, text)
		if err != nil {
			t.Fatal(err)
		}
		b, err := sql.Suggest(ctx, text)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("Suggest(%q):\nmemory %v\nSQL    %v", text, a, b)
		}
	}
}

func hitIDs(r search.Result) []string {
	out := make([]string, len(r.Hits))
	for i, h := range r.Hits {
		out[i] = h.ID
	}
	return out
}

// TestMemoryFollowsOtherProcesses: a copy loaded by one Index sees what
// another Index (another process) writes, deletes and replaces, including a
// change whose transaction began before the copy's last look and committed
// after it.
func TestMemoryFollowsOtherProcesses(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	a, b := pgsearch.New(pool), pgsearch.New(pool)
	docs := searchtest.Documents()
	if err := b.Index(ctx, docs[:4]...); err != nil {
		t.Fatal(err)
	}
	if err := a.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	find := func(text string) []string {
		t.Helper()
		r, err := a.Search(ctx, search.Query{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return hitIDs(r)
	}
	if got := find("che tan cuong"); !reflect.DeepEqual(got, []string{"2"}) {
		t.Fatalf("loaded: %v", got)
	}
	a.Fresh = 0
	if err := b.Index(ctx, docs[4]); err != nil {
		t.Fatal(err)
	}
	if got := find("hat mac ca"); !reflect.DeepEqual(got, []string{"5"}) {
		t.Errorf("a document another process added: %v", got)
	}
	if err := b.Delete(ctx, "5"); err != nil {
		t.Fatal(err)
	}
	if got := find("hat mac ca"); len(got) != 0 {
		t.Errorf("a document another process deleted: %v", got)
	}

	// a transaction that began before a's look and commits after it
	late, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer late.Rollback(ctx)
	if _, err := late.Exec(ctx, `UPDATE search_document SET name = 'Chè móc câu', name_fold = 'che moc cau', xid = pg_current_xact_id() WHERE id = '2'`); err != nil {
		t.Fatal(err)
	}
	if err := b.Index(ctx, docs[5]); err != nil { // commits first
		t.Fatal(err)
	}
	if got := find("mat ong"); !reflect.DeepEqual(got, []string{"6"}) {
		t.Errorf("the committed change: %v", got)
	}
	if got := find("moc cau"); len(got) != 0 {
		t.Errorf("an uncommitted change is visible: %v", got)
	}
	if err := late.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if got := find("moc cau"); !reflect.DeepEqual(got, []string{"2"}) {
		t.Errorf("the change that committed late: %v", got)
	}

	if err := b.Replace(ctx, docs[6:8]); err != nil {
		t.Fatal(err)
	}
	r, err := a.Search(ctx, search.Query{PerPage: 100})
	if err != nil || r.Total != 2 {
		t.Errorf("after another process's Replace: %v, %v", hitIDs(r), err)
	}

	// with Fresh, the copy is read again at most that often: a search
	// right after another process's write may still see the old copy
	a.Fresh = 1 << 40
	if err := b.Index(ctx, docs[0]); err != nil {
		t.Fatal(err)
	}
	if got := find("khai hoan"); len(got) != 0 {
		t.Errorf("read again before Fresh: %v", got)
	}
	a.Fresh = 0
	if got := find("khai hoan"); !reflect.DeepEqual(got, []string{"1"}) {
		t.Errorf("after Fresh: %v", got)
	}
}

// TestMemoryConcurrent: searches and suggestions run while another
// goroutine writes (run with -race, as make test does); every answer is
// whole: its hits are within its total and never the deleted document.
func TestMemoryConcurrent(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	idx := pgsearch.New(pool)
	idx.Fresh = 0
	if err := idx.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	if err := idx.Replace(ctx, searchtest.Many(500)); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				r, err := idx.Search(ctx, search.Query{Text: []string{"mật ong", "che", "nuoc mam h", ""}[g], PerPage: 50})
				if err == nil && len(r.Hits) > r.Total {
					err = fmt.Errorf("%d hits of %d", len(r.Hits), r.Total)
				}
				if err == nil {
					_, err = idx.Suggest(ctx, "mat o")
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	docs := searchtest.Many(600)
	for i := range 20 {
		batch := docs[i*30 : i*30+30]
		for j := range batch {
			batch[j].PriceVND += int64(i)
		}
		if err := idx.Index(ctx, batch...); err != nil {
			t.Fatal(err)
		}
		if err := idx.Delete(ctx, fmt.Sprint(1+i)); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	r, err := idx.Search(ctx, search.Query{})
	if err != nil || r.Total != 580 {
		t.Errorf("after the writes: %d documents, %v; want 580", r.Total, err)
	}
}
