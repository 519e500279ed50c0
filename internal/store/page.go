package store

import (
	"context"
	"database/sql"
	"time"
)

// SitePage is an operator's wording of a fixed page in one language.
type SitePage struct {
	Slug, Lang       string
	Title, Body      string
	BodyHTML         string
	UpdatedBy        int64
	UpdatedAt        time.Time
	UpdatedByName    string
	FromInstallation bool // false: no row, the built-in text applies
}

// SitePageFor returns the saved page or ErrNotFound (then the built-in
// text applies).
func (db *DB) SitePageFor(ctx context.Context, slug, lang string) (SitePage, error) {
	p := SitePage{Slug: slug, Lang: lang, FromInstallation: true}
	var at int64
	err := db.readQueryRow(ctx, `SELECT s.title, s.body, s.body_html, COALESCE(s.updated_by, 0), s.updated_at, COALESCE(u.display_name, '')
		FROM site_pages s LEFT JOIN users u ON u.id = s.updated_by WHERE s.slug = ? AND s.lang = ?`, slug, lang).
		Scan(&p.Title, &p.Body, &p.BodyHTML, &p.UpdatedBy, &at, &p.UpdatedByName)
	if err != nil {
		return SitePage{}, mapErr(err)
	}
	p.UpdatedAt = fromMS(at)
	return p, nil
}

// SaveSitePage stores the operator's wording, with an audit entry.
func (db *DB) SaveSitePage(ctx context.Context, actorID int64, p SitePage) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		_, err := tx.ExecContext(ctx, `INSERT INTO site_pages (slug, lang, title, body, body_html, updated_by, updated_at) VALUES (?,?,?,?,?,?,?)
			ON CONFLICT (slug, lang) DO UPDATE SET title = excluded.title, body = excluded.body, body_html = excluded.body_html,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			p.Slug, p.Lang, p.Title, p.Body, p.BodyHTML, actorID, ms(now))
		if err != nil {
			return err
		}
		return audit(ctx, tx, now, actorID, "page.saved", "page", 0, p.Slug+"/"+p.Lang)
	})
}

// ResetSitePage deletes the operator's wording: the built-in text applies again.
func (db *DB) ResetSitePage(ctx context.Context, actorID int64, slug, lang string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM site_pages WHERE slug = ? AND lang = ?`, slug, lang); err != nil {
			return err
		}
		return audit(ctx, tx, db.now(), actorID, "page.reset", "page", 0, slug+"/"+lang)
	})
}

// Feedback is a report of a barrier sent from the accessibility statement.
type Feedback struct {
	ID        int64
	PageURL   string
	Name      string
	Email     string
	Message   string
	UserID    int64
	CreatedAt time.Time
	HandledAt time.Time
}

// AddFeedback stores a report and queues mails to the admins in the same
// transaction, so a report is never stored without anyone being told.
func (db *DB) AddFeedback(ctx context.Context, f Feedback, notices []OutboxMail) (int64, error) {
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		res, err := tx.ExecContext(ctx, `INSERT INTO accessibility_feedback (page_url, name, email, message, user_id, created_at) VALUES (?,?,?,?,?,?)`,
			f.PageURL, f.Name, f.Email, f.Message, sql.NullInt64{Int64: f.UserID, Valid: f.UserID != 0}, ms(now))
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		for _, m := range notices {
			if _, err := enqueueMail(ctx, tx, now, m); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

// FeedbackList returns the newest reports, open ones first.
func (db *DB) FeedbackList(ctx context.Context, limit int) ([]Feedback, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, page_url, name, email, message, COALESCE(user_id, 0), created_at, handled_at
		FROM accessibility_feedback ORDER BY handled_at IS NOT NULL, id DESC LIMIT ?`, limit)
	return scanAll(rows, err, func(r rowScanner) (Feedback, error) {
		var f Feedback
		var created int64
		var handled sql.NullInt64
		err := r.Scan(&f.ID, &f.PageURL, &f.Name, &f.Email, &f.Message, &f.UserID, &created, &handled)
		f.CreatedAt, f.HandledAt = fromMS(created), fromNullMS(handled)
		return f, err
	})
}

// MarkFeedbackHandled records that an admin dealt with the report.
func (db *DB) MarkFeedbackHandled(ctx context.Context, actorID, id int64) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		res, err := tx.ExecContext(ctx, `UPDATE accessibility_feedback SET handled_at = ?, handled_by = ? WHERE id = ? AND handled_at IS NULL`,
			ms(now), actorID, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return audit(ctx, tx, now, actorID, "feedback.handled", "feedback", id, "")
	})
}
