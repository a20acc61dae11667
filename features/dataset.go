package features

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/leadscore/leadscore/datasets"
)

// Inputs are the tables a Dataset is built from. For flat data (one row per
// lead with a target column) Events and Outcomes are nil. AsOf, when set, is
// the end of the data: the moment the export was taken. When zero it is the
// latest timestamp seen in leads, events and outcomes.
type Inputs struct {
	Leads    *datasets.Table
	Events   *datasets.Table
	Outcomes *datasets.Table
	AsOf     time.Time
	// ValidFrom, when set, makes Leads a field history: row i of Leads is
	// a version of its lead's fields, valid from ValidFrom[i] (Unix
	// nanoseconds) until the lead's next version, and the rows of a lead
	// are its versions (not duplicates), in any order. Every example then
	// sees the version valid at its cutoff: the latest one valid from the
	// cutoff or earlier, never one valid from a later time. The lead's id
	// and creation time come from its first row. When nil, each lead has
	// one row, valid from its creation (a leads file).
	ValidFrom []int64
}

// BuildReport counts what happened to the input rows while building a
// Dataset, so that nothing is dropped silently.
type BuildReport struct {
	// Mode is "flat" (one labelled row per lead), "snapshots" (leads, events
	// and outcomes) or "scoring" (one unlabelled row per lead).
	Mode string `json:"mode"`
	// Leads is the number of distinct leads read.
	Leads int `json:"leads"`
	// Rows is the number of rows (examples) in the Dataset.
	Rows int `json:"rows"`
	// Positives is the number of rows labelled 1.
	Positives int `json:"positives"`
	// DroppedAfterConversion counts snapshots at or after the lead's
	// conversion (the outcome was already known).
	DroppedAfterConversion int `json:"dropped_after_conversion"`
	// Censored counts snapshots whose horizon had not fully elapsed by AsOf:
	// their label is unknown, so they are dropped, never labelled negative.
	Censored int `json:"censored"`
	// Unlabeled counts flat rows with a missing target.
	Unlabeled int `json:"unlabeled"`
	// MissingCreated counts leads without a creation time (no snapshots).
	MissingCreated int `json:"missing_created"`
	// CreatedAfterCutoff counts leads created after the scoring cutoff.
	CreatedAfterCutoff int `json:"created_after_cutoff,omitempty"`
	// AlreadyConverted counts scored leads that converted before the cutoff.
	AlreadyConverted int `json:"already_converted,omitempty"`
	// DuplicateLeadIDs counts lead rows whose id was seen before (ignored).
	DuplicateLeadIDs int `json:"duplicate_lead_ids"`
	// MissingLeadIDs counts lead rows without an id (ignored).
	MissingLeadIDs int `json:"missing_lead_ids"`
	// Events is the number of event rows read.
	Events int `json:"events"`
	// EventsUnknownLead counts events whose lead id is not in the leads table.
	EventsUnknownLead int `json:"events_unknown_lead"`
	// EventsMissingLeadID counts events without a lead id.
	EventsMissingLeadID int `json:"events_missing_lead_id"`
	// EventsMissingTimestamp counts events without a timestamp.
	EventsMissingTimestamp int `json:"events_missing_timestamp"`
	// EventsMissingType counts events without a type (they still count in
	// the all-activity features).
	EventsMissingType int `json:"events_missing_type"`
	// EventsKeyOverflow counts events of types, pages or attribute values
	// beyond the MaxKeys limit (they still count in the all-activity features).
	EventsKeyOverflow int `json:"events_key_overflow"`
	// EventKeys is the number of distinct event keys aggregated.
	EventKeys int `json:"event_keys"`
	// OutcomesUnknownLead counts outcomes whose lead id is not in the leads table.
	OutcomesUnknownLead int `json:"outcomes_unknown_lead"`
	// OutcomesMissingTime counts outcomes without a conversion time (ignored).
	OutcomesMissingTime int `json:"outcomes_missing_time"`
	// AsOf is the end of the data used for censoring (or the scoring cutoff).
	AsOf time.Time `json:"as_of"`
	// SnapshotDays are the snapshot ages in days (snapshots mode), and
	// SnapshotsDerived says whether SnapshotSchedule derived them from the
	// data because none were configured.
	SnapshotDays     []int `json:"snapshot_days,omitempty"`
	SnapshotsDerived bool  `json:"snapshots_derived,omitempty"`
	// Sampling is set when Config.MaxExamples made the build keep a sample
	// of the leads (nil: every example was kept).
	Sampling *Sampling `json:"sampling,omitempty"`
}

