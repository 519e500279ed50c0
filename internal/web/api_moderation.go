package web

// The JSON API of moderation (docs/API.md): flags, the review queue, the
// moderators' actions on threads, posts and users, moderator assignment
// and the audit log. The handlers call the same package moderation
// functions as the HTML forms in moderation.go; errors are problem JSON via
// s.fail. A reason is optional everywhere except hiding and suspending.

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/moderation"
	"kommunalforum/internal/store"
)

// apiFlagBody is the body of POST /api/v1/posts/:id/flags.
type apiFlagBody struct {
	Reason string `json:"reason"` // spam, off_topic, inappropriate, personal_data or other
	Text   string `json:"text"`   // required with "other"
}

// apiFlag is a flag as the API shows it.
type apiFlag struct {
	ID         int64  `json:"id"`
	PostID     int64  `json:"post_id"`
	Reason     string `json:"reason"`
	Text       string `json:"text"`
	Reporter   string `json:"reporter"`
	ReporterID int64  `json:"reporter_id"`
	CreatedAt  string `json:"created_at"`
}

func newAPIFlag(f store.Flag) apiFlag {
	return apiFlag{ID: f.ID, PostID: f.PostID, Reason: f.Reason, Text: f.Text, Reporter: f.ReporterName,
		ReporterID: f.ReporterID, CreatedAt: apiTime(f.CreatedAt)}
}

// apiReview answers GET /api/v1/review: the caller's review queue.
type apiReview struct {
	Flagged      []apiReviewItem `json:"flagged"` // posts with open flags, longest waiting first
	FlaggedTotal int             `json:"flagged_total"`
	Pending      []apiReviewItem `json:"pending"` // posts waiting for approval, oldest first
	PendingTotal int             `json:"pending_total"`
}

// apiReviewItem is one post of the review queue.
type apiReviewItem struct {
	Post        apiPost   `json:"post"`
	ThreadTitle string    `json:"thread_title"`
	ThreadURL   string    `json:"thread_url"`
	TopicField  string    `json:"topic_field"`
	Opening     bool      `json:"opening"` // the post opens its thread
	Flags       []apiFlag `json:"flags"`   // open flags; [] for pending posts
}

func newAPIReviewItems(items []store.ReviewItem) []apiReviewItem {
	out := make([]apiReviewItem, len(items))
	for i, it := range items {
		flags := make([]apiFlag, len(it.Flags))
		for j, f := range it.Flags {
			flags[j] = newAPIFlag(f)
		}
		out[i] = apiReviewItem{Post: newAPIPost(it.Post), ThreadTitle: it.ThreadTitle, ThreadURL: it.ThreadURL(),
			TopicField: it.FieldSlug, Opening: it.Opening, Flags: flags}
	}
	return out
}

// apiReasonBody is the optional body of the moderation actions.
type apiReasonBody struct {
	Reason string `json:"reason"`
}

// apiMoveBody is the body of POST /api/v1/threads/:id/move.
type apiMoveBody struct {
	TopicField string `json:"topic_field"` // slug of the target field
	Reason     string `json:"reason"`
}

// apiThreadState answers the thread actions.
type apiThreadState struct {
	ID           int64  `json:"id"`
	URL          string `json:"url"`
	TopicField   string `json:"topic_field"`
	Locked       bool   `json:"locked"`
	Pinned       bool   `json:"pinned"`
	Hidden       bool   `json:"hidden"`
	HiddenReason string `json:"hidden_reason,omitempty"`
}

func newAPIThreadState(t store.Thread) apiThreadState {
	return apiThreadState{ID: t.ID, URL: t.URL(), TopicField: t.FieldSlug, Locked: t.Locked, Pinned: t.Pinned,
		Hidden: t.Hidden(), HiddenReason: t.HiddenReason}
}

// apiSuspendBody is the body of POST /api/v1/users/:id/suspend.
type apiSuspendBody struct {
	Until  *string `json:"until"` // RFC 3339; null or absent: until lifted
	Reason string  `json:"reason"`
}

