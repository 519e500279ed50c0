package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/store"
)

const ssoLabel = "Mit Ihrem Dienstkonto anmelden"

// newOIDCEnv is the real server with single sign-on against idp;
// noLocal switches the password login off.
func newOIDCEnv(t *testing.T, idp *fakeIdP, noLocal bool, mutate ...func(*Options, *authPolicy)) *testEnv {
	t.Helper()
	e := newTestEnv(t, append([]func(*Options, *authPolicy){func(o *Options, _ *authPolicy) {
		o.SSOLabel, o.NoLocalLogin = ssoLabel, noLocal
	}}, mutate...)...)
	// Options.OIDC needs the accounts newTestEnv builds after its mutators.
	e.srv.opt.OIDC = auth.NewOIDC(e.acc, auth.OIDCConfig{Issuer: idp.issuer(), ClientID: idp.clientID, ClientSecret: idp.secret,
		RedirectURL: testBaseURL + "/anmelden/oidc/rueckkehr", ClaimEmail: "email", ClaimName: "name",
		ClaimOrg: "organization", ClaimGroups: "groups", GroupAdmin: "kommunalforum-admins", GroupPM: "kommunalforum-pm",
		GroupModeratorPrefix: "kommunalforum-moderatoren-"})
	return e
}

// ssoFlow spoils the browser's part of a login for the refusal cases.
type ssoFlow struct {
	next        string       // ?weiter= of the start
	noCookie    bool         // the state cookie is missing at the return
	cookieState string       // the state cookie holds this instead
	beforeBack  func()       // runs while the browser is at the provider
	login       fakeLogin    // who logs in at the provider
	extra       *http.Cookie // sent along at start and return (a session)
}

// sso runs a login as a browser does: start at the forum, follow the
// redirect to the provider, which redirects back with a code, and return
// to the forum. It returns the forum's answer to the return.
func (e *testEnv) sso(idp *fakeIdP, f ssoFlow) *httptest.ResponseRecorder {
	t := e.t
	t.Helper()
	idp.login(f.login)
	start := "/anmelden/oidc"
	if f.next != "" {
		start += "?weiter=" + url.QueryEscape(f.next)
	}
	w := e.get(start, f.extra)
	wantStatus(t, w, http.StatusSeeOther, "GET "+start)
	authURL := w.Header().Get("Location")
	if !strings.HasPrefix(authURL, idp.issuer()+"/authorize?") {
		t.Fatalf("start redirects to %q, want the provider's authorize endpoint", authURL)
	}
	state := cookieOf(w, cookieOIDCState)
	if state == nil {
		t.Fatal("start sets no state cookie")
	}
	if !state.HttpOnly || state.SameSite != http.SameSiteLaxMode {
		t.Errorf("state cookie = %+v, want HttpOnly and SameSite=Lax", state)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("provider authorize: status %d, want 302", resp.StatusCode)
	}
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || back.Path != "/anmelden/oidc/rueckkehr" {
		t.Fatalf("provider redirects to %q, want the forum's return URL", resp.Header.Get("Location"))
	}
	if f.beforeBack != nil {
		f.beforeBack()
	}
	hr := httptest.NewRequest(http.MethodGet, back.RequestURI(), nil)
	switch {
	case f.noCookie:
	case f.cookieState != "":
		hr.AddCookie(&http.Cookie{Name: cookieOIDCState, Value: f.cookieState})
	default:
		hr.AddCookie(&http.Cookie{Name: cookieOIDCState, Value: state.Value})
	}
	if f.extra != nil {
		hr.AddCookie(f.extra)
	}
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, hr)
	return rec
}

// cookieOf returns the cookie named name that w sets, or nil.
func cookieOf(w *httptest.ResponseRecorder, name string) *http.Cookie {
	for _, c := range w.Result().Cookies() {
		if c.Name == name && c.Value != "" && c.MaxAge >= 0 {
			return c
		}
	}
	return nil
}

