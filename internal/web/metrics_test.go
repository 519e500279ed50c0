package web

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"kommunalforum/internal/store"
)

// scrape sends GET /metrics from the remote address with extra headers.
func scrape(e *testEnv, remote string, header map[string]string) *httptest.ResponseRecorder {
	e.t.Helper()
	r := httptest.NewRequest(http.MethodGet, metricsPath, nil)
	r.RemoteAddr = remote
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(w, r)
	return w
}

// metricValue finds the sample of name whose labels include all of
// labels ("k=v" pairs) in the text exposition format.
func metricValue(body, name string, labels ...string) (float64, bool) {
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") {
			continue
		}
		series, value, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		match := true
		for _, l := range labels {
			k, v, _ := strings.Cut(l, "=")
			if !strings.Contains(series, fmt.Sprintf("%s=%q", k, v)) {
				match = false
			}
		}
		if match {
			f, err := strconv.ParseFloat(value, 64)
			return f, err == nil
		}
	}
	return 0, false
}

// TestMetricsAccess is the access table of /metrics: allow-listed
// addresses, X-Forwarded-For only from trusted proxies, the token.
func TestMetricsAccess(t *testing.T) {
	const token = "0123456789abcdef-metrics"
	tests := []struct {
		name   string
		opt    func(*Options)
		remote string
		header map[string]string
		want   int
	}{
		{"loopback by default", nil, "127.0.0.1:4711", nil, 200},
		{"IPv6 loopback by default", nil, "[::1]:4711", nil, 200},
		{"other address", nil, "192.0.2.1:4711", nil, 404},
		{"forged X-Forwarded-For from an untrusted peer", nil, "192.0.2.1:4711",
			map[string]string{"X-Forwarded-For": "127.0.0.1"}, 404},
		{"X-Forwarded-For from a trusted proxy", func(o *Options) { o.TrustedProxies = []string{"192.0.2.1"} },
			"192.0.2.1:4711", map[string]string{"X-Forwarded-For": "127.0.0.1"}, 200},
		{"trusted proxy forwarding an outsider", func(o *Options) { o.TrustedProxies = []string{"192.0.2.1"} },
			"192.0.2.1:4711", map[string]string{"X-Forwarded-For": "203.0.113.9"}, 404},
		{"allow-listed network", func(o *Options) { o.MetricsAllow = []string{"10.0.0.0/8"} }, "10.1.2.3:4711", nil, 200},
		{"loopback not in a custom list", func(o *Options) { o.MetricsAllow = []string{"10.0.0.0/8"} }, "127.0.0.1:4711", nil, 404},
		{"token from anywhere", func(o *Options) { o.MetricsToken = token }, "203.0.113.9:4711",
			map[string]string{"Authorization": "Bearer " + token}, 200},
		{"wrong token", func(o *Options) { o.MetricsToken = token }, "203.0.113.9:4711",
			map[string]string{"Authorization": "Bearer " + token + "x"}, 404},
		{"token without a configured token", nil, "203.0.113.9:4711", map[string]string{"Authorization": "Bearer " + token}, 404},
		{"no list, no token: nobody", func(o *Options) { o.MetricsAllow = nil }, "127.0.0.1:4711", nil, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t, func(o *Options, _ *authPolicy) {
				o.MetricsAllow = []string{"127.0.0.1/32", "::1/128"}
				if tt.opt != nil {
					tt.opt(o)
				}
			})
			w := scrape(e, tt.remote, tt.header)
			if w.Code != tt.want {
				t.Fatalf("GET /metrics = %d, want %d", w.Code, tt.want)
			}
			if tt.want == 200 {
				if _, ok := metricValue(w.Body.String(), "kommunalforum_stats_up"); !ok {
					t.Errorf("no kommunalforum_stats_up in\n%s", w.Body.String())
				}
			} else if strings.Contains(w.Body.String(), "kommunalforum_") {
				t.Errorf("refused scrape shows metrics")
			}
		})
	}
}

// TestMetricsContent checks that requests are counted by route pattern
// and the queue gauges reflect the database.
func TestMetricsContent(t *testing.T) {
	e := newTestEnv(t, func(o *Options, _ *authPolicy) {
		o.MetricsAllow = []string{"127.0.0.1"}
		o.IndexPath = t.TempDir()
	})
	u := e.user("mitglied@kreis-musterland.de", "member")
	th := e.thread(u, "familie-kind", "Ein Thema für die Metriken", "Text des Themas.")
	body := func() string {
		w := scrape(e, "127.0.0.1:1", nil)
		wantStatus(t, w, http.StatusOK, "scrape")
		return w.Body.String()
	}
	threadReqs := func(b string) float64 {
		v, _ := metricValue(b, "kommunalforum_http_requests_total", "method=GET", "route=/t/:id", "status=200")
		return v
	}
	before := body()
	for range 3 {
		wantStatus(t, e.get(th.URL(), nil), http.StatusOK, "thread page")
	}
	e.get("/gibt-es-nicht/4711", nil)
	after := body()
	if got := threadReqs(after) - threadReqs(before); got != 3 {
		t.Errorf("requests_total{route=/t/:id} grew by %v, want 3", got)
	}
	if v, ok := metricValue(after, "kommunalforum_http_requests_total", "route=unmatched", "status=404"); !ok || v < 1 {
		t.Errorf("unmatched request not counted (%v, %v)", v, ok)
	}
	if strings.Contains(after, "gibt-es-nicht") || strings.Contains(after, th.Slug) {
		t.Errorf("a raw path shows in the metrics")
	}
	if v, ok := metricValue(after, "kommunalforum_http_request_duration_seconds_count", "route=/t/:id"); !ok || v < 3 {
		t.Errorf("duration histogram count %v, want >= 3", v)
	}

	pending := func(b string) float64 {
		v, ok := metricValue(b, "kommunalforum_outbox_pending_mails")
		if !ok {
			t.Fatalf("no outbox gauge in\n%s", b)
		}
		return v
	}
	base := pending(after)
	for i := range 2 {
		if _, err := e.db.EnqueueMail(context.Background(), store.OutboxMail{MessageID: fmt.Sprintf("<m%d@forum.test>", i),
			Recipient: "a@example.org", Subject: "Test", BodyText: "Text"}); err != nil {
			t.Fatal(err)
		}
	}
	now := body()
	if got := pending(now) - base; got != 2 {
		t.Errorf("outbox_pending_mails grew by %v, want 2", got)
	}
	if v, ok := metricValue(now, "kommunalforum_outbox_oldest_pending_age_seconds"); !ok || v < 0 {
		t.Errorf("outbox age %v (%v)", v, ok)
	}
	for _, m := range []struct {
		name   string
		labels []string
		min    float64
	}{
		{"kommunalforum_stats_up", nil, 1},
		{"kommunalforum_db_size_bytes", []string{"file=database"}, 1},
		{"kommunalforum_db_size_bytes", []string{"file=wal"}, 0},
		{"kommunalforum_search_index_size_bytes", nil, 0},
		{"kommunalforum_search_queue_rows", nil, 0},
		{"kommunalforum_search_queue_oldest_age_seconds", nil, 0},
		{"go_goroutines", nil, 1},
	} {
		if v, ok := metricValue(now, m.name, m.labels...); !ok || v < m.min {
			t.Errorf("%s%v = %v (present %v), want >= %v", m.name, m.labels, v, ok, m.min)
		}
	}
}
