package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/forum"
	"kommunalforum/internal/markup"
	"kommunalforum/internal/store"
)

type homePage struct {
	Base
	Fields    []store.TopicField
	Latest    []store.Thread
	CanCreate bool
}

// home serves GET /: the topic fields with counts and the latest threads.
func (s *Server) home(c *gin.Context) {
	ctx := c.Request.Context()
	fields, err := s.db.TopicFieldStats(ctx, reader(c), false)
	if err != nil {
		s.fail(c, err)
		return
	}
	latest, err := s.db.LatestThreads(ctx, reader(c), 10)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "home", homePage{Base: s.base(c, ""), Fields: fields, Latest: latest, CanCreate: auth.CanWrite(viewer(c))})
}

type fieldPage struct {
	Base
	Field      store.TopicField
	Threads    []store.Thread
	Total      int
	Filters    []filterTab // Alle / Fragen / Unbeantwortet / Gelöst
	Filter     string
	Pagination pagination
	CanCreate  bool
}

// showField serves GET /themenfeld/:slug?filter=...: the field's threads,
// newest activity first, optionally only questions, unanswered or solved ones.
func (s *Server) showField(c *gin.Context) {
	ctx := c.Request.Context()
	f, err := s.db.TopicFieldFor(ctx, reader(c), c.Param("slug"))
	if err != nil {
		s.fail(c, err)
		return
	}
	base := "/themenfeld/" + f.Slug
	filter := filterParam(c, store.FilterAll)
	per := s.opt.ThreadsPerPage
	page := pageParam(c)
	threads, total, err := s.db.ThreadsFiltered(ctx, reader(c), store.ThreadFilter{FieldID: f.ID, Filter: filter}, per, (page-1)*per)
	if err != nil {
		s.fail(c, err)
		return
	}
	pages := pageCount(total, per)
	if page > pages {
		s.failStatus(c, http.StatusNotFound, "error.not_found")
		return
	}
	s.render(c, http.StatusOK, "field", fieldPage{
		Base: s.base(c, f.Name, Crumb{Label: f.Name}), Field: f, Threads: threads, Total: total,
		Filters: filterTabs(base, filter, store.FilterAll), Filter: filter,
		Pagination: paginate(filterURL(base, filter, store.FilterAll), page, pages), CanCreate: auth.CanCreateThread(viewer(c), f),
	})
}

// postView is a post with what the viewer may do with it.
type postView struct {
	store.Post
	HTML      template.HTML // sanitised by markup.Render when stored
	CanEdit   bool
	CanDelete bool
	Quote     string // Markdown that the quote button inserts into the reply form

	CanVote         bool
	MyVote          int // the viewer's vote: -1, 0 or 1
	CanAccept       bool
	Accepted        bool
	CanMarkOfficial bool

	Mod modPost // flagging and the moderators' tools (moderation.go)
}

type threadPage struct {
	Base
	Thread     store.Thread
	Posts      []postView
	Pagination pagination
	Form       Form
	CanReply   bool
	CanLock    bool

	// Questions (filled by questionExtras in qa.go).
	Canonical         store.Thread // the question a duplicate points to; zero if none or gone
	CanChooseAnswer   bool         // asker or moderator: accept, change, withdraw
	CanCloseDuplicate bool
	Duplicate         Form // the moderators' "close as duplicate" form

	FAQEntries []store.FAQEntry // entries promoted from this thread that the viewer sees (faq.go)

	Watch string // the viewer's watch level, "" for none (notify.go)

	Mod modThread // the moderators' tools and notices (moderation.go)
}

