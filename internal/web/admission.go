package web

import (
	"net/http"
	"runtime"

	"github.com/gin-gonic/gin"
)

// Reads wait for a slot; writes do not.
//
// On two cores, 50 readers asking as fast as they can keep dozens of
// goroutines runnable. Go's scheduler shares the CPU among them fairly, so
// a post — which blocks a dozen times on the network, SQLite and fsync —
// queued behind all the readers at every step: writes took 1.3 s at the
// median and 3.1 s at p95 in the soak run. Admitting only a few reads at a
// time keeps the run queue short. Reads are CPU-bound, so throughput stays
// the same; the queue a reader waits in just moves from the scheduler to
// readSlots. Writes never wait there and get the CPU at once.

// readSlots returns the admission channel for n concurrent reads; n == 0
// picks 4 per core (reads also wait for disk now and then), n < 0 turns
// admission off (nil).
func readSlots(n int) chan struct{} {
	switch {
	case n < 0:
		return nil
	case n == 0:
		n = 4 * runtime.GOMAXPROCS(0)
	}
	return make(chan struct{}, n)
}

// admitReads holds GET and HEAD requests until a read slot is free. Health
// checks and metrics pass at once, so monitoring sees an overloaded server
// as such and not as a dead one. A reader that gives up while waiting is
// logged as 499 (statusClientClosed).
func (s *Server) admitReads(c *gin.Context) {
	m := c.Request.Method
	if s.reads == nil || (m != http.MethodGet && m != http.MethodHead) {
		c.Next()
		return
	}
	switch c.Request.URL.Path {
	case "/healthz", "/metrics":
		c.Next()
		return
	}
	select {
	case s.reads <- struct{}{}:
	case <-c.Request.Context().Done():
		c.AbortWithStatus(statusClientClosed)
		return
	}
	defer func() { <-s.reads }()
	c.Next()
}
