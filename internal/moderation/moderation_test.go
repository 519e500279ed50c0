package moderation

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/forum"
	"kommunalforum/internal/input"
	"kommunalforum/internal/store"
)

type env struct {
	db    *store.DB
	forum *forum.Forum
	mod   *Moderation
	field map[string]store.TopicField
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "forum.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.EnsureTopicFields(ctx, forum.DefaultTopicFields); err != nil {
		t.Fatal(err)
	}
	f := forum.New(db, 10).WithApprovalPosts(2)
	e := &env{db: db, forum: f, mod: New(db, f), field: map[string]store.TopicField{}}
	for _, slug := range []string{"familie-kind", "umwelt", "bildung"} {
		e.field[slug], _ = db.TopicFieldBySlug(ctx, slug)
	}
	return e
}

// user creates an active account; a moderator moderates the given fields.
func (e *env) user(t *testing.T, email, role string, fields ...string) *store.User {
	t.Helper()
	ctx := context.Background()
	u, err := e.db.CreateUser(ctx, store.NewUser{Email: email, DisplayName: email, Role: role, OrgType: "sonstige", Status: store.StatusActive}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fields {
		if _, err := e.db.AddModerator(ctx, 0, e.field[f].ID, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	u, err = e.db.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &u
}

// trusted gives a member enough approved posts to leave the approval queue.
func (e *env) trusted(t *testing.T, u *store.User) *store.User {
	t.Helper()
	for range 2 {
		tid, _, err := e.db.CreateThread(context.Background(), store.NewThread{TopicFieldID: e.field["bildung"].ID, AuthorID: u.ID,
			Title: "Früher", Slug: "frueher", Body: "b", BodyHTML: "b"})
		if err != nil || tid == 0 {
			t.Fatal(err)
		}
	}
	return u
}

func wantField(t *testing.T, err error, field, what string) {
	t.Helper()
	var ve *input.ValidationError
	if !errors.As(err, &ve) || ve.Fields[field].Key == "" {
		t.Errorf("%s: err = %v, want a validation error on %q", what, err, field)
	}
}

func TestFlagRules(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	author := e.trusted(t, e.user(t, "autor@x.de", store.RoleMember))
	reporter := e.trusted(t, e.user(t, "melder@x.de", store.RoleMember))
	th, pid, err := e.forum.CreateThread(ctx, author, "familie-kind", "", "Kita-Gebühren online", "Wer hat Erfahrung?")
	if err != nil || th.Pending {
		t.Fatalf("CreateThread = %+v, %v", th, err)
	}
	if _, err := e.mod.Flag(ctx, author, pid, store.FlagSpam, ""); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("flagging one's own post = %v, want ErrForbidden", err)
	}
	if _, err := e.mod.Flag(ctx, nil, pid, store.FlagSpam, ""); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("anonymous flag = %v, want ErrForbidden", err)
	}
	_, err = e.mod.Flag(ctx, reporter, pid, "unbekannt", "")
	wantField(t, err, "reason", "unknown reason")
	_, err = e.mod.Flag(ctx, reporter, pid, store.FlagOther, "  ")
	wantField(t, err, "text", "other without text")
	f, err := e.mod.Flag(ctx, reporter, pid, store.FlagPersonalData, "Telefonnummer im Text")
	if err != nil || f.Reason != store.FlagPersonalData || f.ReporterID != reporter.ID {
		t.Fatalf("Flag = %+v, %v", f, err)
	}
	if _, err := e.mod.Flag(ctx, reporter, pid, store.FlagSpam, ""); !errors.Is(err, ErrAlreadyFlagged) || !errors.Is(err, store.ErrConflict) {
		t.Errorf("second flag = %v, want ErrAlreadyFlagged", err)
	}
	modHere := e.user(t, "mod@x.de", store.RoleModerator, "familie-kind")
	if err := e.mod.HidePost(ctx, modHere, pid, "Personenbezogene Daten"); err != nil {
		t.Fatal(err)
	}
	other := e.trusted(t, e.user(t, "dritte@x.de", store.RoleMember))
	if _, err := e.mod.Flag(ctx, other, pid, store.FlagSpam, ""); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("flagging a hidden post = %v, want ErrForbidden", err)
	}
}

