package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/sqldb"
)

// The column names of the tables the training readers return (and Import
// reads by default): the names leadscore's feature settings use by
// default.
const (
	ColLeadID      = "lead_id"
	ColCreated     = "created_at"
	ColTimestamp   = "timestamp"
	ColType        = "type"
	ColEventID     = "event_id"
	ColConvertedAt = "converted_at"
	ColAmount      = "amount"
	ColStatus      = "status"
)

// The training readers hand the store's rows to datasets.OpenRecords as
// the text a file would hold (times in RFC 3339, numbers as stored,
// missing values empty), so that they go through the same type inference
// as files: the same history, stored or in files, gives the same tables.

// LeadHistory is the store's leads with their field history, as training
// reads them (features.Inputs.Leads and ValidFrom).
type LeadHistory struct {
	// Table has one row per version of a lead's fields: lead_id,
	// created_at and every field, in the order the fields were first seen.
	// The leads come in the order they first arrived, each lead's versions
	// in the order they became valid (then in the order stored).
	Table *datasets.Table
	// ValidFrom is the time (Unix ns) from which each row's fields are
	// valid. A lead whose first version became valid after its creation
	// (its fields were first posted after created_at) gets a first row
	// without fields, valid from the earliest time: before its first
	// version its fields were unknown.
	ValidFrom []int64
	// Leads counts the distinct leads.
	Leads  int64
	Report *datasets.ReadReport
}

