// Package store owns all SQL: the SQLite file, its migrations, the row types
// and every query. It imports no other internal package.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
)

// ErrNotFound means the row does not exist or the viewer may not see it.
var ErrNotFound = errors.New("not found")

// ErrConflict means a uniqueness or foreign-key constraint refused the write.
var ErrConflict = errors.New("conflict")

// ErrFull means the database could not grow: the disk is full or the
// configured size limit (SetMaxSize) is reached. The write was rolled back
// whole; reads keep working, and writes work again once there is room.
var ErrFull = errors.New("storage full")

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the forum's SQLite database: one writer connection and a reader pool
// on the same WAL-mode file. Writes are serialised by the single writer, so
// transactions never fail with SQLITE_BUSY between our own connections.
type DB struct {
	write *sql.DB
	read  *sql.DB
	// now is the clock; tests may replace it.
	now func() time.Time
	// opened is when this process opened the database: idempotency
	// reservations older than that belong to a process that died.
	opened time.Time

	// stmts caches prepared statements of the reader pool by SQL text (see
	// readStmt); preparing took about a tenth of a thread page's time.
	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt

	// group commits the hot writes together (groupcommit.go).
	group committer
}

// Open opens (creating if needed) the database file at path and applies
// pending migrations.
func Open(ctx context.Context, path string) (*DB, error) {
	// synchronous=FULL: an acknowledged post must survive a power cut.
	base := "file:" + path + "?_journal_mode=WAL&_synchronous=FULL&_foreign_keys=on&_busy_timeout=5000"
	w, err := sql.Open("sqlite3", base+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite3", base+"&mode=ro")
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("open reader: %w", err)
	}
	n := max(4, runtime.GOMAXPROCS(0)*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db := &DB{write: w, read: r, now: time.Now, opened: time.Now(), stmts: map[string]*sql.Stmt{}}
	if err := db.migrate(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the cached statements and both pools, after the grouped
// writes already queued.
func (db *DB) Close() error {
	db.stopGroups()
	db.stmtMu.Lock()
	var errs []error
	for q, st := range db.stmts {
		errs = append(errs, st.Close())
		delete(db.stmts, q)
	}
	db.stmtMu.Unlock()
	return errors.Join(append(errs, db.read.Close(), db.write.Close())...)
}

// maxStmts bounds the statement cache. Only the hot read paths use it, with
// SQL texts from a handful of constants, so the bound is a safety net.
const maxStmts = 64

// readStmt returns a prepared statement of the reader pool for q, preparing
// it on first use. A *sql.Stmt is safe for concurrent use and prepares
// itself once on each pool connection, so later calls skip SQLite's parser
// and planner. q must be built from constants only: no viewer- or
// user-dependent text, else the cache would fill with one-off statements.
// When the cache is full or preparing fails, it returns nil and the caller
// runs q unprepared (see readQuery).
func (db *DB) readStmt(ctx context.Context, q string) *sql.Stmt {
	db.stmtMu.Lock()
	defer db.stmtMu.Unlock()
	if st, ok := db.stmts[q]; ok {
		return st
	}
	if len(db.stmts) >= maxStmts {
		return nil
	}
	st, err := db.read.PrepareContext(ctx, q)
	if err != nil {
		return nil // the unprepared query reports the error
	}
	db.stmts[q] = st
	return st
}

// readQuery is db.read.QueryContext through the statement cache; q must
// be constant text (see readStmt).
func (db *DB) readQuery(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := db.readStmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.read.QueryContext(ctx, q, args...)
}

// readQueryFor is readQuery for a query whose only variable text is
// v.SeesField (and otherwise one of a few constant texts, as SearchHits'
// padded IN lists): cached for viewers without groups (visitors and most
// members), run unprepared for the others, whose group IDs are in the text.
func (db *DB) readQueryFor(ctx context.Context, v Viewer, q string, args ...any) (*sql.Rows, error) {
	if !v.fixedSQL() {
		return db.read.QueryContext(ctx, q, args...)
	}
	return db.readQuery(ctx, q, args...)
}

// readQueryRow is db.read.QueryRowContext through the statement cache; q
// must be constant text (see readStmt).
func (db *DB) readQueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := db.readStmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.read.QueryRowContext(ctx, q, args...)
}

// SetClock replaces the clock, for tests.
func (db *DB) SetClock(now func() time.Time) { db.now = now }

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// migrate applies the embedded migrations newer than PRAGMA user_version,
// each in its own transaction together with the version bump.
func (db *DB) migrate(ctx context.Context) error {
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(files)
	var current int
	if err := db.write.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	for _, f := range files {
		name := strings.TrimPrefix(f, "migrations/")
		v, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: bad name", name)
		}
		if v <= current {
			continue
		}
		src, err := migrations.ReadFile(f)
		if err != nil {
			return err
		}
		err = db.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(src)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v))
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

// SchemaVersion reports the applied migration number.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.read.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// inTx runs fn in one write transaction, committing if fn returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return mapErr(err)
	}
	if err := markCommitted(ctx, tx); err != nil {
		_ = tx.Rollback()
		return mapErr(err)
	}
	return mapErr(tx.Commit())
}

// inTxLazySync is inTx for bookkeeping whose durability can wait for the
// next ordinary commit: it commits with synchronous=NORMAL, so without an
// fsync of its own. In WAL mode commits are ordered, so the next
// synchronous=FULL commit makes this one durable too; a crash before that
// loses only this bookkeeping, never a change it came before. It holds the
// single writer connection for its whole run, so the setting cannot leak
// into another caller's transaction.
func (db *DB) inTxLazySync(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return mapErr(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous = NORMAL"); err != nil {
		return mapErr(err)
	}
	defer func() {
		// Back to FULL before the connection returns to the pool; if that
		// fails the connection must not be reused with the weaker setting.
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA synchronous = FULL"); rerr != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn }) // returns that ErrBadConn: the connection is discarded
			err = errors.Join(err, rerr)
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return mapErr(err)
	}
	return mapErr(tx.Commit())
}

// mapErr turns driver errors into the package's sentinel errors.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrConstraint {
		return fmt.Errorf("%w: %v", ErrConflict, err)
	}
	if errors.As(err, &se) && se.Code == sqlite3.ErrFull {
		return fmt.Errorf("%w: %v", ErrFull, err)
	}
	return err
}

// rowScanner is a *sql.Row or *sql.Rows, what the scanX functions read.
type rowScanner interface{ Scan(...any) error }

// scanAll reads every row of a query with scan and closes the rows; err is
// the query's error, so callers can write scanAll(db.read.QueryContext(...)).
func scanAll[T any](rows *sql.Rows, err error, scan func(rowScanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ms converts a time to the stored Unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts stored Unix milliseconds to a UTC time.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// fromNullMS converts a nullable timestamp; the zero time means NULL.
func fromNullMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMS(v.Int64)
}

// nullMS converts a time to a nullable timestamp; the zero time becomes NULL.
func nullMS(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: ms(t), Valid: true}
}
