package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// SeesFieldGroup reports whether v may see a field restricted to the
// group (0: an open field): the Go twin of SeesField, for code that checks
// rows it loaded for someone else, such as the digests.
func (v Viewer) SeesFieldGroup(groupID int64) bool { return v.seesGroup(groupID) }

// DigestRecipient is a user due for a digest with what the digest needs
// to know about them, loaded page by page (see DigestRecipients).
type DigestRecipient struct {
	User          User // ID, Email, DisplayName, Language, Role, Groups
	Delivery      string
	FieldDelivery string
	// LastDigest is when the user's previous digest of this frequency was
	// made; zero for the first.
	LastDigest time.Time
	// Fields maps the watched or tracked topic fields to their level.
	Fields map[int64]string
	// Muted holds the threads and fields the user muted.
	MutedThreads map[int64]bool
	MutedFields  map[int64]bool
	// Notifications are the pending personal and thread notifications
	// (only when Delivery is the digest's frequency).
	Notifications []Notification
	// Reads maps thread IDs to the last post the user read there.
	Reads map[int64]int64
}

// Viewer is the recipient as an ordinary reader (auth.ReaderOf's twin):
// protected areas by membership, no hidden or pending content.
func (r DigestRecipient) Viewer() Viewer {
	return Viewer{AllFields: r.User.Role == RoleAdmin, Groups: r.User.Groups}
}

// Read reports whether the recipient has read the thread up to postID.
func (r DigestRecipient) Read(threadID, postID int64) bool {
	last, ok := r.Reads[threadID]
	return ok && postID != 0 && last >= postID
}

