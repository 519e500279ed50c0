package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"kommunalforum/internal/store"
)

// faqEnv is the test server with a member question in familie-kind whose
// first answer is accepted, one user per role, and a PM question with an
// official answer.
type faqEnv struct {
	*testEnv
	member, modHere, modThere, pm, admin *store.User
	q                                    store.Thread // the member question
	accepted, plain                      int64        // its answers
	pmq                                  store.Thread
	official                             int64
}

func newFAQEnv(t *testing.T) *faqEnv {
	t.Helper()
	e := &faqEnv{testEnv: newTestEnv(t)}
	ctx := context.Background()
	e.member = e.user("fragt@kreis-musterland.de", "member")
	e.modHere = e.user("mod-familie@kreis-musterland.de", "moderator")
	e.modThere = e.user("mod-umwelt@kreis-musterland.de", "moderator")
	e.pm = e.user("pm@bund.example.de", "pm")
	e.admin = e.user("admin@kreis-musterland.de", "admin")
	familie, _ := e.db.TopicFieldBySlug(ctx, "familie-kind")
	umwelt, _ := e.db.TopicFieldBySlug(ctx, "umwelt")
	for u, f := range map[*store.User]int64{e.modHere: familie.ID, e.modThere: umwelt.ID} {
		if err := e.db.SetModeratorFields(ctx, u.ID, []int64{f}); err != nil {
			t.Fatal(err)
		}
		u.ModFields = []int64{f}
	}
	var err error
	e.q, _, err = e.srv.forum.CreateThread(ctx, e.member, "familie-kind", store.KindQuestion, "Welche Software für die Kita-Platzvergabe?", "Wie machen Sie das?")
	if err != nil {
		t.Fatal(err)
	}
	e.accepted = e.reply(e.pm, e.q.ID, "Wir nutzen das **Kita-Portal** des Landes.")
	e.plain = e.reply(e.modThere, e.q.ID, "Bei uns eine Liste.")
	if e.q, err = e.srv.qa.Accept(ctx, e.member, e.q.ID, e.accepted); err != nil {
		t.Fatal(err)
	}
	e.pmq, _, err = e.srv.forum.CreateThread(ctx, e.member, "familie-kind", store.KindPM, "Wer trägt die Betriebskosten?", "Bitte um Auskunft.")
	if err != nil {
		t.Fatal(err)
	}
	e.official = e.reply(e.pm, e.pmq.ID, "Das Land trägt die Kosten.")
	if _, err := e.srv.pm.MarkOfficial(ctx, e.pm, e.official, ""); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *faqEnv) reply(u *store.User, threadID int64, body string) int64 {
	e.t.Helper()
	id, err := e.srv.forum.Reply(context.Background(), u, threadID, body)
	if err != nil {
		e.t.Fatalf("Reply: %v", err)
	}
	return id
}

// entry creates an entry in familie-kind as the field's moderator.
func (e *faqEnv) entry(question string, publish bool) store.FAQEntry {
	e.t.Helper()
	form := url.Values{"topic_field": {"familie-kind"}, "question": {question}, "answer": {"Die Antwort auf " + question}}
	if publish {
		form.Set("publish", "1")
	}
	w := e.post("/faq/neu", form, e.session(e.modHere))
	wantStatus(e.t, w, http.StatusSeeOther, "create "+question)
	en, err := e.db.FAQEntryByID(context.Background(), store.Viewer{AllFields: true}, paramIDFrom(w.Header().Get("Location")))
	if err != nil {
		e.t.Fatal(err)
	}
	return en
}

// paramIDFrom reads the ID from a location such as /faq/12 or /faq/12/bearbeiten.
func paramIDFrom(loc string) int64 {
	rest, _ := strings.CutPrefix(loc, "/faq/")
	rest, _, _ = strings.Cut(rest, "/")
	id, _ := strconv.ParseInt(rest, 10, 64)
	return id
}