// Sampling describes the lead sample of a build capped by
// Config.MaxExamples. A lead is kept, with all its examples, when the
// 64-bit FNV-1a hash of its id, mixed by SplitMix64's finalizer and
// divided by 2^64, is below Rate, so the
// sample depends on the lead ids alone: not on the order of the rows, the
// seed or the machine. Rate is MaxExamples / Examples, so about MaxExamples
// examples are kept (censored snapshots are dropped afterwards, as without
// sampling), and every kept example weighs Weight = 1/Rate in the fits and
// calibrations: the weighted sample stands for the whole population.
type Sampling struct {
	MaxExamples int `json:"max_examples"`
	// Examples and Leads are the examples (before censoring) and the
	// leads with at least one example, before sampling; ExamplesKept and
	// LeadsKept those kept.
	Examples     int     `json:"examples"`
	ExamplesKept int     `json:"examples_kept"`
	Leads        int     `json:"leads"`
	LeadsKept    int     `json:"leads_kept"`
	Rate         float64 `json:"rate"`
	Weight       float64 `json:"weight"`
	Method       string  `json:"method"`
}

// SampleWeight is the weight of every example of the Dataset: 1/rate of
// its lead sample (Report.Sampling), or 1 when every example was kept.
func (d *Dataset) SampleWeight() float64 {
	if d.Report.Sampling == nil {
		return 1
	}
	return d.Report.Sampling.Weight
}

// Dataset is a set of examples: one row per (lead, cutoff), with its label
// and the raw, unencoded feature values known at the cutoff. Lead fields are
// kept as a reference to the leads table; event aggregates are kept per row
// and event key, so memory grows with rows x features, never with events.
type Dataset struct {
	// Rows is the number of examples.
	Rows int
	// LeadIDs, Cutoffs, Created, Labels, ConvertedAt, Amounts and LeadRows
	// are per row. Created is zero when unknown; Labels are 1 (converted
	// within the horizon after the cutoff), 0, or NaN for scoring rows;
	// ConvertedAt is zero when the lead is not known to have converted;
	// Amounts is the deal amount (NaN when none); LeadRows is the row of the
	// lead in Leads.
	LeadIDs     []string
	Cutoffs     []time.Time
	Created     []time.Time
	Labels      []float64
	ConvertedAt []time.Time
	Amounts     []float64
	LeadRows    []int
	// Leads is the leads table the lead fields are read from.
	Leads *datasets.Table
	// Report counts leads, snapshots and dropped rows.
	Report BuildReport

	cfg       Config
	defs      []Feature
	cutoffNs  []int64
	createdNs []int64
	leadOf    []int32 // index into the event store's leads
	leadRow   []int32 // the leads-table row of each lead's first version
	fold      folder
	keys      []string
	keyIndex  map[string]int
	states    [][]aggState // per key, per row
	extra     []rowExtra   // per row
	active    []uint64     // per row, fold.words words
	hasEvents bool
	store     *eventStore
	// eventAttrs are the event attribute columns aggregated.
	eventAttrs []string
	// srcRow is each row's number in the build, as BuildByLead's visit
	// saw it (SourceRow).
	srcRow []int32
	// typeFirst holds, per lead, the first time of each event type when
	// the events were streamed by lead (BuildByLead), and typeNames the
	// type names it indexes; nil otherwise.
	typeFirst [][]typeFirst
	typeNames []string
}

// Build builds a training Dataset. With Outcomes it takes snapshots of every
// lead at created + SnapshotDays, labels each by conversion within
// HorizonDays, drops snapshots at or after conversion and censors those whose
// horizon ends after AsOf. Without Outcomes the leads table is flat: one row
// per lead labelled by cfg.Target. Events, if given, are aggregated as of
// each row's cutoff and kept so that Lead can return them.
func Build(cfg Config, in Inputs) (*Dataset, error) {
	return build(cfg, in, tableOnce(in.Events), buildMode(in), time.Time{}, true, in.Events != nil)
}

// BuildStreaming is Build with events read batch by batch from next, which
// returns io.EOF after the last batch. Events may come in any order; memory
// stays bounded by rows x features. When keepEvents is false the events are
// not stored and Lead returns leads without events. in.Events is ignored.
func BuildStreaming(cfg Config, in Inputs, next func() (*datasets.Table, error), keepEvents bool) (*Dataset, error) {
	if next == nil {
		next = tableOnce(nil)
	}
	return build(cfg, in, next, buildMode(in), time.Time{}, keepEvents, true)
}

// ErrEventsNotGrouped is returned by BuildByLead when an event of a lead
// comes after events of another lead that followed the lead's earlier
// events: the events are not grouped by lead.
var ErrEventsNotGrouped = errors.New("events are not grouped by lead")

// BuildByLead is BuildStreaming for events grouped by lead: all the events
// of a lead come together, in any order of leads and times (a file written
// in lead order, or a query ORDER BY lead id). Memory stays bounded by the
// rows x features plus one lead's events. When all the events of a lead
// have been read, visit (when not nil) is called once for each of the
// lead's rows (censored snapshots included) with the row's number in the
// build (see SourceRow) and the Lead as Dataset.Lead would return it, with
// its events strictly before the cutoff; then the lead's events are
// dropped. Leads without events are visited at the end. When an event of a
// lead comes after other leads' events that followed the lead's earlier
// ones, BuildByLead stops with an error wrapping ErrEventsNotGrouped and
// naming the line: read such events with Build or BuildStreaming.
// Dataset.Lead returns leads without events.
func BuildByLead(cfg Config, in Inputs, next func() (*datasets.Table, error), visit func(row int, l *Lead)) (*Dataset, error) {
	if next == nil {
		next = tableOnce(nil)
	}
	return buildWith(cfg, in, next, buildMode(in), time.Time{}, false, true, &leadStream{visit: visit, cur: -1})
}