// person is the claims of someone at the provider.
func person(sub, email, name string, groups ...string) map[string]any {
	g := make([]any, len(groups))
	for i, s := range groups {
		g[i] = s
	}
	return map[string]any{"sub": sub, "email": email, "email_verified": true, "name": name,
		"organization": "Landkreis Musterland", "groups": g}
}

func TestOIDCLoginCreatesAndFindsAccount(t *testing.T) {
	idp := newFakeIdP(t)
	e := newOIDCEnv(t, idp, false)
	ctx := context.Background()

	w := e.get("/anmelden?weiter=/fragen", nil)
	wantStatus(t, w, http.StatusOK, "login page")
	wantBody(t, w, "login page", ssoLabel, `href="/anmelden/oidc?weiter=%2Ffragen"`, `name="password"`)

	// First login: a new, verified account with name, organisation and the
	// roles of the groups claim (admin wins over the moderator group, whose
	// field is stored all the same).
	w = e.sso(idp, ssoFlow{next: "/fragen", login: fakeLogin{claims: person("sub-anna", "Anna.Schmidt@Kreis-Musterland.de", "Anna Schmidt",
		"kommunalforum-moderatoren-familie-kind", "/kommunalforum-admins", "andere-gruppe")}})
	wantRedirect(t, w, "/fragen", "first login")
	sess := sessionOf(w)
	if sess == nil {
		t.Fatal("first login sets no session cookie")
	}
	if got := flashOf(w); got != "flash.account_logged_in" {
		t.Errorf("first login flash = %q, want flash.account_logged_in", got)
	}
	u, err := e.db.UserByEmail(ctx, "anna.schmidt@kreis-musterland.de")
	if err != nil {
		t.Fatalf("UserByEmail after first login: %v", err)
	}
	if u.DisplayName != "Anna Schmidt" || u.OrgName != "Landkreis Musterland" || u.Role != store.RoleAdmin ||
		u.Status != store.StatusActive || u.EmailVerifiedAt.IsZero() || u.PasswordHash != "" {
		t.Fatalf("new account = %+v; want active, verified admin Anna Schmidt of Landkreis Musterland without password", u)
	}
	wantStatus(t, e.get("/konto", sess), http.StatusOK, "settings with the SSO session")

	// Second login by the same subject finds the same account; a changed
	// moderator group makes a moderator of that field only.
	w = e.sso(idp, ssoFlow{login: fakeLogin{claims: person("sub-anna", "anna.schmidt@kreis-musterland.de", "Anna Schmidt-Neu",
		"kommunalforum-moderatoren-familie")}})
	wantRedirect(t, w, "/", "second login")
	again, err := e.db.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	fam, err := e.db.TopicFieldBySlug(ctx, "familie-kind")
	if err != nil {
		t.Fatal(err)
	}
	if again.Role != store.RoleModerator || !slices.Equal(again.ModFields, []int64{fam.ID}) || again.DisplayName != "Anna Schmidt-Neu" {
		t.Fatalf("after second login: role %s fields %v name %q; want moderator of %d (familie-kind) named Anna Schmidt-Neu",
			again.Role, again.ModFields, again.DisplayName, fam.ID)
	}
	if n, _, err := e.db.Users(ctx, store.UserFilter{}, 100, 0); err != nil || len(n) != 1 {
		t.Fatalf("users after two logins = %d, %v; want 1", len(n), err)
	}
	// No mapped group: the role stays.
	w = e.sso(idp, ssoFlow{login: fakeLogin{claims: person("sub-anna", "anna.schmidt@kreis-musterland.de", "Anna Schmidt-Neu")}})
	wantRedirect(t, w, "/", "third login")
	if again, _ = e.db.UserByID(ctx, u.ID); again.Role != store.RoleModerator {
		t.Fatalf("after login without mapped groups: role %s, want moderator kept", again.Role)
	}

	var actions []string
	log, _ := e.db.AuditLog(ctx, 50)
	for _, a := range log {
		actions = append(actions, a.Action)
	}
	for _, want := range []string{"user.oidc_create", "user.oidc_login", "user.role"} {
		if !slices.Contains(actions, want) {
			t.Errorf("audit log %v lacks %s", actions, want)
		}
	}
}

