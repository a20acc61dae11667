package models

import (
	"runtime"
	"sync"

	"github.com/leadscore/leadscore/features"
)

// ScoreAll scores every row of a scoring dataset with the same code path as a
// single lead (Scorer.Score), using threads goroutines (0: all cores).
// results[i] and errs[i] belong to row i: a row that cannot be scored has a
// nil result and its error.
func (b *Bundle) ScoreAll(ds *features.Dataset, opt ScoreOptions, threads int) (results []*Result, errs []error) {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	n := ds.Rows
	results = make([]*Result, n)
	errs = make([]error, n)
	// With GBM explanations and TreeSHAP tables larger than the cache, each
	// chunk's leads are explained together (gbm.SHAPMatrix): the tables are
	// read once per tree for the chunk instead of once per lead. The values
	// are bit for bit those of one lead at a time. (With small tables the
	// second encoding of every lead costs more than batching saves.)
	batchSHAP := opt.Explain != 0 && b.Scoring.Champion == GBM && b.GBM != nil && (BatchSHAPAlways || b.GBM.SHAPTablesLarge())
	chunk := 256
	if batchSHAP {
		chunk = 2048
	}
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < threads; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := b.NewScorer()
			var ex *chunkSHAP
			if batchSHAP {
				ex = newChunkSHAP(b, chunk)
			}
			leads := make([]*features.Lead, 0, chunk)
			for {
				mu.Lock()
				lo := next
				next += chunk
				mu.Unlock()
				if lo >= n {
					return
				}
				leads = leads[:0]
				for i := lo; i < min(lo+chunk, n); i++ {
					leads = append(leads, ds.Lead(i))
				}
				if ex != nil {
					ex.explain(leads)
				}
				for k, l := range leads {
					if ex != nil {
						s.shap, s.shapBase = ex.row(k), ex.base
					}
					results[lo+k], errs[lo+k] = s.Score(l, opt)
				}
				s.shap = nil
			}
		}()
	}
	wg.Wait()
	return results, errs
}

// BatchSHAPAlways makes ScoreAll explain a GBM champion a chunk of leads at
// a time whatever the size of its TreeSHAP tables. The results are the same
// either way, bit for bit; only the speed differs (tests set it to reach
// the chunked path with small models).
var BatchSHAPAlways = false

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

// explain computes the TreeSHAP values of leads, encoded as Scorer.Score
// encodes them.
func (c *chunkSHAP) explain(leads []*features.Lead) {
	X := &features.Matrix{Rows: len(leads), Cols: c.X.Cols, Data: c.X.Data[:len(leads)*c.X.Cols], Columns: c.X.Columns}
	for i, l := range leads {
		c.b.Spec.TransformLeadInto(l, nil, X.Row(i), &c.warn)
	}
	c.base = c.b.GBM.SHAPMatrix(X, c.phi[:len(X.Data)], 1)
}

// row returns the TreeSHAP values of lead k of the last chunk.
func (c *chunkSHAP) row(k int) []float64 { return c.phi[k*c.X.Cols : (k+1)*c.X.Cols] }
