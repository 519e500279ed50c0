package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"
)

func testMail(n int) OutboxMail {
	return OutboxMail{
		MessageID: fmt.Sprintf("<%d@test.example>", n),
		Recipient: fmt.Sprintf("user%d@example.org", n),
		Subject:   "Prüfung der Anträge",
		BodyText:  "Grüße",
		BodyHTML:  "<p>Grüße</p>",
	}
}

func TestEnqueueAndDueMail(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	clock := t0
	db.SetClock(func() time.Time { return clock })

	var ids []int64
	for i := 1; i <= 3; i++ {
		clock = t0.Add(time.Duration(i) * time.Second)
		id, err := db.EnqueueMail(ctx, testMail(i))
		if err != nil {
			t.Fatalf("EnqueueMail(%d): %v", i, err)
		}
		ids = append(ids, id)
	}

	// Nothing is due before the first mail was enqueued.
	due, err := db.DueMail(ctx, t0, 10)
	if err != nil || len(due) != 0 {
		t.Fatalf("DueMail(t0) = %d mails, %v; want 0", len(due), err)
	}

	due, err = db.DueMail(ctx, t0.Add(time.Hour), 10)
	if err != nil {
		t.Fatalf("DueMail: %v", err)
	}
	if len(due) != 3 {
		t.Fatalf("DueMail = %d mails, want 3", len(due))
	}
	for i, m := range due {
		if m.ID != ids[i] {
			t.Errorf("DueMail[%d].ID = %d, want %d (oldest first)", i, m.ID, ids[i])
		}
	}
	got, want := due[0], testMail(1)
	if got.MessageID != want.MessageID || got.Recipient != want.Recipient || got.Subject != want.Subject ||
		got.BodyText != want.BodyText || got.BodyHTML != want.BodyHTML {
		t.Errorf("DueMail[0] = %+v, want fields of %+v", got, want)
	}
	if wantAt := t0.Add(time.Second); !got.CreatedAt.Equal(wantAt) || !got.NextAttemptAt.Equal(wantAt) {
		t.Errorf("DueMail[0] created %v next %v, want both %v", got.CreatedAt, got.NextAttemptAt, wantAt)
	}
	if got.Attempts != 0 || !got.SentAt.IsZero() || !got.FailedAt.IsZero() || got.LastError != "" {
		t.Errorf("DueMail[0] = %+v, want a fresh pending mail", got)
	}

	due, err = db.DueMail(ctx, t0.Add(time.Hour), 2)
	if err != nil || len(due) != 2 || due[0].ID != ids[0] {
		t.Fatalf("DueMail(limit 2) = %d mails, %v; want the 2 oldest", len(due), err)
	}
	if _, err := db.DueMail(ctx, t0, 0); err == nil {
		t.Error("DueMail(limit 0) succeeded, want an error")
	}
}

func TestEnqueueMailValidation(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()

	m := testMail(1)
	m.MessageID = ""
	if _, err := db.EnqueueMail(ctx, m); err == nil {
		t.Error("EnqueueMail without message ID succeeded, want an error")
	}
	m = testMail(1)
	m.Recipient = ""
	if _, err := db.EnqueueMail(ctx, m); err == nil {
		t.Error("EnqueueMail without recipient succeeded, want an error")
	}
	if _, err := db.EnqueueMail(ctx, testMail(1)); err != nil {
		t.Fatalf("EnqueueMail: %v", err)
	}
	if _, err := db.EnqueueMail(ctx, testMail(1)); !errors.Is(err, ErrConflict) {
		t.Errorf("EnqueueMail(duplicate message ID) = %v, want ErrConflict", err)
	}
}

// A mail enqueued inside a transaction that rolls back must not exist.
func TestEnqueueMailCommitsWithEvent(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

	boom := errors.New("event failed")
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := enqueueMail(ctx, tx, now, testMail(1)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("inTx = %v, want %v", err, boom)
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := enqueueMail(ctx, tx, now, testMail(2))
		return err
	})
	if err != nil {
		t.Fatalf("inTx: %v", err)
	}
	due, err := db.DueMail(ctx, now, 10)
	if err != nil {
		t.Fatalf("DueMail: %v", err)
	}
	if len(due) != 1 || due[0].MessageID != testMail(2).MessageID {
		t.Errorf("DueMail = %+v, want only the committed mail", due)
	}
}

