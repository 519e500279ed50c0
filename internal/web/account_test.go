package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kommunalforum/internal/store"
)

// register posts the registration form.
func (e *testEnv) register(email, name string) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.post("/registrieren", url.Values{"email": {email}, "display_name": {name}, "org_name": {"Stadt Beispiel"},
		"org_type": {"stadt"}, "password": {testPassword}}, nil)
}

// login posts the login form, with an existing session cookie if given.
func (e *testEnv) login(email, password string, cookie *http.Cookie) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.post("/anmelden", url.Values{"email": {email}, "password": {password}}, cookie)
}

// mailsTo returns the outbox mails to addr, oldest first.
func (e *testEnv) mailsTo(addr string) []store.OutboxMail {
	e.t.Helper()
	var out []store.OutboxMail
	for _, m := range e.outbox() {
		if m.Recipient == addr {
			out = append(out, m)
		}
	}
	return out
}

// mailLink returns the path and query of the newest link to path in a mail
// to addr, failing the test when there is none.
func (e *testEnv) mailLink(addr, path string) string {
	e.t.Helper()
	re := regexp.MustCompile(regexp.QuoteMeta(testBaseURL) + "(" + regexp.QuoteMeta(path) + `\?token=[A-Za-z0-9_%-]+)`)
	ms := e.mailsTo(addr)
	for i := len(ms) - 1; i >= 0; i-- {
		if m := re.FindStringSubmatch(ms[i].BodyText); m != nil {
			return m[1]
		}
	}
	e.t.Fatalf("no mail to %s with a %s link; outbox to them: %+v", addr, path, ms)
	return ""
}

// confirm opens a mailed one-time link as a person would: the GET shows a
// button (so link-scanning mail gateways use up nothing), the POST acts.
func (e *testEnv) confirm(link string, c *http.Cookie) *httptest.ResponseRecorder {
	e.t.Helper()
	path, query, _ := strings.Cut(link, "?")
	token, _ := url.ParseQuery(query)
	w := e.get(link, c)
	wantStatus(e.t, w, http.StatusOK, "GET "+path)
	wantBody(e.t, w, "GET "+path, `action="`+path+`"`, `name="token" value="`+token.Get("token")+`"`)
	// Opening the link alone changed nothing: the same link still works below.
	return e.post(path, url.Values{"token": {token.Get("token")}}, c)
}

// sessionOf returns the session cookie a response sets, or nil.
func sessionOf(w *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range w.Result().Cookies() {
		if c.Name == cookieSession && c.Value != "" && c.MaxAge >= 0 {
			return c
		}
	}
	return nil
}

// flashOf returns the flash key a response sets.
func flashOf(w *httptest.ResponseRecorder) string {
	for _, c := range w.Result().Cookies() {
		if c.Name == cookieFlash {
			return c.Value
		}
	}
	return ""
}

var errorSummaryRE = regexp.MustCompile(`(?s)<div class="error-summary".*?</div>`)

// wantRedirect fails the test unless w is a 303 to loc.
func wantRedirect(t testing.TB, w *httptest.ResponseRecorder, loc, what string) {
	t.Helper()
	wantStatus(t, w, http.StatusSeeOther, what)
	if got := w.Header().Get("Location"); got != loc {
		t.Fatalf("%s: Location = %q, want %q", what, got, loc)
	}
}

// wantAnonymous fails the test unless cookie no longer logs anyone in.
func (e *testEnv) wantAnonymous(cookie *http.Cookie, what string) {
	e.t.Helper()
	w := e.get("/konto", cookie)
	wantRedirect(e.t, w, "/anmelden?weiter=%2Fkonto", what)
}

