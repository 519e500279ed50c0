// Package seed builds demo content so a newcomer sees a living forum:
// accounts in every role from organisations of every kind; threads across
// the topic fields with replies, quotes, an edited post and a locked thread;
// member questions with votes, accepted answers, an unanswered question and
// a duplicate; and questions to the programme management in every state,
// with official answers. Everything is dated over the past weeks and goes
// through the same rules as the UI. The content itself is data, in content.go.
package seed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/forum"
	"kommunalforum/internal/qa"
	"kommunalforum/internal/store"
)

// DemoPassword is the password of every demo account. It is public (the seed
// command prints it), so demo content belongs on demo and test installations
// only, never on a forum with real members.
const DemoPassword = "Demo-Passwort-2026" // #nosec G101 -- public demo password, documented and printed by the seed command

// Summary reports what Demo added.
type Summary struct {
	Users, Threads, Posts int
	// Questions and PMQuestions count the threads (of Threads) that are
	// questions to members and to the programme management.
	Questions, PMQuestions int
	Votes                  int // votes on answers
	// Skipped means the demo content was already there and nothing was added.
	Skipped bool
}

// Demo adds the demo accounts and threads through the same rules as the UI:
// f for threads and posts, q for votes, accepted answers and duplicates, pm
// for official answers and assignments. It is idempotent: if the first demo
// account exists, it adds nothing and reports Skipped. It checks that every
// topic field the content uses exists and is not archived before it writes
// anything.
//
// To look lived-in, everything is dated over the past 30 days during office
// hours. Demo does that by replacing the clocks of db and f while it runs and
// restores time.Now when it returns, so nothing else may write meanwhile; the
// seed command runs on its own, and serve seeds before it listens, so that
// holds. The questions to the programme management are timed for the default
// deadline of 10 working days: one is overdue by now.
func Demo(ctx context.Context, db *store.DB, acc *auth.Accounts, f *forum.Forum, q *qa.QA, pm *qa.PM) (Summary, error) {
	if _, err := db.UserByEmail(ctx, demoUsers[0].email); err == nil {
		return Summary{Skipped: true}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return Summary{}, fmt.Errorf("look for demo content: %w", err)
	}
	fields, err := demoFields(ctx, db)
	if err != nil {
		return Summary{}, err
	}
	now := time.Now()
	end := now.Add(-time.Hour)
	c := newClock(now.AddDate(0, 0, -30), end, events())
	s := &seeder{db: db, acc: acc, f: f, q: q, pm: pm, clock: c, start: c.now(), end: end,
		fields: fields, users: map[string]*store.User{}, threads: map[string]int64{}}
	db.SetClock(c.now)
	defer db.SetClock(time.Now)
	f.SetClock(c.now)
	defer f.SetClock(time.Now)
	if err := s.createUsers(ctx); err != nil {
		return s.sum, err
	}
	s.planPMQuestions()
	if err := s.createThreads(ctx); err != nil {
		return s.sum, err
	}
	// What is planned after the last thread's turn: late votes, official answers.
	err = s.runDue(ctx, s.end)
	return s.sum, err
}

// demoFields maps the slug of every topic field the demo uses to its ID.
func demoFields(ctx context.Context, db *store.DB) (map[string]int64, error) {
	slugs := slices.Clone(moderatedFields)
	for _, t := range demoThreads {
		slugs = append(slugs, t.field)
	}
	ids := map[string]int64{}
	for _, slug := range slugs {
		if _, ok := ids[slug]; ok {
			continue
		}
		fl, err := db.TopicFieldBySlug(ctx, slug)
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("demo content needs the topic field %q, which does not exist", slug)
		}
		if err != nil {
			return nil, fmt.Errorf("demo topic field %q: %w", slug, err)
		}
		if fl.Archived() {
			return nil, fmt.Errorf("demo content needs the topic field %q, which is archived", slug)
		}
		ids[slug] = fl.ID
	}
	return ids, nil
}

// events counts the clock steps Demo takes: one after the accounts, then one
// per post, edit, accepted answer, duplicate and lock of the threads written
// in turn. Questions to the programme management and votes are planned at
// fixed times instead (see seeder.schedule) and take no step.
func events() int {
	n := 1
	for _, t := range demoThreads {
		if t.kind == store.KindPM {
			continue
		}
		n += 1 + len(t.replies)
		if t.edit != "" {
			n++
		}
		for _, r := range t.replies {
			if r.edit != "" {
				n++
			}
		}
		if t.accept > 0 {
			n++
		}
		if t.duplicateOf != "" {
			n++
		}
		if t.lockedBy != "" {
			n++
		}
	}
	return n
}

