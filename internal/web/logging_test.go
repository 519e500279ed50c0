package web

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a log sink safe for the handlers' goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// logLines parses the JSON log lines written so far.
func logLines(t *testing.T, b *syncBuffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(b.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// newLogEnv is the test server logging JSON at level into the returned buffer.
func newLogEnv(t *testing.T, level slog.Level) (*testEnv, *syncBuffer) {
	t.Helper()
	var buf syncBuffer
	e := newTestEnv(t, func(o *Options, _ *authPolicy) {
		o.Log = slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: level}))
	})
	return e, &buf
}

// TestRequestLog checks the one structured line per request: its fields,
// the request ID it shares with the response, and the route pattern.
func TestRequestLog(t *testing.T) {
	e, buf := newLogEnv(t, slog.LevelInfo)
	u := e.user("mitglied@kreis-musterland.de", "member")
	th := e.thread(u, "familie-kind", "Ein Thema für das Protokoll", "Text.")
	tests := []struct {
		path   string
		status int
		route  string // "" means not logged at info level
	}{
		{th.URL(), 200, "/t/:id"},
		{"/gibt-es-nicht?x=1", 404, routeUnmatched},
		{"/api/v1/threads/" + itoa(th.ID), 200, "/api/v1/threads/:id"},
		{"/healthz", 200, ""},
		{"/metrics", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			n := len(logLines(t, buf))
			w := e.get(tt.path, nil)
			wantStatus(t, w, tt.status, tt.path)
			lines := logLines(t, buf)[n:]
			var reqs []map[string]any
			for _, l := range lines {
				if l["msg"] == "request" {
					reqs = append(reqs, l)
				}
			}
			if tt.route == "" {
				if len(reqs) != 0 {
					t.Fatalf("GET %s logged at info: %v", tt.path, reqs)
				}
				return
			}
			if len(reqs) != 1 {
				t.Fatalf("GET %s: %d request lines, want exactly 1: %v", tt.path, len(reqs), lines)
			}
			l := reqs[0]
			if l["method"] != "GET" || l["route"] != tt.route || l["status"] != float64(tt.status) || l["level"] != "INFO" {
				t.Errorf("GET %s logged %v, want method GET, route %s, status %d", tt.path, l, tt.route, tt.status)
			}
			if _, ok := l["duration_ms"].(float64); !ok {
				t.Errorf("duration_ms missing or not a number: %v", l)
			}
			if id := w.Header().Get("X-Request-ID"); id == "" || l["request_id"] != id {
				t.Errorf("request_id %v, response X-Request-ID %q: want the same", l["request_id"], id)
			}
			if strings.Contains(buf.String(), "gibt-es-nicht") {
				t.Errorf("the raw path shows in the log")
			}
		})
	}

	// At debug level the quiet routes are logged too.
	e, buf = newLogEnv(t, slog.LevelDebug)
	e.get("/healthz", nil)
	var found bool
	for _, l := range logLines(t, buf) {
		found = found || (l["msg"] == "request" && l["route"] == "/healthz" && l["level"] == "DEBUG")
	}
	if !found {
		t.Errorf("/healthz not logged at debug level: %s", buf.String())
	}
}

// TestLogKeepsSecrets captures the log of a login (right and wrong
// password), an API call with a token and a personal feed request, and
// checks that neither the password nor a token appears.
func TestLogKeepsSecrets(t *testing.T) {
	e, buf := newLogEnv(t, slog.LevelDebug)
	u := e.user("geheim@kreis-musterland.de", "member")
	apiToken := e.token(u)

	wrong := "Falsches-Passwort-4711"
	for _, pw := range []string{testPassword, wrong} {
		w := e.post("/anmelden", url.Values{"email": {u.Email}, "password": {pw}}, nil)
		if w.Code != http.StatusSeeOther && w.Code != http.StatusUnauthorized {
			t.Fatalf("POST /anmelden = %d", w.Code)
		}
	}
	wantStatus(t, e.do(req{method: http.MethodGet, path: "/api/v1/topic-fields", header: map[string]string{"Authorization": "Bearer " + apiToken}}),
		http.StatusOK, "API with token")
	feedToken := (&feedEnv{testEnv: e}).feedToken(u)
	wantStatus(t, e.get("/feeds/themen.atom?token="+url.QueryEscape(feedToken), nil), http.StatusOK, "personal feed")
	e.get("/feeds/themen.atom?token=kff_falsch-und-geheim", nil) // a 404 is logged as well

	log := buf.String()
	if strings.Count(log, `"msg":"request"`) < 6 {
		t.Fatalf("expected the requests in the log, got:\n%s", log)
	}
	for what, secret := range map[string]string{"password": testPassword, "wrong password": wrong, "API token": apiToken,
		"feed token": feedToken, "unknown feed token": "kff_falsch-und-geheim", "token parameter": "token="} {
		if strings.Contains(log, secret) {
			t.Errorf("the log contains the %s:\n%s", what, log)
		}
	}
}
