package models

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
)

// Rows is a table of leads for ScoreRows: Len rows, each turned into a lead
// by the worker that scores it.
type Rows interface {
	// Len is the number of rows.
	Len() int
	// Lead returns row i as a lead. Worker w (0 <= w < threads) calls it
	// for its own rows only, one at a time, so an implementation may keep
	// scratch per worker and reuse the lead once the row's result has been
	// emitted. It may be called twice for a row (the GBM's chunked
	// explanations read each lead twice) and must then return the same
	// lead. An error is the reason the row is not scored.
	Lead(w, i int) (*features.Lead, error)
}

// PanicError is the error of a row whose scoring panicked: a bug, recovered
// so that one lead cannot take a batch or a server down.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("internal error: %v", e.Value) }

// ScoreRows scores every row of rows through Scorer.ScoreInto, the one
// scoring path, on threads goroutines (0: GOMAXPROCS). Rows go to workers in
// chunks of consecutive rows, and emit(w, i, res, err) is called for each
// row i by worker w, in ascending order within a chunk. Exactly one of res
// and err is set; res is reused (its Rules, Explanation and Warnings too) and
// is valid only during the call. A panic while scoring a row becomes that
// row's *PanicError and the worker goes on with a fresh Scorer.
//
// With a GBM champion whose TreeSHAP tables exceed the cache, explanations
// are computed a chunk of leads at a time (gbm.SHAPMatrix reads the tables
// once per tree for the chunk instead of once per lead); the values are bit
// for bit those of one lead at a time.
func (b *Bundle) ScoreRows(rows Rows, opt ScoreOptions, threads int, emit func(w, i int, res *Result, err error)) {
	b.scoreRows(rows, opt, threads, b.batchSHAP(opt), nil, emit)
}

// Scorers is a pool of one bundle's Scorers, for a caller that scores many
// small tables (a server answering batches): making a Scorer costs a few
// hundred kilobytes of buffers, and the pool keeps them between tables.
// It is safe for concurrent use.
type Scorers struct {
	b    *Bundle
	pool sync.Pool
}

// NewScorers returns an empty pool of b's Scorers.
func (b *Bundle) NewScorers() *Scorers {
	p := &Scorers{b: b}
	p.pool.New = func() any { return b.NewScorer() }
	return p
}

// Get returns a Scorer of the pool's bundle, for one goroutine at a time.
func (p *Scorers) Get() *Scorer { return p.pool.Get().(*Scorer) }

// Put returns s to the pool. A Scorer whose scoring panicked must not be
// put back.
func (p *Scorers) Put(s *Scorer) { p.pool.Put(s) }

// ScoreRows is Bundle.ScoreRows with the pool's Scorers.
func (p *Scorers) ScoreRows(rows Rows, opt ScoreOptions, threads int, emit func(w, i int, res *Result, err error)) {
	p.b.scoreRows(rows, opt, threads, p.b.batchSHAP(opt), p, emit)
}

// batchSHAP says whether ScoreRows explains a chunk of leads at once: only
// for a GBM champion with large TreeSHAP tables (with small ones the second
// encoding of every lead costs more than batching saves).
func (b *Bundle) batchSHAP(opt ScoreOptions) bool {
	return opt.Explain != 0 && b.Scoring.Champion == GBM && b.GBM != nil && b.GBM.SHAPTablesLarge()
}

