package markup

import (
	"regexp"

	"github.com/microcosm-cc/bluemonday"
)

// policy is built once; a bluemonday.Policy is safe for concurrent use once
// it is no longer changed.
var policy = newPolicy()

// newPolicy returns bluemonday's UGC policy narrowed to what our goldmark
// setup emits. It is written out rather than derived from UGCPolicy() because
// bluemonday can only add permissions: UGCPolicy allows "id" on every element
// and images from any host, and neither can be taken back.
//
// Differences from UGCPolicy besides those two: alt and title may hold any
// text (UGCPolicy's pattern drops an alt text containing ":" or "?", which
// hurts screen-reader users; both are escaped attribute values, never URLs),
// and the elements goldmark cannot produce (details, ruby, meter, …) are left
// out.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()

	// http, https, mailto and relative URLs only, all parseable, and rel
	// "nofollow" on links (linkRenderer writes the full linkRel itself).
	p.AllowStandardURLs()

	p.AllowElements("p", "br", "hr", "blockquote", "pre",
		"h1", "h2", "h3", "h4", "h5", "h6",
		"em", "strong", "del", "code",
		"ul", "ol", "li",
		"table", "thead", "tbody", "tr")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("align").Matching(bluemonday.CellAlign).OnElements("th", "td")
	p.AllowNoAttrs().OnElements("th", "td")

	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + linkRel + `$`)).OnElements("a")
	p.AllowAttrs("title").OnElements("a", "img")

	// Images from our own origin only; see localImage. Anything else was
	// turned into a link before rendering, this is the second line.
	p.AllowAttrs("src").Matching(regexp.MustCompile(`^/[^/\\\x00-\x20\x7f][^\\\x00-\x20\x7f]*$`)).OnElements("img")
	p.AllowAttrs("alt").OnElements("img")

	// Fenced code keeps its language for the syntax highlighter.
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[\p{L}\p{N}_.+#-]+$`)).OnElements("code")

	// Task-list items: a disabled checkbox, nothing else of a form.
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^$`)).OnElements("input")

	return p
}
