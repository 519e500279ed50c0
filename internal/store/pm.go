package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Questions to the programme management (PM): official answers with their
// versions, assignment and processing state, the work queue and the public
// statistics. Every write records its events (and, being a staff action,
// an audit row) in the same transaction.

// PMStates lists the states of a PM question in processing order.
var PMStates = []string{PMNew, PMWorking, PMAnswered}

// IsPM reports whether u has the role pm. It is for templates only;
// permission decisions go through auth.
func (u *User) IsPM() bool { return u != nil && u.Role == RolePM }

// OverdueNow is Overdue at the current time, for templates.
func (t Thread) OverdueNow() bool { return t.Overdue(time.Now()) }

// PMDueDay is the last day to answer, for display: PMDueAt is the
// midnight that ends it (see qa.DueDate), so the instant just before
// carries the day's date. Zero without a deadline.
func (t Thread) PMDueDay() time.Time {
	if t.PMDueAt.IsZero() {
		return time.Time{}
	}
	return t.PMDueAt.Add(-time.Millisecond)
}

// PMResponseTime is how long the programme management took to give the
// first official answer; zero while there is none.
func (t Thread) PMResponseTime() Span {
	if t.Kind != KindPM || t.PMAnsweredAt.IsZero() {
		return 0
	}
	return Span(t.PMAnsweredAt.Sub(t.CreatedAt))
}

// Span is a length of time (calendar time, not working days) with the
// parts a page shows: whole days and the hours left over.
type Span time.Duration

// Days is the number of whole days.
func (s Span) Days() int { return int(time.Duration(s) / (24 * time.Hour)) }

// Hours is the number of whole hours beyond Days.
func (s Span) Hours() int { return int(time.Duration(s) % (24 * time.Hour) / time.Hour) }

// OfficialVersion is one version of an official answer, the current one included.
type OfficialVersion struct {
	ID            int64
	PostID        int64
	Version       int
	Body          string
	BodyHTML      string
	AnsweringBody string
	AuthorID      int64 // who marked it official or wrote this version
	AuthorName    string
	CreatedAt     time.Time // the version's "Stand"
}

// MarkOfficial makes the answer postID the official answer of its PM
// question, as version 1 on behalf of answeringBody. The first official
// answer of a question sets pm_answered_at (the response time) once; any
// official answer sets the status to beantwortet. Marking a post that is
// already official changes nothing, so a repeated request is harmless.
// A post that is deleted or not an answer to a PM question is ErrNotFound
// or ErrConflict; who may mark is auth's decision.
func (db *DB) MarkOfficial(ctx context.Context, actorID, postID int64, answeringBody string) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var threadID int64
		var number, version int
		var body, bodyHTML, kind, status string
		var answered sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT p.thread_id, p.body, p.body_html, p.official_version, t.kind, t.pm_status, t.pm_answered_at,
			(SELECT COUNT(*) FROM posts q WHERE q.thread_id = p.thread_id AND q.id <= p.id)
			FROM posts p JOIN threads t ON t.id = p.thread_id
			WHERE p.id = ? AND p.deleted_at IS NULL AND t.deleted_at IS NULL`, postID).
			Scan(&threadID, &body, &bodyHTML, &version, &kind, &status, &answered, &number)
		if err != nil {
			return err
		}
		if kind != KindPM || number == 1 {
			return fmt.Errorf("%w: post %d is no answer to a PM question", ErrConflict, postID)
		}
		if version > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET official_version = 1, official_at = ?, official_body = ? WHERE id = ?`,
			ms(now), answeringBody, postID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO official_versions (post_id, version, body, body_html, answering_body, author_id, created_at)
			VALUES (?,1,?,?,?,?,?)`, postID, body, bodyHTML, answeringBody, actorID, ms(now)); err != nil {
			return err
		}
		if !answered.Valid {
			if _, err := tx.ExecContext(ctx, `UPDATE threads SET pm_answered_at = ? WHERE id = ?`, ms(now), threadID); err != nil {
				return err
			}
		}
		if status != PMAnswered {
			if err := setPMStatus(ctx, tx, now, actorID, threadID, PMAnswered); err != nil {
				return err
			}
		}
		if err := recordEvent(ctx, tx, now, Event{Kind: EventAnswerOfficial, ThreadID: threadID, PostID: postID, ActorID: actorID, Detail: "1"}); err != nil {
			return err
		}
		return audit(ctx, tx, now, actorID, "post.official", "post", postID, answeringBody)
	})
	if err != nil {
		return fmt.Errorf("mark post %d official: %w", postID, err)
	}
	return nil
}

// newOfficialVersion records the edit of an official answer as its next
// version inside the edit's transaction (see EditPost).
func newOfficialVersion(ctx context.Context, tx *sql.Tx, now time.Time, postID, editorID int64, body, bodyHTML string) error {
	var threadID int64
	var version int
	var answeringBody string
	err := tx.QueryRowContext(ctx, `SELECT thread_id, official_version, official_body FROM posts WHERE id = ?`, postID).
		Scan(&threadID, &version, &answeringBody)
	if err != nil || version == 0 {
		return err
	}
	version++
	if _, err := tx.ExecContext(ctx, `UPDATE posts SET official_version = ?, official_at = ? WHERE id = ?`, version, ms(now), postID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO official_versions (post_id, version, body, body_html, answering_body, author_id, created_at)
		VALUES (?,?,?,?,?,?,?)`, postID, version, body, bodyHTML, answeringBody, editorID, ms(now)); err != nil {
		return err
	}
	return recordEvent(ctx, tx, now, Event{Kind: EventAnswerOfficial, ThreadID: threadID, PostID: postID, ActorID: editorID,
		Detail: strconv.Itoa(version)})
}

