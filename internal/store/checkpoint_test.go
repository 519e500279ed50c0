package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCheckpointTruncatesWAL: after writes, a checkpoint copies the WAL
// into the database and leaves the WAL file empty, also while readers keep
// coming (each reader's snapshot ends within the busy timeout).
func TestCheckpointTruncatesWAL(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "forum.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	u := seedUser(t, db, "anna@kreis-musterland.de")
	field := seedFields(t, db)[0].ID
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // a steady stream of short reads, as under load
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				db.LatestThreads(ctx, Viewer{}, 10)
			}
		}
	}()
	for range 50 {
		seedThread(t, db, u.ID, field, "Thema", "Text")
	}
	walSize := func() int64 {
		st, err := os.Stat(path + "-wal")
		if err != nil {
			return 0
		}
		return st.Size()
	}
	if walSize() == 0 {
		t.Fatal("no WAL after 50 writes; the test would prove nothing")
	}
	var st CheckpointStats
	deadline := time.Now().Add(10 * time.Second)
	for {
		if st, err = db.Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
		if !st.Busy || time.Now().After(deadline) {
			break
		}
	}
	close(stop)
	<-done
	if st.Busy || walSize() != 0 {
		t.Errorf("checkpoint busy=%v, WAL %d bytes; want done and empty", st.Busy, walSize())
	}
}
