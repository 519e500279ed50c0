package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Roles, from least to most privileged. A moderator's rights are scoped to
// the topic fields in moderator_fields.
const (
	RoleMember    = "member"
	RoleModerator = "moderator"
	RolePM        = "pm"
	RoleAdmin     = "admin"
)

// Roles lists the valid roles.
var Roles = []string{RoleMember, RoleModerator, RolePM, RoleAdmin}

// OrgTypes lists the valid organisation types.
var OrgTypes = []string{"gemeinde", "stadt", "landkreis", "land", "bund", "it-dienstleister", "verband", "sonstige"}

// Account states.
const (
	StatusPending  = "pending"  // email not yet verified
	StatusApproval = "approval" // verified, waiting for an admin
	StatusActive   = "active"
	StatusDisabled = "disabled"
)

// Statuses lists the account states in the order an account passes them.
var Statuses = []string{StatusPending, StatusApproval, StatusActive, StatusDisabled}

// User is an account.
type User struct {
	ID              int64
	Email           string
	DisplayName     string
	PasswordHash    string
	Role            string
	OrgName         string
	OrgType         string
	Status          string
	Language        string
	EmailVerifiedAt time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
	// ModFields lists the topic field IDs a moderator moderates; loaded by
	// UserByID, UserBySession and UserByAPIToken only. A restricted field
	// counts only while the moderator is a member of its group.
	ModFields []int64
	// Groups lists the IDs of the groups u belongs to (protected areas);
	// loaded with ModFields.
	Groups []int64
	// SuspendedUntil ends a write suspension (see Suspended); zero when
	// none was imposed, Indefinitely until it is lifted.
	SuspendedUntil  time.Time
	SuspendedReason string
	// MailDisabled means repeated permanent delivery failures switched
	// off mail to Email (see mail_bounces); loaded with ModFields, for
	// the layout's banner.
	MailDisabled bool
}

// IsAdmin reports whether u is an administrator.
func (u *User) IsAdmin() bool { return u != nil && u.Role == RoleAdmin }

const userCols = `id, email, display_name, password_hash, role, org_name, org_type, status,
	language, email_verified_at, created_at, updated_at, suspended_until, suspended_reason`

func scanUser(row rowScanner) (User, error) {
	var u User
	var verified, suspended sql.NullInt64
	var created, updated int64
	err := row.Scan(&u.ID, &u.Email, &u.DisplayName, &u.PasswordHash, &u.Role, &u.OrgName, &u.OrgType,
		&u.Status, &u.Language, &verified, &created, &updated, &suspended, &u.SuspendedReason)
	if err != nil {
		return User{}, mapErr(err)
	}
	u.EmailVerifiedAt, u.SuspendedUntil = fromNullMS(verified), fromNullMS(suspended)
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	return u, nil
}

// NewUser is the input of CreateUser.
type NewUser struct {
	Email        string
	DisplayName  string
	PasswordHash string
	Role         string
	OrgName      string
	OrgType      string
	Status       string
	Language     string
	Verified     bool
}

// EmailToken is a one-time token sent by mail, stored hashed.
type EmailToken struct {
	Hash     string
	Purpose  string // verify, reset, email_change
	NewEmail string
	Expires  time.Time
}

// CreateUser inserts a user, and in the same transaction the optional
// one-time token and the mail that carries it. A duplicate email is ErrConflict.
func (db *DB) CreateUser(ctx context.Context, nu NewUser, tok *EmailToken, m *OutboxMail) (User, error) {
	now := db.now()
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		verified := sql.NullInt64{}
		if nu.Verified {
			verified = nullMS(now)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO users (email, display_name, password_hash, role, org_name, org_type,
			status, language, email_verified_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
			nu.Email, nu.DisplayName, nu.PasswordHash, nu.Role, nu.OrgName, nu.OrgType, nu.Status, nu.Language,
			verified, ms(now), ms(now))
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		if tok != nil {
			if err := insertEmailToken(ctx, tx, id, now, *tok); err != nil {
				return err
			}
		}
		if m != nil {
			_, err = enqueueMail(ctx, tx, now, *m)
		}
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("create user: %w", err)
	}
	return db.UserByID(ctx, id)
}

func insertEmailToken(ctx context.Context, tx *sql.Tx, userID int64, now time.Time, t EmailToken) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO email_tokens (token_hash, user_id, purpose, new_email, created_at, expires_at)
		VALUES (?,?,?,?,?,?)`, t.Hash, userID, t.Purpose, t.NewEmail, ms(now), ms(t.Expires))
	return err
}

// IssueEmailToken stores a new one-time token for u together with the mail
// that carries it. Older unused tokens of the same purpose are invalidated,
// so only the newest link works.
func (db *DB) IssueEmailToken(ctx context.Context, userID int64, tok EmailToken, m OutboxMail) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE email_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL`,
			ms(now), userID, tok.Purpose); err != nil {
			return err
		}
		if err := insertEmailToken(ctx, tx, userID, now, tok); err != nil {
			return err
		}
		_, err := enqueueMail(ctx, tx, now, m)
		return err
	})
}

