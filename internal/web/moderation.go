package web

// Moderation on the HTML side: flagging a post, the review queue and the
// moderators' audit log, hiding and approving posts, the moderators' tools
// on threads, write suspensions and the admin page that assigns moderators
// to topic fields. The JSON side is api_moderation.go; both call package
// moderation. Pages only moderators have answer 404 to everyone else; an
// action on something the viewer sees but does not moderate is 403.

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/input"
	"kommunalforum/internal/moderation"
	"kommunalforum/internal/store"
)

// scope is the viewer as the store's read queries see them.
func scope(c *gin.Context) store.Viewer { return auth.ViewerOf(viewer(c)) }

// reader is the request's user as an ordinary reader for lists and
// lookups: which protected areas they see (see auth.ReaderOf).
func reader(c *gin.Context) store.Viewer { return auth.ReaderOf(viewer(c)) }

// CanReview reports whether the layout shows the "Moderation (N)" link.
func (b Base) CanReview() bool { return auth.CanReview(b.User) }

// reviewCount is Base.ModQueue: one count query for moderators, nothing
// for everyone else. A failure only costs the number in the navigation.
func (s *Server) reviewCount(c *gin.Context) int {
	u := viewer(c)
	if !auth.CanReview(u) {
		return 0
	}
	n, err := s.db.ReviewCount(c.Request.Context(), auth.ViewerOf(u))
	if err != nil {
		s.log.Error("review count", "err", err, "request_id", requestID(c))
	}
	return n
}

// modPost is what a post on the thread page offers for moderation.
type modPost struct {
	CanFlag     bool // the "Melden" link
	CanModerate bool // hide, unhide, edit with reason, approve, reject
	CanSuspend  bool // the author may be suspended by the viewer
	Own         bool // the viewer wrote it: the notice speaks to them
}

func (s *Server) modPost(u *store.User, t store.Thread, p store.Post) modPost {
	return modPost{
		CanFlag:     auth.CanFlag(u, t, p),
		CanModerate: auth.CanModerate(u, t.TopicFieldID) && !p.Deleted(),
		CanSuspend:  auth.CanSuspend(u, store.User{ID: p.AuthorID, Role: p.AuthorRole}),
		Own:         u != nil && u.ID == p.AuthorID,
	}
}

// modThread is what the thread page shows for moderation: the toolbar
// for the field's moderators and the notices on hidden and pending threads.
type modThread struct {
	CanModerate bool
	Own         bool               // the viewer opened the thread
	Fields      []store.TopicField // where the viewer may move the thread
	Form        Form               // the move form, with errors after a failed move
}

func (s *Server) modThread(c *gin.Context, t store.Thread) (modThread, error) {
	u := viewer(c)
	m := modThread{CanModerate: auth.CanModerate(u, t.TopicFieldID), Own: u != nil && u.ID == t.AuthorID}
	if !m.CanModerate {
		return m, nil
	}
	fields, err := s.db.TopicFields(c.Request.Context(), reader(c), false)
	if err != nil {
		return m, err
	}
	for _, f := range fields {
		if f.ID != t.TopicFieldID && auth.CanMove(u, t, f) {
			m.Fields = append(m.Fields, f)
		}
	}
	m.Form = Form{}.Set("topic_field", "")
	return m, nil
}

// modBase is Base plus the sub-navigation of the moderation pages.
type modBase struct {
	Base
	Nav []adminTab
}

func (s *Server) modBase(c *gin.Context, section, title string) modBase {
	b := modBase{Base: s.base(c, title, Crumb{Label: s.t(c, "mod.title"), URL: "/moderation"}, Crumb{Label: title})}
	if section == "queue" {
		b.Breadcrumbs = []Crumb{{Label: title}}
	}
	b.NoIndex = true
	b.Nav = []adminTab{
		{Label: s.t(c, "mod.nav.queue", b.ModQueue), URL: "/moderation", Current: section == "queue"},
		{Label: s.t(c, "mod.nav.audit"), URL: "/moderation/protokoll", Current: section == "audit"},
	}
	return b
}

