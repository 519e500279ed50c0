package qa

import (
	"context"
	"errors"
	"fmt"
	"time"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/input"
	"kommunalforum/internal/store"
)

// DefaultAnsweringBody names the answering body of official answers by pm
// users whose account has no organisation.
const DefaultAnsweringBody = "OZG-Programmmanagement"

// Limits of the answering body, in characters.
const (
	MinAnsweringBody = 2
	MaxAnsweringBody = 120
)

// PM applies the rules of questions to the programme management: who may
// mark official answers, assign questions and change their state, and who
// sees the work queue.
type PM struct {
	db          *store.DB
	defaultBody string
}

// NewPM returns the PM rules bound to a database. defaultBody is the
// answering body of official answers when neither the request nor the pm
// user's organisation names one (e.g. DefaultAnsweringBody).
func NewPM(db *store.DB, defaultBody string) *PM {
	return &PM{db: db, defaultBody: defaultBody}
}

// MarkOfficial marks the answer postID as the official answer of its PM
// question and returns the post. answeringBody may be empty: then the pm
// user's organisation answers, or else the default body.
func (pm *PM) MarkOfficial(ctx context.Context, u *store.User, postID int64, answeringBody string) (store.Post, error) {
	p, err := pm.db.PostFor(ctx, auth.ReaderOf(u), postID)
	if err != nil {
		return store.Post{}, err
	}
	if p.Deleted() {
		return store.Post{}, store.ErrNotFound
	}
	t, err := pm.db.ThreadFor(ctx, auth.ReaderOf(u), p.ThreadID)
	if err != nil {
		return store.Post{}, fmt.Errorf("thread of post %d: %w", postID, err)
	}
	if !auth.CanMarkOfficial(u, t, p) {
		return store.Post{}, auth.ErrForbidden
	}
	var c input.Checker
	answeringBody = c.Text("answering_body", answeringBody, false, MinAnsweringBody, MaxAnsweringBody)
	if err := c.Err(); err != nil {
		return store.Post{}, err
	}
	if answeringBody == "" {
		answeringBody = pm.defaultBody
		if u.OrgName != "" {
			answeringBody = u.OrgName
		}
	}
	if err := pm.db.MarkOfficial(ctx, u.ID, p.ID, answeringBody); err != nil {
		return store.Post{}, err
	}
	return pm.db.PostFor(ctx, auth.ReaderOf(u), p.ID)
}

// Assign hands the PM question threadID to the pm user assigneeID and
// returns the thread. The assignee must be an active pm user.
func (pm *PM) Assign(ctx context.Context, u *store.User, threadID, assigneeID int64) (store.Thread, error) {
	t, err := pm.pmThread(ctx, u, threadID)
	if err != nil {
		return store.Thread{}, err
	}
	a, err := pm.db.UserByID(ctx, assigneeID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !auth.IsPM(&a)) {
		var c input.Checker
		c.Add("assignee", "pm.error.assignee")
		return store.Thread{}, c.Err()
	}
	if err != nil {
		return store.Thread{}, err
	}
	if err := pm.db.AssignPM(ctx, u.ID, t.ID, a.ID); err != nil {
		return store.Thread{}, err
	}
	return pm.db.ThreadFor(ctx, auth.ReaderOf(u), t.ID)
}

// AssignEmail is Assign with the assignee named by email address.
func (pm *PM) AssignEmail(ctx context.Context, u *store.User, threadID int64, email string) (store.Thread, error) {
	if _, err := pm.pmThread(ctx, u, threadID); err != nil {
		return store.Thread{}, err
	}
	var c input.Checker
	email = c.Email("assignee", email)
	if err := c.Err(); err != nil {
		return store.Thread{}, err
	}
	a, err := pm.db.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		c.Add("assignee", "pm.error.assignee")
		return store.Thread{}, c.Err()
	}
	if err != nil {
		return store.Thread{}, err
	}
	return pm.Assign(ctx, u, threadID, a.ID)
}

// SetStatus moves the PM question threadID to neu or in_bearbeitung and
// returns it. beantwortet is reached only by an official answer, and an
// answered question keeps its state.
func (pm *PM) SetStatus(ctx context.Context, u *store.User, threadID int64, status string) (store.Thread, error) {
	t, err := pm.pmThread(ctx, u, threadID)
	if err != nil {
		return store.Thread{}, err
	}
	var c input.Checker
	status = c.OneOf("status", status, []string{store.PMNew, store.PMWorking})
	if c.Err() == nil && t.PMStatus == store.PMAnswered {
		c.Add("status", "pm.error.answered")
	}
	if err := c.Err(); err != nil {
		return store.Thread{}, err
	}
	if err := pm.db.SetPMStatus(ctx, u.ID, t.ID, status); err != nil {
		return store.Thread{}, err
	}
	return pm.db.ThreadFor(ctx, auth.ReaderOf(u), t.ID)
}

// pmThread loads a PM question that u may assign.
func (pm *PM) pmThread(ctx context.Context, u *store.User, threadID int64) (store.Thread, error) {
	t, err := pm.db.ThreadFor(ctx, auth.ReaderOf(u), threadID)
	if err != nil {
		return store.Thread{}, err
	}
	if !auth.CanAssign(u, t) {
		return store.Thread{}, auth.ErrForbidden
	}
	return t, nil
}

// QueueFilter is the work queue's filter as the user chose it; zero
// values match everything.
type QueueFilter struct {
	Status    string // neu, in_bearbeitung or beantwortet
	FieldSlug string
	Overdue   bool
}

// Queue returns one page of the PM work queue at now with the number of
// matches. Only pm users see it. An unknown status or topic field is a
// validation error on "status" or "topic_field".
func (pm *PM) Queue(ctx context.Context, u *store.User, f QueueFilter, now time.Time, limit, offset int) ([]store.Thread, int, error) {
	if !auth.CanSeePMQueue(u) {
		return nil, 0, auth.ErrForbidden
	}
	var c input.Checker
	sf := store.PMFilter{Overdue: f.Overdue}
	if f.Status != "" {
		sf.Status = c.OneOf("status", f.Status, store.PMStates)
	}
	if f.FieldSlug != "" {
		field, err := pm.db.TopicFieldBySlug(ctx, f.FieldSlug)
		switch {
		case errors.Is(err, store.ErrNotFound):
			c.Add("topic_field", "pm.error.topic_field")
		case err != nil:
			return nil, 0, err
		}
		sf.FieldID = field.ID
	}
	if err := c.Err(); err != nil {
		return nil, 0, err
	}
	return pm.db.PMQueue(ctx, auth.ReaderOf(u), sf, now, limit, offset)
}

// Stats returns the public statistics: per topic field, then overall.
func (pm *PM) Stats(ctx context.Context) ([]store.PMFieldStats, error) {
	return pm.db.PMStats(ctx)
}
