package backtest

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/metrics"
)

func randomScores(n int, seed uint64, ties bool) (y, p []float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	y, p = make([]float64, n), make([]float64, n)
	for i := range y {
		x := rng.NormFloat64()
		if rng.Float64() < 1/(1+math.Exp(-(x*1.5-1.5))) {
			y[i] = 1
		}
		p[i] = 1 / (1 + math.Exp(-(x - 1.5)))
		if ties {
			p[i] = math.Round(p[i]*10) / 10
		}
	}
	return y, p
}

func TestPRAUCRankedMatchesMetrics(t *testing.T) {
	for _, ties := range []bool{false, true} {
		y, p := randomScores(500, 4, ties)
		w := make([]float64, len(y))
		resampleWeights(len(y), 10, 0, w)
		r := newRanking(p)
		assert.InDelta(t, metrics.PRAUC(y, p, nil), prAUCRanked(r, y, nil), 1e-12, "ties=%v", ties)
		assert.InDelta(t, metrics.PRAUC(y, p, w), prAUCRanked(r, y, w), 1e-12, "weighted, ties=%v", ties)
	}
	assert.True(t, math.IsNaN(prAUCRanked(newRanking([]float64{0.1, 0.2}), []float64{0, 0}, nil)))
}

func TestAUCRankedMatchesMetrics(t *testing.T) {
	for _, ties := range []bool{false, true} {
		y, p := randomScores(500, 3, ties)
		w := make([]float64, len(y))
		resampleWeights(len(y), 9, 0, w)
		r := newRanking(p)
		assert.InDelta(t, metrics.ROCAUC(y, p, nil), aucRanked(r, y, nil), 1e-12, "ties=%v", ties)
		assert.InDelta(t, metrics.ROCAUC(y, p, w), aucRanked(r, y, w), 1e-12, "weighted, ties=%v", ties)
	}
	assert.True(t, math.IsNaN(aucRanked(newRanking([]float64{0.1, 0.2}), []float64{1, 1}, nil)))
}

func TestCaptureRanked(t *testing.T) {
	// Distinct scores: the top 10% of 500 rows is exactly 50 rows, as in
	// metrics.TopShareCaptured.
	y, p := randomScores(500, 4, false)
	r := newRanking(p)
	assert.InDelta(t, metrics.TopShareCaptured(y, p, 0.1), captureRanked(r, y, nil, 0.1), 1e-12)
	assert.InDelta(t, metrics.TopShareCaptured(y, p, 0.2), captureRanked(r, y, nil, 0.2), 1e-12)

	// All scores tied: the expected capture of a random tenth is 10%.
	flat := make([]float64, len(y))
	assert.InDelta(t, 0.1, captureRanked(newRanking(flat), y, nil, 0.1), 1e-12)
	assert.InDelta(t, 1.0, captureRanked(r, y, nil, 1), 1e-12)
}

func TestBootstrapReproducibleBySeed(t *testing.T) {
	y, p := randomScores(400, 5, false)
	_, q := randomScores(400, 6, true)
	ms := []*modelScores{{rank: newRanking(p), val: p, prob: p}, {rank: newRanking(q), val: q, prob: q}}
	a := bootstrap(y, ms, 200, 42, 2)
	b := bootstrap(y, ms, 200, 42, 1)
	c := bootstrap(y, ms, 200, 43, 2)
	require.Len(t, a.values, 200)
	assert.Equal(t, a.values, b.values, "same seed: same resamples whatever the thread count")
	assert.NotEqual(t, a.values, c.values, "another seed: other resamples")

	lo, hi := a.interval(0, mAUC)
	est := ms[0].evaluateAll(y, nil)[mAUC]
	assert.Less(t, lo, est)
	assert.Greater(t, hi, est)
	assert.Less(t, hi-lo, 0.2)

	// Model 0 (continuous, informative) against itself: the difference is
	// always 0, so p = 1; against a coarse copy it should do no worse.
	dlo, dhi, pv := a.paired(0, 0, mAUC)
	assert.Equal(t, 0.0, dlo)
	assert.Equal(t, 0.0, dhi)
	assert.Equal(t, 1.0, pv)
}

// TestBootstrapClusters checks resampling by cluster: every row of a
// cluster gets its cluster's draw count, the draws add up to the number of
// clusters, and a resample differs from one of single rows. With clusters
// that duplicate every row, the interval is wider than resampling the
// duplicated rows as if they were independent.
func TestBootstrapClusters(t *testing.T) {
	clusters := []int{0, 0, 0, 1, 2, 2, 3, 4, 4, 4}
	w := make([]float64, len(clusters))
	cw := make([]float64, 5)
	for b := range 50 {
		resampleClusters(clusters, 5, 7, b, w, cw)
		assert.Equal(t, w[0], w[1])
		assert.Equal(t, w[1], w[2])
		assert.Equal(t, w[4], w[5])
		assert.Equal(t, w[7], w[9])
		assert.Equal(t, 5.0, cw[0]+cw[1]+cw[2]+cw[3]+cw[4])
	}

	y, p := randomScores(300, 5, false)
	yy := append(slices.Clone(y), y...)
	pp := append(slices.Clone(p), p...)
	dup := make([]int, len(yy))
	for i := range dup {
		dup[i] = i % len(y)
	}
	ms := []*modelScores{{rank: newRanking(pp), val: pp, prob: pp}}
	rows := bootstrap(yy, ms, 300, 3, 2)
	byCluster := bootstrapClusters(yy, dup, ms, 300, 3, 2)
	rlo, rhi := rows.interval(0, mAUC)
	clo, chi := byCluster.interval(0, mAUC)
	assert.Greater(t, chi-clo, 1.2*(rhi-rlo), "copies drawn together: the interval of the original rows, about sqrt(2) wider")
}

