-- 0015: the filtered lists (questions, unanswered, solved, discussions)
-- count their totals from trigger-kept numbers per field, as the whole
-- list does since 0014: counting them by scan took about 60 ms per view at
-- 100,000 threads (warm cache; several times that cold).
--
-- Each column counts the listed threads of the field that meet the
-- condition of the filter of the same name in the store's threadFilters;
-- the two must change together. The conditions only read NOT NULL columns
-- besides the IS NULL tests, so each is 0 or 1, never NULL, and can be
-- added to a count as it is.
ALTER TABLE topic_field_counts ADD COLUMN questions   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE topic_field_counts ADD COLUMN unanswered  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE topic_field_counts ADD COLUMN solved      INTEGER NOT NULL DEFAULT 0;
ALTER TABLE topic_field_counts ADD COLUMN discussions INTEGER NOT NULL DEFAULT 0;

-- One pass over the listed threads (the partial index of 0014 holds
-- exactly them) instead of one per field and filter.
UPDATE topic_field_counts SET
    questions   = x.questions,
    unanswered  = x.unanswered,
    solved      = x.solved,
    discussions = x.discussions
FROM (SELECT topic_field_id,
             SUM(kind IN ('question', 'pm_question')) AS questions,
             SUM(duplicate_of IS NULL AND ((kind = 'question' AND post_count <= 1)
                 OR (kind = 'pm_question' AND pm_status <> 'beantwortet'))) AS unanswered,
             SUM((kind = 'question' AND accepted_post_id IS NOT NULL)
                 OR (kind = 'pm_question' AND pm_status = 'beantwortet')) AS solved,
             SUM(kind = 'discussion') AS discussions
      FROM threads
      WHERE deleted_at IS NULL AND hidden_at IS NULL AND approved = 1
      GROUP BY topic_field_id) AS x
WHERE x.topic_field_id = topic_field_counts.topic_field_id;

CREATE TRIGGER topic_field_filter_counts_insert AFTER INSERT ON threads
WHEN NEW.deleted_at IS NULL AND NEW.hidden_at IS NULL AND NEW.approved = 1
BEGIN
    UPDATE topic_field_counts SET
        questions   = questions + (NEW.kind IN ('question', 'pm_question')),
        unanswered  = unanswered + (NEW.duplicate_of IS NULL AND ((NEW.kind = 'question' AND NEW.post_count <= 1)
                      OR (NEW.kind = 'pm_question' AND NEW.pm_status <> 'beantwortet'))),
        solved      = solved + ((NEW.kind = 'question' AND NEW.accepted_post_id IS NOT NULL)
                      OR (NEW.kind = 'pm_question' AND NEW.pm_status = 'beantwortet')),
        discussions = discussions + (NEW.kind = 'discussion')
    WHERE topic_field_id = NEW.topic_field_id;
END;

-- post_count changes with every reply, so the WHEN clause lets through only
-- changes of the classification (or of the field): a reply to a question
-- with an answer already, or to a discussion, writes nothing here. Being
-- listed is part of every condition, so while a thread stays unlisted in
-- its field nothing else is compared; questions and discussions depend on
-- kind alone.
CREATE TRIGGER topic_field_filter_counts_update AFTER UPDATE OF
    topic_field_id, deleted_at, hidden_at, approved, kind, post_count, accepted_post_id, pm_status, duplicate_of ON threads
WHEN OLD.topic_field_id IS NOT NEW.topic_field_id
  OR (OLD.deleted_at IS NULL AND OLD.hidden_at IS NULL AND OLD.approved = 1) IS NOT
     (NEW.deleted_at IS NULL AND NEW.hidden_at IS NULL AND NEW.approved = 1)
  OR ((OLD.deleted_at IS NULL AND OLD.hidden_at IS NULL AND OLD.approved = 1) AND (
      OLD.kind IS NOT NEW.kind
   OR (OLD.duplicate_of IS NULL AND ((OLD.kind = 'question' AND OLD.post_count <= 1)
          OR (OLD.kind = 'pm_question' AND OLD.pm_status <> 'beantwortet'))) IS NOT
      (NEW.duplicate_of IS NULL AND ((NEW.kind = 'question' AND NEW.post_count <= 1)
          OR (NEW.kind = 'pm_question' AND NEW.pm_status <> 'beantwortet')))
   OR ((OLD.kind = 'question' AND OLD.accepted_post_id IS NOT NULL)
          OR (OLD.kind = 'pm_question' AND OLD.pm_status = 'beantwortet')) IS NOT
      ((NEW.kind = 'question' AND NEW.accepted_post_id IS NOT NULL)
          OR (NEW.kind = 'pm_question' AND NEW.pm_status = 'beantwortet'))))
BEGIN
    UPDATE topic_field_counts SET
        questions   = questions - (OLD.kind IN ('question', 'pm_question')),
        unanswered  = unanswered - (OLD.duplicate_of IS NULL AND ((OLD.kind = 'question' AND OLD.post_count <= 1)
                      OR (OLD.kind = 'pm_question' AND OLD.pm_status <> 'beantwortet'))),
        solved      = solved - ((OLD.kind = 'question' AND OLD.accepted_post_id IS NOT NULL)
                      OR (OLD.kind = 'pm_question' AND OLD.pm_status = 'beantwortet')),
        discussions = discussions - (OLD.kind = 'discussion')
    WHERE topic_field_id = OLD.topic_field_id
      AND OLD.deleted_at IS NULL AND OLD.hidden_at IS NULL AND OLD.approved = 1;
    UPDATE topic_field_counts SET
        questions   = questions + (NEW.kind IN ('question', 'pm_question')),
        unanswered  = unanswered + (NEW.duplicate_of IS NULL AND ((NEW.kind = 'question' AND NEW.post_count <= 1)
                      OR (NEW.kind = 'pm_question' AND NEW.pm_status <> 'beantwortet'))),
        solved      = solved + ((NEW.kind = 'question' AND NEW.accepted_post_id IS NOT NULL)
                      OR (NEW.kind = 'pm_question' AND NEW.pm_status = 'beantwortet')),
        discussions = discussions + (NEW.kind = 'discussion')
    WHERE topic_field_id = NEW.topic_field_id
      AND NEW.deleted_at IS NULL AND NEW.hidden_at IS NULL AND NEW.approved = 1;
END;

CREATE TRIGGER topic_field_filter_counts_delete AFTER DELETE ON threads
WHEN OLD.deleted_at IS NULL AND OLD.hidden_at IS NULL AND OLD.approved = 1
BEGIN
    UPDATE topic_field_counts SET
        questions   = questions - (OLD.kind IN ('question', 'pm_question')),
        unanswered  = unanswered - (OLD.duplicate_of IS NULL AND ((OLD.kind = 'question' AND OLD.post_count <= 1)
                      OR (OLD.kind = 'pm_question' AND OLD.pm_status <> 'beantwortet'))),
        solved      = solved - ((OLD.kind = 'question' AND OLD.accepted_post_id IS NOT NULL)
                      OR (OLD.kind = 'pm_question' AND OLD.pm_status = 'beantwortet')),
        discussions = discussions - (OLD.kind = 'discussion')
    WHERE topic_field_id = OLD.topic_field_id;
END;
