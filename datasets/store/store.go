// Package store keeps leads, their field history, activity events, outcomes
// and the log of every score issued, in an embedded SQLite file (the
// default, modernc.org/sqlite, pure Go) or in PostgreSQL (pgx), behind one
// type. Every write method is one transaction: when it returns nil the
// write is committed (SQLite in WAL mode with synchronous=FULL, so it
// survives a kill -9 or a power cut).
//
// Times are stored as Unix nanoseconds (UTC). A lead's fields are a JSON
// object of strings, numbers, booleans and nulls; every change is kept as
// a version valid from a moment on, so a later change never rewrites what
// the lead looked like as of an earlier moment.
//
// The schema is versioned by the numbered SQL files under migrations/ (one
// directory per backend, the same numbers in both): Open applies the
// missing ones and refuses a database whose schema is newer than this
// binary knows.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/leadscore/leadscore/datasets/sqldb"
)

//go:embed migrations
var migrationFiles embed.FS

// ErrNotFound is returned for a lead the store does not hold.
var ErrNotFound = errors.New("not found")

// Store is a lead store on one database. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	loc  sqldb.Location
	kind sqldb.Kind
	// commits takes SQLite's writes to the one goroutine that commits
	// them (groupCommit): SQLite allows one writer at a time, and the
	// writes that queue up during a commit share the next one.
	commits chan *groupWrite
	// first are writes that go into the next commit ahead of those
	// waiting on commits (writeFirst).
	first   chan *groupWrite
	stopped chan struct{}
	// wconn is SQLite's one writing connection, held by groupCommit: its
	// page cache stays warm from one commit to the next (a write on
	// another connection would make every connection drop its cache).
	wconn *sql.Conn
	// ckpt wakes checkpoints (SQLite) after a commit; it runs them on
	// cconn, off the committing goroutine, and closes ckptDone when
	// ckpt is closed.
	ckpt     chan struct{}
	ckptDone chan struct{}
	cconn    *sql.Conn
	// prepared are statements of the write path prepared once on the
	// database (and so once on wconn), by query text.
	prepared sync.Map
	// stmts caches the rebound SQL text per query.
	stmts sync.Map
	// fieldNames and attrNames are the lead field and event attribute
	// names known to be registered.
	fieldNames, attrNames names
	// marks spares repeated pending-rescore upserts (SetPendingSlack).
	marks pendingMarks
	// hot are the prepared statements of scoring by id.
	hot struct{ token, versions, events *sql.Stmt }
	// cache holds decoded lead histories for Lead.
	cache histories
	// upkeep vacuums and analyzes the growing tables (PostgreSQL).
	upkeep upkeep
	// pendingSlot picks the slot of the next pending-rescore upsert
	// (PostgreSQL, markPendingPG).
	pendingSlot atomic.Uint32
}

