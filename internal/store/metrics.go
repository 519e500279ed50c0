package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// Stats are the figures the monitoring (/metrics) reads at each scrape.
// Queues report their depth and the age of their oldest entry: a growing
// age means the worker behind the queue is stuck.
type Stats struct {
	OutboxPending int       // mails neither sent nor failed for good
	OutboxFailed  int       // mails given up on
	OutboxOldest  time.Time // creation of the oldest pending mail; zero when none

	// SearchQueue is false while the search_queue table does not exist
	// (a database from before the search migration).
	SearchQueue       bool
	SearchQueueRows   int
	SearchQueueOldest time.Time // zero when the queue is empty

	// Digests holds the digest bookkeeping per frequency ("daily",
	// "weekly"); nil without the digest_runs table.
	Digests map[string]DigestStats

	DBBytes  int64 // the database file
	WALBytes int64 // its write-ahead log (0 when absent)
}

// DigestStats counts the recorded digest runs of one frequency.
type DigestStats struct {
	Sent    int       // runs that queued a mail
	Empty   int       // runs that found nothing to send
	LastRun time.Time // the newest run; zero when none
}

// Stats reads the monitoring figures. Each is one small aggregate over an
// index or a small table, cheap enough for a scrape every few seconds.
func (db *DB) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	var oldest sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT
		count(*) FILTER (WHERE `+outboxPending+`),
		count(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NOT NULL),
		min(created_at) FILTER (WHERE `+outboxPending+`)
		FROM outbox`).Scan(&st.OutboxPending, &st.OutboxFailed, &oldest)
	if err != nil {
		return Stats{}, fmt.Errorf("stats: outbox: %w", err)
	}
	st.OutboxOldest = fromNullMS(oldest)

	// The search queue and the digest bookkeeping come from other
	// migrations; asking sqlite_master keeps the metrics working on any
	// schema version instead of failing the whole scrape.
	if st.SearchQueue, err = db.hasTable(ctx, "search_queue"); err != nil {
		return Stats{}, err
	}
	if st.SearchQueue {
		oldest = sql.NullInt64{}
		if err := db.read.QueryRowContext(ctx, `SELECT count(*), min(queued_at) FROM search_queue`).
			Scan(&st.SearchQueueRows, &oldest); err != nil {
			return Stats{}, fmt.Errorf("stats: search queue: %w", err)
		}
		st.SearchQueueOldest = fromNullMS(oldest)
	}
	digests, err := db.hasTable(ctx, "digest_runs")
	if err != nil {
		return Stats{}, err
	}
	if digests {
		if st.Digests, err = db.digestStats(ctx); err != nil {
			return Stats{}, err
		}
	}

	path, err := db.filePath(ctx)
	if err != nil {
		return Stats{}, err
	}
	if st.DBBytes, err = fileSize(path); err != nil {
		return Stats{}, err
	}
	if st.WALBytes, err = fileSize(path + "-wal"); err != nil {
		return Stats{}, err
	}
	return st, nil
}

func (db *DB) digestStats(ctx context.Context) (map[string]DigestStats, error) {
	// Runs removed by PruneMail are counted in digest_runs_pruned.
	// The union's columns are named by its first part.
	rows, err := db.read.QueryContext(ctx, `SELECT frequency, sum(sent), sum(empty), max(last_at) FROM (
		SELECT frequency, sent, empty, last_at FROM digest_runs_pruned
		UNION ALL SELECT frequency, `+digestRunCounts+` FROM digest_runs GROUP BY frequency)
		GROUP BY frequency`)
	if err != nil {
		return nil, fmt.Errorf("stats: digests: %w", err)
	}
	defer rows.Close()
	out := map[string]DigestStats{}
	for rows.Next() {
		var freq string
		var d DigestStats
		var last sql.NullInt64
		if err := rows.Scan(&freq, &d.Sent, &d.Empty, &last); err != nil {
			return nil, fmt.Errorf("stats: digests: %w", err)
		}
		d.LastRun = fromNullMS(last)
		out[freq] = d
	}
	return out, rows.Err()
}

// hasTable reports whether the schema has the table.
func (db *DB) hasTable(ctx context.Context, name string) (bool, error) {
	var ok bool
	err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?)`, name).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("stats: table %s: %w", name, err)
	}
	return ok, nil
}

// filePath is the database file as SQLite opened it.
func (db *DB) filePath(ctx context.Context) (string, error) {
	var path string
	err := db.read.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&path)
	if err != nil {
		return "", fmt.Errorf("stats: database file: %w", err)
	}
	return path, nil
}

// fileSize is the size of a file, 0 when it does not exist (a WAL file
// comes and goes with checkpoints).
func fileSize(path string) (int64, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("stats: %w", err)
	}
	return fi.Size(), nil
}
