package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchEnv is a forum with a thread of 20 posts and 30 further threads in
// one field: the size of a busy thread page and home page.
func benchEnv(b *testing.B) (*testEnv, string) {
	b.Helper()
	e := newTestEnv(b)
	u := e.user("anna@kreis-musterland.de", "member")
	body := "Wir binden **Elterngeld Digital** an. Erfahrungen:\n\n- Fachverfahren angebunden\n- FIT-Connect getestet\n\nMehr unter https://www.fitko.de."
	th := e.thread(u, "familie-kind", "Elterngeld Digital im Landkreis nachnutzen", body)
	for i := 2; i <= 20; i++ {
		if _, err := e.srv.forum.Reply(context.Background(), u, th.ID, fmt.Sprintf("Antwort %d: %s", i, body)); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < 30; i++ {
		e.thread(u, "bildung", fmt.Sprintf("BAföG digital, Frage %d", i), body)
	}
	return e, th.URL()
}

func benchGet(b *testing.B, e *testEnv, path string) {
	b.Helper()
	h := e.srv.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		if w.Code != http.StatusOK {
			b.Fatalf("GET %s = %d", path, w.Code)
		}
	}
}

// BenchmarkThreadPage renders a thread page with 20 posts for a visitor,
// through the whole engine (middleware, queries, template).
func BenchmarkThreadPage(b *testing.B) {
	e, url := benchEnv(b)
	benchGet(b, e, url)
}

// BenchmarkHomePage renders the home page (16 fields with counts, latest threads).
func BenchmarkHomePage(b *testing.B) {
	e, _ := benchEnv(b)
	benchGet(b, e, "/")
}

// BenchmarkAPIThread serves the same thread as JSON.
func BenchmarkAPIThread(b *testing.B) {
	e, url := benchEnv(b)
	benchGet(b, e, "/api/v1/threads/"+url[len("/t/"):len("/t/")+1])
}
