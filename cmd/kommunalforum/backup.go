package main

import (
	"context"
	"fmt"
	"io"

	"kommunalforum/internal/store"
)

// cmdBackup writes a consistent online backup of the database while the
// forum may keep serving. The search index is derived data and rebuilt from
// the database on start, so the database file is the whole backup.
func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, com := newFlags("backup", stderr)
	out := fs.String("out", "", "file to write the backup to (must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{"say where to write the backup: --out FILE"}
	}
	cfg, err := com.load(nil)
	if err != nil {
		return err
	}
	info, err := store.Backup(ctx, cfg.DBPath(), *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s: %d bytes, %d threads, %d posts, integrity ok\n",
		*out, info.Bytes, info.Threads, info.Posts)
	return nil
}
