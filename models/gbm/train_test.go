package gbm

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// smallParams are the defaults without early stopping or sampling: the
// tiny data sets below have a known best split, which a tree must be able to
// see every column and row to find.
func smallParams() Params {
	p := DefaultParams()
	p.MinDataInLeaf = 5
	p.EarlyStopping = 0
	p.Subsample, p.ColSample = 1, 1
	return p
}

func TestStepFunctionSplit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	X := features.NewMatrix(1000, numericCols(2))
	y := make([]float64, 1000)
	for i := range 1000 {
		X.Row(i)[0] = rng.Float64()
		X.Row(i)[1] = rng.Float64()
		if X.Row(i)[0] > 0.6 {
			y[i] = 1
		}
	}
	p := smallParams()
	p.Trees, p.Leaves = 1, 2
	m, err := Train(X, y, nil, nil, nil, nil, p)
	require.NoError(t, err)
	assert.Equal(t, int32(0), m.Feature[0])
	assert.InDelta(t, 0.6, m.Threshold[0], 0.01)
	assert.Less(t, m.Value[m.Left[0]], 0.0)
	assert.Greater(t, m.Value[m.Left[0]+1], 0.0)
}

func TestInteractionLearned(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	X := features.NewMatrix(4000, numericCols(3))
	y := make([]float64, 4000)
	for i := range 4000 {
		r := X.Row(i)
		r[0], r[1], r[2] = rng.Float64(), rng.Float64(), rng.Float64()
		if (r[0] > 0.5) != (r[1] > 0.5) {
			y[i] = 1
		}
	}
	p := smallParams()
	p.Trees, p.Leaves, p.LearningRate = 20, 4, 0.3
	m, err := Train(X, y, nil, nil, nil, nil, p)
	require.NoError(t, err)
	for _, c := range []struct{ a, b, want float64 }{{0.2, 0.2, 0}, {0.8, 0.2, 1}, {0.2, 0.8, 1}, {0.8, 0.8, 0}} {
		prob := m.Probability([]float64{c.a, c.b, 0.5})
		assert.InDelta(t, c.want, prob, 0.1, "x=(%v,%v)", c.a, c.b)
	}
	imp := m.Importance()
	assert.Less(t, imp[2], 0.01*imp[0])
}

func TestMissingValuesCarrySignal(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, missingPositive := range []bool{true, false} {
		X := features.NewMatrix(2000, numericCols(1))
		y := make([]float64, 2000)
		for i := range 2000 {
			X.Row(i)[0] = rng.Float64()
			if rng.IntN(4) == 0 {
				X.Row(i)[0] = math.NaN()
				if missingPositive {
					y[i] = 1
				}
			} else if !missingPositive && X.Row(i)[0] < 0.3 {
				y[i] = 1
			}
		}
		p := smallParams()
		p.Trees, p.Leaves, p.LearningRate = 30, 3, 0.3
		m, err := Train(X, y, nil, nil, nil, nil, p)
		require.NoError(t, err)
		nan := m.Probability([]float64{math.NaN()})
		if missingPositive {
			assert.Greater(t, nan, 0.9)
			assert.Less(t, m.Probability([]float64{0.5}), 0.1)
		} else {
			assert.Less(t, nan, 0.1)
			assert.Greater(t, m.Probability([]float64{0.1}), 0.9)
		}
	}
}

func TestCategoricalGrouping(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	cols := numericCols(1)
	cols[0].Categorical, cols[0].Categories = true, 12
	X := features.NewMatrix(3000, cols)
	y := make([]float64, 3000)
	good := map[int]bool{1: true, 4: true, 7: true, 10: true}
	for i := range 3000 {
		c := rng.IntN(10) // codes 10, 11 never seen
		X.Row(i)[0] = float64(c)
		if good[c] {
			y[i] = 1
		}
	}
	p := smallParams()
	p.Trees, p.Leaves = 1, 2
	m, err := Train(X, y, nil, nil, nil, nil, p)
	require.NoError(t, err)
	require.Greater(t, m.CatLen[0], int32(0))
	leftGood := m.goLeft(0, 1)
	for c := range 10 {
		assert.Equal(t, good[c] == leftGood, m.goLeft(0, float64(c)), "category %d", c)
	}
	// Unseen and invalid codes go right, consistently.
	for _, v := range []float64{10, 11, 99, -1, 2.5} {
		assert.False(t, m.goLeft(0, v), "code %v", v)
	}
}