func TestRegisterVerifyLogsIn(t *testing.T) {
	e := newTestEnv(t)
	w := e.register("Clara@Gemeinde-Beispiel.de", "Clara Neu")
	wantStatus(t, w, http.StatusOK, "register")
	wantBody(t, w, "register", "Bitte bestätigen Sie Ihre E-Mail-Adresse", "Clara@Gemeinde-Beispiel.de", `name="robots" content="noindex`)
	if c := sessionOf(w); c != nil {
		t.Errorf("register set a session cookie")
	}

	link := e.mailLink("clara@gemeinde-beispiel.de", "/bestaetigen")
	u, err := e.db.UserByEmail(context.Background(), "clara@gemeinde-beispiel.de")
	if err != nil || u.Status != store.StatusPending {
		t.Fatalf("user before verify = %+v, %v; want pending", u, err)
	}
	if w := e.login("clara@gemeinde-beispiel.de", testPassword, nil); w.Code != http.StatusForbidden ||
		!strings.Contains(w.Body.String(), "E-Mail-Adresse noch nicht bestätigt") {
		t.Errorf("login before verify: status %d, want 403 with notice", w.Code)
	}

	w = e.confirm(link, nil)
	wantRedirect(t, w, "/", "verify")
	c := sessionOf(w)
	if c == nil {
		t.Fatal("verify set no session cookie")
	}
	if f := flashOf(w); f != "flash.account_verified" {
		t.Errorf("flash = %q", f)
	}
	u, _ = e.db.UserByEmail(context.Background(), "clara@gemeinde-beispiel.de")
	if u.Status != store.StatusActive || u.EmailVerifiedAt.IsZero() {
		t.Errorf("user after verify: status %q, verified %v", u.Status, u.EmailVerifiedAt)
	}
	w = e.get("/konto", &http.Cookie{Name: cookieSession, Value: c.Value})
	wantStatus(t, w, http.StatusOK, "settings after verify")
	wantBody(t, w, "settings after verify", "clara@gemeinde-beispiel.de", "Stadt Beispiel")

	// The link works once.
	w = e.confirm(link, nil)
	wantStatus(t, w, http.StatusBadRequest, "verify again")
	wantBody(t, w, "verify again", "Link ungültig oder abgelaufen", `href="/passwort-vergessen"`, `href="/registrieren"`)
}

func TestRegisterExistingEmailAnswersTheSame(t *testing.T) {
	e := newTestEnv(t)
	e.user("anna@kreis-musterland.de", "member")
	neu := e.register("neu@kreis-musterland.de", "Neu")
	old := e.register("anna@kreis-musterland.de", "Anna Zwei")
	if neu.Code != old.Code {
		t.Fatalf("status new %d, existing %d", neu.Code, old.Code)
	}
	nb := strings.ReplaceAll(neu.Body.String(), "neu@kreis-musterland.de", "")
	ob := strings.ReplaceAll(old.Body.String(), "anna@kreis-musterland.de", "")
	if nb != ob {
		t.Errorf("bodies differ:\nnew: %s\nexisting: %s", nb, ob)
	}
	ms := e.mailsTo("anna@kreis-musterland.de")
	if len(ms) != 1 || ms[0].Subject != "Registrierungsversuch mit Ihrer E-Mail-Adresse" || strings.Contains(ms[0].BodyText, "/bestaetigen") {
		t.Errorf("mails to existing address = %+v, want one register_existing mail", ms)
	}
	if len(e.mailsTo("neu@kreis-musterland.de")) != 1 {
		t.Errorf("new address got no verify mail")
	}
}

