-- 0010: account deletion (DSGVO Art. 17). A deleted account keeps its row,
-- so posts stay attributed to "Gelöschter Nutzer", but every personal field
-- is emptied; deleted_at marks it.
ALTER TABLE users ADD COLUMN deleted_at INTEGER;
