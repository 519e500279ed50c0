package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/auth"
)

// Cookies of the single sign-on flow. Both are HttpOnly and SameSite=Lax:
// the provider sends the browser back with a top-level GET, which carries
// Lax cookies.
const (
	cookieOIDCState = "kf_oidc_state" // ties the provider's return to this browser
	cookieOIDCLink  = "kf_oidc_link"  // a pending link waiting for the local password
)

// ssoLogin is the single sign-on part of the login page; whether the
// password form shows too is Base.NoLocalLogin.
type ssoLogin struct {
	SSOLabel string // the button's label; empty when single sign-on is off
	SSOURL   string // GET /anmelden/oidc with the page to return to
}

func (s *Server) ssoLogin(next string) ssoLogin {
	var l ssoLogin
	if s.opt.OIDC != nil {
		l.SSOLabel, l.SSOURL = s.opt.SSOLabel, "/anmelden/oidc"
		if next != "" && next != "/" {
			l.SSOURL += "?weiter=" + url.QueryEscape(next)
		}
	}
	return l
}

// oidcRoutes registers the single sign-on pages. They answer 404 while
// single sign-on is not configured.
func (s *Server) oidcRoutes(r *gin.Engine) {
	r.GET("/anmelden/oidc", s.oidcStart)
	r.GET("/anmelden/oidc/rueckkehr", s.oidcReturn)
	r.GET("/anmelden/oidc/verknuepfen", s.oidcLinkForm)
	r.POST("/anmelden/oidc/verknuepfen", s.oidcLink)
}

// oidcEnabled answers 404 and reports false when single sign-on is off.
func (s *Server) oidcEnabled(c *gin.Context) bool {
	if s.opt.OIDC == nil {
		s.failStatus(c, http.StatusNotFound, "error.not_found")
		return false
	}
	return true
}

