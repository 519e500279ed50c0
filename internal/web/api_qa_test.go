package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestAPIVote(t *testing.T) {
	e := newQAEnv(t)
	tok := e.token(e.voter)
	path := fmt.Sprintf("/api/v1/posts/%d/votes", e.a1)

	steps := []struct {
		body   string
		score  int
		myVote int
	}{
		{`{"value": 1}`, 1, 1},
		{`{"value": 1}`, 1, 1}, // double submission counts once
		{`{"value": -1}`, -1, -1},
		{`{"value": 0}`, 0, 0},
	}
	for _, s := range steps {
		w := e.api(http.MethodPost, path, tok, s.body)
		wantStatus(t, w, http.StatusOK, "vote "+s.body)
		got := readJSON[apiVoteResult](t, w, "vote")
		if got != (apiVoteResult{PostID: e.a1, Score: s.score, MyVote: s.myVote}) {
			t.Errorf("vote %s = %+v, want score %d, my_vote %d", s.body, got, s.score, s.myVote)
		}
	}
	if w := e.api(http.MethodPost, path, tok, `{"value": 1}`); !strings.Contains(w.Body.String(), `"post_id":`) || !strings.Contains(w.Body.String(), `"my_vote":1`) {
		t.Errorf("vote response = %s", w.Body.String())
	}

	p := wantProblem(t, e.testEnv, e.api(http.MethodPost, path, tok, `{"value": 2}`), http.StatusUnprocessableEntity, "error.validation", "vote 2")
	if p.Errors["value"] != e.srv.cat.T("de", "qa.error.vote_value") {
		t.Errorf("vote 2: errors = %v", p.Errors)
	}
	wantProblem(t, e.testEnv, e.api(http.MethodPost, path, tok, `{}`), http.StatusBadRequest, "error.bad_json", "vote without value")
	wantProblem(t, e.testEnv, e.api(http.MethodPost, path, tok, `{"wert": 1}`), http.StatusBadRequest, "error.bad_json", "unknown field")
	wantProblem(t, e.testEnv, e.api(http.MethodPost, path, e.token(e.ans1), `{"value": 1}`), http.StatusForbidden, "error.forbidden", "own answer")
	wantProblem(t, e.testEnv, e.api(http.MethodPost, path, "", `{"value": 1}`), http.StatusUnauthorized, "error.login_required", "anonymous")
	wantProblem(t, e.testEnv, e.api(http.MethodPost, "/api/v1/posts/9999/votes", tok, `{"value": 1}`), http.StatusNotFound, "error.not_found", "missing post")
	opening := e.firstPostID(e.q.ID)
	wantProblem(t, e.testEnv, e.api(http.MethodPost, fmt.Sprintf("/api/v1/posts/%d/votes", opening), tok, `{"value": 1}`),
		http.StatusForbidden, "error.forbidden", "vote on the question")

	// The thread shows the score; a vote records no event.
	w := e.api(http.MethodGet, fmt.Sprintf("/api/v1/threads/%d", e.q.ID), "", "")
	th := readJSON[apiThread](t, w, "thread")
	if th.Posts[1].ID != e.a1 || th.Posts[1].Score != 1 {
		t.Errorf("thread posts = %+v, want score 1 on %d", th.Posts, e.a1)
	}
	for _, ev := range qaEvents(e.testEnv, e.q.ID) {
		if strings.Contains(ev, "vote") {
			t.Errorf("vote recorded an event: %s", ev)
		}
	}
}

