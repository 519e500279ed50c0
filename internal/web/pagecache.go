package web

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
)

// pageCache keeps recent answers to anonymous GET requests. Visitors see
// the same page for the same address and language, and most traffic of a
// public forum is visitors (and crawlers) reading a few hot threads.
//
// Freshness: every successful state-changing request records its time. A
// page rendered before the latest write is served for at most grace after
// its rendering began (0: not at all), so a visitor sees a change at the
// latest grace after it, and under a steady stream of writes (100 posts/s)
// the cache still answers most reads instead of being emptied a hundred
// times a second. An entry also expires after ttl, which bounds staleness
// for what changes without a request here: time-relative text
// ("überfällig"), writes by the command line tools.
//
// Safety: only requests without a token and without cookies (the language
// choice aside) are served from or stored into the cache, and only answers
// that are 200, HTML or JSON, and set no cookie. Search is never cached: it reflects the
// index, which lags writes by up to a second, and hiding a post must take
// it out of results at once.
type pageCache struct {
	ttl       time.Duration
	grace     time.Duration
	maxBytes  int
	lastWrite atomic.Int64 // UnixNano of the latest successful write
	now       func() time.Time

	mu    sync.Mutex
	bytes int
	lru   *list.List // of *cachedPage, most recent first
	byKey map[string]*list.Element
}

type cachedPage struct {
	key         string
	stored      time.Time // when rendering began
	contentType string
	etag        string
	body        []byte
}

// maxCachedPage bounds one entry; larger answers are not worth the memory.
const maxCachedPage = 512 << 10

func newPageCache(ttl, grace time.Duration, maxBytes int) *pageCache {
	return &pageCache{ttl: ttl, grace: grace, maxBytes: maxBytes, now: time.Now, lru: list.New(), byKey: map[string]*list.Element{}}
}

// uncached lists path prefixes whose answers must never come from the cache.
var uncached = []string{"/suche", "/api/v1/search", "/metrics", "/healthz", "/assets/", "/feed", "/api/v1/openapi"}

// Invalidate records a write: pages rendered before it become stale once
// they are older than grace.
func (pc *pageCache) Invalidate() { pc.lastWrite.Store(pc.now().UnixNano()) }

// fresh reports whether a page whose rendering began at stored may be served.
func (pc *pageCache) fresh(stored time.Time) bool {
	age := pc.now().Sub(stored)
	if age > pc.ttl {
		return false
	}
	return stored.UnixNano() > pc.lastWrite.Load() || age <= pc.grace
}

func (pc *pageCache) get(key string) *cachedPage {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	el, ok := pc.byKey[key]
	if !ok {
		return nil
	}
	p := el.Value.(*cachedPage)
	if !pc.fresh(p.stored) {
		pc.removeLocked(el)
		return nil
	}
	pc.lru.MoveToFront(el)
	return p
}

func (pc *pageCache) put(p *cachedPage) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if !pc.fresh(p.stored) {
		return // a write finished while this page was rendered
	}
	if el, ok := pc.byKey[p.key]; ok {
		pc.removeLocked(el)
	}
	pc.byKey[p.key] = pc.lru.PushFront(p)
	pc.bytes += len(p.body)
	for pc.bytes > pc.maxBytes && pc.lru.Len() > 0 {
		pc.removeLocked(pc.lru.Back())
	}
}

func (pc *pageCache) removeLocked(el *list.Element) {
	p := pc.lru.Remove(el).(*cachedPage)
	delete(pc.byKey, p.key)
	pc.bytes -= len(p.body)
}

// cacheable tells whether the request may be answered from the cache.
func (s *Server) cacheable(c *gin.Context) bool {
	r := c.Request
	if r.Method != http.MethodGet || viewer(c) != nil || r.Header.Get("Authorization") != "" {
		return false
	}
	// Any cookie but the language choice makes the answer personal: a
	// flash message, a stale session, an OIDC login or link in progress
	// (whose page shows the person's address). Deciding it here, for every
	// cookie, means no page has to remember to keep itself out.
	for _, ck := range r.Cookies() {
		if ck.Name != cookieLang {
			return false
		}
	}
	for _, p := range uncached {
		if strings.HasPrefix(r.URL.Path, p) {
			return false
		}
	}
	return true
}

// cachePages is the middleware: it answers anonymous GETs from the cache,
// stores fresh answers, and invalidates the cache after every successful
// state-changing request.
func (s *Server) cachePages(c *gin.Context) {
	pc := s.pageCache
	if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		c.Next()
		if c.Writer.Status() < 400 {
			pc.Invalidate()
		}
		return
	}
	if !s.cacheable(c) {
		c.Next()
		return
	}
	key := s.lang(c) + "\x00" + c.Request.URL.RequestURI()
	if p := pc.get(key); p != nil {
		h := c.Writer.Header()
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", p.etag)
		h.Set("Vary", "Cookie, Accept-Language")
		if c.GetHeader("If-None-Match") == p.etag {
			c.AbortWithStatus(http.StatusNotModified)
			return
		}
		c.Data(http.StatusOK, p.contentType, p.body)
		c.Abort()
		return
	}
	started := pc.now()
	rec := &recordingWriter{ResponseWriter: c.Writer}
	c.Writer = rec
	c.Next()
	ct := rec.Header().Get("Content-Type")
	if rec.Status() != http.StatusOK || rec.Header().Get("Set-Cookie") != "" || rec.buf.Len() > maxCachedPage ||
		!(strings.HasPrefix(ct, "text/html") || strings.HasPrefix(ct, "application/json")) {
		return
	}
	// A copy of exactly the page's size: the recording buffer grew by
	// doubling, and keeping it would hold up to twice what the cache
	// counts against page_cache_mb (74 MB held for 64 at a million posts).
	body := bytes.Clone(rec.buf.Bytes())
	sum := sha256.Sum256(body)
	pc.put(&cachedPage{key: key, stored: started, contentType: ct, body: body,
		etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`})
}
