package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"kommunalforum/internal/notify"
	"kommunalforum/templates"
)

// cmdDigest runs one digest round from the command line: due recipients
// of the frequency get their digest for the current period, put into the
// outbox (the server's mail loop, or the next `serve`, delivers it). It
// honours the schedule unless --now is given; a second run in the same
// period sends nothing twice.
func cmdDigest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags, com := newFlags("digest", stderr)
	freq := flags.String("frequency", "", "daily or weekly")
	now := flags.Bool("now", false, "run now, ignoring the scheduled time (mail.digest_time, mail.digest_weekday)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return usageError{msg: "digest takes no arguments"}
	}
	if *freq != notify.Daily && *freq != notify.Weekly {
		return usageError{msg: "digest needs --frequency daily or --frequency weekly"}
	}
	a, err := com.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	n, err := a.notifier(ctx, newLogger(stderr, a.cfg.Log), nil)
	if err != nil {
		return err
	}
	t := time.Now()
	if !*now && !n.Scheduled(*freq, t) {
		fmt.Fprintf(stdout, "the %s digest for %s is not due before %s (%s); use --now to run it anyway\n",
			*freq, n.Period(*freq, t), a.cfg.Mail.DigestTime, "Europe/Berlin")
		return nil
	}
	st, err := n.RunDigest(ctx, *freq, t)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s digest %s: %d composed, %d skipped-empty, %d already-sent in %s",
		st.Frequency, st.Period, st.Composed, st.Empty, st.AlreadySent, st.Duration.Round(time.Millisecond))
	if st.Events > 0 {
		fmt.Fprintf(stdout, " (of which %s to turn %d waiting events into notifications)", st.EventsTook.Round(time.Millisecond), st.Events)
	}
	fmt.Fprintln(stdout)
	return nil
}

// notifier wires the notification pipeline from the configuration; wake
// is called when it put mail into the outbox.
func (a *app) notifier(ctx context.Context, log *slog.Logger, wake func()) (*notify.Notifier, error) {
	m := a.cfg.Mail
	return notify.New(ctx, notify.Options{
		DB: a.db, Catalog: a.cat, Templates: templates.FS, BaseURL: a.cfg.BaseURL(), From: m.From,
		DefaultLanguage: a.cfg.UI.DefaultLanguage, Delay: m.ImmediateDelay,
		DigestTime: m.DigestTime, DigestWeekday: m.DigestWeekday, Log: log, MailWake: wake,
	})
}

// wakeAfterWrites calls wake after every request that may have changed
// something, so the notifier turns new events into mail without waiting
// for its next tick (mail.immediate_delay 0s sends at once).
func wakeAfterWrites(h http.Handler, wake func()) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			wake()
		}
	})
}
