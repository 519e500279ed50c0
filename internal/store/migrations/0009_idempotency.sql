-- 0009: Idempotency-Key support. A client that retries a POST with the
-- same key gets the first answer again instead of a second post.
-- state: running while the first request is in flight, done once its
-- answer is stored. committed is set inside the transaction of the change
-- itself, so after a crash we know whether the change happened even when
-- the answer was never stored.
CREATE TABLE idempotency_keys (
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key          TEXT    NOT NULL,
    request_hash TEXT    NOT NULL,
    state        TEXT    NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done')),
    committed    INTEGER NOT NULL DEFAULT 0,
    status       INTEGER NOT NULL DEFAULT 0,
    content_type TEXT    NOT NULL DEFAULT '',
    location     TEXT    NOT NULL DEFAULT '',
    body         BLOB,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
