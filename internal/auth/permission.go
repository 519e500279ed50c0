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

// CanReply reports whether u may reply in the thread: locked threads and
// questions closed as duplicates take replies from nobody, moderators
// included (they unlock or reopen first).
func CanReply(u *store.User, t store.Thread) bool {
	return CanWrite(u) && !t.Locked && t.DuplicateOf == 0
}

// CanEditPost reports whether u may edit the post: its author while the
// thread is open, or a moderator of the field. An official answer speaks
// for the programme management, so only pm users edit it (each edit is a
// new official version).
func CanEditPost(u *store.User, t store.Thread, p store.Post) bool {
	if p.Deleted() || !CanWrite(u) {
		return false
	}
	if p.Official() {
		return IsPM(u)
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

// Questions and answers.

// CanVote reports whether u may vote on the post: any active member, on
// answers to questions only, never on their own posts.
func CanVote(u *store.User, t store.Thread, p store.Post) bool {
	return CanWrite(u) && t.IsQuestion() && !p.Deleted() && p.AuthorID != u.ID && p.Number != 1
}

// CanChooseAnswer reports whether u decides which answer solves the member
// question t (accepting, changing or withdrawing it): its asker, or a
// moderator of the field. PM questions are settled by official answers instead.
func CanChooseAnswer(u *store.User, t store.Thread) bool {
	if !CanWrite(u) || t.Kind != store.KindQuestion {
		return false
	}
	return t.AuthorID == u.ID || CanModerate(u, t.TopicFieldID)
}

// CanAccept reports whether u may accept p as the answer to t: CanChooseAnswer,
// and p is a visible answer of t (not the question itself).
func CanAccept(u *store.User, t store.Thread, p store.Post) bool {
	return CanChooseAnswer(u, t) && !p.Deleted() && p.Number != 1 && p.ThreadID == t.ID
}

// CanCloseDuplicate reports whether u may close the question t as a
// duplicate (or reopen it): moderators of its field.
func CanCloseDuplicate(u *store.User, t store.Thread) bool {
	return t.IsQuestion() && CanModerate(u, t.TopicFieldID)
}

// Questions to the programme management.

// IsPM reports whether u works in the programme management.
func IsPM(u *store.User) bool {
	return u != nil && u.Status == store.StatusActive && u.Role == store.RolePM
}

// CanSeePMQueue reports whether u sees the PM work queue.
func CanSeePMQueue(u *store.User) bool { return IsPM(u) }

// CanMarkOfficial reports whether u may mark p an official answer to the PM
// question t: pm users, on answers (not the question itself).
func CanMarkOfficial(u *store.User, t store.Thread, p store.Post) bool {
	return IsPM(u) && t.Kind == store.KindPM && !p.Deleted() && p.Number != 1 && p.ThreadID == t.ID
}

// CanAssign reports whether u may assign the PM question t or change its
// processing state: pm users.
func CanAssign(u *store.User, t store.Thread) bool {
	return IsPM(u) && t.Kind == store.KindPM
}
