package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kommunalforum/internal/store"
)

func TestHomeListsTopicFields(t *testing.T) {
	e := newTestEnv(t)
	w := e.get("/", nil)
	wantStatus(t, w, http.StatusOK, "GET /")
	wantBody(t, w, "home", "Familie &amp; Kind", "Bauen &amp; Wohnen", "Plattformen &amp; Basisdienste", "Allgemeiner Austausch",
		`href="#inhalt"`, `<html lang="de">`)
	if h := w.Header().Get("Content-Security-Policy"); !strings.Contains(h, "script-src 'self'") {
		t.Errorf("CSP = %q", h)
	}
	w = e.do(req{method: http.MethodGet, path: "/", header: map[string]string{"Accept-Language": "en-GB,en;q=0.9"}})
	wantBody(t, w, "home in English", `<html lang="en">`, "Topic fields")
}

func TestThreadLifecycle(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	ben := e.user("ben@stadt-beispiel.de", "member")
	ca, cb := e.session(anna), e.session(ben)

	w := e.post("/neues-thema", url.Values{"topic_field": {"familie-kind"}, "title": {"Elterngeld digital: Erfahrungen?"},
		"body": {"Wer hat **Elterngeld digital** schon angebunden?"}}, ca)
	wantStatus(t, w, http.StatusSeeOther, "create thread")
	loc := w.Header().Get("Location")
	if !strings.HasPrefix(loc, "/t/") || !strings.HasSuffix(loc, "-elterngeld-digital-erfahrungen") {
		t.Fatalf("Location = %q", loc)
	}
	w = e.get(loc, ca)
	wantStatus(t, w, http.StatusOK, "thread page")
	wantBody(t, w, "thread page", "Elterngeld digital: Erfahrungen?", "<strong>Elterngeld digital</strong>")

	id := strings.Split(strings.TrimPrefix(loc, "/t/"), "-")[0]
	w = e.post("/t/"+id+"/antworten", url.Values{"body": {"Wir nutzen den EfA-Dienst aus Hessen."}}, cb)
	wantStatus(t, w, http.StatusSeeOther, "reply")
	if !strings.Contains(w.Header().Get("Location"), "#beitrag-") {
		t.Errorf("reply Location = %q", w.Header().Get("Location"))
	}
	w = e.get(loc, nil)
	wantBody(t, w, "thread after reply", "Wir nutzen den EfA-Dienst aus Hessen.")

	// An empty reply shows the form again with the error tied to the field.
	w = e.post("/t/"+id+"/antworten", url.Values{"body": {"   "}}, cb)
	wantStatus(t, w, http.StatusUnprocessableEntity, "empty reply")
	wantBody(t, w, "empty reply", `aria-invalid="true"`, "Bitte füllen Sie dieses Feld aus.")

	// A wrong slug redirects to the canonical URL.
	w = e.get("/t/"+id+"-alter-titel", nil)
	wantStatus(t, w, http.StatusMovedPermanently, "old slug")
}

func TestReplyToLockedThreadRefused(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	adm := e.user("admin@kreis-musterland.de", "admin")
	th := e.thread(anna, "bauen-wohnen", "Digitaler Bauantrag", "Wie ist der Stand?")
	w := e.post("/t/"+itoa(th.ID)+"/sperren", nil, e.session(adm))
	wantStatus(t, w, http.StatusSeeOther, "lock")
	w = e.post("/t/"+itoa(th.ID)+"/antworten", url.Values{"body": {"Noch eine Antwort"}}, e.session(anna))
	wantStatus(t, w, http.StatusConflict, "reply to locked")
	wantBody(t, w, "reply to locked", "Dieses Thema ist gesperrt")
	w = e.get(th.URL(), e.session(anna))
	wantBody(t, w, "locked thread", "Gesperrt")
}

func TestEditKeepsRevisionAndDeleteIsSoft(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	th := e.thread(anna, "bildung", "BAföG-Antrag online", "Erste Fassung")
	ps, _, _ := e.db.Posts(t.Context(), th.ID, 10, 0)
	pid := itoa(ps[0].ID)
	ca := e.session(anna)

	w := e.post("/beitrag/"+pid+"/bearbeiten", url.Values{"body": {"Zweite Fassung"}}, ca)
	wantStatus(t, w, http.StatusSeeOther, "edit")
	w = e.get("/beitrag/"+pid+"/versionen", nil)
	wantStatus(t, w, http.StatusOK, "revisions")
	wantBody(t, w, "revisions", "Erste Fassung", "Zweite Fassung")

	// Someone else may neither edit nor delete.
	other := e.session(e.user("ben@stadt-beispiel.de", "member"))
	wantStatus(t, e.post("/beitrag/"+pid+"/bearbeiten", url.Values{"body": {"Fremd"}}, other), http.StatusForbidden, "edit by other")
	wantStatus(t, e.post("/beitrag/"+pid+"/loeschen", nil, other), http.StatusForbidden, "delete by other")

	w = e.post("/beitrag/"+pid+"/loeschen", nil, ca)
	wantStatus(t, w, http.StatusSeeOther, "delete")
	w = e.get(th.URL(), nil)
	wantBody(t, w, "deleted post", "Dieser Beitrag wurde gelöscht.")
	if strings.Contains(w.Body.String(), "Zweite Fassung") {
		t.Error("deleted post body still shown")
	}
}

