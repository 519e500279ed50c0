package seed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"time"

	"kommunalforum/internal/forum"
	"kommunalforum/internal/markup"
	"kommunalforum/internal/qa"
	"kommunalforum/internal/store"
)

// Synthetic data sets for benchmarks (kommunalforum seed --synthetic):
// users, threads of every kind in every topic field plus one protected
// area, answers with votes and accepted answers, PM questions with official
// answers, FAQ entries, subscriptions and mail settings. The same config
// (seed included) gives the same data: every thread draws from its own
// random source, seeded with the seed and its index, so the parallel
// generators do not change what comes out.
//
// Unlike Demo it writes directly through store.Bulk, not through the
// domain rules: a million posts through the normal write paths would take
// hours. store.Bulk keeps the counters as those paths do.

// SyntheticConfig sizes a data set.
type SyntheticConfig struct {
	Users          int
	Threads        int
	PostsPerThread int // the average; the total is exactly Threads*PostsPerThread
	Seed           uint64
	// Until is the time of the newest activity; everything happens in
	// the two years before. Zero means now, truncated to the hour.
	Until time.Time
	// Workers generate and render posts in parallel; 0 means GOMAXPROCS.
	Workers int
	// Progress receives a line every 100,000 posts (nil: silence).
	Progress io.Writer
}

// SyntheticSummary reports what Synthetic wrote and how fast.
type SyntheticSummary struct {
	store.BulkStats
	Elapsed time.Duration
	// SearchQueueCleared is how many rows the search triggers queued
	// during the load, removed for the full reindex to build the index.
	SearchQueueCleared int64
	// Skipped names parts left out because their tables do not exist.
	Skipped []string
	Targets Targets
}

// PostsPerSecond is the load rate.
func (s SyntheticSummary) PostsPerSecond() float64 {
	return float64(s.Posts) / max(s.Elapsed.Seconds(), 1e-9)
}

// Targets are pages and accounts a benchmark needs to know.
type Targets struct {
	Thread      string  // a discussion with at least 20 posts: a full first page
	DeepThread  string  // the longest thread
	DeepPage    int     // a page in the middle of it
	Question    string  // a question with answers, votes and an accepted answer
	Field       string  // a topic field's slug
	WriterEmail string  // a member who may post without approval
	Writable    []int64 // open, unlocked discussions in open fields, for write load
	// URLs lists every thread of the open fields: random reads over all
	// of them miss the page cache as real traffic does.
	URLs []string
}

// Synthetic accounts.
const (
	syntheticDomain = "synthetic.kommunalforum.example"
	idAdmin         = 1
	firstPM         = 2
	numPM           = 5
	firstModerator  = firstPM + numPM
	modsPerField    = 2
)

// SyntheticWriterEmail is the member the benchmark's write load posts as.
const SyntheticWriterEmail = "bench@" + syntheticDomain

