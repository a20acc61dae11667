package gbm

import "math"

// sigmoid returns 1/(1+e^-m), the probability for margin m (log-odds).
func sigmoid(m float64) float64 { return 1 / (1 + math.Exp(-m)) }

// logLossGradients writes the first and second derivatives of the weighted
// log loss  w·[-y log p - (1-y) log(1-p)],  p = sigmoid(margin), with respect
// to the margin:  g = w (p - y),  h = w p (1 - p)  (h floored at 1e-16·w so
// that leaves of saturated rows stay finite). It returns the largest |g|
// and h written (0 for no rows), the quantizer's scales.
func logLossGradients(margin, y, w []float64, gh []gradPair) (maxG, maxH float64) {
	for i, m := range margin {
		p := sigmoid(m)
		g, h := w[i]*(p-y[i]), w[i]*math.Max(p*(1-p), 1e-16)
		gh[i] = gradPair{g, h}
		// Plain comparisons: no value is NaN, and |g|, h >= 0, so they
		// agree with math.Max.
		if a := math.Abs(g); a > maxG {
			maxG = a
		}
		if h > maxH {
			maxH = h
		}
	}
	return maxG, maxH
}

// logLoss returns the weighted mean log loss Σ w_i ℓ(y_i, m_i) / Σ w_i of
// margins m against labels y, computed stably from the margin:
// ℓ = log(1+e^m) - y m.
func logLoss(margin, y, w []float64) float64 {
	var s, sw float64
	for i, m := range margin {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		var l float64
		if m > 0 {
			l = m + math.Log1p(math.Exp(-m))
		} else {
			l = math.Log1p(math.Exp(m))
		}
		s += wi * (l - y[i]*m)
		sw += wi
	}
	if sw == 0 {
		return 0
	}
	return s / sw
}
