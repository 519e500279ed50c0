package web

import (
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/store"
)

// messagePage tells the outcome of an account flow: a sent mail, a used or
// invalid link.
type messagePage struct {
	Base
	Lines []string // paragraphs, translated
	Links []Crumb  // follow-up actions
	Warn  bool     // something went wrong
}

// message renders a messagePage titled from the catalogue. Its language
// switch returns home: re-requesting a consumed link or a POST would not
// show this message again.
func (s *Server) message(c *gin.Context, status int, titleKey string, lines []string, links ...Crumb) {
	b := s.accountBase(c, titleKey)
	b.Path = "/"
	s.render(c, status, "account_message", messagePage{Base: b, Lines: lines, Links: links, Warn: status >= 400})
}

// accountBase is the layout data of an account page: its title from the
// catalogue, one breadcrumb, and no indexing.
func (s *Server) accountBase(c *gin.Context, titleKey string) Base {
	title := s.t(c, titleKey)
	b := s.base(c, title, Crumb{Label: title})
	b.NoIndex = true
	return b
}

// withProblem adds a message about the whole form: the error summary lists
// it, no field shows it.
func withProblem(f Form, msg string) Form {
	errs := make(map[string]string, len(f.Errors)+1)
	maps.Copy(errs, f.Errors)
	errs[""] = msg
	f.Errors = errs
	return f
}

// takePassword removes a password from the form values, so no page can
// echo it, and returns it.
func takePassword(f Form, name string) string {
	pw := f.Values[name]
	delete(f.Values, name)
	return pw
}

// startSession logs this browser in as userID. A session the request came
// with is ended first, so a session ID known before login is worthless after.
func (s *Server) startSession(c *gin.Context, userID int64) error {
	ctx := c.Request.Context()
	if old := c.GetString(keySession); old != "" {
		if err := s.accounts.EndSession(ctx, old); err != nil {
			return err
		}
	}
	tok, err := s.accounts.StartSession(ctx, userID)
	if err != nil {
		return err
	}
	s.setCookie(c, cookieSession, tok, s.accounts.Policy().SessionLifetime)
	return nil
}

// redirectMember sends logged-in users away from the login and registration
// forms and reports whether it did.
func redirectMember(c *gin.Context) bool {
	if viewer(c) == nil {
		return false
	}
	c.Redirect(http.StatusSeeOther, "/")
	return true
}

type registerPage struct {
	Base
	Form         Form
	OrgTypes     []string
	MinPassword  int
	Registration string   // open, domains or approval
	Domains      []string // the admitted domains under "domains"
}

// registerForm serves GET /registrieren.
func (s *Server) registerForm(c *gin.Context) {
	if redirectMember(c) {
		return
	}
	s.renderRegister(c, http.StatusOK, Form{})
}

func (s *Server) renderRegister(c *gin.Context, status int, form Form) {
	p := s.accounts.Policy()
	s.render(c, status, "account_register", registerPage{Base: s.accountBase(c, "account.register.title"), Form: form,
		OrgTypes: store.OrgTypes, MinPassword: p.MinPasswordLength, Registration: p.Registration, Domains: p.AllowedDomains})
}

