package store

import (
	"context"
	"database/sql"
	"time"
)

// Event kinds. Events are written in the same transaction as the change
// they describe, so notifications built from them never miss one.
const (
	EventQuestionCreated = "question.created" // a question to members
	EventPMCreated       = "pm.created"       // a question to the programme management
	EventAnswerCreated   = "answer.created"   // an answer to a question
	EventAnswerAccepted  = "answer.accepted"
	EventAnswerOfficial  = "answer.official" // marked official, or a new official version
	EventPMStatus        = "pm.status"       // detail: the new PM status
	EventPMAssigned      = "pm.assigned"     // detail: the assignee's user ID
	EventDuplicate       = "question.duplicate"
	EventThreadCreated   = "thread.created" // a new discussion
	EventPostCreated     = "post.created"   // a reply in a discussion
)

// Event is one recorded happening.
type Event struct {
	ID          int64
	Kind        string
	ThreadID    int64
	PostID      int64 // 0 when not about a post
	ActorID     int64 // 0 for the system
	Detail      string
	CreatedAt   time.Time
	ProcessedAt time.Time
}

// recordEvent appends an event inside tx.
func recordEvent(ctx context.Context, tx *sql.Tx, now time.Time, e Event) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO events (kind, thread_id, post_id, actor_id, detail, created_at) VALUES (?,?,?,?,?,?)`,
		e.Kind, e.ThreadID, sql.NullInt64{Int64: e.PostID, Valid: e.PostID != 0},
		sql.NullInt64{Int64: e.ActorID, Valid: e.ActorID != 0}, e.Detail, ms(now))
	return err
}

// EventsAfter lists events with an ID above after, oldest first: the mail
// work reads them in order and remembers where it stopped.
func (db *DB) EventsAfter(ctx context.Context, after int64, limit int) ([]Event, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, kind, thread_id, COALESCE(post_id, 0), COALESCE(actor_id, 0), detail,
		created_at, processed_at FROM events WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var es []Event
	for rows.Next() {
		var e Event
		var created int64
		var processed sql.NullInt64
		if err := rows.Scan(&e.ID, &e.Kind, &e.ThreadID, &e.PostID, &e.ActorID, &e.Detail, &created, &processed); err != nil {
			return nil, err
		}
		e.CreatedAt, e.ProcessedAt = fromMS(created), fromNullMS(processed)
		es = append(es, e)
	}
	return es, rows.Err()
}