// oidcStart serves GET /anmelden/oidc?weiter=/path: it sends the browser
// to the provider, remembering the state in a cookie.
func (s *Server) oidcStart(c *gin.Context) {
	if !s.oidcEnabled(c) || redirectMember(c) {
		return
	}
	if !s.allow(c, s.loginLimit, clientIP(c)) {
		s.failStatus(c, http.StatusTooManyRequests, "error.rate_limited")
		return
	}
	authURL, state, err := s.opt.OIDC.Begin(c.Request.Context(), localPath(c.Query("weiter")))
	if errors.Is(err, auth.ErrOIDCUnavailable) {
		s.log.Warn("oidc provider unavailable", "err", err, "request_id", requestID(c))
		s.oidcRefused(c, http.StatusServiceUnavailable, "oidc.error.unavailable")
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setCookie(c, cookieOIDCState, state, auth.OIDCLoginTTL)
	c.Header("Cache-Control", privateNoStore)
	c.Redirect(http.StatusSeeOther, authURL)
}

// oidcReturn serves GET /anmelden/oidc/rueckkehr?code=&state=, where the
// provider sends the browser back. Nothing of the request (code, state) or
// of the token is logged.
func (s *Server) oidcReturn(c *gin.Context) {
	if !s.oidcEnabled(c) {
		return
	}
	cookieState, _ := c.Cookie(cookieOIDCState)
	s.clearCookie(c, cookieOIDCState)
	c.Header("Cache-Control", privateNoStore)
	if c.Query("error") != "" {
		// Cancelled or refused at the provider; its error text is not shown.
		s.oidcRefused(c, http.StatusBadRequest, "oidc.error.cancelled")
		return
	}
	res, err := s.opt.OIDC.Finish(c.Request.Context(), c.Query("code"), c.Query("state"), cookieState)
	if err != nil {
		s.oidcError(c, err)
		return
	}
	if res.LinkToken != "" {
		s.setCookie(c, cookieOIDCLink, res.LinkToken, auth.OIDCLinkTTL)
		c.Redirect(http.StatusSeeOther, "/anmelden/oidc/verknuepfen")
		return
	}
	if err := s.startSession(c, res.User.ID); err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.account_logged_in")
	c.Redirect(http.StatusSeeOther, localPath(res.Next))
}

// oidcError maps the errors of the single sign-on flow to German pages.
// Refusals are logged by kind only: the wrapped reasons name no person.
func (s *Server) oidcError(c *gin.Context, err error) {
	key, status := "", http.StatusForbidden
	switch {
	case errors.Is(err, auth.ErrOIDCState):
		key, status = "oidc.error.state", http.StatusBadRequest
	case errors.Is(err, auth.ErrOIDCToken):
		key = "oidc.error.token"
	case errors.Is(err, auth.ErrOIDCEmail):
		key = "oidc.error.email"
	case errors.Is(err, auth.ErrOIDCDomain):
		key = "oidc.error.domain"
	case errors.Is(err, auth.ErrOIDCUnavailable):
		key, status = "oidc.error.unavailable", http.StatusServiceUnavailable
	case errors.Is(err, auth.ErrNotVerified):
		key = "account.login.not_verified"
	case errors.Is(err, auth.ErrAwaitingApproval):
		key = "account.login.approval"
	case errors.Is(err, auth.ErrDisabled):
		key = "account.login.disabled"
	default:
		s.fail(c, err)
		return
	}
	s.log.Warn("oidc login refused", "err", err, "request_id", requestID(c))
	s.oidcRefused(c, status, key)
}

// oidcRefused shows why single sign-on failed, with the ways on.
func (s *Server) oidcRefused(c *gin.Context, status int, key string) {
	links := []Crumb{{Label: s.t(c, "oidc.retry"), URL: "/anmelden"}}
	s.message(c, status, "oidc.refused_title", []string{s.t(c, key)}, links...)
}

// oidcLinkPage asks the owner of a local account for its password before
// the provider account is linked to it.
type oidcLinkPage struct {
	Base
	Form  Form
	Email string // the local account's address, which the provider confirmed
}

// oidcLinkForm serves GET /anmelden/oidc/verknuepfen.
func (s *Server) oidcLinkForm(c *gin.Context) {
	if !s.oidcEnabled(c) {
		return
	}
	tok, _ := c.Cookie(cookieOIDCLink)
	u, err := s.opt.OIDC.PendingLink(c.Request.Context(), tok)
	if errors.Is(err, auth.ErrInvalidToken) {
		s.clearCookie(c, cookieOIDCLink)
		s.oidcRefused(c, http.StatusBadRequest, "oidc.error.link_invalid")
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	// The link cookie keeps this page, which shows the person's address,
	// out of the anonymous page cache (pagecache.go, cacheable).
	s.renderOIDCLink(c, http.StatusOK, u.Email, Form{})
}

func (s *Server) renderOIDCLink(c *gin.Context, status int, email string, form Form) {
	b := s.accountBase(c, "oidc.link.title")
	b.Path = "/anmelden"
	c.Header("Cache-Control", privateNoStore)
	s.render(c, status, "account_oidc_link", oidcLinkPage{Base: b, Form: form, Email: email})
}

// oidcLink serves POST /anmelden/oidc/verknuepfen: with the right local
// password the provider account is linked and the user logged in. Attempts
// count against the password login's limits.
func (s *Server) oidcLink(c *gin.Context) {
	if !s.oidcEnabled(c) {
		return
	}
	ctx := c.Request.Context()
	tok, _ := c.Cookie(cookieOIDCLink)
	u, err := s.opt.OIDC.PendingLink(ctx, tok)
	if errors.Is(err, auth.ErrInvalidToken) {
		s.clearCookie(c, cookieOIDCLink)
		s.oidcRefused(c, http.StatusBadRequest, "oidc.error.link_invalid")
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	form := newForm(c)
	if !s.allow(c, s.loginLimit, clientIP(c)) || !s.allow(c, s.loginLimitAcc, strings.ToLower(u.Email)) {
		s.renderOIDCLink(c, http.StatusTooManyRequests, u.Email, withProblem(form, s.t(c, "error.rate_limited")))
		return
	}
	linked, next, err := s.opt.OIDC.ConfirmLink(ctx, tok, c.PostForm("password"))
	switch {
	case errors.Is(err, auth.ErrInvalidLogin):
		s.renderOIDCLink(c, http.StatusUnauthorized, u.Email, withProblem(form, s.t(c, "oidc.link.wrong_password")))
		return
	case errors.Is(err, auth.ErrInvalidToken):
		s.clearCookie(c, cookieOIDCLink)
		s.oidcRefused(c, http.StatusBadRequest, "oidc.error.link_invalid")
		return
	case err != nil:
		s.oidcError(c, err)
		return
	}
	s.clearCookie(c, cookieOIDCLink)
	if err := s.startSession(c, linked.ID); err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.oidc_linked")
	c.Redirect(http.StatusSeeOther, localPath(next))
}
