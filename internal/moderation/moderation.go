// Package moderation owns the moderators' work: flags and the review
// queue, hiding and restoring posts and threads, approving new members'
// posts, pinning and moving threads, write suspensions, assigning
// moderators to topic fields and the audit log as moderators see it.
// Every action asks auth (moderators act only in their fields,
// administrators everywhere), and the store writes its audit row, with the
// reason given, in the action's transaction. Pages and the API call the
// same functions.
package moderation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/forum"
	"kommunalforum/internal/input"
	"kommunalforum/internal/store"
)

// Limits on what moderators and reporters write, in characters.
const (
	MinReason   = 3
	MaxReason   = 500
	MaxFlagText = 1000
)

// Lengths of the lists the review queue and the log show.
const (
	QueueLimit = 100
	AuditLimit = 200
)

// ErrAlreadyFlagged means the reporter's earlier flag on the post is still
// open. It is a store.ErrConflict.
var ErrAlreadyFlagged = fmt.Errorf("%w: post already flagged by this member", store.ErrConflict)

// Moderation applies the moderation rules on top of the store.
type Moderation struct {
	db    *store.DB
	forum *forum.Forum // moderators edit through the forum's edit path
	now   func() time.Time
}

// New returns the moderation rules bound to a database and the forum rules.
func New(db *store.DB, f *forum.Forum) *Moderation {
	return &Moderation{db: db, forum: f, now: time.Now}
}

// SetClock replaces the clock suspensions are checked against, for tests.
func (m *Moderation) SetClock(now func() time.Time) { m.now = now }

// Flags.

// Flag records u's flag on a post with a reason (one of store.FlagReasons)
// and, for "other", a text saying what is wrong. A member flags others'
// published posts, and a post once until a moderator has dealt with the
// flag (ErrAlreadyFlagged).
func (m *Moderation) Flag(ctx context.Context, u *store.User, postID int64, reason, text string) (store.Flag, error) {
	p, t, err := m.post(ctx, u, postID)
	if err != nil {
		return store.Flag{}, err
	}
	if !auth.CanFlag(u, t, p) {
		return store.Flag{}, auth.ErrForbidden
	}
	var c input.Checker
	reason = c.OneOf("reason", reason, store.FlagReasons)
	text = c.Multiline("text", text, reason == store.FlagOther, 0, MaxFlagText)
	if err := c.Err(); err != nil {
		return store.Flag{}, err
	}
	f, err := m.db.CreateFlag(ctx, p.ID, u.ID, reason, text)
	if errors.Is(err, store.ErrConflict) {
		return store.Flag{}, ErrAlreadyFlagged
	}
	return f, err
}

// Queue is a moderator's review queue: posts with open flags and posts
// waiting for approval in the fields they moderate, each list with its
// total (the lists stop at QueueLimit).
type Queue struct {
	Flagged      []store.ReviewItem
	FlaggedTotal int
	Pending      []store.ReviewItem
	PendingTotal int
}

// Queue returns u's review queue.
func (m *Moderation) Queue(ctx context.Context, u *store.User) (Queue, error) {
	if !auth.CanReview(u) {
		return Queue{}, auth.ErrForbidden
	}
	v := auth.ViewerOf(u)
	var q Queue
	var err error
	if q.Flagged, q.FlaggedTotal, err = m.db.FlaggedPosts(ctx, v, QueueLimit); err != nil {
		return Queue{}, err
	}
	if q.Pending, q.PendingTotal, err = m.db.PendingPosts(ctx, v, QueueLimit); err != nil {
		return Queue{}, err
	}
	return q, nil
}

// Posts.

// HidePost hides a post from readers (its author and the field's
// moderators still read it) and resolves its open flags; the reason is
// required: the author is shown it.
func (m *Moderation) HidePost(ctx context.Context, u *store.User, postID int64, reason string) error {
	p, err := m.moderatedPost(ctx, u, postID)
	if err != nil {
		return err
	}
	if reason, err = checkReason(reason, true); err != nil {
		return err
	}
	return m.db.HidePost(ctx, u.ID, p.ID, reason)
}

