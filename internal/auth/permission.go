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

// CanWrite reports whether u may write at all: create threads and posts,
// edit, vote, flag, moderate. A suspended user reads but does not write.
func CanWrite(u *store.User) bool {
	return u != nil && u.Status == store.StatusActive && !u.Suspended()
}

// CanModerate reports whether u moderates the topic field: administrators
// everywhere, moderators in the fields assigned to them.
func CanModerate(u *store.User, fieldID int64) bool {
	if !CanWrite(u) {
		return false
	}
	return u.Role == store.RoleAdmin || (u.Role == store.RoleModerator && slices.Contains(u.ModFields, fieldID))
}

// ViewerOf is u as the store's read queries see a reader: what CanModerate
// allows decides which hidden and pending content shows. Authors see their
// own pending posts even while suspended.
//
// Protected areas: administrators see every field, everyone else the open
// fields and those of their groups (User.Groups); moderators need the
// membership too (User.ModFields holds only fields they may see).
func ViewerOf(u *store.User) store.Viewer {
	if u == nil {
		return store.Viewer{}
	}
	v := ReaderOf(u)
	v.UserID = u.ID
	switch {
	case !CanWrite(u):
	case u.Role == store.RoleAdmin:
		v.ModAll = true
	case u.Role == store.RoleModerator:
		v.ModFields = u.ModFields
	}
	return v
}

// ReaderOf is u as an ordinary reader: the protected areas u may see, but
// neither hidden and pending content nor u's own pending posts. Actions
// that work on published content only (votes, accepting, official answers)
// look it up this way.
func ReaderOf(u *store.User) store.Viewer {
	if u == nil {
		return store.Viewer{}
	}
	return store.Viewer{AllFields: u.Role == store.RoleAdmin, Groups: u.Groups}
}

// CanAdmin reports whether u administers the forum (topic fields, users).
func CanAdmin(u *store.User) bool {
	return u != nil && u.Status == store.StatusActive && u.Role == store.RoleAdmin
}

// CanCreateThread reports whether u may open a thread in the field.
func CanCreateThread(u *store.User, f store.TopicField) bool {
	return CanWrite(u) && !f.Archived()
}

// CanReply reports whether u may reply in the thread: locked and hidden
// threads and questions closed as duplicates take replies from nobody,
// moderators included (they unlock, unhide or reopen first).
func CanReply(u *store.User, t store.Thread) bool {
	return CanWrite(u) && !t.Locked && t.DuplicateOf == 0 && !t.Hidden()
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
// bodies of deleted, hidden and pending posts stay with their author and
// moderators.
func CanSeeRevisions(u *store.User, t store.Thread, p store.Post) bool {
	if !p.Deleted() && !p.Hidden() && !p.Pending {
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
// published answers to questions only, never on their own posts.
func CanVote(u *store.User, t store.Thread, p store.Post) bool {
	return CanWrite(u) && t.IsQuestion() && published(p) && p.AuthorID != u.ID && p.Number != 1
}

// published reports whether readers see the post with its text: not
// deleted, hidden or waiting for approval.
func published(p store.Post) bool { return !p.Deleted() && !p.Hidden() && !p.Pending }

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
	return CanChooseAnswer(u, t) && published(p) && p.Number != 1 && p.ThreadID == t.ID
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
	return CanWrite(u) && IsPM(u) && t.Kind == store.KindPM && published(p) && p.Number != 1 && p.ThreadID == t.ID
}

// CanAssign reports whether u may assign the PM question t or change its
// processing state: pm users.
func CanAssign(u *store.User, t store.Thread) bool {
	return CanWrite(u) && IsPM(u) && t.Kind == store.KindPM
}

// Moderation.

// CanReview reports whether u has a review queue and a moderation log:
// administrators, and moderators with at least one field.
func CanReview(u *store.User) bool {
	return CanWrite(u) && (u.Role == store.RoleAdmin || (u.Role == store.RoleModerator && len(u.ModFields) > 0))
}

// CanFlag reports whether u may flag the post: any member who may write,
// on published posts of others.
func CanFlag(u *store.User, t store.Thread, p store.Post) bool {
	return CanWrite(u) && published(p) && !t.Hidden() && p.AuthorID != u.ID
}

// CanMove reports whether u may move the thread into the field: moderators
// of both fields.
func CanMove(u *store.User, t store.Thread, to store.TopicField) bool {
	return CanModerate(u, t.TopicFieldID) && CanModerate(u, to.ID)
}

// CanSuspend reports whether u may suspend the target or lift its
// suspension: administrators anyone but administrators, moderators (with a
// field) members only; nobody themselves.
func CanSuspend(u *store.User, target store.User) bool {
	if !CanReview(u) || target.ID == u.ID {
		return false
	}
	if u.Role == store.RoleAdmin {
		return target.Role != store.RoleAdmin
	}
	return target.Role == store.RoleMember
}
