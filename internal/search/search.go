package search

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"kommunalforum/internal/store"
)

// Boosts: a word in the title counts most, a compound that merely ends
// in the word ("Bauantrag" for "Antrag") least.
const (
	boostTitle    = 3.0
	boostBody     = 1.0
	boostTitleRev = 0.6 // for similar questions, which look at titles only
	boostCompound = 0.03
	// boostFilter nearly zeroes the score of filters (topic fields the
	// viewer may see, typ:, …): they select and must not rank, or a
	// popular field would pull its documents down.
	boostFilter = 1e-4
)

// Request is one search.
type Request struct {
	Query string
	// Viewer sees the result; Fields are the topic fields Viewer may see
	// (store.DB.TopicFields): only documents in these fields are found.
	Viewer store.Viewer
	Fields []store.TopicField
	// AllFields, when set, are all topic fields (the admin's view). Then
	// the query excludes the few fields Viewer may not see instead of
	// admitting the many it may: the same documents, found much faster.
	// A field missing from AllFields (created since it was read) would
	// not be excluded, so pass a list read for this request.
	AllFields []store.TopicField
	// ByDate sorts newest first instead of by relevance.
	ByDate  bool
	Page    int // 1-based
	PerPage int
}

// MaxPage and MaxPerPage bound deep paging (bleve collects From+Size hits).
const (
	MaxPage    = 100
	MaxPerPage = 200
)

// Hit is one result: the document as SQLite has it now and a snippet of
// its text, HTML-escaped, with the matching words in <mark>.
type Hit struct {
	store.SearchDoc
	SnippetHTML string
	Score       float64
}

// Facet is one value of a filter with the number of results it keeps.
type Facet struct {
	Key   string // the filter: themenfeld, typ, status, amtlich
	Value string // its value in the query syntax
	Label string // the topic field's name (themenfeld only)
	Count int
}

// FacetKeys are the filters offered as facets, in display order.
var FacetKeys = []string{"themenfeld", "typ", "status", "amtlich"}

// Result is one page of results.
type Result struct {
	Query  Query
	Total  int
	Hits   []Hit
	Facets map[string][]Facet // by FacetKeys
	// Suggestion is set when the exact query found nothing and the hits
	// come from a search that allows one typo per longer word: the query
	// with the words as found ("Meinten Sie …?").
	Suggestion string
	// Building means a rebuild is running: results may be incomplete.
	Building bool
}

// Search runs r. A query the user must correct comes back as *Error.
func (x *Index) Search(ctx context.Context, r Request) (Result, error) {
	q, err := Parse(r.Query)
	if err != nil {
		return Result{}, err
	}
	res := Result{Query: q, Building: x.Building(), Facets: map[string][]Facet{}}
	if q.Empty() {
		return res, nil
	}
	filter, err := filterQuery(q, r.Fields, r.AllFields)
	if err != nil {
		return res, err
	}
	r.PerPage = max(1, min(r.PerPage, MaxPerPage))
	r.Page = max(1, min(r.Page, MaxPage))
	out, counts, err := x.run(ctx, textQuery(q, false), filter, r, false)
	if err != nil {
		return res, err
	}
	var typo []typoWord
	if out.Total == 0 {
		if typo = typoWords(q); len(typo) > 0 {
			out, counts, err = x.run(ctx, textQuery(q, true), filter, r, true)
			if err != nil {
				return res, err
			}
		}
	}
	res.Total = int(out.Total) // #nosec G115 -- a hit count of our own index, far below MaxInt
	fieldName := map[string]string{}
	for _, f := range r.Fields {
		fieldName[strconv.FormatInt(f.ID, 10)] = f.Name
	}
	slugOf := map[string]string{}
	for _, f := range r.Fields {
		slugOf[strconv.FormatInt(f.ID, 10)] = f.Slug
	}
	res.Facets = facets(counts.terms(), slugOf, fieldName)
	res.Hits, err = x.hits(ctx, r.Viewer, out.Hits, q)
	if err != nil {
		return res, err
	}
	if len(typo) > 0 && len(res.Hits) > 0 {
		res.Suggestion = suggestion(q, typo, out.Hits[0], res.Hits)
	}
	return res, nil
}

