package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"kommunalforum/internal/seed"
)

// isSynthetic reports whether the seed command was asked for a synthetic
// data set (--synthetic or -synthetic, with or without =true).
func isSynthetic(args []string) bool {
	for _, a := range args {
		a = strings.TrimLeft(a, "-")
		if a == "synthetic" || a == "synthetic=true" {
			return true
		}
	}
	return false
}

// cmdSeedSynthetic generates a large synthetic data set into an empty
// forum, for benchmarks (bench/run.sh). It prints progress, the load rate
// and, as key=value lines starting with "target.", the pages and accounts a
// benchmark needs. The search index is not built here: run
// `kommunalforum reindex` afterwards.
func cmdSeedSynthetic(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, com := newFlags("seed", stderr)
	fs.Bool("synthetic", true, "generate a synthetic data set (benchmarks)")
	users := fs.Int("users", 10000, "number of users")
	threads := fs.Int("threads", 100000, "number of threads")
	perThread := fs.Int("posts-per-thread", 10, "average posts per thread (the total is threads × this)")
	seedVal := fs.Uint64("seed", 1, "random seed: the same flags give the same data")
	until := fs.String("until", "", "time of the newest activity, RFC 3339 (default: now, truncated to the hour)")
	workers := fs.Int("workers", 0, "goroutines generating and rendering posts (default: GOMAXPROCS)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the load to this file")
	urlList := fs.String("url-list", "", "write the URL of every thread in an open field to this file, one a line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *users < 1 || *threads < 1 || *perThread < 1 {
		return usageError{"--users, --threads and --posts-per-thread must be positive"}
	}
	cfg := seed.SyntheticConfig{Users: *users, Threads: *threads, PostsPerThread: *perThread, Seed: *seedVal,
		Workers: *workers, Progress: stdout}
	if *until != "" {
		t, err := time.Parse(time.RFC3339, *until)
		if err != nil {
			return usageError{"--until: " + err.Error()}
		}
		cfg.Until = t
	}
	a, err := com.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(stdout, "generating %d users, %d threads, %d posts (seed %d) into %s\n",
		*users, *threads, *threads**perThread, *seedVal, a.cfg.DBPath())
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	sum, err := seed.Synthetic(ctx, a.db, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loaded %d users, %d threads, %d posts, %d votes, %d events, %d FAQ entries, %d subscriptions, %d mail settings\n",
		sum.Users, sum.Threads, sum.Posts, sum.Votes, sum.Events, sum.FAQ, sum.Subscriptions, sum.MailSettings)
	fmt.Fprintf(stdout, "in %.1f s: %.0f posts/s\n", sum.Elapsed.Seconds(), sum.PostsPerSecond())
	for _, s := range sum.Skipped {
		fmt.Fprintf(stdout, "skipped: %s\n", s)
	}
	if sum.SearchQueueCleared > 0 {
		fmt.Fprintf(stdout, "cleared %d search queue rows; build the index with: kommunalforum reindex\n", sum.SearchQueueCleared)
	}
	tg := sum.Targets
	if *urlList != "" {
		if err := os.WriteFile(*urlList, []byte(strings.Join(tg.URLs, "\n")+"\n"), 0o600); err != nil {
			return err
		}
	}
	writable := make([]string, len(tg.Writable))
	for i, id := range tg.Writable {
		writable[i] = fmt.Sprint(id)
	}
	fmt.Fprintf(stdout, "target.thread=%s\ntarget.deep=%s?seite=%d\ntarget.question=%s\ntarget.field=/themenfeld/%s\n"+
		"target.writer=%s\ntarget.writable=%s\n",
		tg.Thread, tg.DeepThread, tg.DeepPage, tg.Question, tg.Field, tg.WriterEmail, strings.Join(writable, ","))
	return nil
}
