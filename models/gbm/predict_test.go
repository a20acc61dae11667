package gbm

import (
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/leadscore/leadscore/features"
	"github.com/stretchr/testify/require"
)

// refWalk is the plain tree walk of the Model documentation, written
// independently of the package's prediction code: base + Σ_t value of the
// leaf that row reaches in tree t, summed in tree order.
func refWalk(m *Model, row []float64) float64 {
	s := m.BaseScore
	for _, n := range m.Roots {
		for m.Feature[n] >= 0 {
			v := row[m.Feature[n]]
			var left bool
			switch {
			case math.IsNaN(v):
				left = m.DefaultLeft[n]
			case m.CatLen[n] == 0:
				left = v <= m.Threshold[n]
			default:
				c := math.Floor(v)
				if c == v && c >= 0 && c < float64(64*m.CatLen[n]) {
					k := int(c)
					left = m.CatBits[int(m.CatStart[n])+k/64]>>(k%64)&1 == 1
				}
			}
			if left {
				n = m.Left[n]
			} else {
				n = m.Left[n] + 1
			}
		}
		s += m.Value[n]
	}
	return s
}

// predShape says what predTestModel grows.
type predShape struct {
	cols, trees, leaves int
	lopsided            bool // every split at one of the two newest leaves: trees as deep as they have leaves
	wide                bool // column 1 categorical with up to 130 codes (two or three bit words)
	fine                bool // numeric thresholds drawn from a normal distribution, not a grid of 9
	binned              bool // the compiled model should use bins
	// codes, when set, limits the categorical splits of columns 0 and 1
	// (not wide) to codes below it: at most 62 makes the columns narrow
	// (see binned), whose nodes use tables of 64 bytes
	codes int
}

// predTestModel grows random trees of shape sh: column 0 is categorical
// with at most 64 codes, column 1 too unless sh.wide, the others numeric.
func predTestModel(rng *rand.Rand, sh predShape) *Model {
	ci := numericCols(sh.cols)
	ci[0].Categorical, ci[0].Categories = true, 64
	ci[1].Categorical, ci[1].Categories = true, 64
	if sh.wide {
		ci[1].Categories = 130
	}
	m := &Model{Version: FormatVersion, Columns: ci, BaseScore: rng.NormFloat64()}
	for range sh.trees {
		root := int32(len(m.Feature))
		m.Roots = append(m.Roots, root)
		m.appendNode()
		open := []int32{root}
		for n := 1; n < sh.leaves; n++ {
			k := rng.IntN(len(open))
			if sh.lopsided {
				k = len(open) - 1 - rng.IntN(min(2, len(open)))
			}
			node := open[k]
			open = append(open[:k], open[k+1:]...)
			l := int32(len(m.Feature))
			m.appendNode()
			m.appendNode()
			f := int32(rng.IntN(sh.cols))
			m.Feature[node], m.Left[node], m.DefaultLeft[node] = f, l, rng.IntN(2) == 0
			switch {
			case f == 1 && sh.wide:
				w := 2 + rng.IntN(2)
				m.CatStart[node], m.CatLen[node] = int32(len(m.CatBits)), int32(w)
				for range w {
					m.CatBits = append(m.CatBits, rng.Uint64())
				}
			case f < 2:
				m.CatStart[node], m.CatLen[node] = int32(len(m.CatBits)), 1
				bits := rng.Uint64()
				if sh.codes > 0 {
					bits &= 1<<sh.codes - 1
				}
				m.CatBits = append(m.CatBits, bits)
			case sh.fine:
				m.Threshold[node] = rng.NormFloat64()
				if rng.IntN(50) == 0 {
					m.Threshold[node] = []float64{math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1)}[rng.IntN(4)]
				}
			default:
				m.Threshold[node] = float64(rng.IntN(9)-4) / 4
			}
			open = append(open, l, l+1)
		}
		for n := root; n < int32(len(m.Feature)); n++ {
			if m.Feature[n] < 0 {
				m.Value[n] = rng.NormFloat64()
				if rng.IntN(20) == 0 {
					m.Value[n] = math.Copysign(0, -1)
				}
			}
			m.Cover[n] = 1
		}
	}
	m.Best = sh.trees
	m.prepare()
	return m
}

