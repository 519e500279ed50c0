package web

// Questions and answers on the HTML side: the overall question list with
// its filters, votes, accepting an answer, closing a question as a
// duplicate, and what the thread and profile pages add for questions. The
// JSON side is api_qa.go; both call package qa.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/qa"
	"kommunalforum/internal/store"
)

// listFilters are the filter tabs of thread lists, in display order.
var listFilters = []string{store.FilterAll, store.FilterQuestions, store.FilterUnanswered, store.FilterSolved}

// filterTab is one link of the "thread-filters" partial.
type filterTab struct {
	Filter  string // store.Filter*; the label is qa.filter.<Filter>
	URL     string
	Current bool
}

// filterParam reads ?filter=; anything unknown means def, so no user text
// reaches the store.
func filterParam(c *gin.Context, def string) string {
	if f := c.Query("filter"); slices.Contains(listFilters, f) {
		return f
	}
	return def
}

// filterURL is base showing filter; the page's default filter needs no parameter.
func filterURL(base, filter, def string) string {
	if filter == def {
		return base
	}
	return base + "?filter=" + filter
}

// filterTabs builds the tabs of a list at base with current selected.
func filterTabs(base, current, def string) []filterTab {
	tabs := make([]filterTab, len(listFilters))
	for i, f := range listFilters {
		tabs[i] = filterTab{Filter: f, URL: filterURL(base, f, def), Current: f == current}
	}
	return tabs
}

type questionsPage struct {
	Base
	Threads    []store.Thread
	Total      int
	Filters    []filterTab
	Filter     string
	Pagination pagination
	CanCreate  bool
}

// questions serves GET /fragen?filter=...: questions from all active topic
// fields (the "Alle" tab adds discussions), newest activity first.
func (s *Server) questions(c *gin.Context) {
	ctx := c.Request.Context()
	const base = "/fragen"
	filter := filterParam(c, store.FilterQuestions)
	per := s.opt.ThreadsPerPage
	page := pageParam(c)
	threads, total, err := s.db.ThreadsFiltered(ctx, reader(c), store.ThreadFilter{Filter: filter}, per, (page-1)*per)
	if err != nil {
		s.fail(c, err)
		return
	}
	pages := pageCount(total, per)
	if page > pages {
		s.failStatus(c, http.StatusNotFound, "error.not_found")
		return
	}
	title := s.t(c, "qa.questions.title")
	s.render(c, http.StatusOK, "questions", questionsPage{
		Base: s.base(c, title, Crumb{Label: title}), Threads: threads, Total: total,
		Filters: filterTabs(base, filter, store.FilterQuestions), Filter: filter,
		Pagination: paginate(filterURL(base, filter, store.FilterQuestions), page, pages), CanCreate: auth.CanWrite(viewer(c)),
	})
}

// questionExtras adds what a question's page shows beyond a discussion:
// the viewer's votes, the canonical question of a duplicate and the
// moderators' and asker's tools.
func (s *Server) questionExtras(c *gin.Context, p *threadPage) error {
	ctx := c.Request.Context()
	u, t := viewer(c), p.Thread
	p.CanChooseAnswer = auth.CanChooseAnswer(u, t)
	p.CanCloseDuplicate = auth.CanCloseDuplicate(u, t)
	if t.DuplicateOf != 0 {
		canonical, err := s.db.ThreadFor(ctx, auth.ReaderOf(u), t.DuplicateOf)
		switch {
		case err == nil:
			p.Canonical = canonical
		case !errors.Is(err, store.ErrNotFound): // a deleted canonical question just loses its link
			return err
		}
	}
	if u == nil {
		return nil
	}
	ids := make([]int64, len(p.Posts))
	for i, v := range p.Posts {
		ids[i] = v.ID
	}
	votes, err := s.db.MyVotes(ctx, u.ID, ids)
	if err != nil {
		return err
	}
	for i := range p.Posts {
		p.Posts[i].MyVote = votes[p.Posts[i].ID]
	}
	return nil
}

