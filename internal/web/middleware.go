package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/store"
)

// Context keys set by middleware.
const (
	keyRequestID = "kf.request_id"
	keyUser      = "kf.user"
	keySession   = "kf.session"
	keyLang      = "kf.lang"
	keyViaToken  = "kf.via_token" // #nosec G101 -- a gin context key name, not a credential
)

// Cookie names.
const (
	cookieSession = "kf_session"
	cookieLang    = "kf_lang"
	cookieFlash   = "kf_flash"
)

// maxBody bounds request bodies: the longest post is 20,000 characters.
const maxBody = 1 << 20

// contentSecurityPolicy forbids inline scripts and styles and every
// external resource; user HTML is sanitised on top of this.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// requestIDs tags each request for the logs and error pages.
func (s *Server) requestIDs(c *gin.Context) {
	b := make([]byte, 8)
	rand.Read(b)
	id := hex.EncodeToString(b)
	c.Set(keyRequestID, id)
	c.Header("X-Request-ID", id)
	start := time.Now()
	c.Next()
	s.logRequest(c, id, start) // logging.go
}

func requestID(c *gin.Context) string { return c.GetString(keyRequestID) }

// recovery turns a panic into a logged 500 with the usual error page.
func (s *Server) recovery(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			s.log.Error("panic", "value", r, "stack", string(debug.Stack()), "request_id", requestID(c))
			if !c.Writer.Written() {
				s.fail(c, errors.New("panic"))
			}
			c.Abort()
		}
	}()
	c.Next()
}

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if s.secure {
		h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
	c.Next()
}

// csrf rejects cross-site state-changing requests by Sec-Fetch-Site and
// Origin (Go's CrossOriginProtection); together with SameSite=Lax cookies
// this protects every form and cookie-authenticated API call. Requests
// without browser headers (curl with a Bearer token) pass, as they carry no
// ambient credentials.
func (s *Server) csrf() gin.HandlerFunc {
	cop := http.NewCrossOriginProtection()
	if u, err := url.Parse(s.opt.BaseURL); err == nil && u.Host != "" {
		if err := cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			s.log.Warn("csrf: base URL not trusted as origin", "base_url", s.opt.BaseURL, "err", err)
		}
	}
	return func(c *gin.Context) {
		if err := cop.Check(c.Request); err != nil {
			s.failStatus(c, http.StatusForbidden, "error.csrf")
			c.Abort()
			return
		}
		c.Next()
	}
}

// limitBody caps request bodies so a huge upload cannot exhaust memory.
func limitBody(c *gin.Context) {
	if c.Request.Body != nil {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBody)
	}
	c.Next()
}

// identify loads the user from a Bearer token or the session cookie.
func (s *Server) identify(c *gin.Context) {
	ctx := c.Request.Context()
	// /metrics reads its own Bearer token (metrics.go), which is no API token.
	if h := c.GetHeader("Authorization"); h != "" && c.FullPath() != metricsPath {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			s.failStatus(c, http.StatusUnauthorized, "error.token")
			c.Abort()
			return
		}
		u, err := s.accounts.TokenUser(ctx, strings.TrimSpace(tok))
		if err != nil {
			if !errors.Is(err, store.ErrNotFound) {
				s.fail(c, err)
			} else {
				s.failStatus(c, http.StatusUnauthorized, "error.token")
			}
			c.Abort()
			return
		}
		c.Set(keyUser, &u)
		c.Set(keyViaToken, true)
		c.Header("Cache-Control", privateNoStore)
		c.Next()
		return
	}
	if tok, err := c.Cookie(cookieSession); err == nil && tok != "" {
		u, err := s.accounts.SessionUser(ctx, tok)
		switch {
		case err == nil:
			c.Set(keyUser, &u)
			c.Set(keySession, tok)
			c.Header("Cache-Control", privateNoStore)
		case errors.Is(err, store.ErrNotFound):
			s.clearCookie(c, cookieSession) // expired or logged out elsewhere
		default:
			s.fail(c, err)
			c.Abort()
			return
		}
	}
	c.Next()
}

// privateNoStore is the Cache-Control of every answer to a logged-in user:
// no shared cache and no browser history may keep what only they may see.
// Handlers may tighten it, never loosen it (assets excepted: they are public).
const privateNoStore = "private, no-store"

// viewer returns the logged-in user or nil.
func viewer(c *gin.Context) *store.User {
	if u, ok := c.Get(keyUser); ok {
		return u.(*store.User)
	}
	return nil
}

// requireUser lets only logged-in, active users through. Pages send
// anonymous visitors to the login form and back afterwards.
func (s *Server) requireUser(c *gin.Context) {
	if viewer(c) != nil {
		c.Next()
		return
	}
	if isAPI(c) {
		s.failStatus(c, http.StatusUnauthorized, "error.login_required")
	} else if c.Request.Method == http.MethodGet {
		c.Redirect(http.StatusSeeOther, "/anmelden?weiter="+url.QueryEscape(c.Request.URL.RequestURI()))
	} else {
		s.setFlash(c, "flash.login_required")
		c.Redirect(http.StatusSeeOther, "/anmelden")
	}
	c.Abort()
}

// requireAdmin lets only administrators through; others get 404, since the
// admin area's existence is nobody else's business.
func (s *Server) requireAdmin(c *gin.Context) {
	if !auth.CanAdmin(viewer(c)) {
		s.failStatus(c, http.StatusNotFound, "error.not_found")
		c.Abort()
		return
	}
	c.Next()
}

// lang is the request's language: the user's choice, the language cookie,
// then Accept-Language, then the configured default.
func (s *Server) lang(c *gin.Context) string {
	if l := c.GetString(keyLang); l != "" {
		return l
	}
	l := ""
	if u := viewer(c); u != nil && s.cat.Has(u.Language) {
		l = u.Language
	} else if v, err := c.Cookie(cookieLang); err == nil && s.cat.Has(v) {
		l = v
	} else if h := c.GetHeader("Accept-Language"); h != "" {
		l = s.cat.Match(h)
	} else {
		l = s.opt.DefaultLanguage
	}
	c.Set(keyLang, l)
	return l
}

func isAPI(c *gin.Context) bool { return strings.HasPrefix(c.Request.URL.Path, "/api/") }

// setCookie writes a cookie with the forum's defaults: HttpOnly, SameSite=Lax,
// Secure under https. maxAge 0 makes a session cookie.
func (s *Server) setCookie(c *gin.Context, name, value string, maxAge time.Duration) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: int(maxAge.Seconds()), // #nosec G124 -- Secure is set when the base URL is https (s.secure)
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearCookie(c *gin.Context, name string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, // #nosec G124 -- Secure is set when the base URL is https (s.secure)
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// setFlash stores a one-time notice (a catalogue key, never user text) for
// the next page.
func (s *Server) setFlash(c *gin.Context, key string) {
	s.setCookie(c, cookieFlash, key, 5*time.Minute)
}

// takeFlash returns and clears the pending notice, translated.
func (s *Server) takeFlash(c *gin.Context) string {
	key, err := c.Cookie(cookieFlash)
	if err != nil || key == "" || !strings.HasPrefix(key, "flash.") {
		return ""
	}
	s.clearCookie(c, cookieFlash)
	return s.t(c, key)
}

// clientIP is the caller's address, honouring X-Forwarded-For only from
// trusted proxies (configured on the engine).
func clientIP(c *gin.Context) string { return c.ClientIP() }
