package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Watch levels of a subscription.
const (
	LevelWatching = "watching" // every new post
	LevelTracking = "tracking" // new threads (field), replies to me (thread)
	LevelMuted    = "muted"    // nothing
)

// Levels lists the watch levels.
var Levels = []string{LevelWatching, LevelTracking, LevelMuted}

// Delivery choices of a user.
const (
	DeliveryImmediate = "immediate"
	DeliveryDaily     = "daily"
	DeliveryWeekly    = "weekly"
	DeliveryOff       = "off"
)

// Deliveries lists the delivery choices.
var Deliveries = []string{DeliveryImmediate, DeliveryDaily, DeliveryWeekly, DeliveryOff}

// Subscription is a user's watch on a topic field or a thread.
type Subscription struct {
	ID           int64
	UserID       int64
	TopicFieldID int64 // 0 for a thread subscription
	ThreadID     int64 // 0 for a field subscription
	Level        string
	Auto         bool // set by asking or replying, not chosen
	CreatedAt    time.Time

	// Filled by Subscriptions: what the target is called and where it lives.
	Title     string // thread title or field name
	FieldSlug string
	FieldName string
	URL       string
}

// SetSubscription sets userID's level on a topic field (fieldID) or a
// thread (threadID); exactly one of them is non-zero. It is an explicit
// choice, so it replaces an automatic one.
func (db *DB) SetSubscription(ctx context.Context, userID, fieldID, threadID int64, level string) error {
	if !slices.Contains(Levels, level) {
		return fmt.Errorf("set subscription: unknown level %q", level)
	}
	if (fieldID == 0) == (threadID == 0) {
		return errors.New("set subscription: exactly one of field and thread")
	}
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error { return setSubscription(ctx, tx, now, userID, fieldID, threadID, level) })
	if err != nil {
		return fmt.Errorf("set subscription of user %d: %w", userID, err)
	}
	return nil
}

func setSubscription(ctx context.Context, tx *sql.Tx, now time.Time, userID, fieldID, threadID int64, level string) error {
	target, id := "topic_field_id", fieldID
	if threadID != 0 {
		target, id = "thread_id", threadID
	}
	res, err := tx.ExecContext(ctx, `UPDATE subscriptions SET level = ?, auto = 0 WHERE user_id = ? AND `+target+` = ?`, level, userID, id) // #nosec G202 -- target is one of two constant column names
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO subscriptions (user_id, `+target+`, level, created_at) VALUES (?,?,?,?)`, // #nosec G202 -- target is one of two constant column names
		userID, id, level, ms(now))
	return err
}

// autoTrack makes userID track the thread unless they chose a level for
// it already: asking a question or replying auto-tracks the thread.
func autoTrack(ctx context.Context, tx *sql.Tx, now time.Time, userID, threadID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (user_id, thread_id, level, created_at, auto)
		VALUES (?,?,'tracking',?,1) ON CONFLICT DO NOTHING`, userID, threadID, ms(now))
	return err
}

// Subscriptions lists userID's subscriptions whose target v may see:
// fields first (in display order), then threads by title.
func (db *DB) Subscriptions(ctx context.Context, v Viewer, userID int64) ([]Subscription, error) {
	q := `SELECT s.id, s.user_id, COALESCE(s.topic_field_id, 0), COALESCE(s.thread_id, 0), s.level, s.auto, s.created_at,
		COALESCE(t.title, f.name), f.slug, f.name, COALESCE(t.slug, '')
		FROM subscriptions s
		LEFT JOIN threads t ON t.id = s.thread_id
		JOIN topic_fields f ON f.id = COALESCE(s.topic_field_id, t.topic_field_id)
		WHERE s.user_id = ? AND ` + v.SeesField("f.id") + ` AND (t.id IS NULL OR (t.deleted_at IS NULL AND t.hidden_at IS NULL))
		ORDER BY s.thread_id IS NOT NULL, f.position, f.id, lower(t.title), s.id` // #nosec G202 -- constant fragments and SeesField (integer group IDs)
	rows, err := db.read.QueryContext(ctx, q, userID)
	out, err := scanAll(rows, err, func(r rowScanner) (Subscription, error) {
		var s Subscription
		var created int64
		var threadSlug string
		if err := r.Scan(&s.ID, &s.UserID, &s.TopicFieldID, &s.ThreadID, &s.Level, &s.Auto, &created,
			&s.Title, &s.FieldSlug, &s.FieldName, &threadSlug); err != nil {
			return s, err
		}
		s.CreatedAt = fromMS(created)
		if s.ThreadID != 0 {
			s.URL = fmt.Sprintf("/t/%d-%s", s.ThreadID, threadSlug)
		} else {
			s.URL = "/themenfeld/" + s.FieldSlug
		}
		return s, nil
	})
	if err != nil {
		return nil, fmt.Errorf("subscriptions of user %d: %w", userID, mapErr(err))
	}
	return out, nil
}

