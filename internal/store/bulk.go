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

// Bulk loading for synthetic benchmark data sets (kommunalforum seed
// --synthetic). The normal write paths run one short, fsync'd transaction
// per action; a million posts that way would take hours. Bulk writes the
// same rows through prepared statements in large transactions with
// synchronous=OFF, and derives every counter the way the write paths keep
// it: a thread's post_count and last_post_at as recountThread computes them
// (posts readers see), a post's score as the sum of its votes, the PM fields
// as MarkOfficial and AssignPM set them, FAQ positions densely per field,
// and the events and audit rows those actions record. Callers hand over
// content; they cannot get a counter wrong.

// BulkUser is an account written by Bulk.User. It gets no password (it
// cannot log in); API tokens can be created for it.
type BulkUser struct {
	ID          int64
	Email       string
	DisplayName string
	Role        string
	OrgName     string
	OrgType     string
	Status      string
	CreatedAt   time.Time
}

// BulkThread is a thread with all its posts, written by Bulk.Thread.
// Posts must be in posting order with increasing IDs; the first is the
// opening post.
type BulkThread struct {
	ID           int64
	TopicFieldID int64
	AuthorID     int64
	Kind         string
	Title        string
	Slug         string
	Locked       bool
	Pinned       bool
	CreatedAt    time.Time
	// AcceptedPostID is the accepted answer of a question (0: none).
	AcceptedPostID int64
	// PMAssigneeID and PMDueAt of a PM question; the status follows from
	// them and from an official answer (see Thread).
	PMAssigneeID int64
	PMAssignedAt time.Time
	PMDueAt      time.Time
	Posts        []BulkPost
}

// BulkPost is one post of a BulkThread.
type BulkPost struct {
	ID        int64
	AuthorID  int64
	Body      string
	BodyHTML  string
	CreatedAt time.Time
	DeletedAt time.Time // zero: not deleted
	HiddenAt  time.Time // zero: not hidden
	HiddenBy  int64
	// HiddenReason is shown to moderators of a hidden post.
	HiddenReason string
	// Edit, when set, is an earlier version of the body (a post_revisions
	// row); the post counts as edited at EditedAt.
	Edit     *BulkRevision
	Votes    []BulkVote
	Official *BulkOfficial // an official answer to a PM question
}

// BulkRevision is the body a post had before an edit.
type BulkRevision struct {
	Body     string
	EditorID int64
	EditedAt time.Time
}

// BulkVote is one user's vote on a post.
type BulkVote struct {
	UserID    int64
	Value     int // 1 or -1
	CreatedAt time.Time
}

// BulkOfficial marks a post as the official answer (version 1) of a PM question.
type BulkOfficial struct {
	ActorID       int64 // who marked it
	AnsweringBody string
	At            time.Time
}

// BulkFAQ is a published FAQ entry, optionally promoted from an answer.
type BulkFAQ struct {
	TopicFieldID   int64
	OwnerID        int64
	Question       string
	Answer         string
	AnswerHTML     string
	SourceThreadID int64
	SourcePostID   int64
	CreatedAt      time.Time
}

// BulkStats counts what a Bulk wrote.
type BulkStats struct {
	Users, Threads, Posts, Votes, Events, FAQ, Subscriptions, MailSettings int
}

// Bulk is an open bulk load holding the writer connection; nothing else
// may write until Close. Use one Bulk from one goroutine.
type Bulk struct {
	ctx  context.Context
	conn *sql.Conn
	tx   *sql.Tx
	// batchRows is how many rows go into one transaction.
	batchRows int
	rows      int
	stmts     map[string]*sql.Stmt // on conn, re-bound to each tx
	txStmts   map[string]*sql.Stmt
	// processedBefore: events created before it are written as processed.
	processedBefore int64
	faqPos          map[int64]int
	// triggers are the search queue's and the field counts' triggers
	// (name, SQL), dropped while the load runs.
	triggers [][2]string
	// recount: field count triggers were dropped, so Close recounts.
	recount bool
	// autoTrack: posting tracks the thread (subscriptions exist).
	autoTrack bool
	Stats     BulkStats
}