// facets adds up the counts of the documents' facet keywords (facetValue)
// per filter value, ordered by count (ties: by value).
func facets(terms []*search.TermFacet, slugOf, fieldName map[string]string) map[string][]Facet {
	counts := map[[2]string]int{}
	for _, t := range terms {
		field, typ, status, official, ok := parseFacet(t.Term)
		if !ok {
			continue
		}
		counts[[2]string{"themenfeld", field}] += t.Count
		counts[[2]string{"typ", typ}] += t.Count
		if status != "" {
			counts[[2]string{"status", status}] += t.Count
		}
		counts[[2]string{"amtlich", official}] += t.Count
	}
	out := map[string][]Facet{}
	for kv, n := range counts {
		f := Facet{Key: kv[0], Value: kv[1], Count: n}
		if f.Key == "themenfeld" {
			f.Value, f.Label = slugOf[kv[1]], fieldName[kv[1]]
			if f.Value == "" {
				continue // cannot happen: the filter admits only these fields
			}
		}
		out[f.Key] = append(out[f.Key], f)
	}
	for _, fs := range out {
		slices.SortFunc(fs, func(a, b Facet) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
	}
	return out
}

// run searches text AND filter for one page, counting the facets.
func (x *Index) run(ctx context.Context, text textClauses, f filter, r Request, locations bool) (*bleve.SearchResult, *facetCounts, error) {
	counts := &facetCounts{}
	q := countFacets{Query: text.query(f), tables: &x.facetTables, counts: counts}
	sr := bleve.NewSearchRequestOptions(q, r.PerPage, (r.Page-1)*r.PerPage, false)
	sr.IncludeLocations = locations
	if r.ByDate {
		sr.SortBy([]string{"-" + fDate, "-_score"})
	}
	out, err := x.idx.SearchInContext(ctx, sr)
	if err != nil {
		return nil, nil, fmt.Errorf("search: %w", err)
	}
	return out, counts, nil
}

// filter is the part of a query that selects without ranking.
type filter struct {
	must, mustNot []query.Query
}

// filterQuery is what the viewer may see (the topic fields) and the
// query's filters. With all fields known, the invisible ones are
// excluded; else the visible ones are required (see Request.AllFields).
func filterQuery(q Query, fields, all []store.TopicField) (filter, error) {
	var fl filter
	if len(fields) == 0 {
		fl.must = []query.Query{query.NewMatchNoneQuery()}
		return fl, nil
	}
	bySlug := map[string]int64{}
	visible := map[int64]bool{}
	for _, f := range fields {
		bySlug[f.Slug] = f.ID
		visible[f.ID] = true
	}
	if all != nil {
		for _, f := range all {
			if !visible[f.ID] {
				fl.mustNot = append(fl.mustNot, keyQuery(fField, strconv.FormatInt(f.ID, 10)))
			}
		}
	} else {
		var or []query.Query
		for _, f := range fields {
			or = append(or, keyQuery(fField, strconv.FormatInt(f.ID, 10)))
		}
		fl.must = append(fl.must, disjunction(or...))
	}
	anyOf := map[string][]query.Query{}
	var keys []string
	for _, f := range q.Filters {
		var fq query.Query
		switch f.Key {
		case "themenfeld":
			id, ok := bySlug[f.Value]
			if !ok {
				// A protected field answers like one that does not exist.
				return fl, queryErr("search.error.unknown_field", f.Value)
			}
			fq = keyQuery(fField, strconv.FormatInt(id, 10))
		case "typ":
			fq = keyQuery(fKind, f.Value)
		case "status":
			fq = keyQuery(fStatus, f.Value)
		case "amtlich":
			fq = keyQuery(fOfficial, f.Value)
		case "von":
			fq = keyQuery(fAuthor, nameSlug(f.Value))
		}
		if f.Neg {
			fl.mustNot = append(fl.mustNot, fq)
			continue
		}
		if anyOf[f.Key] == nil {
			keys = append(keys, f.Key)
		}
		anyOf[f.Key] = append(anyOf[f.Key], fq)
	}
	for _, k := range keys {
		fl.must = append(fl.must, disjunction(anyOf[k]...))
	}
	if !q.Before.IsZero() || !q.After.IsZero() {
		var lo, hi *float64
		if !q.After.IsZero() {
			v := float64(q.After.Unix())
			lo = &v
		}
		if !q.Before.IsZero() {
			v := float64(q.Before.Unix())
			hi = &v
		}
		yes, no := true, false
		dr := query.NewNumericRangeInclusiveQuery(lo, hi, &yes, &no)
		dr.SetField(fDate)
		dr.SetBoost(boostFilter)
		fl.must = append(fl.must, dr)
	}
	return fl, nil
}

func keyQuery(field, v string) query.Query {
	t := query.NewTermQuery(v)
	t.SetField(field)
	t.SetBoost(boostFilter)
	return t
}

func disjunction(qs ...query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

// textClauses are the words, phrases and exclusions of a query.
type textClauses struct {
	// groups must all match: each a word or words joined by OR, found
	// in the title, the body or as the end of a compound. scores are
	// the same groups without the compounds, to rank by (see query).
	groups, scores []query.Query
	// phrased are the groups with a phrase, which are matched on term
	// positions: they select and rank as they are, compounds included.
	phrased []query.Query
	not     []query.Query
	// none: the query's words were all stop words, so nothing matches.
	none bool
}

// textQuery is the words, phrases and exclusions of q; with typos, words
// of typoMinLen runes and more also match terms one edit away.
func textQuery(q Query, typos bool) textClauses {
	var t textClauses
	for _, g := range q.Groups {
		var or, score []query.Query
		phrased := false
		for _, term := range g {
			if c := termClause(term, true, typos); c != nil {
				or = append(or, c)
				score = append(score, termClause(term, false, typos))
				phrased = phrased || isPhrase(term)
			}
		}
		switch {
		case len(or) == 0:
		case phrased:
			t.phrased = append(t.phrased, disjunction(or...))
		default:
			t.groups = append(t.groups, disjunction(or...))
			t.scores = append(t.scores, disjunction(score...))
		}
	}
	for _, term := range q.Not {
		if c := termClause(term, false, false); c != nil {
			t.not = append(t.not, c)
		}
	}
	t.none = len(t.groups)+len(t.phrased) == 0 && len(q.Groups) > 0
	return t
}

// isPhrase reports whether termClause makes a phrase query of t.
func isPhrase(t Term) bool {
	ts, _ := termsOf(t)
	return !t.Prefix && len(ts) > 1
}

// termsOf is a word or phrase (not a prefix) analysed as the index holds
// it, with positions: one term for a word, the joined one for a
// hyphenated word ("E-Akte", see hyphenTerm), several for a phrase or a
// word analysis splits otherwise ("Stadt/Land").
func termsOf(t Term) ([]string, []int) {
	ts, pos := terms(t.Text)
	if len(ts) > 1 && !t.Phrase {
		if term, ok := hyphenTerm(t.Text); ok {
			return []string{term}, pos[:1]
		}
	}
	return ts, pos
}

// query is the search for t AND f. The documents are selected by an
// unscored copy of the groups, which bleve evaluates on the postings'
// bitmaps (OR within a word, AND across words); the scores are optional
// clauses on top, evaluated only at the documents selected.
//
// Scoring walks a term's postings one by one up to each document it is
// asked about (zap keeps frequencies and norms in runs that are read in
// order), so a scored clause costs as many steps as its term has
// documents, whatever the other words leave. Before, every word clause
// was scored and drove the conjunction: most of a query's time at a
// million posts, even for queries with a handful of hits. Compounds
// ("Bauantrag" for "Antrag") select but do not score: their postings are
// the longest (every long word ending in the word), and a compound's
// score only ever ranked it below the exact matches, which it still is,
// at 0. Documents found only as compounds rank among themselves in index
// order.
func (t textClauses) query(f filter) query.Query {
	must := slices.Clone(f.must)
	mustNot := slices.Clone(f.mustNot)
	var should []query.Query
	switch {
	case t.none:
		must = append(must, query.NewMatchNoneQuery())
	case len(t.groups)+len(t.phrased) == 0:
		// Only filters or exclusions: everything they leave.
		must = append(must, query.NewMatchAllQuery())
	case len(t.groups) == 0:
		must = append(slices.Clone(t.phrased), must...)
	default:
		must = append(append([]query.Query{unscored{query.NewConjunctionQuery(t.groups)}}, t.phrased...), must...)
		should = t.scores
	}
	if len(t.not) > 0 {
		mustNot = append(mustNot, unscored{disjunction(t.not...)})
	}
	return query.NewBooleanQuery(must, should, mustNot)
}

// unscored is a query that only selects: its searcher runs without scores
// or term vectors, which lets bleve combine term postings as bitmaps
// ("unadorned" conjunctions and disjunctions) instead of document by
// document. Its documents score 0.
type unscored struct{ query.Query }

func (u unscored) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	o.Score, o.IncludeTermVectors, o.Explain = "none", false, false
	return u.Query.Searcher(ctx, i, m, o)
}

// termClause is one word, phrase or prefix in the title or the body, and
// for plain words also as the end of a compound. It is nil for a word that
// analysis drops (a stop word such as "und").
func termClause(t Term, compounds, typos bool) query.Query {
	field := func(q interface {
		query.Query
		SetField(string)
		SetBoost(float64)
	}, f string, boost float64) query.Query {
		q.SetField(f)
		q.SetBoost(boost)
		return q
	}
	if t.Prefix {
		p := fold(t.Text)
		return disjunction(field(query.NewPrefixQuery(p), fTitle, boostTitle), field(query.NewPrefixQuery(p), fBody, boostBody))
	}
	ts, pos := termsOf(t)
	switch {
	case len(ts) == 0:
		return nil
	case len(ts) > 1:
		// A phrase, or a word analysis splits ("Stadt/Land"): the terms
		// in order, with gaps where stop words were.
		var ph []string
		for i, term := range ts {
			if i > 0 {
				for g := pos[i-1] + 1; g < pos[i]; g++ {
					ph = append(ph, "")
				}
			}
			ph = append(ph, term)
		}
		return disjunction(field(query.NewPhraseQuery(ph, fTitle), fTitle, boostTitle),
			field(query.NewPhraseQuery(ph, fBody), fBody, boostBody))
	}
	term := ts[0]
	// Exact matches, compounds and typos are separate clauses, each
	// scored on its own, so matching both suffix fields cannot outweigh
	// one exact match.
	or := []query.Query{disjunction(
		field(query.NewTermQuery(term), fTitle, boostTitle),
		field(query.NewTermQuery(term), fBody, boostBody))}
	if compounds && !t.Phrase && utf8.RuneCountInString(term) >= minSuffix {
		// suffix holds the title's compounds too: one term lookup.
		or = append(or, field(query.NewTermQuery(term), fSuffix, boostCompound))
	}
	if typos && !t.Phrase && utf8.RuneCountInString(term) >= typoMinLen {
		var fz []query.Query
		for _, f := range []string{fTitle, fBody} {
			fq := query.NewFuzzyQuery(term)
			fq.Fuzziness = 1
			fz = append(fz, field(fq, f, boostBody))
		}
		or = append(or, disjunction(fz...))
	}
	return disjunction(or...)
}

// typoMinLen is the length from which a word may have one typo: shorter
// words have too many neighbours one edit away.
const typoMinLen = 6

// typoWord is a word of the query that the typo-tolerant search may
// replace, with its analysed term.
type typoWord struct {
	group, index int
	term         string
}

func typoWords(q Query) []typoWord {
	var out []typoWord
	for gi, g := range q.Groups {
		for ti, t := range g {
			if t.Phrase || t.Prefix {
				continue
			}
			// termsOf: a hyphenated word ("IT-Planungsrad") is its one
			// joined term, which termClause also makes fuzzy.
			if ts, _ := termsOf(t); len(ts) == 1 && utf8.RuneCountInString(ts[0]) >= typoMinLen {
				out = append(out, typoWord{group: gi, index: ti, term: ts[0]})
			}
		}
	}
	return out
}

// suggestion rewrites q with each typo word replaced by the word the best
// hit contains (as written there, not as the stemmed term).
func suggestion(q Query, typo []typoWord, best *search.DocumentMatch, hits []Hit) string {
	var doc *Hit
	for i := range hits {
		if hits[i].DocID() == best.ID {
			doc = &hits[i]
		}
	}
	if doc == nil {
		doc = &hits[0]
	}
	text := doc.Title + "\n" + doc.Body
	// With the joined forms, whose range is the whole hyphenated word as
	// written ("IT-Planungsrat" for the term itplanungsrat).
	tokens := withHyphenJoins([]byte(text), analyzer.Analyze([]byte(text)))
	changed := false
	groups := make([][]Term, len(q.Groups))
	for i, g := range q.Groups {
		groups[i] = slices.Clone(g)
	}
	for _, w := range typo {
		found := ""
		for _, f := range []string{fTitle, fBody} {
			for term := range best.Locations[f] {
				if term != w.term && oneEdit(term, w.term) {
					found = term
				}
			}
		}
		if found == "" {
			continue
		}
		for _, t := range tokens {
			if string(t.Term) == found {
				groups[w.group][w.index].Text = text[t.Start:t.End]
				changed = true
				break
			}
		}
	}
	if !changed {
		return ""
	}
	q.Groups = groups
	return q.String()
}

// oneEdit reports whether a and b differ by at most one insertion,
// deletion or substitution.
func oneEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	if len(ra)-len(rb) > 1 {
		return false
	}
	i := 0
	for i < len(rb) && ra[i] == rb[i] {
		i++
	}
	if len(ra) == len(rb) {
		return string(ra[i+min(1, len(ra)-i):]) == string(rb[i+min(1, len(rb)-i):])
	}
	return string(ra[i+1:]) == string(rb[i:])
}

