package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"kommunalforum/internal/store"
)

// question opens a member question as u in the field.
func (e *testEnv) question(u *store.User, field, title string) store.Thread {
	e.t.Helper()
	th, _, err := e.srv.forum.CreateThread(e.t.Context(), u, field, store.KindQuestion, title, "Wer kennt sich damit aus?")
	if err != nil {
		e.t.Fatalf("CreateThread(%q): %v", title, err)
	}
	return th
}

// threadCount counts the threads that are not deleted.
func (e *testEnv) threadCount() int {
	e.t.Helper()
	ts, err := e.db.LatestThreads(e.t.Context(), store.Viewer{AllFields: true}, 10000)
	if err != nil {
		e.t.Fatal(err)
	}
	return len(ts)
}

func TestAPISimilar(t *testing.T) {
	e := newTestEnv(t, withSearch(t))
	anna := e.user("anna@kreis-musterland.de", "member")
	bau := e.question(anna, "bauen-wohnen", "Gebühren für den digitalen Bauantrag")
	wohngeld := e.question(anna, "bauen-wohnen", "Gebuehren beim Wohngeld-Antrag")
	e.thread(anna, "bauen-wohnen", "Gebühren: eine Diskussion", "Nur eine Diskussion.")
	if _, err := e.srv.forum.Reply(t.Context(), anna, bau.ID, "Das regelt die Gebührensatzung."); err != nil {
		t.Fatal(err)
	}
	e.indexNow()

	w := e.get("/api/v1/similar?title="+url.QueryEscape("Welche Gebühren?"), nil)
	wantStatus(t, w, http.StatusOK, "similar")
	if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	got := readJSON[apiSimilarList](t, w, "similar")
	want := []apiSimilarQuestion{
		{ID: bau.ID, Title: bau.Title, URL: bau.URL(), TopicField: "bauen-wohnen", TopicFieldName: "Bauen & Wohnen",
			Status: store.StatusAnswered, Answers: 1},
		{ID: wohngeld.ID, Title: wohngeld.Title, URL: wohngeld.URL(), TopicField: "bauen-wohnen", TopicFieldName: "Bauen & Wohnen",
			Status: store.StatusOpen, Answers: 0},
	}
	// Both titles share one word with the query; the ranking between
	// them is the index's, so compare in ID order.
	slices.SortFunc(got.Items, func(a, b apiSimilarQuestion) int { return int(a.ID - b.ID) })
	if !slices.Equal(got.Items, want) {
		t.Errorf("similar items = %+v, want %+v", got.Items, want)
	}
	// The field names are the documented ones.
	var raw struct{ Items []map[string]any }
	if err := json.Unmarshal(w.Body.Bytes(), &raw); err != nil || len(raw.Items) == 0 {
		t.Fatalf("decode: %v", err)
	}
	var keys []string
	for k := range raw.Items[0] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"answers", "id", "status", "title", "topic_field", "topic_field_name", "url"}; !slices.Equal(keys, want) {
		t.Errorf("item keys = %v, want %v", keys, want)
	}

	for _, title := range []string{"", "ab", "  ab  ", "der die das", "100%", "%_%"} {
		w := e.get("/api/v1/similar?title="+url.QueryEscape(title), nil)
		wantStatus(t, w, http.StatusOK, "title "+title)
		if b := strings.TrimSpace(w.Body.String()); b != `{"items":[]}` {
			t.Errorf("title %q: body = %s, want no items", title, b)
		}
	}
	wantStatus(t, e.get("/api/v1/similar", nil), http.StatusOK, "no title")

	tooLong := strings.Repeat("ä", 151)
	for name, q := range map[string]string{
		"too long":     url.QueryEscape(tooLong),
		"control char": "Geb%01hren",
		"newline":      "Geb%0Ahren",
		"invalid UTF8": "Geb%FFhren",
	} {
		w := e.get("/api/v1/similar?title="+q, nil)
		p := wantProblem(t, e, w, http.StatusBadRequest, "similar.error.title", name)
		if p.Errors["title"] == "" {
			t.Errorf("%s: problem has no message for title: %+v", name, p)
		}
	}
	wantStatus(t, e.get("/api/v1/similar?title="+url.QueryEscape(strings.Repeat("ä", 150)), nil), http.StatusOK, "150 characters")

	w = e.do(req{method: http.MethodGet, path: "/api/v1/similar?title=" + url.QueryEscape(tooLong),
		header: map[string]string{"Accept-Language": "en-GB,en;q=0.9"}})
	wantStatus(t, w, http.StatusBadRequest, "too long in English")
	var p problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if want := e.srv.cat.T("en", "similar.error.title"); p.Detail != want {
		t.Errorf("English detail = %q, want %q", p.Detail, want)
	}
	if want := e.srv.cat.T("en", "error.input.too_long", 150, 151); p.Errors["title"] != want {
		t.Errorf("English errors.title = %q, want %q", p.Errors["title"], want)
	}
}

