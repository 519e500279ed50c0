// Package seed builds demo content so a newcomer sees a living forum:
// accounts in every role from organisations of every kind, and threads across
// the topic fields with replies, quotes, an edited post and a locked thread,
// dated over the past weeks. The content itself is data, in content.go.
package seed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/forum"
	"kommunalforum/internal/store"
)

// DemoPassword is the password of every demo account. It is public (the seed
// command prints it), so demo content belongs on demo and test installations
// only, never on a forum with real members.
const DemoPassword = "Demo-Passwort-2026"

// Summary reports what Demo added.
type Summary struct {
	Users, Threads, Posts int
	// Skipped means the demo content was already there and nothing was added.
	Skipped bool
}

// Demo adds the demo accounts and threads through the same rules as the UI.
// It is idempotent: if the first demo account exists, it adds nothing and
// reports Skipped. It checks that every topic field the content uses exists
// and is not archived before it writes anything.
//
// To look lived-in, posts are dated over the past 30 days during office
// hours. Demo does that by replacing db's clock while it runs and restores
// time.Now when it returns, so nothing else may write to db meanwhile; the
// seed command runs on its own, so that holds.
func Demo(ctx context.Context, db *store.DB, acc *auth.Accounts, f *forum.Forum) (Summary, error) {
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
	s := &seeder{db: db, acc: acc, f: f, fields: fields, users: map[string]*store.User{},
		clock: newClock(now.AddDate(0, 0, -30), now.Add(-time.Hour), events())}
	db.SetClock(s.clock.now)
	defer db.SetClock(time.Now)
	if err := s.createUsers(ctx); err != nil {
		return s.sum, err
	}
	err = s.createThreads(ctx)
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

// events counts the clock steps Demo takes: one before the first thread, then
// one per post, edit and lock.
func events() int {
	n := 1
	for _, t := range demoThreads {
		n += 1 + len(t.replies)
		if t.edit != "" {
			n++
		}
		for _, r := range t.replies {
			if r.edit != "" {
				n++
			}
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
	clock  *clock
	fields map[string]int64       // topic field IDs by slug
	users  map[string]*store.User // by demoUser.key
	sum    Summary
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
			// Reload so the moderator's fields count when it locks a thread.
			if u, err = s.db.UserByID(ctx, u.ID); err != nil {
				return err
			}
		}
		s.users[du.key] = &u
	}
	s.clock.tick()
	return nil
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
// round-robin at the end. A thread's edits and lock come after its last reply.
func (s *seeder) createThreads(ctx context.Context) error {
	var open []*progress
	turn := 0
	replyNext := func() error {
		turn %= len(open)
		p := open[turn]
		if err := s.reply(ctx, p); err != nil {
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
		p, err := s.open(ctx, &demoThreads[i])
		if err != nil {
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

func (s *seeder) open(ctx context.Context, t *demoThread) (*progress, error) {
	th, postID, err := s.f.CreateThread(ctx, s.user(t.author), t.field, t.kind, t.title, t.body)
	if err != nil {
		return nil, fmt.Errorf("demo thread %q: %w", t.title, err)
	}
	s.clock.tick()
	s.sum.Threads++
	s.sum.Posts++
	return &progress{t: t, id: th.ID, posts: []int64{postID}}, nil
}

func (s *seeder) reply(ctx context.Context, p *progress) error {
	r := p.t.replies[len(p.posts)-1]
	id, err := s.f.Reply(ctx, s.user(r.author), p.id, r.body)
	if err != nil {
		return fmt.Errorf("reply %d in demo thread %q: %w", len(p.posts), p.t.title, err)
	}
	s.clock.tick()
	s.sum.Posts++
	p.posts = append(p.posts, id)
	return nil
}

// finish applies a thread's edits, then its lock.
func (s *seeder) finish(ctx context.Context, p *progress) error {
	edits := []demoPost{{author: p.t.author, edit: p.t.edit}}
	edits = append(edits, p.t.replies...)
	for i, e := range edits {
		if e.edit == "" {
			continue
		}
		if _, err := s.f.EditPost(ctx, s.user(e.author), p.posts[i], e.edit); err != nil {
			return fmt.Errorf("edit post %d in demo thread %q: %w", i+1, p.t.title, err)
		}
		s.clock.tick()
	}
	if p.t.lockedBy != "" {
		if err := s.f.SetLocked(ctx, s.user(p.t.lockedBy), p.id, true); err != nil {
			return fmt.Errorf("lock demo thread %q: %w", p.t.title, err)
		}
		s.clock.tick()
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
	units := 100 // one average step to spare before to
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
