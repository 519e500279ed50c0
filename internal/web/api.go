package web

// The JSON API under /api/v1, documented in docs/API.md. Its handlers call
// the same forum functions as the HTML handlers in thread.go; only the input
// (a JSON object instead of a form) and the output (typed JSON structs
// instead of a page) differ. Every error is problem JSON via s.fail.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/store"
)

// Paging of GET /api/v1/threads/:id.
const (
	apiPerPageDefault = 50
	apiPerPageMax     = 200
)

// apiTopicField is one entry of GET /api/v1/topic-fields.
type apiTopicField struct {
	Slug         string  `json:"slug"`
	Name         string  `json:"name"`
	Description  string  `json:"description"`
	ThreadCount  int     `json:"thread_count"`
	LastActivity *string `json:"last_activity"` // null while the field has no thread
	URL          string  `json:"url"`
}

// apiThread is GET /api/v1/threads/:id: the thread and one page of its posts.
type apiThread struct {
	ID             int64     `json:"id"`
	Title          string    `json:"title"`
	URL            string    `json:"url"`
	TopicField     string    `json:"topic_field"`
	TopicFieldName string    `json:"topic_field_name"`
	Locked         bool      `json:"locked"`
	Kind           string    `json:"kind"`             // discussion, question or pm_question
	Status         string    `json:"status"`           // offen, beantwortet, geloest; "" for discussions
	AcceptedPostID *int64    `json:"accepted_post_id"` // null when none is accepted
	DuplicateOf    *int64    `json:"duplicate_of"`     // null unless closed as a duplicate
	PMStatus       string    `json:"pm_status,omitempty"`
	PMAssignee     string    `json:"pm_assignee,omitempty"`
	PMDueAt        *string   `json:"pm_due_at,omitempty"`
	PMAnsweredAt   *string   `json:"pm_answered_at,omitempty"`
	PostCount      int       `json:"post_count"` // visible posts, deleted ones not counted
	CreatedAt      string    `json:"created_at"`
	LastPostAt     string    `json:"last_post_at"`
	Posts          []apiPost `json:"posts"`
	Page           int       `json:"page"`
	Pages          int       `json:"pages"` // counts every position, deleted posts included
	PerPage        int       `json:"per_page"`
}

// apiPost is a post as the thread and PATCH /api/v1/posts/:id return it. A
// deleted post keeps its place and author but not its text.
type apiPost struct {
	ID        int64   `json:"id"`
	ThreadID  int64   `json:"thread_id"`
	Number    int     `json:"number"`
	URL       string  `json:"url"`
	Author    string  `json:"author"`
	AuthorID  int64   `json:"author_id"`
	AuthorOrg string  `json:"author_org"`
	Body      string  `json:"body"`      // Markdown as written
	BodyHTML  string  `json:"body_html"` // sanitised when stored
	CreatedAt string  `json:"created_at"`
	EditedAt  *string `json:"edited_at"` // null if never edited
	Deleted   bool    `json:"deleted"`
	Score     int     `json:"score"`
	Official  bool    `json:"official"`
	// OfficialVersion counts the versions of an official answer (0 if none).
	OfficialVersion int     `json:"official_version"`
	OfficialAt      *string `json:"official_at,omitempty"` // "Stand" of the current version
	AnsweringBody   string  `json:"answering_body,omitempty"`
	// Hidden: hidden by the moderation; body and body_html are empty unless
	// the caller wrote the post or moderates its field.
	Hidden       bool   `json:"hidden"`
	HiddenReason string `json:"hidden_reason,omitempty"`
	// Pending: waits for approval (only its author and moderators see it).
	Pending bool `json:"pending,omitempty"`
}

// apiNewThread is the body of POST /api/v1/threads.
type apiNewThread struct {
	TopicField string `json:"topic_field"`
	Kind       string `json:"kind"` // discussion (default), question or pm_question
	Title      string `json:"title"`
	Body       string `json:"body"`
}

// apiCreatedThread answers POST /api/v1/threads.
type apiCreatedThread struct {
	ID         int64  `json:"id"`
	URL        string `json:"url"`
	Title      string `json:"title"`
	TopicField string `json:"topic_field"`
	PostID     int64  `json:"post_id"`
	Pending    bool   `json:"pending"` // the thread waits for approval: only its author and moderators see it
}

// apiPostBody is the body of POST /api/v1/threads/:id/posts and PATCH /api/v1/posts/:id.
type apiPostBody struct {
	Body string `json:"body"`
}

