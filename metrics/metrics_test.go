package metrics

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHandComputed(t *testing.T) {
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		// Pairs (pos, neg): (0.5, 0.1) wins twice, (0.5, 0.5) ties twice: (2 + 2*0.5)/4.
		{"auc with tie", ROCAUC([]float64{0, 0, 1, 1}, []float64{0.1, 0.5, 0.5, 0.5}, nil), 0.75},
		{"auc perfect", ROCAUC([]float64{0, 0, 1, 1}, []float64{0.1, 0.2, 0.3, 0.4}, nil), 1},
		{"auc inverse", ROCAUC([]float64{1, 1, 0, 0}, []float64{0.1, 0.2, 0.3, 0.4}, nil), 0},
		{"auc all tied", ROCAUC([]float64{1, 0, 1, 0}, []float64{0.3, 0.3, 0.3, 0.3}, nil), 0.5},
		// One threshold (0.5) holds 2 positives and 1 negative: recall 1, precision 2/3.
		{"ap with tie", PRAUC([]float64{0, 0, 1, 1}, []float64{0.1, 0.5, 0.5, 0.5}, nil), 2.0 / 3},
		{"ap perfect", PRAUC([]float64{0, 0, 1, 1}, []float64{0.1, 0.2, 0.3, 0.4}, nil), 1},
		// Inverse: thresholds 0.4 (0/1), 0.3 (0/2), 0.2 (1/3, R=.5), 0.1 (2/4, R=1).
		{"ap inverse", PRAUC([]float64{1, 1, 0, 0}, []float64{0.1, 0.2, 0.3, 0.4}, nil), 0.5*(1.0/3) + 0.5*0.5},
		{"logloss", LogLoss([]float64{1, 0}, []float64{0.8, 0.4}, nil), -(math.Log(0.8) + math.Log(0.6)) / 2},
		{"logloss clipped", LogLoss([]float64{1}, []float64{0}, nil), -math.Log(1e-15)},
		{"logloss weighted", LogLoss([]float64{1, 0}, []float64{0.8, 0.4}, []float64{3, 1}), -(3*math.Log(0.8) + math.Log(0.6)) / 4},
		{"brier", Brier([]float64{1, 0}, []float64{0.8, 0.4}, nil), (0.04 + 0.16) / 2},
		// Bin 0: rows p=.05,.05 with y=0,1 -> |0.5-0.05|*2/4; bin 1: p=.15,y=0 -> .15/4;
		// bin 9: p=.95,y=1 -> .05/4.
		{"ece", ECE([]float64{0, 1, 0, 1}, []float64{0.05, 0.05, 0.15, 0.95}, 10), 0.45*2/4 + 0.15/4 + 0.05/4},
		{"ece perfectly calibrated", ECE([]float64{0, 1, 0, 1}, []float64{0.5, 0.5, 0.5, 0.5}, 10), 0},
		{"ece p=1 in last bin", ECE([]float64{1}, []float64{1}, 5), 0},
		// Top 20% of 10 rows = 2 rows (scores .9 and .8): they hold 1 of 3 positives.
		{"top share", TopShareCaptured([]float64{0, 1, 0, 0, 1, 0, 0, 0, 0, 1},
			[]float64{0.9, 0.8, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.05}, 0.2), 1.0 / 3},
		// All scores tie: ties go by row index, so the top 30% is rows 0..2.
		{"top share ties by index", TopShareCaptured([]float64{1, 1, 0, 0, 1, 0, 0, 0, 0, 0},
			make([]float64, 10), 0.3), 2.0 / 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.InDelta(t, tt.want, tt.got, 1e-12)
		})
	}
}

