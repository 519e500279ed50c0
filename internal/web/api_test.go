package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"kommunalforum/internal/forum"
	"kommunalforum/internal/store"
)

// api sends a JSON API request, with a Bearer token unless token is empty.
func (e *testEnv) api(method, path, token, body string) *httptest.ResponseRecorder {
	e.t.Helper()
	h := map[string]string{}
	if token != "" {
		h["Authorization"] = "Bearer " + token
	}
	return e.do(req{method: method, path: path, json: body, header: h})
}

// firstPostID returns the ID of a thread's opening post.
func (e *testEnv) firstPostID(threadID int64) int64 {
	e.t.Helper()
	ps, _, err := e.db.Posts(e.t.Context(), threadID, 1, 0)
	if err != nil || len(ps) == 0 {
		e.t.Fatalf("Posts(%d) = %v, %v", threadID, ps, err)
	}
	return ps[0].ID
}

// readJSON decodes a JSON response after checking its content type.
func readJSON[T any](t testing.TB, w *httptest.ResponseRecorder, what string) T {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("%s: Content-Type = %q, want application/json; charset=utf-8", what, ct)
	}
	var v T
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("%s: decode %T: %v; body: %s", what, v, err, w.Body.String())
	}
	return v
}

// wantProblem checks a problem response: status, content type, and the
// catalogue's German detail for key. It returns the problem for more checks.
func wantProblem(t *testing.T, e *testEnv, w *httptest.ResponseRecorder, status int, key, what string) problem {
	t.Helper()
	wantStatus(t, w, status, what)
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s: Content-Type = %q, want application/problem+json", what, ct)
	}
	var p problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatalf("%s: decode problem: %v; body: %s", what, err, w.Body.String())
	}
	if p.Status != status {
		t.Errorf("%s: problem status = %d, want %d", what, p.Status, status)
	}
	if want := e.srv.cat.T("de", key); p.Detail == "" || p.Detail != want {
		t.Errorf("%s: detail = %q, want %q (%s)", what, p.Detail, want, key)
	}
	return p
}

var threadURL = regexp.MustCompile(`^/t/\d+-[a-z0-9-]+$`)

func TestAPITopicFields(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")

	w := e.api(http.MethodGet, "/api/v1/topic-fields", "", "")
	wantStatus(t, w, http.StatusOK, "GET topic-fields")
	fields := readJSON[[]apiTopicField](t, w, "topic-fields")
	if len(fields) != 16 || len(fields) != len(forum.DefaultTopicFields) {
		t.Fatalf("topic-fields: %d fields, want 16", len(fields))
	}
	for i, f := range fields {
		if f.Slug != forum.DefaultTopicFields[i].Slug || f.Name != forum.DefaultTopicFields[i].Name {
			t.Errorf("field %d = %s %q, want %s", i, f.Slug, f.Name, forum.DefaultTopicFields[i].Slug)
		}
		if f.URL != "/themenfeld/"+f.Slug || f.Description == "" || f.ThreadCount != 0 || f.LastActivity != nil {
			t.Errorf("field %s = %+v, want URL, description, no threads, last_activity null", f.Slug, f)
		}
	}
	if !strings.Contains(w.Body.String(), `"last_activity":null`) {
		t.Error(`topic-fields: last_activity not null for an empty field`)
	}

	e.thread(anna, "bildung", "BAföG-Antrag online", "Wer nutzt schon BAföG Digital?")
	fields = readJSON[[]apiTopicField](t, e.api(http.MethodGet, "/api/v1/topic-fields", "", ""), "topic-fields after thread")
	for _, f := range fields {
		switch {
		case f.Slug == "bildung":
			if f.ThreadCount != 1 || f.LastActivity == nil {
				t.Fatalf("bildung = %+v, want thread_count 1 and last_activity", f)
			}
			if _, err := time.Parse(time.RFC3339, *f.LastActivity); err != nil || !strings.HasSuffix(*f.LastActivity, "Z") {
				t.Errorf("last_activity = %q, want RFC 3339 in UTC", *f.LastActivity)
			}
		case f.ThreadCount != 0:
			t.Errorf("%s thread_count = %d, want 0", f.Slug, f.ThreadCount)
		}
	}
}

