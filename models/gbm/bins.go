package gbm

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/leadscore/leadscore/features"
)

// binSampleRows is the number of training rows used to place quantile bin
// boundaries (LightGBM's bin_construct_sample_cnt).
const binSampleRows = 200000

// featureBins maps the raw values of one column to bins 0..numBins-1.
//
// Numeric columns: bin b < numBins-1 holds values v with upper[b-1] < v <=
// upper[b] (upper[numBins-2] = +Inf), so "bin <= b" is the same test as
// "v <= upper[b]" on raw values. Categorical columns: bin b < numBins-2 holds
// category code codes[b]; bin numBins-2 holds every other code (seen too
// rarely to get a bin of its own, or unseen) and never goes left by choice.
// The last bin, numBins-1, always holds missing values (NaN).
type featureBins struct {
	categorical bool
	numBins     int
	upper       []float64 // numeric only
	codes       []int32   // categorical only: code of each regular bin
	codeBin     []uint8   // categorical only: bin of each code 0..Categories-1
}

// missingBin is the bin of NaN.
func (fb *featureBins) missingBin() int { return fb.numBins - 1 }

// otherBin is the bin of unseen or rare categories (categorical only).
func (fb *featureBins) otherBin() int { return fb.numBins - 2 }

// bin returns the bin of raw value v.
func (fb *featureBins) bin(v float64) uint8 {
	if math.IsNaN(v) {
		return uint8(fb.numBins - 1)
	}
	if fb.categorical {
		c := int(v)
		if float64(c) != v || c < 0 || c >= len(fb.codeBin) {
			return uint8(fb.otherBin())
		}
		return fb.codeBin[c]
	}
	// First b with v <= upper[b]; upper ends with +Inf.
	lo, hi := 0, len(fb.upper)-1
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if v <= fb.upper[mid] {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return uint8(lo)
}

// numericBins places at most maxBins-1 boundaries at quantiles of the sorted
// non-missing sample vals, never splitting equal values: each distinct value
// is its own bin when there are at most maxBins of them; otherwise bins are
// closed greedily once they hold n/maxBins values. Boundaries are midpoints
// between neighbouring distinct values.
func numericBins(vals []float64, maxBins int) featureBins {
	slices.Sort(vals)
	type dv struct {
		v float64
		n int
	}
	var distinct []dv
	for i, v := range vals {
		if i > 0 && v == vals[i-1] {
			distinct[len(distinct)-1].n++
			continue
		}
		distinct = append(distinct, dv{v, 1})
	}
	var upper []float64
	cut := func(a, b float64) {
		m := a + (b-a)/2
		if m >= b || m < a {
			m = a
		}
		upper = append(upper, m)
	}
	if len(distinct) <= maxBins {
		for i := 0; i+1 < len(distinct); i++ {
			cut(distinct[i].v, distinct[i+1].v)
		}
	} else {
		// Close a bin once it holds its share of the values not yet binned,
		// so a heavy value does not starve the bins after it.
		rest, cur, left := len(vals), 0, maxBins
		for i := 0; i+1 < len(distinct) && left > 1; i++ {
			cur += distinct[i].n
			if float64(cur) >= float64(rest)/float64(left) {
				cut(distinct[i].v, distinct[i+1].v)
				rest -= cur
				cur = 0
				left--
			}
		}
	}
	upper = append(upper, math.Inf(1))
	return featureBins{numBins: len(upper) + 1, upper: upper}
}

// categoricalBins gives a bin of its own to each of the (up to maxBins-2)
// most frequent codes seen in the sample; the rest share the "other" bin.
// Ties in frequency are broken by code, so the mapping is deterministic.
func categoricalBins(vals []float64, categories, maxBins int) featureBins {
	if categories < 0 {
		categories = 0
	}
	counts := make([]int, categories)
	for _, v := range vals {
		c := int(v)
		if float64(c) == v && c >= 0 && c < categories {
			counts[c]++
		}
	}
	var seen []int32
	for c, n := range counts {
		if n > 0 {
			seen = append(seen, int32(c))
		}
	}
	slices.SortStableFunc(seen, func(a, b int32) int { return cmp.Compare(counts[b], counts[a]) })
	if len(seen) > maxBins-2 {
		seen = seen[:maxBins-2]
	}
	slices.Sort(seen)
	fb := featureBins{categorical: true, numBins: len(seen) + 2, codes: seen, codeBin: make([]uint8, categories)}
	for c := range fb.codeBin {
		fb.codeBin[c] = uint8(fb.otherBin())
	}
	for b, c := range seen {
		fb.codeBin[c] = uint8(b)
	}
	return fb
}

// binnedMatrix holds the bins of a training matrix column-major:
// bins[j*rows+i] is the bin of row i in column j.
type binnedMatrix struct {
	rows, cols int
	bins       []uint8
	feats      []featureBins
	offset     []int // offset of column j's bins in a histogram
	totalBins  int
}

// col returns the bins of column j.
func (b *binnedMatrix) col(j int) []uint8 { return b.bins[j*b.rows : (j+1)*b.rows] }

// binMatrix places bin boundaries from (a seeded sample of at most
// binSampleRows) rows of X and bins every row, one goroutine per block of
// columns.
func binMatrix(X *features.Matrix, maxBins int, seed int64, threads int) *binnedMatrix {
	rows, cols := X.Rows, X.Cols
	sample := make([]int, 0, min(rows, binSampleRows))
	if rows <= binSampleRows {
		for i := range rows {
			sample = append(sample, i)
		}
	} else {
		rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
		perm := rng.Perm(rows)[:binSampleRows]
		slices.Sort(perm)
		sample = perm
	}
	bm := &binnedMatrix{rows: rows, cols: cols, bins: make([]uint8, rows*cols), feats: make([]featureBins, cols), offset: make([]int, cols)}
	parallelFor(cols, threads, func(j int) {
		vals := make([]float64, 0, len(sample))
		for _, i := range sample {
			if v := X.Data[i*cols+j]; !math.IsNaN(v) {
				vals = append(vals, v)
			}
		}
		ci := X.Columns[j]
		if ci.Categorical {
			bm.feats[j] = categoricalBins(vals, ci.Categories, 256)
		} else {
			bm.feats[j] = numericBins(vals, maxBins)
		}
		fb := &bm.feats[j]
		col := bm.col(j)
		for i := range rows {
			col[i] = fb.bin(X.Data[i*cols+j])
		}
	})
	for j := range cols {
		bm.offset[j] = bm.totalBins
		bm.totalBins += bm.feats[j].numBins
	}
	return bm
}

// parallelFor calls f(0..n-1) from at most threads goroutines; each index is
// handled by exactly one call, so results written per index do not depend on
// the number of goroutines.
func parallelFor(n, threads int, f func(i int)) {
	parallelTasks(n, threads, func(_, i int) { f(i) })
}

// parallelTasks is parallelFor that also passes the number w of the
// goroutine running task i (0 <= w < threads), so that tasks can use
// per-goroutine scratch space.
func parallelTasks(n, threads int, f func(w, i int)) {
	if threads <= 1 || n <= 1 {
		for i := range n {
			f(0, i)
		}
		return
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for w := range min(threads, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				f(w, i)
			}
		}()
	}
	wg.Wait()
}

// parallelRanges splits [0, n) into at most threads contiguous ranges and
// calls f on each from its own goroutine.
func parallelRanges(n, threads int, f func(lo, hi int)) {
	if threads <= 1 || n < 2*threads {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	step := (n + threads - 1) / threads
	for lo := 0; lo < n; lo += step {
		hi := min(lo+step, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
		}()
	}
	wg.Wait()
}
