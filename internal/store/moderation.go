package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Moderation: flags, the review queue, hiding, approval, thread actions,
// write suspensions, moderator assignment and the field-scoped audit log
// (who sees what is Viewer's, in viewer.go). The rules (who may,
// which values) live in packages auth and moderation; these functions keep
// the data consistent and write each action's audit row in its transaction.

// moderatesThread reports whether v moderates the thread's field; a
// missing thread is moderated by nobody.
func (db *DB) moderatesThread(ctx context.Context, v Viewer, threadID int64) (bool, error) {
	if !v.ModAll && len(v.ModFields) == 0 {
		return false, nil
	}
	var field int64
	err := db.read.QueryRowContext(ctx, `SELECT topic_field_id FROM threads WHERE id = ?`, threadID).Scan(&field)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return v.Moderates(field), err
}

// shown is the condition on posts p that readers see with their text and
// that the thread's counters count.
const shown = `p.deleted_at IS NULL AND p.hidden_at IS NULL AND p.approved = 1`

// recountThread sets a thread's post_count and last_post_at from the posts
// readers see; last_post_at falls back to the thread's creation.
func recountThread(ctx context.Context, tx *sql.Tx, threadID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE threads SET
		post_count = (SELECT COUNT(*) FROM posts p WHERE p.thread_id = ?1 AND `+shown+`),
		last_post_at = COALESCE((SELECT MAX(p.created_at) FROM posts p WHERE p.thread_id = ?1 AND `+shown+`), created_at)
		WHERE id = ?1`, threadID)
	return err
}

// ApprovedPostCount counts the user's approved posts, deleted and hidden
// ones included: the approval queue holds new users' first posts.
// It stops counting at upTo: the caller only asks whether a member has
// reached the approval threshold, and counting all posts of a prolific
// member took 18 ms per post at a million posts.
func (db *DB) ApprovedPostCount(ctx context.Context, userID int64, upTo int) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM posts WHERE author_id = ? AND approved = 1 LIMIT ?)`,
		userID, upTo).Scan(&n)
	return n, err
}

// Suspensions.

// Indefinitely is the end of a suspension that lasts until it is lifted.
var Indefinitely = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// Suspended reports whether the user may not write now (a suspension
// ends by itself at SuspendedUntil).
func (u User) Suspended() bool {
	return !u.SuspendedUntil.IsZero() && time.Now().Before(u.SuspendedUntil)
}

// SuspendedIndefinitely reports whether the suspension lasts until it is lifted.
func (u User) SuspendedIndefinitely() bool { return !u.SuspendedUntil.Before(Indefinitely) }

// SuspendUser stops the user from writing until until (Indefinitely: until
// lifted), replacing an earlier suspension, and audits it with the reason.
func (db *DB) SuspendUser(ctx context.Context, actorID, userID int64, until time.Time, reason string) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET suspended_until = ?, suspended_reason = ?, updated_at = ? WHERE id = ?`,
			ms(until), reason, ms(now), userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		end := "∞"
		if until.Before(Indefinitely) {
			end = until.UTC().Format(time.RFC3339)
		}
		return audit(ctx, tx, now, actorID, "user.suspend", "user", userID, joinDetail(end, reason))
	})
	if err != nil {
		return fmt.Errorf("suspend user %d: %w", userID, err)
	}
	return nil
}

// LiftSuspension lets a suspended user write again and audits it. A user
// who is not suspended is ErrNotFound.
func (db *DB) LiftSuspension(ctx context.Context, actorID, userID int64, reason string) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET suspended_until = NULL, suspended_reason = '', updated_at = ?
			WHERE id = ? AND suspended_until > ?`, ms(now), userID, ms(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return audit(ctx, tx, now, actorID, "user.unsuspend", "user", userID, reason)
	})
	if err != nil {
		return fmt.Errorf("lift suspension of user %d: %w", userID, err)
	}
	return nil
}

// joinDetail builds an audit detail from a fact and the reason given.
func joinDetail(fact, reason string) string {
	if reason == "" {
		return fact
	}
	return fact + ": " + reason
}

// Flags.

// Flag reasons.
const (
	FlagSpam          = "spam"
	FlagOffTopic      = "off_topic"
	FlagInappropriate = "inappropriate"
	FlagPersonalData  = "personal_data" // personal data, DSGVO
	FlagOther         = "other"
)

