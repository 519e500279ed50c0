package store

import (
	"context"
	"database/sql"
	"time"
)

// touchEvery is how stale last_seen_at may get before a request refreshes
// it; the idle timeout is hours, so a minute of slack costs nothing.
const touchEvery = time.Minute

// UserBySessionIdle is UserBySession with an idle timeout: a session not
// used for longer than idle ends (and is deleted) even before its absolute
// expiry. idle <= 0 disables the check.
func (db *DB) UserBySessionIdle(ctx context.Context, hash string, idle time.Duration) (User, error) {
	if idle <= 0 {
		return db.UserBySession(ctx, hash)
	}
	now := db.now()
	var seen int64
	err := db.readQueryRow(ctx, `SELECT MAX(last_seen_at, created_at) FROM sessions WHERE token_hash = ? AND expires_at > ?`,
		hash, ms(now)).Scan(&seen)
	if err != nil {
		return User{}, mapErr(err)
	}
	last := fromMS(seen)
	if now.Sub(last) > idle {
		if err := db.DeleteSession(ctx, hash); err != nil {
			return User{}, err
		}
		return User{}, ErrNotFound
	}
	if now.Sub(last) > touchEvery {
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`, ms(now), hash)
			return err
		})
		if err != nil {
			return User{}, err
		}
	}
	return db.UserBySession(ctx, hash)
}
