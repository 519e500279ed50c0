package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestGroupCommit(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE scratch (n INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	insert := func(n int) func(context.Context, *sql.Tx) error {
		return func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO scratch (n) VALUES (?)`, n)
			return err
		}
	}
	// The first write holds the writer until all others are queued, so
	// they must be committed in groups.
	release, started := make(chan struct{}), make(chan struct{})
	var releaseOnce sync.Once
	free := func() { releaseOnce.Do(func() { close(release) }) }
	defer free() // a failing test must not leave the writer blocked
	firstDone := make(chan error, 1)
	go func() {
		firstDone <- db.inTxGrouped(ctx, func(ctx context.Context, tx *sql.Tx) error {
			close(started)
			<-release
			return insert(0)(ctx, tx)
		})
	}()
	<-started
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	errFailed := errors.New("refused by the write itself")
	const n = 100
	// What each write does, and whether its row must be there afterwards.
	kind := func(i int) string {
		switch {
		case i%10 == 3:
			return "fails after inserting"
		case i == 50:
			return "panics after inserting"
		case i == 70:
			return "conflicts (duplicate key)"
		case i == 90:
			return "caller gave up"
		}
		return "ok"
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 1; i < n; i++ {
		wg.Go(func() {
			c := ctx
			fn := insert(i)
			switch kind(i) {
			case "fails after inserting":
				fn = func(ctx context.Context, tx *sql.Tx) error {
					if err := insert(i)(ctx, tx); err != nil {
						return err
					}
					return errFailed
				}
			case "panics after inserting":
				fn = func(ctx context.Context, tx *sql.Tx) error {
					if err := insert(i)(ctx, tx); err != nil {
						return err
					}
					panic("boom")
				}
			case "conflicts (duplicate key)":
				fn = insert(1)
			case "caller gave up":
				c = cancelled
			}
			errs[i] = db.inTxGrouped(c, fn)
		})
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(db.group.jobs) < n-2 { // all but the cancelled one, which may not queue
		if time.Now().After(deadline) {
			t.Fatalf("only %d writes queued", len(db.group.jobs))
		}
		time.Sleep(time.Millisecond)
	}
	free()
	wg.Wait()
	if err := <-firstDone; err != nil {
		t.Fatalf("first write: %v", err)
	}

	for i := 1; i < n; i++ {
		var got int
		if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM scratch WHERE n = ?`, i).Scan(&got); err != nil {
			t.Fatal(err)
		}
		switch k := kind(i); k {
		case "ok":
			if errs[i] != nil || got != 1 {
				t.Errorf("write %d (%s): err %v, row there %v", i, k, errs[i], got == 1)
			}
		case "conflicts (duplicate key)":
			if !errors.Is(errs[i], ErrConflict) {
				t.Errorf("write %d (%s): err %v, want ErrConflict", i, k, errs[i])
			}
		default:
			if errs[i] == nil || got != 0 {
				t.Errorf("write %d (%s): err %v, row there %v; want an error and no row", i, k, errs[i], got == 1)
			}
		}
	}
	if !errors.Is(errs[3], errFailed) || !errors.Is(errs[90], context.Canceled) {
		t.Errorf("errors not passed through: %v, %v", errs[3], errs[90])
	}
	groups, writes := db.group.groups.Load(), db.group.writes.Load()
	if want := int64(1 + (n-2+maxGroup-1)/maxGroup); groups > want {
		t.Errorf("%d writes took %d commits, want at most %d", writes, groups, want)
	}
	t.Logf("%d writes in %d commits", writes, groups)
}

func TestGroupCommitAfterClose(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	if err := db.inTxGrouped(ctx, func(context.Context, *sql.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	err := db.inTxGrouped(ctx, func(context.Context, *sql.Tx) error { return fmt.Errorf("ran after Close") })
	if !errors.Is(err, sql.ErrConnDone) {
		t.Errorf("write after Close: %v, want sql.ErrConnDone", err)
	}
}

// Background work lets queued posts go first, but only for maxYield.
func TestBackgroundYieldsToGroupedWrites(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	ran := func() time.Duration {
		start := time.Now()
		if err := db.inTxBackground(ctx, func(*sql.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
		return time.Since(start)
	}
	if d := ran(); d >= maxYield {
		t.Errorf("with no posts queued, background work waited %v", d)
	}
	db.group.pending.Add(1) // a post queued for the writer
	if d := ran(); d < maxYield {
		t.Errorf("with a post queued, background work went ahead after %v, want it to wait %v", d, maxYield)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := db.inTxBackground(cancelled, func(*sql.Tx) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled while waiting: %v", err)
	}
	db.group.pending.Add(-1)
}
