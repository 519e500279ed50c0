package search

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
	index "github.com/blevesearch/bleve_index_api"

	"kommunalforum/internal/store"
)

// mappingVersion is stored in the index (internal key versionKey) once a
// full build has finished. Change it whenever the fields or the analysis
// change: a server that finds another version (or none, after a crash
// during a build) rebuilds the index in the background.
const mappingVersion = "kf-search-6"

var versionKey = []byte("kf_mapping_version")

// Index fields. Nothing is stored: hits are displayed (and their snippets
// built) from SQLite, which keeps the index small and fast to build.
const (
	fTitle    = "title"     // thread title (opening post only) or FAQ question; positions for phrases
	fTitleRev = "title_rev" // long title terms reversed, for compounds
	fBody     = "body"      // post text or FAQ answer; positions for phrases
	fSuffix   = "suffix"    // the ends of long title and body terms, for compounds (suffixesOf)
	fField    = "field"     // topic field ID (permission filter, themenfeld:, facet)
	fKind     = "kind"      // frage, diskussion, pm, faq (typ:, facet)
	fStatus   = "status"    // offen, beantwortet, geloest; absent for discussions and FAQ
	fOfficial = "official"  // "ja" on official answers, else "nein" (amtlich:, facet)
	fAuthor   = "author"    // name keys of the author (von:)
	fDate     = "date"      // Unix seconds of the post (vor:, nach:, sort by date)
	// fFacet holds the four facets as one keyword per document
	// ("<field id>|<typ>|<status>|<amtlich>", see facetValue): the facet
	// counts look each hit's keyword up in a table built from this
	// field's postings (countFacets).
	fFacet = "facet"
)

// typ: values of the query syntax for the stored thread kinds.
var kindTyp = map[string]string{
	store.KindQuestion:   "frage",
	store.KindDiscussion: "diskussion",
	store.KindPM:         "pm",
	store.KindFAQ:        "faq",
}

// newMapping describes the fields for bleve (query-time analysis, facets,
// sorting). Documents are built by hand in newDocument, not mapped by
// reflection, and nothing goes into the _all field.
func newMapping() mapping.IndexMapping {
	text := func(an string, vectors bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer, f.Store, f.IncludeTermVectors, f.IncludeInAll, f.DocValues = an, false, vectors, false, false
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store, f.IncludeTermVectors, f.IncludeInAll, f.DocValues = false, false, false, false
		return f
	}
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fTitle, text(analyzerName, true))
	dm.AddFieldMappingsAt(fTitleRev, text(reverseAnalyzerName, false))
	dm.AddFieldMappingsAt(fBody, text(analyzerName, true))
	dm.AddFieldMappingsAt(fSuffix, text(suffixAnalyzerName, false))
	for _, f := range []string{fField, fKind, fStatus, fOfficial, fAuthor, fFacet} {
		dm.AddFieldMappingsAt(f, kw())
	}
	date := bleve.NewNumericFieldMapping()
	date.Store, date.IncludeInAll = false, false
	dm.AddFieldMappingsAt(fDate, date)
	m := bleve.NewIndexMapping()
	m.DefaultMapping = dm
	m.DefaultAnalyzer = analyzerName
	m.StoreDynamic, m.IndexDynamic, m.DocValuesDynamic = false, false, false
	return m
}

var keywordAnalyzer = func() analysis.Analyzer {
	a, err := registry.NewCache().AnalyzerNamed(keyword.Name)
	must(err)
	return a
}()

// Indexing options: text with positions (phrases, fuzzy locations),
// reversed fields and keywords without, the date with doc values
// (sorting).
const (
	optText    = index.IndexField | index.IncludeTermVectors
	optReverse = index.IndexField
	optKey     = index.IndexField
)

