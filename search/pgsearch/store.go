package pgsearch

import (
	"strconv"
	"strings"

	"github.com/ocopvn/ocop/search"
)

// upsertDocumentSQL writes one document; tsv is a generated column.
const upsertDocumentSQL = `
INSERT INTO search_document (id, slug, name, producer_slug, producer_name,
  province_code, province_name, commune_code, commune_name, group_codes, group_names,
  star, price_vnd, in_stock, image_url, certified_on, created_at,
  name_fold, producer_fold, province_fold, place_fold, desc_fold, name_accents)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
ON CONFLICT (id) DO UPDATE SET
  slug = EXCLUDED.slug, name = EXCLUDED.name, producer_slug = EXCLUDED.producer_slug,
  producer_name = EXCLUDED.producer_name, province_code = EXCLUDED.province_code,
  province_name = EXCLUDED.province_name, commune_code = EXCLUDED.commune_code,
  commune_name = EXCLUDED.commune_name, group_codes = EXCLUDED.group_codes,
  group_names = EXCLUDED.group_names, star = EXCLUDED.star, price_vnd = EXCLUDED.price_vnd,
  in_stock = EXCLUDED.in_stock, image_url = EXCLUDED.image_url,
  certified_on = EXCLUDED.certified_on, created_at = EXCLUDED.created_at,
  name_fold = EXCLUDED.name_fold, producer_fold = EXCLUDED.producer_fold,
  province_fold = EXCLUDED.province_fold, place_fold = EXCLUDED.place_fold,
  desc_fold = EXCLUDED.desc_fold, name_accents = EXCLUDED.name_accents,
  xid = pg_current_xact_id()`

// insertWordsSQL adds words to the dictionary. Words of deleted documents
// stay until the next Replace; a stale word only makes a correction find
// nothing.
const insertWordsSQL = `
INSERT INTO search_word (word) SELECT unnest($1::text[]) ORDER BY 1 ON CONFLICT DO NOTHING`

// deleteDocumentsSQL deletes documents and leaves a tombstone for each, for
// the memory copies of other processes (sync.go).
const deleteDocumentsSQL = `
WITH gone AS (DELETE FROM search_document WHERE id = ANY($1) RETURNING id)
INSERT INTO search_tombstone (id) SELECT id FROM gone
ON CONFLICT (id) DO UPDATE SET xid = pg_current_xact_id()`

// clearTombstonesSQL drops the tombstones of documents written again.
const clearTombstonesSQL = `DELETE FROM search_tombstone WHERE id = ANY($1)`

// lookupWordsSQL tells, for each query word (numbered from 1), whether the
// dictionary has it, whether some dictionary word begins with it (a byte-wise
// range on the text_pattern_ops index; chr(1114111) is the highest code
// point), and, when it is unknown, the 8 dictionary words nearest to it by
// trigram distance (a KNN scan of the GiST index).
const lookupWordsSQL = `
SELECT w.i::int,
       EXISTS (SELECT 1 FROM search_word d WHERE d.word = w.word),
       EXISTS (SELECT 1 FROM search_word d WHERE d.word ~>=~ w.word AND d.word ~<~ (w.word || chr(1114111))),
       CASE WHEN EXISTS (SELECT 1 FROM search_word d WHERE d.word = w.word) THEN '{}'::text[]
            ELSE ARRAY(SELECT d.word FROM search_word d ORDER BY d.word <-> w.word LIMIT 8) END
FROM unnest($1::text[]) WITH ORDINALITY AS w(word, i)`

// orders are the ORDER BY clauses of each sort (an allowlist: user input
// only selects among them). Relevance: the tier, then the name carrying
// the diacritics typed (exact), a whole word before the prefix of a longer
// one (whole), the field the words are in (field: 2 the name, 1 the
// producer, 0 elsewhere), then star and newest.
var orders = map[string]string{
	search.SortRelevance: "tier DESC, exact DESC, whole DESC, field DESC, star DESC, certified_on DESC, created_at DESC, id::bigint DESC",
	search.SortNewest:    "certified_on DESC, created_at DESC, id::bigint DESC",
	search.SortPriceAsc:  "price_vnd, id::bigint",
	search.SortPriceDesc: "price_vnd DESC, id::bigint",
	search.SortStar:      "star DESC, certified_on DESC, created_at DESC, id::bigint DESC",
}

