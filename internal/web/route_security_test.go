package web

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// csrfExempt are the state-changing routes that must accept cross-site
// requests: RFC 8058 one-click unsubscribe is posted by mail providers,
// with no cookie, and its signed token is the authorisation.
var csrfExempt = map[string]bool{}

var routeParam = regexp.MustCompile(`[:*][a-z_]+`)

// TestEveryStateChangingRouteRefusesCrossSite walks the real route table:
// a new route cannot be added without the cross-site check covering it.
func TestEveryStateChangingRouteRefusesCrossSite(t *testing.T) {
	e := newTestEnv(t)
	admin := e.user("admin@kreis-musterland.de", "admin")
	cookie := e.session(admin)
	checked := 0
	for _, r := range e.srv.engine.Routes() {
		if r.Method == http.MethodGet || r.Method == http.MethodHead || csrfExempt[r.Method+" "+r.Path] {
			continue
		}
		path := routeParam.ReplaceAllString(r.Path, "1")
		for _, h := range []map[string]string{
			{"Origin": "https://angreifer.example", "Sec-Fetch-Site": "cross-site"},
			{"Origin": "https://angreifer.example"},
			{"Sec-Fetch-Site": "cross-site"},
		} {
			req := httptest.NewRequest(r.Method, path, strings.NewReader("x=1"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(cookie)
			for k, v := range h {
				req.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			e.srv.Handler().ServeHTTP(w, req)
			if w.Code != http.StatusForbidden {
				t.Errorf("%s %s with %v: %d, want 403", r.Method, r.Path, h, w.Code)
			}
		}
		checked++
	}
	if checked < 50 {
		t.Errorf("only %d state-changing routes checked; the route table looks wrong", checked)
	}
}

// TestAuthenticatedAnswersAreNotStored: every route answered to a logged-in
// user carries Cache-Control private, no-store, whatever the status.
func TestAuthenticatedAnswersAreNotStored(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	th := e.thread(anna, "bauen-wohnen", "Digitaler Bauantrag", "Wer nutzt schon den digitalen Bauantrag?")
	cookie, tok := e.session(anna), e.token(anna)
	for _, r := range e.srv.engine.Routes() {
		if r.Method != http.MethodGet || publicForAll(r.Path) {
			continue
		}
		path := routeParam.ReplaceAllString(r.Path, itoa(th.ID))
		for _, auth := range []string{"cookie", "token"} {
			req := httptest.NewRequest(r.Method, path, nil)
			if auth == "cookie" {
				req.AddCookie(cookie)
			} else {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			w := httptest.NewRecorder()
			e.srv.Handler().ServeHTTP(w, req)
			cc := w.Header().Get("Cache-Control")
			if !strings.Contains(cc, "private") || !strings.Contains(cc, "no-store") {
				t.Errorf("GET %s (%d, by %s): Cache-Control %q, want private, no-store", r.Path, w.Code, auth, cc)
			}
		}
	}
}

// publicForAll tells the routes whose answer is the same for everyone, so
// shared caches may keep it: assets, the API description and the public
// feeds (personal feeds carry a token in the path and are not listed here).
func publicForAll(path string) bool {
	return strings.HasPrefix(path, "/assets/") || path == "/favicon.ico" || path == "/api/v1/openapi.json" ||
		(strings.HasPrefix(path, "/feeds/") && !strings.Contains(path, ":token"))
}