func TestOIDCLinksExistingAccountOnlyWithPassword(t *testing.T) {
	idp := newFakeIdP(t)
	// With the anonymous page cache on, as in production: the link page
	// shows an address and must not be served to anyone else.
	e := newOIDCEnv(t, idp, false, func(o *Options, _ *authPolicy) { o.PageCacheTTL, o.PageCacheBytes = time.Minute, 1<<20 })
	ctx := context.Background()
	local := e.user("bernd@stadt-beispiel.de", store.RoleMember)
	claims := person("sub-bernd", "Bernd@Stadt-Beispiel.de", "Bernd Beispiel", "kommunalforum-pm")

	w := e.sso(idp, ssoFlow{next: "/pm", login: fakeLogin{claims: claims}})
	wantRedirect(t, w, "/anmelden/oidc/verknuepfen", "login with a local account's email")
	if sessionOf(w) != nil {
		t.Fatal("a matching email logged in without the local password")
	}
	link := cookieOf(w, cookieOIDCLink)
	if link == nil {
		t.Fatal("no pending-link cookie")
	}
	w = e.get("/anmelden/oidc/verknuepfen", link)
	wantStatus(t, w, http.StatusOK, "link page")
	wantBody(t, w, "link page", "bernd@stadt-beispiel.de", `name="password"`, `action="/anmelden/oidc/verknuepfen"`)
	w = e.get("/anmelden/oidc/verknuepfen", nil)
	wantStatus(t, w, http.StatusBadRequest, "link page without the cookie")
	if strings.Contains(w.Body.String(), "bernd@") {
		t.Fatal("link page without the cookie shows the address (page cache?)")
	}

	w = e.post("/anmelden/oidc/verknuepfen", url.Values{"password": {"falsches-Passwort-1"}}, link)
	wantStatus(t, w, http.StatusUnauthorized, "link with wrong password")
	wantBody(t, w, "link with wrong password", "Das Passwort ist nicht korrekt.")
	if sessionOf(w) != nil {
		t.Fatal("wrong password logged in")
	}
	if _, err := e.db.OIDCIdentityUser(ctx, idp.issuer(), "sub-bernd"); err == nil {
		t.Fatal("wrong password linked the identity")
	}

	w = e.post("/anmelden/oidc/verknuepfen", url.Values{"password": {testPassword}}, link)
	wantRedirect(t, w, "/pm", "link with right password")
	if sessionOf(w) == nil {
		t.Fatal("linking set no session cookie")
	}
	u, err := e.db.OIDCIdentityUser(ctx, idp.issuer(), "sub-bernd")
	if err != nil || u.ID != local.ID || u.Role != store.RolePM || u.DisplayName != "Bernd Beispiel" {
		t.Fatalf("linked user = %+v, %v; want account %d as pm named Bernd Beispiel", u, err, local.ID)
	}
	// The link is used up; the next login goes straight in.
	wantStatus(t, e.post("/anmelden/oidc/verknuepfen", url.Values{"password": {testPassword}}, link), http.StatusBadRequest, "link reused")
	w = e.sso(idp, ssoFlow{login: fakeLogin{claims: claims}})
	wantRedirect(t, w, "/", "login after linking")
	if sessionOf(w) == nil {
		t.Fatal("login after linking set no session")
	}
	// The local password keeps working.
	wantRedirect(t, e.login("bernd@stadt-beispiel.de", testPassword, nil), "/", "password login after linking")
}

