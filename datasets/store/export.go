package store

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/leadscore/leadscore/datasets/sqldb"
	"github.com/leadscore/leadscore/internal/atomicfile"
)

// The column names of the tables Export writes (and Import reads by
// default): the names leadscore's feature settings use by default.
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

// Exported names the files Export wrote and counts their rows.
type Exported struct {
	Leads, Events, Outcomes          string
	LeadRows, EventRows, OutcomeRows int64
}

// Export writes the store as the three tables training reads, as CSV
// files in dir, streaming row by row (memory does not grow with the
// store):
//
//   - leads.csv: one row per lead, in the order leads first arrived, with
//     lead_id, created_at and every field, in the order the fields were
//     first seen. Each lead's fields are the version valid at
//     created_at + fieldsAt: training takes one row of fields per lead,
//     and the fields as of the lead's first snapshot (fieldsAt = the
//     smallest snapshot age) are what was known at that cutoff and at
//     every later one, so no value changed after a cutoff reaches it.
//     A lead without a creation time gets its latest fields.
//   - events.csv: lead_id, timestamp, type and every attribute, grouped
//     by lead (lead ids in byte order), each lead's events by time and
//     then in the order they were stored, so that training can read them
//     one lead at a time.
//   - outcomes.csv: lead_id, converted_at and amount of the closed-won
//     outcomes (lost and disqualified leads are negatives as any lead
//     without a won outcome).
func (s *Store) Export(ctx context.Context, dir string, fieldsAt time.Duration) (*Exported, error) {
	ex := &Exported{Leads: filepath.Join(dir, "leads.csv"), Events: filepath.Join(dir, "events.csv"), Outcomes: filepath.Join(dir, "outcomes.csv")}
	var err error
	if ex.LeadRows, err = s.exportLeads(ctx, ex.Leads, fieldsAt); err != nil {
		return nil, err
	}
	if ex.EventRows, err = s.exportEvents(ctx, ex.Events); err != nil {
		return nil, err
	}
	if ex.OutcomeRows, err = s.exportOutcomes(ctx, ex.Outcomes); err != nil {
		return nil, err
	}
	return ex, nil
}

// names reads a name table in position order.
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

// csvFile is a CSV file written to a temporary name and renamed into
// place on commit.
type csvFile struct {
	f *atomicfile.File
	b *bufio.Writer
	w *csv.Writer
}

func createCSV(path string, header []string) (*csvFile, error) {
	f, err := atomicfile.Create(path, 0o600)
	if err != nil {
		return nil, err
	}
	b := bufio.NewWriterSize(f, 1<<20)
	c := &csvFile{f: f, b: b, w: csv.NewWriter(b)}
	if err := c.w.Write(header); err != nil {
		f.Abort()
		return nil, err
	}
	return c, nil
}

func (c *csvFile) commit() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		c.f.Abort()
		return err
	}
	if err := c.b.Flush(); err != nil {
		c.f.Abort()
		return err
	}
	return c.f.Commit()
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