// newDocument builds the index document of d.
func newDocument(d store.SearchDoc) *document.Document {
	doc := document.NewDocument(d.DocID())
	var titleAnalysis *onceAnalysis
	if d.First && d.Title != "" {
		a := &onceAnalysis{}
		titleAnalysis = a
		t := []byte(d.Title)
		doc.AddField(document.NewTextFieldCustom(fTitle, nil, t, optText, a))
		doc.AddField(document.NewTextFieldCustom(fTitleRev, nil, t, optReverse, reversedOf{a}))
	}
	a := &onceAnalysis{}
	b := []byte(d.Body)
	doc.AddField(document.NewTextFieldCustom(fBody, nil, b, optText, a))
	doc.AddField(document.NewTextFieldCustom(fSuffix, nil, b, optReverse, suffixesOf{a}))
	if d.First && d.Title != "" {
		// The title's compounds go into suffix too, so a search looks
		// up compounds in one field; title_rev serves the
		// similar-question suggestions.
		doc.AddField(document.NewTextFieldCustom(fSuffix, nil, []byte(d.Title), optReverse, suffixesOf{titleAnalysis}))
	}
	key := func(name, v string) {
		doc.AddField(document.NewTextFieldCustom(name, nil, []byte(v), optKey, keywordAnalyzer))
	}
	field, typ := strconv.FormatInt(d.TopicFieldID, 10), kindTyp[d.Kind]
	key(fField, field)
	key(fKind, typ)
	if d.Status != "" {
		key(fStatus, d.Status)
	}
	official := "nein"
	if d.Official {
		official = "ja"
	}
	key(fOfficial, official)
	key(fFacet, facetValue(field, typ, d.Status, official))
	for _, k := range nameKeys(d.AuthorName) {
		doc.AddField(document.NewTextFieldCustom(fAuthor, nil, []byte(k), index.IndexField, keywordAnalyzer))
	}
	doc.AddField(document.NewNumericFieldWithIndexingOptions(fDate, nil, float64(d.CreatedAt.Unix()),
		index.IndexField|index.DocValues))
	return doc
}

// facetValue is a document's fFacet keyword; parseFacet reads it back.
func facetValue(field, typ, status, official string) string {
	return field + "|" + typ + "|" + status + "|" + official
}

// parseFacet splits a facetValue into its four filter values (status may
// be empty); ok is false for anything else.
func parseFacet(v string) (field, typ, status, official string, ok bool) {
	p := strings.Split(v, "|")
	if len(p) != 4 {
		return "", "", "", "", false
	}
	return p[0], p[1], p[2], p[3], true
}

// Typ is the typ: value of a thread kind or of store.KindFAQ.
func Typ(kind string) string { return kindTyp[kind] }

// onceAnalysis analyses one text for two fields: the text field and its
// reversed twin (reversedOf). Tokenising, normalising and stemming took a
// third of a full build's time and need not run twice. bleve analyses the
// fields of one document one after the other in one goroutine, so it
// needs no lock; each document gets its own.
type onceAnalysis struct {
	tokens analysis.TokenStream
	done   bool
}

func (a *onceAnalysis) Analyze(text []byte) analysis.TokenStream {
	if !a.done {
		a.tokens, a.done = withHyphenJoins(text, analyzer.Analyze(text)), true
	}
	return a.tokens
}

// suffixesOf is the compound-ends analysis of an onceAnalysis, the same
// as suffixAnalyzer's.
type suffixesOf struct{ a *onceAnalysis }

func (s suffixesOf) Analyze(text []byte) analysis.TokenStream {
	var out analysis.TokenStream
	for _, t := range s.a.Analyze(text) {
		out = appendSuffixes(out, t)
	}
	return out
}

// reversedOf is the reversed-field analysis of an onceAnalysis, the same
// as reverseAnalyzer's. It copies the tokens it keeps: the text field's
// own stay untouched.
type reversedOf struct{ a *onceAnalysis }

func (r reversedOf) Analyze(text []byte) analysis.TokenStream {
	var out analysis.TokenStream
	for _, t := range r.a.Analyze(text) {
		if n := utf8.RuneCount(t.Term); n >= minSuffix+minHead && n <= maxSplit {
			c := *t
			c.Term = []byte(reverse(string(t.Term)))
			out = append(out, &c)
		}
	}
	return out
}
