package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Post is one contribution to a thread. A deleted post keeps its place in
// the thread (so numbering and links stay stable) but not its body for readers.
type Post struct {
	ID         int64
	ThreadID   int64
	AuthorID   int64
	AuthorName string
	AuthorOrg  string
	OrgType    string
	AuthorRole string
	Body       string
	BodyHTML   string
	CreatedAt  time.Time
	EditedAt   time.Time
	DeletedAt  time.Time
	Number     int // 1-based position in the thread, deleted posts included

	Score           int       // sum of the votes
	OfficialVersion int       // > 0: an official answer in this version
	OfficialAt      time.Time // "Stand" of the current official version
	OfficialBody    string    // the answering body, e.g. "OZG-Programmmanagement"

	HiddenAt     time.Time // hidden by the moderation; readers see a placeholder
	HiddenReason string
	Pending      bool // waits for approval: only its author and the field's moderators see it
	// Withheld means the store blanked Body, BodyHTML and HiddenReason
	// because the viewer may not read this hidden post.
	Withheld bool
}

// Hidden reports whether the moderation hid the post.
func (p Post) Hidden() bool { return !p.HiddenAt.IsZero() }

// Official reports whether the post is an official answer of the programme management.
func (p Post) Official() bool { return p.OfficialVersion > 0 }

// Deleted reports whether the post was soft-deleted.
func (p Post) Deleted() bool { return !p.DeletedAt.IsZero() }

// Edited reports whether the post was changed after posting.
func (p Post) Edited() bool { return !p.EditedAt.IsZero() }

const postCols = `p.id, p.thread_id, p.author_id, u.display_name, u.org_name, u.org_type, u.role,
	p.body, p.body_html, p.created_at, p.edited_at, p.deleted_at, p.score, p.official_version, p.official_at, p.official_body,
	p.hidden_at, p.hidden_reason, NOT p.approved`

func scanPost(row rowScanner) (Post, error) {
	var p Post
	var created int64
	var edited, deleted, officialAt, hidden sql.NullInt64
	err := row.Scan(&p.ID, &p.ThreadID, &p.AuthorID, &p.AuthorName, &p.AuthorOrg, &p.OrgType, &p.AuthorRole,
		&p.Body, &p.BodyHTML, &created, &edited, &deleted, &p.Score, &p.OfficialVersion, &officialAt, &p.OfficialBody,
		&hidden, &p.HiddenReason, &p.Pending)
	if err != nil {
		return Post{}, mapErr(err)
	}
	p.CreatedAt, p.EditedAt, p.DeletedAt = fromMS(created), fromNullMS(edited), fromNullMS(deleted)
	p.OfficialAt, p.HiddenAt = fromNullMS(officialAt), fromNullMS(hidden)
	return p, nil
}

// Posts returns a page of a thread's posts in order as every reader sees
// them, and their total number: deleted posts keep their place, hidden ones
// come without their text, and posts waiting for approval are left out.
func (db *DB) Posts(ctx context.Context, threadID int64, limit, offset int) ([]Post, int, error) {
	return db.PostsFor(ctx, Viewer{}, threadID, limit, offset)
}

// PostsFor is Posts as v sees them: the field's moderators get every post
// with its text, an author also their own posts waiting for approval and
// the text of their hidden ones. Post.Number stays the position among all
// the thread's posts, so "Beitrag 3" is the same post for everyone.
func (db *DB) PostsFor(ctx context.Context, v Viewer, threadID int64, limit, offset int) ([]Post, int, error) {
	return db.postsPage(ctx, v, threadID, "p.id", limit, offset)
}

