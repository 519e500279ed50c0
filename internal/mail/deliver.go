package mail

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"kommunalforum/internal/store"
)

const (
	// batchSize is the most mails sent over one connection.
	batchSize = 50
	// maxAttempts is the number of attempts after which a mail fails for good.
	maxAttempts = 12
	// firstBackoff doubles with each failed attempt up to maxBackoff: with
	// 12 attempts a mail is given up about 20 hours after it was enqueued.
	firstBackoff = time.Minute
	maxBackoff   = 6 * time.Hour
	// maxErrorLen bounds the error text stored with a mail.
	maxErrorLen = 1000
)

// Deliverer delivers due outbox mail through a Sender and records the
// outcome of each attempt. Delivery is at least once: run one Deliverer per
// database, and do not call RunOnce while Run is running.
type Deliverer struct {
	db   *store.DB
	s    Sender
	from string
	log  *slog.Logger
	wake chan struct{}

	// MaxPermanentFailures disables mail to an address after that many
	// permanent failures in a row (mail.max_permanent_failures); 0 never.
	MaxPermanentFailures int
}

// idleCloser is a Sender that keeps a connection open between batches
// (SMTPSender); the loop closes it when the queue is empty.
type idleCloser interface{ CloseIdle() }

// NewDeliverer returns a deliverer that sends outbox mail from the address
// from through s.
func NewDeliverer(db *store.DB, s Sender, from string, log *slog.Logger) *Deliverer {
	if log == nil {
		log = slog.Default()
	}
	return &Deliverer{db: db, s: s, from: from, log: log, wake: make(chan struct{}, 1)}
}

// Wake makes Run deliver at once instead of waiting for the next tick, for
// example after a handler enqueued a mail. It never blocks.
func (d *Deliverer) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers due mail at start, every interval and on Wake, until ctx is
// done.
func (d *Deliverer) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		// A full batch suggests more mail is waiting: continue at once.
		for ctx.Err() == nil {
			n, _, err := d.runBatch(ctx, time.Now())
			if err != nil {
				d.log.Error("mail delivery", "err", err)
			}
			if err != nil || n < batchSize {
				break
			}
		}
		// The queue is empty: hang up rather than hold the relay's connection.
		if ic, ok := d.s.(idleCloser); ok {
			ic.CloseIdle()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-d.wake:
		}
	}
}

// RunOnce sends one batch of the mail due at now and reports how many were
// sent. Failed attempts are recorded and logged, not returned; the error is
// about reading or updating the outbox.
func (d *Deliverer) RunOnce(ctx context.Context, now time.Time) (sent int, err error) {
	_, sent, err = d.runBatch(ctx, now)
	return sent, err
}

// runBatch is RunOnce that also reports how many mails it tried.
func (d *Deliverer) runBatch(ctx context.Context, now time.Time) (tried, sent int, err error) {
	due, err := d.db.DueMail(ctx, now, batchSize)
	if err != nil || len(due) == 0 {
		return 0, 0, err
	}
	msgs := make([]Message, len(due))
	for i, m := range due {
		msgs[i] = Message{
			MessageID: m.MessageID,
			From:      d.from,
			To:        m.Recipient,
			Subject:   m.Subject,
			Text:      m.BodyText,
			HTML:      m.BodyHTML,
			Headers:   m.Headers,
		}
	}
	errs := d.s.Send(ctx, msgs)
	if len(errs) != len(msgs) {
		return len(due), 0, fmt.Errorf("mail sender returned %d results for %d messages", len(errs), len(msgs))
	}

	// Record the outcome even if ctx was cancelled meanwhile: a sent mail
	// that is not marked would be sent again. One transaction for the batch
	// keeps the loop fast (one fsync instead of one per mail).
	mctx := context.WithoutCancel(ctx)
	batchErr := sameError(errs)
	if batchErr != nil {
		d.log.Warn("mail delivery failed for the batch", "mails", len(due), "err", batchErr)
	}
	ds := make([]store.Delivery, len(due))
	for i, m := range due {
		sendErr := errs[i]
		ds[i].Mail = m
		if sendErr == nil {
			sent++
			continue
		}
		attempts := m.Attempts + 1
		ds[i].Err = truncate(sendErr.Error(), maxErrorLen)
		if !Temporary(sendErr) || attempts >= maxAttempts {
			ds[i].Permanent = true
			ds[i].Bounced = !Temporary(sendErr)
			if batchErr == nil {
				d.log.Warn("mail delivery failed permanently", "outbox_id", m.ID, "attempts", attempts, "err", sendErr)
			}
			continue
		}
		ds[i].Retry = now.Add(backoff(attempts))
		if batchErr == nil {
			d.log.Warn("mail delivery failed, will retry", "outbox_id", m.ID, "attempts", attempts, "next", ds[i].Retry, "err", sendErr)
		}
	}
	if err := d.db.RecordDeliveries(mctx, now, ds, d.MaxPermanentFailures); err != nil {
		return len(due), 0, err
	}
	return len(due), sent, nil
}

// backoff returns the wait after the given number of failed attempts
// (1, 2, ...): one minute doubling per attempt, capped at six hours, with
// ±10% jitter so that mails failed together do not retry in lockstep.
func backoff(attempts int) time.Duration {
	b := maxBackoff
	if attempts < 1 {
		attempts = 1
	}
	if attempts <= 20 { // beyond that the shift would overflow; the cap applies anyway
		b = min(firstBackoff<<(attempts-1), maxBackoff)
	}
	jitter := 0.9 + 0.2*rand.Float64() // #nosec G404 -- retry jitter, not security-relevant
	return time.Duration(float64(b) * jitter)
}

// sameError returns the error when a batch of more than one message failed
// with one shared error (a connection failure), else nil.
func sameError(errs []error) error {
	if len(errs) < 2 || errs[0] == nil {
		return nil
	}
	// Compared by text: error values need not be comparable.
	first := errs[0].Error()
	for _, err := range errs[1:] {
		if err == nil || err.Error() != first {
			return nil
		}
	}
	return errs[0]
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut at a rune boundary.
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
