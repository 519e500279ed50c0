package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// TopicField is a Themenfeld: the top level of the forum's structure.
type TopicField struct {
	ID          int64
	Slug        string
	Name        string
	Description string
	Position    int
	ArchivedAt  time.Time
	CreatedAt   time.Time
	// GroupID restricts the field to a group's members (a protected
	// area); 0 means open to every reader. GroupName is that group's name.
	GroupID   int64
	GroupName string
	// ThreadCount and LastActivity are filled by TopicFieldStats only.
	ThreadCount  int
	LastActivity time.Time
}

// Archived reports whether the field takes no new threads and is hidden from the home page.
func (f TopicField) Archived() bool { return !f.ArchivedAt.IsZero() }

// Restricted reports whether the field is a protected area.
func (f TopicField) Restricted() bool { return f.GroupID != 0 }

// topicFieldCols reads from topic_fields without an alias.
const topicFieldCols = `id, slug, name, description, position, archived_at, created_at, COALESCE(group_id, 0),
	COALESCE((SELECT g.name FROM groups g WHERE g.id = topic_fields.group_id), '')`

func scanTopicField(row rowScanner) (TopicField, error) {
	var f TopicField
	var archived sql.NullInt64
	var created int64
	if err := row.Scan(&f.ID, &f.Slug, &f.Name, &f.Description, &f.Position, &archived, &created,
		&f.GroupID, &f.GroupName); err != nil {
		return TopicField{}, mapErr(err)
	}
	f.ArchivedAt, f.CreatedAt = fromNullMS(archived), fromMS(created)
	return f, nil
}

// TopicFields lists the topic fields v may see in display order; archived
// ones only when asked.
func (db *DB) TopicFields(ctx context.Context, v Viewer, withArchived bool) ([]TopicField, error) {
	q := "SELECT " + topicFieldCols + " FROM topic_fields WHERE " + v.SeesField("id")
	if !withArchived {
		q += " AND archived_at IS NULL"
	}
	// Every search asks (for all fields), hence the statement cache:
	// preparing the query was 7 % of a search's CPU.
	rows, err := db.readQueryFor(ctx, v, q+" ORDER BY position, id")
	return scanAll(rows, err, scanTopicField)
}

// TopicFieldStats lists the topic fields v may see in display order with
// their listed thread counts and latest activity: the home page, the API
// and (with archived fields) the admin list.
func (db *DB) TopicFieldStats(ctx context.Context, v Viewer, withArchived bool) ([]TopicField, error) {
	where := " WHERE " + v.SeesField("topic_fields.id")
	if !withArchived {
		where += " AND archived_at IS NULL"
	}
	// The home page asks on every view, hence the statement cache.
	// The count comes from topic_field_counts (kept by triggers, migration
	// 0014) and the newest activity from a partial index: both are index
	// lookups, however many threads a field holds.
	rows, err := db.readQueryFor(ctx, v, "SELECT "+topicFieldCols+`,
		COALESCE((SELECT c.threads FROM topic_field_counts c WHERE c.topic_field_id = topic_fields.id), 0),
		(SELECT MAX(t.last_post_at) FROM threads t WHERE t.topic_field_id = topic_fields.id AND `+listed+`)
		FROM topic_fields`+where+` ORDER BY position, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var fs []TopicField
	for rows.Next() {
		var n int
		var last sql.NullInt64
		f, err := scanTopicField(scanWith{rows, []any{&n, &last}})
		if err != nil {
			return nil, err
		}
		f.ThreadCount, f.LastActivity = n, fromNullMS(last)
		fs = append(fs, f)
	}
	return fs, rows.Err()
}

// scanWith scans a row whose columns are a known list followed by extra
// ones, so that list keeps its one scan function (here scanTopicField).
type scanWith struct {
	row   rowScanner
	extra []any
}

func (s scanWith) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra...)...) }

// TopicFieldFor returns the field with the slug, archived or not, if v
// may see it, else ErrNotFound: pages and the API look fields up here.
func (db *DB) TopicFieldFor(ctx context.Context, v Viewer, slug string) (TopicField, error) {
	return scanTopicField(db.read.QueryRowContext(ctx, "SELECT "+topicFieldCols+" FROM topic_fields WHERE slug = ? AND "+v.SeesField("id"), slug))
}

// TopicFieldBySlug returns a field, archived or not, whoever may see it:
// for writes and administration; readers go through TopicFieldFor.
func (db *DB) TopicFieldBySlug(ctx context.Context, slug string) (TopicField, error) {
	return scanTopicField(db.read.QueryRowContext(ctx, "SELECT "+topicFieldCols+" FROM topic_fields WHERE slug = ?", slug))
}

// TopicFieldByID returns a field, archived or not, whoever may see it (see
// TopicFieldBySlug).
func (db *DB) TopicFieldByID(ctx context.Context, id int64) (TopicField, error) {
	return scanTopicField(db.read.QueryRowContext(ctx, "SELECT "+topicFieldCols+" FROM topic_fields WHERE id = ?", id))
}

// SaveTopicField inserts (ID 0) or updates a field and writes the audit row
// in the same transaction. A duplicate slug is ErrConflict.
func (db *DB) SaveTopicField(ctx context.Context, actorID int64, f TopicField) (int64, error) {
	now := db.now()
	id := f.ID
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		action := "topic_field.update"
		if id == 0 {
			action = "topic_field.create"
			if f.Position == 0 {
				if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + 10 FROM topic_fields`).Scan(&f.Position); err != nil {
					return err
				}
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO topic_fields (slug, name, description, position, created_at) VALUES (?,?,?,?,?)`,
				f.Slug, f.Name, f.Description, f.Position, ms(now))
			if err != nil {
				return err
			}
			id, _ = res.LastInsertId()
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE topic_fields SET slug = ?, name = ?, description = ? WHERE id = ?`,
				f.Slug, f.Name, f.Description, id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrNotFound
			}
		}
		return audit(ctx, tx, now, actorID, action, "topic_field", id, f.Slug)
	})
	if err != nil {
		return 0, fmt.Errorf("save topic field %q: %w", f.Slug, err)
	}
	return id, nil
}