func TestAPIThreadFlow(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	ben := e.user("ben@stadt-beispiel.de", "member")
	ta, tb := e.token(anna), e.token(ben)

	// Open a thread.
	w := e.api(http.MethodPost, "/api/v1/threads", ta,
		`{"topic_field":"familie-kind","title":"Elterngeld digital: Erfahrungen?","body":"Wer hat **Elterngeld digital** schon angebunden?"}`)
	wantStatus(t, w, http.StatusCreated, "create thread")
	created := readJSON[apiCreatedThread](t, w, "create thread")
	if !threadURL.MatchString(created.URL) || w.Header().Get("Location") != created.URL {
		t.Fatalf("create thread: url %q, Location %q", created.URL, w.Header().Get("Location"))
	}
	if created.ID == 0 || created.PostID == 0 || created.Title != "Elterngeld digital: Erfahrungen?" || created.TopicField != "familie-kind" {
		t.Errorf("create thread = %+v", created)
	}
	if cc := w.Header().Get("Cache-Control"); cc != privateNoStore {
		t.Errorf("create thread: Cache-Control = %q, want no-store", cc)
	}
	threadPath := "/api/v1/threads/" + itoa(created.ID)

	// Read it, anonymously.
	w = e.api(http.MethodGet, threadPath, "", "")
	wantStatus(t, w, http.StatusOK, "get thread")
	th := readJSON[apiThread](t, w, "get thread")
	if th.ID != created.ID || th.Title != created.Title || th.URL != created.URL || th.TopicField != "familie-kind" ||
		th.TopicFieldName != "Familie & Kind" || th.Locked || th.PostCount != 1 || th.Page != 1 || th.Pages != 1 || th.PerPage != 50 {
		t.Errorf("get thread = %+v", th)
	}
	if len(th.Posts) != 1 {
		t.Fatalf("get thread: %d posts, want 1", len(th.Posts))
	}
	p := th.Posts[0]
	if p.ID != created.PostID || p.Number != 1 || p.Author != "anna" || p.AuthorID != anna.ID || p.AuthorOrg != "Landkreis Musterland" ||
		p.Body != "Wer hat **Elterngeld digital** schon angebunden?" || !strings.Contains(p.BodyHTML, "<strong>Elterngeld digital</strong>") ||
		p.EditedAt != nil || p.Deleted {
		t.Errorf("opening post = %+v", p)
	}
	for _, ts := range []string{th.CreatedAt, th.LastPostAt, p.CreatedAt} {
		if _, err := time.Parse(time.RFC3339, ts); err != nil || !strings.HasSuffix(ts, "Z") {
			t.Errorf("timestamp %q is not RFC 3339 UTC", ts)
		}
	}

	// Reply.
	w = e.api(http.MethodPost, threadPath+"/posts", tb, `{"body":"Wir nutzen den EfA-Dienst aus Hessen."}`)
	wantStatus(t, w, http.StatusCreated, "reply")
	reply := readJSON[apiCreatedPost](t, w, "reply")
	if reply.ID == 0 || reply.URL != "/beitrag/"+itoa(reply.ID) || reply.ThreadID != created.ID || w.Header().Get("Location") != reply.URL {
		t.Errorf("reply = %+v, Location %q", reply, w.Header().Get("Location"))
	}
	postPath := "/api/v1/posts/" + itoa(reply.ID)

	// Edit the reply: the old body becomes a revision.
	w = e.api(http.MethodPatch, postPath, tb, `{"body":"Wir sind inzwischen auf den Dienst aus Bayern umgestiegen."}`)
	wantStatus(t, w, http.StatusOK, "edit")
	edited := readJSON[apiPost](t, w, "edit")
	if edited.ID != reply.ID || edited.Number != 2 || edited.Body != "Wir sind inzwischen auf den Dienst aus Bayern umgestiegen." ||
		!strings.Contains(edited.BodyHTML, "Dienst aus Bayern") || edited.EditedAt == nil || edited.Author != "ben" {
		t.Errorf("edited post = %+v", edited)
	}
	w = e.get("/beitrag/"+itoa(reply.ID)+"/versionen", nil)
	wantStatus(t, w, http.StatusOK, "revisions")
	wantBody(t, w, "revisions", "Wir nutzen den EfA-Dienst aus Hessen.", "Dienst aus Bayern")

	// Delete it: the place stays, the text goes.
	w = e.api(http.MethodDelete, postPath, tb, "")
	wantStatus(t, w, http.StatusNoContent, "delete")
	if w.Body.Len() != 0 {
		t.Errorf("delete: body %q, want none", w.Body.String())
	}
	th = readJSON[apiThread](t, e.api(http.MethodGet, threadPath, "", ""), "thread after delete")
	if len(th.Posts) != 2 || th.PostCount != 1 {
		t.Fatalf("thread after delete: %d posts, post_count %d; want 2 and 1", len(th.Posts), th.PostCount)
	}
	if d := th.Posts[1]; !d.Deleted || d.Body != "" || d.BodyHTML != "" || d.ID != reply.ID {
		t.Errorf("deleted post = %+v, want deleted with empty body", d)
	}
	if !strings.Contains(e.api(http.MethodGet, threadPath, "", "").Body.String(), `"body":"","body_html":""`) {
		t.Error("deleted post: body fields not empty strings")
	}

	wantProblem(t, e, e.api(http.MethodDelete, postPath, tb, ""), http.StatusNotFound, "error.not_found", "delete again")
	wantProblem(t, e, e.api(http.MethodPatch, postPath, tb, `{"body":"Wiederbelebt"}`), http.StatusNotFound, "error.not_found", "edit deleted")
}

