package web

import (
	"net/http"
	"testing"
)

func TestHealthz(t *testing.T) {
	e := newTestEnv(t)
	for _, m := range []string{http.MethodGet, http.MethodHead} {
		w := e.do(req{method: m, path: "/healthz"})
		wantStatus(t, w, http.StatusOK, m+" /healthz")
	}
	e.db.Close()
	wantStatus(t, e.get("/healthz", nil), http.StatusServiceUnavailable, "/healthz with the database closed")
}
