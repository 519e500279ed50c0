package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"kommunalforum/internal/store"
)

// modEnv is the harness with the roles of the moderation permission table:
// a moderator of familie-kind (and bildung, the move target), one of
// umwelt, a member, a pm user, an admin and a suspended member, plus an
// author and a reporter whose content the table acts on.
type modEnv struct {
	*testEnv
	author, reporter, newbie                        *store.User
	member, modHere, modThere, pm, admin, suspended *store.User
	familie, bildung                                store.TopicField
	n                                               int // numbers fresh objects
}

func newModEnv(t *testing.T, mutate ...func(*Options, *authPolicy)) *modEnv {
	t.Helper()
	e := &modEnv{testEnv: newTestEnv(t, mutate...)}
	ctx := t.Context()
	e.familie, _ = e.db.TopicFieldBySlug(ctx, "familie-kind")
	e.bildung, _ = e.db.TopicFieldBySlug(ctx, "bildung")
	umwelt, _ := e.db.TopicFieldBySlug(ctx, "umwelt")
	e.author = e.user("autorin@kreis-musterland.de", "member")
	e.reporter = e.user("melder@stadt-beispiel.de", "member")
	e.newbie = e.user("neu@gemeinde-beispiel.de", "member")
	e.member = e.user("mitglied@stadt-beispiel.de", "member")
	e.pm = e.user("pm@bund.example.de", "pm")
	e.admin = e.user("admin@kreis-musterland.de", "admin")
	e.modHere = e.moderator("mod-familie@kreis-musterland.de", e.familie.ID, e.bildung.ID)
	e.modThere = e.moderator("mod-umwelt@kreis-musterland.de", umwelt.ID)
	e.suspended = e.user("gesperrt@stadt-beispiel.de", "member")
	if err := e.db.SuspendUser(ctx, e.admin.ID, e.suspended.ID, store.Indefinitely, "Wiederholte Beleidigungen"); err != nil {
		t.Fatal(err)
	}
	return e
}