// apiSuspension answers POST /api/v1/users/:id/suspend and /unsuspend.
type apiSuspension struct {
	UserID     int64   `json:"user_id"`
	Suspended  bool    `json:"suspended"`
	Until      *string `json:"until"` // null when not suspended or until lifted
	Indefinite bool    `json:"indefinite"`
	Reason     string  `json:"reason,omitempty"`
}

func newAPISuspension(u store.User) apiSuspension {
	out := apiSuspension{UserID: u.ID, Suspended: u.Suspended()}
	if out.Suspended {
		out.Reason, out.Indefinite = u.SuspendedReason, u.SuspendedIndefinitely()
		if !out.Indefinite {
			out.Until = apiTimeOrNull(u.SuspendedUntil)
		}
	}
	return out
}

// apiModeratorBody is the body of POST /api/v1/topic-fields/:slug/moderators.
type apiModeratorBody struct {
	Email string `json:"email"`
}

// apiModerator answers POST /api/v1/topic-fields/:slug/moderators.
type apiModerator struct {
	UserID     int64  `json:"user_id"`
	Name       string `json:"name"`
	Role       string `json:"role"` // a member becomes a moderator
	TopicField string `json:"topic_field"`
	Added      bool   `json:"added"` // false: moderated the field already
}

// apiAuditEntry is one entry of GET /api/v1/audit.
type apiAuditEntry struct {
	ID         int64  `json:"id"`
	Actor      string `json:"actor"` // "" for the system
	ActorID    int64  `json:"actor_id"`
	Action     string `json:"action"`
	TargetType string `json:"target_type"`
	TargetID   int64  `json:"target_id"`
	Detail     string `json:"detail"`
	CreatedAt  string `json:"created_at"`
}

// apiFlagPost serves POST /api/v1/posts/:id/flags.
func (s *Server) apiFlagPost(c *gin.Context) {
	var in apiFlagBody
	if !s.decodeJSON(c, &in) {
		return
	}
	f, err := s.mod.Flag(c.Request.Context(), viewer(c), apiID(c), in.Reason, in.Text)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, http.StatusCreated, newAPIFlag(f))
}

// apiReviewQueue serves GET /api/v1/review (404 for all but moderators).
func (s *Server) apiReviewQueue(c *gin.Context) {
	if !s.requireReviewer(c) {
		return
	}
	q, err := s.mod.Queue(c.Request.Context(), viewer(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, apiReview{Flagged: newAPIReviewItems(q.Flagged), FlaggedTotal: q.FlaggedTotal,
		Pending: newAPIReviewItems(q.Pending), PendingTotal: q.PendingTotal})
}

// decodeOptionalJSON is decodeJSON for a body that may be left out (an
// empty body leaves dst as it is).
func (s *Server) decodeOptionalJSON(c *gin.Context, dst any) bool {
	return c.Request.ContentLength == 0 || s.decodeJSON(c, dst)
}

// apiThreadAction serves POST /api/v1/threads/:id/lock, unlock, pin,
// unpin, hide and unhide.
func (s *Server) apiThreadAction(action string) gin.HandlerFunc {
	return func(c *gin.Context) {
		var in apiReasonBody
		if !s.decodeOptionalJSON(c, &in) {
			return
		}
		ctx, u, id := c.Request.Context(), viewer(c), apiID(c)
		var t store.Thread
		var err error
		switch action {
		case store.ThreadLock, store.ThreadUnlock:
			t, err = s.mod.SetLocked(ctx, u, id, action == store.ThreadLock, in.Reason)
		case store.ThreadPin, store.ThreadUnpin:
			t, err = s.mod.SetPinned(ctx, u, id, action == store.ThreadPin, in.Reason)
		default:
			t, err = s.mod.SetHidden(ctx, u, id, action == store.ThreadHide, in.Reason)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		s.writeJSON(c, http.StatusOK, newAPIThreadState(t))
	}
}

// apiMoveThread serves POST /api/v1/threads/:id/move.
func (s *Server) apiMoveThread(c *gin.Context) {
	var in apiMoveBody
	if !s.decodeJSON(c, &in) {
		return
	}
	t, err := s.mod.Move(c.Request.Context(), viewer(c), apiID(c), in.TopicField, in.Reason)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, newAPIThreadState(t))
}

// apiPostVisibility serves POST /api/v1/posts/:id/hide (reason required)
// and /unhide, and answers with the post as the caller sees it.
func (s *Server) apiPostVisibility(hide bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		var in apiReasonBody
		if !s.decodeOptionalJSON(c, &in) {
			return
		}
		ctx, u, id := c.Request.Context(), viewer(c), apiID(c)
		var err error
		if hide {
			err = s.mod.HidePost(ctx, u, id, in.Reason)
		} else {
			err = s.mod.UnhidePost(ctx, u, id, in.Reason)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		p, err := s.db.PostFor(ctx, scope(c), id)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.writeJSON(c, http.StatusOK, newAPIPost(p))
	}
}

// apiSuspend serves POST /api/v1/users/:id/suspend.
func (s *Server) apiSuspend(c *gin.Context) {
	if !s.requireReviewer(c) {
		return
	}
	var in apiSuspendBody
	if !s.decodeJSON(c, &in) {
		return
	}
	var until time.Time
	if in.Until != nil {
		var err error
		if until, err = time.Parse(time.RFC3339, *in.Until); err != nil {
			s.problem(c, http.StatusUnprocessableEntity, "error.validation", map[string]string{"until": s.t(c, "mod.error.until_rfc3339")})
			return
		}
	}
	target, err := s.mod.Suspend(c.Request.Context(), viewer(c), apiID(c), until, in.Reason)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, newAPISuspension(target))
}