// Synthetic fills an empty forum (topic fields only) with a data set.
func Synthetic(ctx context.Context, db *store.DB, cfg SyntheticConfig) (SyntheticSummary, error) {
	start := time.Now()
	if cfg.Until.IsZero() {
		cfg.Until = time.Now().UTC().Truncate(time.Hour)
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	fields, err := db.TopicFields(ctx, store.Viewer{AllFields: true}, false)
	if err != nil {
		return SyntheticSummary{}, err
	}
	if len(fields) == 0 {
		return SyntheticSummary{}, errors.New("synthetic: no topic fields")
	}
	g := newGenerator(cfg, len(fields))
	if cfg.Users < g.firstMember+10 {
		return SyntheticSummary{}, fmt.Errorf("synthetic: need at least %d users", g.firstMember+10)
	}
	if cfg.Threads < 1 || cfg.PostsPerThread < 1 {
		return SyntheticSummary{}, errors.New("synthetic: need at least one thread and one post per thread")
	}
	b, err := db.BeginBulk(ctx, cfg.Until.Add(-24*time.Hour))
	if err != nil {
		return SyntheticSummary{}, err
	}
	sum, err := g.load(ctx, b, fields)
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	sum.BulkStats = b.Stats
	sum.Elapsed = time.Since(start)
	return sum, err
}

// generator holds what every thread's generation shares: the sizes, the
// users and the post count of every thread, decided up front so post IDs
// are known before the parallel work starts.
type generator struct {
	cfg         SyntheticConfig
	start       time.Time
	span        time.Duration
	nFields     int // open fields; the protected one is index nFields
	firstMember int
	writer      int64
	counts      []int
	firstPost   []int64 // ID of each thread's opening post
	users       []store.BulkUser
	members     []int64 // members of the protected area
}

func newGenerator(cfg SyntheticConfig, nFields int) *generator {
	g := &generator{cfg: cfg, nFields: nFields, span: 730 * 24 * time.Hour}
	g.start = cfg.Until.Add(-g.span)
	g.firstMember = firstModerator + modsPerField*nFields + 1
	g.writer = int64(g.firstMember - 1)
	r := rand.New(rand.NewPCG(cfg.Seed, math.MaxUint64)) // #nosec G404 -- synthetic data must be reproducible from --seed
	// Post counts: mostly around the average, a long tail, and every
	// 2000th thread a long-running one with 30 times the average (the
	// deep pages). Then nudged so the total is exact.
	g.counts = make([]int, cfg.Threads)
	total := int64(0)
	// Small data sets have no long-running threads: the others could not
	// give up enough posts to keep the total.
	hot := func(i int) bool { return i%2000 == 1 && cfg.Threads >= 100 && cfg.PostsPerThread >= 2 }
	for i := range g.counts {
		n := 1 + int(r.ExpFloat64()*float64(cfg.PostsPerThread-1))
		if hot(i) {
			n = 30 * cfg.PostsPerThread
		}
		g.counts[i] = n
		total += int64(n)
	}
	want := int64(cfg.Threads) * int64(cfg.PostsPerThread)
	for total != want {
		i := r.IntN(cfg.Threads)
		switch {
		case total > want && g.counts[i] > 1 && !hot(i):
			g.counts[i]--
			total--
		case total < want && !hot(i):
			g.counts[i]++
			total++
		}
	}
	g.firstPost = make([]int64, cfg.Threads)
	next := int64(1)
	for i, n := range g.counts {
		g.firstPost[i] = next
		next += int64(n)
	}
	g.users = g.makeUsers(r)
	for id := int64(g.firstMember); id <= int64(cfg.Users); id += 20 {
		g.members = append(g.members, id)
	}
	return g
}

// makeUsers builds the accounts: an admin, the programme management, two
// moderators per field, the benchmark writer and members.
func (g *generator) makeUsers(r *rand.Rand) []store.BulkUser {
	x := text{r}
	us := make([]store.BulkUser, g.cfg.Users)
	joined := g.start.Add(-30 * 24 * time.Hour)
	for i := range us {
		id := int64(i + 1)
		org, typ := x.org()
		u := store.BulkUser{ID: id, Email: "nutzer" + strconv.FormatInt(id, 10) + "@" + syntheticDomain,
			DisplayName: x.pick(firstNames) + " " + x.pick(lastNames), Role: store.RoleMember, OrgName: org, OrgType: typ,
			Status: store.StatusActive, CreatedAt: joined.Add(time.Duration(r.IntN(30*24)) * time.Hour)}
		switch {
		case id == idAdmin:
			u.Email, u.Role = "admin@"+syntheticDomain, store.RoleAdmin
		case id < firstModerator:
			u.Role, u.OrgName, u.OrgType = store.RolePM, qa.DefaultAnsweringBody, "bund"
		case id < g.writer:
			u.Role = store.RoleModerator
		case id == g.writer:
			u.Email = SyntheticWriterEmail
		case r.IntN(200) == 0:
			u.Status = store.StatusDisabled
		}
		us[i] = u
	}
	return us
}

// author picks a member, the active ones more often (a few write most).
func (g *generator) author(r *rand.Rand, protected bool) int64 {
	if protected {
		return g.members[r.IntN(len(g.members))]
	}
	n := g.cfg.Users - g.firstMember + 1
	u := r.Float64()
	return int64(g.firstMember + int(u*u*float64(n)))
}

func (g *generator) pm(r *rand.Rand) int64 { return int64(firstPM + r.IntN(numPM)) }

func (g *generator) moderator(field int) int64 {
	if field >= g.nFields {
		return idAdmin
	}
	return int64(firstModerator + modsPerField*field)
}

// threadTime spreads thread creation over the span, denser towards the
// end, in thread order.
func (g *generator) threadTime(i int) time.Time {
	f := math.Sqrt((float64(i) + 0.5) / float64(g.cfg.Threads))
	return g.start.Add(time.Duration(f * float64(g.span))).Truncate(time.Second)
}

// genThread is one thread with what the loader needs besides the rows.
type genThread struct {
	store.BulkThread
	field int // index into the fields; nFields is the protected area
	faq   *store.BulkFAQ
}

// thread generates thread i (0-based) and renders its posts.
func (g *generator) thread(i int, fieldIDs []int64) genThread {
	r := rand.New(rand.NewPCG(g.cfg.Seed, uint64(i))) // #nosec G404 G115 -- reproducible from --seed; i is a thread index (>= 0)
	x := text{r}
	field := r.IntN(g.nFields)
	protected := r.IntN(100) < 3
	if protected {
		field = g.nFields
	}
	kind := store.KindDiscussion
	switch k := r.IntN(100); {
	case k >= 90:
		kind = store.KindPM
	case k >= 55:
		kind = store.KindQuestion
	}
	created := g.threadTime(i)
	t := genThread{field: field, BulkThread: store.BulkThread{ID: int64(i + 1), TopicFieldID: fieldIDs[field], Kind: kind,
		AuthorID: g.author(r, protected), CreatedAt: created, Locked: r.IntN(100) == 0, Pinned: r.IntN(2000) == 0}}
	if i >= 3 && i <= 5 {
		t.AuthorID, protected, t.Locked = g.writer, false, false
		t.field = r.IntN(g.nFields)
		t.TopicFieldID = fieldIDs[t.field]
	}
	t.Title = x.title(kind)
	t.Slug = forum.Slugify(t.Title)
	n := g.counts[i]
	// Posts follow at gaps of minutes to hours, all before Until.
	room := g.cfg.Until.Sub(created)
	gap := min(6*time.Hour, room/time.Duration(n+1))
	at := created
	t.Posts = make([]store.BulkPost, n)
	for j := range t.Posts {
		if j > 0 {
			at = at.Add(time.Duration(r.ExpFloat64() * float64(gap))).Truncate(time.Second)
			if at.After(g.cfg.Until) {
				at = g.cfg.Until
			}
		}
		p := store.BulkPost{ID: g.firstPost[i] + int64(j), AuthorID: g.author(r, protected), CreatedAt: at}
		if j == 0 {
			p.AuthorID = t.AuthorID
		}
		p.Body = x.body(j == 0)
		p.BodyHTML = markup.Render(p.Body)
		if j > 0 {
			switch k := r.IntN(1000); {
			case k < 3:
				p.DeletedAt = at.Add(time.Hour)
			case k < 5:
				p.HiddenAt, p.HiddenBy, p.HiddenReason = at.Add(time.Hour), g.moderator(field), "Werbung für ein kommerzielles Produkt"
			case k < 15:
				old := p.Body
				if cut := strings.Index(old, "\n\n"); cut > 0 {
					old = old[:cut]
				}
				p.Edit = &store.BulkRevision{Body: old, EditorID: p.AuthorID, EditedAt: at.Add(20 * time.Minute)}
			}
		}
		t.Posts[j] = p
	}
	switch kind {
	case store.KindQuestion:
		g.answers(r, &t)
	case store.KindPM:
		g.pmAnswer(r, &t)
	}
	if t.AcceptedPostID != 0 && r.IntN(40) == 0 {
		// Some accepted answers become FAQ entries.
		var ans store.BulkPost
		for _, p := range t.Posts {
			if p.ID == t.AcceptedPostID {
				ans = p
			}
		}
		t.faq = &store.BulkFAQ{TopicFieldID: t.TopicFieldID, OwnerID: g.moderator(field), Question: t.Title,
			Answer: ans.Body, AnswerHTML: ans.BodyHTML, SourceThreadID: t.ID, SourcePostID: ans.ID,
			CreatedAt: t.Posts[len(t.Posts)-1].CreatedAt}
	}
	return t
}

// answers adds votes to a question's answers and accepts the best one in
// half of the answered questions.
func (g *generator) answers(r *rand.Rand, t *genThread) {
	best, bestScore := int64(0), math.MinInt
	for j := 1; j < len(t.Posts); j++ {
		p := &t.Posts[j]
		seen := map[int64]bool{p.AuthorID: true}
		for range r.IntN(4) {
			u := int64(g.firstMember + r.IntN(g.cfg.Users-g.firstMember+1))
			if seen[u] {
				continue
			}
			seen[u] = true
			v := 1
			if r.IntN(7) == 0 {
				v = -1
			}
			p.Votes = append(p.Votes, store.BulkVote{UserID: u, Value: v, CreatedAt: p.CreatedAt.Add(time.Hour)})
		}
		score := 0
		for _, v := range p.Votes {
			score += v.Value
		}
		if p.DeletedAt.IsZero() && p.HiddenAt.IsZero() && score > bestScore {
			best, bestScore = p.ID, score
		}
	}
	if best != 0 && r.IntN(2) == 0 {
		t.AcceptedPostID = best
	}
}

// pmAnswer has the programme management answer three in four PM
// questions officially (the first answer, written by a pm user); the
// others are new or assigned.
func (g *generator) pmAnswer(r *rand.Rand, t *genThread) {
	t.PMDueAt = t.CreatedAt.Add(14 * 24 * time.Hour)
	pmUser := g.pm(r)
	answered := len(t.Posts) > 1 && r.IntN(4) != 0
	if answered || r.IntN(2) == 0 {
		t.PMAssigneeID = pmUser
		t.PMAssignedAt = t.CreatedAt.Add(time.Minute)
	}
	if answered {
		p := &t.Posts[1]
		p.AuthorID, p.DeletedAt, p.HiddenAt, p.HiddenBy, p.HiddenReason, p.Edit = pmUser, time.Time{}, time.Time{}, 0, "", nil
		p.Official = &store.BulkOfficial{ActorID: pmUser, AnsweringBody: qa.DefaultAnsweringBody, At: p.CreatedAt}
	}
}

// chunk is a run of consecutive threads generated by one worker.
type chunk struct {
	threads []genThread
}

const chunkThreads = 100

// load writes users, the protected area, threads (generated in parallel,
// written in order), FAQ entries, subscriptions and mail settings.
func (g *generator) load(ctx context.Context, b *store.Bulk, fields []store.TopicField) (SyntheticSummary, error) {
	var sum SyntheticSummary
	if ok, err := b.Empty(); err != nil {
		return sum, err
	} else if !ok {
		return sum, errors.New("synthetic: the database already has users or threads; use a new --data directory")
	}
	for _, u := range g.users {
		if err := b.User(u); err != nil {
			return sum, err
		}
	}
	fieldIDs := make([]int64, 0, len(fields)+1)
	for i, f := range fields {
		fieldIDs = append(fieldIDs, f.ID)
		for k := range modsPerField {
			if err := b.Moderates(int64(firstModerator+modsPerField*i+k), f.ID); err != nil {
				return sum, err
			}
		}
	}
	gid, err := b.Group("kommunalgremium", "Kommunalgremium", g.start, append([]int64{idAdmin}, g.members...))
	if err != nil {
		return sum, err
	}
	pid, err := b.RestrictedField("kommunalgremium-intern", "Kommunalgremium intern",
		"Geschützter Raum des Kommunalgremiums: Abstimmungen und Entwürfe vor der Veröffentlichung.", gid, g.start)
	if err != nil {
		return sum, err
	}
	fieldIDs = append(fieldIDs, pid)
	subs, err := b.HasTable("subscriptions")
	if err != nil {
		return sum, err
	}
	mailSettings, err := b.HasTable("mail_settings")
	if err != nil {
		return sum, err
	}
	if !subs {
		sum.Skipped = append(sum.Skipped, "subscriptions (table missing: migration 0007 not applied)")
	}
	if !mailSettings {
		sum.Skipped = append(sum.Skipped, "mail_settings (table missing: migration 0007 not applied)")
	}

	// Generate in parallel, write in order: each chunk has its own result
	// channel, queued in order; at most 2*workers chunks are in flight.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	nChunks := (g.cfg.Threads + chunkThreads - 1) / chunkThreads
	order := make(chan chan chunk, 2*g.cfg.Workers)
	jobs := make(chan struct {
		i   int
		out chan chunk
	})
	for range g.cfg.Workers {
		go func() {
			for j := range jobs {
				var c chunk
				for i := j.i * chunkThreads; i < min((j.i+1)*chunkThreads, g.cfg.Threads); i++ {
					c.threads = append(c.threads, g.thread(i, fieldIDs))
				}
				j.out <- c
			}
		}()
	}
	go func() {
		defer close(order)
		defer close(jobs)
		for i := range nChunks {
			out := make(chan chunk, 1)
			select {
			case order <- out:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- struct {
				i   int
				out chan chunk
			}{i, out}:
			case <-ctx.Done():
				return
			}
		}
	}()

	started := time.Now()
	var posts, reported int64
	var faqs []store.BulkFAQ
	deepCount := 0
	for out := range order {
		c := <-out
		for _, t := range c.threads {
			if err := b.Thread(t.BulkThread); err != nil {
				return sum, err
			}
			posts += int64(len(t.Posts))
			if t.faq != nil {
				faqs = append(faqs, *t.faq)
			}
			g.noteTarget(&sum.Targets, t, fields, &deepCount)
		}
		if g.cfg.Progress != nil && posts-reported >= 100000 {
			reported = posts
			el := time.Since(started).Seconds()
			fmt.Fprintf(g.cfg.Progress, "posts %d/%d  %.0f posts/s\n", posts, int64(g.cfg.Threads)*int64(g.cfg.PostsPerThread), float64(posts)/el)
		}
	}
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	// FAQ entries: the promoted answers, plus a few written from scratch
	// in every open field.
	r := rand.New(rand.NewPCG(g.cfg.Seed, math.MaxUint64-1)) // #nosec G404 -- synthetic data must be reproducible from --seed
	x := text{r}
	for f := range g.nFields {
		for range 3 {
			body := x.body(true)
			faqs = append(faqs, store.BulkFAQ{TopicFieldID: fieldIDs[f], OwnerID: g.moderator(f),
				Question: x.title(store.KindQuestion), Answer: body, AnswerHTML: markup.Render(body),
				CreatedAt: g.start.Add(time.Duration(r.Int64N(int64(g.span))))})
		}
	}
	for _, e := range faqs {
		if err := b.FAQ(e); err != nil {
			return sum, err
		}
	}
	if err := g.mail(b, r, fieldIDs[:g.nFields], subs, mailSettings); err != nil {
		return sum, err
	}
	sum.Targets.WriterEmail = SyntheticWriterEmail
	n, err := b.ClearSearchQueue()
	sum.SearchQueueCleared = n
	return sum, err
}

// mail gives nine in ten users a delivery choice with consent. One in
// four of them also subscribes to a topic field, mostly to hear of new
// threads (tracking), one in five of those to every post (watching):
// field-wide watching fans each post out to all its watchers, and in a
// real forum few choose it. Threads are tracked automatically (Bulk.Thread).
func (g *generator) mail(b *store.Bulk, r *rand.Rand, fieldIDs []int64, subs, settings bool) error {
	deliveries := []string{"immediate", "immediate", "immediate", "daily", "daily", "daily", "daily", "weekly", "weekly", "off"}
	for _, u := range g.users {
		if u.Status != store.StatusActive || r.IntN(10) == 0 {
			continue
		}
		at := u.CreatedAt.Add(24 * time.Hour)
		if settings {
			if err := b.MailSetting(u.ID, deliveries[r.IntN(len(deliveries))], at,
				"Ich möchte E-Mail-Benachrichtigungen zu abonnierten Themen und Themenfeldern erhalten."); err != nil {
				return fmt.Errorf("mail settings: %w", err)
			}
		}
		if !subs || r.IntN(4) != 0 {
			continue
		}
		level := "tracking"
		if r.IntN(5) == 0 {
			level = "watching"
		}
		if err := b.Subscription(u.ID, fieldIDs[r.IntN(len(fieldIDs))], 0, level, at); err != nil {
			return fmt.Errorf("subscription: %w", err)
		}
	}
	return nil
}

// noteTarget remembers the threads a benchmark asks for.
func (g *generator) noteTarget(tg *Targets, t genThread, fields []store.TopicField, deepCount *int) {
	open := t.field < g.nFields
	url := fmt.Sprintf("/t/%d-%s", t.ID, t.Slug)
	n := len(t.Posts)
	if open && t.Kind == store.KindDiscussion && tg.Thread == "" && n >= 20 && n <= 40 {
		tg.Thread = url
	}
	if open && n > *deepCount {
		*deepCount = n
		tg.DeepThread, tg.DeepPage = url, max(1, (n+19)/20/2)
	}
	if open && t.Kind == store.KindQuestion && tg.Question == "" && t.AcceptedPostID != 0 && n >= 8 {
		tg.Question = url
	}
	if open && tg.Field == "" {
		tg.Field = fields[t.field].Slug
	}
	if open {
		tg.URLs = append(tg.URLs, url)
	}
	if open && t.Kind == store.KindDiscussion && !t.Locked && len(tg.Writable) < 200 {
		tg.Writable = append(tg.Writable, t.ID)
	}
}
