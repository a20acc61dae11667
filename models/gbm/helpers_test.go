package gbm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/leadscore/leadscore/features"
)

// numericCols returns n numeric column infos.
func numericCols(n int) []features.ColumnInfo {
	cols := make([]features.ColumnInfo, n)
	for j := range cols {
		cols[j] = features.ColumnInfo{Name: fmt.Sprintf("x%d", j), Source: fmt.Sprintf("x%d", j)}
	}
	return cols
}

// logisticData draws rows of cols standard normal features (every 7th value
// missing in column 2, column 3 categorical with 6 codes) and labels from a
// logistic model with an interaction. It returns X, y and the true margin.
func logisticData(rows int, seed uint64) (*features.Matrix, []float64, []float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	cols := numericCols(6)
	cols[3].Categorical, cols[3].Categories = true, 6
	X := features.NewMatrix(rows, cols)
	y := make([]float64, rows)
	truth := make([]float64, rows)
	catEffect := []float64{-1, 0.5, 1.2, -0.3, 0, 0.8}
	for i := range rows {
		r := X.Row(i)
		for j := range r {
			r[j] = rng.NormFloat64()
		}
		r[3] = float64(rng.IntN(6))
		m := 1.5*r[0] - 1.0*r[1] + 0.8*r[0]*r[4] + catEffect[int(r[3])]
		if rng.IntN(7) == 0 {
			r[2] = math.NaN()
			m += 1
		} else {
			m += 0.5 * r[2]
		}
		truth[i] = m
		if rng.Float64() < sigmoid(m) {
			y[i] = 1
		}
	}
	return X, y, truth
}

// margins predicts every row of X.
func margins(m *Model, X *features.Matrix) []float64 {
	out := make([]float64, X.Rows)
	m.PredictMargins(X, out, 2)
	return out
}

// wideData draws rows of 40 columns shaped like bench/gbm's matrix: ten
// informative columns (linear, tanh and |x| effects), two interactions,
// five columns 20% missing (missingness carries signal), three categorical
// columns (20, 50 and 5 codes) and noise; labels from the logistic model.
func wideData(rows int, seed uint64) (*features.Matrix, []float64) {
	rng := rand.New(rand.NewPCG(seed, 9))
	cols := numericCols(40)
	cats := map[int]int{35: 20, 36: 50, 37: 5}
	catEff := map[int][]float64{}
	for _, c := range []int{35, 36, 37} {
		cols[c].Categorical, cols[c].Categories = true, cats[c]
		catEff[c] = make([]float64, cats[c])
		for k := range catEff[c] {
			catEff[c][k] = 0.6 * rng.NormFloat64()
		}
	}
	X := features.NewMatrix(rows, cols)
	y := make([]float64, rows)
	for i := range rows {
		r := X.Row(i)
		for j := range r {
			r[j] = rng.NormFloat64()
		}
		m := -1.0
		for j := range 10 {
			c := 0.6 / float64(1+j%4)
			switch j % 3 {
			case 0:
				m += c * r[j]
			case 1:
				m += c * math.Tanh(2*r[j])
			default:
				m += c * (math.Abs(r[j]) - 0.8)
			}
		}
		m += 0.5*r[10]*r[11] - 0.3*r[14]*r[0]
		for j := 30; j < 35; j++ {
			if rng.IntN(5) == 0 {
				r[j] = math.NaN()
				m += 0.15
			} else {
				m += 0.2 * r[j]
			}
		}
		for _, c := range []int{35, 36, 37} {
			k := rng.IntN(cats[c])
			r[c] = float64(k)
			m += catEff[c][k]
		}
		r[39] = math.Round(r[1]*4) / 4
		if rng.Float64() < sigmoid(m) {
			y[i] = 1
		}
	}
	return X, y
}