func (b *Bundle) scoreRows(rows Rows, opt ScoreOptions, threads int, batchSHAP bool, pool *Scorers, emit func(w, i int, res *Result, err error)) {
	n := rows.Len()
	if n == 0 {
		return
	}
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	chunk := min(max(n/(threads*4), 16), 512)
	if batchSHAP {
		chunk = 2048
	}
	nch := (n + chunk - 1) / chunk
	threads = min(threads, nch)
	var mu sync.Mutex
	next := 0
	work := func(w int) {
		var s *Scorer
		if pool != nil {
			s = pool.Get()
			defer func() { pool.Put(s) }()
		} else {
			s = b.NewScorer()
		}
		var ex *chunkSHAP
		if batchSHAP {
			ex = newChunkSHAP(b, chunk)
		}
		var res Result
		for {
			mu.Lock()
			lo := next
			next += chunk
			mu.Unlock()
			if lo >= n {
				return
			}
			hi := min(lo+chunk, n)
			if ex != nil {
				ex.explain(rows, w, lo, hi)
			}
			for i := lo; i < hi; i++ {
				if ex != nil {
					s.shap, s.shapBase = ex.row(i-lo), ex.base
				}
				if err := scoreRow(s, rows, w, i, opt, &res); err != nil {
					if _, ok := err.(*PanicError); ok {
						s = b.NewScorer()
					}
					emit(w, i, nil, err)
					continue
				}
				emit(w, i, &res, nil)
			}
			s.shap = nil
		}
	}
	if threads == 1 {
		work(0)
		return
	}
	var wg sync.WaitGroup
	for w := range threads {
		wg.Go(func() { work(w) })
	}
	wg.Wait()
}

// scoreRow reads row i and scores it into res, turning a panic into a
// *PanicError.
func scoreRow(s *Scorer, rows Rows, w, i int, opt ScoreOptions, res *Result) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	l, err := rows.Lead(w, i)
	if err != nil {
		return err
	}
	return s.ScoreInto(l, opt, res)
}

// chunkSHAP explains the GBM for a chunk of leads at once.
type chunkSHAP struct {
	b    *Bundle
	X    *features.Matrix // the leads' tree encodings
	phi  []float64
	base float64
	warn features.Warnings
}

func newChunkSHAP(b *Bundle, rows int) *chunkSHAP {
	cols := b.Spec.TreeColumns()
	return &chunkSHAP{b: b, X: features.NewMatrix(rows, cols), phi: make([]float64, rows*len(cols))}
}

// explain computes the TreeSHAP values of rows [lo, hi), encoded as
// Scorer.Score encodes them. A row that cannot be read is left as NaN (its
// error is reported when it is scored).
func (c *chunkSHAP) explain(rows Rows, w, lo, hi int) {
	X := &features.Matrix{Rows: hi - lo, Cols: c.X.Cols, Data: c.X.Data[:(hi-lo)*c.X.Cols], Columns: c.X.Columns}
	for i := lo; i < hi; i++ {
		row := X.Row(i - lo)
		l, err := rows.Lead(w, i)
		if err != nil {
			for j := range row {
				row[j] = 0
			}
			continue
		}
		c.b.Spec.MarkMissing(l)
		c.b.Spec.TransformLeadInto(l, nil, row, &c.warn)
	}
	c.base = c.b.GBM.SHAPMatrix(X, c.phi[:len(X.Data)], 1)
}

// row returns the TreeSHAP values of lead k of the last chunk.
func (c *chunkSHAP) row(k int) []float64 { return c.phi[k*c.X.Cols : (k+1)*c.X.Cols] }

// Scored is the outcome of one row of a scored table: its result, or the
// reason it was not scored.
type Scored struct {
	// Row is the row's index in the input (the leads table for
	// ScoreInputs, the dataset for ScoreDataset).
	Row int
	// LeadID is the row's lead id ("" when it has none).
	LeadID string
	// Result is nil when the row was not scored.
	Result *Result
	// Err is why the row was not scored.
	Err error
}

// datasetRows reads the rows of a Dataset as leads.
type datasetRows struct {
	ds   *features.Dataset
	rows []int
}

func (r datasetRows) Len() int { return len(r.rows) }

func (r datasetRows) Lead(_, i int) (*features.Lead, error) { return r.ds.Lead(r.rows[i]), nil }

