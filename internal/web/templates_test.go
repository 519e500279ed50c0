package web

import (
	"bytes"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"kommunalforum/internal/notify"
	"kommunalforum/internal/search"
	"kommunalforum/internal/store"
)

// rawKeyPattern matches a catalogue key of any top-level section, as it
// shows through when a translation is missing.
func rawKeyPattern(t *testing.T, e *testEnv) *regexp.Regexp {
	t.Helper()
	prefixes := map[string]bool{}
	for _, k := range e.srv.cat.Keys("de") {
		prefixes[k[:strings.IndexByte(k+".", '.')]] = true
	}
	var ps []string
	for p := range prefixes {
		ps = append(ps, regexp.QuoteMeta(p))
	}
	sort.Strings(ps)
	return regexp.MustCompile(`\b(?:` + strings.Join(ps, "|") + `)\.[a-z_][a-z0-9_.]*[a-z0-9_]`)
}

// fileName matches what looks like a key but names a file.
var fileName = regexp.MustCompile(`\.(html|go|css|js|yaml|svg|png|txt|db|atom|rss)$`)

func hasPrefix(known map[string]bool, prefix string) bool {
	for k := range known {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// TestEveryPageRenders renders every page template in every language with
// zero values (a template must never depend on a filled field) and with
// data in the optional sections. No catalogue key and no "%!" format error
// may show through. A page file without an entry here fails the test, so
// new pages cannot be forgotten.
func TestEveryPageRenders(t *testing.T) {
	e := newTestEnv(t)
	pages := map[string][]any{
		"account_confirm":  {confirmPage{}},
		"account_delete":   {deleteAccountPage{}, deleteAccountPage{Target: &store.User{}}},
		"account_forgot":   {forgotPage{}},
		"account_login":    {loginPage{}, loginPage{Base: Base{NoLocalLogin: true}, ssoLogin: ssoLogin{SSOLabel: "Dienstkonto", SSOURL: "/anmelden/oidc"}}},
		"account_message":  {messagePage{}},
		"account_register": {registerPage{}},
		"account_reset":    {resetPage{}},
		"account_settings": {settingsPage{}, settingsPage{NewToken: "kf_x"}},
		"admin_audit":      {adminAuditPage{}},
		"admin_field_form": {adminFieldFormPage{}, adminFieldFormPage{Field: store.TopicField{ID: 1, GroupID: 2}, Groups: []store.Group{{ID: 2, Name: "G"}}}},
		"admin_fields":     {adminFieldsPage{}},
		"admin_groups":     {adminGroupsPage{}, adminGroupsPage{Groups: []groupView{{Members: []store.User{{}}}}}},
		"admin_moderators": {adminModeratorsPage{}},
		"admin_users":      {adminUsersPage{}},
		"error":            {errorPage{}, errorPage{Status: 500}},
		"faq_entry":        {faqEntryPage{}, faqEntryPage{CanManage: true}},
		"faq_field":        {faqFieldPage{}, faqFieldPage{Entries: []faqEntryView{{}}, Archived: []faqEntryView{{}}, CanManage: true}},
		"faq_form":         {faqFormPage{}, faqFormPage{Fields: []store.TopicField{{}}}},
		"faq_overview":     {faqOverviewPage{}, faqOverviewPage{Groups: []store.FAQFieldGroup{{Entries: []store.FAQEntry{{}}}}}},
		"faq_versions":     {faqVersionsPage{}, faqVersionsPage{Versions: []faqVersionView{{First: true}, {}}}},
		"field":            {fieldPage{}, fieldPage{Base: Base{User: &store.User{}}}},
		"home":             {homePage{}},
		"mod_audit":        {modAuditPage{}},
		"mod_edit":         {modEditPage{}},
		"mod_flag":         {flagPage{}},
		"mod_queue":        {reviewPage{}},
		"mod_reason":       {reasonPage{}},
		"mod_suspend":      {suspendPage{}},
		"pm_area":          {pmAreaPage{}},
		"pm_queue":         {pmQueuePage{}},
		"pm_stats":         {pmStatsPage{}},
		"pm_versions":      {officialVersionsPage{}},
		"post_delete":      {editPostPage{}},
		"post_edit":        {editPostPage{}},
		"post_revisions":   {revisionsPage{}},
		"profile":          {profilePage{}},
		"questions":        {questionsPage{}},
		"text":             {textPage{Slug: "datenschutz"}, textPage{Slug: "barrierefreiheit", Sent: true}, textPage{Slug: "barrierefreiheit"}},
		"admin_pages":      {adminPagesPage{Pages: []adminPageRow{{Slug: "datenschutz", Lang: "de"}, {Custom: true}}}},
		"admin_page_form":  {adminPageFormPage{}, adminPageFormPage{Custom: true}},
		"admin_feedback":   {adminFeedbackPage{}, adminFeedbackPage{Items: []store.Feedback{{Name: "A", Email: "a@b.de"}, {}}}},
		"search": {searchPage{}, searchPage{Unavail: true}, searchPage{Q: "x", Error: "e"},
			searchPage{Q: "x", Result: search.Result{Total: 1, Building: true, Suggestion: "y"},
				Hits:   []searchHit{{Typ: "faq", Status: "offen", Official: true}},
				Facets: []facetGroup{{Key: "typ", Items: []facetLink{{Value: "frage", Active: true}}}, {Key: "themenfeld", Items: []facetLink{{Label: "F"}}}}}},
		"thread": {threadPage{}, threadPage{Base: Base{User: &store.User{MailDisabled: true}}, Watch: store.LevelWatching},
			threadPage{Thread: store.Thread{Kind: store.KindPM}, Posts: []postView{{Post: store.Post{OfficialVersion: 2}}}},
			threadPage{FAQEntries: []store.FAQEntry{{State: store.FAQDraft}}, Posts: []postView{{}}}},
		"settings_mail": {mailSettingsPage{}, mailSettingsPage{Bounce: store.Bounce{DisabledAt: time.Unix(1, 0)},
			Settings: store.MailSettings{ConsentAt: time.Unix(1, 0)}, Deliveries: store.Deliveries,
			Subscriptions: []store.Subscription{{ID: 1, ThreadID: 2, Level: store.LevelTracking}, {ID: 2, TopicFieldID: 1, Level: store.LevelWatching}}}},
		"digest_preview": {digestPreviewPage{}, digestPreviewPage{Admin: true, Frequency: "weekly",
			Digest: notify.DigestView{Count: 20, Sections: []notify.Section{{Title: "S", Items: []notify.Item{{Title: "T"}}, More: 5}}}}},
		"unsubscribe": {unsubscribePage{}, unsubscribePage{Kind: "thread", LessOften: "tracking"}, unsubscribePage{Kind: "digest", Frequency: "daily", LessOften: "weekly"},
			unsubscribePage{Kind: "field", Done: "less"}, unsubscribePage{Kind: "digest", Done: "never"}},
		"admin_mail_log": {adminMailLogPage{}, adminMailLogPage{Entries: []store.MailLogEntry{{UserID: 1, Status: store.MailSent}}, Statuses: []string{store.MailSent}}},
		"thread_new": {newThreadPage{}, newThreadPage{Preview: template.HTML("<p>x</p>"),
			Similar: []store.Thread{{ID: 1, Kind: store.KindQuestion, Title: "T", Slug: "t"}}}},
		"account_feeds": {accountFeedsPage{}, accountFeedsPage{HasToken: true, NewToken: "kff_x",
			Feeds: []personalFeed{{TitleKey: "feeds.account.feed_threads"}, {TitleKey: "feeds.account.feed_field", Name: "F"}}}},
		"account_oidc_link": {oidcLinkPage{}, oidcLinkPage{Email: "a@b.de"}},
	}
	files, err := filepath.Glob("../../templates/pages/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no page templates found: %v", err)
	}
	for _, f := range files {
		if name := strings.TrimSuffix(filepath.Base(f), ".html"); pages[name] == nil {
			t.Errorf("page %s has no entry in TestEveryPageRenders", name)
		}
	}
	rawKey := rawKeyPattern(t, e)
	for _, lang := range e.srv.cat.Languages() {
		for name, variants := range pages {
			tpl, err := e.srv.pages.page(lang, name)
			if err != nil {
				t.Errorf("%s/%s: %v", lang, name, err)
				continue
			}
			for i, data := range variants {
				var buf bytes.Buffer
				if err := tpl.ExecuteTemplate(&buf, "layout", data); err != nil {
					t.Errorf("%s/%s #%d: %v", lang, name, i, err)
					continue
				}
				for _, m := range rawKey.FindAllString(buf.String(), -1) {
					if !fileName.MatchString(m) { // e.g. js/similar.js
						t.Errorf("%s/%s #%d shows the catalogue key %q", lang, name, i, m)
					}
				}
				if strings.Contains(buf.String(), "%!") {
					t.Errorf("%s/%s #%d has a format error (%%!)", lang, name, i)
				}
			}
		}
	}
}

// TestCatalogueKeysExist checks every catalogue key that templates and Go
// code name literally: a missing key would show as itself. Keys built at
// run time ("role." + r) are checked by the page renders above.
func TestCatalogueKeysExist(t *testing.T) {
	e := newTestEnv(t)
	known := map[string]bool{}
	for _, k := range e.srv.cat.Keys("de") {
		known[k] = true
	}
	keyRe := regexp.MustCompile(`"(` + rawKeyPattern(t, e).String() + `)"`)
	var files []string
	for _, pattern := range []string{"../../templates/*.html", "../../templates/*/*.html", "../../templates/email/*.txt", "*.go",
		"../auth/*.go", "../forum/*.go", "../qa/*.go", "../faq/*.go", "../moderation/*.go", "../input/*.go", "../mail/compose.go", "../notify/*.go"} {
		fs, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if !strings.HasSuffix(f, "_test.go") {
				files = append(files, f)
			}
		}
	}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRe.FindAllStringSubmatch(string(b), -1) {
			k := m[1]
			if fileName.MatchString(k) {
				continue // a file name such as "layout.html"
			}
			n++
			if !known[k] && !hasPrefix(known, k+".") { // a plural (k.one) or a group (static.privacy)
				t.Errorf("%s: unknown catalogue key %q", f, k)
			}
		}
	}
	if n < 300 {
		t.Errorf("found only %d keys in %d files; is the pattern right?", n, len(files))
	}
}
