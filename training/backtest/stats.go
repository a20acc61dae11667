package backtest

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"

	"github.com/leadscore/leadscore/metrics"
)

// ranking holds rows sorted by score, highest first, with the boundaries of
// groups of equal scores, so weighted ranking metrics need one pass.
type ranking struct {
	order []int // row indices, score descending, ties by row index
	ends  []int // ends (exclusive) in order of the groups of equal scores
}

func newRanking(score []float64) ranking {
	order := make([]int, len(score))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return score[order[a]] > score[order[b]] })
	var ends []int
	for k := 0; k < len(order); {
		e := k + 1
		for e < len(order) && score[order[e]] == score[order[k]] {
			e++
		}
		ends = append(ends, e)
		k = e
	}
	return ranking{order: order, ends: ends}
}

// weightOf returns w[i], or 1 when w is nil.
func weightOf(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}

// aucRanked is the weighted ROC AUC: the probability that a positive
// outranks a negative, ties counting one half. NaN without both classes.
func aucRanked(r ranking, y, w []float64) float64 {
	// Walking down the ranking, each negative is beaten by the positives
	// above it and ties with the positives of its own group.
	var posAbove, sum, totNeg float64
	start := 0
	for _, end := range r.ends {
		var gp, gn float64
		for _, i := range r.order[start:end] {
			if y[i] > 0.5 {
				gp += weightOf(w, i)
			} else {
				gn += weightOf(w, i)
			}
		}
		sum += gn * (posAbove + 0.5*gp)
		posAbove += gp
		totNeg += gn
		start = end
	}
	if posAbove == 0 || totNeg == 0 {
		return math.NaN()
	}
	return sum / (posAbove * totNeg)
}

// captureRanked is the share of positive weight in the top frac of the total
// weight by score. When the cut falls inside a group of equal scores, the
// group contributes its positives in proportion to the capacity left, as if
// the tied leads were taken in random order.
func captureRanked(r ranking, y, w []float64, frac float64) float64 {
	var tot, totPos float64
	for i := range y {
		tot += weightOf(w, i)
		if y[i] > 0.5 {
			totPos += weightOf(w, i)
		}
	}
	if totPos == 0 {
		return math.NaN()
	}
	capacity := frac * tot
	var taken, got float64
	start := 0
	for _, end := range r.ends {
		var gw, gp float64
		for _, i := range r.order[start:end] {
			gw += weightOf(w, i)
			if y[i] > 0.5 {
				gp += weightOf(w, i)
			}
		}
		start = end
		if gw == 0 {
			continue
		}
		if taken+gw <= capacity {
			taken += gw
			got += gp
			continue
		}
		got += gp * (capacity - taken) / gw
		break
	}
	return got / totPos
}

// prAUCRanked is metrics.PRAUC (average precision, a group of equal
// scores entering at once) on a precomputed ranking, without sorting the
// rows again for every resample. NaN without positive weight.
func prAUCRanked(r ranking, y, w []float64) float64 {
	var totPos float64
	for i := range y {
		if y[i] > 0.5 {
			totPos += weightOf(w, i)
		}
	}
	if totPos <= 0 {
		return math.NaN()
	}
	var tp, fp, prevRecall, ap float64
	start := 0
	for _, end := range r.ends {
		for _, i := range r.order[start:end] {
			if y[i] > 0.5 {
				tp += weightOf(w, i)
			} else {
				fp += weightOf(w, i)
			}
		}
		start = end
		if tp+fp > 0 {
			recall := tp / totPos
			ap += (recall - prevRecall) * tp / (tp + fp)
			prevRecall = recall
		}
	}
	return ap
}

// Metric names of the bootstrap.
const (
	mAUC = iota
	mPRAUC
	mLogLoss
	mBrier
	mECE
	mCapture10
	mCapture20
	numMetrics
)

// modelScores are one model's scores of the evaluated rows: val ranks leads
// (points for the rule sheet, probability for a model), prob is the
// calibrated probability behind log loss, Brier and ECE.
type modelScores struct {
	rank ranking
	val  []float64 // the values rank was built from
	prob []float64
}

// evaluateAll computes every metric for weights w (nil: each row once).
func (m *modelScores) evaluateAll(y, w []float64) [numMetrics]float64 {
	var out [numMetrics]float64
	out[mAUC] = aucRanked(m.rank, y, w)
	out[mPRAUC] = prAUCRanked(m.rank, y, w)
	out[mLogLoss] = metrics.LogLoss(y, m.prob, w)
	out[mBrier] = metrics.Brier(y, m.prob, w)
	out[mECE] = weightedECE(y, m.prob, w, 10)
	out[mCapture10] = captureRanked(m.rank, y, w, 0.10)
	out[mCapture20] = captureRanked(m.rank, y, w, 0.20)
	return out
}

