package web

// The FAQ additions to /api/v1 (docs/API.md). They call the same package
// faq functions as the pages in faq.go. Reading is public and shows
// published entries only; the field's moderators (and admins) also see and
// change drafts, entries to review and archived ones. Everyone else gets
// 403 for what they may read and 404 for what they may not.
//
//	GET   /api/v1/faqs?topic_field=slug  the field's entries in order (its moderators also get
//	                                     the other states, archived last); without
//	                                     topic_field the published entries of all fields
//	GET   /api/v1/faqs/{id}
//	POST  /api/v1/faqs                   {"topic_field", "question", "answer", "review_by"?, "publish"?}
//	                                     or {"from_post": N, "publish"?}: a draft unless publish
//	PATCH /api/v1/faqs/{id}              any of {"question", "answer", "review_by", "state", "position"}

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/faq"
	"kommunalforum/internal/input"
	"kommunalforum/internal/store"
)

// apiFAQEntry is an entry as every FAQ endpoint returns it.
type apiFAQEntry struct {
	ID             int64   `json:"id"`
	TopicField     string  `json:"topic_field"` // slug
	Question       string  `json:"question"`
	Answer         string  `json:"answer"`      // Markdown as written
	AnswerHTML     string  `json:"answer_html"` // sanitised when stored
	State          string  `json:"state"`       // draft, published, needs_review or archived
	Position       int     `json:"position"`    // 1-based order in the field; 0 when archived
	Owner          string  `json:"owner"`       // display name of the responsible moderator
	ReviewBy       *string `json:"review_by"`   // "2006-01-02"; null when none is set
	SourceThreadID *int64  `json:"source_thread_id"`
	SourcePostID   *int64  `json:"source_post_id"`
	URL            string  `json:"url"`
	Version        int     `json:"version"`
	UpdatedAt      string  `json:"updated_at"`
	PublishedAt    *string `json:"published_at"`
}

// apiNewFAQ is the body of POST /api/v1/faqs: either an entry from scratch
// (topic_field, question, answer, review_by) or from_post, the ID of an
// accepted or official answer to promote.
type apiNewFAQ struct {
	TopicField string `json:"topic_field"`
	Question   string `json:"question"`
	Answer     string `json:"answer"`
	ReviewBy   string `json:"review_by"`
	FromPost   int64  `json:"from_post"`
	Publish    bool   `json:"publish"`
}

// apiFAQPatch is the body of PATCH /api/v1/faqs/:id; absent fields stay as
// they are. review_by null or "" clears the date; state moves the entry
// (draft withdraws it, archived takes it out of the order); position
// places it among the field's entries that are not archived (1 = first,
// past the end = last). Everything is checked before anything is saved.
type apiFAQPatch struct {
	Question *string     `json:"question"`
	Answer   *string     `json:"answer"`
	ReviewBy optionalStr `json:"review_by"`
	State    *string     `json:"state"`
	Position *int        `json:"position"`
}

// optionalStr tells an absent JSON field (Set false) from null (Set true,
// Value "").
type optionalStr struct {
	Set   bool
	Value string
}

func (o *optionalStr) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

func newAPIFAQEntry(e store.FAQEntry) apiFAQEntry {
	out := apiFAQEntry{
		ID: e.ID, TopicField: e.FieldSlug, Question: e.Question, Answer: e.Answer, AnswerHTML: e.AnswerHTML,
		State: e.State, Position: e.Position, Owner: e.OwnerName, SourceThreadID: idOrNull(e.SourceThreadID),
		SourcePostID: idOrNull(e.SourcePostID), URL: e.URL(), Version: e.Version, UpdatedAt: apiTime(e.UpdatedAt),
		PublishedAt: apiTimeOrNull(e.PublishedAt),
	}
	if !e.ReviewBy.IsZero() {
		d := e.ReviewBy.Format(time.DateOnly)
		out.ReviewBy = &d
	}
	return out
}

func newAPIFAQEntries(es []store.FAQEntry) []apiFAQEntry {
	out := make([]apiFAQEntry, len(es)) // [] rather than null when empty
	for i, e := range es {
		out[i] = newAPIFAQEntry(e)
	}
	return out
}

// apiFAQs serves GET /api/v1/faqs?topic_field=slug.
func (s *Server) apiFAQs(c *gin.Context) {
	ctx := c.Request.Context()
	slug, ok := c.GetQuery("topic_field")
	if !ok {
		groups, err := s.db.FAQOverview(ctx, reader(c))
		if err != nil {
			s.fail(c, err)
			return
		}
		var es []store.FAQEntry
		for _, g := range groups {
			es = append(es, g.Entries...)
		}
		s.writeJSON(c, http.StatusOK, newAPIFAQEntries(es))
		return
	}
	_, es, err := s.faq.Field(ctx, viewer(c), slug)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, newAPIFAQEntries(es))
}

// apiFAQ serves GET /api/v1/faqs/:id.
func (s *Server) apiFAQ(c *gin.Context) {
	e, err := s.faq.Entry(c.Request.Context(), viewer(c), apiID(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, newAPIFAQEntry(e))
}

// apiCreateFAQ serves POST /api/v1/faqs and answers 201 with the entry.
func (s *Server) apiCreateFAQ(c *gin.Context) {
	var in apiNewFAQ
	if !s.decodeJSON(c, &in) {
		return
	}
	ctx := c.Request.Context()
	var e store.FAQEntry
	var err error
	if in.FromPost != 0 {
		if in.TopicField != "" || in.Question != "" || in.Answer != "" || in.ReviewBy != "" {
			var ch input.Checker
			ch.Add("from_post", "faq.error.from_post_alone")
			s.fail(c, ch.Err())
			return
		}
		e, err = s.faq.Promote(ctx, viewer(c), in.FromPost, in.Publish)
	} else {
		e, err = s.faq.Create(ctx, viewer(c), in.TopicField, faq.Input{Question: in.Question, Answer: in.Answer, ReviewBy: in.ReviewBy}, in.Publish)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", e.URL())
	s.writeJSON(c, http.StatusCreated, newAPIFAQEntry(e))
}

// apiPatchFAQ serves PATCH /api/v1/faqs/:id (see apiFAQPatch).
func (s *Server) apiPatchFAQ(c *gin.Context) {
	var in apiFAQPatch
	if !s.decodeJSON(c, &in) {
		return
	}
	p := faq.Patch{Question: in.Question, Answer: in.Answer, State: in.State, Position: in.Position}
	if in.ReviewBy.Set {
		p.ReviewBy = &in.ReviewBy.Value
	}
	e, err := s.faq.Patch(c.Request.Context(), viewer(c), apiID(c), p)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, newAPIFAQEntry(e))
}
