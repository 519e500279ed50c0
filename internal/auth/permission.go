package auth

import (
	"errors"
	"slices"

	"kommunalforum/internal/store"
)

// ErrForbidden means the viewer may not do this. Routes decide whether it
// shows as 403 or, where existence itself is private, as 404.
var ErrForbidden = errors.New("forbidden")

// The permission rules. Every channel asks these functions; none decides on
// its own. A nil user is an anonymous visitor.

// CanWrite reports whether u may create threads and posts at all.
func CanWrite(u *store.User) bool {
	return u != nil && u.Status == store.StatusActive
}

// CanModerate reports whether u moderates the topic field.
func CanModerate(u *store.User, fieldID int64) bool {
	if u == nil || u.Status != store.StatusActive {
		return false
	}
	return u.Role == store.RoleAdmin || (u.Role == store.RoleModerator && slices.Contains(u.ModFields, fieldID))
}

// CanAdmin reports whether u administers the forum (topic fields, users).
func CanAdmin(u *store.User) bool {
	return u != nil && u.Status == store.StatusActive && u.Role == store.RoleAdmin
}

// CanCreateThread reports whether u may open a thread in the field.
func CanCreateThread(u *store.User, f store.TopicField) bool {
	return CanWrite(u) && !f.Archived()
}

// CanReply reports whether u may reply in the thread: locked threads take
// replies from nobody, moderators included (they unlock first).
func CanReply(u *store.User, t store.Thread) bool {
	return CanWrite(u) && !t.Locked
}

// CanEditPost reports whether u may edit the post: its author while the
// thread is open, or a moderator of the field.
func CanEditPost(u *store.User, t store.Thread, p store.Post) bool {
	if p.Deleted() || !CanWrite(u) {
		return false
	}
	return (p.AuthorID == u.ID && !t.Locked) || CanModerate(u, t.TopicFieldID)
}

// CanDeletePost follows the same rule as editing.
func CanDeletePost(u *store.User, t store.Thread, p store.Post) bool {
	return CanEditPost(u, t, p)
}

// CanSeeRevisions reports whether u may read a post's earlier versions:
// everyone who can read the thread, since edits should be transparent; the
// bodies of deleted posts stay with their author and moderators.
func CanSeeRevisions(u *store.User, t store.Thread, p store.Post) bool {
	if !p.Deleted() {
		return true
	}
	return u != nil && (u.ID == p.AuthorID || CanModerate(u, t.TopicFieldID))
}

// CanLock reports whether u may lock or unlock the thread.
func CanLock(u *store.User, t store.Thread) bool {
	return CanModerate(u, t.TopicFieldID)
}