// DigestRecipients returns up to limit users with an ID above after who
// are due a digest of the frequency for the period: opted in, active,
// with that frequency for their own or their fields' mail, no digest for
// the period yet and an address that is not disabled. Ordered by ID, so
// callers page through with the last ID and memory stays bounded.
func (db *DB) DigestRecipients(ctx context.Context, frequency, period string, after int64, limit int) ([]DigestRecipient, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT u.id, u.email, u.display_name, u.language, u.role, m.delivery, m.field_delivery
		FROM mail_settings m JOIN users u ON u.id = m.user_id
		WHERE m.user_id > ?1 AND m.consent_at IS NOT NULL AND (m.delivery = ?2 OR m.field_delivery = ?2) AND u.status = 'active'
			AND NOT EXISTS (SELECT 1 FROM digest_runs d WHERE d.user_id = m.user_id AND d.frequency = ?2 AND d.period = ?3)
			AND NOT EXISTS (SELECT 1 FROM mail_bounces b WHERE b.email = u.email AND b.disabled_at IS NOT NULL)
		ORDER BY m.user_id LIMIT ?4`, after, frequency, period, limit)
	if err != nil {
		return nil, fmt.Errorf("digest recipients: %w", err)
	}
	var rs []DigestRecipient
	idx := map[int64]int{}
	for rows.Next() {
		var r DigestRecipient
		u := &r.User
		if err := rows.Scan(&u.ID, &u.Email, &u.DisplayName, &u.Language, &u.Role, &r.Delivery, &r.FieldDelivery); err != nil {
			_ = rows.Close()
			return nil, fmt.Errorf("digest recipients: %w", err)
		}
		r.Fields, r.MutedThreads, r.MutedFields, r.Reads = map[int64]string{}, map[int64]bool{}, map[int64]bool{}, map[int64]int64{}
		idx[u.ID] = len(rs)
		rs = append(rs, r)
	}
	_ = rows.Close()
	if err := rows.Err(); err != nil || len(rs) == 0 {
		return rs, err
	}
	lo, hi := rs[0].User.ID, rs[len(rs)-1].User.ID
	// Each query of loadDigestPage reads the page's ID range once instead of asking per user.
	if err := db.loadDigestPage(ctx, rs, idx, lo, hi, frequency); err != nil {
		return nil, fmt.Errorf("digest recipients: %w", err)
	}
	return rs, nil
}

// loadDigestPage fills groups, subscriptions, pending notifications, reads
// and the last digest of the recipients rs (IDs lo..hi, idx by ID).
func (db *DB) loadDigestPage(ctx context.Context, rs []DigestRecipient, idx map[int64]int, lo, hi int64, frequency string) error {
	run := func(q string, scan func(_ *DigestRecipient, rows *sql.Rows) error, args ...any) error {
		rows, err := db.read.QueryContext(ctx, q, append([]any{lo, hi}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(nil, rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	get := func(uid int64) *DigestRecipient {
		if i, ok := idx[uid]; ok {
			return &rs[i]
		}
		return nil
	}
	err := run(`SELECT user_id, group_id FROM group_members WHERE user_id BETWEEN ? AND ?`, func(_ *DigestRecipient, rows *sql.Rows) error {
		var uid, gid int64
		if err := rows.Scan(&uid, &gid); err != nil {
			return err
		}
		if r := get(uid); r != nil {
			r.User.Groups = append(r.User.Groups, gid)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = run(`SELECT user_id, COALESCE(topic_field_id, 0), COALESCE(thread_id, 0), level FROM subscriptions WHERE user_id BETWEEN ? AND ?`,
		func(_ *DigestRecipient, rows *sql.Rows) error {
			var uid, fid, tid int64
			var level string
			if err := rows.Scan(&uid, &fid, &tid, &level); err != nil {
				return err
			}
			r := get(uid)
			switch {
			case r == nil:
			case level == LevelMuted && tid != 0:
				r.MutedThreads[tid] = true
			case level == LevelMuted:
				r.MutedFields[fid] = true
			case fid != 0:
				r.Fields[fid] = level
			}
			return nil
		})
	if err != nil {
		return err
	}
	err = run(`SELECT `+notificationCols+` FROM notifications WHERE user_id BETWEEN ? AND ? AND sent_at IS NULL AND via_field = 0 ORDER BY id`,
		func(_ *DigestRecipient, rows *sql.Rows) error {
			n, err := scanNotification(rows)
			if err != nil {
				return err
			}
			if r := get(n.UserID); r != nil && r.Delivery == frequency {
				r.Notifications = append(r.Notifications, n)
			}
			return nil
		})
	if err != nil {
		return err
	}
	err = run(`SELECT user_id, thread_id, last_read_post_id FROM thread_reads WHERE user_id BETWEEN ? AND ?`,
		func(_ *DigestRecipient, rows *sql.Rows) error {
			var uid, tid, pid int64
			if err := rows.Scan(&uid, &tid, &pid); err != nil {
				return err
			}
			if r := get(uid); r != nil {
				r.Reads[tid] = pid
			}
			return nil
		})
	if err != nil {
		return err
	}
	return run(`SELECT user_id, max(created_at) FROM digest_runs WHERE user_id BETWEEN ? AND ? AND frequency = ? GROUP BY user_id`,
		func(_ *DigestRecipient, rows *sql.Rows) error {
			var uid, at int64
			if err := rows.Scan(&uid, &at); err != nil {
				return err
			}
			if r := get(uid); r != nil {
				r.LastDigest = fromMS(at)
			}
			return nil
		}, frequency)
}

// DigestRecipientOf returns one user as a digest recipient regardless of
// whether a digest is due, for the preview page.
func (db *DB) DigestRecipientOf(ctx context.Context, userID int64, frequency string) (DigestRecipient, error) {
	u, err := db.UserByID(ctx, userID)
	if err != nil {
		return DigestRecipient{}, err
	}
	m, err := db.MailSettingsOf(ctx, userID)
	if err != nil {
		return DigestRecipient{}, err
	}
	r := DigestRecipient{User: u, Delivery: m.Delivery, FieldDelivery: m.FieldDelivery,
		Fields: map[int64]string{}, MutedThreads: map[int64]bool{}, MutedFields: map[int64]bool{}, Reads: map[int64]int64{}}
	r.User.Groups = nil // reloaded below, like for every recipient
	rs := []DigestRecipient{r}
	if err := db.loadDigestPage(ctx, rs, map[int64]int{userID: 0}, userID, userID, frequency); err != nil {
		return DigestRecipient{}, fmt.Errorf("digest recipient %d: %w", userID, err)
	}
	return rs[0], nil
}

// Kinds of digest items that come from content rather than notifications.
const (
	ItemNewThread  = "new_thread"
	ItemTopPost    = "top_post"
	ItemFAQNew     = "faq_new"
	ItemFAQUpdated = "faq_updated"
)

// DigestItem is one entry of a digest: a thread, post or FAQ entry with
// its field, title and excerpt.
type DigestItem struct {
	Kind         string // an Item* constant or a notification reason
	ThreadID     int64
	PostID       int64 // the post the item is about (the opening post of a new thread)
	FAQID        int64
	FieldID      int64
	FieldGroupID int64
	FieldSlug    string
	FieldName    string
	Title        string
	Body         string // Markdown source, for the excerpt
	Author       string
	URL          string // site-relative
	Score        int
	At           time.Time
	Visible      bool // neither deleted, hidden nor waiting for approval
	Detail       string
}

// FieldContent is what happened in the topic fields since a time, shared
// by every digest of a round: new threads, top posts and FAQ entries, by
// field.
type FieldContent map[int64][]DigestItem

// FieldDigestContent loads the published content of all fields created or
// changed at or after since: new threads, the top posts per field (at most
// top, score above zero) and new or updated published FAQ entries.
func (db *DB) FieldDigestContent(ctx context.Context, since time.Time, top int) (FieldContent, error) {
	out := FieldContent{}
	scan := func(kind string) func(r rowScanner) (DigestItem, error) {
		return func(r rowScanner) (DigestItem, error) {
			it := DigestItem{Kind: kind, Visible: true}
			var at int64
			var slug string
			err := r.Scan(&it.ThreadID, &it.PostID, &it.FAQID, &it.FieldID, &it.FieldGroupID, &it.FieldSlug, &it.FieldName,
				&it.Title, &slug, &it.Body, &it.Author, &it.Score, &at)
			it.At = fromMS(at)
			if it.FAQID != 0 {
				it.URL = fmt.Sprintf("/faq/%d", it.FAQID)
			} else {
				it.URL = fmt.Sprintf("/t/%d-%s", it.ThreadID, slug)
				if kind == ItemTopPost {
					it.URL = fmt.Sprintf("/beitrag/%d", it.PostID)
				}
			}
			return it, err
		}
	}
	visibleThread := `t.deleted_at IS NULL AND t.hidden_at IS NULL AND t.approved = 1 AND f.archived_at IS NULL`
	visiblePost := `p.deleted_at IS NULL AND p.hidden_at IS NULL AND p.approved = 1`
	rows, err := db.read.QueryContext(ctx, `SELECT t.id, p.id, 0, f.id, COALESCE(f.group_id, 0), f.slug, f.name, t.title, t.slug,
		p.body, u.display_name, p.score, t.created_at
		FROM threads t JOIN topic_fields f ON f.id = t.topic_field_id
		JOIN posts p ON p.id = (SELECT min(id) FROM posts WHERE thread_id = t.id)
		JOIN users u ON u.id = t.author_id
		WHERE t.created_at >= ? AND `+visibleThread+` AND `+visiblePost+` ORDER BY t.id`, ms(since))
	threads, err := scanAll(rows, err, scan(ItemNewThread))
	if err != nil {
		return nil, fmt.Errorf("digest content: new threads: %w", err)
	}
	opening := map[int64]bool{}
	for _, it := range threads {
		out[it.FieldID] = append(out[it.FieldID], it)
		opening[it.PostID] = true
	}
	// Posts are numbered in time order, so the first post at or after
	// since bounds the scan by primary key instead of reading every post.
	firstID, err := db.firstPostSince(ctx, since)
	if err != nil {
		return nil, fmt.Errorf("digest content: first post: %w", err)
	}
	rows, err = db.read.QueryContext(ctx, `SELECT * FROM (SELECT t.id, p.id, 0, f.id, COALESCE(f.group_id, 0) AS g, f.slug, f.name, t.title, t.slug,
		p.body, u.display_name, p.score, p.created_at,
		row_number() OVER (PARTITION BY t.topic_field_id ORDER BY p.score DESC, p.id) AS rank
		FROM posts p JOIN threads t ON t.id = p.thread_id JOIN topic_fields f ON f.id = t.topic_field_id
		JOIN users u ON u.id = p.author_id
		WHERE p.id >= ? AND p.created_at >= ? AND p.score > 0 AND `+visibleThread+` AND `+visiblePost+`)
		WHERE rank <= ?`, firstID, ms(since), top+1)
	if err == nil {
		// Drop the rank column by scanning into a wrapper.
		var posts []DigestItem
		posts, err = scanAll(rows, err, func(r rowScanner) (DigestItem, error) {
			var rank int
			return scan(ItemTopPost)(rankScanner{r, &rank})
		})
		n := map[int64]int{}
		for _, it := range posts {
			if opening[it.PostID] || n[it.FieldID] >= top {
				continue // a new thread's opening post is listed as the thread
			}
			n[it.FieldID]++
			out[it.FieldID] = append(out[it.FieldID], it)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("digest content: top posts: %w", err)
	}
	rows, err = db.read.QueryContext(ctx, `SELECT 0, 0, e.id, f.id, COALESCE(f.group_id, 0), f.slug, f.name, e.question, '',
		e.answer, u.display_name, 0, max(COALESCE(e.published_at, 0), e.updated_at)
		FROM faq_entries e JOIN topic_fields f ON f.id = e.topic_field_id JOIN users u ON u.id = e.owner_id
		WHERE e.state = 'published' AND (e.published_at >= ?1 OR e.updated_at >= ?1) ORDER BY e.id`, ms(since))
	faqs, err := scanAll(rows, err, scan(ItemFAQUpdated))
	if err != nil {
		return nil, fmt.Errorf("digest content: FAQ: %w", err)
	}
	for _, it := range faqs {
		out[it.FieldID] = append(out[it.FieldID], it)
	}
	if err := db.markNewFAQ(ctx, out, since); err != nil {
		return nil, err
	}
	return out, nil
}

// rankScanner scans a row with a trailing rank column.
type rankScanner struct {
	r    rowScanner
	rank *int
}

func (s rankScanner) Scan(dest ...any) error { return s.r.Scan(append(dest, s.rank)...) }

// firstPostSince is the lowest post ID created at or after since (or one
// past the highest when none): posts are numbered in time order.
func (db *DB) firstPostSince(ctx context.Context, since time.Time) (int64, error) {
	var lo, hi int64
	if err := db.read.QueryRowContext(ctx, `SELECT COALESCE(min(id), 0), COALESCE(max(id), 0) FROM posts`).Scan(&lo, &hi); err != nil {
		return 0, err
	}
	// Binary search on the primary key; created_at grows with the ID
	// (up to clock steps, which at worst add a few posts to the scan).
	for lo < hi {
		mid := lo + (hi-lo)/2
		var at sql.NullInt64
		if err := db.read.QueryRowContext(ctx, `SELECT created_at FROM posts WHERE id >= ? ORDER BY id LIMIT 1`, mid).Scan(&at); err != nil {
			return 0, err
		}
		if at.Int64 >= ms(since) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return max(0, lo-1000), nil // a margin for clock steps
}

// markNewFAQ tells FAQ entries published since apart from updated ones.
func (db *DB) markNewFAQ(ctx context.Context, out FieldContent, since time.Time) error {
	var ids []string
	for _, items := range out {
		for _, it := range items {
			if it.FAQID != 0 {
				ids = append(ids, fmt.Sprint(it.FAQID))
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM faq_entries WHERE published_at >= ? AND id IN (`+strings.Join(ids, ",")+`)`, ms(since)) // #nosec G202 -- ids are formatted int64 FAQ IDs
	if err != nil {
		return fmt.Errorf("digest content: new FAQ: %w", err)
	}
	defer rows.Close()
	fresh := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		fresh[id] = true
	}
	for f, items := range out {
		for i := range items {
			if fresh[items[i].FAQID] {
				out[f][i].Kind = ItemFAQNew
			}
		}
	}
	return rows.Err()
}

