package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kommunalforum/internal/store"
)

const testFrom = "forum@kommunalforum.example"

var t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// newTestDB opens a migrated store in a temp dir whose clock stands at t0.
func newTestDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "forum.db"))
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetClock(func() time.Time { return t0 })
	return db
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, nil))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// enqueue puts mails for the given recipients into the outbox and returns
// what was enqueued, in order.
func enqueue(t *testing.T, db *store.DB, mails ...store.OutboxMail) []store.OutboxMail {
	t.Helper()
	for i := range mails {
		if mails[i].MessageID == "" {
			mails[i].MessageID = NewMessageID("kommunalforum.example")
		}
		if mails[i].BodyText == "" {
			mails[i].BodyText = "Guten Tag,\nbitte prüfen Sie die Änderungen.\n"
		}
		id, err := db.EnqueueMail(context.Background(), mails[i])
		if err != nil {
			t.Fatalf("EnqueueMail: %v", err)
		}
		mails[i].ID = id
	}
	return mails
}

func checkStats(t *testing.T, db *store.DB, pending, sent, failed int) {
	t.Helper()
	p, s, f, err := db.OutboxStats(context.Background())
	if err != nil {
		t.Fatalf("OutboxStats: %v", err)
	}
	if p != pending || s != sent || f != failed {
		t.Errorf("OutboxStats = pending %d, sent %d, failed %d; want %d, %d, %d", p, s, f, pending, sent, failed)
	}
}

// pendingMail returns the pending outbox rows, whenever due.
func pendingMail(t *testing.T, db *store.DB) []store.OutboxMail {
	t.Helper()
	due, err := db.DueMail(context.Background(), t0.AddDate(1, 0, 0), 1000)
	if err != nil {
		t.Fatalf("DueMail: %v", err)
	}
	return due
}

func plainSender(port int) *SMTPSender {
	return NewSMTPSender(SMTPConfig{Host: "127.0.0.1", Port: port, TLS: "none", HELO: "forum.test"})
}

func runOnce(t *testing.T, d *Deliverer, now time.Time) int {
	t.Helper()
	sent, err := d.RunOnce(context.Background(), now)
	if err != nil {
		t.Fatalf("RunOnce(%v): %v", now, err)
	}
	return sent
}

// parsed is a received message taken apart.
type parsed struct {
	header  netmail.Header
	subject string            // decoded
	parts   map[string]string // media type -> decoded body
}

func parseMessage(t *testing.T, raw []byte) parsed {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("ReadMessage: %v\n%s", err, raw)
	}
	p := parsed{header: msg.Header, parts: map[string]string{}}
	rawSubject := msg.Header.Get("Subject")
	if !strings.Contains(rawSubject, "=?UTF-8?") {
		t.Errorf("Subject %q is not RFC 2047 encoded", rawSubject)
	}
	p.subject, err = new(mime.WordDecoder).DecodeHeader(rawSubject)
	if err != nil {
		t.Errorf("decode Subject %q: %v", rawSubject, err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type: %v", err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		p.parts[mt] = decodeBody(t, msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
		return p
	}
	if mt != "multipart/alternative" {
		t.Errorf("Content-Type = %s, want multipart/alternative", mt)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("NextPart: %v", err)
		}
		pt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		// NextPart already decodes quoted-printable and drops the header.
		p.parts[pt] = decodeBody(t, part.Header.Get("Content-Transfer-Encoding"), part)
	}
	return p
}