func (s *Store) exportLeads(ctx context.Context, path string, fieldsAt time.Duration) (int64, error) {
	names, err := s.orderedNames(ctx, "lead_fields")
	if err != nil {
		return 0, err
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
	out, err := createCSV(path, header)
	if err != nil {
		return 0, err
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT l.lead_id, l.created_at, (SELECT v.fields FROM lead_versions v WHERE v.lead_id = l.lead_id AND v.valid_from <= COALESCE(l.created_at + ?, ?) ORDER BY v.valid_from DESC, v.id DESC LIMIT 1) FROM leads l ORDER BY l.seq`),
		int64(fieldsAt), int64(math.MaxInt64))
	if err != nil {
		out.f.Abort()
		return 0, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	defer rows.Close()
	rec := make([]string, len(header))
	var n int64
	for rows.Next() {
		var id string
		var created sql.NullInt64
		var fields sql.NullString
		if err := rows.Scan(&id, &created, &fields); err != nil {
			out.f.Abort()
			return 0, err
		}
		clear(rec)
		rec[col[ColLeadID]] = id
		if created.Valid {
			rec[col[ColCreated]] = formatTime(created.Int64)
		}
		if fields.Valid {
			var m map[string]json.RawMessage
			if err := json.Unmarshal([]byte(fields.String), &m); err != nil {
				out.f.Abort()
				return 0, fmt.Errorf("store %s: lead %s: stored fields: %w", s.Redacted(), id, err)
			}
			for k, v := range m {
				j, ok := col[k]
				if !ok || k == ColLeadID || k == ColCreated {
					continue // registered by a transaction that had not committed when the names were read
				}
				if rec[j], err = jsonText(v); err != nil {
					out.f.Abort()
					return 0, err
				}
			}
		}
		if err := out.w.Write(rec); err != nil {
			out.f.Abort()
			return 0, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		out.f.Abort()
		return 0, err
	}
	return n, out.commit()
}

func (s *Store) exportEvents(ctx context.Context, path string) (int64, error) {
	names, err := s.orderedNames(ctx, "event_attrs")
	if err != nil {
		return 0, err
	}
	header := append([]string{ColLeadID, ColTimestamp, ColType}, names...)
	col := make(map[string]int, len(header))
	for i, n := range names {
		col[n] = i + 3
	}
	out, err := createCSV(path, header)
	if err != nil {
		return 0, err
	}
	// Grouped by lead, each lead's events in time order (ties in the order
	// stored), along the events_lead_ts index: training streams the file
	// one lead at a time (features.BuildByLead). Lead ids compare as bytes
	// in both backends, so both write the same file.
	order := `lead_id, ts, id`
	if s.kind == sqldb.Postgres {
		order = `lead_id COLLATE "C", ts, id`
	}
	rows, err := s.db.QueryContext(ctx, `SELECT lead_id, ts, type, attrs FROM events ORDER BY `+order)
	if err != nil {
		out.f.Abort()
		return 0, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	defer rows.Close()
	rec := make([]string, len(header))
	var n int64
	for rows.Next() {
		var id, typ string
		var ts int64
		var attrs sql.NullString
		if err := rows.Scan(&id, &ts, &typ, &attrs); err != nil {
			out.f.Abort()
			return 0, err
		}
		clear(rec)
		rec[0], rec[1], rec[2] = id, formatTime(ts), typ
		if attrs.Valid {
			m, err := decodeAttrs(attrs.String)
			if err != nil {
				out.f.Abort()
				return 0, err
			}
			for k, v := range m {
				if j, ok := col[k]; ok {
					rec[j] = v
				}
			}
		}
		if err := out.w.Write(rec); err != nil {
			out.f.Abort()
			return 0, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		out.f.Abort()
		return 0, err
	}
	return n, out.commit()
}

func (s *Store) exportOutcomes(ctx context.Context, path string) (int64, error) {
	var amounts int64
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(amount) FROM outcomes WHERE status = ?`), Won).Scan(&amounts); err != nil {
		return 0, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	header := []string{ColLeadID, ColConvertedAt}
	if amounts > 0 {
		header = append(header, ColAmount)
	}
	out, err := createCSV(path, header)
	if err != nil {
		return 0, err
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT lead_id, converted_at, amount FROM outcomes WHERE status = ? ORDER BY id`), Won)
	if err != nil {
		out.f.Abort()
		return 0, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	defer rows.Close()
	rec := make([]string, len(header))
	var n int64
	for rows.Next() {
		var id string
		var at int64
		var amount sql.NullFloat64
		if err := rows.Scan(&id, &at, &amount); err != nil {
			out.f.Abort()
			return 0, err
		}
		rec[0], rec[1] = id, formatTime(at)
		if len(rec) > 2 {
			rec[2] = ""
			if amount.Valid {
				rec[2] = strconv.FormatFloat(amount.Float64, 'g', -1, 64)
			}
		}
		if err := out.w.Write(rec); err != nil {
			out.f.Abort()
			return 0, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		out.f.Abort()
		return 0, err
	}
	return n, out.commit()
}

// ExportDir makes a temporary directory for Export; remove it when done.
func ExportDir() (string, error) { return os.MkdirTemp("", "leadscore-store-export-") }