func TestActionsStayInTheModeratorsFields(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	author := e.trusted(t, e.user(t, "autor@x.de", store.RoleMember))
	modHere := e.user(t, "hier@x.de", store.RoleModerator, "familie-kind")
	modThere := e.user(t, "dort@x.de", store.RoleModerator, "umwelt")
	modBoth := e.user(t, "beide@x.de", store.RoleModerator, "familie-kind", "umwelt")
	admin := e.user(t, "admin@x.de", store.RoleAdmin)
	member := e.user(t, "leser@x.de", store.RoleMember)
	th, pid, _ := e.forum.CreateThread(ctx, author, "familie-kind", "", "Elterngeld digital", "Wie läuft es bei Ihnen?")

	for _, u := range []*store.User{member, modThere} {
		if err := e.mod.HidePost(ctx, u, pid, "Grund genug"); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("HidePost by %s = %v, want ErrForbidden", u.Email, err)
		}
		if _, err := e.mod.SetPinned(ctx, u, th.ID, true, ""); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("SetPinned by %s = %v, want ErrForbidden", u.Email, err)
		}
		if _, err := e.mod.Move(ctx, u, th.ID, "umwelt", ""); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("Move by %s = %v, want ErrForbidden", u.Email, err)
		}
	}
	wantField(t, e.mod.HidePost(ctx, modHere, pid, ""), "reason", "hiding without a reason")
	_, err := e.mod.Move(ctx, modHere, th.ID, "umwelt", "")
	wantField(t, err, "topic_field", "moving into a field the moderator does not moderate")
	_, err = e.mod.Move(ctx, modHere, th.ID, "gibt-es-nicht", "")
	wantField(t, err, "topic_field", "moving into a missing field")
	moved, err := e.mod.Move(ctx, modBoth, th.ID, "umwelt", "Passt dort besser")
	if err != nil || moved.FieldSlug != "umwelt" {
		t.Fatalf("Move by the moderator of both = %+v, %v", moved, err)
	}
	// Now the thread is out of modHere's reach and in modThere's.
	if _, err := e.mod.SetPinned(ctx, modHere, th.ID, true, ""); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("pin after the move by the old field's moderator = %v", err)
	}
	pinned, err := e.mod.SetPinned(ctx, modThere, th.ID, true, "")
	if err != nil || !pinned.Pinned {
		t.Errorf("pin by the new field's moderator = %+v, %v", pinned, err)
	}
	hidden, err := e.mod.SetHidden(ctx, admin, th.ID, true, "Doppelt gepostet")
	if err != nil || !hidden.Hidden() {
		t.Fatalf("hide by admin = %+v, %v", hidden, err)
	}
	// A hidden thread is missing for those who do not moderate it.
	if _, err := e.mod.SetPinned(ctx, modHere, th.ID, false, ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("pin of a hidden thread by another field's moderator = %v, want ErrNotFound", err)
	}
	if _, err := e.mod.SetLocked(ctx, modThere, th.ID, true, "Ruhe"); err != nil {
		t.Errorf("lock of a hidden thread by its moderator = %v", err)
	}
	// The log of umwelt: these four actions and the two assignments to umwelt.
	es, _ := e.mod.Audit(ctx, modThere, 10)
	if len(es) != 6 || es[0].Action != "thread.lock" || es[0].Detail != "Ruhe" || es[3].Action != "thread.move" {
		t.Errorf("audit of umwelt = %+v", es)
	}
	if _, err := e.mod.Audit(ctx, member, 10); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("Audit by a member = %v, want ErrForbidden", err)
	}
	if _, err := e.mod.Queue(ctx, member); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("Queue by a member = %v, want ErrForbidden", err)
	}
}

func TestModeratorEditResolvesFlags(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	author := e.trusted(t, e.user(t, "autor@x.de", store.RoleMember))
	reporter := e.trusted(t, e.user(t, "melder@x.de", store.RoleMember))
	mod := e.user(t, "mod@x.de", store.RoleModerator, "familie-kind")
	_, pid, _ := e.forum.CreateThread(ctx, author, "familie-kind", "", "Kontakt zur Stelle", "Ruft Frau Muster an: 0123 456")
	if _, err := e.mod.Flag(ctx, reporter, pid, store.FlagPersonalData, ""); err != nil {
		t.Fatal(err)
	}
	_, err := e.mod.EditPost(ctx, mod, pid, "Ruft Frau Muster an: 0123 456", "Telefonnummer entfernt")
	wantField(t, err, "body", "unchanged text")
	_, err = e.mod.EditPost(ctx, mod, pid, "Ruft die Stelle an.", "")
	wantField(t, err, "reason", "edit without a reason")
	p, err := e.mod.EditPost(ctx, mod, pid, "Ruft die Stelle an.", "Telefonnummer entfernt")
	if err != nil || p.Body != "Ruft die Stelle an." {
		t.Fatalf("EditPost = %+v, %v", p, err)
	}
	revs, _ := e.db.PostRevisions(ctx, pid)
	q, _ := e.mod.Queue(ctx, mod)
	es, _ := e.mod.Audit(ctx, mod, 1)
	if len(revs) != 1 || q.FlaggedTotal != 0 || es[0].Action != "post.edit" || es[0].Detail != "Telefonnummer entfernt" {
		t.Errorf("after the edit: %d revisions, %d flagged, audit %+v", len(revs), q.FlaggedTotal, es)
	}
}

