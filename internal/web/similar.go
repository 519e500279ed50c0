package web

// Similar questions, so that fewer questions are asked twice: assets/js/similar.js
// asks GET /api/v1/similar while a new thread's title is typed, and without
// JavaScript the preview step of the new-thread form shows the same list.
// Both call store.SimilarQuestions.

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/forum"
	"kommunalforum/internal/input"
	"kommunalforum/internal/markup"
	"kommunalforum/internal/store"
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
		ts, err := s.db.SimilarQuestions(c.Request.Context(), title, similarLimit)
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
	ve, err := s.checkNewThread(ctx, u, form)
	if err != nil {
		s.fail(c, err)
		return
	}
	if ve != nil {
		form = s.withErrors(c, form, ve)
	}
	similar, err := s.db.SimilarQuestions(ctx, form.Values["title"], similarLimit)
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

// checkNewThread runs the input checks of forum.CreateThread without
// creating anything and returns their findings (nil when all is well).
// It must stay in step with forum.CreateThread until forum offers a
// check-only call that both can use.
func (s *Server) checkNewThread(ctx context.Context, u *store.User, form Form) (*input.ValidationError, error) {
	var chk input.Checker
	kind := form.Values["kind"]
	if kind == "" {
		kind = store.KindDiscussion
	}
	chk.OneOf("kind", kind, store.Kinds)
	f, err := s.db.TopicFieldBySlug(ctx, form.Values["topic_field"])
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && !auth.CanCreateThread(u, f)):
		chk.Add("topic_field", "error.forum.topic_field")
	case err != nil:
		return nil, err
	}
	chk.Text("title", form.Values["title"], true, forum.MinTitle, forum.MaxTitle)
	chk.Multiline("body", form.Values["body"], true, forum.MinBody, forum.MaxBody)
	ve, _ := asValidation(chk.Err())
	return ve, nil
}

// newThreadData builds the new-thread page as renderNewThread does, for the
// preview to add to.
func (s *Server) newThreadData(c *gin.Context, form Form) (newThreadPage, error) {
	fields, err := s.db.TopicFields(c.Request.Context(), false)
	if err != nil {
		return newThreadPage{}, err
	}
	title := s.t(c, "forum.new_thread.title")
	crumbs := []Crumb{{Label: title}}
	for _, f := range fields {
		if f.Slug == form.Values["topic_field"] {
			crumbs = []Crumb{{Label: f.Name, URL: "/themenfeld/" + f.Slug}, {Label: title}}
		}
	}
	b := s.base(c, title, crumbs...)
	b.NoIndex = true
	return newThreadPage{Base: b, Form: form, Fields: fields, Kinds: store.Kinds}, nil
}