// OfficialVersions lists every version of an official answer, newest first.
func (db *DB) OfficialVersions(ctx context.Context, postID int64) ([]OfficialVersion, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT v.id, v.post_id, v.version, v.body, v.body_html, v.answering_body,
		v.author_id, u.display_name, v.created_at FROM official_versions v JOIN users u ON u.id = v.author_id
		WHERE v.post_id = ? ORDER BY v.version DESC`, postID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var vs []OfficialVersion
	for rows.Next() {
		var v OfficialVersion
		var created int64
		if err := rows.Scan(&v.ID, &v.PostID, &v.Version, &v.Body, &v.BodyHTML, &v.AnsweringBody, &v.AuthorID, &v.AuthorName, &created); err != nil {
			return nil, err
		}
		v.CreatedAt = fromMS(created)
		vs = append(vs, v)
	}
	return vs, rows.Err()
}

// AssignPM hands the PM question to assigneeID. A new question moves to
// in_bearbeitung. Assigning the current assignee again changes nothing.
func (db *DB) AssignPM(ctx context.Context, actorID, threadID, assigneeID int64) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var status string
		var current sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT pm_status, pm_assignee_id FROM threads WHERE id = ? AND kind = 'pm_question' AND deleted_at IS NULL`,
			threadID).Scan(&status, &current)
		if err != nil {
			return err
		}
		if current.Valid && current.Int64 == assigneeID {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET pm_assignee_id = ? WHERE id = ?`, assigneeID, threadID); err != nil {
			return err
		}
		if status == PMNew {
			if err := setPMStatus(ctx, tx, now, actorID, threadID, PMWorking); err != nil {
				return err
			}
		}
		detail := strconv.FormatInt(assigneeID, 10)
		if err := recordEvent(ctx, tx, now, Event{Kind: EventPMAssigned, ThreadID: threadID, ActorID: actorID, Detail: detail}); err != nil {
			return err
		}
		return audit(ctx, tx, now, actorID, "pm.assign", "thread", threadID, detail)
	})
	if err != nil {
		return fmt.Errorf("assign PM question %d: %w", threadID, err)
	}
	return nil
}

// SetPMStatus moves a PM question between neu and in_bearbeitung.
// beantwortet comes only from an official answer (MarkOfficial), and an
// answered question keeps its state: both are ErrConflict. Setting the
// current state again changes nothing.
func (db *DB) SetPMStatus(ctx context.Context, actorID, threadID int64, status string) error {
	if status != PMNew && status != PMWorking {
		return fmt.Errorf("set status of PM question %d: %w: %q is not set by hand", threadID, ErrConflict, status)
	}
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var current string
		err := tx.QueryRowContext(ctx, `SELECT pm_status FROM threads WHERE id = ? AND kind = 'pm_question' AND deleted_at IS NULL`,
			threadID).Scan(&current)
		if err != nil {
			return err
		}
		switch current {
		case status:
			return nil
		case PMAnswered:
			return fmt.Errorf("%w: question is answered", ErrConflict)
		}
		if err := setPMStatus(ctx, tx, now, actorID, threadID, status); err != nil {
			return err
		}
		return audit(ctx, tx, now, actorID, "pm.status", "thread", threadID, status)
	})
	if err != nil {
		return fmt.Errorf("set status of PM question %d: %w", threadID, err)
	}
	return nil
}

// setPMStatus writes the state and its pm.status event inside tx.
func setPMStatus(ctx context.Context, tx *sql.Tx, now time.Time, actorID, threadID int64, status string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE threads SET pm_status = ? WHERE id = ?`, status, threadID); err != nil {
		return err
	}
	return recordEvent(ctx, tx, now, Event{Kind: EventPMStatus, ThreadID: threadID, ActorID: actorID, Detail: status})
}

// PMFilter narrows PMQueue; zero values match everything.
type PMFilter struct {
	Status  string // PMNew, PMWorking or PMAnswered
	FieldID int64
	Overdue bool // unanswered and past the deadline at now
}

