package training

import (
	"fmt"
	"math"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
)

// WeightInfo records the example weights of a training run: every example
// carries its lead's value in Column of the leads file.
type WeightInfo struct {
	Column string  `json:"column"`
	Min    float64 `json:"min"`
	Mean   float64 `json:"mean"`
	Max    float64 `json:"max"`
	Zero   int     `json:"zero_weight_leads"`
}

// exampleWeights returns the weight of every example of ds, its lead's
// value in the leads column name (nil, nil when name is empty). Every lead
// with an example needs a finite weight >= 0: a missing, negative or
// infinite one is an error naming the file, line and lead, as is a column
// that is not numeric or weights that are all 0.
//
// When ds holds a sample of the leads (Config.MaxExamples), every weight is
// multiplied by the sample's 1/rate (and is 1/rate without a weight column),
// so that the weighted sample stands for every lead.
func exampleWeights(ds *features.Dataset, name string) ([]float64, *WeightInfo, error) {
	w, info, err := columnWeights(ds, name)
	if err != nil || ds.Report.Sampling == nil {
		return w, info, err
	}
	sw := ds.SampleWeight()
	if w == nil {
		w = make([]float64, ds.Rows)
		for i := range w {
			w[i] = sw
		}
		return w, info, nil
	}
	for i := range w {
		w[i] *= sw
	}
	return w, info, nil
}

// columnWeights returns the weight of every example of ds from the leads
// column name (nil, nil when name is empty).
func columnWeights(ds *features.Dataset, name string) ([]float64, *WeightInfo, error) {
	if name == "" {
		return nil, nil, nil
	}
	t := ds.Leads
	c, err := t.MustCol(name)
	if err != nil {
		return nil, nil, fmt.Errorf("weight column: %w", err)
	}
	if c.Kind != datasets.KindNumber && c.Kind != datasets.KindBool {
		return nil, nil, fmt.Errorf("%s: weight column %q was read as %s; weights must be numbers (force with --types %s=number)", t.Source, name, c.Kind, name)
	}
	w := make([]float64, ds.Rows)
	info := &WeightInfo{Column: name, Min: math.Inf(1), Max: math.Inf(-1)}
	seen := make(map[int]bool)
	var sum float64
	for i, r := range ds.LeadRows {
		v := c.Num[r]
		if !(v >= 0) || math.IsInf(v, 1) {
			what := fmt.Sprintf("is %v", v)
			if math.IsNaN(v) {
				what = "is missing"
			}
			line := int64(r + 1)
			if r < len(t.Line) {
				line = t.Line[r]
			}
			return nil, nil, fmt.Errorf("%s line %d: weight column %q of lead %q %s; every lead needs a finite weight >= 0", t.Source, line, name, ds.LeadIDs[i], what)
		}
		w[i] = v
		sum += v
		info.Min, info.Max = min(info.Min, v), max(info.Max, v)
		if g := ds.LeadGroup(i); !seen[g] {
			seen[g] = true
			if v == 0 {
				info.Zero++
			}
		}
	}
	if ds.Rows > 0 && sum == 0 {
		return nil, nil, fmt.Errorf("%s: weight column %q is 0 for every lead", t.Source, name)
	}
	if ds.Rows > 0 {
		info.Mean = sum / float64(ds.Rows)
	}
	return w, info, nil
}

// pickW is pick for weights, which may be nil (every example weighs 1).
func pickW(w []float64, idx []int) []float64 {
	if w == nil {
		return nil
	}
	return pick(w, idx)
}
