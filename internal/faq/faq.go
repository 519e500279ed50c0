// Package faq owns the curated FAQ of each topic field: who manages its
// entries (the field's moderators and the admins, via auth.CanModerate),
// what readers see (published entries only), promoting an accepted or
// official answer into an entry, the input checks, state changes, order,
// and the line diff between two revisions. Pages and the API call the same
// functions.
package faq

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/input"
	"kommunalforum/internal/markup"
	"kommunalforum/internal/store"
)

// Limits on an entry's text, counted in characters.
const (
	MinQuestion = 5
	MaxQuestion = 200
	MinAnswer   = 2
	MaxAnswer   = 20000
)

// FAQ applies the FAQ rules on top of the store.
type FAQ struct {
	db  *store.DB
	now func() time.Time // "today" for review dates
}

// New returns the FAQ rules bound to a database.
func New(db *store.DB) *FAQ { return &FAQ{db: db, now: time.Now} }

// SetClock replaces the clock that decides which review dates lie in the past.
func (f *FAQ) SetClock(now func() time.Time) { f.now = now }

// CanManage reports whether u curates the FAQ of the field: create, edit,
// publish, archive, reorder, promote and see drafts and history. These are
// the field's moderators and the admins.
func CanManage(u *store.User, fieldID int64) bool { return auth.CanModerate(u, fieldID) }

// CanRead reports whether u may see the entry: published entries are for
// every reader, the others for those who manage the field.
func CanRead(u *store.User, e store.FAQEntry) bool {
	return e.Published() || CanManage(u, e.TopicFieldID)
}

// Promotable reports whether p may become an FAQ entry: the accepted
// answer of a member question, or an official answer to a PM question.
func Promotable(t store.Thread, p store.Post) bool {
	// Hidden or withheld text is not the forum's curated knowledge.
	if p.Deleted() || p.Hidden() || p.Withheld || p.Pending || p.ThreadID != t.ID {
		return false
	}
	switch t.Kind {
	case store.KindQuestion:
		return t.AcceptedPostID == p.ID
	case store.KindPM:
		return p.Official()
	}
	return false
}

// CanPromote reports whether u may promote p of thread t to the FAQ.
func CanPromote(u *store.User, t store.Thread, p store.Post) bool {
	return CanManage(u, t.TopicFieldID) && Promotable(t, p)
}

// Input is an entry as a moderator writes it. ReviewBy is a date as
// "2006-01-02" (what <input type=date> sends) or "02.01.2006"; empty for none.
type Input struct {
	Question string
	Answer   string
	ReviewBy string
}

// Entry returns the entry if u may see it; otherwise ErrNotFound, as if it
// did not exist.
func (f *FAQ) Entry(ctx context.Context, u *store.User, id int64) (store.FAQEntry, error) {
	e, err := f.db.FAQEntryByID(ctx, auth.ViewerOf(u), id)
	if err != nil {
		return store.FAQEntry{}, err
	}
	if !CanRead(u, e) {
		return store.FAQEntry{}, store.ErrNotFound
	}
	return e, nil
}

// Field returns the topic field and the entries of its FAQ u sees: the
// published ones in order, or every entry (archived last) for those who
// manage the field.
func (f *FAQ) Field(ctx context.Context, u *store.User, slug string) (store.TopicField, []store.FAQEntry, error) {
	field, err := f.db.TopicFieldFor(ctx, auth.ViewerOf(u), slug)
	if err != nil {
		return store.TopicField{}, nil, err
	}
	es, err := f.db.FAQEntriesByField(ctx, field.ID, CanManage(u, field.ID))
	return field, es, err
}

// ThreadEntries returns the entries promoted from answers in t that u
// sees: the published ones, or for those who manage the field all but the
// archived ones.
func (f *FAQ) ThreadEntries(ctx context.Context, u *store.User, t store.Thread) ([]store.FAQEntry, error) {
	return f.db.FAQEntriesByThread(ctx, t.ID, CanManage(u, t.TopicFieldID))
}

