// Command ceiling is the benchmark's yardstick: a minimal gin +
// html/template server that renders, from memory, a page with the size and
// structure of the forum's thread page (layout, navigation, breadcrumbs, N
// posts with author, organisation, date and HTML body, pagination, footer).
// No database, no middleware, no sessions: what this machine can do at all
// for such a page, so every figure of bench/run.sh can be quoted as a ratio
// to it, measured in the same run on the same load.
//
//	go run ./bench/ceiling --listen 127.0.0.1:18090 --posts 20 --bytes 25184
//
// --bytes is the size of the real thread page (bench/run.sh measures it
// with curl); the post bodies are sized so the page comes out that large.
// /t/:id renders on every request; /cached/t/:id serves the bytes rendered
// once at start, the yardstick for a forum that caches anonymous pages.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// The page mirrors templates/layout.html and templates/pages/thread.html
// in structure; the wording does not matter, the bytes and the number of
// template actions do.
const page = `<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} – Kommunalforum</title>
<link rel="stylesheet" href="/assets/css/app.css?v=1">
</head>
<body>
<a class="skip-link" href="#inhalt">Zum Inhalt springen</a>
<header class="site-header">
  <div class="container site-header-top">
    <div class="brand"><a class="brand-link" href="/"><span class="brand-name">Kommunalforum</span></a>
      <p class="brand-tagline">Austausch zur OZG-Umsetzung in Kommunen</p></div>
    <form class="header-search" role="search" method="get" action="/suche">
      <label class="visually-hidden" for="q">Forum durchsuchen</label>
      <input type="search" id="q" name="q" maxlength="500">
      <button class="btn btn-secondary btn-small" type="submit">Suchen</button>
    </form>
  </div>
  <div class="site-nav"><div class="container site-nav-inner">
    <nav class="primary-nav" aria-label="Hauptnavigation"><ul>
      {{range .Nav}}<li><a href="{{.URL}}">{{.Name}}</a></li>
      {{end}}</ul></nav>
  </div></div>
</header>
<div class="container page">
  <nav class="breadcrumbs" aria-label="Sie sind hier"><ol>
    <li><a href="/">Startseite</a></li>
    <li><a href="/themenfeld/{{.FieldSlug}}">{{.FieldName}}</a></li>
    <li><span aria-current="page">{{.Title}}</span></li>
  </ol></nav>
  <main id="inhalt" tabindex="-1">
  <div class="page-header"><h1>{{.Title}}</h1>
    <p class="thread-meta">{{.Replies}} Antworten · zuletzt {{.Last.Format "02.01.2006, 15:04"}}</p></div>
  <div class="posts">
{{range $i, $p := .Posts}}<article class="post" id="beitrag-{{$p.ID}}" aria-labelledby="beitrag-{{$p.ID}}-author">
  <header class="post-meta">
    <p class="post-author"><a class="post-author-name" id="beitrag-{{$p.ID}}-author" href="/u/{{$p.AuthorID}}">{{$p.Author}}</a> <span class="post-org">{{$p.Org}}</span></p>
    <p class="post-date"><a href="/beitrag/{{$p.ID}}"><span class="visually-hidden">Beitrag {{$p.Number}}, </span><time datetime="{{$p.At.Format "2006-01-02T15:04:05Z07:00"}}">{{$p.At.Format "02.01.2006, 15:04"}}</time></a></p>
  </header>
  <div class="post-body">{{$p.HTML}}</div>
  <footer class="post-actions">
  </footer>
</article>
{{end}}</div>
  <nav class="pagination" aria-label="Seitennavigation"><p class="pagination-status">Seite 1 von 2</p>
    <ul class="pagination-list"><li><a href="{{.URL}}" aria-current="page">1</a></li><li><a href="{{.URL}}?seite=2">2</a></li></ul></nav>
  <section class="section" id="antworten"><h2>Antworten</h2>
    <p class="notice">Melden Sie sich an, um zu antworten. <a href="/anmelden">Anmelden</a> · <a href="/registrieren">Registrieren</a></p></section>
  </main>
</div>
<footer class="site-footer"><div class="container site-footer-inner">
  <p class="site-footer-about"><strong>Kommunalforum</strong> – Fachforum für die OZG-Umsetzung.</p>
  <nav class="footer-nav" aria-label="Rechtliche Hinweise"><ul>
    <li><a href="/datenschutz">Datenschutz</a></li><li><a href="/impressum">Impressum</a></li>
    <li><a href="/barrierefreiheit">Erklärung zur Barrierefreiheit</a></li></ul></nav>
</div></footer>
</body>
</html>
`

