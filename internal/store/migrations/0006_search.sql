-- 0006: the search queue. Every change that the full-text index must see is
-- queued here by a trigger, so it commits in the same transaction as the
-- change itself and no Go write path can forget it. The indexer
-- (internal/search) applies the queue in batches and deletes what it
-- applied; after a crash the queue is simply replayed.
--
-- doc_kind says what doc_id names:
--   post:   one post
--   thread: every post of the thread (title, field, kind, status and
--           visibility are copied into each post's index document)
--   faq:    one FAQ entry
--   user:   every post and FAQ entry of the user (the author name is indexed)
-- AUTOINCREMENT: ids must never be reused once rows are deleted, because
-- the indexer remembers the last id it applied and reads only newer rows.
CREATE TABLE search_queue (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_kind  TEXT    NOT NULL CHECK (doc_kind IN ('thread', 'post', 'faq', 'user')),
    doc_id    INTEGER NOT NULL,
    queued_at INTEGER NOT NULL
);

CREATE TRIGGER search_post_insert AFTER INSERT ON posts
BEGIN
    INSERT INTO search_queue (doc_kind, doc_id, queued_at)
    VALUES ('post', NEW.id, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;

-- Votes change posts.score often; only the columns the index reads enqueue.
CREATE TRIGGER search_post_update
AFTER UPDATE OF body, deleted_at, hidden_at, approved, official_version, thread_id, author_id, created_at ON posts
BEGIN
    INSERT INTO search_queue (doc_kind, doc_id, queued_at)
    VALUES ('post', NEW.id, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;

CREATE TRIGGER search_post_delete AFTER DELETE ON posts
BEGIN
    INSERT INTO search_queue (doc_kind, doc_id, queued_at)
    VALUES ('post', OLD.id, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;

-- post_count changes with every reply, but a question's status only
-- depends on whether it has answers at all (offen -> beantwortet).
CREATE TRIGGER search_thread_update AFTER UPDATE ON threads
WHEN OLD.title IS NOT NEW.title
  OR OLD.topic_field_id IS NOT NEW.topic_field_id
  OR OLD.author_id IS NOT NEW.author_id
  OR OLD.deleted_at IS NOT NEW.deleted_at
  OR OLD.hidden_at IS NOT NEW.hidden_at
  OR OLD.approved IS NOT NEW.approved
  OR OLD.kind IS NOT NEW.kind
  OR OLD.pm_status IS NOT NEW.pm_status
  OR OLD.accepted_post_id IS NOT NEW.accepted_post_id
  OR OLD.duplicate_of IS NOT NEW.duplicate_of
  OR (OLD.post_count > 1) IS NOT (NEW.post_count > 1)
BEGIN
    INSERT INTO search_queue (doc_kind, doc_id, queued_at)
    VALUES ('thread', NEW.id, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;

CREATE TRIGGER search_thread_delete AFTER DELETE ON threads
BEGIN
    INSERT INTO search_queue (doc_kind, doc_id, queued_at)
    VALUES ('thread', OLD.id, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;

CREATE TRIGGER search_faq_insert AFTER INSERT ON faq_entries
BEGIN
    INSERT INTO search_queue (doc_kind, doc_id, queued_at)
    VALUES ('faq', NEW.id, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;

CREATE TRIGGER search_faq_update
AFTER UPDATE OF question, answer, state, topic_field_id, owner_id, published_at ON faq_entries
BEGIN
    INSERT INTO search_queue (doc_kind, doc_id, queued_at)
    VALUES ('faq', NEW.id, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;

CREATE TRIGGER search_faq_delete AFTER DELETE ON faq_entries
BEGIN
    INSERT INTO search_queue (doc_kind, doc_id, queued_at)
    VALUES ('faq', OLD.id, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;

CREATE TRIGGER search_user_rename AFTER UPDATE OF display_name ON users
WHEN OLD.display_name IS NOT NEW.display_name
BEGIN
    INSERT INTO search_queue (doc_kind, doc_id, queued_at)
    VALUES ('user', NEW.id, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;