// moderator creates a moderator of the given fields.
func (e *modEnv) moderator(email string, fields ...int64) *store.User {
	e.t.Helper()
	u := e.user(email, "moderator")
	if err := e.db.SetModeratorFields(e.t.Context(), u.ID, fields); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// newThread opens a thread by the author in familie-kind straight in the
// store and returns it with its opening post.
func (e *modEnv) newThread(body string) (int64, int64) {
	e.t.Helper()
	e.n++
	tid, pid, err := e.db.CreateThread(e.t.Context(), store.NewThread{TopicFieldID: e.familie.ID, AuthorID: e.author.ID,
		Title: fmt.Sprintf("Kita-Anmeldung digital %d", e.n), Slug: "kita-anmeldung-digital", Body: body, BodyHTML: "<p>" + body + "</p>"})
	if err != nil {
		e.t.Fatal(err)
	}
	return tid, pid
}

// Fresh objects for the permission table, one per request.

func (e *modEnv) freshPost() int64 { _, p := e.newThread("Wie melden Eltern ihr Kind an?"); return p }

func (e *modEnv) freshThread() int64 { t, _ := e.newThread("Wie melden Eltern ihr Kind an?"); return t }

func (e *modEnv) hiddenPost() int64 {
	p := e.freshPost()
	if err := e.db.HidePost(e.t.Context(), e.admin.ID, p, "Werbung"); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *modEnv) flaggedPost() int64 {
	p := e.freshPost()
	if _, err := e.db.CreateFlag(e.t.Context(), p, e.reporter.ID, store.FlagSpam, ""); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *modEnv) pendingPost() int64 {
	tid := e.freshThread()
	p, err := e.db.AddPost(e.t.Context(), store.NewPost{ThreadID: tid, AuthorID: e.newbie.ID, Body: "Erster Beitrag", BodyHTML: "<p>Erster Beitrag</p>", Pending: true})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *modEnv) hiddenThread() int64 {
	t := e.freshThread()
	if err := e.db.ModerateThread(e.t.Context(), e.admin.ID, t, store.ThreadHide, "Doppelt"); err != nil {
		e.t.Fatal(err)
	}
	return t
}

func (e *modEnv) freshMember() store.User {
	e.t.Helper()
	e.n++
	u, err := e.db.CreateUser(e.t.Context(), store.NewUser{Email: fmt.Sprintf("person%d@gemeinde-beispiel.de", e.n), DisplayName: fmt.Sprintf("Person %d", e.n),
		Role: store.RoleMember, OrgType: "gemeinde", Status: store.StatusActive}, nil, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *modEnv) suspendedMember() int64 {
	u := e.freshMember()
	if err := e.db.SuspendUser(e.t.Context(), e.admin.ID, u.ID, store.Indefinitely, "Spam"); err != nil {
		e.t.Fatal(err)
	}
	return u.ID
}

// TestModerationPermissions is the permission table of every moderation
// route, pages and API: who may, and what everyone else gets. Each request
// acts on fresh content, so the rows do not depend on each other.
func TestModerationPermissions(t *testing.T) {
	e := newModEnv(t)
	roles := []struct {
		name string
		u    *store.User
	}{{"anonymous", nil}, {"member", e.member}, {"mod-here", e.modHere}, {"mod-there", e.modThere},
		{"pm", e.pm}, {"admin", e.admin}, {"suspended", e.suspended}}
	cookies := map[string]*http.Cookie{}
	for _, r := range roles {
		if r.u != nil {
			cookies[r.name] = e.session(r.u)
		}
	}
	post := func(f func() int64, suffix string) func() string {
		return func() string { return fmt.Sprintf("/beitrag/%d%s", f(), suffix) }
	}
	thread := func(f func() int64, suffix string) func() string {
		return func() string { return fmt.Sprintf("/t/%d%s", f(), suffix) }
	}
	apiPost := func(f func() int64, suffix string) func() string {
		return func() string { return fmt.Sprintf("/api/v1/posts/%d%s", f(), suffix) }
	}
	apiThread := func(f func() int64, suffix string) func() string {
		return func() string { return fmt.Sprintf("/api/v1/threads/%d%s", f(), suffix) }
	}
	fixed := func(p string) func() string { return func() string { return p } }
	member := func(suffix string) func() string {
		return func() string { return fmt.Sprintf("/moderation/benutzer/%d%s", e.freshMember().ID, suffix) }
	}
	reason := url.Values{"reason": {"Verstößt gegen die Regeln"}}
	// Statuses in the order of roles: anonymous, member, mod-here,
	// mod-there, pm, admin, suspended.
	type want [7]int
	rows := []struct {
		method string
		path   func() string
		form   url.Values
		json   string
		want   want
	}{
		// Pages of the moderators.
		{"GET", fixed("/moderation"), nil, "", want{303, 404, 200, 200, 404, 200, 404}},
		{"GET", fixed("/moderation/protokoll"), nil, "", want{303, 404, 200, 200, 404, 200, 404}},
		// Flagging: every member who may write, on others' posts.
		{"GET", post(e.freshPost, "/melden"), nil, "", want{303, 200, 200, 200, 200, 200, 403}},
		{"POST", post(e.freshPost, "/melden"), url.Values{"reason": {"spam"}}, "", want{303, 303, 303, 303, 303, 303, 403}},
		// Posts: the field's moderators and admins only; pending posts do not exist for others.
		{"GET", post(e.freshPost, "/ausblenden"), nil, "", want{303, 403, 200, 403, 403, 200, 403}},
		{"POST", post(e.freshPost, "/ausblenden"), reason, "", want{303, 403, 303, 403, 403, 303, 403}},
		{"POST", post(e.hiddenPost, "/einblenden"), nil, "", want{303, 403, 303, 403, 403, 303, 403}},
		{"POST", post(e.flaggedPost, "/meldungen-verwerfen"), nil, "", want{303, 403, 303, 403, 403, 303, 403}},
		{"GET", post(e.freshPost, "/moderieren"), nil, "", want{303, 403, 200, 403, 403, 200, 403}},
		{"POST", post(e.freshPost, "/moderieren"), url.Values{"body": {"Geändert"}, "reason": {"Telefonnummer entfernt"}}, "", want{303, 403, 303, 403, 403, 303, 403}},
		{"POST", post(e.pendingPost, "/freigeben"), nil, "", want{303, 404, 303, 404, 404, 303, 404}},
		{"GET", post(e.pendingPost, "/ablehnen"), nil, "", want{303, 404, 200, 404, 404, 200, 404}},
		{"POST", post(e.pendingPost, "/ablehnen"), reason, "", want{303, 404, 303, 404, 404, 303, 404}},
		// Threads; a hidden thread does not exist for those who do not moderate it.
		{"POST", thread(e.freshThread, "/anheften"), nil, "", want{303, 403, 303, 403, 403, 303, 403}},
		{"POST", thread(e.freshThread, "/loesen"), nil, "", want{303, 403, 303, 403, 403, 303, 403}},
		{"GET", thread(e.freshThread, "/ausblenden"), nil, "", want{303, 403, 200, 403, 403, 200, 403}},
		{"POST", thread(e.freshThread, "/ausblenden"), reason, "", want{303, 403, 303, 403, 403, 303, 403}},
		{"POST", thread(e.hiddenThread, "/einblenden"), nil, "", want{303, 404, 303, 404, 404, 303, 404}},
		{"POST", thread(e.freshThread, "/verschieben"), url.Values{"topic_field": {"bildung"}}, "", want{303, 403, 303, 403, 403, 303, 403}},
		// Suspensions: moderators of any field and admins.
		{"GET", member(""), nil, "", want{303, 404, 200, 200, 404, 200, 404}},
		{"POST", member("/schreibsperre"), url.Values{"duration": {"indefinite"}, "reason": {"Spam"}}, "", want{303, 404, 303, 303, 404, 303, 404}},
		{"POST", func() string {
			return fmt.Sprintf("/moderation/benutzer/%d/schreibsperre-aufheben", e.suspendedMember())
		}, nil, "", want{303, 404, 303, 303, 404, 303, 404}},
		// Moderator assignment: admins.
		{"GET", fixed("/admin/moderation"), nil, "", want{303, 404, 404, 404, 404, 200, 404}},
		{"POST", func() string { return fmt.Sprintf("/admin/themenfelder/%d/moderatoren", e.familie.ID) }, nil, "", want{303, 404, 404, 404, 404, 303, 404}},
		{"POST", func() string {
			u := e.freshMember()
			e.db.AddModerator(e.t.Context(), 0, e.familie.ID, u.ID)
			return fmt.Sprintf("/admin/themenfelder/%d/moderatoren/%d/entfernen", e.familie.ID, u.ID)
		}, nil, "", want{303, 404, 404, 404, 404, 303, 404}},
		// The API.
		{"POST", apiPost(e.freshPost, "/flags"), nil, `{"reason": "spam"}`, want{401, 201, 201, 201, 201, 201, 403}},
		{"GET", fixed("/api/v1/review"), nil, "", want{401, 404, 200, 200, 404, 200, 404}},
		{"POST", apiThread(e.freshThread, "/lock"), nil, "", want{401, 403, 200, 403, 403, 200, 403}},
		{"POST", apiThread(e.freshThread, "/unlock"), nil, `{"reason": "Wieder offen"}`, want{401, 403, 200, 403, 403, 200, 403}},
		{"POST", apiThread(e.freshThread, "/pin"), nil, "", want{401, 403, 200, 403, 403, 200, 403}},
		{"POST", apiThread(e.freshThread, "/unpin"), nil, "", want{401, 403, 200, 403, 403, 200, 403}},
		{"POST", apiThread(e.freshThread, "/hide"), nil, `{"reason": "Doppelt"}`, want{401, 403, 200, 403, 403, 200, 403}},
		{"POST", apiThread(e.hiddenThread, "/unhide"), nil, "", want{401, 404, 200, 404, 404, 200, 404}},
		{"POST", apiThread(e.freshThread, "/move"), nil, `{"topic_field": "bildung"}`, want{401, 403, 200, 403, 403, 200, 403}},
		{"POST", apiPost(e.freshPost, "/hide"), nil, `{"reason": "Werbung"}`, want{401, 403, 200, 403, 403, 200, 403}},
		{"POST", apiPost(e.hiddenPost, "/unhide"), nil, "", want{401, 403, 200, 403, 403, 200, 403}},
		{"POST", func() string { return fmt.Sprintf("/api/v1/users/%d/suspend", e.freshMember().ID) }, nil, `{"until": null, "reason": "Spam"}`, want{401, 404, 200, 200, 404, 200, 404}},
		{"POST", func() string { return fmt.Sprintf("/api/v1/users/%d/unsuspend", e.suspendedMember()) }, nil, "", want{401, 404, 200, 200, 404, 200, 404}},
		{"POST", fixed("/api/v1/topic-fields/familie-kind/moderators"), nil, "", want{401, 403, 403, 403, 403, 201, 403}},
		{"GET", fixed("/api/v1/audit"), nil, "", want{401, 404, 200, 200, 404, 200, 404}},
	}
	for _, row := range rows {
		for i, r := range roles {
			path, form, body := row.path(), row.form, row.json
			// Assignments need an account that is not a moderator yet.
			if strings.HasSuffix(path, "/moderatoren") {
				form = url.Values{"email": {e.freshMember().Email}}
			}
			if strings.HasSuffix(path, "/moderators") {
				body = fmt.Sprintf(`{"email": %q}`, e.freshMember().Email)
			}
			if row.method == "POST" && form == nil && body == "" && !strings.HasPrefix(path, "/api/") {
				form = url.Values{}
			}
			w := e.do(req{method: row.method, path: path, form: form, json: body, cookie: cookies[r.name]})
			if w.Code != row.want[i] {
				msg := w.Body.String()
				if len(msg) > 300 {
					msg = msg[:300]
				}
				t.Errorf("%s %s as %s = %d, want %d (%s)", row.method, path, r.name, w.Code, row.want[i], msg)
			}
		}
	}
}

// TestHiddenPostNeverLeaks checks every page and API response a member or
// a visitor can get about a hidden post, a post awaiting approval and a
// hidden thread: their text never appears.
func TestHiddenPostNeverLeaks(t *testing.T) {
	e := newModEnv(t)
	ctx := t.Context()
	const secret, pendingSecret, threadSecret = "GEHEIM-4711", "WARTET-0815", "VERSTECKT-1234"
	tid, opening := e.newThread("Die Frage ist öffentlich.")
	hidden, err := e.db.CreatePost(ctx, tid, e.reporter.ID, "Meine Nummer: "+secret, "<p>Meine Nummer: "+secret+"</p>")
	if err != nil {
		t.Fatal(err)
	}
	// An earlier version with the secret too, so the revision history holds it.
	if err := e.db.EditPost(ctx, hidden, e.reporter.ID, "Nummer: "+secret+" (korrigiert)", "<p>Nummer: "+secret+" (korrigiert)</p>"); err != nil {
		t.Fatal(err)
	}
	if err := e.db.HidePost(ctx, e.modHere.ID, hidden, "Telefonnummer "+secret); err != nil {
		t.Fatal(err)
	}
	pending, _ := e.db.AddPost(ctx, store.NewPost{ThreadID: tid, AuthorID: e.newbie.ID, Body: pendingSecret, BodyHTML: "<p>" + pendingSecret + "</p>", Pending: true})
	hiddenThread, _ := e.newThread(threadSecret)
	e.db.UpdateThreadTitle(ctx, hiddenThread, "Thema "+threadSecret, "thema")
	if err := e.db.ModerateThread(ctx, e.modHere.ID, hiddenThread, store.ThreadHide, ""); err != nil {
		t.Fatal(err)
	}
	th, _ := e.db.ThreadByID(ctx, tid)
	paths := []string{
		th.URL(), th.URL() + "?zitat=" + itoa(hidden), th.URL() + "?zitat=" + itoa(pending),
		"/beitrag/" + itoa(hidden), "/beitrag/" + itoa(hidden) + "/versionen", "/beitrag/" + itoa(hidden) + "/melden",
		"/beitrag/" + itoa(hidden) + "/bearbeiten", "/beitrag/" + itoa(hidden) + "/loeschen", "/beitrag/" + itoa(hidden) + "/moderieren",
		"/beitrag/" + itoa(pending), "/beitrag/" + itoa(pending) + "/versionen", "/beitrag/" + itoa(pending) + "/ablehnen",
		"/t/" + itoa(hiddenThread), "/beitrag/" + itoa(opening),
		"/", "/themenfeld/familie-kind", "/fragen?filter=all", "/u/" + itoa(e.reporter.ID), "/u/" + itoa(e.author.ID),
		"/moderation", "/moderation/protokoll",
		"/api/v1/threads/" + itoa(tid), "/api/v1/threads/" + itoa(hiddenThread), "/api/v1/topic-fields",
		"/api/v1/review", "/api/v1/audit", "/api/v1/similar?title=Thema+" + threadSecret,
	}
	for _, who := range []*store.User{nil, e.member, e.modThere, e.pm} {
		var cookie *http.Cookie
		name := "anonymous"
		if who != nil {
			cookie, name = e.session(who), who.Email
		}
		for _, p := range paths {
			w := e.get(p, cookie)
			for w.Code == http.StatusSeeOther || w.Code == http.StatusMovedPermanently {
				w = e.get(w.Header().Get("Location"), cookie)
			}
			for _, s := range []string{secret, pendingSecret, threadSecret} {
				if strings.Contains(w.Body.String(), s) {
					t.Errorf("GET %s as %s (%d) shows %q", p, name, w.Code, s)
				}
			}
		}
	}
	// Readers see the placeholder; the author and the moderator the text with a notice.
	wantBody(t, e.get(th.URL(), e.session(e.member)), "member", "Von der Moderation ausgeblendet")
	wantBody(t, e.get(th.URL(), e.session(e.reporter)), "author", secret, "Dieser Beitrag wurde von der Moderation ausgeblendet")
	wantBody(t, e.get(th.URL(), e.session(e.modHere)), "moderator", secret, pendingSecret, "wartet auf Freigabe")
	wantBody(t, e.get(th.URL(), e.session(e.newbie)), "pending author", pendingSecret, "Ihr Beitrag wartet auf Freigabe durch die Moderation")
	api := e.get("/api/v1/threads/"+itoa(tid), e.session(e.member))
	wantBody(t, api, "API for a member", `"hidden":true`)
}

// TestFlagHideFlow walks the review flow through the forms: a member
// flags a post, the field's moderator sees it in the queue and the count in
// the navigation, hides it there, and the moderation log shows it.
func TestFlagHideFlow(t *testing.T) {
	e := newModEnv(t)
	th, pid := e.newThread("Schreibt mir an privat@example.org")
	member, mod := e.session(e.member), e.session(e.modHere)
	wantBody(t, e.get("/beitrag/"+itoa(pid)+"/melden", member), "flag form", "Beitrag melden", "Enthält personenbezogene Daten (DSGVO)")
	w := e.post("/beitrag/"+itoa(pid)+"/melden", url.Values{"reason": {"other"}}, member)
	wantStatus(t, w, http.StatusUnprocessableEntity, "flag other without text")
	wantBody(t, w, "flag other without text", "Bitte füllen Sie dieses Feld aus")
	w = e.post("/beitrag/"+itoa(pid)+"/melden", url.Values{"reason": {"personal_data"}, "text": {"Private Adresse"}}, member)
	wantStatus(t, w, http.StatusSeeOther, "flag")
	w = e.post("/beitrag/"+itoa(pid)+"/melden", url.Values{"reason": {"spam"}}, member)
	wantStatus(t, w, http.StatusSeeOther, "flag again")
	if c := flashOf(w); c != "flash.mod_already_flagged" {
		t.Errorf("second flag: flash %q", c)
	}

	q := e.get("/moderation", mod)
	wantStatus(t, q, http.StatusOK, "queue")
	wantBody(t, q, "queue", "Moderation (1)", "Gemeldete Beiträge (1)", "privat@example.org", "Private Adresse", "mitglied")
	if other := e.get("/moderation", e.session(e.modThere)); strings.Contains(other.Body.String(), "privat@example.org") {
		t.Error("the other field's moderator sees the flag")
	}
	w = e.post("/beitrag/"+itoa(pid)+"/ausblenden", url.Values{"reason": {""}, "weiter": {"/moderation"}}, mod)
	wantStatus(t, w, http.StatusUnprocessableEntity, "hide without reason")
	wantBody(t, w, "hide without reason", `id="hide-reason-`+itoa(pid)+`-error"`)
	w = e.post("/beitrag/"+itoa(pid)+"/ausblenden", url.Values{"reason": {"Private Kontaktdaten"}, "weiter": {"/moderation"}}, mod)
	wantRedirect(t, w, "/moderation", "hide from the queue")
	wantBody(t, e.get("/moderation", mod), "queue after hiding", "Moderation (0)", "Zurzeit gibt es keine offenen Meldungen.")
	log := e.get("/moderation/protokoll", mod)
	wantBody(t, log, "moderation log", "Beitrag ausgeblendet", "Private Kontaktdaten", "Beitrag "+itoa(pid))
	thread, _ := e.db.ThreadByID(t.Context(), th)
	wantBody(t, e.get(thread.URL(), nil), "thread for visitors", "Von der Moderation ausgeblendet")
}

func TestApprovalQueueFlow(t *testing.T) {
	e := newModEnv(t, func(o *Options, _ *authPolicy) { o.Forum = o.Forum.WithApprovalPosts(2) })
	newbie, mod := e.session(e.newbie), e.session(e.modHere)
	w := e.post("/neues-thema", url.Values{"topic_field": {"familie-kind"}, "kind": {"discussion"}, "title": {"Hallo aus Beispielhausen"},
		"body": {"Wir fangen gerade an."}}, newbie)
	wantStatus(t, w, http.StatusSeeOther, "create thread")
	if f := flashOf(w); f != "flash.mod_thread_pending" {
		t.Errorf("flash after creating = %q", f)
	}
	loc := w.Header().Get("Location")
	wantBody(t, e.get(loc, newbie), "author", "Ihr Thema wartet auf Freigabe", "Ihr Beitrag wartet auf Freigabe durch die Moderation")
	wantStatus(t, e.get(loc, nil), http.StatusNotFound, "pending thread for visitors")
	wantStatus(t, e.get(loc, e.session(e.modThere)), http.StatusNotFound, "pending thread for another field's moderator")
	if b := e.get("/themenfeld/familie-kind", nil).Body.String(); strings.Contains(b, "Hallo aus Beispielhausen") {
		t.Error("the field lists the pending thread")
	}
	q := e.get("/moderation", mod)
	wantBody(t, q, "queue", "Warten auf Freigabe (1)", "Neues Thema: Hallo aus Beispielhausen", "Moderation (1)")
	ps, _, _ := e.db.PendingPosts(t.Context(), store.Viewer{ModAll: true}, 10)
	w = e.post("/beitrag/"+itoa(ps[0].Post.ID)+"/freigeben", url.Values{"weiter": {"/moderation"}}, mod)
	wantRedirect(t, w, "/moderation", "approve")
	wantStatus(t, e.get(loc, nil), http.StatusOK, "approved thread for visitors")
	wantBody(t, e.get("/themenfeld/familie-kind", nil), "field list", "Hallo aus Beispielhausen")
}

func TestSuspendedUserSeesWhy(t *testing.T) {
	e := newModEnv(t)
	tid, _ := e.newThread("Offene Frage")
	s := e.session(e.suspended)
	wantBody(t, e.get("/", s), "home", "Schreibsperre", "bis auf Weiteres", "Wiederholte Beleidigungen")
	w := e.post("/t/"+itoa(tid)+"/antworten", url.Values{"body": {"Trotzdem"}}, s)
	wantStatus(t, w, http.StatusForbidden, "reply while suspended")
	wantBody(t, w, "refusal", "Wiederholte Beleidigungen")
	if b := e.get("/t/"+itoa(tid), s); strings.Contains(b.Body.String(), `action="/t/`+itoa(tid)+`/antworten"`) {
		t.Error("the reply form shows to a suspended user")
	}
	// The suspension form sets an end date; the user sees it.
	mod := e.session(e.modHere)
	w = e.post("/moderation/benutzer/"+itoa(e.member.ID)+"/schreibsperre", url.Values{"duration": {"until"}, "until": {""}, "reason": {"Spam"}}, mod)
	wantStatus(t, w, http.StatusUnprocessableEntity, "suspension without a date")
	last := time.Now().AddDate(0, 0, 7).In(berlin).Format("2006-01-02")
	w = e.post("/moderation/benutzer/"+itoa(e.member.ID)+"/schreibsperre", url.Values{"duration": {"until"}, "until": {last}, "reason": {"Spam im Themenfeld"}}, mod)
	wantRedirect(t, w, "/moderation/benutzer/"+itoa(e.member.ID), "suspend until a date")
	want := time.Now().AddDate(0, 0, 8).In(berlin).Format("02.01.2006") + ", 00:00"
	wantBody(t, e.get("/", e.session(e.member)), "member's notice", "Schreibsperre bis "+want, "Spam im Themenfeld")
	wantBody(t, e.get("/moderation/protokoll", mod), "log", "Schreibsperre verhängt")
}

func TestModerationToolsOnThreadPage(t *testing.T) {
	e := newModEnv(t)
	tid, pid := e.newThread("Ein Beitrag")
	th, _ := e.db.ThreadByID(t.Context(), tid)
	mod := e.session(e.modHere)
	page := e.get(th.URL(), mod)
	wantBody(t, page, "moderator's thread page", `action="/t/`+itoa(tid)+`/anheften"`, `href="/t/`+itoa(tid)+`/ausblenden"`,
		`action="/t/`+itoa(tid)+`/verschieben"`, `href="/beitrag/`+itoa(pid)+`/ausblenden"`, `href="/beitrag/`+itoa(pid)+`/moderieren"`,
		`href="/moderation/benutzer/`+itoa(e.author.ID)+`"`)
	wantBody(t, e.get(th.URL(), e.session(e.member)), "member's thread page", `href="/beitrag/`+itoa(pid)+`/melden"`)
	for _, s := range []string{"/anheften", "/ausblenden", "/moderieren", "/moderation/benutzer"} {
		if b := e.get(th.URL(), e.session(e.modThere)).Body.String(); strings.Contains(b, s+`"`) && !strings.Contains(s, "benutzer") {
			t.Errorf("the other field's moderator gets %s", s)
		}
	}
	// Pinning puts the thread first in its field; moving follows the form.
	older, _ := e.newThread("Älter")
	_ = older
	wantStatus(t, e.post("/t/"+itoa(tid)+"/anheften", url.Values{}, mod), http.StatusSeeOther, "pin")
	field := e.get("/themenfeld/familie-kind", nil).Body.String()
	if i, j := strings.Index(field, th.Title), strings.Index(field, "Angeheftet"); i < 0 || j < i {
		t.Errorf("pinned thread not first with its badge")
	}
	w := e.post("/t/"+itoa(tid)+"/verschieben", url.Values{"topic_field": {"umwelt"}}, mod)
	wantStatus(t, w, http.StatusUnprocessableEntity, "move into a field not moderated")
	wantBody(t, w, "move error", "Sie können Themen nur in Themenfelder verschieben, die Sie moderieren.")
	wantStatus(t, e.post("/t/"+itoa(tid)+"/verschieben", url.Values{"topic_field": {"bildung"}, "reason": {"Schule"}}, mod), http.StatusSeeOther, "move")
	if moved, _ := e.db.ThreadByID(t.Context(), tid); moved.FieldSlug != "bildung" {
		t.Errorf("after moving the thread is in %s", moved.FieldSlug)
	}
}

func TestAdminAssignsModerators(t *testing.T) {
	e := newModEnv(t)
	admin := e.session(e.admin)
	page := e.get("/admin/moderation", admin)
	wantBody(t, page, "admin page", "Moderation der Themenfelder", "Familie &amp; Kind", "mod-familie", `aria-current="page">Moderation</a>`)
	w := e.post("/admin/themenfelder/"+itoa(e.bildung.ID)+"/moderatoren", url.Values{"email": {"niemand@example.org"}}, admin)
	wantStatus(t, w, http.StatusUnprocessableEntity, "unknown email")
	wantBody(t, w, "unknown email", "Es gibt kein Konto mit dieser E-Mail-Adresse.", `id="email-`+itoa(e.bildung.ID)+`-error"`)
	w = e.post("/admin/themenfelder/"+itoa(e.bildung.ID)+"/moderatoren", url.Values{"email": {e.member.Email}}, admin)
	wantRedirect(t, w, "/admin/moderation#feld-"+itoa(e.bildung.ID), "assign")
	u, _ := e.db.UserByID(t.Context(), e.member.ID)
	if u.Role != store.RoleModerator || len(u.ModFields) != 1 {
		t.Errorf("after assignment: role %s, fields %v", u.Role, u.ModFields)
	}
	w = e.post("/admin/themenfelder/"+itoa(e.bildung.ID)+"/moderatoren/"+itoa(e.member.ID)+"/entfernen", url.Values{}, admin)
	wantStatus(t, w, http.StatusSeeOther, "remove")
	if u, _ := e.db.UserByID(t.Context(), e.member.ID); u.Role != store.RoleMember {
		t.Errorf("after removal: role %s", u.Role)
	}
}

// TestModerationPagesRender requests the moderation pages filled with data
// in both languages: no catalogue key may show through (zero values:
// TestEveryPageRenders).
func TestModerationPagesRender(t *testing.T) {
	e := newModEnv(t)
	ctx := context.Background()
	tid, pid := e.newThread("Text")
	e.db.CreateFlag(ctx, pid, e.reporter.ID, store.FlagOther, "Bitte prüfen")
	hidden := e.hiddenPost()
	pending := e.pendingPost()
	e.db.ModerateThread(ctx, e.admin.ID, tid, store.ThreadPin, "")
	e.db.SuspendUser(ctx, e.admin.ID, e.member.ID, time.Now().Add(time.Hour), "Test")
	rawKey := regexp.MustCompile(`\b(mod|flash)\.[a-z_]+|%!`)
	for _, lang := range []string{"de", "en"} {
		for _, p := range []struct {
			path string
			who  *store.User
		}{
			{"/moderation", e.modHere}, {"/moderation/protokoll", e.modHere}, {"/moderation/protokoll", e.admin},
			{"/beitrag/" + itoa(pid) + "/melden", e.reporter}, {"/beitrag/" + itoa(pid) + "/ausblenden", e.modHere},
			{"/beitrag/" + itoa(pending) + "/ablehnen", e.modHere}, {"/t/" + itoa(tid) + "/ausblenden", e.modHere},
			{"/beitrag/" + itoa(pid) + "/moderieren", e.modHere}, {"/moderation/benutzer/" + itoa(e.member.ID), e.modHere},
			{"/admin/moderation", e.admin}, {"/t/" + itoa(tid) + "-kita-anmeldung-digital", e.modHere},
			{"/t/" + itoa(tid) + "-kita-anmeldung-digital", e.member}, {"/themenfeld/familie-kind", e.member},
			{"/beitrag/" + itoa(hidden), e.author},
		} {
			w := e.do(req{method: http.MethodGet, path: p.path, cookie: e.session(p.who), header: map[string]string{"Accept-Language": lang}})
			for w.Code == http.StatusSeeOther || w.Code == http.StatusMovedPermanently {
				w = e.do(req{method: http.MethodGet, path: w.Header().Get("Location"), cookie: e.session(p.who), header: map[string]string{"Accept-Language": lang}})
			}
			wantStatus(t, w, http.StatusOK, lang+" "+p.path)
			if m := rawKey.FindString(w.Body.String()); m != "" {
				t.Errorf("%s %s shows %q", lang, p.path, m)
			}
		}
	}
}
