package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/leadscore/leadscore/datasets/sqldb"
)

// Record is a stored lead as of a moment: its fields as they were then and
// its events strictly before then, oldest first.
type Record struct {
	ID      string
	Created time.Time // zero when unknown
	// Fields is the JSON object of the lead's fields as of the moment
	// ({} when the moment is before the lead's first version).
	Fields json.RawMessage
	Events []Event
	// Version is the lead's version the record was read under: a later
	// LeadVersion equal to it means the record is still the lead's as of
	// the same moment.
	Version Version
}

// prepare readies the statements of Lead, which serves every GET by id.
func (s *Store) prepare(ctx context.Context) error {
	for _, q := range []struct {
		dst   **sql.Stmt
		query string
	}{
		// The lead's version: what any write that changes what Lead
		// returns changes (rows of events and lead_versions are only ever
		// added; counting them catches a row committed with a lower id
		// after a higher one, as PostgreSQL's sequences allow). Each table
		// is read once, counting and taking the maximum in one pass over
		// the lead's index entries.
		{&s.hot.token, `SELECT l.created_at, v.n, v.m, e.n, e.m FROM leads l,
			(SELECT COUNT(*) AS n, MAX(id) AS m FROM lead_versions WHERE lead_id = ?) v,
			(SELECT COUNT(*) AS n, MAX(id) AS m FROM events WHERE lead_id = ?) e
			WHERE l.lead_id = ?`},
		{&s.hot.versions, `SELECT valid_from, fields FROM lead_versions WHERE lead_id = ? ORDER BY valid_from, id`},
		{&s.hot.events, `SELECT type, ts, attrs FROM events WHERE lead_id = ? AND ts < ? ORDER BY ts, id LIMIT ?`},
	} {
		var err error
		if *q.dst, err = s.db.PrepareContext(ctx, s.q(q.query)); err != nil {
			return fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
	}
	return nil
}

// Version identifies the state of a stored lead's history: every write
// that changes what Lead returns for the lead at any moment (a new event,
// a new version of its fields, a new created_at) changes it, and equal
// versions read before two reads of the history mean equal histories.
// Versions are comparable with ==; the zero Version is no lead's.
type Version struct {
	created              sql.NullInt64
	versions, maxVersion int64
	events               int64
	maxEvent             sql.NullInt64
}

// leadToken is the package's name for a lead's Version.
type leadToken = Version

// history is a stored lead's whole history as Lead decodes it: every
// version of its fields and every event, oldest first.
type history struct {
	token    leadToken
	created  time.Time
	versions []version
	events   []Event
}

type version struct {
	validFrom int64
	fields    json.RawMessage
}

// maxCachedLeads bounds the histories kept and maxCachedTotal the events
// in them all (about 100 bytes each, shared attribute maps aside);
// maxCachedEvents is the most events of a lead whose history is kept.
const (
	maxCachedLeads  = 4096
	maxCachedTotal  = 500_000
	maxCachedEvents = 5000
)

// histories caches decoded lead histories by lead id. An entry is used
// only when the lead's token, read from the database on every call, is
// the one it was read under, so a write by this process, another process
// on the same SQLite file or another replica on the same PostgreSQL is
// seen by the next read; the cache saves reading and decoding the rows.
type histories struct {
	mu     sync.Mutex
	m      map[string]*history
	events int // in all the histories of m
	// checked are lead versions read from the database, each with the
	// SQLite data version read just before it (see changes).
	checked map[string]checkedVersion
	// reading are the lead versions being read, each under the data
	// version read before it: a caller that read the same data version
	// takes that read's result instead of reading the lead again (after
	// each commit every lead's first few requests would otherwise all
	// read it).
	reading map[string]*versionRead
	changes changes
}

// versionRead is a lead version being read; v and err are set before
// done is closed.
type versionRead struct {
	dataVersion int64
	done        chan struct{}
	v           Version
	err         error
}

// startRead returns the read of lead id's version under data version dv
// under way, or registers one for the caller to run (lead true).
func (h *histories) startRead(id string, dv int64) (r *versionRead, lead bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r := h.reading[id]; r != nil && r.dataVersion == dv {
		return r, false
	}
	if h.reading == nil {
		h.reading = make(map[string]*versionRead)
	}
	r = &versionRead{dataVersion: dv, done: make(chan struct{})}
	h.reading[id] = r
	return r, true
}

// endRead publishes r's result (keeping a version read without error as
// checked) and releases its waiters.
func (h *histories) endRead(id string, r *versionRead) {
	if r.err == nil {
		h.check(id, r.dataVersion, r.v)
	}
	h.mu.Lock()
	if h.reading[id] == r {
		delete(h.reading, id)
	}
	h.mu.Unlock()
	close(r.done)
}

// checkedVersion is a lead's version and the data version of the
// database read before it: while the data version stays the same, no
// commit has happened since and the lead's version still holds.
type checkedVersion struct {
	dataVersion int64
	version     Version
}

// maxChecked bounds the lead versions kept with their data version.
const maxChecked = 65536

func (h *histories) get(id string) *history {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.m[id]
}

func (h *histories) put(id string, e *history) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = make(map[string]*history)
	}
	if old, ok := h.m[id]; ok {
		h.events -= len(old.events)
		delete(h.m, id)
	}
	for k, v := range h.m { // evicts entries at random until e fits
		if len(h.m) < maxCachedLeads && h.events+len(e.events) <= maxCachedTotal {
			break
		}
		h.events -= len(v.events)
		delete(h.m, k)
	}
	h.m[id] = e
	h.events += len(e.events)
}

