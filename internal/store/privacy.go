package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// DeletedUserName is what posts of a deleted account are attributed to.
const DeletedUserName = "Gelöschter Nutzer"

// PersonalData is everything the forum stores about one user, for the
// download of DSGVO Art. 15/20. Field names are the JSON the user gets.
type PersonalData struct {
	ExportedAt      time.Time          `json:"exported_at"`
	Profile         ExportProfile      `json:"profile"`
	Posts           []ExportPost       `json:"posts"`
	Votes           []ExportVote       `json:"votes"`
	Subscriptions   []ExportWatch      `json:"subscriptions"`
	MailSettings    *ExportMail        `json:"mail_settings"`
	Flags           []ExportFlag       `json:"flags"`
	Sessions        []ExportSession    `json:"sessions"`
	APITokens       []ExportToken      `json:"api_tokens"`
	Groups          []string           `json:"groups"`
	ModeratedFields []string           `json:"moderated_topic_fields"`
	FAQEntries      []ExportFAQ        `json:"faq_entries_owned"`
	Reads           []ExportThreadRead `json:"threads_read"`
}

type ExportProfile struct {
	ID              int64      `json:"id"`
	Email           string     `json:"email"`
	DisplayName     string     `json:"display_name"`
	Organisation    string     `json:"organisation"`
	OrgType         string     `json:"organisation_type"`
	Role            string     `json:"role"`
	Language        string     `json:"language"`
	Status          string     `json:"status"`
	EmailVerifiedAt *time.Time `json:"email_verified_at"`
	CreatedAt       time.Time  `json:"created_at"`
}

type ExportPost struct {
	ID          int64      `json:"id"`
	ThreadID    int64      `json:"thread_id"`
	ThreadTitle string     `json:"thread_title"`
	Body        string     `json:"body"`
	CreatedAt   time.Time  `json:"created_at"`
	EditedAt    *time.Time `json:"edited_at"`
	DeletedAt   *time.Time `json:"deleted_at"`
	Hidden      bool       `json:"hidden"`
}

type ExportVote struct {
	PostID    int64     `json:"post_id"`
	Value     int       `json:"value"`
	CreatedAt time.Time `json:"created_at"`
}

type ExportWatch struct {
	TopicField string    `json:"topic_field,omitempty"`
	ThreadID   int64     `json:"thread_id,omitempty"`
	Level      string    `json:"level"`
	CreatedAt  time.Time `json:"created_at"`
}

type ExportMail struct {
	Delivery    string     `json:"delivery"`
	ConsentAt   *time.Time `json:"consent_at"`
	ConsentText string     `json:"consent_text"`
}

