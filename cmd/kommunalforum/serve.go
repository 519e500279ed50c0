package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"kommunalforum/assets"
	"kommunalforum/internal/config"
	"kommunalforum/internal/mail"
	"kommunalforum/internal/moderation"
	"kommunalforum/internal/seed"
	"kommunalforum/internal/store"
	"kommunalforum/internal/web"
	"kommunalforum/templates"
)

// cmdServe runs the forum until ctx ends (SIGINT/SIGTERM), then shuts down
// gracefully: in-flight requests finish, the mail queue gets a last run.
func cmdServe(ctx context.Context, args []string, stderr io.Writer) error {
	flags, com := newFlags("serve", stderr)
	listen := flags.String("listen", "", "address to listen on (overrides server.listen)")
	demo := flags.Bool("demo", false, "add demo content on first start")
	if err := flags.Parse(args); err != nil {
		return err
	}
	cfg, err := com.load(func(c *config.Config) {
		if *listen != "" {
			c.Server.Listen = *listen
		}
	})
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.Log)
	// Without a limit the heap grows to twice the live data before a
	// collection; search index merges at a million posts took the
	// process's own memory past 500 MB. GOMEMLIMIT, when set, is already
	// in force and wins.
	if cfg.Server.MemoryLimitMB > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(cfg.Server.MemoryLimitMB) << 20)
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if *demo {
		sum, err := seed.Demo(ctx, a.db, a.accounts, a.forum, a.qa, a.pm)
		if err != nil {
			return fmt.Errorf("demo content: %w", err)
		}
		if !sum.Skipped {
			log.Info("demo content added", "users", sum.Users, "threads", sum.Threads, "questions", sum.Questions,
				"pm_questions", sum.PMQuestions, "posts", sum.Posts, "votes", sum.Votes,
				"login", "admin@kommunalforum.example", "password", seed.DemoPassword)
		}
	}

	// The search index (rebuilt in the background if missing or outdated);
	// the demo content above reaches it through the search queue.
	idx, err := openSearch(a, cfg, log)
	if err != nil {
		return err
	}
	defer idx.Close()

	deliverer := mail.NewDeliverer(a.db, a.sender(log), cfg.Mail.From, log)
	deliverer.MaxPermanentFailures = cfg.Mail.MaxPermanentFailures
	notifier, err := a.notifier(ctx, log, deliverer.Wake)
	if err != nil {
		return err
	}
	var tmpl, ast fs.FS = templates.FS, assets.FS
	if cfg.Server.Dev {
		// Read from disk so template and style edits show on reload.
		tmpl, ast = os.DirFS("templates"), os.DirFS("assets")
	}
	// The approval queue applies to what members post through pages and
	// the API; the demo content above is written without it.
	posting := a.forum.WithApprovalPosts(cfg.Forum.ApprovalPosts)
	srv, err := web.New(web.Options{
		DB: a.db, Accounts: a.accounts, Forum: posting, QA: a.qa, Catalog: a.cat, Templates: tmpl, Assets: ast, Log: log,
		BaseURL: cfg.BaseURL(), Dev: cfg.Server.Dev, TrustedProxies: cfg.Server.TrustedProxies,
		PageCacheTTL: cfg.Server.PageCacheTTL, PageCacheBytes: cfg.Server.PageCacheMB << 20, PageCacheGrace: cfg.Server.PageCacheGrace,
		MaxConcurrentReads: cfg.Server.MaxConcurrentReads,
		DefaultLanguage:    cfg.UI.DefaultLanguage, ThreadsPerPage: cfg.Forum.ThreadsPerPage, PostsPerPage: cfg.Forum.PostsPerPage,
		LoginPerMinute: cfg.Auth.LoginRatePerMinute, RegisterPerHour: cfg.Auth.RegisterRatePerHour,
		MailWake: deliverer.Wake,
		PM:       a.pm, PMAnswerWorkingDays: cfg.Forum.PMAnswerWorkingDays,
		FAQ:        a.faq,
		Moderation: moderation.New(a.db, posting),
		Search:     idx,
		Notify:     notifier, DigestTime: cfg.Mail.DigestTime,
		// Monitoring (metrics.go): who may read /metrics, the index for its size.
		MetricsAllow: cfg.Server.MetricsAllow, MetricsToken: cfg.Server.MetricsToken, IndexPath: cfg.IndexPath(),
		// Single sign-on (oidc.go); nil when auth.oidc.issuer is empty.
		OIDC: a.oidc(), SSOLabel: cfg.Auth.OIDC.ButtonLabel, NoLocalLogin: !cfg.Auth.LocalLogin,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Server.Listen)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           wakeAfterWrites(wakeSearchAfterWrites(srv.Handler(), idx.Wake), notifier.Wake),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       cfg.Server.ReadTimeout,
		WriteTimeout:      cfg.Server.WriteTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}

	bg, stopBG := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	// A short tick: outbox rows written by other processes (the digest
	// command) go out within seconds; an idle tick is one indexed query.
	wg.Go(func() { deliverer.Run(bg, 5*time.Second) })
	wg.Go(func() {
		a.db.RunCheckpoints(bg, 10*time.Second, func(st store.CheckpointStats, err error) {
			if err != nil {
				log.Warn("checkpoint", "err", err)
				return
			}
			log.Debug("checkpoint", "busy", st.Busy, "wal_frames", st.WALFrames, "checkpointed", st.Checkpointed)
		})
	})
	wg.Go(func() {
		a.db.RunMailPruning(bg, time.Hour, cfg.Mail.Retention, func(st store.PruneStats, err error) {
			if err != nil {
				log.Warn("mail pruning", "err", err)
				return
			}
			if st != (store.PruneStats{}) {
				log.Info("mail pruned", "outbox", st.Outbox, "mail_log", st.MailLog,
					"notifications", st.Notifications, "digest_runs", st.DigestRuns, "retention", cfg.Mail.Retention)
			}
		})
	})
	wg.Go(func() { idx.Run(bg) })
	// Notifications: events to mail every few seconds (and after each
	// write request); digests checked every minute against their schedule.
	wg.Go(func() { notifier.Run(bg, 5*time.Second) })
	wg.Go(func() { notifier.RunSchedule(bg, time.Minute) })

	log.Info("Kommunalforum is running", "url", cfg.BaseURL(), "listen", ln.Addr().String(), "data", cfg.Data.Dir)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		stopBG()
		wg.Wait()
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.Server.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("shutdown", "err", err)
	}
	stopBG()
	wg.Wait()
	// Mail enqueued by the last requests goes out now rather than at next start.
	if _, err := deliverer.RunOnce(sctx, time.Now()); err != nil {
		log.Error("final mail run", "err", err)
	}
	return nil
}