// checkedAt returns the lead's version when it was read under data
// version dv.
func (h *histories) checkedAt(id string, dv int64) (Version, bool) {
	h.mu.Lock()
	c, ok := h.checked[id]
	h.mu.Unlock()
	return c.version, ok && c.dataVersion == dv
}

func (h *histories) check(id string, dv int64, v Version) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.checked == nil {
		h.checked = make(map[string]checkedVersion)
	}
	if _, ok := h.checked[id]; !ok && len(h.checked) >= maxChecked {
		for k := range h.checked { // evicts one at random
			delete(h.checked, k)
			break
		}
	}
	h.checked[id] = checkedVersion{dataVersion: dv, version: v}
}

// changes tells whether anything was committed since a lead's version was
// read. Usually the WAL index's header in shared memory says so, with a
// memory read (walChanges). Failing that (no mapping, or a commit writing
// the header at that instant), it reads SQLite's data version on one
// connection of its own (PRAGMA data_version): it changes whenever any other connection, of this
// process or another, commits to the database, and this connection never
// writes. Reading it is much cheaper than reading a lead's version, and
// while it stays the same every lead's version does too.
//
// A caller must take the value of a read that started after it called
// (so it sees every commit acknowledged before the call). Reads run one at
// a time, in rounds: a caller that finds no read running starts one and
// takes its value; callers that come while one runs wait for the next
// round, which the first of them to see the running one end starts, and
// all of them are released together when it ends. Under load one read
// thus answers every request that queued behind the previous one, and no
// lock is held during a read (a mutex held across it made the waiters
// queue and wake one by one, one scheduling delay each).
type changes struct {
	// wal reads commits from the WAL index's header in shared memory,
	// without a call into SQLite; the data version is read only when it
	// is not mapped or is being written.
	wal walChanges

	mu sync.Mutex
	// running is the round whose read is under way (nil: none); next is
	// the round the callers that came during it wait for.
	running, next *dvRound

	// readMu serialises the reads (and close) on conn.
	readMu sync.Mutex
	conn   *sql.Conn
	// stmt is PRAGMA data_version prepared on conn's driver connection,
	// run through conn.Raw: the database/sql layers cost as much as the
	// read itself.
	stmt driver.Stmt
	// read is c.readRaw, bound once; dest is its result.
	read func(driverConn any) error
	dest [1]driver.Value
}

// dvRound is one read of the data version; value and ok are set before
// done is closed.
type dvRound struct {
	done  chan struct{}
	value int64
	ok    bool
}