// SubscriptionLevel is userID's level on the field or thread, "" when
// there is none.
func (db *DB) SubscriptionLevel(ctx context.Context, userID, fieldID, threadID int64) (string, error) {
	target, id := "topic_field_id", fieldID
	if threadID != 0 {
		target, id = "thread_id", threadID
	}
	var level string
	err := db.read.QueryRowContext(ctx, `SELECT level FROM subscriptions WHERE user_id = ? AND `+target+` = ?`, userID, id).Scan(&level)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("subscription level: %w", err)
	}
	return level, nil
}

// MailSettings is a user's delivery choice and mail consent.
type MailSettings struct {
	UserID        int64
	Delivery      string // for personal and thread mail
	FieldDelivery string // for what watched topic fields bring
	ConsentAt     time.Time
	ConsentText   string
	UpdatedAt     time.Time
}

// Consented reports whether the user opted in to mail.
func (m MailSettings) Consented() bool { return !m.ConsentAt.IsZero() }

// DefaultMailSettings apply until a user saves their own: daily delivery,
// watched fields weekly, and no consent, so no mail is sent (opt-in).
func DefaultMailSettings(userID int64) MailSettings {
	return MailSettings{UserID: userID, Delivery: DeliveryDaily, FieldDelivery: DeliveryWeekly}
}

// MailSettingsOf returns userID's settings, or the defaults.
func (db *DB) MailSettingsOf(ctx context.Context, userID int64) (MailSettings, error) {
	m := DefaultMailSettings(userID)
	var consent sql.NullInt64
	var updated int64
	err := db.read.QueryRowContext(ctx, `SELECT delivery, field_delivery, consent_at, consent_text, updated_at
		FROM mail_settings WHERE user_id = ?`, userID).Scan(&m.Delivery, &m.FieldDelivery, &consent, &m.ConsentText, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return m, nil
	}
	if err != nil {
		return m, fmt.Errorf("mail settings of user %d: %w", userID, err)
	}
	m.ConsentAt, m.UpdatedAt = fromNullMS(consent), fromMS(updated)
	return m, nil
}

// SaveMailSettings stores the delivery choices. Giving consent records
// the time and consentText (the exact wording shown) unless consent was
// given already; withdrawing it clears both.
func (db *DB) SaveMailSettings(ctx context.Context, userID int64, delivery, fieldDelivery string, consent bool, consentText string) error {
	if !slices.Contains(Deliveries, delivery) || !slices.Contains(Deliveries, fieldDelivery) {
		return fmt.Errorf("save mail settings: unknown delivery %q/%q", delivery, fieldDelivery)
	}
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO mail_settings (user_id, delivery, field_delivery, consent_at, consent_text, updated_at)
			VALUES (?1, ?2, ?3, CASE WHEN ?4 THEN ?5 END, CASE WHEN ?4 THEN ?6 ELSE '' END, ?5)
			ON CONFLICT (user_id) DO UPDATE SET delivery = ?2, field_delivery = ?3, updated_at = ?5,
				consent_at = CASE WHEN NOT ?4 THEN NULL ELSE COALESCE(consent_at, ?5) END,
				consent_text = CASE WHEN NOT ?4 THEN '' WHEN consent_at IS NULL THEN ?6 ELSE consent_text END`,
			userID, delivery, fieldDelivery, consent, ms(now), consentText)
		if err != nil {
			return err
		}
		detail := delivery + "/" + fieldDelivery
		if consent {
			detail += " consent"
		}
		return audit(ctx, tx, now, userID, "mail.settings", "user", userID, detail)
	})
	if err != nil {
		return fmt.Errorf("save mail settings of user %d: %w", userID, err)
	}
	return nil
}

// setDelivery changes one of userID's delivery columns (delivery or
// field_delivery) inside tx, for unsubscribe links; it keeps the consent.
func setDelivery(ctx context.Context, tx *sql.Tx, now time.Time, userID int64, col, value string) error {
	d := DefaultMailSettings(userID)
	_, err := tx.ExecContext(ctx, `INSERT INTO mail_settings (user_id, delivery, field_delivery, updated_at) VALUES (?,?,?,?)
		ON CONFLICT (user_id) DO NOTHING`, userID, d.Delivery, d.FieldDelivery, ms(now))
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE mail_settings SET `+col+` = ?, updated_at = ? WHERE user_id = ?`, value, ms(now), userID) // #nosec G202 -- col is a constant column name from the two callers
	return err
}