// seeder carries the state of one Demo run.
type seeder struct {
	db     *store.DB
	acc    *auth.Accounts
	f      *forum.Forum
	q      *qa.QA
	pm     *qa.PM
	clock  *clock
	start  time.Time              // the demo's first moment, which PM questions count from
	end    time.Time              // nothing is dated later
	fields map[string]int64       // topic field IDs by slug
	users  map[string]*store.User // by demoUser.key
	// threads maps the titles of the threads written so far to their IDs,
	// so a duplicate can name its canonical question.
	threads map[string]int64
	// pending are the timed actions still ahead, earliest first.
	pending []timed
	sum     Summary
}

// timed is an action planned for a moment rather than for a place in the
// order of the threads: votes, and everything about PM questions.
type timed struct {
	at time.Time
	do func(context.Context) error
}

// schedule plans do for the moment at (at the latest s.end). Actions planned
// for the same moment run in the order they were planned.
func (s *seeder) schedule(at time.Time, do func(context.Context) error) {
	if at.After(s.end) {
		at = s.end
	}
	i := slices.IndexFunc(s.pending, func(p timed) bool { return p.at.After(at) })
	if i < 0 {
		i = len(s.pending)
	}
	s.pending = slices.Insert(s.pending, i, timed{at: at, do: do})
}

// runDue runs the timed actions due up to until, each at its own moment, so
// that every write is dated later than the one before.
func (s *seeder) runDue(ctx context.Context, until time.Time) error {
	resume := s.clock.t
	defer func() { s.clock.t = resume }()
	for len(s.pending) > 0 && !s.pending[0].at.After(until) {
		a := s.pending[0]
		s.pending = s.pending[1:]
		s.clock.t = a.at
		if err := a.do(ctx); err != nil {
			return err
		}
	}
	return nil
}

// advance moves the clock to the next step, running the timed actions that
// fall due on the way.
func (s *seeder) advance(ctx context.Context) error {
	s.clock.tick()
	return s.runDue(ctx, s.clock.now())
}

func (s *seeder) createUsers(ctx context.Context) error {
	for _, du := range demoUsers {
		u, err := s.acc.CreateAccount(ctx, auth.NewAccount{Email: du.email, DisplayName: du.name, Role: du.role,
			OrgName: du.org, OrgType: du.orgType, Password: DemoPassword})
		if err != nil {
			return fmt.Errorf("create demo user %s: %w", du.email, err)
		}
		s.sum.Users++
		if du.role == store.RoleModerator {
			var ids []int64
			for _, slug := range moderatedFields {
				ids = append(ids, s.fields[slug])
			}
			if err := s.db.SetModeratorFields(ctx, u.ID, ids); err != nil {
				return fmt.Errorf("moderator fields of %s: %w", du.email, err)
			}
			// Reload so the moderator's fields count when it locks a thread
			// or closes a duplicate.
			if u, err = s.db.UserByID(ctx, u.ID); err != nil {
				return err
			}
		}
		s.users[du.key] = &u
	}
	return s.advance(ctx)
}

// progress is a thread being written.
type progress struct {
	t     *demoThread
	id    int64
	posts []int64 // IDs of the posts written so far, the opening post first
}

// createThreads opens the threads in order and interleaves their replies, so
// that several discussions run at the same time as in a real forum: after each
// new thread, two replies go to the open threads in turn; the rest follow
// round-robin at the end. A thread's edits, accepted answer, duplicate closing
// and lock come after its last reply. Questions to the programme management
// are left out: planPMQuestions times them.
func (s *seeder) createThreads(ctx context.Context) error {
	var open []*progress
	turn := 0
	replyNext := func() error {
		turn %= len(open)
		p := open[turn]
		if err := s.reply(ctx, p); err != nil {
			return err
		}
		if err := s.advance(ctx); err != nil {
			return err
		}
		if len(p.posts) <= len(p.t.replies) {
			turn++
			return nil
		}
		open = slices.Delete(open, turn, turn+1)
		return s.finish(ctx, p)
	}
	for i := range demoThreads {
		if demoThreads[i].kind == store.KindPM {
			continue
		}
		p, err := s.open(ctx, &demoThreads[i])
		if err != nil {
			return err
		}
		if err := s.advance(ctx); err != nil {
			return err
		}
		if len(p.t.replies) == 0 {
			if err := s.finish(ctx, p); err != nil {
				return err
			}
			continue
		}
		open = append(open, p)
		for k := 0; k < 2 && len(open) > 0; k++ {
			if err := replyNext(); err != nil {
				return err
			}
		}
	}
	for len(open) > 0 {
		if err := replyNext(); err != nil {
			return err
		}
	}
	return nil
}

