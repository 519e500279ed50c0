// Package search owns the full-text index (bleve): the German analysis and
// mapping, the background indexer that applies the search queue, full
// rebuilds, the query syntax and permission-aware searching. The index is
// derived data: SQLite is the truth and the index can always be rebuilt.
package search

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"kommunalforum/internal/store"
)

// ErrLocked means another process (a running server) has the index open.
var ErrLocked = errors.New("the search index is in use by another process (is the server running?)")

// Options tune the indexer.
type Options struct {
	BatchSize int           // queued changes applied at once (search.batch_size)
	Interval  time.Duration // how often the queue is polled without a Wake (search.interval)
	Log       *slog.Logger
}

// Index is the open search index of one data directory plus its indexer.
type Index struct {
	db   *store.DB
	path string
	opt  Options
	lock *os.File
	// idx is a *liveIndex; benchmarks put a bare bleve index here.
	idx searchIndex
	// facetTables serve the facet counts (countFacets).
	facetTables facetTables

	// building is set while the index is being rebuilt in the background:
	// results are incomplete and the pages say so.
	building atomic.Bool
	// damaged is set when the open index turned out broken (a failed
	// checksum, a panic in a query): Run replaces it by an empty one and
	// rebuilds that, and searches meanwhile answer as while building.
	damaged atomic.Bool
	// verify asks the verifier to check the segment checksums again (a
	// query failed): see verifyLoop.
	verify chan struct{}
	// applied is the last queue row in the index (persisted); rows up to
	// it are deleted from SQLite every queueCleanup, not after each batch,
	// so the indexer rarely takes SQLite's one writer from posting. After
	// a crash the undeleted rows are applied again, which is harmless.
	// Only Run's goroutine (or a test calling ApplyQueue) touches these.
	applied, deleted int64
	lastCleanup      time.Time
	wake             chan struct{}
	closeMu          sync.Mutex
	closed           bool
}

// Open opens the index at path, creating it if needed. A missing,
// unreadable or damaged index, or one of another mapping version, is
// replaced by an empty one that Run rebuilds from db in the background
// (Building reports true until then). Damage that only reading every
// segment reveals Run finds later (verifyLoop). Only one process may have an index open: a second
// gets ErrLocked.
func Open(db *store.DB, path string, opt Options) (*Index, error) {
	if opt.BatchSize <= 0 {
		opt.BatchSize = 500
	}
	if opt.Interval <= 0 {
		opt.Interval = time.Second
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	lock, err := lockIndex(path)
	if err != nil {
		return nil, err
	}
	x := &Index{db: db, path: path, opt: opt, lock: lock, wake: make(chan struct{}, 1), verify: make(chan struct{}, 1)}
	idx, why := openCurrent(path)
	if idx == nil {
		opt.Log.Info("search index will be rebuilt in the background", "path", path, "reason", why)
		if err := os.RemoveAll(path); err != nil {
			_ = lock.Close()
			return nil, fmt.Errorf("remove old search index: %w", err)
		}
		idx, err = bleve.New(path, newMapping())
		if err != nil {
			_ = lock.Close()
			return nil, fmt.Errorf("create search index: %w", err)
		}
		x.building.Store(true)
	}
	x.idx = &liveIndex{x: x, cur: idx}
	return x, nil
}

// servingConfig is scorch's configuration for the index the server opens:
// at most three segments per size tier instead of ten. Segments come from
// every batch of writes, and scorch merges a tier only when it holds more
// than that many; every query looks each term up in every segment. At a
// million posts, 8 writers for 40 s left 21–22 segments with ten per tier
// and 10 with three, and search at 64 connections afterwards went from
// 822 and 972 to 868 and 1,042 req/s, with posting at 435 and 572 against
// 480 and 549 posts/s (docs/PERFORMANCE.md, "Sixth pass"). The builds (the
// reindex command, a rebuild in the background) keep scorch's default:
// they merge at the end or when the server next opens the index.
// The options are a map, not a mergeplan.MergePlanOptions: bleve passes
// them through JSON, which a struct with a func field does not survive.
var servingConfig = map[string]any{"scorchMergePlanOptions": map[string]any{"MaxSegmentsPerTier": 3}}

// openCurrent opens the index at path if it is complete and of the
// current mapping version; else it returns nil and why not.
func openCurrent(path string) (idx bleve.Index, why string) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, "missing"
	}
	// Bolt trusts the file length; a truncated root.bolt would open.
	if err := checkBolt(filepath.Join(path, "store", "root.bolt")); err != nil {
		return nil, "corrupt: " + err.Error()
	}
	defer func() {
		// A damaged index can make bleve panic while loading; rebuild it.
		if r := recover(); r != nil {
			idx, why = nil, fmt.Sprintf("corrupt: %v", r)
		}
	}()
	if err := checkNewestSnapshot(path); err != nil {
		return nil, "corrupt: " + err.Error()
	}
	idx, err := bleve.OpenUsing(path, servingConfig)
	if err != nil {
		return nil, "unreadable: " + err.Error()
	}
	v, err := idx.GetInternal(versionKey)
	if err != nil || string(v) != mappingVersion {
		_ = idx.Close() // discarded and rebuilt; a close error changes nothing
		if len(v) == 0 {
			return nil, "incomplete (no finished build)"
		}
		return nil, fmt.Sprintf("mapping version %q, want %q", v, mappingVersion)
	}
	return idx, ""
}

