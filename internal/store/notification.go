package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Reasons a notification is made, most important first: a recipient with
// several reasons for one event gets one notification with the first.
const (
	ReasonMention    = "mention"     // @name in a post
	ReasonAnswer     = "answer"      // an answer to the recipient's question
	ReasonReply      = "reply"       // a reply in the recipient's thread, or one they took part in
	ReasonAccepted   = "accepted"    // the recipient's answer was accepted
	ReasonOfficial   = "official"    // an official answer in a question the recipient asked or follows
	ReasonPMStatus   = "pm_status"   // a PM question's status changed
	ReasonPMAssigned = "pm_assigned" // a PM question was assigned to the recipient
	ReasonPMNew      = "pm_new"      // a new PM question (for pm users)
	ReasonDuplicate  = "duplicate"   // the recipient's question was closed as a duplicate
	ReasonWatching   = "watching"    // a new post in a watched thread
	ReasonNewThread  = "new_thread"  // a new thread in a watched or tracked field
	ReasonFieldPost  = "field_post"  // a new post in a watched field
)

var reasonRank = map[string]int{
	ReasonMention: 1, ReasonAnswer: 2, ReasonReply: 3, ReasonAccepted: 4, ReasonOfficial: 5, ReasonPMStatus: 6,
	ReasonPMAssigned: 7, ReasonPMNew: 8, ReasonDuplicate: 9, ReasonWatching: 10, ReasonNewThread: 11, ReasonFieldPost: 12,
}

// Notification is one pending (or consumed) notification of a recipient.
type Notification struct {
	ID        int64
	UserID    int64
	EventID   int64
	Reason    string
	ThreadID  int64
	PostID    int64
	FieldID   int64
	ViaField  bool
	Frequency string
	CreatedAt time.Time
	DueAt     time.Time
}

// mentionRE finds @handles: a handle is a display name without its spaces
// ("@AnnaSchmidt" for Anna Schmidt), matched case-insensitively.
var mentionRE = regexp.MustCompile(`(?:^|[^\pL\pN_.@])@([\pL\pN_.\-]{2,60})`)

// maxMentions bounds the people one post can notify by mentioning them.
const maxMentions = 10

// Mentions returns the distinct handles mentioned in body, at most
// maxMentions.
func Mentions(body string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range mentionRE.FindAllStringSubmatch(body, -1) {
		h := strings.ToLower(strings.TrimRight(m[1], ".-"))
		if h == "" || seen[h] {
			continue
		}
		seen[h] = true
		out = append(out, h)
		if len(out) == maxMentions {
			break
		}
	}
	return out
}

// recipient is one candidate recipient of an event.
type recipient struct {
	reason   string
	viaField bool
}

// ProcessEvents turns up to limit unprocessed events, oldest first, into
// per-recipient notifications and marks them processed, all in one
// transaction: a crash loses nothing and doubles nothing. Immediate
// notifications are due delay after the event. It reports how many events
// it processed (0: none were waiting) and whether more may be waiting: it
// stops early once a transaction has written maxFanOutRows notifications.
func (db *DB) ProcessEvents(ctx context.Context, delay time.Duration, limit int) (n int, more bool, err error) {
	// A read first: the loop polls often, and an idle poll should not take
	// the writer.
	var waiting bool
	if err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM events WHERE processed_at IS NULL)`).Scan(&waiting); err != nil {
		return 0, false, fmt.Errorf("process events: %w", err)
	}
	if !waiting {
		return 0, false, nil
	}
	now := db.now()
	err = db.inTxBackground(ctx, func(tx *sql.Tx) error {
		n, more = 0, false
		rows, err := tx.QueryContext(ctx, `SELECT id, kind, thread_id, COALESCE(post_id, 0), COALESCE(actor_id, 0), detail, created_at
			FROM events WHERE processed_at IS NULL ORDER BY id LIMIT ?`, limit)
		if err != nil {
			return err
		}
		var es []Event
		for rows.Next() {
			var e Event
			var created int64
			if err := rows.Scan(&e.ID, &e.Kind, &e.ThreadID, &e.PostID, &e.ActorID, &e.Detail, &created); err != nil {
				_ = rows.Close()
				return err
			}
			e.CreatedAt = fromMS(created)
			es = append(es, e)
		}
		_ = rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// Field watchers are the same for every event of a field in the
		// batch: look them up once per field (fanOut fills the cache).
		fieldSubs := map[string][]int64{}
		written := 0
		for _, e := range es {
			if written >= maxFanOutRows {
				// The rest waits for the next transaction, so posts get the
				// writer in between.
				more = true
				break
			}
			if err := fanOut(ctx, tx, delay, e, fieldSubs, &written); err != nil {
				return fmt.Errorf("event %d (%s): %w", e.ID, e.Kind, err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE events SET processed_at = ? WHERE id = ?`, ms(now), e.ID); err != nil {
				return err
			}
			n++
		}
		more = more || len(es) == limit
		return nil
	})
	if err != nil {
		return 0, false, fmt.Errorf("process events: %w", err)
	}
	return n, more, nil
}

