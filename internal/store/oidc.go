package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// OIDCLogin is a single sign-on login in flight: created when the browser
// is sent to the identity provider, used up when it returns.
type OIDCLogin struct {
	State    string // random; also in the browser's cookie
	Nonce    string // must come back inside the ID token
	Verifier string // PKCE code verifier
	Next     string // local path to continue at after login
	Created  time.Time
}

// CreateOIDCLogin stores a login in flight. Rows older than ttl are swept
// here, at the rate of logins, rather than by a job.
func (db *DB) CreateOIDCLogin(ctx context.Context, l OIDCLogin, ttl time.Duration) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM oidc_logins WHERE created_at <= ?`, ms(now.Add(-ttl))); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO oidc_logins (state, nonce, verifier, next, created_at) VALUES (?,?,?,?,?)`,
			l.State, l.Nonce, l.Verifier, l.Next, ms(now))
		return err
	})
	if err != nil {
		return fmt.Errorf("create oidc login: %w", err)
	}
	return nil
}

// TakeOIDCLogin deletes the login with the given state and returns it, so
// a state works once. An unknown state, or one older than ttl, is ErrNotFound.
func (db *DB) TakeOIDCLogin(ctx context.Context, state string, ttl time.Duration) (OIDCLogin, error) {
	now := db.now()
	var l OIDCLogin
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var created int64
		err := tx.QueryRowContext(ctx, `DELETE FROM oidc_logins WHERE state = ? RETURNING state, nonce, verifier, next, created_at`,
			state).Scan(&l.State, &l.Nonce, &l.Verifier, &l.Next, &created)
		if err != nil {
			return err
		}
		l.Created = fromMS(created)
		if created <= ms(now.Add(-ttl)) {
			// Deleting it commits: an expired state stays unusable.
			l = OIDCLogin{}
		}
		return nil
	})
	if err != nil {
		return OIDCLogin{}, err
	}
	if l.State == "" {
		return OIDCLogin{}, ErrNotFound
	}
	return l, nil
}

// OIDCIdentityUser returns the user linked to the provider account
// (issuer, subject), with its moderated fields, or ErrNotFound.
func (db *DB) OIDCIdentityUser(ctx context.Context, issuer, subject string) (User, error) {
	var id int64
	err := db.read.QueryRowContext(ctx, `SELECT user_id FROM oidc_identities WHERE issuer = ? AND subject = ?`,
		issuer, subject).Scan(&id)
	if err != nil {
		return User{}, mapErr(err)
	}
	return db.UserByID(ctx, id)
}

// OIDCRoles is the role a provider's group claim maps to: Role and the
// topic fields a moderator moderates. A nil *OIDCRoles leaves both as they are.
type OIDCRoles struct {
	Role     string
	FieldIDs []int64
}

// OIDCProfile is what a login through the provider writes to the account.
// Empty DisplayName or OrgName keep the stored value.
type OIDCProfile struct {
	DisplayName string
	OrgName     string
	Roles       *OIDCRoles
}

// CreateOIDCUser creates an account for a provider account seen for the
// first time, links it, applies the mapped roles and audits the creation,
// in one transaction. nu.PasswordHash is normally empty: such an account
// has no local password. A taken email is ErrConflict.
func (db *DB) CreateOIDCUser(ctx context.Context, issuer, subject string, nu NewUser, roles *OIDCRoles) (User, error) {
	now := db.now()
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO users (email, display_name, password_hash, role, org_name, org_type,
			status, language, email_verified_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
			nu.Email, nu.DisplayName, nu.PasswordHash, RoleMember, nu.OrgName, nu.OrgType, nu.Status, nu.Language,
			nullMS(now), ms(now), ms(now))
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		if err := insertOIDCIdentity(ctx, tx, now, issuer, subject, id); err != nil {
			return err
		}
		if err := audit(ctx, tx, now, id, "user.oidc_create", "user", id, issuer); err != nil {
			return err
		}
		return applyOIDCRoles(ctx, tx, now, id, roles)
	})
	if err != nil {
		return User{}, fmt.Errorf("create oidc user: %w", err)
	}
	return db.UserByID(ctx, id)
}

