package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// SQLite in WAL mode keeps the WAL index in shared memory: the -shm file
// next to the database, which every connection of every process on the
// database maps. It begins with two copies of the WAL-index header (see
// SQLite's "WAL-mode file format", walformat.html, and wal.c): 12 native
// 32-bit words each,
//
//	0 iVersion   1 unused      2 iChange (+1 per commit)
//	3 isInit, bigEndCksum (bytes), szPage (16 bits)
//	4 mxFrame (the last committed frame)   5 nPage
//	6-7 aFrameCksum   8-9 aSalt (new with every restart of the WAL)
//	10-11 aCksum (of words 0-9)
//
// A commit writes the second copy, then, after a memory barrier, the
// first; a reader reads the first, then the second, and trusts them when
// they agree. Every commit, by any connection of any process, changes
// the header (iChange, mxFrame and the checksums; a restart of the WAL
// changes the salts), and a committed state's header never comes back:
// within one WAL generation mxFrame only grows, and a new generation has
// new salts. Equal headers therefore mean that nothing was committed in
// between, which a plain memory read tells, without a call into SQLite.
type walHeader [walHeaderWords]uint32

const (
	walHeaderWords = 12
	walIChange     = 2
)

// walIndex is a read-only mapping of the start of a database's -shm file.
type walIndex struct {
	mem []byte
	// words are the two header copies in mem.
	words *[2 * walHeaderWords]uint32
	unmap func([]byte) error
}

// header returns the WAL-index header when its two copies agree, it is
// initialised and its checksum holds; ok is false while a commit is
// writing it (or SQLite is rebuilding it), and the caller then asks
// SQLite.
func (w *walIndex) header() (h walHeader, ok bool) {
	var h2 walHeader
	for i := range h {
		h[i] = atomic.LoadUint32(&w.words[i])
	}
	for i := range h2 {
		h2[i] = atomic.LoadUint32(&w.words[walHeaderWords+i])
	}
	if h != h2 {
		return h, false
	}
	var b [4]byte
	binary.NativeEndian.PutUint32(b[:], h[3])
	if b[0] != 1 { // isInit
		return h, false
	}
	// SQLite's checksum of the header (walChecksumBytes, native order).
	var s1, s2 uint32
	for i := 0; i < 10; i += 2 {
		s1 += h[i] + s2
		s2 += h[i+1] + s1
	}
	return h, s1 == h[10] && s2 == h[11]
}

func (w *walIndex) close() {
	if w != nil && w.mem != nil {
		w.unmap(w.mem)
		w.mem, w.words = nil, nil
	}
}

// openWALIndex maps the WAL index of the SQLite database db when it is in
// WAL mode with normal locking, as sqldb opens every writable store (in
// exclusive locking mode SQLite keeps the index in its own memory, and a
// -shm file there may be stale); otherwise nil, and changes are read with
// PRAGMA data_version. The caller must keep a connection to the database
// open while the mapping is in use: SQLite truncates the -shm file only
// when the first connection of any process opens the database.
func openWALIndex(ctx context.Context, conn *sql.Conn) *walIndex {
	var mode, locking string
	if conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode) != nil || !strings.EqualFold(mode, "wal") {
		return nil
	}
	if conn.QueryRowContext(ctx, "PRAGMA locking_mode").Scan(&locking) != nil || !strings.EqualFold(locking, "normal") {
		return nil
	}
	// SQLite's own name of the file (absolute, symbolic links resolved):
	// its -shm file is that name with "-shm".
	var path string
	rows, err := conn.QueryContext(ctx, "PRAGMA database_list")
	if err != nil {
		return nil
	}
	for rows.Next() {
		var seq int
		var name, file string
		if rows.Scan(&seq, &name, &file) == nil && name == "main" {
			path = file
		}
	}
	if rows.Close() != nil || path == "" {
		return nil
	}
	w, err := mapWALIndex(path + "-shm")
	if err != nil {
		return nil
	}
	if _, ok := w.header(); !ok {
		w.close()
		return nil
	}
	return w
}