// UseEmailToken consumes a valid, unexpired token of the given purpose and
// returns it with its user's ID. A used, expired or unknown token is ErrNotFound.
// apply runs in the same transaction, so consuming and acting commit together.
func (db *DB) UseEmailToken(ctx context.Context, hash, purpose string, apply func(tx *Tx, userID int64, tok EmailToken) error) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var userID, expires int64
		var newEmail string
		err := tx.QueryRowContext(ctx, `SELECT user_id, new_email, expires_at FROM email_tokens
			WHERE token_hash = ? AND purpose = ? AND used_at IS NULL`, hash, purpose).Scan(&userID, &newEmail, &expires)
		if err != nil {
			return err
		}
		if expires <= ms(now) {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `UPDATE email_tokens SET used_at = ? WHERE token_hash = ?`, ms(now), hash); err != nil {
			return err
		}
		return apply(&Tx{tx: tx, now: now}, userID, EmailToken{Hash: hash, Purpose: purpose, NewEmail: newEmail, Expires: fromMS(expires)})
	})
}

// Tx is a write transaction handed to callbacks such as UseEmailToken's, with
// the few writes that may be combined with it.
type Tx struct {
	tx  *sql.Tx
	now time.Time
}

// SetUserStatus changes a user's account state; verifying marks the email verified.
func (t *Tx) SetUserStatus(ctx context.Context, userID int64, status string, verified bool) error {
	q := `UPDATE users SET status = ?, updated_at = ? WHERE id = ?`
	args := []any{status, ms(t.now), userID}
	if verified {
		q = `UPDATE users SET status = ?, updated_at = ?, email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?`
		args = []any{status, ms(t.now), ms(t.now), userID}
	}
	_, err := t.tx.ExecContext(ctx, q, args...)
	return err
}

// SetPassword replaces the password hash and ends all sessions of the user.
func (t *Tx) SetPassword(ctx context.Context, userID int64, hash string) error {
	if _, err := t.tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, ms(t.now), userID); err != nil {
		return err
	}
	_, err := t.tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	return err
}

// SetEmail changes the address (verified, since it came through a token).
func (t *Tx) SetEmail(ctx context.Context, userID int64, email string) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE users SET email = ?, email_verified_at = ?, updated_at = ? WHERE id = ?`,
		email, ms(t.now), ms(t.now), userID)
	return err
}

// EnqueueMail adds a mail to the outbox in this transaction.
func (t *Tx) EnqueueMail(ctx context.Context, m OutboxMail) error {
	_, err := enqueueMail(ctx, t.tx, t.now, m)
	return err
}

// UserByID returns the user with its moderated fields.
func (db *DB) UserByID(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, "SELECT "+userCols+" FROM users WHERE id = ?", id))
	if err != nil {
		return User{}, err
	}
	return u, db.loadModFields(ctx, &u)
}

// UserByEmail looks a user up by email, case-insensitively.
func (db *DB) UserByEmail(ctx context.Context, email string) (User, error) {
	return scanUser(db.read.QueryRowContext(ctx, "SELECT "+userCols+" FROM users WHERE email = ?", email))
}

// loadModFields loads u's groups and, for a moderator, the fields u
// moderates and may see.
func (db *DB) loadModFields(ctx context.Context, u *User) error {
	groups, err := db.queryIDs(ctx, `SELECT group_id FROM group_members WHERE user_id = ? ORDER BY group_id`, u.ID)
	if err != nil {
		return err
	}
	u.Groups = groups
	if err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM mail_bounces WHERE email = ? AND disabled_at IS NOT NULL)`,
		u.Email).Scan(&u.MailDisabled); err != nil {
		return err
	}
	if u.Role != RoleModerator {
		return nil
	}
	u.ModFields, err = db.queryIDs(ctx, `SELECT m.topic_field_id FROM moderator_fields m JOIN topic_fields f ON f.id = m.topic_field_id
		WHERE m.user_id = ?1 AND (f.group_id IS NULL OR f.group_id IN (SELECT group_id FROM group_members WHERE user_id = ?1))
		ORDER BY m.topic_field_id`, u.ID)
	return err
}

