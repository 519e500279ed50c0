package seed

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/forum"
	"kommunalforum/internal/i18n"
	"kommunalforum/internal/mail"
	"kommunalforum/internal/store"
	"kommunalforum/templates"
)

// newEnv opens a fresh database file and wires accounts and forum rules on
// it. withFields seeds the default topic fields, as the first start does.
func newEnv(t *testing.T, withFields bool) (*store.DB, *auth.Accounts, *forum.Forum) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "f.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if withFields {
		if err := db.EnsureTopicFields(ctx, forum.DefaultTopicFields); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	comp, err := mail.NewComposer(templates.FS, cat, "http://x", "a@b.example")
	if err != nil {
		t.Fatal(err)
	}
	acc := auth.NewAccounts(db, comp, auth.Policy{Registration: "open", MinPasswordLength: 10,
		SessionLifetime: time.Hour, VerifyLifetime: time.Hour, ResetLifetime: time.Hour})
	return db, acc, forum.New(db, 10)
}

// census is what the database holds, counted through the store's reads.
type census struct {
	users, threads, posts  int
	fields                 int // topic fields with at least one thread
	revised, locked, empty int // posts with revisions, locked threads, posts without HTML
	threadList             []store.Thread
	postsByThread          map[int64][]store.Post
}

func count(t *testing.T, db *store.DB) census {
	t.Helper()
	ctx := context.Background()
	users, err := db.UsersByStatus(ctx, store.StatusActive, 1000)
	if err != nil {
		t.Fatal(err)
	}
	c := census{users: len(users), postsByThread: map[int64][]store.Post{}}
	fs, err := db.TopicFields(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		ts, total, err := db.ThreadsByField(ctx, f.ID, 1000, 0)
		if err != nil {
			t.Fatal(err)
		}
		if total > 0 {
			c.fields++
		}
		c.threads += total
		c.threadList = append(c.threadList, ts...)
		for _, th := range ts {
			if th.Locked {
				c.locked++
			}
			ps, n, err := db.Posts(ctx, th.ID, 1000, 0)
			if err != nil {
				t.Fatal(err)
			}
			c.posts += n
			c.postsByThread[th.ID] = ps
			for _, p := range ps {
				if strings.TrimSpace(p.BodyHTML) == "" {
					c.empty++
				}
				revs, err := db.PostRevisions(ctx, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(revs) > 0 {
					c.revised++
				}
			}
		}
	}
	return c
}

func TestDemo(t *testing.T) {
	db, acc, f := newEnv(t, true)
	ctx := context.Background()
	before := time.Now()

	sum, err := Demo(ctx, db, acc, f)
	if err != nil {
		t.Fatalf("Demo: %v", err)
	}
	wantPosts := 0
	for _, th := range demoThreads {
		wantPosts += 1 + len(th.replies)
	}
	want := Summary{Users: len(demoUsers), Threads: len(demoThreads), Posts: wantPosts}
	if sum != want {
		t.Fatalf("Demo = %+v, want %+v", sum, want)
	}

	c := count(t, db)
	if c.users != sum.Users || c.threads != sum.Threads || c.posts != sum.Posts {
		t.Errorf("database holds %d users, %d threads, %d posts; Demo reported %+v", c.users, c.threads, c.posts, sum)
	}
	if c.fields < 10 {
		t.Errorf("threads in %d topic fields, want at least 10", c.fields)
	}
	if c.revised < 1 {
		t.Error("no post has a revision")
	}
	if c.locked < 1 {
		t.Error("no thread is locked")
	}
	if c.empty > 0 {
		t.Errorf("%d posts render to empty HTML", c.empty)
	}

	// Dated over the past month, in office hours, in order within a thread.
	loc := germany()
	for _, th := range c.threadList {
		var last time.Time
		for _, p := range c.postsByThread[th.ID] {
			at := p.CreatedAt.In(loc)
			if at.Before(before.AddDate(0, 0, -31)) || at.After(before) {
				t.Errorf("post %d in %q dated %v, want within the past 30 days", p.ID, th.Title, at)
			}
			if at.Before(last) {
				t.Errorf("post %d in %q dated %v, before the previous post (%v)", p.ID, th.Title, at, last)
			}
			if h, wd := at.Hour(), at.Weekday(); h < officeStart || h >= officeEnd || wd == time.Saturday || wd == time.Sunday {
				t.Errorf("post %d dated %v, outside office hours", p.ID, at)
			}
			last = at
		}
	}

	admin, err := acc.Login(ctx, "admin@kommunalforum.example", DemoPassword)
	if err != nil || admin.Role != store.RoleAdmin {
		t.Errorf("Login(admin) = %v (role %q), want an admin", err, admin.Role)
	}
	mod, err := db.UserByEmail(ctx, "moderation@kommunalforum.example")
	if err == nil {
		mod, err = db.UserByID(ctx, mod.ID)
	}
	if err != nil || mod.Role != store.RoleModerator || len(mod.ModFields) != 2 {
		t.Errorf("moderator = %v, role %q, fields %v; want a moderator of 2 fields", err, mod.Role, mod.ModFields)
	}
	pm, err := db.UserByEmail(ctx, "pm@kommunalforum.example")
	if err != nil || pm.Role != store.RolePM || pm.OrgName != "OZG-Programmmanagement" {
		t.Errorf("pm = %v, role %q, org %q", err, pm.Role, pm.OrgName)
	}

	// Demo gives the database its real clock back.
	u, err := acc.CreateAccount(ctx, auth.NewAccount{Email: "neu@kommunalforum.example", DisplayName: "Neu",
		Role: store.RoleMember, OrgType: "gemeinde", Password: DemoPassword})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(u.CreatedAt); d < 0 || d > time.Minute {
		t.Errorf("account created after Demo dated %v, want now: clock not restored", u.CreatedAt)
	}

	again, err := Demo(ctx, db, acc, f)
	if err != nil || again != (Summary{Skipped: true}) {
		t.Fatalf("second Demo = %+v, %v; want skipped", again, err)
	}
	c2 := count(t, db)
	if c2.users != c.users+1 || c2.threads != c.threads || c2.posts != c.posts {
		t.Errorf("after second Demo: %d users, %d threads, %d posts; want %d, %d, %d",
			c2.users, c2.threads, c2.posts, c.users+1, c.threads, c.posts)
	}
}

// TestDemoNeedsFields checks that missing topic fields stop Demo before it
// writes anything.
func TestDemoNeedsFields(t *testing.T) {
	db, acc, f := newEnv(t, false)
	ctx := context.Background()
	if _, err := Demo(ctx, db, acc, f); err == nil || !strings.Contains(err.Error(), "topic field") {
		t.Fatalf("Demo without topic fields: err = %v, want a missing field error", err)
	}
	if c := count(t, db); c.users != 0 {
		t.Errorf("Demo without topic fields created %d users, want 0", c.users)
	}
}

// TestContent checks the demo data itself, so a mistake in content.go
// shows here with a clear message.
func TestContent(t *testing.T) {
	keys := map[string]demoUser{}
	roles := map[string]int{}
	orgTypes := map[string]bool{}
	for _, u := range demoUsers {
		if _, dup := keys[u.key]; dup {
			t.Errorf("demo user key %q twice", u.key)
		}
		keys[u.key] = u
		roles[u.role]++
		orgTypes[u.orgType] = true
		if !strings.HasSuffix(u.email, "@kommunalforum.example") {
			t.Errorf("demo user %s: want an address under kommunalforum.example", u.email)
		}
	}
	if demoUsers[0].role != store.RoleAdmin {
		t.Errorf("first demo user is %s, want the admin", demoUsers[0].role)
	}
	for _, r := range store.Roles {
		if roles[r] == 0 {
			t.Errorf("no demo user with role %s", r)
		}
	}
	for _, ot := range []string{"landkreis", "stadt", "gemeinde", "land", "bund", "it-dienstleister", "verband"} {
		if !orgTypes[ot] {
			t.Errorf("no demo user from an organisation of type %s", ot)
		}
	}

	fields := map[string]bool{}
	for _, f := range forum.DefaultTopicFields {
		fields[f.Slug] = true
	}
	used := map[string]bool{}
	var quotes, codeBlocks, tables, links, edits, locks int
	for _, th := range demoThreads {
		used[th.field] = true
		if !fields[th.field] {
			t.Errorf("thread %q: unknown topic field %q", th.title, th.field)
		}
		if n := len(th.replies); n < 1 || n > 6 {
			t.Errorf("thread %q has %d replies, want 1 to 6", th.title, n)
		}
		posts := append([]demoPost{{author: th.author, body: th.body, edit: th.edit}}, th.replies...)
		others := false
		for _, p := range posts {
			if _, ok := keys[p.author]; !ok {
				t.Errorf("thread %q: unknown author %q", th.title, p.author)
			}
			others = others || p.author != th.author
			for _, body := range []string{p.body, p.edit} {
				if strings.Contains(body, "\n> ") {
					quotes++
				}
				if strings.Contains(body, "\n~~~") {
					codeBlocks++
				}
				if strings.Contains(body, "\n|---") {
					tables++
				}
				if strings.Contains(body, "https://") {
					links++
				}
				if strings.Contains(strings.ToLower(body), "lorem") {
					t.Errorf("thread %q: placeholder text", th.title)
				}
			}
			if p.edit != "" {
				edits++
			}
		}
		if !others {
			t.Errorf("thread %q: nobody but its author replies", th.title)
		}
		if th.lockedBy != "" {
			locks++
			if keys[th.lockedBy].role != store.RoleAdmin && !slices.Contains(moderatedFields, th.field) {
				t.Errorf("thread %q: %s does not moderate %s", th.title, th.lockedBy, th.field)
			}
		}
	}
	if len(used) < 10 {
		t.Errorf("threads in %d topic fields, want at least 10", len(used))
	}
	if quotes == 0 || codeBlocks == 0 || tables == 0 || links == 0 || edits == 0 || locks == 0 {
		t.Errorf("content has %d quotes, %d code blocks, %d tables, %d links, %d edits, %d locks; want each at least once",
			quotes, codeBlocks, tables, links, edits, locks)
	}
}

func TestOfficeClock(t *testing.T) {
	loc := time.FixedZone("MEZ", 3600)
	day := func(d, h, m int) time.Time { return time.Date(2026, time.March, d, h, m, 0, 0, loc) } // 2 March 2026 is a Monday
	tests := []struct {
		name      string
		got, want time.Time
	}{
		{"in office hours", nextOffice(day(3, 10, 30)), day(3, 10, 30)},
		{"early morning", nextOffice(day(3, 6, 0)), day(3, 8, 0)},
		{"evening", nextOffice(day(3, 18, 0)), day(4, 8, 0)},
		{"saturday", nextOffice(day(7, 12, 0)), day(9, 8, 0)},
		{"friday evening", nextOffice(day(6, 20, 0)), day(9, 8, 0)},
		{"add within a day", addOffice(day(2, 9, 0), 3*time.Hour), day(2, 12, 0)},
		{"add over the weekend", addOffice(day(6, 17, 0), 2*time.Hour), day(9, 9, 0)},
		{"add from the night", addOffice(day(3, 23, 0), 30*time.Minute), day(4, 8, 30)},
	}
	for _, tt := range tests {
		if !tt.got.Equal(tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if got := officeBetween(day(2, 8, 0), day(9, 8, 0)); got != 50*time.Hour {
		t.Errorf("officeBetween(one week) = %v, want 50h", got)
	}
	if got := officeBetween(day(9, 8, 0), day(2, 8, 0)); got != 0 {
		t.Errorf("officeBetween(backwards) = %v, want 0", got)
	}

	c := newClock(day(2, 7, 0), day(13, 18, 0), 40)
	for range 40 {
		c.tick()
	}
	if c.now().After(day(13, 18, 0)) {
		t.Errorf("after the planned steps the clock is at %v, past the end", c.now())
	}
}