// LeadGroup returns a number that row i shares with exactly the other rows
// of its lead: the leads-table row of the lead's first version (LeadRows
// when every lead has one row). Group rows by it, not by LeadRows, whose
// rows differ between the snapshots of a lead whose fields changed.
func (d *Dataset) LeadGroup(i int) int { return int(d.leadRow[d.leadOf[i]]) }

// SourceRow returns the number of row i in the build: the row number
// BuildByLead's visit received for it (censored rows are dropped from the
// Dataset, so the two differ).
func (d *Dataset) SourceRow(i int) int { return int(d.srcRow[i]) }

// buildMode is "snapshots" with an outcomes table, else "flat".
func buildMode(in Inputs) string {
	if in.Outcomes != nil {
		return "snapshots"
	}
	return "flat"
}

// ScoringDataset builds one unlabelled row per lead, scored at cutoff (when
// zero: in.AsOf, or the current time when that is zero too). Leads created
// after the cutoff are skipped and counted; events at or after it are
// ignored. A flat table with a Time column is scored at each row's time.
func ScoringDataset(cfg Config, in Inputs, cutoff time.Time) (*Dataset, error) {
	if cutoff.IsZero() {
		cutoff = in.AsOf
	}
	if cutoff.IsZero() {
		cutoff = time.Now().UTC()
	}
	return build(cfg, in, tableOnce(in.Events), "scoring", cutoff, true, in.Events != nil)
}

// tableOnce returns a batch source that yields t once (nothing when nil).
func tableOnce(t *datasets.Table) func() (*datasets.Table, error) {
	done := t == nil
	return func() (*datasets.Table, error) {
		if done {
			return nil, io.EOF
		}
		done = true
		return t, nil
	}
}

// builder holds the state of one build.
type builder struct {
	cfg  Config
	mode string
	rep  BuildReport
	d    *Dataset

	leads      *datasets.Table
	idCol      *datasets.Column
	createdCol *datasets.Column
	leadIndex  map[string]int32
	leadRow    []int32 // table row per lead
	leadConv   []int64 // conversion time per lead, or MissingTime
	leadAmount []float64
	rowStart   []int32 // first row per lead
	rowCount   []int32 // rows per lead

	rowLead   []int32
	rowCutoff []int64
	rowLabel  []float64
	rowVer    []int32 // the leads-table row of the fields each row sees

	// hist indexes the field versions (Inputs.ValidFrom); nil when each
	// lead has one row.
	hist *fieldHistory

	maxTs int64

	ev eventReader
}

func build(cfg Config, in Inputs, next func() (*datasets.Table, error), mode string, cutoff time.Time, keepEvents, withEvents bool) (*Dataset, error) {
	return buildWith(cfg, in, next, mode, cutoff, keepEvents, withEvents, nil)
}

// buildWith is build, with the events streamed by lead when stream is set.
func buildWith(cfg Config, in Inputs, next func() (*datasets.Table, error), mode string, cutoff time.Time, keepEvents, withEvents bool, stream *leadStream) (*Dataset, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if in.Leads == nil {
		return nil, errors.New("build dataset: no leads table given")
	}
	b := &builder{cfg: cfg, mode: mode, leads: in.Leads, maxTs: math.MinInt64}
	b.rep.Mode = mode
	if err := checkValidFrom(in.Leads, in.ValidFrom); err != nil {
		return nil, err
	}
	if err := b.readLeads(in.ValidFrom); err != nil {
		return nil, err
	}
	if err := b.readOutcomes(in.Outcomes); err != nil {
		return nil, err
	}
	var err error
	switch mode {
	case "flat":
		err = b.flatRows(in.AsOf, withEvents)
	case "snapshots":
		if len(b.cfg.SnapshotDays) == 0 {
			b.deriveSchedule(in.AsOf)
		}
		err = b.snapshotRows()
	case "scoring":
		err = b.scoringRows(cutoff)
	}
	if err != nil {
		return nil, err
	}
	if mode != "scoring" {
		b.sampleLeads()
	}
	b.ev = newEventReader(cfg, len(b.rowLead), keepEvents)
	if stream != nil {
		stream.done = make([]bool, len(b.leadRow))
		stream.first = make([][]typeFirst, len(b.leadRow))
		b.ev.stream = stream
	}
	for {
		t, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read events: %w", err)
		}
		if t == nil {
			continue
		}
		if err := b.ev.fold(b, t); err != nil {
			return nil, err
		}
	}
	if stream != nil {
		b.ev.finishStream(b)
	}
	b.maxTs = max(b.maxTs, b.ev.maxTs)
	if mode == "snapshots" {
		end := b.maxTs
		if !in.AsOf.IsZero() {
			end = in.AsOf.UnixNano()
		}
		b.rep.AsOf = time.Unix(0, end).UTC()
		b.labelAndCensor(end)
	}
	return b.finish(), nil
}