func TestApprovalQueue(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	newbie := e.user(t, "neu@x.de", store.RoleMember)
	mod := e.user(t, "mod@x.de", store.RoleModerator, "familie-kind")
	pm := e.user(t, "pm@x.de", store.RolePM)

	th, opening, err := e.forum.CreateThread(ctx, newbie, "familie-kind", "", "Erste Frage zur Kita", "Hallo zusammen!")
	if err != nil || !th.Pending {
		t.Fatalf("a new member's thread = %+v, %v; want pending", th, err)
	}
	reply, err := e.forum.Reply(ctx, newbie, th.ID, "Noch ein Nachtrag.")
	if err != nil {
		t.Fatal(err)
	}
	q, _ := e.mod.Queue(ctx, mod)
	if q.PendingTotal != 2 {
		t.Fatalf("queue holds %d pending posts, want 2", q.PendingTotal)
	}
	if _, err := e.db.ThreadByID(ctx, th.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("readers find the pending thread: %v", err)
	}
	if err := e.mod.Approve(ctx, mod, opening); err != nil {
		t.Fatal(err)
	}
	wantField(t, e.mod.Reject(ctx, mod, reply, ""), "reason", "reject without reason")
	if err := e.mod.Reject(ctx, mod, reply, "Doppelt"); err != nil {
		t.Fatal(err)
	}
	if err := e.mod.Approve(ctx, mod, reply); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("approving a rejected post = %v, want ErrNotFound", err)
	}
	// One approved post: the next one still waits, the one after does not.
	second, _ := e.forum.Reply(ctx, newbie, th.ID, "Zweiter Versuch.")
	if p, _ := e.db.PostFor(ctx, auth.ViewerOf(newbie), second); !p.Pending {
		t.Error("second post of a member with one approved post is not pending")
	}
	e.mod.Approve(ctx, mod, second)
	third, _ := e.forum.Reply(ctx, newbie, th.ID, "Dritter Beitrag.")
	if p, _ := e.db.PostFor(ctx, auth.ViewerOf(newbie), third); p.Pending {
		t.Error("post after two approved ones is pending")
	}
	// Moderators and pm users never wait; questions to the PM skip the queue.
	if m, _, _ := e.forum.CreateThread(ctx, mod, "umwelt", "", "Hinweis der Moderation", "Bitte beachten."); m.Pending {
		t.Error("a moderator's thread is pending")
	}
	if p, _, _ := e.forum.CreateThread(ctx, e.user(t, "frisch@x.de", store.RoleMember), "umwelt", store.KindPM, "Frist beim Wohngeld", "Gilt die Frist?"); p.Pending {
		t.Error("a new member's PM question is pending")
	}
	if r, _, _ := e.forum.CreateThread(ctx, pm, "umwelt", "", "Information des PM", "Neuigkeiten."); r.Pending {
		t.Error("a pm user's thread is pending")
	}
}