// NotificationItems resolves notifications to digest items as they are
// now: title, field, excerpt and whether the post and thread are still
// published. Notifications whose thread or post no longer exist are left out.
func (db *DB) NotificationItems(ctx context.Context, ns []Notification) (map[int64]DigestItem, error) {
	out := map[int64]DigestItem{}
	if len(ns) == 0 {
		return out, nil
	}
	for chunk := range chunks(ns, 400) {
		ids := make([]string, len(chunk))
		for i, n := range chunk {
			ids[i] = fmt.Sprint(n.ID)
		}
		rows, err := db.read.QueryContext(ctx, `SELECT n.id, n.reason, t.id, COALESCE(p.id, 0), f.id, COALESCE(f.group_id, 0), f.slug, f.name,
			t.title, t.slug, COALESCE(p.body, ''), COALESCE(pu.display_name, tu.display_name), COALESCE(p.score, 0),
			COALESCE(p.created_at, n.created_at), t.pm_status, e.kind,
			t.deleted_at IS NULL AND t.hidden_at IS NULL AND t.approved = 1
				AND (p.id IS NULL OR (p.deleted_at IS NULL AND p.hidden_at IS NULL AND p.approved = 1))
			FROM notifications n JOIN threads t ON t.id = n.thread_id JOIN topic_fields f ON f.id = t.topic_field_id
			JOIN users tu ON tu.id = t.author_id JOIN events e ON e.id = n.event_id
			LEFT JOIN posts p ON p.id = n.post_id LEFT JOIN users pu ON pu.id = p.author_id
			WHERE n.id IN (`+strings.Join(ids, ",")+`)`) // #nosec G202 -- ids are formatted int64 notification IDs
		if err != nil {
			return nil, fmt.Errorf("notification items: %w", err)
		}
		for rows.Next() {
			var id, at int64
			var slug, pmStatus, eventKind string
			var it DigestItem
			if err := rows.Scan(&id, &it.Kind, &it.ThreadID, &it.PostID, &it.FieldID, &it.FieldGroupID, &it.FieldSlug, &it.FieldName,
				&it.Title, &slug, &it.Body, &it.Author, &it.Score, &at, &pmStatus, &eventKind, &it.Visible); err != nil {
				_ = rows.Close()
				return nil, fmt.Errorf("notification items: %w", err)
			}
			it.At = fromMS(at)
			it.URL = fmt.Sprintf("/t/%d-%s", it.ThreadID, slug)
			if it.PostID != 0 && eventKind != EventQuestionCreated && eventKind != EventPMCreated && eventKind != EventThreadCreated {
				it.URL = fmt.Sprintf("/beitrag/%d", it.PostID)
			}
			if it.Kind == ReasonPMStatus {
				it.Detail = pmStatus
			}
			out[id] = it
		}
		_ = rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("notification items: %w", err)
		}
	}
	return out, nil
}

