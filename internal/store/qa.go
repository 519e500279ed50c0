package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Questions and answers: votes, accepted answers, duplicates, the list
// filters and the profile figures. The rules (who may, which values) live
// in package qa; these functions only keep the data consistent.

// EventAnswerUnaccepted records that a question's accepted answer was
// withdrawn (detail: the post ID that was accepted). It is kept apart from
// answer.accepted so notifications never announce a withdrawal as an acceptance.
const EventAnswerUnaccepted = "answer.unaccepted"

// Vote sets userID's vote on a post to value: 1 (helpful), -1 (not helpful)
// or 0 (no vote: the row is removed). The post's score changes by the
// difference in the same transaction, so it always equals the sum of the
// votes; submitting the same value again changes nothing. It returns the
// post's new score. Votes record no event: nobody is notified of them.
func (db *DB) Vote(ctx context.Context, postID, userID int64, value int) (int, error) {
	if value < -1 || value > 1 {
		return 0, fmt.Errorf("vote on post %d: value %d out of range", postID, value)
	}
	now := db.now()
	var score int
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		// The writer connection serialises transactions (_txlock=immediate),
		// so reading the old vote and writing the new one cannot interleave
		// with another vote on the same post.
		err := tx.QueryRowContext(ctx, `SELECT p.score FROM posts p JOIN threads t ON t.id = p.thread_id
			WHERE p.id = ? AND p.deleted_at IS NULL AND t.deleted_at IS NULL`, postID).Scan(&score)
		if err != nil {
			return err
		}
		var old int
		err = tx.QueryRowContext(ctx, `SELECT value FROM votes WHERE post_id = ? AND user_id = ?`, postID, userID).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		delta := value - old
		if delta == 0 {
			return nil
		}
		if value == 0 {
			_, err = tx.ExecContext(ctx, `DELETE FROM votes WHERE post_id = ? AND user_id = ?`, postID, userID)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO votes (post_id, user_id, value, created_at) VALUES (?,?,?,?)
				ON CONFLICT (post_id, user_id) DO UPDATE SET value = excluded.value, created_at = excluded.created_at`,
				postID, userID, value, ms(now))
		}
		if err != nil {
			return err
		}
		score += delta
		_, err = tx.ExecContext(ctx, `UPDATE posts SET score = score + ? WHERE id = ?`, delta, postID)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("vote on post %d: %w", postID, err)
	}
	return score, nil
}

// MyVotes returns userID's votes on the given posts; posts without a vote
// are absent from the map.
func (db *DB) MyVotes(ctx context.Context, userID int64, postIDs []int64) (map[int64]int, error) {
	out := make(map[int64]int, len(postIDs))
	if len(postIDs) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(postIDs)+1)
	args = append(args, userID)
	for _, id := range postIDs {
		args = append(args, id)
	}
	// One placeholder per ID: a page holds at most a few dozen posts.
	q := `SELECT post_id, value FROM votes WHERE user_id = ? AND post_id IN (?` + strings.Repeat(",?", len(postIDs)-1) + `)` // #nosec G202 -- a "?" placeholder list
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v int
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, rows.Err()
}

// AcceptAnswer marks postID as the accepted answer of the thread, replacing
// an earlier one; postID 0 withdraws the acceptance. The post must be a
// visible answer (not the opening post) of this thread, else ErrNotFound.
// An answer.accepted (or answer.unaccepted) event is recorded in the same
// transaction, and an audit row when the actor is not the asker (a
// moderator decided). Accepting the answer that is already accepted changes
// nothing and records nothing.
func (db *DB) AcceptAnswer(ctx context.Context, actorID, threadID, postID int64) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var askerID, current int64
		err := tx.QueryRowContext(ctx, `SELECT author_id, COALESCE(accepted_post_id, 0) FROM threads WHERE id = ? AND deleted_at IS NULL`,
			threadID).Scan(&askerID, &current)
		if err != nil {
			return err
		}
		if postID == current {
			return nil
		}
		if postID != 0 {
			var ok bool
			err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM posts WHERE id = ?1 AND thread_id = ?2 AND deleted_at IS NULL
				AND id > (SELECT MIN(id) FROM posts WHERE thread_id = ?2))`, postID, threadID).Scan(&ok)
			if err != nil {
				return err
			}
			if !ok {
				return ErrNotFound
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET accepted_post_id = ? WHERE id = ?`,
			sql.NullInt64{Int64: postID, Valid: postID != 0}, threadID); err != nil {
			return err
		}
		e := Event{Kind: EventAnswerAccepted, ThreadID: threadID, PostID: postID, ActorID: actorID, Detail: strconv.FormatInt(postID, 10)}
		action := "answer.accept"
		if postID == 0 {
			e = Event{Kind: EventAnswerUnaccepted, ThreadID: threadID, PostID: current, ActorID: actorID, Detail: strconv.FormatInt(current, 10)}
			action = "answer.unaccept"
		}
		if err := recordEvent(ctx, tx, now, e); err != nil {
			return err
		}
		if actorID != askerID {
			return audit(ctx, tx, now, actorID, action, "thread", threadID, e.Detail)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("accept answer %d in thread %d: %w", postID, threadID, err)
	}
	return nil
}

// CloseDuplicate closes the thread as a duplicate of canonicalID, or
// reopens it (canonicalID 0), with its question.duplicate event (detail:
// the canonical thread ID, "0" on reopening) and audit row in one
// transaction. Which thread may be canonical is decided by package qa; here
// the canonical thread only has to exist and not be deleted (else ErrNotFound).
func (db *DB) CloseDuplicate(ctx context.Context, actorID, threadID, canonicalID int64) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if canonicalID != 0 {
			var ok bool
			err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM threads WHERE id = ? AND id <> ? AND deleted_at IS NULL)`,
				canonicalID, threadID).Scan(&ok)
			if err != nil {
				return err
			}
			if !ok {
				return ErrNotFound
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE threads SET duplicate_of = ? WHERE id = ? AND deleted_at IS NULL`,
			sql.NullInt64{Int64: canonicalID, Valid: canonicalID != 0}, threadID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		detail := strconv.FormatInt(canonicalID, 10)
		if err := recordEvent(ctx, tx, now, Event{Kind: EventDuplicate, ThreadID: threadID, ActorID: actorID, Detail: detail}); err != nil {
			return err
		}
		action := "question.duplicate"
		if canonicalID == 0 {
			action = "question.reopen"
		}
		return audit(ctx, tx, now, actorID, action, "thread", threadID, detail)
	})
	if err != nil {
		return fmt.Errorf("close thread %d as duplicate of %d: %w", threadID, canonicalID, err)
	}
	return nil
}

// List filters of ThreadsFiltered.
const (
	FilterAll         = "all"
	FilterQuestions   = "questions"   // questions to members and to the PM
	FilterUnanswered  = "unanswered"  // questions still waiting for an answer
	FilterSolved      = "solved"      // accepted answer or official PM answer
	FilterDiscussions = "discussions" // discussions only (profile pages)
)

// threadFilters maps each filter to its fixed SQL condition; nothing the
// user sends reaches the SQL text. "Unanswered" leaves out questions closed
// as duplicates: they take no answers, so nobody should be sent to them.
// The count columns of topic_field_counts (migration 0015) repeat these
// conditions in triggers: change both together.
var threadFilters = map[string]string{
	FilterAll: `1`,
	// The unary + on kind keeps SQLite walking the newest-first index and
	// stopping at LIMIT instead of sorting every question (see SeesField).
	FilterQuestions: `+t.kind IN ('question', 'pm_question')`,
	FilterUnanswered: `t.duplicate_of IS NULL AND ((t.kind = 'question' AND t.post_count <= 1)
		OR (t.kind = 'pm_question' AND t.pm_status <> 'beantwortet'))`,
	FilterSolved: `((t.kind = 'question' AND t.accepted_post_id IS NOT NULL)
		OR (t.kind = 'pm_question' AND t.pm_status = 'beantwortet'))`,
	FilterDiscussions: `+t.kind = 'discussion'`,
}

// filterCountColumns names the column of topic_field_counts that holds
// each filter's count per field, kept by triggers (migrations 0014 and
// 0015) with the conditions of threadFilters.
var filterCountColumns = map[string]string{
	FilterAll:         "threads",
	FilterQuestions:   "questions",
	FilterUnanswered:  "unanswered",
	FilterSolved:      "solved",
	FilterDiscussions: "discussions",
}

// recountFieldCounts sets every field's row of topic_field_counts from a
// scan of its listed threads, as the triggers would have kept it. Bulk
// loads use it instead of the triggers, which took 13 % of a load's CPU.
func recountFieldCounts(ctx context.Context, conn *sql.Conn) error {
	cols := []string{"topic_field_id"}
	sums := []string{"f.id"}
	for _, filter := range []string{FilterAll, FilterQuestions, FilterUnanswered, FilterSolved, FilterDiscussions} {
		cols = append(cols, filterCountColumns[filter])
		sums = append(sums, "COALESCE(SUM(t.id IS NOT NULL AND ("+threadFilters[filter]+")), 0)")
	}
	// #nosec G202 -- constant column names and conditions
	_, err := conn.ExecContext(ctx, `INSERT OR REPLACE INTO topic_field_counts (`+strings.Join(cols, ", ")+`)
		SELECT `+strings.Join(sums, ", ")+` FROM topic_fields f
		LEFT JOIN threads t ON t.topic_field_id = f.id AND `+listed+` GROUP BY f.id`)
	if err != nil {
		return fmt.Errorf("recount field counts: %w", err)
	}
	return nil
}

// ThreadFilter selects the threads of a list.
type ThreadFilter struct {
	FieldID  int64  // 0: all active (not archived) topic fields
	AuthorID int64  // 0: anyone; else that user's threads in any field
	Filter   string // FilterAll ("" too), FilterQuestions, FilterUnanswered, FilterSolved, FilterDiscussions
}

// ThreadsFiltered lists the threads matching f that readers see (not
// deleted, hidden or waiting for approval), newest activity first, with the
// total count; a field's list puts its pinned threads first. Threads of
// archived fields are left out unless f names a field or an author, and so
// are those of fields v may not see.
func (db *DB) ThreadsFiltered(ctx context.Context, v Viewer, f ThreadFilter, limit, offset int) ([]Thread, int, error) {
	if f.Filter == "" {
		f.Filter = FilterAll
	}
	cond, ok := threadFilters[f.Filter]
	if !ok {
		return nil, 0, fmt.Errorf("threads: unknown filter %q", f.Filter)
	}
	where := " WHERE " + listed + " AND " + cond + " AND " + v.SeesField("t.topic_field_id")
	var args []any
	if f.FieldID != 0 {
		where += " AND t.topic_field_id = ?"
		args = append(args, f.FieldID)
	}
	if f.AuthorID != 0 {
		where += " AND t.author_id = ?"
		args = append(args, f.AuthorID)
	}
	if f.FieldID == 0 && f.AuthorID == 0 {
		where += " AND f.archived_at IS NULL"
	}
	// Counting by scan took about 60 ms per view at 100,000 threads, so
	// field lists read the trigger-kept counts. An author's list is small
	// (index on author_id), so it is counted.
	col := filterCountColumns[f.Filter]
	var total int
	var err error
	switch {
	case f.AuthorID == 0 && f.FieldID != 0:
		// One field's list, guarded by the same permission rule as the
		// list itself; archived fields count when named.
		err = db.read.QueryRowContext(ctx, `SELECT COALESCE((SELECT c.`+col+` FROM topic_field_counts c WHERE c.topic_field_id = f.id), 0)
			FROM topic_fields f WHERE f.id = ? AND `+v.SeesField("f.id"), f.FieldID).Scan(&total) // #nosec G202 -- constant fragments and SeesField (integer group IDs)
		if errors.Is(err, sql.ErrNoRows) {
			err = nil
		}
	case f.AuthorID == 0:
		// Everything the reader may see in active fields: the sum of the counts.
		err = db.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(c.`+col+`), 0) FROM topic_field_counts c
			JOIN topic_fields f ON f.id = c.topic_field_id WHERE f.archived_at IS NULL AND `+v.SeesField("f.id")).Scan(&total) // #nosec G202 -- constant fragments and SeesField (integer group IDs)
	default:
		err = db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM threads t JOIN topic_fields f ON f.id = t.topic_field_id`+where, // #nosec G202 -- constant fragments, SeesField from integer IDs, values bound
			args...).Scan(&total)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("count threads: %w", err)
	}
	order := ` ORDER BY t.last_post_at DESC, t.id DESC`
	if f.FieldID != 0 {
		order = ` ORDER BY t.pinned DESC, t.last_post_at DESC, t.id DESC`
	}
	ts, err := db.queryThreads(ctx, "SELECT "+threadCols+threadFrom+where+order+` LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list threads: %w", err)
	}
	return ts, total, nil
}

