// Package meili is the Meilisearch search backend (meilisearch-go).
//
// Every write waits for its task and reports a failed task as an error: a
// 202 is not "done" (SECURITY.md D-03). Settings are applied by Setup at
// start. Replace builds a fresh index, waits for it, and swaps it in
// atomically (D-04). Filters are built from typed values, each string
// quoted and escaped, never from concatenated user text. Query text
// is folded (internal/vntext.Fold) before it is sent, like pgsearch's.
package meili

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/search"
)

// Highlight tags: private-use runes that document text never holds (they
// are stripped on indexing), turned into <mark> after HTML escaping.
const (
	preTag  = '\uE000'
	postTag = '\uE001'
)

// Index is a Meilisearch index of products. It is safe for concurrent use.
type Index struct {
	client meilisearch.ServiceManager
	uid    string
	now    func() time.Time

	// TaskTimeout bounds the wait for one task (default 30 s).
	TaskTimeout time.Duration
	// TaskPoll is the interval between task status checks (default 50 ms).
	TaskPoll time.Duration
}

var _ search.Index = (*Index)(nil)

// New returns the index uid on the server at url. apiKey may be empty.
// httpClient may be nil (a client with a 10 s timeout).
func New(url, apiKey, uid string, httpClient *http.Client) *Index {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 10 * time.Second}
	}
	opts := []meilisearch.Option{meilisearch.WithCustomClient(httpClient), meilisearch.DisableRetries()}
	if apiKey != "" {
		opts = append(opts, meilisearch.WithAPIKey(apiKey))
	}
	return &Index{client: meilisearch.New(url, opts...), uid: uid, now: time.Now,
		TaskTimeout: 30 * time.Second, TaskPoll: 50 * time.Millisecond}
}

// Settings are the index settings Setup applies.
func Settings() *meilisearch.Settings {
	return &meilisearch.Settings{
		// ranked: a match in the name beats one in the producer, and so on
		SearchableAttributes: []string{"name", "producer_name", "group_names", "province_name", "commune_name", "description"},
		FilterableAttributes: []string{"province_code", "commune_code", "group_codes", "star", "price_vnd", "producer_slug", "in_stock"},
		SortableAttributes:   []string{"price_vnd", "star", "certified_ts", "created_ts"},
		DisplayedAttributes:  []string{"id", "slug", "name", "producer_slug", "producer_name", "province_code", "province_name"},
		// the default rules, then ties broken by star and newest, as pgsearch
		RankingRules: []string{"words", "typo", "proximity", "attribute", "sort", "exactness", "star:desc", "certified_ts:desc", "created_ts:desc"},
		Synonyms: map[string][]string{
			"che": {"tra"}, "tra": {"che"}, "chè": {"trà"}, "trà": {"chè"},
			"mac ca": {"macca"}, "macca": {"mac ca"}, "mắc ca": {"macca"},
		},
		TypoTolerance: &meilisearch.TypoTolerance{
			Enabled:             true,
			MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: 4, TwoTypos: 8},
			DisableOnWords:      []string{},
			DisableOnAttributes: []string{},
			DisableOnNumbers:    true,
		},
		LocalizedAttributes: []*meilisearch.LocalizedAttributes{{AttributePatterns: []string{"*"}, Locales: []string{"vie"}}},
		Faceting:            &meilisearch.Faceting{MaxValuesPerFacet: 200},
		Pagination:          &meilisearch.Pagination{MaxTotalHits: 10000},
	}
}

// document is a search.Document as Meilisearch stores it: the dates (which
// the Document leaves out of JSON) as Unix seconds, so they sort.
type document struct {
	search.Document
	CertifiedTS int64 `json:"certified_ts"`
	CreatedTS   int64 `json:"created_ts"`
}

var stripTags = strings.NewReplacer(string(preTag), "", string(postTag), "")

func toDocument(d search.Document) document {
	d.Name, d.Description, d.ProducerName = stripTags.Replace(d.Name), stripTags.Replace(d.Description), stripTags.Replace(d.ProducerName)
	return document{Document: d, CertifiedTS: d.CertifiedOn.Unix(), CreatedTS: d.CreatedAt.Unix()}
}

func unavailable(err error) error { return search.Unavailable("meilisearch", err) }