func TestMonotoneConstraint(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	X := features.NewMatrix(3000, numericCols(3))
	y := make([]float64, 3000)
	for i := range 3000 {
		r := X.Row(i)
		r[0], r[1], r[2] = rng.Float64()*4, rng.Float64(), rng.NormFloat64()
		// Non-monotone truth in x0 (a bump), increasing in x1.
		m := math.Sin(3*r[0]) + 2*r[1] - 1 + 0.5*r[2]
		if rng.Float64() < sigmoid(2*m) {
			y[i] = 1
		}
	}
	p := smallParams()
	p.Trees, p.Leaves = 40, 15
	p.Monotone = []int8{1, -1, 0}
	m, err := Train(X, y, nil, nil, nil, nil, p)
	require.NoError(t, err)
	for range 50 {
		row := []float64{rng.Float64() * 4, rng.Float64(), rng.NormFloat64()}
		for j, dir := range []float64{1, -1} {
			prev := math.Inf(-1)
			r := append([]float64(nil), row...)
			for s := 0; s <= 100; s++ {
				r[j] = -0.1 + float64(s)*(4.2/100)
				if j == 1 {
					r[j] = -0.1 + float64(s)*(1.2/100)
				}
				v := dir * m.Margin(r)
				require.GreaterOrEqual(t, v, prev-1e-12, "column %d not monotone at %v", j, r[j])
				prev = v
			}
		}
	}
}

func TestDeterministicBySeedAndThreads(t *testing.T) {
	X, y, _ := logisticData(3000, 11)
	p := smallParams()
	p.Trees, p.Subsample, p.ColSample = 15, 0.7, 0.6
	var outs [][]byte
	for _, threads := range []int{1, 2, 2} {
		p.Threads = threads
		m, err := Train(X, y, nil, nil, nil, nil, p)
		require.NoError(t, err)
		b, err := json.Marshal(m)
		require.NoError(t, err)
		outs = append(outs, b)
	}
	assert.Equal(t, string(outs[0]), string(outs[1]), "threads 1 vs 2")
	assert.Equal(t, string(outs[1]), string(outs[2]), "two runs")
	p.Seed = 99
	m, err := Train(X, y, nil, nil, nil, nil, p)
	require.NoError(t, err)
	b, _ := json.Marshal(m)
	assert.NotEqual(t, string(outs[0]), string(b), "another seed gives another model")
}

func TestEarlyStoppingTruncates(t *testing.T) {
	X, y, _ := logisticData(2000, 12)
	V, vy, _ := logisticData(1000, 13)
	p := smallParams()
	p.Trees, p.LearningRate, p.Leaves, p.EarlyStopping = 400, 0.3, 31, 10
	m, err := Train(X, y, nil, V, vy, nil, p)
	require.NoError(t, err)
	require.Less(t, len(m.ValidLoss), 400, "should stop early")
	best := 0
	for i, l := range m.ValidLoss {
		if l < m.ValidLoss[best] {
			best = i
		}
	}
	assert.Equal(t, best+1, m.BestIteration())
	assert.Equal(t, best+1, m.NumTrees())
	assert.Equal(t, best+1+p.EarlyStopping, len(m.ValidLoss))
	assert.InDelta(t, m.ValidLoss[best], logLoss(margins(m, V), vy, nil), 1e-12)
}

func TestSaveLoadIdentical(t *testing.T) {
	X, y, _ := logisticData(2000, 14)
	p := smallParams()
	p.Trees = 20
	m, err := Train(X, y, nil, nil, nil, nil, p)
	require.NoError(t, err)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	var m2 Model
	require.NoError(t, json.Unmarshal(b, &m2))
	phi1, phi2 := make([]float64, X.Cols), make([]float64, X.Cols)
	for i := range X.Rows {
		require.Equal(t, math.Float64bits(m.Margin(X.Row(i))), math.Float64bits(m2.Margin(X.Row(i))))
		e1, e2 := m.SHAP(X.Row(i), phi1), m2.SHAP(X.Row(i), phi2)
		require.Equal(t, e1, e2)
		require.Equal(t, phi1, phi2)
	}
	m2.Version = 99
	b, _ = json.Marshal(&m2)
	assert.ErrorContains(t, json.Unmarshal(b, new(Model)), "version")
}

func TestAUCOnLogisticProblem(t *testing.T) {
	X, y, _ := logisticData(20000, 15)
	V, vy, vtruth := logisticData(5000, 16)
	p := DefaultParams()
	p.Trees = 200
	m, err := Train(X, y, nil, V, vy, nil, p)
	require.NoError(t, err)
	got, oracle := metrics.ROCAUC(vy, margins(m, V), nil), metrics.ROCAUC(vy, vtruth, nil)
	t.Logf("AUC %.4f oracle %.4f trees %d", got, oracle, m.NumTrees())
	assert.Greater(t, got, oracle-0.01)
}

