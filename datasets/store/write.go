package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/leadscore/leadscore/datasets/sqldb"
)

// Lead is a lead as sent to the store: its id, when it was created (zero
// when unknown) and its fields, a JSON object of strings, numbers,
// booleans and nulls.
type Lead struct {
	ID      string
	Created time.Time
	Fields  json.RawMessage
}

// Event is one activity of a lead. EventID, when set, makes a retry of the
// same event a no-op. Attrs are its other attributes (page, channel, ...).
type Event struct {
	LeadID  string
	EventID string
	Type    string
	Time    time.Time
	Attrs   map[string]string
}

// Outcome statuses.
const (
	Won          = "won"
	Lost         = "lost"
	Disqualified = "disqualified"
)

// Outcome is how a lead ended: Status won (closed-won, the default), lost or
// disqualified, at ConvertedAt, with an optional deal Amount (NaN: none).
type Outcome struct {
	LeadID      string
	Status      string
	ConvertedAt time.Time
	Amount      float64
}

// ItemError is a bad item of a write: its index in the batch, the field
// at fault and what was expected.
type ItemError struct {
	Index   int
	Field   string
	Message string
}

func (e *ItemError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("item %d: %s", e.Index, e.Message)
	}
	return fmt.Sprintf("item %d: %s: %s", e.Index, e.Field, e.Message)
}

// CanonicalFields checks that raw is a JSON object whose values are
// strings, numbers, booleans or null, with no key given twice, and returns
// it compacted with its keys sorted (so two equal objects are equal
// bytes), with its keys. A nil or empty raw is {}. The error's Field
// names the key at fault ("fields.NAME").
func CanonicalFields(raw json.RawMessage) (json.RawMessage, []string, *ItemError) {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return json.RawMessage("{}"), nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, nil, &ItemError{Field: "fields", Message: "expected an object of field values"}
	}
	m := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, &ItemError{Field: "fields", Message: "malformed JSON: " + err.Error()}
		}
		key := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, &ItemError{Field: "fields." + key, Message: "malformed JSON: " + err.Error()}
		}
		if _, dup := m[key]; dup {
			return nil, nil, &ItemError{Field: "fields." + key, Message: "the key is given more than once; send it once"}
		}
		if key == "" {
			return nil, nil, &ItemError{Field: "fields", Message: "a field has an empty name"}
		}
		if c := v[0]; c == '{' || c == '[' {
			return nil, nil, &ItemError{Field: "fields." + key, Message: "expected a string, number, boolean or null, got an object or array"}
		}
		m[key] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, &ItemError{Field: "fields", Message: "malformed JSON: " + err.Error()}
	}
	out, err := json.Marshal(m) // sorted keys, compacted values
	if err != nil {
		return nil, nil, &ItemError{Field: "fields", Message: err.Error()}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return out, keys, nil
}

// CheckLead checks one lead (its Index is left 0 for the caller to set).
func CheckLead(l *Lead) *ItemError {
	if l.ID == "" {
		return &ItemError{Field: "lead_id", Message: "every lead needs a non-empty lead_id"}
	}
	return nil
}

// CheckEvent checks one event.
func CheckEvent(e *Event) *ItemError {
	switch {
	case e.LeadID == "":
		return &ItemError{Field: "lead_id", Message: "every event needs a non-empty lead_id"}
	case e.Type == "":
		return &ItemError{Field: "type", Message: "every event needs a type"}
	case e.Time.IsZero():
		return &ItemError{Field: "timestamp", Message: "every event needs a timestamp"}
	}
	return nil
}

// CheckOutcome checks one outcome, setting an empty Status to won.
func CheckOutcome(o *Outcome) *ItemError {
	if o.Status == "" {
		o.Status = Won
	}
	switch {
	case o.LeadID == "":
		return &ItemError{Field: "lead_id", Message: "every outcome needs a non-empty lead_id"}
	case o.ConvertedAt.IsZero():
		return &ItemError{Field: "converted_at", Message: "every outcome needs converted_at (when it was won, lost or disqualified)"}
	case o.Status != Won && o.Status != Lost && o.Status != Disqualified:
		return &ItemError{Field: "status", Message: fmt.Sprintf("expected won, lost or disqualified, got %q", o.Status)}
	case math.IsInf(o.Amount, 0):
		return &ItemError{Field: "amount", Message: "expected a finite number"}
	}
	return nil
}

// LeadCounts says what an upsert of leads did.
type LeadCounts struct {
	// Created leads were new; Changed leads got a new version of their
	// fields; Unchanged leads were sent with the fields they had.
	Created, Changed, Unchanged int
}

// names remembers the field or attribute names known to be registered.
type names struct {
	mu    sync.Mutex
	known map[string]bool
}