// FlagReasons lists the flag reasons in the order the form shows them.
var FlagReasons = []string{FlagSpam, FlagOffTopic, FlagInappropriate, FlagPersonalData, FlagOther}

// How a moderator resolved a post's flags.
const (
	ResolvedHide    = "hide"
	ResolvedEdit    = "edit"
	ResolvedDismiss = "dismiss"
)

// Flag is a member's report of a post.
type Flag struct {
	ID           int64
	PostID       int64
	ReporterID   int64
	ReporterName string
	Reason       string // one of FlagReasons
	Text         string
	CreatedAt    time.Time
	ResolvedAt   time.Time // zero while open
	ResolvedBy   int64
	Resolution   string // ResolvedHide, ResolvedEdit, ResolvedDismiss; "" while open
}

const flagCols = `f.id, f.post_id, f.reporter_id, r.display_name, f.reason, f.text, f.created_at,
	f.resolved_at, COALESCE(f.resolved_by, 0), COALESCE(f.resolution, '')`

func scanFlag(row rowScanner) (Flag, error) {
	var f Flag
	var created int64
	var resolved sql.NullInt64
	err := row.Scan(&f.ID, &f.PostID, &f.ReporterID, &f.ReporterName, &f.Reason, &f.Text, &created,
		&resolved, &f.ResolvedBy, &f.Resolution)
	if err != nil {
		return Flag{}, mapErr(err)
	}
	f.CreatedAt, f.ResolvedAt = fromMS(created), fromNullMS(resolved)
	return f, nil
}

// CreateFlag records reporterID's flag on a post. A second open flag by
// the same reporter on the same post is ErrConflict.
func (db *DB) CreateFlag(ctx context.Context, postID, reporterID int64, reason, text string) (Flag, error) {
	now := db.now()
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO flags (post_id, reporter_id, reason, text, created_at) VALUES (?,?,?,?,?)`,
			postID, reporterID, reason, text, ms(now))
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return Flag{}, fmt.Errorf("flag post %d: %w", postID, err)
	}
	return scanFlag(db.read.QueryRowContext(ctx, "SELECT "+flagCols+` FROM flags f JOIN users r ON r.id = f.reporter_id WHERE f.id = ?`, id))
}

// resolveFlags closes the post's open flags inside tx and returns how many.
func resolveFlags(ctx context.Context, tx *sql.Tx, now time.Time, actorID, postID int64, resolution string) (int64, error) {
	res, err := tx.ExecContext(ctx, `UPDATE flags SET resolved_at = ?, resolved_by = ?, resolution = ? WHERE post_id = ? AND resolved_at IS NULL`,
		ms(now), actorID, resolution, postID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// DismissFlags closes the post's open flags without a change to the post
// and audits it (flag.dismiss). A post without open flags is ErrNotFound.
func (db *DB) DismissFlags(ctx context.Context, actorID, postID int64, reason string) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		n, err := resolveFlags(ctx, tx, now, actorID, postID, ResolvedDismiss)
		if err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		return audit(ctx, tx, now, actorID, "flag.dismiss", "post", postID, reason)
	})
	if err != nil {
		return fmt.Errorf("dismiss flags on post %d: %w", postID, err)
	}
	return nil
}

// RecordModeratorEdit audits a moderator's edit of a post with its reason
// (post.edit) and closes the post's open flags as resolved by the edit.
// The edit itself goes through EditPost, the path every edit takes, so it
// commits just before this.
func (db *DB) RecordModeratorEdit(ctx context.Context, actorID, postID int64, reason string) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := resolveFlags(ctx, tx, now, actorID, postID, ResolvedEdit); err != nil {
			return err
		}
		return audit(ctx, tx, now, actorID, "post.edit", "post", postID, reason)
	})
	if err != nil {
		return fmt.Errorf("record moderator edit of post %d: %w", postID, err)
	}
	return nil
}

// Hiding and approval of posts.

// HidePost hides a post from readers with the reason, closes its open flags
// as resolved by hiding, recounts its thread and audits it (post.hide).
// Hiding a hidden post changes nothing.
func (db *DB) HidePost(ctx context.Context, actorID, postID int64, reason string) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		threadID, err := livePost(ctx, tx, postID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE posts SET hidden_at = ?, hidden_by = ?, hidden_reason = ? WHERE id = ? AND hidden_at IS NULL`,
			ms(now), actorID, reason, postID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if _, err := resolveFlags(ctx, tx, now, actorID, postID, ResolvedHide); err != nil {
			return err
		}
		if err := recountThread(ctx, tx, threadID); err != nil {
			return err
		}
		return audit(ctx, tx, now, actorID, "post.hide", "post", postID, reason)
	})
	if err != nil {
		return fmt.Errorf("hide post %d: %w", postID, err)
	}
	return nil
}

