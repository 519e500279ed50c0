package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// A transaction of ProcessEvents stops once it wrote maxFanOutRows
// notifications (finishing the event it started), says more are
// waiting, and the next calls pick up the rest: nothing lost, nothing
// doubled.
func TestProcessEventsBoundsFanOut(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	author := seedUser(t, db, "autorin@kreis-musterland.de")
	th, _, err := db.CreateThread(ctx, NewThread{TopicFieldID: fs[0].ID, AuthorID: author.ID, Title: "Kita-Anmeldung online",
		Slug: "kita-anmeldung-online", Body: "Wer hat Erfahrung?", BodyHTML: "<p>Wer hat Erfahrung?</p>"})
	if err != nil {
		t.Fatal(err)
	}
	// Three trackers who posted in the thread, with mail consent.
	for i := range 3 {
		u := seedUser(t, db, fmt.Sprintf("tracker%d@kreis-musterland.de", i))
		if err := db.SaveMailSettings(ctx, u.ID, "daily", "off", true, "Einwilligung"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreatePost(ctx, th, u.ID, "Wir auch.", "<p>Wir auch.</p>"); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := db.ProcessEvents(ctx, time.Minute, 200); err != nil { // the setup's own events
		t.Fatal(err)
	}
	var before int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	old := maxFanOutRows
	maxFanOutRows = 4
	t.Cleanup(func() { maxFanOutRows = old })
	// Five replies by a fourth user: three (or four) recipients each.
	replier := seedUser(t, db, "antwort@kreis-musterland.de")
	for range 5 {
		if _, err := db.CreatePost(ctx, th, replier.ID, "Bei uns seit 2024.", "<p>Bei uns seit 2024.</p>"); err != nil {
			t.Fatal(err)
		}
	}
	var calls, events int
	for {
		n, more, err := db.ProcessEvents(ctx, time.Minute, 200)
		if err != nil {
			t.Fatal(err)
		}
		calls++
		events += n
		if n > 2 {
			t.Errorf("one transaction processed %d events of 3+ recipients each, with a budget of 4 rows", n)
		}
		if !more {
			break
		}
		if calls > 10 {
			t.Fatal("ProcessEvents keeps saying more are waiting")
		}
	}
	var after, pending int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM events WHERE processed_at IS NULL`).Scan(&pending); err != nil {
		t.Fatal(err)
	}
	if events != 5 || pending != 0 || calls < 3 {
		t.Errorf("processed %d events in %d calls, %d still waiting; want 5 in at least 3 calls, none waiting", events, calls, pending)
	}
	if got := after - before; got < 15 {
		t.Errorf("%d notifications for 5 replies to 3 trackers, want at least 15", got)
	}
}