func TestRegisterValidation(t *testing.T) {
	const secret = "Xq7-kurz"
	valid := func() url.Values {
		return url.Values{"email": {"dora@stadt-beispiel.de"}, "display_name": {"Dora"}, "org_name": {"Stadt Beispiel"},
			"org_type": {"stadt"}, "password": {secret + "-und-lang-genug"}}
	}
	tests := []struct {
		name, field, value, want string
	}{
		{"bad email", "email", "dora(at)stadt-beispiel", "Bitte geben Sie eine gültige E-Mail-Adresse ein"},
		{"short password", "password", secret, "Das Passwort muss mindestens 10 Zeichen lang sein."},
		{"missing name", "display_name", "  ", "Bitte füllen Sie dieses Feld aus."},
		{"control chars in name", "display_name", "Dora\u0007Bell", "Die Eingabe enthält unzulässige Steuerzeichen."},
		{"too long org", "org_name", strings.Repeat("x", 121), "Bitte geben Sie höchstens 120 Zeichen ein (derzeit 121)."},
		{"unknown org type", "org_type", "konzern", "Bitte wählen Sie einen der angebotenen Werte."},
	}
	e := newTestEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := valid()
			f.Set(tt.field, tt.value)
			w := e.post("/registrieren", f, nil)
			wantStatus(t, w, http.StatusUnprocessableEntity, tt.name)
			wantBody(t, w, tt.name, `aria-invalid="true"`, tt.want, `class="error-summary"`, `id="f-`+tt.field+`-error"`)
			if tt.field != "email" {
				wantBody(t, w, tt.name, `value="dora@stadt-beispiel.de"`)
			}
			if strings.Contains(w.Body.String(), secret) {
				t.Errorf("%s: password echoed", tt.name)
			}
		})
	}
	if n := len(e.outbox()); n != 0 {
		t.Errorf("outbox has %d mails after invalid registrations", n)
	}
}

