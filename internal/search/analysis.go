package search

import (
	"bytes"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// German analysis. The text fields use bleve's German chain: unicode
// words, lower case, German stop words, normalize_de and the light German
// stemmer. normalize_de folds ä/ö/ü to a/o/u, ß to ss and also the
// spelled-out ae/oe/ue after a vowel-less position to a/o/u, so
// "Bürgerportal" and "Buergerportal" both become "burgerportal", and the
// stemmer makes "Anträge" and "Antrag" one term (TestGermanAnalysis).
//
// Compounds: German compounds put the head last (Bau|antrag,
// Wohngeld|antrag), so the suffix field indexes every end of a long term
// (suffixFilter): a query term is looked up there as one term, with a low
// boost, so "Antrag" finds "Bauantrag" below documents that say "Antrag"
// itself. title_rev keeps long title terms reversed for the similar-
// question suggestions, which look up compounds as prefixes of reversed
// titles (see docs/SEARCH.md for why the body moved to suffixes).

const (
	// analyzerName is the analyzer of the text fields.
	analyzerName = "kf_de"
	// reverseAnalyzerName is the analyzer of the compound (reversed) fields.
	reverseAnalyzerName = "kf_de_reverse"
	reverseFilterName   = "kf_reverse"
	// suffixAnalyzerName is the analyzer of the compound-ends field.
	suffixAnalyzerName = "kf_de_suffix"
	suffixFilterName   = "kf_suffix"

	// minSuffix is the shortest query term looked up as a compound's end
	// and minHead the shortest part in front of it; only terms of
	// minSuffix+minHead runes and more go into the reversed fields.
	minSuffix = 4
	minHead   = 3
	// maxSplit bounds the terms reversed (longer ones are not words).
	maxSplit = 40
)

var (
	analyzer        = newAnalyzer(false)
	reverseAnalyzer = newAnalyzer(true)
	suffixAnalyzer  = func() *analysis.DefaultAnalyzer {
		a := newAnalyzer(false)
		a.TokenFilters = append(a.TokenFilters, suffixFilter{})
		return a
	}()
)

func newAnalyzer(reversed bool) *analysis.DefaultAnalyzer {
	c := registry.NewCache()
	tok, err := c.TokenizerNamed(unicode.Name)
	must(err)
	var filters []analysis.TokenFilter
	for _, name := range []string{lowercase.Name, de.StopName, de.NormalizeName, de.LightStemmerName} {
		f, err := c.TokenFilterNamed(name)
		must(err)
		filters = append(filters, f)
	}
	if reversed {
		filters = append(filters, reverseFilter{})
	}
	return &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: filters}
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// reverseFilter replaces each long term by its reverse (see above);
// short terms are dropped: they cannot be compounds.
type reverseFilter struct{}

func (reverseFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := in[:0]
	for _, t := range in {
		if n := utf8.RuneCount(t.Term); n < minSuffix+minHead || n > maxSplit {
			continue
		}
		t.Term = []byte(reverse(string(t.Term)))
		out = append(out, t)
	}
	return out
}

// suffixFilter replaces each long term by its ends: every suffix of at
// least minSuffix runes behind a head of at least minHead runes
// ("bauantrag" gives "antrag", "ntrag", "trag"). A word then finds the
// compounds ending in it with one term lookup. The reversed field and a
// prefix query found the same compounds, but bleve merged the postings
// of every matching compound through a heap, a quarter of a query's
// time at a million posts.
type suffixFilter struct{}

func (suffixFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	var out analysis.TokenStream
	for _, t := range in {
		out = appendSuffixes(out, t)
	}
	return out
}

// appendSuffixes appends t's suffix tokens (see suffixFilter) to out,
// leaving t itself untouched.
func appendSuffixes(out analysis.TokenStream, t *analysis.Token) analysis.TokenStream {
	n := utf8.RuneCount(t.Term)
	if n < minSuffix+minHead || n > maxSplit {
		return out
	}
	r := []rune(string(t.Term))
	for h := minHead; h <= n-minSuffix; h++ {
		c := *t
		c.Term = []byte(string(r[h:]))
		out = append(out, &c)
	}
	return out
}

// reverse reverses s rune by rune.
func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

func init() {
	must(registry.RegisterTokenFilter(reverseFilterName,
		func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) { return reverseFilter{}, nil }))
	must(registry.RegisterAnalyzer(analyzerName,
		func(map[string]any, *registry.Cache) (analysis.Analyzer, error) { return analyzer, nil }))
	must(registry.RegisterAnalyzer(reverseAnalyzerName,
		func(map[string]any, *registry.Cache) (analysis.Analyzer, error) { return reverseAnalyzer, nil }))
	must(registry.RegisterTokenFilter(suffixFilterName,
		func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) { return suffixFilter{}, nil }))
	must(registry.RegisterAnalyzer(suffixAnalyzerName,
		func(map[string]any, *registry.Cache) (analysis.Analyzer, error) { return suffixAnalyzer, nil }))
}