func TestPairedDetectsBetterModel(t *testing.T) {
	y, p := randomScores(1000, 8, false)
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]float64, len(p))
	for i := range noise {
		noise[i] = rng.Float64()
	}
	ms := []*modelScores{{rank: newRanking(p), val: p, prob: p}, {rank: newRanking(noise), val: noise, prob: noise}}
	br := bootstrap(y, ms, 300, 1, 2)
	lo, _, pv := br.paired(0, 1, mAUC)
	assert.Greater(t, lo, 0.0, "the informative model beats noise")
	assert.Less(t, pv, 0.01)
}

func TestPSI(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	a, b, c := make([]float64, 5000), make([]float64, 5000), make([]float64, 5000)
	for i := range a {
		a[i] = rng.NormFloat64()
		b[i] = rng.NormFloat64()
		c[i] = rng.NormFloat64() + 1
	}
	assert.Equal(t, 0.0, PSI(a, a, 10))
	assert.Less(t, PSI(a, b, 10), 0.02, "same distribution")
	assert.Greater(t, PSI(a, c, 10), DriftThreshold, "a one-sd shift is flagged")
	assert.True(t, math.IsNaN(PSI(nil, a, 10)))

	// Missing values are their own bin.
	withNaN := append(append([]float64(nil), b...), make([]float64, 2000)...)
	for i := 5000; i < len(withNaN); i++ {
		withNaN[i] = math.NaN()
	}
	assert.Greater(t, PSI(a, withNaN, 10), DriftThreshold)

	// Rare categories share a bin: a shuffle among them is no drift.
	var rareA, rareB []float64
	for i := 0; i < 1000; i++ {
		rareA = append(rareA, float64(i%2), float64(2+i%100))
		rareB = append(rareB, float64(i%2), float64(2+(i*7+3)%100))
	}
	assert.Less(t, PSICategorical(rareA, rareB), 0.01)

	cats := []float64{0, 0, 1, 1, 2, 2}
	assert.Equal(t, 0.0, PSICategorical(cats, []float64{0, 1, 2}))
	assert.Greater(t, PSICategorical(cats, []float64{2, 2, 2, 2, math.NaN()}), DriftThreshold)
}

func TestPeriods(t *testing.T) {
	d := func(s string) time.Time {
		x, err := time.Parse("2006-01-02", s)
		require.NoError(t, err)
		return x
	}
	tests := []struct {
		unit       string
		at         string
		start, lab string
	}{
		{Month, "2018-03-17", "2018-03-01", "2018-03"},
		{Quarter, "2018-05-17", "2018-04-01", "2018-Q2"},
		{Week, "2018-03-17", "2018-03-12", "2018-W11"}, // a Saturday; week starts Monday
		{Week, "2018-03-12", "2018-03-12", "2018-W11"},
	}
	for _, tc := range tests {
		s := periodStart(d(tc.at), tc.unit)
		assert.Equal(t, d(tc.start), s, "%s %s", tc.unit, tc.at)
		assert.Equal(t, tc.lab, periodLabel(s, tc.unit))
	}
	ps := periodsBetween(d("2017-06-15"), d("2018-05-31"), Month)
	require.Len(t, ps, 12)
	assert.Equal(t, "2017-06", ps[0].Label)
	assert.Equal(t, ps[0].End, ps[1].Start)
}

// TestPairedAUC: the exported comparison agrees with the metrics package
// on the point estimate, separates a real model from noise, and does not
// separate a model from itself.
func TestPairedAUC(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	n := 2000
	y, good, noise := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range y {
		good[i] = rng.Float64()
		if rng.Float64() < good[i] {
			y[i] = 1
		}
		noise[i] = rng.Float64()
	}
	d := PairedAUC(y, good, noise, 200, 4, 2)
	assert.InDelta(t, metrics.ROCAUC(y, good, nil)-metrics.ROCAUC(y, noise, nil), d.Value, 1e-12)
	assert.Greater(t, d.Lo, 0.0, "good beats noise beyond the interval")
	assert.Less(t, d.PValue, 0.01)
	r := PairedAUC(y, noise, good, 200, 4, 2)
	assert.Less(t, r.Hi, 0.0)
	same := PairedAUC(y, good, good, 50, 4, 2)
	assert.Equal(t, 0.0, same.Value)
	assert.Equal(t, 0.0, same.Lo)
	assert.Equal(t, 0.0, same.Hi)
	assert.Equal(t, d, PairedAUC(y, good, noise, 200, 4, 1), "threads do not change the result")
}