// UnhidePost shows a hidden post to readers again (a rejected post returns
// to the approval queue), recounts its thread and audits it (post.unhide).
// A post that is not hidden is ErrNotFound.
func (db *DB) UnhidePost(ctx context.Context, actorID, postID int64, reason string) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		threadID, err := livePost(ctx, tx, postID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE posts SET hidden_at = NULL, hidden_by = NULL, hidden_reason = '' WHERE id = ? AND hidden_at IS NOT NULL`, postID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if err := recountThread(ctx, tx, threadID); err != nil {
			return err
		}
		return audit(ctx, tx, now, actorID, "post.unhide", "post", postID, reason)
	})
	if err != nil {
		return fmt.Errorf("unhide post %d: %w", postID, err)
	}
	return nil
}

// livePost returns the thread of a post that is not deleted, in a thread
// that is not deleted, else ErrNotFound.
func livePost(ctx context.Context, tx *sql.Tx, postID int64) (int64, error) {
	var threadID int64
	err := tx.QueryRowContext(ctx, `SELECT p.thread_id FROM posts p JOIN threads t ON t.id = p.thread_id
		WHERE p.id = ? AND p.deleted_at IS NULL AND t.deleted_at IS NULL`, postID).Scan(&threadID)
	return threadID, err
}

// ApprovePost publishes a post from the approval queue: readers see it, the
// counters count it, and the events a published post records are written
// now (question.created, pm.created or answer.created). Approving an
// opening post publishes its thread too. It is audited (post.approve).
// A post that is not in the queue is ErrNotFound.
func (db *DB) ApprovePost(ctx context.Context, actorID, postID int64) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var threadID, authorID int64
		var opening bool
		var kind string
		err := tx.QueryRowContext(ctx, `SELECT p.thread_id, p.author_id, p.id = (SELECT MIN(id) FROM posts WHERE thread_id = p.thread_id), t.kind
			FROM posts p JOIN threads t ON t.id = p.thread_id
			WHERE p.id = ? AND p.approved = 0 AND p.hidden_at IS NULL AND p.deleted_at IS NULL AND t.deleted_at IS NULL`, postID).
			Scan(&threadID, &authorID, &opening, &kind)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET approved = 1 WHERE id = ?`, postID); err != nil {
			return err
		}
		if opening {
			if _, err := tx.ExecContext(ctx, `UPDATE threads SET approved = 1 WHERE id = ?`, threadID); err != nil {
				return err
			}
		}
		if err := recountThread(ctx, tx, threadID); err != nil {
			return err
		}
		e := Event{ThreadID: threadID, PostID: postID, ActorID: authorID}
		switch {
		case opening && kind == KindQuestion:
			e.Kind = EventQuestionCreated
		case opening && kind == KindPM:
			e.Kind = EventPMCreated
		case !opening && (kind == KindQuestion || kind == KindPM):
			e.Kind = EventAnswerCreated
		case opening:
			e.Kind = EventThreadCreated
		default:
			e.Kind = EventPostCreated
		}
		if e.Kind != "" {
			if err := recordEvent(ctx, tx, now, e); err != nil {
				return err
			}
		}
		return audit(ctx, tx, now, actorID, "post.approve", "post", postID, "")
	})
	if err != nil {
		return fmt.Errorf("approve post %d: %w", postID, err)
	}
	return nil
}

