package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

const examplePath = "../../config.example.yaml"

// writeFile writes content to a config file in a fresh temp dir.
func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v, want nil", err)
	}
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name string
		file string // YAML content; "-" means no file
		env  []string
		want func(c *Config) // applied to Default()
	}{
		{
			name: "defaults without file and env",
			file: "-",
			want: func(c *Config) {},
		},
		{
			name: "empty file",
			file: "",
			want: func(c *Config) {},
		},
		{
			name: "variables without prefix are ignored",
			file: "-",
			env:  []string{"HOME=/root", "PATH=/bin", "KFX=1", "NOEQUALS"},
			want: func(c *Config) {},
		},
		{
			name: "file overrides defaults",
			file: `
server:
  listen: "0.0.0.0:9000"
  base_url: "https://forum.musterstadt.de/"
  trusted_proxies: ["127.0.0.1", "10.0.0.0/8"]
  write_timeout: 1m
data:
  dir: /var/lib/kf
mail:
  smtp:
    host: mail.musterstadt.de
    port: 465
    tls: tls
auth:
  registration: domains
  allowed_domains: [" Musterstadt.DE ", "kreis-muster.de"]
forum:
  posts_per_page: 50
ui:
  default_language: en
`,
			want: func(c *Config) {
				c.Server.Listen = "0.0.0.0:9000"
				c.Server.BaseURL = "https://forum.musterstadt.de/"
				c.Server.TrustedProxies = []string{"127.0.0.1", "10.0.0.0/8"}
				c.Server.WriteTimeout = time.Minute
				c.Data.Dir = "/var/lib/kf"
				c.Mail.SMTP.Host = "mail.musterstadt.de"
				c.Mail.SMTP.Port = 465
				c.Mail.SMTP.TLS = "tls"
				c.Auth.Registration = "domains"
				c.Auth.AllowedDomains = []string{"musterstadt.de", "kreis-muster.de"}
				c.Forum.PostsPerPage = 50
				c.UI.DefaultLanguage = "en"
			},
		},
		{
			name: "env overrides file",
			file: `
server:
  listen: "0.0.0.0:9000"
mail:
  smtp:
    host: file.example
    port: 25
    tls: none
auth:
  allowed_domains: [file.de]
  session_lifetime: 24h
`,
			env: []string{
				"KF_SERVER_LISTEN=127.0.0.1:9999",
				"KF_MAIL_SMTP_HOST=env.example",
				"KF_MAIL_SMTP_PORT=2525",
				"KF_AUTH_ALLOWED_DOMAINS=a.de, b.de",
				"KF_AUTH_SESSION_LIFETIME=2h",
				"KF_SERVER_DEV=true",
				"KF_MAIL_SMTP_PASSWORD=s3cr=t",
				"KF_MAIL_SMTP_USERNAME=forum",
			},
			want: func(c *Config) {
				c.Server.Listen = "127.0.0.1:9999"
				c.Server.Dev = true
				c.Mail.SMTP.Host = "env.example"
				c.Mail.SMTP.Port = 2525
				c.Mail.SMTP.TLS = "none"
				c.Mail.SMTP.Username = "forum"
				c.Mail.SMTP.Password = "s3cr=t"
				c.Auth.AllowedDomains = []string{"a.de", "b.de"}
				c.Auth.SessionLifetime = 2 * time.Hour
			},
		},
		{
			name: "env can empty a setting and a list",
			file: `
server:
  base_url: https://forum.example
  trusted_proxies: [127.0.0.1]
`,
			env:  []string{"KF_SERVER_BASE_URL=", "KF_SERVER_TRUSTED_PROXIES="},
			want: func(c *Config) {},
		},
		{
			name: "later env entry wins",
			file: "-",
			env:  []string{"KF_FORUM_THREADS_PER_PAGE=10", "KF_FORUM_THREADS_PER_PAGE=30"},
			want: func(c *Config) { c.Forum.ThreadsPerPage = 30 },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "-" {
				path = writeFile(t, tt.file)
			}
			got, err := Load(path, tt.env)
			if err != nil {
				t.Fatalf("Load() error = %v", err)
			}
			want := Default()
			tt.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Load() =\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		file string // YAML content; "-" means no file
		env  []string
		want []string // substrings the error must contain
	}{
		{
			name: "unknown top-level key",
			file: "server:\n  lisen: x\n",
			want: []string{"line 2", "lisen"},
		},
		{
			name: "unknown nested key",
			file: "mail:\n  smtp:\n    hots: x\n",
			want: []string{"line 3", "hots"},
		},
		{
			name: "unknown section",
			file: "serve:\n  listen: x\n",
			want: []string{"line 1", "serve"},
		},
		{
			name: "bare number for a duration",
			file: "server:\n  read_timeout: 15\n",
			want: []string{"line 2"},
		},
		{
			name: "malformed YAML",
			file: "server: [\n",
			want: []string{"config.yaml"},
		},
		{
			name: "unknown KF_ variable",
			file: "-",
			env:  []string{"KF_SERVER_LISTN=127.0.0.1:1"},
			want: []string{"KF_SERVER_LISTN", "no such setting"},
		},
		{
			name: "KF_ variable naming a section",
			file: "-",
			env:  []string{"KF_MAIL_SMTP=x"},
			want: []string{"KF_MAIL_SMTP", "no such setting"},
		},
		{
			name: "lower-case KF_ variable",
			file: "-",
			env:  []string{"KF_server_listen=x"},
			want: []string{"KF_server_listen", "no such setting"},
		},
		{
			name: "bad int in env",
			file: "-",
			env:  []string{"KF_MAIL_SMTP_PORT=587x"},
			want: []string{"KF_MAIL_SMTP_PORT", `"587x" is not an integer`},
		},
		{
			name: "bad duration in env",
			file: "-",
			env:  []string{"KF_AUTH_SESSION_LIFETIME=30d"},
			want: []string{"KF_AUTH_SESSION_LIFETIME", `"30d" is not a duration`},
		},
		{
			name: "bad bool in env",
			file: "-",
			env:  []string{"KF_SERVER_DEV=ja"},
			want: []string{"KF_SERVER_DEV", `"ja" is not a boolean`},
		},
		{
			name: "all env problems at once",
			file: "-",
			env:  []string{"KF_SERVER_DEV=ja", "KF_NOPE=1"},
			want: []string{"KF_SERVER_DEV", "KF_NOPE"},
		},
		{
			name: "validation after env",
			file: "-",
			env:  []string{"KF_MAIL_SMTP_TLS=foo"},
			want: []string{`config: mail.smtp.tls: "foo" is not one of starttls, tls, none`},
		},
		{
			name: "negative memory limit",
			file: "-",
			env:  []string{"KF_SERVER_MEMORY_LIMIT_MB=-1"},
			want: []string{"server.memory_limit_mb", "must not be negative"},
		},
		{
			name: "validation after file",
			file: "auth:\n  registration: domains\n",
			want: []string{"config: auth.allowed_domains: must not be empty"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "-" {
				path = writeFile(t, tt.file)
			}
			_, err := Load(path, tt.env)
			if err == nil {
				t.Fatalf("Load() error = nil, want one containing %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Load() error = %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.yaml")
	if _, err := Load(path, nil); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Load(%q) error = %v, want one naming the file", path, err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Config)
		want   string // substring of the error; "" means valid
	}{
		{"defaults", func(c *Config) {}, ""},
		{"page cache off keeps the default grace", func(c *Config) { c.Server.PageCacheTTL = 0 }, ""},
		{"grace longer than the cache", func(c *Config) { c.Server.PageCacheGrace = 5 * time.Second },
			"config: server.page_cache_grace: 5s must be between 0s and server.page_cache_ttl"},
		{"negative size cap", func(c *Config) { c.Database.MaxSizeMB = -1 },
			"config: database.max_size_mb: -1 must not be negative"},
		{"bad digest time", func(c *Config) { c.Mail.DigestTime = "7 Uhr" },
			`config: mail.digest_time: "7 Uhr" is not a time`},
		{"mail retention shorter than two weeks", func(c *Config) { c.Mail.Retention = 13 * 24 * time.Hour },
			"config: mail.retention: 312h0m0s is too short: at least 336h0m0s (two weeks)"},
		{"bad weekday", func(c *Config) { c.Mail.DigestWeekday = "montag" },
			`config: mail.digest_weekday: "montag" is not one of monday`},
		{"bad tls", func(c *Config) { c.Mail.SMTP.TLS = "foo" },
			`config: mail.smtp.tls: "foo" is not one of starttls, tls, none`},
		{"domains without domains", func(c *Config) { c.Auth.Registration = "domains" },
			"config: auth.allowed_domains: must not be empty when auth.registration is \"domains\""},
		{"domains with domains", func(c *Config) {
			c.Auth.Registration = "domains"
			c.Auth.AllowedDomains = []string{"musterstadt.de"}
		}, ""},
		{"upper-case domain", func(c *Config) { c.Auth.AllowedDomains = []string{"Musterstadt.de"} },
			`config: auth.allowed_domains: "Musterstadt.de" is not a lower-case domain`},
		{"address instead of domain", func(c *Config) { c.Auth.AllowedDomains = []string{"a@b.de"} },
			`config: auth.allowed_domains: "a@b.de"`},
		{"bad registration", func(c *Config) { c.Auth.Registration = "closed" },
			`config: auth.registration: "closed" is not one of open, domains, approval`},
		{"bad language", func(c *Config) { c.UI.DefaultLanguage = "fr" },
			`config: ui.default_language: "fr" is not one of de, en`},
		{"port zero", func(c *Config) { c.Mail.SMTP.Port = 0 },
			"config: mail.smtp.port: 0 is not between 1 and 65535"},
		{"port too high", func(c *Config) { c.Mail.SMTP.Port = 65536 },
			"config: mail.smtp.port: 65536 is not between 1 and 65535"},
		{"zero threads per page", func(c *Config) { c.Forum.ThreadsPerPage = 0 },
			"config: forum.threads_per_page: 0 must be greater than 0"},
		{"negative posts per page", func(c *Config) { c.Forum.PostsPerPage = -1 },
			"config: forum.posts_per_page: -1 must be greater than 0"},
		{"zero rate", func(c *Config) { c.Auth.LoginRatePerMinute = 0 },
			"config: auth.login_rate_per_minute"},
		{"zero timeout", func(c *Config) { c.Server.ReadTimeout = 0 },
			"config: server.read_timeout: 0s must be greater than 0"},
		{"negative lifetime", func(c *Config) { c.Auth.ResetTokenLifetime = -time.Minute },
			"config: auth.reset_token_lifetime"},
		{"short passwords", func(c *Config) { c.Auth.MinPasswordLength = 6 },
			"config: auth.min_password_length: 6 is below 8"},
		{"oidc https issuer", func(c *Config) { c.Auth.OIDC.Issuer, c.Auth.OIDC.ClientID = "https://login.kreis.de/realms/v", "forum" }, ""},
		{"oidc loopback http issuer", func(c *Config) { c.Auth.OIDC.Issuer, c.Auth.OIDC.ClientID = "http://127.0.0.1:8081", "forum" }, ""},
		{"oidc plain http issuer", func(c *Config) { c.Auth.OIDC.Issuer, c.Auth.OIDC.ClientID = "http://login.kreis.de", "forum" },
			`config: auth.oidc.issuer: "http://login.kreis.de" must be an https URL`},
		{"oidc without client id", func(c *Config) { c.Auth.OIDC.Issuer = "https://login.kreis.de" },
			"config: auth.oidc.client_id: must not be empty"},
		{"oidc without openid scope", func(c *Config) {
			c.Auth.OIDC.Issuer, c.Auth.OIDC.ClientID, c.Auth.OIDC.Scopes = "https://login.kreis.de", "forum", []string{"email"}
		}, "config: auth.oidc.scopes: must contain"},
		{"no local login without oidc", func(c *Config) { c.Auth.LocalLogin = false },
			"config: auth.local_login: false needs auth.oidc.issuer"},
		{"no local login with oidc", func(c *Config) {
			c.Auth.LocalLogin, c.Auth.OIDC.Issuer, c.Auth.OIDC.ClientID = false, "https://login.kreis.de", "forum"
		}, ""},
		{"listen without port", func(c *Config) { c.Server.Listen = "localhost" },
			`config: server.listen: "localhost" is not host:port`},
		{"relative base url", func(c *Config) { c.Server.BaseURL = "forum.example" },
			`config: server.base_url: "forum.example" must be an absolute http or https URL`},
		{"base url with path", func(c *Config) { c.Server.BaseURL = "https://example.org/forum/" }, ""},
		{"bad proxy", func(c *Config) { c.Server.TrustedProxies = []string{"10.0.0.0/33"} },
			`config: server.trusted_proxies: "10.0.0.0/33"`},
		{"good proxies", func(c *Config) { c.Server.TrustedProxies = []string{"::1", "192.168.0.0/16"} }, ""},
		{"bad from", func(c *Config) { c.Mail.From = "Kommunalforum" },
			`config: mail.from: "Kommunalforum" is not a mail address`},
		{"password without username", func(c *Config) { c.Mail.SMTP.Password = "x" },
			"config: mail.smtp.password: is set but mail.smtp.username is empty"},
		{"empty data dir", func(c *Config) { c.Data.Dir = "" }, "config: data.dir: must not be empty"},
		{"bad log level", func(c *Config) { c.Log.Level = "verbose" },
			`config: log.level: "verbose" is not one of debug, info, warn, error`},
		{"bad log format", func(c *Config) { c.Log.Format = "xml" }, `config: log.format: "xml" is not one of json, text`},
		{"bad metrics address", func(c *Config) { c.Server.MetricsAllow = []string{"localhost"} },
			`config: server.metrics_allow: "localhost" is neither an IP address nor a CIDR`},
		{"no metrics addresses", func(c *Config) { c.Server.MetricsAllow = nil }, ""},
		{"short metrics token", func(c *Config) { c.Server.MetricsToken = "geheim" },
			"config: server.metrics_token: must be at least 16 characters"},
		{"good metrics token", func(c *Config) { c.Server.MetricsToken = "0123456789abcdef" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.change(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.want != "" && err == nil:
				t.Errorf("Validate() = nil, want error containing %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("Validate() = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestValidateReportsAllProblems(t *testing.T) {
	c := Default()
	c.Mail.SMTP.TLS = "foo"
	c.UI.DefaultLanguage = "fr"
	c.Forum.PostsPerPage = 0
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate() = nil, want three problems")
	}
	for _, key := range []string{"mail.smtp.tls", "ui.default_language", "forum.posts_per_page"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("Validate() = %q, want it to name %s", err, key)
		}
	}
}

func TestDerived(t *testing.T) {
	tests := []struct {
		name      string
		change    func(c *Config)
		baseURL   string
		dbPath    string
		pickupDir string
	}{
		{"defaults", func(c *Config) {},
			"http://127.0.0.1:8080", filepath.Join("data", "kommunalforum.db"), filepath.Join("data", "mail-pickup")},
		{"data dir moves derived paths", func(c *Config) { c.Data.Dir = "/srv/kf" },
			"http://127.0.0.1:8080", "/srv/kf/kommunalforum.db", "/srv/kf/mail-pickup"},
		{"explicit values win", func(c *Config) {
			c.Server.BaseURL = "https://forum.musterstadt.de/"
			c.Database.Path = "/db/forum.db"
			c.Mail.PickupDir = "/spool/mail"
		}, "https://forum.musterstadt.de", "/db/forum.db", "/spool/mail"},
		{"unspecified host becomes localhost", func(c *Config) { c.Server.Listen = ":8080" },
			"http://localhost:8080", filepath.Join("data", "kommunalforum.db"), filepath.Join("data", "mail-pickup")},
		{"IPv6 listen", func(c *Config) { c.Server.Listen = "[::1]:8080" },
			"http://[::1]:8080", filepath.Join("data", "kommunalforum.db"), filepath.Join("data", "mail-pickup")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.change(&c)
			if got := c.BaseURL(); got != tt.baseURL {
				t.Errorf("BaseURL() = %q, want %q", got, tt.baseURL)
			}
			if got := c.DBPath(); got != tt.dbPath {
				t.Errorf("DBPath() = %q, want %q", got, tt.dbPath)
			}
			if got := c.PickupDir(); got != tt.pickupDir {
				t.Errorf("PickupDir() = %q, want %q", got, tt.pickupDir)
			}
		})
	}
}

// TestExampleMatchesDefault keeps config.example.yaml from drifting away
// from Default.
func TestExampleMatchesDefault(t *testing.T) {
	got, err := Load(examplePath, nil)
	if err != nil {
		t.Fatalf("Load(%q) error = %v", examplePath, err)
	}
	if want := Default(); !reflect.DeepEqual(got, want) {
		t.Errorf("Load(%q) =\n%+v\nwant Default() =\n%+v", examplePath, got, want)
	}
}

// TestExampleDocumentsEverySetting checks that every leaf setting of Config
// appears in config.example.yaml under its full key path, with a comment.
func TestExampleDocumentsEverySetting(t *testing.T) {
	b, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("parse %s: %v", examplePath, err)
	}
	var c Config
	for _, s := range settings(&c) {
		node := doc.Content[0]
		var key *yaml.Node
		for part := range strings.SplitSeq(s.key, ".") {
			key, node = mappingEntry(node, part)
			if node == nil {
				break
			}
		}
		if node == nil {
			t.Errorf("%s: setting %s is missing", examplePath, s.key)
			continue
		}
		if key.HeadComment == "" && key.LineComment == "" {
			t.Errorf("%s:%d: setting %s has no comment", examplePath, key.Line, s.key)
		}
	}
}

// mappingEntry returns the key and value nodes of name in the mapping m,
// or nils.
func mappingEntry(m *yaml.Node, name string) (key, value *yaml.Node) {
	if m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == name {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// TestSettingTypes checks that every setting can be set from the
// environment and that no two settings share a variable name (a key
// "smtp_host" in mail would collide with mail.smtp.host).
func TestSettingTypes(t *testing.T) {
	supported := map[reflect.Type]bool{
		reflect.TypeFor[string]():        true,
		reflect.TypeFor[bool]():          true,
		reflect.TypeFor[int]():           true,
		reflect.TypeFor[time.Duration](): true,
		reflect.TypeFor[[]string]():      true,
	}
	var c Config
	seen := make(map[string]string)
	for _, s := range settings(&c) {
		if !supported[s.field.Type()] {
			t.Errorf("%s: type %s cannot be set from the environment", s.key, s.field.Type())
		}
		name := s.envName()
		if other, ok := seen[name]; ok {
			t.Errorf("%s and %s share the variable %s", other, s.key, name)
		}
		seen[name] = s.key
	}
	if len(seen) == 0 {
		t.Fatal("settings() found no settings")
	}
	for _, name := range []string{"KF_MAIL_SMTP_HOST", "KF_MAIL_PICKUP_DIR", "KF_SERVER_BASE_URL", "KF_UI_DEFAULT_LANGUAGE"} {
		if _, ok := seen[name]; !ok {
			t.Errorf("no setting for %s", name)
		}
	}
}

// TestOIDCFromEnvironment checks the nested names of the single sign-on
// settings (the client secret belongs in the environment, not the file)
// and the derived redirect URL.
func TestOIDCFromEnvironment(t *testing.T) {
	c, err := Load("", []string{"KF_AUTH_OIDC_ISSUER=https://login.kreis.de/realms/v", "KF_AUTH_OIDC_CLIENT_ID=forum",
		"KF_AUTH_OIDC_CLIENT_SECRET=geheim", "KF_AUTH_LOCAL_LOGIN=false", "KF_SERVER_BASE_URL=https://forum.kreis.de/"})
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	if o := c.Auth.OIDC; o.Issuer != "https://login.kreis.de/realms/v" || o.ClientID != "forum" || o.ClientSecret != "geheim" || c.Auth.LocalLogin {
		t.Errorf("Load() auth = %+v, want the OIDC settings from the environment", c.Auth)
	}
	if got, want := c.OIDCRedirectURL(), "https://forum.kreis.de/anmelden/oidc/rueckkehr"; got != want {
		t.Errorf("OIDCRedirectURL() = %q, want %q", got, want)
	}
}
