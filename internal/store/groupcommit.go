package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Group commit for the hot writes (posts, threads).
//
// Every commit fsyncs the WAL (synchronous=FULL), and the goroutine doing
// it holds SQLite's one writer meanwhile. On a busy two-core machine the
// goroutine coming back from that fsync waits for the Go scheduler behind
// the readers, still holding the writer: in the soak run (50 readers, 100
// posts/s) posts waited seconds for one another. Committing the posts that
// queued up meanwhile in one transaction — each in its own savepoint, so
// one that fails leaves the others alone — pays that wait once per group
// instead of once per post.

// maxGroup bounds the writes committed together, so one group's commit
// never keeps its first caller waiting long.
const maxGroup = 64

// groupJob is one caller's write.
type groupJob struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *sql.Tx) error
	done chan error
}

// committer runs the grouped writes on the writer connection.
type committer struct {
	start   sync.Once
	jobs    chan *groupJob
	quit    chan struct{}
	stopped sync.WaitGroup
	// mu orders queueing against stopping: after stopGroups set closed,
	// nothing is queued that the committer would not run.
	mu     sync.RWMutex
	closed bool
	// groups and writes count commits and the writes in them (for tests
	// and the log: writes/groups is the mean group size).
	groups, writes atomic.Int64
	// pending counts grouped writes queued or running: background work
	// waits for it to drop to zero (inTxBackground).
	pending atomic.Int64
}

// inTxGrouped runs fn in a write transaction that it may share with other
// callers' grouped writes; it returns once that transaction committed (or
// fn failed, which rolls back fn's changes only). fn gets a context that
// is never cancelled: once started, a write is not interrupted because its
// client went away (SQLite would roll back the whole shared transaction);
// a caller whose ctx ends before its turn gets ctx's error and nothing is
// written.
func (db *DB) inTxGrouped(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	c := &db.group
	j := &groupJob{ctx: ctx, fn: fn, done: make(chan error, 1)}
	c.pending.Add(1)
	defer c.pending.Add(-1)
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return sql.ErrConnDone
	}
	c.start.Do(func() {
		c.jobs = make(chan *groupJob, 4*maxGroup)
		c.quit = make(chan struct{})
		c.stopped.Add(1)
		go db.commitGroups()
	})
	select {
	case c.jobs <- j:
		c.mu.RUnlock()
	case <-ctx.Done():
		c.mu.RUnlock()
		return ctx.Err()
	}
	// Once queued, the outcome is awaited even if ctx ends: the caller
	// must not report failure for a write that commits a moment later.
	return <-j.done
}

// maxYield bounds how long background work waits for grouped writes, so
// a steady stream of posts delays it but never stops it.
const maxYield = 250 * time.Millisecond

// inTxBackground is inTx for work nobody waits for (notifications, mail
// bookkeeping, search queue cleanup): it first lets queued posts and
// threads have the writer, for up to maxYield. Without that, a notifier
// working off a backlog took the writer again and again and posts waited
// behind it.
func (db *DB) inTxBackground(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if db.group.pending.Load() > 0 {
		deadline := time.Now().Add(maxYield)
		t := time.NewTicker(time.Millisecond)
		for db.group.pending.Load() > 0 && time.Now().Before(deadline) {
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
		t.Stop()
	}
	return db.inTx(ctx, fn)
}

// stopGroups ends the committer after the writes already queued.
func (db *DB) stopGroups() {
	c := &db.group
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	quit := c.quit
	c.mu.Unlock()
	if quit != nil { // started
		close(quit)
		c.stopped.Wait()
	}
}

// commitGroups takes whatever writes are queued, up to maxGroup, and
// commits them together, until stopGroups.
func (db *DB) commitGroups() {
	c := &db.group
	defer c.stopped.Done()
	for {
		var first *groupJob
		select {
		case first = <-c.jobs:
		case <-c.quit:
			// Writes queued before the quit still run.
			for {
				select {
				case j := <-c.jobs:
					db.commitGroup([]*groupJob{j})
				default:
					return
				}
			}
		}
		group := []*groupJob{first}
	more:
		for len(group) < maxGroup {
			select {
			case j := <-c.jobs:
				group = append(group, j)
			default:
				break more
			}
		}
		db.commitGroup(group)
	}
}

// commitGroup runs the jobs in one transaction and tells each its outcome.
func (db *DB) commitGroup(group []*groupJob) {
	errs := make([]error, len(group))
	defer func() {
		for i, j := range group {
			j.done <- mapErr(errs[i])
		}
	}()
	setAll := func(err error) {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
	}
	tx, err := db.write.BeginTx(context.Background(), nil)
	if err != nil {
		setAll(err)
		return
	}
	alone := len(group) == 1 // no savepoint needed: the transaction is the job's
	ok := 0
	for i, j := range group {
		if err := j.ctx.Err(); err != nil {
			errs[i] = err // gave up before its turn: nothing written
			continue
		}
		errs[i] = runJob(j, tx, alone)
		if errs[i] == nil {
			ok++
		}
		if errors.Is(errs[i], errTxLost) {
			// A failing statement that ends the whole transaction (SQLite
			// does so on some I/O errors) takes the earlier jobs with it.
			_ = tx.Rollback()
			setAll(fmt.Errorf("grouped write rolled back with another write: %w", errs[i]))
			return
		}
	}
	if ok == 0 {
		_ = tx.Rollback()
		return
	}
	if err := tx.Commit(); err != nil {
		_ = tx.Rollback()
		setAll(err)
		return
	}
	c := &db.group
	c.groups.Add(1)
	c.writes.Add(int64(ok))
}

// runJob runs one job in tx, inside a savepoint unless it is alone, and
// rolls its changes back if it fails (or panics).
func runJob(j *groupJob, tx *sql.Tx, alone bool) (err error) {
	ctx := context.WithoutCancel(j.ctx)
	if !alone {
		if _, err := tx.ExecContext(ctx, "SAVEPOINT kf_write"); err != nil {
			return err
		}
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("grouped write panicked: %v", r)
		}
		if alone {
			return // commitGroup rolls the whole transaction back
		}
		if err != nil {
			if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO kf_write"); rerr != nil {
				// No savepoint left: SQLite ended the transaction.
				err = errors.Join(err, errTxLost, rerr)
				return
			}
		}
		if _, rerr := tx.ExecContext(ctx, "RELEASE kf_write"); rerr != nil {
			err = errors.Join(err, errTxLost, rerr)
		}
	}()
	if err := j.fn(ctx, tx); err != nil {
		return err
	}
	return markCommitted(ctx, tx)
}

// errTxLost means SQLite rolled the shared transaction back on its own.
var errTxLost = errors.New("transaction ended by SQLite")