// BeginBulk takes the writer connection for a bulk load. Events created
// before processedBefore are written as already processed, as if the
// notification work had handled them, so a server started on the data set
// does not send a flood of old news. Durability is off while it runs
// (synchronous=OFF): a crash leaves a data set to regenerate, not a forum.
func (db *DB) BeginBulk(ctx context.Context, processedBefore time.Time) (*Bulk, error) {
	// Not cancellable: go-sqlite3 watches a cancellable context with a
	// goroutine per statement, which costs more than a small insert.
	ctx = context.WithoutCancel(ctx)
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, err
	}
	b := &Bulk{ctx: ctx, conn: conn, batchRows: 20000, stmts: map[string]*sql.Stmt{},
		processedBefore: ms(processedBefore), faqPos: map[int64]int{}}
	if err := b.begin(); err != nil {
		err = errors.Join(err, b.restoreTriggers(), conn.Close())
		return nil, err
	}
	return b, nil
}

// restoreTriggers creates the dropped search queue triggers again.
func (b *Bulk) restoreTriggers() error {
	var err error
	for _, t := range b.triggers {
		if _, e := b.conn.ExecContext(b.ctx, t[1]); e != nil {
			err = errors.Join(err, fmt.Errorf("bulk: restore trigger %s: %w", t[0], e))
		}
	}
	b.triggers = nil
	return err
}

