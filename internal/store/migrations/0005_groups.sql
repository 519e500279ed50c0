-- 0005: protected areas ("geschützter Raum"): a topic field restricted to
-- a group shows, with everything in it, only to the group's members and to
-- administrators.

CREATE TABLE groups (
    id         INTEGER PRIMARY KEY,
    slug       TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES groups(id),
    user_id  INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members(user_id);

-- NULL: the field is open to every reader.
ALTER TABLE topic_fields ADD COLUMN group_id INTEGER REFERENCES groups(id);