// requireReviewer answers 404 unless the viewer has a review queue, since
// the moderation pages are nobody else's business. It reports whether the
// handler may go on.
func (s *Server) requireReviewer(c *gin.Context) bool {
	if !auth.CanReview(viewer(c)) {
		s.failStatus(c, http.StatusNotFound, "error.not_found")
		return false
	}
	return true
}

// The review queue.

type reviewPage struct {
	modBase
	Queue    moderation.Queue
	Flagged  []reviewView
	Pending  []reviewView
	Form     Form  // a failed hide or reject, shown at its item
	FormPost int64 // the post the failed form was about
}

// reviewView is an entry of the queue as the page shows it.
type reviewView struct {
	store.ReviewItem
	HTML template.HTML // sanitised by markup.Render when stored
}

func reviewViews(items []store.ReviewItem) []reviewView {
	out := make([]reviewView, len(items))
	for i, it := range items {
		out[i] = reviewView{ReviewItem: it, HTML: template.HTML(it.Post.BodyHTML)} // #nosec G203 -- sanitised by markup.Render (bluemonday) when stored
	}
	return out
}

// reviewQueue serves GET /moderation: open flags and posts waiting for
// approval in the viewer's fields, with the actions as forms.
func (s *Server) reviewQueue(c *gin.Context) {
	if s.requireReviewer(c) {
		s.renderReview(c, Form{}, 0, http.StatusOK)
	}
}

func (s *Server) renderReview(c *gin.Context, form Form, postID int64, status int) {
	q, err := s.mod.Queue(c.Request.Context(), viewer(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, "mod_queue", reviewPage{modBase: s.modBase(c, "queue", s.t(c, "mod.title")), Queue: q,
		Flagged: reviewViews(q.Flagged), Pending: reviewViews(q.Pending), Form: form, FormPost: postID})
}

type modAuditPage struct {
	modBase
	Log auditLog
}

// modAudit serves GET /moderation/protokoll: the audit log of the viewer's
// fields (everything for administrators).
func (s *Server) modAudit(c *gin.Context) {
	if !s.requireReviewer(c) {
		return
	}
	es, err := s.mod.Audit(c.Request.Context(), viewer(c), moderation.AuditLimit+1)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "mod_audit", modAuditPage{modBase: s.modBase(c, "audit", s.t(c, "mod.audit.title")),
		Log: s.auditLog(c, es, moderation.AuditLimit)})
}

// Flagging.

type flagPage struct {
	Base
	Thread  store.Thread
	Post    store.Post
	HTML    template.HTML
	Reasons []string
	Form    Form
}

// flagForm serves GET /beitrag/:id/melden: the flag form, which also
// confirms that the member means to report the post.
func (s *Server) flagForm(c *gin.Context) {
	p, t, ok := s.postAndThread(c)
	if !ok {
		return
	}
	if !auth.CanFlag(viewer(c), t, p) {
		s.fail(c, s.flagRefusal(p))
		return
	}
	s.renderFlag(c, t, p, Form{}, http.StatusOK)
}

// flagRefusal is why a post cannot be flagged: gone or hidden is 404,
// anything else (one's own post, a suspension) forbidden.
func (s *Server) flagRefusal(p store.Post) error {
	if p.Deleted() || p.Withheld {
		return store.ErrNotFound
	}
	return auth.ErrForbidden
}

func (s *Server) renderFlag(c *gin.Context, t store.Thread, p store.Post, form Form, status int) {
	title := s.t(c, "mod.flag.title")
	b := s.base(c, title, Crumb{Label: t.FieldName, URL: "/themenfeld/" + t.FieldSlug}, Crumb{Label: t.Title, URL: t.URL()}, Crumb{Label: title})
	b.NoIndex = true
	s.render(c, status, "mod_flag", flagPage{Base: b, Thread: t, Post: p, HTML: template.HTML(p.BodyHTML), Reasons: store.FlagReasons, Form: form}) // #nosec G203 -- sanitised by markup.Render (bluemonday) when stored
}

