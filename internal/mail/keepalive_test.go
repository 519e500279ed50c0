package mail

import (
	"fmt"
	"testing"

	"kommunalforum/internal/store"
)

// A queue longer than one batch travels over one kept connection; after
// CloseIdle the next batch dials again.
func TestDeliverKeepsConnectionAcrossBatches(t *testing.T) {
	ts := startServer(t, serverOptions{})
	db := newTestDB(t)
	var mails []store.OutboxMail
	for i := range 2*batchSize + 5 {
		mails = append(mails, store.OutboxMail{Recipient: fmt.Sprintf("n%d@example.org", i), Subject: "Zusammenfassung"})
	}
	enqueue(t, db, mails...)
	s := plainSender(ts.Port)
	d := NewDeliverer(db, s, testFrom, testLogger(t))
	total := 0
	for range 3 {
		total += runOnce(t, d, t0)
	}
	if total != len(mails) || len(ts.Received()) != len(mails) {
		t.Fatalf("sent %d, server received %d; want %d", total, len(ts.Received()), len(mails))
	}
	if n := ts.Conns(); n != 1 {
		t.Errorf("three batches used %d connections, want 1", n)
	}
	s.CloseIdle()
	enqueue(t, db, store.OutboxMail{Recipient: "spaet@example.org", Subject: "Später"})
	if sent := runOnce(t, d, t0); sent != 1 {
		t.Fatalf("RunOnce after CloseIdle sent %d, want 1", sent)
	}
	if n := ts.Conns(); n != 2 {
		t.Errorf("after CloseIdle the server saw %d connections, want 2", n)
	}
}
