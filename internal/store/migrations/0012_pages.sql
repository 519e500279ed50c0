-- 0012: pages the operator must be able to word for their installation
-- (privacy policy, imprint, accessibility statement, plain-language
-- explanation), per language. Without a row the built-in text from the
-- catalogue is shown; saving writes a row, "restore" deletes it.
CREATE TABLE site_pages (
    slug       TEXT    NOT NULL,
    lang       TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    body_html  TEXT    NOT NULL,
    updated_by INTEGER REFERENCES users(id),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (slug, lang)
) WITHOUT ROWID;

-- Feedback from the accessibility statement (BITV 2.0 § 7 requires a way
-- to report barriers). Admins are mailed in the same transaction and see
-- the list in the administration.
CREATE TABLE accessibility_feedback (
    id         INTEGER PRIMARY KEY,
    page_url   TEXT    NOT NULL DEFAULT '',
    name       TEXT    NOT NULL DEFAULT '',
    email      TEXT    NOT NULL DEFAULT '',
    message    TEXT    NOT NULL,
    user_id    INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    handled_at INTEGER,
    handled_by INTEGER REFERENCES users(id)
);
CREATE INDEX accessibility_feedback_open ON accessibility_feedback(handled_at, id);
