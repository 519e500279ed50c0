package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Feeds: the RSS/Atom entries and the personal feed tokens. Feeds show only
// what readers see: every query here applies `listed` (no deleted, hidden
// or pending threads), leaves out deleted, hidden and pending posts and
// draft or archived FAQ entries, and filters fields with SeesField. Feeds
// never use a moderator's view, so a Viewer from auth.ReaderOf is the one
// to pass.

// FeedItem is one entry of a feed, as the web layer turns it into RSS or
// Atom. Which IDs are set depends on the feed (see the functions below).
type FeedItem struct {
	ThreadID    int64
	ThreadSlug  string
	ThreadTitle string
	PostID      int64 // 0 for thread and FAQ entries
	PostNumber  int   // position of the post in its thread (thread feed)
	FAQID       int64 // 0 except in the FAQ feed
	Version     int   // official answer or FAQ entry version; 0 otherwise
	Title       string
	FieldSlug   string
	FieldName   string
	AuthorName  string // display name, or the answering body of an official answer
	BodyHTML    string // sanitised when stored (markup.Render)
	Published   time.Time
	Updated     time.Time
}

// FeedThreads lists the newest threads v may see, newest first, each with
// the HTML of its opening post (empty when that post is hidden or
// deleted). fieldID 0 means every active field; otherwise the caller has
// looked the field up for v (TopicFieldFor).
func (db *DB) FeedThreads(ctx context.Context, v Viewer, fieldID int64, limit int) ([]FeedItem, error) {
	cond, args := "f.archived_at IS NULL", []any{}
	if fieldID != 0 {
		cond, args = "t.topic_field_id = ?", []any{fieldID}
	}
	rows, err := db.read.QueryContext(ctx, `SELECT t.id, t.slug, t.title, f.slug, f.name, u.display_name,
		CASE WHEN p.deleted_at IS NULL AND p.hidden_at IS NULL AND p.approved = 1 THEN p.body_html ELSE '' END,
		t.created_at, MAX(t.created_at, COALESCE(p.edited_at, 0))
		FROM threads t JOIN topic_fields f ON f.id = t.topic_field_id JOIN users u ON u.id = t.author_id
		JOIN posts p ON p.id = (SELECT MIN(id) FROM posts WHERE thread_id = t.id)
		WHERE `+listed+` AND `+cond+` AND `+v.SeesField("t.topic_field_id")+`
		ORDER BY t.created_at DESC, t.id DESC LIMIT ?`, append(args, limit)...) // #nosec G202 -- constant fragments and SeesField (integer group IDs); values are placeholders
	return scanAll(rows, err, func(r rowScanner) (FeedItem, error) {
		var it FeedItem
		var pub, upd int64
		err := r.Scan(&it.ThreadID, &it.ThreadSlug, &it.ThreadTitle, &it.FieldSlug, &it.FieldName, &it.AuthorName,
			&it.BodyHTML, &pub, &upd)
		it.Title, it.Published, it.Updated = it.ThreadTitle, fromMS(pub), fromMS(upd)
		return it, err
	})
}

// FeedPosts lists the newest published posts of a thread, newest first.
// The caller has looked the thread up for v (ThreadFor with a reader's
// Viewer), so hidden and pending threads never get here.
func (db *DB) FeedPosts(ctx context.Context, t Thread, limit int) ([]FeedItem, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT p.id, u.display_name, p.body_html, p.created_at,
		MAX(p.created_at, COALESCE(p.edited_at, 0)),
		(SELECT COUNT(*) FROM posts q WHERE q.thread_id = p.thread_id AND q.id <= p.id)
		FROM posts p JOIN users u ON u.id = p.author_id
		WHERE p.thread_id = ? AND p.deleted_at IS NULL AND p.hidden_at IS NULL AND p.approved = 1
		ORDER BY p.id DESC LIMIT ?`, t.ID, limit)
	return scanAll(rows, err, func(r rowScanner) (FeedItem, error) {
		it := FeedItem{ThreadID: t.ID, ThreadSlug: t.Slug, ThreadTitle: t.Title, FieldSlug: t.FieldSlug, FieldName: t.FieldName}
		var pub, upd int64
		err := r.Scan(&it.PostID, &it.AuthorName, &it.BodyHTML, &pub, &upd, &it.PostNumber)
		it.Title, it.Published, it.Updated = t.Title, fromMS(pub), fromMS(upd)
		return it, err
	})
}

// FeedOfficialAnswers lists the newest versions of official answers in
// fields v may see, newest first: each version is its own entry, so an
// updated official answer reaches feed readers again. Versions of answers
// that were since deleted or hidden are left out.
func (db *DB) FeedOfficialAnswers(ctx context.Context, v Viewer, limit int) ([]FeedItem, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT o.post_id, o.version, t.id, t.slug, t.title, f.slug, f.name,
		o.answering_body, o.body_html, o.created_at
		FROM official_versions o JOIN posts p ON p.id = o.post_id JOIN threads t ON t.id = p.thread_id
		JOIN topic_fields f ON f.id = t.topic_field_id
		WHERE `+listed+` AND p.deleted_at IS NULL AND p.hidden_at IS NULL AND p.approved = 1
		AND `+v.SeesField("t.topic_field_id")+`
		ORDER BY o.created_at DESC, o.id DESC LIMIT ?`, limit) // #nosec G202 -- constant fragments and SeesField (integer group IDs); values are placeholders
	return scanAll(rows, err, func(r rowScanner) (FeedItem, error) {
		var it FeedItem
		var at int64
		err := r.Scan(&it.PostID, &it.Version, &it.ThreadID, &it.ThreadSlug, &it.ThreadTitle, &it.FieldSlug, &it.FieldName,
			&it.AuthorName, &it.BodyHTML, &at)
		it.Title, it.Published, it.Updated = it.ThreadTitle, fromMS(at), fromMS(at)
		return it, err
	})
}

