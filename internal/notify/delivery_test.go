package notify

import (
	"strings"
	"testing"
	"time"

	"kommunalforum/internal/store"
)

// The SMTP server is down while mail is produced: nothing is lost, and
// after it returns every message arrives exactly once.
func TestOutageDeliversEverythingOnce(t *testing.T) {
	e := newEnv(t, 0)
	s := startSink(t)
	d := e.deliver(s)
	ben := e.user("Ben Berg", "")
	const n = 12
	for i := range n {
		u := e.user("Nutzer "+itoa(i), store.DeliveryImmediate)
		tid, _ := e.thread(u, e.field(), "Thema "+itoa(i), "Frage")
		e.reply(ben, tid, "Antwort "+itoa(i))
	}
	s.stop()
	if got := e.run(); got != n {
		t.Fatalf("RunOnce mailed %d, want %d", got, n)
	}
	for range 3 { // attempts during the outage
		if sent, err := d.RunOnce(e.ctx, e.now); err != nil || sent != 0 {
			t.Fatalf("RunOnce during the outage = %d, %v; want 0, nil", sent, err)
		}
		e.now = e.now.Add(10 * time.Minute)
	}
	s.restart()
	e.now = e.now.Add(7 * time.Hour) // past any backoff
	total := 0
	for {
		sent, err := d.RunOnce(e.ctx, e.now)
		if err != nil {
			t.Fatal(err)
		}
		if sent == 0 {
			break
		}
		total += sent
	}
	if total != n {
		t.Errorf("delivered %d after the outage, want %d", total, n)
	}
	seen := map[string]int{}
	for _, raw := range s.Received() {
		m := parse(t, raw)
		seen[m.Header.Get("Message-Id")]++
	}
	if len(seen) != n {
		t.Errorf("server got %d distinct messages, want %d", len(seen), n)
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("message %s arrived %d times", id, c)
		}
	}
	pending, sent, failed, err := e.db.OutboxStats(e.ctx)
	if err != nil || pending != 0 || sent != n || failed != 0 {
		t.Errorf("outbox stats = %d pending, %d sent, %d failed, %v; want 0, %d, 0", pending, sent, failed, err, n)
	}
	log, err := e.db.MailLog(e.ctx, store.MailFailed, 100, 0)
	if err != nil || len(log) == 0 || !strings.HasPrefix(log[0].Reason, "temporary:") {
		t.Errorf("mail log of failures = %+v, %v; want temporary failures recorded", log, err)
	}
}

// Permanent rejections disable mail to the address after
// max_permanent_failures; the user sees the reason, notifications to the
// address are skipped, and re-enabling lets mail flow again.
func TestPermanentFailuresDisableAddress(t *testing.T) {
	e := newEnv(t, 0)
	s := startSink(t)
	d := e.deliver(s)
	anna, ben := e.user("Anna Schmidt", store.DeliveryImmediate), e.user("Ben Berg", "")
	s.setReject(anna.Email, 550)
	tid, _ := e.thread(anna, e.field(), "Thema", "Frage")
	for i := range 3 {
		e.reply(ben, tid, "Antwort "+itoa(i))
		e.now = e.now.Add(time.Hour)
		if got := e.run(); got != 1 {
			t.Fatalf("reply %d: RunOnce mailed %d, want 1", i, got)
		}
		if _, err := d.RunOnce(e.ctx, e.now); err != nil {
			t.Fatal(err)
		}
	}
	b, err := e.db.BounceOf(e.ctx, anna.Email)
	if err != nil {
		t.Fatal(err)
	}
	if !b.Disabled() || b.Failures != 3 || !strings.Contains(b.LastError, "550") {
		t.Fatalf("bounce = %+v, want disabled after 3 failures with the 550 reply", b)
	}
	u, err := e.db.UserByID(e.ctx, anna.ID)
	if err != nil || !u.MailDisabled {
		t.Errorf("UserByID(Anna).MailDisabled = %v, %v; want true (the banner)", u.MailDisabled, err)
	}
	e.reply(ben, tid, "Noch eine")
	e.now = e.now.Add(time.Hour)
	if got := e.run(); got != 0 {
		t.Errorf("RunOnce mailed %d to a disabled address, want 0", got)
	}
	skipped, err := e.db.MailLog(e.ctx, store.MailSkipped, 10, 0)
	if err != nil || len(skipped) == 0 || !strings.Contains(skipped[0].Reason, "disabled") {
		t.Errorf("skipped log = %+v, %v; want the disabled address as reason", skipped, err)
	}
	// Anna fixed her mailbox and switches mail back on.
	s.setReject(anna.Email, 0)
	if err := e.db.ReenableMail(e.ctx, anna.ID, anna.Email); err != nil {
		t.Fatal(err)
	}
	e.reply(ben, tid, "Wieder da")
	e.now = e.now.Add(time.Hour)
	if got := e.run(); got != 1 {
		t.Errorf("after re-enabling RunOnce mailed %d, want 1", got)
	}
	if sent, err := d.RunOnce(e.ctx, e.now); err != nil || sent != 1 {
		t.Errorf("delivery after re-enabling = %d, %v; want 1", sent, err)
	}
}

// One-click unsubscribe data path: Unsubscribe mutes only the stream.
func TestUnsubscribeStreams(t *testing.T) {
	e := newEnv(t, 0)
	anna := e.user("Anna Schmidt", store.DeliveryDaily)
	f := e.field()
	tid, _ := e.thread(anna, f, "Thema", "Frage")
	if err := e.db.SetSubscription(e.ctx, anna.ID, f.ID, 0, store.LevelWatching); err != nil {
		t.Fatal(err)
	}
	if err := e.db.Unsubscribe(e.ctx, anna.ID, 0, tid, "", ""); err != nil {
		t.Fatal(err)
	}
	if l, _ := e.db.SubscriptionLevel(e.ctx, anna.ID, 0, tid); l != store.LevelMuted {
		t.Errorf("thread level after unsubscribe = %q, want muted", l)
	}
	if l, _ := e.db.SubscriptionLevel(e.ctx, anna.ID, f.ID, 0); l != store.LevelWatching {
		t.Errorf("field level after unsubscribing the thread = %q, want watching (other stream)", l)
	}
	if err := e.db.Unsubscribe(e.ctx, anna.ID, 0, 0, "daily", "weekly"); err != nil {
		t.Fatal(err)
	}
	m, _ := e.db.MailSettingsOf(e.ctx, anna.ID)
	if m.Delivery != store.DeliveryWeekly || m.FieldDelivery != store.DeliveryWeekly || !m.Consented() {
		t.Errorf("settings after 'less often' = %+v, want weekly and consent kept", m)
	}
}