// RejectPost takes a post out of the approval queue by hiding it with the
// reason; it stays unapproved, so readers never see it (a rejected opening
// post keeps its thread out of sight too). It is audited (post.reject). A
// post that is not in the queue is ErrNotFound.
func (db *DB) RejectPost(ctx context.Context, actorID, postID int64, reason string) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE posts SET hidden_at = ?, hidden_by = ?, hidden_reason = ?
			WHERE id = ? AND approved = 0 AND hidden_at IS NULL AND deleted_at IS NULL`, ms(now), actorID, reason, postID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return audit(ctx, tx, now, actorID, "post.reject", "post", postID, reason)
	})
	if err != nil {
		return fmt.Errorf("reject post %d: %w", postID, err)
	}
	return nil
}

// Thread actions.

// Thread moderation actions of ModerateThread; each is also the action
// code of its audit row.
const (
	ThreadLock   = "thread.lock"
	ThreadUnlock = "thread.unlock"
	ThreadPin    = "thread.pin"
	ThreadUnpin  = "thread.unpin"
	ThreadHide   = "thread.hide"
	ThreadUnhide = "thread.unhide"
)

// threadActions maps each action to its fixed SET clause; ?1 is now, ?2 the
// actor, ?3 the reason.
var threadActions = map[string]string{
	ThreadLock:   `locked = 1`,
	ThreadUnlock: `locked = 0`,
	ThreadPin:    `pinned = 1`,
	ThreadUnpin:  `pinned = 0`,
	ThreadHide:   `hidden_at = ?1, hidden_by = ?2, hidden_reason = ?3`,
	ThreadUnhide: `hidden_at = NULL, hidden_by = NULL, hidden_reason = ''`,
}

// ModerateThread locks, unlocks, pins, unpins, hides or unhides a thread
// (action is one of the Thread* constants) and audits it with the reason.
func (db *DB) ModerateThread(ctx context.Context, actorID, threadID int64, action, reason string) error {
	set, ok := threadActions[action]
	if !ok {
		return fmt.Errorf("moderate thread %d: unknown action %q", threadID, action)
	}
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE threads SET `+set+` WHERE id = ?4 AND deleted_at IS NULL`, ms(now), actorID, reason, threadID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return audit(ctx, tx, now, actorID, action, "thread", threadID, reason)
	})
	if err != nil {
		return fmt.Errorf("%s %d: %w", action, threadID, err)
	}
	return nil
}

// MoveThread moves a thread to another topic field and audits it
// (thread.move, detail "from-slug → to-slug: reason").
func (db *DB) MoveThread(ctx context.Context, actorID, threadID, fieldID int64, reason string) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var from, to string
		err := tx.QueryRowContext(ctx, `SELECT f.slug FROM threads t JOIN topic_fields f ON f.id = t.topic_field_id
			WHERE t.id = ? AND t.deleted_at IS NULL`, threadID).Scan(&from)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT slug FROM topic_fields WHERE id = ?`, fieldID).Scan(&to); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET topic_field_id = ? WHERE id = ?`, fieldID, threadID); err != nil {
			return err
		}
		return audit(ctx, tx, now, actorID, "thread.move", "thread", threadID, joinDetail(from+" → "+to, reason))
	})
	if err != nil {
		return fmt.Errorf("move thread %d to field %d: %w", threadID, fieldID, err)
	}
	return nil
}

// The review queue.

// ReviewItem is a post in the review queue with where it stands and, for
// flagged posts, its open flags.
type ReviewItem struct {
	Post        Post
	ThreadTitle string
	ThreadSlug  string
	FieldID     int64
	FieldName   string
	FieldSlug   string
	Opening     bool   // the post opens its thread
	Flags       []Flag // open flags, oldest first
}

// ThreadURL is the address of the post's thread.
func (ri ReviewItem) ThreadURL() string {
	return fmt.Sprintf("/t/%d-%s", ri.Post.ThreadID, ri.ThreadSlug)
}

const reviewCols = postCols + `, (SELECT COUNT(*) FROM posts q WHERE q.thread_id = p.thread_id AND q.id <= p.id),
	t.title, t.slug, t.topic_field_id, tf.name, tf.slug`

const reviewFrom = ` FROM posts p JOIN users u ON u.id = p.author_id JOIN threads t ON t.id = p.thread_id
	JOIN topic_fields tf ON tf.id = t.topic_field_id`

