package gbm

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/leadscore/leadscore/features"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shapReference is exact path-dependent TreeSHAP computed leaf by leaf
// straight from the model, independently of shapTables: for every leaf and
// every distinct path feature i, the coefficients c_s of the polynomial
// Π_{j≠i} (z_j + o_j x) give φ_i += v (o_i - z_i) Σ_s w(s, d) c_s.
func shapReference(m *Model, row []float64, out []float64) float64 {
	clear(out)
	e := m.BaseScore
	for _, root := range m.Roots {
		var feats []int32
		var z, o []float64
		var walk func(n int32)
		walk = func(n int32) {
			f := m.Feature[n]
			if f < 0 {
				if m.Cover[root] > 0 {
					e += m.Value[n] * m.Cover[n] / m.Cover[root]
				}
				d := len(feats)
				for i := range d {
					c := make([]float64, d)
					c[0] = 1
					deg := 0
					for j := range d {
						if j == i {
							continue
						}
						deg++
						for s := deg; s > 0; s-- {
							c[s] = c[s]*z[j] + c[s-1]*o[j]
						}
						c[0] *= z[j]
					}
					var sum float64
					for s := range d {
						sum += math.Gamma(float64(s+1)) * math.Gamma(float64(d-s)) / math.Gamma(float64(d+1)) * c[s]
					}
					out[feats[i]] += m.Value[n] * (o[i] - z[i]) * sum
				}
				return
			}
			k := -1
			for j, g := range feats {
				if g == f {
					k = j
				}
			}
			added := k < 0
			if added {
				k = len(feats)
				feats, z, o = append(feats, f), append(z, 1), append(o, 1)
			}
			l := m.Left[n]
			goL := m.goLeft(n, row[f])
			for c, child := range []int32{l, l + 1} {
				zk, ok := z[k], o[k]
				if m.Cover[n] > 0 {
					z[k] *= m.Cover[child] / m.Cover[n]
				} else {
					z[k] = 0
				}
				if goL != (c == 0) {
					o[k] = 0
				}
				walk(child)
				z[k], o[k] = zk, ok
			}
			if added {
				feats, z, o = feats[:k], z[:k], o[:k]
			}
		}
		walk(root)
	}
	return e
}

func TestSHAPMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	check := func(m *Model, X [][]float64) {
		cols := len(m.Columns)
		want := make([]float64, cols)
		got := make([]float64, cols)
		for _, row := range X {
			we := shapReference(m, row, want)
			ge := m.SHAP(row, got)
			require.InDelta(t, we, ge, 1e-12)
			for j := range got {
				require.InDelta(t, want[j], got[j], 1e-9, "column %d", j)
			}
		}
		// SHAPMatrix agrees with SHAP bit for bit.
		Xm := make([]float64, 0, len(X)*cols)
		for _, row := range X {
			Xm = append(Xm, row...)
		}
		mat := featuresMatrix(m, Xm)
		out := make([]float64, len(Xm))
		m.SHAPMatrix(mat, out, 2)
		for i, row := range X {
			m.SHAP(row, got)
			require.Equal(t, got, out[i*cols:(i+1)*cols], "row %d", i)
		}
	}
	// Random trees deep enough for leaves with many distinct path features
	// (table and recurrence leaves) and trees of more than 64 internal
	// nodes.
	for _, c := range []struct{ cols, trees, leaves int }{{12, 6, 40}, {20, 4, 150}} {
		m := randomModel(rng, c.cols, c.trees, c.leaves)
		var X [][]float64
		for range 150 {
			X = append(X, randomRow(rng, c.cols))
		}
		check(m, X)
	}
}

// TestSHAPTouchesTables runs SHAP's cache touches (normally only for
// tables of 1M floats and more) over every kind of leaf: they must stay in
// bounds and leave the values as they were.
func TestSHAPTouchesTables(t *testing.T) {
	rng := rand.New(rand.NewPCG(39, 40))
	defer func(v int) { touchMin = v }(touchMin)
	for _, c := range []struct{ cols, trees, leaves int }{{12, 6, 40}, {20, 4, 150}} {
		m := randomModel(rng, c.cols, c.trees, c.leaves)
		want := make([]float64, c.cols)
		got := make([]float64, c.cols)
		for range 50 {
			row := randomRow(rng, c.cols)
			touchMin = 1 << 62
			m.SHAP(row, want)
			touchMin = 0
			m.SHAP(row, got)
			require.Equal(t, want, got)
		}
	}
}

// featuresMatrix wraps row-major data in a matrix of m's columns.
func featuresMatrix(m *Model, data []float64) *features.Matrix {
	cols := len(m.Columns)
	X := features.NewMatrix(len(data)/cols, m.Columns)
	copy(X.Data, data)
	return X
}

// shapWith returns SHAP computed with tables built for m within budget
// floats, so that tests reach every kind of leaf.
func shapWith(m *Model, budget int) func(row, out []float64) {
	t := &shapTables{}
	t.build(m, budget)
	sc := newShapScratch(t.maxNodes, t.maxInt)
	lr := t.newLaneRows(len(m.Columns))
	return func(row, out []float64) {
		clear(out)
		lr.fill(t, row, len(row), 1)
		for ti := range t.trees {
			t.treeSHAP(m, &t.trees[ti], row, &lr, out, len(row), 1, sc)
		}
	}
}

func TestSHAPLeafKindsMatchReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	// Leaves of every kind occur: [twigs, W twigs, leafRows, leafW,
	// leafRecur, sprigs whose parent's feature is new, sprigs whose is not].
	var kinds [7]int
	for _, c := range []struct{ cols, trees, leaves int }{{12, 6, 40}, {20, 4, 150}} {
		m := randomModel(rng, c.cols, c.trees, c.leaves)
		// All recurrence, a budget that runs out part way, everything.
		for _, budget := range []int{0, 3000, tableBudget} {
			shap := shapWith(m, budget)
			tb := &shapTables{}
			tb.build(m, budget)
			kinds[0] += len(tb.twigs)
			kinds[1] += len(tb.wtwigs)
			for _, tw := range tb.twigs {
				if tw.leaf != tw.left {
					kinds[5+tw.lrep]++
				}
			}
			for _, l := range tb.leaves {
				if l.kind > leafTwig && l.d > 0 {
					kinds[1+l.kind]++
				}
			}
			want := make([]float64, c.cols)
			got := make([]float64, c.cols)
			for range 100 {
				row := randomRow(rng, c.cols)
				shapReference(m, row, want)
				shap(row, got)
				for j := range got {
					require.InDelta(t, want[j], got[j], 1e-9, "budget %d column %d", budget, j)
				}
			}
		}
	}
	for k, n := range kinds {
		assert.Positive(t, n, "leaves of kind %d", k)
	}
}

// TestSHAPCategoricalCodes explains rows whose categorical values are
// outside the categories (negative, fractional, 64 and beyond, infinite,
// missing) through SHAPMatrix's precomputed codes, SHAP's per-row walk and
// the reference, on category sets that use the highest code 63.
func TestSHAPCategoricalCodes(t *testing.T) {
	rng := rand.New(rand.NewPCG(37, 38))
	m := randomModel(rng, 6, 8, 30)
	for i := range m.CatBits {
		m.CatBits[i] |= 1<<63 | uint64(rng.Uint32())<<20
	}
	m.prepare()
	odd := []float64{-1, -0.0, 0, 2.5, 4, 62, 63, 63.5, 64, 70, 1e300, -1e300, math.Inf(1), math.Inf(-1), math.NaN(), 1 << 62, -(1 << 63)}
	cols := len(m.Columns)
	var data []float64
	for i := range 40 * len(odd) {
		row := randomRow(rng, cols)
		row[0] = odd[i%len(odd)]
		data = append(data, row...)
	}
	X := featuresMatrix(m, data)
	out := make([]float64, len(data))
	m.SHAPMatrix(X, out, 2)
	want := make([]float64, cols)
	got := make([]float64, cols)
	for i := range X.Rows {
		row := X.Row(i)
		shapReference(m, row, want)
		m.SHAP(row, got)
		require.Equal(t, got, out[i*cols:(i+1)*cols], "row %d (category %v)", i, row[0])
		for j := range got {
			require.InDelta(t, want[j], got[j], 1e-9, "row %d column %d (category %v)", i, j, row[0])
		}
	}
}

// chainModel returns a model whose first tree splits on every column in
// turn along one path (more than 64 distinct features on it when cols >
// 64), and whose second is random.
func chainModel(rng *rand.Rand, cols int) *Model {
	m := randomModel(rng, cols, 1, 8)
	root := int32(len(m.Feature))
	m.Roots = append(m.Roots, root)
	m.appendNode()
	n := root
	for f := 1; f < cols; f++ {
		l := int32(len(m.Feature))
		m.appendNode()
		m.appendNode()
		m.Feature[n], m.Left[n], m.Threshold[n], m.DefaultLeft[n] = int32(f), l, rng.NormFloat64()/2, rng.IntN(2) == 0
		m.Value[l], m.Cover[l] = rng.NormFloat64(), 0.5+rng.Float64()
		n = l + 1
	}
	m.Value[n], m.Cover[n] = rng.NormFloat64(), 0.5+rng.Float64()
	for k := len(m.Feature) - 1; k >= int(root); k-- {
		if m.Feature[k] >= 0 {
			m.Cover[k] = m.Cover[m.Left[k]] + m.Cover[m.Left[k]+1]
		}
	}
	m.Best = 2
	m.prepare()
	return m
}

func TestSHAPWideAndZeroCover(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 36))
	// A path with 65 distinct features (wideTree), and one with 30 (past
	// maxTableD: recurrence).
	wide, deep := chainModel(rng, 66), chainModel(rng, 30)
	// A leaf of zero cover: zero fractions of 0 on its path.
	zero := randomModel(rng, 8, 3, 30)
	for n := range zero.Feature {
		if zero.Feature[n] < 0 {
			zero.Cover[n] = 0
			break
		}
	}
	for n := len(zero.Feature) - 1; n >= 0; n-- {
		if zero.Feature[n] >= 0 {
			zero.Cover[n] = zero.Cover[zero.Left[n]] + zero.Cover[zero.Left[n]+1]
		}
	}
	zero.prepare()
	for mi, m := range []*Model{wide, deep, zero} {
		cols := len(m.Columns)
		want := make([]float64, cols)
		got := make([]float64, cols)
		for range 30 {
			row := randomRow(rng, cols)
			we := shapReference(m, row, want)
			ge := m.SHAP(row, got)
			require.InDelta(t, we, ge, 1e-12)
			sum := ge
			for j := range got {
				require.InDelta(t, want[j], got[j], 1e-9, "model %d column %d", mi, j)
				sum += got[j]
			}
			require.InDelta(t, m.Margin(row), sum, 1e-9, "model %d", mi)
		}
	}
	assert.True(t, wide.tables().trees[1].wide)
	assert.False(t, deep.tables().trees[1].wide)
}
