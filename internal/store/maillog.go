package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Mail log states.
const (
	MailSent    = "sent"
	MailFailed  = "failed"
	MailSkipped = "skipped"
)

// MailLogEntry is one line of the admin-visible mail log.
type MailLogEntry struct {
	ID        int64
	OutboxID  int64
	UserID    int64
	UserName  string // filled by MailLog
	Recipient string
	Kind      string
	Status    string
	Reason    string
	CreatedAt time.Time
}

func logMail(ctx context.Context, tx *sql.Tx, now time.Time, e MailLogEntry) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO mail_log (outbox_id, user_id, recipient, kind, status, reason, created_at)
		VALUES (?,?,?,?,?,?,?)`, sql.NullInt64{Int64: e.OutboxID, Valid: e.OutboxID != 0},
		sql.NullInt64{Int64: e.UserID, Valid: e.UserID != 0}, e.Recipient, e.Kind, e.Status, e.Reason, ms(now))
	return err
}

// LogMailSkipped records that a mail to the user was not sent, and why.
func (db *DB) LogMailSkipped(ctx context.Context, userID int64, recipient, kind, reason string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		return logMail(ctx, tx, db.now(), MailLogEntry{UserID: userID, Recipient: recipient, Kind: kind, Status: MailSkipped, Reason: reason})
	})
}

// MailLog returns the newest entries, optionally of one status ("" for all).
func (db *DB) MailLog(ctx context.Context, status string, limit, offset int) ([]MailLogEntry, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT l.id, COALESCE(l.outbox_id, 0), COALESCE(l.user_id, 0), COALESCE(u.display_name, ''),
		l.recipient, l.kind, l.status, l.reason, l.created_at
		FROM mail_log l LEFT JOIN users u ON u.id = l.user_id
		WHERE ?1 = '' OR l.status = ?1 ORDER BY l.id DESC LIMIT ?2 OFFSET ?3`, status, limit, offset)
	out, err := scanAll(rows, err, func(r rowScanner) (MailLogEntry, error) {
		var e MailLogEntry
		var created int64
		err := r.Scan(&e.ID, &e.OutboxID, &e.UserID, &e.UserName, &e.Recipient, &e.Kind, &e.Status, &e.Reason, &created)
		e.CreatedAt = fromMS(created)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("mail log: %w", mapErr(err))
	}
	return out, nil
}

// Delivery is the outcome of one delivery attempt of an outbox mail.
type Delivery struct {
	Mail      OutboxMail
	Err       string    // "" when sent
	Permanent bool      // given up: no further attempts
	Bounced   bool      // the server refused the mail for good (5xx): counts against the address
	Retry     time.Time // when to try again after a temporary failure
}

// RecordDeliveries stores the outcome of a batch of attempts in one
// transaction: the outbox state, a mail log line each, and the address's
// permanent-failure counter, which disables mail to the address when it
// reaches maxPermanent (0: never). A successful delivery resets it.
func (db *DB) RecordDeliveries(ctx context.Context, now time.Time, ds []Delivery, maxPermanent int) error {
	err := db.inTxBackground(ctx, func(tx *sql.Tx) error {
		for _, d := range ds {
			m := d.Mail
			var q string
			var args []any
			e := MailLogEntry{OutboxID: m.ID, UserID: m.UserID, Recipient: m.Recipient, Kind: m.Kind, Reason: d.Err}
			switch {
			case d.Err == "":
				q, args = "UPDATE outbox SET attempts = attempts + 1, sent_at = ?, last_error = '' WHERE id = ? AND "+outboxPending, []any{ms(now), m.ID}
				e.Status = MailSent
			case d.Permanent:
				q, args = "UPDATE outbox SET attempts = attempts + 1, failed_at = ?, last_error = ? WHERE id = ? AND "+outboxPending, []any{ms(now), d.Err, m.ID}
				e.Status, e.Reason = MailFailed, "permanent: "+d.Err
			default:
				q, args = "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ? AND "+outboxPending, []any{ms(d.Retry), d.Err, m.ID}
				e.Status, e.Reason = MailFailed, "temporary: "+d.Err
			}
			res, err := tx.ExecContext(ctx, q, args...)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // no longer pending: someone else recorded it
			}
			if err := logMail(ctx, tx, now, e); err != nil {
				return err
			}
			switch {
			case d.Err == "":
				if _, err := tx.ExecContext(ctx, `UPDATE mail_bounces SET failures = 0, updated_at = ?
					WHERE email = ? AND failures > 0 AND disabled_at IS NULL`, ms(now), m.Recipient); err != nil {
					return err
				}
			case d.Bounced:
				if _, err := tx.ExecContext(ctx, `INSERT INTO mail_bounces (email, failures, last_error, updated_at) VALUES (?1, 1, ?2, ?3)
					ON CONFLICT (email) DO UPDATE SET failures = failures + 1, last_error = ?2, updated_at = ?3`,
					m.Recipient, d.Err, ms(now)); err != nil {
					return err
				}
				if maxPermanent > 0 {
					if _, err := tx.ExecContext(ctx, `UPDATE mail_bounces SET disabled_at = ? WHERE email = ? AND failures >= ? AND disabled_at IS NULL`,
						ms(now), m.Recipient, maxPermanent); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record deliveries: %w", err)
	}
	return nil
}

// Bounce is the permanent-failure record of an address.
type Bounce struct {
	Email      string
	Failures   int
	LastError  string
	DisabledAt time.Time // zero while mail to the address is enabled
	UpdatedAt  time.Time
}

// Disabled reports whether mail to the address is switched off.
func (b Bounce) Disabled() bool { return !b.DisabledAt.IsZero() }

// BounceOf returns the record of email; a zero Bounce when it has none.
func (db *DB) BounceOf(ctx context.Context, email string) (Bounce, error) {
	b := Bounce{Email: email}
	var disabled sql.NullInt64
	var updated int64
	err := db.read.QueryRowContext(ctx, `SELECT failures, last_error, disabled_at, updated_at FROM mail_bounces WHERE email = ?`, email).
		Scan(&b.Failures, &b.LastError, &disabled, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return b, nil
	}
	if err != nil {
		return b, fmt.Errorf("bounce of %s: %w", email, err)
	}
	b.DisabledAt, b.UpdatedAt = fromNullMS(disabled), fromMS(updated)
	return b, nil
}

// ReenableMail clears the failure record of email, for its owner who has
// fixed their mailbox.
func (db *DB) ReenableMail(ctx context.Context, userID int64, email string) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM mail_bounces WHERE email = ?`, email); err != nil {
			return err
		}
		return audit(ctx, tx, now, userID, "mail.reenable", "user", userID, "")
	})
	if err != nil {
		return fmt.Errorf("re-enable mail to %s: %w", email, err)
	}
	return nil
}
