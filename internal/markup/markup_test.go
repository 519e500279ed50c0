package markup

import (
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

func TestRenderMarkdown(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		want    []string // substrings of the output
		notWant []string
	}{
		{
			name: "emphasis",
			src:  "*kursiv*, **fett** und ~~gestrichen~~",
			want: []string{"<p><em>kursiv</em>, <strong>fett</strong> und <del>gestrichen</del></p>"},
		},
		{
			name: "bullet list",
			src:  "- Antrag\n- Bescheid\n",
			want: []string{"<ul>\n<li>Antrag</li>\n<li>Bescheid</li>\n</ul>"},
		},
		{
			name: "ordered list keeps its start",
			src:  "3. drei\n4. vier\n",
			want: []string{`<ol start="3">`, "<li>drei</li>"},
		},
		{
			name:    "table with alignment as attribute, not style",
			src:     "| Leistung | Reifegrad |\n|:--|--:|\n| Wohngeld | 3 |\n",
			want:    []string{"<table>", `<th align="left">Leistung</th>`, `<td align="right">3</td>`},
			notWant: []string{"style="},
		},
		{
			name: "fenced code keeps its language",
			src:  "```go\nif a < b && c {\n}\n```\n",
			want: []string{`<pre><code class="language-go">if a &lt; b &amp;&amp; c {`},
		},
		{
			name:    "fenced code with a hostile language loses the class",
			src:     "```go\" onclick=\"alert(1)\nx\n```\n",
			want:    []string{"<pre><code>x\n</code></pre>"},
			notWant: []string{"class=", "onclick"},
		},
		{
			name: "task list",
			src:  "- [x] Antrag gestellt\n- [ ] Bescheid erhalten\n",
			want: []string{
				`<li><input checked="" disabled="" type="checkbox"> Antrag gestellt</li>`,
				`<li><input disabled="" type="checkbox"> Bescheid erhalten</li>`,
			},
		},
		{
			name: "linkify",
			src:  "Siehe https://www.onlinezugangsgesetz.de/ und www.fitko.de.",
			want: []string{
				`<a href="https://www.onlinezugangsgesetz.de/" rel="nofollow noopener ugc">https://www.onlinezugangsgesetz.de/</a>`,
				`<a href="http://www.fitko.de" rel="nofollow noopener ugc">www.fitko.de</a>.`,
			},
		},
		{
			name: "linkify e-mail",
			src:  "Fragen an ozg@example.org bitte.",
			want: []string{`<a href="mailto:ozg@example.org" rel="nofollow noopener ugc">ozg@example.org</a>`},
		},
		{
			name:    "linkify leaves ftp alone",
			src:     "ftp://files.example.org/x",
			want:    []string{"<p>ftp://files.example.org/x</p>"},
			notWant: []string{"<a"},
		},
		{
			name: "inline link with title",
			src:  `[Leitfaden](/faq/12 "Der Leitfaden")`,
			want: []string{`<a href="/faq/12" rel="nofollow noopener ugc" title="Der Leitfaden">Leitfaden</a>`},
		},
		{
			name: "reference link",
			src:  "[FIM][fim]\n\n[fim]: https://fimportal.de\n",
			want: []string{`<a href="https://fimportal.de" rel="nofollow noopener ugc">FIM</a>`},
		},
		{
			name:    "headings have no id",
			src:     "# Über uns\n\n## Straßenbeleuchtung {#custom}\n",
			want:    []string{"<h1>Über uns</h1>", "<h2>Straßenbeleuchtung {#custom}</h2>"},
			notWant: []string{"id="},
		},
		{
			name:    "raw inline HTML is dropped",
			src:     "vor <b>fett</b> nach",
			want:    []string{"<p>vor fett nach</p>"},
			notWant: []string{"<b>", "raw HTML"},
		},
		{
			name: "blockquote and hard break",
			src:  "> zitiert  \n> weiter\n",
			want: []string{"<blockquote>\n<p>zitiert<br>\nweiter</p>\n</blockquote>"},
		},
		{
			name: "code span is escaped",
			src:  "`<script>`",
			want: []string{"<code>&lt;script&gt;</code>"},
		},
		{
			name: "German text passes through",
			src:  "Größere Gemeinden müssen Anträge prüfen: ÄÖÜ äöü ß ẞ „Anführung“ – 5 €",
			want: []string{"<p>Größere Gemeinden müssen Anträge prüfen: ÄÖÜ äöü ß ẞ „Anführung“ – 5 €</p>"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Render(tt.src)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Render(%q) = %q, want it to contain %q", tt.src, got, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("Render(%q) = %q, want no %q", tt.src, got, w)
				}
			}
			for _, p := range unsafeParts(got) {
				t.Errorf("Render(%q) = %q: %s", tt.src, got, p)
			}
		})
	}
}