func TestAPISimilarLimit(t *testing.T) {
	e := newTestEnv(t, withSearch(t))
	anna := e.user("anna@kreis-musterland.de", "member")
	for i := range 7 {
		e.question(anna, "bildung", fmt.Sprintf("BAföG-Antrag Nummer %d", i))
	}
	e.indexNow()
	got := readJSON[apiSimilarList](t, e.get("/api/v1/similar?title=BAf%C3%B6G", nil), "seven matches")
	if len(got.Items) != 5 {
		t.Errorf("similar = %d items, want 5", len(got.Items))
	}
	// A logged-in caller gets the same list.
	w := e.get("/api/v1/similar?title=BAf%C3%B6G", e.session(anna))
	wantStatus(t, w, http.StatusOK, "logged in")
	if n := len(readJSON[apiSimilarList](t, w, "logged in").Items); n != 5 {
		t.Errorf("similar for a member = %d items, want 5", n)
	}
}

func TestNewThreadPreview(t *testing.T) {
	e := newTestEnv(t, withSearch(t))
	anna := e.user("anna@kreis-musterland.de", "member")
	ck := e.session(anna)
	old := e.question(anna, "bauen-wohnen", "Gebühren für den Wohngeldantrag")
	e.indexNow()
	before := e.threadCount()

	form := url.Values{"topic_field": {"bauen-wohnen"}, "kind": {"question"}, "title": {"Welche Gebuehren fallen an?"},
		"body": {"Wir planen **neue Gebühren**.\n\n<script>alert(1)</script>"}, "vorschau": {"1"}}
	w := e.post("/neues-thema", form, ck)
	wantStatus(t, w, http.StatusOK, "preview")
	wantBody(t, w, "preview",
		e.srv.cat.T("de", "similar.preview.title"),
		`<div class="post-body"><p>Wir planen <strong>neue Gebühren</strong>.</p>`,
		`value="Welche Gebuehren fallen an?"`, "Wir planen **neue Gebühren**.",
		`<option value="bauen-wohnen" selected>`, `value="question" checked`,
		e.srv.cat.T("de", "similar.heading"), `href="`+old.URL()+`"`, old.Title)
	if strings.Contains(w.Body.String(), "<script>alert") {
		t.Error("preview: the body's <script> appears unescaped")
	}
	if strings.Contains(w.Body.String(), `class="error-summary"`) {
		t.Error("preview of valid input shows an error summary")
	}
	if n := e.threadCount(); n != before {
		t.Errorf("threads after preview = %d, want %d", n, before)
	}

	// Invalid input: the errors as usual, the preview all the same.
	form = url.Values{"topic_field": {"bauen-wohnen"}, "kind": {"question"}, "title": {"ab"}, "body": {"Nur *kurz*."}, "vorschau": {"1"}}
	w = e.post("/neues-thema", form, ck)
	wantStatus(t, w, http.StatusOK, "preview with errors")
	wantBody(t, w, "preview with errors", `class="error-summary"`, e.srv.cat.T("de", "error.input.too_short", 5),
		"<em>kurz</em>", e.srv.cat.T("de", "similar.none"))
	if n := e.threadCount(); n != before {
		t.Errorf("threads after invalid preview = %d, want %d", n, before)
	}

	// The same form without the preview button publishes.
	form.Del("vorschau")
	form.Set("title", "Welche Gebühren fallen an?")
	wantStatus(t, e.post("/neues-thema", form, ck), http.StatusSeeOther, "publish")
	if n := e.threadCount(); n != before+1 {
		t.Errorf("threads after publishing = %d, want %d", n, before+1)
	}
}

func TestNewThreadPageLoadsSimilarScript(t *testing.T) {
	e := newTestEnv(t)
	ck := e.session(e.user("anna@kreis-musterland.de", "member"))
	w := e.get("/neues-thema", ck)
	wantStatus(t, w, http.StatusOK, "new thread form")
	m := regexp.MustCompile(`<script src="(/assets/js/similar\.js\?v=[0-9a-f]+)" defer></script>`).FindStringSubmatch(w.Body.String())
	if m == nil {
		t.Fatal("new thread form does not load js/similar.js")
	}
	wantBody(t, w, "new thread form", `data-similar-for="f-title"`, `data-similar-url="/api/v1/similar"`,
		`id="similar-list"`, `aria-live="polite"`, `name="vorschau" value="1"`)
	if !regexp.MustCompile(`<section class="notice" id="similar"[^>]* hidden>`).MatchString(w.Body.String()) {
		t.Error("the similar-questions box is not hidden while empty")
	}
	js := e.get(m[1], nil)
	wantStatus(t, js, http.StatusOK, "similar.js")
	if !strings.Contains(js.Body.String(), "AbortController") {
		t.Error("similar.js served without its content")
	}
}

// TestSimilarStatusTexts: the suggestion list names each question status
// through a key built at run time, which TestCatalogueKeysExist cannot see.
func TestSimilarStatusTexts(t *testing.T) {
	e := newTestEnv(t)
	for _, st := range []string{store.StatusOpen, store.StatusAnswered, store.StatusSolved} {
		if k := "similar.status." + st; e.srv.cat.T("de", k) == k || e.srv.cat.T("en", k) == k {
			t.Errorf("no catalogue text for status %q", st)
		}
	}
}
