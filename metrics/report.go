package metrics

import "math"

// Decile summarises one tenth of the rows ranked by score; decile 1 holds the
// highest scores. Rows are split as evenly as possible: decile d (1-based)
// holds sorted rows [(d-1)*n/10, d*n/10).
type Decile struct {
	Decile    int     `json:"decile"`
	N         int     `json:"n"`
	Positives int     `json:"positives"`
	Rate      float64 `json:"conversion_rate"` // Positives / N
	MinScore  float64 `json:"min_score"`
	MaxScore  float64 `json:"max_score"`
}

// Report is the evaluation of one set of predictions against outcomes.
//
// LiftK is the conversion rate in the top K% of rows ranked by probability
// divided by the overall conversion rate; PrecisionK is that top-K%
// conversion rate; RecallK is the share of all positives found there (see
// TopShareCaptured). The top K% is ceil(K/100*N) rows.
type Report struct {
	N           int      `json:"n"`
	Positives   int      `json:"positives"`
	ROCAUC      float64  `json:"roc_auc"`
	PRAUC       float64  `json:"pr_auc"`
	LogLoss     float64  `json:"log_loss"`
	Brier       float64  `json:"brier"`
	ECE         float64  `json:"ece"`
	Lift10      float64  `json:"lift_10"`
	Lift20      float64  `json:"lift_20"`
	Precision10 float64  `json:"precision_10"`
	Precision20 float64  `json:"precision_20"`
	Recall10    float64  `json:"recall_10"`
	Recall20    float64  `json:"recall_20"`
	Deciles     []Decile `json:"deciles"`
}

// eceBins is the number of equal-width bins Evaluate uses for ECE.
const eceBins = 10

// Evaluate computes every metric of a Report for labels y in {0,1} and
// predicted probabilities p (unweighted). Undefined metrics (for example
// ROC AUC when all labels are equal, or every metric when p and y differ in
// length or are empty) are NaN; note that encoding/json cannot
// marshal NaN, so callers that serialise a report should check
// HasUndefined first.
func Evaluate(y, p []float64) Report {
	r := Report{N: len(y)}
	if !validLengths(y, p, nil) {
		nan := math.NaN()
		r.ROCAUC, r.PRAUC, r.LogLoss, r.Brier, r.ECE = nan, nan, nan, nan, nan
		r.Lift10, r.Lift20, r.Precision10, r.Precision20, r.Recall10, r.Recall20 = nan, nan, nan, nan, nan, nan
		return r
	}
	for _, v := range y {
		if positive(v) {
			r.Positives++
		}
	}
	r.ROCAUC = ROCAUC(y, p, nil)
	r.PRAUC = PRAUC(y, p, nil)
	r.LogLoss = LogLoss(y, p, nil)
	r.Brier = Brier(y, p, nil)
	r.ECE = ECE(y, p, eceBins)

	idx := order(p, true)
	base := float64(r.Positives) / float64(r.N)
	top := func(frac float64) (precision, lift, recall float64) {
		k := topCount(r.N, frac)
		var got int
		for _, i := range idx[:k] {
			if positive(y[i]) {
				got++
			}
		}
		precision = float64(got) / float64(k)
		lift, recall = math.NaN(), math.NaN()
		if r.Positives > 0 {
			lift = precision / base
			recall = float64(got) / float64(r.Positives)
		}
		return precision, lift, recall
	}
	r.Precision10, r.Lift10, r.Recall10 = top(0.10)
	r.Precision20, r.Lift20, r.Recall20 = top(0.20)

	for d := range 10 {
		lo, hi := d*r.N/10, (d+1)*r.N/10
		dec := Decile{Decile: d + 1, N: hi - lo}
		if dec.N == 0 {
			r.Deciles = append(r.Deciles, dec)
			continue
		}
		dec.MaxScore = p[idx[lo]]
		dec.MinScore = p[idx[hi-1]]
		for _, i := range idx[lo:hi] {
			if positive(y[i]) {
				dec.Positives++
			}
		}
		dec.Rate = float64(dec.Positives) / float64(dec.N)
		r.Deciles = append(r.Deciles, dec)
	}
	return r
}

// HasUndefined reports whether any metric in r is NaN or infinite (which
// happens for single-class or empty input), so the report cannot be encoded
// as JSON as it stands.
func (r Report) HasUndefined() bool {
	for _, v := range []float64{r.ROCAUC, r.PRAUC, r.LogLoss, r.Brier, r.ECE,
		r.Lift10, r.Lift20, r.Precision10, r.Precision20, r.Recall10, r.Recall20} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return true
		}
	}
	return false
}