// TestFAQPromoteAndPublish walks the moderator's path: the button under the
// accepted answer, the draft's form, publishing, and the entry showing on
// the thread, the field's FAQ and the overview.
func TestFAQPromoteAndPublish(t *testing.T) {
	e := newFAQEnv(t)
	mod := e.session(e.modHere)
	promote := `action="/beitrag/` + itoa(e.accepted) + `/in-faq"`

	w := e.get(e.q.URL(), mod)
	wantStatus(t, w, http.StatusOK, "thread as moderator")
	wantBody(t, w, "thread as moderator", promote, "In die FAQ übernehmen")
	if strings.Contains(w.Body.String(), `action="/beitrag/`+itoa(e.plain)+`/in-faq"`) {
		t.Error("a plain answer offers promotion")
	}
	for name, c := range map[string]*http.Cookie{"anonymous": nil, "member": e.session(e.member), "mod-there": e.session(e.modThere)} {
		if w := e.get(e.q.URL(), c); strings.Contains(w.Body.String(), "/in-faq") {
			t.Errorf("thread as %s offers promotion", name)
		}
	}

	w = e.post("/beitrag/"+itoa(e.accepted)+"/in-faq", nil, mod)
	wantStatus(t, w, http.StatusSeeOther, "promote")
	loc := w.Header().Get("Location")
	if !strings.HasSuffix(loc, "/bearbeiten") {
		t.Fatalf("promote redirects to %q, want the edit form", loc)
	}
	id := paramIDFrom(loc)
	entry := "/faq/" + itoa(id)
	w = e.get(loc, mod)
	wantStatus(t, w, http.StatusOK, "edit form")
	wantBody(t, w, "edit form", `value="Welche Software für die Kita-Platzvergabe?"`,
		"Wir nutzen das **Kita-Portal** des Landes.", "Übernommen aus einer Antwort", "Nach dem Speichern veröffentlichen")

	// A draft: readers see nothing of it, the moderator sees it marked.
	if w := e.get(entry, nil); w.Code != http.StatusNotFound {
		t.Errorf("draft as anonymous = %d, want 404", w.Code)
	}
	if w := e.get(e.q.URL(), nil); strings.Contains(w.Body.String(), "In die FAQ übernommen") {
		t.Error("thread shows the notice for a draft to anonymous")
	}
	w = e.get(e.q.URL(), mod)
	wantBody(t, w, "thread as moderator after promoting", "In die FAQ übernommen", "Entwurf", `href="`+entry+`"`)
	if strings.Contains(w.Body.String(), promote) {
		t.Error("the promoted answer still offers promotion")
	}

	// Promoting again leads to the entry.
	w = e.post("/beitrag/"+itoa(e.accepted)+"/in-faq", nil, mod)
	wantStatus(t, w, http.StatusSeeOther, "promote again")
	if got := w.Header().Get("Location"); got != entry {
		t.Errorf("promoting again redirects to %q, want %q", got, entry)
	}
	w = e.post("/beitrag/"+itoa(e.plain)+"/in-faq", nil, mod)
	wantStatus(t, w, http.StatusUnprocessableEntity, "promote a plain answer")
	wantBody(t, w, "promote a plain answer", "Nur eine akzeptierte Antwort oder eine amtliche Antwort")

	// Save with "publish": a new version, published.
	w = e.post(loc, url.Values{"question": {"Welche Software nutzen Kommunen für die Kita-Platzvergabe?"},
		"answer": {"Viele nutzen das **Kita-Portal** des Landes."}, "review_by": {"31.12.2099"}, "publish": {"1"}}, mod)
	wantStatus(t, w, http.StatusSeeOther, "save and publish")
	if got := w.Header().Get("Location"); got != entry {
		t.Errorf("save redirects to %q, want %q", got, entry)
	}
	w = e.get(entry, nil)
	wantStatus(t, w, http.StatusOK, "published entry as anonymous")
	wantBody(t, w, "published entry", "Welche Software nutzen Kommunen", "<strong>Kita-Portal</strong>", "Ursprüngliche Antwort",
		`href="/beitrag/`+itoa(e.accepted)+`"`, `href="`+e.q.URL()+`"`, "31.12.2099", "Stand:")
	if strings.Contains(w.Body.String(), "/versionen") || strings.Contains(w.Body.String(), "/bearbeiten") {
		t.Error("the entry shows moderator links to anonymous")
	}
	w = e.get(e.q.URL(), nil)
	wantBody(t, w, "thread after publishing", "In die FAQ übernommen", `href="`+entry+`"`, "Zum FAQ-Eintrag")
	w = e.get("/themenfeld/familie-kind/faq", nil)
	wantStatus(t, w, http.StatusOK, "field FAQ")
	wantBody(t, w, "field FAQ", "FAQ: Familie", "Welche Software nutzen Kommunen", "<strong>Kita-Portal</strong>")
	w = e.get("/faq", nil)
	wantStatus(t, w, http.StatusOK, "overview")
	wantBody(t, w, "overview", "Häufige Fragen (FAQ)", `href="/themenfeld/familie-kind/faq"`, `href="`+entry+`"`, "Stand:")
	wantBody(t, e.get("/themenfeld/familie-kind", nil), "field page", `href="/themenfeld/familie-kind/faq"`, "FAQ dieses Themenfelds")
	wantBody(t, e.get("/", nil), "navigation", `<a href="/faq">FAQ</a>`)

	// The official answer of the PM question is marked as such.
	w = e.post("/beitrag/"+itoa(e.official)+"/in-faq", nil, e.session(e.admin))
	wantStatus(t, w, http.StatusSeeOther, "promote official answer")
	oid := paramIDFrom(w.Header().Get("Location"))
	wantStatus(t, e.post("/faq/"+itoa(oid)+"/veroeffentlichen", nil, e.session(e.admin)), http.StatusSeeOther, "publish official")
	wantBody(t, e.get("/faq/"+itoa(oid), nil), "entry from an official answer", "Amtliche Antwort", "Landkreis Musterland", "Version 1")

	// Withdrawing and archiving hide it again.
	wantStatus(t, e.post(entry+"/zurueckziehen", nil, mod), http.StatusSeeOther, "withdraw")
	if w := e.get(entry, nil); w.Code != http.StatusNotFound {
		t.Errorf("withdrawn entry as anonymous = %d, want 404", w.Code)
	}
	wantStatus(t, e.post(entry+"/archivieren", url.Values{"weiter": {"/themenfeld/familie-kind/faq"}}, mod), http.StatusSeeOther, "archive")
	w = e.get("/themenfeld/familie-kind/faq", mod)
	wantBody(t, w, "field FAQ as moderator", "Archivierte Einträge", "Archiviert")
}

