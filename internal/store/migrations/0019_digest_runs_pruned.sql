-- 0019: what pruned and deleted digest runs counted (deleteDigestRuns in
-- retention.go), so kommunalforum_digest_runs_total on /metrics stays a
-- counter that never goes down. A separate file because 0018 already ran
-- on data directories of this change's first build.
CREATE TABLE IF NOT EXISTS digest_runs_pruned (
    frequency TEXT    NOT NULL PRIMARY KEY,
    sent      INTEGER NOT NULL DEFAULT 0,
    empty     INTEGER NOT NULL DEFAULT 0,
    last_at   INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
