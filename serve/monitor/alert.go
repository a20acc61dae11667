package monitor

import (
	"fmt"
	"math"
)

// Baseline is a series' held-out figures from its bundle's training
// report (NaN when not recorded).
type Baseline struct {
	AUC float64 `json:"roc_auc"`
	ECE float64 `json:"ece"`
}

// Thresholds say how far live figures may fall behind the held-out ones
// before an alert. Zero fields take the defaults.
type Thresholds struct {
	// MaxECERise is how far the live ECE may rise above the held-out ECE
	// (default 0.05, five points of probability).
	MaxECERise float64
	// MaxAUCDrop is how far the live ROC AUC may fall below the held-out
	// AUC (default 0.05).
	MaxAUCDrop float64
	// MinJudged is the fewest judged scores, and MinConversions the fewest
	// conversions among them, a series needs before it can alert (defaults
	// 200 and 20): below them the live figures are noise.
	MinJudged, MinConversions int
}

// Defaults of Thresholds.
const (
	DefaultMaxECERise     = 0.05
	DefaultMaxAUCDrop     = 0.05
	DefaultMinJudged      = 200
	DefaultMinConversions = 20
)

// WithDefaults fills zero fields.
func (t Thresholds) WithDefaults() Thresholds {
	if t.MaxECERise <= 0 {
		t.MaxECERise = DefaultMaxECERise
	}
	if t.MaxAUCDrop <= 0 {
		t.MaxAUCDrop = DefaultMaxAUCDrop
	}
	if t.MinJudged <= 0 {
		t.MinJudged = DefaultMinJudged
	}
	if t.MinConversions <= 0 {
		t.MinConversions = DefaultMinConversions
	}
	return t
}

// Alert is one degraded figure of one series.
type Alert struct {
	Version string `json:"version"`
	Model   string `json:"model"`
	// Metric is "ece" or "roc_auc".
	Metric  string  `json:"metric"`
	Live    float64 `json:"live"`
	HeldOut float64 `json:"held_out"`
	// Limit is the threshold the live figure crossed.
	Limit   float64 `json:"limit"`
	Message string  `json:"message"`
}

// Check returns the alerts of f against its baseline: live ECE above
// held-out ECE + MaxECERise, live AUC below held-out AUC - MaxAUCDrop. A
// series with fewer judged scores or conversions than the thresholds'
// minimums, or a figure undefined live or held out, raises none.
func Check(f Figures, base Baseline, th Thresholds) []Alert {
	th = th.WithDefaults()
	if f.N < th.MinJudged || f.Conversions < th.MinConversions {
		return nil
	}
	var out []Alert
	name := f.Model + " of version " + f.Version
	if ok(f.ECE) && ok(base.ECE) && f.ECE > base.ECE+th.MaxECERise {
		lim := base.ECE + th.MaxECERise
		out = append(out, Alert{Version: f.Version, Model: f.Model, Metric: "ece", Live: f.ECE, HeldOut: base.ECE, Limit: lim,
			Message: fmt.Sprintf("%s: live ECE %.3f is above %.3f (held-out %.3f + %.3f) over %d judged scores; its probabilities no longer mean what they say: retrain", name, f.ECE, lim, base.ECE, th.MaxECERise, f.N)})
	}
	if ok(f.AUC) && ok(base.AUC) && f.AUC < base.AUC-th.MaxAUCDrop {
		lim := base.AUC - th.MaxAUCDrop
		out = append(out, Alert{Version: f.Version, Model: f.Model, Metric: "roc_auc", Live: f.AUC, HeldOut: base.AUC, Limit: lim,
			Message: fmt.Sprintf("%s: live ROC AUC %.3f is below %.3f (held-out %.3f - %.3f) over %d judged scores; it ranks leads worse than it did: retrain", name, f.AUC, lim, base.AUC, th.MaxAUCDrop, f.N)})
	}
	return out
}

func ok(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