// predTestRow draws a row for predTestModel's columns: NaN, infinities,
// signed zeros, the model's own thresholds, values on the threshold grid,
// negative, fractional and out-of-range category codes.
func predTestRow(rng *rand.Rand, m *Model, row []float64) {
	for j := range row {
		switch rng.IntN(10) {
		case 0:
			row[j] = math.NaN()
		case 1:
			row[j] = []float64{math.Inf(1), math.Inf(-1), -1, 0.5, 200, 64, 63, 128, 0, math.Copysign(0, -1)}[rng.IntN(10)]
		case 2, 3:
			row[j] = float64(rng.IntN(9)-4) / 4
		case 4:
			row[j] = m.Threshold[rng.IntN(len(m.Threshold))]
			if rng.IntN(2) == 0 {
				row[j] = math.Nextafter(row[j], math.Inf(2*rng.IntN(2)-1))
			}
		case 5:
			if j < 2 { // codes near the top of a narrow column's
				row[j] = float64(rng.IntN(70))
				break
			}
			fallthrough
		default:
			if j < 2 {
				row[j] = float64(rng.IntN(140))
			} else {
				row[j] = rng.NormFloat64()
			}
		}
	}
}

func TestPredictMarginsMatchReferenceWalk(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	for _, c := range []struct {
		sh   predShape
		rows int
		same bool // every row a copy of the first: each node sends all its rows one way
	}{
		{predShape{cols: 5, trees: 7, leaves: 2, binned: true}, 37, false},
		{predShape{cols: 6, trees: 20, leaves: 63, binned: true}, 3000, false},
		{predShape{cols: 6, trees: 20, leaves: 63, wide: true}, 3000, false},
		{predShape{cols: 6, trees: 10, leaves: 63, lopsided: true, binned: true}, 1500, false},
		{predShape{cols: 9, trees: 5, leaves: 300, lopsided: true, wide: true}, 2100, false},
		// Up to 254 distinct thresholds per column fit the bins, more do not.
		{predShape{cols: 5, trees: 12, leaves: 64, fine: true, binned: true}, 2500, false},
		{predShape{cols: 5, trees: 30, leaves: 64, fine: true}, 2500, false},
		{predShape{cols: 5, trees: 3, leaves: 40, binned: true}, 2*chunkRows + 2*floatRows + 7, false}, // several chunks, the last one short
		{predShape{cols: 4, trees: 1, leaves: 1, binned: true}, 10, false},
		{predShape{cols: 4, trees: 3, leaves: 1, binned: true}, 100, false},
		{predShape{cols: 6, trees: 40, leaves: 63, lopsided: true, binned: true}, 500, true},
		{predShape{cols: 6, trees: 40, leaves: 63, binned: true}, 500, true},
		// Categorical columns whose splits use few codes (narrow ones),
		// and one that uses 62 codes (the most a narrow column may).
		{predShape{cols: 6, trees: 20, leaves: 63, binned: true, codes: 20}, 3000, false},
		{predShape{cols: 6, trees: 30, leaves: 63, lopsided: true, binned: true, codes: 62}, 3000, false},
		{predShape{cols: 6, trees: 20, leaves: 63, binned: true, codes: 20}, 500, true},
	} {
		m := predTestModel(rng, c.sh)
		require.Equal(t, c.sh.binned, m.fast.bins != nil, "%+v", c.sh)
		if b := m.fast.bins; b != nil && (c.sh.codes > 0 || c.sh.trees*c.sh.leaves >= 100) {
			// Narrow columns use tables, the others the 128-bit sets
			// (the random sets of a large model use every code).
			want := uint8(kindCatPair)
			if c.sh.codes > 0 {
				want = kindCat
			}
			kinds := map[uint8]int{}
			for n, f := range m.Feature {
				if f >= 0 && m.CatLen[n] > 0 {
					kinds[b.nodes[n].kind]++
				}
			}
			require.Equal(t, []uint8{want}, slices.Collect(maps.Keys(kinds)), "%+v", c.sh)
		}
		X := features.NewMatrix(c.rows, m.Columns)
		for i := range X.Rows {
			if c.same && i > 0 {
				copy(X.Row(i), X.Row(0))
				continue
			}
			predTestRow(rng, m, X.Row(i))
		}
		for _, threads := range []int{1, 2} {
			out := make([]float64, X.Rows)
			m.PredictMargins(X, out, threads)
			for i := range X.Rows {
				want := refWalk(m, X.Row(i))
				require.Equal(t, math.Float64bits(want), math.Float64bits(out[i]), "case %+v row %d", c, i)
				require.Equal(t, math.Float64bits(want), math.Float64bits(m.Margin(X.Row(i))), "case %+v row %d", c, i)
			}
		}
		// A model without compiled nodes (built by hand) predicts the same,
		// and so does the float64 form of a model that has bins.
		m2 := *m
		m2.fast = nil
		m3 := *m
		m3.fast = &compiled{nodes: m.fast.nodes}
		for _, mm := range []*Model{&m2, &m3} {
			out := make([]float64, X.Rows)
			mm.PredictMargins(X, out, 2)
			for i := range X.Rows {
				require.Equal(t, math.Float64bits(refWalk(m, X.Row(i))), math.Float64bits(out[i]), "row %d", i)
			}
		}
	}
}

