// Package notify owns notification mail: it turns the store's events into
// per-recipient notifications, sends "sofort" mails after the immediate
// window, composes the daily and weekly digests, and signs the
// unsubscribe links. What a mail may contain is decided at send time with
// the recipient's current permissions.
package notify

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"kommunalforum/internal/i18n"
	"kommunalforum/internal/store"
)

// Options configures a Notifier; cmd fills it from the configuration.
type Options struct {
	DB        *store.DB
	Catalog   *i18n.Catalog
	Templates fs.FS  // the templates directory (email/notify_*)
	BaseURL   string // absolute, no trailing slash
	From      string // the sender address; its domain names Message-IDs and List-Ids
	// DefaultLanguage is used for users without a language of their own.
	DefaultLanguage string
	// Delay is the immediate window (mail.immediate_delay); 0 sends at once.
	Delay time.Duration
	// DigestTime ("HH:MM", Location) and DigestWeekday ("monday") schedule
	// the digests.
	DigestTime    string
	DigestWeekday string
	Location      *time.Location // default Europe/Berlin
	Log           *slog.Logger
	// MailWake, when set, is called after mail was put into the outbox.
	MailWake func()
}

// Notifier is the notification pipeline. Run one per database.
type Notifier struct {
	db     *store.DB
	o      Options
	log    *slog.Logger
	comp   *composer
	tokens *Tokens
	wake   chan struct{}
	hour   int
	minute int
	day    time.Weekday
}

// eventBatch is how many events one transaction turns into notifications.
const eventBatch = 200

// immediateBatch is how many (user, thread) pairs one run mails.
const immediateBatch = 200