// open writes a thread's opening post at the current time.
func (s *seeder) open(ctx context.Context, t *demoThread) (*progress, error) {
	th, postID, err := s.f.CreateThread(ctx, s.user(t.author), t.field, t.kind, t.title, t.body)
	if err != nil {
		return nil, fmt.Errorf("demo thread %q: %w", t.title, err)
	}
	s.sum.Threads++
	s.sum.Posts++
	switch t.kind {
	case store.KindQuestion:
		s.sum.Questions++
	case store.KindPM:
		s.sum.PMQuestions++
	}
	s.threads[t.title] = th.ID
	return &progress{t: t, id: th.ID, posts: []int64{postID}}, nil
}

// reply writes the thread's next reply at the current time and plans its votes.
func (s *seeder) reply(ctx context.Context, p *progress) error {
	r := p.t.replies[len(p.posts)-1]
	id, err := s.f.Reply(ctx, s.user(r.author), p.id, r.body)
	if err != nil {
		return fmt.Errorf("reply %d in demo thread %q: %w", len(p.posts), p.t.title, err)
	}
	s.sum.Posts++
	p.posts = append(p.posts, id)
	s.planVotes(id, r)
	return nil
}

// voteGaps spaces the votes on an answer as readers come by.
var voteGaps = []time.Duration{20 * time.Minute, 45 * time.Minute, 30 * time.Minute, 60 * time.Minute, 25 * time.Minute}

// planVotes schedules the votes on the post just written.
func (s *seeder) planVotes(postID int64, r demoPost) {
	at := s.clock.now()
	for i, key := range slices.Concat(r.up, r.down) {
		value := 1
		if i >= len(r.up) {
			value = -1
		}
		at = addOffice(at, voteGaps[i%len(voteGaps)])
		s.schedule(at, func(ctx context.Context) error {
			if _, err := s.q.Vote(ctx, s.user(key), postID, value); err != nil {
				return fmt.Errorf("vote of %s on post %d: %w", key, postID, err)
			}
			s.sum.Votes++
			return nil
		})
	}
}

// finish applies a thread's edits, then the asker's choice of answer, the
// closing as a duplicate and the lock, each a step of the clock.
func (s *seeder) finish(ctx context.Context, p *progress) error {
	t := p.t
	edits := []demoPost{{author: t.author, edit: t.edit}}
	edits = append(edits, t.replies...)
	for i, e := range edits {
		if e.edit == "" {
			continue
		}
		if err := s.edit(ctx, p, i, e); err != nil {
			return err
		}
		if err := s.advance(ctx); err != nil {
			return err
		}
	}
	if t.accept > 0 {
		if _, err := s.q.Accept(ctx, s.user(t.author), p.id, p.posts[t.accept]); err != nil {
			return fmt.Errorf("accept answer %d in demo thread %q: %w", t.accept, t.title, err)
		}
		if err := s.advance(ctx); err != nil {
			return err
		}
	}
	if t.duplicateOf != "" {
		canonical, ok := s.threads[t.duplicateOf]
		if !ok {
			return fmt.Errorf("demo thread %q: duplicate of %q, which is not written yet", t.title, t.duplicateOf)
		}
		if _, err := s.q.CloseDuplicate(ctx, s.user(t.duplicateBy), p.id, canonical); err != nil {
			return fmt.Errorf("close demo thread %q as duplicate: %w", t.title, err)
		}
		if err := s.advance(ctx); err != nil {
			return err
		}
	}
	if t.lockedBy != "" {
		if err := s.f.SetLocked(ctx, s.user(t.lockedBy), p.id, true, ""); err != nil {
			return fmt.Errorf("lock demo thread %q: %w", t.title, err)
		}
		if err := s.advance(ctx); err != nil {
			return err
		}
	}
	return nil
}

// edit replaces post i of the thread (0 is the opening post) by e.edit, as
// e's author.
func (s *seeder) edit(ctx context.Context, p *progress, i int, e demoPost) error {
	if _, err := s.f.EditPost(ctx, s.user(e.author), p.posts[i], e.edit); err != nil {
		return fmt.Errorf("edit post %d in demo thread %q: %w", i+1, p.t.title, err)
	}
	return nil
}