// lockIndex takes an exclusive lock on path+".lock" (next to the index
// directory, which a reindex swaps), failing at once if it is held.
func lockIndex(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600) // #nosec G304 -- path is the configured index path (config IndexPath), not user input
	if err != nil {
		return nil, fmt.Errorf("search index lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: lock file %s", ErrLocked, f.Name())
		}
		return nil, fmt.Errorf("search index lock: %w", err)
	}
	return f, nil
}

// Building reports whether a background rebuild is still running.
func (x *Index) Building() bool { return x.building.Load() }

// Wake makes the indexer look at the queue now instead of at its next
// tick. It never blocks.
func (x *Index) Wake() {
	select {
	case x.wake <- struct{}{}:
	default:
	}
}

// Close closes the index and releases the lock. Call it after Run returned.
func (x *Index) Close() error {
	x.closeMu.Lock()
	defer x.closeMu.Unlock()
	if x.closed {
		return nil
	}
	x.closed = true
	err := x.idx.Close()
	return errors.Join(err, x.lock.Close())
}

// Run is the indexer: it finishes a pending rebuild, then applies the
// queue whenever woken and every Interval, until ctx ends. Errors are
// logged and retried with backoff; posting never waits for the indexer.
// Meanwhile it verifies the segments of an index it found intact (see
// verifyLoop) and replaces and rebuilds one found damaged.
func (x *Index) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	intact := !x.building.Load()
	wg.Go(func() { x.verifyLoop(ctx, intact) })
	fails := 0
	for {
		if x.building.Load() || x.damaged.Load() {
			if !x.restore(ctx) {
				return
			}
		}
		_, err := x.ApplyQueue(ctx)
		wait := x.opt.Interval
		if err != nil && ctx.Err() == nil {
			fails++
			wait = x.backoff(fails)
			x.opt.Log.Error("search indexer failed, retrying", "err", err, "retry_in", wait)
		} else {
			fails = 0
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			// Leave a short queue for the next start (best effort).
			cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := x.cleanQueue(cctx, true); err != nil {
				x.opt.Log.Error("search queue cleanup", "err", err)
			}
			cancel()
			return
		case <-x.wake:
			t.Stop()
			// Let a burst of writes gather into one batch: each batch costs
			// fsyncs in bleve and SQLite that would compete with posting.
			if !sleep(ctx, wakeDelay) {
				return
			}
		case <-t.C:
		}
	}
}

func (x *Index) backoff(fails int) time.Duration {
	return min(x.opt.Interval<<min(fails, 6), time.Minute)
}

// restore makes the index complete again: it replaces a damaged index by
// an empty one and rebuilds that from SQLite, retrying with backoff. It
// reports false if ctx ended first.
func (x *Index) restore(ctx context.Context) bool {
	// Queue rows up to upTo are covered by the scan, which starts later;
	// a retry keeps the first upTo, so nothing is dropped.
	var upTo int64
	haveUpTo := false
	for fails := 0; ; fails++ {
		var err error
		if x.damaged.Load() {
			err = x.replace()
		}
		if err == nil && !haveUpTo {
			_, upTo, err = x.db.SearchQueueStat(ctx)
			haveUpTo = err == nil
		}
		if err == nil {
			err = x.rebuild(ctx, upTo)
		}
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		x.opt.Log.Error("search index rebuild failed, retrying", "err", err)
		if !sleep(ctx, x.backoff(fails)) {
			return false
		}
	}
}

