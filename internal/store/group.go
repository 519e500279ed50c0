package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Groups: protected areas. A topic field restricted to a group shows only
// to the group's members and to administrators; Viewer.SeesField applies
// the rule. Each change writes its audit row in its transaction.

// Group is a set of users a topic field can be restricted to.
type Group struct {
	ID          int64
	Slug        string
	Name        string
	CreatedAt   time.Time
	MemberCount int // filled by Groups only
}

const groupCols = `id, slug, name, created_at`

func scanGroup(row rowScanner) (Group, error) {
	var g Group
	var created int64
	if err := row.Scan(&g.ID, &g.Slug, &g.Name, &created); err != nil {
		return Group{}, mapErr(err)
	}
	g.CreatedAt = fromMS(created)
	return g, nil
}

// Groups lists all groups by name with their member counts.
func (db *DB) Groups(ctx context.Context) ([]Group, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+groupCols+`,
		(SELECT COUNT(*) FROM group_members m WHERE m.group_id = groups.id) FROM groups ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var gs []Group
	for rows.Next() {
		var n int
		g, err := scanGroup(scanWith{rows, []any{&n}})
		if err != nil {
			return nil, err
		}
		g.MemberCount = n
		gs = append(gs, g)
	}
	return gs, rows.Err()
}

// GroupBySlug returns the group with the slug.
func (db *DB) GroupBySlug(ctx context.Context, slug string) (Group, error) {
	return scanGroup(db.read.QueryRowContext(ctx, "SELECT "+groupCols+" FROM groups WHERE slug = ?", slug))
}

// GroupByID returns the group with the ID.
func (db *DB) GroupByID(ctx context.Context, id int64) (Group, error) {
	return scanGroup(db.read.QueryRowContext(ctx, "SELECT "+groupCols+" FROM groups WHERE id = ?", id))
}

// GroupMembers lists a group's members by name.
func (db *DB) GroupMembers(ctx context.Context, groupID int64) ([]User, error) {
	return db.queryUsers(ctx, "SELECT "+prefixed("u.", userCols)+` FROM group_members m JOIN users u ON u.id = m.user_id
		WHERE m.group_id = ? ORDER BY u.display_name, u.id`, groupID)
}

// CreateGroup inserts a group; a duplicate slug is ErrConflict.
func (db *DB) CreateGroup(ctx context.Context, actorID int64, slug, name string) (Group, error) {
	now := db.now()
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO groups (slug, name, created_at) VALUES (?,?,?)`, slug, name, ms(now))
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		return audit(ctx, tx, now, actorID, "group.create", "group", id, slug)
	})
	if err != nil {
		return Group{}, fmt.Errorf("create group %q: %w", slug, err)
	}
	return db.GroupByID(ctx, id)
}

// AddGroupMember makes the user a member of the group; added is false when
// they were one already (and nothing is audited).
func (db *DB) AddGroupMember(ctx context.Context, actorID, groupID, userID int64) (added bool, err error) {
	now := db.now()
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO group_members (group_id, user_id) VALUES (?,?)`, groupID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		added = true
		return audit(ctx, tx, now, actorID, "group.member_add", "group", groupID, fmt.Sprintf("#%d", userID))
	})
	if err != nil {
		return false, fmt.Errorf("add user %d to group %d: %w", userID, groupID, err)
	}
	return added, nil
}

// RemoveGroupMember ends the user's membership; ErrNotFound if there was none.
func (db *DB) RemoveGroupMember(ctx context.Context, actorID, groupID, userID int64) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM group_members WHERE group_id = ? AND user_id = ?`, groupID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return audit(ctx, tx, now, actorID, "group.member_remove", "group", groupID, fmt.Sprintf("#%d", userID))
	})
	if err != nil {
		return fmt.Errorf("remove user %d from group %d: %w", userID, groupID, err)
	}
	return nil
}

// SetTopicFieldGroup restricts the field to the group, or opens it to
// every reader again (groupID 0).
func (db *DB) SetTopicFieldGroup(ctx context.Context, actorID, fieldID, groupID int64) error {
	now := db.now()
	group := sql.NullInt64{Int64: groupID, Valid: groupID != 0}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE topic_fields SET group_id = ? WHERE id = ?`, group, fieldID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return audit(ctx, tx, now, actorID, "topic_field.group", "topic_field", fieldID, fmt.Sprint(groupID))
	})
	if err != nil {
		return fmt.Errorf("restrict field %d to group %d: %w", fieldID, groupID, err)
	}
	return nil
}
