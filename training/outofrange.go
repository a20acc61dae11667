package training

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/metrics"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/logistic"
	"github.com/leadscore/leadscore/models/rules"
)

// OutOfRangeChoice records how the logistic model's linear encoding treats
// numbers beyond their training range (features.OutOfRange), and the
// evidence it was chosen on.
type OutOfRangeChoice struct {
	Mode   string  `json:"mode"`
	Margin float64 `json:"margin,omitempty"`
	Reason string  `json:"reason"`
	// FitLeads and ValidationLeads are the leads of the training split's
	// earlier part, on which a logistic model was fitted (with the final
	// model's lambda), and of its latest part, on which each mode scored.
	FitLeads        int `json:"fit_leads,omitempty"`
	ValidationLeads int `json:"validation_leads,omitempty"`
	// OutOfRangeRows counts the validation examples with at least one
	// number outside the earlier part's training range.
	OutOfRangeRows int                   `json:"out_of_range_rows,omitempty"`
	Candidates     []OutOfRangeCandidate `json:"candidates,omitempty"`
}

// OutOfRangeCandidate is one mode's result on the validation window: the
// uncalibrated logistic model's log loss and ROC AUC.
type OutOfRangeCandidate struct {
	Mode    string  `json:"mode"`
	Margin  float64 `json:"margin,omitempty"`
	LogLoss float64 `json:"log_loss"`
	ROCAUC  float64 `json:"roc_auc"`
}

// minRangeGain is the relative log-loss improvement a mode needs over the
// best one before it (clip first) to be chosen: differences smaller than
// 0.1% are noise, and clipping is the safer default.
const minRangeGain = 0.001

// rangeCandidates are the modes compared, clip first: it stays on ties.
var rangeCandidates = []features.OutOfRange{
	{Mode: features.RangeClip},
	{Mode: features.RangeWidened, Margin: features.DefaultRangeMargin},
	{Mode: features.RangeNone},
}

// parseOutOfRange reads Options.OutOfRange: "" or "auto" (choose), clip,
// widened (DefaultRangeMargin) or none.
func parseOutOfRange(s string) (features.OutOfRange, bool, error) {
	switch strings.ToLower(s) {
	case "", "auto":
		return features.OutOfRange{}, true, nil
	case features.RangeClip:
		return features.OutOfRange{Mode: features.RangeClip}, false, nil
	case features.RangeWidened:
		return features.OutOfRange{Mode: features.RangeWidened, Margin: features.DefaultRangeMargin}, false, nil
	case features.RangeNone:
		return features.OutOfRange{Mode: features.RangeNone}, false, nil
	}
	return features.OutOfRange{}, false, fmt.Errorf("--out-of-range %q: expected auto, clip, widened or none", s)
}