// TestFAQFieldPageOrderAndButtons: the moderators' buttons, the order and
// the moves.
func TestFAQFieldPageOrderAndButtons(t *testing.T) {
	e := newFAQEnv(t)
	mod := e.session(e.modHere)
	a := e.entry("Erste Frage zum Thema?", true)
	b := e.entry("Zweite Frage zum Thema?", false)
	w := e.get("/themenfeld/familie-kind/faq", mod)
	wantBody(t, w, "field FAQ as moderator", "Neuer FAQ-Eintrag", "Entwurf", a.URL()+"/runter", b.URL()+"/hoch", b.URL()+"/veroeffentlichen",
		a.URL()+"/zurueckziehen", a.URL()+"/archivieren", "Zweite Frage zum Thema?")
	body := w.Body.String()
	if strings.Contains(body, a.URL()+"/hoch") || strings.Contains(body, b.URL()+"/runter") {
		t.Error("the first entry can move up or the last down")
	}
	w = e.get("/themenfeld/familie-kind/faq", nil)
	if strings.Contains(w.Body.String(), "Zweite Frage") || strings.Contains(w.Body.String(), "/hoch") {
		t.Error("anonymous sees a draft or the buttons")
	}
	w = e.post(b.URL()+"/hoch", url.Values{"weiter": {"/themenfeld/familie-kind/faq#faq-" + itoa(b.ID)}}, mod)
	wantStatus(t, w, http.StatusSeeOther, "move up")
	if got := w.Header().Get("Location"); got != "/themenfeld/familie-kind/faq#faq-"+itoa(b.ID) {
		t.Errorf("move redirects to %q", got)
	}
	body = e.get("/themenfeld/familie-kind/faq", mod).Body.String()
	if i, j := strings.Index(body, `id="faq-`+itoa(b.ID)+`"`), strings.Index(body, `id="faq-`+itoa(a.ID)+`"`); i < 0 || j < 0 || i > j {
		t.Errorf("after moving up, the second entry is not first (%d, %d)", i, j)
	}
}