func TestAPIAccept(t *testing.T) {
	e := newQAEnv(t)
	path := fmt.Sprintf("/api/v1/threads/%d/accept", e.q.ID)
	body := func(id int64) string { return fmt.Sprintf(`{"post_id": %d}`, id) }

	wantProblem(t, e.testEnv, e.api(http.MethodPost, path, e.token(e.voter), body(e.a1)), http.StatusForbidden, "error.forbidden", "other member")
	wantProblem(t, e.testEnv, e.api(http.MethodPost, path, e.token(e.ans1), body(e.a1)), http.StatusForbidden, "error.forbidden", "answerer")
	wantProblem(t, e.testEnv, e.api(http.MethodPost, path, e.token(e.modThere), body(e.a1)), http.StatusForbidden, "error.forbidden", "moderator elsewhere")

	w := e.api(http.MethodPost, path, e.token(e.asker), body(e.a1))
	wantStatus(t, w, http.StatusOK, "asker accepts")
	got := readJSON[apiQuestionState](t, w, "accept")
	if got.ThreadID != e.q.ID || got.AcceptedPostID == nil || *got.AcceptedPostID != e.a1 || got.Status != "geloest" {
		t.Errorf("accept = %s", w.Body.String())
	}
	if evs := strings.Join(qaEvents(e.testEnv, e.q.ID), ";"); !strings.Contains(evs, fmt.Sprintf("answer.accepted %d", e.a1)) {
		t.Errorf("events after accept = %s", evs)
	}

	// The moderator of the field changes it.
	w = e.api(http.MethodPost, path, e.token(e.mod), body(e.a2))
	wantStatus(t, w, http.StatusOK, "moderator changes")
	if got := readJSON[apiQuestionState](t, w, "change"); *got.AcceptedPostID != e.a2 {
		t.Errorf("change = %s", w.Body.String())
	}

	// A post of another thread is invalid input.
	other := qaThread(e.testEnv, e.asker, "familie-kind", "question", "Andere Frage zur Kita")
	foreign := qaReply(e.testEnv, e.ans1, other.ID, "Antwort dort")
	p := wantProblem(t, e.testEnv, e.api(http.MethodPost, path, e.token(e.asker), body(foreign)), http.StatusUnprocessableEntity,
		"error.validation", "post of another thread")
	if p.Errors["post_id"] == "" {
		t.Errorf("errors = %v, want post_id", p.Errors)
	}
	wantProblem(t, e.testEnv, e.api(http.MethodPost, path, e.token(e.asker), `{}`), http.StatusBadRequest, "error.bad_json", "no post_id")
	wantProblem(t, e.testEnv, e.api(http.MethodPost, "/api/v1/threads/9999/accept", e.token(e.asker), body(e.a1)), http.StatusNotFound,
		"error.not_found", "missing thread")

	// GET shows the state; withdrawing makes the question merely answered.
	th := readJSON[apiThread](t, e.api(http.MethodGet, fmt.Sprintf("/api/v1/threads/%d", e.q.ID), "", ""), "thread")
	if th.Kind != "question" || th.Status != "geloest" || th.AcceptedPostID == nil || *th.AcceptedPostID != e.a2 {
		t.Errorf("thread = kind %q, status %q, accepted %v", th.Kind, th.Status, th.AcceptedPostID)
	}
	w = e.api(http.MethodPost, path, e.token(e.asker), `{"post_id": 0}`)
	wantStatus(t, w, http.StatusOK, "withdraw")
	if !strings.Contains(w.Body.String(), `"accepted_post_id":null`) || !strings.Contains(w.Body.String(), `"status":"beantwortet"`) {
		t.Errorf("withdraw = %s", w.Body.String())
	}
}

func TestAPIDuplicate(t *testing.T) {
	e := newQAEnv(t)
	canonical := qaThread(e.testEnv, e.ans1, "familie-kind", "question", "Kita-Software: die ursprüngliche Frage")
	path := fmt.Sprintf("/api/v1/threads/%d/duplicate", e.q.ID)
	body := fmt.Sprintf(`{"canonical_id": %d}`, canonical.ID)

	wantProblem(t, e.testEnv, e.api(http.MethodPost, path, e.token(e.asker), body), http.StatusForbidden, "error.forbidden", "asker")
	p := wantProblem(t, e.testEnv, e.api(http.MethodPost, path, e.token(e.mod), fmt.Sprintf(`{"canonical_id": %d}`, e.q.ID)),
		http.StatusUnprocessableEntity, "error.validation", "itself")
	if p.Errors["canonical"] != e.srv.cat.T("de", "qa.error.canonical_self") {
		t.Errorf("errors = %v", p.Errors)
	}
	w := e.api(http.MethodPost, path, e.token(e.mod), body)
	wantStatus(t, w, http.StatusOK, "close")
	if got := readJSON[apiQuestionState](t, w, "close"); got.DuplicateOf == nil || *got.DuplicateOf != canonical.ID {
		t.Errorf("close = %s", w.Body.String())
	}
	w = e.api(http.MethodPost, fmt.Sprintf("/api/v1/threads/%d/posts", e.q.ID), e.token(e.voter), `{"body": "Noch eine Antwort"}`)
	wantProblem(t, e.testEnv, w, http.StatusConflict, "qa.error.duplicate", "answer to a duplicate")
	th := readJSON[apiThread](t, e.api(http.MethodGet, fmt.Sprintf("/api/v1/threads/%d", e.q.ID), "", ""), "thread")
	if th.DuplicateOf == nil || *th.DuplicateOf != canonical.ID {
		t.Errorf("GET thread duplicate_of = %v", th.DuplicateOf)
	}

	w = e.api(http.MethodPost, path, e.token(e.mod), `{"canonical_id": 0}`)
	wantStatus(t, w, http.StatusOK, "reopen")
	if !strings.Contains(w.Body.String(), `"duplicate_of":null`) {
		t.Errorf("reopen = %s", w.Body.String())
	}
	w = e.api(http.MethodPost, fmt.Sprintf("/api/v1/threads/%d/posts", e.q.ID), e.token(e.voter), `{"body": "Noch eine Antwort"}`)
	wantStatus(t, w, http.StatusCreated, "answer after reopening")
}