// flagPost serves POST /beitrag/:id/melden with reason and text.
func (s *Server) flagPost(c *gin.Context) {
	form := newForm(c, "reason", "text")
	id := paramID(c, "id")
	_, err := s.mod.Flag(c.Request.Context(), viewer(c), id, form.Values["reason"], form.Values["text"])
	if ve, ok := asValidation(err); ok {
		if p, t, ok := s.postAndThread(c); ok {
			s.renderFlag(c, t, p, s.withErrors(c, form, ve), http.StatusUnprocessableEntity)
		}
		return
	}
	switch {
	case errors.Is(err, moderation.ErrAlreadyFlagged):
		s.setFlash(c, "flash.mod_already_flagged")
	case err != nil:
		s.fail(c, err)
		return
	default:
		s.setFlash(c, "flash.mod_flagged")
	}
	s.redirectToPost(c, id)
}

// Posts: hide, unhide, dismiss, edit with reason, approve, reject.

// reasonPage asks for a moderator's reason before an action: hiding a post
// or a thread, rejecting a post.
type reasonPage struct {
	Base
	Heading  string // translated
	Intro    string // translated
	Submit   string // translated
	Thread   store.Thread
	Post     store.Post // zero for a thread action
	HTML     template.HTML
	Action   string
	Required bool
	Form     Form
}

// reasonAction describes one action that takes a reason.
type reasonAction struct {
	key    string // catalogue prefix: mod.<key>.title, .intro, .submit
	path   string // after /beitrag/:id/ or /t/:id/
	thread bool
	flash  string
	run    func(s *Server, c *gin.Context, id int64, reason string) error
}

var (
	hidePostAction = reasonAction{key: "hide_post", path: "ausblenden", flash: "flash.mod_post_hidden",
		run: func(s *Server, c *gin.Context, id int64, reason string) error {
			return s.mod.HidePost(c.Request.Context(), viewer(c), id, reason)
		}}
	rejectAction = reasonAction{key: "reject_post", path: "ablehnen", flash: "flash.mod_post_rejected",
		run: func(s *Server, c *gin.Context, id int64, reason string) error {
			return s.mod.Reject(c.Request.Context(), viewer(c), id, reason)
		}}
	hideThreadAction = reasonAction{key: "hide_thread", path: "ausblenden", thread: true, flash: "flash.mod_thread_hidden",
		run: func(s *Server, c *gin.Context, id int64, reason string) error {
			_, err := s.mod.SetHidden(c.Request.Context(), viewer(c), id, true, reason)
			return err
		}}
)

// reasonForm serves the GET side of a reasonAction: /beitrag/:id/ausblenden,
// /beitrag/:id/ablehnen and /t/:id/ausblenden.
func (s *Server) reasonForm(a reasonAction) gin.HandlerFunc {
	return func(c *gin.Context) {
		t, p, ok := s.reasonTarget(c, a)
		if ok {
			s.renderReason(c, a, t, p, Form{}, http.StatusOK)
		}
	}
}

// reasonTarget loads what a reasonAction acts on, refusing (403) viewers
// who do not moderate it; ok is false when it has answered.
func (s *Server) reasonTarget(c *gin.Context, a reasonAction) (store.Thread, store.Post, bool) {
	var t store.Thread
	var p store.Post
	if a.thread {
		var err error
		if t, err = s.db.ThreadFor(c.Request.Context(), scope(c), paramID(c, "id")); err != nil {
			s.fail(c, err)
			return t, p, false
		}
	} else {
		var ok bool
		if p, t, ok = s.postAndThread(c); !ok {
			return t, p, false
		}
		if p.Deleted() || (a.key == "reject_post" && (!p.Pending || p.Hidden())) {
			s.fail(c, store.ErrNotFound)
			return t, p, false
		}
	}
	if !auth.CanModerate(viewer(c), t.TopicFieldID) {
		s.fail(c, auth.ErrForbidden)
		return t, p, false
	}
	return t, p, true
}