// hostile holds attack vectors, gathered from the OWASP XSS Filter Evasion
// Cheat Sheet, the DOMPurify and bluemonday test suites and the Markdown XSS
// payload list in JakobTheDev/information-security (Payloads/md/XSS.md),
// plus Markdown-specific ones of our own.
var hostile = []string{
	// Raw HTML: must never be interpreted.
	`<script>alert(1)</script>`,
	`<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>`,
	`<scr<script>ipt>alert(1)</scr</script>ipt>`,
	"text <img src=x onerror=alert(1)> text",
	`<IMG SRC=javascript:alert('XSS')>`,
	`<IMG SRC="jav&#x09;ascript:alert('XSS');">`,
	`<svg onload=alert(1)>`,
	`<svg><script>alert(1)</script></svg>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`<iframe src="javascript:alert(1)"></iframe>`,
	`<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
	`<object data="javascript:alert(1)"></object>`,
	`<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">`,
	`<a href="javascript:alert(1)">x</a>`,
	`<a href="&#106;avascript:alert(1)">x</a>`,
	`<a href="https://example.org" style="position:fixed;top:0;left:0;width:100%;height:100%">x</a>`,
	`<a href="https://example.org" onmouseover="alert(1)">x</a>`,
	`<a href="https://example.org" target="_blank">x</a>`,
	`<div style="background:url(javascript:alert(1))">x</div>`,
	`<form action="javascript:alert(1)"><input type=submit></form>`,
	`<input autofocus onfocus=alert(1)>`,
	`<body onload=alert(1)>`,
	`<details open ontoggle=alert(1)>`,
	`<!-- <script>alert(1)</script> -->`,
	`<![CDATA[<script>alert(1)</script>]]>`,
	`<style>@import 'javascript:alert(1)';</style>`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
	`<base href="javascript:alert(1)//">`,
	"> <iframe src=//evil.example>",
	"- [x] <img src=x onerror=alert(1)>",
	"| a |\n|---|\n| <script>alert(1)</script> |",

	// Markdown links with script URLs in all spellings.
	`[a](javascript:alert(1))`,
	`[a](JaVaScRiPt:alert(1))`,
	`[a](&#106;avascript:alert(1))`,
	`[a](&#x6A;avascript:alert(1))`,
	`[a](&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x31&#x29)`,
	`[a](&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1))`,
	`[a](jav&#x09;ascript:alert(1))`,
	`[a](jav&#x0A;ascript:alert(1))`,
	"[a](java\tscript:alert(1))",
	"[a](<java\tscript:alert(1)>)",
	`[a](javascript&#58;alert(1))`,
	`[a](javascript&colon;alert(1))`,
	`[a](Javas&#99;ript:alert(1))`,
	`[a](   javascript:alert(1))`,
	`[a](&#x20;javascript:alert(1))`,
	"[a](java\x00script:alert(1))",
	`[a](javascript://%0Aalert(1))`,
	`[a](javascript:alert(1) "title")`,
	`[a]('javascript:alert(1)')`,
	`[a](vbscript:msgbox(1))`,
	`[a](VBScript:msgbox(1))`,
	`[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`[a](DATA:text/html,alert(1))`,
	`[a](file:///etc/passwd)`,
	"[a][1]\n\n[1]: javascript:alert(1)",
	"[a][1]\n\n[1]: <javascript:alert(1)> \"t\"",
	"[a]\n\n[a]: &#106;avascript:alert(1)",
	`<javascript:alert(1)>`,
	`<JAVASCRIPT:alert(1)>`,
	`<vbscript:msgbox(1)>`,
	`<data:text/html,alert(1)>`,
	`<http://example.org/" onmouseover="alert(1)>`,

	// Images.
	`![x](javascript:alert(1))`,
	`![x](/a.png "\" onerror=alert(1) x=\"")`,
	`![x](/a.png" onerror="alert(1))`,
	`![x"onerror="alert(1)](/a.png)`,
	"![XSS'\"`onerror=prompt(document.cookie)](x)",
	`![x](https://www.example.com/image.png"onload="alert(1))`,
	`![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)`,
	`![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`![x](//evil.example/x.png)`,
	`![x](/\evil.example/x.png)`,
	`![x](/&#x5C;evil.example/x.png)`,
	`![x](</	/evil.example/x.png>)`,
	`[![x](javascript:alert(1))](javascript:alert(1))`,
	`[![x](https://evil.example/x.png)](https://example.org)`,

	// Titles, code and other Markdown corners.
	`[a](/x "\" onmouseover=alert(1) x=\"")`,
	`[a](/x 'it''s "quoted" <b>')`,
	`[a](/x (title with "quotes" and 'apostrophes'))`,
	"```js\" onclick=\"alert(1)\nx\n```",
	"```<script>\nx\n```",
	"# Heading {#evil onclick=alert(1)}",
	`www.example.org/"onmouseover="alert(1)`,
	`http://example.org/<script>alert(1)</script>`,
	`https://example.org/"><script>alert(1)</script>`,
	"\x00<script>alert(1)</script>",
}

func TestRenderHostile(t *testing.T) {
	if len(hostile) < 40 {
		t.Fatalf("only %d hostile vectors, want at least 40", len(hostile))
	}
	for _, src := range hostile {
		t.Run(src, func(t *testing.T) {
			got := Render(src)
			for _, p := range unsafeParts(got) {
				t.Errorf("Render(%q) = %q: %s", src, got, p)
			}
		})
	}
}

// allowedTags is every element Render may emit.
var allowedTags = map[string]bool{
	"p": true, "br": true, "hr": true, "blockquote": true, "pre": true, "code": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"em": true, "strong": true, "del": true, "a": true, "img": true, "input": true,
	"ul": true, "ol": true, "li": true,
	"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true,
}

// urlAttrs are attributes a browser treats as URLs.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "cite": true, "action": true, "formaction": true,
	"background": true, "poster": true, "data": true, "srcset": true, "xlink:href": true,
}

// unsafeParts tokenises out as a browser would and describes everything in it
// that should not be there. Words like "javascript:" or "onerror" inside text,
// a title attribute or a URL's path are inert and not reported; what counts
// is tag names, attribute names and the schemes of URL attributes (after HTML
// unescaping, which the tokenizer does, and after removing what browsers
// ignore in a scheme).
func unsafeParts(out string) []string {
	var bad []string
	lower := strings.ToLower(out)
	// In text, "<" is always escaped, so these can only be real markup.
	for _, s := range []string{"<script", "<iframe", "<svg", "<math", "<object", "<embed", "<form", "<style", "<!--", "<![cdata["} {
		if strings.Contains(lower, s) {
			bad = append(bad, "contains "+s)
		}
	}
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if err := z.Err(); !errors.Is(err, io.EOF) {
				bad = append(bad, "tokenizer: "+err.Error())
			}
			return bad
		case html.CommentToken, html.DoctypeToken:
			bad = append(bad, "has "+tt.String())
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if !allowedTags[tok.Data] {
				bad = append(bad, "element <"+tok.Data+">")
			}
			var href, src, rel string
			var hasHref, hasSrc bool
			for _, a := range tok.Attr {
				switch {
				case strings.HasPrefix(a.Key, "on"):
					bad = append(bad, "event handler attribute "+a.Key)
				case a.Key == "style", a.Key == "id", a.Key == "target", a.Key == "name":
					bad = append(bad, "attribute "+a.Key)
				}
				if urlAttrs[a.Key] {
					u := squeeze(a.Val) // "#javascript:" or "/?q=javascript:" are harmless
					for _, scheme := range []string{"javascript:", "vbscript:", "data:", "file:"} {
						if strings.HasPrefix(u, scheme) {
							bad = append(bad, a.Key+" with "+scheme)
						}
					}
				}
				switch a.Key {
				case "href":
					href, hasHref = a.Val, true
				case "src":
					src, hasSrc = a.Val, true
				case "rel":
					rel = a.Val
				}
			}
			switch tok.Data {
			case "a":
				if !hasHref || href == "" {
					bad = append(bad, "<a> without href")
				}
				relSet := strings.Fields(rel)
				for _, r := range []string{"nofollow", "noopener", "ugc"} {
					if !contains(relSet, r) {
						bad = append(bad, "<a> without rel "+r)
					}
				}
			case "img":
				if !hasSrc || !strings.HasPrefix(src, "/") || strings.HasPrefix(src, "//") ||
					strings.ContainsAny(src, "\\\t\n\r ") {
					bad = append(bad, "<img> from another origin: "+src)
				}
			}
		}
	}
}