// hits loads the page's documents from SQLite (dropping any the viewer may
// no longer see) and builds their snippets.
func (x *Index) hits(ctx context.Context, v store.Viewer, ms search.DocumentMatchCollection, q Query) ([]Hit, error) {
	var posts, faqs []int64
	for _, m := range ms {
		id, err := strconv.ParseInt(m.ID[1:], 10, 64)
		if err != nil {
			continue
		}
		if m.ID[0] == 'f' {
			faqs = append(faqs, id)
		} else {
			posts = append(posts, id)
		}
	}
	docs, err := x.db.SearchHits(ctx, v, posts, faqs)
	if err != nil {
		return nil, err
	}
	hl := newHighlighter(q)
	out := make([]Hit, 0, len(ms))
	for _, m := range ms {
		d, ok := docs[m.ID]
		if !ok {
			continue
		}
		out = append(out, Hit{SearchDoc: d, SnippetHTML: hl.snippet(d.Body), Score: m.Score})
	}
	return out, nil
}

// Similar returns up to limit opening posts of questions (member and PM
// questions) whose titles share words with title, best first: one shared
// word is enough for short titles; from three words on, two must match.
// fields are the topic fields to look in (those v may see, not archived),
// all every field (see Request.AllFields; nil is allowed).
func (x *Index) Similar(ctx context.Context, v store.Viewer, fields, all []store.TopicField, title string, limit int) ([]store.SearchDoc, error) {
	ts, _ := terms(title)
	slices.Sort(ts)
	ts = slices.Compact(ts)
	if len(ts) == 0 || limit <= 0 || len(fields) == 0 {
		return nil, nil
	}
	var or []query.Query
	for _, t := range ts {
		c := []query.Query{keyQueryBoost(fTitle, t, boostTitle)}
		if utf8.RuneCountInString(t) >= minSuffix {
			p := query.NewPrefixQuery(reverse(t))
			p.SetField(fTitleRev)
			p.SetBoost(boostTitleRev)
			c = append(c, p)
		}
		or = append(or, disjunction(c...))
	}
	words := query.NewDisjunctionQuery(or)
	if len(ts) >= 3 {
		words.SetMin(2)
	}
	f, err := filterQuery(Query{Filters: []Filter{{Key: "typ", Value: "frage"}, {Key: "typ", Value: "pm"}}}, fields, all)
	if err != nil {
		return nil, err
	}
	sr := bleve.NewSearchRequestOptions(query.NewBooleanQuery(append([]query.Query{words}, f.must...), nil, f.mustNot), limit, 0, false)
	out, err := x.idx.SearchInContext(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("similar questions: %w", err)
	}
	hits, err := x.hits(ctx, v, out.Hits, Query{})
	if err != nil {
		return nil, err
	}
	docs := make([]store.SearchDoc, len(hits))
	for i, h := range hits {
		docs[i] = h.SearchDoc
	}
	return docs, nil
}

func keyQueryBoost(field, v string, boost float64) query.Query {
	t := query.NewTermQuery(v)
	t.SetField(field)
	t.SetBoost(boost)
	return t
}

// Pages is the number of pages of a result with per hits each, at most MaxPage.
func Pages(total, per int) int {
	return max(1, min(MaxPage, int(math.Ceil(float64(total)/float64(max(1, per))))))
}
