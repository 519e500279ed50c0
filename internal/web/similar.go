package web

// Similar questions, so that fewer questions are asked twice: assets/js/similar.js
// asks GET /api/v1/similar while a new thread's title is typed, and without
// JavaScript the preview step of the new-thread form shows the same list.
// Both call store.SimilarQuestions.

import (
	"html/template"
	"net/http"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/forum"
	"kommunalforum/internal/input"
	"kommunalforum/internal/markup"
)

// Bounds of the similar-questions lookup.
const (
	similarMinTitle = 3 // shorter titles get no suggestions
	similarLimit    = 5
)

// apiSimilarList answers GET /api/v1/similar.
type apiSimilarList struct {
	Items []apiSimilarQuestion `json:"items"`
}

// apiSimilarQuestion is one suggested question.
type apiSimilarQuestion struct {
	ID             int64  `json:"id"`
	Title          string `json:"title"`
	URL            string `json:"url"`
	TopicField     string `json:"topic_field"`
	TopicFieldName string `json:"topic_field_name"`
	Status         string `json:"status"`  // offen, beantwortet or geloest
	Answers        int    `json:"answers"` // visible answers, the question not counted
}

// apiSimilar serves GET /api/v1/similar?title=...: up to five questions whose
// titles resemble title. It is public and lists only what anyone may read.
// A title shorter than three characters gets an empty list; one that a new
// thread could not have (too long, control characters, invalid UTF-8) a 400.
func (s *Server) apiSimilar(c *gin.Context) {
	var chk input.Checker
	title := chk.Text("title", c.Query("title"), false, 0, forum.MaxTitle)
	if ve, ok := asValidation(chk.Err()); ok {
		s.problem(c, http.StatusBadRequest, "similar.error.title", s.fieldMessages(c, ve))
		return
	}
	out := apiSimilarList{Items: []apiSimilarQuestion{}} // [] rather than null when empty
	if utf8.RuneCountInString(title) >= similarMinTitle {
		ts, err := s.db.SimilarQuestions(c.Request.Context(), reader(c), title, similarLimit)
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, t := range ts {
			out.Items = append(out.Items, apiSimilarQuestion{ID: t.ID, Title: t.Title, URL: t.URL(),
				TopicField: t.FieldSlug, TopicFieldName: t.FieldName, Status: t.Status(), Answers: t.Replies()})
		}
	}
	// Suggestions follow the questions as they are answered; writeJSON marks
	// only answers to logged-in callers, but no cache should keep these either.
	c.Header("Cache-Control", "no-store")
	s.writeJSON(c, http.StatusOK, out)
}

// previewThread answers POST /neues-thema sent with the preview button
// (createThread hands over): the form again with everything typed, the body
// as it would be published and the similar questions. Nothing is stored.
// Input problems are shown as on a failed submission, but the preview
// renders anyway (status 200: the request itself succeeded).
func (s *Server) previewThread(c *gin.Context, form Form) {
	ctx := c.Request.Context()
	u := viewer(c)
	if !auth.CanWrite(u) {
		s.fail(c, auth.ErrForbidden)
		return
	}
	_, err := s.forum.CheckThread(ctx, u, form.Values["topic_field"], form.Values["kind"], form.Values["title"], form.Values["body"])
	if ve, ok := asValidation(err); ok {
		form = s.withErrors(c, form, ve)
	} else if err != nil {
		s.fail(c, err)
		return
	}
	similar, err := s.db.SimilarQuestions(ctx, reader(c), form.Values["title"], similarLimit)
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.newThreadData(c, form)
	if err != nil {
		s.fail(c, err)
		return
	}
	p.Preview = template.HTML(markup.Render(form.Values["body"]))
	p.Similar = similar
	s.render(c, http.StatusOK, "thread_new", p)
}
