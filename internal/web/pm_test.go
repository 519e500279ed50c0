package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"kommunalforum/internal/forum"
	"kommunalforum/internal/store"
)

// pmQuestion asks a PM question as u in the field and returns it.
func (e *testEnv) pmQuestion(u *store.User, field, title, body string) store.Thread {
	e.t.Helper()
	th, _, err := forum.New(e.db, 10).CreateThread(context.Background(), u, field, store.KindPM, title, body)
	if err != nil {
		e.t.Fatalf("CreateThread(pm_question): %v", err)
	}
	return th
}

// pmReply answers thread as u and returns the post ID.
func (e *testEnv) pmReply(u *store.User, threadID int64, body string) int64 {
	e.t.Helper()
	id, err := forum.New(e.db, 10).Reply(context.Background(), u, threadID, body)
	if err != nil {
		e.t.Fatalf("Reply: %v", err)
	}
	return id
}

// pmEvents lists the kinds of a thread's events in order.
func (e *testEnv) pmEvents(threadID int64) []string {
	e.t.Helper()
	es, err := e.db.EventsAfter(context.Background(), 0, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, ev := range es {
		if ev.ThreadID == threadID {
			out = append(out, ev.Kind)
		}
	}
	return out
}

// TestPMPermissionsWeb is the permission table of the PM pages, forms and
// API: who may do what, and which status everyone else gets.
func TestPMPermissionsWeb(t *testing.T) {
	e := newTestEnv(t)
	asker := e.user("frager@kreis-musterland.de", "member")
	pm := e.user("pm@bund.example.de", "pm")
	mod := e.user("mod@kreis-musterland.de", "moderator")
	admin := e.user("admin@kreis-musterland.de", "admin")
	th := e.pmQuestion(asker, "familie-kind", "Elterngeld digital: Anbindung?", "Wie binden wir den EfA-Dienst an?")
	answer := e.pmReply(pm, th.ID, "So geht es.")
	thread := "/t/" + itoa(th.ID)
	post := "/beitrag/" + itoa(answer)
	cookies := map[string]*http.Cookie{"anonymous": nil, "member": e.session(asker), "moderator": e.session(mod),
		"admin": e.session(admin), "pm": e.session(pm)}
	tokens := map[string]string{"member": e.token(asker), "moderator": e.token(mod), "admin": e.token(admin)}

	type row struct {
		who, method, path string
		form              url.Values
		want              int
	}
	var rows []row
	for _, who := range []string{"anonymous", "member", "moderator", "admin", "pm"} {
		rows = append(rows, row{who, "GET", "/pm", nil, 200}, row{who, "GET", "/pm/statistik", nil, 200},
			row{who, "GET", post + "/amtliche-versionen", nil, 404}) // not official yet
	}
	assign := url.Values{"assignee": {itoa(pm.ID)}}
	status := url.Values{"status": {"in_bearbeitung"}}
	rows = append(rows,
		row{"anonymous", "GET", "/pm/queue", nil, 303},
		row{"anonymous", "POST", thread + "/zuweisen", assign, 303},
		row{"anonymous", "POST", post + "/amtlich", nil, 303},
	)
	for _, who := range []string{"member", "moderator", "admin"} {
		rows = append(rows,
			row{who, "GET", "/pm/queue", nil, 404},
			row{who, "POST", thread + "/zuweisen", assign, 403},
			row{who, "POST", thread + "/pm-status", status, 403},
			row{who, "POST", post + "/amtlich", nil, 403},
		)
	}
	rows = append(rows,
		row{"pm", "GET", "/pm/queue", nil, 200},
		row{"pm", "POST", thread + "/pm-status", status, 303},
		row{"pm", "POST", thread + "/zuweisen", assign, 303},
		row{"pm", "POST", "/beitrag/" + itoa(e.firstPostID(th.ID)) + "/amtlich", nil, 403}, // the question itself
		row{"pm", "POST", post + "/amtlich", nil, 303},
		row{"anonymous", "GET", post + "/amtliche-versionen", nil, 200},
	)
	for _, r := range rows {
		w := e.do(req{method: r.method, path: r.path, form: r.form, cookie: cookies[r.who]})
		if w.Code != r.want {
			t.Errorf("%s %s %s = %d, want %d", r.who, r.method, r.path, w.Code, r.want)
		}
	}

	// The API answers 401 without a login and 403 to everyone but pm users.
	apiRows := []struct{ method, path, body string }{
		{"GET", "/api/v1/pm/queue", ""},
		{"POST", "/api/v1/posts/" + itoa(answer) + "/official", ""},
		{"POST", "/api/v1/threads/" + itoa(th.ID) + "/assign", `{"assignee": "pm@bund.example.de"}`},
	}
	for _, r := range apiRows {
		wantProblem(t, e, e.api(r.method, r.path, "", r.body), http.StatusUnauthorized, "error.login_required", "anonymous "+r.path)
		for who, tok := range tokens {
			wantProblem(t, e, e.api(r.method, r.path, tok, r.body), http.StatusForbidden, "error.forbidden", who+" "+r.method+" "+r.path)
		}
	}
}

func TestPMQuestionFlow(t *testing.T) {
	e := newTestEnv(t)
	asker := e.user("frager@kreis-musterland.de", "member")
	pm := e.user("paula@bund.example.de", "pm")
	pm2 := e.user("peter@bund.example.de", "pm")
	ca, cp := e.session(asker), e.session(pm)

	// The area explains itself and offers the way to ask.
	w := e.get("/pm", ca)
	wantStatus(t, w, http.StatusOK, "PM area")
	wantBody(t, w, "PM area", "<h1>Fragen an das Programmmanagement</h1>", `href="/neues-thema?art=pm_question"`,
		"Frage an das Programmmanagement stellen", "10 Arbeitstage", `href="/pm/statistik"`,
		"Es wurden noch keine Fragen an das Programmmanagement gestellt.", `<a href="/pm" aria-current="page">Fragen an das PM</a>`)
	if strings.Contains(w.Body.String(), `href="/pm/queue"`) {
		t.Error("PM area links members to the queue")
	}
	wantBody(t, e.get("/neues-thema?art=pm_question", ca), "new PM question form", `value="pm_question" checked`)
	wantBody(t, e.get("/", nil), "home", `<a href="/pm">Fragen an das PM</a>`)
	wantBody(t, e.get("/themenfeld/familie-kind", nil), "topic field", `<a href="/pm">Fragen an das PM</a>`)

	// A member asks through the form.
	w = e.post("/neues-thema", url.Values{"topic_field": {"familie-kind"}, "kind": {"pm_question"},
		"title": {"Elterngeld digital: Wer trägt die Betriebskosten?"}, "body": {"Bitte um verbindliche Auskunft."}}, ca)
	wantStatus(t, w, http.StatusSeeOther, "ask")
	loc := w.Header().Get("Location")
	id := strings.Split(strings.TrimPrefix(loc, "/t/"), "-")[0]
	th, err := e.db.ThreadByID(t.Context(), pmID(t, id))
	if err != nil || th.Kind != store.KindPM || th.PMStatus != store.PMNew || th.PMDueAt.IsZero() {
		t.Fatalf("asked thread = %+v, %v", th, err)
	}
	w = e.get(loc, ca)
	wantBody(t, w, "question page for the asker", "Frage an das Programmmanagement", ">Offen</span>", "Antwortfrist",
		"Noch nicht zugewiesen")
	if strings.Contains(w.Body.String(), "/zuweisen") {
		t.Error("the asker sees the assign form")
	}
	wantBody(t, e.get("/pm", nil), "PM area lists the question", "Elterngeld digital: Wer trägt die Betriebskosten?", "1 Frage", "Antwortfrist:")

	// A pm user takes it over from the thread page.
	w = e.get(loc, cp)
	wantBody(t, w, "question page for pm", `action="/t/`+id+`/zuweisen"`, "Mir zuweisen", `action="/t/`+id+`/pm-status"`, `href="/pm/queue"`)
	w = e.post("/t/"+id+"/zuweisen", url.Values{"assignee": {itoa(pm.ID)}, "weiter": {th.URL()}}, cp)
	wantRedirect(t, w, th.URL(), "assign to me")
	if f := flashOf(w); f != "flash.pm_assigned" {
		t.Errorf("flash = %q", f)
	}
	// ... and hands it on from the queue, which it returns to.
	w = e.post("/t/"+id+"/zuweisen", url.Values{"assignee": {itoa(pm2.ID)}, "weiter": {"/pm/queue?status=in_bearbeitung"}}, cp)
	wantRedirect(t, w, "/pm/queue?status=in_bearbeitung", "assign from queue")
	w = e.post("/t/"+id+"/zuweisen", url.Values{"assignee": {itoa(asker.ID)}}, cp)
	wantStatus(t, w, http.StatusUnprocessableEntity, "assign to a member")
	w = e.post("/t/"+id+"/zuweisen", url.Values{"assignee": {itoa(pm.ID)}, "weiter": {"//evil.example/"}}, cp)
	wantRedirect(t, w, "/", "foreign return address")
	w = e.post("/t/"+id+"/zuweisen", url.Values{"assignee": {itoa(pm2.ID)}}, cp)
	wantRedirect(t, w, th.URL(), "assign without return address")
	wantBody(t, e.get(loc, ca), "assigned question", "In Bearbeitung bei peter")

	// A pm user answers and marks the answer official.
	w = e.post("/t/"+id+"/antworten", url.Values{"body": {"Die Betriebskosten trägt das **Land**."}}, cp)
	wantStatus(t, w, http.StatusSeeOther, "answer")
	answer := pmID(t, strings.Split(w.Header().Get("Location"), "#beitrag-")[1])
	wantBody(t, e.get(loc, cp), "answer for pm", `action="/beitrag/`+itoa(answer)+`/amtlich"`, "Als amtliche Antwort kennzeichnen")
	if strings.Contains(e.get(loc, ca).Body.String(), "/amtlich\"") {
		t.Error("the asker sees the mark-official button")
	}
	w = e.post("/beitrag/"+itoa(answer)+"/amtlich", nil, cp)
	wantStatus(t, w, http.StatusSeeOther, "mark official")
	if !strings.HasSuffix(w.Header().Get("Location"), "#beitrag-"+itoa(answer)) || flashOf(w) != "flash.pm_official" {
		t.Errorf("mark official: Location %q, flash %q", w.Header().Get("Location"), flashOf(w))
	}

	// The asker sees the status and the official answer.
	w = e.get(loc, ca)
	wantBody(t, w, "answered question", ">Beantwortet</span>", "Antwortzeit", "unter einer Stunde", `class="official-head"`,
		"Amtliche Antwort", "Stand:", "Version 1", "Landkreis Musterland", "Bearbeitet von peter")
	if strings.Contains(w.Body.String(), "Als amtliche Antwort kennzeichnen") || strings.Contains(w.Body.String(), "amtliche-versionen") {
		t.Error("answered question still offers marking or older versions")
	}
	if strings.Contains(e.get(loc, cp).Body.String(), "Als amtliche Antwort kennzeichnen") {
		t.Error("pm still sees the mark button on an official answer")
	}
	wantBody(t, e.get("/pm", nil), "PM area after answer", ">Beantwortet</span>", "Antwortzeit:")
	w = e.post("/t/"+id+"/pm-status", url.Values{"status": {"neu"}}, cp)
	wantStatus(t, w, http.StatusUnprocessableEntity, "reopen an answered question")

	// Editing the official answer makes version 2; both stay viewable.
	w = e.post("/beitrag/"+itoa(answer)+"/bearbeiten", url.Values{"body": {"Die Betriebskosten tragen **Land und Bund**."}}, cp)
	wantStatus(t, w, http.StatusSeeOther, "edit official answer")
	w = e.get(loc, ca)
	wantBody(t, w, "after edit", "Version 2", `href="/beitrag/`+itoa(answer)+`/amtliche-versionen"`, "Frühere Versionen anzeigen")
	w = e.get("/beitrag/"+itoa(answer)+"/amtliche-versionen", nil)
	wantStatus(t, w, http.StatusOK, "versions page")
	wantBody(t, w, "versions page", "Versionen der amtlichen Antwort", "Version 2 (aktuell)", "Version 1",
		"<strong>Land und Bund</strong>", "<strong>Land</strong>", "freigegeben von paula", `name="robots" content="noindex`)
	if i, j := strings.Index(w.Body.String(), "Version 2"), strings.Index(w.Body.String(), "Version 1"); i > j {
		t.Error("versions page does not list the newest first")
	}

	want := []string{store.EventPMCreated, store.EventPMStatus, store.EventPMAssigned, store.EventPMAssigned, store.EventPMAssigned,
		store.EventPMAssigned, store.EventAnswerCreated, store.EventPMStatus, store.EventAnswerOfficial, store.EventAnswerOfficial}
	if got := e.pmEvents(th.ID); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("events =\n %v\nwant\n %v", got, want)
	}
}

