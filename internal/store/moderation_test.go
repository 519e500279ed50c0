package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// modFixture is a thread in field 0 with an opening post by author, a
// reply by other that gets hidden and a reply by newbie that waits for
// approval.
type modFixture struct {
	db                           *DB
	fields                       []TopicField
	author, other, newbie, mod   User
	thread                       int64
	opening, hidden, pending     int64
	anon, member, modHere, admin Viewer
	modThere, otherV, newbieV    Viewer
}

func newModFixture(t *testing.T) *modFixture {
	t.Helper()
	ctx := context.Background()
	db := newTestDB(t)
	f := &modFixture{db: db, fields: seedFields(t, db)}
	f.author, f.other, f.newbie = seedUser(t, db, "autor@x.de"), seedUser(t, db, "andere@x.de"), seedUser(t, db, "neu@x.de")
	f.mod = seedUser(t, db, "mod@x.de")
	var ids []int64
	f.thread, ids = qaThread(t, db, f.fields[0].ID, KindDiscussion, f.author, f.other)
	f.opening, f.hidden = ids[0], ids[1]
	var err error
	if f.pending, err = db.AddPost(ctx, NewPost{ThreadID: f.thread, AuthorID: f.newbie.ID, Body: "neu", BodyHTML: "<p>neu</p>", Pending: true}); err != nil {
		t.Fatal(err)
	}
	if err := db.HidePost(ctx, f.mod.ID, f.hidden, "Werbung"); err != nil {
		t.Fatal(err)
	}
	f.member = Viewer{UserID: seedUser(t, db, "leser@x.de").ID}
	f.otherV, f.newbieV = Viewer{UserID: f.other.ID}, Viewer{UserID: f.newbie.ID}
	f.modHere = Viewer{UserID: f.mod.ID, ModFields: []int64{f.fields[0].ID}}
	f.modThere = Viewer{UserID: f.mod.ID + 100, ModFields: []int64{f.fields[1].ID}}
	f.admin = Viewer{UserID: f.mod.ID + 200, ModAll: true}
	return f
}

func TestPostVisibilityPerViewer(t *testing.T) {
	f := newModFixture(t)
	ctx := context.Background()
	tests := []struct {
		name     string
		v        Viewer
		numbers  []int // positions of the posts listed
		withheld bool  // the hidden post comes without its text
	}{
		{"anonymous", f.anon, []int{1, 2}, true},
		{"member", f.member, []int{1, 2}, true},
		{"moderator of another field", f.modThere, []int{1, 2}, true},
		{"author of the hidden post", f.otherV, []int{1, 2}, false},
		{"author of the pending post", f.newbieV, []int{1, 2, 3}, true},
		{"moderator of the field", f.modHere, []int{1, 2, 3}, false},
		{"admin", f.admin, []int{1, 2, 3}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, total, err := f.db.PostsFor(ctx, tt.v, f.thread, 10, 0)
			if err != nil {
				t.Fatal(err)
			}
			var numbers []int
			for _, p := range ps {
				numbers = append(numbers, p.Number)
				if p.ID == f.hidden {
					if !p.Hidden() || p.Withheld != tt.withheld || (p.Body == "") != tt.withheld || (p.HiddenReason == "") != tt.withheld {
						t.Errorf("hidden post = %+v; want Withheld %v", p, tt.withheld)
					}
				}
				if p.ID == f.pending && !p.Pending {
					t.Errorf("pending post not marked Pending")
				}
			}
			if !slices.Equal(numbers, tt.numbers) || total != len(tt.numbers) {
				t.Errorf("PostsFor numbers = %v (total %d), want %v", numbers, total, tt.numbers)
			}
			// PostFor agrees: the pending post is missing for those who do not list it.
			p, err := f.db.PostFor(ctx, tt.v, f.pending)
			if listed := len(tt.numbers) == 3; listed != (err == nil) {
				t.Errorf("PostFor(pending) = %v, %v; want found %v", p.ID, err, listed)
			}
			h, err := f.db.PostFor(ctx, tt.v, f.hidden)
			if err != nil || h.Withheld != tt.withheld || h.Number != 2 {
				t.Errorf("PostFor(hidden) = Withheld %v Number %d, %v; want %v, 2", h.Withheld, h.Number, err, tt.withheld)
			}
		})
	}
	// The question order lists the same posts.
	ps, _, err := f.db.QuestionPostsFor(ctx, f.member, f.thread, 10, 0)
	if err != nil || len(ps) != 2 || !ps[1].Withheld {
		t.Errorf("QuestionPostsFor(member) = %d posts, %v", len(ps), err)
	}
	// The public functions are the anonymous view.
	if _, err := f.db.PostByID(ctx, f.pending); !errors.Is(err, ErrNotFound) {
		t.Errorf("PostByID(pending) = %v, want ErrNotFound", err)
	}
	if p, _ := f.db.PostByID(ctx, f.hidden); !p.Withheld || p.BodyHTML != "" {
		t.Errorf("PostByID(hidden) = %+v, want the text withheld", p)
	}
}

