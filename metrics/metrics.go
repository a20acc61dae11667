// Package metrics scores probabilistic binary classifiers: ranking quality
// (ROC AUC, average precision), probability quality (log loss, Brier score,
// expected calibration error) and the lift, precision and recall a sales team
// sees when it works the top of a scored list.
//
// Labels y are 0 or 1 (any y > 0.5 counts as positive). Optional weights w
// multiply each row's contribution; a nil w means every weight is 1. The
// functions return NaN when the metric is undefined for the input (empty or
// mismatched slices, a single class where two are needed, zero total
// weight), because a NaN in a report is visible and cannot be mistaken for a
// score.
package metrics

import (
	"cmp"
	"math"
	"slices"
	"sort"
)

// weight returns w[i], or 1 when w is nil.
func weight(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}

// validLengths reports whether y, p and w (when non-nil) are non-empty and
// of equal length.
func validLengths(y, p, w []float64) bool {
	if len(y) == 0 || len(y) != len(p) {
		return false
	}
	return w == nil || len(w) == len(y)
}

// positive reports whether the label counts as the positive class.
func positive(y float64) bool { return y > 0.5 }

// ROCAUC returns the area under the ROC curve: the probability that a
// randomly drawn positive scores higher than a randomly drawn negative, ties
// counting one half (the Mann-Whitney U statistic divided by n_pos*n_neg).
// With weights, each positive-negative pair counts w_pos*w_neg:
//
//	AUC = sum_{i pos, j neg} w_i w_j ([p_i > p_j] + 0.5 [p_i == p_j]) / (W_pos W_neg)
//
// It is NaN when either class has zero total weight.
func ROCAUC(y, p, w []float64) float64 {
	if !validLengths(y, p, w) {
		return math.NaN()
	}
	idx := order(p, false)
	var cumNeg, sum, totPos, totNeg float64
	for start := 0; start < len(idx); {
		end := start
		var gPos, gNeg float64
		for end < len(idx) && p[idx[end]] == p[idx[start]] {
			i := idx[end]
			if positive(y[i]) {
				gPos += weight(w, i)
			} else {
				gNeg += weight(w, i)
			}
			end++
		}
		sum += gPos * (cumNeg + 0.5*gNeg)
		cumNeg += gNeg
		totPos += gPos
		totNeg += gNeg
		start = end
	}
	if totPos <= 0 || totNeg <= 0 {
		return math.NaN()
	}
	return sum / (totPos * totNeg)
}

// PRAUC returns average precision as scikit-learn defines it: walking the
// distinct score thresholds from the highest down, with recall R_n and
// precision P_n of the rows scoring at or above threshold n,
//
//	AP = sum_n (R_n - R_{n-1}) P_n,   R_0 = 0.
//
// Rows with equal scores enter together (one threshold), so the result does
// not depend on their order. It is NaN when there is no positive weight.
func PRAUC(y, p, w []float64) float64 {
	if !validLengths(y, p, w) {
		return math.NaN()
	}
	var totPos float64
	for i := range y {
		if positive(y[i]) {
			totPos += weight(w, i)
		}
	}
	if totPos <= 0 {
		return math.NaN()
	}
	idx := order(p, true)
	var tp, fp, prevRecall, ap float64
	for start := 0; start < len(idx); {
		end := start
		for end < len(idx) && p[idx[end]] == p[idx[start]] {
			i := idx[end]
			if positive(y[i]) {
				tp += weight(w, i)
			} else {
				fp += weight(w, i)
			}
			end++
		}
		if tp+fp > 0 {
			recall := tp / totPos
			ap += (recall - prevRecall) * tp / (tp + fp)
			prevRecall = recall
		}
		start = end
	}
	return ap
}

// probClip is the clipping applied to probabilities inside LogLoss.
const probClip = 1e-15