// Create writes a new entry in the field with the given slug, owned by u,
// as a draft or, with publish, published at once.
func (f *FAQ) Create(ctx context.Context, u *store.User, fieldSlug string, in Input, publish bool) (store.FAQEntry, error) {
	if u == nil {
		return store.FAQEntry{}, auth.ErrForbidden
	}
	var c input.Checker
	field, err := f.db.TopicFieldFor(ctx, auth.ViewerOf(u), strings.TrimSpace(fieldSlug))
	switch {
	case errors.Is(err, store.ErrNotFound):
		c.Add("topic_field", "faq.error.topic_field")
	case err != nil:
		return store.FAQEntry{}, err
	case !CanManage(u, field.ID):
		return store.FAQEntry{}, auth.ErrForbidden
	}
	up := f.check(&c, in, time.Time{})
	if err := c.Err(); err != nil {
		return store.FAQEntry{}, err
	}
	id, err := f.db.CreateFAQEntry(ctx, store.NewFAQEntry{TopicFieldID: field.ID, OwnerID: u.ID, Question: up.Question,
		Answer: up.Answer, AnswerHTML: up.AnswerHTML, ReviewBy: up.ReviewBy, Publish: publish})
	if err != nil {
		return store.FAQEntry{}, err
	}
	return f.db.FAQEntryByID(ctx, auth.ViewerOf(u), id)
}

// Promote turns the answer postID into an entry of its thread's field,
// owned by u: the question is the thread's title, the answer the post's
// Markdown, and the entry links back to both. It is a draft unless
// publish is set. Only the accepted answer of a question or an official
// answer can be promoted, and each answer once (while its entry is not
// archived); both are validation errors on from_post.
func (f *FAQ) Promote(ctx context.Context, u *store.User, postID int64, publish bool) (store.FAQEntry, error) {
	p, err := f.db.PostFor(ctx, auth.ViewerOf(u), postID)
	if err != nil {
		return store.FAQEntry{}, err
	}
	if p.Deleted() {
		return store.FAQEntry{}, store.ErrNotFound
	}
	t, err := f.db.ThreadFor(ctx, auth.ViewerOf(u), p.ThreadID)
	if err != nil {
		return store.FAQEntry{}, fmt.Errorf("thread of post %d: %w", postID, err)
	}
	if !CanManage(u, t.TopicFieldID) {
		return store.FAQEntry{}, auth.ErrForbidden
	}
	var c input.Checker
	if !Promotable(t, p) {
		c.Add("from_post", "faq.error.not_promotable")
		return store.FAQEntry{}, c.Err()
	}
	switch _, err := f.db.FAQEntryBySourcePost(ctx, p.ID); {
	case err == nil:
		c.Add("from_post", "faq.error.already_promoted")
		return store.FAQEntry{}, c.Err()
	case !errors.Is(err, store.ErrNotFound):
		return store.FAQEntry{}, err
	}
	// A title is 5–150 characters and a body at most 20,000, so the
	// prefill fits the limits; checking keeps that true if they change.
	up := f.check(&c, Input{Question: t.Title, Answer: p.Body}, time.Time{})
	if err := c.Err(); err != nil {
		return store.FAQEntry{}, err
	}
	id, err := f.db.CreateFAQEntry(ctx, store.NewFAQEntry{TopicFieldID: t.TopicFieldID, OwnerID: u.ID, Question: up.Question,
		Answer: up.Answer, AnswerHTML: up.AnswerHTML, SourceThreadID: t.ID, SourcePostID: p.ID, Publish: publish})
	if err != nil {
		return store.FAQEntry{}, err
	}
	return f.db.FAQEntryByID(ctx, auth.ViewerOf(u), id)
}