// TestAPIPostPermissions is the permission table for editing and deleting
// posts through the API.
func TestAPIPostPermissions(t *testing.T) {
	e := newTestEnv(t)
	author := e.user("autorin@kreis-musterland.de", "member")
	familie, _ := e.db.TopicFieldBySlug(t.Context(), "familie-kind")
	umwelt, _ := e.db.TopicFieldBySlug(t.Context(), "umwelt")
	modHere := e.user("mod-familie@kreis-musterland.de", "moderator")
	modThere := e.user("mod-umwelt@kreis-musterland.de", "moderator")
	if err := e.db.SetModeratorFields(t.Context(), modHere.ID, []int64{familie.ID}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetModeratorFields(t.Context(), modThere.ID, []int64{umwelt.ID}); err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{
		"anonymous": "",
		"other":     e.token(e.user("andere@stadt-beispiel.de", "member")),
		"author":    e.token(author),
		"mod-here":  e.token(modHere),
		"mod-there": e.token(modThere),
		"pm":        e.token(e.user("pm@bund.example.de", "pm")),
		"admin":     e.token(e.user("admin@kreis-musterland.de", "admin")),
	}
	refusal := map[int]string{http.StatusUnauthorized: "error.login_required", http.StatusForbidden: "error.forbidden"}

	rows := []struct {
		who    string
		method string
		want   int
	}{
		{"anonymous", http.MethodPatch, http.StatusUnauthorized},
		{"anonymous", http.MethodDelete, http.StatusUnauthorized},
		{"other", http.MethodPatch, http.StatusForbidden},
		{"other", http.MethodDelete, http.StatusForbidden},
		{"author", http.MethodPatch, http.StatusOK},
		{"author", http.MethodDelete, http.StatusNoContent},
		{"mod-here", http.MethodPatch, http.StatusOK},
		{"mod-here", http.MethodDelete, http.StatusNoContent},
		{"mod-there", http.MethodPatch, http.StatusForbidden},
		{"mod-there", http.MethodDelete, http.StatusForbidden},
		{"pm", http.MethodPatch, http.StatusForbidden},
		{"pm", http.MethodDelete, http.StatusForbidden},
		{"admin", http.MethodPatch, http.StatusOK},
		{"admin", http.MethodDelete, http.StatusNoContent},
	}
	for _, r := range rows {
		t.Run(r.who+" "+r.method, func(t *testing.T) {
			th := e.thread(author, "familie-kind", "Kita-Platzvergabe online", "Welche Software nutzt ihr?")
			path := "/api/v1/posts/" + itoa(e.firstPostID(th.ID))
			body := ""
			if r.method == http.MethodPatch {
				body = `{"body":"Geänderter Text"}`
			}
			w := e.api(r.method, path, tokens[r.who], body)
			what := r.who + " " + r.method + " " + path
			if key, refused := refusal[r.want]; refused {
				wantProblem(t, e, w, r.want, key, what)
			} else {
				wantStatus(t, w, r.want, what)
			}
			got := readJSON[apiThread](t, e.api(http.MethodGet, "/api/v1/threads/"+itoa(th.ID), "", ""), "thread").Posts[0]
			switch {
			case r.want == http.StatusOK && got.Body != "Geänderter Text":
				t.Errorf("%s: body = %q after edit", what, got.Body)
			case r.want == http.StatusNoContent && !got.Deleted:
				t.Errorf("%s: post not deleted", what)
			case r.want >= 400 && (got.Deleted || got.Body != "Welche Software nutzt ihr?"):
				t.Errorf("%s: refused, yet post changed to %+v", what, got)
			}
		})
	}
}

// TestAPIErrors checks that every error is problem JSON with the status and
// German detail the contract names.
func TestAPIErrors(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	tok := e.token(anna)
	open := e.thread(anna, "bildung", "Schulanmeldung digital", "Wie läuft es bei euch?")
	locked := e.thread(anna, "bildung", "Anerkennung ausländischer Abschlüsse", "Gibt es schon EfA-Lösungen?")
	if err := e.db.SetThreadLocked(t.Context(), anna.ID, locked.ID, true); err != nil {
		t.Fatal(err)
	}
	openPath := "/api/v1/threads/" + itoa(open.ID)
	postPath := "/api/v1/posts/" + itoa(e.firstPostID(open.ID))
	huge := `{"topic_field":"bildung","title":"Zu groß","body":"` + strings.Repeat("a", maxBody) + `"}`
	valid := `{"topic_field":"bildung","title":"BAföG digital","body":"Erfahrungen?"}`

	tests := []struct {
		name         string
		method, path string
		token        string
		header       map[string]string
		body         string
		status       int
		key          string
		fields       map[string]string // wanted errors, catalogue keys
	}{
		{"no credentials", "POST", "/api/v1/threads", "", nil, valid, 401, "error.login_required", nil},
		{"invalid token", "POST", "/api/v1/threads", "kf_falsch", nil, valid, 401, "error.token", nil},
		{"not a Bearer token", "POST", "/api/v1/threads", "", map[string]string{"Authorization": "Basic YW5uYTpnZWhlaW0="}, valid, 401, "error.token", nil},
		{"empty title", "POST", "/api/v1/threads", tok, nil, `{"topic_field":"bildung","title":"  ","body":"Erfahrungen?"}`,
			422, "error.validation", map[string]string{"title": "error.input.required"}},
		{"unknown topic field", "POST", "/api/v1/threads", tok, nil, `{"topic_field":"gibt-es-nicht","title":"BAföG digital","body":"Erfahrungen?"}`,
			422, "error.validation", map[string]string{"topic_field": "error.forum.topic_field"}},
		{"missing fields", "POST", "/api/v1/threads", tok, nil, `{}`, 422, "error.validation",
			map[string]string{"topic_field": "error.forum.topic_field", "title": "error.input.required", "body": "error.input.required"}},
		{"malformed JSON", "POST", "/api/v1/threads", tok, nil, `{"topic_field":"bildung","title":`, 400, "error.bad_json", nil},
		{"wrong type", "POST", "/api/v1/threads", tok, nil, `{"topic_field":"bildung","title":5,"body":"Erfahrungen?"}`, 400, "error.bad_json", nil},
		{"unknown field", "POST", "/api/v1/threads", tok, nil, `{"topic_field":"bildung","title":"BAföG digital","body":"Erfahrungen?","tags":["x"]}`, 400, "error.bad_json", nil},
		{"array body", "POST", "/api/v1/threads", tok, nil, `[` + valid + `]`, 400, "error.bad_json", nil},
		{"null body", "POST", "/api/v1/threads", tok, nil, `null`, 400, "error.bad_json", nil},
		{"invalid UTF-8", "POST", "/api/v1/threads", tok, nil, "{\"topic_field\":\"bildung\",\"title\":\"Geb\xfchren\",\"body\":\"x\"}", 400, "error.input.invalid_utf8", nil},
		{"string body", "POST", "/api/v1/threads", tok, nil, `"Hallo"`, 400, "error.bad_json", nil},
		{"trailing data", "POST", "/api/v1/threads", tok, nil, valid + `{}`, 400, "error.bad_json", nil},
		{"empty body", "POST", "/api/v1/threads", tok, map[string]string{"Content-Type": "application/json"}, "", 400, "error.bad_json", nil},
		{"form content type", "POST", "/api/v1/threads", tok, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, valid, 415, "error.bad_request", nil},
		{"no content type", "POST", "/api/v1/threads", tok, map[string]string{"Content-Type": ""}, valid, 415, "error.bad_request", nil},
		{"body over 1 MiB", "POST", "/api/v1/threads", tok, nil, huge, 413, "error.too_large", nil},
		{"reply to locked thread", "POST", "/api/v1/threads/" + itoa(locked.ID) + "/posts", tok, nil, `{"body":"Noch eine Antwort"}`, 409, "error.forum.locked", nil},
		{"reply to unknown thread", "POST", "/api/v1/threads/999999/posts", tok, nil, `{"body":"Hallo zusammen"}`, 404, "error.not_found", nil},
		{"empty reply", "POST", openPath + "/posts", tok, nil, `{"body":""}`, 422, "error.validation", map[string]string{"body": "error.input.required"}},
		{"unknown thread", "GET", "/api/v1/threads/999999", "", nil, "", 404, "error.not_found", nil},
		{"thread ID not a number", "GET", "/api/v1/threads/abc", "", nil, "", 404, "error.not_found", nil},
		{"thread ID with slug", "GET", openPath + "-" + open.Slug, "", nil, "", 404, "error.not_found", nil},
		{"page 0", "GET", openPath + "?page=0", "", nil, "", 400, "error.bad_request", nil},
		{"page not a number", "GET", openPath + "?page=zwei", "", nil, "", 400, "error.bad_request", nil},
		{"per_page over 200", "GET", openPath + "?per_page=201", "", nil, "", 400, "error.bad_request", nil},
		{"per_page 0", "GET", openPath + "?per_page=0", "", nil, "", 400, "error.bad_request", nil},
		{"page after the last", "GET", openPath + "?page=2", "", nil, "", 404, "error.not_found", nil},
		{"edit with empty body", "PATCH", postPath, tok, nil, `{"body":" "}`, 422, "error.validation", map[string]string{"body": "error.input.required"}},
		{"edit unknown post", "PATCH", "/api/v1/posts/999999", tok, nil, `{"body":"Neuer Text"}`, 404, "error.not_found", nil},
		{"delete unknown post", "DELETE", "/api/v1/posts/999999", tok, nil, "", 404, "error.not_found", nil},
		{"wrong method", "PUT", postPath, tok, nil, `{"body":"Neuer Text"}`, 405, "error.method", nil},
		{"unknown path", "GET", "/api/v1/gibt-es-nicht", "", nil, "", 404, "error.not_found", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := map[string]string{}
			if tc.token != "" {
				h["Authorization"] = "Bearer " + tc.token
			}
			for k, v := range tc.header {
				h[k] = v
			}
			w := e.do(req{method: tc.method, path: tc.path, json: tc.body, header: h})
			p := wantProblem(t, e, w, tc.status, tc.key, tc.method+" "+tc.path)
			if len(p.Errors) != len(tc.fields) {
				t.Errorf("errors = %v, want %v", p.Errors, tc.fields)
			}
			for f, key := range tc.fields {
				want := e.srv.cat.T("de", key)
				if key == "error.input.required" && want != "Bitte füllen Sie dieses Feld aus." {
					t.Errorf("catalogue %s = %q", key, want)
				}
				if p.Errors[f] != want {
					t.Errorf("errors.%s = %q, want %q", f, p.Errors[f], want)
				}
			}
		})
	}
	if n := len(readJSON[apiThread](t, e.api(http.MethodGet, openPath, "", ""), "open thread").Posts); n != 1 {
		t.Errorf("open thread has %d posts after the refused requests, want 1", n)
	}
}