// idString returns the id in row i of c ("" when missing).
func idString(c *datasets.Column, i int) string {
	if c.IsMissing(i) {
		return ""
	}
	return c.String(i)
}

// readLeads indexes the leads of the leads table (and, with validFrom,
// their field versions).
func (b *builder) readLeads(validFrom []int64) error {
	t := b.leads
	var err error
	if b.idCol, err = t.MustCol(b.cfg.ID); err != nil {
		return fmt.Errorf("leads: %w; set id in leadscore.yaml to the lead id column", err)
	}
	if c := t.Col(b.cfg.Created); c != nil {
		if c.Kind != datasets.KindTime {
			return fmt.Errorf("%s: column %q is %s, not a timestamp; declare it as a timestamp or set created to the creation-time column", t.Source, c.Name, c.Kind)
		}
		b.createdCol = c
	} else if b.mode == "snapshots" {
		return fmt.Errorf("leads: %w; snapshots need the creation time: set created in leadscore.yaml", mustColErr(t, b.cfg.Created))
	}
	n := t.Rows()
	b.leadIndex = make(map[string]int32, n)
	var leadOfRow []int32
	if validFrom != nil {
		leadOfRow = make([]int32, n)
	}
	for i := 0; i < n; i++ {
		id := idString(b.idCol, i)
		if id == "" {
			b.rep.MissingLeadIDs++
			if leadOfRow != nil {
				leadOfRow[i] = -1
			}
			continue
		}
		if li, dup := b.leadIndex[id]; dup {
			if leadOfRow != nil {
				leadOfRow[i] = li // another version of the lead's fields
				continue
			}
			b.rep.DuplicateLeadIDs++
			continue
		}
		if leadOfRow != nil {
			leadOfRow[i] = int32(len(b.leadRow))
		}
		b.leadIndex[id] = int32(len(b.leadRow))
		b.leadRow = append(b.leadRow, int32(i))
		if b.createdCol != nil && b.createdCol.Time[i] != datasets.MissingTime {
			b.maxTs = max(b.maxTs, b.createdCol.Time[i])
		}
	}
	b.rep.Leads = len(b.leadRow)
	if validFrom != nil {
		b.hist = newFieldHistory(validFrom, leadOfRow, len(b.leadRow))
	}
	b.leadConv = make([]int64, len(b.leadRow))
	b.leadAmount = make([]float64, len(b.leadRow))
	for i := range b.leadConv {
		b.leadConv[i] = datasets.MissingTime
		b.leadAmount[i] = math.NaN()
	}
	b.rowStart = make([]int32, len(b.leadRow))
	b.rowCount = make([]int32, len(b.leadRow))
	return nil
}

func mustColErr(t *datasets.Table, name string) error {
	_, err := t.MustCol(name)
	return err
}

func (b *builder) readOutcomes(t *datasets.Table) error {
	if t == nil {
		return nil
	}
	idc, err := t.MustCol(b.cfg.Outcomes.LeadID)
	if err != nil {
		return fmt.Errorf("outcomes: %w; set outcomes.lead_id in leadscore.yaml", err)
	}
	tc, err := t.MustCol(b.cfg.Outcomes.ConvertedAt)
	if err != nil {
		return fmt.Errorf("outcomes: %w; set outcomes.converted_at in leadscore.yaml", err)
	}
	if tc.Kind != datasets.KindTime {
		return fmt.Errorf("%s: column %q is %s, not a timestamp; declare it as a timestamp", t.Source, tc.Name, tc.Kind)
	}
	amt := t.Col(b.cfg.Outcomes.Amount)
	if amt != nil && amt.Kind != datasets.KindNumber {
		amt = nil
	}
	for i := 0; i < t.Rows(); i++ {
		li, ok := b.leadIndex[idString(idc, i)]
		if !ok {
			b.rep.OutcomesUnknownLead++
			continue
		}
		ts := tc.Time[i]
		if ts == datasets.MissingTime {
			b.rep.OutcomesMissingTime++
			continue
		}
		b.maxTs = max(b.maxTs, ts)
		if c := b.leadConv[li]; c == datasets.MissingTime || ts < c {
			b.leadConv[li] = ts
		}
		if amt != nil && !math.IsNaN(amt.Num[i]) {
			if math.IsNaN(b.leadAmount[li]) {
				b.leadAmount[li] = 0
			}
			b.leadAmount[li] += amt.Num[i]
		}
	}
	return nil
}

// addRow adds a row of lead li at cutoff, seeing the lead's fields as of
// the cutoff.
func (b *builder) addRow(li int32, cutoff int64, label float64) error {
	ver, err := b.versionAt(li, cutoff)
	if err != nil {
		return err
	}
	if b.rowCount[li] == 0 {
		b.rowStart[li] = int32(len(b.rowLead))
	}
	b.rowCount[li]++
	b.rowLead = append(b.rowLead, li)
	b.rowCutoff = append(b.rowCutoff, cutoff)
	b.rowLabel = append(b.rowLabel, label)
	b.rowVer = append(b.rowVer, ver)
	return nil
}

