package notify

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"kommunalforum/internal/store"
)

// Digest frequencies.
const (
	Daily  = "daily"
	Weekly = "weekly"
)

// topPerField is how many top posts per field a digest considers.
const topPerField = 5

// digestPage is how many recipients are loaded, composed and committed
// together: memory stays bounded by it, whatever the number of users.
const digestPage = 500

// DigestStats counts the outcome of a digest round.
type DigestStats struct {
	Frequency   string
	Period      string
	Composed    int // digests put into the outbox
	Empty       int // recipients with nothing to report: no mail
	AlreadySent int // recipients who had their digest for the period
	Duration    time.Duration
	// Events were turned into notifications first, taking EventsTook
	// (part of Duration): normally the notifier loop has done this.
	Events     int
	EventsTook time.Duration
}

// periodLength is the time a digest of the frequency covers at most.
func periodLength(freq string) time.Duration {
	if freq == Weekly {
		return 7 * 24 * time.Hour
	}
	return 24 * time.Hour
}

// Period names the digest period now falls in, in local time: the date
// for daily digests ("2026-11-23"), the ISO week for weekly ones
// ("2026-W48"). One digest per user and period is sent.
func (n *Notifier) Period(freq string, now time.Time) string {
	local := now.In(n.o.Location)
	if freq == Weekly {
		y, w := local.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	}
	return local.Format("2006-01-02")
}

// Scheduled reports whether the digest of the frequency is due at now:
// daily from the digest time on, weekly from the digest time of the
// digest weekday until the end of that ISO week (so a server that was
// down at the time catches up).
func (n *Notifier) Scheduled(freq string, now time.Time) bool {
	local := now.In(n.o.Location)
	at := time.Date(local.Year(), local.Month(), local.Day(), n.hour, n.minute, 0, 0, n.o.Location)
	if freq == Daily {
		return !local.Before(at)
	}
	// Days since the ISO week's Monday, and the digest day's offset.
	offset := func(d time.Weekday) int { return (int(d) + 6) % 7 }
	at = at.AddDate(0, 0, offset(n.day)-offset(local.Weekday()))
	return !local.Before(at)
}

