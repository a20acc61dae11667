package calibrate

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// logisticData draws n scores x = loc + scale*N(0,1) and labels from
// P(y=1|x) = 1/(1+exp(-(a*x+b))).
func logisticData(n int, a, b, loc, scale float64, seed uint64) (x, y []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	x, y = make([]float64, n), make([]float64, n)
	for i := range n {
		x[i] = loc + scale*rng.NormFloat64()
		if rng.Float64() < 1/(1+math.Exp(-(a*x[i]+b))) {
			y[i] = 1
		}
	}
	return x, y
}

func TestPlattRecoversLogisticCurve(t *testing.T) {
	tests := []struct {
		name             string
		a, b, loc, scale float64
	}{
		{"log-odds margin", 1.5, -0.7, 0, 2},
		{"rule points", 0.04, -3, 60, 25}, // points around 60, 25 points ~ 1 nat
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, y := logisticData(200000, tt.a, tt.b, tt.loc, tt.scale, 2)
			c, err := FitPlatt(x, y, nil)
			require.NoError(t, err)
			assert.Equal(t, Platt, c.Method)
			// Standard errors at n=2e5 are ~1% of A and ~0.01 of the
			// log-odds at the mean score; allow about four of them.
			assert.InEpsilon(t, tt.a, c.A, 0.04)
			assert.InDelta(t, tt.a*tt.loc+tt.b, c.A*tt.loc+c.B, 0.04)

			// Maximum likelihood: the smoothed-target score equations hold,
			// sum (p_i - t_i) = 0 and sum (p_i - t_i) x_i = 0 (per row,
			// in units of the score's spread).
			var pos float64
			for _, v := range y {
				pos += v
			}
			hi, lo := (pos+1)/(pos+2), 1/(float64(len(y))-pos+2)
			var g0, g1 float64
			for i := range x {
				r := c.Apply(x[i]) - (y[i]*hi + (1-y[i])*lo)
				g0 += r
				g1 += r * (x[i] - tt.loc) / tt.scale
			}
			assert.InDelta(t, 0, g0/float64(len(x)), 1e-9)
			assert.InDelta(t, 0, g1/float64(len(x)), 1e-9)
		})
	}
}

func TestPlattSeparableStaysFinite(t *testing.T) {
	// Perfectly separated scores: plain maximum likelihood diverges; Platt's
	// smoothed targets keep A finite.
	c, err := FitPlatt([]float64{-2, -1, 1, 2}, []float64{0, 0, 1, 1}, nil)
	require.NoError(t, err)
	assert.False(t, math.IsInf(c.A, 0) || math.IsNaN(c.A))
	assert.Positive(t, c.A)
	// Targets are 1/4 and 3/4 (N+ = N- = 2); by symmetry B = 0.
	assert.InDelta(t, 0, c.B, 1e-9)
	assert.Less(t, c.Apply(2), 0.9)
}

func TestPlattAntiCorrelatedIsFlat(t *testing.T) {
	x, y := logisticData(2000, -1, 0, 0, 1, 3)
	c, err := FitPlatt(x, y, nil)
	require.NoError(t, err)
	assert.Zero(t, c.A)
	assert.InDelta(t, c.Apply(-5), c.Apply(5), 0)
}

func TestIsotonicHandCase(t *testing.T) {
	// PAV on y = 1,0,1,0,1: {1,0} pools to 0.5; {1,0} pools to 0.5 and
	// merges with the equal block before it; the last 1 stays.
	c, err := FitIsotonic([]float64{1, 2, 3, 4, 5}, []float64{1, 0, 1, 0, 1}, nil)
	require.NoError(t, err)
	assert.Equal(t, []float64{2.5, 5}, c.X)
	assert.Equal(t, []float64{0.5, 1}, c.Y)
	assert.InDelta(t, 0.5, c.Apply(0), 0)
	assert.InDelta(t, 0.75, c.Apply(3.75), 1e-12)
	assert.InDelta(t, 1-1e-6, c.Apply(5), 0, "clipped away from 1")
	assert.InDelta(t, 1-1e-6, c.Apply(100), 0)
}

