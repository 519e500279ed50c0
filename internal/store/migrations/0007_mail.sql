-- 0007: email notifications and digests: subscriptions with watch levels,
-- per-user delivery settings with recorded consent, pending notifications
-- built from events, read tracking, digest bookkeeping, the mail log and
-- per-address permanent-failure counters.

-- A user's watch on a topic field or a thread: exactly one target is set.
-- watching: every new post; tracking: new threads (field) or replies to
-- the user (thread); muted: nothing.
CREATE TABLE subscriptions (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users(id),
    topic_field_id INTEGER REFERENCES topic_fields(id),
    thread_id      INTEGER REFERENCES threads(id),
    level          TEXT    NOT NULL CHECK (level IN ('watching', 'tracking', 'muted')),
    created_at     INTEGER NOT NULL,
    -- auto = 1: set by asking or replying (auto-tracking), not by the user;
    -- an explicit choice always replaces it, auto-tracking never replaces a choice.
    auto           INTEGER NOT NULL DEFAULT 0,
    CHECK ((topic_field_id IS NULL) <> (thread_id IS NULL))
);
CREATE UNIQUE INDEX subscriptions_user_field ON subscriptions(user_id, topic_field_id) WHERE topic_field_id IS NOT NULL;
CREATE UNIQUE INDEX subscriptions_user_thread ON subscriptions(user_id, thread_id) WHERE thread_id IS NOT NULL;
-- The digests read a page of users' subscriptions by user ID range.
CREATE INDEX subscriptions_user ON subscriptions(user_id);
CREATE INDEX subscriptions_field ON subscriptions(topic_field_id, level) WHERE topic_field_id IS NOT NULL;
CREATE INDEX subscriptions_thread ON subscriptions(thread_id, level) WHERE thread_id IS NOT NULL;

-- The notifier looks up @mentions by handle (the display name without
-- spaces) and the pm users for new PM questions, once per event.
CREATE INDEX users_handle ON users(lower(replace(display_name, ' ', '')));
CREATE INDEX users_pm ON users(id) WHERE role = 'pm';

-- Delivery choice per user. Mail is opt-in: nothing is sent while
-- consent_at is NULL; consent_text is the exact wording agreed to.
-- field_delivery applies to what watched topic fields bring (new threads,
-- top posts, FAQ entries); it defaults to the weekly digest.
CREATE TABLE mail_settings (
    user_id        INTEGER PRIMARY KEY REFERENCES users(id),
    delivery       TEXT    NOT NULL CHECK (delivery IN ('immediate', 'daily', 'weekly', 'off')),
    consent_at     INTEGER,
    consent_text   TEXT    NOT NULL DEFAULT '',
    field_delivery TEXT    NOT NULL DEFAULT 'weekly'
                   CHECK (field_delivery IN ('immediate', 'daily', 'weekly', 'off')),
    updated_at     INTEGER NOT NULL DEFAULT 0
);

-- What the notifier made of an event for one recipient. Pending while
-- sent_at IS NULL; the immediate sender or the next digest consumes it
-- (sent_at set, or dropped with a reason when read, hidden or not visible).
-- via_field = 1: the recipient learns of it through a watched topic field
-- (field_delivery applies), else through a thread or personally (delivery).
CREATE TABLE notifications (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users(id),
    event_id       INTEGER NOT NULL REFERENCES events(id),
    reason         TEXT    NOT NULL,
    thread_id      INTEGER NOT NULL REFERENCES threads(id),
    post_id        INTEGER,
    topic_field_id INTEGER NOT NULL REFERENCES topic_fields(id),
    via_field      INTEGER NOT NULL DEFAULT 0,
    -- The recipient's delivery when it was made: immediate ones wait for
    -- due_at (the immediate_delay window), the others for the next digest.
    frequency      TEXT    NOT NULL DEFAULT 'daily' CHECK (frequency IN ('immediate', 'daily', 'weekly')),
    created_at     INTEGER NOT NULL,
    due_at         INTEGER NOT NULL,
    sent_at        INTEGER,
    dropped        TEXT    NOT NULL DEFAULT '',
    UNIQUE (user_id, event_id)
);
CREATE INDEX notifications_immediate ON notifications(due_at) WHERE sent_at IS NULL AND frequency = 'immediate';
CREATE INDEX notifications_user_pending ON notifications(user_id, id) WHERE sent_at IS NULL;

-- Where a logged-in user stopped reading a thread: digests and delayed
-- immediate mails drop posts at or below last_read_post_id.
CREATE TABLE thread_reads (
    user_id           INTEGER NOT NULL REFERENCES users(id),
    thread_id         INTEGER NOT NULL REFERENCES threads(id),
    last_read_post_id INTEGER NOT NULL,
    read_at           INTEGER NOT NULL,
    PRIMARY KEY (user_id, thread_id)
) WITHOUT ROWID;

-- One row per user, frequency and period (e.g. daily 2026-11-23, weekly
-- 2026-W48), written in the same transaction as the digest's outbox row or
-- as the decision that it was empty, so a restart never sends a second one.
CREATE TABLE digest_runs (
    user_id    INTEGER NOT NULL REFERENCES users(id),
    frequency  TEXT    NOT NULL CHECK (frequency IN ('daily', 'weekly')),
    period     TEXT    NOT NULL,
    outbox_id  INTEGER REFERENCES outbox(id),
    items      INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, frequency, period)
) WITHOUT ROWID;
CREATE INDEX digest_runs_latest ON digest_runs(user_id, frequency, created_at);

-- Admin-visible record of what happened to notification mail: sent,
-- failed (temporary or permanent) or skipped with a reason.
CREATE TABLE mail_log (
    id         INTEGER PRIMARY KEY,
    outbox_id  INTEGER REFERENCES outbox(id),
    user_id    INTEGER REFERENCES users(id),
    recipient  TEXT    NOT NULL DEFAULT '',
    kind       TEXT    NOT NULL DEFAULT '',
    status     TEXT    NOT NULL CHECK (status IN ('sent', 'failed', 'skipped')),
    reason     TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX mail_log_time ON mail_log(created_at DESC);

-- Permanent delivery failures per address. At mail.max_permanent_failures
-- the address is disabled (disabled_at) until its owner re-enables it or
-- changes the address; a successful delivery resets the counter.
CREATE TABLE mail_bounces (
    email       TEXT    PRIMARY KEY COLLATE NOCASE,
    failures    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT    NOT NULL DEFAULT '',
    disabled_at INTEGER,
    updated_at  INTEGER NOT NULL
) WITHOUT ROWID;

-- Secrets generated on first start (the unsubscribe token key); never in
-- the repository or the configuration.
CREATE TABLE app_secrets (
    name       TEXT PRIMARY KEY,
    value      BLOB NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Notification mail in the outbox: kind (notify, digest, ...; '' for the
-- account mails), the recipient's user, extra headers as a JSON object.
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN user_id INTEGER REFERENCES users(id);
ALTER TABLE outbox ADD COLUMN headers TEXT NOT NULL DEFAULT '{}';
