// Package web owns HTTP: the gin engine, the URL map (routes.go), handlers
// for pages and the JSON API, middleware, rendering and error mapping.
// Handlers stay thin: parse input, call a domain function, render.
package web

import (
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/faq"
	"kommunalforum/internal/forum"
	"kommunalforum/internal/i18n"
	"kommunalforum/internal/moderation"
	"kommunalforum/internal/notify"
	"kommunalforum/internal/qa"
	"kommunalforum/internal/search"
	"kommunalforum/internal/store"
)

// Options is everything the web layer needs, handed in by cmd.
type Options struct {
	DB        *store.DB
	Accounts  *auth.Accounts
	Forum     *forum.Forum
	PM        *qa.PM
	QA        *qa.QA // votes, accepted answers, duplicates
	FAQ       *faq.FAQ
	Catalog   *i18n.Catalog
	Templates fs.FS // the embedded templates directory (or os.DirFS in dev)
	Assets    fs.FS // the embedded assets directory (or os.DirFS in dev)
	Log       *slog.Logger
	BaseURL   string // absolute, no trailing slash
	Dev       bool   // re-parse templates on every request
	// TrustedProxies are the addresses whose X-Forwarded-For is honoured.
	TrustedProxies []string
	// PageCacheTTL enables the cache of anonymous pages (pagecache.go) with
	// this maximum age; 0 disables it. PageCacheBytes bounds its memory.
	PageCacheTTL time.Duration
	// MaxConcurrentReads bounds the GET and HEAD requests handled at once
	// (admission.go): 0 means 4 per core, negative means no bound.
	MaxConcurrentReads int
	PageCacheBytes     int
	// PageCacheGrace is how long after a write a page rendered before it
	// may still be served (0: never).
	PageCacheGrace time.Duration
	// DefaultLanguage applies when neither the user nor the browser chooses.
	DefaultLanguage string
	ThreadsPerPage  int
	PostsPerPage    int
	// PMAnswerWorkingDays is the answer deadline of PM questions, for the PM area's text.
	PMAnswerWorkingDays int
	// LoginPerMinute and RegisterPerHour bound attempts per client IP.
	LoginPerMinute  int
	RegisterPerHour int
	// MailWake, when set, is called after a request enqueued mail, so the
	// delivery loop sends it without waiting for its next tick.
	MailWake func()

	// Moderation holds the moderators' actions: flags, the review queue,
	// hiding, approval, suspensions.
	Moderation *moderation.Moderation

	// Notify is the notification pipeline: digest previews and unsubscribe
	// tokens (notify.go). DigestTime is shown on the settings page.
	Notify     *notify.Notifier
	DigestTime string

	// MetricsAllow lists the IPs and CIDRs that may read /metrics;
	// MetricsToken, when set, admits a matching Bearer token from anywhere.
	MetricsAllow []string
	MetricsToken string
	// IndexPath is the search index directory, for its size in /metrics.
	IndexPath string

	// Search is the full-text index (search.go, similar.go); nil: search
	// pages say it is unavailable and no questions are suggested.
	Search *search.Index

	// OIDC is single sign-on (oidc.go); nil disables it. SSOLabel is its
	// button's label; NoLocalLogin hides the password form and refuses
	// password logins.
	OIDC         *auth.OIDC
	SSOLabel     string
	NoLocalLogin bool
}

// Server holds the handlers' dependencies.
type Server struct {
	db       *store.DB
	accounts *auth.Accounts
	forum    *forum.Forum
	pm       *qa.PM
	qa       *qa.QA
	faq      *faq.FAQ
	mod      *moderation.Moderation
	cat      *i18n.Catalog
	log      *slog.Logger
	opt      Options
	pages    *renderer
	secure   bool // served over https: cookies get Secure
	engine   *gin.Engine

	loginLimit    *auth.Limiter // per client IP
	loginLimitAcc *auth.Limiter // per email address
	registerLimit *auth.Limiter // per client IP, also guards reset and email-change requests
	mailLimitAcc  *auth.Limiter // per email address: registration and reset mails

	metrics *metrics // Prometheus registry and request instruments (metrics.go)

	pageCache *pageCache // nil when disabled (pagecache.go)

	reads chan struct{} // read admission slots, nil when off (admission.go)
}

// New builds the server and its engine. Templates are parsed here, so a
// broken template stops start-up instead of failing a request.
func New(o Options) (*Server, error) {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.DefaultLanguage == "" {
		o.DefaultLanguage = i18n.Default
	}
	if o.MailWake == nil {
		o.MailWake = func() {}
	}
	s := &Server{
		db: o.DB, accounts: o.Accounts, forum: o.Forum, pm: o.PM, cat: o.Catalog, log: o.Log, opt: o,
		qa:            o.QA,
		faq:           o.FAQ,
		mod:           o.Moderation,
		secure:        strings.HasPrefix(o.BaseURL, "https://"),
		loginLimit:    auth.NewLimiter(max(1, o.LoginPerMinute), time.Minute),
		loginLimitAcc: auth.NewLimiter(max(1, o.LoginPerMinute), time.Minute),
		registerLimit: auth.NewLimiter(max(1, o.RegisterPerHour), time.Hour),
		// A person needs a handful of mails an hour at most; more is someone
		// flooding a stranger's inbox from many addresses.
		mailLimitAcc: auth.NewLimiter(5, time.Hour),
	}
	s.reads = readSlots(o.MaxConcurrentReads)
	if o.PageCacheTTL > 0 {
		s.pageCache = newPageCache(o.PageCacheTTL, o.PageCacheGrace, max(1<<20, o.PageCacheBytes))
	}
	var err error
	if s.metrics, err = newMetrics(s); err != nil {
		return nil, err
	}
	s.pages, err = newRenderer(o.Templates, o.Assets, o.Catalog, o.Dev)
	if err != nil {
		return nil, err
	}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	if err := e.SetTrustedProxies(o.TrustedProxies); err != nil {
		return nil, err
	}
	s.engine = e
	s.routes(e)
	return s, nil
}

// Handler returns the HTTP handler.
func (s *Server) Handler() http.Handler { return s.engine }

// funcs are the template functions that do not depend on the language.
func baseFuncs() template.FuncMap {
	return template.FuncMap{
		"date":     func(t time.Time) string { return formatTime(t, "02.01.2006") },
		"datetime": func(t time.Time) string { return formatTime(t, "02.01.2006, 15:04") },
		"isodate":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"add":      func(a, b int) int { return a + b },
	}
}

var berlin = mustLoadBerlin()

func mustLoadBerlin() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		// The binary embeds no tz database by default; time/tzdata is
		// imported in main so this only fails in odd test setups.
		return time.FixedZone("CET", 3600)
	}
	return loc
}

func formatTime(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.In(berlin).Format(layout)
}
