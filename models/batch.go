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
	const chunk = 256
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < threads; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := b.NewScorer()
			for {
				mu.Lock()
				lo := next
				next += chunk
				mu.Unlock()
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+chunk, n); i++ {
					results[i], errs[i] = s.Score(ds.Lead(i), opt)
				}
			}
		}()
	}
	wg.Wait()
	return results, errs
}
