package store

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"
)

// clock is a settable test clock.
type clock struct{ now time.Time }

func (c *clock) get() time.Time { return c.now }

// pmFixture is a database with two fields, a member, two pm users and a
// controllable clock.
type pmFixture struct {
	db     *DB
	clock  *clock
	fields []TopicField
	member User
	pm     User
	pm2    User
}

func newPMFixture(t *testing.T) *pmFixture {
	t.Helper()
	db := newTestDB(t)
	c := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	db.SetClock(c.get)
	f := &pmFixture{db: db, clock: c, fields: seedFields(t, db), member: seedUser(t, db, "frager@kreis.de")}
	for i, email := range []string{"pm1@bund.de", "pm2@bund.de"} {
		u, err := db.CreateUser(context.Background(), NewUser{Email: email, DisplayName: []string{"Paula PM", "Peter PM"}[i],
			Role: RolePM, OrgType: "bund", Status: StatusActive}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			f.pm = u
		} else {
			f.pm2 = u
		}
	}
	return f
}

// question asks a PM question in field i at the clock's time.
func (f *pmFixture) question(t *testing.T, field int, due time.Time) int64 {
	t.Helper()
	id, _, err := f.db.CreateThread(context.Background(), NewThread{TopicFieldID: f.fields[field].ID, AuthorID: f.member.ID,
		Kind: KindPM, Title: "Frage", Slug: "frage", Body: "Wie?", BodyHTML: "<p>Wie?</p>", PMDueAt: due})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// answer replies as the first pm user.
func (f *pmFixture) answer(t *testing.T, threadID int64, body string) int64 {
	t.Helper()
	id, err := f.db.CreatePost(context.Background(), threadID, f.pm.ID, body, "<p>"+body+"</p>")
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// eventKinds lists the kinds of a thread's events in order.
func (f *pmFixture) eventKinds(t *testing.T, threadID int64) []string {
	t.Helper()
	es, err := f.db.EventsAfter(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if e.ThreadID == threadID {
			out = append(out, e.Kind+":"+e.Detail)
		}
	}
	return out
}

// auditActions lists the audit log's actions, oldest first.
func (f *pmFixture) auditActions(t *testing.T) []string {
	t.Helper()
	es, err := f.db.AuditLog(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(es) - 1; i >= 0; i-- {
		out = append(out, es[i].Action)
	}
	return out
}

func TestMarkOfficialAnswersOnce(t *testing.T) {
	f := newPMFixture(t)
	ctx := context.Background()
	asked := f.clock.now
	tid := f.question(t, 0, asked.Add(14*24*time.Hour))
	a1 := f.answer(t, tid, "Erste Antwort")
	a2 := f.answer(t, tid, "Ergänzung")

	f.clock.now = asked.Add(50 * time.Hour)
	first := f.clock.now
	if err := f.db.MarkOfficial(ctx, f.pm.ID, a1, "OZG-Programmmanagement"); err != nil {
		t.Fatalf("MarkOfficial(a1) = %v", err)
	}
	th, _ := f.db.ThreadByID(ctx, tid)
	if th.PMStatus != PMAnswered || !th.PMAnsweredAt.Equal(first) || th.Status() != StatusAnswered {
		t.Errorf("after first official answer: status %q, answered %v; want beantwortet at %v", th.PMStatus, th.PMAnsweredAt, first)
	}
	if got := th.PMResponseTime(); got.Days() != 2 || got.Hours() != 2 {
		t.Errorf("PMResponseTime = %dd %dh, want 2d 2h", got.Days(), got.Hours())
	}
	p, _ := f.db.PostByID(ctx, a1)
	if !p.Official() || p.OfficialVersion != 1 || !p.OfficialAt.Equal(first) || p.OfficialBody != "OZG-Programmmanagement" {
		t.Errorf("official post = version %d at %v by %q", p.OfficialVersion, p.OfficialAt, p.OfficialBody)
	}

	// Marking again is harmless; a second official answer keeps the response time.
	f.clock.now = asked.Add(70 * time.Hour)
	if err := f.db.MarkOfficial(ctx, f.pm.ID, a1, "Anderer Name"); err != nil {
		t.Fatalf("MarkOfficial(a1) again = %v", err)
	}
	if err := f.db.MarkOfficial(ctx, f.pm2.ID, a2, "FITKO"); err != nil {
		t.Fatalf("MarkOfficial(a2) = %v", err)
	}
	th, _ = f.db.ThreadByID(ctx, tid)
	if !th.PMAnsweredAt.Equal(first) {
		t.Errorf("second official answer moved pm_answered_at to %v, want %v", th.PMAnsweredAt, first)
	}
	p, _ = f.db.PostByID(ctx, a1)
	if p.OfficialBody != "OZG-Programmmanagement" || p.OfficialVersion != 1 {
		t.Errorf("re-marking changed the post: version %d, body %q", p.OfficialVersion, p.OfficialBody)
	}
	want := []string{"pm.created:", "answer.created:", "answer.created:", "pm.status:beantwortet", "answer.official:1", "answer.official:1"}
	if got := f.eventKinds(t, tid); !slices.Equal(got, want) {
		t.Errorf("events = %v, want %v", got, want)
	}
	if got := f.auditActions(t); !slices.Equal(got, []string{"post.official", "post.official"}) {
		t.Errorf("audit = %v, want two post.official", got)
	}

	// Neither the question itself nor a post in a discussion can be official.
	ps, _, _ := f.db.Posts(ctx, tid, 1, 0)
	if err := f.db.MarkOfficial(ctx, f.pm.ID, ps[0].ID, "X"); !errors.Is(err, ErrConflict) {
		t.Errorf("MarkOfficial(opening post) = %v, want ErrConflict", err)
	}
	did, _, _ := f.db.CreateThread(ctx, NewThread{TopicFieldID: f.fields[0].ID, AuthorID: f.member.ID, Title: "D", Slug: "d", Body: "b", BodyHTML: "b"})
	reply := f.answer(t, did, "Antwort")
	if err := f.db.MarkOfficial(ctx, f.pm.ID, reply, "X"); !errors.Is(err, ErrConflict) {
		t.Errorf("MarkOfficial(discussion reply) = %v, want ErrConflict", err)
	}
	if err := f.db.MarkOfficial(ctx, f.pm.ID, 9999, "X"); !errors.Is(err, ErrNotFound) {
		t.Errorf("MarkOfficial(missing) = %v, want ErrNotFound", err)
	}
}

func TestEditOfficialAnswerCreatesVersion(t *testing.T) {
	f := newPMFixture(t)
	ctx := context.Background()
	tid := f.question(t, 0, time.Time{})
	a := f.answer(t, tid, "Fassung eins")
	plain := f.answer(t, tid, "Nicht amtlich")
	marked := f.clock.now.Add(time.Hour)
	f.clock.now = marked
	if err := f.db.MarkOfficial(ctx, f.pm.ID, a, "OZG-Programmmanagement"); err != nil {
		t.Fatal(err)
	}
	edited := marked.Add(24 * time.Hour)
	f.clock.now = edited
	if err := f.db.EditPost(ctx, a, f.pm2.ID, "Fassung zwei", "<p>Fassung zwei</p>"); err != nil {
		t.Fatal(err)
	}
	if err := f.db.EditPost(ctx, plain, f.pm.ID, "Geändert", "<p>Geändert</p>"); err != nil {
		t.Fatal(err)
	}

	p, _ := f.db.PostByID(ctx, a)
	if p.OfficialVersion != 2 || !p.OfficialAt.Equal(edited) || p.Body != "Fassung zwei" {
		t.Errorf("after edit: version %d at %v, body %q; want 2 at %v", p.OfficialVersion, p.OfficialAt, p.Body, edited)
	}
	vs, err := f.db.OfficialVersions(ctx, a)
	if err != nil || len(vs) != 2 {
		t.Fatalf("OfficialVersions = %v, %v; want 2", vs, err)
	}
	if v := vs[0]; v.Version != 2 || v.Body != "Fassung zwei" || v.AuthorName != "Peter PM" || !v.CreatedAt.Equal(edited) || v.AnsweringBody != "OZG-Programmmanagement" {
		t.Errorf("newest version = %+v", v)
	}
	if v := vs[1]; v.Version != 1 || v.Body != "Fassung eins" || v.AuthorName != "Paula PM" || !v.CreatedAt.Equal(marked) {
		t.Errorf("first version = %+v", v)
	}
	if revs, _ := f.db.PostRevisions(ctx, a); len(revs) != 1 || revs[0].Body != "Fassung eins" {
		t.Errorf("PostRevisions = %+v, want the old body kept as a revision", revs)
	}
	if p, _ := f.db.PostByID(ctx, plain); p.Official() {
		t.Error("editing a plain answer made it official")
	}
	if vs, _ := f.db.OfficialVersions(ctx, plain); len(vs) != 0 {
		t.Errorf("plain answer has versions %v", vs)
	}
	want := []string{"pm.created:", "answer.created:", "answer.created:", "pm.status:beantwortet", "answer.official:1", "answer.official:2"}
	if got := f.eventKinds(t, tid); !slices.Equal(got, want) {
		t.Errorf("events = %v, want %v", got, want)
	}
}

func TestAssignAndStatus(t *testing.T) {
	f := newPMFixture(t)
	ctx := context.Background()
	tid := f.question(t, 0, time.Time{})

	if err := f.db.AssignPM(ctx, f.pm.ID, tid, f.pm2.ID); err != nil {
		t.Fatal(err)
	}
	th, _ := f.db.ThreadByID(ctx, tid)
	if th.PMStatus != PMWorking || th.PMAssigneeID != f.pm2.ID || th.PMAssigneeName != "Peter PM" {
		t.Errorf("after assign: status %q, assignee %d %q", th.PMStatus, th.PMAssigneeID, th.PMAssigneeName)
	}
	// The same assignee again records nothing.
	if err := f.db.AssignPM(ctx, f.pm.ID, tid, f.pm2.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SetPMStatus(ctx, f.pm.ID, tid, PMNew); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SetPMStatus(ctx, f.pm.ID, tid, PMNew); err != nil {
		t.Fatal(err)
	}
	// Reassigning a question in processing keeps its state; a new one starts it.
	if err := f.db.AssignPM(ctx, f.pm.ID, tid, f.pm.ID); err != nil {
		t.Fatal(err)
	}
	if th, _ := f.db.ThreadByID(ctx, tid); th.PMStatus != PMWorking || th.PMAssigneeID != f.pm.ID {
		t.Errorf("after reassign: status %q, assignee %d", th.PMStatus, th.PMAssigneeID)
	}
	if err := f.db.SetPMStatus(ctx, f.pm.ID, tid, PMAnswered); !errors.Is(err, ErrConflict) {
		t.Errorf("SetPMStatus(beantwortet) = %v, want ErrConflict", err)
	}
	a := f.answer(t, tid, "Antwort")
	if err := f.db.MarkOfficial(ctx, f.pm.ID, a, "PM"); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SetPMStatus(ctx, f.pm.ID, tid, PMWorking); !errors.Is(err, ErrConflict) {
		t.Errorf("SetPMStatus on an answered question = %v, want ErrConflict", err)
	}
	if err := f.db.AssignPM(ctx, f.pm.ID, tid, f.pm2.ID); err != nil {
		t.Fatal(err)
	}
	if th, _ := f.db.ThreadByID(ctx, tid); th.PMStatus != PMAnswered {
		t.Errorf("assigning an answered question changed its state to %q", th.PMStatus)
	}
	did, _, _ := f.db.CreateThread(ctx, NewThread{TopicFieldID: f.fields[0].ID, AuthorID: f.member.ID, Title: "D", Slug: "d", Body: "b", BodyHTML: "b"})
	if err := f.db.AssignPM(ctx, f.pm.ID, did, f.pm.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("AssignPM(discussion) = %v, want ErrNotFound", err)
	}

	p2 := strconv.FormatInt(f.pm2.ID, 10)
	want := []string{"pm.created:", "pm.status:in_bearbeitung", "pm.assigned:" + p2, "pm.status:neu",
		"pm.status:in_bearbeitung", "pm.assigned:" + strconv.FormatInt(f.pm.ID, 10), "answer.created:", "pm.status:beantwortet", "answer.official:1",
		"pm.assigned:" + p2}
	if got := f.eventKinds(t, tid); !slices.Equal(got, want) {
		t.Errorf("events =\n %v\nwant\n %v", got, want)
	}
	wantAudit := []string{"pm.assign", "pm.status", "pm.assign", "post.official", "pm.assign"}
	if got := f.auditActions(t); !slices.Equal(got, wantAudit) {
		t.Errorf("audit = %v, want %v", got, wantAudit)
	}
}

func TestPMQueueFilters(t *testing.T) {
	f := newPMFixture(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	overdueNew := f.question(t, 0, now.Add(-48*time.Hour))
	dueLater := f.question(t, 0, now.Add(72*time.Hour))
	answered := f.question(t, 0, now.Add(-72*time.Hour))
	overdueOther := f.question(t, 1, now.Add(-time.Hour))
	justDue := f.question(t, 1, now) // due exactly now: not yet overdue
	if _, _, err := f.db.CreateThread(ctx, NewThread{TopicFieldID: f.fields[0].ID, AuthorID: f.member.ID, Title: "D", Slug: "d", Body: "b", BodyHTML: "b"}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.AssignPM(ctx, f.pm.ID, dueLater, f.pm.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.db.MarkOfficial(ctx, f.pm.ID, f.answer(t, answered, "Antwort"), "PM"); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		filter PMFilter
		want   []int64
	}{
		{"all, overdue first, answered last", PMFilter{}, []int64{overdueNew, overdueOther, justDue, dueLater, answered}},
		{"neu", PMFilter{Status: PMNew}, []int64{overdueNew, overdueOther, justDue}},
		{"in_bearbeitung", PMFilter{Status: PMWorking}, []int64{dueLater}},
		{"beantwortet", PMFilter{Status: PMAnswered}, []int64{answered}},
		{"field", PMFilter{FieldID: f.fields[1].ID}, []int64{overdueOther, justDue}},
		{"overdue", PMFilter{Overdue: true}, []int64{overdueNew, overdueOther}},
		{"overdue in field", PMFilter{Overdue: true, FieldID: f.fields[0].ID}, []int64{overdueNew}},
		{"overdue and answered", PMFilter{Overdue: true, Status: PMAnswered}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, total, err := f.db.PMQueue(ctx, Viewer{AllFields: true}, tt.filter, now, 10, 0)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, th := range ts {
				got = append(got, th.ID)
				if th.Overdue(now) != slices.Contains([]int64{overdueNew, overdueOther}, th.ID) {
					t.Errorf("thread %d: Overdue(now) = %v", th.ID, th.Overdue(now))
				}
			}
			if !slices.Equal(got, tt.want) || total != len(tt.want) {
				t.Errorf("PMQueue(%+v) = %v (total %d), want %v", tt.filter, got, total, tt.want)
			}
		})
	}
	if ts, total, _ := f.db.PMQueue(ctx, Viewer{AllFields: true}, PMFilter{}, now, 2, 2); total != 5 || len(ts) != 2 || ts[0].ID != justDue {
		t.Errorf("PMQueue(limit 2, offset 2) = %d items, total %d; want 2 of 5", len(ts), total)
	}
	if _, _, err := f.db.PMQueue(ctx, Viewer{AllFields: true}, PMFilter{Status: "' OR 1=1 --"}, now, 10, 0); err == nil {
		t.Error("PMQueue accepted an unknown status")
	}
	qs, total, err := f.db.PMQuestions(ctx, Viewer{AllFields: true}, 10, 0)
	if err != nil || total != 5 || len(qs) != 5 || qs[0].ID != justDue {
		t.Errorf("PMQuestions = %d items, total %d, %v; want 5, newest first", len(qs), total, err)
	}
	us, err := f.db.PMUsers(ctx)
	if err != nil || len(us) != 2 || us[0].DisplayName != "Paula PM" {
		t.Errorf("PMUsers = %v, %v", us, err)
	}
}

func TestPMStatsMedians(t *testing.T) {
	f := newPMFixture(t)
	ctx := context.Background()
	start := f.clock.now
	// ask asks in field at start and, if after > 0, marks an answer official after that long.
	ask := func(field int, after time.Duration) int64 {
		f.clock.now = start
		tid := f.question(t, field, time.Time{})
		if after > 0 {
			a := f.answer(t, tid, "Antwort")
			f.clock.now = start.Add(after)
			if err := f.db.MarkOfficial(ctx, f.pm.ID, a, "PM"); err != nil {
				t.Fatal(err)
			}
		}
		return tid
	}
	day := 24 * time.Hour
	// Field 0: three answers (odd): 1h, 5h, 2d -> 5h. One question assigned.
	ask(0, time.Hour)
	ask(0, 2*day)
	ask(0, 5*time.Hour)
	working := ask(0, 0)
	if err := f.db.AssignPM(ctx, f.pm.ID, working, f.pm.ID); err != nil {
		t.Fatal(err)
	}
	// Field 1: two answers (even): 2d and 4d -> 3d. One new question.
	ask(1, 2*day)
	ask(1, 4*day)
	ask(1, 0)

	stats, err := f.db.PMStats(ctx)
	if err != nil || len(stats) != 3 {
		t.Fatalf("PMStats = %v, %v; want 2 fields and overall", stats, err)
	}
	tests := []struct {
		row                             PMFieldStats
		name                            string
		neu, working, answered, answers int
		median                          time.Duration
	}{
		{stats[0], f.fields[0].Name, 0, 1, 3, 3, 5 * time.Hour},
		{stats[1], f.fields[1].Name, 1, 0, 2, 2, 3 * day},
		// Overall: 1h, 5h, 2d, 2d, 4d -> 2d.
		{stats[2], "", 1, 1, 5, 5, 2 * day},
	}
	for _, tt := range tests {
		r := tt.row
		if r.FieldName != tt.name || r.New != tt.neu || r.Working != tt.working || r.Answered != tt.answered ||
			r.Responses != tt.answers || time.Duration(r.Median) != tt.median || r.Total() != tt.neu+tt.working+tt.answered {
			t.Errorf("stats row %q = %+v (median %v), want %d/%d/%d, %d answers, median %v", tt.name, r, time.Duration(r.Median),
				tt.neu, tt.working, tt.answered, tt.answers, tt.median)
		}
	}
}

func TestMedian(t *testing.T) {
	h := time.Hour
	tests := []struct {
		in   []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{[]time.Duration{3 * h}, 3 * h},
		{[]time.Duration{5 * h, 1 * h, 3 * h}, 3 * h},
		{[]time.Duration{4 * h, 1 * h}, 150 * time.Minute},
		{[]time.Duration{8 * h, 1 * h, 2 * h, 100 * h}, 5 * h},
	}
	for _, tt := range tests {
		in := slices.Clone(tt.in)
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
		if !slices.Equal(in, tt.in) {
			t.Errorf("median reordered its input to %v", tt.in)
		}
	}
}

func TestSpan(t *testing.T) {
	s := Span(3*24*time.Hour + 5*time.Hour + 59*time.Minute)
	if s.Days() != 3 || s.Hours() != 5 {
		t.Errorf("Span = %dd %dh, want 3d 5h", s.Days(), s.Hours())
	}
}
