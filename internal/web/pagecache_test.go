package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func withPageCache(o *Options, _ *authPolicy) { o.PageCacheTTL = time.Minute }

func TestPageCacheServesVisitorsAndInvalidatesOnWrite(t *testing.T) {
	e := newTestEnv(t, withPageCache)
	anna := e.user("anna@kreis-musterland.de", "member")
	th := e.thread(anna, "bauen-wohnen", "Digitaler Bauantrag", "Wer nutzt schon den digitalen Bauantrag?")
	page := "/t/" + itoa(th.ID) + "-" + th.Slug

	first := e.get(page, nil)
	wantStatus(t, first, http.StatusOK, "first visit")
	second := e.get(page, nil)
	wantStatus(t, second, http.StatusOK, "second visit")
	etag := second.Header().Get("ETag")
	if etag == "" || second.Body.String() != first.Body.String() {
		t.Fatalf("second visit: ETag %q, same body %v; want a cached copy", etag, second.Body.String() == first.Body.String())
	}
	w := e.do(req{method: "GET", path: page, header: map[string]string{"If-None-Match": etag}})
	wantStatus(t, w, http.StatusNotModified, "revalidation")

	// A visitor with any cookie but the language (here an OIDC link in
	// progress) is never served from or into the cache either.
	other := e.do(req{method: "GET", path: page, cookie: &http.Cookie{Name: "kf_oidc_link", Value: "x"}})
	if other.Header().Get("ETag") != "" {
		t.Error("a request with a personal cookie was answered from the cache")
	}
	lang := e.do(req{method: "GET", path: page, cookie: &http.Cookie{Name: cookieLang, Value: "de"}})
	if lang.Header().Get("ETag") == "" {
		t.Error("the language cookie alone kept a visitor from the cache")
	}

	// A member's view is never served from or into the cache.
	w = e.get(page, e.session(anna))
	wantBody(t, w, "member view", "Abmelden")
	if w.Header().Get("ETag") != "" {
		t.Error("a logged-in answer came from the cache")
	}

	// A reply through the site invalidates at once.
	w = e.post("/t/"+itoa(th.ID)+"/antworten", url.Values{"body": {"Wir seit März über das Bürgerportal."}}, e.session(anna))
	if w.Code >= 400 {
		t.Fatalf("reply: %d", w.Code)
	}
	wantBody(t, e.get(page, nil), "visit after the reply", "Wir seit März über das Bürgerportal.")

	// Search reflects the index and is never cached.
	e.get("/suche?q=Bauantrag", nil)
	if w := e.get("/suche?q=Bauantrag", nil); w.Header().Get("ETag") != "" {
		t.Error("search results came from the page cache")
	}
}

func TestPageCacheExpiresAndIsBounded(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	pc := newPageCache(2*time.Second, 0, 100)
	pc.now = func() time.Time { return now }
	pc.put(&cachedPage{key: "a", stored: now, body: []byte(strings.Repeat("a", 60))})
	if pc.get("a") == nil {
		t.Fatal("fresh entry missing")
	}
	now = now.Add(3 * time.Second)
	if pc.get("a") != nil {
		t.Error("entry older than the TTL was served")
	}

	pc.put(&cachedPage{key: "b", stored: now, body: []byte(strings.Repeat("b", 60))})
	pc.put(&cachedPage{key: "c", stored: now, body: []byte(strings.Repeat("c", 60))})
	if pc.get("b") != nil || pc.get("c") == nil || pc.bytes > 100 {
		t.Errorf("after exceeding the byte bound: b=%v c=%v bytes=%d; want only the newest", pc.get("b") != nil, pc.get("c") != nil, pc.bytes)
	}

	// A page rendered before a write finished is not stored, and one
	// stored before it is no longer served.
	rendered := now
	now = now.Add(time.Millisecond)
	pc.Invalidate()
	pc.put(&cachedPage{key: "d", stored: rendered, body: []byte("d")})
	if pc.get("d") != nil || pc.get("c") != nil {
		t.Error("pages from before the write were served")
	}
}

// TestPageCacheGrace: with a grace period, pages from before a write stay
// for at most that long, so a busy forum keeps its cache.
func TestPageCacheGrace(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	pc := newPageCache(10*time.Second, time.Second, 1<<20)
	pc.now = func() time.Time { return now }
	pc.put(&cachedPage{key: "a", stored: now, body: []byte("a")})
	now = now.Add(500 * time.Millisecond)
	pc.Invalidate()
	if pc.get("a") == nil {
		t.Error("within the grace a page from before the write was dropped")
	}
	now = now.Add(600 * time.Millisecond) // 1.1 s after rendering
	if pc.get("a") != nil {
		t.Error("a page from before the write was served after the grace")
	}
	pc.put(&cachedPage{key: "b", stored: now, body: []byte("b")})
	now = now.Add(5 * time.Second)
	if pc.get("b") == nil {
		t.Error("a page rendered after the last write expired before its TTL")
	}
}