// UnhidePost shows a hidden post again; a rejected post returns to the
// approval queue.
func (m *Moderation) UnhidePost(ctx context.Context, u *store.User, postID int64, reason string) error {
	p, err := m.moderatedPost(ctx, u, postID)
	if err != nil {
		return err
	}
	if !p.Hidden() {
		return store.ErrNotFound
	}
	if reason, err = checkReason(reason, false); err != nil {
		return err
	}
	return m.db.UnhidePost(ctx, u.ID, p.ID, reason)
}

// DismissFlags resolves a post's open flags without changing the post.
func (m *Moderation) DismissFlags(ctx context.Context, u *store.User, postID int64, reason string) error {
	p, err := m.moderatedPost(ctx, u, postID)
	if err != nil {
		return err
	}
	if reason, err = checkReason(reason, false); err != nil {
		return err
	}
	return m.db.DismissFlags(ctx, u.ID, p.ID, reason)
}

// EditPost is a moderator's edit of a post with a reason: it takes the
// forum's edit path (the earlier text becomes a revision), then records the
// reason in the audit log and resolves the post's open flags.
func (m *Moderation) EditPost(ctx context.Context, u *store.User, postID int64, body, reason string) (store.Post, error) {
	p, err := m.moderatedPost(ctx, u, postID)
	if err != nil {
		return store.Post{}, err
	}
	var c input.Checker
	reason = c.Text("reason", reason, true, MinReason, MaxReason)
	checked := c.Multiline("body", body, true, forum.MinBody, forum.MaxBody)
	if checked == p.Body {
		c.Add("body", "mod.error.unchanged")
	}
	if err := c.Err(); err != nil {
		return store.Post{}, err
	}
	edited, err := m.forum.EditPost(ctx, u, p.ID, body)
	if err != nil {
		return store.Post{}, err
	}
	return edited, m.db.RecordModeratorEdit(ctx, u.ID, p.ID, reason)
}

// Approve publishes a post from the approval queue (an opening post with
// its thread).
func (m *Moderation) Approve(ctx context.Context, u *store.User, postID int64) error {
	p, err := m.moderatedPost(ctx, u, postID)
	if err != nil {
		return err
	}
	if !p.Pending || p.Hidden() {
		return store.ErrNotFound
	}
	return m.db.ApprovePost(ctx, u.ID, p.ID)
}

// Reject takes a post out of the approval queue by hiding it for good;
// the reason is required, its author is shown it.
func (m *Moderation) Reject(ctx context.Context, u *store.User, postID int64, reason string) error {
	p, err := m.moderatedPost(ctx, u, postID)
	if err != nil {
		return err
	}
	if !p.Pending || p.Hidden() {
		return store.ErrNotFound
	}
	if reason, err = checkReason(reason, true); err != nil {
		return err
	}
	return m.db.RejectPost(ctx, u.ID, p.ID, reason)
}

// post loads a post and its thread as u sees them.
func (m *Moderation) post(ctx context.Context, u *store.User, postID int64) (store.Post, store.Thread, error) {
	v := auth.ViewerOf(u)
	p, err := m.db.PostFor(ctx, v, postID)
	if err != nil {
		return store.Post{}, store.Thread{}, err
	}
	t, err := m.db.ThreadFor(ctx, v, p.ThreadID)
	if err != nil {
		return store.Post{}, store.Thread{}, fmt.Errorf("thread of post %d: %w", postID, err)
	}
	return p, t, nil
}

// moderatedPost loads a post that is not deleted and that u moderates.
func (m *Moderation) moderatedPost(ctx context.Context, u *store.User, postID int64) (store.Post, error) {
	p, t, err := m.post(ctx, u, postID)
	if err != nil {
		return store.Post{}, err
	}
	if p.Deleted() {
		return store.Post{}, store.ErrNotFound
	}
	if !auth.CanModerate(u, t.TopicFieldID) {
		return store.Post{}, auth.ErrForbidden
	}
	return p, nil
}

// Threads.

// SetLocked locks or unlocks a thread with an optional reason (the
// forum's rule) and returns it as it is afterwards.
func (m *Moderation) SetLocked(ctx context.Context, u *store.User, threadID int64, locked bool, reason string) (store.Thread, error) {
	reason, err := checkReason(reason, false)
	if err != nil {
		return store.Thread{}, err
	}
	if err := m.forum.SetLocked(ctx, u, threadID, locked, reason); err != nil {
		return store.Thread{}, err
	}
	return m.db.ThreadFor(ctx, auth.ViewerOf(u), threadID)
}