// dataVersion returns the database's data version as of a moment after
// the call; ok is false for PostgreSQL or when it cannot be read (the
// caller then reads the lead's version itself).
func (s *Store) dataVersion(ctx context.Context) (dv int64, ok bool) {
	if s.kind != sqldb.SQLite {
		return 0, false
	}
	if v, ok := s.cache.changes.wal.version(); ok {
		return v, true
	}
	return s.readDataVersion(ctx)
}

// readDataVersion is dataVersion read from SQLite (PRAGMA data_version),
// in rounds shared by concurrent callers.
func (s *Store) readDataVersion(ctx context.Context) (dv int64, ok bool) {
	c := &s.cache.changes
	c.mu.Lock()
	if c.running == nil {
		// No read under way: start one now (taking along whoever waits
		// for the next round).
		r := c.next
		if r == nil {
			r = &dvRound{done: make(chan struct{})}
		}
		c.running, c.next = r, nil
		c.mu.Unlock()
		c.lead(ctx, s.db, r)
		return r.value, r.ok
	}
	// The read under way may have started before this call: wait for the
	// round after it.
	r := c.next
	if r == nil {
		r = &dvRound{done: make(chan struct{})}
		c.next = r
	}
	prev := c.running
	c.mu.Unlock()
	<-prev.done
	c.mu.Lock()
	if c.running == nil && c.next == r {
		c.running, c.next = r, nil
		c.mu.Unlock()
		c.lead(ctx, s.db, r)
		return r.value, r.ok
	}
	c.mu.Unlock() // another caller started r
	<-r.done
	return r.value, r.ok
}

// lead runs round r's read and releases its callers.
func (c *changes) lead(ctx context.Context, db *sql.DB, r *dvRound) {
	c.readMu.Lock()
	r.value, r.ok = c.readLocked(ctx, db)
	c.readMu.Unlock()
	c.mu.Lock()
	c.running = nil
	c.mu.Unlock()
	close(r.done)
}

// readLocked reads the data version (c.readMu held), opening the
// connection first if need be.
func (c *changes) readLocked(ctx context.Context, db *sql.DB) (int64, bool) {
	if c.conn == nil {
		conn, err := db.Conn(ctx)
		if err != nil {
			return 0, false
		}
		c.conn, c.read = conn, c.readRaw
	}
	err := c.conn.Raw(c.read)
	v, isInt := c.dest[0].(int64)
	if err != nil || !isInt {
		c.closeLocked()
		return 0, false
	}
	return v, true
}

// readRaw reads the data version into c.dest on conn's driver connection
// (c.readMu held). The read takes no request's context: it is shared by the
// requests waiting, and a WAL read does not wait for writers; without a
// context that can end, the driver also skips setting up its interruption.
func (c *changes) readRaw(dc any) error {
	ctx := context.Background()
	if c.stmt == nil {
		p, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return errors.New("the SQLite driver cannot prepare statements with a context")
		}
		st, err := p.PrepareContext(ctx, "PRAGMA data_version")
		if err != nil {
			return err
		}
		c.stmt = st
	}
	q, ok := c.stmt.(driver.StmtQueryContext)
	if !ok {
		return errors.New("the SQLite driver cannot query with a context")
	}
	rows, err := q.QueryContext(ctx, nil)
	if err != nil {
		return err
	}
	c.dest[0] = nil
	err = rows.Next(c.dest[:])
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

// close releases the data version's connection.
func (c *changes) close() {
	c.readMu.Lock()
	defer c.readMu.Unlock()
	c.closeLocked()
}

func (c *changes) closeLocked() {
	if c.conn != nil {
		if c.stmt != nil {
			c.conn.Raw(func(any) error { return c.stmt.Close() })
		}
		c.conn.Close()
		c.conn, c.stmt = nil, nil
	}
}

