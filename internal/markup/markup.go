// Package markup owns the way user-written Markdown becomes HTML: it is the
// only place that runs the Markdown renderer (goldmark) and the only caller of
// the HTML sanitiser (bluemonday). Everything a member writes (posts, answers,
// FAQ entries) goes through Render before it reaches a template, Excerpt before
// it reaches a list or a mail, and Quote when it is quoted in a reply.
//
// Render is defence in depth: goldmark runs with raw HTML off and with our own
// link and image handling, and its output is then sanitised anyway with a
// policy that allows only what goldmark emits. Images are shown only from our
// own origin, so reading a post never contacts a third-party host.
package markup

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Render turns Markdown into sanitised HTML that is safe to use as
// template.HTML. Raw HTML in src is dropped, never interpreted.
func Render(src string) string {
	var buf bytes.Buffer
	buf.Grow(len(src) + len(src)/4)
	// Invalid UTF-8 would survive into the page; make it visible instead.
	if err := md.Convert([]byte(strings.ToValidUTF8(src, "\uFFFD")), &buf); err != nil {
		// Convert only fails when writing fails, which a bytes.Buffer never
		// does; showing nothing is the safe answer if that ever changes.
		return ""
	}
	return string(policy.SanitizeBytes(buf.Bytes()))
}

// Excerpt returns the text of the rendered Markdown without markup and with
// whitespace collapsed, at most n runes long. A shortened text is cut at a
// word boundary and ends in "…" (counted in n).
func Excerpt(src string, n int) string {
	if n <= 0 {
		return ""
	}
	return truncate(plainText(Render(src)), n)
}

// Quote returns src as a Markdown blockquote followed by a blank line, ready
// to be put into a reply. Blank lines become a bare ">" so the quote stays one
// block; leading and trailing blank lines are dropped. The caller adds the
// attribution line above it.
func Quote(src string) string {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	src = strings.ReplaceAll(src, "\r", "\n")
	lines := strings.Split(src, "\n")
	for len(lines) > 0 && isBlank(lines[0]) {
		lines = lines[1:]
	}
	for len(lines) > 0 && isBlank(lines[len(lines)-1]) {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(len(src) + 3*len(lines) + 1)
	for _, line := range lines {
		if isBlank(line) {
			b.WriteString(">\n")
			continue
		}
		b.WriteString("> ")
		b.WriteString(line)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	return b.String()
}

func isBlank(s string) bool {
	return strings.TrimSpace(s) == ""
}

// blockTags are the elements Render emits that separate words; crossing one
// of them in plainText counts as whitespace.
var blockTags = map[string]bool{
	"p": true, "br": true, "hr": true, "li": true, "blockquote": true, "pre": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"table": true, "tr": true, "th": true, "td": true, "ul": true, "ol": true,
}

// plainText returns the text content of sanitised HTML with entities decoded
// and runs of whitespace collapsed into single spaces.
func plainText(h string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(h))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			if blockTags[string(name)] {
				b.WriteByte(' ')
			}
		}
	}
}

// truncate shortens s (single-spaced, as plainText returns it) to at most n
// runes including the trailing "…", preferring to cut between words.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := 0 // byte offset of rune n-1: keep n-1 runes, leave room for "…"
	for i := 0; i < n-1; i++ {
		_, size := utf8.DecodeRuneInString(s[cut:])
		cut += size
	}
	head := s[:cut]
	if s[cut] != ' ' { // mid-word: go back to the previous space, if any
		if i := strings.LastIndexByte(head, ' '); i > 0 {
			head = head[:i]
		}
	}
	head = strings.TrimRightFunc(head, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:–-", r)
	})
	return head + "…"
}
