-- 0008: personal feed tokens. A feed reader has no session, so a member's
-- personal feed URLs carry this token and show what the member may read
-- (protected areas included). One token per member: creating a new one
-- replaces the old, deleting the row revokes it. Only the SHA-256 hash is
-- stored, as for sessions and API tokens.
CREATE TABLE feed_tokens (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
);
