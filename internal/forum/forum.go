// Package forum owns threads and posts: the rules for opening a thread,
// replying, editing with revisions, soft deletion and locking, applied the
// same way for pages, the API and the command line.
package forum

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/input"
	"kommunalforum/internal/markup"
	"kommunalforum/internal/qa"
	"kommunalforum/internal/store"
)

// ErrLocked means the thread takes no replies.
var ErrLocked = store.ErrLocked

// Limits on user text, counted in characters.
const (
	MinTitle = 5
	MaxTitle = 150
	MinBody  = 2
	MaxBody  = 20000
)

// Forum applies the thread and post rules on top of the store.
type Forum struct {
	db     *store.DB
	pmDays int              // answer deadline of PM questions, in working days
	now    func() time.Time // the clock PM deadlines count from
	// approvalPosts is how many of a member's posts go through the
	// approval queue (0: none); see WithApprovalPosts.
	approvalPosts int
}

// New returns the forum rules bound to a database. pmDays is the answer
// deadline of questions to the programme management in working days.
func New(db *store.DB, pmDays int) *Forum { return &Forum{db: db, pmDays: pmDays, now: time.Now} }

// SetClock replaces the clock PM deadlines count from, like
// store.DB.SetClock, so content dated in the past (the demo) gets the
// deadline of the day it was asked.
func (f *Forum) SetClock(now func() time.Time) { f.now = now }

// WithApprovalPosts returns a copy of the rules under which a member's
// first n posts (opening posts and replies) wait in the approval queue
// until a moderator of the field approves them; 0 disables the queue.
// Moderators, pm users and administrators never wait. Questions to the
// programme management skip the queue: their answer deadline runs from
// the moment they are asked.
func (f *Forum) WithApprovalPosts(n int) *Forum {
	g := *f
	g.approvalPosts = n
	return &g
}

// needsApproval reports whether u's next post waits in the approval queue:
// u is a member with fewer than approvalPosts approved posts.
func (f *Forum) needsApproval(ctx context.Context, u *store.User) (bool, error) {
	if f.approvalPosts <= 0 || u.Role != store.RoleMember {
		return false, nil
	}
	n, err := f.db.ApprovedPostCount(ctx, u.ID, f.approvalPosts)
	if err != nil {
		return false, fmt.Errorf("approved posts of user %d: %w", u.ID, err)
	}
	return n < f.approvalPosts, nil
}

// ErrDuplicate means the question was closed as a duplicate and takes no answers.
var ErrDuplicate = store.ErrDuplicate

// Draft is a new thread's input after CheckThread: trimmed and validated.
type Draft struct {
	Field             store.TopicField
	Kind, Title, Body string
}

// CheckThread validates a new thread without creating it (the preview step
// uses it; CreateThread too): the kind (discussion, question or
// pm_question; "" is a discussion), an active topic field u may post in,
// title and body.
func (f *Forum) CheckThread(ctx context.Context, u *store.User, fieldSlug, kind, title, body string) (Draft, error) {
	if !auth.CanWrite(u) {
		return Draft{}, auth.ErrForbidden
	}
	var c input.Checker
	if kind == "" {
		kind = store.KindDiscussion
	}
	d := Draft{Kind: c.OneOf("kind", kind, store.Kinds)}
	field, err := f.db.TopicFieldFor(ctx, auth.ReaderOf(u), fieldSlug)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !auth.CanCreateThread(u, field)) {
		c.Add("topic_field", "error.forum.topic_field")
	} else if err != nil {
		return Draft{}, err
	}
	d.Field = field
	d.Title = c.Text("title", title, true, MinTitle, MaxTitle)
	d.Body = c.Multiline("body", body, true, MinBody, MaxBody)
	return d, c.Err()
}

// CreateThread opens a thread of the given kind in the topic field with the
// given slug; a question to the programme management gets its deadline. A
// new member's thread waits for approval (Thread.Pending).
func (f *Forum) CreateThread(ctx context.Context, u *store.User, fieldSlug, kind, title, body string) (store.Thread, int64, error) {
	d, err := f.CheckThread(ctx, u, fieldSlug, kind, title, body)
	if err != nil {
		return store.Thread{}, 0, err
	}
	nt := store.NewThread{TopicFieldID: d.Field.ID, AuthorID: u.ID, Kind: d.Kind, Title: d.Title,
		Slug: Slugify(d.Title), Body: d.Body, BodyHTML: markup.Render(d.Body)}
	if d.Kind == store.KindPM {
		nt.PMDueAt = qa.DueDate(f.now(), f.pmDays)
	} else if nt.Pending, err = f.needsApproval(ctx, u); err != nil {
		return store.Thread{}, 0, err
	}
	tid, pid, err := f.db.CreateThread(ctx, nt)
	if err != nil {
		return store.Thread{}, 0, err
	}
	t, err := f.db.ThreadFor(ctx, auth.ViewerOf(u), tid)
	return t, pid, err
}

