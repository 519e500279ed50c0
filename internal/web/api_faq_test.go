package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"kommunalforum/internal/store"
)

func TestAPIFAQ(t *testing.T) {
	e := newFAQEnv(t)
	mod, member, other := e.token(e.modHere), e.token(e.member), e.token(e.modThere)

	// Create from scratch: a draft, 201 with Location.
	w := e.api(http.MethodPost, "/api/v1/faqs", mod,
		`{"topic_field": "familie-kind", "question": "Wie beantrage ich einen Kita-Platz?", "answer": "Über das **Portal**.", "review_by": "2099-12-31"}`)
	wantStatus(t, w, http.StatusCreated, "create")
	draft := readJSON[apiFAQEntry](t, w, "create")
	if draft.State != store.FAQDraft || draft.TopicField != "familie-kind" || draft.Version != 1 || draft.Position != 1 ||
		draft.ReviewBy == nil || *draft.ReviewBy != "2099-12-31" || draft.Owner != e.modHere.DisplayName ||
		!strings.Contains(draft.AnswerHTML, "<strong>Portal</strong>") || draft.SourcePostID != nil || draft.PublishedAt != nil {
		t.Errorf("created entry = %+v", draft)
	}
	if loc := w.Header().Get("Location"); loc != draft.URL || loc != "/faq/"+itoa(draft.ID) {
		t.Errorf("Location = %q, url = %q", loc, draft.URL)
	}

	// Promote the accepted answer and publish at once.
	w = e.api(http.MethodPost, "/api/v1/faqs", mod, `{"from_post": `+itoa(e.accepted)+`, "publish": true}`)
	wantStatus(t, w, http.StatusCreated, "promote")
	pub := readJSON[apiFAQEntry](t, w, "promote")
	if pub.State != store.FAQPublished || pub.Question != e.q.Title || pub.SourcePostID == nil || *pub.SourcePostID != e.accepted ||
		pub.SourceThreadID == nil || *pub.SourceThreadID != e.q.ID || pub.PublishedAt == nil || pub.Position != 2 {
		t.Errorf("promoted entry = %+v", pub)
	}
	wantProblem(t, e.testEnv, e.api(http.MethodPost, "/api/v1/faqs", mod, `{"from_post": `+itoa(e.accepted)+`}`),
		http.StatusUnprocessableEntity, "error.validation", "promote twice")
	p := wantProblem(t, e.testEnv, e.api(http.MethodPost, "/api/v1/faqs", mod, `{"from_post": `+itoa(e.plain)+`}`),
		http.StatusUnprocessableEntity, "error.validation", "promote a plain answer")
	if !strings.Contains(p.Errors["from_post"], "akzeptierte Antwort") {
		t.Errorf("plain answer problem = %+v", p)
	}
	wantProblem(t, e.testEnv, e.api(http.MethodPost, "/api/v1/faqs", mod, `{"from_post": `+itoa(e.official)+`, "question": "Anders?"}`),
		http.StatusUnprocessableEntity, "error.validation", "from_post with a question")
	p = wantProblem(t, e.testEnv, e.api(http.MethodPost, "/api/v1/faqs", mod, `{"topic_field": "familie-kind", "question": "Wie", "answer": "", "review_by": "gestern"}`),
		http.StatusUnprocessableEntity, "error.validation", "invalid entry")
	for _, f := range []string{"question", "answer", "review_by"} {
		if p.Errors[f] == "" {
			t.Errorf("invalid entry: no error for %s in %v", f, p.Errors)
		}
	}
	wantProblem(t, e.testEnv, e.api(http.MethodPost, "/api/v1/faqs", mod, `{"topic_field": "familie-kind", "frage": "x"}`),
		http.StatusBadRequest, "error.bad_json", "unknown field")
	wantProblem(t, e.testEnv, e.api(http.MethodPost, "/api/v1/faqs", member, `{"topic_field": "familie-kind", "question": "Eine Frage?", "answer": "Ja"}`),
		http.StatusForbidden, "error.forbidden", "create as member")
	wantProblem(t, e.testEnv, e.api(http.MethodPost, "/api/v1/faqs", other, `{"from_post": `+itoa(e.official)+`}`),
		http.StatusForbidden, "error.forbidden", "promote as moderator of another field")
	wantProblem(t, e.testEnv, e.api(http.MethodPost, "/api/v1/faqs", "", `{"from_post": `+itoa(e.official)+`}`),
		http.StatusUnauthorized, "error.login_required", "promote anonymously")

	// Reading: the public sees published entries only.
	list := func(token, query string) []apiFAQEntry {
		t.Helper()
		w := e.api(http.MethodGet, "/api/v1/faqs"+query, token, "")
		wantStatus(t, w, http.StatusOK, "list "+query)
		return readJSON[[]apiFAQEntry](t, w, "list")
	}
	if got := list("", "?topic_field=familie-kind"); len(got) != 1 || got[0].ID != pub.ID {
		t.Errorf("field list for the public = %+v, want only the published entry", got)
	}
	if got := list(mod, "?topic_field=familie-kind"); len(got) != 2 || got[0].ID != draft.ID || got[1].ID != pub.ID {
		t.Errorf("field list for its moderator = %+v, want both in order", got)
	}
	if got := list(other, "?topic_field=umwelt"); len(got) != 0 {
		t.Errorf("empty field = %+v, want []", got)
	}
	if got := list("", ""); len(got) != 1 || got[0].ID != pub.ID {
		t.Errorf("overall list = %+v", got)
	}
	wantProblem(t, e.testEnv, e.api(http.MethodGet, "/api/v1/faqs?topic_field=gibt-es-nicht", "", ""), http.StatusNotFound, "error.not_found", "unknown field")
	wantStatus(t, e.api(http.MethodGet, "/api/v1/faqs/"+itoa(pub.ID), "", ""), http.StatusOK, "published entry")
	wantProblem(t, e.testEnv, e.api(http.MethodGet, "/api/v1/faqs/"+itoa(draft.ID), member, ""), http.StatusNotFound, "error.not_found", "draft as member")
	if got := readJSON[apiFAQEntry](t, e.api(http.MethodGet, "/api/v1/faqs/"+itoa(draft.ID), mod, ""), "draft"); got.ID != draft.ID {
		t.Errorf("draft as its moderator = %+v", got)
	}

	// PATCH: text, date, state and position in one request.
	w = e.api(http.MethodPatch, "/api/v1/faqs/"+itoa(draft.ID), mod,
		`{"answer": "Über das Portal des Landes.", "review_by": null, "state": "published", "position": 2}`)
	wantStatus(t, w, http.StatusOK, "patch")
	got := readJSON[apiFAQEntry](t, w, "patch")
	if got.Answer != "Über das Portal des Landes." || got.ReviewBy != nil || got.State != store.FAQPublished || got.Position != 2 ||
		got.Version != 2 || got.Question != draft.Question {
		t.Errorf("patched entry = %+v", got)
	}
	w = e.api(http.MethodPatch, "/api/v1/faqs/"+itoa(draft.ID), mod, `{"state": "archived"}`)
	if got := readJSON[apiFAQEntry](t, w, "archive"); got.State != store.FAQArchived || got.Position != 0 {
		t.Errorf("archived entry = %+v", got)
	}
	wantProblem(t, e.testEnv, e.api(http.MethodPatch, "/api/v1/faqs/"+itoa(draft.ID), mod, `{"position": 1}`),
		http.StatusUnprocessableEntity, "error.validation", "place an archived entry")
	wantProblem(t, e.testEnv, e.api(http.MethodPatch, "/api/v1/faqs/"+itoa(pub.ID), mod, `{"state": "geheim"}`),
		http.StatusUnprocessableEntity, "error.validation", "unknown state")
	wantProblem(t, e.testEnv, e.api(http.MethodPatch, "/api/v1/faqs/"+itoa(pub.ID), member, `{"question": "Gekapert?"}`),
		http.StatusForbidden, "error.forbidden", "patch as member")
	wantProblem(t, e.testEnv, e.api(http.MethodPatch, "/api/v1/faqs/"+itoa(draft.ID), other, `{"question": "Gekapert?"}`),
		http.StatusNotFound, "error.not_found", "patch an archived entry of another field")
	wantProblem(t, e.testEnv, e.api(http.MethodPatch, "/api/v1/faqs/999999", mod, `{"state": "draft"}`),
		http.StatusNotFound, "error.not_found", "patch a missing entry")
	if en, _ := e.db.FAQEntryByID(context.Background(), store.Viewer{AllFields: true}, pub.ID); en.Question != pub.Question || en.State != store.FAQPublished {
		t.Errorf("refused patches changed the entry: %+v", en)
	}
	// An admin may patch everywhere.
	w = e.api(http.MethodPatch, "/api/v1/faqs/"+itoa(pub.ID), e.token(e.admin), `{"review_by": "31.12.2099"}`)
	if got := readJSON[apiFAQEntry](t, w, "admin patch"); got.ReviewBy == nil || *got.ReviewBy != "2099-12-31" || got.Version != 1 {
		t.Errorf("admin patch = %+v", got)
	}
}
