package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// FAQ entries: curated questions and answers per topic field, kept by the
// field's moderators. The rules (who may, which state changes, the input
// checks) live in package faq; these functions keep the data consistent.
// Every write commits together with its revision, its audit row and, where
// someone may want to hear of it, its event.

// States of an FAQ entry. Readers see published entries only.
const (
	FAQDraft       = "draft"
	FAQPublished   = "published"
	FAQNeedsReview = "needs_review" // its source official answer changed, or a moderator asked for a review
	FAQArchived    = "archived"
)

// FAQStates lists the states of an FAQ entry.
var FAQStates = []string{FAQDraft, FAQPublished, FAQNeedsReview, FAQArchived}

// FAQ event kinds. Events hang off a thread, so only entries promoted from
// a thread record them: a published entry tells the thread's people that
// their answer became FAQ, needs_review tells the entry's owner (detail:
// the entry ID) that its source official answer has a new version.
const (
	EventFAQPublished   = "faq.published"
	EventFAQNeedsReview = "faq.needs_review"
)

// dateLayout is how review_by is stored: a calendar date, not an instant.
const dateLayout = "2006-01-02"

// FAQEntry is one curated question and answer of a topic field.
type FAQEntry struct {
	ID           int64
	TopicFieldID int64
	FieldSlug    string
	FieldName    string
	Question     string
	Answer       string // Markdown as written
	AnswerHTML   string // sanitised by markup.Render when stored
	OwnerID      int64  // the responsible moderator
	OwnerName    string
	ReviewBy     time.Time // a date (midnight UTC); zero when none is set
	State        string    // FAQDraft, FAQPublished, FAQNeedsReview or FAQArchived
	Position     int       // 1-based order within the field; 0 when archived
	Version      int       // number of the newest revision
	CreatedAt    time.Time
	UpdatedAt    time.Time // last change of question, answer or review date: the "Stand"
	PublishedAt  time.Time // last publication; zero if never published

	// The answer the entry was promoted from; 0 when written from scratch.
	SourceThreadID int64
	SourcePostID   int64
	// Filled while the source thread (and post) are not deleted.
	SourceThreadTitle string
	SourceThreadSlug  string
	SourceOfficial    int       // official version of the source post; 0 if not an official answer
	SourceOfficialBy  string    // its answering body
	SourceOfficialAt  time.Time // its "Stand"
}

// URL is the entry's address.
func (e FAQEntry) URL() string { return fmt.Sprintf("/faq/%d", e.ID) }

// Published reports whether readers see the entry.
func (e FAQEntry) Published() bool { return e.State == FAQPublished }

// Archived reports whether the entry was archived.
func (e FAQEntry) Archived() bool { return e.State == FAQArchived }

// HasSource reports whether the entry was promoted from an answer.
func (e FAQEntry) HasSource() bool { return e.SourceThreadID != 0 }

// SourceAvailable reports whether the source thread can still be linked.
func (e FAQEntry) SourceAvailable() bool { return e.SourceThreadTitle != "" }

// SourceThreadURL is the address of the source thread.
func (e FAQEntry) SourceThreadURL() string {
	return Thread{ID: e.SourceThreadID, Slug: e.SourceThreadSlug}.URL()
}

// SourcePostURL is the permalink of the source answer.
func (e FAQEntry) SourcePostURL() string { return fmt.Sprintf("/beitrag/%d", e.SourcePostID) }

