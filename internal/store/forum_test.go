package store

import (
	"context"
	"errors"
	"testing"
)

func seedFields(t *testing.T, db *DB) []TopicField {
	t.Helper()
	ctx := context.Background()
	if err := db.EnsureTopicFields(ctx, []TopicField{
		{Slug: "familie-kind", Name: "Familie & Kind", Position: 10},
		{Slug: "umwelt", Name: "Umwelt", Position: 20},
	}); err != nil {
		t.Fatal(err)
	}
	fs, err := db.TopicFields(ctx, Viewer{AllFields: true}, true)
	if err != nil || len(fs) != 2 {
		t.Fatalf("TopicFields = %v, %v", fs, err)
	}
	return fs
}

func seedUser(t *testing.T, db *DB, email string) User {
	t.Helper()
	u, err := db.CreateUser(context.Background(), NewUser{Email: email, DisplayName: email, Role: RoleMember,
		OrgType: "sonstige", Status: StatusActive}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestEnsureTopicFieldsOnlyOnFirstStart(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	if err := db.SetTopicFieldArchived(ctx, 0, fs[1].ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveTopicField(ctx, 0, TopicField{ID: fs[0].ID, Slug: "familie", Name: "Familie"}); err != nil {
		t.Fatal(err)
	}
	// A second start must not bring the renamed default back.
	if err := db.EnsureTopicFields(ctx, []TopicField{{Slug: "familie-kind", Name: "Familie & Kind"}}); err != nil {
		t.Fatal(err)
	}
	all, _ := db.TopicFields(ctx, Viewer{AllFields: true}, true)
	active, _ := db.TopicFields(ctx, Viewer{AllFields: true}, false)
	if len(all) != 2 || len(active) != 1 || active[0].Slug != "familie" {
		t.Errorf("after restart: all=%v active=%v", all, active)
	}
}

func TestThreadAndPostCounters(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	u := seedUser(t, db, "a@x.de")
	tid, pid, err := db.CreateThread(ctx, NewThread{TopicFieldID: fs[0].ID, AuthorID: u.ID, Title: "T", Slug: "t", Body: "b", BodyHTML: "<p>b</p>"})
	if err != nil {
		t.Fatal(err)
	}
	r1, err := db.CreatePost(ctx, tid, u.ID, "r1", "<p>r1</p>")
	if err != nil {
		t.Fatal(err)
	}
	th, _ := db.ThreadByID(ctx, tid)
	if th.PostCount != 2 || th.Replies() != 1 {
		t.Errorf("after reply: PostCount = %d, Replies = %d; want 2, 1", th.PostCount, th.Replies())
	}
	if err := db.DeletePost(ctx, r1, u.ID); err != nil {
		t.Fatal(err)
	}
	th, _ = db.ThreadByID(ctx, tid)
	if th.PostCount != 1 {
		t.Errorf("after delete: PostCount = %d, want 1", th.PostCount)
	}
	posts, total, _ := db.Posts(ctx, tid, 10, 0)
	if total != 2 || !posts[1].Deleted() || posts[1].Number != 2 {
		t.Errorf("Posts = %+v, total %d; want deleted post kept in place", posts, total)
	}
	if err := db.DeletePost(ctx, r1, u.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete = %v, want ErrNotFound", err)
	}
	stats, _ := db.TopicFieldStats(ctx, Viewer{AllFields: true}, false)
	if stats[0].ThreadCount != 1 || stats[1].ThreadCount != 0 {
		t.Errorf("TopicFieldStats = %+v", stats)
	}
	if err := db.EditPost(ctx, pid, u.ID, "b2", "<p>b2</p>"); err != nil {
		t.Fatal(err)
	}
	revs, _ := db.PostRevisions(ctx, pid)
	if len(revs) != 1 || revs[0].Body != "b" {
		t.Errorf("PostRevisions = %+v, want the old body", revs)
	}
}

func TestCreatePostRefusedWhenLocked(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	u := seedUser(t, db, "a@x.de")
	tid, _, _ := db.CreateThread(ctx, NewThread{TopicFieldID: fs[0].ID, AuthorID: u.ID, Title: "T", Slug: "t", Body: "b", BodyHTML: "b"})
	if err := db.SetThreadLocked(ctx, u.ID, tid, true); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePost(ctx, tid, u.ID, "x", "x"); !errors.Is(err, ErrLocked) {
		t.Errorf("CreatePost on locked = %v, want ErrLocked", err)
	}
	if _, err := db.CreatePost(ctx, 9999, u.ID, "x", "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("CreatePost on missing thread = %v, want ErrNotFound", err)
	}
	log, _ := db.AuditLog(ctx, 10)
	if len(log) != 1 || log[0].Action != "thread.lock" {
		t.Errorf("AuditLog = %+v, want the lock", log)
	}
}

func TestSessionsAndTokens(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	u := seedUser(t, db, "Anna@X.de")
	if _, err := db.UserByEmail(ctx, "anna@x.de"); err != nil {
		t.Errorf("UserByEmail is not case-insensitive: %v", err)
	}
	if _, err := db.CreateUser(ctx, NewUser{Email: "ANNA@x.de", DisplayName: "d", Role: RoleMember, OrgType: "sonstige", Status: StatusActive}, nil, nil); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate email = %v, want ErrConflict", err)
	}
	now := db.now()
	if err := db.CreateSession(ctx, u.ID, "h1", now.Add(-1)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UserBySession(ctx, "h1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("expired session = %v, want ErrNotFound", err)
	}
	if err := db.CreateSession(ctx, u.ID, "h2", now.Add(3600e9)); err != nil {
		t.Fatal(err)
	}
	if got, err := db.UserBySession(ctx, "h2"); err != nil || got.ID != u.ID {
		t.Errorf("UserBySession = %v, %v", got.ID, err)
	}
	if err := db.SetUserStatus(ctx, u.ID, StatusDisabled); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UserBySession(ctx, "h2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("session of disabled user = %v, want ErrNotFound", err)
	}
}
