-- 0017: threads_field_activity and threads_activity (0001) are no longer
-- read by any query: every list and count since 0014 carries the `listed`
-- condition and uses the listed indexes of 0014, which order the same way.
-- Both still held last_post_at, so every reply rewrote two more index
-- entries, in the one writer's time.
DROP INDEX IF EXISTS threads_field_activity;
DROP INDEX IF EXISTS threads_activity;