// ScoreDataset scores rows of ds (every row when rows is nil) through the
// one scoring path on threads goroutines (0: GOMAXPROCS) and returns one
// Scored per row, in the order of rows, each with its own Result.
func (b *Bundle) ScoreDataset(ds *features.Dataset, rows []int, opt ScoreOptions, threads int) []Scored {
	if rows == nil {
		rows = make([]int, ds.Rows)
		for i := range rows {
			rows[i] = i
		}
	}
	out := make([]Scored, len(rows))
	b.ScoreRows(datasetRows{ds, rows}, opt, threads, func(_, i int, res *Result, err error) {
		out[i] = Scored{Row: rows[i], LeadID: ds.LeadIDs[rows[i]], Err: err}
		if res != nil {
			out[i].Result = res.clone()
		}
	})
	return out
}

// Clone returns a copy of r that shares nothing with a Scorer's reused
// buffers, for a caller of ScoreRows that keeps results past its emit.
func (r *Result) Clone() *Result { return r.clone() }

// clone returns a copy of r that shares nothing with a Scorer's reused
// buffers.
func (r *Result) clone() *Result {
	c := *r
	if r.Rules != nil {
		rr := *r.Rules
		rr.Fired = append(rr.Fired[:0:0], r.Rules.Fired...)
		c.Rules = &rr
	}
	if r.Explanation != nil {
		ex := *r.Explanation
		ex.Contributions = append(ex.Contributions[:0:0], r.Explanation.Contributions...)
		c.Explanation = &ex
	}
	c.Warnings = nil // as Score leaves it when there are none
	if len(r.Warnings) > 0 {
		c.Warnings = append([]Warning(nil), r.Warnings...)
	}
	return &c
}

// ScoreInputs scores a table of leads (with their events, if any) as of
// asOf (zero: now), the way `leadscore score` and the dashboard's upload
// do: every input row of in.Leads comes back, in input order, scored or
// with the reason it was not (no lead id, a duplicate id, created after
// asOf, a missing required field). The leads must have been read with the
// bundle's missing-value markers (ReadOptions.MissingValues). A leads table
// without a column the model requires is an error naming every such column.
func (b *Bundle) ScoreInputs(in features.Inputs, asOf time.Time, opt ScoreOptions, threads int) ([]Scored, error) {
	if err := b.Spec.CheckTable(in.Leads); err != nil {
		return nil, err
	}
	in.Outcomes = nil
	ds, err := features.ScoringDataset(b.Spec.Config, in, asOf)
	if err != nil {
		return nil, err
	}
	scored := b.ScoreDataset(ds, nil, opt, threads)
	out := make([]Scored, in.Leads.Rows())
	for i := range out {
		out[i].Row = -1
	}
	for _, s := range scored {
		r := ds.LeadRows[s.Row]
		out[r] = s
		out[r].Row = r
	}
	idCol := b.Spec.Config.WithDefaults().ID
	ids := in.Leads.Col(idCol)
	seen := make(map[string]bool, len(out))
	for r := range out {
		if out[r].Row >= 0 {
			seen[out[r].LeadID] = true
			continue
		}
		id := ""
		if ids != nil && !ids.IsMissing(r) {
			id = ids.String(r)
		}
		out[r] = Scored{Row: r, LeadID: id}
		switch {
		case id == "":
			out[r].Err = fmt.Errorf("no lead id in column %q", idCol)
		case seen[id]:
			out[r].Err = fmt.Errorf("duplicate lead id %s: only its first row is scored", id)
		default:
			out[r].Err = &CreatedAfterError{LeadID: id, Created: createdOf(in.Leads, b.Spec.Config.WithDefaults().Created, r), Cutoff: ds.Report.AsOf}
		}
		seen[id] = true
	}
	return out, nil
}

// createdOf returns row r's creation time from the leads table (zero when
// unknown).
func createdOf(t *datasets.Table, col string, r int) time.Time {
	c := t.Col(col)
	if c == nil || c.Kind != datasets.KindTime || c.IsMissing(r) {
		return time.Time{}
	}
	return time.Unix(0, c.Time[r]).UTC()
}
