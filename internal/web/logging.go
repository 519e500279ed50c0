package web

import (
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"
)

// routeUnmatched labels requests that matched no route, in logs and
// metrics: raw paths would let every probe for /wp-login.php create a new
// time series and could carry anything into the log.
const routeUnmatched = "unmatched"

// routeLabel is the request's route pattern ("/t/:id"), never its path.
func routeLabel(c *gin.Context) string {
	if p := c.FullPath(); p != "" {
		return p
	}
	return routeUnmatched
}

// quietRoutes are logged at debug level only: health checks, assets and
// scrapes come every few seconds and would drown the requests of people.
var quietRoutes = map[string]bool{
	"/healthz": true, "/assets/*path": true, "/favicon.ico": true, metricsPath: true,
}

// logRequest writes the one log line of a request: method, route pattern,
// status, duration, response size and the request ID that the response's
// X-Request-ID header and error pages show. It logs neither the path nor
// the query (personal feed URLs carry a token there), nor the client
// address, nor the user: the log is not the place for personal data.
func (s *Server) logRequest(c *gin.Context, id string, start time.Time) {
	level := slog.LevelInfo
	if quietRoutes[c.FullPath()] {
		level = slog.LevelDebug
	}
	ctx := c.Request.Context()
	if !s.log.Enabled(ctx, level) {
		return
	}
	s.log.LogAttrs(ctx, level, "request",
		slog.String("method", c.Request.Method),
		slog.String("route", routeLabel(c)),
		slog.Int("status", c.Writer.Status()),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		slog.Int("bytes", max(0, c.Writer.Size())),
		slog.String("request_id", id))
}
