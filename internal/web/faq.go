package web

// FAQ pages: the global overview, a topic field's FAQ, an entry with its
// sources, the moderators' forms (new, edit, promote an answer), the state
// and order buttons and the revision history with diffs. The rules are in
// package faq; the JSON side is api_faq.go. The thread page shows what
// became FAQ through templates/partials/faq.html.

import (
	"html/template"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/faq"
	"kommunalforum/internal/store"
)

type faqOverviewPage struct {
	Base
	Groups []store.FAQFieldGroup
}

// faqOverview serves GET /faq: the published entries of every topic field.
func (s *Server) faqOverview(c *gin.Context) {
	groups, err := s.db.FAQOverview(c.Request.Context(), reader(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	title := s.t(c, "faq.overview.title")
	s.render(c, http.StatusOK, "faq_overview", faqOverviewPage{Base: s.base(c, title, Crumb{Label: title}), Groups: groups})
}

// faqEntryView is an entry as a list shows it, with its rendered answer
// and whether it can move up or down.
type faqEntryView struct {
	store.FAQEntry
	HTML           template.HTML // sanitised by markup.Render when stored
	CanUp, CanDown bool
}

type faqFieldPage struct {
	Base
	Field     store.TopicField
	Entries   []faqEntryView // in order; drafts and entries to review only for managers
	Archived  []faqEntryView // managers only
	CanManage bool
	Return    string // this page, where the buttons lead back
}

// fieldFAQ serves GET /themenfeld/:slug/faq: the field's published entries
// in order; its moderators also see drafts, entries to review and the
// archive, with the buttons to manage them.
func (s *Server) fieldFAQ(c *gin.Context) {
	u := viewer(c)
	f, entries, err := s.faq.Field(c.Request.Context(), u, c.Param("slug"))
	if err != nil {
		s.fail(c, err)
		return
	}
	p := faqFieldPage{CanManage: faq.CanManage(u, f.ID), Field: f, Return: "/themenfeld/" + f.Slug + "/faq"}
	for _, e := range entries {
		v := faqEntryView{FAQEntry: e, HTML: template.HTML(e.AnswerHTML)} // #nosec G203 -- sanitised by markup.Render (bluemonday) when stored
		if e.Archived() {
			p.Archived = append(p.Archived, v)
		} else {
			p.Entries = append(p.Entries, v)
		}
	}
	for i := range p.Entries {
		p.Entries[i].CanUp, p.Entries[i].CanDown = i > 0, i < len(p.Entries)-1
	}
	title := s.t(c, "faq.field.title", f.Name)
	p.Base = s.base(c, title, Crumb{Label: f.Name, URL: "/themenfeld/" + f.Slug}, Crumb{Label: s.t(c, "faq.nav")})
	s.render(c, http.StatusOK, "faq_field", p)
}

type faqEntryPage struct {
	Base
	Entry     store.FAQEntry
	HTML      template.HTML
	CanManage bool
}

// showFAQ serves GET /faq/:id: one entry with its sources and review date.
// An entry that is not published is for the field's moderators only (404).
func (s *Server) showFAQ(c *gin.Context) {
	u := viewer(c)
	e, err := s.faq.Entry(c.Request.Context(), u, paramID(c, "id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	b := s.base(c, e.Question, s.faqCrumbs(c, e, Crumb{Label: e.Question})...)
	b.NoIndex = !e.Published()
	s.render(c, http.StatusOK, "faq_entry", faqEntryPage{Base: b, Entry: e, HTML: template.HTML(e.AnswerHTML), CanManage: faq.CanManage(u, e.TopicFieldID)}) // #nosec G203 -- sanitised by markup.Render (bluemonday) when stored
}

// faqCrumbs leads from the entry's field to its FAQ and then to last.
func (s *Server) faqCrumbs(c *gin.Context, e store.FAQEntry, last ...Crumb) []Crumb {
	return append([]Crumb{
		{Label: e.FieldName, URL: "/themenfeld/" + e.FieldSlug},
		{Label: s.t(c, "faq.nav"), URL: "/themenfeld/" + e.FieldSlug + "/faq"},
	}, last...)
}

type faqFormPage struct {
	Base
	Form   Form
	Entry  store.FAQEntry     // zero on the new-entry form
	Fields []store.TopicField // the fields the user manages (new-entry form)
}

// newFAQForm serves GET /faq/neu?themenfeld=slug: an entry from scratch,
// in one of the fields the user moderates.
func (s *Server) newFAQForm(c *gin.Context) {
	s.renderNewFAQ(c, Form{}.Set("topic_field", c.Query("themenfeld")), http.StatusOK)
}

func (s *Server) renderNewFAQ(c *gin.Context, form Form, status int) {
	all, err := s.db.TopicFields(c.Request.Context(), reader(c), false)
	if err != nil {
		s.fail(c, err)
		return
	}
	var fields []store.TopicField
	for _, f := range all {
		if faq.CanManage(viewer(c), f.ID) {
			fields = append(fields, f)
		}
	}
	if len(fields) == 0 {
		s.failStatus(c, http.StatusForbidden, "error.forbidden")
		return
	}
	title := s.t(c, "faq.form.new_title")
	crumbs := []Crumb{{Label: s.t(c, "faq.overview.title"), URL: "/faq"}, {Label: title}}
	for _, f := range fields {
		if f.Slug == form.Values["topic_field"] {
			crumbs = []Crumb{{Label: f.Name, URL: "/themenfeld/" + f.Slug}, {Label: s.t(c, "faq.nav"), URL: "/themenfeld/" + f.Slug + "/faq"}, {Label: title}}
		}
	}
	b := s.base(c, title, crumbs...)
	b.NoIndex = true
	s.render(c, status, "faq_form", faqFormPage{Base: b, Form: form, Fields: fields})
}

// createFAQ serves POST /faq/neu.
func (s *Server) createFAQ(c *gin.Context) {
	form := newForm(c, "topic_field", "question", "answer", "review_by", "publish")
	v := form.Values
	e, err := s.faq.Create(c.Request.Context(), viewer(c), v["topic_field"],
		faq.Input{Question: v["question"], Answer: v["answer"], ReviewBy: v["review_by"]}, v["publish"] == "1")
	if ve, ok := asValidation(err); ok {
		s.renderNewFAQ(c, s.withErrors(c, form, ve), http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.faq_created")
	c.Redirect(http.StatusSeeOther, e.URL())
}

// promoteToFAQ serves POST /beitrag/:id/in-faq: the accepted or official
// answer becomes a draft entry, whose form opens next for a last look.
// An answer promoted before leads to its entry.
func (s *Server) promoteToFAQ(c *gin.Context) {
	ctx := c.Request.Context()
	postID := paramID(c, "id")
	e, err := s.faq.Promote(ctx, viewer(c), postID, false)
	if ve, ok := asValidation(err); ok {
		m := ve.Fields["from_post"]
		if m.Key == "faq.error.already_promoted" {
			if old, err := s.db.FAQEntryBySourcePost(ctx, postID); err == nil {
				s.setFlash(c, "flash.faq_already_promoted")
				c.Redirect(http.StatusSeeOther, old.URL())
				return
			}
		}
		s.renderError(c, http.StatusUnprocessableEntity, m.Key)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.faq_promoted")
	c.Redirect(http.StatusSeeOther, e.URL()+"/bearbeiten")
}

// editFAQForm serves GET /faq/:id/bearbeiten.
func (s *Server) editFAQForm(c *gin.Context) {
	e, err := s.faq.Manage(c.Request.Context(), viewer(c), paramID(c, "id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	form := Form{}.Set("question", e.Question).Set("answer", e.Answer)
	if !e.ReviewBy.IsZero() {
		form = form.Set("review_by", e.ReviewBy.Format(time.DateOnly))
	}
	s.renderEditFAQ(c, e, form, http.StatusOK)
}

func (s *Server) renderEditFAQ(c *gin.Context, e store.FAQEntry, form Form, status int) {
	title := s.t(c, "faq.form.edit_title")
	b := s.base(c, title, s.faqCrumbs(c, e, Crumb{Label: e.Question, URL: e.URL()}, Crumb{Label: title})...)
	b.NoIndex = true
	s.render(c, status, "faq_form", faqFormPage{Base: b, Form: form, Entry: e})
}

// editFAQ serves POST /faq/:id/bearbeiten: saves a new version and, when
// the box is ticked, publishes the entry.
func (s *Server) editFAQ(c *gin.Context) {
	ctx := c.Request.Context()
	u := viewer(c)
	form := newForm(c, "question", "answer", "review_by", "publish")
	v := form.Values
	e, err := s.faq.Update(ctx, u, paramID(c, "id"), faq.Input{Question: v["question"], Answer: v["answer"], ReviewBy: v["review_by"]})
	if ve, ok := asValidation(err); ok {
		e, err := s.faq.Manage(ctx, u, paramID(c, "id"))
		if err != nil {
			s.fail(c, err)
			return
		}
		s.renderEditFAQ(c, e, s.withErrors(c, form, ve), http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	flash := "flash.faq_saved"
	if v["publish"] == "1" && !e.Published() {
		if e, err = s.faq.SetState(ctx, u, e.ID, store.FAQPublished); err != nil {
			s.fail(c, err)
			return
		}
		flash = "flash.faq_published"
	}
	s.setFlash(c, flash)
	c.Redirect(http.StatusSeeOther, e.URL())
}

// faqStateFlash is the notice after each state change.
var faqStateFlash = map[string]string{
	store.FAQPublished: "flash.faq_published",
	store.FAQDraft:     "flash.faq_unpublished",
	store.FAQArchived:  "flash.faq_archived",
}

// publishFAQ, unpublishFAQ and archiveFAQ serve POST
// /faq/:id/veroeffentlichen, /zurueckziehen and /archivieren (weiter: the
// page to return to; the entry by default).
func (s *Server) publishFAQ(c *gin.Context)   { s.setFAQState(c, store.FAQPublished) }
func (s *Server) unpublishFAQ(c *gin.Context) { s.setFAQState(c, store.FAQDraft) }
func (s *Server) archiveFAQ(c *gin.Context)   { s.setFAQState(c, store.FAQArchived) }

func (s *Server) setFAQState(c *gin.Context, state string) {
	e, err := s.faq.SetState(c.Request.Context(), viewer(c), paramID(c, "id"), state)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, faqStateFlash[state])
	backTo(c, e.URL())
}

// moveFAQ serves POST /faq/:id/hoch and /runter (weiter: the page to
// return to; the field's FAQ by default).
func (s *Server) moveFAQ(delta int) gin.HandlerFunc {
	return func(c *gin.Context) {
		e, err := s.faq.Move(c.Request.Context(), viewer(c), paramID(c, "id"), delta)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.setFlash(c, "flash.faq_moved")
		backTo(c, "/themenfeld/"+e.FieldSlug+"/faq")
	}
}

type faqVersionsPage struct {
	Base
	Entry    store.FAQEntry
	Versions []faqVersionView // newest first
}

// faqVersionView is one saved version with what changed against the one
// before it (nothing for the first).
type faqVersionView struct {
	store.FAQRevision
	First          bool
	Current        bool
	QuestionDiff   []faq.DiffLine
	AnswerDiff     []faq.DiffLine
	QuestionChange bool
	AnswerChange   bool
}

// faqVersions serves GET /faq/:id/versionen: every version, newest first,
// each with a line diff against its predecessor (moderators of the field).
func (s *Server) faqVersions(c *gin.Context) {
	e, revs, err := s.faq.Revisions(c.Request.Context(), viewer(c), paramID(c, "id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	views := make([]faqVersionView, len(revs))
	for i, r := range revs {
		v := faqVersionView{FAQRevision: r, First: i == 0, Current: i == len(revs)-1}
		if i == 0 {
			v.QuestionDiff, v.AnswerDiff = faq.Diff("", r.Question), faq.Diff("", r.Answer)
		} else {
			prev := revs[i-1]
			v.QuestionDiff, v.AnswerDiff = faq.Diff(prev.Question, r.Question), faq.Diff(prev.Answer, r.Answer)
			v.QuestionChange, v.AnswerChange = prev.Question != r.Question, prev.Answer != r.Answer
		}
		views[len(revs)-1-i] = v
	}
	title := s.t(c, "faq.versions.title")
	b := s.base(c, title, s.faqCrumbs(c, e, Crumb{Label: e.Question, URL: e.URL()}, Crumb{Label: title})...)
	b.NoIndex = true
	s.render(c, http.StatusOK, "faq_versions", faqVersionsPage{Base: b, Entry: e, Versions: views})
}

// faqPostAction is what the "faq-post-actions" partial shows under an
// answer: the entry it became, or the promote button for moderators.
type faqPostAction struct {
	PostID     int64
	CanPromote bool
	Entry      store.FAQEntry // zero unless the answer is a source of an entry the viewer sees
}

// FAQPost is called by the thread template for each post (the page holds
// FAQEntries, filled by renderThread).
func (p threadPage) FAQPost(v postView) faqPostAction {
	a := faqPostAction{PostID: v.ID}
	for _, e := range p.FAQEntries {
		if e.SourcePostID == v.ID {
			a.Entry = e
			return a
		}
	}
	a.CanPromote = faq.CanPromote(p.User, p.Thread, v.Post)
	return a
}
