-- 0014: listings that stay fast at a million posts. The home page counted
-- every listed thread of every field per view (about 0.6 s at 100,000
-- threads); the field page sorted all of a field's threads per view.
--
-- "Listed" is the condition of the store's `listed` constant:
-- deleted_at IS NULL AND hidden_at IS NULL AND approved = 1.

-- Thread counts per field, kept by triggers in the transaction of every
-- change, so no write path can forget them.
CREATE TABLE topic_field_counts (
    topic_field_id INTEGER PRIMARY KEY REFERENCES topic_fields(id),
    threads        INTEGER NOT NULL DEFAULT 0
);
INSERT INTO topic_field_counts (topic_field_id, threads)
SELECT f.id, (SELECT COUNT(*) FROM threads t WHERE t.topic_field_id = f.id
              AND t.deleted_at IS NULL AND t.hidden_at IS NULL AND t.approved = 1)
FROM topic_fields f;

CREATE TRIGGER topic_field_counts_field AFTER INSERT ON topic_fields
BEGIN
    INSERT OR IGNORE INTO topic_field_counts (topic_field_id, threads) VALUES (NEW.id, 0);
END;

CREATE TRIGGER topic_field_counts_insert AFTER INSERT ON threads
WHEN NEW.deleted_at IS NULL AND NEW.hidden_at IS NULL AND NEW.approved = 1
BEGIN
    UPDATE topic_field_counts SET threads = threads + 1 WHERE topic_field_id = NEW.topic_field_id;
END;

CREATE TRIGGER topic_field_counts_update AFTER UPDATE OF topic_field_id, deleted_at, hidden_at, approved ON threads
WHEN (OLD.deleted_at IS NULL AND OLD.hidden_at IS NULL AND OLD.approved = 1) IS NOT
     (NEW.deleted_at IS NULL AND NEW.hidden_at IS NULL AND NEW.approved = 1)
  OR OLD.topic_field_id IS NOT NEW.topic_field_id
BEGIN
    UPDATE topic_field_counts SET threads = threads - 1
    WHERE topic_field_id = OLD.topic_field_id AND OLD.deleted_at IS NULL AND OLD.hidden_at IS NULL AND OLD.approved = 1;
    UPDATE topic_field_counts SET threads = threads + 1
    WHERE topic_field_id = NEW.topic_field_id AND NEW.deleted_at IS NULL AND NEW.hidden_at IS NULL AND NEW.approved = 1;
END;

CREATE TRIGGER topic_field_counts_delete AFTER DELETE ON threads
WHEN OLD.deleted_at IS NULL AND OLD.hidden_at IS NULL AND OLD.approved = 1
BEGIN
    UPDATE topic_field_counts SET threads = threads - 1 WHERE topic_field_id = OLD.topic_field_id;
END;

-- The field page's order (pinned first, then newest activity), and the
-- newest activity per field, both over listed threads only.
CREATE INDEX threads_listed_field_order ON threads(topic_field_id, pinned, last_post_at, id)
    WHERE deleted_at IS NULL AND hidden_at IS NULL AND approved = 1;
CREATE INDEX threads_listed_field_activity ON threads(topic_field_id, last_post_at)
    WHERE deleted_at IS NULL AND hidden_at IS NULL AND approved = 1;
CREATE INDEX threads_listed_activity ON threads(last_post_at, id)
    WHERE deleted_at IS NULL AND hidden_at IS NULL AND approved = 1;