func decodeBody(t *testing.T, cte string, r io.Reader) string {
	t.Helper()
	if strings.EqualFold(cte, "quoted-printable") {
		r = quotedprintable.NewReader(r)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

// (a) Plain SMTP: three German mails arrive intact and are marked sent.
func TestDeliverPlainSMTP(t *testing.T) {
	ts := startServer(t, serverOptions{})
	db := newTestDB(t)
	mails := enqueue(t, db,
		store.OutboxMail{Recipient: "amt@landkreis.example", Subject: "Änderung der Zuständigkeit für Anträge",
			BodyHTML: "<p>Bitte prüfen Sie die <b>Änderungen</b>.</p>"},
		store.OutboxMail{Recipient: "buero@stadt-koeln.example", Subject: "Grüße aus Köln – Übergangsfrist"},
		store.OutboxMail{Recipient: "it@gemeinde.example", Subject: "Straßenbeleuchtung: Maßnahmen größer als geplant",
			BodyHTML: "<p>Straße</p>"},
	)
	d := NewDeliverer(db, plainSender(ts.Port), testFrom, testLogger(t))

	if sent := runOnce(t, d, t0); sent != 3 {
		t.Fatalf("RunOnce sent %d, want 3", sent)
	}
	got := ts.Received()
	if len(got) != 3 {
		t.Fatalf("server received %d messages, want 3", len(got))
	}
	for i, want := range mails {
		r := got[i]
		if r.From != testFrom || len(r.To) != 1 || r.To[0] != want.Recipient {
			t.Errorf("envelope %d = %s -> %v, want %s -> %s", i, r.From, r.To, testFrom, want.Recipient)
		}
		p := parseMessage(t, r.Data)
		if id := p.header.Get("Message-ID"); id != want.MessageID {
			t.Errorf("Message-ID = %q, want %q", id, want.MessageID)
		}
		if p.subject != want.Subject {
			t.Errorf("decoded Subject = %q, want %q", p.subject, want.Subject)
		}
		for h, v := range map[string]string{
			"Auto-Submitted": "auto-generated", "User-Agent": "Kommunalforum", "X-Mailer": "Kommunalforum",
			"From": "<" + testFrom + ">", "To": "<" + want.Recipient + ">",
		} {
			if got := p.header.Get(h); got != v {
				t.Errorf("header %s = %q, want %q", h, got, v)
			}
		}
		if _, err := p.header.Date(); err != nil {
			t.Errorf("Date header: %v", err)
		}
		if text := p.parts["text/plain"]; text != want.BodyText {
			t.Errorf("text/plain part = %q, want %q", text, want.BodyText)
		}
		html, hasHTML := p.parts["text/html"]
		if want.BodyHTML == "" && (hasHTML || len(p.parts) != 1) {
			t.Errorf("mail without HTML has parts %v, want text/plain only", p.parts)
		}
		if want.BodyHTML != "" && html != want.BodyHTML {
			t.Errorf("text/html part = %q, want %q", html, want.BodyHTML)
		}
	}
	checkStats(t, db, 0, 3, 0)
	if sent := runOnce(t, d, t0.Add(time.Hour)); sent != 0 || len(ts.Received()) != 3 {
		t.Errorf("second RunOnce sent %d (server has %d), want nothing new", sent, len(ts.Received()))
	}
}

// (b) One batch travels over one connection.
func TestDeliverReusesConnection(t *testing.T) {
	ts := startServer(t, serverOptions{})
	db := newTestDB(t)
	enqueue(t, db,
		store.OutboxMail{Recipient: "a@example.org", Subject: "Eins ä"},
		store.OutboxMail{Recipient: "b@example.org", Subject: "Zwei ö"},
		store.OutboxMail{Recipient: "c@example.org", Subject: "Drei ü"},
	)
	d := NewDeliverer(db, plainSender(ts.Port), testFrom, testLogger(t))
	if sent := runOnce(t, d, t0); sent != 3 {
		t.Fatalf("RunOnce sent %d, want 3", sent)
	}
	if n := len(ts.Received()); n != 3 {
		t.Errorf("server received %d messages, want 3", n)
	}
	if n := ts.Conns(); n != 1 {
		t.Errorf("server saw %d connections, want 1", n)
	}
}

// (c) STARTTLS with a self-signed certificate, then AUTH PLAIN.
func TestDeliverSTARTTLSAuth(t *testing.T) {
	serverTLS, clientTLS := selfSignedTLS(t)
	ts := startServer(t, serverOptions{starttls: serverTLS, user: "forum", pass: "geheim-ß"})
	db := newTestDB(t)
	mails := enqueue(t, db,
		store.OutboxMail{Recipient: "a@example.org", Subject: "Bestätigen Sie Ihre Adresse"},
		store.OutboxMail{Recipient: "b@example.org", Subject: "Passwort zurücksetzen"},
	)
	s := NewSMTPSender(SMTPConfig{Host: "127.0.0.1", Port: ts.Port, TLS: "starttls", Username: "forum", Password: "geheim-ß"})
	s.TLSConfig = clientTLS
	d := NewDeliverer(db, s, testFrom, testLogger(t))

	if sent := runOnce(t, d, t0); sent != 2 {
		t.Fatalf("RunOnce sent %d, want 2", sent)
	}
	got := ts.Received()
	if len(got) != 2 {
		t.Fatalf("server received %d messages, want 2", len(got))
	}
	for i, r := range got {
		if !r.TLS || r.User != "forum" {
			t.Errorf("message %d: TLS %v, user %q; want TLS and user forum", i, r.TLS, r.User)
		}
		if id := parseMessage(t, r.Data).header.Get("Message-ID"); id != mails[i].MessageID {
			t.Errorf("Message-ID = %q, want %q", id, mails[i].MessageID)
		}
	}
	if n := ts.Conns(); n != 1 {
		t.Errorf("server saw %d connections, want 1", n)
	}
	checkStats(t, db, 0, 2, 0)
}

// A wrong password is the operator's problem, not the mail's: retry.
func TestDeliverWrongPasswordRetries(t *testing.T) {
	serverTLS, clientTLS := selfSignedTLS(t)
	ts := startServer(t, serverOptions{starttls: serverTLS, user: "forum", pass: "richtig"})
	db := newTestDB(t)
	enqueue(t, db, store.OutboxMail{Recipient: "a@example.org", Subject: "Hallo Welt ä"})
	s := NewSMTPSender(SMTPConfig{Host: "127.0.0.1", Port: ts.Port, TLS: "starttls", Username: "forum", Password: "falsch"})
	s.TLSConfig = clientTLS
	d := NewDeliverer(db, s, testFrom, testLogger(t))

	if sent := runOnce(t, d, t0); sent != 0 {
		t.Fatalf("RunOnce sent %d, want 0", sent)
	}
	p := pendingMail(t, db)
	if len(p) != 1 || p[0].Attempts != 1 || !strings.Contains(p[0].LastError, "535") {
		t.Errorf("pending = %+v, want one retry with a 535 error", p)
	}
	if strings.Contains(p[0].LastError, "falsch") {
		t.Errorf("last error %q contains the password", p[0].LastError)
	}
}

// Without the test CA the self-signed certificate is refused.
func TestDeliverSTARTTLSUntrusted(t *testing.T) {
	serverTLS, _ := selfSignedTLS(t)
	ts := startServer(t, serverOptions{starttls: serverTLS})
	errs := NewSMTPSender(SMTPConfig{Host: "127.0.0.1", Port: ts.Port, TLS: "starttls"}).Send(
		context.Background(), []Message{testMessage("a@example.org")})
	if errs[0] == nil || !Temporary(errs[0]) {
		t.Errorf("Send = %v, want a temporary certificate error", errs[0])
	}
	if n := len(ts.Received()); n != 0 {
		t.Errorf("server received %d messages, want 0", n)
	}
}

// Implicit TLS ("tls", port 465 style).
func TestSendImplicitTLS(t *testing.T) {
	serverTLS, clientTLS := selfSignedTLS(t)
	ts := startServer(t, serverOptions{implicit: serverTLS})
	s := NewSMTPSender(SMTPConfig{Host: "127.0.0.1", Port: ts.Port, TLS: "tls"})
	s.TLSConfig = clientTLS
	errs := s.Send(context.Background(), []Message{testMessage("a@example.org"), testMessage("b@example.org")})
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("Send = %v", errs)
	}
	if n := len(ts.Received()); n != 2 {
		t.Errorf("server received %d messages, want 2", n)
	}
}

func testMessage(to string) Message {
	return Message{MessageID: NewMessageID("test.example"), From: testFrom, To: to, Subject: "Prüfung", Text: "Hallo"}
}

// (d) A 4xx for one recipient: that mail is retried in about a minute, the
// others on the same connection are sent.
func TestDeliverTemporaryRejection(t *testing.T) {
	ts := startServer(t, serverOptions{})
	ts.Reject("voll@example.org", 452)
	db := newTestDB(t)
	mails := enqueue(t, db,
		store.OutboxMail{Recipient: "a@example.org", Subject: "Erste Nachricht ä"},
		store.OutboxMail{Recipient: "voll@example.org", Subject: "Zweite Nachricht ö"},
		store.OutboxMail{Recipient: "c@example.org", Subject: "Dritte Nachricht ü"},
	)
	d := NewDeliverer(db, plainSender(ts.Port), testFrom, testLogger(t))

	if sent := runOnce(t, d, t0); sent != 2 {
		t.Fatalf("RunOnce sent %d, want 2", sent)
	}
	if n := len(ts.Received()); n != 2 {
		t.Errorf("server received %d messages, want 2", n)
	}
	checkStats(t, db, 1, 2, 0)
	p := pendingMail(t, db)
	if len(p) != 1 || p[0].ID != mails[1].ID {
		t.Fatalf("pending = %+v, want mail %d", p, mails[1].ID)
	}
	r := p[0]
	lo, hi := t0.Add(54*time.Second), t0.Add(66*time.Second)
	if r.Attempts != 1 || r.NextAttemptAt.Before(lo) || r.NextAttemptAt.After(hi) {
		t.Errorf("retry: attempts %d, next %v; want 1 and between %v and %v", r.Attempts, r.NextAttemptAt, lo, hi)
	}
	if !strings.Contains(r.LastError, "452") {
		t.Errorf("last error = %q, want the 452 reply", r.LastError)
	}
	// Not due before the backoff has passed.
	if sent := runOnce(t, d, lo.Add(-time.Second)); sent != 0 {
		t.Errorf("RunOnce before the backoff sent %d, want 0", sent)
	}
}

// (e) A 5xx reply fails the mail for good.
func TestDeliverPermanentRejection(t *testing.T) {
	ts := startServer(t, serverOptions{})
	ts.Reject("gibtsnicht@example.org", 550)
	db := newTestDB(t)
	enqueue(t, db,
		store.OutboxMail{Recipient: "gibtsnicht@example.org", Subject: "Unzustellbar ä"},
		store.OutboxMail{Recipient: "b@example.org", Subject: "Zustellbar ö"},
	)
	d := NewDeliverer(db, plainSender(ts.Port), testFrom, testLogger(t))
	if sent := runOnce(t, d, t0); sent != 1 {
		t.Fatalf("RunOnce sent %d, want 1", sent)
	}
	checkStats(t, db, 0, 1, 1)
	if p := pendingMail(t, db); len(p) != 0 {
		t.Errorf("pending = %+v, want none", p)
	}
}

// After maxAttempts temporary failures a mail fails.
func TestDeliverGivesUpAfterMaxAttempts(t *testing.T) {
	ts := startServer(t, serverOptions{})
	ts.Reject("voll@example.org", 451)
	db := newTestDB(t)
	enqueue(t, db, store.OutboxMail{Recipient: "voll@example.org", Subject: "Geduld ä"})
	d := NewDeliverer(db, plainSender(ts.Port), testFrom, testLogger(t))

	now := t0
	for i := 1; i < maxAttempts; i++ {
		runOnce(t, d, now)
		p := pendingMail(t, db)
		if len(p) != 1 || p[0].Attempts != i {
			t.Fatalf("after attempt %d: pending = %+v, want attempts %d", i, p, i)
		}
		now = p[0].NextAttemptAt
	}
	runOnce(t, d, now)
	checkStats(t, db, 0, 0, 1)
}

// (f) Server down: all mails are kept for retry; once it is back they are
// delivered and none is lost.
func TestDeliverServerDown(t *testing.T) {
	port := closedPort(t)
	db := newTestDB(t)
	mails := enqueue(t, db,
		store.OutboxMail{Recipient: "a@example.org", Subject: "Ausfall eins ä"},
		store.OutboxMail{Recipient: "b@example.org", Subject: "Ausfall zwei ö"},
		store.OutboxMail{Recipient: "c@example.org", Subject: "Ausfall drei ü"},
	)
	d := NewDeliverer(db, plainSender(port), testFrom, testLogger(t))

	if sent := runOnce(t, d, t0); sent != 0 {
		t.Fatalf("RunOnce with server down sent %d, want 0", sent)
	}
	p := pendingMail(t, db)
	if len(p) != 3 {
		t.Fatalf("pending = %d mails, want 3", len(p))
	}
	for _, m := range p {
		if m.Attempts != 1 || m.LastError == "" || !m.NextAttemptAt.After(t0) {
			t.Errorf("mail %d: attempts %d, next %v, error %q; want a scheduled retry", m.ID, m.Attempts, m.NextAttemptAt, m.LastError)
		}
	}

	ts := startServer(t, serverOptions{addr: addrOf(port)})
	if sent := runOnce(t, d, t0.Add(2*time.Minute)); sent != 3 {
		t.Fatalf("RunOnce with server up sent %d, want 3", sent)
	}
	checkStats(t, db, 0, 3, 0)
	got := map[string]bool{}
	for _, r := range ts.Received() {
		got[parseMessage(t, r.Data).header.Get("Message-ID")] = true
	}
	for _, m := range mails {
		if !got[m.MessageID] {
			t.Errorf("mail %s was not delivered", m.MessageID)
		}
	}
}

// (h) Run delivers on Wake without waiting for the tick and returns when
// its context ends.
func TestRunWake(t *testing.T) {
	ts := startServer(t, serverOptions{})
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "forum.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d := NewDeliverer(db, plainSender(ts.Port), testFrom, testLogger(t))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Run(ctx, time.Hour) // the ticker never fires during the test
	}()
	defer func() {
		cancel()
		<-done
	}()

	for i := 1; i <= 2; i++ {
		enqueue(t, db, store.OutboxMail{Recipient: fmt.Sprintf("r%d@example.org", i), Subject: "Weckruf ä"})
		d.Wake()
		waitFor(t, fmt.Sprintf("%d mails sent", i), func() bool {
			_, sent, _, err := db.OutboxStats(context.Background())
			return err == nil && sent == i
		})
	}
	if n := len(ts.Received()); n != 2 {
		t.Errorf("server received %d messages, want 2", n)
	}

	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

// Wake never blocks, even when nobody runs.
func TestWakeNonBlocking(t *testing.T) {
	d := NewDeliverer(nil, nil, testFrom, nil)
	for range 3 {
		d.Wake()
	}
}

// waitFor polls cond every few milliseconds until it holds or 5 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestBackoff(t *testing.T) {
	for attempts, base := range map[int]time.Duration{
		1: time.Minute, 2: 2 * time.Minute, 3: 4 * time.Minute, 9: 256 * time.Minute,
		10: 6 * time.Hour, 11: 6 * time.Hour, 50: 6 * time.Hour,
	} {
		for range 100 {
			got := backoff(attempts)
			if lo, hi := base*9/10, base*11/10; got < lo || got > hi {
				t.Fatalf("backoff(%d) = %v, want %v ±10%%", attempts, got, base)
			}
		}
	}
}