// questionOrder sorts a question's posts for reading: the question itself,
// then the accepted answer, then the other answers by score (ties: oldest
// first), deleted and hidden answers last.
const questionOrder = `p.id = (SELECT MIN(id) FROM posts WHERE thread_id = p.thread_id) DESC,
	(p.id = COALESCE(t.accepted_post_id, 0) AND p.deleted_at IS NULL) DESC,
	(p.deleted_at IS NOT NULL OR p.hidden_at IS NOT NULL), p.score DESC, p.id`

// QuestionPosts is Posts for questions: one page of the thread's posts in
// questionOrder, as every reader sees them. Post.Number stays the
// chronological position, so "Beitrag 3" names the same post whatever the
// votes do.
func (db *DB) QuestionPosts(ctx context.Context, threadID int64, limit, offset int) ([]Post, int, error) {
	return db.QuestionPostsFor(ctx, Viewer{}, threadID, limit, offset)
}

// QuestionPostsFor is QuestionPosts as v sees them (see PostsFor).
func (db *DB) QuestionPostsFor(ctx context.Context, v Viewer, threadID int64, limit, offset int) ([]Post, int, error) {
	return db.postsPage(ctx, v, threadID, questionOrder, limit, offset)
}

// QuestionPostPosition is the 1-based place of a post in QuestionPosts'
// order, so a link to it can name the right page.
func (db *DB) QuestionPostPosition(ctx context.Context, threadID, postID int64) (int, error) {
	return db.PostPositionFor(ctx, Viewer{}, threadID, postID, true)
}

