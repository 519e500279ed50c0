-- 0004: moderation: flags on posts, hidden posts and threads, the approval
-- queue for new users' first posts, pinned threads and write suspensions.

-- A member's report of a post. resolution is NULL while the flag is open;
-- resolving a post's flags (hide, edit or dismiss) closes all open ones.
CREATE TABLE flags (
    id          INTEGER PRIMARY KEY,
    post_id     INTEGER NOT NULL REFERENCES posts(id),
    reporter_id INTEGER NOT NULL REFERENCES users(id),
    reason      TEXT    NOT NULL
                CHECK (reason IN ('spam', 'off_topic', 'inappropriate', 'personal_data', 'other')),
    text        TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    resolved_at INTEGER,
    resolved_by INTEGER REFERENCES users(id),
    resolution  TEXT    CHECK (resolution IN ('hide', 'edit', 'dismiss')),
    CHECK ((resolved_at IS NULL) = (resolution IS NULL))
);
-- One open flag per reporter and post; after a resolution the post may be flagged again.
CREATE UNIQUE INDEX flags_open_once ON flags(post_id, reporter_id) WHERE resolved_at IS NULL;
CREATE INDEX flags_open ON flags(post_id) WHERE resolved_at IS NULL;

-- A hidden post keeps its place; readers see a placeholder, its author and
-- the field's moderators the body.
ALTER TABLE posts ADD COLUMN hidden_at INTEGER;
ALTER TABLE posts ADD COLUMN hidden_by INTEGER REFERENCES users(id);
ALTER TABLE posts ADD COLUMN hidden_reason TEXT NOT NULL DEFAULT '';
-- approved = 0: a new user's post waiting in the approval queue, seen only
-- by its author and the field's moderators. Rejecting hides it and leaves
-- approved = 0, so it never shows to readers.
ALTER TABLE posts ADD COLUMN approved INTEGER NOT NULL DEFAULT 1;
CREATE INDEX posts_pending ON posts(thread_id) WHERE approved = 0;

-- Pinned threads lead their field's list.
ALTER TABLE threads ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
-- A hidden thread is invisible (404) to everyone but its field's moderators.
ALTER TABLE threads ADD COLUMN hidden_at INTEGER;
ALTER TABLE threads ADD COLUMN hidden_by INTEGER REFERENCES users(id);
ALTER TABLE threads ADD COLUMN hidden_reason TEXT NOT NULL DEFAULT '';
-- approved = 0 while the opening post waits for approval: the thread shows
-- only to its author and the field's moderators, and in no list.
ALTER TABLE threads ADD COLUMN approved INTEGER NOT NULL DEFAULT 1;

-- A suspended user reads but does not write until suspended_until; NULL is
-- not suspended, 9999-12-31 (store.Indefinitely) is until lifted.
ALTER TABLE users ADD COLUMN suspended_until INTEGER;
ALTER TABLE users ADD COLUMN suspended_reason TEXT NOT NULL DEFAULT '';
