package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metricsPath is where Prometheus scrapes; identify leaves its Bearer
// token alone (middleware.go).
const metricsPath = "/metrics"

// metrics holds the Prometheus registry of this server. It is the
// server's own registry, not the global one, so two servers in one test
// binary count separately and no library can slip metrics in.
type metrics struct {
	reg      *prometheus.Registry
	handler  http.Handler
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	allow    []netip.Prefix
	token    []byte
}

func newMetrics(s *Server) (*metrics, error) {
	m := &metrics{reg: prometheus.NewRegistry(), token: []byte(s.opt.MetricsToken)}
	for _, a := range s.opt.MetricsAllow {
		p, err := netip.ParsePrefix(a)
		if err != nil {
			ip, err2 := netip.ParseAddr(a)
			if err2 != nil {
				return nil, fmt.Errorf("metrics: %q is neither an IP address nor a CIDR", a)
			}
			p = netip.PrefixFrom(ip, ip.BitLen())
		}
		m.allow = append(m.allow, p.Masked())
	}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kommunalforum_http_requests_total",
		Help: "HTTP requests by method, route pattern (\"unmatched\" for none) and status.",
	}, []string{"method", "route", "status"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "kommunalforum_http_request_duration_seconds",
		Help: "HTTP request latency by method and route pattern.",
		// From a cached page (~1 ms) to a slow search or digest preview.
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"method", "route"})
	err := m.reg.Register(m.requests)
	for _, c := range []prometheus.Collector{m.duration, newStoreCollector(s),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		if err != nil {
			break
		}
		err = m.reg.Register(c)
	}
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      promLogger{s},
		ErrorHandling: promhttp.ContinueOnError, // one failing collector must not blind the rest
	})
	return m, nil
}

// observe counts and times every request by its route pattern. It runs
// first, so it sees the final status, panics turned into 500 included.
func (s *Server) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	route, method := routeLabel(c), methodLabel(c.Request.Method)
	s.metrics.requests.WithLabelValues(method, route, strconv.Itoa(c.Writer.Status())).Inc()
	s.metrics.duration.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
}

// methodLabel bounds the method label to the standard methods, so a client
// inventing methods cannot create time series.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "OTHER"
}

// serveMetrics serves GET /metrics to allowed addresses and to the
// configured Bearer token; everyone else gets the ordinary 404, so the
// endpoint does not reveal itself.
func (s *Server) serveMetrics(c *gin.Context) {
	// Set before the check, so the 404 is not cached either.
	c.Header("Cache-Control", "private, no-store")
	if !s.metrics.admits(c) {
		s.failStatus(c, http.StatusNotFound, "error.not_found")
		return
	}
	s.metrics.handler.ServeHTTP(c.Writer, c.Request)
}

// admits reports whether the caller may read the metrics: a client address
// in the allow list (X-Forwarded-For counts only from trusted proxies, as
// gin's ClientIP applies the engine's trusted proxies), or the token.
func (m *metrics) admits(c *gin.Context) bool {
	if len(m.token) > 0 {
		if tok, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer "); ok &&
			subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), m.token) == 1 {
			return true
		}
	}
	ip, err := netip.ParseAddr(c.ClientIP())
	if err != nil {
		return false
	}
	ip = ip.Unmap() // ::ffff:127.0.0.1 is 127.0.0.1
	for _, p := range m.allow {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// promLogger hands promhttp's errors to the server's log.
type promLogger struct{ s *Server }

func (l promLogger) Println(v ...any) { l.s.log.Error("metrics", "err", fmt.Sprint(v...)) }

// storeCollector reads the queue depths and file sizes at scrape time, so
// they are current without a background loop.
type storeCollector struct {
	s *Server

	up, outboxPending, outboxFailed, outboxAge *prometheus.Desc
	searchRows, searchAge                      *prometheus.Desc
	digestRuns, digestLast                     *prometheus.Desc
	dbSize, indexSize                          *prometheus.Desc
}

func newStoreCollector(s *Server) *storeCollector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc("kommunalforum_"+name, help, labels, nil)
	}
	return &storeCollector{
		s:             s,
		up:            d("stats_up", "1 if the database figures below could be read at this scrape, else 0."),
		outboxPending: d("outbox_pending_mails", "Mails in the outbox waiting for delivery."),
		outboxFailed:  d("outbox_failed_mails", "Mails in the outbox given up on."),
		outboxAge:     d("outbox_oldest_pending_age_seconds", "Age of the oldest mail waiting for delivery; 0 when none waits."),
		searchRows:    d("search_queue_rows", "Changes queued for the search index."),
		searchAge:     d("search_queue_oldest_age_seconds", "Age of the oldest change queued for the search index (indexer lag); 0 when empty."),
		digestRuns:    d("digest_runs_total", "Digest runs recorded, by frequency and result (sent: a mail was queued; empty: nothing to send).", "frequency", "result"),
		digestLast:    d("digest_last_run_timestamp_seconds", "Unix time of the newest digest run, by frequency.", "frequency"),
		dbSize:        d("db_size_bytes", "Size of the SQLite database file and its write-ahead log.", "file"),
		indexSize:     d("search_index_size_bytes", "Size of the search index directory."),
	}
}

// Describe sends every metric the collector may send.
func (sc *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{sc.up, sc.outboxPending, sc.outboxFailed, sc.outboxAge, sc.searchRows,
		sc.searchAge, sc.digestRuns, sc.digestLast, sc.dbSize, sc.indexSize} {
		ch <- d
	}
}

// Collect reads the figures. A failing database read sets stats_up to 0
// and is logged; the other metrics still go out.
func (sc *storeCollector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	age := func(t time.Time) float64 {
		if t.IsZero() {
			return 0
		}
		return max(0, time.Since(t).Seconds())
	}
	if p := sc.s.opt.IndexPath; p != "" {
		n, err := dirSize(p)
		if err != nil {
			sc.s.log.Error("metrics: index size", "err", err)
		} else {
			gauge(sc.indexSize, float64(n))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := sc.s.db.Stats(ctx)
	if err != nil {
		sc.s.log.Error("metrics: database figures", "err", err)
		gauge(sc.up, 0)
		return
	}
	gauge(sc.up, 1)
	gauge(sc.outboxPending, float64(st.OutboxPending))
	gauge(sc.outboxFailed, float64(st.OutboxFailed))
	gauge(sc.outboxAge, age(st.OutboxOldest))
	if st.SearchQueue {
		gauge(sc.searchRows, float64(st.SearchQueueRows))
		gauge(sc.searchAge, age(st.SearchQueueOldest))
	}
	for freq, d := range st.Digests {
		ch <- prometheus.MustNewConstMetric(sc.digestRuns, prometheus.CounterValue, float64(d.Sent), freq, "sent")
		ch <- prometheus.MustNewConstMetric(sc.digestRuns, prometheus.CounterValue, float64(d.Empty), freq, "empty")
		if !d.LastRun.IsZero() {
			gauge(sc.digestLast, float64(d.LastRun.Unix()), freq)
		}
	}
	gauge(sc.dbSize, float64(st.DBBytes), "database")
	gauge(sc.dbSize, float64(st.WALBytes), "wal")
}

// dirSize sums the sizes of the files below dir. A missing directory (no
// index built yet) is 0, and files the indexer removes while we walk are
// skipped.
func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			fi, err := d.Info()
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			if err != nil {
				return err
			}
			n += fi.Size()
		}
		return nil
	})
	return n, err
}