func TestWeightsAndScalePosWeight(t *testing.T) {
	X, y, _ := logisticData(3000, 17)
	p := smallParams()
	p.Trees = 20
	m1, err := Train(X, y, nil, nil, nil, nil, p)
	require.NoError(t, err)
	p.ScalePosWeight = 3
	m3, err := Train(X, y, nil, nil, nil, nil, p)
	require.NoError(t, err)
	w := make([]float64, len(y))
	for i := range w {
		w[i] = 1 + 2*y[i]
	}
	p.ScalePosWeight = 1
	mw, err := Train(X, y, w, nil, nil, nil, p)
	require.NoError(t, err)
	a, b, c := margins(m1, X), margins(m3, X), margins(mw, X)
	var s1, s3 float64
	for i := range a {
		s1 += a[i]
		s3 += b[i]
		require.Equal(t, b[i], c[i], "ScalePosWeight 3 equals weight 3 on positives")
	}
	assert.Greater(t, s3, s1+float64(len(a))*0.5, "up-weighting positives raises margins by about log 3")
}

func TestTrainRejectsBadInput(t *testing.T) {
	X, y, _ := logisticData(100, 18)
	p := smallParams()
	bad := append([]float64(nil), y...)
	bad[3] = 2
	_, err := Train(X, bad, nil, nil, nil, nil, p)
	assert.ErrorContains(t, err, "row 3")
	_, err = Train(X, y[:10], nil, nil, nil, nil, p)
	assert.ErrorContains(t, err, "labels")
	q := p
	q.Monotone = []int8{1}
	_, err = Train(X, y, nil, nil, nil, nil, q)
	assert.ErrorContains(t, err, "Monotone")
	q = p
	q.Bins = 1000
	_, err = Train(X, y, nil, nil, nil, nil, q)
	assert.ErrorContains(t, err, "Bins")
}

func TestTuneChoosesLowestValidationLoss(t *testing.T) {
	X, y, _ := logisticData(3000, 19)
	V, vy, _ := logisticData(1000, 20)
	base := DefaultParams()
	base.Trees, base.LearningRate = 60, 0.2
	p, res, err := Tune(X, y, nil, V, vy, nil, base, 5)
	require.NoError(t, err)
	require.Len(t, res, 5)
	for _, r := range res {
		assert.GreaterOrEqual(t, r.ValidLogLoss, 0.0)
	}
	best := res[0]
	for _, r := range res {
		if r.ValidLogLoss < best.ValidLogLoss {
			best = r
		}
	}
	assert.Equal(t, best.Params.Leaves, p.Leaves)
	assert.Equal(t, best.BestIteration, p.Trees)
	assert.Equal(t, int64(5), p.Seed)
	_, _, err = Tune(X, y, nil, nil, nil, nil, base, 5)
	assert.Error(t, err)
}

// TestValidationLossFollowsTheModel checks the validation margins, which
// Train routes on the training bins, against the model's own predictions
// after every round, on validation rows with values training never saw:
// unseen, negative and fractional category codes, missing values, and
// values on and beside the thresholds.
func TestValidationLossFollowsTheModel(t *testing.T) {
	X, y, _ := logisticData(3000, 21)
	p := smallParams()
	p.Trees, p.EarlyStopping, p.Leaves = 25, 0, 15
	probe, err := Train(X, y, nil, nil, nil, nil, p)
	require.NoError(t, err)
	V, vy, _ := logisticData(600, 22)
	for i := range V.Rows {
		r := V.Row(i)
		switch i % 6 {
		case 0:
			r[3] = []float64{-1, 6, 2.5, 1e9, math.NaN()}[i/6%5]
		case 1:
			r[0], r[1] = math.NaN(), math.NaN()
		case 2, 3:
			// A threshold of the probe model on the row's first numeric
			// split column, or its neighbour.
			for n, f := range probe.Feature {
				if f >= 0 && probe.CatLen[n] == 0 && n%7 == i%7 {
					r[f] = probe.Threshold[n]
					if i%6 == 3 {
						r[f] = math.Nextafter(r[f], math.Inf(1))
					}
					break
				}
			}
		}
	}
	m, err := Train(X, y, nil, V, vy, nil, p)
	require.NoError(t, err)
	require.Len(t, m.ValidLoss, p.Trees)
	for k := 1; k <= p.Trees; k++ {
		var c Model
		b, err := json.Marshal(m)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, &c))
		c.truncate(k)
		c.prepare()
		assert.Equal(t, logLoss(margins(&c, V), vy, nil), m.ValidLoss[k-1], "round %d", k)
	}
}

func TestSizedColSample(t *testing.T) {
	for _, c := range []struct {
		cols int
		want float64
	}{
		{0, MaxSizedColSample}, {-1, MaxSizedColSample}, {1, MaxSizedColSample}, {20, MaxSizedColSample},
		{50, MaxSizedColSample}, {100, 0.25}, {125, 0.2}, {250, MinSizedColSample}, {274, MinSizedColSample},
	} {
		assert.InDelta(t, c.want, SizedColSample(c.cols), 1e-12, "cols %d", c.cols)
	}
}