// Update saves a new version of the entry's question and answer and its
// review date (a changed question or answer becomes a revision).
func (f *FAQ) Update(ctx context.Context, u *store.User, id int64, in Input) (store.FAQEntry, error) {
	e, err := f.Manage(ctx, u, id)
	if err != nil {
		return store.FAQEntry{}, err
	}
	var c input.Checker
	up := f.check(&c, in, e.ReviewBy)
	if err := c.Err(); err != nil {
		return store.FAQEntry{}, err
	}
	if err := f.db.UpdateFAQEntry(ctx, u.ID, e.ID, up); err != nil {
		return store.FAQEntry{}, err
	}
	return f.db.FAQEntryByID(ctx, auth.ViewerOf(u), e.ID)
}

// SetState publishes (store.FAQPublished), withdraws (store.FAQDraft),
// archives (store.FAQArchived) or flags for review (store.FAQNeedsReview)
// the entry. Every state can be reached from every other: an archived
// entry comes back at the end of its field's order.
func (f *FAQ) SetState(ctx context.Context, u *store.User, id int64, state string) (store.FAQEntry, error) {
	e, err := f.Manage(ctx, u, id)
	if err != nil {
		return store.FAQEntry{}, err
	}
	var c input.Checker
	c.OneOf("state", state, store.FAQStates)
	if err := c.Err(); err != nil {
		return store.FAQEntry{}, err
	}
	if err := f.db.SetFAQState(ctx, u.ID, e.ID, state); err != nil {
		return store.FAQEntry{}, err
	}
	return f.db.FAQEntryByID(ctx, auth.ViewerOf(u), e.ID)
}

// Move shifts the entry delta places within its field's order (-1 up,
// +1 down); at either end it stays where it is.
func (f *FAQ) Move(ctx context.Context, u *store.User, id int64, delta int) (store.FAQEntry, error) {
	e, err := f.Manage(ctx, u, id)
	if err != nil {
		return store.FAQEntry{}, err
	}
	return f.place(ctx, u, e, max(e.Position+delta, 1))
}

// Place moves the entry to the 1-based position within its field's order
// (a position past the end means the last place).
func (f *FAQ) Place(ctx context.Context, u *store.User, id int64, position int) (store.FAQEntry, error) {
	e, err := f.Manage(ctx, u, id)
	if err != nil {
		return store.FAQEntry{}, err
	}
	return f.place(ctx, u, e, position)
}

func (f *FAQ) place(ctx context.Context, u *store.User, e store.FAQEntry, position int) (store.FAQEntry, error) {
	var c input.Checker
	if position < 1 {
		c.Add("position", "faq.error.position")
	} else if e.Archived() {
		c.Add("position", "faq.error.position_archived")
	}
	if err := c.Err(); err != nil {
		return store.FAQEntry{}, err
	}
	if err := f.db.PlaceFAQEntry(ctx, u.ID, e.ID, position); err != nil {
		return store.FAQEntry{}, err
	}
	return f.db.FAQEntryByID(ctx, auth.ViewerOf(u), e.ID)
}

// Revisions returns the entry with every saved version, oldest first:
// the history is for those who manage the field.
func (f *FAQ) Revisions(ctx context.Context, u *store.User, id int64) (store.FAQEntry, []store.FAQRevision, error) {
	e, err := f.Manage(ctx, u, id)
	if err != nil {
		return store.FAQEntry{}, nil, err
	}
	rs, err := f.db.FAQRevisions(ctx, e.ID)
	return e, rs, err
}

// Patch is a partial change of an entry (PATCH /api/v1/faqs/:id); nil
// fields stay as they are.
type Patch struct {
	Question *string
	Answer   *string
	ReviewBy *string // "" clears the date
	State    *string
	Position *int
}