// LogLoss returns the weighted mean negative log-likelihood in nats,
//
//	-(1/sum w) sum_i w_i [y_i ln p_i + (1-y_i) ln(1-p_i)],
//
// with p clipped to [1e-15, 1-1e-15] so that a confident mistake costs about
// 34.5 nats instead of infinity.
func LogLoss(y, p, w []float64) float64 {
	if !validLengths(y, p, w) {
		return math.NaN()
	}
	var sum, tot float64
	for i := range y {
		q := math.Min(math.Max(p[i], probClip), 1-probClip)
		wi := weight(w, i)
		if positive(y[i]) {
			sum -= wi * math.Log(q)
		} else {
			sum -= wi * math.Log1p(-q)
		}
		tot += wi
	}
	if tot <= 0 {
		return math.NaN()
	}
	return sum / tot
}

// Brier returns the weighted mean squared error of the probabilities,
// (1/sum w) sum_i w_i (p_i - y_i)^2, in [0, 1]; lower is better.
func Brier(y, p, w []float64) float64 {
	if !validLengths(y, p, w) {
		return math.NaN()
	}
	var sum, tot float64
	for i := range y {
		t := 0.0
		if positive(y[i]) {
			t = 1
		}
		d := p[i] - t
		wi := weight(w, i)
		sum += wi * d * d
		tot += wi
	}
	if tot <= 0 {
		return math.NaN()
	}
	return sum / tot
}

// ECE returns the expected calibration error over equal-width probability
// bins on [0, 1]: row i falls in bin floor(p_i*bins) (p = 1 in the last bin,
// p outside [0, 1] clipped into the end bins), and
//
//	ECE = sum_b (n_b / n) |mean_{i in b} y_i - mean_{i in b} p_i|.
//
// It is NaN for bins < 1 or empty or mismatched input.
func ECE(y, p []float64, bins int) float64 {
	if bins < 1 || !validLengths(y, p, nil) {
		return math.NaN()
	}
	cnt := make([]float64, bins)
	sumY := make([]float64, bins)
	sumP := make([]float64, bins)
	for i := range y {
		b := int(math.Floor(p[i] * float64(bins)))
		b = max(0, min(b, bins-1))
		cnt[b]++
		if positive(y[i]) {
			sumY[b]++
		}
		sumP[b] += p[i]
	}
	var ece float64
	for b := range bins {
		if cnt[b] == 0 {
			continue
		}
		ece += math.Abs(sumY[b]-sumP[b]) / float64(len(y))
	}
	return ece
}

// order returns the row indices sorted by score (descending when desc is
// true), ties broken by ascending row index so results are deterministic.
func order(score []float64, desc bool) []int {
	idx := make([]int, len(score))
	for i := range idx {
		idx[i] = i
	}
	if !slices.ContainsFunc(score, math.IsNaN) {
		// Without NaNs, (score, index) is a total order: an unstable sort
		// by it gives the stable sort's result, several times faster than
		// sort.SliceStable (the leakage audit ranks every column).
		slices.SortFunc(idx, func(a, b int) int {
			c := cmp.Compare(score[a], score[b])
			if desc {
				c = -c
			}
			if c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		return idx
	}
	// A NaN compares as equal to every score here, as it always has.
	sort.SliceStable(idx, func(a, b int) bool {
		sa, sb := score[idx[a]], score[idx[b]]
		if desc {
			return sa > sb
		}
		return sa < sb
	})
	return idx
}

// topCount is the number of rows in the top frac of n rows: ceil(frac*n),
// at least 1 and at most n.
func topCount(n int, frac float64) int {
	k := int(math.Ceil(frac*float64(n) - 1e-9))
	return max(1, min(k, n))
}

// TopShareCaptured returns the share of all positives that fall in the top
// frac of rows ranked by score (ceil(frac*n) rows, at least one), i.e. the
// recall of a team that works only that part of the list. Equal scores are
// ranked by ascending row index, so the result is deterministic. It is NaN
// when there are no positives, frac is not in (0, 1], or the lengths differ.
func TopShareCaptured(y, score []float64, frac float64) float64 {
	if !validLengths(y, score, nil) || !(frac > 0 && frac <= 1) {
		return math.NaN()
	}
	var pos int
	for _, v := range y {
		if positive(v) {
			pos++
		}
	}
	if pos == 0 {
		return math.NaN()
	}
	idx := order(score, true)
	k := topCount(len(y), frac)
	var got int
	for _, i := range idx[:k] {
		if positive(y[i]) {
			got++
		}
	}
	return float64(got) / float64(pos)
}