// apiUnsuspend serves POST /api/v1/users/:id/unsuspend.
func (s *Server) apiUnsuspend(c *gin.Context) {
	if !s.requireReviewer(c) {
		return
	}
	var in apiReasonBody
	if !s.decodeOptionalJSON(c, &in) {
		return
	}
	target, err := s.mod.Lift(c.Request.Context(), viewer(c), apiID(c), in.Reason)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, newAPISuspension(target))
}

// apiAddModerator serves POST /api/v1/topic-fields/:slug/moderators
// (administrators; 404 for everyone else): 201 for a new assignment, 200
// when the account moderated the field already.
func (s *Server) apiAddModerator(c *gin.Context) {
	// 403 like the other admin-only API routes (groups, field access); the
	// admin pages themselves answer 404 to hide that they exist.
	if !auth.CanAdmin(viewer(c)) {
		s.failStatus(c, http.StatusForbidden, "error.forbidden")
		return
	}
	var in apiModeratorBody
	if !s.decodeJSON(c, &in) {
		return
	}
	slug := c.Param("slug")
	u, added, err := s.mod.AssignModerator(c.Request.Context(), viewer(c), slug, in.Email)
	if err != nil {
		s.fail(c, err)
		return
	}
	status := http.StatusOK
	if added {
		status = http.StatusCreated
	}
	s.writeJSON(c, status, apiModerator{UserID: u.ID, Name: u.DisplayName, Role: u.Role, TopicField: slug, Added: added})
}

// apiAudit serves GET /api/v1/audit: the newest entries the caller may
// read (moderators: their fields and suspensions; administrators: all).
func (s *Server) apiAudit(c *gin.Context) {
	if !s.requireReviewer(c) {
		return
	}
	es, err := s.mod.Audit(c.Request.Context(), viewer(c), moderation.AuditLimit)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]apiAuditEntry, len(es))
	for i, e := range es {
		out[i] = apiAuditEntry{ID: e.ID, Actor: e.ActorName, ActorID: e.ActorID, Action: e.Action, TargetType: e.TargetType,
			TargetID: e.TargetID, Detail: e.Detail, CreatedAt: apiTime(e.CreatedAt)}
	}
	s.writeJSON(c, http.StatusOK, out)
}
