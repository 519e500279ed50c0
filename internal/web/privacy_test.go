package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kommunalforum/internal/store"
)

func TestDataExport(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	e.thread(anna, "bauen-wohnen", "Digitaler Bauantrag", "Annas Frage zum digitalen Bauantrag")

	w := e.get("/konto/daten", e.session(anna))
	wantStatus(t, w, http.StatusOK, "export")
	if cd := w.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
		t.Errorf("Content-Disposition = %q, want a download", cd)
	}
	if cc := w.Header().Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	var d store.PersonalData
	if err := json.Unmarshal(w.Body.Bytes(), &d); err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	if d.Profile.Email != anna.Email || len(d.Posts) != 1 || d.Posts[0].Body != "Annas Frage zum digitalen Bauantrag" {
		t.Errorf("export = %+v", d)
	}

	if w := e.get("/konto/daten", nil); w.Code != http.StatusSeeOther && w.Code != http.StatusFound {
		t.Errorf("anonymous export: %d, want a redirect to the login", w.Code)
	}
}

func TestDeleteOwnAccount(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	th := e.thread(anna, "bauen-wohnen", "Digitaler Bauantrag", "Annas Frage zum digitalen Bauantrag")
	cookie := e.session(anna)

	wantBody(t, e.get("/konto", cookie), "account page", "/konto/daten", "/konto/loeschen")
	wantStatus(t, e.get("/konto/loeschen", cookie), http.StatusOK, "delete form")

	w := e.post("/konto/loeschen", url.Values{"password": {"falsch-falsch-falsch"}}, cookie)
	wantStatus(t, w, http.StatusUnprocessableEntity, "wrong password")
	wantBody(t, w, "wrong password", "error-summary")

	w = e.post("/konto/loeschen", url.Values{"password": {testPassword}}, cookie)
	wantStatus(t, w, http.StatusSeeOther, "delete")
	if w := e.get("/konto", cookie); w.Code == http.StatusOK {
		t.Error("the session survived the deletion")
	}
	page := e.get(th.URL(), nil)
	wantBody(t, page, "thread after deletion", store.DeletedUserName, "Annas Frage zum digitalen Bauantrag")
	if strings.Contains(page.Body.String(), "anna@") || strings.Contains(page.Body.String(), "Landkreis Musterland") {
		t.Error("the thread page still shows personal data of the deleted account")
	}
	if _, err := e.acc.Login(t.Context(), anna.Email, testPassword); err == nil {
		t.Error("the deleted account can still log in")
	}
}

func TestAdminDeletesAccountOnRequest(t *testing.T) {
	e := newTestEnv(t)
	admin := e.user("admin@kreis-musterland.de", "admin")
	mod := e.user("mod@kreis-musterland.de", "moderator")
	anna := e.user("anna@kreis-musterland.de", "member")
	ben := e.user("ben@kreis-musterland.de", "member")
	th := e.thread(ben, "bauen-wohnen", "Digitaler Bauantrag", "Bens Frage")
	w := e.post("/t/"+itoa(th.ID)+"/antworten", url.Values{"body": {"Annas Antwort mit privater Telefonnummer 0123-456"}}, e.session(anna))
	if w.Code >= 400 {
		t.Fatalf("reply: %d", w.Code)
	}
	path := "/admin/benutzer/" + itoa(anna.ID) + "/loeschen"
	tests := []struct {
		name   string
		cookie *http.Cookie
		want   int
	}{
		{"member", e.session(ben), http.StatusForbidden},
		{"moderator", e.session(mod), http.StatusForbidden},
	}
	for _, tt := range tests {
		if w := e.post(path, url.Values{"remove_posts": {"1"}}, tt.cookie); w.Code != tt.want && w.Code != http.StatusNotFound {
			t.Errorf("%s deletes: %d, want %d or 404", tt.name, w.Code, tt.want)
		}
	}
	adminCookie := e.session(admin)
	wantBody(t, e.get("/admin/benutzer", adminCookie), "users list", path)
	wantBody(t, e.get(path, adminCookie), "confirm page", "remove_posts", anna.Email)
	wantStatus(t, e.post(path, url.Values{"remove_posts": {"1"}}, adminCookie), http.StatusSeeOther, "admin delete")
	if strings.Contains(e.get(th.URL(), nil).Body.String(), "0123-456") {
		t.Error("the removed post's text is still shown")
	}
	// Admins delete their own account with their password, not here.
	if w := e.post("/admin/benutzer/"+itoa(admin.ID)+"/loeschen", nil, adminCookie); w.Code != http.StatusForbidden && w.Code != http.StatusNotFound {
		t.Errorf("admin deleting itself here: %d", w.Code)
	}
}