func TestIsotonicReproducesMonotoneData(t *testing.T) {
	// Already non-decreasing conversion rates per score: every point is its
	// own block, and Apply returns the data at every score.
	x := []float64{-3, -1, 0, 0.5, 2, 7}
	y := []float64{0.01, 0.05, 0.2, 0.2001, 0.6, 0.97}
	c, err := FitIsotonic(x, y, nil)
	require.NoError(t, err)
	assert.Equal(t, x, c.X)
	assert.Equal(t, y, c.Y)
	for i := range x {
		assert.InDelta(t, y[i], c.Apply(x[i]), 1e-15)
	}
	// Sorted 0/1 labels form two blocks holding exactly 0 and 1.
	c, err = FitIsotonic([]float64{4, 1, 2, 5, 6, 3}, []float64{1, 0, 0, 1, 1, 0}, nil)
	require.NoError(t, err)
	assert.Equal(t, []float64{2, 5}, c.X)
	assert.Equal(t, []float64{0, 1}, c.Y)
	assert.InDelta(t, 1e-6, c.Apply(1), 0, "clipped away from 0")
}

func TestIsotonicPoolsTiedScores(t *testing.T) {
	// Equal scores are one point whatever their order in the input.
	a, err := FitIsotonic([]float64{1, 1, 2, 2}, []float64{0, 1, 1, 1}, nil)
	require.NoError(t, err)
	b, err := FitIsotonic([]float64{2, 1, 2, 1}, []float64{1, 1, 1, 0}, nil)
	require.NoError(t, err)
	assert.Equal(t, a, b)
	assert.Equal(t, []float64{1, 2}, a.X)
	assert.Equal(t, []float64{0.5, 1}, a.Y)
}

// TestApplyIsMonotone is the calibration invariant: for any data, every
// calibrator maps higher scores to probabilities at least as high.
func TestApplyIsMonotone(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for trial := range 200 {
		n := 5 + rng.IntN(200)
		x, y, w := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range n {
			x[i] = math.Round(rng.NormFloat64()*30) / 10 // ties
			if rng.Float64() < 0.3+0.1*math.Tanh(rng.NormFloat64()*x[i]) {
				y[i] = 1
			}
			w[i] = rng.Float64() * 2
		}
		y[0], y[1] = 0, 1 // both classes
		w[0], w[1] = 1, 1
		plat, err := FitPlatt(x, y, w)
		require.NoError(t, err)
		iso, err := FitIsotonic(x, y, w)
		require.NoError(t, err)
		cals := []*Calibrator{plat, iso}
		if n >= 40 {
			best, _, err := Fit(x, y, w, 3, int64(trial))
			require.NoError(t, err)
			cals = append(cals, best)
		}
		grid := make([]float64, 0, 300)
		for range 300 {
			grid = append(grid, rng.NormFloat64()*5)
		}
		grid = append(grid, x...)
		sort.Float64s(grid)
		for _, c := range cals {
			prev := math.Inf(-1)
			for _, g := range grid {
				p := c.Apply(g)
				require.GreaterOrEqual(t, p, prev, "trial %d %s at %v", trial, c.Method, g)
				require.True(t, p >= 0 && p <= 1)
				prev = p
			}
		}
	}
}

func TestWeightsEqualDuplicates(t *testing.T) {
	x, y := logisticData(300, 1, 0, 0, 1, 6)
	w := make([]float64, len(x))
	var dx, dy []float64
	for i := range x {
		w[i] = float64(i % 3)
		for range i % 3 {
			dx = append(dx, x[i])
			dy = append(dy, y[i])
		}
	}
	pw, err := FitPlatt(x, y, w)
	require.NoError(t, err)
	pd, err := FitPlatt(dx, dy, nil)
	require.NoError(t, err)
	assert.InDelta(t, pd.A, pw.A, 1e-9)
	assert.InDelta(t, pd.B, pw.B, 1e-9)
	iw, err := FitIsotonic(x, y, w)
	require.NoError(t, err)
	id, err := FitIsotonic(dx, dy, nil)
	require.NoError(t, err)
	assert.InDeltaSlice(t, id.X, iw.X, 1e-12)
	assert.InDeltaSlice(t, id.Y, iw.Y, 1e-12)
}

