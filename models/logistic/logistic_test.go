package logistic

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/features"
)

// simulate draws n rows of p standard-normal features and labels from the
// logistic model with the given intercept and coefficients.
func simulate(n int, intercept float64, beta []float64, seed uint64) (*features.Matrix, []float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	cols := make([]features.ColumnInfo, len(beta))
	for j := range cols {
		cols[j] = features.ColumnInfo{Name: fmt.Sprintf("x%d", j), Source: fmt.Sprintf("field %d", j)}
	}
	X := features.NewMatrix(n, cols)
	y := make([]float64, n)
	for i := range n {
		row := X.Row(i)
		m := intercept
		for j := range row {
			row[j] = rng.NormFloat64()
			m += beta[j] * row[j]
		}
		if rng.Float64() < 1/(1+math.Exp(-m)) {
			y[i] = 1
		}
	}
	return X, y
}

// objectiveGradient computes the gradient of the smooth part of Fit's
// objective directly from its definition (independently of the solver).
func objectiveGradient(X *features.Matrix, y, w []float64, m *Model) []float64 {
	g := make([]float64, X.Cols+1)
	var sw float64
	for i := range X.Rows {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		p := 1 / (1 + math.Exp(-m.Margin(X.Row(i))))
		g[0] += wi * (p - y[i])
		for j, v := range X.Row(i) {
			g[1+j] += wi * (p - y[i]) * v
		}
		sw += wi
	}
	for j := range g {
		g[j] /= sw
		if j > 0 {
			g[j] += m.Lambda * (1 - m.L1Ratio) * m.Weights[j-1]
		}
	}
	return g
}

func TestKKTAtOptimum(t *testing.T) {
	X, y := simulate(3000, -1, []float64{1.5, -2, 0.5, 0, 0.05, 0.8}, 1)
	tests := []struct {
		name string
		opt  Options
	}{
		{"unpenalised", Options{}},
		{"ridge", Options{Lambda: 0.05}},
		{"elastic net", Options{Lambda: 0.05, L1Ratio: 0.5}},
		{"lasso", Options{Lambda: 0.02, L1Ratio: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Fit(X, y, nil, tt.opt)
			require.NoError(t, err)
			require.True(t, m.Converged, "iterations %d", m.Iterations)
			g := objectiveGradient(X, y, nil, m)
			assert.InDelta(t, 0, g[0], 1e-8, "intercept gradient")
			l1 := tt.opt.Lambda * tt.opt.L1Ratio
			var zeros int
			for j, b := range m.Weights {
				switch {
				case l1 == 0:
					assert.InDelta(t, 0, g[1+j], 1e-8, "gradient of weight %d", j)
				case b == 0:
					zeros++
					assert.LessOrEqual(t, math.Abs(g[1+j]), l1+1e-8, "subgradient of zero weight %d", j)
				default:
					assert.InDelta(t, -l1*math.Copysign(1, b), g[1+j], 1e-8, "gradient of weight %d", j)
				}
			}
			if l1 > 0 {
				assert.Positive(t, zeros, "the L1 penalty should zero the null coefficient")
			}
		})
	}
}

func TestRecoversSimulatedCoefficients(t *testing.T) {
	beta := []float64{1, -0.5, 0.25, 0, 2}
	X, y := simulate(200000, -0.7, beta, 2)
	m, err := Fit(X, y, nil, Options{})
	require.NoError(t, err)
	require.True(t, m.Converged)
	// Standard errors are about 1/sqrt(n * p(1-p)) ~ 0.005; allow ~5 of them.
	assert.InDelta(t, -0.7, m.Intercept, 0.03)
	for j := range beta {
		assert.InDelta(t, beta[j], m.Weights[j], 0.03, "weight %d", j)
	}
}