// markDamaged has Run replace the index and rebuild it; until then
// searches say the index is being built.
func (x *Index) markDamaged(why error) {
	x.building.Store(true)
	if x.damaged.CompareAndSwap(false, true) {
		x.opt.Log.Error("search index damaged, rebuilding it in the background", "path", x.path, "reason", why)
		x.Wake()
	}
}

// replace closes the damaged index and puts an empty one in its place.
func (x *Index) replace() error {
	l := x.idx.(*liveIndex)
	l.mu.Lock()
	defer l.mu.Unlock()
	func() {
		defer func() { _ = recover() }() // the index is discarded either way
		_ = l.cur.Close()
	}()
	// On failure l.cur stays the closed index, which fails every call
	// cleanly until the retry succeeds.
	if err := os.RemoveAll(x.path); err != nil {
		return fmt.Errorf("remove damaged search index: %w", err)
	}
	idx, err := bleve.New(x.path, newMapping())
	if err != nil {
		return fmt.Errorf("create search index: %w", err)
	}
	l.cur = idx
	x.damaged.Store(false)
	return nil
}

// verifyGap is the least time between two full checks of the segments:
// each reads the whole index.
const verifyGap = time.Minute

// verifyLoop checks the segment checksums once at start when now is set
// (the index was opened as intact, and scorch does not check them), then
// whenever a query failed (suspect), at most every verifyGap. It runs
// beside the indexer so a large index does not delay start-up or indexing.
func (x *Index) verifyLoop(ctx context.Context, now bool) {
	for {
		if now {
			x.verifySegments(ctx)
			if !sleep(ctx, verifyGap) {
				return
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-x.verify:
			now = true
		}
	}
}

// suspect asks verifyLoop for a check: a query failed in a way a damaged
// index could explain. A failing query alone does not trigger a rebuild,
// or anyone could make the server rebuild its index at will.
func (x *Index) suspect() {
	select {
	case x.verify <- struct{}{}:
	default:
	}
}

// verifySegments checks the files of the segments now in use and marks
// the index damaged on the first bad one.
func (x *Index) verifySegments(ctx context.Context) {
	start := time.Now()
	paths, err := x.idx.(*liveIndex).segmentPaths()
	if err != nil {
		x.opt.Log.Warn("search index check skipped", "err", err)
		return
	}
	for _, p := range paths {
		if ctx.Err() != nil {
			return
		}
		// A segment merged away since the listing is gone: its documents
		// are in a newer segment, checked next time.
		if err := checkSegment(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			x.markDamaged(err)
			return
		}
	}
	x.opt.Log.Info("search index checked", "segments", len(paths), "took", time.Since(start).Round(time.Millisecond))
}

// searchIndex is the part of a bleve index the searches and the indexer use.
type searchIndex interface {
	batcher
	SearchInContext(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error)
	GetInternal(key []byte) ([]byte, error)
	SetInternal(key, val []byte) error
	Close() error
}

// liveIndex is the bleve index that searches and the indexer use. Run may
// replace a damaged one while searches run, hence the lock. A damaged
// index can also panic deep inside bleve; that must cost one search, not
// the server.
type liveIndex struct {
	x   *Index
	mu  sync.RWMutex
	cur bleve.Index
}

// SearchInContext runs req; a panic becomes an error, and a panic or an
// unexpected error has the segments checked.
func (l *liveIndex) SearchInContext(ctx context.Context, req *bleve.SearchRequest) (res *bleve.SearchResult, err error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	defer l.recoverDamage("search", &err)
	res, err = l.cur.SearchInContext(ctx, req)
	if err != nil && ctx.Err() == nil {
		l.x.suspect()
	}
	return res, err
}

// recoverDamage turns a panic in bleve into an error in *err and asks for
// a check of the segments.
func (l *liveIndex) recoverDamage(op string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: search index failed: %v", op, r)
		l.x.opt.Log.Error("search index panicked", "op", op, "panic", r)
		l.x.suspect()
	}
}

func (l *liveIndex) NewBatch() *bleve.Batch {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.cur.NewBatch()
}

