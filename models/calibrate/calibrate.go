// Package calibrate maps a raw score (a model's log-odds margin, or a rule
// sheet's points) to a calibrated probability of conversion, by Platt
// scaling or isotonic regression, and chooses between the two by
// cross-validated log loss.
//
// Labels y are conversion outcomes in [0, 1]: usually 0 or 1, but
// fractional targets (an observed conversion rate per score) are accepted.
// Weights w multiply each row's contribution (nil means 1 each).
package calibrate

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/leadscore/leadscore/features"
)

// Methods of a Calibrator.
const (
	Platt    = "platt"
	Isotonic = "isotonic"
)

// isoClip is how far isotonic probabilities stay from 0 and 1.
const isoClip = 1e-6

// Calibrator is a fitted monotone map from score to probability. It is a
// plain value, serialisable with encoding/json.
type Calibrator struct {
	// Method is Platt or Isotonic.
	Method string `json:"method"`
	// A and B define Platt scaling: p = 1/(1+exp(-(A*x+B))).
	A float64 `json:"a,omitempty"`
	B float64 `json:"b,omitempty"`
	// X and Y define the isotonic map: X are the weighted mean scores of
	// the pooled blocks (strictly increasing), Y their weighted mean labels
	// (non-decreasing).
	X []float64 `json:"x,omitempty"`
	Y []float64 `json:"y,omitempty"`
}

// Apply returns the calibrated probability of score x.
//
// Platt: 1/(1+exp(-(A*x+B))). Isotonic: Y interpolated linearly in x
// between neighbouring block centres X, constant beyond the first and last
// centre, then clipped to [1e-6, 1-1e-6] so no lead is ever certain.
// Apply is non-decreasing in x when A >= 0 (always for isotonic). It returns
// NaN for a NaN score or an unknown Method.
func (c *Calibrator) Apply(x float64) float64 {
	if math.IsNaN(x) {
		return math.NaN()
	}
	switch c.Method {
	case Platt:
		return sigmoid(c.A*x + c.B)
	case Isotonic:
		n := len(c.X)
		if n == 0 || len(c.Y) != n {
			return math.NaN()
		}
		var v float64
		switch k := sort.SearchFloat64s(c.X, x); {
		case k == 0:
			v = c.Y[0]
		case k == n:
			v = c.Y[n-1]
		default:
			x0, x1 := c.X[k-1], c.X[k]
			t := (x - x0) / (x1 - x0)
			v = c.Y[k-1] + t*(c.Y[k]-c.Y[k-1])
		}
		return math.Min(math.Max(v, isoClip), 1-isoClip)
	default:
		return math.NaN()
	}
}

// sigmoid returns 1/(1+exp(-z)) without overflow.
func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// validate checks calibration input and returns the total weight of
// positives (y weighted) and of all rows.
func validate(x, y, w []float64) (pos, total float64, err error) {
	if len(x) == 0 {
		return 0, 0, errors.New("calibrate: no scores to calibrate")
	}
	if len(y) != len(x) {
		return 0, 0, fmt.Errorf("calibrate: %d labels for %d scores", len(y), len(x))
	}
	if w != nil && len(w) != len(x) {
		return 0, 0, fmt.Errorf("calibrate: %d weights for %d scores", len(w), len(x))
	}
	minY, maxY := math.Inf(1), math.Inf(-1)
	for i := range x {
		if math.IsNaN(x[i]) || math.IsInf(x[i], 0) {
			return 0, 0, fmt.Errorf("calibrate: score of row %d is %v; scores must be finite", i, x[i])
		}
		if !(y[i] >= 0 && y[i] <= 1) {
			return 0, 0, fmt.Errorf("calibrate: label of row %d is %v; labels must be in [0, 1]", i, y[i])
		}
		wi := 1.0
		if w != nil {
			wi = w[i]
			if !(wi >= 0) || math.IsInf(wi, 0) {
				return 0, 0, fmt.Errorf("calibrate: weight of row %d is %v; weights must be finite and >= 0", i, wi)
			}
		}
		pos += wi * y[i]
		total += wi
		minY, maxY = math.Min(minY, y[i]), math.Max(maxY, y[i])
	}
	if total == 0 {
		return 0, 0, errors.New("calibrate: all weights are 0")
	}
	if minY == maxY {
		return 0, 0, fmt.Errorf("calibrate: all %d labels are %v; calibration needs both converted (1) and unconverted (0) leads", len(y), minY)
	}
	return pos, total, nil
}

// weight returns w[i], or 1 when w is nil.
func weight(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}