// LeadVersion returns the current version of lead id (ErrNotFound for an
// id never stored): a Record read under the same version is still the
// lead's record. On SQLite it costs a read of the WAL index's header in
// shared memory (or, failing that, of the database's data version, shared
// by concurrent callers) while nothing that changes a lead has been
// committed since the lead's version was last read; otherwise a few index
// lookups.
func (s *Store) LeadVersion(ctx context.Context, id string) (Version, error) {
	dv, haveDV := s.dataVersion(ctx)
	if !haveDV {
		return s.readVersion(ctx, id)
	}
	if v, ok := s.cache.checkedAt(id, dv); ok {
		return v, nil
	}
	// Nothing was committed between two reads of the same data version,
	// so a read of the lead's version started after the other caller's
	// (equal) data version holds for this caller too.
	r, lead := s.cache.startRead(id, dv)
	if !lead {
		<-r.done
		if r.err == nil || errors.Is(r.err, ErrNotFound) {
			return r.v, r.err
		}
		return s.readVersion(ctx, id) // the other caller's context ended
	}
	r.v, r.err = s.readVersion(ctx, id)
	s.cache.endRead(id, r)
	return r.v, r.err
}

// readVersion reads lead id's version from the database.
func (s *Store) readVersion(ctx context.Context, id string) (Version, error) {
	var tok Version
	var maxVersion sql.NullInt64
	err := s.hot.token.QueryRowContext(ctx, id, id, id).Scan(&tok.created, &tok.versions, &maxVersion, &tok.events, &tok.maxEvent)
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, ErrNotFound
	}
	if err != nil {
		return Version{}, fmt.Errorf("store %s: read lead: %w", s.Redacted(), err)
	}
	tok.maxVersion = maxVersion.Int64
	return tok, nil
}