// PostPositionFor is the 1-based place of a post among the thread's posts
// as v sees them, in PostsFor's order or, with question, in
// QuestionPostsFor's, so a link to it names the page that shows it: posts
// waiting for approval that v does not see take no place. A post v does
// not see is ErrNotFound.
func (db *DB) PostPositionFor(ctx context.Context, v Viewer, threadID, postID int64, question bool) (int, error) {
	mod, err := db.moderatesThread(ctx, v, threadID)
	if err != nil {
		return 0, err
	}
	cond, args := v.postCond(mod)
	order := "p.id"
	if question {
		order = questionOrder
	}
	var pos int
	err = db.read.QueryRowContext(ctx, `SELECT pos FROM (SELECT p.id, ROW_NUMBER() OVER (ORDER BY `+order+`) AS pos
		FROM posts p JOIN threads t ON t.id = p.thread_id WHERE p.thread_id = ? AND `+cond+`) WHERE id = ?`,
		append(append([]any{threadID}, args...), postID)...).Scan(&pos)
	return pos, mapErr(err)
}

// UserQAStats counts a user's questions, answers (posts after the opening
// post of a question) and answers accepted as the solution, as readers see
// them: deleted, hidden and pending ones do not count, nor those in fields
// v may not see.
func (db *DB) UserQAStats(ctx context.Context, v Viewer, userID int64) (questions, answers, accepted int, err error) {
	vis := " AND " + v.SeesField("t.topic_field_id")
	err = db.read.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM threads t WHERE t.author_id = ?1 AND `+listed+vis+` AND t.kind IN ('question', 'pm_question')),
		(SELECT COUNT(*) FROM posts p JOIN threads t ON t.id = p.thread_id WHERE p.author_id = ?1 AND `+shown+`
			AND `+listed+vis+` AND t.kind IN ('question', 'pm_question')
			AND p.id > (SELECT MIN(id) FROM posts WHERE thread_id = p.thread_id)),
		(SELECT COUNT(*) FROM threads t JOIN posts p ON p.id = t.accepted_post_id WHERE p.author_id = ?1
			AND `+shown+` AND `+listed+vis+`)`, userID).Scan(&questions, &answers, &accepted)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("q&a stats of user %d: %w", userID, err)
	}
	return questions, answers, accepted, nil
}

// Answer is one of a user's answers as their profile lists it.
type Answer struct {
	PostID      int64
	ThreadID    int64
	ThreadTitle string
	ThreadSlug  string
	ThreadKind  string
	Score       int
	Accepted    bool
	CreatedAt   time.Time
}

// URL is the answer's permalink.
func (a Answer) URL() string { return fmt.Sprintf("/beitrag/%d", a.PostID) }

// ThreadURL is the address of the question answered.
func (a Answer) ThreadURL() string { return fmt.Sprintf("/t/%d-%s", a.ThreadID, a.ThreadSlug) }

// AnswersByAuthor lists a user's answers to questions as readers see them
// (not deleted, hidden or pending) in fields v may see, newest first.
func (db *DB) AnswersByAuthor(ctx context.Context, v Viewer, userID int64, limit int) ([]Answer, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT p.id, t.id, t.title, t.slug, t.kind, p.score,
		p.id = COALESCE(t.accepted_post_id, 0), p.created_at
		FROM posts p JOIN threads t ON t.id = p.thread_id
		WHERE p.author_id = ? AND `+shown+` AND `+listed+` AND `+v.SeesField("t.topic_field_id")+`
			AND t.kind IN ('question', 'pm_question') AND p.id > (SELECT MIN(id) FROM posts WHERE thread_id = p.thread_id)
		ORDER BY p.id DESC LIMIT ?`, userID, limit) // #nosec G202 -- constant fragments and SeesField (integer group IDs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var as []Answer
	for rows.Next() {
		var a Answer
		var created int64
		if err := rows.Scan(&a.PostID, &a.ThreadID, &a.ThreadTitle, &a.ThreadSlug, &a.ThreadKind, &a.Score, &a.Accepted, &created); err != nil {
			return nil, err
		}
		a.CreatedAt = fromMS(created)
		as = append(as, a)
	}
	return as, rows.Err()
}