// SetPinned pins a thread to the top of its field's list or unpins it.
func (m *Moderation) SetPinned(ctx context.Context, u *store.User, threadID int64, pinned bool, reason string) (store.Thread, error) {
	action := store.ThreadUnpin
	if pinned {
		action = store.ThreadPin
	}
	return m.thread(ctx, u, threadID, action, reason, false)
}

// SetHidden hides a thread from everyone but its field's moderators
// (reason required) or shows it again.
func (m *Moderation) SetHidden(ctx context.Context, u *store.User, threadID int64, hidden bool, reason string) (store.Thread, error) {
	action := store.ThreadUnhide
	if hidden {
		action = store.ThreadHide
	}
	return m.thread(ctx, u, threadID, action, reason, hidden)
}

// thread applies a store.Thread* action to a thread u moderates.
func (m *Moderation) thread(ctx context.Context, u *store.User, threadID int64, action, reason string, needReason bool) (store.Thread, error) {
	v := auth.ViewerOf(u)
	t, err := m.db.ThreadFor(ctx, v, threadID)
	if err != nil {
		return store.Thread{}, err
	}
	if !auth.CanModerate(u, t.TopicFieldID) {
		return store.Thread{}, auth.ErrForbidden
	}
	if reason, err = checkReason(reason, needReason); err != nil {
		return store.Thread{}, err
	}
	if err := m.db.ModerateThread(ctx, u.ID, t.ID, action, reason); err != nil {
		return store.Thread{}, err
	}
	return m.db.ThreadFor(ctx, v, t.ID)
}

// Move moves a thread into the active topic field with the given slug;
// u must moderate both fields. Moving a thread where it is changes nothing.
func (m *Moderation) Move(ctx context.Context, u *store.User, threadID int64, fieldSlug, reason string) (store.Thread, error) {
	v := auth.ViewerOf(u)
	t, err := m.db.ThreadFor(ctx, v, threadID)
	if err != nil {
		return store.Thread{}, err
	}
	if !auth.CanModerate(u, t.TopicFieldID) {
		return store.Thread{}, auth.ErrForbidden
	}
	var c input.Checker
	reason = c.Text("reason", reason, false, MinReason, MaxReason)
	to, err := m.db.TopicFieldFor(ctx, auth.ReaderOf(u), fieldSlug)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && to.Archived()):
		c.Add("topic_field", "error.forum.topic_field")
	case err != nil:
		return store.Thread{}, err
	case !auth.CanMove(u, t, to):
		c.Add("topic_field", "mod.error.move_field")
	}
	if err := c.Err(); err != nil {
		return store.Thread{}, err
	}
	if to.ID == t.TopicFieldID {
		return t, nil
	}
	if err := m.db.MoveThread(ctx, u.ID, t.ID, to.ID, reason); err != nil {
		return store.Thread{}, err
	}
	return m.db.ThreadFor(ctx, v, t.ID)
}

// Users.

// Suspend stops a user from writing until until (the zero time: until
// lifted) with a reason the user is shown; an earlier suspension is
// replaced. It returns the user as they are afterwards.
func (m *Moderation) Suspend(ctx context.Context, u *store.User, userID int64, until time.Time, reason string) (store.User, error) {
	target, err := m.suspendable(ctx, u, userID)
	if err != nil {
		return store.User{}, err
	}
	var c input.Checker
	reason = c.Text("reason", reason, true, MinReason, MaxReason)
	switch {
	case until.IsZero() || !until.Before(store.Indefinitely):
		until = store.Indefinitely
	case !until.After(m.now()):
		c.Add("until", "mod.error.until_past")
	}
	if err := c.Err(); err != nil {
		return store.User{}, err
	}
	if err := m.db.SuspendUser(ctx, u.ID, target.ID, until, reason); err != nil {
		return store.User{}, err
	}
	return m.db.UserByID(ctx, target.ID)
}