// ReviewDueNow reports whether the review date has passed, for templates.
func (e FAQEntry) ReviewDueNow() bool {
	if e.ReviewBy.IsZero() {
		return false
	}
	y, m, d := time.Now().Date()
	return e.ReviewBy.Before(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

const faqCols = `e.id, e.topic_field_id, f.slug, f.name, e.question, e.answer, e.answer_html, e.owner_id, u.display_name,
	COALESCE(e.review_by, ''), e.state, e.position, e.version, e.created_at, e.updated_at, e.published_at,
	COALESCE(e.source_thread_id, 0), COALESCE(e.source_post_id, 0), COALESCE(st.title, ''), COALESCE(st.slug, ''),
	COALESCE(sp.official_version, 0), COALESCE(sp.official_body, ''), sp.official_at`

// The source columns stay empty once the source thread or post is deleted.
const faqFrom = ` FROM faq_entries e JOIN topic_fields f ON f.id = e.topic_field_id JOIN users u ON u.id = e.owner_id
	LEFT JOIN threads st ON st.id = e.source_thread_id AND st.deleted_at IS NULL AND st.hidden_at IS NULL
	LEFT JOIN posts sp ON sp.id = e.source_post_id AND sp.deleted_at IS NULL AND st.id IS NOT NULL`

func scanFAQEntry(row rowScanner) (FAQEntry, error) {
	var e FAQEntry
	var reviewBy string
	var created, updated int64
	var published, officialAt sql.NullInt64
	err := row.Scan(&e.ID, &e.TopicFieldID, &e.FieldSlug, &e.FieldName, &e.Question, &e.Answer, &e.AnswerHTML, &e.OwnerID, &e.OwnerName,
		&reviewBy, &e.State, &e.Position, &e.Version, &created, &updated, &published,
		&e.SourceThreadID, &e.SourcePostID, &e.SourceThreadTitle, &e.SourceThreadSlug,
		&e.SourceOfficial, &e.SourceOfficialBy, &officialAt)
	if err != nil {
		return FAQEntry{}, mapErr(err)
	}
	if reviewBy != "" {
		if e.ReviewBy, err = time.Parse(dateLayout, reviewBy); err != nil {
			return FAQEntry{}, fmt.Errorf("FAQ entry %d: review date %q: %w", e.ID, reviewBy, err)
		}
	}
	e.CreatedAt, e.UpdatedAt, e.PublishedAt = fromMS(created), fromMS(updated), fromNullMS(published)
	e.SourceOfficialAt = fromNullMS(officialAt)
	return e, nil
}

func (db *DB) queryFAQEntries(ctx context.Context, q string, args ...any) ([]FAQEntry, error) {
	return scanFAQEntries(db.read.QueryContext(ctx, q, args...))
}

// scanFAQEntries reads the entries of a query's rows.
func scanFAQEntries(rows *sql.Rows, err error) ([]FAQEntry, error) {
	return scanAll(rows, err, scanFAQEntry)
}

// nullDate converts a review date for storage; the zero time becomes NULL.
func nullDate(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: t.Format(dateLayout), Valid: true}
}

// FAQEntryByID returns an entry in any state if its field is one v may see,
// else ErrNotFound; which states v may read is faq's decision.
func (db *DB) FAQEntryByID(ctx context.Context, v Viewer, id int64) (FAQEntry, error) {
	return scanFAQEntry(db.read.QueryRowContext(ctx, "SELECT "+faqCols+faqFrom+" WHERE e.id = ? AND "+v.SeesField("e.topic_field_id"), id))
}

// FAQEntriesByField lists a field's entries in their order: the published
// ones, or with allStates every entry, archived ones last. The caller has
// looked the field up for its reader (TopicFieldFor).
func (db *DB) FAQEntriesByField(ctx context.Context, fieldID int64, allStates bool) ([]FAQEntry, error) {
	where := " WHERE e.topic_field_id = ? AND e.state = 'published'"
	if allStates {
		where = " WHERE e.topic_field_id = ?"
	}
	return db.queryFAQEntries(ctx, "SELECT "+faqCols+faqFrom+where+
		" ORDER BY e.state = 'archived', e.position, e.id", fieldID)
}

// FAQFieldGroup is one topic field's published entries in the overview.
type FAQFieldGroup struct {
	FieldID   int64
	FieldSlug string
	FieldName string
	Entries   []FAQEntry
	// Updated is the newest "Stand" of the field's entries.
	Updated time.Time
}

// FAQOverview returns the published entries of all fields, grouped by field
// in the fields' display order (archived fields last); fields without
// published entries and fields v may not see are left out.
func (db *DB) FAQOverview(ctx context.Context, v Viewer) ([]FAQFieldGroup, error) {
	es, err := db.queryFAQEntries(ctx, "SELECT "+faqCols+faqFrom+` WHERE e.state = 'published' AND `+v.SeesField("e.topic_field_id")+`
		ORDER BY f.archived_at IS NOT NULL, f.position, f.id, e.position, e.id`)
	if err != nil {
		return nil, err
	}
	var gs []FAQFieldGroup
	for _, e := range es {
		if len(gs) == 0 || gs[len(gs)-1].FieldID != e.TopicFieldID {
			gs = append(gs, FAQFieldGroup{FieldID: e.TopicFieldID, FieldSlug: e.FieldSlug, FieldName: e.FieldName})
		}
		g := &gs[len(gs)-1]
		g.Entries = append(g.Entries, e)
		if e.UpdatedAt.After(g.Updated) {
			g.Updated = e.UpdatedAt
		}
	}
	return gs, nil
}

// FAQEntriesByThread lists the entries promoted from answers in the thread
// (for the thread's "In die FAQ übernommen" notice): the published ones,
// or with allStates all but the archived ones. The caller has looked the
// thread up for its reader (ThreadFor).
func (db *DB) FAQEntriesByThread(ctx context.Context, threadID int64, allStates bool) ([]FAQEntry, error) {
	where := " WHERE e.source_thread_id = ? AND e.state = 'published'"
	if allStates {
		where = " WHERE e.source_thread_id = ? AND e.state <> 'archived'"
	}
	// Constant text (one of two): every thread page asks, so it is prepared once.
	return scanFAQEntries(db.readQuery(ctx, "SELECT "+faqCols+faqFrom+where+" ORDER BY e.id", threadID))
}

// FAQEntryBySourcePost returns the entry (not archived) promoted from the
// post, or ErrNotFound.
func (db *DB) FAQEntryBySourcePost(ctx context.Context, postID int64) (FAQEntry, error) {
	return scanFAQEntry(db.read.QueryRowContext(ctx, "SELECT "+faqCols+faqFrom+
		" WHERE e.source_post_id = ? AND e.state <> 'archived' ORDER BY e.id LIMIT 1", postID))
}

// NewFAQEntry is the input of CreateFAQEntry.
type NewFAQEntry struct {
	TopicFieldID int64
	OwnerID      int64 // the creating moderator
	Question     string
	Answer       string
	AnswerHTML   string
	ReviewBy     time.Time // a date; zero for none
	// SourceThreadID and SourcePostID name the promoted answer (0 for none).
	SourceThreadID int64
	SourcePostID   int64
	Publish        bool // published at once instead of a draft
}

// CreateFAQEntry inserts an entry at the end of its field's order with
// its first revision and its audit row (faq.create, or faq.promote with
// the source post), published at once when asked.
func (db *DB) CreateFAQEntry(ctx context.Context, ne NewFAQEntry) (int64, error) {
	now := db.now()
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		state, published := FAQDraft, sql.NullInt64{}
		if ne.Publish {
			state, published = FAQPublished, nullMS(now)
		}
		pos, err := nextFAQPosition(ctx, tx, ne.TopicFieldID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO faq_entries (topic_field_id, question, answer, answer_html, owner_id,
			review_by, state, position, source_thread_id, source_post_id, version, created_at, updated_at, published_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,1,?,?,?)`,
			ne.TopicFieldID, ne.Question, ne.Answer, ne.AnswerHTML, ne.OwnerID, nullDate(ne.ReviewBy), state, pos,
			sql.NullInt64{Int64: ne.SourceThreadID, Valid: ne.SourceThreadID != 0},
			sql.NullInt64{Int64: ne.SourcePostID, Valid: ne.SourcePostID != 0}, ms(now), ms(now), published)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO faq_revisions (entry_id, version, question, answer, editor_id, created_at)
			VALUES (?,1,?,?,?,?)`, id, ne.Question, ne.Answer, ne.OwnerID, ms(now)); err != nil {
			return err
		}
		action, detail := "faq.create", ""
		if ne.SourcePostID != 0 {
			action, detail = "faq.promote", strconv.FormatInt(ne.SourcePostID, 10)
		}
		if err := audit(ctx, tx, now, ne.OwnerID, action, "faq_entry", id, detail); err != nil {
			return err
		}
		if ne.Publish {
			return faqPublishedEvent(ctx, tx, now, ne.OwnerID, id)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("create FAQ entry: %w", err)
	}
	return id, nil
}

// nextFAQPosition is the position after the last entry of the field that
// is not archived.
func nextFAQPosition(ctx context.Context, tx *sql.Tx, fieldID int64) (int, error) {
	var pos int
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM faq_entries
		WHERE topic_field_id = ? AND state <> 'archived'`, fieldID).Scan(&pos)
	return pos, err
}

// faqPublishedEvent records faq.published for an entry promoted from a
// thread; an entry written from scratch has no thread to hang it on.
func faqPublishedEvent(ctx context.Context, tx *sql.Tx, now time.Time, actorID, entryID int64) error {
	var threadID, postID sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT source_thread_id, source_post_id FROM faq_entries WHERE id = ?`, entryID).Scan(&threadID, &postID)
	if err != nil || !threadID.Valid {
		return err
	}
	return recordEvent(ctx, tx, now, Event{Kind: EventFAQPublished, ThreadID: threadID.Int64, PostID: postID.Int64,
		ActorID: actorID, Detail: strconv.FormatInt(entryID, 10)})
}