// FitPlatt fits Platt scaling p = 1/(1+exp(-(A*x+B))) by maximum
// likelihood with Platt's smoothed targets: positives' target is
// (N+ + 1)/(N+ + 2) and negatives' 1/(N- + 2) (N+ and N- the weighted class
// totals), which keeps A and B finite on separable scores. It minimises
//
//	-sum_i w_i [t_i ln p_i + (1-t_i) ln(1-p_i)],  t_i = y_i t+ + (1-y_i) t-,
//
// by Newton's method with backtracking (Lin, Lin and Weng, 2007), on scores
// standardised internally for conditioning. A is constrained to A >= 0: a
// calibrator must keep the score's ranking, so scores that are
// anti-correlated with the outcome get A = 0 and B the smoothed base rate's
// log-odds (the constrained maximum, by convexity).
func FitPlatt(x, y, w []float64) (*Calibrator, error) {
	pos, total, err := validate(x, y, w)
	if err != nil {
		return nil, err
	}
	neg := total - pos
	hi, lo := (pos+1)/(pos+2), 1/(neg+2)

	var mean, sd float64
	for i := range x {
		mean += weight(w, i) * x[i]
	}
	mean /= total
	for i := range x {
		d := x[i] - mean
		sd += weight(w, i) * d * d
	}
	sd = math.Sqrt(sd / total)
	if sd == 0 {
		sd = 1
	}
	z := make([]float64, len(x))
	t := make([]float64, len(x))
	for i := range x {
		z[i] = (x[i] - mean) / sd
		t[i] = y[i]*hi + (1-y[i])*lo
	}

	// Negative log-likelihood per unit weight of (a, b) on z.
	nll := func(a, b float64) float64 {
		var s float64
		for i := range z {
			m := a*z[i] + b
			s += weight(w, i) * (softplus(m) - t[i]*m)
		}
		return s / total
	}
	a, b := 0.0, math.Log((pos+1)/(neg+1))
	f := nll(a, b)
	for range 100 {
		var ga, gb, haa, hab, hbb float64
		for i := range z {
			wi := weight(w, i)
			p := sigmoid(a*z[i] + b)
			r := wi * (p - t[i])
			d := wi * p * (1 - p)
			ga += r * z[i]
			gb += r
			haa += d * z[i] * z[i]
			hab += d * z[i]
			hbb += d
		}
		ga, gb, haa, hab, hbb = ga/total, gb/total, haa/total+1e-12, hab/total, hbb/total+1e-12
		if math.Hypot(ga, gb) < 1e-12 {
			break
		}
		det := haa*hbb - hab*hab
		da := -(hbb*ga - hab*gb) / det
		db := -(haa*gb - hab*ga) / det
		dec := ga*da + gb*db // predicted decrease, <= 0
		if -dec <= 1e-15*math.Max(1, f) {
			break // the Newton decrement is below round-off: converged
		}
		step, accepted := 1.0, false
		for range 40 {
			fn := nll(a+step*da, b+step*db)
			if fn <= f+1e-4*step*dec {
				a, b, f = a+step*da, b+step*db, fn
				accepted = true
				break
			}
			step /= 2
		}
		if !accepted {
			break // no further decrease at floating-point precision
		}
	}
	if a < 0 {
		// Anti-correlated scores: the constrained optimum has A = 0 and
		// the base-rate log-odds of the smoothed targets.
		var st float64
		for i := range t {
			st += weight(w, i) * t[i]
		}
		r := st / total
		return &Calibrator{Method: Platt, A: 0, B: math.Log(r / (1 - r))}, nil
	}
	return &Calibrator{Method: Platt, A: a / sd, B: b - a*mean/sd}, nil
}

// softplus returns ln(1+exp(m)) without overflow.
func softplus(m float64) float64 {
	if m > 0 {
		return m + math.Log1p(math.Exp(-m))
	}
	return math.Log1p(math.Exp(m))
}