func (b *builder) created(li int32) int64 {
	if b.createdCol == nil {
		return datasets.MissingTime
	}
	return b.createdCol.Time[b.leadRow[li]]
}

// sampleLeads keeps a deterministic sample of the leads when the rows
// exceed cfg.MaxExamples (see Sampling). A lead's rows are contiguous, in
// lead order, and stay so.
func (b *builder) sampleLeads() {
	n, maxRows := len(b.rowLead), b.cfg.MaxExamples
	if maxRows <= 0 || n <= maxRows {
		return
	}
	rate := float64(maxRows) / float64(n)
	keep := make([]bool, len(b.leadRow))
	sp := &Sampling{MaxExamples: maxRows, Examples: n, Rate: rate, Weight: 1 / rate,
		Method: "lead kept when splitmix64(fnv1a64(lead id)) / 2^64 < rate; weight 1/rate"}
	for li, row := range b.leadRow {
		if b.rowCount[li] == 0 {
			continue
		}
		sp.Leads++
		if SampledIn(idString(b.idCol, int(row)), rate) {
			keep[li] = true
			sp.LeadsKept++
		}
	}
	w := 0
	for r := range n {
		if li := b.rowLead[r]; keep[li] {
			b.rowLead[w], b.rowCutoff[w], b.rowLabel[w], b.rowVer[w] = li, b.rowCutoff[r], b.rowLabel[r], b.rowVer[r]
			w++
		}
	}
	b.rowLead, b.rowCutoff, b.rowLabel, b.rowVer = b.rowLead[:w], b.rowCutoff[:w], b.rowLabel[:w], b.rowVer[:w]
	clear(b.rowCount)
	for r, li := range b.rowLead {
		if b.rowCount[li] == 0 {
			b.rowStart[li] = int32(r)
		}
		b.rowCount[li]++
	}
	sp.ExamplesKept = w
	b.rep.Sampling = sp
}

// SampledIn says whether a lead with this id is in a sample at rate: the
// 64-bit FNV-1a hash of the id, mixed by SplitMix64's finalizer and
// divided by 2^64, is below rate.
func SampledIn(id string, rate float64) bool {
	h := fnv.New64a()
	h.Write([]byte(id))
	// FNV-1a's high bits barely change between ids that differ in their
	// last characters (L000001, L000002, ...): mix them with SplitMix64's
	// finalizer before comparing.
	x := h.Sum64()
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x) < rate*(1<<64)
}

// leadAt returns build row r as a Lead without events, as Dataset.Lead
// returns it.
func (b *builder) leadAt(r int) *Lead {
	li := b.rowLead[r]
	l := &Lead{ID: idString(b.idCol, int(b.leadRow[li])), Fields: leadFields(b.cfg, b.leads, int(b.rowVer[r]))}
	if c := b.created(li); c != datasets.MissingTime {
		l.Created = time.Unix(0, c).UTC()
	}
	if c := b.rowCutoff[r]; c != math.MaxInt64 {
		l.Cutoff = time.Unix(0, c).UTC()
	}
	return l
}

// deriveSchedule sets the snapshot ages from the data (SnapshotSchedule),
// with the end of the data as known before the events are read: asOf, else
// the latest creation or conversion time.
func (b *builder) deriveSchedule(asOf time.Time) {
	end := asOf
	if end.IsZero() && b.maxTs != math.MinInt64 {
		end = time.Unix(0, b.maxTs)
	}
	created := make([]int64, len(b.leadRow))
	for li := range b.leadRow {
		created[li] = b.created(int32(li))
	}
	b.cfg.SnapshotDays = SnapshotSchedule(created, end, b.cfg.HorizonDays)
	b.rep.SnapshotDays = slices.Clone(b.cfg.SnapshotDays)
	b.rep.SnapshotsDerived = true
}

// snapshotRows adds a row per lead and snapshot day, dropping snapshots at or
// after conversion. Labels and censoring wait for the end of the data.
func (b *builder) snapshotRows() error {
	if b.rep.SnapshotDays == nil {
		b.rep.SnapshotDays = slices.Clone(b.cfg.SnapshotDays)
	}
	for li := range b.leadRow {
		c := b.created(int32(li))
		if c == datasets.MissingTime {
			b.rep.MissingCreated++
			continue
		}
		for _, d := range b.cfg.SnapshotDays {
			cut := c + int64(d)*dayNs
			if conv := b.leadConv[li]; conv != datasets.MissingTime && conv <= cut {
				b.rep.DroppedAfterConversion++
				continue
			}
			if err := b.addRow(int32(li), cut, math.NaN()); err != nil {
				return err
			}
		}
	}
	return nil
}

// labelAndCensor labels every snapshot whose horizon ended by end and
// marks the others censored (label stays NaN, the row is dropped in finish).
func (b *builder) labelAndCensor(end int64) {
	h := int64(b.cfg.HorizonDays) * dayNs
	for r, li := range b.rowLead {
		cut := b.rowCutoff[r]
		if cut+h > end {
			b.rep.Censored++
			continue
		}
		if conv := b.leadConv[li]; conv != datasets.MissingTime && conv > cut && conv <= cut+h {
			b.rowLabel[r] = 1
		} else {
			b.rowLabel[r] = 0
		}
	}
}