func TestUndefinedIsNaN(t *testing.T) {
	tests := []struct {
		name string
		got  float64
	}{
		{"auc one class", ROCAUC([]float64{1, 1}, []float64{0.1, 0.2}, nil)},
		{"ap no positives", PRAUC([]float64{0, 0}, []float64{0.1, 0.2}, nil)},
		{"empty", LogLoss(nil, nil, nil)},
		{"mismatch", Brier([]float64{1}, []float64{0.1, 0.2}, nil)},
		{"weights mismatch", ROCAUC([]float64{1, 0}, []float64{0.1, 0.2}, []float64{1})},
		{"ece zero bins", ECE([]float64{1}, []float64{0.1}, 0)},
		{"top share bad frac", TopShareCaptured([]float64{1}, []float64{0.1}, 0)},
		{"top share no positives", TopShareCaptured([]float64{0}, []float64{0.1}, 0.5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.True(t, math.IsNaN(tt.got), "got %v", tt.got)
		})
	}
}

// The reference vector and values below were produced once with
// scikit-learn 1.2.1 (Debian python3-sklearn) by:
//
//	rng = np.random.default_rng(20261122); n = 30
//	y = (rng.random(n) < 0.4).astype(float)
//	p = np.round(np.clip(0.3*y + 0.7*rng.random(n), 0, 1), 1)   # rounding makes ties
//	w = np.round(rng.uniform(0.5, 2.0, n), 2)
//	roc_auc_score, average_precision_score, log_loss, brier_score_loss
//	    each with and without sample_weight=w
var (
	skY = []float64{1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 1, 1}
	skP = []float64{0.4, 0.5, 0.6, 0.4, 0.3, 0.4, 0.5, 0.3, 0.3, 0.7, 0.7, 0.2, 0.5, 1, 0.7, 0.4, 0.1, 0.2, 0.9, 0.9,
		0.1, 0.3, 0.1, 0.6, 0.4, 0.7, 0.3, 0.2, 0.6, 0.9}
	skW = []float64{1.75, 1.85, 1.36, 1.31, 1.08, 0.97, 1.23, 1.3, 1.71, 1.02, 0.74, 1.18, 1.7, 1.61, 1.38, 1.81,
		1.54, 1.87, 1.84, 0.91, 1.95, 1.31, 1.85, 1.47, 1.43, 1.12, 1.27, 1.81, 1.4, 1.8}
)

func TestAgainstSklearn(t *testing.T) {
	tests := []struct {
		name string
		fn   func(y, p, w []float64) float64
		want float64
		w    []float64
	}{
		{"roc_auc_score", ROCAUC, 0.7805429864253394, nil},
		{"roc_auc_score weighted", ROCAUC, 0.7880388047736223, skW},
		{"average_precision_score", PRAUC, 0.7715311004784688, nil},
		{"average_precision_score weighted", PRAUC, 0.774521905487071, skW},
		{"log_loss", LogLoss, 0.5229588883042471, nil},
		{"log_loss weighted", LogLoss, 0.5081885604515123, skW},
		{"brier_score_loss", Brier, 0.18066666666666664, nil},
		{"brier_score_loss weighted", Brier, 0.1753041083314207, skW},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.InDelta(t, tt.want, tt.fn(skY, skP, tt.w), 1e-12)
		})
	}
}

// TestIntegerWeightsEqualDuplicates states the weighting invariant: a weight
// of k means the same as k copies of the row.
func TestIntegerWeightsEqualDuplicates(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 200
	y, p, w := make([]float64, n), make([]float64, n), make([]float64, n)
	var dy, dp []float64
	for i := range n {
		if rng.Float64() < 0.3 {
			y[i] = 1
		}
		p[i] = math.Round(rng.Float64()*20) / 20 // ties
		w[i] = float64(1 + rng.IntN(3))
		for range int(w[i]) {
			dy = append(dy, y[i])
			dp = append(dp, p[i])
		}
	}
	for name, fn := range map[string]func(y, p, w []float64) float64{
		"roc": ROCAUC, "ap": PRAUC, "logloss": LogLoss, "brier": Brier,
	} {
		assert.InDelta(t, fn(dy, dp, nil), fn(y, p, w), 1e-12, name)
	}
}

