package store

// The search queue and the documents the full-text index is built from.
// Triggers (migrations/0006_search.sql) fill search_queue in the same
// transaction as every change; internal/search claims a batch, loads the
// documents with SearchDocs, applies them and deletes the batch with
// DeleteSearchQueue. ScanSearchDocs streams everything for a rebuild.

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kinds of search_queue rows (doc_kind).
const (
	QueuePost   = "post"
	QueueThread = "thread"
	QueueFAQ    = "faq"
	QueueUser   = "user"
)

// QueuedChange is one row of the search queue.
type QueuedChange struct {
	ID       int64
	DocKind  string // QueuePost, QueueThread, QueueFAQ or QueueUser
	DocID    int64
	QueuedAt time.Time
}

// SearchDoc is what the index needs of one post or FAQ entry, joined with
// its thread, topic field and author. Everyone entitled to the field may
// see it: a post that is not deleted, not hidden and approved in a thread
// that is neither; a published FAQ entry.
type SearchDoc struct {
	PostID   int64 // 0 for an FAQ entry
	FAQID    int64 // 0 for a post
	ThreadID int64

	TopicFieldID int64
	FieldSlug    string
	FieldName    string
	Kind         string // KindDiscussion, KindQuestion, KindPM or "faq"
	Status       string // Thread.Status(): offen, beantwortet, geloest or ""
	Official     bool   // an official answer of the programme management

	// Title is the thread title on every post (for display) and the FAQ
	// question; First marks a thread's opening post, the one document
	// whose title is indexed, so a title matches once per thread.
	Title      string
	ThreadSlug string
	First      bool
	Body       string // Markdown source

	AuthorID   int64
	AuthorName string
	CreatedAt  time.Time
}

// KindFAQ is SearchDoc.Kind of an FAQ entry.
const KindFAQ = "faq"

// DocID is the document's ID in the index: "p<post>" or "f<faq>".
func (d SearchDoc) DocID() string {
	if d.FAQID != 0 {
		return "f" + strconv.FormatInt(d.FAQID, 10)
	}
	return "p" + strconv.FormatInt(d.PostID, 10)
}

// URL links to the exact post (the permalink finds its page) or FAQ entry.
func (d SearchDoc) URL() string {
	if d.FAQID != 0 {
		return fmt.Sprintf("/faq/%d", d.FAQID)
	}
	return fmt.Sprintf("/beitrag/%d", d.PostID)
}

// PostDocID and FAQDocID are the index IDs of a post and an FAQ entry.
func PostDocID(id int64) string { return "p" + strconv.FormatInt(id, 10) }
func FAQDocID(id int64) string  { return "f" + strconv.FormatInt(id, 10) }

// SearchQueue returns the oldest queued changes after the row with ID
// after (0: from the start), at most limit.
func (db *DB) SearchQueue(ctx context.Context, after int64, limit int) ([]QueuedChange, error) {
	rows, err := db.read.QueryContext(ctx,
		`SELECT id, doc_kind, doc_id, queued_at FROM search_queue WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	return scanAll(rows, err, func(r rowScanner) (QueuedChange, error) {
		var q QueuedChange
		var at int64
		err := r.Scan(&q.ID, &q.DocKind, &q.DocID, &at)
		q.QueuedAt = fromMS(at)
		return q, err
	})
}

// DeleteSearchQueue removes the queued changes up to and including id,
// once the index has applied them. The ids are AUTOINCREMENT: a new row
// always gets a larger id than any row ever queued, so this never drops a
// change that was not read.
func (db *DB) DeleteSearchQueue(ctx context.Context, id int64) error {
	return db.inTxBackground(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM search_queue WHERE id <= ?`, id)
		return err
	})
}