// FAQUpdate is the input of UpdateFAQEntry.
type FAQUpdate struct {
	Question   string
	Answer     string
	AnswerHTML string
	ReviewBy   time.Time // zero clears the date
}

// UpdateFAQEntry saves an entry's question, answer and review date. A
// changed question or answer becomes the next revision; saving what is
// stored already changes nothing. The audit row (faq.update) names the
// version saved.
func (db *DB) UpdateFAQEntry(ctx context.Context, actorID, id int64, up FAQUpdate) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var question, answer, reviewBy string
		var version int
		err := tx.QueryRowContext(ctx, `SELECT question, answer, COALESCE(review_by, ''), version FROM faq_entries WHERE id = ?`, id).
			Scan(&question, &answer, &reviewBy, &version)
		if err != nil {
			return err
		}
		changed := question != up.Question || answer != up.Answer
		if !changed && reviewBy == nullDate(up.ReviewBy).String {
			return nil
		}
		if changed {
			version++
			if _, err := tx.ExecContext(ctx, `INSERT INTO faq_revisions (entry_id, version, question, answer, editor_id, created_at)
				VALUES (?,?,?,?,?,?)`, id, version, up.Question, up.Answer, actorID, ms(now)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE faq_entries SET question = ?, answer = ?, answer_html = ?, review_by = ?,
			version = ?, updated_at = ? WHERE id = ?`, up.Question, up.Answer, up.AnswerHTML, nullDate(up.ReviewBy), version, ms(now), id); err != nil {
			return err
		}
		return audit(ctx, tx, now, actorID, "faq.update", "faq_entry", id, strconv.Itoa(version))
	})
	if err != nil {
		return fmt.Errorf("update FAQ entry %d: %w", id, err)
	}
	return nil
}

// faqStateActions are the audit actions of the state changes.
var faqStateActions = map[string]string{
	FAQDraft:       "faq.unpublish",
	FAQPublished:   "faq.publish",
	FAQNeedsReview: "faq.needs_review",
	FAQArchived:    "faq.archive",
}

// SetFAQState moves an entry into state; which moves are allowed is faq's
// decision. Publishing sets published_at and records faq.published;
// archiving takes the entry out of its field's order, leaving the archive
// puts it at the end. Setting the current state again changes nothing.
func (db *DB) SetFAQState(ctx context.Context, actorID, id int64, state string) error {
	if !slices.Contains(FAQStates, state) {
		return fmt.Errorf("set state of FAQ entry %d: unknown state %q", id, state)
	}
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var fieldID int64
		var old string
		if err := tx.QueryRowContext(ctx, `SELECT topic_field_id, state FROM faq_entries WHERE id = ?`, id).Scan(&fieldID, &old); err != nil {
			return err
		}
		if old == state {
			return nil
		}
		var err error
		switch {
		case state == FAQArchived:
			_, err = tx.ExecContext(ctx, `UPDATE faq_entries SET state = ?, position = 0 WHERE id = ?`, state, id)
			if err == nil {
				err = renumberFAQ(ctx, tx, fieldID, nil)
			}
		case old == FAQArchived:
			var pos int
			if pos, err = nextFAQPosition(ctx, tx, fieldID); err == nil {
				_, err = tx.ExecContext(ctx, `UPDATE faq_entries SET state = ?, position = ? WHERE id = ?`, state, pos, id)
			}
		default:
			_, err = tx.ExecContext(ctx, `UPDATE faq_entries SET state = ? WHERE id = ?`, state, id)
		}
		if err != nil {
			return err
		}
		if err := audit(ctx, tx, now, actorID, faqStateActions[state], "faq_entry", id, ""); err != nil {
			return err
		}
		if state != FAQPublished {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE faq_entries SET published_at = ? WHERE id = ?`, ms(now), id); err != nil {
			return err
		}
		return faqPublishedEvent(ctx, tx, now, actorID, id)
	})
	if err != nil {
		return fmt.Errorf("set state of FAQ entry %d to %s: %w", id, state, err)
	}
	return nil
}