// flatRows adds one labelled row per lead of a flat table.
func (b *builder) flatRows(asOf time.Time, withEvents bool) error {
	if b.cfg.Target == "" {
		return errors.New("build dataset: no outcomes table and no target column: set target in leadscore.yaml to the 0/1 conversion column of a flat lead table, or give an outcomes table")
	}
	tc, err := b.leads.MustCol(b.cfg.Target)
	if err != nil {
		return fmt.Errorf("leads: %w; set target in leadscore.yaml", err)
	}
	cutoffs, err := b.flatCutoffs(asOf, withEvents)
	if err != nil {
		return err
	}
	for li, row := range b.leadRow {
		y, err := targetValue(tc, int(row), b.leads)
		if err != nil {
			return err
		}
		if math.IsNaN(y) {
			b.rep.Unlabeled++
			continue
		}
		if err := b.addRow(int32(li), cutoffs[li], y); err != nil {
			return err
		}
	}
	return nil
}

// flatCutoffs returns each lead's cutoff: its Time value, else asOf, else the
// latest timestamp in the leads table.
func (b *builder) flatCutoffs(asOf time.Time, withEvents bool) ([]int64, error) {
	fallback := int64(math.MaxInt64)
	if !asOf.IsZero() {
		fallback = asOf.UnixNano()
	} else {
		for _, c := range b.leads.Columns {
			if c.Kind != datasets.KindTime {
				continue
			}
			for _, t := range c.Time {
				if t != datasets.MissingTime && (fallback == math.MaxInt64 || t > fallback) {
					fallback = t
				}
			}
		}
	}
	var timeCol *datasets.Column
	if b.cfg.Time != "" {
		c, err := b.leads.MustCol(b.cfg.Time)
		if err != nil {
			return nil, fmt.Errorf("leads: %w; set time in leadscore.yaml or leave it empty", err)
		}
		if c.Kind != datasets.KindTime {
			return nil, fmt.Errorf("%s: column %q is %s, not a timestamp", b.leads.Source, c.Name, c.Kind)
		}
		timeCol = c
	}
	if withEvents && timeCol == nil && asOf.IsZero() {
		return nil, errors.New("build dataset: events with a flat lead table need a scoring moment: set time in leadscore.yaml to a timestamp column, or give AsOf")
	}
	out := make([]int64, len(b.leadRow))
	for li, row := range b.leadRow {
		out[li] = fallback
		if timeCol != nil && timeCol.Time[row] != datasets.MissingTime {
			out[li] = timeCol.Time[row]
		}
	}
	return out, nil
}

// scoringRows adds one unlabelled row per lead at cutoff (or at the row's
// Time value for a flat table with a Time column).
func (b *builder) scoringRows(cutoff time.Time) error {
	cut := cutoff.UnixNano()
	b.rep.AsOf = cutoff.UTC()
	var timeCol *datasets.Column
	if b.cfg.Time != "" {
		if c := b.leads.Col(b.cfg.Time); c != nil && c.Kind == datasets.KindTime {
			timeCol = c
		}
	}
	for li, row := range b.leadRow {
		c := cut
		if timeCol != nil && timeCol.Time[row] != datasets.MissingTime {
			c = timeCol.Time[row]
		}
		if cr := b.created(int32(li)); cr != datasets.MissingTime && cr > c {
			b.rep.CreatedAfterCutoff++
			continue
		}
		if conv := b.leadConv[li]; conv != datasets.MissingTime && conv <= c {
			b.rep.AlreadyConverted++
		}
		if err := b.addRow(int32(li), c, math.NaN()); err != nil {
			return err
		}
	}
	return nil
}

// targetValue reads a 0/1 label: numbers and booleans (non-zero is 1) and
// text such as yes/no, true/false, converted/not converted, won/lost.
func targetValue(c *datasets.Column, i int, t *datasets.Table) (float64, error) {
	if c.IsMissing(i) {
		return math.NaN(), nil
	}
	switch c.Kind {
	case datasets.KindNumber, datasets.KindBool:
		v := c.Num[i]
		if v != 0 && v != 1 {
			return 0, fmt.Errorf("%s line %d: target column %q has value %g: expected 0 or 1", t.Source, lineOf(t, i), c.Name, v)
		}
		return v, nil
	case datasets.KindCategory, datasets.KindText:
		s := strings.ToLower(strings.TrimSpace(c.Dict.Value(c.Codes[i])))
		switch s {
		case "1", "yes", "y", "true", "t", "converted", "won", "closed won", "closed_won", "positive":
			return 1, nil
		case "0", "no", "n", "false", "f", "not converted", "not_converted", "lost", "closed lost", "closed_lost", "negative":
			return 0, nil
		}
		return 0, fmt.Errorf("%s line %d: target column %q has value %q: expected 0/1, yes/no, true/false or converted/not converted", t.Source, lineOf(t, i), c.Name, c.Dict.Value(c.Codes[i]))
	}
	return 0, fmt.Errorf("%s: target column %q is a %s; it must be a number, boolean or category", t.Source, c.Name, c.Kind)
}