func TestTemporary(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"timeout", context.DeadlineExceeded, true},
		{"unknown", errors.New("boom"), true},
		{"bad address", &permanentError{errors.New("bad address")}, false},
		{"connection 5xx", &connError{errors.New("535 auth failed")}, true},
		{"closed port", plainSender(closedPort(t)).Send(context.Background(), []Message{testMessage("a@example.org")})[0], true},
		{"invalid recipient", plainSender(1).Send(context.Background(), []Message{testMessage("kein adressat")})[0], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Temporary(tt.err); got != tt.want {
				t.Errorf("Temporary(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestNewMessageID(t *testing.T) {
	a, b := NewMessageID("forum.example"), NewMessageID("forum.example")
	if a == b {
		t.Errorf("NewMessageID returned %q twice", a)
	}
	addr, err := netmail.ParseAddress(strings.Trim(a, "<>"))
	if !strings.HasPrefix(a, "<") || !strings.HasSuffix(a, "@forum.example>") || len(a) != len("<@forum.example>")+32 || err != nil {
		t.Errorf("NewMessageID = %q (%v, %v), want <32 hex digits@forum.example>", a, addr, err)
	}
}

// A message that cannot be composed fails alone; the others are sent.
func TestSendInvalidMessage(t *testing.T) {
	ts := startServer(t, serverOptions{})
	msgs := []Message{testMessage("a@example.org"), testMessage("kein adressat"), testMessage("c@example.org")}
	errs := plainSender(ts.Port).Send(context.Background(), msgs)
	if errs[0] != nil || errs[1] == nil || errs[2] != nil {
		t.Errorf("Send = %v, want only the second to fail", errs)
	}
	if n := len(ts.Received()); n != 2 {
		t.Errorf("server received %d messages, want 2", n)
	}
}