func TestHostileMarkdownIsSanitised(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	th := e.thread(anna, "umwelt", "<script>alert(1)</script> Titel", "[klick](javascript:alert(1)) <img src=x onerror=alert(1)> ![t](https://tracker.example/p.png)")
	w := e.get(th.URL(), nil)
	b := w.Body.String()
	for _, bad := range []string{"<script>alert", "javascript:", "onerror", `src="https://tracker.example`} {
		if strings.Contains(b, bad) {
			t.Errorf("thread page contains %q", bad)
		}
	}
	wantBody(t, w, "escaped title", "&lt;script&gt;alert(1)&lt;/script&gt; Titel")
}

func TestCrossOriginPostRejected(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	w := e.do(req{method: http.MethodPost, path: "/neues-thema", cookie: e.session(anna),
		form:   url.Values{"topic_field": {"bildung"}, "title": {"Von fremder Seite"}, "body": {"xx"}},
		header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}})
	wantStatus(t, w, http.StatusForbidden, "cross-site POST")
}

func TestPaginationOfThreadPosts(t *testing.T) {
	e := newTestEnv(t, func(o *Options, _ *authPolicy) { o.PostsPerPage = 3 })
	anna := e.user("anna@kreis-musterland.de", "member")
	th := e.thread(anna, "gesundheit", "Impfnachweise digital", "Beitrag 1")
	var last string
	for i := 2; i <= 7; i++ {
		w := e.post("/t/"+itoa(th.ID)+"/antworten", url.Values{"body": {"Beitrag " + itoa(int64(i))}}, e.session(anna))
		last = w.Header().Get("Location")
	}
	if !strings.Contains(last, "?seite=3#beitrag-") {
		t.Errorf("last reply Location = %q, want page 3", last)
	}
	w := e.get(th.URL()+"?seite=3", nil)
	wantBody(t, w, "page 3", "Beitrag 7", "Seite 3 von 3")
	wantStatus(t, e.get(th.URL()+"?seite=4", nil), http.StatusNotFound, "page 4")
}

// TestPermalinkPageSkipsPendingPosts checks that /beitrag/:id names the
// page the viewer finds the post on: a reply waiting for approval takes a
// place only for those who see it (its author and the field's moderators).
func TestPermalinkPageSkipsPendingPosts(t *testing.T) {
	e := newModEnv(t, func(o *Options, _ *authPolicy) { o.PostsPerPage = 2 })
	ctx := t.Context()
	for _, kind := range []string{store.KindDiscussion, store.KindQuestion} {
		tid, _, err := e.db.CreateThread(ctx, store.NewThread{TopicFieldID: e.familie.ID, AuthorID: e.author.ID, Kind: kind,
			Title: "Kita-Anmeldung digital " + kind, Slug: "kita-anmeldung-digital", Body: "Wie melden Eltern ihr Kind an?", BodyHTML: "<p>Wie?</p>"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.AddPost(ctx, store.NewPost{ThreadID: tid, AuthorID: e.newbie.ID, Body: "Wartet", BodyHTML: "<p>Wartet</p>", Pending: true}); err != nil {
			t.Fatal(err)
		}
		pid, err := e.db.AddPost(ctx, store.NewPost{ThreadID: tid, AuthorID: e.author.ID, Body: "Online", BodyHTML: "<p>Online</p>"})
		if err != nil {
			t.Fatal(err)
		}
		th, err := e.db.ThreadFor(ctx, store.Viewer{ModAll: true}, tid)
		if err != nil {
			t.Fatal(err)
		}
		onPage1 := th.URL() + "#beitrag-" + itoa(pid)
		onPage2 := th.URL() + "?seite=2#beitrag-" + itoa(pid)
		for _, c := range []struct {
			who  string
			u    *store.User
			want string
		}{{"visitor", nil, onPage1}, {"member", e.member, onPage1}, {"pending post's author", e.newbie, onPage2},
			{"moderator", e.modHere, onPage2}, {"admin", e.admin, onPage2}} {
			var cookie *http.Cookie
			if c.u != nil {
				cookie = e.session(c.u)
			}
			w := e.get("/beitrag/"+itoa(pid), cookie)
			if got := w.Header().Get("Location"); w.Code != http.StatusSeeOther || got != c.want {
				t.Errorf("%s: /beitrag/%d as %s = %d %q, want 303 %q", kind, pid, c.who, w.Code, got, c.want)
			}
			// The page named holds the post.
			wantBody(t, e.get(strings.TrimSuffix(c.want, "#beitrag-"+itoa(pid)), cookie), kind+" page as "+c.who, `id="beitrag-`+itoa(pid)+`"`)
		}
	}
}
