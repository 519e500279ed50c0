package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/store"
)

// maxIdempotencyKey bounds the header; clients send UUIDs or similar.
const maxIdempotencyKey = 255

// idempotency makes state-changing requests with an Idempotency-Key header
// safe to retry: the first request runs and its answer is stored, a retry
// with the same key gets that answer again (Idempotent-Replayed: true)
// instead of a second post. Keys are per user, so one user's key can never
// replay another's answer; anonymous requests ignore the header.
//
// The reservation is committed before the handler runs and marked
// "committed" inside the handler's own transaction (store.inTx), so after
// a crash between the change and storing its answer a retry is refused
// with 409 rather than creating the post again.
func (s *Server) idempotency(c *gin.Context) {
	key := c.GetHeader("Idempotency-Key")
	u := viewer(c)
	if key == "" || u == nil || c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
		c.Next()
		return
	}
	if len(key) > maxIdempotencyKey || !printableASCII(key) {
		s.failStatus(c, http.StatusBadRequest, "error.idempotency.bad_key")
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		s.failStatus(c, http.StatusRequestEntityTooLarge, "error.too_large")
		return
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	h := sha256.New()
	_, _ = io.WriteString(h, c.Request.Method+" "+c.Request.URL.RequestURI()+"\n") // a hash.Hash never returns a write error
	h.Write(body)
	hash := hex.EncodeToString(h.Sum(nil))

	ctx := c.Request.Context()
	outcome, stored, err := s.db.ReserveIdempotencyKey(ctx, u.ID, key, hash)
	if err != nil {
		s.fail(c, err)
		return
	}
	switch outcome {
	case store.KeyReplay:
		if stored.Location != "" {
			c.Header("Location", stored.Location)
		}
		c.Header("Idempotent-Replayed", "true")
		c.Data(stored.Status, stored.ContentType, stored.Body)
		c.Abort()
		return
	case store.KeyMismatch:
		s.failStatus(c, http.StatusUnprocessableEntity, "error.idempotency.mismatch")
		return
	case store.KeyInFlight:
		s.failStatus(c, http.StatusConflict, "error.idempotency.in_flight")
		return
	case store.KeyLostAnswer:
		s.failStatus(c, http.StatusConflict, "error.idempotency.lost_answer")
		return
	}

	rec := &recordingWriter{ResponseWriter: c.Writer}
	c.Writer = rec
	c.Request = c.Request.WithContext(store.WithIdempotencyKey(ctx, u.ID, key))
	c.Next()

	s.settleIdempotencyKey(ctx, u.ID, key, rec)
}

// settleIdempotencyKey stores the answer under the key, or releases the key
// when the request changed nothing a client could not retry: server errors,
// transient refusals, and a client that went away (the very case the header
// is for: it will retry). Settling outlives the request's context, which is
// cancelled when the client is gone; a reservation left behind would answer
// every retry with 409 for a day.
func (s *Server) settleIdempotencyKey(ctx context.Context, userID int64, key string, rec *recordingWriter) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	status := rec.Status()
	if status >= 500 || status == statusClientClosed || status == http.StatusConflict || status == http.StatusTooManyRequests {
		if err := s.db.ReleaseIdempotencyKey(ctx, userID, key); err != nil {
			s.log.Error("release idempotency key", "err", err)
		}
		return
	}
	resp := store.IdempotentResponse{Status: status, ContentType: rec.Header().Get("Content-Type"),
		Location: rec.Header().Get("Location"), Body: rec.buf.Bytes()}
	if err := s.db.FinishIdempotencyKey(ctx, userID, key, resp); err != nil {
		s.log.Error("store idempotent answer", "err", err)
	}
}

// recordingWriter passes the answer through and keeps a copy of its body.
type recordingWriter struct {
	gin.ResponseWriter
	buf bytes.Buffer
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *recordingWriter) WriteString(s string) (int, error) {
	w.buf.WriteString(s)
	return w.ResponseWriter.WriteString(s)
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