// ReadLeadHistory reads every lead's field history (see LeadHistory),
// streaming the rows into the table; memory grows with the versions, as a
// leads file's table grows with its rows.
func (s *Store) ReadLeadHistory(ctx context.Context, opt datasets.ReadOptions) (*LeadHistory, error) {
	names, err := s.orderedNames(ctx, "lead_fields")
	if err != nil {
		return nil, err
	}
	header := []string{}
	hasID, hasCreated := false, false
	for _, n := range names {
		hasID = hasID || n == ColLeadID
		hasCreated = hasCreated || n == ColCreated
	}
	if !hasID {
		header = append(header, ColLeadID)
	}
	if !hasCreated {
		header = append(header, ColCreated)
	}
	header = append(header, names...)
	col := make(map[string]int, len(header))
	for i, n := range header {
		col[n] = i
	}
	rows, err := s.db.QueryContext(ctx, `SELECT l.lead_id, l.created_at, v.valid_from, v.fields FROM leads l LEFT JOIN lead_versions v ON v.lead_id = l.lead_id ORDER BY l.seq, v.valid_from, v.id`)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	h := &LeadHistory{}
	rec := make([]string, len(header))
	var pending []string // a version row that waits behind the empty one
	var pendingFrom int64
	last := ""
	next := func() ([]string, error) {
		if pending != nil {
			copy(rec, pending)
			pending = nil
			h.ValidFrom = append(h.ValidFrom, pendingFrom)
			return rec, nil
		}
		if !rows.Next() {
			if err := rows.Err(); err != nil {
				return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
			}
			return nil, io.EOF
		}
		var id string
		var created, validFrom sql.NullInt64
		var fields sql.NullString
		if err := rows.Scan(&id, &created, &validFrom, &fields); err != nil {
			return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		clear(rec)
		rec[col[ColLeadID]] = id
		if created.Valid {
			rec[col[ColCreated]] = formatTime(created.Int64)
		}
		if fields.Valid {
			var m map[string]json.RawMessage
			if err := json.Unmarshal([]byte(fields.String), &m); err != nil {
				return nil, fmt.Errorf("store %s: lead %s: stored fields: %w", s.Redacted(), id, err)
			}
			for k, v := range m {
				j, ok := col[k]
				if !ok || k == ColLeadID || k == ColCreated {
					continue // registered by a transaction that had not committed when the names were read
				}
				if rec[j], err = jsonText(v); err != nil {
					return nil, fmt.Errorf("store %s: lead %s: field %q: %w", s.Redacted(), id, k, err)
				}
			}
		}
		first := id != last
		last = id
		if first {
			h.Leads++
		}
		switch {
		case !validFrom.Valid: // a lead without fields
			h.ValidFrom = append(h.ValidFrom, math.MinInt64)
		case first && created.Valid && validFrom.Int64 > created.Int64:
			// Unknown fields before the first version.
			pending, pendingFrom = append([]string(nil), rec...), validFrom.Int64
			clear(rec)
			rec[col[ColLeadID]] = id
			rec[col[ColCreated]] = formatTime(created.Int64)
			h.ValidFrom = append(h.ValidFrom, math.MinInt64)
		default:
			h.ValidFrom = append(h.ValidFrom, validFrom.Int64)
		}
		return rec, nil
	}
	r, err := datasets.OpenRecords(s.Redacted()+" (leads)", header, next, rows.Close, opt)
	if err != nil {
		rows.Close()
		return nil, err
	}
	if h.Table, h.Report, err = datasets.ReadAll(r); err != nil {
		return nil, err
	}
	return h, nil
}

// OpenEvents streams the store's events as a table for training: lead_id,
// timestamp, type and every attribute, in the order the attributes were
// first seen. The events come grouped by lead (lead ids in byte order, in
// both backends), each lead's by time and then in the order they were
// stored, along the events_lead_ts index, so that training reads them one
// lead at a time (features.BuildByLead). Close the Reader when done.
func (s *Store) OpenEvents(ctx context.Context, opt datasets.ReadOptions) (*datasets.Reader, error) {
	names, err := s.orderedNames(ctx, "event_attrs")
	if err != nil {
		return nil, err
	}
	header := append([]string{ColLeadID, ColTimestamp, ColType}, names...)
	col := make(map[string]int, len(header))
	for i, n := range names {
		col[n] = i + 3
	}
	order := `lead_id, ts, id`
	if s.kind == sqldb.Postgres {
		order = `lead_id COLLATE "C", ts, id`
	}
	rows, err := s.db.QueryContext(ctx, `SELECT lead_id, ts, type, attrs FROM events ORDER BY `+order)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	rec := make([]string, len(header))
	next := func() ([]string, error) {
		if !rows.Next() {
			if err := rows.Err(); err != nil {
				return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
			}
			return nil, io.EOF
		}
		var id, typ string
		var ts int64
		var attrs sql.NullString
		if err := rows.Scan(&id, &ts, &typ, &attrs); err != nil {
			return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		clear(rec)
		rec[0], rec[1], rec[2] = id, formatTime(ts), typ
		if attrs.Valid {
			m, err := decodeAttrs(attrs.String)
			if err != nil {
				return nil, fmt.Errorf("store %s: event of lead %s: stored attributes: %w", s.Redacted(), id, err)
			}
			for k, v := range m {
				if j, ok := col[k]; ok {
					rec[j] = v
				}
			}
		}
		return rec, nil
	}
	get, stop := prefetch(next)
	done := func() error {
		stop()
		return rows.Close()
	}
	r, err := datasets.OpenRecords(s.Redacted()+" (events)", header, get, done, opt)
	if err != nil {
		done()
		return nil, err
	}
	return r, nil
}

// prefetchBatch is the number of records prefetch reads ahead per batch.
const prefetchBatch = 4096

// prefetch calls next in a goroutine of its own, up to four batches of
// records ahead of get, so that reading the database and what the caller
// does with the records (parsing them, building examples) use two cores.
// get returns the records of next, in order, then its error (io.EOF at the
// end). stop ends the goroutine and waits for it; call it before closing
// what next reads.
func prefetch(next func() ([]string, error)) (get func() ([]string, error), stop func()) {
	type batch struct {
		recs [][]string
		err  error
	}
	ch := make(chan batch, 4)
	quit := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		for {
			b := batch{recs: make([][]string, 0, prefetchBatch)}
			for len(b.recs) < prefetchBatch && b.err == nil {
				rec, err := next()
				if err != nil {
					b.err = err
					break
				}
				b.recs = append(b.recs, append([]string(nil), rec...))
			}
			select {
			case ch <- b:
			case <-quit:
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
	var cur batch
	pos := 0
	var last error
	get = func() ([]string, error) {
		for pos == len(cur.recs) {
			if cur.err != nil || last != nil {
				if last == nil {
					last = cur.err
				}
				return nil, last
			}
			cur, pos = <-ch, 0
		}
		pos++
		return cur.recs[pos-1], nil
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			close(quit)
			<-exited
		})
	}
	return get, stop
}

// ReadWonOutcomes reads the closed-won outcomes as a table for training:
// lead_id, converted_at and (when some outcome has one) amount, in the
// order stored. Lost and disqualified leads are negatives as any lead
// without a won outcome.
func (s *Store) ReadWonOutcomes(ctx context.Context, opt datasets.ReadOptions) (*datasets.Table, *datasets.ReadReport, error) {
	var amounts int64
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(amount) FROM outcomes WHERE status = ?`), Won).Scan(&amounts); err != nil {
		return nil, nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	header := []string{ColLeadID, ColConvertedAt}
	if amounts > 0 {
		header = append(header, ColAmount)
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT lead_id, converted_at, amount FROM outcomes WHERE status = ? ORDER BY id`), Won)
	if err != nil {
		return nil, nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	rec := make([]string, len(header))
	next := func() ([]string, error) {
		if !rows.Next() {
			if err := rows.Err(); err != nil {
				return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
			}
			return nil, io.EOF
		}
		var id string
		var at int64
		var amount sql.NullFloat64
		if err := rows.Scan(&id, &at, &amount); err != nil {
			return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		rec[0], rec[1] = id, formatTime(at)
		if len(rec) > 2 {
			rec[2] = ""
			if amount.Valid {
				rec[2] = strconv.FormatFloat(amount.Float64, 'g', -1, 64)
			}
		}
		return rec, nil
	}
	r, err := datasets.OpenRecords(s.Redacted()+" (outcomes)", header, next, rows.Close, opt)
	if err != nil {
		rows.Close()
		return nil, nil, err
	}
	return datasets.ReadAll(r)
}

// orderedNames reads a name table in position order.
func (s *Store) orderedNames(ctx context.Context, table string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT name FROM "+table+" ORDER BY position, name")
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// jsonText is a stored JSON scalar as table text: strings as they are,
// numbers as written, booleans true/false, null empty.
func jsonText(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	return string(raw), nil
}

func formatTime(v int64) string { return fromNs(v).Format(time.RFC3339Nano) }
