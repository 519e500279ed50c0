package markup

import (
	"strings"
	"testing"
	"time"
)

// maxBody is the longest post body the forum accepts (input.MaxBody).
const maxBody = 20000

// pathological are inputs known to drive Markdown parsers into quadratic
// or worse behaviour (deep nesting, long runs of delimiters that never
// close), each at the longest body the forum accepts.
var pathological = map[string]string{
	"nested blockquotes":     strings.Repeat(">", maxBody),
	"nested lists":           strings.Repeat("- ", maxBody/2),
	"nested ordered lists":   strings.Repeat("1. ", maxBody/3),
	"unclosed emphasis":      strings.Repeat("*a", maxBody/2),
	"unclosed strong":        strings.Repeat("**a", maxBody/3),
	"mixed emphasis":         strings.Repeat("*_", maxBody/2),
	"open brackets":          strings.Repeat("[", maxBody),
	"bracket pairs":          strings.Repeat("[a](", maxBody/4),
	"nested links":           strings.Repeat("[", maxBody/2) + strings.Repeat("](x)", maxBody/8),
	"backtick runs":          strings.Repeat("`a``", maxBody/4),
	"unclosed html comments": strings.Repeat("<!--", maxBody/4),
	"entity soup":            strings.Repeat("&#x", maxBody/3),
	"table pipes":            "|a|\n|-|\n" + strings.Repeat("|", maxBody-10),
	"autolink lookalikes":    strings.Repeat("www.a", maxBody/5),
	"image in link nesting":  strings.Repeat("[![", maxBody/3),
	"emphasis in links":      strings.Repeat("*[", maxBody/2),
	"reference definitions":  strings.Repeat("[a]: <", maxBody/6),
	"indented code blocks":   strings.Repeat("    a\n", maxBody/6),
	"setext underline":       strings.Repeat("a\n=\n", maxBody/4),
	"tabs and spaces":        strings.Repeat("\t \t-", maxBody/4),
}

// TestRenderPathologicalIsBounded renders each input and fails if one does
// not finish. The bound is a hang guard, three orders of magnitude above
// the measured cost (see BenchmarkRenderPathological), not a speed target.
func TestRenderPathologicalIsBounded(t *testing.T) {
	for name, src := range pathological {
		t.Run(name, func(t *testing.T) {
			done := make(chan string, 1)
			go func() { done <- Render(src) }()
			select {
			case out := <-done:
				for _, p := range unsafeParts(out) {
					t.Errorf("unsafe output: %s", p)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("Render did not finish within 10 s on %d bytes", len(src))
			}
		})
	}
}

// BenchmarkRenderPathological reports the cost of the worst inputs, to
// compare with an ordinary post (BenchmarkRender, if present).
func BenchmarkRenderPathological(b *testing.B) {
	for name, src := range pathological {
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				Render(src)
			}
		})
	}
}
