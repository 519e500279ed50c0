package qa

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/input"
	"kommunalforum/internal/store"
)

// QA applies the rules of member questions: votes on answers, the accepted
// answer, and closing a question as a duplicate of another.
type QA struct {
	db *store.DB
}

// New returns the question-and-answer rules bound to a database.
func New(db *store.DB) *QA { return &QA{db: db} }

// maxDuplicateHops bounds following duplicate_of links; chains stay short
// because closing always points at the final question (see CloseDuplicate).
const maxDuplicateHops = 20

// Vote records u's vote on the answer postID: 1 (helpful), -1 (not
// helpful) or 0 (withdraw the vote). It returns the answer's new score.
// Voting the same value twice counts once.
func (q *QA) Vote(ctx context.Context, u *store.User, postID int64, value int) (int, error) {
	if value < -1 || value > 1 {
		var c input.Checker
		c.Add("value", "qa.error.vote_value")
		return 0, c.Err()
	}
	p, err := q.db.PostFor(ctx, auth.ReaderOf(u), postID)
	if err != nil {
		return 0, err
	}
	if p.Deleted() {
		return 0, store.ErrNotFound
	}
	t, err := q.db.ThreadFor(ctx, auth.ReaderOf(u), p.ThreadID)
	if err != nil {
		return 0, fmt.Errorf("thread of post %d: %w", postID, err)
	}
	if !auth.CanVote(u, t, p) {
		return 0, auth.ErrForbidden
	}
	return q.db.Vote(ctx, p.ID, u.ID, value)
}

// Accept makes postID the accepted answer of the question threadID (the
// asker or a moderator of the field decide; they may change their mind),
// or withdraws the acceptance when postID is 0. It returns the thread as
// it is afterwards. A post that is not a visible answer of this question
// is a validation error on post_id.
func (q *QA) Accept(ctx context.Context, u *store.User, threadID, postID int64) (store.Thread, error) {
	t, err := q.db.ThreadFor(ctx, auth.ReaderOf(u), threadID)
	if err != nil {
		return store.Thread{}, err
	}
	if !auth.CanChooseAnswer(u, t) {
		return store.Thread{}, auth.ErrForbidden
	}
	if postID != 0 {
		p, err := q.db.PostFor(ctx, auth.ReaderOf(u), postID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return store.Thread{}, err
		}
		if err != nil || !auth.CanAccept(u, t, p) {
			var c input.Checker
			c.Add("post_id", "qa.error.accept_post")
			return store.Thread{}, c.Err()
		}
	}
	// The store checks the post again inside its transaction: one deleted
	// meanwhile is ErrNotFound.
	if err := q.db.AcceptAnswer(ctx, u.ID, t.ID, postID); err != nil {
		return store.Thread{}, err
	}
	return q.db.ThreadFor(ctx, auth.ReaderOf(u), t.ID)
}

// CloseDuplicate closes the question threadID as a duplicate of the
// question canonicalID (moderators of its field), or reopens it when
// canonicalID is 0. It returns the thread as it is afterwards.
//
// The canonical question must be another visible question. When it was
// itself closed as a duplicate, the new duplicate points straight at the
// question that chain ends in, so readers are sent there in one step; a
// chain that leads back to threadID is refused.
func (q *QA) CloseDuplicate(ctx context.Context, u *store.User, threadID, canonicalID int64) (store.Thread, error) {
	t, err := q.db.ThreadFor(ctx, auth.ReaderOf(u), threadID)
	if err != nil {
		return store.Thread{}, err
	}
	if !auth.CanCloseDuplicate(u, t) {
		return store.Thread{}, auth.ErrForbidden
	}
	if canonicalID == 0 {
		if t.DuplicateOf == 0 {
			return t, nil // open already
		}
	} else {
		final, err := q.resolveCanonical(ctx, u, t, canonicalID)
		if err != nil {
			return store.Thread{}, err
		}
		if final.ID == t.DuplicateOf {
			return t, nil // closed like this already
		}
		canonicalID = final.ID
	}
	if err := q.db.CloseDuplicate(ctx, u.ID, t.ID, canonicalID); err != nil {
		return store.Thread{}, err
	}
	return q.db.ThreadFor(ctx, auth.ReaderOf(u), t.ID)
}

// resolveCanonical follows duplicate links from id to the question that is
// not itself a duplicate, checking each step.
func (q *QA) resolveCanonical(ctx context.Context, u *store.User, t store.Thread, id int64) (store.Thread, error) {
	invalid := func(key string) (store.Thread, error) {
		var c input.Checker
		c.Add("canonical", key)
		return store.Thread{}, c.Err()
	}
	for range maxDuplicateHops {
		if id == t.ID {
			return invalid("qa.error.canonical_self")
		}
		c, err := q.db.ThreadFor(ctx, auth.ReaderOf(u), id)
		if errors.Is(err, store.ErrNotFound) {
			return invalid("qa.error.canonical_missing")
		}
		if err != nil {
			return store.Thread{}, err
		}
		if !c.IsQuestion() {
			return invalid("qa.error.canonical_not_question")
		}
		if c.DuplicateOf == 0 {
			return c, nil
		}
		id = c.DuplicateOf
	}
	return invalid("qa.error.canonical_missing") // a chain this long is broken data
}

// ParseThreadRef reads the canonical question a moderator names: a thread
// ID ("12", "#12") or a thread address ("/t/12-slug", with or without
// scheme and host). Anything else is a validation error on field.
func ParseThreadRef(field, ref string) (int64, error) {
	ref = strings.TrimPrefix(strings.TrimSpace(ref), "#")
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil && id > 0 {
		return id, nil
	}
	if u, err := url.Parse(ref); err == nil {
		if _, rest, ok := strings.Cut("/"+strings.TrimPrefix(u.Path, "/"), "/t/"); ok {
			rest, _, _ = strings.Cut(rest, "/")
			rest, _, _ = strings.Cut(rest, "-")
			if id, err := strconv.ParseInt(rest, 10, 64); err == nil && id > 0 {
				return id, nil
			}
		}
	}
	var c input.Checker
	if ref == "" {
		c.Add(field, "error.input.required")
	} else {
		c.Add(field, "qa.error.canonical_ref")
	}
	return 0, c.Err()
}
