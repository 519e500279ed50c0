package markup

import (
	"bytes"
	"net/url"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// linkRel is set on every link a member writes: search engines must not rank
// what members link to, and the target must not get window.opener.
const linkRel = "nofollow noopener ugc"

// md is GitHub Flavored Markdown with raw HTML off (goldmark's default: it
// writes an HTML comment in its place, which the sanitiser removes) and without
// automatic heading IDs. A goldmark.Markdown is safe for concurrent use.
var md = goldmark.New(
	goldmark.WithExtensions(
		// align="…" instead of style="text-align:…": the policy allows no styles.
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		extension.Strikethrough,
		// Without this option linkify also turns ftp:// into links.
		extension.NewLinkify(extension.WithLinkifyAllowedProtocols([]string{"http:", "https:"})),
		extension.TaskList,
	),
	goldmark.WithParserOptions(
		parser.WithASTTransformers(util.Prioritized(imageTransformer{}, 100)),
	),
	goldmark.WithRendererOptions(
		// A lower number wins over goldmark's own renderer (1000).
		renderer.WithNodeRenderers(util.Prioritized(linkRenderer{}, 100)),
	),
)

// localImage reports whether dest, an image destination from the AST, points
// to a path on our own origin: one leading "/" but not "//" and no backslash
// or control character, which browsers may turn into "//" (another host).
// goldmark would percent-encode those, but we check the decoded destination
// so that no such trick depends on it.
func localImage(dest []byte) bool {
	d := util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(dest)))
	if len(d) < 2 || d[0] != '/' || d[1] == '/' {
		return false
	}
	for _, c := range d {
		if c == '\\' || c <= ' ' || c == 0x7f {
			return false
		}
	}
	return true
}

// imageTransformer turns every image not served by us into a plain link to
// the image, with its alt text as the link text, so that reading a post never
// sends the reader's IP address to a third-party host.
type imageTransformer struct{}

func (imageTransformer) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	var foreign []*ast.Image
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering && !localImage(img.Destination) {
			foreign = append(foreign, img)
		}
		return ast.WalkContinue, nil
	})
	// Walk order is document order, so an outer image is replaced before the
	// images in its alt text are looked at.
	for _, img := range foreign {
		parent := img.Parent()
		if insideLink(img) {
			// Links cannot nest: keep only the alt text.
			for c := img.FirstChild(); c != nil; {
				next := c.NextSibling()
				parent.InsertBefore(parent, img, c)
				c = next
			}
			parent.RemoveChild(parent, img)
			continue
		}
		link := ast.NewLink()
		link.Destination = img.Destination
		link.Title = img.Title
		for c := img.FirstChild(); c != nil; {
			next := c.NextSibling()
			link.AppendChild(link, c)
			c = next
		}
		if !link.HasChildren() { // ![](url): show the URL rather than an empty link
			link.AppendChild(link, ast.NewString(img.Destination))
		}
		parent.ReplaceChild(parent, img, link)
	}
}

func insideLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Kind() == ast.KindLink {
			return true
		}
	}
	return false
}

// linkRenderer replaces goldmark's rendering of links and autolinks: it adds
// linkRel and writes a link whose URL scheme is not allowed as its text only.
// goldmark itself would keep such a link with an empty href.
type linkRenderer struct{}

func (linkRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindLink, renderLink)
	reg.Register(ast.KindAutoLink, renderAutoLink)
}

// allowedURL mirrors the policy (bluemonday's validURL): parseable, and
// http, https, mailto or relative but not empty. Anything else would lose its
// href in the sanitiser and leave an <a> without a target.
func allowedURL(u []byte) bool {
	p, err := url.Parse(string(u))
	if err != nil {
		return false
	}
	switch p.Scheme { // url.Parse lower-cases the scheme
	case "http", "https", "mailto":
		return true
	case "":
		return p.String() != "" // "#" and "" come out empty
	}
	return false
}

func renderLink(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Link)
	dest := util.URLEscape(n.Destination, true)
	if !allowedURL(dest) {
		return ast.WalkContinue, nil // the children render as text
	}
	if !entering {
		_, _ = w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<a href="`)
	_, _ = w.Write(util.EscapeHTML(dest))
	_, _ = w.WriteString(`" rel="` + linkRel + `"`)
	if n.Title != nil {
		_, _ = w.WriteString(` title="`)
		html.DefaultWriter.Write(w, n.Title)
		_ = w.WriteByte('"')
	}
	_ = w.WriteByte('>')
	return ast.WalkContinue, nil
}

func renderAutoLink(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.AutoLink)
	label := util.EscapeHTML(n.Label(source))
	dest := util.URLEscape(n.URL(source), false)
	if n.AutoLinkType == ast.AutoLinkEmail && !bytes.HasPrefix(bytes.ToLower(dest), []byte("mailto:")) {
		dest = append([]byte("mailto:"), dest...)
	}
	if !allowedURL(dest) {
		_, _ = w.Write(label)
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<a href="`)
	_, _ = w.Write(util.EscapeHTML(dest))
	_, _ = w.WriteString(`" rel="` + linkRel + `">`)
	_, _ = w.Write(label)
	_, _ = w.WriteString("</a>")
	return ast.WalkContinue, nil
}