// Lead reads lead id as of asOf: the version of its fields valid then and
// its events before then (more than maxEvents is a *TooManyEventsError; 0:
// no limit), reading only that lead's rows through the indexes. It returns
// ErrNotFound for an id never stored. The record's Events reuse dst; events
// with equal attributes share one Attrs map, which callers must not modify.
//
// Each call reads the lead's version (LeadVersion); the decoded history
// of a lead read before under the same version is taken from memory
// rather than read again.
func (s *Store) Lead(ctx context.Context, id string, asOf time.Time, maxEvents int, dst []Event) (*Record, error) {
	tok, err := s.LeadVersion(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.LeadWithVersion(ctx, id, tok, asOf, maxEvents, dst)
}

// LeadWithVersion is Lead for a caller that has just read the lead's
// version tok with LeadVersion (so it is not read twice): the record is
// the lead's as of asOf at version tok or later (Record.Version says
// which).
func (s *Store) LeadWithVersion(ctx context.Context, id string, tok Version, asOf time.Time, maxEvents int, dst []Event) (*Record, error) {
	var err error
	h := s.cache.get(id)
	if h != nil && h.token == tok {
		return h.asOf(id, asOf, maxEvents, dst)
	}
	if tok.events > maxCachedEvents {
		// Too long a history to keep: read the events before the moment
		// only, and no more than one over the limit.
		limit := int64(math.MaxInt64)
		if maxEvents > 0 {
			limit = int64(maxEvents) + 1
		}
		if h, err = s.readHistory(ctx, id, tok, ns(asOf), limit); err != nil {
			return nil, err
		}
		return h.asOf(id, asOf, maxEvents, dst)
	}
	if h, err = s.readHistory(ctx, id, tok, math.MaxInt64, math.MaxInt64); err != nil {
		return nil, err
	}
	s.cache.put(id, h)
	return h.asOf(id, asOf, maxEvents, dst)
}

// asOf is the record of the lead as of the moment: the latest version
// valid then (the latest recorded of those valid from the same moment)
// and the events before it.
func (h *history) asOf(id string, asOf time.Time, maxEvents int, dst []Event) (*Record, error) {
	at := ns(asOf)
	r := &Record{ID: id, Created: h.created, Fields: json.RawMessage("{}"), Events: dst[:0], Version: h.token}
	if i := sort.Search(len(h.versions), func(i int) bool { return h.versions[i].validFrom > at }); i > 0 {
		r.Fields = h.versions[i-1].fields
	}
	n := sort.Search(len(h.events), func(i int) bool { return !h.events[i].Time.Before(asOf) })
	if maxEvents > 0 && n > maxEvents {
		return nil, &TooManyEventsError{LeadID: id, Max: maxEvents}
	}
	r.Events = append(r.Events, h.events[:n]...)
	return r, nil
}

// readHistory reads the lead's history: every version of its fields and
// its first events (at most limit) before the moment before (Unix ns). It
// is read after the lead's token tok, so it is at least as new as tok.
func (s *Store) readHistory(ctx context.Context, id string, tok leadToken, before, limit int64) (*history, error) {
	h := &history{token: tok}
	if tok.created.Valid {
		h.created = fromNs(tok.created.Int64)
	}
	rows, err := s.hot.versions.QueryContext(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("store %s: read lead: %w", s.Redacted(), err)
	}
	for rows.Next() {
		var v version
		var f string
		if err := rows.Scan(&v.validFrom, &f); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store %s: read lead: %w", s.Redacted(), err)
		}
		v.fields = json.RawMessage(f)
		h.versions = append(h.versions, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store %s: read lead: %w", s.Redacted(), err)
	}
	rows, err = s.hot.events.QueryContext(ctx, id, before, limit)
	if err != nil {
		return nil, fmt.Errorf("store %s: read events: %w", s.Redacted(), err)
	}
	defer rows.Close()
	// Events of a lead repeat a few types and attribute sets: each is
	// decoded once per history, and events with the same attributes share
	// one (read-only) map.
	var typ, attrs sql.RawBytes
	var ts int64
	typesSeen := make(map[string]string, 8)
	attrsSeen := make(map[string]map[string]string, 16)
	for rows.Next() {
		if err := rows.Scan(&typ, &ts, &attrs); err != nil {
			return nil, err
		}
		t, ok := typesSeen[string(typ)]
		if !ok {
			t = string(typ)
			typesSeen[t] = t
		}
		e := Event{LeadID: id, Type: t, Time: fromNs(ts)}
		if attrs != nil {
			m, ok := attrsSeen[string(attrs)]
			if !ok {
				if m, err = decodeAttrs(string(attrs)); err != nil {
					return nil, fmt.Errorf("store %s: lead %s: stored attributes: %w", s.Redacted(), id, err)
				}
				if len(attrsSeen) < 256 {
					attrsSeen[string(attrs)] = m
				}
			}
			e.Attrs = m
		}
		h.events = append(h.events, e)
	}
	return h, rows.Err()
}

// TooManyEventsError is returned by Lead for a lead with more events
// before the moment than the limit.
type TooManyEventsError struct {
	LeadID string
	Max    int
}

func (e *TooManyEventsError) Error() string {
	return fmt.Sprintf("lead %s has more than %d events", e.LeadID, e.Max)
}

// decodeAttrs reads the JSON object EncodeAttrs wrote. Without a
// backslash no string can hold a quote, so the object is split on its
// quotes; anything else goes through encoding/json.
func decodeAttrs(s string) (map[string]string, error) {
	if strings.IndexByte(s, '\\') < 0 && len(s) >= 2 && s[0] == '{' && s[len(s)-1] == '}' {
		parts := strings.Split(s, `"`)
		// {"k":"v","k2":"v2"} splits into {, k, :, v, ",", k2, :, v2, }
		if len(parts)%4 == 1 {
			m := make(map[string]string, len(parts)/4)
			ok := true
			for i := 1; i+2 < len(parts); i += 4 {
				if parts[i+1] != ":" {
					ok = false
					break
				}
				m[parts[i]] = parts[i+2]
			}
			if ok {
				return m, nil
			}
		}
	}
	var m map[string]string
	err := json.Unmarshal([]byte(s), &m)
	return m, err
}

// LeadIDs calls fn with the stored lead ids in the order they first
// arrived, batch by batch, never holding more than one batch.
func (s *Store) LeadIDs(ctx context.Context, batch int, fn func(ids []string) error) error {
	var after int64 = -1
	ids := make([]string, 0, batch)
	for {
		rows, err := s.db.QueryContext(ctx, s.q(`SELECT seq, lead_id FROM leads WHERE seq > ? ORDER BY seq LIMIT ?`), after, batch)
		if err != nil {
			return fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		ids = ids[:0]
		for rows.Next() {
			var id string
			if err := rows.Scan(&after, &id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		if err := fn(ids); err != nil {
			return err
		}
	}
}

// Counts are the rows a store holds.
type Counts struct {
	Leads, Versions, Events, Outcomes, Scores int64
}

// Count counts the rows of each table (Scores: the issued scores, a row
// of repeats counting each).
func (s *Store) Count(ctx context.Context) (Counts, error) {
	var c Counts
	for _, t := range []struct {
		table string
		dst   *int64
	}{{"leads", &c.Leads}, {"lead_versions", &c.Versions}, {"events", &c.Events}, {"outcomes", &c.Outcomes}, {"predictions", &c.Scores}} {
		q := "SELECT COUNT(*) FROM " + t.table
		if t.table == "predictions" {
			q = "SELECT COUNT(*) + COALESCE(SUM(repeats), 0) FROM predictions" // every issuance
		}
		if err := s.db.QueryRowContext(ctx, q).Scan(t.dst); err != nil {
			return c, fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
	}
	return c, nil
}

// LeadSummary is a stored lead as a list shows it: its id, creation
// time and latest logged score (Latest nil when it has none; the last
// issuance of its row, see LogScores).
type LeadSummary struct {
	// Seq orders the leads by first arrival; it is the cursor of Leads.
	Seq     int64
	ID      string
	Created time.Time // zero when unknown
	Latest  *Score
}

// Leads pages through the stored leads, the latest arrived first: at most
// limit leads that arrived before the lead with sequence number before
// (0: from the latest), each with its latest logged score.
func (s *Store) Leads(ctx context.Context, before int64, limit int) ([]LeadSummary, error) {
	if before <= 0 {
		before = math.MaxInt64
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT l.seq, l.lead_id, l.created_at, p.id, `+prefixed("p.", scoreCols)+`
FROM leads l LEFT JOIN predictions p ON p.id = (SELECT MAX(x.id) FROM predictions x WHERE x.lead_id = l.lead_id)
WHERE l.seq < ? ORDER BY l.seq DESC LIMIT ?`), before, limit)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	defer rows.Close()
	var out []LeadSummary
	for rows.Next() {
		var l LeadSummary
		var created sql.NullInt64
		var id, scoredAt, asOf, score sql.NullInt64
		var lead, source, name, version, grade, tier, rt, reasons sql.NullString
		var prob, rp, rprob sql.NullFloat64
		if err := rows.Scan(&l.Seq, &l.ID, &created, &id, &lead, &scoredAt, &asOf, &source, &name, &version, &prob, &score, &grade, &tier, &rp, &rt, &reasons, &rprob); err != nil {
			return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		if created.Valid {
			l.Created = fromNs(created.Int64)
		}
		if id.Valid {
			sc := &Score{ID: id.Int64, LeadID: lead.String, ScoredAt: fromNs(scoredAt.Int64), AsOf: fromNs(asOf.Int64), Source: source.String,
				ModelName: name.String, ModelVersion: version.String, Probability: prob.Float64, Score: int(score.Int64), Grade: grade.String,
				Tier: tier.String, RulesPoints: math.NaN(), RulesTier: rt.String, RulesProbability: math.NaN()}
			if rp.Valid {
				sc.RulesPoints = rp.Float64
			}
			if rprob.Valid {
				sc.RulesProbability = rprob.Float64
			}
			if reasons.Valid {
				sc.Reasons = json.RawMessage(reasons.String)
			}
			l.Latest = sc
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// LeadsAsOf reads the leads ids as of asOf, as Lead reads one, in two
// set-based queries (fields, then events ordered by lead and time) instead
// of two per lead: recs[i] is ids[i]'s record, or errs[i] says why there
// is none (ErrNotFound, or a *TooManyEventsError past maxEvents; 0: no
// limit). The error is the store's. Each distinct event type and
// attribute set is decoded once per call, and events with equal
// attributes share one Attrs map, which callers must not modify.
func (s *Store) LeadsAsOf(ctx context.Context, ids []string, asOf time.Time, maxEvents int) (recs []*Record, errs []error, err error) {
	recs, errs = make([]*Record, len(ids)), make([]error, len(ids))
	if len(ids) == 0 {
		return recs, errs, nil
	}
	at := make(map[string]int, len(ids))
	args := make([]any, 0, len(ids)+1)
	args = append(args, ns(asOf))
	for i, id := range ids {
		errs[i] = ErrNotFound
		if _, dup := at[id]; !dup {
			at[id] = i
			args = append(args, id)
		}
	}
	in := strings.TrimSuffix(strings.Repeat("?, ", len(args)-1), ", ")
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT l.lead_id, l.created_at, (SELECT v.fields FROM lead_versions v WHERE v.lead_id = l.lead_id AND v.valid_from <= ? ORDER BY v.valid_from DESC, v.id DESC LIMIT 1) FROM leads l WHERE l.lead_id IN (`+in+`)`), args...)
	if err != nil {
		return nil, nil, fmt.Errorf("store %s: read leads: %w", s.Redacted(), err)
	}
	for rows.Next() {
		var id string
		var created sql.NullInt64
		var fields sql.NullString
		if err := rows.Scan(&id, &created, &fields); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("store %s: read leads: %w", s.Redacted(), err)
		}
		i, ok := at[id]
		if !ok {
			continue
		}
		r := &Record{ID: id, Fields: json.RawMessage("{}")}
		if created.Valid {
			r.Created = fromNs(created.Int64)
		}
		if fields.Valid {
			r.Fields = json.RawMessage(fields.String)
		}
		recs[i], errs[i] = r, nil
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("store %s: read leads: %w", s.Redacted(), err)
	}
	// The events of the leads found (a lead's events may arrive before
	// the lead: reading those would be wasted), asOf at the back.
	args = args[:0]
	for i, id := range ids {
		if at[id] == i && errs[i] == nil {
			args = append(args, id)
		}
	}
	if len(args) == 0 {
		return recs, errs, nil
	}
	in = strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")
	args = append(args, ns(asOf))
	rows, err = s.db.QueryContext(ctx, s.q(`SELECT lead_id, type, ts, attrs FROM events WHERE lead_id IN (`+in+`) AND ts < ? ORDER BY lead_id, ts, id`), args...)
	if err != nil {
		return nil, nil, fmt.Errorf("store %s: read events: %w", s.Redacted(), err)
	}
	defer rows.Close()
	var lead, typ, attrs sql.RawBytes
	var ts int64
	typesSeen := make(map[string]string, 8)
	attrsSeen := make(map[string]map[string]string, 16)
	cur := -1
	for rows.Next() {
		if err := rows.Scan(&lead, &typ, &ts, &attrs); err != nil {
			return nil, nil, fmt.Errorf("store %s: read events: %w", s.Redacted(), err)
		}
		if cur < 0 || recs[cur] == nil || recs[cur].ID != string(lead) {
			i, ok := at[string(lead)]
			if !ok {
				continue
			}
			cur = i
		}
		r := recs[cur]
		if r == nil || errs[cur] != nil {
			continue // an event of a lead with no row (or past the limit)
		}
		if maxEvents > 0 && len(r.Events) == maxEvents {
			recs[cur], errs[cur] = nil, &TooManyEventsError{LeadID: r.ID, Max: maxEvents}
			continue
		}
		t, ok := typesSeen[string(typ)]
		if !ok {
			t = string(typ)
			typesSeen[t] = t
		}
		e := Event{LeadID: r.ID, Type: t, Time: fromNs(ts)}
		if attrs != nil {
			m, ok := attrsSeen[string(attrs)]
			if !ok {
				if m, err = decodeAttrs(string(attrs)); err != nil {
					return nil, nil, fmt.Errorf("store %s: lead %s: stored attributes: %w", s.Redacted(), r.ID, err)
				}
				if len(attrsSeen) < 1024 {
					attrsSeen[string(attrs)] = m
				}
			}
			e.Attrs = m
		}
		r.Events = append(r.Events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("store %s: read events: %w", s.Redacted(), err)
	}
	for i, id := range ids {
		if j := at[id]; j != i {
			recs[i], errs[i] = recs[j], errs[j]
		}
	}
	return recs, errs, nil
}
