package gbm

import (
	"math"
	"math/rand/v2"
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

// predTestModel grows trees of up to leaves leaves on cols columns: column
// 0 is categorical with at most 64 codes, column 1 categorical with up to
// 130 codes (two or three bit words), the others numeric with thresholds on
// a coarse grid so rows hit them exactly. With lopsided set, every split
// happens at the newest leaf, giving trees as deep as they have leaves.
func predTestModel(rng *rand.Rand, cols, trees, leaves int, lopsided bool) *Model {
	ci := numericCols(cols)
	ci[0].Categorical, ci[0].Categories = true, 64
	ci[1].Categorical, ci[1].Categories = true, 130
	m := &Model{Version: FormatVersion, Columns: ci, BaseScore: rng.NormFloat64()}
	for range trees {
		root := int32(len(m.Feature))
		m.Roots = append(m.Roots, root)
		m.appendNode()
		open := []int32{root}
		for n := 1; n < leaves; n++ {
			k := rng.IntN(len(open))
			if lopsided {
				k = len(open) - 1 - rng.IntN(min(2, len(open)))
			}
			node := open[k]
			open = append(open[:k], open[k+1:]...)
			l := int32(len(m.Feature))
			m.appendNode()
			m.appendNode()
			f := int32(rng.IntN(cols))
			m.Feature[node], m.Left[node], m.DefaultLeft[node] = f, l, rng.IntN(2) == 0
			switch f {
			case 0:
				m.CatStart[node], m.CatLen[node] = int32(len(m.CatBits)), 1
				m.CatBits = append(m.CatBits, rng.Uint64())
			case 1:
				w := 2 + rng.IntN(2)
				m.CatStart[node], m.CatLen[node] = int32(len(m.CatBits)), int32(w)
				for range w {
					m.CatBits = append(m.CatBits, rng.Uint64())
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
	m.Best = trees
	m.prepare()
	return m
}

// predTestRow draws a row for predTestModel's columns: NaN, infinities,
// values on the threshold grid, negative, fractional and out-of-range
// category codes.
func predTestRow(rng *rand.Rand, row []float64) {
	for j := range row {
		switch rng.IntN(10) {
		case 0:
			row[j] = math.NaN()
		case 1:
			row[j] = []float64{math.Inf(1), math.Inf(-1), -1, 0.5, 200, 64, 128, math.Copysign(0, -1)}[rng.IntN(8)]
		case 2, 3, 4:
			row[j] = float64(rng.IntN(9)-4) / 4
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
		cols, trees, leaves, rows int
		lopsided                  bool
	}{
		{5, 7, 2, 37, false},
		{6, 20, 63, 3000, false},
		{6, 10, 63, 1500, true},
		{9, 5, 300, 2100, true},
		{4, 1, 1, 10, false},
	} {
		m := predTestModel(rng, c.cols, c.trees, c.leaves, c.lopsided)
		X := features.NewMatrix(c.rows, m.Columns)
		for i := range X.Rows {
			predTestRow(rng, X.Row(i))
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
		// A model without compiled nodes (built by hand) predicts the same.
		m2 := *m
		m2.fast = nil
		out := make([]float64, X.Rows)
		m2.PredictMargins(X, out, 2)
		for i := range X.Rows {
			require.Equal(t, math.Float64bits(refWalk(m, X.Row(i))), math.Float64bits(out[i]), "row %d", i)
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