func insertOIDCIdentity(ctx context.Context, tx *sql.Tx, now time.Time, issuer, subject string, userID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO oidc_identities (issuer, subject, user_id, created_at) VALUES (?,?,?,?)`,
		issuer, subject, userID, ms(now))
	return err
}

// RecordOIDCLogin writes what the provider says about a linked account:
// name and organisation, and the mapped roles, auditing the login and any
// change of role or moderated fields, in one transaction. A role change
// ends the user's sessions (trigger of migration 0011), so the caller
// starts the new session afterwards.
func (db *DB) RecordOIDCLogin(ctx context.Context, userID int64, issuer string, p OIDCProfile) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := updateOIDCProfile(ctx, tx, now, userID, p); err != nil {
			return err
		}
		if err := audit(ctx, tx, now, userID, "user.oidc_login", "user", userID, issuer); err != nil {
			return err
		}
		return applyOIDCRoles(ctx, tx, now, userID, p.Roles)
	})
	if err != nil {
		return fmt.Errorf("record oidc login of user %d: %w", userID, err)
	}
	return nil
}

func updateOIDCProfile(ctx context.Context, tx *sql.Tx, now time.Time, userID int64, p OIDCProfile) error {
	_, err := tx.ExecContext(ctx, `UPDATE users SET display_name = COALESCE(NULLIF(?, ''), display_name),
		org_name = COALESCE(NULLIF(?, ''), org_name), updated_at = ? WHERE id = ?`, p.DisplayName, p.OrgName, ms(now), userID)
	return err
}

// applyOIDCRoles sets the role and the moderated fields from r and audits
// a change as user.role (actor: the system, detail: old -> new). nil r
// changes nothing.
func applyOIDCRoles(ctx context.Context, tx *sql.Tx, now time.Time, userID int64, r *OIDCRoles) error {
	if r == nil {
		return nil
	}
	var old string
	if err := tx.QueryRowContext(ctx, `SELECT role FROM users WHERE id = ?`, userID).Scan(&old); err != nil {
		return err
	}
	oldFields, err := collect(ctx, tx, `SELECT topic_field_id FROM moderator_fields WHERE user_id = ? ORDER BY topic_field_id`, userID,
		func(r rowScanner) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		})
	if err != nil {
		return err
	}
	fields := slices.Clone(r.FieldIDs)
	slices.Sort(fields)
	fields = slices.Compact(fields)
	if old == r.Role && slices.Equal(oldFields, fields) {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ?, updated_at = ? WHERE id = ?`, r.Role, ms(now), userID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM moderator_fields WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, f := range fields {
		if _, err := tx.ExecContext(ctx, `INSERT INTO moderator_fields (user_id, topic_field_id) VALUES (?, ?)`, userID, f); err != nil {
			return err
		}
	}
	detail := fmt.Sprintf("%s %s -> %s %s (oidc)", old, idList(oldFields), r.Role, idList(fields))
	return audit(ctx, tx, now, 0, "user.role", "user", userID, detail)
}

// idList writes topic field IDs as "[1,2]" for an audit detail.
func idList(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// OIDCPendingLink is a provider account waiting to be linked to the local
// account with the same verified email, until its owner confirms with the
// local password.
type OIDCPendingLink struct {
	TokenHash string
	Issuer    string
	Subject   string
	UserID    int64
	Claims    string // JSON, owned by the auth package
	Created   time.Time
}

// CreateOIDCPendingLink stores a pending link; earlier ones for the same
// account and those older than ttl are dropped.
func (db *DB) CreateOIDCPendingLink(ctx context.Context, l OIDCPendingLink, ttl time.Duration) error {
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM oidc_pending_links WHERE created_at <= ? OR user_id = ?`,
			ms(now.Add(-ttl)), l.UserID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO oidc_pending_links (token_hash, issuer, subject, user_id, claims, created_at)
			VALUES (?,?,?,?,?,?)`, l.TokenHash, l.Issuer, l.Subject, l.UserID, l.Claims, ms(now))
		return err
	})
	if err != nil {
		return fmt.Errorf("create oidc pending link: %w", err)
	}
	return nil
}

// PendingOIDCLink returns the pending link with the token hash if it is
// younger than ttl, else ErrNotFound.
func (db *DB) PendingOIDCLink(ctx context.Context, hash string, ttl time.Duration) (OIDCPendingLink, error) {
	var l OIDCPendingLink
	var created int64
	err := db.read.QueryRowContext(ctx, `SELECT token_hash, issuer, subject, user_id, claims, created_at
		FROM oidc_pending_links WHERE token_hash = ? AND created_at > ?`, hash, ms(db.now().Add(-ttl))).
		Scan(&l.TokenHash, &l.Issuer, &l.Subject, &l.UserID, &l.Claims, &created)
	if err != nil {
		return OIDCPendingLink{}, mapErr(err)
	}
	l.Created = fromMS(created)
	return l, nil
}

// LinkOIDCIdentity turns a pending link (younger than ttl) into a linked
// identity, writes the profile and roles, and audits the link, in one
// transaction. A used or expired link is ErrNotFound; a provider account
// linked meanwhile is ErrConflict.
func (db *DB) LinkOIDCIdentity(ctx context.Context, hash string, ttl time.Duration, p OIDCProfile) (OIDCPendingLink, error) {
	now := db.now()
	var l OIDCPendingLink
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var created int64
		err := tx.QueryRowContext(ctx, `DELETE FROM oidc_pending_links WHERE token_hash = ?
			RETURNING token_hash, issuer, subject, user_id, claims, created_at`, hash).
			Scan(&l.TokenHash, &l.Issuer, &l.Subject, &l.UserID, &l.Claims, &created)
		if err != nil {
			return err
		}
		if created <= ms(now.Add(-ttl)) {
			return sql.ErrNoRows
		}
		l.Created = fromMS(created)
		if err := insertOIDCIdentity(ctx, tx, now, l.Issuer, l.Subject, l.UserID); err != nil {
			return err
		}
		if err := updateOIDCProfile(ctx, tx, now, l.UserID, p); err != nil {
			return err
		}
		if err := audit(ctx, tx, now, l.UserID, "user.oidc_link", "user", l.UserID, l.Issuer); err != nil {
			return err
		}
		return applyOIDCRoles(ctx, tx, now, l.UserID, p.Roles)
	})
	if err != nil {
		return OIDCPendingLink{}, fmt.Errorf("link oidc identity: %w", err)
	}
	return l, nil
}