func TestAPIEnglishDetail(t *testing.T) {
	e := newTestEnv(t)
	tok := e.token(e.user("anna@kreis-musterland.de", "member"))
	en := map[string]string{"Accept-Language": "en-GB,en;q=0.9"}

	w := e.do(req{method: http.MethodGet, path: "/api/v1/threads/999999", header: en})
	wantStatus(t, w, http.StatusNotFound, "unknown thread in English")
	var p problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if want := e.srv.cat.T("en", "error.not_found"); p.Detail != want || p.Detail == e.srv.cat.T("de", "error.not_found") {
		t.Errorf("detail = %q, want %q", p.Detail, want)
	}

	w = e.do(req{method: http.MethodPost, path: "/api/v1/threads", json: `{"topic_field":"bildung","title":"","body":"Text"}`,
		header: map[string]string{"Accept-Language": "en", "Authorization": "Bearer " + tok}})
	wantStatus(t, w, http.StatusUnprocessableEntity, "empty title in English")
	p = problem{}
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if want := e.srv.cat.T("en", "error.input.required"); p.Errors["title"] != want {
		t.Errorf("errors.title = %q, want %q", p.Errors["title"], want)
	}
}

// TestAPICrossSite checks that the csrf middleware guards cookie-based API
// calls while scripts with a Bearer token pass.
func TestAPICrossSite(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	body := `{"topic_field":"bildung","title":"Von fremder Seite","body":"Dieser Beitrag darf nicht entstehen."}`
	browser := map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}

	w := e.do(req{method: http.MethodPost, path: "/api/v1/threads", json: body, cookie: e.session(anna), header: browser})
	wantProblem(t, e, w, http.StatusForbidden, "error.csrf", "cross-site cookie POST")

	w = e.do(req{method: http.MethodPost, path: "/api/v1/threads", json: body, cookie: e.session(anna),
		header: map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": testBaseURL}})
	wantStatus(t, w, http.StatusCreated, "same-origin cookie POST")

	w = e.api(http.MethodPost, "/api/v1/threads", e.token(anna), body)
	wantStatus(t, w, http.StatusCreated, "Bearer POST without browser headers")
}

func TestAPIHostileBodySanitised(t *testing.T) {
	e := newTestEnv(t)
	tok := e.token(e.user("anna@kreis-musterland.de", "member"))
	in, _ := json.Marshal(apiNewThread{TopicField: "umwelt", Title: "<script>alert(1)</script> Titel",
		Body: "[klick](javascript:alert(1)) <script>alert(2)</script> <img src=x onerror=alert(3)> **fett**"})
	w := e.api(http.MethodPost, "/api/v1/threads", tok, string(in))
	wantStatus(t, w, http.StatusCreated, "hostile thread")
	created := readJSON[apiCreatedThread](t, w, "hostile thread")

	th := readJSON[apiThread](t, e.api(http.MethodGet, "/api/v1/threads/"+itoa(created.ID), "", ""), "hostile thread")
	h := th.Posts[0].BodyHTML
	for _, bad := range []string{"<script", "<img", "javascript:", "onerror", "href"} {
		if strings.Contains(h, bad) {
			t.Errorf("body_html contains %q: %s", bad, h)
		}
	}
	if !strings.Contains(h, "<strong>fett</strong>") {
		t.Errorf("body_html lost the Markdown: %s", h)
	}
	// Title and body are data, returned as written; only body_html is HTML.
	if th.Title != "<script>alert(1)</script> Titel" || !strings.Contains(th.Posts[0].Body, "<script>alert(2)</script>") {
		t.Errorf("title %q / body %q not returned as written", th.Title, th.Posts[0].Body)
	}
	if got := w.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q", got)
	}
}