func TestCountersFollowVisibility(t *testing.T) {
	f := newModFixture(t)
	ctx := context.Background()
	count := func(want int, what string) {
		t.Helper()
		th, err := f.db.ThreadByID(ctx, f.thread)
		if err != nil {
			t.Fatal(err)
		}
		if th.PostCount != want {
			t.Errorf("%s: PostCount = %d, want %d", what, th.PostCount, want)
		}
	}
	count(1, "opening post shown, reply hidden, one pending")
	if err := f.db.ApprovePost(ctx, f.mod.ID, f.pending); err != nil {
		t.Fatal(err)
	}
	count(2, "after approval")
	if err := f.db.UnhidePost(ctx, f.mod.ID, f.hidden, ""); err != nil {
		t.Fatal(err)
	}
	count(3, "after unhiding")
	if err := f.db.HidePost(ctx, f.mod.ID, f.pending, "doch nicht"); err != nil {
		t.Fatal(err)
	}
	count(2, "after hiding the approved post")
	// Deleting a hidden post does not count it twice.
	if err := f.db.DeletePost(ctx, f.pending, f.mod.ID); err != nil {
		t.Fatal(err)
	}
	count(2, "after deleting the hidden post")
	if err := f.db.HidePost(ctx, f.mod.ID, f.hidden, "x"); err != nil {
		t.Fatal(err)
	}
	th, _ := f.db.ThreadByID(ctx, f.thread)
	op, _ := f.db.PostByID(ctx, f.opening)
	if th.PostCount != 1 || !th.LastPostAt.Equal(op.CreatedAt) {
		t.Errorf("only the opening post shown: PostCount %d, LastPostAt %v; want 1, %v", th.PostCount, th.LastPostAt, op.CreatedAt)
	}
	// Approval, rejection and a second approval.
	if err := f.db.ApprovePost(ctx, f.mod.ID, f.opening); !errors.Is(err, ErrNotFound) {
		t.Errorf("ApprovePost(approved post) = %v, want ErrNotFound", err)
	}
	late, _ := f.db.AddPost(ctx, NewPost{ThreadID: f.thread, AuthorID: f.newbie.ID, Body: "b", BodyHTML: "b", Pending: true})
	if err := f.db.RejectPost(ctx, f.mod.ID, late, "Spam"); err != nil {
		t.Fatal(err)
	}
	count(1, "after rejecting")
	if _, err := f.db.PostFor(ctx, f.member, late); !errors.Is(err, ErrNotFound) {
		t.Errorf("rejected post for a member: %v, want ErrNotFound", err)
	}
	if p, err := f.db.PostFor(ctx, f.newbieV, late); err != nil || !p.Hidden() || !p.Pending || p.Body != "b" {
		t.Errorf("rejected post for its author = %+v, %v", p, err)
	}
	if n, _ := f.db.ApprovedPostCount(ctx, f.newbie.ID, 10); n != 1 {
		t.Errorf("ApprovedPostCount(newbie) = %d, want 1 (the approved, then deleted post)", n)
	}
}