// postsPage is one page of a thread's posts as v sees them, in the given
// fixed order (p.id for discussions, questionOrder for questions).
func (db *DB) postsPage(ctx context.Context, v Viewer, threadID int64, order string, limit, offset int) ([]Post, int, error) {
	mod, err := db.moderatesThread(ctx, v, threadID)
	if err != nil {
		return nil, 0, err
	}
	// cond and order come from constants (two choices each), so both
	// queries go through the statement cache.
	cond, args := v.postCond(mod)
	var total int
	if err := db.readQueryRow(ctx, `SELECT COUNT(*) FROM posts p WHERE p.thread_id = ? AND `+cond,
		append([]any{threadID}, args...)...).Scan(&total); err != nil {
		return nil, 0, err
	}
	// The inner query numbers all the thread's posts before the viewer's
	// condition, ORDER BY and LIMIT pick the page. It numbers only the IDs
	// (from the index posts_thread) and the posts join by primary key, so
	// SQLite does not copy every post's text into a temporary table.
	rows, err := db.readQuery(ctx, "SELECT "+postCols+`, w.n
		FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM posts WHERE thread_id = ?) w
		JOIN posts p ON p.id = w.id JOIN users u ON u.id = p.author_id JOIN threads t ON t.id = p.thread_id
		WHERE `+cond+` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(append([]any{threadID}, args...), limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var ps []Post
	for rows.Next() {
		var n int
		p, err := scanPost(scanWith{rows, []any{&n}})
		if err != nil {
			return nil, 0, err
		}
		p.Number = n
		v.withhold(&p, mod)
		ps = append(ps, p)
	}
	return ps, total, rows.Err()
}

// PostByID returns a post of a thread that is not deleted (the post itself
// may be) as every reader sees it: a post waiting for approval or in a
// hidden thread is ErrNotFound, a hidden post comes without its text.
func (db *DB) PostByID(ctx context.Context, id int64) (Post, error) {
	return db.PostFor(ctx, Viewer{}, id)
}

// PostFor is PostByID as v sees it (see PostsFor).
func (db *DB) PostFor(ctx context.Context, v Viewer, id int64) (Post, error) {
	p, err := scanPost(db.read.QueryRowContext(ctx, "SELECT "+postCols+` FROM posts p JOIN users u ON u.id = p.author_id
		JOIN threads t ON t.id = p.thread_id WHERE p.id = ? AND t.deleted_at IS NULL`, id))
	if err != nil {
		return Post{}, err
	}
	t, err := db.ThreadFor(ctx, v, p.ThreadID)
	if err != nil {
		return Post{}, err
	}
	mod := v.Moderates(t.TopicFieldID)
	if p.Pending && !mod && !v.wrote(p) {
		return Post{}, ErrNotFound
	}
	v.withhold(&p, mod)
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM posts WHERE thread_id = ? AND id <= ?`, p.ThreadID, p.ID).Scan(&p.Number)
	return p, err
}

// NewPost is the input of AddPost.
type NewPost struct {
	ThreadID, AuthorID int64
	Body, BodyHTML     string
	// Pending puts the post into the approval queue: readers see it, and
	// the thread's counters count it, once a moderator approves it.
	Pending bool
}

// CreatePost appends a published reply: AddPost without the approval queue.
func (db *DB) CreatePost(ctx context.Context, threadID, authorID int64, body, bodyHTML string) (int64, error) {
	return db.AddPost(ctx, NewPost{ThreadID: threadID, AuthorID: authorID, Body: body, BodyHTML: bodyHTML})
}

