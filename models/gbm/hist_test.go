package gbm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/features"
)

// testGrower returns a grower on the bins of wideData(rows) with gradients
// at fixed margins and the round's quantizer.
func testGrower(t *testing.T, p Params, rows int, threads int) (*grower, quantizer) {
	t.Helper()
	X, y := wideData(rows, 17)
	return growerOn(t, p, X, y, threads)
}

// growerOn is testGrower on the matrix X with labels y.
func growerOn(t *testing.T, p Params, X *features.Matrix, y []float64, threads int) (*grower, quantizer) {
	t.Helper()
	require.NoError(t, p.validate(X.Cols))
	bm := binMatrix(X, p.Bins, p.Seed, threads)
	gr := newGrower(p, bm, threads)
	gr.gh = make([]gradPair, X.Rows)
	margin := make([]float64, X.Rows)
	for i := range margin {
		margin[i] = 0.1 * float64(i%7-3)
	}
	logLossGradients(margin, y, rowWeights(y, nil, 1), gr.gh)
	return gr, newQuantizer(gr.gh)
}

// sampleRows returns the rows kept by a Bernoulli(frac) draw, ascending.
func sampleRows(n int, frac float64, seed uint64) []int32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	var rows []int32
	for i := range n {
		if rng.Float64() < frac {
			rows = append(rows, int32(i))
		}
	}
	return rows
}

// directHist sums the packed gradients of the rows at positions pos into
// a histogram by reading the column-major bins, one feature at a time.
func directHist(gr *grower, pos []int32, feats []int) []int64 {
	bm, tm := gr.bm, gr.tm
	h := make([]int64, bm.totalBins+256)
	for _, j := range feats {
		col := bm.col(j)
		for _, p := range pos {
			h[bm.offset[j]+int(col[tm.rows[p]])] += tm.q[p]
		}
	}
	return h
}

// featureRanges returns the bins of the features feats of histogram h.
func featureRanges(gr *grower, h []int64, feats []int) [][]int64 {
	var out [][]int64
	for _, j := range feats {
		out = append(out, h[gr.bm.offset[j]:gr.bm.offset[j]+gr.bm.feats[j].numBins])
	}
	return out
}

func TestTreeMatrixHoldsSampledBins(t *testing.T) {
	gr, qz := testGrower(t, DefaultParams(), 3000, 2)
	all := make([]int, gr.bm.cols)
	for j := range all {
		all[j] = j
	}
	allRows := sampleRows(gr.bm.rows, 1, 1)
	// Full, sampled, full again (the reuse path), then other samples.
	for k, c := range []struct {
		rows  []int32
		feats []int
	}{
		{allRows, all},
		{sampleRows(gr.bm.rows, 0.8, 2), []int{0, 3, 4, 9, 17, 35, 39}},
		{allRows, all},
		{allRows, all},
		{sampleRows(gr.bm.rows, 0.3, 3), []int{1}},
		{sampleRows(gr.bm.rows, 0.5, 4), all[:16]},
		{sampleRows(gr.bm.rows, 0.5, 5), all[8:25]},
	} {
		gr.beginTree(c.rows, c.feats, qz, uint64(k))
		tm := gr.tm
		require.Equal(t, len(c.rows), tm.n)
		require.Equal(t, (len(c.feats)+7)/8, tm.words)
		for p, i := range c.rows {
			for s := range 8 * tm.words {
				b := uint8(tm.data[p*tm.words+s/8] >> (8 * (s % 8)))
				if s < len(c.feats) {
					require.Equal(t, gr.bm.bins[c.feats[s]*gr.bm.rows+int(i)], b, "case %d position %d slot %d", k, p, s)
				} else {
					require.Zero(t, b, "case %d padding slot %d", k, s)
				}
			}
		}
		for j := range gr.bm.cols {
			assert.Equal(t, slices.Index(c.feats, j), tm.slot[j], "case %d feature %d", k, j)
		}
	}
}

// TestHistogramEqualsDirectSums builds histograms of leaves of many sizes
// (the root read in place, gathered leaves, one and two goroutines) and
// compares them with sums read feature by feature from the column-major
// bins.
func TestHistogramEqualsDirectSums(t *testing.T) {
	// 100 columns: wideData's 40 and 60 more (noise, some missing), so that
	// rows take from 1 to 13 words.
	base, y := wideData(20000, 17)
	X := features.NewMatrix(base.Rows, append(slices.Clone(base.Columns), numericCols(100)[40:]...))
	rng := rand.New(rand.NewPCG(2, 2))
	for i := range X.Rows {
		r := X.Row(i)
		copy(r, base.Row(i))
		for j := 40; j < 100; j++ {
			r[j] = math.Round(rng.NormFloat64() * float64(j%9+1))
			if rng.IntN(10) == 0 {
				r[j] = math.NaN()
			}
		}
	}
	rng = rand.New(rand.NewPCG(3, 3))
	for _, threads := range []int{1, 2} {
		gr, qz := growerOn(t, DefaultParams(), X, y, threads)
		for _, c := range []struct {
			frac  float64
			feats int
		}{{1, 100}, {0.8, 14}, {0.5, 2}, {0.8, 1}, {0.8, 20}, {0.8, 30}, {0.8, 40}, {0.8, 57}} {
			feats := rng.Perm(X.Cols)[:c.feats]
			slices.Sort(feats)
			gr.beginTree(sampleRows(gr.bm.rows, c.frac, 9), feats, qz, 4)
			n := gr.tm.n
			for _, every := range []int{1, 2, 5, 40, 333} {
				var pos []int32
				for p := 0; p < n; p += every {
					pos = append(pos, int32(p))
				}
				copy(gr.idx, pos)
				h := gr.histogram(0, len(pos))
				want := directHist(gr, pos, feats)
				assert.Equal(t, featureRanges(gr, want, feats), featureRanges(gr, h, feats),
					"threads %d, rows %v, %d features, every %d positions", threads, c.frac, c.feats, every)
				gr.putHist(h)
			}
		}
	}
}

