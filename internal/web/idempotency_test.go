package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/store"
)

func TestIdempotencyKey(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	ben := e.user("ben@kreis-musterland.de", "member")
	th := e.thread(anna, "bauen-wohnen", "Digitaler Bauantrag", "Wer nutzt schon den digitalen Bauantrag?")
	annaTok, benTok := e.token(anna), e.token(ben)
	path := "/api/v1/threads/" + itoa(th.ID) + "/posts"
	body := `{"body": "Wir seit März, über das Bürgerportal."}`

	send := func(tok, key, body string) *httptest.ResponseRecorder {
		return e.do(req{method: "POST", path: path, json: body, header: map[string]string{
			"Authorization": "Bearer " + tok, "Idempotency-Key": key}})
	}

	first := send(annaTok, "k-1", body)
	wantStatus(t, first, http.StatusCreated, "first request")
	tests := []struct {
		name, tok, key, body string
		status               int
		replayed             bool
		problem              string
	}{
		{"retry replays the first answer", annaTok, "k-1", body, http.StatusCreated, true, ""},
		{"same key, other body", annaTok, "k-1", `{"body": "Etwas anderes."}`, http.StatusUnprocessableEntity, false, "error.idempotency.mismatch"},
		{"same key, other user runs on its own", benTok, "k-1", body, http.StatusCreated, false, ""},
		{"key with a space", annaTok, "k 2", body, http.StatusBadRequest, false, "error.idempotency.bad_key"},
		{"key too long", annaTok, strings.Repeat("x", 256), body, http.StatusBadRequest, false, "error.idempotency.bad_key"},
		{"invalid body is answered", annaTok, "k-3", `{"body": ""}`, http.StatusUnprocessableEntity, false, ""},
		{"and replayed the same", annaTok, "k-3", `{"body": ""}`, http.StatusUnprocessableEntity, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := send(tt.tok, tt.key, tt.body)
			wantStatus(t, w, tt.status, tt.name)
			if got := w.Header().Get("Idempotent-Replayed") == "true"; got != tt.replayed {
				t.Errorf("Idempotent-Replayed = %v, want %v", got, tt.replayed)
			}
			if tt.problem != "" {
				wantProblem(t, e, w, tt.status, tt.problem, tt.name)
			}
			if tt.replayed && tt.status == http.StatusCreated {
				if w.Body.String() != first.Body.String() || w.Header().Get("Location") != first.Header().Get("Location") {
					t.Errorf("replay = %s %q, want %s %q", w.Body, w.Header().Get("Location"), first.Body, first.Header().Get("Location"))
				}
			}
		})
	}

	// One post by Anna's key (plus Ben's), never two.
	_, n, err := e.db.PostsFor(context.Background(), store.Viewer{}, th.ID, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("thread has %d posts, want 3 (opening post, Anna's once, Ben's)", n)
	}
}

// TestIdempotencyKeyClientGone: a client that loses the connection retries
// with the same key; settling the key must not depend on the request's
// context, which is cancelled by then, and a request the client abandoned
// before its change must leave the key free for the retry.
func TestIdempotencyKeyClientGone(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	for _, tc := range []struct {
		name   string
		status int
		want   int // what a retry with the same key gets
	}{
		{"client gone before the change", statusClientClosed, store.KeyReserved},
		{"server error", http.StatusInternalServerError, store.KeyReserved},
		{"answered, then the client was gone", http.StatusCreated, store.KeyReplay},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "gone-" + itoa(int64(tc.status))
			if got, _, err := e.db.ReserveIdempotencyKey(context.Background(), anna.ID, key, "hash"); err != nil || got != store.KeyReserved {
				t.Fatalf("ReserveIdempotencyKey = %d, %v; want a new reservation", got, err)
			}
			c, _ := gin.CreateTestContext(httptest.NewRecorder())
			c.Writer.WriteHeader(tc.status)
			gone, cancel := context.WithCancel(context.Background())
			cancel()
			e.srv.settleIdempotencyKey(gone, anna.ID, key, &recordingWriter{ResponseWriter: c.Writer})
			if got, _, err := e.db.ReserveIdempotencyKey(context.Background(), anna.ID, key, "hash"); err != nil || got != tc.want {
				t.Errorf("retry: ReserveIdempotencyKey = %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

// TestClientGoneIsNotAServerError: a request whose client went away is
// logged as 499, not as a failure of ours (500 on the dashboards).
func TestClientGoneIsNotAServerError(t *testing.T) {
	// Without read admission, which answers a reader gone while waiting
	// itself (TestReadAdmission): here the handlers' own reads fail.
	e := newTestEnv(t, func(o *Options, _ *authPolicy) { o.MaxConcurrentReads = -1 })
	anna := e.user("anna@kreis-musterland.de", "member")
	th := e.thread(anna, "bauen-wohnen", "Digitaler Bauantrag", "Wer nutzt schon den digitalen Bauantrag?")
	cookie := e.session(anna)
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	for _, r := range []*http.Request{
		httptest.NewRequest(http.MethodGet, "/fragen", nil),
		httptest.NewRequest(http.MethodGet, th.URL(), nil),
	} {
		r.AddCookie(cookie)
		w := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(w, r.WithContext(gone))
		wantStatus(t, w, statusClientClosed, r.URL.Path)
	}
}