// pmID parses the leading decimal ID of s ("12-slug" or "12").
func pmID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(strings.SplitN(s, "-", 2)[0], 10, 64)
	if err != nil {
		t.Fatalf("parse ID %q: %v", s, err)
	}
	return id
}

func TestPMQueuePage(t *testing.T) {
	e := newTestEnv(t)
	ctx := t.Context()
	asker := e.user("frager@kreis-musterland.de", "member")
	pm := e.user("paula@bund.example.de", "pm")
	e.user("peter@bund.example.de", "pm")
	cp := e.session(pm)
	familie, _ := e.db.TopicFieldBySlug(ctx, "familie-kind")
	umwelt, _ := e.db.TopicFieldBySlug(ctx, "umwelt")
	ask := func(f store.TopicField, title string, due time.Time) int64 {
		id, _, err := e.db.CreateThread(ctx, store.NewThread{TopicFieldID: f.ID, AuthorID: asker.ID, Kind: store.KindPM,
			Title: title, Slug: forum.Slugify(title), Body: "Frage", BodyHTML: "<p>Frage</p>", PMDueAt: due})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	late := ask(familie, "Längst fällige Frage", time.Now().Add(-72*time.Hour))
	ask(familie, "Frage mit Zeit", time.Now().Add(72*time.Hour))
	ask(umwelt, "Umweltfrage überfällig", time.Now().Add(-time.Hour))
	if err := e.db.AssignPM(ctx, pm.ID, late, pm.ID); err != nil {
		t.Fatal(err)
	}

	w := e.get("/pm/queue", cp)
	wantStatus(t, w, http.StatusOK, "queue")
	b := w.Body.String()
	wantBody(t, w, "queue", "Arbeitsliste Programmmanagement", "3 Fragen", `class="pm-row-overdue"`, ">Überfällig</span>",
		`name="assignee"`, ">peter</option>", `name="weiter" value="/pm/queue"`, `name="robots" content="noindex`)
	if n := strings.Count(b, `class="pm-row-overdue"`); n != 2 {
		t.Errorf("queue marks %d rows overdue, want 2", n)
	}
	if i, j := strings.Index(b, "Längst fällige Frage"), strings.Index(b, "Frage mit Zeit"); i < 0 || j < 0 || i > j {
		t.Error("queue does not list overdue questions first")
	}
	if !regexp.MustCompile(`(?s)Längst fällige Frage.*?<td>paula</td>.*?In Bearbeitung`).MatchString(b) {
		t.Error("queue row lacks assignee and state")
	}

	filters := []struct {
		query string
		want  []string
		not   []string
	}{
		{"ueberfaellig=1", []string{"Längst fällige Frage", "Umweltfrage überfällig", "2 Fragen"}, []string{"Frage mit Zeit"}},
		{"status=neu", []string{"Frage mit Zeit", "Umweltfrage überfällig"}, []string{"Längst fällige Frage"}},
		{"status=in_bearbeitung&themenfeld=familie-kind", []string{"Längst fällige Frage", "1 Frage"}, []string{"Frage mit Zeit"}},
		{"themenfeld=umwelt&ueberfaellig=1", []string{"Umweltfrage überfällig", `<option value="umwelt" selected>`}, []string{"Längst fällige Frage"}},
		{"status=beantwortet", []string{"Keine Fragen für diese Auswahl."}, []string{"Frage mit Zeit"}},
		// Unknown values are ignored rather than passed on.
		{"status=%27%20OR%201%3D1&themenfeld=gibt-es-nicht", []string{"3 Fragen"}, nil},
	}
	for _, f := range filters {
		w := e.get("/pm/queue?"+f.query, cp)
		wantStatus(t, w, http.StatusOK, "queue?"+f.query)
		wantBody(t, w, "queue?"+f.query, f.want...)
		for _, s := range f.not {
			if strings.Contains(w.Body.String(), s) {
				t.Errorf("queue?%s shows %q", f.query, s)
			}
		}
	}
	wantStatus(t, e.get("/pm/queue?seite=2", cp), http.StatusNotFound, "queue page 2")

	// The question page flags the missed deadline too, in words. The
	// deadline is the midnight ending the due day, which is the date shown.
	th, _ := e.db.ThreadByID(ctx, late)
	w = e.get(th.URL(), nil)
	wantBody(t, w, "overdue question", ">Überfällig</span>", "In Bearbeitung bei paula", th.PMDueAt.Add(-time.Millisecond).In(berlin).Format("02.01.2006"))
	th.PMDueAt = time.Date(2026, 12, 8, 0, 0, 0, 0, berlin)
	if got := th.PMDueDay().In(berlin).Format("02.01.2006"); got != "07.12.2026" {
		t.Errorf("PMDueDay of a deadline at midnight 08.12. = %s, want 07.12.2026", got)
	}
	wantBody(t, e.get("/pm", cp), "PM area for pm", `href="/pm/queue"`)
}

func TestPMStatsPage(t *testing.T) {
	e := newTestEnv(t)
	ctx := t.Context()
	asker := e.user("heimlich@kreis-musterland.de", "member")
	pm := e.user("paula@bund.example.de", "pm")
	familie, _ := e.db.TopicFieldBySlug(ctx, "familie-kind")
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	// ask asks in the field at start; after > 0 marks an answer official that much later.
	ask := func(after time.Duration) {
		e.db.SetClock(func() time.Time { return start })
		id, _, err := e.db.CreateThread(ctx, store.NewThread{TopicFieldID: familie.ID, AuthorID: asker.ID, Kind: store.KindPM,
			Title: "Frage", Slug: "frage", Body: "Frage", BodyHTML: "<p>Frage</p>"})
		if err != nil {
			t.Fatal(err)
		}
		if after == 0 {
			return
		}
		a, err := e.db.CreatePost(ctx, id, pm.ID, "Antwort", "<p>Antwort</p>")
		if err != nil {
			t.Fatal(err)
		}
		e.db.SetClock(func() time.Time { return start.Add(after) })
		if err := e.db.MarkOfficial(ctx, pm.ID, a, "PM"); err != nil {
			t.Fatal(err)
		}
	}
	ask(2 * 24 * time.Hour)
	ask(3*24*time.Hour + 2*time.Hour) // median of the two: 2 days, 13 hours
	ask(0)
	e.db.SetClock(time.Now)

	w := e.get("/pm/statistik", nil)
	wantStatus(t, w, http.StatusOK, "statistics")
	wantBody(t, w, "statistics", "<caption", "Fragen nach Bearbeitungsstand und mittlere Antwortzeit", "Familie &amp; Kind",
		"Alle Themenfelder", "2 Tage, 13 Stunden", "bei 2 beantworteten Fragen", "noch keine Antwort", "Median")
	row := regexp.MustCompile(`(?s)Familie &amp; Kind</a></th>\s*<td class="num">(\d+)</td>\s*<td class="num">(\d+)</td>\s*<td class="num">(\d+)</td>\s*<td class="num">(\d+)</td>`)
	if m := row.FindStringSubmatch(w.Body.String()); m == nil || strings.Join(m[1:], " ") != "3 1 0 2" {
		t.Errorf("Familie row = %v, want total 3, neu 1, in Bearbeitung 0, beantwortet 2", m)
	}
	for _, personal := range []string{"heimlich", "paula"} {
		if strings.Contains(w.Body.String(), personal) {
			t.Errorf("statistics page names %q", personal)
		}
	}
	w = e.do(req{method: http.MethodGet, path: "/pm/statistik", header: map[string]string{"Accept-Language": "en"}})
	wantBody(t, w, "statistics in English", "2 days, 13 hours", "All topic fields")
}