// PMQueue lists PM questions matching f with the total number of matches:
// unanswered first, then by deadline, so overdue questions lead; questions
// in fields v may not see are left out.
func (db *DB) PMQueue(ctx context.Context, v Viewer, f PMFilter, now time.Time, limit, offset int) ([]Thread, int, error) {
	// Each filter adds a fixed clause; only values go through ?.
	conds := []string{"t.kind = 'pm_question'", listed, v.SeesField("t.topic_field_id")}
	var args []any
	if f.Status != "" {
		if !slices.Contains(PMStates, f.Status) {
			return nil, 0, fmt.Errorf("PM queue: unknown status %q", f.Status)
		}
		conds, args = append(conds, "t.pm_status = ?"), append(args, f.Status)
	}
	if f.FieldID != 0 {
		conds, args = append(conds, "t.topic_field_id = ?"), append(args, f.FieldID)
	}
	if f.Overdue {
		conds = append(conds, "t.pm_status <> 'beantwortet'", "t.pm_due_at IS NOT NULL", "t.pm_due_at < ?")
		args = append(args, ms(now))
	}
	where := " WHERE " + strings.Join(conds, " AND ")
	var total int
	if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM threads t"+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	ts, err := db.queryThreads(ctx, "SELECT "+threadCols+threadFrom+where+`
		ORDER BY t.pm_status = 'beantwortet', t.pm_due_at IS NULL, t.pm_due_at, t.id LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	return ts, total, err
}

// PMQuestions lists the PM questions v may see, newest first, with their
// number: the public list of the PM area.
func (db *DB) PMQuestions(ctx context.Context, v Viewer, limit, offset int) ([]Thread, int, error) {
	vis := " AND " + v.SeesField("t.topic_field_id")
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM threads t WHERE t.kind = 'pm_question' AND `+listed+vis).Scan(&total); err != nil {
		return nil, 0, err
	}
	ts, err := db.queryThreads(ctx, "SELECT "+threadCols+threadFrom+` WHERE t.kind = 'pm_question' AND `+listed+vis+`
		ORDER BY t.created_at DESC, t.id DESC LIMIT ? OFFSET ?`, limit, offset)
	return ts, total, err
}

// PMUsers lists the active pm users by name: who a question can be assigned to.
func (db *DB) PMUsers(ctx context.Context) ([]User, error) {
	return db.queryUsers(ctx, "SELECT "+userCols+" FROM users WHERE role = 'pm' AND status = 'active' ORDER BY display_name, id")
}

// PMFieldStats counts the PM questions of one topic field, or of all
// (FieldID 0), per state, with the median time to the first official answer.
type PMFieldStats struct {
	FieldID   int64
	FieldSlug string
	FieldName string
	New       int
	Working   int
	Answered  int
	// Responses is the number of questions with an official answer, which
	// the median is taken over; Median is 0 when there is none.
	Responses int
	Median    Span
}

// Total is the number of PM questions counted.
func (s PMFieldStats) Total() int { return s.New + s.Working + s.Answered }

// PMStats returns one row per topic field (active fields, and archived ones
// that hold PM questions), in display order, then the row for all fields.
// The statistics are public: they count open fields only, for everyone,
// so protected areas show up in no number.
func (db *DB) PMStats(ctx context.Context) ([]PMFieldStats, error) {
	anonymous := Viewer{}
	fields, err := db.TopicFields(ctx, anonymous, true)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT t.topic_field_id, t.pm_status, t.created_at, t.pm_answered_at
		FROM threads t WHERE t.kind = 'pm_question' AND `+listed+` AND `+anonymous.SeesField("t.topic_field_id")) // #nosec G202 -- constant fragments and SeesField (integer group IDs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type tally struct {
		stats PMFieldStats
		times []time.Duration
	}
	byField := map[int64]*tally{}
	all := &tally{}
	for rows.Next() {
		var fieldID, created int64
		var status string
		var answered sql.NullInt64
		if err := rows.Scan(&fieldID, &status, &created, &answered); err != nil {
			return nil, err
		}
		t := byField[fieldID]
		if t == nil {
			t = &tally{}
			byField[fieldID] = t
		}
		for _, x := range []*tally{t, all} {
			switch status {
			case PMNew:
				x.stats.New++
			case PMWorking:
				x.stats.Working++
			case PMAnswered:
				x.stats.Answered++
			}
			if answered.Valid {
				x.times = append(x.times, fromMS(answered.Int64).Sub(fromMS(created)))
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	finish := func(x *tally) PMFieldStats {
		x.stats.Responses = len(x.times)
		x.stats.Median = Span(median(x.times))
		return x.stats
	}
	var out []PMFieldStats
	for _, f := range fields {
		x := byField[f.ID]
		if x == nil {
			if f.Archived() {
				continue
			}
			x = &tally{}
		}
		s := finish(x)
		s.FieldID, s.FieldSlug, s.FieldName = f.ID, f.Slug, f.Name
		out = append(out, s)
	}
	return append(out, finish(all)), nil
}

// median returns the middle of ds (0 for none). For an even count it is
// the mean of the two middle values, the usual definition, so two
// questions answered in 2 and 4 days have a median of 3 days.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return s[m-1] + (s[m]-s[m-1])/2
}