func TestFitSelectsByCrossValidatedLogLoss(t *testing.T) {
	// Logistic scores: Platt is the true model.
	x, y := logisticData(4000, 1.2, -1, 0, 1.5, 7)
	c, sel, err := Fit(x, y, nil, 5, 1)
	require.NoError(t, err)
	assert.Equal(t, Platt, sel.Method)
	assert.Equal(t, Platt, c.Method)
	assert.Less(t, sel.PlattLogLoss, sel.IsotonicLogLoss)
	assert.Equal(t, 5, sel.Folds)

	// A step in conversion rate at score 0 (0.05 below, 0.6 above, flat
	// on each side): no logistic curve fits it, isotonic does.
	rng := rand.New(rand.NewPCG(8, 8))
	for i := range x {
		x[i] = rng.NormFloat64() * 3
		p := 0.05
		if x[i] > 0 {
			p = 0.6
		}
		y[i] = 0
		if rng.Float64() < p {
			y[i] = 1
		}
	}
	c, sel, err = Fit(x, y, nil, 5, 1)
	require.NoError(t, err)
	assert.Equal(t, Isotonic, sel.Method)
	assert.Equal(t, Isotonic, c.Method)
	assert.Less(t, sel.IsotonicLogLoss, sel.PlattLogLoss)

	again, sel2, err := Fit(x, y, nil, 5, 1)
	require.NoError(t, err)
	assert.Equal(t, c, again)
	assert.Equal(t, sel, sel2)
}

func TestJSONRoundTrip(t *testing.T) {
	x, y := logisticData(500, 1, 0, 0, 1, 9)
	for _, fit := range []func(x, y, w []float64) (*Calibrator, error){FitPlatt, FitIsotonic} {
		c, err := fit(x, y, nil)
		require.NoError(t, err)
		b, err := json.Marshal(c)
		require.NoError(t, err)
		var back Calibrator
		require.NoError(t, json.Unmarshal(b, &back))
		for _, v := range x {
			require.Equal(t, c.Apply(v), back.Apply(v))
		}
	}
}

func TestErrors(t *testing.T) {
	ok := []float64{0, 1, 0, 1}
	tests := []struct {
		name    string
		x, y, w []float64
		want    string
	}{
		{"empty", nil, nil, nil, "no scores"},
		{"constant labels", []float64{1, 2, 3}, []float64{1, 1, 1}, nil, "all 3 labels are 1; calibration needs both"},
		{"nan score", []float64{1, math.NaN(), 3, 4}, ok, nil, "score of row 1 is NaN"},
		{"nan label", []float64{1, 2, 3, 4}, []float64{0, 1, math.NaN(), 1}, nil, "label of row 2 is NaN"},
		{"label out of range", []float64{1, 2, 3, 4}, []float64{0, 1, 2, 1}, nil, "label of row 2 is 2"},
		{"nan weight", []float64{1, 2, 3, 4}, ok, []float64{1, 1, 1, math.NaN()}, "weight of row 3 is NaN"},
		{"zero weights", []float64{1, 2, 3, 4}, ok, []float64{0, 0, 0, 0}, "all weights are 0"},
		{"lengths", []float64{1, 2}, ok, nil, "4 labels for 2 scores"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FitPlatt(tt.x, tt.y, tt.w)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			_, err = FitIsotonic(tt.x, tt.y, tt.w)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			_, _, err = Fit(tt.x, tt.y, tt.w, 2, 0)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	_, _, err := Fit([]float64{1, 2, 3, 4}, ok, nil, 1, 0)
	assert.ErrorContains(t, err, "folds is 1")
	_, _, err = Fit([]float64{1, 2, 3, 4}, []float64{0, 0, 0, 1}, nil, 2, 0)
	assert.ErrorContains(t, err, "use fewer folds")
	assert.True(t, math.IsNaN((&Calibrator{Method: "bogus"}).Apply(1)))
	assert.True(t, math.IsNaN((&Calibrator{Method: Platt, A: 1}).Apply(math.NaN())))
}