func TestWeightsEqualDuplicatedRows(t *testing.T) {
	X, y := simulate(500, 0.3, []float64{1, -1, 0.5}, 3)
	rng := rand.New(rand.NewPCG(4, 4))
	w := make([]float64, X.Rows)
	dup := features.NewMatrix(0, X.Columns)
	var dy []float64
	for i := range X.Rows {
		w[i] = float64(rng.IntN(4)) // includes zero weights
		for range int(w[i]) {
			dup.Data = append(dup.Data, X.Row(i)...)
			dup.Rows++
			dy = append(dy, y[i])
		}
	}
	for _, opt := range []Options{{Lambda: 0.01}, {Lambda: 0.01, L1Ratio: 0.7}} {
		a, err := Fit(X, y, w, opt)
		require.NoError(t, err)
		b, err := Fit(dup, dy, nil, opt)
		require.NoError(t, err)
		assert.InDelta(t, b.Intercept, a.Intercept, 1e-7)
		assert.InDeltaSlice(t, b.Weights, a.Weights, 1e-7)
		assert.InDeltaSlice(t, b.Means, a.Means, 1e-12)
	}
}

func TestClassWeightEqualsPosWeight(t *testing.T) {
	X, y := simulate(800, -1, []float64{1, 0.5}, 5)
	a, err := Fit(X, y, nil, Options{Lambda: 0.01, PosWeight: 3})
	require.NoError(t, err)
	b, err := Fit(X, y, nil, Options{Lambda: 0.01, ClassWeight: map[int]float64{1: 3}})
	require.NoError(t, err)
	w := make([]float64, len(y))
	for i := range y {
		w[i] = 1 + 2*y[i]
	}
	c, err := Fit(X, y, w, Options{Lambda: 0.01})
	require.NoError(t, err)
	assert.Equal(t, a.Weights, b.Weights)
	assert.InDeltaSlice(t, c.Weights, a.Weights, 1e-9)
	unweighted, err := Fit(X, y, nil, Options{Lambda: 0.01})
	require.NoError(t, err)
	assert.Greater(t, a.Intercept, unweighted.Intercept, "up-weighting positives raises the intercept")
}

func TestContributionsAddUp(t *testing.T) {
	X, y := simulate(1000, 0.2, []float64{0.7, -1.2, 0.1, 2}, 6)
	m, err := Fit(X, y, nil, Options{Lambda: 0.001})
	require.NoError(t, err)
	out := make([]float64, X.Cols)
	for i := range 50 {
		base := m.Contributions(X.Row(i), out)
		s := base
		for _, v := range out {
			s += v
		}
		assert.InDelta(t, m.Margin(X.Row(i)), s, 1e-9)
	}
	// The average training row has zero total contribution.
	base := m.Contributions(m.Means, out)
	for _, v := range out {
		assert.InDelta(t, 0, v, 1e-15)
	}
	assert.InDelta(t, m.Margin(m.Means), base, 1e-12)
	assert.True(t, math.IsNaN(m.Contributions(X.Row(0), out[:1])))
	assert.True(t, math.IsNaN(m.Margin(out[:1])))
}

