package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"kommunalforum/internal/store"
)

func TestAPIPMOfficialAnswer(t *testing.T) {
	e := newTestEnv(t)
	asker := e.user("frager@kreis-musterland.de", "member")
	pm := e.user("paula@bund.example.de", "pm")
	tp := e.token(pm)
	th := e.pmQuestion(asker, "familie-kind", "Elterngeld digital: Wer betreibt?", "Bitte um Auskunft.")
	a1 := e.pmReply(pm, th.ID, "Das Land betreibt den Dienst.")
	a2 := e.pmReply(pm, th.ID, "Ergänzend: der Bund finanziert.")

	w := e.api(http.MethodPost, "/api/v1/posts/"+itoa(a1)+"/official", tp, `{"answering_body": "Bundesministerium des Innern"}`)
	wantStatus(t, w, http.StatusOK, "mark official with body")
	p := readJSON[apiPost](t, w, "mark official")
	if !p.Official || p.OfficialVersion != 1 || p.AnsweringBody != "Bundesministerium des Innern" || p.OfficialAt == nil || p.ID != a1 {
		t.Errorf("official post = %+v", p)
	}
	// Without a body the pm user's organisation answers; repeating is harmless.
	w = e.api(http.MethodPost, "/api/v1/posts/"+itoa(a2)+"/official", tp, "")
	wantStatus(t, w, http.StatusOK, "mark official without body")
	if p := readJSON[apiPost](t, w, "mark official"); p.AnsweringBody != "Landkreis Musterland" || p.OfficialVersion != 1 {
		t.Errorf("official post without body = %+v", p)
	}
	w = e.api(http.MethodPost, "/api/v1/posts/"+itoa(a2)+"/official", tp, "")
	wantStatus(t, w, http.StatusOK, "mark again")

	wantProblem(t, e, e.api(http.MethodPost, "/api/v1/posts/"+itoa(a1)+"/official", tp, `{"answering_body": "x"}`),
		http.StatusUnprocessableEntity, "error.validation", "too short answering body")
	wantProblem(t, e, e.api(http.MethodPost, "/api/v1/posts/"+itoa(a1)+"/official", tp, `{"body": "x"}`),
		http.StatusBadRequest, "error.bad_json", "unknown field")
	wantProblem(t, e, e.api(http.MethodPost, "/api/v1/posts/99999/official", tp, ""),
		http.StatusNotFound, "error.not_found", "missing post")
	wantProblem(t, e, e.api(http.MethodPost, "/api/v1/posts/"+itoa(e.firstPostID(th.ID))+"/official", tp, ""),
		http.StatusForbidden, "error.forbidden", "the question itself")

	// PATCH on an official answer makes a new version.
	w = e.api(http.MethodPatch, "/api/v1/posts/"+itoa(a1), tp, `{"body": "Das Land betreibt den Dienst, der Bund zahlt."}`)
	wantStatus(t, w, http.StatusOK, "PATCH official answer")
	if p := readJSON[apiPost](t, w, "PATCH"); p.OfficialVersion != 2 || !p.Official || p.AnsweringBody != "Bundesministerium des Innern" {
		t.Errorf("after PATCH = %+v, want official_version 2", p)
	}
	w = e.get("/beitrag/"+itoa(a1)+"/amtliche-versionen", nil)
	wantStatus(t, w, http.StatusOK, "versions page")
	wantBody(t, w, "versions page", "Version 2 (aktuell)", "Version 1", "der Bund zahlt.", "Das Land betreibt den Dienst.</p>")

	w = e.api(http.MethodGet, "/api/v1/threads/"+itoa(th.ID), "", "")
	got := readJSON[apiThread](t, w, "thread")
	if got.Status != store.StatusAnswered || got.PMStatus != store.PMAnswered || got.PMAnsweredAt == nil {
		t.Errorf("thread = status %q, pm_status %q, answered %v", got.Status, got.PMStatus, got.PMAnsweredAt)
	}
	if got.Posts[1].OfficialVersion != 2 || got.Posts[2].OfficialVersion != 1 || got.Posts[0].Official {
		t.Errorf("posts' official versions = %d, %d, %d", got.Posts[0].OfficialVersion, got.Posts[1].OfficialVersion, got.Posts[2].OfficialVersion)
	}
}

