package search

import (
	"fmt"
	"slices"
	"testing"
)

// TestEachWord checks that splitting a text with eachWord and analysing
// word by word (wordTerms, as snippets do) gives the terms and byte ranges
// that analysing the whole text gives, on generated posts and on text with
// the punctuation the word rules treat specially.
func TestEachWord(t *testing.T) {
	texts := []string{
		"Der Bauantrag z.B. kostet 1.000,50 € (ca. 3'000) – siehe §34 BauGB.",
		"E-Akte, OZG-Umsetzung und FIT-Store: 2026er Planung; IT-Planungsrat.",
		"Straße, Bürgerportal, Buergerportal, Anträge: über’s Wochenende ok?",
		"snake_case x:y 10:30 Uhr 1;2 a.b.c. ...Punkt.. 'quote' „Zitat“ 3.5%",
		"Ångström naïve café résumé Ärger Öl Übung ß ẞ",
		"Zahlen 2.025 und 12,5 und v2.0 und A1-B2 und 4711.",
		"",
		"   ",
		"ein und der die das",
		"2025-01-01 https://example.de/pfad?x=1&y=zwei a.b@example.de Nr.5 5.Auflage Ende' 's x'",
		"Emoji 👍🏽 und 漢字かな カタカナ und ١٢٣ und Ω-Wert und Tab\there",
		"Komma,ohne Leerzeichen.Punkt;Semikolon:Doppelpunkt 3,a a,3 a.3 3.a",
	}
	for _, d := range genDocs(200, 3) {
		texts = append(texts, d.Title, markdownNoise.Replace(d.Body))
	}
	for _, text := range texts {
		var want, got []string
		for _, tok := range analyzer.Analyze([]byte(text)) {
			want = append(want, fmt.Sprintf("%d-%d:%s", tok.Start, tok.End, tok.Term))
		}
		eachWord(text, func(start, end int) {
			for _, term := range wordTerms(text[start:end]) {
				got = append(got, fmt.Sprintf("%d-%d:%s", start, end, term))
			}
		})
		if !slices.Equal(got, want) {
			t.Errorf("%q:\n got  %v\n want %v", text, got, want)
		}
	}
}
