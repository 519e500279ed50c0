package markup

import (
	"strings"
	"testing"
)

// Posts of the sizes and shapes the forum sees: a one-line reply, a
// typical answer (paragraph, list, link, inline code) and a long opening
// post with a code block; BenchmarkRender in markup_test.go covers one
// 1.5 kB post. Render runs once per post when it is saved (the HTML is
// stored); Excerpt runs for lists, feeds and mails, Quote for replies.
var benchPosts = []struct{ name, src string }{
	{"short", "Danke, das hilft uns in der Gemeinde Schönbach weiter!"},
	{"answer", `Wir haben den **Wohngeldantrag** im März über FIT-Connect angebunden. Die Übermittlung an das
Fachverfahren läuft Ende-zu-Ende-verschlüsselt, größere Anhänge prüfen wir noch.

- Bescheid als PDF ins Postfach der BundID
- Gebührenberechnung im Formular (` + "`ePayBL`" + `)
- Rückkanal über FIT-Connect

Mehr dazu unter [FIT-Connect](https://docs.fitko.de/fit-connect/) und https://www.onlinezugangsgesetz.de.`},
	{"long", strings.Repeat(`Die Übermittlung an die zuständige Behörde erfolgt über FIT-Connect; das Fachverfahren für den
Bauantrag unterstützt XBau erst ab Version 2.3. Größere Änderungen an der Schnittstelle müssen wir mit dem
Landkreistag und dem Kommunalgremium abstimmen.

1. Antrag im Bürgerportal stellen
2. Nachweise hochladen (*PDF*, höchstens 20 MB)
3. Bescheid im Postfach abrufen

`, 3) + "```json\n{\n  \"leistung\": \"Bauantrag\",\n  \"zustellung\": \"FIT-Connect\",\n  \"status\": \"eingereicht\"\n}\n```\n"},
}

func BenchmarkRenderSizes(b *testing.B) {
	for _, p := range benchPosts {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(int64(len(p.src)))
			b.ReportAllocs()
			for b.Loop() {
				if Render(p.src) == "" {
					b.Fatal("empty HTML")
				}
			}
		})
	}
}

func BenchmarkExcerpt(b *testing.B) {
	for _, p := range benchPosts {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(int64(len(p.src)))
			b.ReportAllocs()
			for b.Loop() {
				if Excerpt(p.src, 200) == "" {
					b.Fatal("empty excerpt")
				}
			}
		})
	}
}

func BenchmarkQuote(b *testing.B) {
	src := benchPosts[2].src
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if Quote(src) == "" {
			b.Fatal("empty quote")
		}
	}
}
