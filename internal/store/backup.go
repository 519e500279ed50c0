package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// BackupInfo describes a finished backup.
type BackupInfo struct {
	Bytes   int64
	Posts   int64
	Threads int64
}

// Backup writes a consistent copy of the database file at src to out while
// the forum may keep running. VACUUM INTO reads inside one read transaction
// of WAL mode, so the copy is a snapshot: every commit acknowledged before
// the backup started is in it, later ones are not, and writers are never
// blocked. It opens its own read-only connection (no migrations: the backup
// must not change the file it copies), writes to a temporary file next to
// out, checks the copy's integrity and renames it into place, so out is
// either a complete, checked backup or absent.
func Backup(ctx context.Context, src, out string) (BackupInfo, error) {
	if _, err := os.Stat(src); err != nil {
		return BackupInfo{}, fmt.Errorf("database %s: %w", src, err)
	}
	if _, err := os.Stat(out); err == nil {
		return BackupInfo{}, fmt.Errorf("%s already exists; choose a new file name", out)
	}
	tmp := filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".tmp")
	// A leftover of an interrupted backup; VACUUM INTO refuses an existing file.
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return BackupInfo{}, err
	}
	db, err := sql.Open("sqlite3", "file:"+src+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return BackupInfo{}, err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		_ = os.Remove(tmp)
		return BackupInfo{}, fmt.Errorf("copy: %w", err)
	}
	info, err := checkBackup(ctx, tmp)
	if err != nil {
		_ = os.Remove(tmp)
		return BackupInfo{}, err
	}
	if err := syncFile(tmp); err != nil {
		_ = os.Remove(tmp)
		return BackupInfo{}, err
	}
	if err := os.Rename(tmp, out); err != nil {
		_ = os.Remove(tmp)
		return BackupInfo{}, err
	}
	// The rename is durable only once the directory entry is on disk.
	if err := syncFile(filepath.Dir(out)); err != nil {
		return BackupInfo{}, err
	}
	return info, nil
}

// checkBackup runs SQLite's integrity check on the copy and counts what it
// holds, so the operator sees at once that the backup is usable.
func checkBackup(ctx context.Context, path string) (BackupInfo, error) {
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return BackupInfo{}, err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return BackupInfo{}, fmt.Errorf("integrity check: %w", err)
	}
	if res != "ok" {
		return BackupInfo{}, fmt.Errorf("integrity check of the copy failed: %s", res)
	}
	var info BackupInfo
	if err := db.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM posts), (SELECT COUNT(*) FROM threads)").
		Scan(&info.Posts, &info.Threads); err != nil {
		return BackupInfo{}, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return BackupInfo{}, err
	}
	info.Bytes = st.Size()
	return info, nil
}

func syncFile(path string) error {
	f, err := os.Open(path) // #nosec G304 -- the operator's backup file (or its directory), given on the command line
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}