// squeeze lower-cases a URL and removes what browsers ignore inside a scheme
// (ASCII whitespace and control characters).
func squeeze(u string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, u)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestRenderImages(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		want    string // the whole output
		notWant string
	}{
		{
			name: "own upload stays an image",
			src:  "![Plan](/uploads/plan.png)",
			want: `<p><img src="/uploads/plan.png" alt="Plan"></p>` + "\n",
		},
		{
			name: "own upload with a title and a colon in the alt text",
			src:  `![Plan: EG](/uploads/plan.png "Erdgeschoss")`,
			want: `<p><img src="/uploads/plan.png" alt="Plan: EG" title="Erdgeschoss"></p>` + "\n",
		},
		{
			name:    "external image becomes a link",
			src:     "![Logo](https://tracker.example/x.png)",
			want:    `<p><a href="https://tracker.example/x.png" rel="nofollow noopener ugc">Logo</a></p>` + "\n",
			notWant: "<img",
		},
		{
			name:    "protocol-relative image becomes a link",
			src:     "![x](//evil.example/x.png)",
			want:    `<p><a href="//evil.example/x.png" rel="nofollow noopener ugc">x</a></p>` + "\n",
			notWant: "<img",
		},
		{
			name:    "backslash after the slash is another host to a browser",
			src:     `![x](/\evil.example/x.png)`,
			notWant: "<img",
		},
		{
			name:    "external image without alt text shows its URL",
			src:     "![](https://tracker.example/x.png)",
			want:    `<p><a href="https://tracker.example/x.png" rel="nofollow noopener ugc">https://tracker.example/x.png</a></p>` + "\n",
			notWant: "<img",
		},
		{
			name:    "data URI image is dropped to its alt text",
			src:     "![Pixel](data:image/png;base64,iVBORw0KGgo=)",
			want:    "<p>Pixel</p>\n",
			notWant: "<img",
		},
		{
			name:    "external image inside a link keeps only its alt text",
			src:     "[![Badge](https://ci.example/badge.svg)](https://ci.example/)",
			want:    `<p><a href="https://ci.example/" rel="nofollow noopener ugc">Badge</a></p>` + "\n",
			notWant: "<img",
		},
		{
			name: "own image inside a link stays",
			src:  "[![Plan](/uploads/plan.png)](/uploads/plan-gross.png)",
			want: `<p><a href="/uploads/plan-gross.png" rel="nofollow noopener ugc"><img src="/uploads/plan.png" alt="Plan"></a></p>` + "\n",
		},
		{
			name:    "reference-style external image",
			src:     "![Logo][l]\n\n[l]: http://tracker.example/l.gif\n",
			want:    `<p><a href="http://tracker.example/l.gif" rel="nofollow noopener ugc">Logo</a></p>` + "\n",
			notWant: "<img",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Render(tt.src)
			if tt.want != "" && got != tt.want {
				t.Errorf("Render(%q) = %q, want %q", tt.src, got, tt.want)
			}
			if tt.notWant != "" && strings.Contains(got, tt.notWant) {
				t.Errorf("Render(%q) = %q, want no %q", tt.src, got, tt.notWant)
			}
			for _, p := range unsafeParts(got) {
				t.Errorf("Render(%q) = %q: %s", tt.src, got, p)
			}
		})
	}
}