func TestOIDCRefusals(t *testing.T) {
	idp := newFakeIdP(t)
	e := newOIDCEnv(t, idp, false)
	disabled := e.user("gesperrt@kreis.de", store.RoleMember)
	if err := e.db.SetUserStatus(context.Background(), disabled.ID, store.StatusDisabled); err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	e.srv.log = slog.New(slog.NewTextHandler(&logged, nil))
	now := time.Now()
	good := person("sub-x", "x@kreis.de", "Xaver X")
	unverified := person("sub-y", "y@kreis.de", "Yvonne Y")
	unverified["email_verified"] = false
	cases := []struct {
		name   string
		flow   ssoFlow
		status int
		body   string // the German message shown
		reason string // the reason logged
	}{
		{"tampered token", ssoFlow{login: fakeLogin{claims: good, tamper: true}}, http.StatusForbidden,
			"konnte nicht bestätigt werden", "failed to verify signature"},
		{"wrong audience", ssoFlow{login: fakeLogin{claims: good, audience: "anderer-client"}}, http.StatusForbidden,
			"konnte nicht bestätigt werden", "expected audience"},
		{"wrong nonce", ssoFlow{login: fakeLogin{claims: good, nonce: "fremde-nonce"}}, http.StatusForbidden,
			"konnte nicht bestätigt werden", "nonce does not match"},
		{"email not verified", ssoFlow{login: fakeLogin{claims: unverified}}, http.StatusForbidden,
			"keine bestätigte E-Mail-Adresse", "no verified email"},
		{"missing state cookie", ssoFlow{login: fakeLogin{claims: good}, noCookie: true}, http.StatusBadRequest,
			"abgelaufen", "login state"},
		{"state mismatch", ssoFlow{login: fakeLogin{claims: good}, cookieState: "ein-anderer-zustand"}, http.StatusBadRequest,
			"abgelaufen", "login state"},
		{"expired state", ssoFlow{login: fakeLogin{claims: good}, beforeBack: func() {
			e.db.SetClock(func() time.Time { return now.Add(auth.OIDCLoginTTL + time.Minute) })
		}}, http.StatusBadRequest, "abgelaufen", "login state"},
		{"disabled account", ssoFlow{login: fakeLogin{claims: person("sub-z", "gesperrt@kreis.de", "Gesperrt")}}, http.StatusForbidden,
			"deaktiviert", "account disabled"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Cleanup(func() { e.db.SetClock(time.Now) })
			logged.Reset()
			w := e.sso(idp, tc.flow)
			wantStatus(t, w, tc.status, tc.name)
			wantBody(t, w, tc.name, tc.body)
			if sessionOf(w) != nil || cookieOf(w, cookieOIDCLink) != nil {
				t.Errorf("%s: refused login set a session or link cookie", tc.name)
			}
			log := logged.String()
			if !strings.Contains(log, tc.reason) {
				t.Errorf("%s: log lacks the reason %q:\n%s", tc.name, tc.reason, log)
			}
			// The log names no person and no secret of the flow.
			for _, secret := range []string{"@kreis.de", "Xaver", "code=", "state=", "eyJ"} {
				if strings.Contains(log, secret) {
					t.Errorf("%s: log contains %q:\n%s", tc.name, secret, log)
				}
			}
		})
	}
	// None of the refusals created an account or linked an identity.
	for _, email := range []string{"x@kreis.de", "y@kreis.de", "angreifer@example.org"} {
		if _, err := e.db.UserByEmail(context.Background(), email); err == nil {
			t.Errorf("account %s exists after refused logins", email)
		}
	}
	// A refused return does not spoil the next login.
	wantRedirect(t, e.sso(idp, ssoFlow{login: fakeLogin{claims: good}}), "/", "login after refusals")
}

