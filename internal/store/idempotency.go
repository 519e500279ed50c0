package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// IdempotencyTTL is how long a key is remembered. Clients retry within
// seconds or minutes; a day covers a retry after a long outage.
const IdempotencyTTL = 24 * time.Hour

// Outcomes of ReserveIdempotencyKey.
const (
	KeyReserved   = iota // new key (or a stale one taken over): run the request
	KeyReplay            // done before: answer with the stored response
	KeyInFlight          // the first request with this key is still running
	KeyMismatch          // the key was used for a different request
	KeyLostAnswer        // the change was committed but its answer was lost in a crash
)

// IdempotentResponse is the stored answer to a request.
type IdempotentResponse struct {
	Status      int
	ContentType string
	Location    string
	Body        []byte
}

type idemKey struct{}

type idemRef struct {
	userID int64
	key    string
}

// WithIdempotencyKey marks ctx as serving the request reserved under key:
// every transaction run with this context sets the key's committed flag
// inside itself (see inTx), so the flag and the change commit together.
func WithIdempotencyKey(ctx context.Context, userID int64, key string) context.Context {
	return context.WithValue(ctx, idemKey{}, idemRef{userID, key})
}

// markCommitted sets the committed flag of ctx's idempotency key in tx.
func markCommitted(ctx context.Context, tx *sql.Tx) error {
	ref, ok := ctx.Value(idemKey{}).(idemRef)
	if !ok {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET committed = 1 WHERE user_id = ? AND key = ?`, ref.userID, ref.key)
	return err
}

// ReserveIdempotencyKey claims (userID, key) for a request with the given
// hash of method, path and body. A running reservation older than the
// database's opening belongs to a process that died; if its change never
// committed, the retry may run it again and takes the reservation over.
func (db *DB) ReserveIdempotencyKey(ctx context.Context, userID int64, key, hash string) (int, IdempotentResponse, error) {
	var outcome int
	var resp IdempotentResponse
	// Lazy sync: the handler's own commit (FULL) makes the reservation
	// durable before the change it guards can be acknowledged.
	err := db.inTxLazySync(ctx, func(tx *sql.Tx) error {
		now := db.now()
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, ms(now.Add(-IdempotencyTTL))); err != nil {
			return err
		}
		var (
			gotHash, state string
			committed      bool
			created        int64
		)
		err := tx.QueryRowContext(ctx, `SELECT request_hash, state, committed, status, content_type, location, body, created_at
			FROM idempotency_keys WHERE user_id = ? AND key = ?`, userID, key).
			Scan(&gotHash, &state, &committed, &resp.Status, &resp.ContentType, &resp.Location, &resp.Body, &created)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			outcome = KeyReserved
			_, err = tx.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) VALUES (?,?,?,?)`,
				userID, key, hash, ms(now))
			return err
		case err != nil:
			return err
		case gotHash != hash:
			outcome = KeyMismatch
		case state == "done":
			outcome = KeyReplay
		case committed:
			outcome = KeyLostAnswer
		case fromMS(created).Before(db.opened):
			outcome = KeyReserved
			_, err = tx.ExecContext(ctx, `UPDATE idempotency_keys SET created_at = ? WHERE user_id = ? AND key = ?`, ms(now), userID, key)
			return err
		default:
			outcome = KeyInFlight
		}
		return nil
	})
	return outcome, resp, err
}

// FinishIdempotencyKey stores the answer of the reserved request.
//
// Lazy sync: if a crash loses the stored answer, the committed flag (set in
// the change's own FULL commit) survives and a retry gets KeyLostAnswer.
func (db *DB) FinishIdempotencyKey(ctx context.Context, userID int64, key string, r IdempotentResponse) error {
	return db.inTxLazySync(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET state = 'done', status = ?, content_type = ?, location = ?, body = ?
			WHERE user_id = ? AND key = ?`, r.Status, r.ContentType, r.Location, r.Body, userID, key)
		return err
	})
}

// ReleaseIdempotencyKey forgets a reservation whose request changed
// nothing and may be retried (a server error or a transient refusal),
// unless the change committed after all.
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, userID int64, key string) error {
	return db.inTxLazySync(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE user_id = ? AND key = ? AND committed = 0`, userID, key)
		return err
	})
}