// begin sets the connection up for the load: no fsync, a page cache of
// 1 GiB (the random inserts into posts_author, events and subscriptions
// indexes otherwise read pages back from the file at a million posts),
// and the triggers of the search queue and of the field counts on threads
// dropped: the first would queue every post for the index, which the full
// reindex after the load builds in one go, the second took 13 % of the
// load's CPU for counts Close recounts in one pass (Close puts both back).
// Whether the mail tables exist decides whether posting auto-tracks
// threads as the write paths do.
func (b *Bulk) begin() error {
	for _, p := range []string{"PRAGMA synchronous = OFF", "PRAGMA cache_size = -1048576"} {
		if _, err := b.conn.ExecContext(b.ctx, p); err != nil {
			return fmt.Errorf("bulk: %s: %w", p, err)
		}
	}
	rows, err := b.conn.QueryContext(b.ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger'
		AND (sql LIKE '%search_queue%' OR (tbl_name = 'threads' AND sql LIKE '%topic_field_counts%'))`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var name, q string
		if err := rows.Scan(&name, &q); err != nil {
			_ = rows.Close()
			return err
		}
		b.triggers = append(b.triggers, [2]string{name, q})
		b.recount = b.recount || strings.Contains(q, "topic_field_counts")
	}
	_ = rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if b.autoTrack, err = b.HasTable("subscriptions"); err != nil {
		return err
	}
	for i, t := range b.triggers {
		if _, err := b.conn.ExecContext(b.ctx, `DROP TRIGGER "`+t[0]+`"`); err != nil {
			b.triggers = b.triggers[:i] // only the dropped ones are restored
			return fmt.Errorf("bulk: drop trigger %s: %w", t[0], err)
		}
	}
	return nil
}

// Close commits what is pending and gives the connection back with the
// forum's normal durability (synchronous=FULL, default cache).
func (b *Bulk) Close() error {
	err := b.commit()
	for q, st := range b.stmts {
		err = errors.Join(err, st.Close())
		delete(b.stmts, q)
	}
	if err == nil && b.recount {
		err = recountFieldCounts(b.ctx, b.conn)
	}
	err = errors.Join(err, b.restoreTriggers())
	for _, p := range []string{"PRAGMA synchronous = FULL", "PRAGMA cache_size = -2000"} {
		if _, e := b.conn.ExecContext(b.ctx, p); e != nil {
			err = errors.Join(err, e)
		}
	}
	// A checkpoint folds the WAL into the database file, so the first
	// reader after the load does not wade through a gigabyte of WAL.
	if _, e := b.conn.ExecContext(b.ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); e != nil {
		err = errors.Join(err, e)
	}
	return errors.Join(err, b.conn.Close())
}

// commit ends the current transaction, if any.
func (b *Bulk) commit() error {
	if b.tx == nil {
		return nil
	}
	var err error
	for q, st := range b.txStmts {
		err = errors.Join(err, st.Close())
		delete(b.txStmts, q)
	}
	err = errors.Join(err, b.tx.Commit())
	b.tx, b.rows = nil, 0
	return err
}

// next commits the current transaction once it holds batchRows rows. The
// loading methods call it first, so a thread and everything hanging off
// it share one transaction.
func (b *Bulk) next() error {
	if b.tx != nil && b.rows >= b.batchRows {
		return b.commit()
	}
	return nil
}

// exec runs a prepared statement inside the current transaction, starting
// one if needed.
func (b *Bulk) exec(q string, args ...any) (sql.Result, error) {
	if b.tx == nil {
		tx, err := b.conn.BeginTx(b.ctx, nil)
		if err != nil {
			return nil, err
		}
		b.tx, b.txStmts = tx, map[string]*sql.Stmt{}
	}
	st := b.txStmts[q]
	if st == nil {
		base := b.stmts[q]
		if base == nil {
			var err error
			if base, err = b.conn.PrepareContext(b.ctx, q); err != nil {
				return nil, fmt.Errorf("bulk: prepare %q: %w", q, err)
			}
			b.stmts[q] = base
		}
		st = b.tx.StmtContext(b.ctx, base)
		b.txStmts[q] = st
	}
	b.rows++
	return st.ExecContext(b.ctx, args...)
}

// HasTable reports whether the schema has the table (tables of later
// migrations may be missing while features are being built).
func (b *Bulk) HasTable(name string) (bool, error) {
	var n int
	err := b.conn.QueryRowContext(b.ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, name).Scan(&n)
	return n > 0, err
}

// Empty reports whether the forum has no users and no threads yet: bulk
// data sets are generated into a fresh database only, so their IDs are known.
func (b *Bulk) Empty() (bool, error) {
	var n int
	err := b.conn.QueryRowContext(b.ctx, `SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM threads)`).Scan(&n)
	return n == 0, err
}

// User inserts an account.
func (b *Bulk) User(u BulkUser) error {
	if err := b.next(); err != nil {
		return err
	}
	verified := nullMS(u.CreatedAt)
	if u.Status == StatusPending {
		verified = sql.NullInt64{}
	}
	_, err := b.exec(`INSERT INTO users (id, email, display_name, role, org_name, org_type, status, email_verified_at, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?)`, u.ID, u.Email, u.DisplayName, u.Role, u.OrgName, u.OrgType, u.Status, verified, ms(u.CreatedAt), ms(u.CreatedAt))
	if err != nil {
		return fmt.Errorf("bulk user %d: %w", u.ID, err)
	}
	b.Stats.Users++
	return nil
}

// Moderates makes a user moderator of a field.
func (b *Bulk) Moderates(userID, fieldID int64) error {
	_, err := b.exec(`INSERT INTO moderator_fields (user_id, topic_field_id) VALUES (?,?)`, userID, fieldID)
	return err
}

// Group creates a group with its members and returns its ID.
func (b *Bulk) Group(slug, name string, at time.Time, members []int64) (int64, error) {
	res, err := b.exec(`INSERT INTO groups (slug, name, created_at) VALUES (?,?,?)`, slug, name, ms(at))
	if err != nil {
		return 0, fmt.Errorf("bulk group %q: %w", slug, err)
	}
	id, _ := res.LastInsertId()
	for _, m := range members {
		if _, err := b.exec(`INSERT INTO group_members (group_id, user_id) VALUES (?,?)`, id, m); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// RestrictedField creates a topic field restricted to a group (a
// protected area) at the end of the display order and returns its ID.
func (b *Bulk) RestrictedField(slug, name, description string, groupID int64, at time.Time) (int64, error) {
	res, err := b.exec(`INSERT INTO topic_fields (slug, name, description, position, group_id, created_at)
		VALUES (?,?,?,(SELECT COALESCE(MAX(position), 0) + 10 FROM topic_fields),?,?)`, slug, name, description, groupID, ms(at))
	if err != nil {
		return 0, fmt.Errorf("bulk field %q: %w", slug, err)
	}
	return res.LastInsertId()
}

// event appends an event as recordEvent does.
func (b *Bulk) event(kind string, threadID, postID, actorID int64, detail string, at int64) error {
	processed := sql.NullInt64{Int64: at, Valid: at < b.processedBefore}
	_, err := b.exec(`INSERT INTO events (kind, thread_id, post_id, actor_id, detail, created_at, processed_at) VALUES (?,?,?,?,?,?,?)`,
		kind, threadID, sql.NullInt64{Int64: postID, Valid: postID != 0}, sql.NullInt64{Int64: actorID, Valid: actorID != 0}, detail, at, processed)
	if err == nil {
		b.Stats.Events++
	}
	return err
}

// audit appends an audit row as audit does.
func (b *Bulk) audit(actorID int64, action, targetType string, targetID int64, detail string, at int64) error {
	_, err := b.exec(`INSERT INTO audit_log (actor_id, action, target_type, target_id, detail, created_at) VALUES (?,?,?,?,?,?)`,
		sql.NullInt64{Int64: actorID, Valid: actorID != 0}, action, targetType, targetID, detail, at)
	return err
}

// Thread inserts a thread with its posts, votes, revisions, official answer,
// events and audit rows, with the counters as the write paths keep them.
func (b *Bulk) Thread(t BulkThread) error {
	if err := b.next(); err != nil {
		return err
	}
	if len(t.Posts) == 0 {
		return fmt.Errorf("bulk thread %d: no opening post", t.ID)
	}
	if t.Kind == "" {
		t.Kind = KindDiscussion
	}
	created := ms(t.CreatedAt)
	// Counters as recountThread computes them: posts readers see.
	count, last := 0, created
	var official *BulkPost
	for i := range t.Posts {
		p := &t.Posts[i]
		if p.DeletedAt.IsZero() && p.HiddenAt.IsZero() {
			count++
			last = max(last, ms(p.CreatedAt))
		}
		if p.Official != nil && official == nil && i > 0 {
			official = p
		}
	}
	pmStatus := ""
	var answeredAt sql.NullInt64
	if t.Kind == KindPM {
		pmStatus = PMNew
		if t.PMAssigneeID != 0 {
			pmStatus = PMWorking
		}
		if official != nil {
			pmStatus = PMAnswered
			answeredAt = nullMS(official.Official.At)
		}
	}
	_, err := b.exec(`INSERT INTO threads (id, topic_field_id, author_id, kind, title, slug, locked, pinned, post_count, last_post_at,
		created_at, pm_status, pm_assignee_id, pm_due_at, pm_answered_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		t.ID, t.TopicFieldID, t.AuthorID, t.Kind, t.Title, t.Slug, t.Locked, t.Pinned, count, last, created, pmStatus,
		sql.NullInt64{Int64: t.PMAssigneeID, Valid: t.PMAssigneeID != 0}, nullMS(t.PMDueAt), answeredAt)
	if err != nil {
		return fmt.Errorf("bulk thread %d: %w", t.ID, err)
	}
	b.Stats.Threads++
	for i := range t.Posts {
		if err := b.post(t, i); err != nil {
			return fmt.Errorf("bulk thread %d: %w", t.ID, err)
		}
	}
	// The accepted answer is set once it exists. Inserting the thread with
	// it would leave a deferred foreign-key violation open meanwhile, and
	// while one is open SQLite scans every child table of posts (threads,
	// events: no index on those columns) for each post inserted.
	if t.AcceptedPostID != 0 {
		if _, err := b.exec(`UPDATE threads SET accepted_post_id = ? WHERE id = ?`, t.AcceptedPostID, t.ID); err != nil {
			return fmt.Errorf("bulk thread %d: accepted answer: %w", t.ID, err)
		}
	}
	// The events CreateThread, AcceptAnswer, AssignPM and MarkOfficial record.
	opening := t.Posts[0]
	switch t.Kind {
	case KindQuestion:
		err = b.event(EventQuestionCreated, t.ID, opening.ID, t.AuthorID, "", created)
	case KindPM:
		err = b.event(EventPMCreated, t.ID, opening.ID, t.AuthorID, "", created)
	default:
		err = b.event(EventThreadCreated, t.ID, opening.ID, t.AuthorID, "", created)
	}
	if err != nil {
		return err
	}
	if b.autoTrack {
		// Asking and replying auto-track the thread (autoTrack), once per user.
		seen := make(map[int64]bool, len(t.Posts))
		for _, p := range t.Posts {
			if seen[p.AuthorID] {
				continue
			}
			seen[p.AuthorID] = true
			if _, err := b.exec(`INSERT INTO subscriptions (user_id, thread_id, level, created_at, auto) VALUES (?,?,'tracking',?,1)`,
				p.AuthorID, t.ID, ms(p.CreatedAt)); err != nil {
				return fmt.Errorf("bulk thread %d: auto-track: %w", t.ID, err)
			}
			b.Stats.Subscriptions++
		}
	}
	if t.AcceptedPostID != 0 {
		at := last
		detail := strconv.FormatInt(t.AcceptedPostID, 10)
		if err := b.event(EventAnswerAccepted, t.ID, t.AcceptedPostID, t.AuthorID, detail, at); err != nil {
			return err
		}
	}
	if t.Kind == KindPM && t.PMAssigneeID != 0 {
		at := ms(t.PMAssignedAt)
		detail := strconv.FormatInt(t.PMAssigneeID, 10)
		if err := b.event(EventPMStatus, t.ID, 0, t.PMAssigneeID, PMWorking, at); err != nil {
			return err
		}
		if err := b.event(EventPMAssigned, t.ID, 0, t.PMAssigneeID, detail, at); err != nil {
			return err
		}
		if err := b.audit(t.PMAssigneeID, "pm.assign", "thread", t.ID, detail, at); err != nil {
			return err
		}
	}
	return nil
}