func TestHiddenAndPendingThreads(t *testing.T) {
	f := newModFixture(t)
	ctx := context.Background()
	field := f.fields[0].ID
	if err := f.db.ModerateThread(ctx, f.mod.ID, f.thread, ThreadHide, "Doppelt"); err != nil {
		t.Fatal(err)
	}
	pendingID, pendingPost, err := f.db.CreateThread(ctx, NewThread{TopicFieldID: field, AuthorID: f.newbie.ID, Kind: KindQuestion,
		Title: "Neu", Slug: "neu", Body: "b", BodyHTML: "b", Pending: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name            string
		v               Viewer
		hidden, pending bool // sees the hidden thread, the pending thread
	}{
		{"anonymous", f.anon, false, false},
		{"member", f.member, false, false},
		{"author of the hidden thread", Viewer{UserID: f.author.ID}, false, false},
		{"author of the pending thread", f.newbieV, false, true},
		{"moderator of another field", f.modThere, false, false},
		{"moderator of the field", f.modHere, true, true},
		{"admin", f.admin, true, true},
	} {
		th, err := f.db.ThreadFor(ctx, tt.v, f.thread)
		if (err == nil) != tt.hidden || (err == nil && !th.Hidden()) {
			t.Errorf("%s: ThreadFor(hidden) = %v", tt.name, err)
		}
		if _, err := f.db.ThreadFor(ctx, tt.v, pendingID); (err == nil) != tt.pending {
			t.Errorf("%s: ThreadFor(pending) = %v, want found %v", tt.name, err, tt.pending)
		}
		if _, err := f.db.PostFor(ctx, tt.v, f.opening); (err == nil) != tt.hidden {
			t.Errorf("%s: PostFor(post in hidden thread) = %v", tt.name, err)
		}
	}
	// Neither shows in any list or count.
	ts, total, _ := f.db.ThreadsFiltered(ctx, Viewer{AllFields: true}, ThreadFilter{FieldID: field}, 10, 0)
	latest, _ := f.db.LatestThreads(ctx, Viewer{AllFields: true}, 10)
	byAuthor, _ := f.db.ThreadsByAuthor(ctx, Viewer{AllFields: true}, f.author.ID, 10)
	stats, _ := f.db.TopicFieldStats(ctx, Viewer{AllFields: true}, false)
	questions, _, _, _ := f.db.UserQAStats(ctx, Viewer{AllFields: true}, f.newbie.ID)
	if len(ts) != 0 || total != 0 || len(latest) != 0 || len(byAuthor) != 0 || stats[0].ThreadCount != 0 || questions != 0 {
		t.Errorf("lists show hidden or pending threads: %d/%d, %d, %d, %d, %d", len(ts), total, len(latest), len(byAuthor), stats[0].ThreadCount, questions)
	}
	if _, err := f.db.CreatePost(ctx, f.thread, f.author.ID, "x", "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("reply to a hidden thread = %v, want ErrNotFound", err)
	}
	// Approving the opening post publishes the thread with its event.
	if err := f.db.ApprovePost(ctx, f.mod.ID, pendingPost); err != nil {
		t.Fatal(err)
	}
	th, err := f.db.ThreadByID(ctx, pendingID)
	if err != nil || th.Pending || th.PostCount != 1 {
		t.Errorf("approved thread = %+v, %v", th, err)
	}
	es, _ := f.db.EventsAfter(ctx, 0, 100)
	if !slices.ContainsFunc(es, func(e Event) bool { return e.Kind == EventQuestionCreated && e.ThreadID == pendingID }) {
		t.Errorf("no question.created event after approval: %+v", es)
	}
	if err := f.db.ModerateThread(ctx, f.mod.ID, f.thread, ThreadUnhide, ""); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := f.db.ThreadsFiltered(ctx, Viewer{AllFields: true}, ThreadFilter{FieldID: field}, 10, 0); total != 2 {
		t.Errorf("after unhiding and approving: %d threads listed, want 2", total)
	}
}

func TestPinnedThreadsLeadTheirField(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	u := seedUser(t, db, "a@x.de")
	old, _ := qaThread(t, db, fs[0].ID, KindDiscussion, u)
	newer, _ := qaThread(t, db, fs[0].ID, KindDiscussion, u, u)
	if err := db.ModerateThread(ctx, u.ID, old, ThreadPin, ""); err != nil {
		t.Fatal(err)
	}
	ts, _, _ := db.ThreadsFiltered(ctx, Viewer{AllFields: true}, ThreadFilter{FieldID: fs[0].ID}, 10, 0)
	if len(ts) != 2 || ts[0].ID != old || !ts[0].Pinned || ts[1].ID != newer {
		t.Errorf("field list = %v, want the pinned thread %d first", ts, old)
	}
	if latest, _ := db.LatestThreads(ctx, Viewer{AllFields: true}, 10); latest[0].ID != newer {
		t.Errorf("latest threads start with %d, want %d: pinning is per field", latest[0].ID, newer)
	}
	if err := db.MoveThread(ctx, u.ID, old, fs[1].ID, "passt besser"); err != nil {
		t.Fatal(err)
	}
	if th, _ := db.ThreadByID(ctx, old); th.TopicFieldID != fs[1].ID {
		t.Errorf("moved thread is in field %d, want %d", th.TopicFieldID, fs[1].ID)
	}
	es, _ := db.AuditLog(ctx, 1)
	if es[0].Action != "thread.move" || es[0].Detail != "familie-kind → umwelt: passt besser" {
		t.Errorf("move audit = %+v", es[0])
	}
}

func TestFlagsOneOpenPerReporterAndQueue(t *testing.T) {
	f := newModFixture(t)
	ctx := context.Background()
	if _, err := f.db.CreateFlag(ctx, f.opening, f.other.ID, FlagSpam, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CreateFlag(ctx, f.opening, f.other.ID, FlagOther, "nochmal"); !errors.Is(err, ErrConflict) {
		t.Errorf("second open flag = %v, want ErrConflict", err)
	}
	if _, err := f.db.CreateFlag(ctx, f.opening, f.newbie.ID, FlagOffTopic, "passt nicht"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CreateFlag(ctx, f.opening, f.author.ID, "quatsch", ""); !errors.Is(err, ErrConflict) {
		t.Errorf("unknown reason = %v, want ErrConflict (CHECK)", err)
	}
	for _, tt := range []struct {
		name           string
		v              Viewer
		flagged, count int
	}{
		{"moderator of the field", f.modHere, 1, 2}, // the flagged post and the pending one
		{"admin", f.admin, 1, 2},
		{"moderator of another field", f.modThere, 0, 0},
		{"member", f.member, 0, 0},
	} {
		items, total, err := f.db.FlaggedPosts(ctx, tt.v, 10)
		n, _ := f.db.ReviewCount(ctx, tt.v)
		if err != nil || len(items) != tt.flagged || total != tt.flagged || n != tt.count {
			t.Errorf("%s: FlaggedPosts = %d (%d), ReviewCount = %d, %v; want %d, %d", tt.name, len(items), total, n, err, tt.flagged, tt.count)
		}
		if len(items) == 1 && (len(items[0].Flags) != 2 || !items[0].Opening || items[0].Post.Number != 1) {
			t.Errorf("%s: item = %+v", tt.name, items[0])
		}
	}
	pending, total, _ := f.db.PendingPosts(ctx, f.modHere, 10)
	if len(pending) != 1 || total != 1 || pending[0].Post.ID != f.pending || pending[0].Post.Number != 3 {
		t.Errorf("PendingPosts = %+v", pending)
	}
	// Dismissing closes both flags; the reporter may flag again afterwards.
	if err := f.db.DismissFlags(ctx, f.mod.ID, f.opening, "in Ordnung"); err != nil {
		t.Fatal(err)
	}
	if err := f.db.DismissFlags(ctx, f.mod.ID, f.opening, ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("dismissing again = %v, want ErrNotFound", err)
	}
	if _, err := f.db.CreateFlag(ctx, f.opening, f.other.ID, FlagSpam, ""); err != nil {
		t.Errorf("flag after resolution = %v", err)
	}
	// Hiding resolves the open flags as hidden.
	if err := f.db.HidePost(ctx, f.mod.ID, f.opening, "Spam"); err != nil {
		t.Fatal(err)
	}
	var open, hidden int
	f.db.read.QueryRow(`SELECT COUNT(*) FILTER (WHERE resolved_at IS NULL), COUNT(*) FILTER (WHERE resolution = 'hide') FROM flags`).Scan(&open, &hidden)
	if open != 0 || hidden != 1 {
		t.Errorf("after hiding: %d open flags, %d resolved by hiding; want 0, 1", open, hidden)
	}
	if n, _ := f.db.ReviewCount(ctx, f.modHere); n != 1 {
		t.Errorf("ReviewCount after hiding = %d, want 1 (the pending post)", n)
	}
}

func TestAuditLogForModerators(t *testing.T) {
	f := newModFixture(t)
	ctx := context.Background()
	other, _ := qaThread(t, f.db, f.fields[1].ID, KindDiscussion, f.author)
	steps := []error{
		f.db.ModerateThread(ctx, f.mod.ID, other, ThreadLock, "Streit"),
		f.db.SuspendUser(ctx, f.mod.ID, f.other.ID, Indefinitely, "Spam"),
		func() error { _, err := f.db.AddModerator(ctx, 0, f.fields[1].ID, f.other.ID); return err }(),
	}
	for _, err := range steps {
		if err != nil {
			t.Fatal(err)
		}
	}
	actions := func(v Viewer) []string {
		es, err := f.db.AuditLogFor(ctx, v, 100)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, e.Action)
		}
		return out
	}
	// The fixture hid a post in field 0.
	if got, want := actions(f.modHere), []string{"user.suspend", "post.hide"}; !slices.Equal(got, want) {
		t.Errorf("moderator of field 0 sees %v, want %v", got, want)
	}
	if got, want := actions(f.modThere), []string{"moderator.assign", "user.suspend", "thread.lock"}; !slices.Equal(got, want) {
		t.Errorf("moderator of field 1 sees %v, want %v", got, want)
	}
	if got := actions(f.admin); len(got) != 4 {
		t.Errorf("admin sees %v, want all 4 entries", got)
	}
	if got := actions(f.member); !slices.Equal(got, []string{"user.suspend"}) {
		t.Errorf("a viewer without fields sees %v, want only the suspension", got)
	}
}

func TestSuspensionAndModerators(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	u := seedUser(t, db, "u@x.de")
	until := time.Now().Add(48 * time.Hour).Truncate(time.Millisecond).UTC()
	if err := db.SuspendUser(ctx, 0, u.ID, until, "Beleidigung"); err != nil {
		t.Fatal(err)
	}
	got, _ := db.UserByID(ctx, u.ID)
	if !got.Suspended() || !got.SuspendedUntil.Equal(until) || got.SuspendedReason != "Beleidigung" || got.SuspendedIndefinitely() {
		t.Errorf("suspended user = %v %q, want until %v", got.SuspendedUntil, got.SuspendedReason, until)
	}
	if err := db.SuspendUser(ctx, 0, u.ID, Indefinitely, "weiter"); err != nil {
		t.Fatal(err)
	}
	if got, _ = db.UserByID(ctx, u.ID); !got.SuspendedIndefinitely() || !got.Suspended() {
		t.Errorf("indefinite suspension: %v", got.SuspendedUntil)
	}
	if err := db.LiftSuspension(ctx, 0, u.ID, ""); err != nil {
		t.Fatal(err)
	}
	if got, _ = db.UserByID(ctx, u.ID); got.Suspended() || !got.SuspendedUntil.IsZero() {
		t.Errorf("after lifting: %v", got.SuspendedUntil)
	}
	if err := db.LiftSuspension(ctx, 0, u.ID, ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("lifting twice = %v, want ErrNotFound", err)
	}

	added, err := db.AddModerator(ctx, 0, fs[0].ID, u.ID)
	if err != nil || !added {
		t.Fatalf("AddModerator = %v, %v", added, err)
	}
	if added, _ := db.AddModerator(ctx, 0, fs[0].ID, u.ID); added {
		t.Error("assigning twice reports a new assignment")
	}
	db.AddModerator(ctx, 0, fs[1].ID, u.ID)
	got, _ = db.UserByID(ctx, u.ID)
	mods, _ := db.FieldModerators(ctx)
	if got.Role != RoleModerator || !slices.Equal(got.ModFields, []int64{fs[0].ID, fs[1].ID}) || len(mods[fs[0].ID]) != 1 {
		t.Errorf("after assigning: role %s, fields %v, moderators %v", got.Role, got.ModFields, mods)
	}
	db.RemoveModerator(ctx, 0, fs[0].ID, u.ID)
	if got, _ = db.UserByID(ctx, u.ID); got.Role != RoleModerator {
		t.Errorf("with one field left the role is %s", got.Role)
	}
	db.RemoveModerator(ctx, 0, fs[1].ID, u.ID)
	if got, _ = db.UserByID(ctx, u.ID); got.Role != RoleMember || len(got.ModFields) != 0 {
		t.Errorf("without fields: role %s, fields %v; want a member again", got.Role, got.ModFields)
	}
	if err := db.RemoveModerator(ctx, 0, fs[1].ID, u.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("removing twice = %v, want ErrNotFound", err)
	}
}
