package search

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	day := func(s string) time.Time {
		d, _ := time.ParseInLocation("2006-01-02", s, Berlin)
		return d
	}
	w := func(s string) Term { return Term{Text: s} }
	tests := []struct {
		in   string
		want Query
	}{
		{"", Query{}},
		{"  Antrag   Gemeinde ", Query{Groups: [][]Term{{w("Antrag")}, {w("Gemeinde")}}}},
		{`"digitaler Bauantrag" Frist`, Query{Groups: [][]Term{{{Text: "digitaler Bauantrag", Phrase: true}}, {w("Frist")}}}},
		{`Antrag -Papier -"per Post"`, Query{Groups: [][]Term{{w("Antrag")}}, Not: []Term{w("Papier"), {Text: "per Post", Phrase: true}}}},
		{"Wohngeld OR Elterngeld Antrag", Query{Groups: [][]Term{{w("Wohngeld"), w("Elterngeld")}, {w("Antrag")}}}},
		{"a OR b OR c", Query{Groups: [][]Term{{w("a"), w("b"), w("c")}}}},
		{"OR Antrag", Query{Groups: [][]Term{{w("or")}, {w("Antrag")}}}}, // OR at the start is a word
		{"Antrag OR", Query{Groups: [][]Term{{w("Antrag")}, {w("or")}}}},
		{"Antrag or Frist", Query{Groups: [][]Term{{w("Antrag")}, {w("or")}, {w("Frist")}}}}, // only upper-case OR
		{"digital*", Query{Groups: [][]Term{{{Text: "digital", Prefix: true}}}}},
		{`"offenes Ende`, Query{Groups: [][]Term{{{Text: "offenes Ende", Phrase: true}}}}},
		{"themenfeld:Bauen-Wohnen typ:Frage typ:pm status:gelöst amtlich:ja von:anna-mueller", Query{Filters: []Filter{
			{Key: "themenfeld", Value: "bauen-wohnen"}, {Key: "typ", Value: "frage"}, {Key: "typ", Value: "pm"},
			{Key: "status", Value: "geloest"}, {Key: "amtlich", Value: "ja"}, {Key: "von", Value: "anna-mueller"}}}},
		{"-typ:faq Antrag", Query{Groups: [][]Term{{w("Antrag")}}, Filters: []Filter{{Key: "typ", Value: "faq", Neg: true}}}},
		{"vor:2026-01-01 nach:2025-06-01", Query{Before: day("2026-01-01"), After: day("2025-06-02")}},
		{"Uhrzeit 10:30 https://example.org/x", Query{Groups: [][]Term{{w("Uhrzeit")}, {w("10:30")}, {w("https://example.org/x")}}}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) =\n  %+v, want\n  %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, key string }{
		{"farbe:blau", "search.error.unknown_filter"},
		{"typ:", "search.error.empty_filter"},
		{"typ:umfrage", "search.error.bad_value"},
		{"status:erledigt", "search.error.bad_value"},
		{"amtlich:vielleicht", "search.error.bad_value"},
		{"vor:2026-02-30", "search.error.bad_date"},
		{"nach:gestern", "search.error.bad_date"},
		{"-vor:2026-01-01", "search.error.negated_date"},
		{"nach:2026-01-01 vor:2026-01-01", "search.error.empty_range"},
		{"a*", "search.error.short_prefix"},
		{strings.Repeat("x", MaxQueryLen+1), "search.error.too_long"},
		{strings.Repeat("a ", maxTerms+1), "search.error.too_many"},
		{"Antr\xffag", "search.error.invalid"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		var qe *Error
		if !errors.As(err, &qe) || qe.Key != tt.key {
			t.Errorf("Parse(%.40q) = %v, want %s", tt.in, err, tt.key)
		}
	}
}

// TestQueryString: String writes a parsed query back so that it parses
// to the same query (used for "Meinten Sie …?" and facet links).
func TestQueryString(t *testing.T) {
	for _, in := range []string{
		`Antrag "digitale Akte" -Papier Wohngeld OR Elterngeld digital* themenfeld:bauen-wohnen -typ:faq vor:2026-01-01 nach:2025-06-01`,
		"von:anna status:offen amtlich:ja",
	} {
		q, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(q.String())
		if err != nil || !reflect.DeepEqual(back, q) {
			t.Errorf("Parse(%q).String() = %q, parses to %+v (%v)", in, q.String(), back, err)
		}
	}
}

func TestOneEdit(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"elterngeld", "elterngelt", true}, {"schnittstell", "schnitstell", true}, {"antrag", "antrag", true},
		{"antrag", "antraege", false}, {"abc", "acb", false}, {"gemeind", "gemeinde", true}, {"", "a", true},
	} {
		if got := oneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("oneEdit(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}
