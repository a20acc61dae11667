package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/leadscore/leadscore/datasets"
)

// ImportOptions are the files Import loads and how to read them. Empty
// column names take the defaults (the Col constants).
type ImportOptions struct {
	Leads, Events, Outcomes string
	Read                    datasets.ReadOptions
	// Leads file columns.
	ID, Created string
	// Events file columns; any other column is an attribute.
	EventLeadID, Timestamp, Type, EventID string
	// Outcomes file columns.
	OutcomeLeadID, ConvertedAt, Amount, Status string
	// Batch is the rows per transaction (default 5000).
	Batch int
	// Now is the moment recorded as the time of the writes (default:
	// time.Now).
	Now time.Time
	// Progress is called after every committed batch with the file and
	// the rows read from it so far.
	Progress func(file string, rows int64)
	// Until, when set, splits the history: rows timed at or after it (a
	// lead's created_at, an event's timestamp, an outcome's converted_at)
	// are not written but handed to Later, in file order, and counted as
	// held. A lead without a creation time is written.
	Until time.Time
	Later func(Item)
}

// Item is one row Import held back (ImportOptions.Until): a lead, an
// event or an outcome, the other two nil.
type Item struct {
	Lead    *Lead
	Event   *Event
	Outcome *Outcome
}

// At is when the item happened: the lead's creation, the event's
// timestamp, the outcome's conversion.
func (it Item) At() time.Time {
	switch {
	case it.Lead != nil:
		return it.Lead.Created
	case it.Event != nil:
		return it.Event.Time
	case it.Outcome != nil:
		return it.Outcome.ConvertedAt
	}
	return time.Time{}
}

// held reports whether a row timed at is held back for Later, and hands
// it over.
func (opt *ImportOptions) held(at time.Time, it Item, rep *FileReport) bool {
	if opt.Until.IsZero() || at.IsZero() || at.Before(opt.Until) {
		return false
	}
	rep.Held++
	if opt.Later != nil {
		opt.Later(it)
	}
	return true
}

// FileReport counts what happened to the rows of one file.
type FileReport struct {
	File string `json:"file"`
	// Rows were read; Loaded were written; Skipped were already stored
	// (a repeated event_id, a lead sent again with the same fields);
	// Rejected could not be stored, counted per reason in Reasons.
	Rows     int64            `json:"rows"`
	Loaded   int64            `json:"loaded"`
	Skipped  int64            `json:"skipped"`
	Rejected int64            `json:"rejected"`
	Reasons  map[string]int64 `json:"reasons,omitempty"`
	// Held were timed at or after ImportOptions.Until and handed to
	// Later instead.
	Held int64 `json:"held,omitempty"`
	// Unparsed says which values did not parse as their column's type
	// (they were stored as missing), as the reader reported them.
	Unparsed string `json:"unparsed,omitempty"`
}

func (r *FileReport) reject(reason string) {
	r.Rejected++
	if r.Reasons == nil {
		r.Reasons = map[string]int64{}
	}
	r.Reasons[reason]++
}

// ImportReport is what Import did, file by file.
type ImportReport struct {
	Leads, Events, Outcomes *FileReport
}

func def(s *string, v string) {
	if *s == "" {
		*s = v
	}
}