func (l *liveIndex) Batch(b *bleve.Batch) (err error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	defer l.recoverDamage("batch", &err)
	return l.cur.Batch(b)
}

func (l *liveIndex) GetInternal(key []byte) ([]byte, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.cur.GetInternal(key)
}

func (l *liveIndex) SetInternal(key, val []byte) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.cur.SetInternal(key, val)
}

func (l *liveIndex) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cur.Close()
}

func (l *liveIndex) segmentPaths() (paths []string, err error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("list segments: %v", r)
		}
	}()
	return segmentPaths(l.cur)
}

// wakeDelay is how long the indexer waits after a Wake before it reads
// the queue.
const wakeDelay = 50 * time.Millisecond

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// queueCleanup is how often applied queue rows are deleted from SQLite.
const queueCleanup = 5 * time.Second

// ApplyQueue applies queued changes in batches until the queue is empty
// and reports how many rows it applied. Each batch is durable in the index
// (bleve waits for its segment to be persisted) before its queue rows
// count as applied and may be deleted, so a crash in between only means
// the batch is applied again.
func (x *Index) ApplyQueue(ctx context.Context) (int, error) {
	n := 0
	for {
		changes, err := x.db.SearchQueue(ctx, x.applied, x.opt.BatchSize)
		if err != nil {
			return n, err
		}
		if len(changes) == 0 {
			return n, x.cleanQueue(ctx, false)
		}
		docs, remove, err := x.db.SearchDocs(ctx, changes)
		if err != nil {
			return n, err
		}
		b := x.idx.NewBatch()
		for _, id := range remove {
			b.Delete(id)
		}
		for _, d := range docs {
			if err := b.IndexAdvanced(newDocument(d)); err != nil {
				return n, err
			}
		}
		if err := x.idx.Batch(b); err != nil {
			return n, fmt.Errorf("apply search queue: %w", err)
		}
		x.applied = changes[len(changes)-1].ID
		n += len(changes)
	}
}

// cleanQueue deletes the applied queue rows, at most every queueCleanup
// unless now is set.
func (x *Index) cleanQueue(ctx context.Context, now bool) error {
	if x.applied <= x.deleted || !now && time.Since(x.lastCleanup) < queueCleanup {
		return nil
	}
	if err := x.db.DeleteSearchQueue(ctx, x.applied); err != nil {
		return err
	}
	x.deleted, x.lastCleanup = x.applied, time.Now()
	return nil
}

