package notify

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"kommunalforum/internal/store"
)

// A reply to Anna's thread reaches her as a mail with every header mail
// clients and list tools rely on, in both MIME parts, with working links.
func TestImmediateMailHeadersAndParts(t *testing.T) {
	e := newEnv(t, 0)
	s := startSink(t)
	anna, ben := e.user("Anna Schmidt", store.DeliveryImmediate), e.user("Ben Berg", store.DeliveryImmediate)
	f := e.field()
	tid, _ := e.thread(anna, f, "Wohngeld online beantragen", "Wie habt ihr das gelöst?")
	pid := e.reply(ben, tid, "Wir nutzen das **EfA-Modul** seit März.")
	if got := e.run(); got != 1 {
		t.Fatalf("RunOnce mailed %d, want 1 (only Anna; Ben wrote the reply)", got)
	}
	if _, err := e.deliver(s).RunOnce(e.ctx, e.now); err != nil {
		t.Fatal(err)
	}
	got := s.Received()
	if len(got) != 1 {
		t.Fatalf("sink received %d messages, want 1", len(got))
	}
	m := parse(t, got[0])
	h := m.Header
	wantRef := "<thread-" + itoa(int(tid)) + "@forum.example>"
	checks := []struct{ name, got, want string }{
		{"To", h.Get("To"), "<anna.schmidt@example.org>"},
		{"In-Reply-To", h.Get("In-Reply-To"), wantRef},
		{"References", h.Get("References"), wantRef},
		{"Auto-Submitted", h.Get("Auto-Submitted"), "auto-generated"},
		{"List-Unsubscribe-Post", h.Get("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if id := h.Get("Message-Id"); !regexp.MustCompile(`^<[0-9a-f]{32}@forum\.example>$`).MatchString(id) {
		t.Errorf("Message-ID = %q, want <hex@forum.example>", id)
	}
	if l := h.Get("List-Id"); !strings.HasSuffix(l, "<"+f.Slug+".forum.example>") {
		t.Errorf("List-Id = %q, want the field's list <%s.forum.example>", l, f.Slug)
	}
	unsub := h.Get("List-Unsubscribe")
	re := regexp.MustCompile(`^<(` + regexp.QuoteMeta(testSite) + `/mail/abbestellen\?s=thread%3A` + itoa(int(tid)) + `&t=[A-Za-z0-9_-]{22}&u=` + itoa(int(anna.ID)) + `)>$`)
	mm := re.FindStringSubmatch(unsub)
	if mm == nil {
		t.Fatalf("List-Unsubscribe = %q, want a signed https link for Anna and the thread", unsub)
	}
	if subj := h.Get("Subject"); !strings.Contains(subj, "=?") && !strings.Contains(subj, "Wohngeld") {
		t.Errorf("Subject = %q, want the thread title", subj)
	}
	text, html := m.Parts["text/plain"], m.Parts["text/html"]
	postURL := testSite + "/beitrag/" + itoa(int(pid))
	for _, part := range []struct{ name, body string }{{"text", text}, {"html", html}} {
		for _, want := range []string{"Ben Berg", "EfA-Modul seit März", postURL, "/konto/benachrichtigungen"} {
			if !strings.Contains(part.body, want) {
				t.Errorf("%s part lacks %q:\n%s", part.name, want, part.body)
			}
		}
	}
	if !strings.Contains(text, mm[1]) {
		t.Errorf("text part lacks the unsubscribe link %s", mm[1])
	}
	if !strings.Contains(html, strings.ReplaceAll(mm[1], "&", "&amp;")) {
		t.Errorf("html part lacks the unsubscribe link %s", mm[1])
	}
	if strings.Contains(html, "**") {
		t.Errorf("html part shows Markdown signs:\n%s", html)
	}
}

// Mails about one thread share the threading reference, so mail clients
// group them; a second mail about the same thread gets a new Message-ID.
func TestThreadMailsGroup(t *testing.T) {
	e := newEnv(t, 0)
	anna, ben := e.user("Anna Schmidt", store.DeliveryImmediate), e.user("Ben Berg", "")
	tid, _ := e.thread(anna, e.field(), "Bauantrag digital", "Frage")
	e.reply(ben, tid, "Erste Antwort")
	e.run()
	e.now = e.now.Add(time.Hour)
	e.reply(ben, tid, "Zweite Antwort")
	e.run()
	ms := e.outbox()
	if len(ms) != 2 {
		t.Fatalf("outbox has %d mails, want 2", len(ms))
	}
	if ms[0].MessageID == ms[1].MessageID {
		t.Errorf("both mails have Message-ID %s", ms[0].MessageID)
	}
	for _, m := range ms {
		if m.Headers["References"] != ms[0].Headers["References"] || m.Headers["References"] == "" {
			t.Errorf("References = %q, want one per-thread reference for both", m.Headers["References"])
		}
	}
}

// The immediate window batches what arrives within it, includes edits and
// drops what the recipient has read meanwhile; 0s sends at once.
func TestImmediateWindow(t *testing.T) {
	e := newEnv(t, 2*time.Minute)
	anna, ben := e.user("Anna Schmidt", store.DeliveryImmediate), e.user("Ben Berg", "")
	tid, _ := e.thread(anna, e.field(), "Kita-Anmeldung", "Wer hat Erfahrung?")
	p1 := e.reply(ben, tid, "Erster Endwurf")
	e.now = e.now.Add(30 * time.Second)
	if err := e.db.EditPost(e.ctx, p1, ben.ID, "Erster Entwurf, korrigiert", "<p>Erster Entwurf, korrigiert</p>"); err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(30 * time.Second)
	e.reply(ben, tid, "Noch ein Nachtrag")
	if got := e.run(); got != 0 {
		t.Fatalf("after 1 minute RunOnce mailed %d, want 0 (window of 2 minutes)", got)
	}
	e.now = e.now.Add(70 * time.Second) // the first reply is due, the second not yet
	if got := e.run(); got != 1 {
		t.Fatalf("after the window RunOnce mailed %d, want 1", got)
	}
	ms := e.outbox()
	body := ms[0].BodyText
	for _, want := range []string{"Erster Entwurf, korrigiert", "Noch ein Nachtrag"} {
		if !strings.Contains(body, want) {
			t.Errorf("batched mail lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "Endwurf") {
		t.Errorf("batched mail shows the text before the edit:\n%s", body)
	}
	e.now = e.now.Add(5 * time.Minute)
	if got := e.run(); got != 0 {
		t.Errorf("later RunOnce mailed %d, want 0: both replies went out together", got)
	}

	// Read meanwhile: Anna opens the thread before the window ends.
	p3 := e.reply(ben, tid, "Dritte Antwort")
	if err := e.db.MarkThreadRead(e.ctx, anna.ID, tid, p3); err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(3 * time.Minute)
	if got := e.run(); got != 0 {
		t.Errorf("RunOnce mailed %d about a reply Anna has read, want 0", got)
	}
	log, err := e.db.MailLog(e.ctx, store.MailSkipped, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) == 0 || !strings.Contains(log[0].Reason, "already read") {
		t.Errorf("mail log = %+v, want a skipped entry for the read reply", log)
	}
}

func TestImmediateZeroDelaySendsAtOnce(t *testing.T) {
	e := newEnv(t, 0)
	anna, ben := e.user("Anna Schmidt", store.DeliveryImmediate), e.user("Ben Berg", "")
	tid, _ := e.thread(anna, e.field(), "Gewerbeanmeldung", "Frage")
	e.reply(ben, tid, "Antwort")
	if got := e.run(); got != 1 {
		t.Errorf("RunOnce with delay 0 mailed %d at once, want 1", got)
	}
}

// Opt-in: without consent nobody gets mail; muted threads stay silent;
// @mentions reach people who do not follow the thread.
func TestRecipients(t *testing.T) {
	e := newEnv(t, 0)
	anna := e.user("Anna Schmidt", store.DeliveryImmediate)
	ben := e.user("Ben Berg", "")
	carla := e.user("Carla Conrad", "") // no consent
	dora := e.user("Dora Dorn", store.DeliveryImmediate)
	f := e.field()
	tid, _ := e.thread(carla, f, "Parkausweis", "Wie?")
	e.reply(ben, tid, "So geht es, @AnnaSchmidt weiß mehr.")
	e.run()
	ms := e.outbox()
	if len(ms) != 1 || ms[0].Recipient != anna.Email {
		t.Fatalf("outbox = %v, want one mail to Anna (mentioned); Carla gave no consent", recipients(ms))
	}
	if !strings.Contains(ms[0].BodyText, "Ben Berg hat Sie erwähnt") {
		t.Errorf("mention mail lacks the reason:\n%s", ms[0].BodyText)
	}
	// Dora watches the thread, then mutes it.
	if err := e.db.SetSubscription(e.ctx, dora.ID, 0, tid, store.LevelWatching); err != nil {
		t.Fatal(err)
	}
	e.reply(ben, tid, "Nachtrag")
	e.run()
	if ms := e.outbox(); len(ms) != 2 || ms[1].Recipient != dora.Email {
		t.Fatalf("outbox = %v, want a second mail to Dora (watching)", recipients(ms))
	}
	if err := e.db.SetSubscription(e.ctx, dora.ID, 0, tid, store.LevelMuted); err != nil {
		t.Fatal(err)
	}
	e.reply(ben, tid, "Noch ein Nachtrag")
	e.run()
	if ms := e.outbox(); len(ms) != 2 {
		t.Errorf("outbox = %v, want no mail to Dora after muting", recipients(ms))
	}
}

func recipients(ms []store.OutboxMail) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Recipient)
	}
	return out
}

func TestTokens(t *testing.T) {
	a, b := NewTokens([]byte("key-one-0123456789")), NewTokens([]byte("key-two-0123456789"))
	thread := Stream{Kind: StreamThread, ID: 7}
	tok := a.Sign(42, thread)
	cases := []struct {
		name   string
		tokens *Tokens
		user   int64
		stream Stream
		token  string
		want   bool
	}{
		{"genuine", a, 42, thread, tok, true},
		{"other user", a, 43, thread, tok, false},
		{"other stream", a, 42, Stream{Kind: StreamThread, ID: 8}, tok, false},
		{"other kind", a, 42, Stream{Kind: StreamField, ID: 7}, tok, false},
		{"other key", b, 42, thread, tok, false},
		{"forged", a, 42, thread, "AAAAAAAAAAAAAAAAAAAAAA", false},
		{"empty", a, 42, thread, "", false},
	}
	for _, c := range cases {
		if got := c.tokens.Valid(c.user, c.stream, c.token); got != c.want {
			t.Errorf("%s: Valid = %v, want %v", c.name, got, c.want)
		}
	}
	for _, s := range []string{"thread:7", "field:3", "digest:daily", "digest:weekly"} {
		st, err := ParseStream(s)
		if err != nil || st.String() != s {
			t.Errorf("ParseStream(%q) = %v, %v", s, st, err)
		}
	}
	for _, s := range []string{"", "thread", "thread:x", "thread:-1", "digest:monthly", "user:1"} {
		if _, err := ParseStream(s); err == nil {
			t.Errorf("ParseStream(%q) succeeded, want an error", s)
		}
	}
}

func TestExcerpt(t *testing.T) {
	cases := []struct{ in, want string }{
		{"**Fett** und _kursiv_\n\n> Zitat", "Fett und kursiv Zitat"},
		{"kurz", "kurz"},
		{strings.Repeat("Wort ", 100), strings.TrimSpace(strings.Repeat("Wort ", 44)) + " …"},
	}
	for _, c := range cases {
		if got := Excerpt(c.in, 220); got != c.want {
			t.Errorf("Excerpt(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Field watchers with immediate field delivery get new threads and posts
// as mails whose unsubscribe link stops the field; digest readers get no
// notification rows for them (the digest reads the field's content).
func TestFieldWatchImmediate(t *testing.T) {
	e := newEnv(t, 0)
	ina := e.user("Ina Igel", "")
	e.settings(ina, store.DeliveryDaily, store.DeliveryImmediate)
	jan := e.user("Jan Jung", store.DeliveryDaily) // field delivery daily
	ben := e.user("Ben Berg", "")
	f := e.field()
	for _, u := range []store.User{ina, jan} {
		if err := e.db.SetSubscription(e.ctx, u.ID, f.ID, 0, store.LevelWatching); err != nil {
			t.Fatal(err)
		}
	}
	tid, _ := e.thread(ben, f, "Neues im Feld", "Text")
	e.run()
	ms := e.outbox()
	if len(ms) != 1 || ms[0].Recipient != ina.Email {
		t.Fatalf("outbox = %v, want one mail to Ina", recipients(ms))
	}
	if u := ms[0].Headers["List-Unsubscribe"]; !strings.Contains(u, "s=field%3A"+itoa(int(f.ID))) {
		t.Errorf("List-Unsubscribe = %q, want the field stream", u)
	}
	pending, err := e.db.PendingNotifications(e.ctx, jan.ID)
	if err != nil || len(pending) != 0 {
		t.Errorf("Jan has %d pending notifications (%v), want 0: his digest reads the field itself", len(pending), err)
	}
	// Ina mutes the field: a new post there brings nothing.
	if err := e.db.SetSubscription(e.ctx, ina.ID, f.ID, 0, store.LevelMuted); err != nil {
		t.Fatal(err)
	}
	e.reply(ben, tid, "Antwort")
	e.run()
	if ms := e.outbox(); len(ms) != 1 {
		t.Errorf("outbox = %v after muting the field, want no new mail", recipients(ms))
	}
}