// vote serves POST /beitrag/:id/abstimmen with value 1, -1 or 0.
func (s *Server) vote(c *gin.Context) {
	value, err := strconv.Atoi(c.PostForm("value"))
	if err != nil {
		s.failStatus(c, http.StatusBadRequest, "error.bad_request")
		return
	}
	id := paramID(c, "id")
	if _, err := s.qa.Vote(c.Request.Context(), viewer(c), id, value); err != nil {
		s.fail(c, err)
		return
	}
	if value == 0 {
		s.setFlash(c, "flash.qa_vote_withdrawn")
	} else {
		s.setFlash(c, "flash.qa_voted")
	}
	s.redirectToPost(c, id)
}

// acceptAnswer serves POST /t/:id/akzeptieren with post_id (0 withdraws
// the acceptance) and returns to the answer.
func (s *Server) acceptAnswer(c *gin.Context) {
	ctx := c.Request.Context()
	postID, err := strconv.ParseInt(c.PostForm("post_id"), 10, 64)
	if err != nil || postID < 0 {
		s.failStatus(c, http.StatusBadRequest, "error.bad_request")
		return
	}
	before, err := s.db.ThreadFor(ctx, auth.ReaderOf(viewer(c)), paramID(c, "id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.qa.Accept(ctx, viewer(c), before.ID, postID); err != nil {
		s.fail(c, err)
		return
	}
	switch {
	case postID != 0:
		s.setFlash(c, "flash.qa_accepted")
		s.redirectToPost(c, postID)
	case before.AcceptedPostID != 0:
		s.setFlash(c, "flash.qa_unaccepted")
		s.redirectToPost(c, before.AcceptedPostID)
	default:
		c.Redirect(http.StatusSeeOther, before.URL())
	}
}

// closeDuplicate serves POST /t/:id/duplikat with canonical: the ID or the
// address of the question this one duplicates.
func (s *Server) closeDuplicate(c *gin.Context) {
	ctx := c.Request.Context()
	form := newForm(c, "canonical")
	t, err := s.db.ThreadFor(ctx, auth.ReaderOf(viewer(c)), paramID(c, "id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	// Checked before parsing, so only moderators ever see the form's errors.
	if !auth.CanCloseDuplicate(viewer(c), t) {
		s.fail(c, auth.ErrForbidden)
		return
	}
	canonical, err := qa.ParseThreadRef("canonical", form.Values["canonical"])
	if err == nil {
		_, err = s.qa.CloseDuplicate(ctx, viewer(c), t.ID, canonical)
	}
	if ve, ok := asValidation(err); ok {
		p, ok := s.threadPage(c, t, 1, newForm(c))
		if ok {
			p.Duplicate = s.withErrors(c, form, ve)
			s.render(c, http.StatusUnprocessableEntity, "thread", p)
		}
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.qa_duplicate_closed")
	c.Redirect(http.StatusSeeOther, t.URL())
}

// reopenQuestion serves POST /t/:id/wiedereroeffnen: a duplicate takes answers again.
func (s *Server) reopenQuestion(c *gin.Context) {
	t, err := s.qa.CloseDuplicate(c.Request.Context(), viewer(c), paramID(c, "id"), 0)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.qa_reopened")
	c.Redirect(http.StatusSeeOther, t.URL())
}

// profileQA is the questions-and-answers part of a profile: figures, not points.
type profileQA struct {
	QuestionCount int
	AnswerCount   int
	AcceptedCount int // answers accepted as the solution
	Questions     []store.Thread
	Answers       []store.Answer
}

// profileLimit bounds the lists on a profile page.
const profileLimit = 20

func (s *Server) profileQA(ctx context.Context, v store.Viewer, userID int64) (profileQA, error) {
	var p profileQA
	var err error
	p.QuestionCount, p.AnswerCount, p.AcceptedCount, err = s.db.UserQAStats(ctx, v, userID)
	if err != nil {
		return p, err
	}
	p.Questions, _, err = s.db.ThreadsFiltered(ctx, v, store.ThreadFilter{AuthorID: userID, Filter: store.FilterQuestions}, profileLimit, 0)
	if err != nil {
		return p, fmt.Errorf("questions of user %d: %w", userID, err)
	}
	p.Answers, err = s.db.AnswersByAuthor(ctx, v, userID, profileLimit)
	if err != nil {
		return p, fmt.Errorf("answers of user %d: %w", userID, err)
	}
	return p, nil
}