// weightedECE is the expected calibration error over equal-width bins:
// sum_b (W_b/W) |mean p_b - mean y_b|.
func weightedECE(y, p, w []float64, bins int) float64 {
	sw := make([]float64, bins)
	sp := make([]float64, bins)
	sy := make([]float64, bins)
	var tot float64
	for i := range y {
		wi := weightOf(w, i)
		if wi == 0 {
			continue
		}
		b := min(bins-1, max(0, int(p[i]*float64(bins))))
		sw[b] += wi
		sp[b] += wi * p[i]
		sy[b] += wi * y[i]
		tot += wi
	}
	if tot == 0 {
		return math.NaN()
	}
	var e float64
	for b := range sw {
		if sw[b] > 0 {
			e += math.Abs(sp[b]-sy[b]) / tot
		}
	}
	return e
}

// bootstrapResult holds, per resample, every model's metrics.
type bootstrapResult struct {
	// values[b][model][metric]
	values [][][numMetrics]float64
}

// resampleWeights draws resample b: n rows with replacement, as counts per
// row. Each resample has its own generator seeded by (seed, b), so results
// do not depend on how resamples are spread over goroutines.
func resampleWeights(n int, seed uint64, b int, w []float64) {
	clear(w)
	rng := rand.New(rand.NewPCG(seed, uint64(b)+1))
	for k := 0; k < n; k++ {
		w[rng.IntN(n)]++
	}
}

// resampleClusters draws resample b of clustered rows: nc clusters with
// replacement (row r belongs to cluster clusters[r] in [0, nc)), every row
// of a drawn cluster counted as often as its cluster was drawn. cw is
// scratch of nc entries. Like resampleWeights, seeded by (seed, b).
func resampleClusters(clusters []int, nc int, seed uint64, b int, w, cw []float64) {
	clear(cw)
	rng := rand.New(rand.NewPCG(seed, uint64(b)+1))
	for k := 0; k < nc; k++ {
		cw[rng.IntN(nc)]++
	}
	for r, c := range clusters {
		w[r] = cw[c]
	}
}

// bootstrap evaluates every model on the same resamples (paired), using
// threads goroutines.
func bootstrap(y []float64, ms []*modelScores, resamples int, seed uint64, threads int) bootstrapResult {
	return bootstrapClusters(y, nil, ms, resamples, seed, threads)
}

// bootstrapClusters is bootstrap with rows resampled by cluster
// (clusters[r] in [0, max+1) for row r): rows that belong together, such
// as one lead's scores at several ages, are drawn together, so the
// intervals do not treat them as independent. Nil clusters resample rows.
func bootstrapClusters(y []float64, clusters []int, ms []*modelScores, resamples int, seed uint64, threads int) bootstrapResult {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	res := bootstrapResult{values: make([][][numMetrics]float64, resamples)}
	n := len(y)
	nc := 0
	for _, c := range clusters {
		nc = max(nc, c+1)
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for t := 0; t < threads; t++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := make([]float64, n)
			cw := make([]float64, nc)
			for b := range next {
				if clusters != nil {
					resampleClusters(clusters, nc, seed, b, w, cw)
				} else {
					resampleWeights(n, seed, b, w)
				}
				vals := make([][numMetrics]float64, len(ms))
				for k, m := range ms {
					vals[k] = m.evaluateAll(y, w)
				}
				res.values[b] = vals
			}
		}()
	}
	for b := 0; b < resamples; b++ {
		next <- b
	}
	close(next)
	wg.Wait()
	return res
}

// percentileInterval returns the 2.5% and 97.5% percentiles of the finite
// values (linear interpolation), NaN when fewer than 10 are finite.
func percentileInterval(xs []float64) (lo, hi float64) {
	f := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			f = append(f, x)
		}
	}
	if len(f) < 10 {
		return math.NaN(), math.NaN()
	}
	sort.Float64s(f)
	return quantileSorted(f, 0.025), quantileSorted(f, 0.975)
}

func quantileSorted(s []float64, q float64) float64 {
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(s)-1)
	return s[lo] + (s[hi]-s[lo])*(pos-float64(lo))
}

// interval collects metric k of model m over the resamples.
func (br bootstrapResult) interval(m, k int) (lo, hi float64) {
	xs := make([]float64, len(br.values))
	for b, v := range br.values {
		xs[b] = v[m][k]
	}
	return percentileInterval(xs)
}

// paired returns the paired bootstrap of metric k, model a minus model b:
// the 95% interval of the difference and the share of resamples where the
// difference is <= 0 (a one-sided p-value for "a is better than b").
func (br bootstrapResult) paired(a, b, k int) (lo, hi, p float64) {
	diffs := make([]float64, 0, len(br.values))
	var le int
	for _, v := range br.values {
		d := v[a][k] - v[b][k]
		if math.IsNaN(d) {
			continue
		}
		diffs = append(diffs, d)
		if d <= 0 {
			le++
		}
	}
	lo, hi = percentileInterval(diffs)
	if len(diffs) == 0 {
		return lo, hi, math.NaN()
	}
	return lo, hi, float64(le) / float64(len(diffs))
}