// SetTopicFieldArchived archives or restores a field.
func (db *DB) SetTopicFieldArchived(ctx context.Context, actorID, id int64, archived bool) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		action, val := "topic_field.restore", sql.NullInt64{}
		if archived {
			action, val = "topic_field.archive", nullMS(now)
		}
		res, err := tx.ExecContext(ctx, `UPDATE topic_fields SET archived_at = ? WHERE id = ?`, val, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return audit(ctx, tx, now, actorID, action, "topic_field", id, "")
	})
}

// MoveTopicField swaps the field with its neighbour above (delta -1) or
// below (+1) in the display order, archived fields included.
func (db *DB) MoveTopicField(ctx context.Context, actorID, id int64, delta int) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM topic_fields ORDER BY position, id`)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var x int64
			if err := rows.Scan(&x); err != nil {
				_ = rows.Close()
				return err
			}
			ids = append(ids, x)
		}
		_ = rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		i := -1
		for k, x := range ids {
			if x == id {
				i = k
			}
		}
		if i < 0 {
			return ErrNotFound
		}
		j := i + delta
		if j < 0 || j >= len(ids) {
			return nil
		}
		ids[i], ids[j] = ids[j], ids[i]
		// Renumber all: positions stay dense and unique whatever came before.
		for k, x := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE topic_fields SET position = ? WHERE id = ?`, (k+1)*10, x); err != nil {
				return err
			}
		}
		return audit(ctx, tx, now, actorID, "topic_field.reorder", "topic_field", id, fmt.Sprint(delta))
	})
}

// EnsureTopicFields seeds the given fields when the forum has no topic
// fields at all (first start). Afterwards the fields belong to the admins:
// a renamed or archived default is never brought back.
func (db *DB) EnsureTopicFields(ctx context.Context, fs []TopicField) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM topic_fields`).Scan(&n); err != nil || n > 0 {
			return err
		}
		for _, f := range fs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO topic_fields (slug, name, description, position, created_at)
				VALUES (?,?,?,?,?)`, f.Slug, f.Name, f.Description, f.Position, ms(now)); err != nil {
				return err
			}
		}
		return nil
	})
}

// audit appends a row to the audit log inside tx. actorID 0 means the system.
func audit(ctx context.Context, tx *sql.Tx, now time.Time, actorID int64, action, targetType string, targetID int64, detail string) error {
	actor := sql.NullInt64{Int64: actorID, Valid: actorID != 0}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (actor_id, action, target_type, target_id, detail, created_at)
		VALUES (?,?,?,?,?,?)`, actor, action, targetType, targetID, detail, ms(now))
	return err
}

// AuditEntry is one row of the audit log.
type AuditEntry struct {
	ID         int64
	ActorID    int64
	ActorName  string
	Action     string
	TargetType string
	TargetID   int64
	Detail     string
	CreatedAt  time.Time
}

// AuditLog lists the newest audit entries.
func (db *DB) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT a.id, COALESCE(a.actor_id, 0), COALESCE(u.display_name, ''), a.action,
		a.target_type, a.target_id, a.detail, a.created_at FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
		ORDER BY a.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var es []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var created int64
		if err := rows.Scan(&e.ID, &e.ActorID, &e.ActorName, &e.Action, &e.TargetType, &e.TargetID, &e.Detail, &created); err != nil {
			return nil, err
		}
		e.CreatedAt = fromMS(created)
		es = append(es, e)
	}
	return es, rows.Err()
}