func (s *Server) renderReason(c *gin.Context, a reasonAction, t store.Thread, p store.Post, form Form, status int) {
	title := s.t(c, "mod."+a.key+".title")
	b := s.base(c, title, Crumb{Label: t.FieldName, URL: "/themenfeld/" + t.FieldSlug}, Crumb{Label: t.Title, URL: t.URL()}, Crumb{Label: title})
	b.NoIndex = true
	action := fmt.Sprintf("/beitrag/%d/%s", p.ID, a.path)
	if a.thread {
		action = fmt.Sprintf("/t/%d/%s", t.ID, a.path)
	}
	s.render(c, status, "mod_reason", reasonPage{Base: b, Heading: title, Intro: s.t(c, "mod."+a.key+".intro"),
		Submit: s.t(c, "mod."+a.key+".submit"), Thread: t, Post: p, HTML: template.HTML(p.BodyHTML), // #nosec G203 -- sanitised by markup.Render (bluemonday) when stored
		Action: action, Required: true, Form: form})
}

// reasonSubmit serves the POST side of a reasonAction (reason; weiter: the
// page to return to, e.g. the review queue).
func (s *Server) reasonSubmit(a reasonAction) gin.HandlerFunc {
	return func(c *gin.Context) {
		form := newForm(c, "reason")
		id := paramID(c, "id")
		err := a.run(s, c, id, form.Values["reason"])
		if ve, ok := asValidation(err); ok {
			form = s.withErrors(c, form, ve)
			if localPath(c.PostForm("weiter")) == "/moderation" {
				s.renderReview(c, form, id, http.StatusUnprocessableEntity)
			} else if t, p, ok := s.reasonTarget(c, a); ok {
				s.renderReason(c, a, t, p, form, http.StatusUnprocessableEntity)
			}
			return
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		s.setFlash(c, a.flash)
		if c.PostForm("weiter") != "" {
			backTo(c, "/moderation")
		} else if a.thread {
			s.redirectToThread(c, id)
		} else {
			s.redirectToPost(c, id)
		}
	}
}

// postAction serves a POST on a post without a form beyond an optional
// reason: /beitrag/:id/einblenden, /meldungen-verwerfen and /freigeben.
func (s *Server) postAction(flash string, run func(s *Server, c *gin.Context, id int64, reason string) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := paramID(c, "id")
		if err := run(s, c, id, c.PostForm("reason")); err != nil {
			s.fail(c, err)
			return
		}
		s.setFlash(c, flash)
		if c.PostForm("weiter") != "" {
			backTo(c, "/moderation")
			return
		}
		s.redirectToPost(c, id)
	}
}

func unhidePost(s *Server, c *gin.Context, id int64, reason string) error {
	return s.mod.UnhidePost(c.Request.Context(), viewer(c), id, reason)
}

func dismissFlags(s *Server, c *gin.Context, id int64, reason string) error {
	return s.mod.DismissFlags(c.Request.Context(), viewer(c), id, reason)
}

func approvePost(s *Server, c *gin.Context, id int64, _ string) error {
	return s.mod.Approve(c.Request.Context(), viewer(c), id)
}

type modEditPage struct {
	Base
	Thread store.Thread
	Post   store.Post
	Form   Form
}

// modEditForm serves GET /beitrag/:id/moderieren: a moderator's edit with
// a reason, which resolves the post's flags.
func (s *Server) modEditForm(c *gin.Context) {
	p, t, ok := s.postAndThread(c)
	if !ok {
		return
	}
	if p.Deleted() {
		s.fail(c, store.ErrNotFound)
		return
	}
	if !auth.CanModerate(viewer(c), t.TopicFieldID) {
		s.fail(c, auth.ErrForbidden)
		return
	}
	s.renderModEdit(c, t, p, Form{}.Set("body", p.Body), http.StatusOK)
}

func (s *Server) renderModEdit(c *gin.Context, t store.Thread, p store.Post, form Form, status int) {
	title := s.t(c, "mod.edit.title")
	b := s.base(c, title, Crumb{Label: t.FieldName, URL: "/themenfeld/" + t.FieldSlug}, Crumb{Label: t.Title, URL: t.URL()}, Crumb{Label: title})
	b.NoIndex = true
	s.render(c, status, "mod_edit", modEditPage{Base: b, Thread: t, Post: p, Form: form})
}