// apiCreatedPost answers POST /api/v1/threads/:id/posts.
type apiCreatedPost struct {
	ID       int64  `json:"id"`
	URL      string `json:"url"`
	ThreadID int64  `json:"thread_id"`
	Pending  bool   `json:"pending"` // the post waits for approval: only its author and moderators see it
}

// apiTopicFields serves GET /api/v1/topic-fields: the active fields in display order.
func (s *Server) apiTopicFields(c *gin.Context) {
	fields, err := s.db.TopicFieldStats(c.Request.Context(), reader(c), false)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]apiTopicField, len(fields)) // [] rather than null when empty
	for i, f := range fields {
		out[i] = apiTopicField{Slug: f.Slug, Name: f.Name, Description: f.Description,
			ThreadCount: f.ThreadCount, LastActivity: apiTimeOrNull(f.LastActivity), URL: "/themenfeld/" + f.Slug}
	}
	s.writeJSON(c, http.StatusOK, out)
}

// apiThread serves GET /api/v1/threads/:id?page=N&per_page=M.
func (s *Server) apiThread(c *gin.Context) {
	ctx := c.Request.Context()
	page, per, ok := apiPaging(c)
	if !ok {
		s.failStatus(c, http.StatusBadRequest, "error.bad_request")
		return
	}
	t, err := s.db.ThreadFor(ctx, scope(c), apiID(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	posts, total, err := s.db.PostsFor(ctx, scope(c), t.ID, per, (page-1)*per)
	if err != nil {
		s.fail(c, err)
		return
	}
	pages := pageCount(total, per)
	if page > pages {
		s.failStatus(c, http.StatusNotFound, "error.not_found")
		return
	}
	out := apiThread{
		ID: t.ID, Title: t.Title, URL: t.URL(), TopicField: t.FieldSlug, TopicFieldName: t.FieldName,
		Locked: t.Locked, PostCount: t.PostCount, CreatedAt: apiTime(t.CreatedAt), LastPostAt: apiTime(t.LastPostAt),
		Kind: t.Kind, Status: t.Status(), AcceptedPostID: idOrNull(t.AcceptedPostID), DuplicateOf: idOrNull(t.DuplicateOf),
		PMStatus: t.PMStatus, PMAssignee: t.PMAssigneeName, PMDueAt: apiTimeOrNull(t.PMDueAt), PMAnsweredAt: apiTimeOrNull(t.PMAnsweredAt),
		Posts: make([]apiPost, len(posts)), Page: page, Pages: pages, PerPage: per,
	}
	for i, p := range posts {
		out.Posts[i] = newAPIPost(p)
	}
	s.writeJSON(c, http.StatusOK, out)
}

// apiCreateThread serves POST /api/v1/threads.
func (s *Server) apiCreateThread(c *gin.Context) {
	var in apiNewThread
	if !s.decodeJSON(c, &in) {
		return
	}
	t, postID, err := s.forum.CreateThread(c.Request.Context(), viewer(c), in.TopicField, in.Kind, in.Title, in.Body)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", t.URL())
	s.writeJSON(c, http.StatusCreated, apiCreatedThread{ID: t.ID, URL: t.URL(), Title: t.Title, TopicField: t.FieldSlug, PostID: postID,
		Pending: t.Pending})
}

// apiCreatePost serves POST /api/v1/threads/:id/posts.
func (s *Server) apiCreatePost(c *gin.Context) {
	var in apiPostBody
	if !s.decodeJSON(c, &in) {
		return
	}
	threadID := apiID(c)
	id, err := s.forum.Reply(c.Request.Context(), viewer(c), threadID, in.Body)
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.db.PostFor(c.Request.Context(), scope(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	loc := fmt.Sprintf("/beitrag/%d", id)
	c.Header("Location", loc)
	s.writeJSON(c, http.StatusCreated, apiCreatedPost{ID: id, URL: loc, ThreadID: threadID, Pending: p.Pending})
}

// apiEditPost serves PATCH /api/v1/posts/:id.
func (s *Server) apiEditPost(c *gin.Context) {
	var in apiPostBody
	if !s.decodeJSON(c, &in) {
		return
	}
	ctx := c.Request.Context()
	id := apiID(c)
	p, err := s.forum.EditPost(ctx, viewer(c), id, in.Body)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, newAPIPost(p))
}

// apiDeletePost serves DELETE /api/v1/posts/:id: a soft delete.
func (s *Server) apiDeletePost(c *gin.Context) {
	if _, err := s.forum.DeletePost(c.Request.Context(), viewer(c), apiID(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", privateNoStore)
	c.Status(http.StatusNoContent)
}

// newAPIPost converts a stored post; a deleted one loses its text.
func newAPIPost(p store.Post) apiPost {
	out := apiPost{
		ID: p.ID, ThreadID: p.ThreadID, Number: p.Number, URL: fmt.Sprintf("/beitrag/%d", p.ID),
		Author: p.AuthorName, AuthorID: p.AuthorID, AuthorOrg: p.AuthorOrg,
		Body: p.Body, BodyHTML: p.BodyHTML, CreatedAt: apiTime(p.CreatedAt), EditedAt: apiTimeOrNull(p.EditedAt),
		Score: p.Score, Official: p.Official(), OfficialVersion: p.OfficialVersion, OfficialAt: apiTimeOrNull(p.OfficialAt),
		AnsweringBody: p.OfficialBody, Hidden: p.Hidden(), HiddenReason: p.HiddenReason, Pending: p.Pending,
	}
	if p.Withheld {
		out.Body, out.BodyHTML = "", ""
	}
	if p.Deleted() {
		out.Body, out.BodyHTML, out.Deleted = "", "", true
	}
	return out
}

// idOrNull is an ID for the API, null for 0 ("none").
func idOrNull(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// apiTime formats a timestamp for the API: RFC 3339 in UTC, whole seconds.
func apiTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// apiTimeOrNull is apiTime with null for the zero time ("never").
func apiTimeOrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	v := apiTime(t)
	return &v
}

// apiID parses the numeric :id of an API path. Unlike paramID it accepts no
// slug suffix; anything else yields 0, which matches no row (404).
func apiID(c *gin.Context) int64 {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// apiPaging reads ?page=N (default 1) and ?per_page=M (default 50, at most
// 200). ok is false for anything else, including numbers out of range.
func apiPaging(c *gin.Context) (page, per int, ok bool) {
	page, per = 1, apiPerPageDefault
	if v, set := c.GetQuery("page"); set {
		// 32 bits keep (page-1)*per far from overflowing.
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil || n < 1 {
			return 0, 0, false
		}
		page = int(n)
	}
	if v, set := c.GetQuery("per_page"); set {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > apiPerPageMax {
			return 0, 0, false
		}
		per = n
	}
	return page, per, true
}

// decodeJSON reads the request body into dst, a pointer to a struct. It
// answers the request itself (415, 400 or 413) and returns false when the
// body is not a JSON object with only dst's fields and nothing after it.
func (s *Server) decodeJSON(c *gin.Context, dst any) bool {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "application/json" {
		s.failStatus(c, http.StatusUnsupportedMediaType, "error.bad_request")
		return false
	}
	err = decodeObject(c.Request.Body, dst)
	var mbe *http.MaxBytesError
	switch {
	case err == nil:
		return true
	case errors.As(err, &mbe):
		s.fail(c, err) // 413
	case errors.Is(err, errInvalidUTF8):
		s.failStatus(c, http.StatusBadRequest, "error.input.invalid_utf8")
	default:
		s.failStatus(c, http.StatusBadRequest, "error.bad_json")
	}
	return false
}

var (
	errNotObject   = errors.New("request body is not a JSON object")
	errTrailing    = errors.New("data after the JSON object")
	errInvalidUTF8 = errors.New("request body is not valid UTF-8")
)

// decodeObject decodes a single JSON object from r into dst, refusing
// unknown fields. A read error, such as *http.MaxBytesError from limitBody,
// stays in the chain so the caller can tell it apart.
func decodeObject(r io.Reader, dst any) error {
	if r == nil {
		return errNotObject
	}
	// limitBody caps r at maxBody; this cap makes the bound local as well.
	b, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if len(b) > maxBody {
		return fmt.Errorf("read body: %w", &http.MaxBytesError{Limit: maxBody})
	}
	// encoding/json would silently replace invalid UTF-8 with U+FFFD;
	// user text is never altered behind the user's back.
	if !utf8.Valid(b) {
		return errInvalidUTF8
	}
	// Decoding null or an array into a struct would not fail by itself.
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return errNotObject
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return fmt.Errorf("decode body: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errTrailing
	}
	return nil
}

// writeJSON answers with v as JSON. Responses to a logged-in caller may hold
// what only they see, so no cache keeps them.
func (s *Server) writeJSON(c *gin.Context, status int, v any) {
	buf := getBuf()
	defer putBuf(buf)
	enc := json.NewEncoder(buf)
	// Served as application/json with nosniff, so <, > and & need no escaping
	// and body_html stays readable.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		s.fail(c, fmt.Errorf("encode %T: %w", v, err))
		return
	}
	if viewer(c) != nil {
		c.Header("Cache-Control", privateNoStore)
	}
	c.Data(status, "application/json; charset=utf-8", buf.Bytes())
}