type ExportFlag struct {
	PostID    int64     `json:"post_id"`
	Reason    string    `json:"reason"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

type ExportSession struct {
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

type ExportToken struct {
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

type ExportFAQ struct {
	ID       int64  `json:"id"`
	Question string `json:"question"`
	State    string `json:"state"`
}

type ExportThreadRead struct {
	ThreadID int64     `json:"thread_id"`
	ReadAt   time.Time `json:"read_at"`
}

func timePtr(ns sql.NullInt64) *time.Time {
	if !ns.Valid {
		return nil
	}
	t := fromMS(ns.Int64)
	return &t
}

// ExportPersonalData collects everything stored about the user. It reads in
// one transaction so the parts agree with each other.
func (db *DB) ExportPersonalData(ctx context.Context, userID int64) (PersonalData, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return PersonalData{}, err
	}
	defer tx.Rollback()
	d := PersonalData{ExportedAt: db.now().UTC().Truncate(time.Second)}
	p := &d.Profile
	var verified sql.NullInt64
	var created int64
	err = tx.QueryRowContext(ctx, `SELECT id, email, display_name, org_name, org_type, role, language, status, email_verified_at, created_at
		FROM users WHERE id = ? AND deleted_at IS NULL`, userID).
		Scan(&p.ID, &p.Email, &p.DisplayName, &p.Organisation, &p.OrgType, &p.Role, &p.Language, &p.Status, &verified, &created)
	if err != nil {
		return PersonalData{}, mapErr(err)
	}
	p.EmailVerifiedAt, p.CreatedAt = timePtr(verified), fromMS(created)

	// Each query fills one list; an empty list stays [] in the JSON.
	d.Posts, err = collect(ctx, tx, `SELECT p.id, p.thread_id, t.title, p.body, p.created_at, p.edited_at, p.deleted_at, p.hidden_at IS NOT NULL
		FROM posts p JOIN threads t ON t.id = p.thread_id WHERE p.author_id = ? ORDER BY p.id`, userID,
		func(r rowScanner) (ExportPost, error) {
			var e ExportPost
			var c int64
			var ed, del sql.NullInt64
			err := r.Scan(&e.ID, &e.ThreadID, &e.ThreadTitle, &e.Body, &c, &ed, &del, &e.Hidden)
			e.CreatedAt, e.EditedAt, e.DeletedAt = fromMS(c), timePtr(ed), timePtr(del)
			return e, err
		})
	if err != nil {
		return PersonalData{}, err
	}
	d.Votes, err = collect(ctx, tx, `SELECT post_id, value, created_at FROM votes WHERE user_id = ? ORDER BY created_at`, userID,
		func(r rowScanner) (ExportVote, error) {
			var e ExportVote
			var c int64
			err := r.Scan(&e.PostID, &e.Value, &c)
			e.CreatedAt = fromMS(c)
			return e, err
		})
	if err != nil {
		return PersonalData{}, err
	}
	d.Subscriptions, err = collect(ctx, tx, `SELECT COALESCE(f.slug, ''), COALESCE(s.thread_id, 0), s.level, s.created_at
		FROM subscriptions s LEFT JOIN topic_fields f ON f.id = s.topic_field_id WHERE s.user_id = ? ORDER BY s.id`, userID,
		func(r rowScanner) (ExportWatch, error) {
			var e ExportWatch
			var c int64
			err := r.Scan(&e.TopicField, &e.ThreadID, &e.Level, &c)
			e.CreatedAt = fromMS(c)
			return e, err
		})
	if err != nil {
		return PersonalData{}, err
	}
	var m ExportMail
	var consent sql.NullInt64
	switch err := tx.QueryRowContext(ctx, `SELECT delivery, consent_at, consent_text FROM mail_settings WHERE user_id = ?`, userID).
		Scan(&m.Delivery, &consent, &m.ConsentText); err {
	case nil:
		m.ConsentAt = timePtr(consent)
		d.MailSettings = &m
	case sql.ErrNoRows:
	default:
		return PersonalData{}, err
	}
	d.Flags, err = collect(ctx, tx, `SELECT post_id, reason, text, created_at FROM flags WHERE reporter_id = ? ORDER BY id`, userID,
		func(r rowScanner) (ExportFlag, error) {
			var e ExportFlag
			var c int64
			err := r.Scan(&e.PostID, &e.Reason, &e.Text, &c)
			e.CreatedAt = fromMS(c)
			return e, err
		})
	if err != nil {
		return PersonalData{}, err
	}
	d.Sessions, err = collect(ctx, tx, `SELECT created_at, expires_at FROM sessions WHERE user_id = ? ORDER BY created_at`, userID,
		func(r rowScanner) (ExportSession, error) {
			var c, x int64
			err := r.Scan(&c, &x)
			return ExportSession{CreatedAt: fromMS(c), ExpiresAt: fromMS(x)}, err
		})
	if err != nil {
		return PersonalData{}, err
	}
	d.APITokens, err = collect(ctx, tx, `SELECT name, created_at, last_used_at FROM api_tokens WHERE user_id = ? ORDER BY id`, userID,
		func(r rowScanner) (ExportToken, error) {
			var e ExportToken
			var c int64
			var used sql.NullInt64
			err := r.Scan(&e.Name, &c, &used)
			e.CreatedAt, e.LastUsedAt = fromMS(c), timePtr(used)
			return e, err
		})
	if err != nil {
		return PersonalData{}, err
	}
	name := func(r rowScanner) (string, error) {
		var s string
		return s, r.Scan(&s)
	}
	if d.Groups, err = collect(ctx, tx, `SELECT g.name FROM group_members m JOIN groups g ON g.id = m.group_id WHERE m.user_id = ? ORDER BY g.name`, userID, name); err != nil {
		return PersonalData{}, err
	}
	if d.ModeratedFields, err = collect(ctx, tx, `SELECT f.slug FROM moderator_fields m JOIN topic_fields f ON f.id = m.topic_field_id WHERE m.user_id = ? ORDER BY f.slug`, userID, name); err != nil {
		return PersonalData{}, err
	}
	d.FAQEntries, err = collect(ctx, tx, `SELECT id, question, state FROM faq_entries WHERE owner_id = ? ORDER BY id`, userID,
		func(r rowScanner) (ExportFAQ, error) {
			var e ExportFAQ
			return e, r.Scan(&e.ID, &e.Question, &e.State)
		})
	if err != nil {
		return PersonalData{}, err
	}
	d.Reads, err = collect(ctx, tx, `SELECT thread_id, read_at FROM thread_reads WHERE user_id = ? ORDER BY read_at`, userID,
		func(r rowScanner) (ExportThreadRead, error) {
			var e ExportThreadRead
			var at int64
			err := r.Scan(&e.ThreadID, &at)
			e.ReadAt = fromMS(at)
			return e, err
		})
	if err != nil {
		return PersonalData{}, err
	}
	return d, nil
}

// collect runs q in tx and scans every row; never nil, so JSON shows [].
func collect[T any](ctx context.Context, tx *sql.Tx, q string, arg any, scan func(rowScanner) (T, error)) ([]T, error) {
	rows, err := tx.QueryContext(ctx, q, arg)
	out, err := scanAll(rows, err, scan)
	if out == nil && err == nil {
		out = []T{}
	}
	return out, err
}

// DeleteAccount erases a user's personal data (DSGVO Art. 17) in one
// transaction. The row stays, so posts remain attributed, now to
// DeletedUserName; email, name, organisation and password are emptied, the
// user can no longer log in, and sessions, tokens, subscriptions, mail
// settings, read marks, group and moderator memberships and every mail
// to or about the user (outbox, mail log, digest bookkeeping) are removed.
// With removePosts (an admin's decision on request) the posts' texts and
// their earlier versions are erased too and threads the user opened are
// taken down. The search index follows through its queue in the same
// transaction. The audit log keeps the fact of the deletion, not the data.
func (db *DB) DeleteAccount(ctx context.Context, actorID, userID int64, removePosts bool) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		var email string
		if err := tx.QueryRowContext(ctx, `SELECT email FROM users WHERE id = ? AND deleted_at IS NULL`, userID).Scan(&email); err != nil {
			return err
		}
		stmts := []string{
			`DELETE FROM mail_log WHERE user_id = ?1 OR recipient = ?2 COLLATE NOCASE`,
			`DELETE FROM notifications WHERE user_id = ?1`,
			`DELETE FROM outbox WHERE user_id = ?1 OR recipient = ?2 COLLATE NOCASE`,
			`DELETE FROM mail_bounces WHERE email = ?2`,
			`DELETE FROM mail_settings WHERE user_id = ?1`,
			`DELETE FROM subscriptions WHERE user_id = ?1`,
			`DELETE FROM thread_reads WHERE user_id = ?1`,
			`DELETE FROM sessions WHERE user_id = ?1`,
			`DELETE FROM api_tokens WHERE user_id = ?1`,
			`DELETE FROM email_tokens WHERE user_id = ?1`,
			`DELETE FROM feed_tokens WHERE user_id = ?1`,
			`DELETE FROM idempotency_keys WHERE user_id = ?1`,
			`DELETE FROM moderator_fields WHERE user_id = ?1`,
			`DELETE FROM group_members WHERE user_id = ?1`,
			// The placeholder address keeps email UNIQUE and NOT NULL and can
			// never receive mail (.invalid, RFC 2606).
			`UPDATE users SET email = 'geloescht-' || id || '@geloescht.invalid', display_name = '` + DeletedUserName + `',
				org_name = '', org_type = 'sonstige', password_hash = '', role = 'member', status = 'disabled',
				language = '', email_verified_at = NULL, deleted_at = ?3, updated_at = ?3 WHERE id = ?1`,
		}
		// Before the outbox rows they point at; counted on (retention.go).
		if _, err := deleteDigestRuns(ctx, tx, digestRunsOfUser, userID); err != nil {
			return fmt.Errorf("delete account: %w", err)
		}
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q, userID, email, ms(now)); err != nil {
				return fmt.Errorf("delete account: %w", err)
			}
		}
		if removePosts {
			if err := erasePosts(ctx, tx, now, userID); err != nil {
				return err
			}
		}
		return audit(ctx, tx, now, actorID, "account.deleted", "user", userID, fmt.Sprintf("remove_posts=%v", removePosts))
	})
}

// erasePosts empties the texts of every post of the user and of their
// versions, takes down threads the user opened, and recounts the threads.
func erasePosts(ctx context.Context, tx *sql.Tx, now time.Time, userID int64) error {
	stmts := []string{
		`DELETE FROM post_revisions WHERE post_id IN (SELECT id FROM posts WHERE author_id = ?1)`,
		`DELETE FROM official_versions WHERE post_id IN (SELECT id FROM posts WHERE author_id = ?1)`,
		`UPDATE posts SET body = '', body_html = '', official_body = '', deleted_at = COALESCE(deleted_at, ?2) WHERE author_id = ?1`,
		`UPDATE threads SET deleted_at = COALESCE(deleted_at, ?2) WHERE author_id = ?1`,
	}
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q, userID, ms(now)); err != nil {
			return fmt.Errorf("erase posts: %w", err)
		}
	}
	ids, err := collect(ctx, tx, `SELECT DISTINCT thread_id FROM posts WHERE author_id = ?`, userID, func(r rowScanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := recountThread(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}