// wait waits for task uid to finish, within TaskTimeout, and returns an
// error if it failed or did not finish in time.
func (x *Index) wait(ctx context.Context, info *meilisearch.TaskInfo, err error) error {
	if err != nil {
		return unavailable(err)
	}
	ctx, cancel := context.WithTimeout(ctx, x.TaskTimeout)
	defer cancel()
	task, err := x.client.WaitForTaskWithContext(ctx, info.TaskUID, x.TaskPoll)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return unavailable(fmt.Errorf("task %d (%s) not finished after %s", info.TaskUID, info.Type, x.TaskTimeout))
		}
		return unavailable(err)
	}
	if task.Status != meilisearch.TaskStatusSucceeded {
		return unavailable(&TaskError{UID: task.UID, Type: string(task.Type), Status: string(task.Status), Code: task.Error.Code, Message: task.Error.Message})
	}
	return nil
}

// TaskError is a Meilisearch task that did not succeed.
type TaskError struct {
	UID                         int64
	Type, Status, Code, Message string
}

func (e *TaskError) Error() string {
	return fmt.Sprintf("meilisearch task %d (%s) %s: %s: %s", e.UID, e.Type, e.Status, e.Code, e.Message)
}

// Setup creates the index if needed and applies Settings, waiting for both.
func (x *Index) Setup(ctx context.Context) (err error) {
	defer apperr.Wrap(&err, "meili.Setup(%q)", x.uid)
	return x.setup(ctx, x.uid)
}

func (x *Index) setup(ctx context.Context, uid string) error {
	if err := x.ensureIndex(ctx, uid); err != nil {
		return err
	}
	info, err := x.client.Index(uid).UpdateSettingsWithContext(ctx, Settings())
	return x.wait(ctx, info, err)
}

// ensureIndex creates uid unless it exists.
func (x *Index) ensureIndex(ctx context.Context, uid string) error {
	info, err := x.client.CreateIndexWithContext(ctx, &meilisearch.IndexConfig{Uid: uid, PrimaryKey: "id"})
	err = x.wait(ctx, info, err)
	var te *TaskError
	if errors.As(err, &te) && te.Code == "index_already_exists" {
		return nil
	}
	return err
}

func primaryKey() *string { k := "id"; return &k }

// Index adds or replaces docs and waits until they are searchable.
func (x *Index) Index(ctx context.Context, docs ...search.Document) (err error) {
	defer apperr.Wrap(&err, "meili.Index(%d documents)", len(docs))
	return x.add(ctx, x.uid, docs)
}

func (x *Index) add(ctx context.Context, uid string, docs []search.Document) error {
	for done := 0; done < len(docs); {
		n := min(len(docs)-done, 1000)
		batch := make([]document, n)
		for i, d := range docs[done : done+n] {
			batch[i] = toDocument(d)
		}
		info, err := x.client.Index(uid).AddDocumentsWithContext(ctx, batch, &meilisearch.DocumentOptions{PrimaryKey: primaryKey()})
		if err := x.wait(ctx, info, err); err != nil {
			return err
		}
		done += n
		search.ReportProgress(ctx, done, len(docs))
	}
	return nil
}

// Delete removes the documents with ids and waits.
func (x *Index) Delete(ctx context.Context, ids ...string) (err error) {
	defer apperr.Wrap(&err, "meili.Delete(%d ids)", len(ids))
	if len(ids) == 0 {
		return nil
	}
	info, err := x.client.Index(x.uid).DeleteDocumentsWithContext(ctx, ids, nil)
	return x.wait(ctx, info, err)
}

// Replace fills a new index (uid_new_<unix ms>) with docs and the settings,
// swaps it with the live one in one atomic task, and deletes the old
// content. Searchers see the old index until the swap.
func (x *Index) Replace(ctx context.Context, docs []search.Document) (err error) {
	defer apperr.Wrap(&err, "meili.Replace(%d documents)", len(docs))
	tmp := x.uid + "_new_" + strconv.FormatInt(x.now().UnixMilli(), 10)
	if err := x.setup(ctx, tmp); err != nil {
		return err
	}
	drop := func() {
		info, err := x.client.DeleteIndexWithContext(context.WithoutCancel(ctx), tmp)
		_ = x.wait(context.WithoutCancel(ctx), info, err)
	}
	if err := x.add(ctx, tmp, docs); err != nil {
		drop()
		return err
	}
	if err := x.ensureIndex(ctx, x.uid); err != nil {
		drop()
		return err
	}
	info, err := x.client.SwapIndexesWithContext(ctx, []*meilisearch.SwapIndexesParams{{Indexes: []string{x.uid, tmp}}})
	if err := x.wait(ctx, info, err); err != nil {
		drop()
		return err
	}
	drop() // tmp now holds the old content
	return nil
}