func lineOf(t *datasets.Table, i int) int64 {
	if i < len(t.Line) {
		return t.Line[i]
	}
	return int64(i + 1)
}

// finish drops censored rows and fills the Dataset.
func (b *builder) finish() *Dataset {
	keep := make([]int, 0, len(b.rowLead))
	for r := range b.rowLead {
		if b.mode == "snapshots" && math.IsNaN(b.rowLabel[r]) {
			continue
		}
		keep = append(keep, r)
	}
	n := len(keep)
	d := &Dataset{
		Rows: n, LeadIDs: make([]string, n), Cutoffs: make([]time.Time, n), Created: make([]time.Time, n),
		Labels: make([]float64, n), ConvertedAt: make([]time.Time, n), Amounts: make([]float64, n),
		LeadRows: make([]int, n), Leads: b.leads, cfg: b.cfg, leadRow: b.leadRow,
		cutoffNs: make([]int64, n), createdNs: make([]int64, n), leadOf: make([]int32, n), srcRow: make([]int32, n),
	}
	ev := &b.ev
	d.fold, d.keys, d.keyIndex, d.hasEvents = ev.agg, ev.keys, ev.keyIndex, ev.seen
	// Compact the aggregates in place: keep is increasing, so row j never
	// overwrites a row still to be read.
	w := d.fold.words
	for j, r := range keep {
		if j == r {
			continue
		}
		ev.extra[j] = ev.extra[r]
		copy(ev.active[j*w:(j+1)*w], ev.active[r*w:(r+1)*w])
		for k := range ev.states {
			ev.states[k][j] = ev.states[k][r]
		}
	}
	d.extra = ev.extra[:n:n]
	d.active = ev.active[: n*w : n*w]
	d.states = make([][]aggState, len(ev.states))
	for k := range d.states {
		d.states[k] = ev.states[k][:n:n]
	}
	for j, r := range keep {
		li := b.rowLead[r]
		row := int(b.leadRow[li])
		d.LeadIDs[j] = idString(b.idCol, row)
		row = int(b.rowVer[r])
		d.cutoffNs[j] = b.rowCutoff[r]
		if b.rowCutoff[r] != math.MaxInt64 {
			d.Cutoffs[j] = time.Unix(0, b.rowCutoff[r]).UTC()
		}
		d.createdNs[j] = b.created(li)
		if d.createdNs[j] != datasets.MissingTime {
			d.Created[j] = time.Unix(0, d.createdNs[j]).UTC()
		}
		d.Labels[j] = b.rowLabel[r]
		if y := b.rowLabel[r]; y == 1 {
			b.rep.Positives++
		}
		if c := b.leadConv[li]; c != datasets.MissingTime {
			d.ConvertedAt[j] = time.Unix(0, c).UTC()
		}
		d.Amounts[j] = b.leadAmount[li]
		d.LeadRows[j] = row
		d.leadOf[j] = li
		d.srcRow[j] = int32(r)
	}
	if s := ev.stream; s != nil {
		d.typeFirst = s.first
		d.typeNames = make([]string, len(ev.types))
		for i, t := range ev.types {
			d.typeNames[i] = t.name
		}
	}
	if ev.store != nil {
		ev.finishStore()
		d.store = ev.store.finish(len(b.leadRow))
	}
	d.eventAttrs = ev.attrs

	b.rep.Rows = n
	b.rep.Events = ev.rep.Events
	b.rep.EventsUnknownLead = ev.rep.EventsUnknownLead
	b.rep.EventsMissingLeadID = ev.rep.EventsMissingLeadID
	b.rep.EventsMissingTimestamp = ev.rep.EventsMissingTimestamp
	b.rep.EventsMissingType = ev.rep.EventsMissingType
	b.rep.EventsKeyOverflow = ev.rep.EventsKeyOverflow
	b.rep.EventKeys = len(ev.keys)
	if b.rep.AsOf.IsZero() && b.maxTs != math.MinInt64 {
		b.rep.AsOf = time.Unix(0, b.maxTs).UTC()
	}
	d.Report = b.rep
	d.defs = d.catalog(ev)
	return d
}