func TestRenderInvalidUTF8(t *testing.T) {
	tests := []string{
		"\xff\xfe",
		"Stra\xdfe", // ß in Latin-1
		"*a\xc3*",   // truncated ü
		"[\xe2\x82](/x\xff)",
		"```\xc0\n\xed\xa0\x80\n```",
		"![\xff](https://e.example/\xff.png)",
	}
	for _, src := range tests {
		t.Run(src, func(t *testing.T) {
			got := Render(src)
			if !utf8.ValidString(got) {
				t.Errorf("Render(%q) = %q, want valid UTF-8", src, got)
			}
			if !strings.Contains(got, "\uFFFD") {
				t.Errorf("Render(%q) = %q, want U+FFFD in place of the invalid bytes", src, got)
			}
		})
	}
}

func TestRenderConcurrent(t *testing.T) {
	const src = "# Titel\n\n- [x] [Link](https://example.org) ![Logo](https://tracker.example/x.png)\n"
	want := Render(src)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := Render(src); got != want {
					t.Errorf("Render(%q) = %q concurrently, want %q", src, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		src  string
		n    int
		want string
	}{
		{"Hallo *Welt*", 50, "Hallo Welt"},
		{"", 10, ""},
		{"Hallo Welt", 0, ""},
		{"Hallo Welt", 10, "Hallo Welt"},
		{"Hallo Welt", 9, "Hallo…"},
		{"Die Straßenbeleuchtung in der Gemeinde", 25, "Die Straßenbeleuchtung…"},
		{"Die Straßenbeleuchtung in der Gemeinde", 24, "Die Straßenbeleuchtung…"},
		{"Die Straßenbeleuchtung in der Gemeinde", 23, "Die Straßenbeleuchtung…"},
		{"Die Straßenbeleuchtung in der Gemeinde", 22, "Die…"},
		{"Donaudampfschifffahrtsgesellschaft", 10, "Donaudamp…"},
		{"Erstens, zweitens, drittens", 12, "Erstens…"},
		{"Donaudampfschifffahrt", 1, "…"},
		{"# Titel\n\n- eins\n- zwei\n\n```go\nx := 1\n```\n", 100, "Titel eins zwei x := 1"},
		{"Tom &amp; Jerry <b>lachen</b>", 100, "Tom & Jerry lachen"},
		{"[Anleitung](https://example.org) lesen, ![Plan](/p.png) ansehen", 100, "Anleitung lesen, ansehen"},
		{"| a | b |\n|---|---|\n| 1 | 2 |\n", 100, "a b 1 2"},
		{"eins  \nzwei\n\n\n\ndrei\tvier", 100, "eins zwei drei vier"},
		{"> Zitat\n\nAntwort", 100, "Zitat Antwort"},
		{"- [x] erledigt", 100, "erledigt"},
	}
	for _, tt := range tests {
		got := Excerpt(tt.src, tt.n)
		if got != tt.want {
			t.Errorf("Excerpt(%q, %d) = %q, want %q", tt.src, tt.n, got, tt.want)
		}
		if utf8.RuneCountInString(got) > max(tt.n, 0) {
			t.Errorf("Excerpt(%q, %d) = %q, longer than %d runes", tt.src, tt.n, got, tt.n)
		}
	}
}

func TestQuote(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{"Hallo", "> Hallo\n\n"},
		{"a\nb", "> a\n> b\n\n"},
		{"a\n\nb", "> a\n>\n> b\n\n"},
		{"a\n   \nb", "> a\n>\n> b\n\n"},
		{"a\r\nb\r\n", "> a\n> b\n\n"},
		{"\n\n  eingerückt\n\n", ">   eingerückt\n\n"},
		{"> zitiert\nAntwort", "> > zitiert\n> Antwort\n\n"},
		{"```\ncode\n```", "> ```\n> code\n> ```\n\n"},
		{"", ""},
		{" \n\t\n", ""},
	}
	for _, tt := range tests {
		if got := Quote(tt.src); got != tt.want {
			t.Errorf("Quote(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestQuoteRendersAsBlockquote(t *testing.T) {
	src := "Erster Absatz.\n\nZweiter Absatz mit **fett**."
	got := Render(Quote(src) + "Meine Antwort.")
	want := "<blockquote>\n<p>Erster Absatz.</p>\n<p>Zweiter Absatz mit <strong>fett</strong>.</p>\n</blockquote>\n<p>Meine Antwort.</p>\n"
	if got != want {
		t.Errorf("Render(Quote(%q) + ...) = %q, want %q", src, got, want)
	}
}

// benchPost is a realistic post of about 1500 characters.
const benchPost = `Hallo zusammen,

wir haben in unserer Gemeinde den **Antrag auf Wohngeld** nach dem *EfA-Prinzip* angebunden und
möchten unsere Erfahrungen teilen. Die Anbindung an das Landesportal hat länger gedauert als geplant,
vor allem wegen der Schnittstelle zum Fachverfahren.

Was bei uns wichtig war:

- frühzeitig mit dem Fachverfahrenshersteller sprechen (Termine sind knapp!)
- die FIM-Stammdaten prüfen, bevor der Onlinedienst live geht
- Testfälle mit echten Sachbearbeiterinnen durchspielen
- Datenschutz: Auftragsverarbeitungsvertrag rechtzeitig unterschreiben

Die Dokumentation findet ihr unter [Leitfaden EfA-Nachnutzung](https://www.onlinezugangsgesetz.de/leitfaden)
oder direkt bei https://fimportal.de/ im Bereich Leistungen.

Für die XÖV-Nachricht haben wir ein kleines Prüfskript geschrieben:

` + "```go" + `
func check(msg []byte) error {
	if len(msg) == 0 {
		return errors.New("leere Nachricht")
	}
	return validate(msg, "xdomea-3.0")
}
` + "```" + `

Falls jemand ähnliche Probleme mit der Zustellung über das OSCI-Postfach hatte: Bei uns lag es am
Zertifikat, das nach der Verlängerung nicht neu hinterlegt worden war. Das Fehlerbild war eine
„unbekannte Empfängerin“ im Log, was zunächst völlig irreführend ist.

Viele Grüße aus der Straßenverkehrsbehörde
`

func BenchmarkRender(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchPost)))
	for b.Loop() {
		Render(benchPost)
	}
}

func FuzzRender(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add(benchPost)
	f.Fuzz(func(t *testing.T, src string) {
		got := Render(src)
		for _, p := range unsafeParts(got) {
			t.Errorf("Render(%q) = %q: %s", src, got, p)
		}
	})
}
