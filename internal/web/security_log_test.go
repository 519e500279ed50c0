package web

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

// logLines decodes the JSON log lines with msg "security".
func securityLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "security" {
			out = append(out, m)
		}
	}
	return out
}

func TestSecurityLog(t *testing.T) {
	var buf bytes.Buffer
	e := newTestEnv(t, func(o *Options, _ *authPolicy) {
		o.Log = slog.New(slog.NewJSONHandler(&buf, nil))
	})
	e.user("anna@kreis-musterland.de", "member")
	admin := e.user("admin@kreis-musterland.de", "admin")

	e.login("anna@kreis-musterland.de", "Falsches-Passwort-1", nil)
	e.login("niemand@kreis-musterland.de", "Falsches-Passwort-1", nil)
	w := e.login("anna@kreis-musterland.de", testPassword, nil)
	e.post("/abmelden", nil, sessionOf(w))
	e.post("/admin/themenfelder/1/archivieren", nil, e.session(admin))

	var events []string
	for _, l := range securityLines(t, &buf) {
		events = append(events, l["event"].(string))
		if l["request_id"] == "" || l["client_net"] == "" {
			t.Errorf("security line without request ID or network: %v", l)
		}
	}
	want := []string{"login_failed", "login_failed", "login", "logout", "privileged_action"}
	if strings.Join(events, ",") != strings.Join(want, ",") {
		t.Errorf("security events = %v, want %v", events, want)
	}
	for _, secret := range []string{testPassword, "Falsches-Passwort-1", "anna@kreis-musterland.de", "niemand@"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("the log contains %q", secret)
		}
	}
}

func TestClientNet(t *testing.T) {
	tests := []struct{ ip, want string }{
		{"192.0.2.57", "192.0.2.0/24"},
		{"::ffff:192.0.2.57", "192.0.2.0/24"},
		{"2001:db8:1234:5678::1", "2001:db8:1234::/48"},
		{"kein-ip", "unknown"},
	}
	for _, tt := range tests {
		if got := clientNet(tt.ip); got != tt.want {
			t.Errorf("clientNet(%q) = %q, want %q", tt.ip, got, tt.want)
		}
	}
}