func BenchmarkMargin(b *testing.B) {
	m, _ := benchModel(b)
	X, _, _ := logisticData(1000, 32)
	i := 0
	s := 0.0
	for b.Loop() {
		s += m.Margin(X.Row(i % X.Rows))
		i++
	}
	_ = s
}

// TestSplitKernelsMatchGo checks the binned split kernels (in assembly on
// amd64) against their Go loops: the same rows on each side, in the same
// order, and nothing written outside [lo, hi).
func TestSplitKernelsMatchGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	col := make([]uint8, binSpan)
	for i := range col {
		col[i] = []uint8{0, 1, 63, 64, 127, 128, 252, 253, 254, 255, uint8(rng.IntN(256))}[rng.IntN(11)]
	}
	var lut [64]uint8
	for c := range lut {
		lut[c] = uint8(rng.IntN(2))
	}
	type kernel struct {
		name      string
		asm, pure func(src, dst []uint16, lo, hi int) int
	}
	var kernels []kernel
	for _, k := range []uint8{0, 1, 63, 127, 252, 253, 254} {
		kernels = append(kernels,
			kernel{"LE", func(src, dst []uint16, lo, hi int) int { return splitBinLE(src, dst, lo, hi, col, k) },
				func(src, dst []uint16, lo, hi int) int { return splitBinLEGo(src, dst, lo, hi, col, k) }},
			kernel{"NotGT", func(src, dst []uint16, lo, hi int) int { return splitBinNotGT(src, dst, lo, hi, col, k) },
				func(src, dst []uint16, lo, hi int) int { return splitBinNotGTGo(src, dst, lo, hi, col, k) }})
	}
	kernels = append(kernels, kernel{"Cat", func(src, dst []uint16, lo, hi int) int { return splitBinCat(src, dst, lo, hi, col, &lut) },
		func(src, dst []uint16, lo, hi int) int { return splitBinCatGo(src, dst, lo, hi, col, &lut) }})
	for _, n := range []int{0, 1, 2, 3, 17, 1000, chunkRows} {
		lo := rng.IntN(chunkRows - n + 1)
		hi := lo + n
		src := make([]uint16, n)
		for i := range src {
			src[i] = uint16(rng.IntN(1 << 16))
		}
		for _, kn := range kernels {
			a, b := make([]uint16, binSpan), make([]uint16, binSpan)
			for i := range a {
				a[i], b[i] = 0xbeef, 0xbeef
			}
			na, nb := kn.asm(src, a, lo, hi), kn.pure(src, b, lo, hi)
			require.Equal(t, nb, na, "%s n %d", kn.name, n)
			require.Equal(t, b, a, "%s n %d", kn.name, n)
		}
		// The twig kernels add the left or the right value to each row's
		// sum (rows masked to a chunk).
		v := [2]float64{rng.NormFloat64(), rng.NormFloat64()}
		twigs := []struct {
			name      string
			asm, pure func(out *[chunkRows]float64)
		}{
			{"twigCat", func(out *[chunkRows]float64) { twigCat(src, col, out, &lut, &v) },
				func(out *[chunkRows]float64) { twigCatGo(src, col, out, &lut, &v) }},
		}
		for _, k := range []uint8{0, 1, 127, 253, 254} {
			twigs = append(twigs, struct {
				name      string
				asm, pure func(out *[chunkRows]float64)
			}{"twigLE", func(out *[chunkRows]float64) { twigLE(src, col, out, k, &v) },
				func(out *[chunkRows]float64) { twigLEGo(src, col, out, k, &v) }},
				struct {
					name      string
					asm, pure func(out *[chunkRows]float64)
				}{"twigNotGT", func(out *[chunkRows]float64) { twigNotGT(src, col, out, k, &v) },
					func(out *[chunkRows]float64) { twigNotGTGo(src, col, out, k, &v) }})
		}
		for _, tw := range twigs {
			var a, b [chunkRows]float64
			for i := range a {
				a[i] = rng.NormFloat64()
				b[i] = a[i]
			}
			tw.asm(&a)
			tw.pure(&b)
			for i := range a {
				require.Equal(t, math.Float64bits(b[i]), math.Float64bits(a[i]), "%s n %d row %d", tw.name, n, i)
			}
		}
	}
}

