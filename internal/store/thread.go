package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrLocked means the thread takes no new posts.
var ErrLocked = errors.New("thread locked")

// ErrDuplicate means the question was closed as a duplicate of another and
// takes no new answers.
var ErrDuplicate = errors.New("question closed as duplicate")

// Thread kinds.
const (
	KindDiscussion = "discussion"
	KindQuestion   = "question"
	KindPM         = "pm_question" // a question to the programme management
)

// Kinds lists the thread kinds.
var Kinds = []string{KindDiscussion, KindQuestion, KindPM}

// States of a PM question.
const (
	PMNew      = "neu"
	PMWorking  = "in_bearbeitung"
	PMAnswered = "beantwortet"
)

// Question states as shown to readers (and used by filters and the API).
const (
	StatusOpen     = "offen"
	StatusAnswered = "beantwortet"
	StatusSolved   = "geloest"
)

// Thread is a discussion in a topic field.
type Thread struct {
	ID           int64
	TopicFieldID int64
	FieldSlug    string
	FieldName    string
	AuthorID     int64
	AuthorName   string
	Title        string
	Slug         string
	Locked       bool
	PostCount    int // visible posts, the opening post included
	LastPostAt   time.Time
	CreatedAt    time.Time

	Kind           string // KindDiscussion, KindQuestion or KindPM
	AcceptedPostID int64  // 0 when no answer is accepted
	DuplicateOf    int64  // 0 unless closed as a duplicate of that thread
	PMStatus       string // PMNew, PMWorking, PMAnswered; "" for other kinds
	PMAssigneeID   int64
	PMAssigneeName string
	PMDueAt        time.Time // answer deadline of a PM question
	PMAnsweredAt   time.Time // first official answer

	Pinned       bool      // leads its field's list
	HiddenAt     time.Time // hidden by the moderation: only the field's moderators see it
	HiddenReason string
	Pending      bool // the opening post waits for approval: only its author and the field's moderators see it

	FieldGroupID int64 // the group the field is restricted to (a protected area); 0 when open
}

// Hidden reports whether the moderation hid the thread.
func (t Thread) Hidden() bool { return !t.HiddenAt.IsZero() }

// IsQuestion reports whether the thread is a question (to members or to the PM).
func (t Thread) IsQuestion() bool { return t.Kind == KindQuestion || t.Kind == KindPM }

// Status is a question's state for readers: offen, beantwortet or geloest.
// A PM question is beantwortet once it has an official answer; a member
// question once it has an answer, geloest once one is accepted.
// Discussions have no status ("").
func (t Thread) Status() string {
	switch {
	case t.Kind == KindPM && t.PMStatus == PMAnswered:
		return StatusAnswered
	case t.Kind == KindPM:
		return StatusOpen
	case t.Kind != KindQuestion:
		return ""
	case t.AcceptedPostID != 0:
		return StatusSolved
	case t.PostCount > 1:
		return StatusAnswered
	}
	return StatusOpen
}

// Overdue reports whether a PM question is past its deadline unanswered.
func (t Thread) Overdue(now time.Time) bool {
	return t.Kind == KindPM && t.PMStatus != PMAnswered && !t.PMDueAt.IsZero() && now.After(t.PMDueAt)
}

// Replies is the number of visible answers after the opening post.
func (t Thread) Replies() int { return max(0, t.PostCount-1) }

// URL is the thread's stable, readable address.
func (t Thread) URL() string { return fmt.Sprintf("/t/%d-%s", t.ID, t.Slug) }

const threadCols = `t.id, t.topic_field_id, f.slug, f.name, t.author_id, u.display_name, t.title, t.slug,
	t.locked, t.post_count, t.last_post_at, t.created_at, t.kind, COALESCE(t.accepted_post_id, 0),
	COALESCE(t.duplicate_of, 0), t.pm_status, COALESCE(t.pm_assignee_id, 0), COALESCE(pa.display_name, ''),
	t.pm_due_at, t.pm_answered_at, t.pinned, t.hidden_at, t.hidden_reason, NOT t.approved, COALESCE(f.group_id, 0)`