// PlaceFAQEntry moves an entry to the given 1-based position among its
// field's entries that are not archived (clamped to the first and last
// place) and renumbers them densely. An archived entry has no place:
// ErrConflict. Moving to the current place changes nothing.
func (db *DB) PlaceFAQEntry(ctx context.Context, actorID, id int64, position int) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var fieldID int64
		var state string
		if err := tx.QueryRowContext(ctx, `SELECT topic_field_id, state FROM faq_entries WHERE id = ?`, id).Scan(&fieldID, &state); err != nil {
			return err
		}
		if state == FAQArchived {
			return fmt.Errorf("%w: entry is archived", ErrConflict)
		}
		ids, err := faqOrder(ctx, tx, fieldID)
		if err != nil {
			return err
		}
		i := slices.Index(ids, id)
		j := min(max(position, 1), len(ids)) - 1
		if i < 0 || i == j {
			return nil
		}
		ids = slices.Insert(slices.Delete(ids, i, i+1), j, id)
		if err := renumberFAQ(ctx, tx, fieldID, ids); err != nil {
			return err
		}
		return audit(ctx, tx, now, actorID, "faq.reorder", "faq_entry", id, strconv.Itoa(j+1))
	})
	if err != nil {
		return fmt.Errorf("move FAQ entry %d: %w", id, err)
	}
	return nil
}

