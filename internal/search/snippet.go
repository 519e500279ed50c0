package search

import (
	"html"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// highlighter marks the words of a query in the texts of one result
// page; it is not safe for concurrent use.
type highlighter struct {
	exact    []string // the query's analysed terms
	prefixes []string
	// marked remembers for each word of the texts seen so far whether
	// it is marked: the hits of one page share most of their words.
	marked map[string]bool
	// minLen is the length in bytes of the shortest exact term or
	// prefix. Analysis never makes a word longer (lower case, ä → a,
	// ß → ss, stemming), so a shorter word cannot match.
	minLen int
}

func newHighlighter(q Query) *highlighter {
	h := &highlighter{marked: map[string]bool{}}
	for _, g := range q.Groups {
		for _, t := range g {
			if t.Prefix {
				h.prefixes = append(h.prefixes, fold(t.Text))
				continue
			}
			ts, _ := terms(t.Text)
			h.exact = append(h.exact, ts...)
			if term, ok := hyphenTerm(t.Text); ok && !t.Phrase {
				h.exact = append(h.exact, term) // "eAkte" for "E-Akte"
			}
		}
	}
	h.minLen = math.MaxInt
	for _, w := range append(slices.Clone(h.exact), h.prefixes...) {
		h.minLen = min(h.minLen, len(w))
	}
	return h
}

// matches reports whether an analysed term of the text is a query word:
// the same term, one starting with a prefix, or a compound ending in it.
func (h *highlighter) matches(term string) bool {
	for _, w := range h.exact {
		if term == w || len(w) >= minSuffix && len(term) >= len(w)+minHead && strings.HasSuffix(term, w) {
			return true
		}
	}
	for _, p := range h.prefixes {
		if strings.HasPrefix(term, p) {
			return true
		}
	}
	return false
}

// marks reports whether word, a word of the text as eachWord finds it, is
// marked: whether one of its terms matches.
func (h *highlighter) marks(word string) bool {
	if len(word) < h.minLen {
		return false
	}
	m, ok := h.marked[word]
	if !ok {
		for _, term := range wordTerms(word) {
			if m = h.matches(term); m {
				break
			}
		}
		h.marked[word] = m
	}
	return m
}

// snippetLen is the snippet's length in bytes (before escaping).
const snippetLen = 240

// markdownNoise is Markdown syntax a plain-text snippet leaves out.
var markdownNoise = strings.NewReplacer("**", "", "__", "", "`", "", "#", "", "\n>", "  ", "\r", " ", "\n", " ", "\t", " ")

// snippet is about snippetLen bytes of body around the densest cluster of
// query words, HTML-escaped, the words in <mark>.
func (h *highlighter) snippet(body string) string {
	text := markdownNoise.Replace(body)
	var marks [][2]int
	eachWord(text, func(start, end int) {
		if h.marks(text[start:end]) {
			marks = append(marks, [2]int{start, end})
		}
	})
	// The window starting a little before the mark that has most marks
	// within snippetLen after it.
	start, best := 0, 0
	for i, m := range marks {
		n := 0
		for _, o := range marks[i:] {
			if o[1] > m[0]+snippetLen-40 {
				break
			}
			n++
		}
		if n > best {
			best, start = n, max(0, m[0]-40)
		}
	}
	// Begin and end at word boundaries.
	if start > 0 {
		if i := strings.IndexByte(text[start:], ' '); i >= 0 && i < 40 && start+i+1 < len(text) {
			start += i + 1
		}
	}
	end := min(len(text), start+snippetLen)
	if end < len(text) {
		if i := strings.LastIndexByte(text[start:end], ' '); i > snippetLen/2 {
			end = start + i
		}
		for end > start && !utf8.RuneStart(text[end]) {
			end--
		}
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString("… ")
	}
	pos := start
	for _, m := range marks {
		if m[0] < start || m[1] > end {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:m[0]]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[m[0]:m[1]]))
		b.WriteString("</mark>")
		pos = m[1]
	}
	b.WriteString(html.EscapeString(text[pos:end]))
	if end < len(text) {
		b.WriteString(" …")
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// eachWord calls f with the byte range of each word of text, as the
// analyser's tokenizer (Unicode word boundaries, UAX #29) finds them: runs
// of letters, digits and "_", kept together across a full stop, colon or
// apostrophe between two letters ("z.B") and a full stop, comma,
// semicolon or apostrophe between two digits ("1.000,50"); each Han or
// Hiragana character is a word of its own.
// Snippets are built for every hit of every search: the tokenizer's
// general state machine was a third of a snippet's time, so this covers
// the rules that occur in forum text; TestEachWord compares the two.
func eachWord(text string, f func(start, end int)) {
	start := -1
	var prev rune // the last rune of the current word
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case r >= 0x2e80 && unicode.In(r, unicode.Han, unicode.Hiragana): // both start above U+2E80
			// Each ideograph is a word of its own.
			if start >= 0 {
				f(start, i)
				start = -1
			}
			f(i, i+n)
		case isWordRune(r):
			if start < 0 {
				start = i
			}
			prev = r
		case start >= 0 && i+n < len(text) && joins(prev, r, text[i+n:]):
			// r stays inside the word: the rune after it continues it.
		case start >= 0:
			f(start, i)
			start = -1
		}
		i += n
	}
	if start >= 0 {
		f(start, len(text))
	}
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || unicode.Is(unicode.Mn, r)
}

// joins reports whether the punctuation r between prev and the text
// after it keeps a word together (UAX #29 rules WB6/7 and WB11/12).
func joins(prev, r rune, after string) bool {
	next, _ := utf8.DecodeRuneInString(after)
	switch {
	case unicode.IsLetter(prev) && unicode.IsLetter(next):
		return r == '.' || r == ':' || r == '\'' || r == '’' || r == '·'
	case unicode.IsDigit(prev) && unicode.IsDigit(next):
		return r == '.' || r == ',' || r == ';' || r == '\'' || r == '’'
	}
	return false
}

// wordTerms is what the analyser makes of one word: usually one term, none
// for a stop word. Analysing word by word gives what analysing the whole
// text gives, as every filter works on one token at a time; the result
// is cached, since forum text repeats its words.
func wordTerms(word string) []string {
	c := termCache.Load()
	if v, ok := c.m.Load(word); ok {
		return v.([]string)
	}
	var out []string
	for _, t := range analyzer.Analyze([]byte(word)) {
		out = append(out, string(t.Term))
	}
	if c.n.Add(1) > maxCachedWords {
		// Full: start over rather than track what is used.
		termCache.Store(&wordCache{})
	}
	c.m.Store(word, out)
	return out
}

// maxCachedWords bounds termCache: about 5 MB of words and terms.
const maxCachedWords = 50000

type wordCache struct {
	m sync.Map // word -> []string
	n atomic.Int64
}

var termCache atomic.Pointer[wordCache]

func init() { termCache.Store(&wordCache{}) }