// modEdit serves POST /beitrag/:id/moderieren with body and reason.
func (s *Server) modEdit(c *gin.Context) {
	form := newForm(c, "body", "reason")
	p, err := s.mod.EditPost(c.Request.Context(), viewer(c), paramID(c, "id"), form.Values["body"], form.Values["reason"])
	if ve, ok := asValidation(err); ok {
		if p, t, ok := s.postAndThread(c); ok {
			s.renderModEdit(c, t, p, s.withErrors(c, form, ve), http.StatusUnprocessableEntity)
		}
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.mod_post_edited")
	s.redirectToPost(c, p.ID)
}

// Threads: pin, unhide, move (hiding is a reasonAction).

// redirectToThread sends the viewer to the thread's page.
func (s *Server) redirectToThread(c *gin.Context, id int64) {
	t, err := s.db.ThreadFor(c.Request.Context(), scope(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, t.URL())
}

// pinThread serves POST /t/:id/anheften and /t/:id/loesen.
func (s *Server) pinThread(pinned bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		t, err := s.mod.SetPinned(c.Request.Context(), viewer(c), paramID(c, "id"), pinned, c.PostForm("reason"))
		if err != nil {
			s.fail(c, err)
			return
		}
		if pinned {
			s.setFlash(c, "flash.mod_thread_pinned")
		} else {
			s.setFlash(c, "flash.mod_thread_unpinned")
		}
		c.Redirect(http.StatusSeeOther, t.URL())
	}
}

// unhideThread serves POST /t/:id/einblenden.
func (s *Server) unhideThread(c *gin.Context) {
	t, err := s.mod.SetHidden(c.Request.Context(), viewer(c), paramID(c, "id"), false, c.PostForm("reason"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.mod_thread_unhidden")
	c.Redirect(http.StatusSeeOther, t.URL())
}

// moveThread serves POST /t/:id/verschieben with topic_field (a slug) and reason.
func (s *Server) moveThread(c *gin.Context) {
	ctx := c.Request.Context()
	form := newForm(c, "topic_field", "reason")
	t, err := s.mod.Move(ctx, viewer(c), paramID(c, "id"), form.Values["topic_field"], form.Values["reason"])
	if ve, ok := asValidation(err); ok {
		t, err := s.db.ThreadFor(ctx, scope(c), paramID(c, "id"))
		if err != nil {
			s.fail(c, err)
			return
		}
		if p, ok := s.threadPage(c, t, 1, newForm(c)); ok {
			p.Mod.Form = s.withErrors(c, form, ve)
			s.render(c, http.StatusUnprocessableEntity, "thread", p)
		}
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.mod_thread_moved")
	c.Redirect(http.StatusSeeOther, t.URL())
}

// Suspensions.

// Suspension durations of the form.
const (
	suspendUntil      = "until"
	suspendIndefinite = "indefinite"
)

type suspendPage struct {
	Base
	Target store.User
	Form   Form
}

// suspendForm serves GET /moderation/benutzer/:id: the user's suspension
// and the forms to impose or lift one.
func (s *Server) suspendForm(c *gin.Context) {
	if !s.requireReviewer(c) {
		return
	}
	target, err := s.mod.SuspensionTarget(c.Request.Context(), viewer(c), paramID(c, "id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderSuspend(c, target, Form{}.Set("duration", suspendUntil), http.StatusOK)
}

func (s *Server) renderSuspend(c *gin.Context, target store.User, form Form, status int) {
	title := s.t(c, "mod.suspend.title", target.DisplayName)
	b := s.base(c, title, Crumb{Label: s.t(c, "mod.title"), URL: "/moderation"}, Crumb{Label: title})
	b.NoIndex = true
	s.render(c, status, "mod_suspend", suspendPage{Base: b, Target: target, Form: form})
}

// suspendUser serves POST /moderation/benutzer/:id/schreibsperre with
// duration (until or indefinite), until (YYYY-MM-DD, the last day of the
// suspension, Europe/Berlin) and reason.
func (s *Server) suspendUser(c *gin.Context) {
	if !s.requireReviewer(c) {
		return
	}
	ctx := c.Request.Context()
	form := newForm(c, "duration", "until", "reason")
	var until time.Time
	var err error
	if form.Values["duration"] != suspendIndefinite {
		until, err = parseLastDay(form.Values["until"])
	}
	var target store.User
	if err == nil {
		target, err = s.mod.Suspend(ctx, viewer(c), paramID(c, "id"), until, form.Values["reason"])
	}
	if ve, ok := asValidation(err); ok {
		target, err := s.mod.SuspensionTarget(ctx, viewer(c), paramID(c, "id"))
		if err != nil {
			s.fail(c, err)
			return
		}
		s.renderSuspend(c, target, s.withErrors(c, form, ve), http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.mod_user_suspended")
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/moderation/benutzer/%d", target.ID))
}

// parseLastDay reads the last day of a suspension: it ends at the start
// of the next day in Europe/Berlin. A date that is no date is a validation
// error on "until".
func parseLastDay(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	var key string
	if v == "" {
		key = "mod.error.until_required"
	} else if d, err := time.ParseInLocation("2006-01-02", v, berlin); err == nil {
		return d.AddDate(0, 0, 1), nil
	} else {
		key = "mod.error.until_format"
	}
	var ch input.Checker
	ch.Add("until", key)
	return time.Time{}, ch.Err()
}

// liftSuspension serves POST /moderation/benutzer/:id/schreibsperre-aufheben.
func (s *Server) liftSuspension(c *gin.Context) {
	if !s.requireReviewer(c) {
		return
	}
	target, err := s.mod.Lift(c.Request.Context(), viewer(c), paramID(c, "id"), c.PostForm("reason"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.mod_user_unsuspended")
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/moderation/benutzer/%d", target.ID))
}

// Moderator assignment (admin area).

type adminModeratorsPage struct {
	adminBase
	Fields    []fieldModerators
	Form      Form  // a failed assignment, shown at its field
	FormField int64 // the field the failed form was about
}

type fieldModerators struct {
	store.TopicField
	Moderators []store.User
}

// adminModerators serves GET /admin/moderation: every topic field with its
// moderators, a form to add one by email and buttons to remove them.
func (s *Server) adminModerators(c *gin.Context) {
	s.renderModerators(c, Form{}, 0, http.StatusOK)
}

func (s *Server) renderModerators(c *gin.Context, form Form, fieldID int64, status int) {
	ctx := c.Request.Context()
	fields, err := s.db.TopicFields(ctx, reader(c), true)
	if err != nil {
		s.fail(c, err)
		return
	}
	mods, err := s.db.FieldModerators(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	rows := make([]fieldModerators, len(fields))
	for i, f := range fields {
		rows[i] = fieldModerators{TopicField: f, Moderators: mods[f.ID]}
	}
	title := s.t(c, "mod.admin.title")
	s.render(c, status, "admin_moderators", adminModeratorsPage{adminBase: s.adminBase(c, "moderators", title, Crumb{Label: title}),
		Fields: rows, Form: form, FormField: fieldID})
}

// adminAddModerator serves POST /admin/themenfelder/:id/moderatoren with email.
func (s *Server) adminAddModerator(c *gin.Context) {
	form := newForm(c, "email")
	id := paramID(c, "id")
	_, added, err := s.mod.AssignModeratorByID(c.Request.Context(), viewer(c), id, form.Values["email"])
	if ve, ok := asValidation(err); ok {
		s.renderModerators(c, s.withErrors(c, form, ve), id, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if added {
		s.setFlash(c, "flash.mod_moderator_added")
	} else {
		s.setFlash(c, "flash.mod_moderator_exists")
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/moderation#feld-%d", id))
}

// adminRemoveModerator serves POST /admin/themenfelder/:id/moderatoren/:user/entfernen.
func (s *Server) adminRemoveModerator(c *gin.Context) {
	id := paramID(c, "id")
	if err := s.mod.RemoveModerator(c.Request.Context(), viewer(c), id, paramID(c, "user")); err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.mod_moderator_removed")
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/moderation#feld-%d", id))
}