// showThread serves GET /t/:id(-slug). A wrong or missing slug redirects to
// the canonical URL, so old links keep working after a title change.
func (s *Server) showThread(c *gin.Context) {
	ctx := c.Request.Context()
	t, err := s.db.ThreadFor(ctx, scope(c), paramID(c, "id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if c.Param("id") != fmt.Sprintf("%d-%s", t.ID, t.Slug) {
		target := t.URL()
		if q := c.Request.URL.RawQuery; q != "" {
			target += "?" + q
		}
		c.Redirect(http.StatusMovedPermanently, target)
		return
	}
	s.renderThread(c, t, pageParam(c), newForm(c), http.StatusOK)
}

// renderThread shows one page of a thread with the reply form (prefilled
// from form, or with a quote when ?zitat=ID names a post of this thread).
func (s *Server) renderThread(c *gin.Context, t store.Thread, page int, form Form, status int) {
	if p, ok := s.threadPage(c, t, page, form); ok {
		s.render(c, status, "thread", p)
	}
}

// threadPage builds the thread page; when it fails it has answered the
// request and returns false. Questions list their answers sorted (accepted
// first, then by votes); everything else in order of posting.
func (s *Server) threadPage(c *gin.Context, t store.Thread, page int, form Form) (threadPage, bool) {
	ctx := c.Request.Context()
	per := s.opt.PostsPerPage
	list := s.db.PostsFor
	if t.IsQuestion() {
		list = s.db.QuestionPostsFor
	}
	posts, total, err := list(ctx, scope(c), t.ID, per, (page-1)*per)
	if err != nil {
		s.fail(c, err)
		return threadPage{}, false
	}
	pages := pageCount(total, per)
	if page > pages {
		s.failStatus(c, http.StatusNotFound, "error.not_found")
		return threadPage{}, false
	}
	u := viewer(c)
	views := make([]postView, len(posts))
	for i, p := range posts {
		views[i] = postView{Post: p, HTML: template.HTML(p.BodyHTML), CanEdit: auth.CanEditPost(u, t, p), CanDelete: auth.CanDeletePost(u, t, p), // #nosec G203 -- sanitised by markup.Render (bluemonday) when stored
			CanVote: auth.CanVote(u, t, p), CanAccept: auth.CanAccept(u, t, p), Accepted: t.AcceptedPostID == p.ID,
			CanMarkOfficial: auth.CanMarkOfficial(u, t, p), Mod: s.modPost(u, t, p)}
		if auth.CanReply(u, t) && !p.Deleted() && !p.Hidden() {
			views[i].Quote = s.quote(c, p)
		}
	}
	if q, err := strconv.ParseInt(c.Query("zitat"), 10, 64); err == nil && form.Values["body"] == "" {
		if p, err := s.db.PostFor(ctx, auth.ReaderOf(u), q); err == nil && p.ThreadID == t.ID && !p.Deleted() && !p.Hidden() {
			form = form.Set("body", s.quote(c, p))
		}
	}
	p := threadPage{
		Base:       s.base(c, t.Title, Crumb{Label: t.FieldName, URL: "/themenfeld/" + t.FieldSlug}, Crumb{Label: t.Title}),
		Thread:     t,
		Posts:      views,
		Pagination: paginate(t.URL(), page, pages),
		Form:       form,
		CanReply:   auth.CanReply(u, t),
		CanLock:    auth.CanLock(u, t),
	}
	if p.Mod, err = s.modThread(c, t); err != nil {
		s.fail(c, err)
		return threadPage{}, false
	}
	if t.IsQuestion() {
		if err := s.questionExtras(c, &p); err != nil {
			s.fail(c, err)
			return threadPage{}, false
		}
	}
	if p.FAQEntries, err = s.faq.ThreadEntries(ctx, u, t); err != nil {
		s.fail(c, err)
		return threadPage{}, false
	}
	if err := s.threadWatch(c, &p); err != nil {
		s.fail(c, err)
		return threadPage{}, false
	}
	return p, true
}

// quote is the Markdown a reply starts with when quoting p.
func (s *Server) quote(c *gin.Context, p store.Post) string {
	return s.t(c, "forum.quote_attribution", p.AuthorName) + "\n\n" + markup.Quote(p.Body)
}

// reply serves POST /t/:id/antworten.
func (s *Server) reply(c *gin.Context) {
	ctx := c.Request.Context()
	form := newForm(c, "body")
	id, err := s.forum.Reply(ctx, viewer(c), paramID(c, "id"), form.Values["body"])
	if ve, ok := asValidation(err); ok {
		t, err := s.db.ThreadFor(ctx, scope(c), paramID(c, "id"))
		if err != nil {
			s.fail(c, err)
			return
		}
		s.renderThread(c, t, s.lastPage(c, t), s.withErrors(c, form, ve), http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	// The flash is the status message screen readers announce on arrival.
	if p, err := s.db.PostFor(ctx, scope(c), id); err == nil && p.Pending {
		s.setFlash(c, "flash.mod_reply_pending")
	} else {
		s.setFlash(c, "flash.reply_posted")
	}
	s.redirectToPost(c, id)
}

// lastPage is the number of the thread's last page of posts as the viewer
// sees it (a moderator or author may see posts others do not).
func (s *Server) lastPage(c *gin.Context, t store.Thread) int {
	_, total, err := s.db.PostsFor(c.Request.Context(), scope(c), t.ID, 0, 0)
	if err != nil {
		return 1
	}
	return pageCount(total, s.opt.PostsPerPage)
}

// postPermalink serves GET /beitrag/:id: the thread page holding the post.
func (s *Server) postPermalink(c *gin.Context) { s.redirectToPost(c, paramID(c, "id")) }

func (s *Server) redirectToPost(c *gin.Context, postID int64) {
	ctx := c.Request.Context()
	p, err := s.db.PostFor(ctx, scope(c), postID)
	if err != nil {
		s.fail(c, err)
		return
	}
	t, err := s.db.ThreadFor(ctx, scope(c), p.ThreadID)
	if err != nil {
		s.fail(c, err)
		return
	}
	// The place among the posts the viewer sees (questions sort their
	// answers), not p.Number: pending posts of others take no place on the page.
	pos, err := s.db.PostPositionFor(ctx, scope(c), t.ID, p.ID, t.IsQuestion())
	if err != nil {
		s.fail(c, err)
		return
	}
	target := t.URL()
	if page := (pos-1)/s.opt.PostsPerPage + 1; page > 1 {
		target += fmt.Sprintf("?seite=%d", page)
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("%s#beitrag-%d", target, p.ID))
}

type newThreadPage struct {
	Base
	Form   Form
	Fields []store.TopicField
	Kinds  []string
	// Set on the preview step only (previewThread in similar.go).
	Preview template.HTML
	Similar []store.Thread
}

// newThreadForm serves GET /neues-thema?themenfeld=slug&art=kind.
func (s *Server) newThreadForm(c *gin.Context) {
	s.renderNewThread(c, Form{}.Set("topic_field", c.Query("themenfeld")).Set("kind", c.Query("art")), http.StatusOK)
}

func (s *Server) renderNewThread(c *gin.Context, form Form, status int) {
	p, err := s.newThreadData(c, form)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, "thread_new", p)
}

// newThreadData builds the new-thread page; the preview step adds to it.
func (s *Server) newThreadData(c *gin.Context, form Form) (newThreadPage, error) {
	fields, err := s.db.TopicFields(c.Request.Context(), reader(c), false)
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

// createThread serves POST /neues-thema.
func (s *Server) createThread(c *gin.Context) {
	form := newForm(c, "topic_field", "kind", "title", "body")
	if c.PostForm("vorschau") != "" {
		s.previewThread(c, form)
		return
	}
	t, _, err := s.forum.CreateThread(c.Request.Context(), viewer(c), form.Values["topic_field"], form.Values["kind"], form.Values["title"], form.Values["body"])
	if ve, ok := asValidation(err); ok {
		s.renderNewThread(c, s.withErrors(c, form, ve), http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if t.Pending {
		s.setFlash(c, "flash.mod_thread_pending")
	} else {
		s.setFlash(c, "flash.thread_created")
	}
	c.Redirect(http.StatusSeeOther, t.URL())
}

type editPostPage struct {
	Base
	Thread store.Thread
	Post   store.Post
	Form   Form
}

// postAndThread loads a post and its thread for the post pages, as the
// viewer sees them.
func (s *Server) postAndThread(c *gin.Context) (store.Post, store.Thread, bool) {
	ctx := c.Request.Context()
	p, err := s.db.PostFor(ctx, scope(c), paramID(c, "id"))
	if err != nil {
		s.fail(c, err)
		return p, store.Thread{}, false
	}
	t, err := s.db.ThreadFor(ctx, scope(c), p.ThreadID)
	if err != nil {
		s.fail(c, err)
		return p, t, false
	}
	return p, t, true
}

// editPostForm serves GET /beitrag/:id/bearbeiten.
func (s *Server) editPostForm(c *gin.Context) {
	p, t, ok := s.postAndThread(c)
	if !ok {
		return
	}
	if !auth.CanEditPost(viewer(c), t, p) {
		s.fail(c, s.editRefusal(viewer(c), t, p))
		return
	}
	s.renderEditPost(c, t, p, Form{}.Set("body", p.Body), http.StatusOK)
}

// editRefusal explains why a post cannot be edited: a locked thread is
// said as such to its author, anything else is forbidden.
func (s *Server) editRefusal(u *store.User, t store.Thread, p store.Post) error {
	if u != nil && t.Locked && p.AuthorID == u.ID {
		return forum.ErrLocked
	}
	if p.Deleted() {
		return store.ErrNotFound
	}
	return auth.ErrForbidden
}

func (s *Server) renderEditPost(c *gin.Context, t store.Thread, p store.Post, form Form, status int) {
	title := s.t(c, "forum.edit.title")
	b := s.base(c, title, Crumb{Label: t.FieldName, URL: "/themenfeld/" + t.FieldSlug}, Crumb{Label: t.Title, URL: t.URL()}, Crumb{Label: title})
	b.NoIndex = true
	s.render(c, status, "post_edit", editPostPage{Base: b, Thread: t, Post: p, Form: form})
}

// editPost serves POST /beitrag/:id/bearbeiten.
func (s *Server) editPost(c *gin.Context) {
	form := newForm(c, "body")
	p, err := s.forum.EditPost(c.Request.Context(), viewer(c), paramID(c, "id"), form.Values["body"])
	if ve, ok := asValidation(err); ok {
		p, t, ok := s.postAndThread(c)
		if ok {
			s.renderEditPost(c, t, p, s.withErrors(c, form, ve), http.StatusUnprocessableEntity)
		}
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.post_edited")
	s.redirectToPost(c, p.ID)
}

// deletePostForm serves GET /beitrag/:id/loeschen: a confirmation page, so
// deleting works without JavaScript and never happens by a stray click.
func (s *Server) deletePostForm(c *gin.Context) {
	p, t, ok := s.postAndThread(c)
	if !ok {
		return
	}
	if !auth.CanDeletePost(viewer(c), t, p) {
		s.fail(c, s.editRefusal(viewer(c), t, p))
		return
	}
	title := s.t(c, "forum.delete.title")
	b := s.base(c, title, Crumb{Label: t.FieldName, URL: "/themenfeld/" + t.FieldSlug}, Crumb{Label: t.Title, URL: t.URL()}, Crumb{Label: title})
	b.NoIndex = true
	s.render(c, http.StatusOK, "post_delete", editPostPage{Base: b, Thread: t, Post: p})
}

// deletePost serves POST /beitrag/:id/loeschen.
func (s *Server) deletePost(c *gin.Context) {
	p, err := s.forum.DeletePost(c.Request.Context(), viewer(c), paramID(c, "id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.post_deleted")
	s.redirectToPost(c, p.ID)
}

type revisionsPage struct {
	Base
	Thread    store.Thread
	Post      store.Post
	Current   template.HTML
	Revisions []revisionView
}

type revisionView struct {
	store.Revision
	HTML template.HTML
}

// postRevisions serves GET /beitrag/:id/versionen: every earlier version,
// newest first, so edits stay transparent.
func (s *Server) postRevisions(c *gin.Context) {
	p, t, ok := s.postAndThread(c)
	if !ok {
		return
	}
	if !auth.CanSeeRevisions(viewer(c), t, p) {
		s.failStatus(c, http.StatusNotFound, "error.not_found")
		return
	}
	revs, err := s.db.PostRevisions(c.Request.Context(), p.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	views := make([]revisionView, len(revs))
	for i, r := range revs {
		views[len(revs)-1-i] = revisionView{Revision: r, HTML: template.HTML(markup.Render(r.Body))} // #nosec G203 -- sanitised by markup.Render (bluemonday)
	}
	title := s.t(c, "forum.revisions.title")
	b := s.base(c, title, Crumb{Label: t.FieldName, URL: "/themenfeld/" + t.FieldSlug}, Crumb{Label: t.Title, URL: t.URL()}, Crumb{Label: title})
	b.NoIndex = true
	current := template.HTML(p.BodyHTML) // #nosec G203 -- sanitised by markup.Render (bluemonday) when stored
	if p.Deleted() {
		current = ""
	}
	s.render(c, http.StatusOK, "post_revisions", revisionsPage{Base: b, Thread: t, Post: p, Current: current, Revisions: views})
}

// lockThread serves POST /t/:id/sperren and /entsperren.
func (s *Server) lockThread(locked bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		id := paramID(c, "id")
		if err := s.forum.SetLocked(ctx, viewer(c), id, locked, ""); err != nil {
			s.fail(c, err)
			return
		}
		t, err := s.db.ThreadFor(ctx, scope(c), id)
		if err != nil {
			s.fail(c, err)
			return
		}
		if locked {
			s.setFlash(c, "flash.thread_locked")
		} else {
			s.setFlash(c, "flash.thread_unlocked")
		}
		c.Redirect(http.StatusSeeOther, t.URL())
	}
}

type profilePage struct {
	Base
	Profile store.User
	Threads []store.Thread // discussions; questions are in QA
	QA      profileQA
}

// showProfile serves GET /u/:id: a member's public profile (no email).
func (s *Server) showProfile(c *gin.Context) {
	ctx := c.Request.Context()
	u, err := s.db.UserByID(ctx, paramID(c, "id"))
	if err == nil && u.Status != store.StatusActive {
		err = store.ErrNotFound
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	threads, _, err := s.db.ThreadsFiltered(ctx, reader(c), store.ThreadFilter{AuthorID: u.ID, Filter: store.FilterDiscussions}, 20, 0)
	if err != nil {
		s.fail(c, err)
		return
	}
	qaView, err := s.profileQA(ctx, reader(c), u.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "profile", profilePage{Base: s.base(c, u.DisplayName, Crumb{Label: u.DisplayName}), Profile: u, Threads: threads, QA: qaView})
}
