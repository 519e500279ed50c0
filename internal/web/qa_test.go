package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kommunalforum/internal/forum"
	"kommunalforum/internal/store"
)

// qaEnv is a test forum with a member question in "familie-kind" and two
// answers: the asker, two answerers, a voter, a moderator of the field and
// one of another field.
type qaEnv struct {
	*testEnv
	asker, ans1, ans2, voter, mod, modThere *store.User
	q                                       store.Thread
	a1, a2                                  int64 // answers, in order of posting
}

func newQAEnv(t *testing.T, mutate ...func(*Options, *authPolicy)) *qaEnv {
	t.Helper()
	e := &qaEnv{testEnv: newTestEnv(t, mutate...)}
	e.asker = e.user("fragt@kreis-musterland.de", "member")
	e.ans1 = e.user("antwortet@stadt-beispiel.de", "member")
	e.ans2 = e.user("weiss@gemeinde-muster.de", "member")
	e.voter = e.user("stimmt@kreis-musterland.de", "member")
	e.mod = e.user("mod-familie@kreis-musterland.de", "moderator")
	e.modThere = e.user("mod-umwelt@kreis-musterland.de", "moderator")
	ctx := context.Background()
	familie, _ := e.db.TopicFieldBySlug(ctx, "familie-kind")
	umwelt, _ := e.db.TopicFieldBySlug(ctx, "umwelt")
	if err := e.db.SetModeratorFields(ctx, e.mod.ID, []int64{familie.ID}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetModeratorFields(ctx, e.modThere.ID, []int64{umwelt.ID}); err != nil {
		t.Fatal(err)
	}
	e.q = qaThread(e.testEnv, e.asker, "familie-kind", store.KindQuestion, "Welche Software für die Kita-Platzvergabe?")
	e.a1 = qaReply(e.testEnv, e.ans1, e.q.ID, "Wir nutzen das Kita-Portal des Landes.")
	e.a2 = qaReply(e.testEnv, e.ans2, e.q.ID, "Bei uns läuft die Vergabe über den EfA-Dienst.")
	return e
}

// qaThread opens a thread of the given kind as u.
func qaThread(e *testEnv, u *store.User, field, kind, title string) store.Thread {
	e.t.Helper()
	th, _, err := forum.New(e.db, 10).CreateThread(context.Background(), u, field, kind, title, "Wie machen Sie das?")
	if err != nil {
		e.t.Fatalf("CreateThread(%s): %v", kind, err)
	}
	return th
}

// qaReply answers the thread as u and returns the post ID.
func qaReply(e *testEnv, u *store.User, threadID int64, body string) int64 {
	e.t.Helper()
	id, err := forum.New(e.db, 10).Reply(context.Background(), u, threadID, body)
	if err != nil {
		e.t.Fatalf("Reply: %v", err)
	}
	return id
}

// qaEvents lists the kinds and post IDs of a thread's events, oldest first.
func qaEvents(e *testEnv, threadID int64) []string {
	e.t.Helper()
	es, err := e.db.EventsAfter(context.Background(), 0, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, ev := range es {
		if ev.ThreadID == threadID {
			out = append(out, fmt.Sprintf("%s %d", ev.Kind, ev.PostID))
		}
	}
	return out
}

// articleOrder returns the post IDs in the order the page shows them.
func articleOrder(body string) []string {
	var ids []string
	for _, m := range regexp.MustCompile(`<article class="post[^"]*" id="beitrag-(\d+)"`).FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// articleOf cuts one post's <article> out of a page.
func articleOf(t *testing.T, body string, postID int64) string {
	t.Helper()
	start := strings.Index(body, fmt.Sprintf(`id="beitrag-%d"`, postID))
	if start < 0 {
		t.Fatalf("page lacks post %d", postID)
	}
	end := strings.Index(body[start:], "</article>")
	return body[start : start+end]
}

func TestQAVoteFlowHTML(t *testing.T) {
	e := newQAEnv(t)
	cv := e.session(e.voter)
	path := "/beitrag/" + itoa(e.a1) + "/abstimmen"

	w := e.get(e.q.URL(), cv)
	wantStatus(t, w, http.StatusOK, "question page")
	art := articleOf(t, w.Body.String(), e.a1)
	wantBody(t, w, "vote controls", `action="`+path+`"`, `aria-pressed="false"`, "Hilfreich", "Nicht hilfreich",
		`aria-label="Antwort von antwortet bewerten"`, `<span class="vote-label">Bewertung:</span>`)
	if strings.Contains(art, "Stimme zurücknehmen") {
		t.Error("withdraw button shown before any vote")
	}

	w = e.post(path, url.Values{"value": {"1"}}, cv)
	wantStatus(t, w, http.StatusSeeOther, "vote up")
	if loc := w.Header().Get("Location"); loc != e.q.URL()+"#beitrag-"+itoa(e.a1) {
		t.Errorf("vote Location = %q, want the answer's anchor", loc)
	}
	if f := flashOf(w); f != "flash.qa_voted" {
		t.Errorf("vote flash = %q", f)
	}
	// Double submission counts once.
	wantStatus(t, e.post(path, url.Values{"value": {"1"}}, cv), http.StatusSeeOther, "vote up again")

	w = e.get(e.q.URL(), cv)
	art = articleOf(t, w.Body.String(), e.a1)
	for _, want := range []string{`<span class="vote-count">1</span>`, `value="0" aria-pressed="true"`, "Stimme zurücknehmen"} {
		if !strings.Contains(art, want) {
			t.Errorf("answer after vote lacks %q:\n%s", want, art)
		}
	}
	// The voted answer now leads.
	if got := articleOrder(w.Body.String()); len(got) != 3 || got[1] != itoa(e.a1) {
		t.Errorf("order after vote = %v", got)
	}

	w = e.post(path, url.Values{"value": {"-1"}}, cv)
	wantStatus(t, w, http.StatusSeeOther, "vote down")
	w = e.post(path, url.Values{"value": {"0"}}, cv)
	wantStatus(t, w, http.StatusSeeOther, "withdraw")
	if f := flashOf(w); f != "flash.qa_vote_withdrawn" {
		t.Errorf("withdraw flash = %q", f)
	}
	if p, _ := e.db.PostByID(t.Context(), e.a1); p.Score != 0 {
		t.Errorf("score after withdrawal = %d, want 0", p.Score)
	}

	// Refusals.
	wantStatus(t, e.post(path, url.Values{"value": {"1"}}, e.session(e.ans1)), http.StatusForbidden, "vote on own answer")
	wantStatus(t, e.post(path, url.Values{"value": {"1"}}, nil), http.StatusSeeOther, "anonymous vote goes to login")
	wantStatus(t, e.post(path, url.Values{"value": {"viel"}}, cv), http.StatusBadRequest, "vote value not a number")
	wantStatus(t, e.post(path, url.Values{"value": {"5"}}, cv), http.StatusUnprocessableEntity, "vote value 5")
	wantStatus(t, e.post("/beitrag/9999/abstimmen", url.Values{"value": {"1"}}, cv), http.StatusNotFound, "vote on missing post")
	w = e.get(e.q.URL(), e.session(e.ans1))
	if art := articleOf(t, w.Body.String(), e.a1); strings.Contains(art, "/abstimmen") || !strings.Contains(art, `class="vote-count"`) {
		t.Errorf("own answer: want the score without vote buttons:\n%s", art)
	}
	// Discussions have no votes at all.
	d := qaThread(e.testEnv, e.asker, "familie-kind", store.KindDiscussion, "Austausch zur Kita-Software")
	dr := qaReply(e.testEnv, e.ans1, d.ID, "Gerne!")
	w = e.get(d.URL(), cv)
	if strings.Contains(w.Body.String(), "vote-count") {
		t.Error("discussion page shows votes")
	}
	wantStatus(t, e.post("/beitrag/"+itoa(dr)+"/abstimmen", url.Values{"value": {"1"}}, cv), http.StatusForbidden, "vote in a discussion")
}

func TestQAAcceptFlowHTML(t *testing.T) {
	e := newQAEnv(t)
	ca := e.session(e.asker)
	accept := "/t/" + itoa(e.q.ID) + "/akzeptieren"
	// a2 gets more votes than a1, then the asker accepts a1.
	if _, err := e.db.Vote(t.Context(), e.a2, e.voter.ID, 1); err != nil {
		t.Fatal(err)
	}

	w := e.get(e.q.URL(), ca)
	wantBody(t, w, "asker sees accept buttons", `action="`+accept+`"`, "Als Lösung akzeptieren", `<span class="badge badge-info">Beantwortet</span>`)
	opening := itoa(e.firstPostID(e.q.ID))
	if got := strings.Join(articleOrder(w.Body.String()), ","); got != opening+","+itoa(e.a2)+","+itoa(e.a1) {
		t.Errorf("order by votes = %s, want question, a2, a1", got)
	}

	w = e.post(accept, url.Values{"post_id": {itoa(e.a1)}}, ca)
	wantStatus(t, w, http.StatusSeeOther, "accept")
	if loc := w.Header().Get("Location"); loc != e.q.URL()+"#beitrag-"+itoa(e.a1) {
		t.Errorf("accept Location = %q", loc)
	}
	if f := flashOf(w); f != "flash.qa_accepted" {
		t.Errorf("accept flash = %q", f)
	}
	w = e.get(e.q.URL(), nil)
	body := w.Body.String()
	if got := articleOrder(body); len(got) != 3 || got[1] != itoa(e.a1) || got[2] != itoa(e.a2) {
		t.Errorf("order after accept = %v, want question, accepted, rest", got)
	}
	art := articleOf(t, body, e.a1)
	if !strings.Contains(body, `<article class="post post-accepted" id="beitrag-`+itoa(e.a1)+`"`) || !strings.Contains(art, "Akzeptierte Antwort") {
		t.Errorf("accepted answer lacks highlight or badge:\n%s", art)
	}
	wantBody(t, w, "solved status", `<span class="badge badge-ok">Gelöst</span>`)
	if got := qaEvents(e.testEnv, e.q.ID); !strings.Contains(strings.Join(got, ";"), "answer.accepted "+itoa(e.a1)) {
		t.Errorf("events = %v, want answer.accepted %d", got, e.a1)
	}

	// Others may not; the moderator of the field may change it (audited).
	for who, u := range map[string]*store.User{"voter": e.voter, "answerer": e.ans2, "moderator of another field": e.modThere} {
		wantStatus(t, e.post(accept, url.Values{"post_id": {itoa(e.a2)}}, e.session(u)), http.StatusForbidden, who+" accepts")
	}
	wantStatus(t, e.post(accept, url.Values{"post_id": {itoa(e.a2)}}, e.session(e.mod)), http.StatusSeeOther, "moderator changes")
	if th, _ := e.db.ThreadByID(t.Context(), e.q.ID); th.AcceptedPostID != e.a2 {
		t.Errorf("AcceptedPostID = %d, want %d", th.AcceptedPostID, e.a2)
	}
	log, _ := e.db.AuditLog(t.Context(), 5)
	if len(log) == 0 || log[0].Action != "answer.accept" || log[0].ActorID != e.mod.ID {
		t.Errorf("audit log = %+v, want the moderator's accept", log)
	}
	// Answers of other threads and the question itself cannot be accepted.
	other := qaThread(e.testEnv, e.asker, "familie-kind", store.KindQuestion, "Zweite Frage zur Kita-Software")
	foreign := qaReply(e.testEnv, e.ans1, other.ID, "Antwort woanders")
	wantStatus(t, e.post(accept, url.Values{"post_id": {itoa(foreign)}}, ca), http.StatusUnprocessableEntity, "foreign post")
	wantStatus(t, e.post(accept, url.Values{"post_id": {itoa(e.firstPostID(e.q.ID))}}, ca), http.StatusUnprocessableEntity, "the question")
	wantStatus(t, e.post(accept, url.Values{"post_id": {"x"}}, ca), http.StatusBadRequest, "post_id not a number")

	// Withdrawing returns to the answer that was accepted.
	w = e.post(accept, url.Values{"post_id": {"0"}}, ca)
	wantStatus(t, w, http.StatusSeeOther, "withdraw")
	if loc := w.Header().Get("Location"); !strings.HasSuffix(loc, "#beitrag-"+itoa(e.a2)) || flashOf(w) != "flash.qa_unaccepted" {
		t.Errorf("withdraw: Location %q, flash %q", loc, flashOf(w))
	}
	w = e.get(e.q.URL(), nil)
	if strings.Contains(w.Body.String(), "post-accepted") {
		t.Error("page still highlights an accepted answer")
	}
	got := strings.Join(qaEvents(e.testEnv, e.q.ID), ";")
	if !strings.Contains(got, "answer.unaccepted "+itoa(e.a2)) {
		t.Errorf("events = %s, want answer.unaccepted", got)
	}
}

func TestQARedirectFollowsSortedPages(t *testing.T) {
	e := newQAEnv(t, func(o *Options, _ *authPolicy) { o.PostsPerPage = 2 })
	// Page 1: question, a1 (voted up); page 2: a2, a3.
	if _, err := e.db.Vote(t.Context(), e.a1, e.voter.ID, 1); err != nil {
		t.Fatal(err)
	}
	a3 := qaReply(e.testEnv, e.voter, e.q.ID, "Noch eine Antwort.")
	w := e.post("/beitrag/"+itoa(e.a1)+"/abstimmen", url.Values{"value": {"1"}}, e.session(e.ans2))
	if loc := w.Header().Get("Location"); loc != e.q.URL()+"#beitrag-"+itoa(e.a1) {
		t.Errorf("a1 Location = %q, want page 1", loc)
	}
	w = e.get("/beitrag/"+itoa(a3), nil)
	if loc := w.Header().Get("Location"); loc != e.q.URL()+"?seite=2#beitrag-"+itoa(a3) {
		t.Errorf("a3 Location = %q, want page 2", loc)
	}
	w = e.get(e.q.URL()+"?seite=2", nil)
	if got := articleOrder(w.Body.String()); len(got) != 2 || got[0] != itoa(e.a2) || got[1] != itoa(a3) {
		t.Errorf("page 2 = %v, want a2, a3", got)
	}
	// Numbers stay chronological: a3 is "Beitrag 4".
	wantBody(t, w, "chronological number", "Beitrag 4, ")
}

func TestQADuplicateHTML(t *testing.T) {
	e := newQAEnv(t)
	cm := e.session(e.mod)
	canonical := qaThread(e.testEnv, e.ans1, "familie-kind", store.KindQuestion, "Kita-Platzvergabe: welche Software?")
	close := "/t/" + itoa(e.q.ID) + "/duplikat"

	w := e.get(e.q.URL(), cm)
	wantBody(t, w, "moderator sees the form", `action="`+close+`"`, `id="f-canonical"`, "Als Duplikat schließen")
	if strings.Contains(e.get(e.q.URL(), e.session(e.asker)).Body.String(), close) {
		t.Error("asker sees the duplicate form")
	}

	for _, who := range []*store.User{e.asker, e.voter, e.modThere} {
		wantStatus(t, e.post(close, url.Values{"canonical": {itoa(canonical.ID)}}, e.session(who)), http.StatusForbidden, who.Email+" closes")
	}
	w = e.post(close, url.Values{"canonical": {"Kita"}}, cm)
	wantStatus(t, w, http.StatusUnprocessableEntity, "bad canonical")
	wantBody(t, w, "bad canonical", `aria-invalid="true"`, "Bitte geben Sie die Nummer oder Adresse einer Frage an", `value="Kita"`)
	w = e.post(close, url.Values{"canonical": {itoa(e.q.ID)}}, cm)
	wantStatus(t, w, http.StatusUnprocessableEntity, "itself")
	wantBody(t, w, "itself", "Eine Frage kann kein Duplikat ihrer selbst sein.")

	w = e.post(close, url.Values{"canonical": {testBaseURL + canonical.URL()}}, cm)
	wantRedirect(t, w, e.q.URL(), "close as duplicate")
	if f := flashOf(w); f != "flash.qa_duplicate_closed" {
		t.Errorf("flash = %q", f)
	}
	w = e.get(e.q.URL(), e.session(e.voter))
	wantBody(t, w, "closed question", "Diese Frage wurde als Duplikat geschlossen",
		fmt.Sprintf(`<a href="%s">%s</a>`, canonical.URL(), canonical.Title), "Auf diese Frage kann nicht mehr geantwortet werden.")
	if strings.Contains(w.Body.String(), `action="/t/`+itoa(e.q.ID)+`/antworten"`) {
		t.Error("closed question shows the reply form")
	}
	w = e.post("/t/"+itoa(e.q.ID)+"/antworten", url.Values{"body": {"Trotzdem eine Antwort"}}, e.session(e.voter))
	wantStatus(t, w, http.StatusConflict, "reply to duplicate")
	wantBody(t, w, "reply to duplicate", "Diese Frage wurde als Duplikat geschlossen und nimmt keine Antworten mehr an.")
	if got := strings.Join(qaEvents(e.testEnv, e.q.ID), ";"); !strings.Contains(got, "question.duplicate 0") {
		t.Errorf("events = %s, want question.duplicate", got)
	}
	w = e.get("/themenfeld/familie-kind?filter=questions", nil)
	wantBody(t, w, "list marks duplicates", `<span class="badge badge-warn">Duplikat</span>`)

	// Reopening.
	wantStatus(t, e.post("/t/"+itoa(e.q.ID)+"/wiedereroeffnen", nil, e.session(e.asker)), http.StatusForbidden, "asker reopens")
	w = e.get(e.q.URL(), cm)
	wantBody(t, w, "moderator sees reopen", `action="/t/`+itoa(e.q.ID)+`/wiedereroeffnen"`)
	w = e.post("/t/"+itoa(e.q.ID)+"/wiedereroeffnen", nil, cm)
	wantRedirect(t, w, e.q.URL(), "reopen")
	wantStatus(t, e.post("/t/"+itoa(e.q.ID)+"/antworten", url.Values{"body": {"Jetzt geht es"}}, e.session(e.voter)),
		http.StatusSeeOther, "reply after reopening")
}

func TestQAListFilters(t *testing.T) {
	e := newQAEnv(t, func(o *Options, _ *authPolicy) { o.ThreadsPerPage = 2 })
	ctx := t.Context()
	disc := qaThread(e.testEnv, e.asker, "familie-kind", store.KindDiscussion, "Austausch Kita-Gebühren")
	open := qaThread(e.testEnv, e.asker, "familie-kind", store.KindQuestion, "Offene Frage zum Elterngeld")
	solved := qaThread(e.testEnv, e.asker, "umwelt", store.KindQuestion, "Gelöste Frage zum Abfallkalender")
	ans := qaReply(e.testEnv, e.ans1, solved.ID, "So geht es.")
	if err := e.db.AcceptAnswer(ctx, e.asker.ID, solved.ID, ans); err != nil {
		t.Fatal(err)
	}
	titles := func(body string) []string {
		var out []string
		for _, m := range regexp.MustCompile(`<h3 class="thread-title"><a href="[^"]+">([^<]+)</a>`).FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}

	tests := []struct {
		path    string
		current string // label of the tab with aria-current
		want    []string
		next    string // link to page 2, "" if none
	}{
		{"/fragen", "Fragen", []string{solved.Title, open.Title}, "/fragen?seite=2"},
		{"/fragen?seite=2", "Fragen", []string{e.q.Title}, ""},
		{"/fragen?filter=unanswered", "Unbeantwortet", []string{open.Title}, ""},
		{"/fragen?filter=solved", "Gelöst", []string{solved.Title}, ""},
		{"/fragen?filter=all", "Alle", []string{solved.Title, open.Title}, "/fragen?filter=all&amp;seite=2"},
		{"/fragen?filter=all&seite=2", "Alle", []string{disc.Title, e.q.Title}, ""},
		{"/fragen?filter=nonsense", "Fragen", []string{solved.Title, open.Title}, "/fragen?seite=2"},
		{"/themenfeld/familie-kind", "Alle", []string{open.Title, disc.Title}, "/themenfeld/familie-kind?seite=2"},
		{"/themenfeld/familie-kind?filter=questions", "Fragen", []string{open.Title, e.q.Title}, ""},
		{"/themenfeld/familie-kind?filter=unanswered", "Unbeantwortet", []string{open.Title}, ""},
		{"/themenfeld/familie-kind?filter=solved", "Gelöst", nil, ""},
		{"/themenfeld/umwelt?filter=solved", "Gelöst", []string{solved.Title}, ""},
	}
	for _, tt := range tests {
		w := e.get(tt.path, nil)
		wantStatus(t, w, http.StatusOK, tt.path)
		body := w.Body.String()
		if got := titles(body); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("GET %s lists %q, want %q", tt.path, got, tt.want)
		}
		tabs := regexp.MustCompile(`(?s)<nav class="filter-tabs".*?</nav>`).FindString(body)
		if !strings.Contains(tabs, `aria-current="page">`+tt.current+`</a>`) || strings.Count(tabs, "aria-current") != 1 {
			t.Errorf("GET %s: want exactly the tab %q current in %s", tt.path, tt.current, tabs)
		}
		if tt.next != "" && !strings.Contains(body, `href="`+tt.next+`" rel="next"`) {
			t.Errorf("GET %s lacks the next-page link %s", tt.path, tt.next)
		}
		if tt.want == nil && !strings.Contains(body, "Für diesen Filter gibt es keine Einträge.") {
			t.Errorf("GET %s: no empty-state text", tt.path)
		}
	}
	w := e.get("/fragen?filter=solved", nil)
	wantBody(t, w, "badges", `<span class="badge">Frage</span>`, `<span class="badge badge-ok">Gelöst</span>`, `href="/fragen?filter=unanswered"`)
	wantStatus(t, e.get("/fragen?seite=3", nil), http.StatusNotFound, "page 3")
	w = e.get("/", nil)
	wantBody(t, w, "home links the questions", `href="/fragen"`, "Alle Fragen ansehen")
}

func TestQAProfile(t *testing.T) {
	e := newQAEnv(t)
	other := qaThread(e.testEnv, e.asker, "umwelt", store.KindQuestion, "Abfallkalender als Open Data?")
	a := qaReply(e.testEnv, e.ans1, other.ID, "Ja, über das Portal.")
	if _, err := e.srv.qa.Accept(t.Context(), e.asker, other.ID, a); err != nil {
		t.Fatal(err)
	}
	w := e.get("/u/"+itoa(e.ans1.ID), nil)
	wantStatus(t, w, http.StatusOK, "profile")
	wantBody(t, w, "answerer's profile", "Fragen und Antworten", "<dt>Antworten auf Fragen</dt><dd>2</dd>",
		"<dt>Davon als Lösung akzeptiert</dt><dd>1</dd>", "<dt>Gestellte Fragen</dt><dd>0</dd>",
		fmt.Sprintf(`<a href="/beitrag/%d">%s</a>`, a, other.Title), fmt.Sprintf(`<a href="/beitrag/%d">%s</a>`, e.a1, e.q.Title),
		"Akzeptierte Antwort", "Noch keine Fragen gestellt.")
	if strings.Contains(w.Body.String(), "Punkte") || strings.Contains(w.Body.String(), "Reputation") {
		t.Error("profile shows reputation points")
	}
	w = e.get("/u/"+itoa(e.asker.ID), nil)
	wantBody(t, w, "asker's profile", "<dt>Gestellte Fragen</dt><dd>2</dd>", e.q.Title, other.Title, "Noch keine Diskussionen eröffnet.")
}

// TestQAPermissionsHTML is the route table of the Q&A forms.
func TestQAPermissionsHTML(t *testing.T) {
	e := newQAEnv(t)
	pm := e.user("pm@bund.example.de", "pm")
	admin := e.user("admin@kreis-musterland.de", "admin")
	canonical := qaThread(e.testEnv, e.ans1, "familie-kind", store.KindQuestion, "Kanonische Frage zur Kita")
	vote := "/beitrag/" + itoa(e.a1) + "/abstimmen"
	accept := "/t/" + itoa(e.q.ID) + "/akzeptieren"
	dup := "/t/" + itoa(e.q.ID) + "/duplikat"
	reopen := "/t/" + itoa(e.q.ID) + "/wiedereroeffnen"
	up := url.Values{"value": {"1"}}
	acc := url.Values{"post_id": {itoa(e.a1)}}
	can := url.Values{"canonical": {itoa(canonical.ID)}}
	rows := []struct {
		who  *store.User
		path string
		form url.Values
		want int
	}{
		{nil, vote, up, 303}, // to the login form
		{nil, accept, acc, 303},
		{nil, dup, can, 303},
		{e.ans1, vote, up, 403},
		{e.ans2, vote, up, 303},
		{pm, vote, up, 303},
		{e.voter, accept, acc, 403},
		{pm, accept, acc, 403},
		{e.modThere, accept, acc, 403},
		{e.asker, accept, acc, 303},
		{admin, accept, acc, 303},
		{e.asker, dup, can, 403},
		{pm, dup, can, 403},
		{e.modThere, dup, can, 403},
		{e.mod, dup, can, 303},
		{e.voter, reopen, nil, 403},
		{admin, reopen, nil, 303},
	}
	for _, r := range rows {
		var cookie *http.Cookie
		who := "anonymous"
		if r.who != nil {
			cookie, who = e.session(r.who), r.who.Email
		}
		if w := e.post(r.path, r.form, cookie); w.Code != r.want {
			t.Errorf("POST %s as %s = %d, want %d", r.path, who, w.Code, r.want)
		}
	}
}

// TestQAPagesRender requests the Q&A pages with a filled question in both
// languages: no catalogue key may show through (zero values:
// TestEveryPageRenders).
func TestQAPagesRender(t *testing.T) {
	e := newQAEnv(t)
	if err := e.db.AcceptAnswer(t.Context(), e.asker.ID, e.q.ID, e.a1); err != nil {
		t.Fatal(err)
	}
	rawKey := regexp.MustCompile(`\b(qa|flash)\.[a-z_]+|%!`)
	for _, lang := range []string{"de", "en"} {
		for _, path := range []string{e.q.URL(), "/fragen", "/fragen?filter=unanswered", "/themenfeld/familie-kind", "/u/" + itoa(e.ans1.ID)} {
			w := e.do(req{method: http.MethodGet, path: path, cookie: e.session(e.mod), header: map[string]string{"Accept-Language": lang}})
			wantStatus(t, w, http.StatusOK, lang+" "+path)
			if m := rawKey.FindString(w.Body.String()); m != "" {
				t.Errorf("%s %s shows %q", lang, path, m)
			}
		}
	}
	w := e.do(req{method: http.MethodGet, path: e.q.URL(), cookie: e.session(e.voter), header: map[string]string{"Accept-Language": "en"}})
	wantBody(t, w, "English question page", "Helpful", "Not helpful", "Accepted answer", "Solved")
}
