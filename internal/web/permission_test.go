package web

import (
	"net/http"
	"net/url"
	"testing"
)

// TestForumPermissions is the permission table for the thread and post
// routes: who may do what, and which status everyone else gets.
func TestForumPermissions(t *testing.T) {
	e := newTestEnv(t)
	author := e.user("autorin@kreis-musterland.de", "member")
	other := e.user("andere@stadt-beispiel.de", "member")
	modHere := e.user("mod-familie@kreis-musterland.de", "moderator")
	modThere := e.user("mod-umwelt@kreis-musterland.de", "moderator")
	pm := e.user("pm@bund.example.de", "pm")
	admin := e.user("admin@kreis-musterland.de", "admin")
	familie, _ := e.db.TopicFieldBySlug(t.Context(), "familie-kind")
	umwelt, _ := e.db.TopicFieldBySlug(t.Context(), "umwelt")
	if err := e.db.SetModeratorFields(t.Context(), modHere.ID, []int64{familie.ID}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetModeratorFields(t.Context(), modThere.ID, []int64{umwelt.ID}); err != nil {
		t.Fatal(err)
	}
	users := map[string]*http.Cookie{
		"anonymous": nil,
		"author":    e.session(author),
		"other":     e.session(other),
		"mod-here":  e.session(modHere),
		"mod-there": e.session(modThere),
		"pm":        e.session(pm),
		"admin":     e.session(admin),
	}
	th := e.thread(author, "familie-kind", "Kita-Platzvergabe online", "Welche Software nutzt ihr?")
	posts, _, _ := e.db.Posts(t.Context(), th.ID, 10, 0)
	post := "/beitrag/" + itoa(posts[0].ID)
	thread := "/t/" + itoa(th.ID)
	body := url.Values{"body": {"Geänderter Text"}}

	type row struct {
		who    string
		method string
		path   string
		form   url.Values
		want   int
	}
	rows := []row{
		{"anonymous", "GET", thread + "-" + th.Slug, nil, 200},
		{"anonymous", "GET", "/neues-thema", nil, 303},
		{"anonymous", "POST", thread + "/antworten", body, 303},
		{"anonymous", "GET", post + "/bearbeiten", nil, 303},
		{"anonymous", "POST", thread + "/sperren", nil, 303},
		{"other", "GET", post + "/bearbeiten", nil, 403},
		{"other", "POST", post + "/bearbeiten", body, 403},
		{"other", "GET", post + "/loeschen", nil, 403},
		{"other", "POST", thread + "/sperren", nil, 403},
		{"pm", "POST", post + "/bearbeiten", body, 403},
		{"pm", "POST", thread + "/sperren", nil, 403},
		{"mod-there", "POST", post + "/bearbeiten", body, 403},
		{"mod-there", "POST", thread + "/sperren", nil, 403},
		{"other", "POST", thread + "/antworten", url.Values{"body": {"Antwort"}}, 303},
		{"author", "GET", post + "/bearbeiten", nil, 200},
		{"author", "POST", post + "/bearbeiten", body, 303},
		{"mod-here", "GET", post + "/bearbeiten", nil, 200},
		{"mod-here", "POST", post + "/bearbeiten", body, 303},
		{"admin", "POST", post + "/bearbeiten", body, 303},
		{"mod-here", "POST", thread + "/sperren", nil, 303},
		// Locked: nobody replies, the author may no longer edit (409 says why), a moderator still may.
		{"author", "POST", thread + "/antworten", url.Values{"body": {"Nach Sperre"}}, 409},
		{"author", "POST", post + "/bearbeiten", body, 409},
		{"mod-here", "POST", post + "/bearbeiten", url.Values{"body": {"Moderiert"}}, 303},
		{"admin", "POST", thread + "/entsperren", nil, 303},
		{"author", "GET", post + "/loeschen", nil, 200},
		{"admin", "GET", "/admin/themenfelder", nil, 200},
		{"member", "GET", "/admin/themenfelder", nil, 404},
	}
	users["member"] = users["other"]
	for _, r := range rows {
		t.Run(r.who+" "+r.method+" "+r.path, func(t *testing.T) {
			w := e.do(req{method: r.method, path: r.path, form: r.form, cookie: users[r.who]})
			if w.Code != r.want {
				t.Errorf("%s %s as %s = %d, want %d", r.method, r.path, r.who, w.Code, r.want)
			}
		})
	}
	// The thread as seen afterwards: moderator's edit is the current text.
	w := e.get(th.URL(), nil)
	wantBody(t, w, "after moderation", "Moderiert")
}