// catalog lists the raw features the Dataset can provide.
func (d *Dataset) catalog(ev *eventReader) []Feature {
	var defs []Feature
	cfg := d.cfg
	skip := map[string]bool{cfg.ID: true, cfg.Created: true, cfg.Target: true, cfg.Time: true}
	for _, x := range cfg.Exclude {
		skip[x] = true
	}
	for _, c := range d.Leads.Columns {
		if skip[c.Name] {
			continue
		}
		f := Feature{Name: c.Name, Source: c.Name, Origin: originField, Field: c.Name}
		switch c.Kind {
		case datasets.KindNumber, datasets.KindBool:
		case datasets.KindCategory:
			f.Categorical = true
		case datasets.KindText:
			f.Categorical, f.text = true, true
		case datasets.KindTime:
			f.Origin = originFieldTime
			f.Source = c.Name + " (days before cutoff)"
		default:
			continue
		}
		defs = append(defs, f)
	}
	if d.Leads.Col(cfg.Created) != nil {
		defs = append(defs,
			Feature{Name: FeatureLeadAge, Source: "lead age (days)", Origin: originAge, Field: cfg.Created},
			Feature{Name: FeatureCreatedHour, Source: "hour created (UTC)", Origin: originHour, Field: cfg.Created, Categorical: true},
			Feature{Name: FeatureCreatedWeekday, Source: "weekday created (UTC)", Origin: originWeekday, Field: cfg.Created, Categorical: true},
		)
	}
	if !d.hasEvents {
		return defs
	}
	defs = append(defs, eventDefs(cfg, "")...)
	defs = append(defs, Feature{
		Name: "events:active_days", Source: fmt.Sprintf("active days in %d days", d.fold.activeDays), Origin: originActive,
	})
	if ev.emailSeen {
		defs = append(defs,
			Feature{Name: "email:open_rate", Source: "email open rate", Origin: originOpenRate},
			Feature{Name: "email:click_rate", Source: "email click rate", Origin: originClickRate},
		)
	}
	for s := 0; s < numSignals; s++ {
		if ev.sigSeen[s] {
			defs = append(defs, Feature{Name: signalNames[s].name, Source: signalNames[s].source, Origin: originSignal, Signal: s})
		}
	}
	keys := slices.Clone(d.keys)
	slices.Sort(keys)
	for _, k := range keys {
		defs = append(defs, eventDefs(cfg, k)...)
	}
	return defs
}

// Lead returns row i as a Lead: the lead's fields as of the lead record
// (all columns except the id and the target), its creation time, the row's
// cutoff and the events strictly before the cutoff, sorted by time. Events
// are empty when the Dataset was built with keepEvents false.
func (d *Dataset) Lead(i int) *Lead {
	l := &Lead{ID: d.LeadIDs[i], Created: d.Created[i], Cutoff: d.Cutoffs[i], Fields: leadFields(d.cfg, d.Leads, d.LeadRows[i])}
	if d.store != nil {
		l.Events = d.store.events(int(d.leadOf[i]), d.cutoffNs[i])
	}
	return l
}

// leadFields returns the fields of row of the leads table t: every column
// except the id and the target.
func leadFields(cfg Config, t *datasets.Table, row int) map[string]Value {
	f := make(map[string]Value, len(t.Columns))
	for _, c := range t.Columns {
		if c.Name == cfg.ID || c.Name == cfg.Target {
			continue
		}
		f[c.Name] = columnValue(c, row)
	}
	return f
}

// columnValue returns row i of c as a Value.
func columnValue(c *datasets.Column, i int) Value {
	v := Value{Kind: c.Kind, Missing: c.IsMissing(i)}
	if v.Missing {
		return v
	}
	switch c.Kind {
	case datasets.KindNumber, datasets.KindBool:
		v.Num = c.Num[i]
	case datasets.KindCategory, datasets.KindText:
		v.Str = c.Dict.Value(c.Codes[i])
	case datasets.KindTime:
		v.Time = time.Unix(0, c.Time[i]).UTC()
	}
	return v
}

// FeatureNames returns the names of the raw features the Dataset provides
// (before the audit and before Fit selects and encodes them).
func (d *Dataset) FeatureNames() []string {
	out := make([]string, len(d.defs))
	for i, f := range d.defs {
		out[i] = f.Name
	}
	return out
}

// trainEventTypes returns the event types of the events the rows in train
// see (those before each row's cutoff), sorted; nil when the dataset keeps
// no events (streamed) or there are more than maxEventTypes.
func (d *Dataset) trainEventTypes(train []int) []string {
	if d.typeFirst != nil {
		return d.streamedEventTypes(train)
	}
	s := d.store
	if s == nil {
		return nil
	}
	seen := make([]bool, len(s.typeNames))
	for _, i := range train {
		l := int(d.leadOf[i])
		for j := s.offsets[l]; j < s.offsets[l+1] && s.t[j] < d.cutoffNs[i]; j++ {
			if ti := s.typ[j]; ti >= 0 {
				seen[ti] = true
			}
		}
	}
	return seenTypes(seen, s.typeNames)
}

// streamedEventTypes is trainEventTypes for events streamed by lead: a row
// saw a type when the lead's first event of that type is before its cutoff.
func (d *Dataset) streamedEventTypes(train []int) []string {
	seen := make([]bool, len(d.typeNames))
	for _, i := range train {
		for _, f := range d.typeFirst[d.leadOf[i]] {
			if f.t < d.cutoffNs[i] {
				seen[f.typ] = true
			}
		}
	}
	return seenTypes(seen, d.typeNames)
}

// seenTypes is the names of the seen types, sorted; nil when there are
// more than maxEventTypes.
func seenTypes(seen []bool, names []string) []string {
	var out []string
	for ti, ok := range seen {
		if ok {
			out = append(out, names[ti])
		}
	}
	if len(out) > maxEventTypes {
		return nil
	}
	slices.Sort(out)
	return out
}
