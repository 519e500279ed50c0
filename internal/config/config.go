// Package config owns the settings: their defaults, the optional YAML file,
// the KF_* environment variables and validation. It keeps no globals: only
// cmd calls Load and hands plain values on to the other packages.
//
// Precedence, lowest first: Default, the YAML file, environment variables,
// then command-line flags, which cmd applies to the returned Config before
// calling Validate again.
//
// Three settings may be left empty and are derived when read: use
// Config.BaseURL, Config.DBPath and Config.PickupDir instead of the raw
// fields. Deriving late (rather than filling the fields in Load) keeps a
// flag such as --data-dir effective for the paths below it.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config holds every setting. The yaml tags give the file keys; the
// environment variable of a setting is KF_ plus its key path joined with
// "_" and upper-cased (mail.smtp.host is KF_MAIL_SMTP_HOST).
type Config struct {
	Server   Server   `yaml:"server"`
	Data     Data     `yaml:"data"`
	Database Database `yaml:"database"`
	Mail     Mail     `yaml:"mail"`
	Search   Search   `yaml:"search"`
	Auth     Auth     `yaml:"auth"`
	Forum    Forum    `yaml:"forum"`
	UI       UI       `yaml:"ui"`
	Log      Log      `yaml:"log"`
}

// Server configures the HTTP listener.
type Server struct {
	Listen string `yaml:"listen"`
	// BaseURL is the public address used in links and mails; empty means
	// derived from Listen (see Config.BaseURL).
	BaseURL string `yaml:"base_url"`
	// Dev reads templates and assets from disk so edits show on reload.
	Dev bool `yaml:"dev"`
	// TrustedProxies lists IPs or CIDRs whose X-Forwarded-For is honoured.
	TrustedProxies  []string      `yaml:"trusted_proxies"`
	ReadTimeout     time.Duration `yaml:"read_timeout"`
	WriteTimeout    time.Duration `yaml:"write_timeout"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// PageCacheTTL is the maximum age of a cached anonymous page; every
	// write through the server invalidates the cache at once. 0 disables it.
	PageCacheTTL time.Duration `yaml:"page_cache_ttl"`
	// PageCacheMB bounds the memory of the page cache.
	PageCacheMB int `yaml:"page_cache_mb"`
	// PageCacheGrace is how long after a write a page rendered before it
	// may still be served to visitors; 0s empties the cache at every write.
	PageCacheGrace time.Duration `yaml:"page_cache_grace"`
	// MaxConcurrentReads bounds the GET and HEAD requests handled at once,
	// so posts are not starved of CPU by many readers: 0 means 4 per core,
	// -1 no bound.
	MaxConcurrentReads int `yaml:"max_concurrent_reads"`
	// MemoryLimitMB is the Go runtime's soft memory limit (0: none); the
	// GOMEMLIMIT environment variable, when set, wins.
	MemoryLimitMB int `yaml:"memory_limit_mb"`
	// MetricsAllow lists IPs or CIDRs that may read /metrics (the client
	// address after trusted-proxy handling); others get 404.
	MetricsAllow []string `yaml:"metrics_allow"`
	// MetricsToken, when not empty, also admits "Authorization: Bearer
	// <token>" to /metrics from any address.
	MetricsToken string `yaml:"metrics_token"`
}

// Data locates the data directory (database, search index, mail pickup).
type Data struct {
	Dir string `yaml:"dir"`
}

// Database configures the SQLite file.
type Database struct {
	// Path is empty to mean <data.dir>/kommunalforum.db (see Config.DBPath).
	Path string `yaml:"path"`
	// MaxSizeMB caps the database file; at the cap writes are refused with
	// a clear message, as on a full disk. 0 means no cap.
	MaxSizeMB int `yaml:"max_size_mb"`
}

// Mail configures outgoing mail. Without SMTP.Host, mails are written as
// files into the pickup directory instead of being sent.
type Mail struct {
	From string `yaml:"from"`
	// PickupDir is empty to mean <data.dir>/mail-pickup (see Config.PickupDir).
	PickupDir string `yaml:"pickup_dir"`
	SMTP      SMTP   `yaml:"smtp"`
	// ImmediateDelay is how long "sofort" mails wait so that edits are
	// included and items read meanwhile are dropped; 0s sends at once.
	ImmediateDelay time.Duration `yaml:"immediate_delay"`
	// DigestTime is the local time (Europe/Berlin, "HH:MM") digests go out.
	DigestTime string `yaml:"digest_time"`
	// DigestWeekday is the day weekly digests go out, e.g. "monday".
	DigestWeekday string `yaml:"digest_weekday"`
	// MaxPermanentFailures is how many permanent delivery failures in a row
	// disable mail to an address until its owner fixes it.
	MaxPermanentFailures int `yaml:"max_permanent_failures"`
	// Retention is how long delivered mails, the mail log, notifications
	// and digest runs are kept; pending mail stays until delivered.
	Retention time.Duration `yaml:"retention"`
}

// minMailRetention is the shortest mail.retention: twice the longest
// digest period.
const minMailRetention = 14 * 24 * time.Hour

// Search configures the full-text index.
type Search struct {
	// Path is empty to mean <data.dir>/search.bleve (see Config.IndexPath).
	Path string `yaml:"path"`
	// BatchSize is how many queued changes the indexer applies at once.
	BatchSize int `yaml:"batch_size"`
	// Interval is how often the indexer looks for queued changes when it
	// has not been woken by a write.
	Interval time.Duration `yaml:"interval"`
}

// SMTP configures the relay. TLS is one of "starttls", "tls" (implicit TLS,
// usually port 465) or "none".
type SMTP struct {
	Host     string `yaml:"host"`
	Port     int    `yaml:"port"`
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	TLS      string `yaml:"tls"`
	// HELO is the name sent in EHLO/HELO; empty lets the mail library choose.
	HELO string `yaml:"helo"`
}

// Auth configures accounts and sessions. Registration is one of "open",
// "domains" (only addresses in AllowedDomains) or "approval" (a moderator
// activates new accounts).
type Auth struct {
	Registration string `yaml:"registration"`
	// AllowedDomains holds lower-case mail domains such as "musterstadt.de".
	AllowedDomains  []string      `yaml:"allowed_domains"`
	SessionLifetime time.Duration `yaml:"session_lifetime"`
	// SessionIdleTimeout ends a session not used for this long.
	SessionIdleTimeout  time.Duration `yaml:"session_idle_timeout"`
	VerifyTokenLifetime time.Duration `yaml:"verify_token_lifetime"`
	ResetTokenLifetime  time.Duration `yaml:"reset_token_lifetime"`
	LoginRatePerMinute  int           `yaml:"login_rate_per_minute"`
	RegisterRatePerHour int           `yaml:"register_rate_per_hour"`
	MinPasswordLength   int           `yaml:"min_password_length"`
	// LocalLogin false hides the password form and refuses POST /anmelden,
	// registration and the password change, leaving single sign-on (OIDC)
	// as the only way in (the reset stays, for linking existing accounts).
	LocalLogin bool `yaml:"local_login"`
	OIDC       OIDC `yaml:"oidc"`
}

// OIDC configures single sign-on through an OpenID Connect provider
// (docs/SSO.md). An empty Issuer disables it.
type OIDC struct {
	Issuer       string `yaml:"issuer"`
	ClientID     string `yaml:"client_id"`
	ClientSecret string `yaml:"client_secret"`
	// RedirectURL is empty to mean the base URL + /anmelden/oidc/rueckkehr
	// (see Config.OIDCRedirectURL).
	RedirectURL string   `yaml:"redirect_url"`
	Scopes      []string `yaml:"scopes"`
	ClaimEmail  string   `yaml:"claim_email"`
	ClaimName   string   `yaml:"claim_name"`
	ClaimOrg    string   `yaml:"claim_org"`
	ClaimGroups string   `yaml:"claim_groups"`
	GroupAdmin  string   `yaml:"group_admin"`
	GroupPM     string   `yaml:"group_pm"`
	// GroupModeratorPrefix plus a topic field's slug (or a prefix of
	// exactly one slug) makes a moderator of that field.
	GroupModeratorPrefix string `yaml:"group_moderator_prefix"`
	ButtonLabel          string `yaml:"button_label"`
}

// Forum configures listings.
type Forum struct {
	ThreadsPerPage int `yaml:"threads_per_page"`
	PostsPerPage   int `yaml:"posts_per_page"`
	// PMAnswerWorkingDays is the answer deadline of questions to the
	// programme management, in working days (Mon–Fri, Europe/Berlin).
	PMAnswerWorkingDays int `yaml:"pm_answer_working_days"`
	// ApprovalPosts is how many of a new member's first posts wait for a
	// moderator's approval before readers see them; 0 disables the queue.
	ApprovalPosts int `yaml:"approval_posts"`
}

// UI configures the user interface. DefaultLanguage is "de" or "en".
type UI struct {
	DefaultLanguage string `yaml:"default_language"`
}

// Log configures the structured log written to stderr.
type Log struct {
	// Level is the lowest level written: debug, info, warn or error.
	Level string `yaml:"level"`
	// Format is json (one object per line) or text (key=value pairs).
	Format string `yaml:"format"`
}

// validateOIDC checks the single sign-on settings when an issuer is set.
// Plain http is accepted only on loopback, for tests and local trials: the
// ID token's keys and the client secret travel over that connection.
func validateOIDC(a Auth, bad func(key, format string, args ...any)) {
	o := a.OIDC
	if o.Issuer == "" {
		if !a.LocalLogin {
			bad("auth.local_login", "false needs auth.oidc.issuer, or nobody could log in")
		}
		return
	}
	u, err := url.Parse(o.Issuer)
	switch {
	case err != nil:
		bad("auth.oidc.issuer", "%q is not a URL: %v", o.Issuer, err)
	case u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname()))):
		bad("auth.oidc.issuer", "%q must be an https URL (http only for 127.0.0.1 or localhost)", o.Issuer)
	}
	if o.ClientID == "" {
		bad("auth.oidc.client_id", "must not be empty when auth.oidc.issuer is set")
	}
	if o.RedirectURL != "" {
		if r, err := url.Parse(o.RedirectURL); err != nil || (r.Scheme != "http" && r.Scheme != "https") || r.Host == "" {
			bad("auth.oidc.redirect_url", "%q must be an absolute http or https URL", o.RedirectURL)
		}
	}
	if !slices.Contains(o.Scopes, "openid") {
		bad("auth.oidc.scopes", "must contain \"openid\"")
	}
	if o.ClaimEmail == "" {
		bad("auth.oidc.claim_email", "must not be empty when auth.oidc.issuer is set")
	}
	if o.ButtonLabel == "" {
		bad("auth.oidc.button_label", "must not be empty when auth.oidc.issuer is set")
	}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// Allowed values of the enumerated settings, in the order errors list them.
var weekdays = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
var (
	smtpTLSModes      = []string{"starttls", "tls", "none"}
	registrationModes = []string{"open", "domains", "approval"}
	languages         = []string{"de", "en"}
	logLevels         = []string{"debug", "info", "warn", "error"}
	logFormats        = []string{"json", "text"}
)

// minMetricsToken is the shortest server.metrics_token accepted: it guards
// /metrics from any address, so it must not be guessable.
const minMetricsToken = 16

// minPasswordFloor is the lowest min_password_length accepted: NIST SP
// 800-63B asks for at least 8 characters.
const minPasswordFloor = 8

// Default returns the built-in settings. config.example.yaml mirrors them,
// which a test enforces.
func Default() Config {
	return Config{
		Server: Server{
			Listen:          "127.0.0.1:8080",
			ReadTimeout:     15 * time.Second,
			WriteTimeout:    30 * time.Second,
			ShutdownTimeout: 20 * time.Second,
			PageCacheTTL:    2 * time.Second,
			PageCacheMB:     64,
			PageCacheGrace:  time.Second,
			MemoryLimitMB:   192,
			MetricsAllow:    []string{"127.0.0.1/32", "::1/128"},
		},
		Data: Data{Dir: "./data"},
		Mail: Mail{
			From:           "Kommunalforum <noreply@kommunalforum.invalid>",
			SMTP:           SMTP{Port: 587, TLS: "starttls"},
			ImmediateDelay: 2 * time.Minute, DigestTime: "07:00", DigestWeekday: "monday", MaxPermanentFailures: 3,
			Retention: 30 * 24 * time.Hour,
		},
		Search: Search{BatchSize: 500, Interval: time.Second},
		Auth: Auth{
			Registration:        "open",
			SessionLifetime:     720 * time.Hour,
			SessionIdleTimeout:  72 * time.Hour,
			VerifyTokenLifetime: 48 * time.Hour,
			ResetTokenLifetime:  time.Hour,
			LoginRatePerMinute:  10,
			RegisterRatePerHour: 20,
			MinPasswordLength:   10,
			LocalLogin:          true,
			OIDC: OIDC{Scopes: []string{"openid", "email", "profile"}, ClaimEmail: "email", ClaimName: "name",
				ClaimOrg: "organization", ClaimGroups: "groups", GroupAdmin: "kommunalforum-admins", GroupPM: "kommunalforum-pm",
				GroupModeratorPrefix: "kommunalforum-moderatoren-", ButtonLabel: "Mit Ihrem Dienstkonto anmelden"},
		},
		Forum: Forum{ThreadsPerPage: 25, PostsPerPage: 20, PMAnswerWorkingDays: 10, ApprovalPosts: 2},
		UI:    UI{DefaultLanguage: "de"},
		Log:   Log{Level: "info", Format: "json"},
	}
}

// Load returns Default overlaid with the YAML file at path (skipped when
// path is empty) and then with the KF_* variables in environ ("KEY=value"
// entries, as from os.Environ). Unknown file keys and unknown KF_*
// variables are errors. The result is normalised and validated; cmd applies
// its flags afterwards and should call Validate once more.
func Load(path string, environ []string) (Config, error) {
	c := Default()
	if path != "" {
		if err := c.readFile(path); err != nil {
			return Config{}, err
		}
	}
	if err := c.applyEnv(environ); err != nil {
		return Config{}, err
	}
	c.normalize()
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// readFile overlays the YAML file at path onto c. An empty file changes
// nothing.
func (c *Config) readFile(path string) error {
	b, err := os.ReadFile(path) // #nosec G304 -- path is the operator's --config flag
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("config: %s: %w", path, err)
	}
	return nil
}

// normalize trims list entries, drops empty ones and lower-cases domains.
// Empty lists become nil so that "[]" in a file equals the default.
func (c *Config) normalize() {
	c.Server.TrustedProxies = cleanList(c.Server.TrustedProxies, false)
	c.Server.MetricsAllow = cleanList(c.Server.MetricsAllow, false)
	c.Auth.AllowedDomains = cleanList(c.Auth.AllowedDomains, true)
	c.Auth.OIDC.Scopes = cleanList(c.Auth.OIDC.Scopes, false)
}

func cleanList(in []string, lower bool) []string {
	var out []string
	for _, s := range in {
		s = strings.TrimSpace(s)
		if lower {
			s = strings.ToLower(s)
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// BaseURL returns server.base_url without a trailing slash, or, when it is
// empty, "http://" plus server.listen (an unspecified host becomes
// localhost).
func (c Config) BaseURL() string {
	if c.Server.BaseURL != "" {
		return strings.TrimRight(c.Server.BaseURL, "/")
	}
	host, port, err := net.SplitHostPort(c.Server.Listen)
	if err != nil {
		return "http://" + c.Server.Listen
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// OIDCRedirectURL returns auth.oidc.redirect_url, or the base URL plus
// /anmelden/oidc/rueckkehr when empty.
func (c Config) OIDCRedirectURL() string {
	if c.Auth.OIDC.RedirectURL != "" {
		return c.Auth.OIDC.RedirectURL
	}
	return c.BaseURL() + "/anmelden/oidc/rueckkehr"
}

// DBPath returns database.path, or <data.dir>/kommunalforum.db when empty.
func (c Config) DBPath() string {
	if c.Database.Path != "" {
		return c.Database.Path
	}
	return filepath.Join(c.Data.Dir, "kommunalforum.db")
}

// PickupDir returns mail.pickup_dir, or <data.dir>/mail-pickup when empty.
func (c Config) PickupDir() string {
	if c.Mail.PickupDir != "" {
		return c.Mail.PickupDir
	}
	return filepath.Join(c.Data.Dir, "mail-pickup")
}

// IndexPath is the search index directory.
func (c Config) IndexPath() string {
	if c.Search.Path != "" {
		return c.Search.Path
	}
	return filepath.Join(c.Data.Dir, "search.bleve")
}

// Validate reports every invalid setting at once, each error naming its key.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("config: %s: "+format, append([]any{key}, args...)...))
	}
	oneOf := func(key, v string, allowed []string) {
		if !slices.Contains(allowed, v) {
			bad(key, "%q is not one of %s", v, strings.Join(allowed, ", "))
		}
	}
	positive := func(key string, n int) {
		if n <= 0 {
			bad(key, "%d must be greater than 0", n)
		}
	}
	positiveDuration := func(key string, d time.Duration) {
		if d <= 0 {
			bad(key, "%s must be greater than 0", d)
		}
	}

	s := c.Server
	if _, _, err := net.SplitHostPort(s.Listen); err != nil {
		bad("server.listen", "%q is not host:port: %v", s.Listen, err)
	}
	if s.BaseURL != "" {
		u, err := url.Parse(s.BaseURL)
		switch {
		case err != nil:
			bad("server.base_url", "%q is not a URL: %v", s.BaseURL, err)
		case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
			bad("server.base_url", "%q must be an absolute http or https URL", s.BaseURL)
		case u.RawQuery != "" || u.Fragment != "":
			bad("server.base_url", "%q must not have a query or fragment", s.BaseURL)
		}
	}
	for _, p := range s.TrustedProxies {
		if _, err := netip.ParsePrefix(p); err == nil {
			continue
		}
		if _, err := netip.ParseAddr(p); err != nil {
			bad("server.trusted_proxies", "%q is neither an IP address nor a CIDR", p)
		}
	}
	for _, p := range s.MetricsAllow {
		if _, err := netip.ParsePrefix(p); err == nil {
			continue
		}
		if _, err := netip.ParseAddr(p); err != nil {
			bad("server.metrics_allow", "%q is neither an IP address nor a CIDR", p)
		}
	}
	if s.MetricsToken != "" && len(s.MetricsToken) < minMetricsToken {
		bad("server.metrics_token", "must be at least %d characters (or empty)", minMetricsToken)
	}
	positiveDuration("server.read_timeout", s.ReadTimeout)
	positiveDuration("server.write_timeout", s.WriteTimeout)
	positiveDuration("server.shutdown_timeout", s.ShutdownTimeout)
	if s.PageCacheTTL < 0 {
		bad("server.page_cache_ttl", "%s must not be negative (0s disables the cache)", s.PageCacheTTL)
	}
	positive("server.page_cache_mb", s.PageCacheMB)
	// With the cache off (ttl 0s) the grace does not matter.
	if s.PageCacheGrace < 0 || (s.PageCacheTTL > 0 && s.PageCacheGrace > s.PageCacheTTL) {
		bad("server.page_cache_grace", "%s must be between 0s and server.page_cache_ttl", s.PageCacheGrace)
	}
	if s.MemoryLimitMB < 0 {
		bad("server.memory_limit_mb", "%d must not be negative (0 means no limit)", s.MemoryLimitMB)
	}
	if s.MaxConcurrentReads < -1 {
		bad("server.max_concurrent_reads", "%d must be -1 (no limit), 0 (4 per core) or more", s.MaxConcurrentReads)
	}

	if c.Data.Dir == "" {
		bad("data.dir", "must not be empty")
	}

	m := c.Mail
	if _, err := mail.ParseAddress(m.From); err != nil {
		bad("mail.from", "%q is not a mail address: %v", m.From, err)
	}
	if m.SMTP.Port < 1 || m.SMTP.Port > 65535 {
		bad("mail.smtp.port", "%d is not between 1 and 65535", m.SMTP.Port)
	}
	oneOf("mail.smtp.tls", m.SMTP.TLS, smtpTLSModes)
	if m.SMTP.Password != "" && m.SMTP.Username == "" {
		bad("mail.smtp.password", "is set but mail.smtp.username is empty")
	}
	if m.ImmediateDelay < 0 {
		bad("mail.immediate_delay", "%s must not be negative (0s sends at once)", m.ImmediateDelay)
	}
	if _, err := time.Parse("15:04", m.DigestTime); err != nil {
		bad("mail.digest_time", "%q is not a time such as \"07:00\"", m.DigestTime)
	}
	oneOf("mail.digest_weekday", m.DigestWeekday, weekdays)
	positive("mail.max_permanent_failures", m.MaxPermanentFailures)
	// A digest run must outlive its period (a week) with room to spare,
	// or the once-per-period guard would forget it.
	if m.Retention < minMailRetention {
		bad("mail.retention", "%s is too short: at least %s (two weeks)", m.Retention, minMailRetention)
	}

	if c.Database.MaxSizeMB < 0 {
		bad("database.max_size_mb", "%d must not be negative (0 means no cap)", c.Database.MaxSizeMB)
	}
	positive("search.batch_size", c.Search.BatchSize)
	positiveDuration("search.interval", c.Search.Interval)

	a := c.Auth
	oneOf("auth.registration", a.Registration, registrationModes)
	if a.Registration == "domains" && len(a.AllowedDomains) == 0 {
		bad("auth.allowed_domains", "must not be empty when auth.registration is \"domains\"")
	}
	for _, d := range a.AllowedDomains {
		if d == "" || d != strings.ToLower(d) || strings.ContainsAny(d, "@ \t,") {
			bad("auth.allowed_domains", "%q is not a lower-case domain such as \"musterstadt.de\"", d)
		}
	}
	positiveDuration("auth.session_lifetime", a.SessionLifetime)
	positiveDuration("auth.session_idle_timeout", a.SessionIdleTimeout)
	positiveDuration("auth.verify_token_lifetime", a.VerifyTokenLifetime)
	positiveDuration("auth.reset_token_lifetime", a.ResetTokenLifetime)
	positive("auth.login_rate_per_minute", a.LoginRatePerMinute)
	positive("auth.register_rate_per_hour", a.RegisterRatePerHour)
	if a.MinPasswordLength < minPasswordFloor {
		bad("auth.min_password_length", "%d is below %d", a.MinPasswordLength, minPasswordFloor)
	}
	validateOIDC(a, bad)

	positive("forum.threads_per_page", c.Forum.ThreadsPerPage)
	positive("forum.posts_per_page", c.Forum.PostsPerPage)
	positive("forum.pm_answer_working_days", c.Forum.PMAnswerWorkingDays)
	if c.Forum.ApprovalPosts < 0 {
		bad("forum.approval_posts", "%d must not be negative (0 disables the approval queue)", c.Forum.ApprovalPosts)
	}

	oneOf("ui.default_language", c.UI.DefaultLanguage, languages)
	oneOf("log.level", c.Log.Level, logLevels)
	oneOf("log.format", c.Log.Format, logFormats)

	return errors.Join(errs...)
}