// AddPost appends a reply unless the thread is locked (ErrLocked),
// closed as a duplicate (ErrDuplicate) or gone or hidden (ErrNotFound); the
// checks and the insert share one transaction. A published answer to a
// question also records an answer.created event (a pending one when it is
// approved).
func (db *DB) AddPost(ctx context.Context, np NewPost) (int64, error) {
	now := db.now()
	threadID, authorID, body, bodyHTML := np.ThreadID, np.AuthorID, np.Body, np.BodyHTML
	var id int64
	err := db.inTxGrouped(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var locked, duplicate bool
		var kind string
		err := tx.QueryRowContext(ctx, `SELECT locked, duplicate_of IS NOT NULL, kind FROM threads
			WHERE id = ? AND deleted_at IS NULL AND hidden_at IS NULL`, threadID).Scan(&locked, &duplicate, &kind)
		if err != nil {
			return err
		}
		if locked {
			return ErrLocked
		}
		if duplicate {
			return ErrDuplicate
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO posts (thread_id, author_id, body, body_html, created_at, approved) VALUES (?,?,?,?,?,?)`,
			threadID, authorID, body, bodyHTML, ms(now), !np.Pending)
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		// Replying auto-tracks the thread.
		if err := autoTrack(ctx, tx, now, authorID, threadID); err != nil {
			return err
		}
		if np.Pending {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET post_count = post_count + 1, last_post_at = ? WHERE id = ?`, ms(now), threadID); err != nil {
			return err
		}
		if kind == KindQuestion || kind == KindPM {
			return recordEvent(ctx, tx, now, Event{Kind: EventAnswerCreated, ThreadID: threadID, PostID: id, ActorID: authorID})
		}
		return recordEvent(ctx, tx, now, Event{Kind: EventPostCreated, ThreadID: threadID, PostID: id, ActorID: authorID})
	})
	if err != nil {
		return 0, fmt.Errorf("create post in thread %d: %w", threadID, err)
	}
	return id, nil
}

// EditPost replaces a post's body, keeping the previous body as a revision.
// Editing an official answer also makes the new body its next official
// version (with a new "Stand" and an answer.official event) and sends the
// FAQ entries promoted from it to review (see faqSourceChanged).
func (db *DB) EditPost(ctx context.Context, postID, editorID int64, body, bodyHTML string) error {
	at := db.now()
	now := ms(at)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var old string
		err := tx.QueryRowContext(ctx, `SELECT body FROM posts WHERE id = ? AND deleted_at IS NULL`, postID).Scan(&old)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO post_revisions (post_id, body, editor_id, created_at) VALUES (?,?,?,?)`,
			postID, old, editorID, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET body = ?, body_html = ?, edited_at = ? WHERE id = ?`, body, bodyHTML, now, postID); err != nil {
			return err
		}
		if err := newOfficialVersion(ctx, tx, at, postID, editorID, body, bodyHTML); err != nil {
			return err
		}
		return faqSourceChanged(ctx, tx, at, postID, editorID)
	})
	if err != nil {
		return fmt.Errorf("edit post %d: %w", postID, err)
	}
	return nil
}

// DeletePost soft-deletes a post and updates its thread's counters.
// actorID differs from the author when a moderator deletes; that is audited.
func (db *DB) DeletePost(ctx context.Context, postID, actorID int64) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var threadID, authorID int64
		err := tx.QueryRowContext(ctx, `SELECT thread_id, author_id FROM posts WHERE id = ? AND deleted_at IS NULL`, postID).Scan(&threadID, &authorID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET deleted_at = ? WHERE id = ?`, ms(now), postID); err != nil {
			return err
		}
		// Recounted rather than decremented: the post may have been hidden or pending.
		if err := recountThread(ctx, tx, threadID); err != nil {
			return err
		}
		if actorID != authorID {
			return audit(ctx, tx, now, actorID, "post.delete", "post", postID, "")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete post %d: %w", postID, err)
	}
	return nil
}

// Revision is an earlier version of a post.
type Revision struct {
	ID         int64
	PostID     int64
	Body       string
	EditorID   int64
	EditorName string
	CreatedAt  time.Time // when this version was replaced
}

// PostRevisions lists a post's earlier versions, oldest first.
func (db *DB) PostRevisions(ctx context.Context, postID int64) ([]Revision, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT r.id, r.post_id, r.body, r.editor_id, u.display_name, r.created_at
		FROM post_revisions r JOIN users u ON u.id = r.editor_id WHERE r.post_id = ? ORDER BY r.id`, postID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var rs []Revision
	for rows.Next() {
		var r Revision
		var created int64
		if err := rows.Scan(&r.ID, &r.PostID, &r.Body, &r.EditorID, &r.EditorName, &created); err != nil {
			return nil, err
		}
		r.CreatedAt = fromMS(created)
		rs = append(rs, r)
	}
	return rs, rows.Err()
}
