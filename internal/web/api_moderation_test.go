package web

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"kommunalforum/internal/store"
)

func TestModerationAPI(t *testing.T) {
	e := newModEnv(t)
	member, mod, modThere, admin := e.token(e.member), e.token(e.modHere), e.token(e.modThere), e.token(e.admin)
	tid, pid := e.newThread("Kontakt: 0170 1234567")

	// Flagging.
	w := e.api("POST", fmt.Sprintf("/api/v1/posts/%d/flags", pid), member, `{"reason": "personal_data", "text": "Handynummer"}`)
	wantStatus(t, w, http.StatusCreated, "flag")
	f := readJSON[apiFlag](t, w, "flag")
	if f.PostID != pid || f.Reason != "personal_data" || f.Text != "Handynummer" || f.ReporterID != e.member.ID {
		t.Errorf("flag = %+v", f)
	}
	wantProblem(t, e.testEnv, e.api("POST", fmt.Sprintf("/api/v1/posts/%d/flags", pid), member, `{"reason": "spam"}`), http.StatusConflict, "error.conflict", "second flag")
	p := wantProblem(t, e.testEnv, e.api("POST", fmt.Sprintf("/api/v1/posts/%d/flags", pid), e.token(e.pm), `{"reason": "other"}`),
		http.StatusUnprocessableEntity, "error.validation", "other without text")
	if p.Errors["text"] == "" {
		t.Errorf("problem errors = %v, want one on text", p.Errors)
	}
	wantProblem(t, e.testEnv, e.api("POST", "/api/v1/posts/999999/flags", member, `{"reason": "spam"}`), http.StatusNotFound, "error.not_found", "flag a missing post")

	// The review queue of the field's moderator, and of the other field's.
	w = e.api("GET", "/api/v1/review", mod, "")
	wantStatus(t, w, http.StatusOK, "review")
	r := readJSON[apiReview](t, w, "review")
	if r.FlaggedTotal != 1 || len(r.Flagged) != 1 || r.Flagged[0].Post.ID != pid || len(r.Flagged[0].Flags) != 1 ||
		r.Flagged[0].TopicField != "familie-kind" || !r.Flagged[0].Opening || r.Pending == nil {
		t.Errorf("review = %+v", r)
	}
	if r := readJSON[apiReview](t, e.api("GET", "/api/v1/review", modThere, ""), "review elsewhere"); r.FlaggedTotal != 0 || len(r.Flagged) != 0 {
		t.Errorf("the other field's moderator sees %+v", r)
	}

	// Hiding.
	wantProblem(t, e.testEnv, e.api("POST", fmt.Sprintf("/api/v1/posts/%d/hide", pid), mod, ""), http.StatusUnprocessableEntity, "error.validation", "hide without reason")
	w = e.api("POST", fmt.Sprintf("/api/v1/posts/%d/hide", pid), mod, `{"reason": "Telefonnummer"}`)
	wantStatus(t, w, http.StatusOK, "hide")
	if hp := readJSON[apiPost](t, w, "hide"); !hp.Hidden || hp.HiddenReason != "Telefonnummer" || hp.Body == "" {
		t.Errorf("hidden post for its moderator = %+v", hp)
	}
	th := readJSON[apiThread](t, e.api("GET", fmt.Sprintf("/api/v1/threads/%d", tid), member, ""), "thread for a member")
	if got := th.Posts[0]; !got.Hidden || got.Body != "" || got.BodyHTML != "" || got.HiddenReason != "" {
		t.Errorf("hidden post for a member = %+v", got)
	}
	if r := readJSON[apiReview](t, e.api("GET", "/api/v1/review", mod, ""), "review after hiding"); r.FlaggedTotal != 0 {
		t.Errorf("the flag is still open: %+v", r)
	}
	w = e.api("POST", fmt.Sprintf("/api/v1/posts/%d/unhide", pid), mod, "")
	if up := readJSON[apiPost](t, w, "unhide"); up.Hidden {
		t.Errorf("after unhiding = %+v", up)
	}

	// Thread actions.
	w = e.api("POST", fmt.Sprintf("/api/v1/threads/%d/pin", tid), mod, `{"reason": "Wichtig"}`)
	if st := readJSON[apiThreadState](t, w, "pin"); !st.Pinned || st.ID != tid {
		t.Errorf("pin = %+v", st)
	}
	w = e.api("POST", fmt.Sprintf("/api/v1/threads/%d/lock", tid), mod, "")
	if st := readJSON[apiThreadState](t, w, "lock"); !st.Locked {
		t.Errorf("lock = %+v", st)
	}
	wantProblem(t, e.testEnv, e.api("POST", fmt.Sprintf("/api/v1/threads/%d/move", tid), mod, `{"topic_field": "umwelt"}`),
		http.StatusUnprocessableEntity, "error.validation", "move into a field not moderated")
	w = e.api("POST", fmt.Sprintf("/api/v1/threads/%d/move", tid), mod, `{"topic_field": "bildung", "reason": "Schulthema"}`)
	if st := readJSON[apiThreadState](t, w, "move"); st.TopicField != "bildung" {
		t.Errorf("move = %+v", st)
	}
	w = e.api("POST", fmt.Sprintf("/api/v1/threads/%d/hide", tid), admin, `{"reason": "Doppelt"}`)
	if st := readJSON[apiThreadState](t, w, "hide thread"); !st.Hidden || st.HiddenReason != "Doppelt" {
		t.Errorf("hide thread = %+v", st)
	}
	wantProblem(t, e.testEnv, e.api("GET", fmt.Sprintf("/api/v1/threads/%d", tid), member, ""), http.StatusNotFound, "error.not_found", "hidden thread for a member")
	wantStatus(t, e.api("GET", fmt.Sprintf("/api/v1/threads/%d", tid), mod, ""), http.StatusOK, "hidden thread for its moderator")

	// Suspensions.
	target := e.freshMember()
	suspend := fmt.Sprintf("/api/v1/users/%d/suspend", target.ID)
	p = wantProblem(t, e.testEnv, e.api("POST", suspend, mod, `{"until": "morgen", "reason": "Spam"}`), http.StatusUnprocessableEntity, "error.validation", "bad until")
	if p.Errors["until"] == "" {
		t.Errorf("problem errors = %v, want one on until", p.Errors)
	}
	wantProblem(t, e.testEnv, e.api("POST", suspend, mod, `{"until": "2020-01-01T00:00:00Z", "reason": "Spam"}`), http.StatusUnprocessableEntity, "error.validation", "until in the past")
	until := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
	w = e.api("POST", suspend, mod, fmt.Sprintf(`{"until": %q, "reason": "Spam"}`, until.Format(time.RFC3339)))
	if s := readJSON[apiSuspension](t, w, "suspend"); !s.Suspended || s.Indefinite || s.Until == nil || *s.Until != apiTime(until) || s.Reason != "Spam" {
		t.Errorf("suspend until = %+v", s)
	}
	w = e.api("POST", suspend, mod, `{"until": null, "reason": "Weiter Spam"}`)
	if s := readJSON[apiSuspension](t, w, "suspend indefinitely"); !s.Indefinite || s.Until != nil {
		t.Errorf("suspend indefinitely = %+v", s)
	}
	wantProblem(t, e.testEnv, e.api("POST", fmt.Sprintf("/api/v1/users/%d/suspend", e.admin.ID), mod, `{"reason": "x y z"}`), http.StatusForbidden, "error.forbidden", "moderator suspends admin")
	w = e.api("POST", fmt.Sprintf("/api/v1/users/%d/unsuspend", target.ID), mod, `{"reason": "Einsicht"}`)
	if s := readJSON[apiSuspension](t, w, "unsuspend"); s.Suspended {
		t.Errorf("unsuspend = %+v", s)
	}

	// Moderator assignment.
	w = e.api("POST", "/api/v1/topic-fields/umwelt/moderators", admin, fmt.Sprintf(`{"email": %q}`, e.member.Email))
	wantStatus(t, w, http.StatusCreated, "assign")
	if m := readJSON[apiModerator](t, w, "assign"); !m.Added || m.Role != store.RoleModerator || m.TopicField != "umwelt" {
		t.Errorf("assign = %+v", m)
	}
	wantStatus(t, e.api("POST", "/api/v1/topic-fields/umwelt/moderators", admin, fmt.Sprintf(`{"email": %q}`, e.member.Email)), http.StatusOK, "assign again")
	wantProblem(t, e.testEnv, e.api("POST", "/api/v1/topic-fields/umwelt/moderators", admin, fmt.Sprintf(`{"email": %q}`, e.pm.Email)),
		http.StatusUnprocessableEntity, "error.validation", "assign a pm user")
	wantProblem(t, e.testEnv, e.api("POST", "/api/v1/topic-fields/gibt-es-nicht/moderators", admin, `{"email": "x@y.de"}`), http.StatusNotFound, "error.not_found", "unknown field")

	// The audit log: the moderator of familie-kind and bildung sees the
	// actions there and the suspensions, not the assignment in umwelt.
	es := readJSON[[]apiAuditEntry](t, e.api("GET", "/api/v1/audit", mod, ""), "audit")
	actions := map[string]bool{}
	for _, en := range es {
		actions[en.Action] = true
	}
	for _, a := range []string{"post.hide", "post.unhide", "user.suspend", "user.unsuspend"} {
		if !actions[a] {
			t.Errorf("moderator's audit lacks %s: %+v", a, es)
		}
	}
	if actions["moderator.assign"] {
		t.Errorf("moderator of familie-kind sees the assignment in umwelt")
	}
	all := readJSON[[]apiAuditEntry](t, e.api("GET", "/api/v1/audit", admin, ""), "admin audit")
	if len(all) <= len(es) {
		t.Errorf("admin sees %d entries, the moderator %d", len(all), len(es))
	}
}
