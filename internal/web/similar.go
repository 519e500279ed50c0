package web

// Similar questions, so that fewer questions are asked twice: assets/js/similar.js
// asks GET /api/v1/similar while a new thread's title is typed, and without
// JavaScript the preview step of the new-thread form shows the same list.
// Both call similarQuestions, which asks the search index (search.Similar).

import (
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
		ts, err := s.similarQuestions(c, title)
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
	similar, err := s.similarQuestions(c, form.Values["title"])
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.newThreadData(c, form)
	if err != nil {
		s.fail(c, err)
		return
	}
	p.Preview = template.HTML(markup.Render(form.Values["body"])) // #nosec G203 -- sanitised by markup.Render (bluemonday)
	p.Similar = similar
	s.render(c, http.StatusOK, "thread_new", p)
}

// similarQuestions returns up to similarLimit questions, member and PM
// questions alike, whose titles share words with title (stemmed, umlauts
// folded, also as the end of a compound: "Gebühr" finds
// "Verwaltungsgebühren"), in active topic fields the reader may see, best
// first.
func (s *Server) similarQuestions(c *gin.Context, title string) ([]store.Thread, error) {
	if utf8.RuneCountInString(title) < similarMinTitle {
		return nil, nil
	}
	ctx := c.Request.Context()
	v := reader(c)
	if s.opt.Search == nil {
		return nil, nil // a server without an index (some tests) suggests nothing
	}
	fields, err := s.db.TopicFields(ctx, v, false)
	if err != nil {
		return nil, err
	}
	all, err := s.db.TopicFields(ctx, store.Viewer{AllFields: true}, true)
	if err != nil {
		return nil, err
	}
	docs, err := s.opt.Search.Similar(ctx, v, fields, all, title, similarLimit)
	if err != nil {
		return nil, err
	}
	var out []store.Thread
	for _, d := range docs {
		t, err := s.db.ThreadFor(ctx, v, d.ThreadID)
		if errors.Is(err, store.ErrNotFound) {
			continue // gone since it was indexed
		}
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}