func TestRegisterDomainPolicy(t *testing.T) {
	e := newTestEnv(t, func(_ *Options, p *authPolicy) {
		p.Registration = "domains"
		p.AllowedDomains = []string{"musterland.de"}
	})
	w := e.get("/registrieren", nil)
	wantBody(t, w, "form", "Registrierung nur mit Verwaltungsadresse", "<li>musterland.de</li>")
	tests := []struct {
		email string
		want  int
	}{
		{"eva@musterland.de", http.StatusOK},
		{"eva@sub.musterland.de", http.StatusOK},
		{"eva@gmail.com", http.StatusUnprocessableEntity},
		{"eva@notmusterland.de", http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		w := e.register(tt.email, "Eva")
		wantStatus(t, w, tt.want, "register "+tt.email)
		if tt.want != http.StatusOK {
			wantBody(t, w, tt.email, "Die Registrierung ist nur mit einer E-Mail-Adresse einer zugelassenen Verwaltungsdomain möglich.")
		}
	}
}

func TestRegisterApprovalPolicy(t *testing.T) {
	e := newTestEnv(t, func(_ *Options, p *authPolicy) { p.Registration = "approval" })
	e.user("admin@kreis-musterland.de", "admin")
	w := e.get("/registrieren", nil)
	wantBody(t, w, "form", "prüft die Administration Ihre Registrierung")
	wantStatus(t, e.register("fritz@gemeinde.de", "Fritz"), http.StatusOK, "register")

	w = e.confirm(e.mailLink("fritz@gemeinde.de", "/bestaetigen"), nil)
	wantStatus(t, w, http.StatusOK, "verify")
	wantBody(t, w, "verify", "E-Mail-Adresse bestätigt", "Die Administration prüft nun Ihre Registrierung.")
	if sessionOf(w) != nil {
		t.Error("verify under approval logged the user in")
	}
	u, _ := e.db.UserByEmail(context.Background(), "fritz@gemeinde.de")
	if u.Status != store.StatusApproval {
		t.Errorf("status = %q, want approval", u.Status)
	}
	w = e.login("fritz@gemeinde.de", testPassword, nil)
	wantStatus(t, w, http.StatusForbidden, "login awaiting approval")
	wantBody(t, w, "login awaiting approval", "Konto noch nicht freigeschaltet")
	ms := e.mailsTo("admin@kreis-musterland.de")
	if len(ms) != 1 || ms[0].Subject != "Neue Registrierung wartet auf Freischaltung" {
		t.Errorf("admin mails = %+v", ms)
	}
}

func TestLoginSameAnswerForUnknownAndWrongPassword(t *testing.T) {
	e := newTestEnv(t)
	e.user("anna@kreis-musterland.de", "member")
	wrong := e.login("anna@kreis-musterland.de", "Falsches-Passwort-99", nil)
	unknown := e.login("niemand@kreis-musterland.de", "Falsches-Passwort-99", nil)
	wantStatus(t, wrong, http.StatusUnauthorized, "wrong password")
	wantStatus(t, unknown, http.StatusUnauthorized, "unknown email")
	ws, us := errorSummaryRE.FindString(wrong.Body.String()), errorSummaryRE.FindString(unknown.Body.String())
	if ws == "" || ws != us {
		t.Errorf("error summaries differ or are missing:\nwrong: %s\nunknown: %s", ws, us)
	}
	wantBody(t, wrong, "wrong password", "E-Mail-Adresse oder Passwort ist nicht korrekt.", `value="anna@kreis-musterland.de"`)
	if strings.Contains(wrong.Body.String(), "Falsches-Passwort-99") {
		t.Error("password echoed")
	}
	if sessionOf(wrong) != nil || sessionOf(unknown) != nil {
		t.Error("failed login set a session")
	}
}

func TestLoginRotatesSession(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	before := e.session(anna)
	w := e.login("Anna@Kreis-Musterland.de ", testPassword, before)
	wantRedirect(t, w, "/", "login")
	if f := flashOf(w); f != "flash.account_logged_in" {
		t.Errorf("flash = %q", f)
	}
	after := sessionOf(w)
	if after == nil || after.Value == before.Value || !after.HttpOnly || after.SameSite != http.SameSiteLaxMode {
		t.Fatalf("new session cookie = %+v", after)
	}
	e.wantAnonymous(before, "old session after login")
	wantStatus(t, e.get("/konto", after), http.StatusOK, "new session")
}

func TestLoginReturnPath(t *testing.T) {
	e := newTestEnv(t)
	e.user("anna@kreis-musterland.de", "member")
	tests := []struct{ weiter, want string }{
		{"/t/7-elterngeld?seite=2", "/t/7-elterngeld?seite=2"},
		{"", "/"},
		{"//evil.example", "/"},
		{"https://evil.example/", "/"},
		{`/\evil.example`, "/"},
		{"javascript:alert(1)", "/"},
	}
	for _, tt := range tests {
		w := e.post("/anmelden", url.Values{"email": {"anna@kreis-musterland.de"}, "password": {testPassword}, "weiter": {tt.weiter}}, nil)
		wantRedirect(t, w, tt.want, "login weiter="+tt.weiter)
	}
	// The form carries the return path from the query, but only a local one.
	wantBody(t, e.get("/anmelden?weiter=%2Fneues-thema", nil), "form", `name="weiter" value="/neues-thema"`)
	if b := e.get("/anmelden?weiter=%2F%2Fevil.example", nil).Body.String(); strings.Contains(b, "evil.example") {
		t.Error("login form carries a foreign return path")
	}
}

func TestLoginRateLimit(t *testing.T) {
	e := newTestEnv(t, func(o *Options, _ *authPolicy) { o.LoginPerMinute = 3 })
	e.user("anna@kreis-musterland.de", "member")
	for i := 1; i <= 3; i++ {
		wantStatus(t, e.login("anna@kreis-musterland.de", "Falsch-Falsch-Falsch", nil), http.StatusUnauthorized, "attempt")
	}
	w := e.login("anna@kreis-musterland.de", testPassword, nil)
	wantStatus(t, w, http.StatusTooManyRequests, "4th attempt")
	wantBody(t, w, "4th attempt", "Zu viele Versuche.")
	if ra := w.Header().Get("Retry-After"); ra != "21" { // 3 per minute: one back every 20 s, rounded up
		t.Errorf("Retry-After = %q, want 21", ra)
	}
	if sessionOf(w) != nil {
		t.Error("refused attempt logged in")
	}
	// The per-address limit holds from another IP too.
	form := url.Values{"email": {"anna@kreis-musterland.de"}, "password": {testPassword}}
	hr := httptest.NewRequest(http.MethodPost, "/anmelden", strings.NewReader(form.Encode()))
	hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hr.RemoteAddr = "198.51.100.7:4000"
	w = httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(w, hr)
	wantStatus(t, w, http.StatusTooManyRequests, "same address, other IP")
}

// TestResetMailsLimitedPerAddress: many IPs asking for reset mails to one
// address are stopped by the per-address limit.
func TestResetMailsLimitedPerAddress(t *testing.T) {
	e := newTestEnv(t, func(o *Options, _ *authPolicy) { o.RegisterPerHour = 100 })
	e.user("anna@kreis-musterland.de", "member")
	var w *httptest.ResponseRecorder
	for i := range 6 {
		form := url.Values{"email": {"Anna@kreis-musterland.de"}}
		hr := httptest.NewRequest(http.MethodPost, "/passwort-vergessen", strings.NewReader(form.Encode()))
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		hr.RemoteAddr = "198.51.100." + itoa(int64(i+1)) + ":4000"
		w = httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(w, hr)
	}
	wantStatus(t, w, http.StatusTooManyRequests, "6th reset request for one address")
	if w.Header().Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
}

func TestLoginRefusedAccounts(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	tests := []struct{ status, want string }{
		{store.StatusPending, "E-Mail-Adresse noch nicht bestätigt"},
		{store.StatusApproval, "Konto noch nicht freigeschaltet"},
		{store.StatusDisabled, "Konto deaktiviert"},
	}
	for _, tt := range tests {
		u := e.user(tt.status+"@kreis-musterland.de", "member")
		if err := e.db.SetUserStatus(ctx, u.ID, tt.status); err != nil {
			t.Fatal(err)
		}
		w := e.login(u.Email, testPassword, nil)
		wantStatus(t, w, http.StatusForbidden, tt.status)
		wantBody(t, w, tt.status, tt.want, `value="`+u.Email+`"`)
		if sessionOf(w) != nil {
			t.Errorf("%s: session set", tt.status)
		}
	}
}

func TestMembersSkipLoginAndRegistration(t *testing.T) {
	e := newTestEnv(t)
	c := e.session(e.user("anna@kreis-musterland.de", "member"))
	for _, p := range []string{"/anmelden", "/registrieren"} {
		wantRedirect(t, e.get(p, c), "/", p)
	}
	w := e.post("/registrieren", url.Values{"email": {"neu@kreis-musterland.de"}, "display_name": {"Neu"}, "password": {testPassword}}, c)
	wantRedirect(t, w, "/", "POST /registrieren")
	if n := len(e.outbox()); n != 0 {
		t.Errorf("registration by a member enqueued %d mails", n)
	}
}

func TestLogoutEndsSession(t *testing.T) {
	e := newTestEnv(t)
	c := e.session(e.user("anna@kreis-musterland.de", "member"))
	w := e.post("/abmelden", nil, c)
	wantRedirect(t, w, "/", "logout")
	cleared := false
	for _, ck := range w.Result().Cookies() {
		if ck.Name == cookieSession && ck.MaxAge < 0 {
			cleared = true
		}
	}
	if !cleared {
		t.Error("logout did not clear the cookie")
	}
	e.wantAnonymous(c, "after logout")
	wantRedirect(t, e.post("/abmelden", nil, nil), "/", "anonymous logout")
}

func TestForgotPasswordSameAnswer(t *testing.T) {
	e := newTestEnv(t)
	e.user("anna@kreis-musterland.de", "member")
	known := e.post("/passwort-vergessen", url.Values{"email": {"anna@kreis-musterland.de"}}, nil)
	unknown := e.post("/passwort-vergessen", url.Values{"email": {"niemand@kreis-musterland.de"}}, nil)
	wantStatus(t, known, http.StatusOK, "known")
	wantStatus(t, unknown, http.StatusOK, "unknown")
	wantBody(t, known, "known", "Falls ein Konto mit dieser Adresse besteht, haben wir eine E-Mail gesendet")
	if known.Body.String() != unknown.Body.String() {
		t.Error("answers differ between known and unknown address")
	}
	if ms := e.outbox(); len(ms) != 1 || ms[0].Recipient != "anna@kreis-musterland.de" {
		t.Errorf("outbox = %+v, want one mail to anna", ms)
	}
	w := e.post("/passwort-vergessen", url.Values{"email": {"keine-adresse"}}, nil)
	wantStatus(t, w, http.StatusUnprocessableEntity, "bad email")
	wantBody(t, w, "bad email", `aria-invalid="true"`, `value="keine-adresse"`)
}

func TestResetPassword(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	old := e.session(anna)
	e.post("/passwort-vergessen", url.Values{"email": {"anna@kreis-musterland.de"}}, nil)
	link := e.mailLink("anna@kreis-musterland.de", "/passwort-neu")
	token, _ := url.ParseQuery(strings.SplitN(link, "?", 2)[1])

	w := e.get(link, nil)
	wantStatus(t, w, http.StatusOK, "reset form")
	wantBody(t, w, "reset form", `name="token" value="`+token.Get("token")+`"`, `autocomplete="new-password"`)

	form := url.Values{"token": {token.Get("token")}, "password": {"kurz"}}
	w = e.post("/passwort-neu", form, nil)
	wantStatus(t, w, http.StatusUnprocessableEntity, "short password")
	wantBody(t, w, "short password", "Das Passwort muss mindestens 10 Zeichen lang sein.", `name="token" value="`+token.Get("token")+`"`)

	form.Set("password", "Neues-Passwort-2026")
	w = e.post("/passwort-neu", form, nil)
	wantRedirect(t, w, "/anmelden", "reset")
	e.wantAnonymous(old, "old session after reset")
	wantStatus(t, e.login("anna@kreis-musterland.de", testPassword, nil), http.StatusUnauthorized, "old password")
	wantRedirect(t, e.login("anna@kreis-musterland.de", "Neues-Passwort-2026", nil), "/", "new password")

	w = e.post("/passwort-neu", form, nil)
	wantStatus(t, w, http.StatusBadRequest, "link reused")
	wantBody(t, w, "link reused", "Link ungültig oder abgelaufen", `href="/passwort-vergessen"`)
	wantStatus(t, e.get("/passwort-neu", nil), http.StatusBadRequest, "no token")
	e.wantMail("anna@kreis-musterland.de", "Ihr Passwort wurde geändert", "/passwort-vergessen")
}

// wantMail fails unless the outbox holds a mail to addr with subject and
// every part in its text.
func (e *testEnv) wantMail(addr, subject string, parts ...string) {
	e.t.Helper()
	for _, m := range e.mailsTo(addr) {
		if m.Subject != subject {
			continue
		}
		for _, p := range parts {
			if !strings.Contains(m.BodyText, p) {
				e.t.Errorf("mail %q to %s lacks %q:\n%s", subject, addr, p, m.BodyText)
			}
		}
		return
	}
	e.t.Errorf("no mail %q to %s", subject, addr)
}

// TestPasswordChangeEndsResetLinks: a reset link asked for before the
// password was changed no longer works afterwards.
func TestPasswordChangeEndsResetLinks(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	e.post("/passwort-vergessen", url.Values{"email": {"anna@kreis-musterland.de"}}, nil)
	link := e.mailLink("anna@kreis-musterland.de", "/passwort-neu")
	token, _ := url.ParseQuery(strings.SplitN(link, "?", 2)[1])

	w := e.post("/konto/passwort", url.Values{"current_password": {testPassword}, "password": {"Neues-Passwort-2026"}}, e.session(anna))
	wantRedirect(t, w, "/konto", "change password")
	w = e.post("/passwort-neu", url.Values{"token": {token.Get("token")}, "password": {"Drittes-Passwort-2026"}}, nil)
	wantStatus(t, w, http.StatusBadRequest, "reset link from before the change")
}

func TestChangePassword(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	first, second := e.session(anna), e.session(anna)

	w := e.post("/konto/passwort", url.Values{"current_password": {"Falsches-Passwort-99"}, "password": {"Neues-Passwort-2026"}}, first)
	wantStatus(t, w, http.StatusUnprocessableEntity, "wrong current password")
	wantBody(t, w, "wrong current password", "Das aktuelle Passwort ist nicht korrekt.", `id="f-current_password-error"`)
	if b := w.Body.String(); strings.Contains(b, "Falsches-Passwort-99") || strings.Contains(b, "Neues-Passwort-2026") {
		t.Error("password echoed")
	}
	wantStatus(t, e.get("/konto", second), http.StatusOK, "second session after failed change")

	w = e.post("/konto/passwort", url.Values{"current_password": {testPassword}, "password": {"Neues-Passwort-2026"}}, first)
	wantRedirect(t, w, "/konto", "change password")
	fresh := sessionOf(w)
	if fresh == nil {
		t.Fatal("no new session cookie")
	}
	e.wantAnonymous(second, "other session after change")
	e.wantAnonymous(first, "changing session after change")
	wantStatus(t, e.get("/konto", &http.Cookie{Name: cookieSession, Value: fresh.Value}), http.StatusOK, "fresh session")
	wantRedirect(t, e.login("anna@kreis-musterland.de", "Neues-Passwort-2026", nil), "/", "login with new password")
	e.wantMail("anna@kreis-musterland.de", "Ihr Passwort wurde geändert", "Falls Sie das nicht waren")
}

func TestChangeEmail(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	c := e.session(anna)

	w := e.post("/konto/email", url.Values{"email": {"anna@stadt-beispiel.de"}, "email_password": {"Falsches-Passwort-99"}}, c)
	wantStatus(t, w, http.StatusUnprocessableEntity, "wrong password")
	wantBody(t, w, "wrong password", `id="f-email_password-error"`, "Das aktuelle Passwort ist nicht korrekt.", `value="anna@stadt-beispiel.de"`)

	w = e.post("/konto/email", url.Values{"email": {"anna@stadt-beispiel.de"}, "email_password": {testPassword}}, c)
	wantRedirect(t, w, "/konto", "change email")
	if f := flashOf(w); f != "flash.account_email_change_sent" {
		t.Errorf("flash = %q", f)
	}
	w = e.do(req{method: http.MethodGet, path: "/konto", header: map[string]string{"Cookie": c.String() + "; " + cookieFlash + "=" + flashOf(w)}})
	wantBody(t, w, "settings with flash", "Wir haben einen Bestätigungslink an die neue Adresse gesendet.")
	link := e.mailLink("anna@stadt-beispiel.de", "/email-bestaetigen")
	if n := len(e.mailsTo("anna@kreis-musterland.de")); n != 0 {
		t.Errorf("old address got %d mails before confirmation", n)
	}

	w = e.confirm(link, c)
	wantRedirect(t, w, "/konto", "confirm")
	u, _ := e.db.UserByID(context.Background(), anna.ID)
	if u.Email != "anna@stadt-beispiel.de" {
		t.Errorf("email = %q", u.Email)
	}
	ms := e.mailsTo("anna@kreis-musterland.de")
	if len(ms) != 1 || ms[0].Subject != "Ihre E-Mail-Adresse wurde geändert" || !strings.Contains(ms[0].BodyText, "anna@stadt-beispiel.de") {
		t.Errorf("notice to old address = %+v", ms)
	}
	wantStatus(t, e.post("/email-bestaetigen", url.Values{"token": {strings.SplitN(link, "=", 2)[1]}}, c), http.StatusBadRequest, "confirm twice")
}

func TestChangeEmailToAddressTakenMeanwhile(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	w := e.post("/konto/email", url.Values{"email": {"neu@stadt-beispiel.de"}, "email_password": {testPassword}}, e.session(anna))
	wantRedirect(t, w, "/konto", "change email")
	link := e.mailLink("neu@stadt-beispiel.de", "/email-bestaetigen")
	e.user("neu@stadt-beispiel.de", "member")
	w = e.confirm(link, nil)
	wantStatus(t, w, http.StatusConflict, "confirm taken address")
	wantBody(t, w, "confirm taken address", "Änderung nicht möglich")
}

func TestProfileUpdate(t *testing.T) {
	e := newTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	c := e.session(anna)
	w := e.get("/konto", c)
	wantStatus(t, w, http.StatusOK, "settings")
	wantBody(t, w, "settings", `value="anna"`, `<option value="landkreis" selected>Landkreis</option>`, "Mitglied seit", "Mitglied</dd>",
		"anna@kreis-musterland.de", `action="/konto/profil"`, `action="/konto/passwort"`, `action="/konto/email"`, `action="/konto/token"`)

	w = e.post("/konto/profil", url.Values{"display_name": {"A"}, "org_name": {"Stadt Beispiel"}, "org_type": {"stadt"}, "language": {"de"}}, c)
	wantStatus(t, w, http.StatusUnprocessableEntity, "short name")
	wantBody(t, w, "short name", `id="f-display_name-error"`, "Bitte geben Sie mindestens 2 Zeichen ein.", `value="Stadt Beispiel"`)

	w = e.post("/konto/profil", url.Values{"display_name": {"Anna Schmidt"}, "org_name": {"Stadt Beispiel"}, "org_type": {"stadt"}, "language": {"en"}}, c)
	wantRedirect(t, w, "/konto", "save profile")
	u, _ := e.db.UserByID(context.Background(), anna.ID)
	if u.DisplayName != "Anna Schmidt" || u.OrgName != "Stadt Beispiel" || u.OrgType != "stadt" || u.Language != "en" {
		t.Errorf("user after update = %+v", u)
	}
	w = e.get("/konto", c)
	wantBody(t, w, "settings in English", `<html lang="en">`, "My account", "Change password", "Anna Schmidt")
}

func TestAPITokenShownOnce(t *testing.T) {
	e := newTestEnv(t)
	c := e.session(e.user("anna@kreis-musterland.de", "member"))
	w := e.post("/konto/token", url.Values{"name": {""}}, c)
	wantStatus(t, w, http.StatusUnprocessableEntity, "no name")
	wantBody(t, w, "no name", `id="f-name-error"`)

	w = e.post("/konto/token", url.Values{"name": {"Import Ticketsystem"}}, c)
	wantStatus(t, w, http.StatusOK, "create token")
	m := regexp.MustCompile(`<code>(kf_[A-Za-z0-9_-]+)</code>`).FindStringSubmatch(w.Body.String())
	if m == nil {
		t.Fatalf("no token on the page")
	}
	tok := m[1]
	wantBody(t, w, "create token", "nur dieses eine Mal", "Authorization: Bearer "+tok)

	if b := e.get("/konto", c).Body.String(); strings.Contains(b, tok) {
		t.Error("token shown again")
	}
	w = e.do(req{method: http.MethodGet, path: "/konto", header: map[string]string{"Authorization": "Bearer " + tok}})
	wantStatus(t, w, http.StatusOK, "settings with the token")
}

func TestAccountPagesNeedLogin(t *testing.T) {
	e := newTestEnv(t)
	wantRedirect(t, e.get("/konto", nil), "/anmelden?weiter=%2Fkonto", "GET /konto")
	for _, p := range []string{"/konto/profil", "/konto/passwort", "/konto/email", "/konto/token"} {
		wantRedirect(t, e.post(p, url.Values{}, nil), "/anmelden", "POST "+p)
	}
}

func TestRegisterRateLimit(t *testing.T) {
	e := newTestEnv(t, func(o *Options, _ *authPolicy) { o.RegisterPerHour = 1 })
	wantStatus(t, e.register("eins@gemeinde.de", "Eins"), http.StatusOK, "first")
	w := e.register("zwei@gemeinde.de", "Zwei")
	wantStatus(t, w, http.StatusTooManyRequests, "second")
	wantBody(t, w, "second", "Zu viele Versuche.", `value="zwei@gemeinde.de"`)
	w = e.post("/passwort-vergessen", url.Values{"email": {"eins@gemeinde.de"}}, nil)
	wantStatus(t, w, http.StatusTooManyRequests, "forgot shares the limit")
}