// TestFAQVersionsShowDiff: each save is a version; the history shows what
// changed with <ins>/<del> and words.
func TestFAQVersionsShowDiff(t *testing.T) {
	e := newFAQEnv(t)
	mod := e.session(e.modHere)
	en := e.entry("Wie melde ich mein Kind an?", true)
	w := e.post(en.URL()+"/bearbeiten", url.Values{"question": {en.Question}, "answer": {"Zeile eins\nZeile zwei geändert"}}, mod)
	wantStatus(t, w, http.StatusSeeOther, "edit")
	w = e.post(en.URL()+"/bearbeiten", url.Values{"question": {en.Question}, "answer": {"x"}, "review_by": {"01.01.2000"}}, mod)
	wantStatus(t, w, http.StatusUnprocessableEntity, "invalid edit")
	wantBody(t, w, "invalid edit", "error-summary", "darf nicht in der Vergangenheit liegen", "mindestens 2 Zeichen")

	w = e.get(en.URL()+"/versionen", mod)
	wantStatus(t, w, http.StatusOK, "versions")
	wantBody(t, w, "versions", "Version 2 (aktuell)", "Version 1", `<div class="diff">`,
		`<del><span class="visually-hidden">Entfernt: </span>− Die Antwort auf Wie melde ich mein Kind an?</del>`,
		`<ins><span class="visually-hidden">Hinzugefügt: </span>+ Zeile zwei geändert</ins>`, "unterstrichen = hinzugefügt")
	if w := e.get(en.URL()+"/versionen", e.session(e.member)); w.Code != http.StatusForbidden {
		t.Errorf("versions as member = %d, want 403", w.Code)
	}
	wantBody(t, e.get(en.URL(), mod), "entry as moderator", "Version 2", en.URL()+"/versionen")

	// The audit log names the actions.
	w = e.get("/admin/protokoll", e.session(e.admin))
	wantBody(t, w, "audit log", "FAQ-Eintrag angelegt", "FAQ-Eintrag bearbeitet", "FAQ-Eintrag "+itoa(en.ID))
}

// TestFAQNewFormFields: the new-entry form offers only the fields the user
// moderates, and shows errors next to them.
func TestFAQNewFormFields(t *testing.T) {
	e := newFAQEnv(t)
	w := e.get("/faq/neu?themenfeld=familie-kind", e.session(e.modHere))
	wantStatus(t, w, http.StatusOK, "new form")
	wantBody(t, w, "new form", `<option value="familie-kind" selected>`, `type="date"`, "Sofort veröffentlichen")
	if strings.Contains(w.Body.String(), `value="umwelt"`) {
		t.Error("new form offers a field the moderator does not moderate")
	}
	w = e.post("/faq/neu", url.Values{"topic_field": {"familie-kind"}, "question": {"Wie"}, "answer": {""}}, e.session(e.modHere))
	wantStatus(t, w, http.StatusUnprocessableEntity, "invalid new entry")
	wantBody(t, w, "invalid new entry", "error-summary", `aria-invalid="true"`, `value="Wie"`)
	w = e.post("/faq/neu", url.Values{"topic_field": {"umwelt"}, "question": {"Eine Frage zur Umwelt?"}, "answer": {"Ja"}}, e.session(e.modHere))
	wantStatus(t, w, http.StatusForbidden, "new entry in another field")
}

