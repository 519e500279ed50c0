package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"kommunalforum/assets"
	"kommunalforum/internal/auth"
	"kommunalforum/internal/faq"
	"kommunalforum/internal/forum"
	"kommunalforum/internal/i18n"
	"kommunalforum/internal/mail"
	"kommunalforum/internal/moderation"
	"kommunalforum/internal/qa"
	"kommunalforum/internal/store"
	"kommunalforum/templates"
)

// testEnv is the real engine on a temp-dir SQLite file.
type testEnv struct {
	t   testing.TB
	db  *store.DB
	srv *Server
	acc *auth.Accounts
}

const testBaseURL = "http://forum.test"

// newTestEnv builds the server as cmd does, with the topic fields seeded.
func newTestEnv(t testing.TB, mutate ...func(*Options, *authPolicy)) *testEnv {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "forum.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.EnsureTopicFields(ctx, forum.DefaultTopicFields); err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	comp, err := mail.NewComposer(templates.FS, cat, testBaseURL, "Kommunalforum <noreply@forum.test>")
	if err != nil {
		t.Fatal(err)
	}
	policy := auth.Policy{Registration: "open", MinPasswordLength: 10, SessionLifetime: time.Hour,
		VerifyLifetime: 48 * time.Hour, ResetLifetime: time.Hour}
	opt := Options{DB: db, Forum: forum.New(db, 10), QA: qa.New(db), Catalog: cat, Templates: templates.FS, Assets: assets.FS,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: testBaseURL,
		ThreadsPerPage: 25, PostsPerPage: 20, LoginPerMinute: 1000, RegisterPerHour: 1000}
	opt.PM, opt.PMAnswerWorkingDays = qa.NewPM(db, qa.DefaultAnsweringBody), 10
	opt.FAQ = faq.New(db)
	for _, m := range mutate {
		m(&opt, &policy)
	}
	if opt.Moderation == nil {
		opt.Moderation = moderation.New(db, opt.Forum)
	}
	acc := auth.NewAccounts(db, comp, policy)
	opt.Accounts = acc
	srv, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{t: t, db: db, srv: srv, acc: acc}
}

const testPassword = "Sicheres-Passwort-2026"

// user creates an active account with the given role.
func (e *testEnv) user(email, role string) *store.User {
	e.t.Helper()
	u, err := e.acc.CreateAccount(context.Background(), auth.NewAccount{Email: email, DisplayName: strings.Split(email, "@")[0],
		Role: role, OrgName: "Landkreis Musterland", OrgType: "landkreis", Password: testPassword})
	if err != nil {
		e.t.Fatalf("CreateAccount(%s): %v", email, err)
	}
	return &u
}

// session logs u in directly and returns the session cookie.
func (e *testEnv) session(u *store.User) *http.Cookie {
	e.t.Helper()
	tok, err := e.acc.StartSession(context.Background(), u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return &http.Cookie{Name: cookieSession, Value: tok}
}

// token issues a personal API token for u.
func (e *testEnv) token(u *store.User) string {
	e.t.Helper()
	tok, err := e.acc.CreateAPIToken(context.Background(), u.ID, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// thread opens a thread as u in the field and returns it.
func (e *testEnv) thread(u *store.User, field, title, body string) store.Thread {
	e.t.Helper()
	th, _, err := forum.New(e.db, 10).CreateThread(context.Background(), u, field, "", title, body)
	if err != nil {
		e.t.Fatalf("CreateThread: %v", err)
	}
	return th
}

// req describes one request for do.
type req struct {
	method, path string
	form         url.Values
	json         string
	cookie       *http.Cookie
	header       map[string]string
}

// do sends a request through the real engine.
func (e *testEnv) do(r req) *httptest.ResponseRecorder {
	e.t.Helper()
	var body io.Reader
	switch {
	case r.form != nil:
		body = strings.NewReader(r.form.Encode())
	case r.json != "":
		body = strings.NewReader(r.json)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if r.form != nil {
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if r.json != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.cookie != nil {
		hr.AddCookie(r.cookie)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(w, hr)
	return w
}

// get is do for a plain GET.
func (e *testEnv) get(path string, cookie *http.Cookie) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.do(req{method: http.MethodGet, path: path, cookie: cookie})
}

// post is do for a form POST.
func (e *testEnv) post(path string, form url.Values, cookie *http.Cookie) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.do(req{method: http.MethodPost, path: path, form: form, cookie: cookie})
}

// wantStatus fails the test when the response status differs.
func wantStatus(t testing.TB, w *httptest.ResponseRecorder, want int, what string) {
	t.Helper()
	if w.Code != want {
		body := w.Body.String()
		if len(body) > 600 {
			body = body[:600]
		}
		t.Fatalf("%s: status %d, want %d; body: %s", what, w.Code, want, body)
	}
}

// wantBody fails the test when the body lacks one of the strings.
func wantBody(t testing.TB, w *httptest.ResponseRecorder, what string, parts ...string) {
	t.Helper()
	b := w.Body.String()
	for _, p := range parts {
		if !strings.Contains(b, p) {
			t.Errorf("%s: body lacks %q", what, p)
		}
	}
}

// outbox returns all mails in the outbox, oldest first.
func (e *testEnv) outbox() []store.OutboxMail {
	e.t.Helper()
	ms, err := e.db.DueMail(context.Background(), time.Now().Add(time.Hour), 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	return ms
}

type authPolicy = auth.Policy

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