const threadFrom = ` FROM threads t JOIN topic_fields f ON f.id = t.topic_field_id JOIN users u ON u.id = t.author_id
	LEFT JOIN users pa ON pa.id = t.pm_assignee_id`

func scanThread(row rowScanner) (Thread, error) {
	var t Thread
	var last, created int64
	var due, answered, hidden sql.NullInt64
	err := row.Scan(&t.ID, &t.TopicFieldID, &t.FieldSlug, &t.FieldName, &t.AuthorID, &t.AuthorName, &t.Title, &t.Slug,
		&t.Locked, &t.PostCount, &last, &created, &t.Kind, &t.AcceptedPostID, &t.DuplicateOf, &t.PMStatus,
		&t.PMAssigneeID, &t.PMAssigneeName, &due, &answered, &t.Pinned, &hidden, &t.HiddenReason, &t.Pending, &t.FieldGroupID)
	if err != nil {
		return Thread{}, mapErr(err)
	}
	t.LastPostAt, t.CreatedAt = fromMS(last), fromMS(created)
	t.PMDueAt, t.PMAnsweredAt, t.HiddenAt = fromNullMS(due), fromNullMS(answered), fromNullMS(hidden)
	return t, nil
}

func (db *DB) queryThreads(ctx context.Context, q string, args ...any) ([]Thread, error) {
	return scanThreads(db.read.QueryContext(ctx, q, args...))
}

// scanThreads reads the threads of a query's rows.
func scanThreads(rows *sql.Rows, err error) ([]Thread, error) {
	return scanAll(rows, err, scanThread)
}

// ThreadByID returns a thread that is not deleted, as every reader sees
// it: hidden threads and threads waiting for approval are ErrNotFound.
// ThreadFor shows them to those who may see them.
func (db *DB) ThreadByID(ctx context.Context, id int64) (Thread, error) {
	return db.ThreadFor(ctx, Viewer{}, id)
}

// ThreadFor returns a thread that is not deleted if v may see it, else
// ErrNotFound: a hidden thread shows to its field's moderators only, one
// waiting for approval also to its author.
func (db *DB) ThreadFor(ctx context.Context, v Viewer, id int64) (Thread, error) {
	t, err := scanThread(db.readQueryRow(ctx, "SELECT "+threadCols+threadFrom+" WHERE t.id = ? AND t.deleted_at IS NULL", id))
	if err != nil {
		return Thread{}, err
	}
	if !v.seesThread(t) {
		return Thread{}, ErrNotFound
	}
	return t, nil
}

// listed is the condition of every thread list and count: not deleted, not
// hidden, not waiting for approval.
const listed = `t.deleted_at IS NULL AND t.hidden_at IS NULL AND t.approved = 1`

