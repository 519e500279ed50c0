package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kommunalforum/internal/store"
)

// TestStorageFull fills the database to its cap (the same SQLITE_FULL a
// full disk gives): a post is refused with a clear German message through
// the page and the API, nothing of it is stored, reads keep working, and
// once there is room again the same post goes through without a restart.
func TestStorageFull(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	anna := e.user("anna@kreis-musterland.de", "admin") // admins skip the approval queue
	th := e.thread(anna, "bauen-wohnen", "Digitaler Bauantrag", "Wer nutzt schon den digitalen Bauantrag?")
	tok := e.token(anna)
	body := strings.Repeat("Der digitale Bauantrag braucht eine stabile Schnittstelle zum Fachverfahren. ", 200)

	size, err := e.db.Size(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetMaxSize(ctx, size); err != nil {
		t.Fatal(err)
	}
	_, before, _ := e.db.PostsFor(ctx, store.Viewer{}, th.ID, 0, 0)

	w := e.post("/t/"+itoa(th.ID)+"/antworten", url.Values{"body": {body}}, e.session(anna))
	wantStatus(t, w, http.StatusInsufficientStorage, "reply on a full disk")
	wantBody(t, w, "reply on a full disk", "Der Speicherplatz des Forums ist erschöpft")
	w = e.api("POST", "/api/v1/threads/"+itoa(th.ID)+"/posts", tok, `{"body": "`+body+`"}`)
	wantProblem(t, e, w, http.StatusInsufficientStorage, "error.storage_full", "API reply on a full disk")

	_, after, _ := e.db.PostsFor(ctx, store.Viewer{}, th.ID, 0, 0)
	if after != before {
		t.Errorf("posts %d → %d: a refused write left something behind", before, after)
	}
	wantStatus(t, e.get(th.URL(), nil), http.StatusOK, "reading while full")
	wantStatus(t, e.get("/", nil), http.StatusOK, "home while full")

	if err := e.db.SetMaxSize(ctx, 0); err != nil {
		t.Fatal(err)
	}
	w = e.api("POST", "/api/v1/threads/"+itoa(th.ID)+"/posts", tok, `{"body": "`+body+`"}`)
	wantStatus(t, w, http.StatusCreated, "reply once there is room")
}