// Unsubscribe applies an unsubscribe link: for a thread or field stream
// it mutes the target; for a digest stream (fieldID and threadID 0) it
// sets the delivery columns that equal from to to (weekly for "less
// often", off for "never"). It is audited as the user's own action.
func (db *DB) Unsubscribe(ctx context.Context, userID, fieldID, threadID int64, from, to string) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		detail := ""
		switch {
		case fieldID != 0 || threadID != 0:
			if err := setSubscription(ctx, tx, now, userID, fieldID, threadID, LevelMuted); err != nil {
				return err
			}
			detail = fmt.Sprintf("field=%d thread=%d", fieldID, threadID)
		default:
			if !slices.Contains(Deliveries, to) {
				return fmt.Errorf("unknown delivery %q", to)
			}
			m := DefaultMailSettings(userID)
			var fd string
			err := tx.QueryRowContext(ctx, `SELECT delivery, field_delivery FROM mail_settings WHERE user_id = ?`, userID).Scan(&m.Delivery, &fd)
			if err == nil {
				m.FieldDelivery = fd
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if m.Delivery == from {
				if err := setDelivery(ctx, tx, now, userID, "delivery", to); err != nil {
					return err
				}
			}
			if m.FieldDelivery == from {
				if err := setDelivery(ctx, tx, now, userID, "field_delivery", to); err != nil {
					return err
				}
			}
			detail = from + "->" + to
		}
		return audit(ctx, tx, now, userID, "mail.unsubscribe", "user", userID, detail)
	})
	if err != nil {
		return fmt.Errorf("unsubscribe user %d: %w", userID, err)
	}
	return nil
}

// MarkThreadRead records that userID has seen the thread up to postID.
// It never moves the mark backwards (reading page 1 after page 3).
func (db *DB) MarkThreadRead(ctx context.Context, userID, threadID, postID int64) error {
	if userID == 0 || postID == 0 {
		return nil
	}
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO thread_reads (user_id, thread_id, last_read_post_id, read_at) VALUES (?,?,?,?)
			ON CONFLICT (user_id, thread_id) DO UPDATE SET last_read_post_id = max(last_read_post_id, excluded.last_read_post_id),
			read_at = excluded.read_at`, userID, threadID, postID, ms(now))
		return err
	})
	if err != nil {
		return fmt.Errorf("mark thread %d read: %w", threadID, err)
	}
	return nil
}

// LastReadPost is the post ID up to which userID has read the thread, 0
// when never.
func (db *DB) LastReadPost(ctx context.Context, userID, threadID int64) (int64, error) {
	var id int64
	err := db.read.QueryRowContext(ctx, `SELECT last_read_post_id FROM thread_reads WHERE user_id = ? AND thread_id = ?`,
		userID, threadID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// Secret returns the named secret, generating n random bytes and storing
// them on first use. The unsubscribe token key lives here, so it is never
// in the repository or the configuration and survives restarts.
func (db *DB) Secret(ctx context.Context, name string, n int) ([]byte, error) {
	var v []byte
	err := db.read.QueryRowContext(ctx, `SELECT value FROM app_secrets WHERE name = ?`, name).Scan(&v)
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	fresh := make([]byte, n)
	rand.Read(fresh)
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO app_secrets (name, value, created_at) VALUES (?,?,?) ON CONFLICT DO NOTHING`,
			name, fresh, ms(db.now())); err != nil {
			return err
		}
		// Another process may have won the race: read what is stored.
		return tx.QueryRowContext(ctx, `SELECT value FROM app_secrets WHERE name = ?`, name).Scan(&v)
	})
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	return v, nil
}