// TestBinNumericMatchesGo checks the binning kernel (in assembly on amd64)
// against its Go loop and against the definition: #{thresholds < value},
// binMissing for NaN.
func TestBinNumericMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	for _, nthr := range []int{0, 1, 2, 7, 100, maxEdges} {
		var thr []float64
		for len(thr) < nthr {
			x := rng.NormFloat64()
			if rng.IntN(40) == 0 {
				x = []float64{0, math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64}[rng.IntN(5)]
			}
			if !slices.Contains(thr, x) {
				thr = append(thr, x)
			}
		}
		slices.Sort(thr)
		tree := newSearchTree(thr)
		const cols = 3
		for _, n := range []int{0, 1, 3, 4, 5, 8, 1001} {
			v := make([]float64, n*cols+1)
			for i := range v {
				switch rng.IntN(6) {
				case 0:
					v[i] = math.NaN()
				case 1:
					v[i] = []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64}[rng.IntN(6)]
				case 2:
					if len(thr) > 0 {
						v[i] = thr[rng.IntN(len(thr))]
						if rng.IntN(2) == 0 {
							v[i] = math.Nextafter(v[i], math.Inf(2*rng.IntN(2)-1))
						}
					}
				default:
					v[i] = rng.NormFloat64()
				}
			}
			var a, b [chunkRows]uint8
			binNumeric(tree, &a, v[1:], cols, n)
			binNumericGo(tree, &b, v[1:], cols, 0, n)
			for r := range n {
				x := v[1+r*cols]
				want := uint8(binMissing)
				if x == x {
					want = 0
					for _, th := range thr {
						if th < x {
							want++
						}
					}
				}
				require.Equal(t, want, b[r], "%d thresholds, row %d value %v", nthr, r, x)
				require.Equal(t, want, a[r], "%d thresholds, row %d value %v", nthr, r, x)
			}
		}
	}
}