// sorts are the sort clauses of each search sort.
var sorts = map[string][]string{
	search.SortRelevance: nil, // ranking rules: relevance, then star, then newest
	search.SortNewest:    {"certified_ts:desc", "created_ts:desc"},
	search.SortPriceAsc:  {"price_vnd:asc"},
	search.SortPriceDesc: {"price_vnd:desc"},
	search.SortStar:      {"star:desc", "certified_ts:desc", "created_ts:desc"},
}

var facetAttr = map[string]string{search.FacetProvince: "province_code", search.FacetStar: "star", search.FacetGroup: "group_codes"}

// quote makes s a Meilisearch filter string literal: double-quoted, with
// backslash and double quote escaped, so whatever s holds it stays one
// value.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// Filter builds q's filter: an AND of conditions, the stars an OR group.
// Strings are quoted literals; numbers are formatted from Go integers.
func Filter(q search.Query) []any {
	f := []any{}
	if q.Province != "" {
		f = append(f, "province_code = "+quote(q.Province))
	}
	if q.Group != "" {
		f = append(f, "group_codes = "+quote(q.Group))
	}
	if len(q.Stars) > 0 {
		or := make([]string, len(q.Stars))
		for i, s := range q.Stars {
			or[i] = "star = " + strconv.Itoa(s)
		}
		f = append(f, or)
	}
	if q.PriceMin != nil {
		f = append(f, "price_vnd >= "+strconv.FormatInt(*q.PriceMin, 10))
	}
	if q.PriceMax != nil {
		f = append(f, "price_vnd <= "+strconv.FormatInt(*q.PriceMax, 10))
	}
	return f
}

// Request builds the search request of q (normalised).
func Request(q search.Query) *meilisearch.SearchRequest {
	perPage := int64(q.PerPage)
	facets := make([]string, 0, len(q.Facets))
	for _, f := range q.Facets {
		facets = append(facets, facetAttr[f])
	}
	r := &meilisearch.SearchRequest{
		Page: int64(q.Page), HitsPerPage: &perPage, // page mode: exact totals
		Sort:                  sorts[q.Sort],
		Facets:                facets,
		AttributesToRetrieve:  []string{"id", "slug"},
		AttributesToHighlight: []string{"name"},
		HighlightPreTag:       string(preTag),
		HighlightPostTag:      string(postTag),
		Locales:               []string{"vie"},
		// every word must match, as in pgsearch (Meilisearch's default
		// drops words from the end until something matches)
		MatchingStrategy: meilisearch.All,
	}
	if f := Filter(q); len(f) > 0 {
		r.Filter = f
	}
	return r
}

// Search runs q.
func (x *Index) Search(ctx context.Context, q search.Query) (res search.Result, err error) {
	defer apperr.Wrap(&err, "meili.Search")
	q, err = q.Normalize()
	if err != nil {
		return res, err
	}
	text := strings.Join(search.Words(q.Text), " ")
	resp, err := x.client.Index(x.uid).SearchWithContext(ctx, text, Request(q))
	if err != nil {
		return res, unavailable(err)
	}
	res.Total = int(resp.TotalHits)
	res.Hits = make([]search.Hit, 0, len(resp.Hits))
	for _, h := range resp.Hits {
		var hit search.Hit
		var formatted struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(h["id"], &hit.ID); err != nil {
			return res, unavailable(fmt.Errorf("hit without id: %w", err))
		}
		_ = json.Unmarshal(h["slug"], &hit.Slug)
		if raw, ok := h["_formatted"]; ok {
			_ = json.Unmarshal(raw, &formatted)
		}
		hit.Highlight = map[string]string{"name": search.MarkedHighlight(formatted.Name, preTag, postTag)}
		res.Hits = append(res.Hits, hit)
	}
	res.Facets = map[string]map[string]int{}
	var dist map[string]map[string]int
	if len(resp.FacetDistribution) > 0 {
		if err := json.Unmarshal(resp.FacetDistribution, &dist); err != nil {
			return res, unavailable(fmt.Errorf("facet distribution: %w", err))
		}
	}
	for _, f := range q.Facets {
		counts := dist[facetAttr[f]]
		if counts == nil {
			counts = map[string]int{}
		}
		res.Facets[f] = counts
	}
	return res, nil
}