func TestMarkMail(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return t0 })

	var ids []int64
	for i := 1; i <= 3; i++ {
		id, err := db.EnqueueMail(ctx, testMail(i))
		if err != nil {
			t.Fatalf("EnqueueMail: %v", err)
		}
		ids = append(ids, id)
	}
	sentID, retryID, failID := ids[0], ids[1], ids[2]
	t1 := t0.Add(time.Minute)
	next := t1.Add(2 * time.Minute)

	if err := db.MarkMailSent(ctx, sentID, t1); err != nil {
		t.Fatalf("MarkMailSent: %v", err)
	}
	if err := db.MarkMailRetry(ctx, retryID, "451 try later", next); err != nil {
		t.Fatalf("MarkMailRetry: %v", err)
	}
	if err := db.MarkMailFailed(ctx, failID, "550 no such user", t1); err != nil {
		t.Fatalf("MarkMailFailed: %v", err)
	}

	pending, sent, failed, err := db.OutboxStats(ctx)
	if err != nil || pending != 1 || sent != 1 || failed != 1 {
		t.Errorf("OutboxStats = %d, %d, %d, %v; want 1, 1, 1", pending, sent, failed, err)
	}

	// The retried mail is not due before next, and due from then on.
	if due, err := db.DueMail(ctx, next.Add(-time.Millisecond), 10); err != nil || len(due) != 0 {
		t.Errorf("DueMail(before next) = %d mails, %v; want 0", len(due), err)
	}
	due, err := db.DueMail(ctx, next, 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("DueMail(next) = %d mails, %v; want 1", len(due), err)
	}
	r := due[0]
	if r.ID != retryID || r.Attempts != 1 || !r.NextAttemptAt.Equal(next) || r.LastError != "451 try later" {
		t.Errorf("retried mail = %+v, want id %d, 1 attempt, next %v, last error", r, retryID, next)
	}

	all := outboxRows(t, db)
	if s := all[sentID]; !s.SentAt.Equal(t1) || !s.FailedAt.IsZero() || s.Attempts != 1 {
		t.Errorf("sent mail = %+v, want sent at %v after 1 attempt", s, t1)
	}
	if f := all[failID]; !f.FailedAt.Equal(t1) || !f.SentAt.IsZero() || f.Attempts != 1 || f.LastError != "550 no such user" {
		t.Errorf("failed mail = %+v, want failed at %v after 1 attempt", f, t1)
	}

	// Only pending mail changes state.
	if err := db.MarkMailRetry(ctx, sentID, "x", next); !errors.Is(err, ErrConflict) {
		t.Errorf("MarkMailRetry(sent mail) = %v, want ErrConflict", err)
	}
	if err := db.MarkMailSent(ctx, failID, t1); !errors.Is(err, ErrConflict) {
		t.Errorf("MarkMailSent(failed mail) = %v, want ErrConflict", err)
	}
	if err := db.MarkMailFailed(ctx, 9999, "x", t1); !errors.Is(err, ErrNotFound) {
		t.Errorf("MarkMailFailed(9999) = %v, want ErrNotFound", err)
	}
}

func TestOutboxStatsEmpty(t *testing.T) {
	db := newTestDB(t)
	pending, sent, failed, err := db.OutboxStats(context.Background())
	if err != nil || pending != 0 || sent != 0 || failed != 0 {
		t.Errorf("OutboxStats = %d, %d, %d, %v; want zeros", pending, sent, failed, err)
	}
}

// outboxRows reads every outbox row, keyed by ID.
func outboxRows(t *testing.T, db *DB) map[int64]OutboxMail {
	t.Helper()
	rows, err := db.read.Query("SELECT " + outboxCols + " FROM outbox")
	if err != nil {
		t.Fatalf("select outbox: %v", err)
	}
	defer rows.Close()
	out := map[int64]OutboxMail{}
	for rows.Next() {
		m, err := scanOutboxMail(rows)
		if err != nil {
			t.Fatalf("scan outbox: %v", err)
		}
		out[m.ID] = m
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("select outbox: %v", err)
	}
	return out
}
