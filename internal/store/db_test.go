package store

import (
	"context"
	"path/filepath"
	"testing"
)

// newTestDB opens a fresh database file in a temp dir with migrations applied.
func newTestDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "forum.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenAppliesMigrationsAndPragmas(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	v, err := db.SchemaVersion(ctx)
	if err != nil || v < 1 {
		t.Fatalf("SchemaVersion = %d, %v; want >= 1", v, err)
	}
	checks := []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"synchronous", "2"},
		{"foreign_keys", "1"},
	}
	for _, c := range checks {
		var got string
		if err := db.write.QueryRowContext(ctx, "PRAGMA "+c.pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", c.pragma, err)
		}
		if got != c.want {
			t.Errorf("writer PRAGMA %s = %q, want %q", c.pragma, got, c.want)
		}
		if err := db.read.QueryRowContext(ctx, "PRAGMA "+c.pragma).Scan(&got); err != nil {
			t.Fatalf("reader PRAGMA %s: %v", c.pragma, err)
		}
		if got != c.want {
			t.Errorf("reader PRAGMA %s = %q, want %q", c.pragma, got, c.want)
		}
	}
	// The reader pool must not be able to write.
	if _, err := db.read.ExecContext(ctx, "CREATE TABLE x (a)"); err == nil {
		t.Error("reader pool accepted a write")
	}
}

func TestReopenKeepsVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "forum.db")
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("Open #%d: %v", i, err)
		}
		db.Close()
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	if _, err := db.write.ExecContext(ctx, "INSERT INTO audit_log (action, target_type, target_id, created_at) VALUES ('x','y',1,0)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, "UPDATE audit_log SET action='z'"); err == nil {
		t.Error("UPDATE on audit_log succeeded")
	}
	if _, err := db.write.ExecContext(ctx, "DELETE FROM audit_log"); err == nil {
		t.Error("DELETE on audit_log succeeded")
	}
}
