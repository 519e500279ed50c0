-- 0001: the forum core: topic fields, accounts, sessions, tokens, threads,
-- posts with revisions, the mail outbox and the audit log.
-- Timestamps are INTEGER Unix milliseconds (UTC) throughout.

CREATE TABLE topic_fields (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL
);

CREATE TABLE users (
    id                INTEGER PRIMARY KEY,
    email             TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    display_name      TEXT    NOT NULL,
    password_hash     TEXT    NOT NULL DEFAULT '',
    role              TEXT    NOT NULL DEFAULT 'member'
                      CHECK (role IN ('member', 'moderator', 'pm', 'admin')),
    org_name          TEXT    NOT NULL DEFAULT '',
    org_type          TEXT    NOT NULL DEFAULT 'sonstige',
    -- pending: email not yet verified; approval: verified, waiting for an admin;
    -- active: may log in; disabled: blocked by an admin.
    status            TEXT    NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'approval', 'active', 'disabled')),
    language          TEXT    NOT NULL DEFAULT '',
    email_verified_at INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);

-- A moderator moderates exactly the topic fields listed here; admins moderate everywhere.
CREATE TABLE moderator_fields (
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    topic_field_id INTEGER NOT NULL REFERENCES topic_fields(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, topic_field_id)
) WITHOUT ROWID;

-- Sessions and tokens are stored as SHA-256 hashes: a leaked database grants no logins.
CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT    NOT NULL DEFAULT '',
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- One-time tokens sent by mail: email verification, password reset, email change.
CREATE TABLE email_tokens (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('verify', 'reset', 'email_change')),
    new_email  TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX email_tokens_user ON email_tokens(user_id, purpose);

CREATE TABLE threads (
    id             INTEGER PRIMARY KEY,
    topic_field_id INTEGER NOT NULL REFERENCES topic_fields(id),
    author_id      INTEGER NOT NULL REFERENCES users(id),
    title          TEXT    NOT NULL,
    slug           TEXT    NOT NULL,
    locked         INTEGER NOT NULL DEFAULT 0,
    -- post_count and last_post_at count visible (not deleted) posts; they are
    -- kept in the same transaction as every post write.
    post_count     INTEGER NOT NULL DEFAULT 0,
    last_post_at   INTEGER NOT NULL,
    deleted_at     INTEGER,
    created_at     INTEGER NOT NULL
);
CREATE INDEX threads_field_activity ON threads(topic_field_id, last_post_at DESC) WHERE deleted_at IS NULL;
CREATE INDEX threads_activity ON threads(last_post_at DESC) WHERE deleted_at IS NULL;
CREATE INDEX threads_author ON threads(author_id);

CREATE TABLE posts (
    id         INTEGER PRIMARY KEY,
    thread_id  INTEGER NOT NULL REFERENCES threads(id),
    author_id  INTEGER NOT NULL REFERENCES users(id),
    body       TEXT    NOT NULL,
    body_html  TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    edited_at  INTEGER,
    deleted_at INTEGER
);
CREATE INDEX posts_thread ON posts(thread_id, id);
CREATE INDEX posts_author ON posts(author_id);

-- Each edit stores the body as it was before the edit, so every version stays viewable.
CREATE TABLE post_revisions (
    id         INTEGER PRIMARY KEY,
    post_id    INTEGER NOT NULL REFERENCES posts(id),
    body       TEXT    NOT NULL,
    editor_id  INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX post_revisions_post ON post_revisions(post_id, id);

-- Mail is written here in the same transaction as the event that causes it
-- and delivered by the mail loop; handlers never wait on SMTP.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    message_id      TEXT    NOT NULL UNIQUE,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body_text       TEXT    NOT NULL,
    body_html       TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER,
    failed_at       INTEGER,
    last_error      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- Append-only record of administrative and moderation actions.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    actor_id    INTEGER REFERENCES users(id),
    action      TEXT    NOT NULL,
    target_type TEXT    NOT NULL,
    target_id   INTEGER NOT NULL,
    detail      TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE INDEX audit_log_target ON audit_log(target_type, target_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