// maxFanOutRows bounds the notifications one ProcessEvents transaction
// writes (it always finishes the event it started). A post in a thread
// with hundreds of trackers writes a row for each; two hundred such events
// in one transaction held SQLite's one writer for seconds, and posts
// queued behind it (in the soak run, writes waited up to 30 s).
var maxFanOutRows = 1000 // a variable for tests

// fanOut writes the notifications of one event and adds the recipients it
// considered to *rows. The immediate window runs from the event, not from
// when the notifier got to it.
func fanOut(ctx context.Context, tx *sql.Tx, delay time.Duration, e Event, fieldCache map[string][]int64, rows *int) error {
	var fieldID, authorID int64
	var kind string
	err := tx.QueryRowContext(ctx, `SELECT topic_field_id, author_id, kind FROM threads WHERE id = ?`, e.ThreadID).
		Scan(&fieldID, &authorID, &kind)
	if err != nil {
		return err
	}
	var postAuthor int64
	var body string
	if e.PostID != 0 {
		if err := tx.QueryRowContext(ctx, `SELECT author_id, body FROM posts WHERE id = ?`, e.PostID).Scan(&postAuthor, &body); err != nil {
			return err
		}
	}
	rs := map[int64]recipient{}
	add := func(uid int64, reason string, viaField bool) {
		if uid == 0 {
			return
		}
		if old, ok := rs[uid]; ok && reasonRank[old.reason] <= reasonRank[reason] {
			return
		}
		rs[uid] = recipient{reason, viaField}
	}
	addQuery := func(reason string, viaField bool, q string, args ...any) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var uid int64
			if err := rows.Scan(&uid); err != nil {
				return err
			}
			add(uid, reason, viaField)
		}
		return rows.Err()
	}
	threadSubs := func(reason string, levels string) error {
		return addQuery(reason, false, `SELECT user_id FROM subscriptions WHERE thread_id = ? AND level IN (`+levels+`)`, e.ThreadID)
	}
	// Field watchers with digests get the field's news from the digest's
	// content sections: only immediate field delivery needs notifications.
	fieldSubs := func(reason string, levels string) error {
		key := strconv.FormatInt(fieldID, 10) + levels
		ids, ok := fieldCache[key]
		if !ok {
			rows, err := tx.QueryContext(ctx, `SELECT s.user_id FROM subscriptions s JOIN mail_settings m ON m.user_id = s.user_id
				WHERE s.topic_field_id = ? AND s.level IN (`+levels+`) AND m.field_delivery = 'immediate' AND m.consent_at IS NOT NULL`, fieldID) // #nosec G202 -- levels is one of the constant level lists passed below
			if err != nil {
				return err
			}
			defer rows.Close()
			ids = []int64{} // cached even when empty
			for rows.Next() {
				var uid int64
				if err := rows.Scan(&uid); err != nil {
					return err
				}
				ids = append(ids, uid)
			}
			if err := rows.Err(); err != nil {
				return err
			}
			fieldCache[key] = ids
		}
		for _, uid := range ids {
			add(uid, reason, true)
		}
		return nil
	}
	mentions := func() error {
		for _, h := range Mentions(body) {
			err := addQuery(ReasonMention, false, `SELECT id FROM users WHERE lower(replace(display_name, ' ', '')) = ? AND status = 'active'`, h)
			if err != nil {
				return err
			}
		}
		return nil
	}

	switch e.Kind {
	case EventThreadCreated, EventQuestionCreated, EventPMCreated:
		if err := mentions(); err != nil {
			return err
		}
		if e.Kind == EventPMCreated {
			if err := addQuery(ReasonPMNew, false, `SELECT id FROM users WHERE role = 'pm' AND status = 'active'`); err != nil {
				return err
			}
		}
		if err := fieldSubs(ReasonNewThread, "'watching','tracking'"); err != nil {
			return err
		}
	case EventPostCreated, EventAnswerCreated:
		if err := mentions(); err != nil {
			return err
		}
		if kind == KindDiscussion {
			add(authorID, ReasonReply, false)
		} else {
			add(authorID, ReasonAnswer, false)
		}
		// Tracking a thread means replies to me: new posts in a thread the
		// tracker took part in; one lookup per tracker in
		// posts_thread_author (migration 0016).
		if err := addQuery(ReasonReply, false, `SELECT s.user_id FROM subscriptions s WHERE s.thread_id = ?1 AND s.level = 'tracking'
			AND EXISTS (SELECT 1 FROM posts p WHERE p.thread_id = ?1 AND p.author_id = s.user_id AND p.id <> ?2 AND p.deleted_at IS NULL)`,
			e.ThreadID, e.PostID); err != nil {
			return err
		}
		if err := threadSubs(ReasonWatching, "'watching'"); err != nil {
			return err
		}
		if err := fieldSubs(ReasonFieldPost, "'watching'"); err != nil {
			return err
		}
	case EventAnswerAccepted:
		add(postAuthor, ReasonAccepted, false)
		if err := threadSubs(ReasonWatching, "'watching'"); err != nil {
			return err
		}
	case EventAnswerOfficial:
		add(authorID, ReasonOfficial, false)
		if err := threadSubs(ReasonOfficial, "'watching','tracking'"); err != nil {
			return err
		}
	case EventPMStatus:
		add(authorID, ReasonPMStatus, false)
		if err := threadSubs(ReasonPMStatus, "'watching','tracking'"); err != nil {
			return err
		}
	case EventPMAssigned:
		if uid, err := strconv.ParseInt(e.Detail, 10, 64); err == nil {
			add(uid, ReasonPMAssigned, false)
		}
	case EventDuplicate:
		add(authorID, ReasonDuplicate, false)
	default:
		// FAQ events and others reach readers through the digests' content
		// sections, not as notifications.
		return nil
	}
	delete(rs, e.ActorID) // nobody hears of their own doing

	// Muting a thread silences it entirely; muting a field silences what
	// the field alone would bring.
	muted := map[int64]bool{}
	// Two arms instead of an OR, so each uses its index.
	mrows, err := tx.QueryContext(ctx, `SELECT user_id, 1 FROM subscriptions WHERE thread_id = ? AND level = 'muted'
		UNION ALL SELECT user_id, 0 FROM subscriptions WHERE topic_field_id = ? AND level = 'muted'`, e.ThreadID, fieldID)
	if err != nil {
		return err
	}
	for mrows.Next() {
		var uid int64
		var thread bool
		if err := mrows.Scan(&uid, &thread); err != nil {
			_ = mrows.Close()
			return err
		}
		if thread {
			muted[uid] = true
		} else if r, ok := rs[uid]; ok && r.viaField {
			delete(rs, uid)
		}
	}
	_ = mrows.Close()
	if err := mrows.Err(); err != nil {
		return err
	}

	ins, err := tx.PrepareContext(ctx, `INSERT INTO notifications (user_id, event_id, reason, thread_id, post_id, topic_field_id,
		via_field, frequency, created_at, due_at)
		SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, CASE WHEN ?7 THEN m.field_delivery ELSE m.delivery END, ?8, ?9
		FROM mail_settings m WHERE m.user_id = ?1 AND m.consent_at IS NOT NULL
			AND (CASE WHEN ?7 THEN m.field_delivery = 'immediate' ELSE m.delivery <> 'off' END)
		ON CONFLICT DO NOTHING`)
	if err != nil {
		return err
	}
	defer ins.Close()
	*rows += len(rs)
	for uid, r := range rs {
		if muted[uid] {
			continue
		}
		// Only users who opted in get a row (the SELECT finds none
		// otherwise). What watched fields bring reaches digest readers
		// through the digest's content sections, so only immediate field
		// delivery needs a row: a busy field with thousands of watchers
		// would otherwise cost a row per watcher and post.
		_, err := ins.ExecContext(ctx, uid, e.ID, r.reason, e.ThreadID, sql.NullInt64{Int64: e.PostID, Valid: e.PostID != 0},
			fieldID, r.viaField, ms(e.CreatedAt), ms(e.CreatedAt.Add(delay)))
		if err != nil {
			return err
		}
	}
	return nil
}