type link struct{ URL, Name string }

type post struct {
	ID, AuthorID int64
	Number       int
	Author, Org  string
	At           time.Time
	HTML         template.HTML
}

type threadPage struct {
	Title, FieldSlug, FieldName, URL string
	Replies                          int
	Last                             time.Time
	Nav                              []link
	Posts                            []post
}

// paragraph is filler post text with the umlauts and markup real posts have.
const paragraph = `<p>Wir haben den Wohngeldantrag im März über FIT-Connect angebunden. Die Übermittlung an das Fachverfahren läuft Ende-zu-Ende-verschlüsselt; größere Anhänge prüfen wir noch. Mehr dazu unter <a href="https://docs.fitko.de/fit-connect/" rel="nofollow noopener ugc">FIT-Connect</a>.</p>
`

// build makes the page data with bodies of bodyBytes each.
func build(posts, bodyBytes int) threadPage {
	body := ""
	for len(body)+len(paragraph) <= bodyBytes {
		body += paragraph
	}
	// Fill the rest with text inside one more paragraph, so sizes match closely.
	if rest := bodyBytes - len(body) - len("<p></p>\n"); rest > 0 {
		body += "<p>" + strings.Repeat("x", rest) + "</p>\n"
	}
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	p := threadPage{Title: "Elterngeld Digital im Landkreis nachnutzen", FieldSlug: "familie-kind", FieldName: "Familie & Kind",
		URL: "/t/1-elterngeld-digital-im-landkreis-nachnutzen", Replies: posts - 1, Last: start,
		Nav: []link{{"/", "Themenfelder"}, {"/fragen", "Fragen"}, {"/pm", "Fragen an das PM"}, {"/faq", "FAQ"}}}
	for i := range posts {
		p.Posts = append(p.Posts, post{ID: int64(100 + i), AuthorID: int64(7 + i), Number: i + 1, Author: "Käthe Weiß",
			Org: "Landkreis Musterland", At: start.Add(time.Duration(i) * time.Hour), HTML: template.HTML(body)}) // #nosec G203 -- fixed filler text built above
	}
	return p
}

func main() {
	listen := flag.String("listen", "127.0.0.1:18090", "address to listen on")
	posts := flag.Int("posts", 20, "posts on the page")
	size := flag.Int("bytes", 25000, "page size in bytes to match (the real thread page's)")
	flag.Parse()

	tmpl := template.Must(template.New("thread").Parse(page))
	render := func(p threadPage) []byte {
		var b bytes.Buffer
		if err := tmpl.Execute(&b, p); err != nil {
			log.Fatal(err)
		}
		return b.Bytes()
	}
	// Size the bodies: the page without bodies, plus the bodies, is --bytes.
	empty := len(render(build(*posts, 0)))
	data := build(*posts, max(0, (*size-empty)/max(1, *posts)))
	got := len(render(data))
	log.Printf("ceiling page: %d posts, %d bytes (target %d)", *posts, got, *size)

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/t/:id", func(c *gin.Context) {
		// As the forum does: into a buffer first, then out.
		var b bytes.Buffer
		if err := tmpl.Execute(&b, data); err != nil {
			c.String(http.StatusInternalServerError, "error")
			return
		}
		c.Data(http.StatusOK, "text/html; charset=utf-8", b.Bytes())
	})
	// The same bytes rendered once: what serving a cached page costs at most.
	cached := render(data)
	r.GET("/cached/t/:id", func(c *gin.Context) { c.Data(http.StatusOK, "text/html; charset=utf-8", cached) })
	r.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok\n") })
	fmt.Printf("ceiling listening on %s\n", *listen)
	srv := &http.Server{Addr: *listen, Handler: r, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	log.Fatal(srv.ListenAndServe())
}