// queryIDs runs a query of one integer column.
func (db *DB) queryIDs(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := db.read.QueryContext(ctx, q, args...)
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

// SetModeratorFields replaces the topic fields a moderator moderates.
func (db *DB) SetModeratorFields(ctx context.Context, userID int64, fieldIDs []int64) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM moderator_fields WHERE user_id = ?`, userID); err != nil {
			return err
		}
		for _, f := range fieldIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO moderator_fields (user_id, topic_field_id) VALUES (?, ?)`, userID, f); err != nil {
				return err
			}
		}
		return nil
	})
}

// UpdateProfile changes display name, organisation and language.
func (db *DB) UpdateProfile(ctx context.Context, userID int64, name, orgName, orgType, lang string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET display_name = ?, org_name = ?, org_type = ?, language = ?, updated_at = ? WHERE id = ?`,
			name, orgName, orgType, lang, ms(db.now()), userID)
		return err
	})
}

// ChangePassword sets a new hash and ends every session but keep (the
// caller's current one; empty ends all). notices (the "your password was
// changed" mail) are queued in the same transaction.
func (db *DB) ChangePassword(ctx context.Context, userID int64, hash, keepSession string, notices ...OutboxMail) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, ms(now), userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, userID, keepSession); err != nil {
			return err
		}
		for _, m := range notices {
			if _, err := enqueueMail(ctx, tx, now, m); err != nil {
				return err
			}
		}
		return nil
	})
}

// SetUserStatus changes an account state (admin approval, disabling).
func (db *DB) SetUserStatus(ctx context.Context, userID int64, status string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		t := &Tx{tx: tx, now: db.now()}
		if err := t.SetUserStatus(ctx, userID, status, false); err != nil {
			return err
		}
		if status == StatusDisabled {
			_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
			return err
		}
		return nil
	})
}

// UsersByStatus lists users in a state, oldest first (e.g. the approval queue).
func (db *DB) UsersByStatus(ctx context.Context, status string, limit int) ([]User, error) {
	return db.queryUsers(ctx, "SELECT "+userCols+" FROM users WHERE status = ? ORDER BY id LIMIT ?", status, limit)
}

// Admins lists active administrators (recipients of approval requests).
func (db *DB) Admins(ctx context.Context) ([]User, error) {
	return db.queryUsers(ctx, "SELECT "+userCols+" FROM users WHERE role = 'admin' AND status = 'active' ORDER BY id")
}

// queryUsers runs a query selecting userCols and scans every row.
func (db *DB) queryUsers(ctx context.Context, q string, args ...any) ([]User, error) {
	rows, err := db.read.QueryContext(ctx, q, args...)
	return scanAll(rows, err, scanUser)
}

// CreateSession stores a new session token hash for the user.
func (db *DB) CreateSession(ctx context.Context, userID int64, hash string, expires time.Time) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		// Expired sessions are swept here, at the rate of logins, rather than by a job.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, ms(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?,?,?,?)`,
			hash, userID, ms(now), ms(expires))
		return err
	})
}

// UserBySession returns the active user owning an unexpired session.
func (db *DB) UserBySession(ctx context.Context, hash string) (User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, "SELECT "+prefixed("u.", userCols)+` FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires_at > ? AND u.status = 'active'`, hash, ms(db.now())))
	if err != nil {
		return User{}, err
	}
	return u, db.loadModFields(ctx, &u)
}

// DeleteSession ends one session.
func (db *DB) DeleteSession(ctx context.Context, hash string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hash)
		return err
	})
}

// CreateAPIToken stores a personal API token hash.
func (db *DB) CreateAPIToken(ctx context.Context, userID int64, name, hash string) (int64, error) {
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?,?,?,?)`,
			userID, name, hash, ms(db.now()))
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

// UserByAPIToken returns the active user owning the token.
func (db *DB) UserByAPIToken(ctx context.Context, hash string) (User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, "SELECT "+prefixed("u.", userCols)+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ? AND u.status = 'active'`, hash))
	if err != nil {
		return User{}, err
	}
	return u, db.loadModFields(ctx, &u)
}

// prefixed qualifies each column of a column list with a table alias.
func prefixed(alias, cols string) string {
	out := []byte{}
	start := true
	for i := 0; i < len(cols); i++ {
		c := cols[i]
		if start && c != ' ' && c != '\n' && c != '\t' {
			out = append(out, alias...)
			start = false
		}
		out = append(out, c)
		if c == ',' {
			start = true
		}
	}
	return string(out)
}

// ApproveUser activates an account waiting for approval, audits it and
// enqueues the notice to its owner, in one transaction.
func (db *DB) ApproveUser(ctx context.Context, adminID, userID int64, m OutboxMail) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET status = 'active', updated_at = ? WHERE id = ? AND status = 'approval'`, ms(now), userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if err := audit(ctx, tx, now, adminID, "user.approve", "user", userID, ""); err != nil {
			return err
		}
		_, err = enqueueMail(ctx, tx, now, m)
		return err
	})
}
