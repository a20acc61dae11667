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

// upperTable is a numeric column's bin boundaries padded with +Inf to 256
// entries, for a binary search of fixed length.
type upperTable [256]float64

// newUpperTable returns the padded boundaries of numeric fb.
func newUpperTable(fb *featureBins) *upperTable {
	t := new(upperTable)
	n := copy(t[:], fb.upper)
	for b := n; b < len(t); b++ {
		t[b] = math.Inf(1)
	}
	return t
}

// bin returns the bin of non-missing v, the number of boundaries below v
// (the first b with v <= t[b], as featureBins.bin): eight halvings, each a
// comparison whose flag (b2i) masks the step, so no branch depends on the
// data.
func (t *upperTable) bin(v float64) uint8 {
	base := 0
	for half := 128; half > 0; half >>= 1 {
		base += half & -int(b2i(t[(base+half-1)&255] < v))
	}
	return uint8(base)
}

// numericBins places at most maxBins-1 boundaries at quantiles of the sorted
// non-missing sample vals, never splitting equal values: each distinct value
// is its own bin when there are at most maxBins of them; otherwise bins are
// closed greedily once they hold n/maxBins values. Boundaries are midpoints
// between neighbouring distinct values.
func numericBins(vals []float64, maxBins int) featureBins {
	sortFloats(vals, make([]float64, len(vals)))
	// Runs of equal values are walked in place: runEnd(i) is the end of
	// the run that starts at i.
	runEnd := func(i int) int {
		j := i + 1
		for j < len(vals) && vals[j] == vals[i] {
			j++
		}
		return j
	}
	distinct := 0
	for i, v := range vals {
		if i == 0 || v != vals[i-1] {
			distinct++
		}
	}
	var upper []float64
	cut := func(a, b float64) {
		m := a + (b-a)/2
		if m >= b || m < a {
			m = a
		}
		upper = append(upper, m)
	}
	if distinct <= maxBins {
		for i := 0; i < len(vals); {
			j := runEnd(i)
			if j < len(vals) {
				cut(vals[i], vals[j])
			}
			i = j
		}
	} else {
		// Close a bin once it holds its share of the values not yet binned,
		// so a heavy value does not starve the bins after it.
		rest, cur, left := len(vals), 0, maxBins
		for i := 0; left > 1; {
			j := runEnd(i)
			if j == len(vals) {
				break // the last value closes no bin
			}
			cur += j - i
			if float64(cur) >= float64(rest)/float64(left) {
				cut(vals[i], vals[j])
				rest -= cur
				cur = 0
				left--
			}
			i = j
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

// binGroup returns the number of columns binned together, whose values
// of a row are read from one stretch of X's row-major data: 8 (a cache
// line) for wide matrices, 4 below 64 columns so that two threads share
// the groups evenly.
func binGroup(cols int) int {
	if cols >= 64 {
		return 8
	}
	return 4
}

// binMatrix places bin boundaries from (a seeded sample of at most
// binSampleRows) rows of X and bins every row. Columns are handled in
// groups (binGroup), one goroutine per group, so that every pass over X
// reads a group's values of a row together instead of one value per row
// and column.
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
	gs := binGroup(cols)
	groups := (cols + gs - 1) / gs
	parallelFor(groups, threads, func(g int) {
		j0, j1 := g*gs, min((g+1)*gs, cols)
		vals := make([][]float64, j1-j0)
		for c := range vals {
			vals[c] = make([]float64, 0, len(sample))
		}
		for _, i := range sample {
			for c, v := range X.Data[i*cols+j0 : i*cols+j1] {
				if !math.IsNaN(v) {
					vals[c] = append(vals[c], v)
				}
			}
		}
		for j := j0; j < j1; j++ {
			if ci := X.Columns[j]; ci.Categorical {
				bm.feats[j] = categoricalBins(vals[j-j0], ci.Categories, 256)
			} else {
				bm.feats[j] = numericBins(vals[j-j0], maxBins)
			}
		}
		bm.binColumns(X, j0, j1)
	})
	for j := range cols {
		bm.offset[j] = bm.totalBins
		bm.totalBins += bm.feats[j].numBins
	}
	return bm
}

// binWith returns the bins of every row of X (the columns of bm's matrix)
// under bm's boundaries: a row goes through a split on bins exactly as its
// values go through the model's thresholds and category sets.
func (bm *binnedMatrix) binWith(X *features.Matrix, threads int) *binnedMatrix {
	b := &binnedMatrix{rows: X.Rows, cols: bm.cols, bins: make([]uint8, X.Rows*bm.cols), feats: bm.feats, offset: bm.offset, totalBins: bm.totalBins}
	gs := binGroup(bm.cols)
	groups := (bm.cols + gs - 1) / gs
	parallelFor(groups, threads, func(g int) {
		b.binColumns(X, g*gs, min((g+1)*gs, bm.cols))
	})
	return b
}

// binColumns writes the bins of columns j0..j1-1 of every row of X, in
// blocks of rows whose cache lines (one or two per row for the group)
// stay in a 256 KiB cache while each of the group's columns is binned.
func (bm *binnedMatrix) binColumns(X *features.Matrix, j0, j1 int) {
	rows, cols := X.Rows, X.Cols
	tables := make([]*upperTable, j1-j0)
	for j := j0; j < j1; j++ {
		if !bm.feats[j].categorical {
			tables[j-j0] = newUpperTable(&bm.feats[j])
		}
	}
	block := 2048
	for lo := 0; lo < rows; lo += block {
		hi := min(lo+block, rows)
		for j := j0; j < j1; j++ {
			fb, t, col := &bm.feats[j], tables[j-j0], bm.col(j)
			if fb.categorical {
				for i := lo; i < hi; i++ {
					col[i] = fb.bin(X.Data[i*cols+j])
				}
				continue
			}
			miss := uint8(fb.missingBin())
			for i := lo; i < hi; i++ {
				v := X.Data[i*cols+j]
				if v != v {
					col[i] = miss
				} else {
					col[i] = t.bin(v)
				}
			}
		}
	}
}

// sortFloats sorts vals (no NaN) ascending by a least-significant-digit
// radix sort of their bit patterns mapped to order-preserving unsigned
// keys (sign bit flipped for v >= 0, all bits for v < 0; -0 sorts before
// +0, which compare equal), 11 bits per pass, skipping passes in which
// every key has the same digit. tmp must be as long as vals.
func sortFloats(vals, tmp []float64) {
	if len(vals) < 2 {
		return
	}
	const bits = 11
	key := func(v float64) uint64 {
		b := math.Float64bits(v)
		return b ^ (uint64(int64(b)>>63) | 1<<63)
	}
	src, dst := vals, tmp[:len(vals)]
	var count [1 << bits]int
	for shift := 0; shift < 64; shift += bits {
		clear(count[:])
		for _, v := range src {
			count[key(v)>>shift&(1<<bits-1)]++
		}
		if count[key(src[0])>>shift&(1<<bits-1)] == len(src) {
			continue
		}
		sum := 0
		for d, c := range count {
			count[d] = sum
			sum += c
		}
		for _, v := range src {
			d := key(v) >> shift & (1<<bits - 1)
			dst[count[d]] = v
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &vals[0] {
		copy(vals, src)
	}
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