// FeedFAQChanges lists the published FAQ entries of fields v may see, the
// most recently changed or published first. An entry appears once, at its
// current version; Updated is its last change or publication.
func (db *DB) FeedFAQChanges(ctx context.Context, v Viewer, limit int) ([]FeedItem, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT e.id, e.version, e.question, e.answer_html, f.slug, f.name, u.display_name,
		COALESCE(e.published_at, e.created_at), MAX(e.updated_at, COALESCE(e.published_at, 0)) AS changed
		FROM faq_entries e JOIN topic_fields f ON f.id = e.topic_field_id JOIN users u ON u.id = e.owner_id
		WHERE e.state = 'published' AND `+v.SeesField("e.topic_field_id")+`
		ORDER BY changed DESC, e.id DESC LIMIT ?`, limit) // #nosec G202 -- constant fragments and SeesField (integer group IDs); values are placeholders
	return scanAll(rows, err, func(r rowScanner) (FeedItem, error) {
		var it FeedItem
		var pub, upd int64
		err := r.Scan(&it.FAQID, &it.Version, &it.Title, &it.BodyHTML, &it.FieldSlug, &it.FieldName, &it.AuthorName, &pub, &upd)
		it.Published, it.Updated = fromMS(pub), fromMS(upd)
		return it, err
	})
}

// FeedToken describes a member's personal feed token (never its value).
type FeedToken struct {
	CreatedAt  time.Time
	LastUsedAt time.Time // zero until a feed reader used it
}

// SetFeedToken stores the hash of a member's new feed token, replacing
// (and so revoking) an earlier one.
func (db *DB) SetFeedToken(ctx context.Context, userID int64, hash string) error {
	now := ms(db.now())
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO feed_tokens (user_id, token_hash, created_at) VALUES (?,?,?)
			ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at, last_used_at = NULL`,
			userID, hash, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("set feed token of user %d: %w", userID, err)
	}
	return nil
}

// DeleteFeedToken revokes a member's feed token; without one it is ErrNotFound.
func (db *DB) DeleteFeedToken(ctx context.Context, userID int64) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM feed_tokens WHERE user_id = ?`, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return ErrNotFound
		}
		return nil
	})
}

// FeedTokenOf returns the member's feed token, or ErrNotFound.
func (db *DB) FeedTokenOf(ctx context.Context, userID int64) (FeedToken, error) {
	var created int64
	var used sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT created_at, last_used_at FROM feed_tokens WHERE user_id = ?`, userID).Scan(&created, &used)
	if err != nil {
		return FeedToken{}, mapErr(err)
	}
	return FeedToken{CreatedAt: fromMS(created), LastUsedAt: fromNullMS(used)}, nil
}

// feedTokenTouch is how stale last_used_at may get before a feed request
// writes it again: readers poll every few minutes, and a write per poll
// would compete with posting for the one writer.
const feedTokenTouch = time.Hour

// UserByFeedToken returns the active user owning the feed token (with
// groups and moderated fields loaded), or ErrNotFound, and records the use.
func (db *DB) UserByFeedToken(ctx context.Context, hash string) (User, error) {
	var used sql.NullInt64
	u, err := scanUser(scanWith{db.read.QueryRowContext(ctx, "SELECT "+prefixed("u.", userCols)+`, t.last_used_at
		FROM feed_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ? AND u.status = 'active'`, hash), []any{&used}})
	if err != nil {
		return User{}, err
	}
	now := db.now()
	if !used.Valid || now.Sub(fromMS(used.Int64)) > feedTokenTouch {
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE feed_tokens SET last_used_at = ? WHERE token_hash = ?`, ms(now), hash)
			return err
		})
		if err != nil {
			return User{}, fmt.Errorf("record feed token use: %w", err)
		}
	}
	return u, db.loadModFields(ctx, &u)
}