// faqOrder lists the IDs of a field's entries that are not archived, in order.
func faqOrder(ctx context.Context, tx *sql.Tx, fieldID int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM faq_entries WHERE topic_field_id = ? AND state <> 'archived'
		ORDER BY position, id`, fieldID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// renumberFAQ gives the entries ids (nil: the field's current order)
// positions 1, 2, 3, ... so they stay dense whatever came before.
func renumberFAQ(ctx context.Context, tx *sql.Tx, fieldID int64, ids []int64) error {
	if ids == nil {
		var err error
		if ids, err = faqOrder(ctx, tx, fieldID); err != nil {
			return err
		}
	}
	for k, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE faq_entries SET position = ? WHERE id = ?`, k+1, id); err != nil {
			return err
		}
	}
	return nil
}

// FAQRevision is one saved version of an entry.
type FAQRevision struct {
	ID         int64
	EntryID    int64
	Version    int
	Question   string
	Answer     string
	EditorID   int64
	EditorName string
	CreatedAt  time.Time
}

// FAQRevisions lists every version of an entry, the current one included, oldest first.
func (db *DB) FAQRevisions(ctx context.Context, entryID int64) ([]FAQRevision, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT r.id, r.entry_id, r.version, r.question, r.answer, r.editor_id, u.display_name,
		r.created_at FROM faq_revisions r JOIN users u ON u.id = r.editor_id WHERE r.entry_id = ? ORDER BY r.version`, entryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var rs []FAQRevision
	for rows.Next() {
		var r FAQRevision
		var created int64
		if err := rows.Scan(&r.ID, &r.EntryID, &r.Version, &r.Question, &r.Answer, &r.EditorID, &r.EditorName, &created); err != nil {
			return nil, err
		}
		r.CreatedAt = fromMS(created)
		rs = append(rs, r)
	}
	return rs, rows.Err()
}

// faqSourceChanged runs in EditPost's transaction: when the edited post is
// an official answer (so the edit made a new official version), every
// draft or published entry promoted from it needs a review. Each gets a
// faq.needs_review event (detail: the entry ID; the mail work tells its
// owner) and an audit row by the system.
func faqSourceChanged(ctx context.Context, tx *sql.Tx, now time.Time, postID, editorID int64) error {
	var threadID int64
	var version int
	if err := tx.QueryRowContext(ctx, `SELECT thread_id, official_version FROM posts WHERE id = ?`, postID).Scan(&threadID, &version); err != nil {
		return err
	}
	if version == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM faq_entries WHERE source_post_id = ? AND state IN ('draft', 'published') ORDER BY id`, postID)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			_ = rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	_ = rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE faq_entries SET state = 'needs_review' WHERE id = ?`, id); err != nil {
			return err
		}
		detail := strconv.FormatInt(id, 10)
		if err := recordEvent(ctx, tx, now, Event{Kind: EventFAQNeedsReview, ThreadID: threadID, PostID: postID, ActorID: editorID, Detail: detail}); err != nil {
			return err
		}
		if err := audit(ctx, tx, now, 0, "faq.needs_review", "faq_entry", id, strconv.FormatInt(postID, 10)); err != nil {
			return err
		}
	}
	return nil
}
