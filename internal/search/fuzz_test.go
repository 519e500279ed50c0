package search

import (
	"testing"
	"unicode/utf8"
)

// FuzzParse: the query parser never panics, and whatever it accepts it can
// write back (as "Meinten Sie …?" does) into a query it accepts again with
// the same meaning. The seed corpus runs as a normal test.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"Antrag Wohngeld",
		`"digitaler Bauantrag" -Papier OR Kita`,
		"digital* themenfeld:familie-kind typ:frage",
		"status:geloest amtlich:ja von:anna-mueller vor:2026-01-01 nach:2025-06-01",
		"typ:unbekannt", "vor:2026-13-45", `"unclosed`, "---", "OR OR", "-", `""`, "*",
		"<script>alert(1)</script>", "von:", ":wert", "a:b:c", "Anträge Bürgerportal Straße",
		"\x00\xff", "\"a\" OR -b*",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			return
		}
		again, err := Parse(q.String())
		if err != nil {
			t.Fatalf("Parse(%q) = %q, which Parse refuses: %v", s, q.String(), err)
		}
		if utf8.ValidString(s) && again.String() != q.String() {
			t.Fatalf("Parse(%q) writes %q, which reads back as %q", s, q.String(), again.String())
		}
	})
}