func TestAPIThreadPagination(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	th := e.thread(anna, "gesundheit", "Impfnachweise digital", "Beitrag 1")
	f := forum.New(e.db, 10)
	for i := 2; i <= 5; i++ {
		if _, err := f.Reply(t.Context(), anna, th.ID, "Beitrag "+itoa(int64(i))); err != nil {
			t.Fatal(err)
		}
	}
	path := "/api/v1/threads/" + itoa(th.ID)
	tests := []struct {
		query        string
		page, pages  int
		perPage      int
		firstNumbers []int
	}{
		{"", 1, 1, 50, []int{1, 2, 3, 4, 5}},
		{"?per_page=2", 1, 3, 2, []int{1, 2}},
		{"?page=2&per_page=2", 2, 3, 2, []int{3, 4}},
		{"?page=3&per_page=2", 3, 3, 2, []int{5}},
		{"?per_page=200", 1, 1, 200, []int{1, 2, 3, 4, 5}},
	}
	for _, tc := range tests {
		got := readJSON[apiThread](t, e.api(http.MethodGet, path+tc.query, "", ""), tc.query)
		var numbers []int
		for _, p := range got.Posts {
			numbers = append(numbers, p.Number)
			if p.Body != "Beitrag "+itoa(int64(p.Number)) {
				t.Errorf("%s: post %d body = %q", tc.query, p.Number, p.Body)
			}
		}
		if got.Page != tc.page || got.Pages != tc.pages || got.PerPage != tc.perPage || !slices.Equal(numbers, tc.firstNumbers) {
			t.Errorf("GET %s = page %d/%d per %d posts %v; want %d/%d per %d posts %v", tc.query,
				got.Page, got.Pages, got.PerPage, numbers, tc.page, tc.pages, tc.perPage, tc.firstNumbers)
		}
	}
	wantProblem(t, e, e.api(http.MethodGet, path+"?page=4&per_page=2", "", ""), http.StatusNotFound, "error.not_found", "page 4")

	// Anonymous reads may be cached; a logged-in caller's never are.
	if cc := e.api(http.MethodGet, path, "", "").Header().Get("Cache-Control"); strings.Contains(cc, "no-store") {
		t.Errorf("anonymous GET: Cache-Control = %q", cc)
	}
	if cc := e.api(http.MethodGet, path, e.token(anna), "").Header().Get("Cache-Control"); cc != privateNoStore {
		t.Errorf("GET with token: Cache-Control = %q, want no-store", cc)
	}
}