// Queue conditions on posts p of threads t: posts with open flags, and
// posts waiting for approval, both alive.
const (
	flaggedCond = `p.id IN (SELECT fl.post_id FROM flags fl WHERE fl.resolved_at IS NULL)
		AND p.deleted_at IS NULL AND t.deleted_at IS NULL`
	pendingCond = `p.approved = 0 AND p.hidden_at IS NULL AND p.deleted_at IS NULL AND t.deleted_at IS NULL`
)

// FlaggedPosts lists the posts with open flags in the fields v moderates,
// the longest waiting first, with their flags and the total number.
func (db *DB) FlaggedPosts(ctx context.Context, v Viewer, limit int) ([]ReviewItem, int, error) {
	items, total, err := db.reviewItems(ctx, v, flaggedCond,
		`(SELECT MIN(created_at) FROM flags WHERE post_id = p.id AND resolved_at IS NULL), p.id`, limit)
	if err != nil || len(items) == 0 {
		return items, total, err
	}
	byPost := make(map[int64]int, len(items))
	args := make([]any, len(items))
	for i, it := range items {
		byPost[it.Post.ID], args[i] = i, it.Post.ID
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+flagCols+` FROM flags f JOIN users r ON r.id = f.reporter_id
		WHERE f.resolved_at IS NULL AND f.post_id IN (?`+strings.Repeat(",?", len(args)-1)+`) ORDER BY f.id`, args...) // #nosec G202 -- constant columns and a "?" placeholder list
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		f, err := scanFlag(rows)
		if err != nil {
			return nil, 0, err
		}
		i := byPost[f.PostID]
		items[i].Flags = append(items[i].Flags, f)
	}
	return items, total, rows.Err()
}

// PendingPosts lists the posts waiting for approval in the fields v
// moderates, oldest first, with the total number.
func (db *DB) PendingPosts(ctx context.Context, v Viewer, limit int) ([]ReviewItem, int, error) {
	return db.reviewItems(ctx, v, pendingCond, `p.id`, limit)
}

func (db *DB) reviewItems(ctx context.Context, v Viewer, cond, order string, limit int) ([]ReviewItem, int, error) {
	fields, args := v.fieldCond("t.topic_field_id")
	where := " WHERE " + cond + " AND " + fields
	var total int
	if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM posts p JOIN threads t ON t.id = p.thread_id"+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count review queue: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+reviewCols+reviewFrom+where+" ORDER BY "+order+" LIMIT ?", append(args, limit)...) // #nosec G202 -- cond and order are constants of the two callers; fieldCond uses placeholders
	if err != nil {
		return nil, 0, fmt.Errorf("review queue: %w", err)
	}
	defer rows.Close()
	var items []ReviewItem
	for rows.Next() {
		var it ReviewItem
		var n int
		p, err := scanPost(scanWith{rows, []any{&n, &it.ThreadTitle, &it.ThreadSlug, &it.FieldID, &it.FieldName, &it.FieldSlug}})
		if err != nil {
			return nil, 0, err
		}
		p.Number = n
		it.Post, it.Opening = p, n == 1
		items = append(items, it)
	}
	return items, total, rows.Err()
}

