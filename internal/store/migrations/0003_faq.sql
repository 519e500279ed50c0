-- 0003: FAQ entries curated by the moderators of a topic field, written
-- from scratch or promoted from an accepted or official answer, with every
-- saved version kept for the history and its diffs.

-- state: draft | published | needs_review | archived. Readers see published
-- entries only. position orders the entries of a field that are not
-- archived densely from 1; archived entries have position 0.
-- review_by is a calendar date (YYYY-MM-DD), not an instant.
CREATE TABLE faq_entries (
    id               INTEGER PRIMARY KEY,
    topic_field_id   INTEGER NOT NULL REFERENCES topic_fields(id),
    question         TEXT    NOT NULL,
    answer           TEXT    NOT NULL,
    answer_html      TEXT    NOT NULL,
    owner_id         INTEGER NOT NULL REFERENCES users(id),
    review_by        TEXT    CHECK (review_by GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    state            TEXT    NOT NULL DEFAULT 'draft'
                     CHECK (state IN ('draft', 'published', 'needs_review', 'archived')),
    position         INTEGER NOT NULL DEFAULT 0,
    -- The thread and answer an entry was promoted from (NULL when written from scratch).
    source_thread_id INTEGER REFERENCES threads(id),
    source_post_id   INTEGER REFERENCES posts(id),
    -- version is the number of the newest row in faq_revisions.
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    published_at     INTEGER
);
CREATE INDEX faq_entries_field ON faq_entries(topic_field_id, state, position);
CREATE INDEX faq_entries_published ON faq_entries(state, topic_field_id, position) WHERE state = 'published';
CREATE INDEX faq_entries_source_thread ON faq_entries(source_thread_id) WHERE source_thread_id IS NOT NULL;
CREATE INDEX faq_entries_source_post ON faq_entries(source_post_id) WHERE source_post_id IS NOT NULL;

-- Every saved version of an entry, the current one included.
CREATE TABLE faq_revisions (
    id         INTEGER PRIMARY KEY,
    entry_id   INTEGER NOT NULL REFERENCES faq_entries(id),
    version    INTEGER NOT NULL,
    question   TEXT    NOT NULL,
    answer     TEXT    NOT NULL,
    editor_id  INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    UNIQUE (entry_id, version)
);
