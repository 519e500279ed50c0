package store

import (
	"context"
	"strings"
)

// Reads for the admin pages. The admin writes (topic fields, approval) sit
// beside their tables in topicfield.go and user.go, each with its audit row.

// UserFilter narrows Users; an empty field matches every value.
type UserFilter struct {
	Role   string
	Status string
}

// Users lists accounts matching f, newest first, with the total number of matches.
func (db *DB) Users(ctx context.Context, f UserFilter, limit, offset int) ([]User, int, error) {
	var conds []string
	var args []any
	if f.Role != "" {
		conds, args = append(conds, "role = ?"), append(args, f.Role)
	}
	if f.Status != "" {
		conds, args = append(conds, "status = ?"), append(args, f.Status)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM users"+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	us, err := db.queryUsers(ctx, "SELECT "+userCols+" FROM users"+where+" ORDER BY id DESC LIMIT ? OFFSET ?",
		append(args, limit, offset)...)
	return us, total, err
}