// Suggest searches the folded text and takes, from the best hits, the
// products whose name matched, and the distinct producers and provinces
// whose names matched.
func (x *Index) Suggest(ctx context.Context, text string) (_ []search.Suggestion, err error) {
	defer apperr.Wrap(&err, "meili.Suggest")
	words := search.Words(text)
	if len(words) == 0 || len(words) == 1 && len([]rune(words[0])) < 2 {
		return []search.Suggestion{}, nil
	}
	resp, err := x.client.Index(x.uid).SearchWithContext(ctx, strings.Join(words, " "), &meilisearch.SearchRequest{
		Limit:                50,
		AttributesToRetrieve: []string{"slug", "name", "producer_slug", "producer_name", "province_code", "province_name"},
		AttributesToSearchOn: []string{"name", "producer_name", "province_name"},
		ShowMatchesPosition:  true,
		MatchingStrategy:     meilisearch.All,
		Locales:              []string{"vie"},
	})
	if err != nil {
		return nil, unavailable(err)
	}
	byKind := map[string][]search.Suggestion{}
	seen := map[string]bool{}
	for _, h := range resp.Hits {
		var d struct {
			Slug, Name, ProducerSlug, ProducerName, ProvinceCode, ProvinceName string
		}
		var m map[string]json.RawMessage
		_ = json.Unmarshal(h["_matchesPosition"], &m)
		str := func(k string) string { var s string; _ = json.Unmarshal(h[k], &s); return s }
		d.Slug, d.Name, d.ProducerSlug, d.ProducerName, d.ProvinceCode, d.ProvinceName =
			str("slug"), str("name"), str("producer_slug"), str("producer_name"), str("province_code"), str("province_name")
		add := func(kind, key, text string) {
			if !seen[kind+key] {
				seen[kind+key] = true
				byKind[kind] = append(byKind[kind], search.Suggestion{Kind: kind, Key: key, Text: text})
			}
		}
		if _, ok := m["name"]; ok {
			add(search.KindProduct, d.Slug, d.Name)
		}
		if _, ok := m["producer_name"]; ok {
			add(search.KindProducer, d.ProducerSlug, d.ProducerName)
		}
		if _, ok := m["province_name"]; ok {
			add(search.KindProvince, d.ProvinceCode, d.ProvinceName)
		}
	}
	return search.MergeSuggestions(byKind), nil
}

// Drop deletes the index (tests use it to clean up).
func (x *Index) Drop(ctx context.Context) error {
	info, err := x.client.DeleteIndexWithContext(ctx, x.uid)
	return x.wait(ctx, info, err)
}

// SettingsDrift compares the index's settings on the server with Settings
// (the attributes and ranking rules search depends on) and names those
// that differ; none when they match.
func (x *Index) SettingsDrift(ctx context.Context) (drift []string, err error) {
	defer apperr.Wrap(&err, "meili.SettingsDrift(%q)", x.uid)
	got, err := x.client.Index(x.uid).GetSettingsWithContext(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	want := Settings()
	for name, pair := range map[string][2][]string{
		"searchableAttributes": {want.SearchableAttributes, got.SearchableAttributes},
		"sortableAttributes":   {want.SortableAttributes, got.SortableAttributes},
		"displayedAttributes":  {want.DisplayedAttributes, got.DisplayedAttributes},
		"rankingRules":         {want.RankingRules, got.RankingRules},
	} {
		if !slices.Equal(pair[0], pair[1]) {
			drift = append(drift, name)
		}
	}
	wantF, gotF := slices.Clone(want.FilterableAttributes), filterable(got.FilterableAttributes)
	slices.Sort(wantF)
	slices.Sort(gotF)
	if !slices.Equal(wantF, gotF) {
		drift = append(drift, "filterableAttributes")
	}
	slices.Sort(drift)
	return drift, nil
}

// filterable reads the server's filterable attributes, which newer servers
// may return as objects.
func filterable(v any) []string {
	var out []string
	switch x := v.(type) {
	case []string:
		out = x
	case []any:
		for _, e := range x {
			switch y := e.(type) {
			case string:
				out = append(out, y)
			case map[string]any:
				if ps, ok := y["attributePatterns"].([]any); ok {
					for _, p := range ps {
						if s, ok := p.(string); ok {
							out = append(out, s)
						}
					}
				}
			}
		}
	}
	return slices.Clone(out)
}

// Count returns the number of documents in the index.
func (x *Index) Count(ctx context.Context) (n int, err error) {
	defer apperr.Wrap(&err, "meili.Count(%q)", x.uid)
	st, err := x.client.Index(x.uid).GetStatsWithContext(ctx, nil)
	if err != nil {
		return 0, unavailable(err)
	}
	return int(st.NumberOfDocuments), nil
}