func (n *names) missing(want []string) []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []string
	for _, w := range want {
		if !n.known[w] {
			out = append(out, w)
		}
	}
	return out
}

func (n *names) add(got []string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.known == nil {
		n.known = map[string]bool{}
	}
	for _, g := range got {
		n.known[g] = true
	}
}

// register adds new names to table (lead_fields or event_attrs) after the
// last position, in the order given; known names keep their place.
func (s *Store) register(ctx context.Context, tx *sql.Tx, table string, cache *names, want []string) ([]string, error) {
	miss := cache.missing(want)
	if len(miss) == 0 {
		return nil, nil
	}
	if s.kind == sqldb.Postgres {
		// Names keep the order they were first sent in, so they cannot be
		// inserted in a fixed order as rows are: requests adding names wait
		// for each other here instead, before they lock anything else (two
		// adding the same names in other orders deadlocked). The lock is
		// released at commit; SQLite's one writer needs none.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "leadscore "+table); err != nil {
			return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
	}
	query := s.q("INSERT INTO " + table + " (name, position) SELECT ?, COALESCE(MAX(position), 0) + 1 FROM " + table + " WHERE true ON CONFLICT (name) DO NOTHING")
	for _, n := range miss {
		if _, err := tx.ExecContext(ctx, query, n); err != nil {
			return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
	}
	return miss, nil
}

// UpsertLeads creates or updates leads in one transaction. A new lead's
// first version of its fields is valid from its creation time (from now
// when that is unknown); a later upsert with other fields adds a version
// valid from now, so what the lead looked like before stays on record.
// Fields must be canonical (CanonicalFields). A lead sent twice in one
// batch counts as two upserts, in order. rescore (RescoreActivity, or
// NoRescore) leaves the leads' rescores pending in the same transaction.
func (s *Store) UpsertLeads(ctx context.Context, leads []Lead, now time.Time, fieldOrder []string, rescore string) (LeadCounts, error) {
	var c LeadCounts
	for i := range leads {
		if e := CheckLead(&leads[i]); e != nil {
			e.Index = i
			return c, e
		}
	}
	if len(leads) == 0 {
		return c, nil
	}
	leads = byLeadID(leads, func(l *Lead) string { return l.ID })
	cache := &s.fieldNames
	var added []string
	var marked []string
	err := s.write(ctx, func(tx *sql.Tx) error {
		c = LeadCounts{}
		var err error
		if added, err = s.register(ctx, tx, "lead_fields", cache, fieldOrder); err != nil {
			return err
		}
		if err := s.upsertLeads(ctx, tx, leads, now, &c); err != nil {
			return err
		}
		return s.markPending(ctx, tx, leadIDs(leads, func(l *Lead) string { return l.ID }), now, rescore, &marked)
	})
	if err == nil {
		cache.add(added)
		s.marks.record(marked, ns(now))
	}
	return c, err
}

func (s *Store) upsertLeads(ctx context.Context, tx *sql.Tx, leads []Lead, now time.Time, c *LeadCounts) error {
	const chunk = 500
	for lo := 0; lo < len(leads); lo += chunk {
		part := leads[lo:min(lo+chunk, len(leads))]
		// The current fields of the leads that exist.
		ids := make([]any, 0, len(part))
		seen := map[string]bool{}
		for _, l := range part {
			if !seen[l.ID] {
				seen[l.ID] = true
				ids = append(ids, l.ID)
			}
		}
		in := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
		rows, err := tx.QueryContext(ctx, s.q(`SELECT l.lead_id, (SELECT v.fields FROM lead_versions v WHERE v.lead_id = l.lead_id ORDER BY v.valid_from DESC, v.id DESC LIMIT 1) FROM leads l WHERE l.lead_id IN (`+in+`)`), ids...)
		if err != nil {
			return fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		current := map[string]string{}
		for rows.Next() {
			var id string
			var f sql.NullString
			if err := rows.Scan(&id, &f); err != nil {
				rows.Close()
				return err
			}
			current[id] = f.String
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var versions []any
		nv := 0
		lastOf := map[string]int{}
		for i, l := range part {
			fields := string(l.Fields)
			if fields == "" {
				fields = "{}"
			}
			cur, exists := current[l.ID]
			validFrom := now
			if !exists && !l.Created.IsZero() && l.Created.Before(now) {
				validFrom = l.Created
			}
			switch {
			case !exists:
				c.Created++
			case cur != fields:
				c.Changed++
			default:
				c.Unchanged++
			}
			if !exists || cur != fields {
				versions = append(versions, l.ID, ns(validFrom), ns(now), fields)
				nv++
			}
			current[l.ID] = fields
			lastOf[l.ID] = i
		}
		var leadArgs []any
		nl := 0
		for i, l := range part {
			if lastOf[l.ID] != i {
				continue
			}
			var created any
			if !l.Created.IsZero() {
				created = ns(l.Created)
			}
			leadArgs = append(leadArgs, l.ID, created, ns(now), ns(now))
			nl++
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO leads (lead_id, created_at, first_seen, updated_at) VALUES `+placeholders(nl, 4)+
			` ON CONFLICT (lead_id) DO UPDATE SET created_at = COALESCE(excluded.created_at, leads.created_at), updated_at = excluded.updated_at`), leadArgs...); err != nil {
			return fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		if nv > 0 {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO lead_versions (lead_id, valid_from, recorded_at, fields) VALUES `+placeholders(nv, 4)), versions...); err != nil {
				return fmt.Errorf("store %s: %w", s.Redacted(), err)
			}
		}
	}
	return nil
}

// EncodeAttrs is the stored form of event attributes: a JSON object with
// sorted keys, or nil when there are none.
func EncodeAttrs(a map[string]string) (any, error) {
	if len(a) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// AppendEvents appends events in one transaction and returns how many were
// new: an event whose EventID is already stored (or repeated in the batch)
// is skipped, so a retried request changes nothing. Events may arrive in
// any order. rescore (RescoreActivity, or NoRescore) leaves the leads'
// rescores pending in the same transaction.
func (s *Store) AppendEvents(ctx context.Context, events []Event, now time.Time, rescore string) (inserted int, err error) {
	for i := range events {
		if e := CheckEvent(&events[i]); e != nil {
			e.Index = i
			return 0, e
		}
	}
	if len(events) == 0 {
		return 0, nil
	}
	keySet := map[string]bool{}
	var keys []string
	for i := range events {
		for k := range events[i].Attrs {
			if !keySet[k] {
				keySet[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	var rows []any
	if s.kind != sqldb.Postgres {
		// Built here, on the request's goroutine: on SQLite the
		// transaction runs on the one committing goroutine, which every
		// request waits for.
		if rows, err = sqliteEventRows(events, now); err != nil {
			return 0, err
		}
	}
	cache := &s.attrNames
	var added []string
	var marked []string
	err = s.write(ctx, func(tx *sql.Tx) error {
		inserted = 0
		var err error
		if added, err = s.register(ctx, tx, "event_attrs", cache, keys); err != nil {
			return err
		}
		if s.kind == sqldb.Postgres {
			inserted, err = s.appendEventsPG(ctx, tx, events, now)
		} else {
			inserted, err = s.appendEventsSQLite(ctx, tx, rows)
		}
		if err != nil {
			return err
		}
		return s.markPending(ctx, tx, leadIDs(events, func(e *Event) string { return e.LeadID }), now, rescore, &marked)
	})
	if err == nil {
		cache.add(added)
		s.marks.record(marked, ns(now))
		s.addRows(inserted)
	}
	return inserted, err
}

// sqliteEventCols are the values of an events row on SQLite, in the
// order of appendEventsSQLite's insert; the id (sqliteEventID) is set in
// the transaction.
const (
	sqliteEventCols = 7
	sqliteEventID   = 2
)

// sqliteEventRows returns the values of the events' rows for
// appendEventsSQLite, their ids left to set.
func sqliteEventRows(events []Event, now time.Time) ([]any, error) {
	args := make([]any, 0, len(events)*sqliteEventCols)
	received := ns(now)
	for i := range events {
		e := &events[i]
		attrs, err := EncodeAttrs(e.Attrs)
		if err != nil {
			return nil, fmt.Errorf("event %d: attributes: %w", i, err)
		}
		var eid any
		if e.EventID != "" {
			eid = e.EventID
		}
		args = append(args, e.LeadID, ns(e.Time), nil, eid, e.Type, attrs, received)
	}
	return args, nil
}

// appendEventsSQLite inserts rows (sqliteEventRows), setting their ids.
func (s *Store) appendEventsSQLite(ctx context.Context, tx *sql.Tx, rows []any) (int, error) {
	n := len(rows) / sqliteEventCols
	// The events table has no rowid (migration 6): the batch takes its
	// ids from event_seq in this transaction, so they follow arrival
	// order across requests and processes (SQLite has one writer at a
	// time). They are set again when the write is retried alone.
	seq, err := s.stmt(ctx, tx, `UPDATE event_seq SET last = last + ? RETURNING last`)
	if err != nil {
		return 0, err
	}
	var last int64
	if err := seq.QueryRowContext(ctx, n).Scan(&last); err != nil {
		return 0, fmt.Errorf("store %s: event ids: %w", s.Redacted(), err)
	}
	id := last - int64(n)
	for i := sqliteEventID; i < len(rows); i += sqliteEventCols {
		id++
		rows[i] = id
	}
	// OR IGNORE rather than ON CONFLICT DO NOTHING: the same for a repeated
	// event_id (the only constraint a checked event can break), but no
	// statement can then fail halfway, so SQLite keeps no statement journal
	// (a copy of every page the insert changes).
	return s.insertRows(ctx, tx, `INSERT OR IGNORE INTO events (lead_id, ts, id, event_id, type, attrs, received_at) VALUES `, sqliteEventCols, ``, rows)
}

// rowChunks are the row counts of the multi-row inserts insertRows
// prepares: any batch is a few of the largest, then of the smaller ones,
// so the statements are parsed once for the store's life.
var rowChunks = [...]int{128, 16, 1}

// insertRows runs head + "(?, ...), (?, ...)" + tail over args, cols
// values a row, and returns the rows affected: on SQLite in multi-row
// statements of rowChunks rows, prepared once (parsing a statement of
// hundreds of rows cost as much as running it); on PostgreSQL in one
// statement, one round trip.
func (s *Store) insertRows(ctx context.Context, tx *sql.Tx, head string, cols int, tail string, args []any) (int, error) {
	total, rows := 0, len(args)/cols
	if s.kind == sqldb.Postgres {
		res, err := tx.ExecContext(ctx, s.q(head+placeholders(rows, cols)+tail), args...)
		if err != nil {
			return 0, fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		n, _ := res.RowsAffected()
		return int(n), nil
	}
	for _, k := range rowChunks {
		if rows < k {
			continue
		}
		st, err := s.stmt(ctx, tx, head+placeholders(k, cols)+tail)
		if err != nil {
			return 0, err
		}
		for ; rows >= k; rows -= k {
			res, err := st.ExecContext(ctx, args[:k*cols]...)
			if err != nil {
				return 0, fmt.Errorf("store %s: %w", s.Redacted(), err)
			}
			n, _ := res.RowsAffected()
			total += int(n)
			args = args[k*cols:]
		}
	}
	return total, nil
}

// RecordOutcomes records outcomes in one transaction. A lead has at most
// one outcome per status: a later report replaces the earlier one (the
// last of a batch wins). rescore (RescoreOutcome, or NoRescore) leaves the
// leads' rescores pending in the same transaction.
func (s *Store) RecordOutcomes(ctx context.Context, outs []Outcome, now time.Time, rescore string) (int, error) {
	for i := range outs {
		if e := CheckOutcome(&outs[i]); e != nil {
			e.Index = i
			return 0, e
		}
	}
	if len(outs) == 0 {
		return 0, nil
	}
	outs = byLeadID(outs, func(o *Outcome) string { return o.LeadID })
	var marked []string
	err := s.write(ctx, func(tx *sql.Tx) error {
		const chunk = 500
		for lo := 0; lo < len(outs); lo += chunk {
			part := outs[lo:min(lo+chunk, len(outs))]
			last := map[[2]string]int{}
			for i, o := range part {
				last[[2]string{o.LeadID, o.Status}] = i
			}
			var args []any
			rows := 0
			for i, o := range part {
				if last[[2]string{o.LeadID, o.Status}] != i {
					continue
				}
				var amount any
				if !math.IsNaN(o.Amount) {
					amount = o.Amount
				}
				args = append(args, o.LeadID, o.Status, ns(o.ConvertedAt), amount, ns(now))
				rows++
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO outcomes (lead_id, status, converted_at, amount, recorded_at) VALUES `+placeholders(rows, 5)+
				` ON CONFLICT (lead_id, status) DO UPDATE SET converted_at = excluded.converted_at, amount = excluded.amount, recorded_at = excluded.recorded_at`), args...); err != nil {
				return fmt.Errorf("store %s: %w", s.Redacted(), err)
			}
		}
		return s.markPending(ctx, tx, leadIDs(outs, func(o *Outcome) string { return o.LeadID }), now, rescore, &marked)
	})
	if err != nil {
		return 0, err
	}
	s.marks.record(marked, ns(now))
	return len(outs), nil
}

// byLeadID returns a copy of items in lead id order, a lead's items in
// their order in the request (the last still wins). Upserts then take the
// rows' locks in one order whatever the request's: on PostgreSQL two
// requests naming the same leads in other orders each waited for the
// other's rows, a deadlock that failed one of them.
func byLeadID[T any](items []T, id func(*T) string) []T {
	out := slices.Clone(items)
	slices.SortStableFunc(out, func(a, b T) int { return strings.Compare(id(&a), id(&b)) })
	return out
}

// leadIDs lists the lead ids of items, in order, with repeats.
func leadIDs[T any](items []T, id func(*T) string) []string {
	out := make([]string, len(items))
	for i := range items {
		out[i] = id(&items[i])
	}
	return out
}