func TestJSONRoundTrip(t *testing.T) {
	X, y := simulate(600, 0, []float64{1, -1, 0.3}, 7)
	m, err := Fit(X, y, nil, Options{CV: true, Folds: 3, Lambdas: []float64{0.001, 0.1}, Seed: 1})
	require.NoError(t, err)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"intercept":`)
	var back Model
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Nil(t, back.OOF, "out-of-fold margins are training by-products, not saved")
	saved := *m
	saved.OOF = nil
	assert.Equal(t, saved, back)
	for i := range X.Rows {
		require.Equal(t, m.Margin(X.Row(i)), back.Margin(X.Row(i)))
	}
}

func TestCrossValidation(t *testing.T) {
	X, y := simulate(1500, -0.5, []float64{0.8, -0.6, 0, 0, 0, 0, 0, 0, 0.3, 0}, 8)
	opt := Options{Lambda: -1, Seed: 42}
	m, err := Fit(X, y, nil, opt)
	require.NoError(t, err)
	require.Len(t, m.CV, 8)
	best := m.CV[0]
	for _, p := range m.CV {
		require.Len(t, p.FoldLogLoss, 5)
		if p.LogLoss < best.LogLoss {
			best = p
		}
	}
	assert.Equal(t, best.Lambda, m.Lambda)
	assert.Less(t, m.Lambda, 10.0, "the strongest penalty flattens a model with real signal")
	assert.InDelta(t, 1e-4, m.CV[len(m.CV)-1].Lambda, 1e-15)
	assert.InDelta(t, 10, m.CV[0].Lambda, 1e-12)

	again, err := Fit(X, y, nil, opt)
	require.NoError(t, err)
	assert.Equal(t, m, again, "same data and seed give the same model")
}

func TestThreadsDoNotChangeResult(t *testing.T) {
	X, y := simulate(20000, 0.1, []float64{0.5, -0.5, 1, 0.2}, 9)
	a, err := Fit(X, y, nil, Options{Lambda: 0.01, Threads: 1})
	require.NoError(t, err)
	b, err := Fit(X, y, nil, Options{Lambda: 0.01, Threads: 2})
	require.NoError(t, err)
	c, err := Fit(X, y, nil, Options{Lambda: 0.01, Threads: 7})
	require.NoError(t, err)
	assert.Equal(t, a, b)
	assert.Equal(t, a, c)
}

// TestLBFGSMatchesNewton checks the wide-design solver against the Newton
// solver on the same objective.
func TestLBFGSMatchesNewton(t *testing.T) {
	beta := make([]float64, 30)
	for j := range beta {
		beta[j] = 0.1 * float64(j%5-2)
	}
	X, y := simulate(2000, 0.2, beta, 10)
	w := make([]float64, X.Rows)
	for i := range w {
		w[i] = 1
	}
	pr := newProblem(X.Data, X.Rows, X.Cols, y, w, 0, 0.01, 2)
	a, err := pr.newton(make([]float64, X.Cols+1), 1e-10, 100)
	require.NoError(t, err)
	b, err := pr.lbfgs(make([]float64, X.Cols+1), 1e-8, 1000)
	require.NoError(t, err)
	require.True(t, a.converged)
	require.True(t, b.converged, "kkt %g", b.kkt)
	// Strong convexity (Hessian >= 0.01 I) turns a gradient norm of 1e-8
	// into a coefficient error of at most 1e-6.
	assert.InDeltaSlice(t, a.theta, b.theta, 1e-6)
}

func TestErrors(t *testing.T) {
	X, y := simulate(50, 0, []float64{1, 1}, 11)
	nan := features.NewMatrix(50, X.Columns)
	copy(nan.Data, X.Data)
	nan.Data[7*2+1] = math.NaN()
	ones := make([]float64, 50)
	for i := range ones {
		ones[i] = 1
	}
	bad := append([]float64(nil), y...)
	bad[3] = 2
	tests := []struct {
		name string
		X    *features.Matrix
		y, w []float64
		opt  Options
		want string
	}{
		{"nan names column", nan, y, nil, Options{}, `column "x1" row 7 is NaN`},
		{"single class", X, ones, nil, Options{}, "all 50 labels are 1"},
		{"bad label", X, bad, nil, Options{}, "label of row 3 is 2"},
		{"empty", features.NewMatrix(0, X.Columns), nil, nil, Options{}, "no training rows"},
		{"label count", X, y[:10], nil, Options{}, "10 labels for 50 rows"},
		{"negative weight", X, y, append(make([]float64, 49), -1), Options{}, "weight of row 49 is -1"},
		{"l1 ratio", X, y, nil, Options{L1Ratio: 2}, "L1Ratio is 2"},
		{"lambda and cv", X, y, nil, Options{Lambda: 1, CV: true}, "CV = true"},
		{"both class weights", X, y, nil, Options{PosWeight: 2, ClassWeight: map[int]float64{0: 1}}, "not both"},
		{"too few per fold", X, y, nil, Options{CV: true, Folds: 40}, "at least 40 rows of each class"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Fit(tt.X, tt.y, tt.w, tt.opt)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestSubsampledHessianSameSolution checks that estimating the Hessian on
// every k-th row (used above hessianRows rows) changes only the path, not
// the optimum: the gradient, line search and stopping test use all rows.
func TestSubsampledHessianSameSolution(t *testing.T) {
	X, y := simulate(20000, -0.4, []float64{1, -0.7, 0.3, 0.1, -1.5, 0.6}, 12)
	w := make([]float64, X.Rows)
	for i := range w {
		w[i] = 1
	}
	for _, l1 := range []float64{0, 0.005} {
		exact := newProblem(X.Data, X.Rows, X.Cols, y, w, l1, 0.01, 2)
		require.Equal(t, 1, exact.hessStride)
		a, err := exact.newton(make([]float64, X.Cols+1), 1e-11, 100)
		require.NoError(t, err)
		sub := newProblem(X.Data, X.Rows, X.Cols, y, w, l1, 0.01, 2)
		sub.setHessStride(50) // a 400-row Hessian estimate
		b, err := sub.newton(make([]float64, X.Cols+1), 1e-11, 100)
		require.NoError(t, err)
		require.True(t, a.converged)
		require.True(t, b.converged, "kkt %g after %d iterations", b.kkt, b.iterations)
		// Both satisfy KKT to 1e-11 of an objective with curvature >= 0.01.
		assert.InDeltaSlice(t, a.theta, b.theta, 1e-8, "l1 %g", l1)
	}
}

// BenchmarkFit times a fixed-lambda L2 fit of 200,000 x 40 rows (bench/logistic
// compares the same solver with scikit-learn at 1,000,000 rows).
func BenchmarkFit(b *testing.B) {
	beta := make([]float64, 40)
	for j := range beta {
		beta[j] = 0.3 * math.Sin(float64(j))
	}
	X, y := simulate(200000, -1, beta, 13)
	b.ResetTimer()
	for range b.N {
		if _, err := Fit(X, y, nil, Options{Lambda: 1e-4}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSeparableUnpenalised: without a penalty, perfectly separated classes
// have no finite optimum; the gradient only vanishes as the weights grow.
// Fit must stop (at the gradient tolerance, MaxIter or when no further
// descent is possible) with finite, large weights, rather than loop or fail.
func TestSeparableUnpenalised(t *testing.T) {
	X, _ := simulate(200, 0, []float64{1, 1}, 14)
	y := make([]float64, X.Rows)
	for i := range y {
		if X.At(i, 0) > 0 {
			y[i] = 1
		}
	}
	m, err := Fit(X, y, nil, Options{MaxIter: 30})
	require.NoError(t, err)
	assert.LessOrEqual(t, m.Iterations, 30)
	assert.False(t, math.IsInf(m.Weights[0], 0) || math.IsNaN(m.Weights[0]))
	assert.Greater(t, m.Weights[0], 5.0, "the separating direction grows")
	t.Logf("separable: weights %v after %d iterations (converged %v)", m.Weights, m.Iterations, m.Converged)

	r, err := Fit(X, y, nil, Options{Lambda: 0.01})
	require.NoError(t, err)
	assert.True(t, r.Converged, "a ridge penalty makes the optimum finite")
	assert.Less(t, r.Weights[0], m.Weights[0])
}

// With FoldOf, cross-validation uses the caller's folds, and OOF holds each
// row's margin from the model fitted without its fold at the chosen lambda.
func TestCrossValidationOutOfFoldMargins(t *testing.T) {
	X, y := simulate(3000, -1, []float64{1, -0.5, 0.25, 0}, 11)
	fold := make([]int, len(y))
	for i := range fold {
		fold[i] = (i / 10) % 3 // blocks of 10 rows share a fold, as a lead's snapshots do
	}
	m, err := Fit(X, y, nil, Options{CV: true, Folds: 3, FoldOf: fold, Lambdas: []float64{1e-3, 1e-2, 1e-1}})
	require.NoError(t, err)
	require.Len(t, m.OOF, len(y))
	for f := range 3 {
		w := make([]float64, len(y))
		for i := range w {
			if fold[i] != f {
				w[i] = 1
			}
		}
		ref, err := Fit(X, y, w, Options{Lambda: m.Lambda})
		require.NoError(t, err)
		for i := range y {
			if fold[i] == f {
				// Fold fits stop at gradient norm cvTol (1e-6), the refit at
				// 1e-8: margins agree to about |x| * cvTol / (smallest Hessian
				// eigenvalue), well under 1e-4 here.
				require.InDelta(t, ref.Margin(X.Row(i)), m.OOF[i], 1e-4, "row %d fold %d", i, f)
			}
		}
	}
	_, err = Fit(X, y, nil, Options{CV: true, Folds: 3, FoldOf: fold[:10]})
	require.ErrorContains(t, err, "FoldOf has 10 entries")
	bad := append([]int(nil), fold...)
	bad[5] = 3
	_, err = Fit(X, y, nil, Options{CV: true, Folds: 3, FoldOf: bad})
	require.ErrorContains(t, err, "FoldOf[5] is 3")
}
