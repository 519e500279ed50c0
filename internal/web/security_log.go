package web

import (
	"log/slog"
	"net/http"
	"net/netip"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/store"
)

// securityEvent writes one line of the security log (BSI CON.10, ASVS V7):
// what happened, to which account, from which network, under which
// request ID. The client address is cut to its network (/24 for IPv4, /48
// for IPv6): enough to see an attack from one place, not enough to name a
// person, so the log holds no full IP address to delete later. Secrets,
// passwords and email addresses never go in.
func (s *Server) securityEvent(c *gin.Context, level slog.Level, event string, attrs ...slog.Attr) {
	base := []slog.Attr{
		slog.Bool("security", true),
		slog.String("event", event),
		slog.String("request_id", requestID(c)),
		slog.String("client_net", clientNet(clientIP(c))),
	}
	if u := viewer(c); u != nil {
		base = append(base, slog.Int64("user_id", u.ID), slog.String("role", u.Role))
	}
	s.log.LogAttrs(c.Request.Context(), level, "security", append(base, attrs...)...)
}

// clientNet pseudonymises an address to its network.
func clientNet(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "unknown"
	}
	bits := 48
	if a.Is4() || a.Is4In6() {
		a, bits = a.Unmap(), 24
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return "unknown"
	}
	return p.String()
}

// logPrivileged records every successful state-changing request made by a
// moderator, programme manager or admin: role changes, suspensions, hiding,
// field and group changes all pass here, so none can be forgotten. What
// exactly changed is in the audit log; this line ties it to the request.
func (s *Server) logPrivileged(c *gin.Context) {
	c.Next()
	u := viewer(c)
	if u == nil || u.Role == store.RoleMember || c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead ||
		c.Writer.Status() >= 400 {
		return
	}
	s.securityEvent(c, slog.LevelInfo, "privileged_action", slog.String("method", c.Request.Method),
		slog.String("route", routeLabel(c)), slog.Int("status", c.Writer.Status()))
}