// searchSQL builds the search statement from constant fragments; every
// value, including the tsqueries, is a bind parameter (SECURITY.md X-04).
// Conditions are added only for the filters present, so each shape gets a
// plan that uses its indexes.
//
// m holds the matches (tier 3: exact phrase, 2: all words as typed, 1:
// typo-corrected; in_name: every word in the name); f counts them by
// province (whose counts add up to the total), star and group level; the
// outer select returns the counts and one page in order.
func searchSQL(q search.Query, p plan) (string, []any) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	tier, exact, whole, field := "0", "false", "true", "0"
	where := []string{"true"}
	if p.match != "" {
		where = append(where, "tsv @@ "+arg(p.match)+"::tsquery")
		// Without corrections every match has all words as typed (match and
		// all are the same query), so only the phrase needs testing, and a
		// single word is its own phrase. Each test costs a tsvector match
		// per row, so none is repeated.
		switch {
		case p.phrase == "":
			tier = "1"
		case p.phrase == p.all:
			tier = "3"
		case p.all == p.match:
			tier = "CASE WHEN tsv @@ " + arg(p.phrase) + "::tsquery THEN 3 ELSE 2 END"
		default:
			tier = "CASE WHEN tsv @@ " + arg(p.phrase) + "::tsquery THEN 3 WHEN tsv @@ " + arg(p.all) + "::tsquery THEN 2 ELSE 1 END"
		}
		field = "CASE WHEN tsv @@ " + arg(p.name) + "::tsquery THEN 2 WHEN tsv @@ " + arg(p.producer) + "::tsquery THEN 1 ELSE 0 END"
		if len(p.accents) > 0 {
			exact = "name_accents @> " + arg(p.accents) + "::text[]"
		}
		if p.prefix != "" {
			whole = "tsv @@ " + arg(quote(p.prefix)) + "::tsquery"
		}
	}
	if q.Province != "" {
		where = append(where, "province_code = "+arg(q.Province))
	}
	if q.Group != "" {
		where = append(where, "group_codes @> ARRAY["+arg(q.Group)+"::text]")
	}
	if len(q.Stars) > 0 {
		stars := make([]int16, len(q.Stars))
		for i, s := range q.Stars {
			stars[i] = int16(s)
		}
		where = append(where, "star = ANY("+arg(stars)+"::smallint[])")
	}
	if q.PriceMin != nil {
		where = append(where, "price_vnd >= "+arg(*q.PriceMin))
	}
	if q.PriceMax != nil {
		where = append(where, "price_vnd <= "+arg(*q.PriceMax))
	}
	order := orders[q.Sort]
	if p.match == "" && q.Sort == search.SortRelevance {
		order = orders[search.SortStar] // nothing to rank by: best stars, then newest
	}
	limit, offset := arg(q.PerPage), arg(q.Offset())
	return `
WITH m AS MATERIALIZED (
  SELECT id, province_code, star, group_codes, price_vnd, certified_on, created_at,
         ` + tier + ` AS tier, ` + exact + ` AS exact, ` + whole + ` AS whole, ` + field + ` AS field
  FROM search_document
  WHERE ` + strings.Join(where, " AND ") + `
), page AS (
  -- slug and name only for the page's rows
  SELECT m.*, d.slug, d.name FROM (SELECT * FROM m ORDER BY ` + order + ` LIMIT ` + limit + ` OFFSET ` + offset + `) m
  JOIN search_document d USING (id)
), f AS (
  -- every facet in one pass: a grouping set per facet and group level
  SELECT CASE WHEN GROUPING(province_code) = 0 THEN 'province' WHEN GROUPING(star) = 0 THEN 'star' ELSE 'group' END AS facet,
         coalesce(province_code, star::text, group_codes[1], group_codes[2], group_codes[3]) AS key,
         count(*) AS n
  FROM m
  GROUP BY GROUPING SETS ((province_code), (star), (group_codes[1]), (group_codes[2]), (group_codes[3]))
)
SELECT (SELECT coalesce(sum(n), 0) FROM f WHERE facet = 'province')::int,
  (SELECT coalesce(jsonb_object_agg(key, n), '{}') FROM f WHERE facet = 'province'),
  (SELECT coalesce(jsonb_object_agg(key, n), '{}') FROM f WHERE facet = 'star'),
  (SELECT coalesce(jsonb_object_agg(key, n), '{}') FROM f WHERE facet = 'group' AND key IS NOT NULL),
  (SELECT coalesce(jsonb_agg(jsonb_build_array(id, slug, name) ORDER BY ` + order + `), '[]') FROM page)`, args
}

// pageSQL returns one page of the unfiltered, textless search, in the same
// form as searchSQL's last column, for when its counts are cached.
func pageSQL(q search.Query) (string, []any) {
	order := orders[q.Sort]
	if q.Sort == search.SortRelevance {
		order = orders[search.SortStar]
	}
	return `
SELECT coalesce(jsonb_agg(jsonb_build_array(id, slug, name) ORDER BY ` + order + `), '[]')
FROM (SELECT id, slug, name, star, price_vnd, certified_on, created_at FROM search_document
      ORDER BY ` + order + ` LIMIT $1 OFFSET $2) page`, []any{q.PerPage, q.Offset()}
}

// suggestSQL returns, for the words typed (the last as a prefix), up to $4
// products whose name has them all ($1: the tsquery restricted to weight A,
// the name), producers whose name has them all ($2: weight B), and
// provinces whose folded name has them all ($5: LIKE patterns on
// province_fold, " w " for each word, " w%" for the last), among the
// documents that have them all anywhere ($3, found with the GIN index once).
const suggestSQL = `
WITH m AS MATERIALIZED (
  SELECT slug, name, producer_slug, producer_name, province_code, province_name, province_fold,
         star, certified_on, tsv
  FROM search_document WHERE tsv @@ $3::tsquery
)
(SELECT 'product', slug, name FROM m
  WHERE tsv @@ $1::tsquery
  ORDER BY star DESC, certified_on DESC, slug LIMIT $4)
UNION ALL
(SELECT 'producer', producer_slug, min(producer_name) FROM m
  WHERE tsv @@ $2::tsquery
  GROUP BY producer_slug ORDER BY count(*) DESC, producer_slug LIMIT $4)
UNION ALL
(SELECT 'province', province_code, min(province_name) FROM m
  WHERE ' ' || province_fold || ' ' LIKE ALL ($5::text[])
  GROUP BY province_code ORDER BY count(*) DESC, province_code LIMIT $4)`