// Import bulk-loads leads, events and outcomes from files the table readers
// accept (CSV, Parquet, Arrow, JSON Lines), streaming batch by batch: each
// batch is one transaction, so memory stays bounded by the batch and an
// interrupted import keeps every batch it reported. Rows that cannot be
// stored (no lead id, no timestamp, ...) are counted with their reason.
func (s *Store) Import(ctx context.Context, opt ImportOptions) (*ImportReport, error) {
	def(&opt.ID, ColLeadID)
	def(&opt.Created, ColCreated)
	def(&opt.EventLeadID, ColLeadID)
	def(&opt.Timestamp, ColTimestamp)
	def(&opt.Type, ColType)
	def(&opt.EventID, ColEventID)
	def(&opt.OutcomeLeadID, ColLeadID)
	def(&opt.ConvertedAt, ColConvertedAt)
	def(&opt.Amount, ColAmount)
	def(&opt.Status, ColStatus)
	if opt.Batch <= 0 {
		opt.Batch = 5000
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	rep := &ImportReport{}
	var err error
	if opt.Leads != "" {
		if rep.Leads, err = s.importFile(ctx, opt, opt.Leads, []string{opt.ID}, s.leadBatch); err != nil {
			return rep, err
		}
	}
	if opt.Events != "" {
		if rep.Events, err = s.importFile(ctx, opt, opt.Events, []string{opt.EventLeadID, opt.Timestamp, opt.Type}, s.eventBatch); err != nil {
			return rep, err
		}
	}
	if opt.Outcomes != "" {
		if rep.Outcomes, err = s.importFile(ctx, opt, opt.Outcomes, []string{opt.OutcomeLeadID, opt.ConvertedAt}, s.outcomeBatch); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

type batchFunc func(ctx context.Context, opt ImportOptions, t *datasets.Table, rep *FileReport) error

func (s *Store) importFile(ctx context.Context, opt ImportOptions, path string, required []string, load batchFunc) (*FileReport, error) {
	ro := opt.Read
	ro.Required = required
	ro.BatchSize = opt.Batch
	r, err := datasets.Open(path, ro)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	rep := &FileReport{File: path}
	for {
		t, err := r.Next()
		var ve *datasets.ValueErrors
		switch {
		case errors.As(err, &ve):
			rep.Unparsed = ve.Error()
			return rep, nil
		case err == io.EOF:
			return rep, nil
		case err != nil:
			return rep, err
		}
		rep.Rows += int64(t.Rows())
		if err := load(ctx, opt, t, rep); err != nil {
			return rep, fmt.Errorf("import %s (rows up to line %d): %w", path, t.Line[len(t.Line)-1], err)
		}
		if opt.Progress != nil {
			opt.Progress(path, rep.Rows)
		}
	}
}

// timeAt reads a timestamp column: a time column as it is, or text in
// RFC 3339 (false when missing or not a time).
func timeAt(c *datasets.Column, i int) (time.Time, bool) {
	if c == nil || c.IsMissing(i) {
		return time.Time{}, false
	}
	if c.Kind == datasets.KindTime {
		return time.Unix(0, c.Time[i]).UTC(), true
	}
	t, err := time.Parse(time.RFC3339Nano, c.String(i))
	return t.UTC(), err == nil
}

// jsonValue is a cell as a JSON scalar (nil when missing).
func jsonValue(c *datasets.Column, i int) json.RawMessage {
	if c.IsMissing(i) {
		return nil
	}
	switch c.Kind {
	case datasets.KindNumber:
		if math.IsInf(c.Num[i], 0) {
			return nil
		}
		return json.RawMessage(strconv.FormatFloat(c.Num[i], 'g', -1, 64))
	case datasets.KindBool:
		if c.Num[i] != 0 {
			return json.RawMessage("true")
		}
		return json.RawMessage("false")
	}
	b, _ := json.Marshal(c.String(i))
	return b
}

func (s *Store) leadBatch(ctx context.Context, opt ImportOptions, t *datasets.Table, rep *FileReport) error {
	idc, cc := t.Col(opt.ID), t.Col(opt.Created)
	order := make([]string, 0, len(t.Columns))
	for _, c := range t.Columns {
		switch c.Name {
		case opt.ID:
			order = append(order, ColLeadID)
		case opt.Created:
			order = append(order, ColCreated)
		default:
			order = append(order, c.Name)
		}
	}
	leads := make([]Lead, 0, t.Rows())
	m := map[string]json.RawMessage{}
	for i := range t.Rows() {
		id := idc.String(i)
		if id == "" {
			rep.reject("no lead id (column " + opt.ID + ")")
			continue
		}
		l := Lead{ID: id}
		if cc != nil {
			var ok bool
			if l.Created, ok = timeAt(cc, i); !ok && !cc.IsMissing(i) {
				rep.reject("created_at is not a timestamp (column " + opt.Created + ")")
				continue
			}
		}
		clear(m)
		for _, c := range t.Columns {
			if c == idc || c == cc {
				continue
			}
			if v := jsonValue(c, i); v != nil {
				m[c.Name] = v
			}
		}
		b, err := json.Marshal(m)
		if err != nil {
			return err
		}
		l.Fields = b
		if opt.held(l.Created, Item{Lead: &l}, rep) {
			continue
		}
		leads = append(leads, l)
	}
	c, err := s.UpsertLeads(ctx, leads, opt.Now, order, NoRescore)
	rep.Loaded += int64(c.Created + c.Changed)
	rep.Skipped += int64(c.Unchanged)
	return err
}

func (s *Store) eventBatch(ctx context.Context, opt ImportOptions, t *datasets.Table, rep *FileReport) error {
	lc, tc, yc, ic := t.Col(opt.EventLeadID), t.Col(opt.Timestamp), t.Col(opt.Type), t.Col(opt.EventID)
	var attrs []*datasets.Column
	for _, c := range t.Columns {
		if c != lc && c != tc && c != yc && c != ic {
			attrs = append(attrs, c)
		}
	}
	events := make([]Event, 0, t.Rows())
	for i := range t.Rows() {
		e := Event{LeadID: lc.String(i), Type: yc.String(i)}
		var ok bool
		switch e.Time, ok = timeAt(tc, i); {
		case e.LeadID == "":
			rep.reject("no lead id (column " + opt.EventLeadID + ")")
			continue
		case !ok:
			rep.reject("no timestamp (column " + opt.Timestamp + ")")
			continue
		case e.Type == "":
			rep.reject("no type (column " + opt.Type + ")")
			continue
		}
		if ic != nil {
			e.EventID = ic.String(i)
		}
		for _, c := range attrs {
			if v := c.String(i); v != "" {
				if e.Attrs == nil {
					e.Attrs = make(map[string]string, len(attrs))
				}
				e.Attrs[c.Name] = v
			}
		}
		if opt.held(e.Time, Item{Event: &e}, rep) {
			continue
		}
		events = append(events, e)
	}
	n, err := s.AppendEvents(ctx, events, opt.Now, NoRescore)
	rep.Loaded += int64(n)
	rep.Skipped += int64(len(events) - n)
	return err
}

func (s *Store) outcomeBatch(ctx context.Context, opt ImportOptions, t *datasets.Table, rep *FileReport) error {
	lc, cc, ac, sc := t.Col(opt.OutcomeLeadID), t.Col(opt.ConvertedAt), t.Col(opt.Amount), t.Col(opt.Status)
	outs := make([]Outcome, 0, t.Rows())
	for i := range t.Rows() {
		o := Outcome{LeadID: lc.String(i), Amount: math.NaN()}
		var ok bool
		o.ConvertedAt, ok = timeAt(cc, i)
		if o.LeadID == "" {
			rep.reject("no lead id (column " + opt.OutcomeLeadID + ")")
			continue
		}
		if !ok {
			rep.reject("no conversion time (column " + opt.ConvertedAt + ")")
			continue
		}
		if ac != nil && !ac.IsMissing(i) {
			if ac.Kind != datasets.KindNumber {
				rep.reject("amount is not a number (column " + opt.Amount + ")")
				continue
			}
			o.Amount = ac.Num[i]
		}
		if sc != nil {
			o.Status = sc.String(i)
		}
		if e := CheckOutcome(&o); e != nil {
			rep.reject(e.Field + ": " + e.Message)
			continue
		}
		if opt.held(o.ConvertedAt, Item{Outcome: &o}, rep) {
			continue
		}
		outs = append(outs, o)
	}
	n, err := s.RecordOutcomes(ctx, outs, opt.Now, NoRescore)
	rep.Loaded += int64(n)
	return err
}
