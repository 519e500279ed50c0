package search

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The query syntax (docs/SEARCH.md):
//
//	wort wort            both words (AND)
//	"genaue phrase"      the words in this order
//	-wort, -"phrase"     without
//	a OR b               either (binds tighter than AND: a OR b c = (a OR b) AND c)
//	digital*             prefix
//	themenfeld:slug typ:frage|diskussion|pm|faq status:offen|beantwortet|geloest
//	amtlich:ja|nein von:name vor:JJJJ-MM-TT nach:JJJJ-MM-TT
//
// Several values of one filter (typ:frage typ:pm) mean either; a filter
// with "-" in front excludes.

// Limits that keep a query cheap.
const (
	MaxQueryLen = 500 // bytes
	maxTerms    = 32
	minPrefix   = 2 // runes before the *
)

// Term is one word, phrase or prefix of a query.
type Term struct {
	Text   string
	Phrase bool
	Prefix bool
}

// Filter is one filter of a query, with its value as typed.
type Filter struct {
	Key, Value string
	Neg        bool
}

// Query is a parsed query.
type Query struct {
	Groups  [][]Term // all groups must match; a group matches if one of its terms does
	Not     []Term
	Filters []Filter
	Before  time.Time // vor: the start of that day (Europe/Berlin); zero if none
	After   time.Time // nach: the end of that day
}

// Empty reports whether the query has nothing to search for.
func (q Query) Empty() bool { return len(q.Groups) == 0 && len(q.Filters) == 0 && len(q.Not) == 0 }

// Error is a query the user has to correct. Key is a catalogue key
// (search.error.*) and Args its arguments; the web layer translates it.
type Error struct {
	Key  string
	Args []any
}

func (e *Error) Error() string { return fmt.Sprintf("search query: %s %v", e.Key, e.Args) }

func queryErr(key string, args ...any) *Error { return &Error{Key: key, Args: args} }

// filterValues lists the fixed values of the filters that have them.
var filterValues = map[string][]string{
	"typ":     {"frage", "diskussion", "pm", "faq"},
	"status":  {"offen", "beantwortet", "geloest"},
	"amtlich": {"ja", "nein"},
}

// filterKeys are the known filters; "themenfeld", "von", "vor" and "nach"
// take free values.
var filterKeys = []string{"themenfeld", "typ", "status", "amtlich", "von", "vor", "nach"}

// Berlin is the zone of the dates in vor: and nach:.
var Berlin = func() *time.Location {
	l, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return l
}()

// Parse parses a query typed by a user. Bad input is an *Error.
func Parse(s string) (Query, error) {
	var q Query
	if len(s) > MaxQueryLen {
		return q, queryErr("search.error.too_long", MaxQueryLen)
	}
	if !utf8.ValidString(s) {
		return q, queryErr("search.error.invalid")
	}
	toks := lex(s)
	if len(toks) > maxTerms {
		return q, queryErr("search.error.too_many", maxTerms)
	}
	orNext := false
	for i, t := range toks {
		if t.or {
			// OR joins the terms on either side; at the start, the end or
			// next to a filter it is just a word.
			if i > 0 && i < len(toks)-1 && len(q.Groups) > 0 && !toks[i-1].neg && !toks[i+1].neg &&
				!toks[i-1].filter() && !toks[i+1].filter() {
				orNext = true
				continue
			}
			t.text = "or"
		}
		if t.filter() {
			f, err := parseFilter(t)
			if err != nil {
				return q, err
			}
			switch f.Key {
			case "vor", "nach":
				d, err := time.ParseInLocation("2006-01-02", f.Value, Berlin)
				if err != nil {
					return q, queryErr("search.error.bad_date", f.Key, f.Value)
				}
				if f.Neg {
					return q, queryErr("search.error.negated_date", f.Key)
				}
				if f.Key == "vor" {
					q.Before = d
				} else {
					q.After = d.AddDate(0, 0, 1)
				}
			default:
				q.Filters = append(q.Filters, f)
			}
			continue
		}
		term := Term{Text: t.text, Phrase: t.phrase}
		if !t.phrase && strings.HasSuffix(term.Text, "*") {
			term.Text = strings.TrimRight(term.Text, "*")
			if utf8.RuneCountInString(term.Text) < minPrefix {
				return q, queryErr("search.error.short_prefix", minPrefix)
			}
			term.Prefix = true
		}
		if strings.TrimSpace(term.Text) == "" {
			continue
		}
		switch {
		case t.neg:
			q.Not = append(q.Not, term)
		case orNext:
			q.Groups[len(q.Groups)-1] = append(q.Groups[len(q.Groups)-1], term)
		default:
			q.Groups = append(q.Groups, []Term{term})
		}
		orNext = false
	}
	if !q.Before.IsZero() && !q.After.IsZero() && !q.After.Before(q.Before) {
		return q, queryErr("search.error.empty_range")
	}
	return q, nil
}

