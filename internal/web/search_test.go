package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"kommunalforum/internal/search"
	"kommunalforum/internal/store"
)

// withSearch gives the test server a real bleve index in a temp dir. The
// indexer does not run; tests call e.indexNow (or start it themselves).
func withSearch(t testing.TB) func(*Options, *authPolicy) {
	return func(o *Options, _ *authPolicy) {
		idx, err := search.Open(o.DB, filepath.Join(t.TempDir(), "search.bleve"),
			search.Options{Interval: time.Second, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { idx.Close() })
		o.Search = idx
	}
}

// indexNow applies the search queue (and a pending first build).
func (e *testEnv) indexNow() {
	e.t.Helper()
	idx := e.srv.opt.Search
	if idx.Building() {
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { idx.Run(ctx); close(done) }()
		for idx.Building() {
			time.Sleep(5 * time.Millisecond)
		}
		stop()
		<-done
	}
	if _, err := idx.ApplyQueue(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// reply posts a published reply as u and returns its ID.
func (e *testEnv) replyAs(u *store.User, threadID int64, body string) int64 {
	e.t.Helper()
	id, err := e.db.CreatePost(context.Background(), threadID, u.ID, body, "<p>x</p>")
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// apiSearchAs runs the search API as the cookie's user and returns the
// decoded answer and its raw text.
func apiSearchAs(t *testing.T, e *testEnv, q string, ck *http.Cookie) (apiSearchResult, string) {
	t.Helper()
	w := e.get("/api/v1/search?q="+url.QueryEscape(q), ck)
	wantStatus(t, w, http.StatusOK, "search "+q)
	return readJSON[apiSearchResult](t, w, "search "+q), w.Body.String()
}

func TestSearchAPIContract(t *testing.T) {
	e := newTestEnv(t, withSearch(t))
	anna := e.user("anna@kreis-musterland.de", "member")
	th := e.thread(anna, "bauen-wohnen", "Digitaler Bauantrag im Landkreis", "Wie läuft der **Bauantrag** bei Ihnen? <script>x</script>")
	e.indexNow()

	w := e.get("/api/v1/search?q=Antrag&page=1", nil)
	wantStatus(t, w, http.StatusOK, "search")
	var raw map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"total", "hits", "facets"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("response lacks %q: %s", k, w.Body)
		}
	}
	hits := raw["hits"].([]any)
	if len(hits) != 1 {
		t.Fatalf("hits = %v", hits)
	}
	hit := hits[0].(map[string]any)
	for _, k := range []string{"thread_id", "post_id", "title", "topic_field", "kind", "snippet_html", "url"} {
		if _, ok := hit[k]; !ok {
			t.Errorf("hit lacks %q: %v", k, hit)
		}
	}
	res := readJSON[apiSearchResult](t, w, "search")
	h := res.Hits[0]
	if h.ThreadID != th.ID || h.Title != th.Title || h.TopicField != "bauen-wohnen" || h.Kind != store.KindDiscussion ||
		!strings.HasPrefix(h.URL, "/beitrag/") || res.Total != 1 {
		t.Errorf("hit = %+v", h)
	}
	if !strings.Contains(h.SnippetHTML, "<mark>Bauantrag</mark>") || strings.Contains(h.SnippetHTML, "<script>") {
		t.Errorf("snippet = %q", h.SnippetHTML)
	}
	if f := res.Facets["themenfeld"]; len(f) != 1 || f[0].Value != "bauen-wohnen" || f[0].Count != 1 {
		t.Errorf("facets = %+v", res.Facets)
	}
	// The permalink leads to the post.
	if w := e.get(h.URL, nil); w.Code != http.StatusFound && w.Code != http.StatusMovedPermanently && w.Code != http.StatusSeeOther {
		t.Errorf("GET %s = %d", h.URL, w.Code)
	}

	// Bad queries are 400 problems with a German explanation.
	for q, key := range map[string]string{
		"typ:foo":               "search.error.bad_value",
		"farbe:blau":            "search.error.unknown_filter",
		"vor:2026-13-01":        "search.error.bad_date",
		"themenfeld:gibtsnicht": "search.error.unknown_field",
		"a*":                    "search.error.short_prefix",
	} {
		w := e.get("/api/v1/search?q="+url.QueryEscape(q), nil)
		wantStatus(t, w, http.StatusBadRequest, q)
		var p problem
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Detail == "" || p.Detail == key {
			t.Errorf("%s: problem = %+v (%v)", q, p, err)
		}
		// The results page shows the same message and the form.
		pw := e.get("/suche?q="+url.QueryEscape(q), nil)
		wantStatus(t, pw, http.StatusBadRequest, "page "+q)
		wantBody(t, pw, "page "+q, `role="search"`, `class="error-summary"`)
	}
	wantStatus(t, e.get("/api/v1/search?q=x&page=0", nil), http.StatusBadRequest, "page 0")
	wantStatus(t, e.get("/api/v1/search?q=x&sort=alpha", nil), http.StatusBadRequest, "bad sort")
}

func TestSearchPage(t *testing.T) {
	e := newTestEnv(t, withSearch(t))
	anna := e.user("anna@kreis-musterland.de", "member")
	for i := range 25 {
		e.thread(anna, "bauen-wohnen", "Glasfaser im Ortsteil", "Der Glasfaser-Ausbau Nummer "+itoa(int64(i)))
	}
	e.question(anna, "familie-kind", "Glasfaser für Kitas?")
	e.indexNow()
	w := e.get("/suche?q=Glasfaser", nil)
	wantStatus(t, w, http.StatusOK, "results")
	wantBody(t, w, "results", "26 Treffer", `<mark>Glasfaser</mark>`, `class="search-hit"`, `href="/beitrag/`,
		`href="/suche?q=Glasfaser&#43;themenfeld%3Afamilie-kind"`, "Familie &amp; Kind <span class=\"search-facet-count\">(1)</span>",
		`class="pagination"`, `href="/suche?q=Glasfaser&amp;seite=2"`, `href="/suche?q=Glasfaser&amp;sort=datum"`)
	if n := strings.Count(w.Body.String(), `class="search-hit"`); n != searchPerPage {
		t.Errorf("page 1 shows %d hits, want %d", n, searchPerPage)
	}
	w = e.get("/suche?q=Glasfaser&seite=2", nil)
	if n := strings.Count(w.Body.String(), `class="search-hit"`); n != 6 {
		t.Errorf("page 2 shows %d hits, want 6", n)
	}
	// A facet narrows; the active one links back to the query without it.
	w = e.get("/suche?q="+url.QueryEscape("Glasfaser themenfeld:familie-kind"), nil)
	wantBody(t, w, "facet", "1 Treffer", `<a href="/suche?q=Glasfaser" aria-current="true" class="is-active">`)
	// What a hit shows: title, type and status, field, author and date.
	wantBody(t, w, "hit", `>Glasfaser für Kitas?</a>`, `>Frage</span>`, `>Offen</span>`,
		`<p class="meta">Familie &amp; Kind · anna · <time datetime="`)
	// A typo within one edit: "Meinten Sie …?"
	w = e.get("/suche?q=Glasfasr", nil)
	wantBody(t, w, "typo", "Meinten Sie", `<a href="/suche?q=Glasfaser">Glasfaser</a>`)
	// No query: the form only.
	w = e.get("/suche", nil)
	wantStatus(t, w, http.StatusOK, "empty")
	if strings.Contains(w.Body.String(), "search-count") {
		t.Error("the empty search page shows a count")
	}
	// Every page has the header search box.
	wantBody(t, e.get("/", nil), "home", `<form class="header-search" role="search" method="get" action="/suche">`,
		`<label class="visually-hidden" for="header-search-q">`)
}

// TestSearchLeak plants canary words where the searcher may not look: a
// thread in a protected field, a hidden post, a deleted post, a post
// waiting for approval, a hidden thread and a draft FAQ entry. Nobody
// entitled only to the open fields may find them in hits, totals, facets
// or snippets, on the page or through the API.
func TestSearchLeak(t *testing.T) {
	e := newTestEnv(t, withSearch(t), func(o *Options, _ *authPolicy) { o.Forum = o.Forum.WithApprovalPosts(1) })
	ctx := context.Background()
	admin := e.user("admin@kreis-musterland.de", "admin")
	mod := e.user("mod@kreis-musterland.de", "admin")
	anna := e.user("anna@kreis-musterland.de", "member")
	insider := e.user("insider@kreis-musterland.de", "member")
	newbie := e.user("neu@kreis-musterland.de", "member")

	g, err := e.db.CreateGroup(ctx, admin.ID, "gremium", "Gremium")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.AddGroupMember(ctx, admin.ID, g.ID, insider.ID); err != nil {
		t.Fatal(err)
	}
	intern, err := e.db.TopicFieldBySlug(ctx, "familie-kind")
	if err != nil {
		t.Fatal(err)
	}
	// Written while the field was still open, then the field is protected.
	e.thread(anna, "familie-kind", "Kanal intern", "Kanarienprotected Kanalsanierung im Gremium")
	if err := e.db.SetTopicFieldGroup(ctx, admin.ID, intern.ID, g.ID); err != nil {
		t.Fatal(err)
	}

	// Visible control content shares a word with every canary.
	open := e.thread(anna, "bauen-wohnen", "Kanal offen", "Sichtbar Kanalsanierung offen")
	hidden := e.replyAs(anna, open.ID, "Kanarienhidden Kanalsanierung")
	deleted := e.replyAs(anna, open.ID, "Kanariendeleted Kanalsanierung")
	hiddenThread := e.thread(anna, "bauen-wohnen", "Kanarienthread", "Kanalsanierung verborgen")
	// newbie's first post waits for approval (approval_posts = 1).
	w := e.do(req{method: http.MethodPost, path: "/api/v1/threads/" + itoa(open.ID) + "/posts",
		json: `{"body":"Kanarienpending Kanalsanierung"}`, header: map[string]string{"Authorization": "Bearer " + e.token(newbie)}})
	wantStatus(t, w, http.StatusCreated, "pending post")
	if _, err := e.db.CreateFAQEntry(ctx, store.NewFAQEntry{TopicFieldID: open.TopicFieldID, OwnerID: admin.ID,
		Question: "Kanarienfaq?", Answer: "Kanalsanierung Entwurf", AnswerHTML: "<p>x</p>"}); err != nil {
		t.Fatal(err)
	}
	// Indexed while still visible, so the queue has to take them out.
	e.indexNow()
	for _, c := range []string{"Kanarienhidden", "Kanariendeleted", "Kanarienthread"} {
		if res, _ := apiSearchAs(t, e, c, nil); res.Total != 1 {
			t.Fatalf("before moderation: %s total %d, want 1", c, res.Total)
		}
	}
	if err := e.db.HidePost(ctx, mod.ID, hidden, "Spam"); err != nil {
		t.Fatal(err)
	}
	if err := e.db.DeletePost(ctx, deleted, anna.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.db.ModerateThread(ctx, mod.ID, hiddenThread.ID, store.ThreadHide, "weg"); err != nil {
		t.Fatal(err)
	}
	e.indexNow()

	canaries := []string{"Kanarienprotected", "Kanarienhidden", "Kanariendeleted", "Kanarienpending", "Kanarienthread", "Kanarienfaq"}
	queries := append([]string{"Kanalsanierung", "Kanarien*", "Kanal*", "Kanalsanierung themenfeld:bauen-wohnen",
		"typ:diskussion", "von:anna", "-Sichtbar"}, canaries...)
	for _, who := range []struct {
		name string
		ck   *http.Cookie
	}{{"anonymous", nil}, {"member", e.session(anna)}, {"newbie", e.session(newbie)}} {
		for _, q := range queries {
			res, body := apiSearchAs(t, e, q, who.ck)
			page := e.get("/suche?q="+url.QueryEscape(q), who.ck).Body.String()
			// The page repeats the query in its title and form; what it
			// found starts below the syntax help.
			if i := strings.Index(page, `class="search-help"`); i > 0 {
				page = page[i:]
			} else {
				t.Fatalf("%s, %q: no results section", who.name, q)
			}
			for _, c := range canaries {
				low := strings.ToLower(c)
				if strings.Contains(strings.ToLower(body), low) || strings.Contains(strings.ToLower(page), low) {
					t.Errorf("%s, %q: canary %s leaks", who.name, q, c)
				}
			}
			if strings.Contains(page, "Gremium") || strings.Contains(body, "familie-kind") {
				t.Errorf("%s, %q: the protected field shows up", who.name, q)
			}
			// Only the opening post of the open thread is visible: totals
			// and facet counts may not count more.
			if res.Total > 1 {
				t.Errorf("%s, %q: total %d, want at most 1 (%s)", who.name, q, res.Total, body)
			}
			for k, fs := range res.Facets {
				for _, f := range fs {
					if f.Count > 1 {
						t.Errorf("%s, %q: facet %s:%s counts %d", who.name, q, k, f.Value, f.Count)
					}
				}
			}
		}
		// Searching for a canary finds nothing at all.
		for _, c := range canaries {
			if res, _ := apiSearchAs(t, e, c, who.ck); res.Total != 0 || len(res.Hits) != 0 {
				t.Errorf("%s: %s found: %+v", who.name, c, res)
			}
		}
	}
	if res, _ := apiSearchAs(t, e, "Kanalsanierung", nil); res.Total != 1 || len(res.Hits) != 1 {
		t.Errorf("anonymous: Kanalsanierung total %d, want 1", res.Total)
	}
	// Positive controls: the group member finds the protected thread, and
	// the page for a canary query shows no hit even where the word is echoed.
	if res, _ := apiSearchAs(t, e, "Kanarienprotected", e.session(insider)); res.Total != 1 {
		t.Errorf("insider: Kanarienprotected total %d, want 1", res.Total)
	}
	if res, _ := apiSearchAs(t, e, "Kanalsanierung", e.session(admin)); res.Total != 2 {
		t.Errorf("admin: Kanalsanierung total %d, want 2 (open + protected)", res.Total)
	}
}

// TestSearchFollowsChangesWithinTwoSeconds runs the real indexer (interval
// 1 s, no wake-ups): moving a thread into a protected field and hiding a
// post must vanish from outsiders' results within 2 s.
func TestSearchFollowsChangesWithinTwoSeconds(t *testing.T) {
	e := newTestEnv(t, withSearch(t))
	ctx := context.Background()
	admin := e.user("admin@kreis-musterland.de", "admin")
	anna := e.user("anna@kreis-musterland.de", "member")
	g, err := e.db.CreateGroup(ctx, admin.ID, "gremium", "Gremium")
	if err != nil {
		t.Fatal(err)
	}
	intern, _ := e.db.TopicFieldBySlug(ctx, "familie-kind")
	if err := e.db.SetTopicFieldGroup(ctx, admin.ID, intern.ID, g.ID); err != nil {
		t.Fatal(err)
	}
	moved := e.thread(anna, "bauen-wohnen", "Umzugskarton", "Umzugskarton wird verschoben")
	other := e.thread(anna, "bauen-wohnen", "Bleibt", "Bleibt hier")
	hideMe := e.replyAs(anna, other.ID, "Schuhkarton wird ausgeblendet")
	e.indexNow()
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { e.srv.opt.Search.Run(runCtx); close(done) }()
	t.Cleanup(func() { stop(); <-done })

	tok := e.token(admin)
	for _, step := range []struct {
		word string
		do   func()
	}{
		{"Umzugskarton", func() {
			w := e.do(req{method: http.MethodPost, path: "/api/v1/threads/" + itoa(moved.ID) + "/move",
				json: `{"topic_field":"familie-kind","reason":"intern"}`, header: map[string]string{"Authorization": "Bearer " + tok}})
			wantStatus(t, w, http.StatusOK, "move")
		}},
		{"Schuhkarton", func() {
			w := e.do(req{method: http.MethodPost, path: "/api/v1/posts/" + itoa(hideMe) + "/hide",
				json: `{"reason":"Spam"}`, header: map[string]string{"Authorization": "Bearer " + tok}})
			wantStatus(t, w, http.StatusOK, "hide")
		}},
	} {
		if res, _ := apiSearchAs(t, e, step.word, nil); res.Total != 1 {
			t.Fatalf("%s before: total %d", step.word, res.Total)
		}
		start := time.Now()
		step.do()
		for {
			res, _ := apiSearchAs(t, e, step.word, nil)
			if res.Total == 0 {
				t.Logf("%s gone after %v", step.word, time.Since(start).Round(time.Millisecond))
				break
			}
			if time.Since(start) > 2*time.Second {
				t.Fatalf("%s still found after 2 s", step.word)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// The moved thread stays findable for those who may see the field.
	if res, _ := apiSearchAs(t, e, "Umzugskarton", e.session(admin)); res.Total != 1 {
		t.Errorf("admin after move: total %d", res.Total)
	}
}

func TestSearchUnavailableWithoutIndex(t *testing.T) {
	e := newTestEnv(t)
	wantBody(t, e.get("/suche?q=x", nil), "page", e.srv.cat.T("de", "search.unavailable"))
	wantStatus(t, e.get("/api/v1/search?q=x", nil), http.StatusServiceUnavailable, "api")
}

// TestSearchFacetLabels: facet values are shown through keys built at run
// time, which TestCatalogueKeysExist cannot see.
func TestSearchFacetLabels(t *testing.T) {
	e := newTestEnv(t)
	var missing []string
	for _, k := range []string{"typ.frage", "typ.diskussion", "typ.pm", "typ.faq", "status.offen", "status.beantwortet",
		"status.geloest", "amtlich.ja", "amtlich.nein"} {
		for _, lang := range []string{"de", "en"} {
			if key := "search.value." + k; e.srv.cat.T(lang, key) == key {
				missing = append(missing, lang+":"+key)
			}
		}
	}
	for _, k := range append(slices.Clone(search.FacetKeys), "relevanz", "datum") {
		key := "search.facets." + k
		if slices.Contains([]string{"relevanz", "datum"}, k) {
			key = "search.sort." + k
		}
		if e.srv.cat.T("en", key) == key {
			missing = append(missing, key)
		}
	}
	if len(missing) > 0 {
		t.Errorf("missing catalogue texts: %v", missing)
	}
}