// FitIsotonic fits the non-decreasing step function of x closest to y in
// weighted least squares, by pool-adjacent-violators: rows are sorted by
// score, rows with equal scores pooled first, then adjacent blocks whose
// means decrease are merged until the block means are non-decreasing. Each
// block is kept as (weighted mean score, weighted mean label); Apply
// interpolates between them. Zero-weight rows are ignored.
func FitIsotonic(x, y, w []float64) (*Calibrator, error) {
	if _, _, err := validate(x, y, w); err != nil {
		return nil, err
	}
	idx := make([]int, 0, len(x))
	for i := range x {
		if weight(w, i) > 0 {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })

	type block struct{ w, sx, sy float64 } // total weight, sum w*x, sum w*y
	var blocks []block
	for k := 0; k < len(idx); {
		var b block
		x0 := x[idx[k]]
		for ; k < len(idx) && x[idx[k]] == x0; k++ {
			i := idx[k]
			wi := weight(w, i)
			b.w += wi
			b.sx += wi * x[i]
			b.sy += wi * y[i]
		}
		blocks = append(blocks, b)
		for n := len(blocks); n > 1 && blocks[n-2].sy/blocks[n-2].w >= blocks[n-1].sy/blocks[n-1].w; n-- {
			last := blocks[n-1]
			blocks = blocks[:n-1]
			blocks[n-2].w += last.w
			blocks[n-2].sx += last.sx
			blocks[n-2].sy += last.sy
		}
	}
	c := &Calibrator{Method: Isotonic, X: make([]float64, len(blocks)), Y: make([]float64, len(blocks))}
	for k, b := range blocks {
		c.X[k] = b.sx / b.w
		c.Y[k] = b.sy / b.w
	}
	return c, nil
}

// Selection reports how Fit chose the calibration method.
type Selection struct {
	// Method is the winner, Platt or Isotonic.
	Method string `json:"method"`
	// PlattLogLoss and IsotonicLogLoss are the weighted log losses (nats)
	// of each method's out-of-fold predictions over all rows.
	PlattLogLoss    float64 `json:"platt_log_loss"`
	IsotonicLogLoss float64 `json:"isotonic_log_loss"`
	Folds           int     `json:"folds"`
}

// Fit fits both Platt scaling and isotonic regression and returns the one
// with the lower K-fold cross-validated log loss: rows are split into folds
// stratified by label (features.Folds with seed), each method is fitted on every K-1 folds
// and predicts the held-out fold, and the weighted log loss of those
// out-of-fold predictions (probabilities clipped to [1e-15, 1-1e-15]) is
// compared. Platt wins ties (fewer parameters). The winner is refitted on
// all rows.
func Fit(x, y, w []float64, folds int, seed int64) (*Calibrator, Selection, error) {
	if _, _, err := validate(x, y, w); err != nil {
		return nil, Selection{}, err
	}
	if folds < 2 {
		return nil, Selection{}, fmt.Errorf("calibrate: folds is %d; cross-validation needs at least 2", folds)
	}
	fold, err := features.Folds(y, nil, folds, uint64(seed))
	if err != nil {
		return nil, Selection{}, fmt.Errorf("calibrate: %w", err)
	}
	oofPlatt := make([]float64, len(x))
	oofIso := make([]float64, len(x))
	var tx, ty, tw []float64
	for f := range folds {
		tx, ty, tw = tx[:0], ty[:0], tw[:0]
		for i := range x {
			if fold[i] != f {
				tx = append(tx, x[i])
				ty = append(ty, y[i])
				tw = append(tw, weight(w, i))
			}
		}
		pc, err := FitPlatt(tx, ty, tw)
		if err != nil {
			return nil, Selection{}, fmt.Errorf("calibrate: fold %d of %d: %w (use fewer folds or more rows)", f+1, folds, err)
		}
		ic, err := FitIsotonic(tx, ty, tw)
		if err != nil {
			return nil, Selection{}, fmt.Errorf("calibrate: fold %d of %d: %w (use fewer folds or more rows)", f+1, folds, err)
		}
		for i := range x {
			if fold[i] == f {
				oofPlatt[i] = pc.Apply(x[i])
				oofIso[i] = ic.Apply(x[i])
			}
		}
	}
	sel := Selection{Folds: folds, PlattLogLoss: logLoss(y, oofPlatt, w), IsotonicLogLoss: logLoss(y, oofIso, w)}
	var c *Calibrator
	if sel.PlattLogLoss <= sel.IsotonicLogLoss {
		sel.Method = Platt
		c, err = FitPlatt(x, y, w)
	} else {
		sel.Method = Isotonic
		c, err = FitIsotonic(x, y, w)
	}
	if err != nil {
		return nil, Selection{}, err
	}
	return c, sel, nil
}

// logLoss is the weighted mean cross-entropy with p clipped to
// [1e-15, 1-1e-15].
func logLoss(y, p, w []float64) float64 {
	var s, tot float64
	for i := range y {
		q := math.Min(math.Max(p[i], 1e-15), 1-1e-15)
		wi := weight(w, i)
		s -= wi * (y[i]*math.Log(q) + (1-y[i])*math.Log1p(-q))
		tot += wi
	}
	return s / tot
}