// planPMQuestions schedules the questions to the programme management. They
// are timed in office time from the demo's start rather than written in turn
// with the other threads, so that deadlines and response times come out as
// content.go plans them whatever the rest of the content does.
func (s *seeder) planPMQuestions() {
	for i := range demoThreads {
		t := &demoThreads[i]
		if t.kind != store.KindPM {
			continue
		}
		asked := addOffice(s.start, t.asked)
		s.schedule(asked, func(ctx context.Context) error { return s.askPM(ctx, t, asked) })
	}
}

// askPM opens a PM question and schedules what happens to it: the pm user
// taking it on, the replies (official ones marked as such) and their edits,
// each a planned office time after asked.
func (s *seeder) askPM(ctx context.Context, t *demoThread, asked time.Time) error {
	p, err := s.open(ctx, t)
	if err != nil {
		return err
	}
	if t.assignee != "" {
		s.schedule(addOffice(asked, t.assigned), func(ctx context.Context) error {
			a := s.user(t.assignee)
			if _, err := s.pm.Assign(ctx, a, p.id, a.ID); err != nil {
				return fmt.Errorf("assign demo PM question %q: %w", t.title, err)
			}
			return nil
		})
	}
	for i, r := range t.replies {
		s.schedule(addOffice(asked, r.after), func(ctx context.Context) error {
			if err := s.reply(ctx, p); err != nil {
				return err
			}
			if !r.official {
				return nil
			}
			if _, err := s.pm.MarkOfficial(ctx, s.user(r.author), p.posts[i+1], ""); err != nil {
				return fmt.Errorf("mark reply %d in demo PM question %q official: %w", i+1, t.title, err)
			}
			return nil
		})
		if r.edit != "" {
			s.schedule(addOffice(asked, r.editAfter), func(ctx context.Context) error { return s.edit(ctx, p, i+1, r) })
		}
	}
	return nil
}

// user returns the demo account with the given key. A key missing from
// demoUsers is a mistake in content.go, which the tests catch.
func (s *seeder) user(key string) *store.User {
	u, ok := s.users[key]
	if !ok {
		panic("seed: unknown demo author " + key)
	}
	return u
}

// Office hours in German local time, when the demo members write.
const (
	officeStart = 8
	officeEnd   = 18
)

// rhythm varies the gaps between posts, in percent of the average step.
var rhythm = []int{40, 130, 70, 180, 90, 50, 140}

// clock hands out the demo timestamps: it starts at the first office hour at
// or after from and moves forward through office hours (Monday to Friday,
// 8 to 18 o'clock) so that the planned number of steps ends before to.
type clock struct {
	t    time.Time
	step time.Duration // average gap, counted in office time
	n    int           // steps taken
}

func newClock(from, to time.Time, steps int) *clock {
	loc := germany()
	start := nextOffice(from.In(loc))
	units := 300 // three average steps to spare before to, for the votes on the last answers
	for i := range steps {
		units += rhythm[i%len(rhythm)]
	}
	return &clock{t: start, step: officeBetween(start, to.In(loc)) * 100 / time.Duration(units)}
}

func (c *clock) now() time.Time { return c.t }

// tick moves the clock on by the next gap of the rhythm.
func (c *clock) tick() {
	c.t = addOffice(c.t, c.step*time.Duration(rhythm[c.n%len(rhythm)])/100)
	c.n++
}

// germany is the demo's time zone; without zone data, the local one will do.
func germany() *time.Location {
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return loc
	}
	return time.Local
}

// at returns the given full hour on t's day.
func at(t time.Time, hour int) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, hour, 0, 0, 0, t.Location())
}

// nextOffice returns t if it falls in office hours, else the start of the
// next office day.
func nextOffice(t time.Time) time.Time {
	for {
		switch {
		case t.Weekday() == time.Saturday || t.Weekday() == time.Sunday || !t.Before(at(t, officeEnd)):
			t = at(t.AddDate(0, 0, 1), officeStart)
		case t.Before(at(t, officeStart)):
			return at(t, officeStart)
		default:
			return t
		}
	}
}

// addOffice adds d of office time to t.
func addOffice(t time.Time, d time.Duration) time.Time {
	t = nextOffice(t)
	for {
		end := at(t, officeEnd)
		left := end.Sub(t)
		if d < left {
			return t.Add(d)
		}
		d -= left
		t = nextOffice(end)
	}
}

// officeBetween returns the office time from from to to (0 if to is earlier).
func officeBetween(from, to time.Time) time.Duration {
	var total time.Duration
	for t := nextOffice(from); t.Before(to); t = nextOffice(at(t, officeEnd)) {
		end := at(t, officeEnd)
		if to.Before(end) {
			return total + to.Sub(t)
		}
		total += end.Sub(t)
	}
	return total
}
