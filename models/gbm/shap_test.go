package gbm

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/leadscore/leadscore/features"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomModel builds a model of random trees over cols columns (column 0
// categorical with 5 codes), with repeated features on paths, random
// default directions and covers that add up from leaves to roots.
func randomModel(rng *rand.Rand, cols, trees, leaves int) *Model {
	ci := numericCols(cols)
	ci[0].Categorical, ci[0].Categories = true, 5
	m := &Model{Version: FormatVersion, Columns: ci, BaseScore: rng.NormFloat64()}
	for range trees {
		root := int32(len(m.Feature))
		m.Roots = append(m.Roots, root)
		m.appendNode()
		open := []int32{root}
		for n := 1; n < leaves; n++ {
			k := rng.IntN(len(open))
			node := open[k]
			open = append(open[:k], open[k+1:]...)
			l := int32(len(m.Feature))
			m.appendNode()
			m.appendNode()
			f := int32(rng.IntN(cols))
			m.Feature[node], m.Left[node], m.DefaultLeft[node] = f, l, rng.IntN(2) == 0
			if f == 0 {
				m.CatStart[node], m.CatLen[node] = int32(len(m.CatBits)), 1
				m.CatBits = append(m.CatBits, uint64(rng.IntN(32)))
			} else {
				m.Threshold[node] = rng.NormFloat64()
			}
			open = append(open, l, l+1)
		}
		var fill func(n int32) float64
		fill = func(n int32) float64 {
			if m.Feature[n] < 0 {
				m.Value[n] = rng.NormFloat64()
				m.Cover[n] = 0.5 + rng.Float64()*10
				return m.Cover[n]
			}
			m.Cover[n] = fill(m.Left[n]) + fill(m.Left[n]+1)
			return m.Cover[n]
		}
		fill(root)
	}
	m.Best = trees
	m.prepare()
	return m
}

// randomRow draws a row for randomModel's columns, with some NaN.
func randomRow(rng *rand.Rand, cols int) []float64 {
	row := make([]float64, cols)
	for j := range row {
		row[j] = rng.NormFloat64()
		if j == 0 {
			row[j] = float64(rng.IntN(6))
		}
		if rng.IntN(6) == 0 {
			row[j] = math.NaN()
		}
	}
	return row
}

// condExpectation is E[f(x) | x_S] under the path-dependent distribution:
// follow x where the split feature is in S, otherwise average the children
// by cover.
func condExpectation(m *Model, row []float64, s uint) float64 {
	var rec func(n int32) float64
	rec = func(n int32) float64 {
		f := m.Feature[n]
		if f < 0 {
			return m.Value[n]
		}
		l := m.Left[n]
		if s&(1<<f) != 0 {
			if m.goLeft(n, row[f]) {
				return rec(l)
			}
			return rec(l + 1)
		}
		return (m.Cover[l]*rec(l) + m.Cover[l+1]*rec(l+1)) / m.Cover[n]
	}
	e := m.BaseScore
	for _, r := range m.Roots {
		e += rec(r)
	}
	return e
}

// bruteSHAP computes Shapley values of condExpectation by enumerating all
// subsets of the columns.
func bruteSHAP(m *Model, row []float64) []float64 {
	M := len(m.Columns)
	fact := func(n int) float64 {
		f := 1.0
		for k := 2; k <= n; k++ {
			f *= float64(k)
		}
		return f
	}
	phi := make([]float64, M)
	for i := range M {
		for s := uint(0); s < 1<<M; s++ {
			if s&(1<<i) != 0 {
				continue
			}
			size := 0
			for j := range M {
				if s&(1<<j) != 0 {
					size++
				}
			}
			w := fact(size) * fact(M-size-1) / fact(M)
			phi[i] += w * (condExpectation(m, row, s|1<<i) - condExpectation(m, row, s))
		}
	}
	return phi
}

func TestSHAPMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, c := range []struct{ cols, trees, leaves int }{{3, 1, 2}, {4, 3, 6}, {6, 4, 12}, {7, 2, 30}} {
		m := randomModel(rng, c.cols, c.trees, c.leaves)
		phi := make([]float64, c.cols)
		for range 20 {
			row := randomRow(rng, c.cols)
			e := m.SHAP(row, phi)
			want := bruteSHAP(m, row)
			assert.InDelta(t, condExpectation(m, row, 0), e, 1e-9)
			for j := range phi {
				assert.InDelta(t, want[j], phi[j], 1e-9, "cols %d leaves %d column %d", c.cols, c.leaves, j)
			}
		}
	}
}

func TestSHAPAdditivity(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	// Random deep trees, including more than 64 internal nodes per tree.
	m := randomModel(rng, 10, 5, 150)
	phi := make([]float64, 10)
	for range 200 {
		row := randomRow(rng, 10)
		e := m.SHAP(row, phi)
		sum := e
		for _, v := range phi {
			sum += v
		}
		require.InDelta(t, m.Margin(row), sum, 1e-9)
	}
	// A trained model on data with missing values and a categorical column.
	X, y, _ := logisticData(5000, 25)
	p := smallParams()
	p.Trees, p.Leaves = 60, 31
	tm, err := Train(X, y, nil, nil, nil, nil, p)
	require.NoError(t, err)
	out := make([]float64, X.Rows*X.Cols)
	e := tm.SHAPMatrix(X, out, 2)
	for i := range X.Rows {
		sum := e
		for _, v := range out[i*X.Cols : (i+1)*X.Cols] {
			sum += v
		}
		require.InDelta(t, tm.Margin(X.Row(i)), sum, 1e-9, "row %d", i)
	}
}

func TestPredictMarginsMatchesMargin(t *testing.T) {
	rng := rand.New(rand.NewPCG(26, 27))
	m := randomModel(rng, 5, 10, 20)
	X := features.NewMatrix(1000, m.Columns)
	for i := range X.Rows {
		copy(X.Row(i), randomRow(rng, 5))
	}
	out := make([]float64, X.Rows)
	m.PredictMargins(X, out, 2)
	for i := range X.Rows {
		require.Equal(t, m.Margin(X.Row(i)), out[i])
	}
	assert.Zero(t, testing.AllocsPerRun(100, func() { m.Margin(X.Row(3)) }))
}

// BenchmarkSHAPRow explains one row at a time, as serving does, with the
// tables already built (BenchmarkSHAP counts building them in its first
// call).
func BenchmarkSHAPRow(b *testing.B) {
	m, _ := benchModel(b)
	X, _, _ := logisticData(1000, 33)
	phi := make([]float64, X.Cols)
	m.SHAP(X.Row(0), phi)
	b.ResetTimer()
	i := 0
	for b.Loop() {
		m.SHAP(X.Row(i%X.Rows), phi)
		i++
	}
}

func BenchmarkSHAPMatrix(b *testing.B) {
	m, _ := benchModel(b)
	X, _, _ := logisticData(2000, 33)
	out := make([]float64, X.Rows*X.Cols)
	m.SHAP(X.Row(0), out[:X.Cols])
	b.ResetTimer()
	for b.Loop() {
		m.SHAPMatrix(X, out, 1)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*X.Rows), "ns/row")
}

func TestSHAPConcurrentFirstUse(t *testing.T) {
	rng := rand.New(rand.NewPCG(28, 29))
	m := randomModel(rng, 6, 8, 20)
	rows := make([][]float64, 8)
	want := make([][]float64, len(rows))
	for i := range rows {
		rows[i] = randomRow(rng, 6)
		want[i] = make([]float64, 6)
		shapReference(m, rows[i], want[i])
	}
	// The tables are built on first use, by whichever goroutine comes first.
	m.prepare()
	var wg sync.WaitGroup
	got := make([][]float64, len(rows))
	for i := range rows {
		got[i] = make([]float64, 6)
		wg.Go(func() { m.SHAP(rows[i], got[i]) })
	}
	wg.Wait()
	for i := range rows {
		for j := range got[i] {
			assert.InDelta(t, want[i][j], got[i][j], 1e-9)
		}
	}
}