// Reply appends a post to a thread; a new member's reply waits for approval.
func (f *Forum) Reply(ctx context.Context, u *store.User, threadID int64, body string) (int64, error) {
	t, err := f.db.ThreadFor(ctx, auth.ViewerOf(u), threadID)
	if err != nil {
		return 0, err
	}
	if !auth.CanWrite(u) {
		return 0, auth.ErrForbidden
	}
	if t.Locked {
		return 0, ErrLocked
	}
	if t.DuplicateOf != 0 {
		return 0, ErrDuplicate
	}
	if t.Hidden() {
		return 0, auth.ErrForbidden
	}
	var c input.Checker
	body = c.Multiline("body", body, true, MinBody, MaxBody)
	if err := c.Err(); err != nil {
		return 0, err
	}
	pending, err := f.needsApproval(ctx, u)
	if err != nil {
		return 0, err
	}
	// The store re-checks the lock inside its transaction, so a thread locked
	// a moment ago still refuses the reply.
	return f.db.AddPost(ctx, store.NewPost{ThreadID: t.ID, AuthorID: u.ID, Body: body, BodyHTML: markup.Render(body), Pending: pending})
}

// EditPost replaces a post's body; the previous version becomes a revision.
func (f *Forum) EditPost(ctx context.Context, u *store.User, postID int64, body string) (store.Post, error) {
	p, t, err := f.postInThread(ctx, u, postID)
	if err != nil {
		return store.Post{}, err
	}
	if p.Deleted() {
		return store.Post{}, store.ErrNotFound
	}
	if !auth.CanEditPost(u, t, p) {
		if u != nil && t.Locked && p.AuthorID == u.ID {
			return store.Post{}, ErrLocked
		}
		return store.Post{}, auth.ErrForbidden
	}
	var c input.Checker
	body = c.Multiline("body", body, true, MinBody, MaxBody)
	if err := c.Err(); err != nil {
		return store.Post{}, err
	}
	if body == p.Body {
		return p, nil // nothing changed: no empty revision
	}
	if err := f.db.EditPost(ctx, p.ID, u.ID, body, markup.Render(body)); err != nil {
		return store.Post{}, err
	}
	return f.db.PostFor(ctx, auth.ViewerOf(u), p.ID)
}

// DeletePost soft-deletes a post.
func (f *Forum) DeletePost(ctx context.Context, u *store.User, postID int64) (store.Post, error) {
	p, t, err := f.postInThread(ctx, u, postID)
	if err != nil {
		return store.Post{}, err
	}
	if p.Deleted() {
		return store.Post{}, store.ErrNotFound
	}
	if !auth.CanDeletePost(u, t, p) {
		if u != nil && t.Locked && p.AuthorID == u.ID {
			return store.Post{}, ErrLocked
		}
		return store.Post{}, auth.ErrForbidden
	}
	return p, f.db.DeletePost(ctx, p.ID, u.ID)
}

// SetLocked locks or unlocks a thread (moderators of its field); the
// reason (may be empty) goes into the audit log.
func (f *Forum) SetLocked(ctx context.Context, u *store.User, threadID int64, locked bool, reason string) error {
	t, err := f.db.ThreadFor(ctx, auth.ViewerOf(u), threadID)
	if err != nil {
		return err
	}
	if !auth.CanLock(u, t) {
		return auth.ErrForbidden
	}
	action := store.ThreadUnlock
	if locked {
		action = store.ThreadLock
	}
	return f.db.ModerateThread(ctx, u.ID, t.ID, action, reason)
}

// postInThread loads a post and its (not deleted) thread as u sees them.
func (f *Forum) postInThread(ctx context.Context, u *store.User, postID int64) (store.Post, store.Thread, error) {
	v := auth.ViewerOf(u)
	p, err := f.db.PostFor(ctx, v, postID)
	if err != nil {
		return store.Post{}, store.Thread{}, err
	}
	t, err := f.db.ThreadFor(ctx, v, p.ThreadID)
	if err != nil {
		return store.Post{}, store.Thread{}, fmt.Errorf("thread of post %d: %w", postID, err)
	}
	return p, t, nil
}

var transliterations = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "Ä", "ae", "Ö", "oe", "Ü", "ue", "&", "und")

// Slugify makes the readable part of a thread URL: lower case ASCII words
// joined by hyphens, German umlauts transliterated, at most 60 characters.
// It is decoration only; the ID in the URL finds the thread.
func Slugify(title string) string {
	s := transliterations.Replace(strings.ToLower(title))
	var b strings.Builder
	dash := false
	for _, r := range s {
		if b.Len() >= 60 {
			break
		}
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > 60 {
		out = strings.Trim(out[:60], "-")
	}
	if out == "" {
		return "thema"
	}
	return out
}