// TestFAQPermissionsWeb is the permission table of the FAQ pages.
func TestFAQPermissionsWeb(t *testing.T) {
	e := newFAQEnv(t)
	pub := e.entry("Eine veröffentlichte Frage?", true)
	draft := e.entry("Eine Frage im Entwurf?", false)
	p, d := pub.URL(), draft.URL()
	edit := url.Values{"question": {"Eine geänderte Frage?"}, "answer": {"Geändert"}}
	create := url.Values{"topic_field": {"familie-kind"}, "question": {"Eine neue Frage?"}, "answer": {"Neu"}}
	promote := "/beitrag/" + itoa(e.accepted) + "/in-faq"
	type row struct {
		method, path string
		form         url.Values
		want         map[string]int // by role; missing roles are wantDefault
	}
	roles := map[string]*store.User{"anonymous": nil, "member": e.member, "mod-here": e.modHere, "mod-there": e.modThere, "pm": e.pm, "admin": e.admin}
	rows := []row{
		{"GET", "/faq", nil, map[string]int{"*": 200}},
		{"GET", "/themenfeld/familie-kind/faq", nil, map[string]int{"*": 200}},
		{"GET", "/themenfeld/gibt-es-nicht/faq", nil, map[string]int{"*": 404}},
		{"GET", p, nil, map[string]int{"*": 200}},
		{"GET", d, nil, map[string]int{"*": 404, "mod-here": 200, "admin": 200}},
		{"GET", "/faq/999999", nil, map[string]int{"*": 404}},
		{"GET", "/faq/neu", nil, map[string]int{"anonymous": 303, "*": 403, "mod-here": 200, "mod-there": 200, "admin": 200}},
		{"POST", "/faq/neu", create, map[string]int{"anonymous": 303, "*": 403, "mod-here": 303, "admin": 303}},
		{"GET", p + "/bearbeiten", nil, map[string]int{"anonymous": 303, "*": 403, "mod-here": 200, "admin": 200}},
		{"GET", d + "/bearbeiten", nil, map[string]int{"anonymous": 303, "*": 404, "mod-here": 200, "admin": 200}},
		{"POST", p + "/bearbeiten", edit, map[string]int{"anonymous": 303, "*": 403, "mod-here": 303, "admin": 303}},
		{"POST", d + "/bearbeiten", edit, map[string]int{"anonymous": 303, "*": 404, "mod-here": 303, "admin": 303}},
		{"GET", p + "/versionen", nil, map[string]int{"anonymous": 303, "*": 403, "mod-here": 200, "admin": 200}},
		{"GET", d + "/versionen", nil, map[string]int{"anonymous": 303, "*": 404, "mod-here": 200, "admin": 200}},
		{"POST", d + "/veroeffentlichen", nil, map[string]int{"anonymous": 303, "*": 404, "mod-here": 303, "admin": 303}},
		{"POST", p + "/zurueckziehen", nil, map[string]int{"anonymous": 303, "*": 403, "mod-here": 303, "admin": 303}},
		{"POST", p + "/hoch", nil, map[string]int{"anonymous": 303, "*": 403, "mod-here": 303, "admin": 303}},
		{"POST", p + "/runter", nil, map[string]int{"anonymous": 303, "*": 403, "mod-here": 303, "admin": 303}},
		{"POST", p + "/archivieren", nil, map[string]int{"anonymous": 303, "*": 403, "mod-here": 303, "admin": 303}},
		{"POST", promote, nil, map[string]int{"anonymous": 303, "*": 403, "mod-here": 303, "admin": 303}},
	}
	for _, r := range rows {
		for who, u := range roles {
			want, ok := r.want[who]
			if !ok {
				want = r.want["*"]
			}
			// Each successful change is undone so the next role meets the same state.
			if _, err := e.srv.faq.SetState(context.Background(), e.admin, pub.ID, store.FAQPublished); err != nil {
				t.Fatal(err)
			}
			if _, err := e.srv.faq.SetState(context.Background(), e.admin, draft.ID, store.FAQDraft); err != nil {
				t.Fatal(err)
			}
			if old, err := e.db.FAQEntryBySourcePost(context.Background(), e.accepted); err == nil {
				if _, err := e.srv.faq.SetState(context.Background(), e.admin, old.ID, store.FAQArchived); err != nil {
					t.Fatal(err)
				}
			}
			var cookie *http.Cookie
			if u != nil {
				cookie = e.session(u)
			}
			w := e.do(req{method: r.method, path: r.path, form: r.form, cookie: cookie})
			if w.Code != want {
				t.Errorf("%s %s as %s = %d, want %d", r.method, r.path, who, w.Code, want)
			}
		}
	}
}
