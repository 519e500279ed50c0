-- 0018: digest runs are pruned by age with the rest of the mail records
-- (retention.go). Without an index on their time every pruning pass would
-- scan all runs while holding the writer; digest_runs_pruned keeps what
-- the pruned runs counted, so kommunalforum_digest_runs_total on /metrics
-- stays a counter that never goes down.
CREATE INDEX IF NOT EXISTS digest_runs_time ON digest_runs(created_at);
CREATE TABLE IF NOT EXISTS digest_runs_pruned (
    frequency TEXT    NOT NULL PRIMARY KEY,
    sent      INTEGER NOT NULL DEFAULT 0,
    empty     INTEGER NOT NULL DEFAULT 0,
    last_at   INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
