package store

import (
	"context"
	"testing"
	"time"
)

// TestStats checks the monitoring figures against rows written here: the
// outbox queue, the search queue, the digest bookkeeping and the file sizes.
func TestStats(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })

	st, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.OutboxPending != 0 || !st.OutboxOldest.IsZero() || st.DBBytes <= 0 {
		t.Errorf("empty database: Stats = %+v, want no pending mail and a database size", st)
	}

	for i := range 3 {
		if _, err := db.EnqueueMail(ctx, testMail(i)); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Minute)
	}
	due, err := db.DueMail(ctx, now, 1)
	if err != nil || len(due) != 1 {
		t.Fatalf("DueMail = %v, %v", due, err)
	}
	if err := db.MarkMailFailed(ctx, due[0].ID, "550 unknown user", now); err != nil {
		t.Fatal(err)
	}
	res, err := db.write.ExecContext(ctx, `INSERT INTO users (email, display_name, created_at, updated_at) VALUES ('a@b.de', 'A', 0, 0)`)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := res.LastInsertId()
	for _, r := range []struct {
		freq, period string
		sent         bool
		at           time.Time
	}{
		{"daily", "2026-11-21", true, now.Add(-48 * time.Hour)},
		{"daily", "2026-11-22", false, now.Add(-24 * time.Hour)},
		{"weekly", "2026-W47", true, now.Add(-72 * time.Hour)},
	} {
		var outbox any
		if r.sent {
			outbox = due[0].ID
		}
		if _, err := db.write.ExecContext(ctx, `INSERT INTO digest_runs (user_id, frequency, period, outbox_id, created_at) VALUES (?,?,?,?,?)`,
			uid, r.freq, r.period, outbox, ms(r.at)); err != nil {
			t.Fatal(err)
		}
	}

	st, err = db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.OutboxPending != 2 || st.OutboxFailed != 1 {
		t.Errorf("outbox pending %d, failed %d, want 2 and 1", st.OutboxPending, st.OutboxFailed)
	}
	// The oldest mail failed for good; the oldest pending one is the second.
	if want := time.Date(2026, 11, 23, 7, 1, 0, 0, time.UTC); !st.OutboxOldest.Equal(want) {
		t.Errorf("OutboxOldest = %v, want %v", st.OutboxOldest, want)
	}
	if !st.SearchQueue {
		t.Errorf("SearchQueue = false, want the search_queue table")
	}
	want := map[string]DigestStats{
		"daily":  {Sent: 1, Empty: 1, LastRun: now.Add(-24 * time.Hour)},
		"weekly": {Sent: 1, Empty: 0, LastRun: now.Add(-72 * time.Hour)},
	}
	for freq, w := range want {
		if got := st.Digests[freq]; got.Sent != w.Sent || got.Empty != w.Empty || !got.LastRun.Equal(w.LastRun) {
			t.Errorf("Digests[%s] = %+v, want %+v", freq, got, w)
		}
	}
	if st.WALBytes <= 0 {
		t.Errorf("WALBytes = %d, want the write-ahead log of the writes above", st.WALBytes)
	}
}
