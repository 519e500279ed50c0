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
	"kommunalforum/internal/qa"
	"kommunalforum/internal/store"
	"kommunalforum/templates"
)

// env is a fresh database file with the rules Demo writes through.
type env struct {
	db  *store.DB
	acc *auth.Accounts
	f   *forum.Forum
	q   *qa.QA
	pm  *qa.PM
}

// newEnv opens a fresh database file and wires accounts, forum and Q&A rules
// on it. withFields seeds the default topic fields, as the first start does.
func newEnv(t *testing.T, withFields bool) env {
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
	return env{db: db, acc: acc, f: forum.New(db, pmDays), q: qa.New(db), pm: qa.NewPM(db, qa.DefaultAnsweringBody)}
}

// pmDays is the default answer deadline the PM content is timed for.
const pmDays = 10

func (e env) demo(ctx context.Context) (Summary, error) {
	return Demo(ctx, e.db, e.acc, e.f, e.q, e.pm)
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
	fs, err := db.TopicFields(ctx, store.Viewer{AllFields: true}, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		ts, total, err := db.ThreadsByField(ctx, store.Viewer{AllFields: true}, f.ID, 1000, 0)
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

// wantSummary is what Demo should report, counted from content.go.
func wantSummary() Summary {
	want := Summary{Users: len(demoUsers), Threads: len(demoThreads)}
	for _, th := range demoThreads {
		want.Posts += 1 + len(th.replies)
		switch th.kind {
		case store.KindQuestion:
			want.Questions++
		case store.KindPM:
			want.PMQuestions++
		}
		for _, r := range th.replies {
			want.Votes += len(r.up) + len(r.down)
		}
	}
	return want
}

func TestDemo(t *testing.T) {
	e := newEnv(t, true)
	db, acc := e.db, e.acc
	ctx := context.Background()
	before := time.Now()

	sum, err := e.demo(ctx)
	if err != nil {
		t.Fatalf("Demo: %v", err)
	}
	if want := wantSummary(); sum != want {
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

	// Dated over the past month, in office hours, in order within a thread
	// and across the forum.
	loc := germany()
	var all []store.Post
	for _, th := range c.threadList {
		var last time.Time
		for _, p := range c.postsByThread[th.ID] {
			all = append(all, p)
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
	slices.SortFunc(all, func(a, b store.Post) int { return int(a.ID - b.ID) })
	for i := 1; i < len(all); i++ {
		if all[i].CreatedAt.Before(all[i-1].CreatedAt) {
			t.Errorf("post %d dated %v, before post %d (%v): IDs and dates disagree", all[i].ID, all[i].CreatedAt, all[i-1].ID, all[i-1].CreatedAt)
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

	checkVotes(t, db, c, sum.Votes)
	checkQuestions(t, e, c, sum.Questions)
	checkPMQuestions(t, e, c, pm)

	// Demo gives the database and the forum their real clock back.
	u, err := acc.CreateAccount(ctx, auth.NewAccount{Email: "neu@kommunalforum.example", DisplayName: "Neu",
		Role: store.RoleMember, OrgType: "gemeinde", Password: DemoPassword})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(u.CreatedAt); d < 0 || d > time.Minute {
		t.Errorf("account created after Demo dated %v, want now: clock not restored", u.CreatedAt)
	}

	again, err := e.demo(ctx)
	if err != nil || again != (Summary{Skipped: true}) {
		t.Fatalf("second Demo = %+v, %v; want skipped", again, err)
	}
	c2 := count(t, db)
	if c2.users != c.users+1 || c2.threads != c.threads || c2.posts != c.posts {
		t.Errorf("after second Demo: %d users, %d threads, %d posts; want %d, %d, %d",
			c2.users, c2.threads, c2.posts, c.users+1, c.threads, c.posts)
	}

	asked := time.Now()
	th, _, err := e.f.CreateThread(ctx, &u, "querschnitt", store.KindPM, "Eine neue Frage nach der Demo", "Gilt die Frist ab heute?")
	if err != nil {
		t.Fatal(err)
	}
	if due := qa.DueDate(asked, pmDays); !th.PMDueAt.Equal(due) && !th.PMDueAt.Equal(qa.DueDate(time.Now(), pmDays)) {
		t.Errorf("PM question asked after Demo is due %v, want %v: forum clock not restored", th.PMDueAt, due)
	}
}

// checkVotes checks that every post's score is the sum of the votes on it
// and that the demo has the votes it planned, a negative one among them.
func checkVotes(t *testing.T, db *store.DB, c census, want int) {
	t.Helper()
	ctx := context.Background()
	users, err := db.UsersByStatus(ctx, store.StatusActive, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, ps := range c.postsByThread {
		for _, p := range ps {
			ids = append(ids, p.ID)
		}
	}
	sums := map[int64]int{}
	votes, down := 0, 0
	for _, u := range users {
		mine, err := db.MyVotes(ctx, u.ID, ids)
		if err != nil {
			t.Fatal(err)
		}
		for id, v := range mine {
			sums[id] += v
			votes++
			if v < 0 {
				down++
			}
		}
	}
	if votes != want || down == 0 {
		t.Errorf("%d votes (%d negative), want %d with a negative one", votes, down, want)
	}
	voted := 0
	for _, ps := range c.postsByThread {
		for _, p := range ps {
			if p.Score != sums[p.ID] {
				t.Errorf("post %d: score %d, but its votes add up to %d", p.ID, p.Score, sums[p.ID])
			}
			if p.Score < -1 || p.Score > 7 {
				t.Errorf("post %d: score %d, want -1 to 7", p.ID, p.Score)
			}
			if p.Score != 0 {
				voted++
			}
		}
	}
	if voted < 10 {
		t.Errorf("%d answers have a score, want at least 10", voted)
	}
}

// checkQuestions checks the member questions: accepted answers (one that is
// not the best voted), one unanswered question and one closed duplicate.
func checkQuestions(t *testing.T, e env, c census, want int) {
	t.Helper()
	ctx := context.Background()
	var questions, accepted, notTop, unanswered, duplicates int
	for _, th := range c.threadList {
		if th.Kind != store.KindQuestion {
			continue
		}
		questions++
		ps := c.postsByThread[th.ID]
		if th.PostCount == 1 && th.DuplicateOf == 0 {
			unanswered++
			if th.Status() != store.StatusOpen {
				t.Errorf("unanswered question %q has status %q", th.Title, th.Status())
			}
		}
		if th.DuplicateOf != 0 {
			duplicates++
			canonical, err := e.db.ThreadByID(ctx, th.DuplicateOf)
			if err != nil || canonical.Kind != store.KindQuestion || canonical.ID == th.ID {
				t.Errorf("%q is a duplicate of thread %d (%v, kind %q), want another question", th.Title, th.DuplicateOf, err, canonical.Kind)
			}
			asker, err := e.db.UserByID(ctx, th.AuthorID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.f.Reply(ctx, &asker, th.ID, "Noch eine Antwort?"); err != forum.ErrDuplicate {
				t.Errorf("reply to the duplicate %q: err = %v, want ErrDuplicate", th.Title, err)
			}
		}
		if th.AcceptedPostID == 0 {
			continue
		}
		accepted++
		if th.Status() != store.StatusSolved {
			t.Errorf("question %q with an accepted answer has status %q", th.Title, th.Status())
		}
		top, score := 0, 0
		found := false
		for _, p := range ps[1:] {
			top = max(top, p.Score)
			if p.ID == th.AcceptedPostID {
				score, found = p.Score, true
				if p.AuthorID == th.AuthorID {
					t.Errorf("question %q: the asker accepted their own post", th.Title)
				}
			}
		}
		if !found {
			t.Errorf("question %q: accepted post %d is no answer of it", th.Title, th.AcceptedPostID)
		}
		if score < top {
			notTop++
		}
	}
	if questions != want || questions < 6 {
		t.Errorf("%d member questions, want %d (at least 6)", questions, want)
	}
	if accepted < 3 || notTop < 1 {
		t.Errorf("%d questions with an accepted answer, %d of them not the best voted; want at least 3 and 1", accepted, notTop)
	}
	if unanswered != 1 || duplicates != 1 {
		t.Errorf("%d unanswered questions and %d duplicates, want 1 each", unanswered, duplicates)
	}
}

// checkPMQuestions checks the questions to the programme management: each
// state present, one overdue now, deadlines counted from the day asked,
// official answers by the pm user (one in a second version) within the
// deadline and with different response times.
func checkPMQuestions(t *testing.T, e env, c census, pm store.User) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	// What content.go plans: an official answer means beantwortet, a
	// question taken on in_bearbeitung, else neu.
	want := map[string]int{}
	for _, th := range demoThreads {
		if th.kind != store.KindPM {
			continue
		}
		status := store.PMNew
		if th.assignee != "" {
			status = store.PMWorking
		}
		for _, r := range th.replies {
			if r.official {
				status = store.PMAnswered
			}
		}
		want[status]++
	}
	if want[store.PMNew] < 1 || want[store.PMWorking] < 1 || want[store.PMAnswered] < 2 {
		t.Errorf("content plans PM questions %v, want neu, in_bearbeitung and 2 × beantwortet", want)
	}

	got := map[string]int{}
	var overdue, officials, secondVersions int
	var responses []time.Duration
	for _, th := range c.threadList {
		if th.Kind != store.KindPM {
			continue
		}
		got[th.PMStatus]++
		if due := qa.DueDate(th.CreatedAt, pmDays); !th.PMDueAt.Equal(due) {
			t.Errorf("PM question %q asked %v is due %v, want %v", th.Title, th.CreatedAt, th.PMDueAt, due)
		}
		if th.Overdue(now) {
			overdue++
			if th.PMStatus != store.PMNew {
				t.Errorf("PM question %q is overdue in state %s, want only a neu one overdue", th.Title, th.PMStatus)
			}
		}
		switch th.PMStatus {
		case store.PMAnswered:
			if th.PMAnsweredAt.IsZero() || !th.PMAnsweredAt.After(th.CreatedAt) || th.PMAnsweredAt.After(th.PMDueAt) {
				t.Errorf("PM question %q asked %v, answered %v, due %v: want answered in time", th.Title, th.CreatedAt, th.PMAnsweredAt, th.PMDueAt)
			}
			responses = append(responses, th.PMAnsweredAt.Sub(th.CreatedAt))
		case store.PMWorking:
			if th.PMAssigneeID != pm.ID {
				t.Errorf("PM question %q in Bearbeitung is assigned to %d, want the pm user %d", th.Title, th.PMAssigneeID, pm.ID)
			}
			fallthrough
		default:
			if !th.PMAnsweredAt.IsZero() {
				t.Errorf("PM question %q in state %s has an answer time", th.Title, th.PMStatus)
			}
		}
		for _, p := range c.postsByThread[th.ID] {
			if !p.Official() {
				continue
			}
			officials++
			if p.AuthorID != pm.ID || p.OfficialBody != "OZG-Programmmanagement" {
				t.Errorf("official answer %d by user %d for %q, want the pm user %d for OZG-Programmmanagement", p.ID, p.AuthorID, p.OfficialBody, pm.ID)
			}
			vs, err := e.db.OfficialVersions(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != p.OfficialVersion {
				t.Errorf("official answer %d in version %d has %d versions", p.ID, p.OfficialVersion, len(vs))
			}
			if p.OfficialVersion == 2 {
				secondVersions++
				if !strings.Contains(vs[0].Body, "Nachtrag") || !vs[0].CreatedAt.After(vs[1].CreatedAt) {
					t.Errorf("official answer %d, version 2 of %v: want a later Nachtrag", p.ID, vs[0].CreatedAt)
				}
			}
		}
	}
	for _, s := range store.PMStates {
		if got[s] != want[s] {
			t.Errorf("%d PM questions %s, want %d", got[s], s, want[s])
		}
	}
	if overdue != 1 {
		t.Errorf("%d PM questions overdue now, want 1", overdue)
	}
	if officials != want[store.PMAnswered] || secondVersions != 1 {
		t.Errorf("%d official answers, %d in version 2; want %d and 1", officials, secondVersions, want[store.PMAnswered])
	}
	if slices.Sort(responses); len(responses) >= 2 && responses[0] == responses[len(responses)-1] {
		t.Errorf("response times %v, want them to differ", responses)
	}

	// The queue flags the overdue question, and the statistics have medians.
	queue, n, err := e.pm.Queue(ctx, &pm, qa.QueueFilter{Overdue: true}, now, 10, 0)
	if err != nil || n != 1 || len(queue) != 1 || queue[0].PMStatus != store.PMNew {
		t.Errorf("overdue queue = %d questions, %v", n, err)
	}
	stats, err := e.pm.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if all := stats[len(stats)-1]; all.Responses != want[store.PMAnswered] || all.Median <= 0 || all.Total() != got[store.PMNew]+got[store.PMWorking]+got[store.PMAnswered] {
		t.Errorf("statistics over all fields = %+v", all)
	}
}

// TestDemoNeedsFields checks that missing topic fields stop Demo before it
// writes anything.
func TestDemoNeedsFields(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	if _, err := e.demo(ctx); err == nil || !strings.Contains(err.Error(), "topic field") {
		t.Fatalf("Demo without topic fields: err = %v, want a missing field error", err)
	}
	if c := count(t, e.db); c.users != 0 {
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
	moderates := func(key, field string) bool {
		return keys[key].role == store.RoleAdmin || (keys[key].role == store.RoleModerator && slices.Contains(moderatedFields, field))
	}

	fields := map[string]bool{}
	for _, f := range forum.DefaultTopicFields {
		fields[f.Slug] = true
	}
	used := map[string]bool{}
	earlier := map[string]demoThread{} // by title
	var quotes, codeBlocks, tables, links, edits, locks int
	var questions, unanswered, accepts, acceptedNotTop, duplicates, downVotes int
	pmFields := map[string]bool{}
	var pmQuestions, officials, officialEdits int
	for _, th := range demoThreads {
		used[th.field] = true
		if !fields[th.field] {
			t.Errorf("thread %q: unknown topic field %q", th.title, th.field)
		}
		if th.kind != "" && th.kind != store.KindQuestion && th.kind != store.KindPM {
			t.Errorf("thread %q: unknown kind %q", th.title, th.kind)
		}
		if _, dup := earlier[th.title]; dup {
			t.Errorf("thread %q twice", th.title)
		}
		isQuestion := th.kind == store.KindQuestion || th.kind == store.KindPM
		if n := len(th.replies); n > 6 || (n == 0 && !isQuestion) {
			t.Errorf("thread %q has %d replies, want 1 to 6 (0 for a question still open)", th.title, n)
		}
		if th.kind == store.KindQuestion {
			questions++
			if len(th.replies) == 0 {
				unanswered++
			}
		}
		posts := append([]demoPost{{author: th.author, body: th.body, edit: th.edit}}, th.replies...)
		others := false
		top := 0
		for i, p := range posts {
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
			voters := slices.Concat(p.up, p.down)
			if len(voters) > 0 && (!isQuestion || i == 0) {
				t.Errorf("thread %q, post %d: votes, want them on answers to questions only", th.title, i+1)
			}
			seen := map[string]bool{}
			for _, v := range voters {
				if _, ok := keys[v]; !ok || v == p.author || seen[v] {
					t.Errorf("thread %q, post %d: vote by %q, want each other demo user at most once", th.title, i+1, v)
				}
				seen[v] = true
			}
			if score := len(p.up) - len(p.down); score < -1 || score > 7 {
				t.Errorf("thread %q, post %d: score %d, want -1 to 7", th.title, i+1, score)
			} else if i > 0 {
				top = max(top, score)
			}
			downVotes += len(p.down)
		}
		if !others && len(th.replies) > 0 {
			t.Errorf("thread %q: nobody but its author replies", th.title)
		}
		if th.accept != 0 {
			if th.kind != store.KindQuestion || th.accept < 0 || th.accept > len(th.replies) {
				t.Errorf("thread %q: accepts reply %d, want a reply of a member question", th.title, th.accept)
			} else {
				r := th.replies[th.accept-1]
				if r.author == th.author {
					t.Errorf("thread %q: the asker accepts their own reply", th.title)
				}
				accepts++
				if len(r.up)-len(r.down) < top {
					acceptedNotTop++
				}
			}
		}
		if th.duplicateOf != "" {
			duplicates++
			if c, ok := earlier[th.duplicateOf]; !ok || c.kind != store.KindQuestion || th.kind != store.KindQuestion {
				t.Errorf("thread %q: duplicate of %q, want a question duplicating an earlier question", th.title, th.duplicateOf)
			}
			if !moderates(th.duplicateBy, th.field) {
				t.Errorf("thread %q: %q does not moderate %s and cannot close it as a duplicate", th.title, th.duplicateBy, th.field)
			}
		}
		if th.lockedBy != "" {
			locks++
			if !moderates(th.lockedBy, th.field) {
				t.Errorf("thread %q: %s does not moderate %s", th.title, th.lockedBy, th.field)
			}
		}
		if th.kind == store.KindPM {
			pmQuestions++
			o, e := checkPMTiming(t, th, keys)
			officials += o
			officialEdits += e
			if pmFields[th.field] {
				t.Errorf("PM question %q: another one in %s, want them across fields", th.title, th.field)
			}
			pmFields[th.field] = true
		} else {
			timed := th.asked != 0 || th.assignee != "" || th.assigned != 0
			for _, r := range th.replies {
				timed = timed || r.after != 0 || r.official || r.editAfter != 0
			}
			if timed {
				t.Errorf("thread %q: timing or official answers, want them in PM questions only", th.title)
			}
		}
		earlier[th.title] = th
	}
	if len(used) < 10 {
		t.Errorf("threads in %d topic fields, want at least 10", len(used))
	}
	if quotes == 0 || codeBlocks == 0 || tables == 0 || links == 0 || edits == 0 || locks == 0 {
		t.Errorf("content has %d quotes, %d code blocks, %d tables, %d links, %d edits, %d locks; want each at least once",
			quotes, codeBlocks, tables, links, edits, locks)
	}
	if questions < 6 || accepts < 3 || acceptedNotTop < 1 || unanswered != 1 || duplicates != 1 || downVotes < 1 {
		t.Errorf("content has %d questions, %d accepted answers (%d not the best voted), %d unanswered, %d duplicates, %d down votes; "+
			"want at least 6, 3 (1), exactly 1, 1, at least 1", questions, accepts, acceptedNotTop, unanswered, duplicates, downVotes)
	}
	if pmQuestions < 4 || pmQuestions > 5 || officials < 2 || officialEdits != 1 {
		t.Errorf("content has %d PM questions, %d official answers, %d of them edited; want 4 to 5, at least 2, 1",
			pmQuestions, officials, officialEdits)
	}
}

// lastPMDay is the latest office time after the demo's start that a PM
// question may plan something for: 30 calendar days hold at least 20
// working days, and the demo ends an hour before it is seeded.
const lastPMDay = 19 * day

// checkPMTiming checks one PM question of content.go: asked by a member,
// taken on by a pm user, replies in time order within the demo, official
// answers by pm users. It returns the number of official answers and of
// edited ones.
func checkPMTiming(t *testing.T, th demoThread, keys map[string]demoUser) (officials, edited int) {
	t.Helper()
	if keys[th.author].role != store.RoleMember {
		t.Errorf("PM question %q asked by %s, want a member", th.title, th.author)
	}
	if th.asked <= 0 {
		t.Errorf("PM question %q: asked %v after the start, want a time", th.title, th.asked)
	}
	latest := th.asked
	if th.assignee != "" {
		if keys[th.assignee].role != store.RolePM || th.assigned <= 0 {
			t.Errorf("PM question %q: taken on by %s after %v, want a pm user some time after asking", th.title, th.assignee, th.assigned)
		}
		latest = max(latest, th.asked+th.assigned)
	}
	var prev time.Duration
	for i, r := range th.replies {
		if r.after <= prev {
			t.Errorf("PM question %q, reply %d: after %v, want later than the one before (%v)", th.title, i+1, r.after, prev)
		}
		prev = r.after
		latest = max(latest, th.asked+r.after)
		if r.official {
			officials++
			if keys[r.author].role != store.RolePM {
				t.Errorf("PM question %q, reply %d: official answer by %s, want a pm user", th.title, i+1, r.author)
			}
		}
		if r.edit != "" {
			if r.official {
				edited++
			}
			if r.editAfter <= r.after {
				t.Errorf("PM question %q, reply %d: edited after %v, want after it is written (%v)", th.title, i+1, r.editAfter, r.after)
			}
			latest = max(latest, th.asked+r.editAfter)
		}
	}
	if latest > lastPMDay {
		t.Errorf("PM question %q plans something %v after the start, want at most %v", th.title, latest, lastPMDay)
	}
	return officials, edited
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