// TestAPICreateTellsPending checks that POST /api/v1/threads and
// .../posts tell the caller whether the new post waits for approval: a new
// member's first two posts do, the third and a moderator's do not.
func TestAPICreateTellsPending(t *testing.T) {
	e := newModEnv(t, func(o *Options, _ *authPolicy) { o.Forum = o.Forum.WithApprovalPosts(2) })
	newbie := map[string]string{"Authorization": "Bearer " + e.token(e.newbie)}
	mod := map[string]string{"Authorization": "Bearer " + e.token(e.modHere)}
	var created struct {
		ID      int64 `json:"id"`
		Pending *bool `json:"pending"`
	}
	decode := func(w *httptest.ResponseRecorder, what string) bool {
		t.Helper()
		wantStatus(t, w, http.StatusCreated, what)
		created.Pending = nil
		if err := json.Unmarshal(w.Body.Bytes(), &created); err != nil || created.Pending == nil {
			t.Fatalf("%s: body %s lacks pending (%v)", what, w.Body, err)
		}
		return *created.Pending
	}
	w := e.do(req{method: "POST", path: "/api/v1/threads", header: newbie,
		json: `{"topic_field": "familie-kind", "title": "Kita-Gebühren digital zahlen", "body": "Wer hat ePayBL angebunden?"}`})
	if !decode(w, "newbie's thread") {
		t.Error("newbie's thread: pending = false, want true")
	}
	// The newbie replies in the moderator's thread, which everyone sees.
	w = e.do(req{method: "POST", path: "/api/v1/threads", header: mod,
		json: `{"topic_field": "familie-kind", "title": "Kita-Anmeldung im Portal", "body": "Wie lange dauert die Anbindung?"}`})
	if decode(w, "moderator's thread") {
		t.Error("moderator's thread: pending = true, want false")
	}
	thread := "/api/v1/threads/" + itoa(created.ID) + "/posts"
	w = e.do(req{method: "POST", path: thread, header: newbie, json: `{"body": "Bei uns drei Monate."}`})
	if !decode(w, "newbie's second post") {
		t.Error("newbie's second post: pending = false, want true")
	}
	// Approving both lets the newbie's next post through.
	q, _, err := e.db.PendingPosts(t.Context(), store.Viewer{ModAll: true}, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range q {
		if err := e.db.ApprovePost(t.Context(), e.admin.ID, it.Post.ID); err != nil {
			t.Fatal(err)
		}
	}
	w = e.do(req{method: "POST", path: thread, header: newbie, json: `{"body": "Nachtrag: inklusive Test."}`})
	if decode(w, "newbie's third post") {
		t.Error("newbie's third post: pending = true, want false")
	}
}
