package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// OutboxMail is one outgoing mail in the outbox. A mail is pending while
// SentAt and FailedAt are both zero; the mail loop delivers pending mail once
// NextAttemptAt has passed.
type OutboxMail struct {
	ID            int64
	MessageID     string
	Recipient     string
	Subject       string
	BodyText      string
	BodyHTML      string
	CreatedAt     time.Time
	Attempts      int
	NextAttemptAt time.Time
	SentAt        time.Time
	FailedAt      time.Time
	LastError     string

	// Kind is "notify" or "digest" for notification mail, "" for account
	// mail; UserID is the recipient's account (0 when unknown). Both feed
	// the mail log and the permanent-failure counter.
	Kind   string
	UserID int64
	// Headers are extra header fields (threading, List-*), stored as JSON.
	Headers map[string]string
}

const outboxCols = "id, message_id, recipient, subject, body_text, body_html, created_at, attempts, next_attempt_at, sent_at, failed_at, last_error, kind, COALESCE(user_id, 0), headers"

func scanOutboxMail(row rowScanner) (OutboxMail, error) {
	var (
		m                OutboxMail
		created, next    int64
		sentAt, failedAt sql.NullInt64
		headers          string
	)
	err := row.Scan(&m.ID, &m.MessageID, &m.Recipient, &m.Subject, &m.BodyText, &m.BodyHTML,
		&created, &m.Attempts, &next, &sentAt, &failedAt, &m.LastError, &m.Kind, &m.UserID, &headers)
	if err != nil {
		return OutboxMail{}, err
	}
	if headers != "" && headers != "{}" {
		if err := json.Unmarshal([]byte(headers), &m.Headers); err != nil {
			return OutboxMail{}, fmt.Errorf("outbox mail %d headers: %w", m.ID, err)
		}
	}
	m.CreatedAt = fromMS(created)
	m.NextAttemptAt = fromMS(next)
	m.SentAt = fromNullMS(sentAt)
	m.FailedAt = fromNullMS(failedAt)
	return m, nil
}

// enqueueMail writes m into the outbox inside tx, due at once. Store functions
// call it within their own transaction so the mail commits together with the
// event that causes it. The caller sets MessageID (mail.NewMessageID); the
// fields ID, CreatedAt, Attempts, NextAttemptAt, SentAt, FailedAt and
// LastError are ignored.
func enqueueMail(ctx context.Context, tx *sql.Tx, now time.Time, m OutboxMail) (int64, error) {
	args, err := outboxArgs(now, m)
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, outboxInsert, args...)
	if err != nil {
		return 0, fmt.Errorf("enqueue mail %s: %w", m.MessageID, err)
	}
	return res.LastInsertId()
}

const outboxInsert = `INSERT INTO outbox (message_id, recipient, subject, body_text, body_html, created_at, next_attempt_at, kind, user_id, headers)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// outboxArgs checks m and returns the arguments of outboxInsert; bulk
// writers (the digests) run them through one prepared statement.
func outboxArgs(now time.Time, m OutboxMail) ([]any, error) {
	if m.MessageID == "" {
		return nil, errors.New("enqueue mail: empty message ID")
	}
	if m.Recipient == "" {
		return nil, fmt.Errorf("enqueue mail %s: empty recipient", m.MessageID)
	}
	headers := []byte("{}")
	if len(m.Headers) > 0 {
		var err error
		if headers, err = json.Marshal(m.Headers); err != nil {
			return nil, fmt.Errorf("enqueue mail %s: headers: %w", m.MessageID, err)
		}
	}
	return []any{m.MessageID, m.Recipient, m.Subject, m.BodyText, m.BodyHTML, ms(now), ms(now),
		m.Kind, sql.NullInt64{Int64: m.UserID, Valid: m.UserID != 0}, string(headers)}, nil
}

// EnqueueMail writes m into the outbox in a transaction of its own, for mail
// that belongs to no other write. See enqueueMail for the fields it uses.
func (db *DB) EnqueueMail(ctx context.Context, m OutboxMail) (int64, error) {
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = enqueueMail(ctx, tx, db.now(), m)
		return err
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// DueMail returns up to limit pending mails whose next attempt is due at now,
// oldest first.
func (db *DB) DueMail(ctx context.Context, now time.Time, limit int) ([]OutboxMail, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("due mail: limit %d must be positive", limit)
	}
	rows, err := db.read.QueryContext(ctx,
		"SELECT "+outboxCols+` FROM outbox
		 WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?
		 ORDER BY created_at, id LIMIT ?`, ms(now), limit)
	if err != nil {
		return nil, fmt.Errorf("due mail: %w", mapErr(err))
	}
	defer rows.Close()
	var out []OutboxMail
	for rows.Next() {
		m, err := scanOutboxMail(rows)
		if err != nil {
			return nil, fmt.Errorf("due mail: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("due mail: %w", mapErr(err))
	}
	return out, nil
}

// MarkMailSent records the successful delivery of a pending mail.
func (db *DB) MarkMailSent(ctx context.Context, id int64, now time.Time) error {
	return db.markMail(ctx, id,
		"UPDATE outbox SET attempts = attempts + 1, sent_at = ?, last_error = '' WHERE id = ? AND "+outboxPending,
		ms(now), id)
}

// MarkMailRetry records a failed attempt of a pending mail and schedules the
// next one at next.
func (db *DB) MarkMailRetry(ctx context.Context, id int64, errMsg string, next time.Time) error {
	return db.markMail(ctx, id,
		"UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ? AND "+outboxPending,
		ms(next), errMsg, id)
}

// MarkMailFailed records a failed attempt of a pending mail and gives up on
// it for good.
func (db *DB) MarkMailFailed(ctx context.Context, id int64, errMsg string, now time.Time) error {
	return db.markMail(ctx, id,
		"UPDATE outbox SET attempts = attempts + 1, failed_at = ?, last_error = ? WHERE id = ? AND "+outboxPending,
		ms(now), errMsg, id)
}

// outboxPending selects mail that is neither sent nor failed. Only pending
// mail changes state, so a sent mail can never be queued again.
const outboxPending = "sent_at IS NULL AND failed_at IS NULL"

// markMail runs one state change on the outbox row id. It returns
// ErrNotFound if the row does not exist and ErrConflict if it is no longer
// pending.
func (db *DB) markMail(ctx context.Context, id int64, query string, args ...any) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 1 {
			return err
		}
		var exists bool
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM outbox WHERE id = ?)", id).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return ErrNotFound
		}
		return fmt.Errorf("%w: mail is no longer pending", ErrConflict)
	})
	if err != nil {
		return fmt.Errorf("mark outbox mail %d: %w", id, err)
	}
	return nil
}

// OutboxStats counts the mails in the outbox by state.
func (db *DB) OutboxStats(ctx context.Context) (pending, sent, failed int, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT
		count(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL),
		count(*) FILTER (WHERE sent_at IS NOT NULL),
		count(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NOT NULL)
		FROM outbox`).Scan(&pending, &sent, &failed)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("outbox stats: %w", mapErr(err))
	}
	return pending, sent, failed, nil
}
