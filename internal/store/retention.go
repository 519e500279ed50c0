package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Mail records are personal data (addresses, the text of every mail, who
// was told about what) that the forum needs only for a while: pending mail
// until it is delivered, the log for an admin looking into a complaint,
// digest runs to send one digest per period. Without pruning they grow by
// a mail body per subscriber and day, and are kept for no purpose
// (DSGVO Art. 5(1)(e)).

// pruneBatch bounds the rows one transaction deletes, so pruning never
// holds the single writer for long.
const pruneBatch = 1000

// PruneStats counts the rows one pruning pass deleted.
type PruneStats struct {
	Outbox, MailLog, Notifications, DigestRuns int64
}

// PruneMail deletes the mail records older than before: delivered or
// failed outbox mails, mail log entries, notifications and digest runs.
// Mail still waiting for delivery is kept whatever its age.
//
// Outbox rows go by the time of their delivery one day earlier than the
// rest, so the log entries and digest runs that point at them (written at
// the same time or later) are always gone first and the foreign keys hold.
func (db *DB) PruneMail(ctx context.Context, before time.Time) (PruneStats, error) {
	var st PruneStats
	cut := ms(before)
	exec := func(q string, args ...any) func(*sql.Tx) (int64, error) {
		return func(tx *sql.Tx) (int64, error) {
			res, err := tx.ExecContext(ctx, q, args...)
			if err != nil {
				return 0, err
			}
			return res.RowsAffected()
		}
	}
	for _, s := range []struct {
		n    *int64
		name string
		del  func(*sql.Tx) (int64, error) // deletes at most pruneBatch rows
	}{
		{&st.MailLog, "mail log", exec(`DELETE FROM mail_log WHERE id IN
			(SELECT id FROM mail_log WHERE created_at < ? ORDER BY created_at LIMIT ?)`, cut, pruneBatch)},
		// Notifications are not indexed by time (every post writes one per
		// watcher, and an index would cost each of them), but their IDs
		// grow with it: the oldest rows come first, so a pass stops at the
		// first batch that holds a younger one.
		{&st.Notifications, "notifications", exec(`DELETE FROM notifications WHERE id IN
			(SELECT id FROM (SELECT id, created_at FROM notifications ORDER BY id LIMIT ?) WHERE created_at < ?)`,
			pruneBatch, cut)},
		{&st.DigestRuns, "digest runs", func(tx *sql.Tx) (int64, error) {
			return deleteDigestRuns(ctx, tx, digestRunsBatch, cut, pruneBatch)
		}},
	} {
		for {
			var n int64
			err := db.inTx(ctx, func(tx *sql.Tx) (err error) {
				n, err = s.del(tx)
				return err
			})
			if err != nil {
				return st, fmt.Errorf("prune %s: %w", s.name, err)
			}
			*s.n += n
			if n < pruneBatch {
				break
			}
		}
	}
	n, err := db.pruneOutbox(ctx, ms(before.Add(-24*time.Hour)))
	st.Outbox = n
	if err != nil {
		return st, fmt.Errorf("prune outbox: %w", err)
	}
	return st, nil
}

// digestRunCounts sums up digest runs per frequency: runs that queued a
// mail, runs that found nothing to send, and the newest run's time.
const digestRunCounts = `count(*) FILTER (WHERE outbox_id IS NOT NULL), count(*) FILTER (WHERE outbox_id IS NULL), max(created_at)`

// digestRunsWhere is a condition on digest_runs for deleteDigestRuns; only
// the constants below are used, values go in as placeholders.
type digestRunsWhere string

const (
	// digestRunsBatch is the oldest pruneBatch runs created before ?. The
	// order makes both statements of deleteDigestRuns see the same rows
	// (digest_runs_time holds the key columns too).
	digestRunsBatch digestRunsWhere = `(user_id, frequency, period) IN (SELECT user_id, frequency, period
		FROM digest_runs WHERE created_at < ? ORDER BY created_at, user_id, frequency, period LIMIT ?)`
	// digestRunsOfUser is every run of user ?.
	digestRunsOfUser digestRunsWhere = `user_id = ?`
)

// deleteDigestRuns deletes the digest runs matching where after adding
// what they counted to digest_runs_pruned, so the counts on /metrics
// (digestStats) never go down. Pruning and account deletion use it.
func deleteDigestRuns(ctx context.Context, tx *sql.Tx, where digestRunsWhere, args ...any) (int64, error) {
	archive := `INSERT INTO digest_runs_pruned (frequency, sent, empty, last_at)
		SELECT frequency, ` + digestRunCounts + ` FROM digest_runs WHERE ` + string(where) + ` GROUP BY frequency
		ON CONFLICT (frequency) DO UPDATE SET sent = sent + excluded.sent, empty = empty + excluded.empty,
			last_at = max(last_at, excluded.last_at)` // #nosec G202 -- constant fragments (digestRunsWhere); values are placeholders
	if _, err := tx.ExecContext(ctx, archive, args...); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM digest_runs WHERE `+string(where), args...) // #nosec G202 -- constant fragments (digestRunsWhere); values are placeholders
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// pruneOutbox deletes the delivered and failed mails created and finished
// before cut. Like notifications, outbox IDs grow with time; mail still
// pending stays behind, so the pass walks the IDs in batches instead of
// starting from the smallest each time.
func (db *DB) pruneOutbox(ctx context.Context, cut int64) (int64, error) {
	var total, after int64
	for {
		var n, last int64
		var seen int
		young := false
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT id, created_at FROM outbox WHERE id > ? ORDER BY id LIMIT ?`, after, pruneBatch)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id, created int64
				if err := rows.Scan(&id, &created); err != nil {
					return err
				}
				seen++
				if created >= cut {
					young = true
					break
				}
				last = id
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if err := rows.Close(); err != nil || last == 0 {
				return err
			}
			res, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE id > ? AND id <= ? AND coalesce(sent_at, failed_at) < ?`, after, last, cut)
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
		if young || seen < pruneBatch {
			return total, nil
		}
		after = last
	}
}

// RunMailPruning prunes the mail records older than keep at start and then
// every interval until ctx ends; report sees each outcome (for the log).
func (db *DB) RunMailPruning(ctx context.Context, interval, keep time.Duration, report func(PruneStats, error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		report(db.PruneMail(ctx, db.now().Add(-keep)))
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