// ThreadsByField lists a field's threads v may see, pinned ones first,
// then newest activity first, with the total count.
func (db *DB) ThreadsByField(ctx context.Context, v Viewer, fieldID int64, limit, offset int) ([]Thread, int, error) {
	vis := " AND " + v.SeesField("t.topic_field_id")
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM threads t WHERE t.topic_field_id = ? AND `+listed+vis, fieldID).Scan(&total); err != nil {
		return nil, 0, err
	}
	ts, err := db.queryThreads(ctx, "SELECT "+threadCols+threadFrom+` WHERE t.topic_field_id = ? AND `+listed+vis+`
		ORDER BY t.pinned DESC, t.last_post_at DESC, t.id DESC LIMIT ? OFFSET ?`, fieldID, limit, offset)
	return ts, total, err
}

// LatestThreads lists the threads v may see with the newest activity in
// active fields.
func (db *DB) LatestThreads(ctx context.Context, v Viewer, limit int) ([]Thread, error) {
	// The home page asks on every view, hence the statement cache.
	return scanThreads(db.readQueryFor(ctx, v, "SELECT "+threadCols+threadFrom+` WHERE `+listed+` AND f.archived_at IS NULL AND `+v.SeesField("t.topic_field_id")+`
		ORDER BY t.last_post_at DESC, t.id DESC LIMIT ?`, limit))
}

// ThreadsByAuthor lists a user's threads v may see, newest first.
func (db *DB) ThreadsByAuthor(ctx context.Context, v Viewer, userID int64, limit int) ([]Thread, error) {
	return db.queryThreads(ctx, "SELECT "+threadCols+threadFrom+` WHERE t.author_id = ? AND `+listed+` AND `+v.SeesField("t.topic_field_id")+`
		ORDER BY t.id DESC LIMIT ?`, userID, limit)
}

// NewThread is the input of CreateThread.
type NewThread struct {
	TopicFieldID int64
	AuthorID     int64
	Kind         string // "" means KindDiscussion
	Title        string
	Slug         string
	Body         string
	BodyHTML     string
	// PMDueAt is the answer deadline of a PM question.
	PMDueAt time.Time
	// Pending puts the opening post (and so the thread) into the approval queue.
	Pending bool
}

// CreateThread inserts a thread with its opening post in one transaction;
// published questions also record a question.created or pm.created event.
func (db *DB) CreateThread(ctx context.Context, nt NewThread) (threadID, postID int64, err error) {
	now := db.now()
	if nt.Kind == "" {
		nt.Kind = KindDiscussion
	}
	pmStatus := ""
	if nt.Kind == KindPM {
		pmStatus = PMNew
	}
	// post_count counts what readers see: nothing while the opening post waits.
	count := 1
	if nt.Pending {
		count = 0
	}
	err = db.inTxGrouped(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO threads (topic_field_id, author_id, kind, title, slug, post_count,
			last_post_at, created_at, pm_status, pm_due_at, approved) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
			nt.TopicFieldID, nt.AuthorID, nt.Kind, nt.Title, nt.Slug, count, ms(now), ms(now), pmStatus, nullMS(nt.PMDueAt), !nt.Pending)
		if err != nil {
			return err
		}
		threadID, _ = res.LastInsertId()
		res, err = tx.ExecContext(ctx, `INSERT INTO posts (thread_id, author_id, body, body_html, created_at, approved) VALUES (?,?,?,?,?,?)`,
			threadID, nt.AuthorID, nt.Body, nt.BodyHTML, ms(now), !nt.Pending)
		if err != nil {
			return err
		}
		postID, err = res.LastInsertId()
		if err != nil {
			return err
		}
		// Asking (or opening a discussion) auto-tracks the thread.
		if err := autoTrack(ctx, tx, now, nt.AuthorID, threadID); err != nil {
			return err
		}
		if nt.Pending {
			return nil // the events follow on approval (see ApprovePost)
		}
		switch nt.Kind {
		case KindQuestion:
			return recordEvent(ctx, tx, now, Event{Kind: EventQuestionCreated, ThreadID: threadID, PostID: postID, ActorID: nt.AuthorID})
		case KindPM:
			return recordEvent(ctx, tx, now, Event{Kind: EventPMCreated, ThreadID: threadID, PostID: postID, ActorID: nt.AuthorID})
		}
		return recordEvent(ctx, tx, now, Event{Kind: EventThreadCreated, ThreadID: threadID, PostID: postID, ActorID: nt.AuthorID})
	})
	if err != nil {
		return 0, 0, fmt.Errorf("create thread: %w", err)
	}
	return threadID, postID, nil
}

// SetThreadLocked locks or unlocks a thread and audits it without a
// reason; ModerateThread is the same with one.
func (db *DB) SetThreadLocked(ctx context.Context, actorID, threadID int64, locked bool) error {
	action := ThreadUnlock
	if locked {
		action = ThreadLock
	}
	return db.ModerateThread(ctx, actorID, threadID, action, "")
}

// UpdateThreadTitle changes a thread's title and slug (the ID keeps old links working).
func (db *DB) UpdateThreadTitle(ctx context.Context, threadID int64, title, slug string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE threads SET title = ?, slug = ? WHERE id = ?`, title, slug, threadID)
		return err
	})
}
