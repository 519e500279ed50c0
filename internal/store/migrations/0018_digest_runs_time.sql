-- 0018: digest runs are pruned by age with the rest of the mail records
-- (retention.go); without an index on their time every pruning pass would
-- scan all runs while holding the writer.
CREATE INDEX IF NOT EXISTS digest_runs_time ON digest_runs(created_at);
