package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSitePagesEditableByAdmins(t *testing.T) {
	e := newTestEnv(t)
	admin := e.user("admin@kreis-musterland.de", "admin")
	mod := e.user("mod@kreis-musterland.de", "moderator")
	adminC := e.session(admin)

	for _, p := range []struct{ path, want string }{
		{"/datenschutz", "Art. 17 DSGVO"},
		{"/impressum", "§ 5 DDG"},
		{"/barrierefreiheit", "BITV 2.0"},
		{"/leichte-sprache", "Das Kommunalforum ist eine Internet-Seite."},
	} {
		wantBody(t, e.get(p.path, nil), p.path, p.want)
	}
	wantBody(t, e.get("/", nil), "footer", `href="/leichte-sprache"`)

	form := url.Values{"title": {"Impressum der Stadt Musterstadt"}, "body": {"**Stadt Musterstadt**, Rathausplatz 1\n\n<script>alert(1)</script>[x](javascript:alert(1))"}}
	if w := e.post("/admin/seiten/impressum/de", form, e.session(mod)); w.Code != http.StatusForbidden && w.Code != http.StatusNotFound {
		t.Errorf("moderator edits a page: %d", w.Code)
	}
	wantStatus(t, e.post("/admin/seiten/impressum/de", url.Values{"title": {"I"}, "body": {"kurz"}}, adminC), http.StatusUnprocessableEntity, "too short")
	wantStatus(t, e.post("/admin/seiten/impressum/de", form, adminC), http.StatusSeeOther, "save")
	w := e.get("/impressum", nil)
	wantBody(t, w, "edited imprint", "Impressum der Stadt Musterstadt", "<strong>Stadt Musterstadt</strong>")
	if b := w.Body.String(); strings.Contains(b, "<script>alert") || strings.Contains(b, "javascript:") {
		t.Error("the page body was not sanitised")
	}
	en := e.do(req{method: "GET", path: "/impressum", header: map[string]string{"Accept-Language": "en"}})
	wantBody(t, en, "English imprint keeps the built-in text", "Imprint", "§ 5 DDG")
	wantBody(t, e.get("/admin/seiten", adminC), "admin list", "/admin/seiten/impressum/de", "Eigene Fassung")
	wantStatus(t, e.post("/admin/seiten/impressum/de/zuruecksetzen", nil, adminC), http.StatusSeeOther, "reset")
	wantBody(t, e.get("/impressum", nil), "reset imprint", "§ 5 DDG")
	wantStatus(t, e.get("/admin/seiten/unbekannt/de", adminC), http.StatusNotFound, "unknown page")
	wantStatus(t, e.get("/admin/seiten/impressum/fr", adminC), http.StatusNotFound, "unknown language")
}

func TestAccessibilityFeedbackReachesAdmins(t *testing.T) {
	e := newTestEnv(t)
	a1 := e.user("admin1@kreis-musterland.de", "admin")
	e.user("admin2@kreis-musterland.de", "admin")

	w := e.post("/barrierefreiheit", url.Values{"message": {"kurz"}}, nil)
	wantStatus(t, w, http.StatusUnprocessableEntity, "too short")
	wantBody(t, w, "too short", "error-summary")
	w = e.post("/barrierefreiheit", url.Values{"message": {"Kurz"}, "email": {"keine-adresse"}}, nil)
	wantStatus(t, w, http.StatusUnprocessableEntity, "bad email")

	msg := "Die Schaltfläche „Antworten“ ist mit dem Screenreader nicht erreichbar."
	w = e.post("/barrierefreiheit", url.Values{"message": {msg}, "name": {"Bea Blind"}, "email": {"bea@kreis-musterland.de"}, "seite": {"/t/1"}}, nil)
	wantStatus(t, w, http.StatusOK, "feedback")
	wantBody(t, w, "feedback", "Vielen Dank!")
	for _, addr := range []string{"admin1@kreis-musterland.de", "admin2@kreis-musterland.de"} {
		e.wantMail(addr, "Rückmeldung zur Barrierefreiheit", msg, "bea@kreis-musterland.de", "/admin/rueckmeldungen")
	}
	c := e.session(a1)
	wantBody(t, e.get("/admin/rueckmeldungen", c), "feedback list", msg, "Bea Blind", "Als erledigt markieren")
	items, _ := e.db.FeedbackList(t.Context(), 10)
	wantStatus(t, e.post("/admin/rueckmeldungen/"+itoa(items[0].ID)+"/erledigt", nil, c), http.StatusSeeOther, "handled")
	if w := e.get("/admin/rueckmeldungen", c); strings.Contains(w.Body.String(), "Als erledigt markieren") {
		t.Error("handled feedback still offers the button")
	}
	wantStatus(t, e.post("/admin/rueckmeldungen/"+itoa(items[0].ID)+"/erledigt", nil, c), http.StatusNotFound, "handled twice")
}