func TestEvaluate(t *testing.T) {
	// 20 rows, scores 1.00, 0.95, ..., 0.05; positives at ranks 1, 2, 5, 11.
	n := 20
	y, p := make([]float64, n), make([]float64, n)
	for i := range n {
		p[i] = 1 - float64(i)*0.05
	}
	for _, r := range []int{0, 1, 4, 10} {
		y[r] = 1
	}
	r := Evaluate(y, p)
	require.Equal(t, 20, r.N)
	require.Equal(t, 4, r.Positives)
	// Top 10% = 2 rows, both positive; top 20% = 4 rows, 2 positive.
	assert.InDelta(t, 1.0, r.Precision10, 1e-12)
	assert.InDelta(t, 0.5, r.Precision20, 1e-12)
	assert.InDelta(t, 1.0/0.2, r.Lift10, 1e-12)
	assert.InDelta(t, 0.5/0.2, r.Lift20, 1e-12)
	assert.InDelta(t, 0.5, r.Recall10, 1e-12)
	assert.InDelta(t, 0.5, r.Recall20, 1e-12)
	assert.InDelta(t, ROCAUC(y, p, nil), r.ROCAUC, 0)
	assert.InDelta(t, ECE(y, p, 10), r.ECE, 0)

	require.Len(t, r.Deciles, 10)
	var total, pos int
	for d, dec := range r.Deciles {
		assert.Equal(t, d+1, dec.Decile)
		assert.Equal(t, 2, dec.N)
		assert.GreaterOrEqual(t, dec.MaxScore, dec.MinScore)
		if d > 0 {
			assert.LessOrEqual(t, dec.MaxScore, r.Deciles[d-1].MinScore, "deciles ordered top first")
		}
		total += dec.N
		pos += dec.Positives
	}
	assert.Equal(t, n, total)
	assert.Equal(t, 4, pos)
	assert.InDelta(t, 1.0, r.Deciles[0].Rate, 1e-12)
	assert.InDelta(t, 1.0, r.Deciles[0].MaxScore, 1e-12)

	assert.False(t, r.HasUndefined())
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"roc_auc":`)
	assert.Contains(t, string(b), `"conversion_rate":`)

	single := Evaluate([]float64{1, 1}, []float64{0.2, 0.3})
	assert.True(t, single.HasUndefined())
	mismatch := Evaluate([]float64{1, 0}, []float64{0.2})
	assert.True(t, math.IsNaN(mismatch.ROCAUC) && math.IsNaN(mismatch.Lift10))
}

// order ranks by score with ties in row order, exactly as a stable sort
// does: with many ties, signed zeros, and with NaNs (which take the
// stable path).
func TestOrderMatchesStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, tc := range []struct {
		name string
		gen  func() float64
	}{
		{"distinct", rng.Float64},
		{"ties", func() float64 { return float64(rng.IntN(5)) }},
		{"signed zeros", func() float64 { return []float64{0, math.Copysign(0, -1), 1}[rng.IntN(3)] }},
		{"nan", func() float64 { return []float64{math.NaN(), 0.5, 0.25}[rng.IntN(3)] }},
	} {
		score := make([]float64, 3000)
		for i := range score {
			score[i] = tc.gen()
		}
		for _, desc := range []bool{false, true} {
			want := make([]int, len(score))
			for i := range want {
				want[i] = i
			}
			sort.SliceStable(want, func(a, b int) bool {
				if desc {
					return score[want[a]] > score[want[b]]
				}
				return score[want[a]] < score[want[b]]
			})
			assert.Equal(t, want, order(score, desc), "%s desc=%v", tc.name, desc)
		}
	}
}

// BenchmarkROCAUC ranks 160,000 scores with ties, as the leakage audit does
// for every column of 40,000 leads' snapshots.
func BenchmarkROCAUC(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	y, p := make([]float64, 160000), make([]float64, 160000)
	for i := range p {
		p[i] = float64(rng.IntN(1000))
		if rng.Float64() < 0.1 {
			y[i] = 1
		}
	}
	for b.Loop() {
		ROCAUC(y, p, nil)
	}
}
