package store

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"
)

// TestPruneMail builds mail records on both sides of the retention limit,
// more than one batch of each, and checks that exactly the old ones go,
// that mail still to be delivered stays whatever its age, and that the
// foreign keys between outbox, log and digest runs still hold.
func TestPruneMail(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	keep := 30 * 24 * time.Hour
	old := now.Add(-keep - 20*24*time.Hour) // well beyond the limit
	u := seedUser(t, db, "anna@kreis-musterland.de")
	field := seedFields(t, db)[0].ID
	thread := seedThread(t, db, u.ID, field, "Digitaler Bauantrag", "Wer nutzt ihn schon?")

	exec := func(q string, args ...any) int64 {
		t.Helper()
		res, err := db.write.ExecContext(ctx, q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		id, _ := res.LastInsertId()
		return id
	}
	mail := func(created time.Time, done string, at time.Time) int64 {
		t.Helper()
		id := exec(`INSERT INTO outbox (message_id, recipient, subject, body_text, created_at, next_attempt_at) VALUES (?, ?, 'Betreff', 'Text', ?, ?)`,
			fmt.Sprintf("<%d.%d@test>", created.UnixNano(), len(done)), u.Email, ms(created), ms(created))
		if done != "" {
			exec(`UPDATE outbox SET `+done+` = ? WHERE id = ?`, ms(at), id)
		}
		return id
	}

	// 2,500 old delivered mails with one still pending in their midst,
	// each with a log entry; the first 1,200 were digests.
	var oldMails []int64
	var pendingOld int64
	for i := range 2500 {
		at := old.Add(time.Duration(i) * time.Second)
		if i == 1200 {
			pendingOld = mail(at, "", time.Time{})
			continue
		}
		id := mail(at, "sent_at", at)
		oldMails = append(oldMails, id)
		exec(`INSERT INTO mail_log (outbox_id, user_id, recipient, kind, status, created_at) VALUES (?, ?, ?, 'digest', 'sent', ?)`, id, u.ID, u.Email, ms(at))
		if i < 1200 {
			exec(`INSERT INTO digest_runs (user_id, frequency, period, outbox_id, items, created_at) VALUES (?, 'daily', ?, ?, 3, ?)`,
				u.ID, fmt.Sprintf("p%04d", i), id, ms(at))
		}
	}
	failedOld := mail(old, "failed_at", now.Add(-keep-2*24*time.Hour))
	// Just past the limit: the outbox keeps a day's margin for the rows
	// that point at it.
	margin := mail(now.Add(-keep-12*time.Hour), "sent_at", now.Add(-keep-12*time.Hour))
	recent := mail(now.Add(-24*time.Hour), "sent_at", now.Add(-24*time.Hour))
	recentLog := exec(`INSERT INTO mail_log (outbox_id, user_id, recipient, kind, status, created_at) VALUES (?, ?, ?, 'reply', 'sent', ?)`, recent, u.ID, u.Email, ms(now.Add(-24*time.Hour)))
	exec(`INSERT INTO digest_runs (user_id, frequency, period, outbox_id, items, created_at) VALUES (?, 'weekly', 'recent', ?, 1, ?)`, u.ID, recent, ms(now.Add(-24*time.Hour)))

	// Notifications: 1,100 old ones (sent or not) and 5 recent ones.
	var recentNotes []int64
	for i := range 1105 {
		at := old.Add(time.Duration(i) * time.Second)
		if i >= 1100 {
			at = now.Add(-time.Duration(i) * time.Minute)
		}
		ev := exec(`INSERT INTO events (kind, thread_id, created_at) VALUES ('reply', ?, ?)`, thread, ms(at))
		id := exec(`INSERT INTO notifications (user_id, event_id, reason, thread_id, topic_field_id, created_at, due_at, sent_at)
			VALUES (?, ?, 'watching', ?, ?, ?, ?, CASE WHEN ? % 2 = 0 THEN ? END)`, u.ID, ev, thread, field, ms(at), ms(at), i, ms(at))
		if i >= 1100 {
			recentNotes = append(recentNotes, id)
		}
	}

	db.SetClock(func() time.Time { return now })
	before, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, err := db.PruneMail(ctx, now.Add(-keep))
	if err != nil {
		t.Fatalf("PruneMail: %v", err)
	}
	want := PruneStats{Outbox: int64(len(oldMails)) + 1, MailLog: int64(len(oldMails)), Notifications: 1100, DigestRuns: 1200}
	if st != want {
		t.Errorf("PruneMail = %+v, want %+v", st, want)
	}

	ids := func(q string) []int64 {
		t.Helper()
		rows, err := db.read.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			out = append(out, id)
		}
		return out
	}
	for _, tc := range []struct {
		table, q string
		want     []int64
	}{
		{"outbox", `SELECT id FROM outbox ORDER BY id`, []int64{pendingOld, margin, recent}},
		{"mail_log", `SELECT id FROM mail_log ORDER BY id`, []int64{recentLog}},
		{"notifications", `SELECT id FROM notifications ORDER BY id`, recentNotes},
		{"digest_runs", `SELECT outbox_id FROM digest_runs ORDER BY created_at`, []int64{recent}},
	} {
		if got := ids(tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("%s after pruning = %v, want %v", tc.table, got, tc.want)
		}
	}
	if slices.Contains(ids(`SELECT id FROM outbox`), failedOld) {
		t.Error("an old failed mail was kept")
	}
	if v := ids(`SELECT count(*) FROM pragma_foreign_key_check`); v[0] != 0 {
		t.Errorf("%d foreign key violations after pruning", v[0])
	}

	// The digest counts on /metrics are counters: pruning must not
	// lower them, nor forget when the last run was.
	after, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after.Digests, before.Digests) {
		t.Errorf("digest stats after pruning = %+v, before %+v", after.Digests, before.Digests)
	}
	if d := before.Digests["daily"]; d.Sent != 1200 {
		t.Errorf("daily digests before pruning = %+v, want 1200 sent", d)
	}

	// A second pass finds nothing more.
	if st, err := db.PruneMail(ctx, now.Add(-keep)); err != nil || st != (PruneStats{}) {
		t.Errorf("second PruneMail = %+v, %v; want nothing pruned", st, err)
	}
}