const notificationCols = `id, user_id, event_id, reason, thread_id, COALESCE(post_id, 0), topic_field_id, via_field, frequency, created_at, due_at`

func scanNotification(r rowScanner) (Notification, error) {
	var n Notification
	var created, due int64
	err := r.Scan(&n.ID, &n.UserID, &n.EventID, &n.Reason, &n.ThreadID, &n.PostID, &n.FieldID, &n.ViaField, &n.Frequency, &created, &due)
	n.CreatedAt, n.DueAt = fromMS(created), fromMS(due)
	return n, err
}

// DueImmediate returns the pending immediate notifications of up to limit
// (user, thread) pairs of which at least one is due at now, ordered by
// user, thread and ID. All pending ones of such a pair come along, so a
// mail batches what arrived within the window. Users who meanwhile left
// immediate delivery are skipped; their notifications wait for a digest.
func (db *DB) DueImmediate(ctx context.Context, now time.Time, limit int) ([]Notification, error) {
	rows, err := db.read.QueryContext(ctx, `WITH due AS (
			SELECT DISTINCT n.user_id, n.thread_id FROM notifications n JOIN mail_settings m ON m.user_id = n.user_id
			WHERE n.sent_at IS NULL AND n.frequency = 'immediate' AND n.due_at <= ?
				AND (CASE WHEN n.via_field THEN m.field_delivery ELSE m.delivery END) = 'immediate'
			LIMIT ?) -- no ORDER BY: the due_at index then finds the due ones without reading every pending row
		SELECT `+notificationCols+` FROM notifications
		WHERE sent_at IS NULL AND frequency = 'immediate' AND (user_id, thread_id) IN (SELECT user_id, thread_id FROM due)
		ORDER BY user_id, thread_id, id`, ms(now), limit)
	ns, err := scanAll(rows, err, scanNotification)
	if err != nil {
		return nil, fmt.Errorf("due immediate notifications: %w", mapErr(err))
	}
	return ns, nil
}

