package web

// The PM additions to /api/v1 (docs/API.md): marking an official answer,
// the work queue and assigning a question. They call the same qa.PM
// functions as the pages in pm.go. Editing an official answer goes through
// PATCH /api/v1/posts/:id (api.go), which makes a new official version.

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/qa"
	"kommunalforum/internal/store"
)

// apiPMQuestion is a PM question with its processing fields: an item of
// GET /api/v1/pm/queue and the answer of POST /api/v1/threads/:id/assign.
type apiPMQuestion struct {
	ID         int64   `json:"id"`
	Title      string  `json:"title"`
	URL        string  `json:"url"`
	TopicField string  `json:"topic_field"`
	Status     string  `json:"status"`    // offen or beantwortet, as readers see it
	PMStatus   string  `json:"pm_status"` // neu, in_bearbeitung or beantwortet
	AskedAt    string  `json:"asked_at"`
	DueAt      *string `json:"due_at"`
	Overdue    bool    `json:"overdue"`
	Assignee   *string `json:"assignee"` // display name; null while unassigned
	AnsweredAt *string `json:"answered_at"`
}

// apiPMQueue is GET /api/v1/pm/queue.
type apiPMQueue struct {
	Items   []apiPMQuestion `json:"items"`
	Total   int             `json:"total"`
	Page    int             `json:"page"`
	Pages   int             `json:"pages"`
	PerPage int             `json:"per_page"`
}

// apiOfficialBody is the optional body of POST /api/v1/posts/:id/official.
type apiOfficialBody struct {
	AnsweringBody string `json:"answering_body"`
}

// apiAssignBody is the body of POST /api/v1/threads/:id/assign.
type apiAssignBody struct {
	Assignee string `json:"assignee"` // email address of an active pm user
}

func newAPIPMQuestion(t store.Thread, now time.Time) apiPMQuestion {
	out := apiPMQuestion{
		ID: t.ID, Title: t.Title, URL: t.URL(), TopicField: t.FieldSlug, Status: t.Status(), PMStatus: t.PMStatus,
		AskedAt: apiTime(t.CreatedAt), DueAt: apiTimeOrNull(t.PMDueAt), Overdue: t.Overdue(now), AnsweredAt: apiTimeOrNull(t.PMAnsweredAt),
	}
	if t.PMAssigneeName != "" {
		name := t.PMAssigneeName
		out.Assignee = &name
	}
	return out
}

// apiMarkOfficial serves POST /api/v1/posts/:id/official (pm users; others
// 403) and answers with the post. The body may be empty.
func (s *Server) apiMarkOfficial(c *gin.Context) {
	var in apiOfficialBody
	if c.Request.ContentLength != 0 && !s.decodeJSON(c, &in) {
		return
	}
	p, err := s.pm.MarkOfficial(c.Request.Context(), viewer(c), apiID(c), in.AnsweringBody)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, newAPIPost(p))
}

// apiPMQueue serves GET /api/v1/pm/queue?status=&topic_field=&overdue=1
// &page=&per_page= (pm users; others 403).
func (s *Server) apiPMQueue(c *gin.Context) {
	page, per, ok := apiPaging(c)
	if !ok {
		s.failStatus(c, http.StatusBadRequest, "error.bad_request")
		return
	}
	f := qa.QueueFilter{Status: c.Query("status"), FieldSlug: c.Query("topic_field")}
	switch c.Query("overdue") {
	case "", "0", "false":
	case "1", "true":
		f.Overdue = true
	default:
		s.failStatus(c, http.StatusBadRequest, "error.bad_request")
		return
	}
	now := time.Now()
	ts, total, err := s.pm.Queue(c.Request.Context(), viewer(c), f, now, per, (page-1)*per)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := apiPMQueue{Items: make([]apiPMQuestion, len(ts)), Total: total, Page: page, Pages: pageCount(total, per), PerPage: per}
	for i, t := range ts {
		out.Items[i] = newAPIPMQuestion(t, now)
	}
	s.writeJSON(c, http.StatusOK, out)
}

// apiAssignPM serves POST /api/v1/threads/:id/assign (pm users; others
// 403); an assignee who is not an active pm user is 422.
func (s *Server) apiAssignPM(c *gin.Context) {
	var in apiAssignBody
	if !s.decodeJSON(c, &in) {
		return
	}
	t, err := s.pm.AssignEmail(c.Request.Context(), viewer(c), apiID(c), in.Assignee)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, newAPIPMQuestion(t, time.Now()))
}