// SearchQueueStat reports the queue's length and its newest id (0 when empty).
func (db *DB) SearchQueueStat(ctx context.Context) (n int, maxID int64, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(id), 0) FROM search_queue`).Scan(&n, &maxID)
	return n, maxID, err
}

// searchPostCols reads a post with its thread, field and author; the last
// column says whether the post may be indexed (see SearchDoc).
const searchPostCols = `p.id, p.thread_id, t.topic_field_id, f.slug, f.name, t.kind, t.pm_status,
	COALESCE(t.accepted_post_id, 0), t.post_count, p.official_version > 0, t.title, t.slug,
	p.id = (SELECT MIN(q.id) FROM posts q WHERE q.thread_id = p.thread_id), p.body,
	p.author_id, u.display_name, p.created_at,
	p.deleted_at IS NULL AND p.hidden_at IS NULL AND p.approved = 1
		AND t.deleted_at IS NULL AND t.hidden_at IS NULL AND t.approved = 1`

const searchPostFrom = ` FROM posts p JOIN threads t ON t.id = p.thread_id
	JOIN topic_fields f ON f.id = t.topic_field_id JOIN users u ON u.id = p.author_id`

func scanSearchPost(r rowScanner) (SearchDoc, bool, error) {
	var d SearchDoc
	var th Thread
	var created int64
	var ok bool
	err := r.Scan(&d.PostID, &d.ThreadID, &d.TopicFieldID, &d.FieldSlug, &d.FieldName, &th.Kind, &th.PMStatus,
		&th.AcceptedPostID, &th.PostCount, &d.Official, &d.Title, &d.ThreadSlug, &d.First, &d.Body,
		&d.AuthorID, &d.AuthorName, &created, &ok)
	if err != nil {
		return d, false, err
	}
	d.Kind, d.Status, d.CreatedAt = th.Kind, th.Status(), fromMS(created)
	return d, ok, nil
}

const searchFAQCols = `e.id, COALESCE(e.source_thread_id, 0), e.topic_field_id, f.slug, f.name, e.question, e.answer,
	e.owner_id, u.display_name, COALESCE(e.published_at, e.updated_at), e.state = 'published'`

const searchFAQFrom = ` FROM faq_entries e JOIN topic_fields f ON f.id = e.topic_field_id JOIN users u ON u.id = e.owner_id`

func scanSearchFAQ(r rowScanner) (SearchDoc, bool, error) {
	d := SearchDoc{Kind: KindFAQ, First: true}
	var at int64
	var ok bool
	err := r.Scan(&d.FAQID, &d.ThreadID, &d.TopicFieldID, &d.FieldSlug, &d.FieldName, &d.Title, &d.Body,
		&d.AuthorID, &d.AuthorName, &at, &ok)
	d.CreatedAt = fromMS(at)
	return d, ok, err
}

// SearchDocs resolves queued changes to the documents to (re)index and the
// index IDs to remove: a post or entry that is gone or may no longer be
// shown to everyone entitled to its field is removed.
func (db *DB) SearchDocs(ctx context.Context, changes []QueuedChange) (docs []SearchDoc, remove []string, err error) {
	var posts, threads, faqs, users []any
	seen := map[QueuedChange]bool{}
	for _, c := range changes {
		k := QueuedChange{DocKind: c.DocKind, DocID: c.DocID}
		if seen[k] {
			continue
		}
		seen[k] = true
		switch c.DocKind {
		case QueuePost:
			posts = append(posts, c.DocID)
		case QueueThread:
			threads = append(threads, c.DocID)
		case QueueFAQ:
			faqs = append(faqs, c.DocID)
		case QueueUser:
			users = append(users, c.DocID)
		}
	}
	done := map[string]bool{}
	add := func(d SearchDoc, ok bool) {
		id := d.DocID()
		if done[id] {
			return
		}
		done[id] = true
		if ok {
			docs = append(docs, d)
		} else {
			remove = append(remove, id)
		}
	}
	query := func(q string, ids []any, scan func(rowScanner) (SearchDoc, bool, error)) error {
		for len(ids) > 0 {
			n := min(len(ids), 500) // well below SQLite's parameter limit
			rows, err := db.read.QueryContext(ctx, q+" IN (?"+strings.Repeat(",?", n-1)+")", ids[:n]...)
			if err != nil {
				return err
			}
			for rows.Next() {
				d, ok, err := scan(rows)
				if err != nil {
					_ = rows.Close()
					return err
				}
				add(d, ok)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if err := rows.Err(); err != nil {
				return err
			}
			ids = ids[n:]
		}
		return nil
	}
	steps := []struct {
		q    string
		ids  []any
		scan func(rowScanner) (SearchDoc, bool, error)
	}{
		{"SELECT " + searchPostCols + searchPostFrom + " WHERE p.id", posts, scanSearchPost},
		{"SELECT " + searchPostCols + searchPostFrom + " WHERE p.thread_id", threads, scanSearchPost},
		{"SELECT " + searchPostCols + searchPostFrom + " WHERE p.author_id", users, scanSearchPost},
		{"SELECT " + searchFAQCols + searchFAQFrom + " WHERE e.id", faqs, scanSearchFAQ},
		{"SELECT " + searchFAQCols + searchFAQFrom + " WHERE e.owner_id", users, scanSearchFAQ},
	}
	for _, s := range steps {
		if err := query(s.q, s.ids, s.scan); err != nil {
			return nil, nil, fmt.Errorf("search docs: %w", err)
		}
	}
	// Posts and entries that no longer exist (a thread or post deleted for
	// good) come back from no query: remove them too.
	for _, id := range posts {
		if k := PostDocID(id.(int64)); !done[k] {
			remove = append(remove, k)
		}
	}
	for _, id := range faqs {
		if k := FAQDocID(id.(int64)); !done[k] {
			remove = append(remove, k)
		}
	}
	return docs, remove, nil
}

// ScanSearchDocs calls fn with every indexable document, batch at a time:
// posts in ID order, then published FAQ entries. It pages by key (id > last),
// so memory stays bounded and no long read transaction pins the WAL.
func (db *DB) ScanSearchDocs(ctx context.Context, batch int, fn func([]SearchDoc) error) error {
	scan := func(q string, read func(rowScanner) (SearchDoc, bool, error), key func(SearchDoc) int64) error {
		var last int64
		for {
			rows, err := db.read.QueryContext(ctx, q, last, batch)
			if err != nil {
				return err
			}
			docs := make([]SearchDoc, 0, batch)
			n := 0
			for rows.Next() {
				d, ok, err := read(rows)
				if err != nil {
					_ = rows.Close()
					return err
				}
				n++
				last = key(d)
				if ok {
					docs = append(docs, d)
				}
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if len(docs) > 0 {
				if err := fn(docs); err != nil {
					return err
				}
			}
			if n < batch {
				return nil
			}
		}
	}
	err := scan("SELECT "+searchPostCols+searchPostFrom+" WHERE p.id > ? ORDER BY p.id LIMIT ?",
		scanSearchPost, func(d SearchDoc) int64 { return d.PostID })
	if err == nil {
		err = scan("SELECT "+searchFAQCols+searchFAQFrom+" WHERE e.id > ? ORDER BY e.id LIMIT ?",
			scanSearchFAQ, func(d SearchDoc) int64 { return d.FAQID })
	}
	if err != nil {
		return fmt.Errorf("scan search docs: %w", err)
	}
	return nil
}

// maxPreparedIn is the longest IN list SearchHits runs prepared: a page
// of up to 32 hits (20 by default) needs one of three statement texts per
// query and viewer kind; longer pages (the API allows 200) are rare.
const maxPreparedIn = 32

// inArgs is ids as the arguments of an IN list whose length is a power of
// two (at least 8), padded with the last ID, which changes nothing: so a
// page's query is one of a few texts the statement cache keeps prepared.
// Preparing the query anew for each page was 4 % of a search's CPU at 64
// connections.
func inArgs(ids []int64) []any {
	n := 8
	for n < len(ids) {
		n *= 2
	}
	args := make([]any, n)
	for i := range args {
		args[i] = ids[min(i, len(ids)-1)]
	}
	return args
}

// SearchHits loads the documents of a result page for display, keeping
// only those v may see right now: the index lags behind SQLite by up to an
// indexer interval, and a post hidden a moment ago must not show its text.
// The result is keyed by DocID.
func (db *DB) SearchHits(ctx context.Context, v Viewer, postIDs, faqIDs []int64) (map[string]SearchDoc, error) {
	out := map[string]SearchDoc{}
	run := func(q string, ids []int64, scan func(rowScanner) (SearchDoc, bool, error)) error {
		if len(ids) == 0 {
			return nil
		}
		args := inArgs(ids)
		q += " IN (?" + strings.Repeat(",?", len(args)-1) + ")"
		var rows *sql.Rows
		var err error
		if len(args) <= maxPreparedIn {
			rows, err = db.readQueryFor(ctx, v, q, args...)
		} else {
			rows, err = db.read.QueryContext(ctx, q, args...)
		}
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, ok, err := scan(rows)
			if err != nil {
				return err
			}
			if ok {
				out[d.DocID()] = d
			}
		}
		return rows.Err()
	}
	err := run("SELECT "+searchPostCols+searchPostFrom+" WHERE "+v.SeesField("t.topic_field_id")+" AND p.id", postIDs, scanSearchPost)
	if err == nil {
		err = run("SELECT "+searchFAQCols+searchFAQFrom+" WHERE "+v.SeesField("e.topic_field_id")+" AND e.id", faqIDs, scanSearchFAQ)
	}
	if err != nil {
		return nil, fmt.Errorf("search hits: %w", err)
	}
	return out, nil
}