// terms returns the analysed terms of s with their positions (1-based;
// gaps where stop words were).
func terms(s string) ([]string, []int) {
	ts := analyzer.Analyze([]byte(s))
	out := make([]string, len(ts))
	pos := make([]int, len(ts))
	for i, t := range ts {
		out[i], pos[i] = string(t.Term), t.Position
	}
	return out, pos
}

// fold lower-cases s and folds umlauts and ß the way normalize_de does,
// without stemming: for prefixes ("digital*") and names.
func fold(s string) string {
	return string(normalizeTerm([]byte(strings.ToLower(s))))
}

var normalizer = func() analysis.TokenFilter {
	f, err := registry.NewCache().TokenFilterNamed(de.NormalizeName)
	must(err)
	return f
}()

func normalizeTerm(b []byte) []byte {
	ts := normalizer.Filter(analysis.TokenStream{&analysis.Token{Term: b}})
	return ts[0].Term
}

// nameSlug makes the von: key of an author's display name: folded words
// joined by "-" ("Anna Müller" -> "anna-muller"), the same for the name as
// typed in a query, whatever its umlaut spelling.
func nameSlug(name string) string {
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	}) {
		words = append(words, fold(w))
	}
	return strings.Join(words, "-")
}

// nameKeys are the author terms indexed for a display name: the whole
// slug and each of its words, so von:mueller and von:anna-mueller both work.
func nameKeys(name string) []string {
	s := nameSlug(name)
	if s == "" {
		return nil
	}
	keys := []string{s}
	if strings.Contains(s, "-") {
		keys = append(keys, strings.Split(s, "-")...)
	}
	return keys
}

// Hyphenated words. The tokenizer splits "E-Akte" and "IT-Planungsrat"
// into their parts, and a query for such a word was a phrase of its
// parts: bleve checked the positions of both parts in every document
// having them, and parts like "it" are everywhere (a query with
// "IT-Planungsrat" took 20–40 ms at a million posts, ten times a query of
// plain words). So the text fields also hold, at the position of its
// first part, the analysed joined form of every run of two or more parts
// of a hyphenated word ("eakt"; for "E-Mail-Adresse" "email",
// "mailadress" and "emailadress"), and a query word with hyphens is that
// one term (hyphenTerm). It also finds "eAkte" and "EAkte"; it no longer
// finds "E Akte" with a space, which a quoted "E Akte" still does.

// maxHyphenParts bounds the parts of one hyphenated word that are joined.
const maxHyphenParts = 5

// eachHyphenated calls f with the parts of each hyphenated word of s:
// words (eachWord) separated by exactly one "-", at most maxHyphenParts.
func eachHyphenated(s string, f func(parts [][2]int)) {
	var parts [][2]int
	flush := func() {
		if len(parts) >= 2 {
			f(parts)
		}
		parts = parts[:0]
	}
	eachWord(s, func(start, end int) {
		if n := len(parts); n == 0 || n == maxHyphenParts || start != parts[n-1][1]+1 || s[start-1] != '-' {
			flush()
		}
		parts = append(parts, [2]int{start, end})
	})
	flush()
}

// joinedTerm is the analysed form of parts of s written together, "" if
// analysis does not make one term of it.
func joinedTerm(s string, parts [][2]int) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(s[p[0]:p[1]])
	}
	ts := analyzer.Analyze([]byte(b.String()))
	if len(ts) != 1 {
		return ""
	}
	return string(ts[0].Term)
}

// withHyphenJoins is ts, the analysis of text, with the joined forms of
// text's hyphenated words added at the position of each run's first part.
func withHyphenJoins(text []byte, ts analysis.TokenStream) analysis.TokenStream {
	if !bytes.Contains(text, []byte("-")) {
		return ts
	}
	s := string(text)
	out := ts
	eachHyphenated(s, func(parts [][2]int) {
		for i := range parts {
			// The position of the first token at or after this part.
			k, _ := slices.BinarySearchFunc(ts, parts[i][0], func(t *analysis.Token, start int) int { return t.Start - start })
			if k == len(ts) {
				return
			}
			for j := i + 1; j < len(parts); j++ {
				if term := joinedTerm(s, parts[i:j+1]); term != "" {
					out = append(out, &analysis.Token{Term: []byte(term), Start: parts[i][0], End: parts[j][1],
						Position: ts[k].Position, Type: analysis.AlphaNumeric})
				}
			}
		}
	})
	// In position order, as the tokens of a text come.
	slices.SortStableFunc(out, func(a, b *analysis.Token) int { return a.Position - b.Position })
	return out
}

// hyphenTerm is, for a query word that is one hyphenated word
// ("E-Akte"), the joined term the index holds for it (withHyphenJoins).
func hyphenTerm(word string) (string, bool) {
	word = strings.TrimSpace(word)
	var term string
	n := 0
	eachHyphenated(word, func(parts [][2]int) {
		n++
		if parts[0][0] == 0 && parts[len(parts)-1][1] == len(word) {
			term = joinedTerm(word, parts)
		}
	})
	return term, n == 1 && term != ""
}
