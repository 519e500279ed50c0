-- 0002: questions and answers, votes, accepted answers, duplicates, questions
-- to the programme management (PM) with official answers and deadlines, and
-- the durable event log that later drives notifications.

-- kind: discussion | question | pm_question.
ALTER TABLE threads ADD COLUMN kind TEXT NOT NULL DEFAULT 'discussion'
    CHECK (kind IN ('discussion', 'question', 'pm_question'));
ALTER TABLE threads ADD COLUMN accepted_post_id INTEGER REFERENCES posts(id);
-- A question closed as duplicate takes no answers and links to duplicate_of.
ALTER TABLE threads ADD COLUMN duplicate_of INTEGER REFERENCES threads(id);
-- PM questions: '' for other kinds; neu -> in_bearbeitung -> beantwortet.
ALTER TABLE threads ADD COLUMN pm_status TEXT NOT NULL DEFAULT ''
    CHECK (pm_status IN ('', 'neu', 'in_bearbeitung', 'beantwortet'));
ALTER TABLE threads ADD COLUMN pm_assignee_id INTEGER REFERENCES users(id);
ALTER TABLE threads ADD COLUMN pm_due_at INTEGER;
-- When the first official answer was marked: the response time is
-- pm_answered_at - created_at.
ALTER TABLE threads ADD COLUMN pm_answered_at INTEGER;
CREATE INDEX threads_kind_activity ON threads(kind, last_post_at DESC) WHERE deleted_at IS NULL;
CREATE INDEX threads_pm_queue ON threads(pm_status, pm_due_at) WHERE kind = 'pm_question' AND deleted_at IS NULL;

-- score is the sum of votes, kept in the same transaction as every vote.
ALTER TABLE posts ADD COLUMN score INTEGER NOT NULL DEFAULT 0;
-- official_version > 0 marks an official answer ("Amtliche Antwort") and
-- counts its versions; official_at is the "Stand" of the current version.
ALTER TABLE posts ADD COLUMN official_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN official_at INTEGER;
ALTER TABLE posts ADD COLUMN official_body TEXT NOT NULL DEFAULT '';

-- One vote per user and post; changing it replaces the row.
CREATE TABLE votes (
    post_id    INTEGER NOT NULL REFERENCES posts(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    value      INTEGER NOT NULL CHECK (value IN (-1, 1)),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (post_id, user_id)
) WITHOUT ROWID;

-- Every version of an official answer, the current one included, so older
-- versions stay viewable with their "Stand" date.
CREATE TABLE official_versions (
    id             INTEGER PRIMARY KEY,
    post_id        INTEGER NOT NULL REFERENCES posts(id),
    version        INTEGER NOT NULL,
    body           TEXT    NOT NULL,
    body_html      TEXT    NOT NULL,
    answering_body TEXT    NOT NULL,
    author_id      INTEGER NOT NULL REFERENCES users(id),
    created_at     INTEGER NOT NULL,
    UNIQUE (post_id, version)
);

-- Durable record of what happened, written in the change's transaction:
-- answer.created, answer.accepted, answer.official, pm.status, pm.assigned, ...
-- The mail work reads it later (processed_at marks what it has handled).
CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,
    thread_id    INTEGER NOT NULL REFERENCES threads(id),
    post_id      INTEGER,
    actor_id     INTEGER REFERENCES users(id),
    detail       TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    processed_at INTEGER
);
CREATE INDEX events_pending ON events(id) WHERE processed_at IS NULL;