func TestAPIPMQueueAndAssign(t *testing.T) {
	e := newTestEnv(t)
	ctx := t.Context()
	asker := e.user("frager@kreis-musterland.de", "member")
	pm := e.user("paula@bund.example.de", "pm")
	e.user("peter@bund.example.de", "pm")
	tp := e.token(pm)
	familie, _ := e.db.TopicFieldBySlug(ctx, "familie-kind")
	umwelt, _ := e.db.TopicFieldBySlug(ctx, "umwelt")
	ask := func(f store.TopicField, title string, due time.Time) int64 {
		id, _, err := e.db.CreateThread(ctx, store.NewThread{TopicFieldID: f.ID, AuthorID: asker.ID, Kind: store.KindPM,
			Title: title, Slug: "frage", Body: "Frage", BodyHTML: "<p>Frage</p>", PMDueAt: due})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	late := ask(familie, "Überfällig", time.Now().Add(-time.Hour))
	later := ask(familie, "Mit Zeit", time.Now().Add(48*time.Hour))
	other := ask(umwelt, "Umwelt", time.Now().Add(24*time.Hour))

	queue := func(query string) apiPMQueue {
		t.Helper()
		w := e.api(http.MethodGet, "/api/v1/pm/queue"+query, tp, "")
		wantStatus(t, w, http.StatusOK, "queue"+query)
		return readJSON[apiPMQueue](t, w, "queue"+query)
	}
	ids := func(q apiPMQueue) []int64 {
		var out []int64
		for _, it := range q.Items {
			out = append(out, it.ID)
		}
		return out
	}
	q := queue("")
	if q.Total != 3 || len(q.Items) != 3 || q.Items[0].ID != late || q.Items[1].ID != other || q.Items[2].ID != later {
		t.Fatalf("queue = %+v, want late, other, later", q)
	}
	it := q.Items[0]
	if it.Title != "Überfällig" || it.URL != "/t/"+itoa(late)+"-frage" || it.TopicField != "familie-kind" || it.Status != "offen" ||
		it.PMStatus != "neu" || it.AskedAt == "" || it.DueAt == nil || !it.Overdue || it.Assignee != nil || it.AnsweredAt != nil {
		t.Errorf("first item = %+v", it)
	}
	if got := ids(queue("?overdue=1")); len(got) != 1 || got[0] != late {
		t.Errorf("overdue = %v, want [%d]", got, late)
	}
	if got := ids(queue("?topic_field=umwelt")); len(got) != 1 || got[0] != other {
		t.Errorf("topic_field=umwelt = %v", got)
	}
	if q := queue("?status=beantwortet"); q.Total != 0 || q.Items == nil {
		t.Errorf("status=beantwortet = %+v, want an empty list (not null)", q)
	}
	if q := queue("?per_page=1&page=2"); q.Total != 3 || len(q.Items) != 1 || q.Items[0].ID != other || q.Pages != 3 {
		t.Errorf("page 2 = %+v", q)
	}
	wantProblem(t, e, e.api(http.MethodGet, "/api/v1/pm/queue?status=erledigt", tp, ""), http.StatusUnprocessableEntity, "error.validation", "bad status")
	wantProblem(t, e, e.api(http.MethodGet, "/api/v1/pm/queue?topic_field=nix", tp, ""), http.StatusUnprocessableEntity, "error.validation", "bad field")
	wantProblem(t, e, e.api(http.MethodGet, "/api/v1/pm/queue?overdue=vielleicht", tp, ""), http.StatusBadRequest, "error.bad_request", "bad overdue")

	// Assign by email.
	w := e.api(http.MethodPost, "/api/v1/threads/"+itoa(later)+"/assign", tp, `{"assignee": "Peter@Bund.Example.de"}`)
	wantStatus(t, w, http.StatusOK, "assign")
	a := readJSON[apiPMQuestion](t, w, "assign")
	if a.ID != later || a.PMStatus != store.PMWorking || a.Assignee == nil || *a.Assignee != "peter" || a.Status != "offen" {
		t.Errorf("assigned = %+v", a)
	}
	if got := ids(queue("?status=in_bearbeitung")); len(got) != 1 || got[0] != later {
		t.Errorf("in_bearbeitung = %v", got)
	}
	for _, body := range []string{`{"assignee": "frager@kreis-musterland.de"}`, `{"assignee": "niemand@example.de"}`, `{"assignee": ""}`} {
		p := wantProblem(t, e, e.api(http.MethodPost, "/api/v1/threads/"+itoa(later)+"/assign", tp, body),
			http.StatusUnprocessableEntity, "error.validation", "assign "+body)
		if p.Errors["assignee"] == "" {
			t.Errorf("assign %s: errors = %v, want one for assignee", body, p.Errors)
		}
	}
	wantProblem(t, e, e.api(http.MethodPost, "/api/v1/threads/99999/assign", tp, `{"assignee": "peter@bund.example.de"}`),
		http.StatusNotFound, "error.not_found", "assign missing thread")
	discussion := e.thread(asker, "umwelt", "Eine Diskussion", "Text")
	wantProblem(t, e, e.api(http.MethodPost, "/api/v1/threads/"+itoa(discussion.ID)+"/assign", tp, `{"assignee": "peter@bund.example.de"}`),
		http.StatusForbidden, "error.forbidden", "assign a discussion")
	if w := e.api(http.MethodPost, "/api/v1/threads/"+itoa(later)+"/assign", tp, `{"assignee": 7}`); w.Code != http.StatusBadRequest ||
		!strings.Contains(w.Header().Get("Content-Type"), "problem") {
		t.Errorf("assign with a number: %d", w.Code)
	}
}
