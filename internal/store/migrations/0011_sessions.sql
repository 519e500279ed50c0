-- 0011: session hardening.
-- last_seen_at drives the idle timeout (0 until the first request after
-- login; the login time counts then). It is refreshed at most once a
-- minute, so reading pages does not mean a write per request.
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;

-- A change of role or status, or a new suspension, ends the user's
-- sessions: their next request is anonymous and a new login loads the new
-- rights. A trigger, so no code path that changes these can forget it.
CREATE TRIGGER sessions_end_on_rights_change AFTER UPDATE OF role, status, suspended_until ON users
WHEN OLD.role IS NOT NEW.role
  OR OLD.status IS NOT NEW.status
  OR (NEW.suspended_until IS NOT NULL AND OLD.suspended_until IS NOT NEW.suspended_until)
BEGIN
    DELETE FROM sessions WHERE user_id = NEW.id;
END;

-- A new password makes pending reset links worthless: whoever asked for
-- one no longer needs it, and a leaked link must not undo the change.
CREATE TRIGGER reset_tokens_end_on_password_change AFTER UPDATE OF password_hash ON users
WHEN OLD.password_hash IS NOT NEW.password_hash
BEGIN
    UPDATE email_tokens SET used_at = CAST(unixepoch('subsec') * 1000 AS INTEGER)
    WHERE user_id = NEW.id AND purpose = 'reset' AND used_at IS NULL;
END;
