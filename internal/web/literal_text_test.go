package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	tmplComment = regexp.MustCompile(`(?s)\{\{-?\s*/\*.*?\*/\s*-?\}\}`)
	tmplAction  = regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	htmlComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	// Style sheets and code samples are not prose.
	notProse     = regexp.MustCompile(`(?is)<(style|code|pre)\b[^>]*>.*?</(style|code|pre)>`)
	textAttr     = regexp.MustCompile(`(?i)\s(aria-label|title|placeholder|alt|aria-description|data-confirm)="([^"]*)"`)
	htmlTag      = regexp.MustCompile(`(?s)<[^>]*>`)
	literalWord  = regexp.MustCompile(`\p{L}{2,}`)
	urlOrAddress = regexp.MustCompile(`(?i)(https?://|mailto:|/)[^\s"<]*`)
)

// TestTemplatesHaveNoLiteralText fails when a page or mail template holds
// words outside template actions: every word a user reads must come from
// the catalogues, or the English UI would show German (or the reverse).
// Visible text and the attributes screen readers and browsers show
// (aria-label, title, placeholder, alt, data-confirm) are checked.
func TestTemplatesHaveNoLiteralText(t *testing.T) {
	var files []string
	for _, p := range []string{"../../templates/*.html", "../../templates/*/*.html", "../../templates/email/*.txt"} {
		fs, err := filepath.Glob(p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	if len(files) < 40 {
		t.Fatalf("found only %d templates; is the pattern right?", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range literalText(string(b)) {
			t.Errorf("%s: literal text %q (use a catalogue key)", filepath.Base(f), s)
		}
	}
}

// literalText returns the words of src outside template actions, tags,
// style sheets and code samples, and in text attributes.
func literalText(src string) []string {
	src = tmplComment.ReplaceAllString(src, "")
	src = tmplAction.ReplaceAllString(src, " ")
	src = htmlComment.ReplaceAllString(src, "")
	src = notProse.ReplaceAllString(src, " ")
	var found []string
	for _, m := range textAttr.FindAllStringSubmatch(src, -1) {
		if literalWord.MatchString(urlOrAddress.ReplaceAllString(m[2], "")) {
			found = append(found, m[1]+"="+m[2])
		}
	}
	text := htmlTag.ReplaceAllString(src, " ")
	text = urlOrAddress.ReplaceAllString(text, " ")
	for _, line := range strings.Split(text, "\n") {
		if literalWord.MatchString(line) {
			found = append(found, strings.TrimSpace(line))
		}
	}
	return found
}

func TestLiteralTextFinds(t *testing.T) {
	tests := []struct {
		src  string
		want int
	}{
		{`<p>{{t "forum.title"}}</p>`, 0},
		{`<p>Hallo Welt</p>`, 1},
		{`<a href="/x" title="Startseite">{{t "x"}}</a>`, 1},
		{`<button aria-label="{{t "x"}}">▲ {{.Score}} · –</button>`, 0},
		{`{{/* Kommentar mit Wörtern */}}<pre><code>curl -H "X"</code></pre>`, 0},
		{"{{t \"mail.greeting\"}}\n{{.Site}}/passwort-vergessen\n", 0},
		{"Guten Tag,\n{{.Site}}", 1},
	}
	for _, tt := range tests {
		if got := literalText(tt.src); len(got) != tt.want {
			t.Errorf("literalText(%q) = %q, want %d findings", tt.src, got, tt.want)
		}
	}
}
