package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/forum"
	"kommunalforum/internal/input"
	"kommunalforum/internal/store"
)

// errorPage is the page for every error status.
type errorPage struct {
	Base
	Status  int
	Message string
}

// problem is an RFC 9457 problem document with a German (or English) detail.
type problem struct {
	Type     string            `json:"type"`
	Title    string            `json:"title"`
	Status   int               `json:"status"`
	Detail   string            `json:"detail"`
	Instance string            `json:"instance,omitempty"`
	Errors   map[string]string `json:"errors,omitempty"`
}

// statusClientClosed is the status logged for a request whose client went
// away before the answer (nginx's 499). Nobody receives it.
const statusClientClosed = 499

// fail is the one place that maps an error to a response. HTML handlers
// re-render their form on validation errors themselves and call fail for
// everything else.
func (s *Server) fail(c *gin.Context, err error) {
	var ve *input.ValidationError
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.failStatus(c, http.StatusNotFound, "error.not_found")
	case errors.Is(err, auth.ErrForbidden):
		s.failStatus(c, http.StatusForbidden, "error.forbidden")
	case errors.Is(err, forum.ErrLocked):
		s.failStatus(c, http.StatusConflict, "error.forum.locked")
	case errors.Is(err, store.ErrDuplicate):
		s.failStatus(c, http.StatusConflict, "qa.error.duplicate")
	case errors.Is(err, store.ErrConflict):
		s.failStatus(c, http.StatusConflict, "error.conflict")
	case errors.Is(err, store.ErrFull):
		s.log.Error("storage full: write refused", "err", err, "path", c.Request.URL.Path, "request_id", requestID(c))
		s.failStatus(c, http.StatusInsufficientStorage, "error.storage_full")
	case errors.As(err, &mbe):
		s.failStatus(c, http.StatusRequestEntityTooLarge, "error.too_large")
	case errors.As(err, &ve):
		if isAPI(c) {
			s.problem(c, http.StatusUnprocessableEntity, "error.validation", s.fieldMessages(c, ve))
		} else {
			// A form handler should have shown the form again; this is the fallback.
			s.renderError(c, http.StatusUnprocessableEntity, "error.validation")
		}
	case errors.Is(err, context.Canceled) && c.Request.Context().Err() != nil:
		// The client went away; nobody reads the answer, and it is not a
		// failure of ours (nor a 5xx on the dashboards).
		s.log.Info("request abandoned by the client", "path", c.Request.URL.Path, "request_id", requestID(c))
		c.AbortWithStatus(statusClientClosed)
	default:
		s.log.Error("request failed", "err", err, "path", c.Request.URL.Path, "request_id", requestID(c))
		s.failStatus(c, http.StatusInternalServerError, "error.internal")
	}
}

// failStatus answers with status and a catalogue message, as problem JSON on
// the API and as an error page elsewhere.
func (s *Server) failStatus(c *gin.Context, status int, key string) {
	if isAPI(c) {
		s.problem(c, status, key, nil)
		return
	}
	s.renderError(c, status, key)
}

func (s *Server) problem(c *gin.Context, status int, key string, fields map[string]string) {
	c.Header("Content-Type", "application/problem+json")
	c.Header("Cache-Control", privateNoStore)
	body, _ := jsonMarshal(problem{
		Type: "about:blank", Title: http.StatusText(status), Status: status,
		Detail: s.t(c, key), Instance: c.Request.URL.Path, Errors: fields,
	})
	c.Data(status, "application/problem+json", body)
	c.Abort()
}

func (s *Server) renderError(c *gin.Context, status int, key string) {
	p := errorPage{Base: s.base(c, s.t(c, "error.title", status)), Status: status, Message: s.t(c, key)}
	p.NoIndex = true
	s.render(c, status, "error", p)
	c.Abort()
}

// fieldMessages translates a validation error's messages.
func (s *Server) fieldMessages(c *gin.Context, ve *input.ValidationError) map[string]string {
	out := make(map[string]string, len(ve.Fields))
	for f, m := range ve.Fields {
		out[f] = s.t(c, m.Key, m.Args...)
	}
	return out
}

// asValidation reports whether err carries field errors.
func asValidation(err error) (*input.ValidationError, bool) {
	var ve *input.ValidationError
	ok := errors.As(err, &ve)
	return ve, ok
}