// RunSchedule runs the due digest rounds every interval until ctx is done.
// Rounds are idempotent per user and period, so running again after a
// restart only sends what is missing.
func (n *Notifier) RunSchedule(ctx context.Context, interval time.Duration) {
	done := map[string]string{} // frequency -> period completed
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		now := time.Now()
		for _, freq := range []string{Daily, Weekly} {
			p := n.Period(freq, now)
			if done[freq] == p || !n.Scheduled(freq, now) {
				continue
			}
			st, err := n.RunDigest(ctx, freq, now)
			if err != nil {
				if ctx.Err() == nil {
					n.log.Error("digest round", "frequency", freq, "err", err)
				}
				continue
			}
			done[freq] = p
			n.log.Info("digest round", "frequency", freq, "period", p, "composed", st.Composed, "empty", st.Empty,
				"already_sent", st.AlreadySent, "duration", st.Duration)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunDigest runs one digest round of the frequency for the period of now:
// first it turns waiting events into notifications, then it pages through
// the due recipients, composing and committing each page in one
// transaction together with the once-per-period guard.
func (n *Notifier) RunDigest(ctx context.Context, freq string, now time.Time) (DigestStats, error) {
	start := time.Now()
	st := DigestStats{Frequency: freq, Period: n.Period(freq, now)}
	if freq != Daily && freq != Weekly {
		return st, fmt.Errorf("digest: unknown frequency %q", freq)
	}
	events, err := n.ProcessEvents(ctx)
	st.Events, st.EventsTook = events, time.Since(start)
	if err != nil {
		return st, err
	}
	before, err := n.db.DigestRunCount(ctx, freq, st.Period)
	if err != nil {
		return st, err
	}
	content, err := n.db.FieldDigestContent(ctx, now.Add(-periodLength(freq)), topPerField)
	if err != nil {
		return st, err
	}
	// A pipeline of three stages, so reading the next page, composing
	// this one and committing the previous one overlap: SQLite reads,
	// template CPU and the commit's fsync use different resources.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type page struct {
		rs      []store.DigestRecipient
		results []store.DigestResult
		err     error
	}
	loaded, composed := make(chan page, 1), make(chan page, 1)
	go func() {
		defer close(loaded)
		var after int64
		for ctx.Err() == nil {
			rs, err := n.db.DigestRecipients(ctx, freq, st.Period, after, digestPage)
			if err != nil || len(rs) == 0 {
				if err != nil {
					select {
					case loaded <- page{err: err}:
					case <-ctx.Done():
					}
				}
				return
			}
			after = rs[len(rs)-1].User.ID
			select {
			case loaded <- page{rs: rs}:
			case <-ctx.Done():
				return
			}
			if len(rs) < digestPage {
				return
			}
		}
	}()
	cache := newItemCache()
	go func() {
		defer close(composed)
		for p := range loaded {
			if p.err == nil {
				p.results, p.err = n.composePage(ctx, p.rs, freq, st.Period, now, content, cache)
			}
			select {
			case composed <- p:
			case <-ctx.Done():
				return
			}
			if p.err != nil {
				return
			}
		}
	}()
	for p := range composed {
		if p.err != nil {
			return st, p.err
		}
		skipped, err := n.db.CommitDigests(ctx, p.results)
		if err != nil {
			return st, err
		}
		for i, r := range p.results {
			switch {
			case skipped[i]: // committed by a concurrent round first
				st.AlreadySent++
			case r.Mail.Recipient != "":
				st.Composed++
			default:
				st.Empty++
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return st, err
	}
	st.AlreadySent += before
	st.Duration = time.Since(start)
	if st.Composed > 0 {
		n.o.MailWake()
	}
	return st, nil
}

// composePage builds the digests of one page of recipients, on as many
// goroutines as there are CPUs.
func (n *Notifier) composePage(ctx context.Context, rs []store.DigestRecipient, freq, period string, now time.Time,
	content store.FieldContent, cache *itemCache) ([]store.DigestResult, error) {
	var all []store.Notification
	for _, r := range rs {
		all = append(all, r.Notifications...)
	}
	items, err := n.db.NotificationItems(ctx, all)
	if err != nil {
		return nil, err
	}
	out := make([]store.DigestResult, len(rs))
	workers := min(runtime.GOMAXPROCS(0), len(rs))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(rs); i += workers {
				r := rs[i]
				d := n.buildDigest(r, freq, now, content, items, cache)
				out[i] = store.DigestResult{UserID: r.User.ID, Frequency: freq, Period: period, Items: d.Count, Consumed: d.Consumed}
				if d.Count > 0 {
					if out[i].Mail, errs[w] = n.comp.digestMail(r.User, freq, d.Sections, d.Count); errs[w] != nil {
						return
					}
				}
			}
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// itemCache holds the mail items of a round's shared field content per
// language, so each excerpt and label is made once, not once per reader.
type itemCache struct {
	mu sync.Mutex
	m  map[itemKey]Item
}

type itemKey struct {
	lang, kind        string
	thread, post, faq int64
}

func newItemCache() *itemCache { return &itemCache{m: map[itemKey]Item{}} }

func (c *itemCache) item(comp *composer, lang string, it store.DigestItem) Item {
	if c == nil {
		return comp.item(lang, it)
	}
	k := itemKey{lang, it.Kind, it.ThreadID, it.PostID, it.FAQID}
	c.mu.Lock()
	x, ok := c.m[k]
	c.mu.Unlock()
	if !ok {
		x = comp.item(lang, it)
		c.mu.Lock()
		c.m[k] = x
		c.mu.Unlock()
	}
	return x
}

// DigestView is a composed digest, for the preview page.
type DigestView struct {
	Frequency string
	Period    string
	Subject   string
	Sections  []Section
	Count     int
	// Consumed are the notifications the digest reports or drops.
	Consumed []int64
}

// buildDigest assembles r's digest: pending notifications (when r's
// delivery is freq) and, for watched fields (when r's field delivery is
// freq), new threads, top posts and FAQ entries since the last digest.
// Everything is checked against what r may see now and what r has read.
func (n *Notifier) buildDigest(r store.DigestRecipient, freq string, now time.Time, content store.FieldContent,
	items map[int64]store.DigestItem, cache *itemCache) DigestView {
	d := DigestView{Frequency: freq}
	lang := n.comp.lang(r.User)
	v := r.Viewer()
	since := now.Add(-periodLength(freq))
	if r.LastDigest.After(since) {
		since = r.LastDigest
	}
	bySection := map[string]*Section{}
	// Personal items come first and are remembered, so a post reported as
	// a reply is not listed again as a top post. Field items need no
	// entry: the store lists each thread, post and FAQ entry once.
	seen := map[[2]int64]bool{}
	add := func(it store.DigestItem, personal bool) {
		key := [2]int64{it.ThreadID, it.PostID}
		if seen[key] && it.FAQID == 0 {
			return
		}
		if personal {
			seen[key] = true
		}
		k := sectionOf(it.Kind)
		s := bySection[k]
		if s == nil {
			s = &Section{Key: k, Title: n.comp.cat.T(lang, "notify.digest.section."+k)}
			bySection[k] = s
		}
		d.Count++
		if len(s.Items) >= maxSectionItems {
			s.More++
			return
		}
		s.Items = append(s.Items, cache.item(n.comp, lang, it))
	}
	visible := func(it store.DigestItem) bool {
		return it.Visible && v.SeesFieldGroup(it.FieldGroupID) && !r.MutedThreads[it.ThreadID]
	}
	if r.Delivery == freq {
		for _, x := range r.Notifications {
			d.Consumed = append(d.Consumed, x.ID)
			it, ok := items[x.ID]
			if !ok || !visible(it) || r.Read(it.ThreadID, it.PostID) {
				continue
			}
			add(it, true)
		}
	}
	if r.FieldDelivery == freq {
		for fid, level := range r.Fields {
			if r.MutedFields[fid] {
				continue
			}
			for _, it := range content[fid] {
				switch {
				case it.At.Before(since) || it.At.After(now):
					continue
				case it.Kind == store.ItemTopPost && level != store.LevelWatching:
					continue // tracking a field brings new threads, not posts
				case it.FAQID == 0 && (!visible(it) || r.Read(it.ThreadID, it.PostID)):
					continue
				case it.FAQID != 0 && !v.SeesFieldGroup(it.FieldGroupID):
					continue
				}
				add(it, false)
			}
		}
	}
	for _, k := range sectionOrder {
		if s := bySection[k]; s != nil {
			d.Sections = append(d.Sections, *s)
		}
	}
	if d.Count > 0 {
		d.Subject = n.comp.cat.N(lang, "notify.digest.subject."+freq, d.Count)
	}
	return d
}

// Preview composes userID's next digest of the frequency as it would be
// sent at now, without sending or recording anything.
func (n *Notifier) Preview(ctx context.Context, userID int64, freq string, now time.Time) (DigestView, error) {
	r, err := n.db.DigestRecipientOf(ctx, userID, freq)
	if err != nil {
		return DigestView{}, err
	}
	// The preview shows what the user chose to get, whichever digest that is.
	if r.Delivery != freq && r.FieldDelivery != freq {
		r.Delivery, r.FieldDelivery = freq, freq
	}
	content, err := n.db.FieldDigestContent(ctx, now.Add(-periodLength(freq)), topPerField)
	if err != nil {
		return DigestView{}, err
	}
	items, err := n.db.NotificationItems(ctx, r.Notifications)
	if err != nil {
		return DigestView{}, err
	}
	d := n.buildDigest(r, freq, now, content, items, nil)
	d.Period = n.Period(freq, now)
	return d, nil
}
