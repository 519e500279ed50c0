package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/i18n"
)

// renderer holds one parsed template set per page and language, so that
// `t` in a template is bound to the page's language at parse time.
type renderer struct {
	fsys   fs.FS
	cat    *i18n.Catalog
	dev    bool
	assets map[string]string // asset path -> URL with content hash

	mu    sync.Mutex
	pages map[string]*template.Template // lang + "/" + page name
}

func newRenderer(templates, assets fs.FS, cat *i18n.Catalog, dev bool) (*renderer, error) {
	r := &renderer{fsys: templates, cat: cat, dev: dev, assets: map[string]string{}, pages: map[string]*template.Template{}}
	err := fs.WalkDir(assets, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		r.assets[p] = "/assets/" + p + "?v=" + hex.EncodeToString(sum[:6])
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hash assets: %w", err)
	}
	// Parse everything now: a broken template fails start-up, not a request.
	names, err := r.pageNames()
	if err != nil {
		return nil, err
	}
	for _, lang := range cat.Languages() {
		for _, name := range names {
			if _, err := r.page(lang, name); err != nil {
				return nil, err
			}
		}
	}
	return r, nil
}

// pageNames lists the templates under pages/ without their extension.
func (r *renderer) pageNames() ([]string, error) {
	files, err := fs.Glob(r.fsys, "pages/*.html")
	if err != nil {
		return nil, err
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = strings.TrimSuffix(path.Base(f), ".html")
	}
	return names, nil
}

// page returns the parsed template set for one page in one language.
func (r *renderer) page(lang, name string) (*template.Template, error) {
	key := lang + "/" + name
	r.mu.Lock()
	defer r.mu.Unlock()
	if t, ok := r.pages[key]; ok && !r.dev {
		return t, nil
	}
	funcs := baseFuncs()
	funcs["t"] = func(key string, args ...any) string { return r.cat.T(lang, key, args...) }
	funcs["n"] = func(key string, n int, args ...any) string { return r.cat.N(lang, key, n, args...) }
	funcs["asset"] = func(p string) (string, error) {
		u, ok := r.assets[p]
		if !ok {
			return "", fmt.Errorf("unknown asset %q", p)
		}
		return u, nil
	}
	t, err := template.New(name).Funcs(funcs).ParseFS(r.fsys, "layout.html", "partials/*.html", "pages/"+name+".html")
	if err != nil {
		return nil, fmt.Errorf("parse page %s: %w", name, err)
	}
	r.pages[key] = t
	return t, nil
}

// render executes a page into a buffer first, so a template error becomes a
// clean error page instead of half a page.
func (s *Server) render(c *gin.Context, status int, name string, data any) {
	lang := s.lang(c)
	t, err := s.pages.page(lang, name)
	buf := getBuf()
	defer putBuf(buf)
	if err == nil {
		err = t.ExecuteTemplate(buf, "layout", data)
	}
	if err != nil {
		s.log.Error("render", "page", name, "err", err, "request_id", requestID(c))
		if name != "error" {
			s.renderError(c, http.StatusInternalServerError, "error.internal")
		} else {
			c.String(http.StatusInternalServerError, "Interner Fehler / internal error")
		}
		return
	}
	if c.Writer.Header().Get("Cache-Control") == "" {
		c.Header("Cache-Control", "no-cache, private")
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// bufPool holds the response buffers of render and writeJSON. Growing a
// fresh buffer to a page's size (a search page is about 30 KB) for each
// response was 8 % of what a search request allocated. The buffers are
// reused once the response is written: c.Data writes before it returns,
// and the writers that keep a response (the page cache, idempotency)
// copy it.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuf() *bytes.Buffer { return bufPool.Get().(*bytes.Buffer) }

// putBuf returns b to the pool, unless it grew unusually large (an
// export, a long feed), which the pool would then keep alive.
func putBuf(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return
	}
	b.Reset()
	bufPool.Put(b)
}

// base fills the layout fields every page needs.
func (s *Server) base(c *gin.Context, title string, crumbs ...Crumb) Base {
	return Base{
		Title:        title,
		Lang:         s.lang(c),
		User:         viewer(c),
		Breadcrumbs:  crumbs,
		Flash:        s.takeFlash(c),
		Path:         c.Request.URL.RequestURI(),
		RequestID:    requestID(c),
		ModQueue:     s.reviewCount(c), // moderation.go
		NoLocalLogin: s.opt.NoLocalLogin,
	}
}

// t translates in the request's language.
func (s *Server) t(c *gin.Context, key string, args ...any) string {
	return s.cat.T(s.lang(c), key, args...)
}

// pagination describes page links for the "pagination" partial.
type pagination struct {
	Page, Pages int
	Prev, Next  string
	Links       []pageLink
}

type pageLink struct {
	Num     int // 0 marks a gap ("…") between distant numbers
	URL     string
	Current bool
}

// pageCount is the number of pages of per items that total items fill;
// an empty list still has its one (empty) page.
func pageCount(total, per int) int { return max(1, (total+per-1)/per) }

// paginate builds links to base with seite=N for page (1-based) of pages,
// showing the first, the last and two either side of the current page.
// base may carry a query already (e.g. list filters); page 1 has no seite.
func paginate(base string, page, pages int) pagination {
	p := pagination{Page: page, Pages: pages}
	if pages <= 1 {
		return p
	}
	base = strings.TrimSuffix(base, "?")
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	u := func(n int) string {
		if n == 1 {
			return base
		}
		return fmt.Sprintf("%s%sseite=%d", base, sep, n)
	}
	if page > 1 {
		p.Prev = u(page - 1)
	}
	if page < pages {
		p.Next = u(page + 1)
	}
	last := 0
	for n := 1; n <= pages; n++ {
		if n == 1 || n == pages || (n >= page-2 && n <= page+2) {
			if last != 0 && n > last+1 {
				p.Links = append(p.Links, pageLink{})
			}
			p.Links = append(p.Links, pageLink{Num: n, URL: u(n), Current: n == page})
			last = n
		}
	}
	return p
}