// DigestResult is the outcome of one recipient's digest.
type DigestResult struct {
	UserID    int64
	Frequency string
	Period    string
	Mail      OutboxMail // zero Recipient: the digest was empty
	Items     int
	Consumed  []int64 // notifications reported (or dropped as read or invisible)
}

// CommitDigests records a page of digests in one transaction: the
// digest_runs row (the once-per-period guard), the outbox mail and the
// consumed notifications. A recipient who has a row for the period already
// (a concurrent or earlier run) is skipped; skipped[i] says so for rs[i].
func (db *DB) CommitDigests(ctx context.Context, rs []DigestResult) (skipped []bool, err error) {
	now := db.now()
	err = db.inTxBackground(ctx, func(tx *sql.Tx) error {
		skipped = make([]bool, len(rs))
		// Prepared once per page: a page writes hundreds of rows.
		prep := func(q string) (*sql.Stmt, error) { return tx.PrepareContext(ctx, q) }
		exists, err := prep(`SELECT EXISTS (SELECT 1 FROM digest_runs WHERE user_id = ? AND frequency = ? AND period = ?)`)
		if err != nil {
			return err
		}
		defer exists.Close()
		outbox, err := prep(outboxInsert)
		if err != nil {
			return err
		}
		defer outbox.Close()
		run, err := prep(`INSERT INTO digest_runs (user_id, frequency, period, outbox_id, items, created_at) VALUES (?,?,?,?,?,?)`)
		if err != nil {
			return err
		}
		defer run.Close()
		for i, r := range rs {
			var done bool
			if err := exists.QueryRowContext(ctx, r.UserID, r.Frequency, r.Period).Scan(&done); err != nil {
				return err
			}
			if done {
				skipped[i] = true
				continue
			}
			var outboxID sql.NullInt64
			if r.Mail.Recipient != "" {
				args, err := outboxArgs(now, r.Mail)
				if err != nil {
					return err
				}
				res, err := outbox.ExecContext(ctx, args...)
				if err != nil {
					return fmt.Errorf("enqueue digest for user %d: %w", r.UserID, err)
				}
				outboxID.Int64, outboxID.Valid = mustID(res), true
			}
			if _, err := run.ExecContext(ctx, r.UserID, r.Frequency, r.Period, outboxID, r.Items, ms(now)); err != nil {
				return err
			}
			if err := consumeNotifications(ctx, tx, now, r.Consumed, ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("commit digests: %w", err)
	}
	return skipped, nil
}

// mustID is the row ID of an INSERT; SQLite always has one.
func mustID(res sql.Result) int64 {
	id, _ := res.LastInsertId()
	return id
}

// DigestRunCount counts the digests (sent or empty) recorded for the period.
func (db *DB) DigestRunCount(ctx context.Context, frequency, period string) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM digest_runs WHERE frequency = ? AND period = ?`, frequency, period).Scan(&n)
	return n, err
}