func TestSuspension(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	member := e.trusted(t, e.user(t, "mitglied@x.de", store.RoleMember))
	mod := e.user(t, "mod@x.de", store.RoleModerator, "familie-kind")
	otherMod := e.user(t, "mod2@x.de", store.RoleModerator, "umwelt")
	admin := e.user(t, "admin@x.de", store.RoleAdmin)
	th, pid, _ := e.forum.CreateThread(ctx, member, "familie-kind", "", "Vor der Sperre", "Geschrieben vor der Sperre.")

	if _, err := e.mod.Suspend(ctx, mod, otherMod.ID, time.Time{}, "Streit"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("moderator suspends a moderator: %v, want ErrForbidden", err)
	}
	if _, err := e.mod.Suspend(ctx, admin, admin.ID, time.Time{}, "Selbst"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("admin suspends themselves: %v, want ErrForbidden", err)
	}
	if _, err := e.mod.Suspend(ctx, member, mod.ID, time.Time{}, "Rache"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("member suspends a moderator: %v, want ErrForbidden", err)
	}
	_, err := e.mod.Suspend(ctx, mod, member.ID, time.Now().Add(-time.Hour), "Beleidigung")
	wantField(t, err, "until", "suspension ending in the past")
	_, err = e.mod.Suspend(ctx, mod, member.ID, time.Time{}, "")
	wantField(t, err, "reason", "suspension without a reason")
	until := time.Now().Add(7 * 24 * time.Hour)
	suspended, err := e.mod.Suspend(ctx, mod, member.ID, until, "Beleidigungen im Thema Kita")
	if err != nil || !suspended.Suspended() || suspended.SuspendedIndefinitely() {
		t.Fatalf("Suspend = %+v, %v", suspended, err)
	}
	// Suspended: reads, but every write refuses.
	if _, err := e.forum.Reply(ctx, &suspended, th.ID, "Trotzdem schreiben"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("reply while suspended = %v, want ErrForbidden", err)
	}
	if _, _, err := e.forum.CreateThread(ctx, &suspended, "umwelt", "", "Neues Thema", "Text"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("new thread while suspended = %v, want ErrForbidden", err)
	}
	if _, err := e.forum.EditPost(ctx, &suspended, pid, "Geändert"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("edit while suspended = %v, want ErrForbidden", err)
	}
	if _, err := e.db.ThreadFor(ctx, auth.ViewerOf(&suspended), th.ID); err != nil {
		t.Errorf("reading while suspended = %v", err)
	}
	// A suspended admin or moderator moderates nothing either.
	if _, err := e.mod.Suspend(ctx, admin, mod.ID, time.Time{}, "Pause"); err != nil {
		t.Fatal(err)
	}
	mod2, _ := e.db.UserByID(ctx, mod.ID)
	if auth.CanModerate(&mod2, e.field["familie-kind"].ID) || auth.CanReview(&mod2) {
		t.Error("a suspended moderator still moderates")
	}
	lifted, err := e.mod.Lift(ctx, admin, member.ID, "")
	if err != nil || lifted.Suspended() {
		t.Errorf("Lift = %+v, %v", lifted, err)
	}
	if _, err := e.forum.Reply(ctx, &lifted, th.ID, "Wieder dabei"); err != nil {
		t.Errorf("reply after lifting = %v", err)
	}
	if _, err := e.mod.Lift(ctx, admin, member.ID, ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("lifting twice = %v, want ErrNotFound", err)
	}
}

func TestAssignModerator(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.user(t, "admin@x.de", store.RoleAdmin)
	member := e.user(t, "mitglied@x.de", store.RoleMember)
	e.user(t, "pm@x.de", store.RolePM)
	if _, _, err := e.mod.AssignModerator(ctx, member, "umwelt", "mitglied@x.de"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("assignment by a member = %v, want ErrForbidden", err)
	}
	_, _, err := e.mod.AssignModerator(ctx, admin, "umwelt", "niemand@x.de")
	wantField(t, err, "email", "unknown address")
	_, _, err = e.mod.AssignModerator(ctx, admin, "umwelt", "pm@x.de")
	wantField(t, err, "email", "pm user")
	if _, _, err := e.mod.AssignModerator(ctx, admin, "gibt-es-nicht", "mitglied@x.de"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown field = %v, want ErrNotFound", err)
	}
	u, added, err := e.mod.AssignModerator(ctx, admin, "umwelt", "Mitglied@X.de")
	if err != nil || !added || u.Role != store.RoleModerator || len(u.ModFields) != 1 {
		t.Fatalf("AssignModerator = %+v, %v, %v", u, added, err)
	}
	if _, added, _ := e.mod.AssignModerator(ctx, admin, "umwelt", "mitglied@x.de"); added {
		t.Error("second assignment reported as new")
	}
	if err := e.mod.RemoveModerator(ctx, admin, e.field["umwelt"].ID, u.ID); err != nil {
		t.Fatal(err)
	}
	if back, _ := e.db.UserByID(ctx, u.ID); back.Role != store.RoleMember {
		t.Errorf("after removal the role is %s, want member", back.Role)
	}
}
