package logistic

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/features"
)

// simulateEncoded draws rows shaped like the linear encoding of lead
// features: two dense standardised numbers, a standardised count that is
// mostly zero (so mostly one negative constant), a missing-value flag and a
// one-hot category of 12 levels, some rare.
func simulateEncoded(n int, seed uint64) (*features.Matrix, []float64) {
	rng := rand.New(rand.NewPCG(seed, 11))
	const levels = 12
	cols := []features.ColumnInfo{{Name: "a"}, {Name: "b"}, {Name: "count"}, {Name: "count missing"}}
	for l := range levels {
		cols = append(cols, features.ColumnInfo{Name: fmt.Sprintf("cat=%d", l), Source: "cat"})
	}
	X := features.NewMatrix(n, cols)
	y := make([]float64, n)
	effect := []float64{0.8, -0.5, 0.3, 0, 1.2, -1, 0.4, 0.1, -0.3, 2, 0.6, -0.8}
	for i := range n {
		row := X.Row(i)
		row[0], row[1] = rng.NormFloat64(), rng.NormFloat64()
		row[2] = -0.31
		if rng.Float64() < 0.1 {
			row[2] = -0.31 + 3*rng.Float64()
		}
		if rng.Float64() < 0.05 {
			row[3] = 1
		}
		// Level l has probability proportional to 1/(l+1)^2: the last
		// levels are rare.
		u, l := rng.Float64()*1.5, 0
		for ; l < levels-1; l++ {
			u -= 1 / float64((l+1)*(l+1))
			if u < 0 {
				break
			}
		}
		row[4+l] = 1
		m := -1.5 + 0.7*row[0] - 0.4*row[1] + 0.5*row[2] - 0.6*row[3] + effect[l]
		if rng.Float64() < 1/(1+math.Exp(-m)) {
			y[i] = 1
		}
	}
	return X, y
}

func TestNewDesignChoosesForm(t *testing.T) {
	X, _ := simulateEncoded(2000, 1)
	d := newDesign(X.Data, X.Rows, X.Cols)
	require.True(t, d.sparse(), "one-hot and mostly-constant columns are sparse around their shifts")
	assert.InDelta(t, -0.31, d.shift[2], 0, "a mostly-constant column is shifted by its majority value")
	assert.Zero(t, d.shift[0], "a column without a majority value is not shifted")
	// Reconstructing X from the sparse form gives X back exactly.
	for i := range X.Rows {
		row := make([]float64, X.Cols)
		copy(row, d.shift)
		for k := d.ptr[i]; k < d.ptr[i+1]; k++ {
			row[d.aug[k]-1] += d.val[k]
		}
		require.Equal(t, X.Row(i), row, "row %d", i)
	}

	G, _ := simulate(500, 0, []float64{1, 2, 3}, 2)
	assert.False(t, newDesign(G.Data, G.Rows, G.Cols).sparse(), "Gaussian columns stay dense")
}

// The sparse form is an exact reparametrisation: Newton (ridge and elastic
// net) and L-BFGS reach the same coefficients as on the dense form, and the
// stopping test measures the original problem's residual.
func TestSparseDesignSameSolution(t *testing.T) {
	X, y := simulateEncoded(30000, 3)
	w := make([]float64, X.Rows)
	for i := range w {
		w[i] = 1 + float64(i%3) // uneven weights
	}
	sparse := newDesign(X.Data, X.Rows, X.Cols)
	require.True(t, sparse.sparse())
	dense := &design{rows: X.Rows, cols: X.Cols, dense: X.Data}
	for _, tc := range []struct {
		name  string
		opt   Options
		delta float64 // Tol / lambda bounds the distance to the optimum
	}{
		{"ridge", Options{L1Ratio: 0, Tol: 1e-10, Threads: 2}, 1e-6},
		{"elastic net", Options{L1Ratio: 0.5, Tol: 1e-10, Threads: 2}, 1e-6},
		{"ridge L-BFGS", Options{L1Ratio: 0, Tol: 1e-7, Threads: 2, MaxIter: 5000}, 2e-4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := tc.opt
			solveWith := func(d *design) result {
				if tc.name == "ridge L-BFGS" {
					pr := newDesignProblem(d, y, w, 0, 1e-3, opt.Threads)
					theta0 := make([]float64, d.cols+1)
					d.toShifted(theta0)
					res, err := pr.lbfgs(theta0, opt.Tol, opt.MaxIter)
					require.NoError(t, err)
					d.toOriginal(res.theta)
					return res
				}
				res, err := solve(d, y, w, 1e-3, opt, nil, nil)
				require.NoError(t, err)
				return res
			}
			a, b := solveWith(dense), solveWith(sparse)
			require.True(t, a.converged)
			require.True(t, b.converged, "kkt %g", b.kkt)
			assert.InDeltaSlice(t, a.theta, b.theta, tc.delta)
			// The residual reported for the sparse fit is the original
			// problem's: recompute it on the dense form at b's solution.
			pr := newDesignProblem(dense, y, w, 1e-3*opt.L1Ratio, 1e-3*(1-opt.L1Ratio), 1)
			ws := pr.newWorkspace(false)
			m := make([]float64, X.Rows)
			pr.margins(b.theta, m)
			pr.lossAt(m, nil, 0, ws)
			g := make([]float64, X.Cols+1)
			pr.grad(m, ws, g)
			for j := 1; j < len(g); j++ {
				g[j] += pr.l2 * b.theta[j]
			}
			assert.Less(t, pr.optimality(b.theta, g), 10*opt.Tol)
		})
	}
}

// Fit on sparse-shaped data agrees with the dense solver through the public
// API, cross-validation included.
func TestFitSparseMatchesDense(t *testing.T) {
	X, y := simulateEncoded(5000, 4)
	m, err := Fit(X, y, nil, Options{CV: true, Folds: 3, Seed: 1, Lambdas: []float64{1e-3, 1e-2, 1e-1}})
	require.NoError(t, err)
	dense := &design{rows: X.Rows, cols: X.Cols, dense: X.Data}
	eff := effectiveWeights(y, nil, Options{})
	opt := Options{Lambda: m.Lambda, Tol: 1e-8, Threads: 1}
	res, err := solve(dense, y, eff, m.Lambda, opt, nil, nil)
	require.NoError(t, err)
	assert.InDelta(t, res.theta[0], m.Intercept, 1e-6)
	assert.InDeltaSlice(t, res.theta[1:], m.Weights, 1e-6)
}