// Lift ends a user's suspension. A user who is not suspended is ErrNotFound.
func (m *Moderation) Lift(ctx context.Context, u *store.User, userID int64, reason string) (store.User, error) {
	target, err := m.suspendable(ctx, u, userID)
	if err != nil {
		return store.User{}, err
	}
	if reason, err = checkReason(reason, false); err != nil {
		return store.User{}, err
	}
	if err := m.db.LiftSuspension(ctx, u.ID, target.ID, reason); err != nil {
		return store.User{}, err
	}
	return m.db.UserByID(ctx, target.ID)
}

// SuspensionTarget returns the user u may suspend, for the suspension form.
func (m *Moderation) SuspensionTarget(ctx context.Context, u *store.User, userID int64) (store.User, error) {
	return m.suspendable(ctx, u, userID)
}

func (m *Moderation) suspendable(ctx context.Context, u *store.User, userID int64) (store.User, error) {
	if !auth.CanReview(u) {
		return store.User{}, auth.ErrForbidden
	}
	target, err := m.db.UserByID(ctx, userID)
	if err != nil {
		return store.User{}, err
	}
	if !auth.CanSuspend(u, target) {
		return store.User{}, auth.ErrForbidden
	}
	return target, nil
}

// Moderators.

// AssignModerator lets the active account with the given email moderate
// the field with the given slug (administrators only). A member becomes a
// moderator; moderators keep their other fields; administrators moderate
// everywhere already, and pm users cannot moderate. added is false when
// the account moderated the field already.
func (m *Moderation) AssignModerator(ctx context.Context, u *store.User, fieldSlug, email string) (store.User, bool, error) {
	if !auth.CanAdmin(u) {
		return store.User{}, false, auth.ErrForbidden
	}
	f, err := m.db.TopicFieldBySlug(ctx, fieldSlug)
	if err != nil {
		return store.User{}, false, err
	}
	return m.assign(ctx, u, f, email)
}

// AssignModeratorByID is AssignModerator for a field given by its ID.
func (m *Moderation) AssignModeratorByID(ctx context.Context, u *store.User, fieldID int64, email string) (store.User, bool, error) {
	if !auth.CanAdmin(u) {
		return store.User{}, false, auth.ErrForbidden
	}
	f, err := m.db.TopicFieldByID(ctx, fieldID)
	if err != nil {
		return store.User{}, false, err
	}
	return m.assign(ctx, u, f, email)
}

func (m *Moderation) assign(ctx context.Context, u *store.User, f store.TopicField, email string) (store.User, bool, error) {
	var c input.Checker
	email = c.Email("email", email)
	if err := c.Err(); err != nil {
		return store.User{}, false, err
	}
	target, err := m.db.UserByEmail(ctx, email)
	switch {
	case errors.Is(err, store.ErrNotFound):
		c.Add("email", "mod.error.no_account")
	case err != nil:
		return store.User{}, false, err
	case target.Status != store.StatusActive:
		c.Add("email", "mod.error.account_inactive")
	case target.Role == store.RolePM:
		c.Add("email", "mod.error.role_pm")
	}
	if err := c.Err(); err != nil {
		return store.User{}, false, err
	}
	added, err := m.db.AddModerator(ctx, u.ID, f.ID, target.ID)
	if err != nil {
		return store.User{}, false, err
	}
	target, err = m.db.UserByID(ctx, target.ID)
	return target, added, err
}

// RemoveModerator ends a user's moderation of a field (administrators
// only); a moderator left without fields becomes a member.
func (m *Moderation) RemoveModerator(ctx context.Context, u *store.User, fieldID, userID int64) error {
	if !auth.CanAdmin(u) {
		return auth.ErrForbidden
	}
	return m.db.RemoveModerator(ctx, u.ID, fieldID, userID)
}

// Audit returns the newest entries of the audit log u may read:
// administrators all, moderators those of their fields and the suspensions.
func (m *Moderation) Audit(ctx context.Context, u *store.User, limit int) ([]store.AuditEntry, error) {
	if !auth.CanReview(u) {
		return nil, auth.ErrForbidden
	}
	return m.db.AuditLogFor(ctx, auth.ViewerOf(u), limit)
}

// checkReason checks a moderator's reason on the field "reason".
func checkReason(reason string, required bool) (string, error) {
	var c input.Checker
	reason = c.Text("reason", reason, required, MinReason, MaxReason)
	return reason, c.Err()
}