// PendingNotifications returns userID's pending personal and thread
// notifications (not those from watched fields), oldest first: what the
// next digest reports besides the fields' content.
func (db *DB) PendingNotifications(ctx context.Context, userID int64) ([]Notification, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+notificationCols+` FROM notifications
		WHERE user_id = ? AND sent_at IS NULL AND via_field = 0 ORDER BY id`, userID)
	ns, err := scanAll(rows, err, scanNotification)
	if err != nil {
		return nil, fmt.Errorf("pending notifications of user %d: %w", userID, mapErr(err))
	}
	return ns, nil
}

// ConsumeNotifications marks notifications as handled inside tx: sent (in
// a mail) or dropped with a reason (already read, no longer visible).
func consumeNotifications(ctx context.Context, tx *sql.Tx, now time.Time, ids []int64, dropped string) error {
	if len(ids) == 0 {
		return nil
	}
	for chunk := range chunks(ids, 500) {
		args := make([]any, 0, len(chunk)+2)
		args = append(args, ms(now), dropped)
		for _, id := range chunk {
			args = append(args, id)
		}
		_, err := tx.ExecContext(ctx, `UPDATE notifications SET sent_at = ?, dropped = ? WHERE sent_at IS NULL AND id IN (?`+
			strings.Repeat(",?", len(chunk)-1)+`)`, args...) // #nosec G202 -- a "?" placeholder list
		if err != nil {
			return err
		}
	}
	return nil
}

// chunks yields s in pieces of at most n.
func chunks[T any](s []T, n int) func(func([]T) bool) {
	return func(yield func([]T) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}

// NotifyMail is one composed mail and the notifications it consumes.
type NotifyMail struct {
	Mail    OutboxMail // zero Recipient: nothing to send, only consume
	Sent    []int64    // notification IDs the mail reports
	Dropped []int64    // notification IDs dropped (read or no longer visible)
	// DropReason says why Dropped were dropped, for the mail log.
	DropReason string
}

// CommitNotifyMails writes the mails into the outbox and consumes their
// notifications, all in one transaction, so each notification is mailed
// exactly once. Dropped notifications are logged as skipped.
func (db *DB) CommitNotifyMails(ctx context.Context, mails []NotifyMail) error {
	now := db.now()
	err := db.inTxBackground(ctx, func(tx *sql.Tx) error {
		for _, m := range mails {
			if m.Mail.Recipient != "" {
				if _, err := enqueueMail(ctx, tx, now, m.Mail); err != nil {
					return err
				}
			}
			if err := consumeNotifications(ctx, tx, now, m.Sent, ""); err != nil {
				return err
			}
			if len(m.Dropped) > 0 {
				if err := consumeNotifications(ctx, tx, now, m.Dropped, m.DropReason); err != nil {
					return err
				}
				if err := logMail(ctx, tx, now, MailLogEntry{UserID: m.Mail.UserID, Recipient: m.Mail.Recipient, Kind: m.Mail.Kind,
					Status: MailSkipped, Reason: fmt.Sprintf("%s (%d)", m.DropReason, len(m.Dropped))}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("commit notification mails: %w", err)
	}
	return nil
}