// Patch checks all of p first, then saves the text (a new version), the
// state and the position in that order, so a request that fails
// validation changes nothing; an entry leaving the archive can be placed
// in the same request.
func (f *FAQ) Patch(ctx context.Context, u *store.User, id int64, p Patch) (store.FAQEntry, error) {
	e, err := f.Manage(ctx, u, id)
	if err != nil {
		return store.FAQEntry{}, err
	}
	in := Input{Question: e.Question, Answer: e.Answer}
	if !e.ReviewBy.IsZero() {
		in.ReviewBy = e.ReviewBy.Format(time.DateOnly)
	}
	text := p.Question != nil || p.Answer != nil || p.ReviewBy != nil
	if p.Question != nil {
		in.Question = *p.Question
	}
	if p.Answer != nil {
		in.Answer = *p.Answer
	}
	if p.ReviewBy != nil {
		in.ReviewBy = *p.ReviewBy
	}
	var c input.Checker
	up := f.check(&c, in, e.ReviewBy)
	state := e.State
	if p.State != nil {
		state = c.OneOf("state", *p.State, store.FAQStates)
	}
	if p.Position != nil {
		if *p.Position < 1 {
			c.Add("position", "faq.error.position")
		} else if state == store.FAQArchived {
			c.Add("position", "faq.error.position_archived")
		}
	}
	if err := c.Err(); err != nil {
		return store.FAQEntry{}, err
	}
	if text {
		if err := f.db.UpdateFAQEntry(ctx, u.ID, e.ID, up); err != nil {
			return store.FAQEntry{}, err
		}
	}
	if p.State != nil {
		if err := f.db.SetFAQState(ctx, u.ID, e.ID, state); err != nil {
			return store.FAQEntry{}, err
		}
	}
	if p.Position != nil {
		if err := f.db.PlaceFAQEntry(ctx, u.ID, e.ID, *p.Position); err != nil {
			return store.FAQEntry{}, err
		}
	}
	return f.db.FAQEntryByID(ctx, auth.ViewerOf(u), e.ID)
}

// Manage returns the entry for u to change (its edit form, say). Those
// who may not manage it get auth.ErrForbidden for a published entry and
// store.ErrNotFound for one they cannot see at all.
func (f *FAQ) Manage(ctx context.Context, u *store.User, id int64) (store.FAQEntry, error) {
	e, err := f.db.FAQEntryByID(ctx, auth.ViewerOf(u), id)
	if err != nil {
		return store.FAQEntry{}, err
	}
	if !CanManage(u, e.TopicFieldID) {
		if CanRead(u, e) {
			return store.FAQEntry{}, auth.ErrForbidden
		}
		return store.FAQEntry{}, store.ErrNotFound
	}
	return e, nil
}

// check validates an entry's text and review date into c. A review date
// must not lie in the past, unless it is the one stored already (current),
// so saving an overdue entry's answer does not force a new date.
func (f *FAQ) check(c *input.Checker, in Input, current time.Time) store.FAQUpdate {
	up := store.FAQUpdate{
		Question: c.Text("question", in.Question, true, MinQuestion, MaxQuestion),
		Answer:   c.Multiline("answer", in.Answer, true, MinAnswer, MaxAnswer),
	}
	up.AnswerHTML = markup.Render(up.Answer)
	if v := strings.TrimSpace(in.ReviewBy); v != "" {
		d, ok := parseDate(v)
		switch {
		case !ok:
			c.Add("review_by", "faq.error.review_by_format")
		case d.Before(today(f.now())) && !d.Equal(current):
			c.Add("review_by", "faq.error.review_by_past")
		default:
			up.ReviewBy = d
		}
	}
	return up
}

// parseDate reads a calendar date as midnight UTC (how the store keeps it).
func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.DateOnly, "2.1.2006"} { // "2.1.2006" also reads 02.01.2006
		if d, err := time.Parse(layout, s); err == nil {
			return d, true
		}
	}
	return time.Time{}, false
}

// berlin is the forum's calendar: "today" begins at midnight in Germany.
var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()

// today is the date of now in Germany, as midnight UTC like parseDate.
func today(now time.Time) time.Time {
	y, m, d := now.In(berlin).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
