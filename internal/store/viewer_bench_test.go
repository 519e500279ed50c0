package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// Permission filtering: what the visibility rules cost per request. The
// SQL side (SeesField's subquery, the statement cache that viewers with
// groups miss, the posts condition) is measured through the list and
// thread queries on a data set with a protected area; the Go side
// (seesThread, withhold) on its own.

// Viewers as the pages see them.
var (
	benchVisitor = Viewer{}
	benchMember  = Viewer{UserID: 20}
	benchGrouped = Viewer{UserID: 21, Groups: []int64{1}} // member of the protected area's group
	benchAdmin   = Viewer{UserID: 1, ModAll: true, AllFields: true}
)

// benchForum loads 16 open fields and one protected field with threads
// (two posts each, the long one 40) through Bulk, as seed --synthetic does.
func benchForum(b *testing.B, threads int) (*DB, int64) {
	b.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "forum.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	var fields []TopicField
	for i := range 16 {
		fields = append(fields, TopicField{Slug: fmt.Sprintf("feld-%d", i), Name: fmt.Sprintf("Feld %d", i), Position: i})
	}
	if err := db.EnsureTopicFields(ctx, fields); err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	bulk, err := db.BeginBulk(ctx, at.AddDate(1, 0, 0))
	if err != nil {
		b.Fatal(err)
	}
	for id := int64(1); id <= 50; id++ {
		role := RoleMember
		if id == 1 {
			role = RoleAdmin
		}
		if err := bulk.User(BulkUser{ID: id, Email: fmt.Sprintf("u%d@example.org", id), DisplayName: fmt.Sprintf("Nutzer %d", id),
			Role: role, OrgType: "gemeinde", Status: StatusActive, CreatedAt: at}); err != nil {
			b.Fatal(err)
		}
	}
	gid, err := bulk.Group("gremium", "Gremium", at, []int64{1, 21})
	if err != nil {
		b.Fatal(err)
	}
	protected, err := bulk.RestrictedField("intern", "Intern", "", gid, at)
	if err != nil {
		b.Fatal(err)
	}
	postID := int64(1)
	for i := range threads {
		field := int64(1 + i%16)
		if i%10 == 9 {
			field = protected
		}
		n := 2
		if i == 0 {
			n = 40
		}
		t := BulkThread{ID: int64(i + 1), TopicFieldID: field, AuthorID: int64(2 + i%48), Kind: KindDiscussion,
			Title: fmt.Sprintf("Thema %d", i), Slug: fmt.Sprintf("thema-%d", i), CreatedAt: at.Add(time.Duration(i) * time.Minute)}
		for j := range n {
			t.Posts = append(t.Posts, BulkPost{ID: postID, AuthorID: int64(2 + (i+j)%48), Body: "Wir haben den Bauantrag angebunden.",
				BodyHTML: "<p>Wir haben den Bauantrag angebunden.</p>\n", CreatedAt: t.CreatedAt.Add(time.Duration(j) * time.Second)})
			postID++
		}
		if err := bulk.Thread(t); err != nil {
			b.Fatal(err)
		}
	}
	if err := bulk.Close(); err != nil {
		b.Fatal(err)
	}
	return db, protected
}

// BenchmarkLatestThreads is the home page's list for each kind of viewer:
// visitors and members share one cached statement, a group member's
// SeesField names the group and runs unprepared, the admin's is "1".
func BenchmarkLatestThreads(b *testing.B) {
	db, _ := benchForum(b, 5000)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		v    Viewer
	}{{"visitor", benchVisitor}, {"member", benchMember}, {"group-member", benchGrouped}, {"admin", benchAdmin}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ts, err := db.LatestThreads(ctx, c.v, 10)
				if err != nil || len(ts) != 10 {
					b.Fatalf("LatestThreads = %d threads, %v", len(ts), err)
				}
			}
		})
	}
}

// BenchmarkThreadsByField is a field's list page with its count; the
// protected field for its group member.
func BenchmarkThreadsByField(b *testing.B) {
	db, protected := benchForum(b, 5000)
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		v     Viewer
		field int64
	}{{"visitor-open", benchVisitor, 1}, {"group-member-open", benchGrouped, 1}, {"group-member-protected", benchGrouped, protected}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ts, total, err := db.ThreadsByField(ctx, c.v, c.field, 25, 0)
				if err != nil || len(ts) != 25 || total < 25 {
					b.Fatalf("ThreadsByField = %d of %d, %v", len(ts), total, err)
				}
			}
		})
	}
}

// BenchmarkPostsFor is a thread page's posts query: readers get the
// approved posts and their own, moderators (here the admin) everything.
func BenchmarkPostsFor(b *testing.B) {
	db, _ := benchForum(b, 200)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		v    Viewer
	}{{"visitor", benchVisitor}, {"member", benchMember}, {"moderator", benchAdmin}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ps, total, err := db.PostsFor(ctx, c.v, 1, 20, 0)
				if err != nil || len(ps) != 20 || total != 40 {
					b.Fatalf("PostsFor = %d of %d, %v", len(ps), total, err)
				}
			}
		})
	}
}

// BenchmarkSeesField builds the visibility condition (no database).
func BenchmarkSeesField(b *testing.B) {
	many := Viewer{UserID: 5, Groups: []int64{1, 2, 3, 4, 5, 6, 7, 8}}
	for _, c := range []struct {
		name string
		v    Viewer
	}{{"visitor", benchVisitor}, {"one-group", benchGrouped}, {"eight-groups", many}, {"admin", benchAdmin}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if c.v.SeesField("t.topic_field_id") == "" {
					b.Fatal("empty condition")
				}
			}
		})
	}
}

// BenchmarkSeesThreadAndWithhold applies the Go-side rules to a page: the
// thread check and withholding the text of hidden posts among 20.
func BenchmarkSeesThreadAndWithhold(b *testing.B) {
	t := Thread{ID: 1, TopicFieldID: 3, AuthorID: 9, FieldGroupID: 1}
	posts := make([]Post, 20)
	for i := range posts {
		posts[i] = Post{ID: int64(i + 1), AuthorID: int64(10 + i), Body: "Text", BodyHTML: "<p>Text</p>"}
		if i%5 == 0 {
			posts[i].HiddenAt = time.Unix(1, 0)
		}
	}
	page := make([]Post, len(posts))
	b.ReportAllocs()
	for b.Loop() {
		if !benchGrouped.seesThread(t) {
			b.Fatal("group member does not see the thread")
		}
		copy(page, posts)
		mod := benchGrouped.Moderates(t.TopicFieldID)
		for i := range page {
			benchGrouped.withhold(&page[i], mod)
		}
		if !page[0].Withheld {
			b.Fatal("hidden post not withheld")
		}
	}
}
