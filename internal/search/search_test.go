package search

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"kommunalforum/internal/store"
)

// fixture is a real SQLite file and a real bleve index in a temp dir.
type fixture struct {
	t      testing.TB
	db     *store.DB
	idx    *Index
	fields []store.TopicField // every field (admin view)
	anna   store.User         // "Anna Müller"
	bernd  store.User         // "Bernd Schulz"
	now    time.Time
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "forum.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{t: t, db: db, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	db.SetClock(func() time.Time { f.now = f.now.Add(time.Minute); return f.now })
	if err := db.EnsureTopicFields(ctx, []store.TopicField{
		{Slug: "bauen-wohnen", Name: "Bauen & Wohnen", Position: 10},
		{Slug: "familie-kind", Name: "Familie & Kind", Position: 20},
		{Slug: "intern", Name: "Intern", Position: 30},
	}); err != nil {
		t.Fatal(err)
	}
	f.fields, err = db.TopicFields(ctx, store.Viewer{AllFields: true}, true)
	if err != nil {
		t.Fatal(err)
	}
	f.anna = f.user("anna@example.de", "Anna Müller")
	f.bernd = f.user("bernd@example.de", "Bernd Schulz")
	f.idx, err = Open(db, filepath.Join(dir, "search.bleve"), Options{BatchSize: 100, Interval: 50 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.idx.Close() })
	// A fresh index is built once; with nothing in the database that is quick.
	if !f.idx.Building() {
		t.Fatal("a new index should need a build")
	}
	if err := f.idx.rebuild(ctx, 0); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) user(email, name string) store.User {
	f.t.Helper()
	u, err := f.db.CreateUser(context.Background(), store.NewUser{Email: email, DisplayName: name, Role: store.RoleMember,
		OrgType: "sonstige", Status: store.StatusActive}, nil, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

func (f *fixture) field(slug string) store.TopicField {
	for _, fl := range f.fields {
		if fl.Slug == slug {
			return fl
		}
	}
	f.t.Fatalf("no field %s", slug)
	return store.TopicField{}
}

// thread opens a thread and returns its ID and the opening post's ID.
func (f *fixture) thread(field, kind string, author store.User, title, body string) (int64, int64) {
	f.t.Helper()
	tid, pid, err := f.db.CreateThread(context.Background(), store.NewThread{TopicFieldID: f.field(field).ID,
		AuthorID: author.ID, Kind: kind, Title: title, Slug: "s", Body: body, BodyHTML: "<p>x</p>"})
	if err != nil {
		f.t.Fatal(err)
	}
	return tid, pid
}

func (f *fixture) reply(threadID int64, author store.User, body string) int64 {
	f.t.Helper()
	id, err := f.db.CreatePost(context.Background(), threadID, author.ID, body, "<p>x</p>")
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// apply runs the indexer once.
func (f *fixture) apply() {
	f.t.Helper()
	if _, err := f.idx.ApplyQueue(context.Background()); err != nil {
		f.t.Fatal(err)
	}
}

// search runs q as v with the fields v may see.
func (f *fixture) searchAs(v store.Viewer, q string, mod ...func(*Request)) (Result, error) {
	f.t.Helper()
	ctx := context.Background()
	fields, err := f.db.TopicFields(ctx, v, true)
	if err != nil {
		f.t.Fatal(err)
	}
	all, err := f.db.TopicFields(ctx, store.Viewer{AllFields: true}, true)
	if err != nil {
		f.t.Fatal(err)
	}
	r := Request{Query: q, Viewer: v, Fields: fields, AllFields: all, Page: 1, PerPage: 20}
	for _, m := range mod {
		m(&r)
	}
	return f.idx.Search(ctx, r)
}

func (f *fixture) search(q string, mod ...func(*Request)) Result {
	f.t.Helper()
	res, err := f.searchAs(store.Viewer{}, q, mod...)
	if err != nil {
		f.t.Fatalf("Search(%q): %v", q, err)
	}
	return res
}

// bodies lists the first word of each hit's body: the tests plant a
// unique marker word there.
func bodies(res Result) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, strings.Fields(h.Body)[0])
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// corpus plants a small German corpus; each body starts with a marker.
func (f *fixture) corpus() {
	f.thread("bauen-wohnen", store.KindQuestion, f.anna, "Bauantrag digital einreichen",
		"M1 Wie stellen wir den Bauantrag über das Bürgerportal?")
	t2, _ := f.thread("familie-kind", store.KindQuestion, f.bernd, "Wohngeld für Familien",
		"M2 Der Wohngeldantrag der Gemeinden läuft noch auf Papier.")
	f.reply(t2, f.anna, "M3 Unsere Anträge gehen seit 2025 digital ein, der Antrag ist einfach.")
	f.thread("familie-kind", store.KindDiscussion, f.anna, "Elterngeld Digital",
		"M4 Elterngeld digitalisieren: Erfahrungen mit der Digitalisierung gesucht.")
	f.thread("bauen-wohnen", store.KindPM, f.bernd, "Frage an das PM zur Schnittstelle",
		"M5 Welche Schnittstelle nutzt das Buergerportal für den Antrag auf Baugenehmigung?")
	f.apply()
}

func TestGermanAnalysis(t *testing.T) {
	f := newFixture(t)
	f.corpus()
	tests := []struct {
		q    string
		want []string
	}{
		{"Anträge", []string{"M3", "M5", "M1", "M2"}}, // stemming + compounds (Bauantrag, Wohngeldantrag)
		{"Antrag", []string{"M3", "M5", "M1", "M2"}},
		{"Gemeinde", []string{"M2"}},            // Gemeinden
		{"Buergerportal", []string{"M1", "M5"}}, // Bürgerportal and Buergerportal
		{"Bürgerportal", []string{"M1", "M5"}},
		{"wohngeld", []string{"M2"}},
		{"WOHNGELDANTRAG", []string{"M2"}},
		{"Digitalisierung", []string{"M4"}},
	}
	for _, tt := range tests {
		res := f.search(tt.q)
		if got := bodies(res); !slices.Equal(sorted(got), sorted(tt.want)) {
			t.Errorf("Search(%q) = %v, want %v", tt.q, got, tt.want)
		}
		if res.Total != len(tt.want) {
			t.Errorf("Search(%q).Total = %d, want %d", tt.q, res.Total, len(tt.want))
		}
	}
}

func TestCompoundsRankBelowExact(t *testing.T) {
	f := newFixture(t)
	f.corpus()
	got := bodies(f.search("Antrag"))
	// M3 and M5 say "Antrag"/"Anträge"; M1 (Bauantrag) and M2
	// (Wohngeldantrag) only contain it as the end of a compound.
	if len(got) != 4 || !slices.Equal(sorted(got[:2]), []string{"M3", "M5"}) {
		t.Fatalf("Search(Antrag) order = %v, want M3 and M5 before M1 and M2", got)
	}
}

// TestHyphenatedWords: a word with hyphens is one term of the index
// (withHyphenJoins), not a phrase of its parts.
func TestHyphenatedWords(t *testing.T) {
	f := newFixture(t)
	f.thread("bauen-wohnen", store.KindDiscussion, f.anna, "Akten", "H1 Die E-Akte ist seit Mai eingeführt.")
	f.thread("bauen-wohnen", store.KindDiscussion, f.anna, "Post", "H2 Per E-Mail kommt die Akte nicht.")
	f.thread("bauen-wohnen", store.KindDiscussion, f.anna, "Software", "H3 Wer hat Erfahrung mit E-Akte-Software?")
	f.thread("bauen-wohnen", store.KindDiscussion, f.anna, "Landkreis", "H4 Die eAkte im Landkreis läuft.")
	f.thread("bauen-wohnen", store.KindDiscussion, f.anna, "Gremium", "H5 Der IT-Planungsrat beschließt; die Ende-zu-Ende-Digitalisierung folgt.")
	f.thread("bauen-wohnen", store.KindDiscussion, f.anna, "Planung", "H6 Die IT plant, der Planungsrat tagt.")
	f.apply()
	tests := []struct {
		q    string
		want []string
	}{
		{"E-Akte", []string{"H1", "H3", "H4"}},     // also in a longer hyphenated word, and written together
		{"eAkte", []string{"H1", "H3", "H4"}},      // the same term
		{`"E-Akte"`, []string{"H1", "H3"}},         // quoted: the phrase of its parts
		{"Akte", []string{"H1", "H2", "H3"}},       // the part alone
		{"Akte-Software", []string{"H3"}},          // a later run of parts
		{"IT-Planungsrat", []string{"H5"}},         // not H6, which has both parts apart
		{"Planungsrat", []string{"H5", "H6"}},      // the part
		{"Ende-zu-Ende", []string{"H5"}},           // with a stop word inside
		{"E-Akte -Software", []string{"H1", "H4"}}, // excluded
		{"E-Akte OR IT-Planungsrat", []string{"H1", "H3", "H4", "H5"}},
	}
	for _, tt := range tests {
		res := f.search(tt.q)
		if got := bodies(res); !slices.Equal(sorted(got), sorted(tt.want)) {
			t.Errorf("Search(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
	// One typo in a hyphenated word: found through its joined term, and
	// the suggestion writes the word as the hit does.
	for q, want := range map[string]string{"IT-Planungsrad": "IT-Planungsrat", "Ende-zu-Endo": "Ende-zu-Ende"} {
		res := f.search(q)
		if got := bodies(res); !slices.Equal(got, []string{"H5"}) || res.Suggestion != want {
			t.Errorf("Search(%q) = %v, suggestion %q; want [H5], %q", q, got, res.Suggestion, want)
		}
	}
	res := f.search("E-Akte")
	for _, h := range res.Hits {
		if !strings.Contains(h.SnippetHTML, "<mark>") {
			t.Errorf("snippet of %q marks nothing: %q", h.Body, h.SnippetHTML)
		}
	}
}

func TestQuerySyntax(t *testing.T) {
	f := newFixture(t)
	f.corpus()
	tests := []struct {
		q    string
		want []string
	}{
		{"digital Antrag", []string{"M1", "M3"}},              // AND (M1: "digital" and "Bauantrag")
		{`"Antrag ist einfach"`, []string{"M3"}},              // phrase
		{`"einfach Antrag"`, nil},                             // phrase order
		{`"Antrag auf Baugenehmigung"`, []string{"M5"}},       // phrase across a stop word
		{"Antrag -Schnittstelle", []string{"M3", "M1", "M2"}}, // exclusion
		{`Antrag -"auf Papier"`, []string{"M3", "M5", "M1"}},  // excluded phrase
		{"Elterngeld OR Wohngeld", []string{"M4", "M2"}},      // OR
		{"Elterngeld OR Wohngeld Papier", []string{"M2"}},     // (a OR b) AND c
		{"digital*", []string{"M4", "M1", "M3"}},              // prefix
		{"digitali*", []string{"M4"}},
		{"Schnitt*", []string{"M5"}},                             // prefix in title and body
		{"themenfeld:bauen-wohnen Antrag", []string{"M1", "M5"}}, // field filter
		{"typ:frage", []string{"M1", "M2", "M3"}},
		{"typ:diskussion", []string{"M4"}},
		{"typ:pm", []string{"M5"}},
		{"typ:frage typ:pm Schnittstelle", []string{"M5"}},
		{"status:offen", []string{"M1", "M5"}},
		{"status:beantwortet", []string{"M2", "M3"}},
		{"von:anna-mueller", []string{"M1", "M3", "M4"}}, // name as slug, umlaut spelled out
		{"von:Müller", []string{"M1", "M3", "M4"}},
		{"von:schulz Antrag", []string{"M2", "M5"}},
		{"-typ:frage", []string{"M4", "M5"}},
		{"amtlich:ja", nil},
		{"und", nil}, // only a stop word
	}
	for _, tt := range tests {
		got := bodies(f.search(tt.q))
		if !slices.Equal(sorted(got), sorted(tt.want)) {
			t.Errorf("Search(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestDateFilters(t *testing.T) {
	f := newFixture(t)
	f.now = time.Date(2025, 5, 31, 22, 30, 0, 0, time.UTC) // 1 June in Berlin (00:31)
	f.thread("bauen-wohnen", store.KindQuestion, f.anna, "Alt", "D1 Kita")
	f.now = time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	f.thread("bauen-wohnen", store.KindQuestion, f.anna, "Neu", "D2 Kita")
	f.apply()
	tests := []struct {
		q    string
		want []string
	}{
		{"Kita vor:2026-01-01", []string{"D1"}},
		{"Kita nach:2025-06-01", []string{"D2"}}, // nach: is after that day
		{"Kita nach:2025-05-31", []string{"D1", "D2"}},
		{"Kita vor:2025-06-01", nil},
		{"Kita vor:2025-06-02", []string{"D1"}},
		{"Kita nach:2025-01-01 vor:2026-12-31", []string{"D1", "D2"}},
	}
	for _, tt := range tests {
		if got := bodies(f.search(tt.q)); !slices.Equal(sorted(got), sorted(tt.want)) {
			t.Errorf("Search(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
	// Sorting by date puts the newest first.
	if got := bodies(f.search("Kita", func(r *Request) { r.ByDate = true })); !slices.Equal(got, []string{"D2", "D1"}) {
		t.Errorf("Search(Kita, by date) = %v, want [D2 D1]", got)
	}
}

func TestOfficialAndFAQ(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pm := f.user("pm@example.de", "PM Team")
	tid, _ := f.thread("bauen-wohnen", store.KindPM, f.anna, "Schnittstelle XBau", "O1 Welche Version gilt?")
	answer := f.reply(tid, pm, "O2 Es gilt XBau 2.3 amtlich.")
	if err := f.db.MarkOfficial(ctx, pm.ID, answer, "OZG-PM"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CreateFAQEntry(ctx, store.NewFAQEntry{TopicFieldID: f.field("bauen-wohnen").ID, OwnerID: pm.ID,
		Question: "Welche XBau-Version?", Answer: "F1 XBau 2.3 ab Juli.", AnswerHTML: "<p>x</p>", Publish: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CreateFAQEntry(ctx, store.NewFAQEntry{TopicFieldID: f.field("bauen-wohnen").ID, OwnerID: pm.ID,
		Question: "Entwurf XBau", Answer: "F2 XBau Entwurf", AnswerHTML: "<p>x</p>"}); err != nil {
		t.Fatal(err)
	}
	f.apply()
	tests := []struct {
		q    string
		want []string
	}{
		{"XBau", []string{"O1", "O2", "F1"}}, // the draft F2 is not indexed
		{"XBau amtlich:ja", []string{"O2"}},
		{"XBau typ:faq", []string{"F1"}},
		{"XBau amtlich:nein", []string{"O1", "F1"}},
	}
	for _, tt := range tests {
		if got := bodies(f.search(tt.q)); !slices.Equal(sorted(got), sorted(tt.want)) {
			t.Errorf("Search(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
	res := f.search("XBau typ:faq")
	if len(res.Hits) != 1 || res.Hits[0].URL() != "/faq/1" || res.Hits[0].Title != "Welche XBau-Version?" {
		t.Errorf("FAQ hit = %+v", res.Hits)
	}
}

func TestFacets(t *testing.T) {
	f := newFixture(t)
	f.corpus()
	res := f.search("Antrag")
	got := map[string]int{}
	for _, k := range FacetKeys {
		for _, fc := range res.Facets[k] {
			got[k+":"+fc.Value] = fc.Count
		}
	}
	want := map[string]int{"themenfeld:bauen-wohnen": 2, "themenfeld:familie-kind": 2, "typ:frage": 3, "typ:pm": 1,
		"status:offen": 2, "status:beantwortet": 2, "amtlich:nein": 4}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("facet %s = %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("facets = %v, want %v", got, want)
	}
}

func TestTypoSuggestion(t *testing.T) {
	f := newFixture(t)
	f.corpus()
	res := f.search("Elterngelt")
	if got := bodies(res); !slices.Equal(got, []string{"M4"}) {
		t.Fatalf("Search(Elterngelt) = %v, want [M4]", got)
	}
	if res.Suggestion != "Elterngeld" {
		t.Errorf("Suggestion = %q, want Elterngeld", res.Suggestion)
	}
	res = f.search("Schnitstelle typ:pm")
	if res.Suggestion != "Schnittstelle typ:pm" || res.Total != 1 {
		t.Errorf("Search(Schnitstelle typ:pm) = %d hits, suggestion %q", res.Total, res.Suggestion)
	}
	// Exact results: no suggestion. Short words get no typo tolerance.
	if res := f.search("Elterngeld"); res.Suggestion != "" || res.Total != 1 {
		t.Errorf("Search(Elterngeld) = %d, %q", res.Total, res.Suggestion)
	}
	if res := f.search("Antrg"); res.Total != 0 {
		t.Errorf("Search(Antrg) = %d hits, want 0 (too short for typos)", res.Total)
	}
}

func TestSnippet(t *testing.T) {
	f := newFixture(t)
	long := strings.Repeat("Füllwort ", 60)
	f.thread("bauen-wohnen", store.KindDiscussion, f.anna, "Snippet",
		"S1 "+long+"Hier steht der <b>Bauantrag</b> & das **Antragsformular** ganz hinten. "+long)
	f.apply()
	res := f.search("Antrag")
	if len(res.Hits) != 1 {
		t.Fatalf("hits = %d", len(res.Hits))
	}
	s := res.Hits[0].SnippetHTML
	for _, want := range []string{"&lt;b&gt;<mark>Bauantrag</mark>&lt;/b&gt; &amp; das Antragsformular", "… ", " …"} {
		if !strings.Contains(s, want) {
			t.Errorf("snippet %q lacks %q", s, want)
		}
	}
	if strings.Contains(s, "<b>") || len(s) > 400 {
		t.Errorf("snippet not escaped or too long: %q", s)
	}
}

func TestVisibilityFollowsChanges(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	mod := f.user("mod@example.de", "Moderation")
	tid, _ := f.thread("bauen-wohnen", store.KindQuestion, f.anna, "Kanarienvogel", "V1 Kanarienvogel eins")
	p2 := f.reply(tid, f.bernd, "V2 Kanarienvogel zwei")
	p3 := f.reply(tid, f.bernd, "V3 Kanarienvogel drei")
	f.apply()
	want := func(what string, w ...string) {
		t.Helper()
		f.apply()
		if got := bodies(f.search("Kanarienvogel")); !slices.Equal(sorted(got), sorted(w)) {
			t.Errorf("%s: Search = %v, want %v", what, got, w)
		}
	}
	want("start", "V1", "V2", "V3")
	if err := f.db.HidePost(ctx, mod.ID, p2, "Spam"); err != nil {
		t.Fatal(err)
	}
	want("hidden post", "V1", "V3")
	if err := f.db.DeletePost(ctx, p3, f.bernd.ID); err != nil {
		t.Fatal(err)
	}
	want("deleted post", "V1")
	if err := f.db.UnhidePost(ctx, mod.ID, p2, "ok"); err != nil {
		t.Fatal(err)
	}
	want("unhidden post", "V1", "V2")
	if err := f.db.ModerateThread(ctx, mod.ID, tid, store.ThreadHide, "weg"); err != nil {
		t.Fatal(err)
	}
	want("hidden thread")
	if err := f.db.ModerateThread(ctx, mod.ID, tid, store.ThreadUnhide, "zurück"); err != nil {
		t.Fatal(err)
	}
	want("unhidden thread", "V1", "V2")
	// Pending posts wait for approval.
	pending, err := f.db.AddPost(ctx, store.NewPost{ThreadID: tid, AuthorID: f.bernd.ID, Body: "V4 Kanarienvogel vier",
		BodyHTML: "x", Pending: true})
	if err != nil {
		t.Fatal(err)
	}
	want("pending post", "V1", "V2")
	if err := f.db.ApprovePost(ctx, mod.ID, pending); err != nil {
		t.Fatal(err)
	}
	want("approved post", "V1", "V2", "V4")
	// Moving the thread to another field moves every post; the title
	// change reaches the opening post.
	if err := f.db.MoveThread(ctx, mod.ID, tid, f.field("familie-kind").ID, "passt besser"); err != nil {
		t.Fatal(err)
	}
	f.apply()
	if got := bodies(f.search("Kanarienvogel themenfeld:familie-kind")); len(got) != 3 {
		t.Errorf("after move: %v", got)
	}
	if err := f.db.UpdateThreadTitle(ctx, tid, "Wellensittich", "w"); err != nil {
		t.Fatal(err)
	}
	f.apply()
	if got := bodies(f.search("Wellensittich")); !slices.Equal(got, []string{"V1"}) {
		t.Errorf("after retitle: %v", got)
	}
	// A renamed author is found by the new name.
	if err := f.db.UpdateProfile(ctx, f.bernd.ID, "Bernd Neumann", "", "sonstige", ""); err != nil {
		t.Fatal(err)
	}
	f.apply()
	if got := bodies(f.search("Kanarienvogel von:neumann")); len(got) != 2 {
		t.Errorf("after rename: %v", got)
	}
}

func TestProtectedFieldsFilteredAtQueryTime(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin := f.user("admin@example.de", "Admin")
	f.thread("intern", store.KindDiscussion, f.anna, "Geheim", "P1 Zebrastreifen intern")
	f.thread("bauen-wohnen", store.KindDiscussion, f.anna, "Offen", "P2 Zebrastreifen offen")
	f.apply()
	g, err := f.db.CreateGroup(ctx, admin.ID, "gremium", "Gremium")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.SetTopicFieldGroup(ctx, admin.ID, f.field("intern").ID, g.ID); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		v    store.Viewer
		want []string
		// allFields false: the filter admits the visible fields rather
		// than excluding the others (Request.AllFields unset).
		allFields bool
	}{
		{store.Viewer{}, []string{"P2"}, true},
		{store.Viewer{}, []string{"P2"}, false},
		{store.Viewer{UserID: f.bernd.ID}, []string{"P2"}, true},
		{store.Viewer{UserID: f.bernd.ID}, []string{"P2"}, false},
		{store.Viewer{UserID: f.anna.ID, Groups: []int64{g.ID}}, []string{"P1", "P2"}, true},
		{store.Viewer{UserID: f.anna.ID, Groups: []int64{g.ID}}, []string{"P1", "P2"}, false},
		{store.Viewer{UserID: admin.ID, AllFields: true}, []string{"P1", "P2"}, true},
	} {
		res, err := f.searchAs(tt.v, "Zebrastreifen", func(r *Request) {
			if !tt.allFields {
				r.AllFields = nil
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := bodies(res); !slices.Equal(sorted(got), sorted(tt.want)) || res.Total != len(tt.want) {
			t.Errorf("viewer %+v (all fields %v): %v (total %d), want %v", tt.v, tt.allFields, got, res.Total, tt.want)
		}
	}
	// The protected field's slug is unknown to outsiders, like a missing one.
	_, err = f.searchAs(store.Viewer{}, "themenfeld:intern Zebrastreifen")
	var qe *Error
	if !errors.As(err, &qe) || qe.Key != "search.error.unknown_field" {
		t.Errorf("themenfeld:intern as outsider: %v", err)
	}
}

func TestSimilar(t *testing.T) {
	f := newFixture(t)
	f.corpus()
	fields, _ := f.db.TopicFields(context.Background(), store.Viewer{}, false)
	docs, err := f.idx.Similar(context.Background(), store.Viewer{}, fields, f.fields, "Antrag auf Wohngeld für Familien?", 5)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, d := range docs {
		titles = append(titles, d.Title)
	}
	// Questions only (not the discussion "Elterngeld Digital"), matched in the title.
	if !slices.Contains(titles, "Wohngeld für Familien") || slices.Contains(titles, "Elterngeld Digital") {
		t.Errorf("Similar = %v", titles)
	}
	docs, _ = f.idx.Similar(context.Background(), store.Viewer{}, fields, f.fields, "Bauantrag", 5)
	if len(docs) != 1 || docs[0].Title != "Bauantrag digital einreichen" {
		t.Errorf("Similar(Bauantrag) = %+v", docs)
	}
}

func TestRebuildAndRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "forum.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f := &fixture{t: t, db: db}
	if err := db.EnsureTopicFields(ctx, []store.TopicField{{Slug: "bauen-wohnen", Name: "Bauen", Position: 1}}); err != nil {
		t.Fatal(err)
	}
	f.fields, _ = db.TopicFields(ctx, store.Viewer{AllFields: true}, true)
	f.anna = f.user("a@example.de", "Anna")
	for range 30 {
		f.thread("bauen-wohnen", store.KindQuestion, f.anna, "Glasfaser", "R Glasfaserausbau in der Gemeinde")
	}
	path := filepath.Join(dir, "search.bleve")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	open := func() *Index {
		t.Helper()
		x, err := Open(db, path, Options{Interval: 20 * time.Millisecond, Log: log})
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	count := func(x *Index) int {
		t.Helper()
		f.idx = x
		return f.search("Glasfaser").Total
	}
	// A missing index is rebuilt in the background.
	x := open()
	if !x.Building() {
		t.Fatal("missing index: Building() = false")
	}
	// A second process cannot open it.
	if _, err := Open(db, path, Options{Log: log}); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if _, err := Reindex(ctx, db, path, io.Discard); !errors.Is(err, ErrLocked) {
		t.Fatalf("Reindex while open: %v, want ErrLocked", err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { x.Run(runCtx); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for x.Building() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := count(x); x.Building() || n != 30 {
		t.Fatalf("after rebuild: building %v, %d hits, want 30", x.Building(), n)
	}
	if n, _, _ := db.SearchQueueStat(ctx); n != 0 {
		t.Errorf("queue after rebuild: %d rows", n)
	}
	stop()
	<-done
	x.Close()
	// Reopened: complete, no rebuild.
	x = open()
	if x.Building() || count(x) != 30 {
		t.Fatalf("reopen: building %v", x.Building())
	}
	// An old mapping version means a rebuild.
	if err := x.idx.SetInternal(versionKey, []byte("kf-search-0")); err != nil {
		t.Fatal(err)
	}
	x.Close()
	x = open()
	if !x.Building() {
		t.Fatal("old version: Building() = false")
	}
	x.Close()
	// Reindex builds a complete index offline, with progress output.
	var out strings.Builder
	st, err := Reindex(ctx, db, path, &out)
	if err != nil || st.Docs != 30 || st.DiskSize == 0 {
		t.Fatalf("Reindex = %+v, %v", st, err)
	}
	x = open()
	defer x.Close()
	if x.Building() || count(x) != 30 {
		t.Fatalf("after Reindex: building %v", x.Building())
	}
}

func TestSuffixTokens(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Bauantrag", []string{"antrag", "ntrag", "trag"}},
		{"Anträge", nil}, // "antrag": 6 runes, too short to hold a head and an end
		{"Bürgerportal", []string{"gerportal", "erportal", "rportal", "portal", "ortal", "rtal"}},
		{"und Amt", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, tok := range suffixAnalyzer.Analyze([]byte(tt.text)) {
			got = append(got, string(tok.Term))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("suffixes of %q = %q, want %q", tt.text, got, tt.want)
		}
	}
}