// walChanges turns WAL-index headers into data versions for LeadVersion:
// a number that stays the same while no commit changes any lead's
// history, and is never that of an earlier state. Headers differ after
// every commit; the prediction log's commits (every 50 ms under load),
// which change no lead, are recorded as marks by the committer (the header
// before and after such a commit), and a header reached from the last one
// through marks only keeps its data version, so the leads' checked
// versions stay valid across them.
type walChanges struct {
	// mu guards idx against its unmapping by close.
	mu  sync.RWMutex
	idx *walIndex
	// state is the last header seen and its data version.
	state atomic.Pointer[walState]
	// last numbers the data versions handed out (above walVersionBase).
	last atomic.Int64

	marksMu sync.Mutex
	marks   [walMarks]walMark
	nMarks  int // marks written, the newest at (nMarks-1) % walMarks
}

// walVersionBase puts the data versions of the WAL index above any value
// of PRAGMA data_version (a count of commits per connection), so the two
// never meet in the histories' records.
const walVersionBase = 1 << 62

type walState struct {
	hdr     walHeader
	version int64
}

// walMark is a commit that changed no lead's history: the header before
// it (read inside its transaction, holding the write lock, so no other
// commit came between) and the header it wrote.
type walMark struct{ pre, post walHeader }

// walMarks is how many marks are kept; a reader that falls behind by
// more commits than that just takes a new data version.
const walMarks = 64

// version returns the data version of the current header, or ok false
// when the WAL index is not mapped or cannot be read consistently now.
func (c *walChanges) version() (v int64, ok bool) {
	c.mu.RLock()
	if c.idx == nil {
		c.mu.RUnlock()
		return 0, false
	}
	h, ok := c.idx.header()
	c.mu.RUnlock()
	if !ok {
		return 0, false
	}
	st := c.state.Load()
	for {
		if st != nil && st.hdr == h {
			return st.version, true
		}
		var v int64
		if st != nil && c.quietSince(st.hdr, h) {
			v = st.version
		} else {
			v = walVersionBase + c.last.Add(1)
		}
		if c.state.CompareAndSwap(st, &walState{hdr: h, version: v}) {
			return v, true
		}
		st = c.state.Load()
	}
}

// quietSince reports whether the commits from header from to header to
// are all marked (changed no lead).
func (c *walChanges) quietSince(from, to walHeader) bool {
	c.marksMu.Lock()
	defer c.marksMu.Unlock()
	cur := from
	for range 8 {
		next, found := cur, false
		for i := range min(c.nMarks, walMarks) {
			if m := &c.marks[i]; m.pre == cur {
				next, found = m.post, true
				break
			}
		}
		if !found {
			return false
		}
		if next == to {
			return true
		}
		cur = next
	}
	return false
}

// header reads the current header for the committer (ok false: unmapped
// or being written).
func (c *walChanges) header() (walHeader, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.idx == nil {
		return walHeader{}, false
	}
	return c.idx.header()
}

// mark records a commit that changed no lead: pre was read inside its
// transaction, post after it. post is the commit's own header only when it
// counts exactly one commit more than pre (another process may have
// committed since), so otherwise nothing is recorded (a count of 0 may
// be SQLite's rebuilt header after a crash, which starts again at 0).
func (c *walChanges) mark(pre, post walHeader) {
	if post[walIChange] != pre[walIChange]+1 || post[walIChange] == 0 || pre == post {
		return
	}
	c.marksMu.Lock()
	c.marks[c.nMarks%walMarks] = walMark{pre: pre, post: post}
	c.nMarks++
	c.marksMu.Unlock()
}

func (c *walChanges) close() {
	c.mu.Lock()
	c.idx.close()
	c.idx = nil
	c.mu.Unlock()
}

// wordsOf is the mapping's header words.
func wordsOf(mem []byte) *[2 * walHeaderWords]uint32 {
	return (*[2 * walHeaderWords]uint32)(unsafe.Pointer(&mem[0]))
}
