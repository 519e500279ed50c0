package store

import (
	"context"
	"fmt"
)

// SetMaxSize caps the database file at about maxBytes (0 removes the cap):
// an operator's quota that keeps the forum from filling the disk it shares.
// At the cap, writes fail with ErrFull exactly as on a full disk. It sets
// PRAGMA max_page_count on the single writer connection, which lives as
// long as the DB, so the cap holds for every write.
func (db *DB) SetMaxSize(ctx context.Context, maxBytes int64) error {
	var pageSize int64
	if err := db.write.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize); err != nil {
		return err
	}
	pages := int64(1<<32 - 2) // SQLite's default maximum
	if maxBytes > 0 {
		pages = max(1, maxBytes/pageSize)
	}
	var got int64
	if err := db.write.QueryRowContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages)).Scan(&got); err != nil {
		return err
	}
	return nil
}

// Size is the database's current size in bytes (pages in use).
func (db *DB) Size(ctx context.Context) (int64, error) {
	var pages, pageSize int64
	if err := db.read.QueryRowContext(ctx, "SELECT page_count, page_size FROM pragma_page_count(), pragma_page_size()").Scan(&pages, &pageSize); err != nil {
		return 0, err
	}
	return pages * pageSize, nil
}
