package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"kommunalforum/internal/config"
	"kommunalforum/internal/search"
)

// cmdReindex rebuilds the search index from the database: into a fresh
// directory next to the index, which then replaces it. The server keeps
// the index locked while it runs, so reindex refuses to run alongside it
// (a running server rebuilds by itself when it starts with a missing or
// outdated index: stop it, delete the index directory, start it again).
func cmdReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags, com := newFlags("reindex", stderr)
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return usageError{msg: "reindex takes no arguments"}
	}
	a, err := com.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	path := a.cfg.IndexPath()
	fmt.Fprintf(stdout, "rebuilding the search index %s\n", path)
	st, err := search.Reindex(ctx, a.db, path, stdout)
	if errors.Is(err, search.ErrLocked) {
		return fmt.Errorf("%w\nStop the server first; or delete %s and restart the server, which then rebuilds the index in the background", err, path)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "indexed %d documents in %s: %.0f docs/s; index size %.1f MB\n",
		st.Docs, st.Took.Round(1e6), float64(st.Docs)/max(st.Took.Seconds(), 1e-9), float64(st.DiskSize)/(1<<20))
	return nil
}

// openSearch opens the search index of the configured data directory for
// the server.
func openSearch(a *app, cfg config.Config, log *slog.Logger) (*search.Index, error) {
	idx, err := search.Open(a.db, cfg.IndexPath(), search.Options{BatchSize: cfg.Search.BatchSize,
		Interval: cfg.Search.Interval, Log: log})
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	return idx, nil
}

// wakeSearchAfterWrites calls wake after every request that may have
// changed something (not GET, HEAD or OPTIONS), so the indexer applies the
// queued change now instead of at its next tick.
func wakeSearchAfterWrites(h http.Handler, wake func()) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			wake()
		}
	})
}
