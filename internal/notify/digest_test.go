package notify

import (
	"strings"
	"testing"
	"time"

	"kommunalforum/internal/store"
)

// digestNow is the morning after t0 in Berlin (08:00 CET).
var digestNow = t0.Add(22 * time.Hour)

func (e *env) digest(freq string) DigestStats {
	e.t.Helper()
	st, err := e.n.RunDigest(e.ctx, freq, e.now)
	if err != nil {
		e.t.Fatalf("RunDigest(%s): %v", freq, err)
	}
	return st
}

// mailTo returns the outbox mails to u.
func (e *env) mailTo(u store.User) []store.OutboxMail {
	var out []store.OutboxMail
	for _, m := range e.outbox() {
		if m.Recipient == u.Email {
			out = append(out, m)
		}
	}
	return out
}

func TestDigestSectionsOnceEmptyAndRead(t *testing.T) {
	e := newEnv(t, 2*time.Minute)
	anna := e.user("Anna Schmidt", store.DeliveryDaily)
	ben, carla := e.user("Ben Berg", ""), e.user("Carla Conrad", "")
	dora := e.user("Dora Dorn", store.DeliveryDaily) // nothing to report
	erik := e.user("Erik Ernst", store.DeliveryDaily)
	pm, err := e.db.CreateUser(e.ctx, store.NewUser{Email: "pm@example.org", DisplayName: "PM Team", Role: store.RolePM,
		Status: store.StatusActive, Verified: true}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := e.field()
	for _, u := range []store.User{anna, erik} {
		if err := e.db.SetSubscription(e.ctx, u.ID, f.ID, 0, store.LevelWatching); err != nil {
			t.Fatal(err)
		}
	}
	t1, _ := e.thread(anna, f, "Annas Frage zur Meldebescheinigung", "Wie geht das?")
	reply := e.reply(ben, t1, "Über das Bürgerkonto, siehe Leitfaden.")
	if _, err := e.db.Vote(e.ctx, reply, carla.ID, 1); err != nil {
		t.Fatal(err)
	}
	t2, t2open := e.thread(carla, f, "Neues Thema zur eAkte", "Wer nutzt schon die eAkte?")
	pmq, _, err := e.db.CreateThread(e.ctx, store.NewThread{TopicFieldID: f.ID, AuthorID: anna.ID, Kind: store.KindPM,
		Title: "Frist für Umsetzung", Slug: "frist", Body: "Bis wann?", BodyHTML: "<p>Bis wann?</p>"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetPMStatus(e.ctx, pm.ID, pmq, store.PMWorking); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CreateFAQEntry(e.ctx, store.NewFAQEntry{TopicFieldID: f.ID, OwnerID: pm.ID, Question: "Was ist das Bürgerkonto?",
		Answer: "Ein Konto für alle Leistungen.", AnswerHTML: "<p>Ein Konto.</p>", Publish: true}); err != nil {
		t.Fatal(err)
	}
	// Erik read the new thread already on the site.
	if err := e.db.MarkThreadRead(e.ctx, erik.ID, t2, t2open); err != nil {
		t.Fatal(err)
	}

	e.now = digestNow
	st := e.digest(Daily)
	if st.Period != "2026-03-04" {
		t.Errorf("period = %q, want 2026-03-04 (the Berlin date)", st.Period)
	}
	if st.Composed != 2 || st.Empty != 1 || st.AlreadySent != 0 {
		t.Errorf("stats = %+v, want 2 composed (Anna, Erik), 1 empty (Dora), 0 already sent", st)
	}
	if ms := e.mailTo(dora); len(ms) != 0 {
		t.Errorf("Dora got %d mails, want none: an empty digest is not sent", len(ms))
	}
	am := e.mailTo(anna)
	if len(am) != 1 {
		t.Fatalf("Anna got %d digests, want 1", len(am))
	}
	body := am[0].BodyText
	for _, want := range []string{
		"== Amtliche Antworten und Statusänderungen ==", "Neuer Bearbeitungsstand: in Bearbeitung", "Frist für Umsetzung",
		"== Neue und aktualisierte FAQ-Einträge ==", "Was ist das Bürgerkonto?", testSite + "/faq/",
		"== Neue Themen und beliebte Beiträge in Ihren Themenfeldern ==", "Neues Thema zur eAkte", "Neues Thema von Carla Conrad",
		"== Antworten und Erwähnungen für Sie ==", "Neue Antwort von Ben Berg", testSite + "/beitrag/" + itoa(int(reply)),
		f.Name,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("Anna's digest lacks %q:\n%s", want, body)
		}
	}
	if strings.Count(body, "/beitrag/"+itoa(int(reply))) != 1 {
		t.Errorf("the reply is listed more than once (as reply and as top post):\n%s", body)
	}
	if !strings.Contains(am[0].BodyHTML, "<h2") || !strings.Contains(am[0].BodyHTML, "Neues Thema zur eAkte") {
		t.Errorf("Anna's digest has no HTML sections:\n%s", am[0].BodyHTML)
	}
	if am[0].Headers["List-Unsubscribe"] == "" || !strings.Contains(am[0].Headers["List-Unsubscribe"], "s=digest%3Adaily") {
		t.Errorf("digest List-Unsubscribe = %q, want the daily digest stream", am[0].Headers["List-Unsubscribe"])
	}
	em := e.mailTo(erik)
	if len(em) != 1 {
		t.Fatalf("Erik got %d digests, want 1", len(em))
	}
	if strings.Contains(em[0].BodyText, "Neues Thema zur eAkte") {
		t.Errorf("Erik's digest lists the thread he has read:\n%s", em[0].BodyText)
	}

	// Once per period, also after a restart (a fresh notifier on the same
	// database) and with new content meanwhile.
	e.reply(ben, t1, "Noch ein Hinweis")
	e.n = e.newNotifier()
	st = e.digest(Daily)
	if st.Composed != 0 || st.AlreadySent != 3 {
		t.Errorf("second round stats = %+v, want 0 composed, 3 already sent", st)
	}
	if ms := e.mailTo(anna); len(ms) != 1 {
		t.Errorf("Anna has %d digests after the second round, want 1", len(ms))
	}
	// The next day's digest reports the new reply, and only that.
	e.now = e.now.Add(24 * time.Hour)
	e.digest(Daily)
	am = e.mailTo(anna)
	if len(am) != 2 || !strings.Contains(am[1].BodyText, "Noch ein Hinweis") || strings.Contains(am[1].BodyText, "eAkte") {
		t.Errorf("next day's digest for Anna = %d mails; last:\n%s", len(am), am[len(am)-1].BodyText)
	}
}

// A user removed from a protected area's group receives nothing from it
// afterwards: the digest checks permissions at send time.
func TestDigestLeakAfterLosingAccess(t *testing.T) {
	e := newEnv(t, 0)
	admin, err := e.db.CreateUser(e.ctx, store.NewUser{Email: "admin@example.org", DisplayName: "Admin", Role: store.RoleAdmin,
		Status: store.StatusActive, Verified: true}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	fritz, gina := e.user("Fritz Frei", store.DeliveryDaily), e.user("Gina Gut", store.DeliveryDaily)
	author := e.user("Hans Hase", "")
	g, err := e.db.CreateGroup(e.ctx, admin.ID, "leitstelle", "Leitstelle")
	if err != nil {
		t.Fatal(err)
	}
	f := e.field()
	if err := e.db.SetTopicFieldGroup(e.ctx, admin.ID, f.ID, g.ID); err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.User{fritz, gina, author} {
		if _, err := e.db.AddGroupMember(e.ctx, admin.ID, g.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.db.SetSubscription(e.ctx, u.ID, f.ID, 0, store.LevelWatching); err != nil {
			t.Fatal(err)
		}
	}
	// Fritz takes part in a thread too, so he has a personal notification.
	tid, _ := e.thread(fritz, f, "GEHEIM Lagebild", "vertraulich")
	e.reply(author, tid, "GEHEIM Antwort")
	e.thread(author, f, "GEHEIM Zweites Thema", "vertraulich")
	if err := e.db.RemoveGroupMember(e.ctx, admin.ID, g.ID, fritz.ID); err != nil {
		t.Fatal(err)
	}
	e.now = digestNow
	e.digest(Daily)
	if ms := e.mailTo(fritz); len(ms) != 0 {
		t.Errorf("Fritz, removed from the group, got %d mails:\n%s", len(ms), ms[0].BodyText)
	}
	if ms := e.mailTo(gina); len(ms) != 1 || !strings.Contains(ms[0].BodyText, "GEHEIM Zweites Thema") {
		t.Errorf("Gina, still a member, got %d mails, want 1 with the protected thread", len(ms))
	}
	d, err := e.n.Preview(e.ctx, fritz.ID, Daily, e.now)
	if err != nil {
		t.Fatal(err)
	}
	if d.Count != 0 {
		t.Errorf("Fritz's preview has %d items, want 0", d.Count)
	}
}

// Hidden posts are dropped at send time, too.
func TestDigestDropsHidden(t *testing.T) {
	e := newEnv(t, 0)
	anna, ben := e.user("Anna Schmidt", store.DeliveryDaily), e.user("Ben Berg", "")
	mod, err := e.db.CreateUser(e.ctx, store.NewUser{Email: "mod@example.org", DisplayName: "Mod", Role: store.RoleAdmin,
		Status: store.StatusActive, Verified: true}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	tid, _ := e.thread(anna, e.field(), "Thema", "Text")
	p := e.reply(ben, tid, "SPAM SPAM")
	if err := e.db.HidePost(e.ctx, mod.ID, p, "Werbung"); err != nil {
		t.Fatal(err)
	}
	e.now = digestNow
	st := e.digest(Daily)
	if st.Composed != 0 || len(e.mailTo(anna)) != 0 {
		t.Errorf("stats %+v: a digest reporting a hidden post went out", st)
	}
}

func TestSchedule(t *testing.T) {
	e := newEnv(t, 0)
	cases := []struct {
		freq string
		at   time.Time
		want bool
	}{
		{Daily, time.Date(2026, 3, 4, 5, 59, 0, 0, time.UTC), false},  // 06:59 Berlin
		{Daily, time.Date(2026, 3, 4, 6, 0, 0, 0, time.UTC), true},    // 07:00 Berlin
		{Daily, time.Date(2026, 7, 4, 5, 0, 0, 0, time.UTC), true},    // 07:00 CEST
		{Weekly, time.Date(2026, 3, 2, 5, 59, 0, 0, time.UTC), false}, // Monday 06:59
		{Weekly, time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC), true},   // Monday 07:00
		{Weekly, time.Date(2026, 3, 5, 3, 0, 0, 0, time.UTC), true},   // Thursday: catching up
	}
	for _, c := range cases {
		if got := e.n.Scheduled(c.freq, c.at); got != c.want {
			t.Errorf("Scheduled(%s, %s) = %v, want %v", c.freq, c.at, got, c.want)
		}
	}
	if p := e.n.Period(Weekly, time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)); p != "2026-W10" {
		t.Errorf("weekly period = %q, want 2026-W10", p)
	}
}