// ReviewCount is the number of entries in v's review queue: posts with open
// flags plus posts waiting for approval. The navigation shows it on every
// page of a moderator, so it is one query, and each half starts from a
// partial index that holds only open items: flags_open, and posts_pending
// (CROSS JOIN keeps SQLite from starting at the fields' threads instead).
func (db *DB) ReviewCount(ctx context.Context, v Viewer) (int, error) {
	fields, args := v.fieldCond("t.topic_field_id")
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM posts p JOIN threads t ON t.id = p.thread_id WHERE `+flaggedCond+` AND `+fields+`) +
		(SELECT COUNT(*) FROM posts p CROSS JOIN threads t ON t.id = p.thread_id WHERE `+pendingCond+` AND `+fields+`)`,
		append(args, args...)...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count review queue: %w", err)
	}
	return n, nil
}

// Moderators.

// FieldModerators returns the users assigned to moderate each topic field,
// by name.
func (db *DB) FieldModerators(ctx context.Context) (map[int64][]User, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+prefixed("u.", userCols)+`, mf.topic_field_id
		FROM moderator_fields mf JOIN users u ON u.id = mf.user_id ORDER BY u.display_name, u.id`) // #nosec G202 -- prefixed() of the constant userCols
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]User{}
	for rows.Next() {
		var field int64
		u, err := scanUser(scanWith{rows, []any{&field}})
		if err != nil {
			return nil, err
		}
		out[field] = append(out[field], u)
	}
	return out, rows.Err()
}

// AddModerator assigns the user to moderate the field and audits it
// (moderator.assign). A member becomes a moderator; other roles stay. It
// reports whether the assignment is new: assigning twice changes nothing.
func (db *DB) AddModerator(ctx context.Context, actorID, fieldID, userID int64) (bool, error) {
	now := db.now()
	var added bool
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT display_name FROM users WHERE id = ?`, userID).Scan(&name); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO moderator_fields (user_id, topic_field_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, userID, fieldID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		added = true
		if _, err := tx.ExecContext(ctx, `UPDATE users SET role = 'moderator', updated_at = ? WHERE id = ? AND role = 'member'`, ms(now), userID); err != nil {
			return err
		}
		return audit(ctx, tx, now, actorID, "moderator.assign", "topic_field", fieldID, fmt.Sprintf("%s (#%d)", name, userID))
	})
	if err != nil {
		return false, fmt.Errorf("assign user %d to moderate field %d: %w", userID, fieldID, err)
	}
	return added, nil
}

// RemoveModerator ends the user's moderation of the field and audits it
// (moderator.remove). A moderator left without fields becomes a member
// again. An assignment that does not exist is ErrNotFound.
func (db *DB) RemoveModerator(ctx context.Context, actorID, fieldID, userID int64) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT display_name FROM users WHERE id = ?`, userID).Scan(&name); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM moderator_fields WHERE user_id = ? AND topic_field_id = ?`, userID, fieldID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET role = 'member', updated_at = ? WHERE id = ? AND role = 'moderator'
			AND NOT EXISTS (SELECT 1 FROM moderator_fields WHERE user_id = ?)`, ms(now), userID, userID); err != nil {
			return err
		}
		return audit(ctx, tx, now, actorID, "moderator.remove", "topic_field", fieldID, fmt.Sprintf("%s (#%d)", name, userID))
	})
	if err != nil {
		return fmt.Errorf("remove user %d from moderating field %d: %w", userID, fieldID, err)
	}
	return nil
}

// The audit log as moderators see it.

// AuditLogFor lists the newest audit entries v may read: all of them for
// administrators; for moderators those whose target is a thread, a post or
// a topic field in their fields (judged by where the thread is now), and
// every suspension, since a suspended user writes in no field.
func (db *DB) AuditLogFor(ctx context.Context, v Viewer, limit int) ([]AuditEntry, error) {
	if v.ModAll {
		return db.AuditLog(ctx, limit)
	}
	threads, args := v.fieldCond("topic_field_id")
	posts, pargs := v.fieldCond("t.topic_field_id")
	fields, fargs := v.fieldCond("a.target_id")
	args = append(append(args, pargs...), fargs...)
	rows, err := db.read.QueryContext(ctx, `SELECT a.id, COALESCE(a.actor_id, 0), COALESCE(u.display_name, ''), a.action,
		a.target_type, a.target_id, a.detail, a.created_at FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
		WHERE (a.target_type = 'thread' AND a.target_id IN (SELECT id FROM threads WHERE `+threads+`))
			OR (a.target_type = 'post' AND a.target_id IN (SELECT p.id FROM posts p JOIN threads t ON t.id = p.thread_id WHERE `+posts+`))
			OR (a.target_type = 'topic_field' AND `+fields+`)
			OR (a.target_type = 'user' AND a.action IN ('user.suspend', 'user.unsuspend'))
		ORDER BY a.id DESC LIMIT ?`, append(args, limit)...) // #nosec G202 -- fieldCond of constant columns with "?" placeholders
	if err != nil {
		return nil, fmt.Errorf("audit log for moderator %d: %w", v.UserID, err)
	}
	defer rows.Close()
	var es []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var created int64
		if err := rows.Scan(&e.ID, &e.ActorID, &e.ActorName, &e.Action, &e.TargetType, &e.TargetID, &e.Detail, &created); err != nil {
			return nil, err
		}
		e.CreatedAt = fromMS(created)
		es = append(es, e)
	}
	return es, rows.Err()
}