// Open opens (creating a SQLite file when absent) the store named by url
// (sqlite:PATH or postgres://...) and brings its schema up to date.
func Open(ctx context.Context, url string) (*Store, error) {
	loc, err := sqldb.Parse(url)
	if err != nil {
		return nil, err
	}
	if loc.Table != "" || loc.Query != "" {
		return nil, fmt.Errorf("store %s: table= and query= name training sources, not a store; drop them", loc.Redacted())
	}
	db, err := sqldb.Open(ctx, loc, sqldb.ReadWrite)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, loc: loc, kind: loc.Kind}
	if loc.Kind == sqldb.SQLite {
		n := 2*runtime.GOMAXPROCS(0) + 2
		db.SetMaxOpenConns(n + 2)
		db.SetMaxIdleConns(n + 2)
		if err := s.openWriter(ctx); err != nil {
			db.Close()
			return nil, err
		}
		c, err := db.Conn(ctx)
		if err != nil {
			s.wconn.Close()
			db.Close()
			return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		s.cconn, s.ckpt, s.ckptDone = c, make(chan struct{}, 1), make(chan struct{})
		go s.checkpoints()
		s.commits, s.first, s.stopped = make(chan *groupWrite), make(chan *groupWrite), make(chan struct{})
		go s.groupCommit()
	} else {
		db.SetMaxOpenConns(4*runtime.GOMAXPROCS(0) + 4)
		db.SetMaxIdleConns(4*runtime.GOMAXPROCS(0) + 4)
		s.startUpkeep()
	}
	if err := s.migrateBounded(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.prepare(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if s.cconn != nil {
		// The checkpoints' connection stays open as long as the store,
		// and with it SQLite's use of the -shm file.
		s.cache.changes.wal.idx = openWALIndex(ctx, s.cconn)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.stopUpkeep()
	// Unmapped while the store's connections keep SQLite's -shm file.
	s.cache.changes.wal.close()
	if s.commits != nil {
		close(s.commits)
		<-s.stopped
		s.commits = nil
	}
	if s.ckpt != nil {
		close(s.ckpt)
		<-s.ckptDone
		s.cconn.Close()
		s.ckpt = nil
	}
	s.prepared.Range(func(_, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
	if s.wconn != nil {
		s.wconn.Close()
	}
	for _, st := range []*sql.Stmt{s.hot.token, s.hot.versions, s.hot.events} {
		if st != nil {
			st.Close()
		}
	}
	s.cache.changes.close()
	return s.db.Close()
}

// Redacted is the store's URL without its password, for messages.
func (s *Store) Redacted() string { return s.loc.Redacted() }

// Kind is the backend: sqldb.SQLite or sqldb.Postgres.
func (s *Store) Kind() sqldb.Kind { return s.kind }

// DB is the underlying database, for tests and tools that inspect it.
func (s *Store) DB() *sql.DB { return s.db }

// migration is one numbered SQL file.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the backend's migrations in order.
func migrations(kind sqldb.Kind) ([]migration, error) {
	dir := "migrations/" + string(kind)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("store: migration %s/%s: expected NNNN_name.sql", dir, e.Name())
		}
		b, err := fs.ReadFile(migrationFiles, dir+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version < 1 || i > 0 && m.version == out[i-1].version {
			return nil, fmt.Errorf("store: migrations of %s need distinct positive numbers: %s", kind, m.name)
		}
	}
	return out, nil
}

// SchemaVersion is the newest schema version this binary knows.
func SchemaVersion() int {
	ms, _ := migrations(sqldb.SQLite)
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// migrateBounded runs migrate. On SQLite the writing connection keeps its
// temporary storage in files meanwhile: a migration that rewrites a table
// in another order (version 6) sorts every row, and with the writer's
// in-memory temporary storage that sort held the whole table in memory
// (776 MB of RSS for 4.3 million events, so about 10 GB for 50 million).
// In files, SQLite's sorter spills to disk beyond its cache.
func (s *Store) migrateBounded(ctx context.Context) error {
	if s.wconn == nil {
		return s.migrate(ctx)
	}
	if _, err := s.wconn.ExecContext(ctx, "PRAGMA temp_store = FILE"); err != nil {
		return fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	if err := s.migrate(ctx); err != nil {
		return err
	}
	if _, err := s.wconn.ExecContext(ctx, "PRAGMA temp_store = MEMORY"); err != nil {
		return fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	return nil
}

// migrate applies the missing migrations in one transaction. On PostgreSQL
// an advisory lock makes replicas starting together apply them once.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations(s.kind)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if s.kind == sqldb.Postgres {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7316020516)"); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "SELECT version FROM schema_migrations")
		if err != nil {
			return err
		}
		applied := map[int]bool{}
		newest := 0
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			applied[v], newest = true, max(newest, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if known := ms[len(ms)-1].version; newest > known {
			return fmt.Errorf("store %s has schema version %d, but this leadscore knows versions up to %d: run a newer leadscore (a schema is never migrated down)", s.Redacted(), newest, known)
		}
		// Every migration not applied yet, in order: the numbers may have
		// gaps (branches number their migrations apart), and one that
		// lands after a higher number was applied is still applied.
		for _, m := range ms {
			if applied[m.version] {
				continue
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("store %s: migration %s: %w", s.Redacted(), m.name, err)
			}
			if _, err := tx.ExecContext(ctx, s.q("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"), m.version, m.name, time.Now().UnixNano()); err != nil {
				return err
			}
		}
		return nil
	})
}

// Version returns the schema version the database is at.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := s.db.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&v)
	return int(v.Int64), err
}

// q rebinds a query written with ? placeholders for the backend
// (PostgreSQL numbers them: $1, $2, ...). The queries of this package hold
// no ? inside literals.
func (s *Store) q(query string) string {
	if s.kind != sqldb.Postgres {
		return query
	}
	if v, ok := s.stmts.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	out := b.String()
	s.stmts.Store(query, out)
	return out
}

// write runs fn in a write transaction and returns once it is committed,
// or fn's error with nothing of fn written. On PostgreSQL each call is its
// own transaction. On SQLite the calls that queue up while a commit runs
// are committed together (group commit), in one transaction with one
// fsync; should one of them fail, each is run again in a transaction of
// its own, so a failing call is rolled back alone. fn may therefore run
// more than once and must set, not accumulate, what it reports.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.writeGroup(ctx, fn, false)
}

// writeAside is write for a write that changes no lead's history (no
// leads, lead_versions or events row): the prediction log. On SQLite its
// commits, when committed without other writes, are recorded as such, so
// they do not make LeadVersion read the leads' versions again.
func (s *Store) writeAside(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.writeGroup(ctx, fn, true)
}

func (s *Store) writeGroup(ctx context.Context, fn func(tx *sql.Tx) error, aside bool) error {
	if s.commits != nil {
		w := &groupWrite{ctx: ctx, fn: fn, done: make(chan error, 1), aside: aside}
		select {
		case s.commits <- w:
		case <-ctx.Done():
			return ctx.Err()
		}
		return <-w.done
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store %s: commit: %w", s.Redacted(), err)
	}
	return nil
}

func ns(t time.Time) int64 { return t.UnixNano() }

func fromNs(v int64) time.Time { return time.Unix(0, v).UTC() }

// placeholders returns "(?, ?, ?), (?, ?, ?)" for rows rows of cols values.
func placeholders(rows, cols int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}

// writerCache is the page cache of SQLite's writing connection in KiB:
// the indexes that events land on at random (event_id, (lead_id, ts)) stay
// in memory for stores of a few million events, where the readers' 16 MiB
// would have the writer read most pages back on every commit.
const writerCache = 128 << 10

// checkpointEvery is how often, at most, the checkpointer copies the
// WAL's new pages back into the database (checkpoints): after a commit,
// on its own connection, so the committing goroutine goes on with the
// next commit while the checkpoint writes and syncs the database file
// (under ingestion, a checkpoint's writes and fsync of thousands of
// random pages held up every request behind it). A page changed by many
// commits within the interval is copied once.
const checkpointEvery = time.Second

// checkpointPages is the WAL's size in pages at which a commit checkpoints
// itself (SQLite's default is 1,000): a safety net should the
// checkpointer fall behind, which also lets the WAL start over from its
// beginning (128 MiB at most, besides the last commit).
const checkpointPages = 32000

// checkpoints runs a passive checkpoint (one that never waits for a
// reader or a writer) after a commit, at most every checkpointEvery,
// until ckpt is closed. A checkpoint that fails or stops short loses
// nothing: the pages stay in the WAL for the next one.
func (s *Store) checkpoints() {
	defer close(s.ckptDone)
	var last time.Time
	for range s.ckpt {
		if time.Since(last) < checkpointEvery {
			continue
		}
		last = time.Now()
		s.cconn.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
	}
}

// openWriter takes SQLite's writing connection out of the pool. Its
// statement and savepoint journals are kept in memory (temp_store): they
// only serve to roll back a failing statement or request inside the open
// transaction, so writing them to a temporary file bought nothing but a
// write system call per page changed. Durability is the WAL's, unchanged.
func (s *Store) openWriter(ctx context.Context) error {
	c, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	for _, p := range []string{"PRAGMA temp_store = MEMORY", "PRAGMA cache_size = -" + strconv.Itoa(writerCache),
		"PRAGMA wal_autocheckpoint = " + strconv.Itoa(checkpointPages)} {
		if _, err := c.ExecContext(ctx, p); err != nil {
			c.Close()
			return fmt.Errorf("store %s: %s: %w", s.Redacted(), p, err)
		}
	}
	s.wconn = c
	return nil
}

// stmt returns query prepared for tx, prepared once per connection and
// kept for the store's life (the write path's fixed statements only).
func (s *Store) stmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	v, ok := s.prepared.Load(query)
	if !ok {
		st, err := s.db.PrepareContext(ctx, s.q(query))
		if err != nil {
			return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		var loaded bool
		if v, loaded = s.prepared.LoadOrStore(query, st); loaded {
			st.Close()
		}
	}
	return tx.StmtContext(ctx, v.(*sql.Stmt)), nil
}

// writeFirst is write for a background job that many requests' writes
// would otherwise queue ahead of (a rescoring batch behind a stream of
// ingestion): on SQLite it is committed next, ahead of the writes waiting
// then and without them, so it waits only for the commit running when it
// came. Elsewhere it is write.
func (s *Store) writeFirst(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if s.first == nil {
		return s.write(ctx, fn)
	}
	w := &groupWrite{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.first <- w:
	case <-s.stopped:
		return fmt.Errorf("store %s: closed", s.Redacted())
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-w.done
}

// groupWrite is one call of write waiting for the SQLite committer.
type groupWrite struct {
	ctx  context.Context
	fn   func(tx *sql.Tx) error
	done chan error
	// aside: the write changes no lead's history (writeAside).
	aside bool
}

// maxGroup bounds the writes committed together.
const maxGroup = 64

// groupCommit commits SQLite writes: it takes one, gathers those already
// waiting, runs them in one transaction on the writing connection and
// commits once (commitGroup).
func (s *Store) groupCommit() {
	defer close(s.stopped)
	for {
		var w *groupWrite
		first := true
		select {
		case w = <-s.first:
		default:
			var ok bool
			select {
			case w = <-s.first:
			case w, ok = <-s.commits:
				if !ok {
					return
				}
				first = false
			}
		}
		// A writeFirst write is committed with the others waiting
		// ahead, not with a full group of requests' writes: it then
		// waits only for the commit running when it came.
		group := []*groupWrite{w}
	gather:
		for len(group) < maxGroup {
			select {
			case more := <-s.first:
				group = append(group, more)
				continue
			default:
			}
			if first {
				break
			}
			select {
			case more, ok := <-s.commits:
				if !ok {
					break gather
				}
				group = append(group, more)
			default:
				break gather
			}
		}
		s.commitGroup(group)
	}
}

func (s *Store) commitGroup(group []*groupWrite) {
	if len(group) > 1 {
		// All together first, with no savepoint: a savepoint has SQLite
		// copy every page it changes to a journal before changing it (the
		// most costly part of a batch of events landing on random index
		// pages). Should one write fail, nothing is committed and each is
		// run again in a transaction of its own, so the failing one alone
		// is refused, as with savepoints, and the others are committed.
		if err := s.commitTx(group...); err == nil {
			for _, w := range group {
				w.done <- nil
			}
			return
		}
	}
	for _, w := range group {
		w.done <- s.commitTx(w)
	}
}

// commitTx runs the writes in one transaction on the writing connection and
// commits it: nil when all are committed, else the first error, with
// nothing written. A write's function runs again when its group is retried
// one by one; it must reset what it reports (every write's does).
func (s *Store) commitTx(ws ...*groupWrite) error {
	tx, err := s.wconn.BeginTx(context.Background(), nil)
	if err != nil {
		return fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	// A commit of writes that all change no lead is marked for the
	// readers of the WAL index: its header before the commit is read here,
	// after BEGIN IMMEDIATE took the write lock, so no other commit comes
	// between it and this transaction's.
	var pre walHeader
	aside := true
	for _, w := range ws {
		aside = aside && w.aside
	}
	if aside {
		pre, aside = s.cache.changes.wal.header()
	}
	for _, w := range ws {
		if err := w.fn(tx); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store %s: commit: %w", s.Redacted(), err)
	}
	if aside {
		if post, ok := s.cache.changes.wal.header(); ok {
			s.cache.changes.wal.mark(pre, post)
		}
	}
	// Wake the checkpointer (it skips wakes within checkpointEvery).
	select {
	case s.ckpt <- struct{}{}:
	default:
	}
	return nil
}