// rebuild indexes every document into the (fresh) live index, then drops
// the queue rows up to upTo, which the scan covered, and marks the index
// complete. Searches meanwhile see what is indexed so far.
func (x *Index) rebuild(ctx context.Context, upTo int64) error {
	start := time.Now()
	n, err := build(ctx, x.db, x.idx, nil)
	if err != nil {
		return err
	}
	if err := x.db.DeleteSearchQueue(ctx, upTo); err != nil {
		return err
	}
	if err := x.idx.SetInternal(versionKey, []byte(mappingVersion)); err != nil {
		return err
	}
	x.applied, x.deleted = max(x.applied, upTo), max(x.deleted, upTo)
	x.building.Store(false)
	x.opt.Log.Info("search index rebuilt", "docs", n, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// batcher is the part of an index build writes to: the live index or
// Reindex's new one.
type batcher interface {
	NewBatch() *bleve.Batch
	Batch(b *bleve.Batch) error
}

// buildBatch is how many documents go into one bleve batch in a full build.
const buildBatch = 2000

// build indexes every indexable document of db into idx, reading the next
// batch from SQLite while bleve analyses the current one. progress, if
// set, is called after each batch with the running total.
func build(ctx context.Context, db *store.DB, idx batcher, progress func(n int)) (int, error) {
	ch := make(chan []store.SearchDoc, 2)
	scanErr := make(chan error, 1)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(ch)
		scanErr <- db.ScanSearchDocs(sctx, buildBatch, func(docs []store.SearchDoc) error {
			select {
			case ch <- docs:
				return nil
			case <-sctx.Done():
				return sctx.Err()
			}
		})
	}()
	n := 0
	for docs := range ch {
		b := idx.NewBatch()
		for _, d := range docs {
			if err := b.IndexAdvanced(newDocument(d)); err != nil {
				return n, err
			}
		}
		if err := idx.Batch(b); err != nil {
			return n, fmt.Errorf("index batch: %w", err)
		}
		n += len(docs)
		if progress != nil {
			progress(n)
		}
	}
	if err := <-scanErr; err != nil {
		return n, err
	}
	return n, nil
}

// RebuildStats describes a finished Reindex.
type RebuildStats struct {
	Docs     int
	Took     time.Duration
	DiskSize int64 // bytes of the new index directory
}

// Reindex rebuilds the index at path from db while no server has it open
// (else ErrLocked): into path+".new", which then replaces path, so a
// failed run leaves the old index untouched. It prints progress lines to
// out (documents and documents per second) about once a second.
func Reindex(ctx context.Context, db *store.DB, path string, out io.Writer) (RebuildStats, error) {
	lock, err := lockIndex(path)
	if err != nil {
		return RebuildStats{}, err
	}
	defer lock.Close()
	_, upTo, err := db.SearchQueueStat(ctx)
	if err != nil {
		return RebuildStats{}, err
	}
	tmp := path + ".new"
	if err := os.RemoveAll(tmp); err != nil {
		return RebuildStats{}, err
	}
	idx, err := bleve.New(tmp, newMapping())
	if err != nil {
		return RebuildStats{}, fmt.Errorf("create search index: %w", err)
	}
	start := time.Now()
	last := start
	lastN := 0
	n, err := build(ctx, db, idx, func(n int) {
		if now := time.Now(); now.Sub(last) >= time.Second {
			fmt.Fprintf(out, "indexed %d documents, %.0f docs/s (now %.0f docs/s)\n", n,
				float64(n)/now.Sub(start).Seconds(), float64(n-lastN)/now.Sub(last).Seconds())
			last, lastN = now, n
		}
	})
	if err == nil {
		fmt.Fprintf(out, "indexed %d documents; merging the segments\n", n)
		err = compact(ctx, idx, tmp)
	}
	if err == nil {
		err = idx.SetInternal(versionKey, []byte(mappingVersion))
	}
	if cerr := idx.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.RemoveAll(tmp)
		return RebuildStats{}, err
	}
	took := time.Since(start)
	old := path + ".old"
	if err := os.RemoveAll(old); err != nil {
		return RebuildStats{}, err
	}
	if err := os.Rename(path, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return RebuildStats{}, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return RebuildStats{}, err
	}
	if err := os.RemoveAll(old); err != nil {
		return RebuildStats{}, err
	}
	if err := db.DeleteSearchQueue(ctx, upTo); err != nil {
		return RebuildStats{}, err
	}
	return RebuildStats{Docs: n, Took: took, DiskSize: dirSize(path)}, nil
}

// compact merges the segments of a freshly built index with scorch's
// single-segment plan (ten at a time: at a million posts three remain).
// A build leaves twenty or so (the merge policy merges segments of
// similar size only ten at a time), and a query looks each of its terms up
// in every segment: with 21 segments at a million posts, building the
// searchers was 14 % of a search's CPU. New segments from later changes
// are merged as usual.
func compact(ctx context.Context, idx bleve.Index, dir string) error {
	adv, err := idx.Advanced()
	if err != nil {
		return fmt.Errorf("merge search index: %w", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	if err := s.ForceMerge(ctx, nil); err != nil {
		return fmt.Errorf("merge search index: %w", err)
	}
	// Scorch deletes the merged segments' files in the background; wait
	// for that (a minute at most) so the index is closed at its size. A
	// server opening the index deletes any left over.
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
		if n, err := staleSegments(idx, dir); err != nil || n == 0 {
			break
		}
		if !sleep(ctx, 100*time.Millisecond) {
			break
		}
	}
	return nil
}

// staleSegments counts the segment files in the index directory dir that
// idx's current snapshot no longer uses.
func staleSegments(idx bleve.Index, dir string) (int, error) {
	paths, err := segmentPaths(idx)
	if err != nil {
		return 0, err
	}
	used := map[string]bool{}
	for _, p := range paths {
		used[filepath.Base(p)] = true
	}
	files, err := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range files {
		if !used[filepath.Base(f)] {
			n++
		}
	}
	return n, nil
}

// dirSize sums the sizes of the files under dir.
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error { // the callback never fails: unreadable entries are skipped
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// DiskSize reports the bytes the index takes on disk.
func (x *Index) DiskSize() int64 { return dirSize(x.path) }