func parseFilter(t token) (Filter, error) {
	key, val, _ := strings.Cut(t.text, ":")
	key = strings.ToLower(key)
	if !slices.Contains(filterKeys, key) {
		return Filter{}, queryErr("search.error.unknown_filter", key)
	}
	if val == "" {
		return Filter{}, queryErr("search.error.empty_filter", key)
	}
	f := Filter{Key: key, Value: val, Neg: t.neg}
	if vals, ok := filterValues[key]; ok {
		v := strings.ToLower(strings.ReplaceAll(val, "ö", "oe"))
		if !slices.Contains(vals, v) {
			return Filter{}, queryErr("search.error.bad_value", key, val, strings.Join(vals, ", "))
		}
		f.Value = v
	}
	if key == "themenfeld" {
		f.Value = strings.ToLower(val)
	}
	return f, nil
}

// token is a lexical unit: a word, a "phrase", maybe negated.
type token struct {
	text   string
	phrase bool
	neg    bool
	or     bool
}

// filter reports whether the token looks like key:value with a key of
// letters only (so "10:30" and URLs with digits stay words).
func (t token) filter() bool {
	if t.phrase {
		return false
	}
	key, val, ok := strings.Cut(t.text, ":")
	if !ok || key == "" || strings.HasPrefix(val, "//") {
		return false
	}
	for _, r := range key {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

func lex(s string) []token {
	var out []token
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += n
			continue
		}
		neg := false
		if r == '-' && i+1 < len(s) && !unicode.IsSpace(rune(s[i+1])) {
			neg = true
			i++
		}
		if i < len(s) && s[i] == '"' {
			end := strings.IndexByte(s[i+1:], '"')
			var text string
			if end < 0 { // an unclosed quote runs to the end
				text, i = s[i+1:], len(s)
			} else {
				text, i = s[i+1:i+1+end], i+2+end
			}
			out = append(out, token{text: text, phrase: true, neg: neg})
			continue
		}
		j := i
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if unicode.IsSpace(r) || r == '"' {
				break
			}
			j += n
		}
		text := s[i:j]
		i = j
		if text == "" {
			continue
		}
		out = append(out, token{text: text, neg: neg, or: text == "OR" && !neg})
	}
	return out
}

// String writes q back in the query syntax (used for "Meinten Sie …?").
func (q Query) String() string {
	var parts []string
	term := func(t Term) string {
		switch {
		case t.Phrase:
			return `"` + t.Text + `"`
		case t.Prefix:
			return t.Text + "*"
		}
		return t.Text
	}
	for _, g := range q.Groups {
		var or []string
		for _, t := range g {
			or = append(or, term(t))
		}
		parts = append(parts, strings.Join(or, " OR "))
	}
	for _, t := range q.Not {
		parts = append(parts, "-"+term(t))
	}
	for _, f := range q.Filters {
		neg := ""
		if f.Neg {
			neg = "-"
		}
		parts = append(parts, neg+f.Key+":"+f.Value)
	}
	if !q.Before.IsZero() {
		parts = append(parts, "vor:"+q.Before.Format("2006-01-02"))
	}
	if !q.After.IsZero() {
		parts = append(parts, "nach:"+q.After.AddDate(0, 0, -1).Format("2006-01-02"))
	}
	return strings.Join(parts, " ")
}