func TestOIDCLocalLoginDisabled(t *testing.T) {
	idp := newFakeIdP(t)
	e := newOIDCEnv(t, idp, true)
	e.user("claudia@kreis.de", store.RoleMember)
	w := e.get("/anmelden", nil)
	wantStatus(t, w, http.StatusOK, "login page")
	wantBody(t, w, "login page", ssoLabel, "Die Anmeldung mit Passwort ist abgeschaltet")
	if strings.Contains(w.Body.String(), `name="password"`) {
		t.Error("login page shows the password form although local login is disabled")
	}
	w = e.login("claudia@kreis.de", testPassword, nil)
	wantStatus(t, w, http.StatusForbidden, "password login")
	wantBody(t, w, "password login", "Die Anmeldung mit Passwort ist abgeschaltet")
	if sessionOf(w) != nil {
		t.Fatal("disabled password login set a session")
	}

	// Registration and the password change are refused the same way, and
	// neither creates an account or sends mail.
	u := e.user("martin@kreis.de", store.RoleMember)
	cookie := e.session(u)
	mails := len(e.outbox())
	for _, tc := range []struct {
		method, path string
		form         url.Values
		cookie       *http.Cookie
	}{
		{http.MethodGet, "/registrieren", nil, nil},
		{http.MethodPost, "/registrieren", url.Values{"email": {"neu@kreis.de"}, "display_name": {"Neu"},
			"org_name": {"Kreis"}, "org_type": {"landkreis"}, "password": {testPassword}}, nil},
		{http.MethodPost, "/konto/passwort", url.Values{"current_password": {testPassword}, "password": {"ein-neues-Passwort-1"}}, cookie},
	} {
		what := tc.method + " " + tc.path
		w := e.do(req{method: tc.method, path: tc.path, form: tc.form, cookie: tc.cookie})
		wantStatus(t, w, http.StatusForbidden, what)
		wantBody(t, w, what, "Die Anmeldung mit Passwort ist abgeschaltet")
	}
	if _, err := e.db.UserByEmail(context.Background(), "neu@kreis.de"); err == nil {
		t.Error("registration created an account although local login is disabled")
	}
	if n := len(e.outbox()); n != mails {
		t.Errorf("refused routes sent %d mails", n-mails)
	}
	// The reset stays: linking a first single sign-on to an existing
	// account asks for its password (TestOIDCLinksExistingAccountOnlyWithPassword).
	wantStatus(t, e.get("/passwort-vergessen", nil), http.StatusOK, "reset form")
	w = e.post("/passwort-vergessen", url.Values{"email": {"claudia@kreis.de"}}, nil)
	if w.Code >= 400 {
		t.Fatalf("reset request: status %d", w.Code)
	}
	if len(e.mailsTo("claudia@kreis.de")) != 1 {
		t.Error("the reset mail was not sent although the reset stays available")
	}

	// No page offers what is refused.
	th := e.thread(u, "familie-kind", "Elterngeld digital", "Wie weit sind Sie?")
	for _, p := range []struct {
		path   string
		cookie *http.Cookie
	}{{"/", nil}, {"/anmelden", nil}, {th.URL(), nil}, {"/konto", cookie}} {
		b := e.get(p.path, p.cookie).Body.String()
		for _, link := range []string{`href="/registrieren"`, `action="/konto/passwort"`} {
			if strings.Contains(b, link) {
				t.Errorf("%s offers %s although local login is disabled", p.path, link)
			}
		}
	}
	// With local login on, the same pages do offer them (the check above
	// would otherwise pass on a renamed link).
	on := newOIDCEnv(t, newFakeIdP(t), false)
	wantBody(t, on.get("/", nil), "home with local login", `href="/registrieren"`)
	wantBody(t, on.get("/konto", on.session(on.user("marta@kreis.de", store.RoleMember))), "settings with local login", `action="/konto/passwort"`)
}

func TestOIDCRoutesOffWithoutProvider(t *testing.T) {
	e := newTestEnv(t)
	for _, path := range []string{"/anmelden/oidc", "/anmelden/oidc/rueckkehr?code=x&state=y", "/anmelden/oidc/verknuepfen"} {
		wantStatus(t, e.get(path, nil), http.StatusNotFound, "GET "+path)
	}
	w := e.get("/anmelden", nil)
	if strings.Contains(w.Body.String(), "/anmelden/oidc") {
		t.Error("login page links to single sign-on although none is configured")
	}
}

func TestOIDCProviderDownDoesNotBreakLogin(t *testing.T) {
	idp := newFakeIdP(t)
	e := newOIDCEnv(t, idp, false)
	idp.srv.Close() // the provider is down from the start
	w := e.get("/anmelden/oidc", nil)
	wantStatus(t, w, http.StatusServiceUnavailable, "start while the provider is down")
	wantBody(t, w, "start while the provider is down", "nicht erreichbar")
	e.user("dora@kreis.de", store.RoleMember)
	wantRedirect(t, e.login("dora@kreis.de", testPassword, nil), "/", "password login while the provider is down")
}