// New builds the notifier, generating the unsubscribe key on first start.
func New(ctx context.Context, o Options) (*Notifier, error) {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Location == nil {
		loc, err := time.LoadLocation("Europe/Berlin")
		if err != nil {
			return nil, fmt.Errorf("notify: %w", err)
		}
		o.Location = loc
	}
	if o.MailWake == nil {
		o.MailWake = func() {}
	}
	n := &Notifier{db: o.DB, o: o, log: o.Log, wake: make(chan struct{}, 1), hour: 7, day: time.Monday}
	if o.DigestTime != "" {
		t, err := time.Parse("15:04", o.DigestTime)
		if err != nil {
			return nil, fmt.Errorf("notify: digest time %q: %w", o.DigestTime, err)
		}
		n.hour, n.minute = t.Hour(), t.Minute()
	}
	if o.DigestWeekday != "" {
		d, ok := weekdays[o.DigestWeekday]
		if !ok {
			return nil, fmt.Errorf("notify: unknown digest weekday %q", o.DigestWeekday)
		}
		n.day = d
	}
	key, err := o.DB.Secret(ctx, secretName, 32)
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	n.tokens = NewTokens(key)
	n.comp, err = newComposer(o.Templates, o.Catalog, o.BaseURL, o.From, o.DefaultLanguage, n.tokens)
	if err != nil {
		return nil, err
	}
	return n, nil
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// Tokens returns the unsubscribe token signer.
func (n *Notifier) Tokens() *Tokens { return n.tokens }

// Wake makes Run process events at once, for example after a request
// recorded one, when the immediate window is 0s. With a window, the
// next tick is soon enough (the window runs from the event), and waking
// on every write would add a write transaction, with its fsync, to each
// request. It never blocks.
func (n *Notifier) Wake() {
	if n.o.Delay > 0 {
		return
	}
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// Run processes events and sends due immediate mail every interval and on
// Wake, until ctx is done.
func (n *Notifier) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, _, err := n.RunOnce(ctx, time.Now()); err != nil && ctx.Err() == nil {
			n.log.Error("notifications", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-n.wake:
		}
	}
}

// RunOnce turns every waiting event into notifications and mails the
// immediate ones due at now. It reports the events processed and the
// mails written.
func (n *Notifier) RunOnce(ctx context.Context, now time.Time) (events, mails int, err error) {
	events, err = n.ProcessEvents(ctx)
	if err != nil {
		return events, 0, err
	}
	for ctx.Err() == nil {
		k, pairs, err := n.sendImmediate(ctx, now)
		mails += k
		if err != nil {
			return events, mails, err
		}
		if pairs < immediateBatch {
			break
		}
	}
	if mails > 0 {
		n.o.MailWake()
	}
	return events, mails, nil
}

// ProcessEvents drains the event log into notifications, one transaction
// per batch.
func (n *Notifier) ProcessEvents(ctx context.Context) (int, error) {
	total := 0
	for ctx.Err() == nil {
		k, more, err := n.db.ProcessEvents(ctx, n.o.Delay, eventBatch)
		total += k
		if err != nil || !more {
			return total, err
		}
	}
	return total, ctx.Err()
}

// sendImmediate mails one batch of due immediate notifications: one mail
// per recipient and thread with everything pending for it, composed from
// the posts as they are now (so edits are included). Items the recipient
// has read meanwhile, or may no longer see, are dropped.
func (n *Notifier) sendImmediate(ctx context.Context, now time.Time) (mails, pairs int, err error) {
	ns, err := n.db.DueImmediate(ctx, now, immediateBatch)
	if err != nil || len(ns) == 0 {
		return 0, 0, err
	}
	items, err := n.db.NotificationItems(ctx, ns)
	if err != nil {
		return 0, 0, err
	}
	var out []store.NotifyMail
	users := map[int64]*store.User{}
	for start := 0; start < len(ns); {
		end := start
		for end < len(ns) && ns[end].UserID == ns[start].UserID && ns[end].ThreadID == ns[start].ThreadID {
			end++
		}
		group := ns[start:end]
		start = end
		pairs++
		u, ok := users[group[0].UserID]
		if !ok {
			uu, err := n.db.UserByID(ctx, group[0].UserID)
			if err != nil {
				return mails, pairs, fmt.Errorf("recipient %d: %w", group[0].UserID, err)
			}
			u = &uu
			users[u.ID] = u
		}
		nm, err := n.threadMail(ctx, *u, group, items)
		if err != nil {
			return mails, pairs, err
		}
		if nm.Mail.Recipient != "" {
			mails++
		}
		out = append(out, nm)
	}
	return mails, pairs, n.db.CommitNotifyMails(ctx, out)
}

// threadMail builds the mail for one recipient's pending notifications of
// one thread, or only drops them when nothing is left to tell.
func (n *Notifier) threadMail(ctx context.Context, u store.User, group []store.Notification, items map[int64]store.DigestItem) (store.NotifyMail, error) {
	nm := store.NotifyMail{Mail: store.OutboxMail{UserID: u.ID, Kind: "notify"}}
	drop := func(reason string) store.NotifyMail {
		for _, x := range group {
			nm.Dropped = append(nm.Dropped, x.ID)
		}
		nm.DropReason = reason
		return nm
	}
	if u.Status != store.StatusActive {
		return drop("account not active"), nil
	}
	b, err := n.db.BounceOf(ctx, u.Email)
	if err != nil {
		return nm, err
	}
	if b.Disabled() {
		return drop("address disabled after permanent failures"), nil
	}
	m, err := n.db.MailSettingsOf(ctx, u.ID)
	if err != nil {
		return nm, err
	}
	if !m.Consented() {
		return drop("no consent"), nil
	}
	last, err := n.db.LastReadPost(ctx, u.ID, group[0].ThreadID)
	if err != nil {
		return nm, err
	}
	v := store.Viewer{AllFields: u.Role == store.RoleAdmin, Groups: u.Groups}
	lang := n.comp.lang(u)
	var mailItems []Item
	var head store.DigestItem
	var readIDs []int64
	seen := map[int64]bool{}
	for _, x := range group {
		it, ok := items[x.ID]
		switch {
		case !ok || !it.Visible || !v.SeesFieldGroup(it.FieldGroupID):
			nm.Dropped = append(nm.Dropped, x.ID) // gone, hidden or no longer permitted
			continue
		case it.PostID != 0 && last >= it.PostID:
			readIDs = append(readIDs, x.ID)
			continue
		}
		nm.Sent = append(nm.Sent, x.ID)
		if head.ThreadID == 0 {
			head = it
		}
		if it.PostID != 0 && seen[it.PostID] {
			continue
		}
		seen[it.PostID] = true
		mailItems = append(mailItems, n.comp.item(lang, it))
	}
	if len(nm.Dropped) > 0 {
		nm.DropReason = "not visible to the recipient"
	}
	if len(readIDs) > 0 {
		if len(nm.Dropped) == 0 {
			nm.DropReason = "already read"
		}
		nm.Dropped = append(nm.Dropped, readIDs...)
	}
	if len(mailItems) == 0 {
		return nm, nil
	}
	nm.Mail, err = n.comp.threadMail(u, head, mailItems)
	return nm, err
}