// TestSubtractionUnderRowSampling grows a few levels of a tree on sampled
// rows and features and checks every child histogram, built directly or
// derived by subtraction from its parent, against sums read directly from
// the bins of the child's rows.
func TestSubtractionUnderRowSampling(t *testing.T) {
	p := DefaultParams()
	p.MinDataInLeaf = 5
	for _, threads := range []int{1, 2} {
		gr, qz := testGrower(t, p, 20000, threads)
		feats := []int{0, 1, 3, 10, 11, 14, 30, 33, 35, 36}
		gr.beginTree(sampleRows(gr.bm.rows, 0.8, 11), feats, qz, 5)
		m := &Model{}
		root := int32(0)
		m.appendNode()
		gr.nodeLeft = append(gr.nodeLeft[:0], binSet{})
		var sum stats
		for _, i := range gr.tm.rows {
			sum.G += gr.gh[i].g
			sum.H += gr.gh[i].h
		}
		sum.N = int64(gr.tm.n)
		gr.leaves = append(gr.leaves[:0], growLeaf{node: root, end: gr.tm.n, sum: sum, lo: math.Inf(-1), hi: math.Inf(1)})
		gr.leaves[0].hist = gr.histogram(0, gr.tm.n)
		gr.findSplits([]*growLeaf{&gr.leaves[0]}, feats)
		checked := 0
		for split := 0; split < 12; split++ {
			bi := -1
			for k := range gr.leaves {
				if gr.leaves[k].split.feature >= 0 && (bi < 0 || gr.leaves[k].end-gr.leaves[k].start > gr.leaves[bi].end-gr.leaves[bi].start) {
					bi = k
				}
			}
			require.GreaterOrEqual(t, bi, 0)
			gr.splitLeaf(m, bi, feats, root)
			for _, k := range []int{bi, len(gr.leaves) - 1} {
				l := &gr.leaves[k]
				if l.hist == nil {
					continue
				}
				want := directHist(gr, gr.idx[l.start:l.end], feats)
				require.Equal(t, featureRanges(gr, want, feats), featureRanges(gr, l.hist, feats), fmt.Sprintf("threads %d split %d leaf %d", threads, split, k))
				checked++
			}
		}
		assert.Greater(t, checked, 12)
	}
}

// TestColumnSampledSplitChoice checks that a histogram built over sampled
// features holds the same bins for them as a histogram over every feature,
// and so chooses the split the full histogram chooses among those
// features.
func TestColumnSampledSplitChoice(t *testing.T) {
	gr, qz := testGrower(t, DefaultParams(), 20000, 2)
	all := make([]int, gr.bm.cols)
	for j := range all {
		all[j] = j
	}
	rows := sampleRows(gr.bm.rows, 0.8, 12)
	rng := rand.New(rand.NewPCG(5, 5))
	for trial := range 6 {
		sampled := rng.Perm(gr.bm.cols)[:20]
		slices.Sort(sampled)
		gr.beginTree(rows, all, qz, 6)
		full := gr.histogram(0, gr.tm.n)
		gr.beginTree(rows, sampled, qz, 6)
		part := gr.histogram(0, gr.tm.n)
		require.Equal(t, featureRanges(gr, full, sampled), featureRanges(gr, part, sampled), "trial %d", trial)
		s := &gr.sps[0]
		total := s.nodeTotals(part, int64(gr.tm.n), sampled)
		want := exhaustiveBest(s, full, total, sampled, math.Inf(-1), math.Inf(1))
		got := s.best(part, total, sampled, math.Inf(-1), math.Inf(1))
		require.GreaterOrEqual(t, want.feature, 0)
		assert.Equal(t, want, got, "trial %d", trial)
		assert.True(t, slices.Contains(sampled, got.feature))
		gr.putHist(full)
		gr.putHist(part)
	}
}

// TestPartitionInPiecesIsStable checks that partitioning in pieces on
// several goroutines gives the order of one stable pass.
func TestPartitionInPiecesIsStable(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	rows := 3*parallelPartitionRows + 17
	col := make([]uint8, rows)
	rowOf := make([]int32, rows)
	for i := range col {
		col[i] = uint8(rng.IntN(256))
		rowOf[i] = int32(i)
	}
	var lut [256]int
	for b := range lut {
		lut[b] = rng.IntN(2)
	}
	for _, n := range []int{0, 1, 100, parallelPartitionRows, rows} {
		var want []int32
		for p := range n {
			if lut[col[p]] == 1 {
				want = append(want, int32(p))
			}
		}
		nl := len(want)
		for p := range n {
			if lut[col[p]] == 0 {
				want = append(want, int32(p))
			}
		}
		for _, threads := range []int{1, 2, 3} {
			pos := make([]int32, n)
			for p := range pos {
				pos[p] = int32(p)
			}
			got := partition(pos, make([]int32, n), col, rowOf, &lut, threads)
			require.Equal(t, nl, got, "%d rows, %d threads", n, threads)
			if n > 0 {
				require.Equal(t, want, pos, "%d rows, %d threads", n, threads)
			}
		}
	}
}