// register serves POST /registrieren. An address that already has an
// account gets the same answer as a new one (its owner gets a mail), so the
// form reveals nobody's membership.
func (s *Server) register(c *gin.Context) {
	if redirectMember(c) {
		return
	}
	form := newForm(c, "email", "display_name", "org_name", "org_type", "password")
	password := takePassword(form, "password")
	if !s.allow(c, s.registerLimit, clientIP(c)) || !s.allow(c, s.mailLimitAcc, strings.ToLower(strings.TrimSpace(form.Values["email"]))) {
		s.renderRegister(c, http.StatusTooManyRequests, withProblem(form, s.t(c, "error.rate_limited")))
		return
	}
	err := s.accounts.Register(c.Request.Context(), auth.Registration{Email: form.Values["email"], DisplayName: form.Values["display_name"],
		OrgName: form.Values["org_name"], OrgType: form.Values["org_type"], Password: password, Language: s.lang(c)})
	if ve, ok := asValidation(err); ok {
		s.renderRegister(c, http.StatusUnprocessableEntity, s.withErrors(c, form, ve))
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.opt.MailWake()
	lines := []string{s.t(c, "account.registered.sent", strings.TrimSpace(form.Values["email"])), s.t(c, "account.registered.check")}
	if s.accounts.Policy().Registration == "approval" {
		lines = append(lines, s.t(c, "account.register.policy_approval"))
	}
	s.message(c, http.StatusOK, "account.registered.title", lines)
}

// confirmPage asks for one click before a mailed one-time link takes
// effect: mail gateways that open every link in advance (common in public
// administration) would otherwise use the token up before the person does.
type confirmPage struct {
	Base
	Intro, Button string
	Action, Token string
}

// confirmForm serves GET of a mailed link: a page whose button POSTs the token.
func (s *Server) confirmForm(titleKey, introKey, buttonKey string) gin.HandlerFunc {
	return func(c *gin.Context) {
		b := s.accountBase(c, titleKey)
		b.Path = "/"
		s.render(c, http.StatusOK, "account_confirm", confirmPage{Base: b, Intro: s.t(c, introKey), Button: s.t(c, buttonKey),
			Action: c.Request.URL.Path, Token: c.Query("token")})
	}
}

// verifyEmail serves POST /bestaetigen, confirming the verification mail's
// link: an active account is logged in, one under approval waits.
func (s *Server) verifyEmail(c *gin.Context) {
	u, err := s.accounts.Verify(c.Request.Context(), c.PostForm("token"), s.lang(c))
	if errors.Is(err, auth.ErrInvalidToken) {
		s.message(c, http.StatusBadRequest, "account.link_invalid",
			[]string{s.t(c, "account.verify.invalid"), s.t(c, "account.verify.invalid_hint")},
			Crumb{Label: s.t(c, "account.reset.request"), URL: "/passwort-vergessen"},
			Crumb{Label: s.t(c, "account.register.title"), URL: "/registrieren"})
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if u.Status != store.StatusActive {
		s.opt.MailWake() // the admins were told
		s.message(c, http.StatusOK, "account.verify.approval_title", []string{s.t(c, "account.verify.approval")})
		return
	}
	if err := s.startSession(c, u.ID); err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.account_verified")
	c.Redirect(http.StatusSeeOther, "/")
}

type loginPage struct {
	Base
	Form Form
	Next string // where to go after login, a local path
	// NoticeTitle and Notice explain why correct credentials were refused.
	NoticeTitle, Notice string
	// ssoLogin is the single sign-on button (oidc.go).
	ssoLogin
}

// loginForm serves GET /anmelden?weiter=/path.
func (s *Server) loginForm(c *gin.Context) {
	if redirectMember(c) {
		return
	}
	s.renderLogin(c, http.StatusOK, loginPage{Form: Form{}, Next: localPath(c.Query("weiter"))})
}

func (s *Server) renderLogin(c *gin.Context, status int, p loginPage) {
	p.Base = s.accountBase(c, "account.login.title")
	p.Path = "/anmelden"
	p.ssoLogin = s.ssoLogin(p.Next)
	if p.Next != "/" {
		p.Path += "?weiter=" + url.QueryEscape(p.Next)
	}
	s.render(c, status, "account_login", p)
}

// requireLocalLogin refuses the routes of the password login when it is
// switched off (auth.local_login: false).
func (s *Server) requireLocalLogin(c *gin.Context) {
	if s.opt.NoLocalLogin {
		s.failStatus(c, http.StatusForbidden, "oidc.error.local_disabled")
		c.Abort()
	}
}

// login serves POST /anmelden. Unknown addresses and wrong passwords get
// the same answer; attempts are limited per client IP and per address.
func (s *Server) login(c *gin.Context) {
	form := newForm(c, "email")
	password := c.PostForm("password")
	next := localPath(c.DefaultPostForm("weiter", c.Query("weiter")))
	email := strings.ToLower(strings.TrimSpace(form.Values["email"]))
	if !s.allow(c, s.loginLimit, clientIP(c)) || !s.allow(c, s.loginLimitAcc, email) {
		s.renderLogin(c, http.StatusTooManyRequests, loginPage{Form: withProblem(form, s.t(c, "error.rate_limited")), Next: next})
		return
	}
	u, err := s.accounts.Login(c.Request.Context(), email, password)
	refused := func(titleKey, key string) {
		s.renderLogin(c, http.StatusForbidden, loginPage{Form: form, Next: next, NoticeTitle: s.t(c, titleKey), Notice: s.t(c, key)})
	}
	if err != nil {
		s.securityEvent(c, slog.LevelWarn, "login_failed", slog.String("reason", loginFailure(err)))
	} else {
		s.securityEvent(c, slog.LevelInfo, "login", slog.Int64("user_id", u.ID), slog.String("method", "password"))
	}
	switch {
	case errors.Is(err, auth.ErrInvalidLogin):
		s.renderLogin(c, http.StatusUnauthorized, loginPage{Form: withProblem(form, s.t(c, "account.login.invalid")), Next: next})
	case errors.Is(err, auth.ErrNotVerified):
		refused("account.login.not_verified_title", "account.login.not_verified")
	case errors.Is(err, auth.ErrAwaitingApproval):
		refused("account.login.approval_title", "account.login.approval")
	case errors.Is(err, auth.ErrDisabled):
		refused("account.login.disabled_title", "account.login.disabled")
	case err != nil:
		s.fail(c, err)
	default:
		if err := s.startSession(c, u.ID); err != nil {
			s.fail(c, err)
			return
		}
		s.setFlash(c, "flash.account_logged_in")
		c.Redirect(http.StatusSeeOther, next)
	}
}

// loginFailure names a refused login for the security log.
func loginFailure(err error) string {
	switch {
	case errors.Is(err, auth.ErrInvalidLogin):
		return "invalid_credentials" // unknown account and wrong password alike
	case errors.Is(err, auth.ErrNotVerified):
		return "not_verified"
	case errors.Is(err, auth.ErrAwaitingApproval):
		return "awaiting_approval"
	case errors.Is(err, auth.ErrDisabled):
		return "disabled"
	}
	return "error"
}

// logout serves POST /abmelden.
func (s *Server) logout(c *gin.Context) {
	s.securityEvent(c, slog.LevelInfo, "logout")
	if tok := c.GetString(keySession); tok != "" {
		if err := s.accounts.EndSession(c.Request.Context(), tok); err != nil {
			s.fail(c, err)
			return
		}
	}
	s.clearCookie(c, cookieSession)
	s.setFlash(c, "flash.account_logged_out")
	c.Redirect(http.StatusSeeOther, "/")
}

type forgotPage struct {
	Base
	Form Form
}

// forgotForm serves GET /passwort-vergessen.
func (s *Server) forgotForm(c *gin.Context) {
	s.renderForgot(c, http.StatusOK, Form{})
}

// forgot serves POST /passwort-vergessen. The answer is the same whether
// an account exists or not.
func (s *Server) forgot(c *gin.Context) {
	form := newForm(c, "email")
	if !s.allow(c, s.registerLimit, clientIP(c)) || !s.allow(c, s.mailLimitAcc, strings.ToLower(strings.TrimSpace(form.Values["email"]))) {
		s.renderForgot(c, http.StatusTooManyRequests, withProblem(form, s.t(c, "error.rate_limited")))
		return
	}
	err := s.accounts.RequestReset(c.Request.Context(), form.Values["email"], s.lang(c))
	if ve, ok := asValidation(err); ok {
		s.renderForgot(c, http.StatusUnprocessableEntity, s.withErrors(c, form, ve))
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.opt.MailWake()
	s.message(c, http.StatusOK, "account.forgot.sent_title", []string{s.t(c, "account.forgot.sent"), s.t(c, "account.forgot.sent_hint")})
}

func (s *Server) renderForgot(c *gin.Context, status int, form Form) {
	s.render(c, status, "account_forgot", forgotPage{Base: s.accountBase(c, "account.forgot.title"), Form: form})
}

type resetPage struct {
	Base
	Form        Form
	Token       string
	MinPassword int
}

// resetForm serves GET /passwort-neu?token=, the link of the reset mail.
// The token is checked when the form is sent.
func (s *Server) resetForm(c *gin.Context) {
	token := c.Query("token")
	if token == "" {
		s.invalidResetLink(c)
		return
	}
	s.renderReset(c, http.StatusOK, token, Form{})
}

func (s *Server) renderReset(c *gin.Context, status int, token string, form Form) {
	b := s.accountBase(c, "account.reset.title")
	b.Path = "/passwort-neu?token=" + url.QueryEscape(token)
	s.render(c, status, "account_reset", resetPage{Base: b, Form: form, Token: token, MinPassword: s.accounts.Policy().MinPasswordLength})
}

func (s *Server) invalidResetLink(c *gin.Context) {
	s.message(c, http.StatusBadRequest, "account.link_invalid", []string{s.t(c, "account.reset.invalid")},
		Crumb{Label: s.t(c, "account.reset.request"), URL: "/passwort-vergessen"})
}

// reset serves POST /passwort-neu. Reset ends every session of the account,
// so the user logs in afresh.
func (s *Server) reset(c *gin.Context) {
	token := c.PostForm("token")
	form := newForm(c, "password")
	err := s.accounts.Reset(c.Request.Context(), token, takePassword(form, "password"))
	if ve, ok := asValidation(err); ok {
		s.renderReset(c, http.StatusUnprocessableEntity, token, s.withErrors(c, form, ve))
		return
	}
	if errors.Is(err, auth.ErrInvalidToken) {
		s.invalidResetLink(c)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.clearCookie(c, cookieSession)
	s.securityEvent(c, slog.LevelInfo, "password_reset")
	s.setFlash(c, "flash.account_password_reset")
	c.Redirect(http.StatusSeeOther, "/anmelden")
}

// confirmEmailChange serves POST /email-bestaetigen, confirming the link
// sent to the new address; the old address is notified.
func (s *Server) confirmEmailChange(c *gin.Context) {
	err := s.accounts.ConfirmEmailChange(c.Request.Context(), c.PostForm("token"), s.lang(c))
	if errors.Is(err, auth.ErrInvalidToken) {
		s.message(c, http.StatusBadRequest, "account.link_invalid", []string{s.t(c, "account.email_change.invalid")},
			Crumb{Label: s.t(c, "account.settings.title"), URL: "/konto"})
		return
	}
	if _, ok := asValidation(err); ok {
		s.message(c, http.StatusConflict, "account.email_change.taken_title", []string{s.t(c, "account.email_change.taken")},
			Crumb{Label: s.t(c, "account.settings.title"), URL: "/konto"})
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.opt.MailWake()
	s.securityEvent(c, slog.LevelInfo, "email_changed")
	s.setFlash(c, "flash.account_email_changed")
	if viewer(c) == nil {
		c.Redirect(http.StatusSeeOther, "/anmelden")
		return
	}
	c.Redirect(http.StatusSeeOther, "/konto")
}

// settingsPage is /konto: one form per section, each posting to its own URL.
type settingsPage struct {
	Base
	Account     store.User
	OrgTypes    []string
	Languages   []string
	MinPassword int
	Profile     Form   // display_name, org_name, org_type, language
	Password    Form   // current_password, password
	Email       Form   // email, email_password
	Token       Form   // name
	NewToken    string // a token just created, shown this once
	APIExample  string // a URL of the API for the curl example
}

// newSettingsPage fills the settings page for the logged-in user with
// fresh forms; handlers replace the form that failed.
func (s *Server) newSettingsPage(c *gin.Context) settingsPage {
	u := viewer(c)
	b := s.accountBase(c, "account.settings.title")
	b.Path = "/konto"
	return settingsPage{
		Base: b, Account: *u, OrgTypes: store.OrgTypes, Languages: s.cat.Languages(),
		MinPassword: s.accounts.Policy().MinPasswordLength,
		Profile: Form{}.Set("display_name", u.DisplayName).Set("org_name", u.OrgName).
			Set("org_type", u.OrgType).Set("language", u.Language),
		APIExample: s.opt.BaseURL + "/api/v1/topic-fields",
	}
}

// settings serves GET /konto.
func (s *Server) settings(c *gin.Context) {
	s.render(c, http.StatusOK, "account_settings", s.newSettingsPage(c))
}

// updateProfile serves POST /konto/profil.
func (s *Server) updateProfile(c *gin.Context) {
	form := newForm(c, "display_name", "org_name", "org_type", "language")
	v := form.Values
	err := s.accounts.UpdateProfile(c.Request.Context(), viewer(c), v["display_name"], v["org_name"], v["org_type"], v["language"])
	if ve, ok := asValidation(err); ok {
		p := s.newSettingsPage(c)
		p.Profile = s.withErrors(c, form, ve)
		s.render(c, http.StatusUnprocessableEntity, "account_settings", p)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.account_profile_saved")
	c.Redirect(http.StatusSeeOther, "/konto")
}

// changePassword serves POST /konto/passwort. ChangePassword ends every
// session, so this browser gets a fresh one and stays logged in.
func (s *Server) changePassword(c *gin.Context) {
	form := newForm(c, "current_password", "password")
	current, next := takePassword(form, "current_password"), takePassword(form, "password")
	u := viewer(c)
	err := s.accounts.ChangePassword(c.Request.Context(), u, current, next)
	if ve, ok := asValidation(err); ok {
		p := s.newSettingsPage(c)
		p.Password = s.withErrors(c, form, ve)
		s.render(c, http.StatusUnprocessableEntity, "account_settings", p)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	tok, err := s.accounts.StartSession(c.Request.Context(), u.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setCookie(c, cookieSession, tok, s.accounts.Policy().SessionLifetime)
	s.securityEvent(c, slog.LevelInfo, "password_changed")
	s.setFlash(c, "flash.account_password_changed")
	c.Redirect(http.StatusSeeOther, "/konto")
}

// changeEmail serves POST /konto/email: a confirmation link goes to the new
// address. If that address is taken, its owner is told instead and this
// user sees the same answer.
func (s *Server) changeEmail(c *gin.Context) {
	form := newForm(c, "email", "email_password")
	password := takePassword(form, "email_password")
	fail := func(status int, f Form) {
		p := s.newSettingsPage(c)
		p.Email = f
		s.render(c, status, "account_settings", p)
	}
	if !s.allow(c, s.registerLimit, clientIP(c)) {
		fail(http.StatusTooManyRequests, withProblem(form, s.t(c, "error.rate_limited")))
		return
	}
	err := s.accounts.RequestEmailChange(c.Request.Context(), viewer(c), form.Values["email"], password, s.lang(c))
	if ve, ok := asValidation(err); ok {
		// The password field of this form has its own name, as the
		// password section already has a current_password field.
		f := s.withErrors(c, form, ve)
		if m, ok := f.Errors["current_password"]; ok {
			delete(f.Errors, "current_password")
			f.Errors["email_password"] = m
		}
		fail(http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.opt.MailWake()
	s.setFlash(c, "flash.account_email_change_sent")
	c.Redirect(http.StatusSeeOther, "/konto")
}

// createToken serves POST /konto/token and shows the new token once: only
// its hash is stored.
func (s *Server) createToken(c *gin.Context) {
	form := newForm(c, "name")
	tok, err := s.accounts.CreateAPIToken(c.Request.Context(), viewer(c).ID, form.Values["name"])
	if ve, ok := asValidation(err); ok {
		p := s.newSettingsPage(c)
		p.Token = s.withErrors(c, form, ve)
		s.render(c, http.StatusUnprocessableEntity, "account_settings", p)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	p := s.newSettingsPage(c)
	p.NewToken = tok
	c.Header("Cache-Control", privateNoStore) // the token is on this page, once
	s.render(c, http.StatusOK, "account_settings", p)
}

// allow asks the limiter for key and, when it refuses, tells the client
// when to try again (Retry-After, RFC 9110) before the caller answers 429.
func (s *Server) allow(c *gin.Context, l *auth.Limiter, key string) bool {
	if l.Allow(key) {
		return true
	}
	c.Header("Retry-After", strconv.Itoa(int(l.RetryAfter()/time.Second)))
	return false
}