// post writes post i of t with its revision, votes and official answer.
func (b *Bulk) post(t BulkThread, i int) error {
	p := t.Posts[i]
	score := 0
	for _, v := range p.Votes {
		score += v.Value
	}
	var edited sql.NullInt64
	if p.Edit != nil {
		edited = nullMS(p.Edit.EditedAt)
	}
	officialVersion, officialAt, officialBody := 0, sql.NullInt64{}, ""
	if p.Official != nil {
		officialVersion, officialAt, officialBody = 1, nullMS(p.Official.At), p.Official.AnsweringBody
	}
	_, err := b.exec(`INSERT INTO posts (id, thread_id, author_id, body, body_html, created_at, edited_at, deleted_at, score,
		official_version, official_at, official_body, hidden_at, hidden_by, hidden_reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		p.ID, t.ID, p.AuthorID, p.Body, p.BodyHTML, ms(p.CreatedAt), edited, nullMS(p.DeletedAt), score,
		officialVersion, officialAt, officialBody, nullMS(p.HiddenAt), sql.NullInt64{Int64: p.HiddenBy, Valid: p.HiddenBy != 0}, p.HiddenReason)
	if err != nil {
		return fmt.Errorf("post %d: %w", p.ID, err)
	}
	b.Stats.Posts++
	if p.Edit != nil {
		if _, err := b.exec(`INSERT INTO post_revisions (post_id, body, editor_id, created_at) VALUES (?,?,?,?)`,
			p.ID, p.Edit.Body, p.Edit.EditorID, ms(p.Edit.EditedAt)); err != nil {
			return err
		}
	}
	for _, v := range p.Votes {
		if _, err := b.exec(`INSERT INTO votes (post_id, user_id, value, created_at) VALUES (?,?,?,?)`,
			p.ID, v.UserID, v.Value, ms(v.CreatedAt)); err != nil {
			return fmt.Errorf("vote of user %d on post %d: %w", v.UserID, p.ID, err)
		}
		b.Stats.Votes++
	}
	if i > 0 {
		kind := EventPostCreated
		if t.Kind == KindQuestion || t.Kind == KindPM {
			kind = EventAnswerCreated
		}
		if err := b.event(kind, t.ID, p.ID, p.AuthorID, "", ms(p.CreatedAt)); err != nil {
			return err
		}
	}
	if o := p.Official; o != nil {
		at := ms(o.At)
		if _, err := b.exec(`INSERT INTO official_versions (post_id, version, body, body_html, answering_body, author_id, created_at)
			VALUES (?,1,?,?,?,?,?)`, p.ID, p.Body, p.BodyHTML, o.AnsweringBody, o.ActorID, at); err != nil {
			return err
		}
		if err := b.event(EventPMStatus, t.ID, 0, o.ActorID, PMAnswered, at); err != nil {
			return err
		}
		if err := b.event(EventAnswerOfficial, t.ID, p.ID, o.ActorID, "1", at); err != nil {
			return err
		}
		if err := b.audit(o.ActorID, "post.official", "post", p.ID, o.AnsweringBody, at); err != nil {
			return err
		}
	}
	return nil
}

// FAQ inserts a published entry at the end of its field's order with its
// first revision, its audit row and (when promoted from a thread) its
// faq.published event, as CreateFAQEntry with Publish does.
func (b *Bulk) FAQ(e BulkFAQ) error {
	if err := b.next(); err != nil {
		return err
	}
	pos, ok := b.faqPos[e.TopicFieldID]
	if !ok {
		if err := b.conn.QueryRowContext(b.ctx, `SELECT COALESCE(MAX(position), 0) FROM faq_entries
			WHERE topic_field_id = ? AND state <> 'archived'`, e.TopicFieldID).Scan(&pos); err != nil {
			return err
		}
	}
	pos++
	b.faqPos[e.TopicFieldID] = pos
	at := ms(e.CreatedAt)
	src := func(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }
	res, err := b.exec(`INSERT INTO faq_entries (topic_field_id, question, answer, answer_html, owner_id, state, position,
		source_thread_id, source_post_id, version, created_at, updated_at, published_at) VALUES (?,?,?,?,?,'published',?,?,?,1,?,?,?)`,
		e.TopicFieldID, e.Question, e.Answer, e.AnswerHTML, e.OwnerID, pos, src(e.SourceThreadID), src(e.SourcePostID), at, at, at)
	if err != nil {
		return fmt.Errorf("bulk FAQ entry: %w", err)
	}
	id, _ := res.LastInsertId()
	if _, err := b.exec(`INSERT INTO faq_revisions (entry_id, version, question, answer, editor_id, created_at) VALUES (?,1,?,?,?,?)`,
		id, e.Question, e.Answer, e.OwnerID, at); err != nil {
		return err
	}
	action, detail := "faq.create", ""
	if e.SourcePostID != 0 {
		action, detail = "faq.promote", strconv.FormatInt(e.SourcePostID, 10)
	}
	if err := b.audit(e.OwnerID, action, "faq_entry", id, detail, at); err != nil {
		return err
	}
	b.Stats.FAQ++
	if e.SourceThreadID != 0 {
		return b.event(EventFAQPublished, e.SourceThreadID, e.SourcePostID, e.OwnerID, strconv.FormatInt(id, 10), at)
	}
	return nil
}

// Subscription inserts a row of the subscriptions table (migration 0007):
// a user's explicit choice to watch, track or mute a topic field or a
// thread (Thread adds the automatic ones).
func (b *Bulk) Subscription(userID, fieldID, threadID int64, level string, at time.Time) error {
	if err := b.next(); err != nil {
		return err
	}
	_, err := b.exec(`INSERT INTO subscriptions (user_id, topic_field_id, thread_id, level, created_at) VALUES (?,?,?,?,?)`,
		userID, sql.NullInt64{Int64: fieldID, Valid: fieldID != 0}, sql.NullInt64{Int64: threadID, Valid: threadID != 0}, level, ms(at))
	if err == nil {
		b.Stats.Subscriptions++
	}
	return err
}

// MailSetting inserts a user's mail delivery choice with their consent
// (mail_settings, migration 0007).
func (b *Bulk) MailSetting(userID int64, delivery string, consentAt time.Time, consentText string) error {
	if err := b.next(); err != nil {
		return err
	}
	_, err := b.exec(`INSERT INTO mail_settings (user_id, delivery, consent_at, consent_text, updated_at) VALUES (?,?,?,?,?)`,
		userID, delivery, nullMS(consentAt), consentText, ms(consentAt))
	if err == nil {
		b.Stats.MailSettings++
	}
	return err
}

// ClearSearchQueue empties the search queue (when the table exists) and
// reports how many rows it held: a data set's index is built in one go by
// the full reindex, not by the indexer replaying the queue. The load itself
// queues nothing (begin drops the triggers).
func (b *Bulk) ClearSearchQueue() (int64, error) {
	ok, err := b.HasTable("search_queue")
	if err != nil || !ok {
		return 0, err
	}
	if err := b.commit(); err != nil {
		return 0, err
	}
	res, err := b.conn.ExecContext(b.ctx, `DELETE FROM search_queue`)
	if err != nil {
		return 0, fmt.Errorf("clear search queue: %w", err)
	}
	return res.RowsAffected()
}