// chooseOutOfRange compares the out-of-range modes on an out-of-time
// validation window inside the training split: a feature spec and a
// logistic model (with lambda and l1) are fitted on the earlier 80% of the
// training leads, and each mode encodes the latest 20%, where drift puts
// values beyond the earlier range. A mode wins when it lowers the log loss
// by at least 0.1% against the best before it, in the order clip, widened,
// none: clip stays unless the evidence says otherwise. Without lead times it keeps clip and says why.
func chooseOutOfRange(opt Options, ds *features.Dataset, spec *features.Spec, split Split, ri *models.RuleInputs, sheetRes []rules.Result, w []float64, lambda, l1 float64) (features.OutOfRange, *OutOfRangeChoice, error) {
	clip := features.OutOfRange{Mode: features.RangeClip}
	ch := &OutOfRangeChoice{Mode: features.RangeClip}
	sub := make([]string, len(split.Train))
	subT := make([]time.Time, len(split.Train))
	for p, r := range split.Train {
		sub[p], subT[p] = ds.LeadIDs[r], ds.Created[r]
		if subT[p].IsZero() {
			ch.Reason = "clip kept: the leads have no time, so there is no out-of-time window to compare the modes on"
			return clip, ch, nil
		}
	}
	inner, err := timeSplit(sub, subT, 0.2)
	if err != nil {
		ch.Reason = "clip kept: " + err.Error()
		return clip, ch, nil
	}
	fitRows, valRows := make([]int, 0, len(inner.Train)), make([]int, 0, len(inner.Test))
	for _, p := range inner.Train {
		fitRows = append(fitRows, split.Train[p])
	}
	for _, p := range inner.Test {
		valRows = append(valRows, split.Train[p])
	}
	ch.FitLeads, ch.ValidationLeads = inner.TrainLeads, inner.TestLeads
	yVal := pick(ds.Labels, valRows)
	pos := 0
	for _, v := range yVal {
		pos += int(v)
	}
	if pos == 0 || pos == len(yVal) {
		ch.Reason = "clip kept: the validation window has only one outcome"
		return clip, ch, nil
	}
	cfg := spec.Config
	subSpec, err := features.Fit(cfg, ds, fitRows)
	if err != nil {
		return clip, nil, fmt.Errorf("choose out-of-range mode: %w", err)
	}
	// encode returns the rows of the linear encoding under o, with the
	// rule inputs (only those rows are encoded: in a backtest the dataset
	// holds every period's examples).
	encode := func(o features.OutOfRange, rows []int) (*features.Matrix, error) {
		s, err := subSpec.WithOutOfRange(o)
		if err != nil {
			return nil, err
		}
		X, _ := s.LinearRowsWith(ds, rows, ri.ColumnInfos())
		if ri != nil {
			sub := make([]rules.Result, len(rows))
			for i, r := range rows {
				sub[i] = sheetRes[r]
			}
			fillRuleInputs(X, ri, sub, true)
		}
		return X, nil
	}
	Xfit, err := encode(clip, fitRows)
	if err != nil {
		return clip, nil, err
	}
	// Fitted once: the fitting rows lie inside their own range, so every
	// mode encodes them alike.
	m, err := logistic.Fit(Xfit, pick(ds.Labels, fitRows), pickW(w, fitRows), logistic.Options{Lambda: lambda, L1Ratio: l1, Seed: opt.Seed, Threads: opt.Threads})
	if err != nil {
		return clip, nil, fmt.Errorf("choose out-of-range mode: fit logistic: %w", err)
	}
	Xfit = nil
	var clipVal *features.Matrix
	best := -1
	for k, o := range rangeCandidates {
		X, err := encode(o, valRows)
		if err != nil {
			return clip, nil, err
		}
		switch o.Mode {
		case features.RangeClip:
			clipVal = X
		case features.RangeNone:
			ch.OutOfRangeRows = differingRows(clipVal, X)
		}
		p := make([]float64, len(valRows))
		for i := range valRows {
			p[i] = 1 / (1 + math.Exp(-m.Margin(X.Row(i))))
		}
		rep := metrics.Evaluate(yVal, p)
		ch.Candidates = append(ch.Candidates, OutOfRangeCandidate{Mode: o.Mode, Margin: o.Margin, LogLoss: rep.LogLoss, ROCAUC: rep.ROCAUC})
		if best < 0 || rep.LogLoss < ch.Candidates[best].LogLoss*(1-minRangeGain) {
			best = k
		}
	}
	o := rangeCandidates[best]
	ch.Mode, ch.Margin = o.Mode, o.Margin
	parts := make([]string, len(ch.Candidates))
	for k, c := range ch.Candidates {
		parts[k] = fmt.Sprintf("%s %.4f", rangeCandidates[k], c.LogLoss)
	}
	ch.Reason = fmt.Sprintf("log loss on the latest %d training leads, with the model fitted on the %d before them: %s (another mode must lower it by 0.1%% to replace clip)", ch.ValidationLeads, ch.FitLeads, strings.Join(parts, ", "))
	return o, ch, nil
}

// differingRows counts the rows of a and b (the same rows, two encodings)
// that differ in some column.
func differingRows(a, b *features.Matrix) int {
	n := 0
	for i := range a.Rows {
		ra, rb := a.Row(i), b.Row(i)
		for j := range ra {
			if ra[j] != rb[j] {
				n++
				break
			}
		}
	}
	return n
}
