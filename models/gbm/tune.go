package gbm

import (
	"errors"
	"fmt"
	"math"

	"github.com/leadscore/leadscore/features"
)

// TuneResult is one candidate of Tune: its parameters, its best validation
// log loss and the number of trees at which it was reached.
type TuneResult struct {
	Params        Params  `json:"params"`
	ValidLogLoss  float64 `json:"valid_log_loss"`
	BestIteration int     `json:"best_iteration"`
}

// tuneGrid returns the candidates Tune tries around base: leaf counts and
// minimum leaf sizes from conservative to flexible, with and without row
// and column subsampling.
func tuneGrid(base Params) []Params {
	type c struct {
		leaves, minData int
		lambda, sub     float64
	}
	grid := []c{{15, 40, 1, 1}, {31, 20, 1, 1}, {63, 20, 1, 1}, {31, 20, 5, 0.8}, {63, 50, 5, 0.8}}
	out := make([]Params, 0, len(grid))
	for _, g := range grid {
		p := base
		p.Leaves, p.MinDataInLeaf, p.Lambda, p.Subsample = g.leaves, g.minData, g.lambda, g.sub
		if g.sub < 1 {
			p.ColSample = 0.8
		}
		if p.EarlyStopping == 0 {
			p.EarlyStopping = 30
		}
		out = append(out, p)
	}
	return out
}

// Tune trains a small grid of candidates (5: 15 to 63 leaves, λ 1 or 5,
// with and without 80% row and column subsampling) with early stopping on
// the validation set and returns the parameters with the lowest validation
// log loss, Trees set to that candidate's best iteration, and every
// candidate's result in grid order. base supplies the learning rate, tree
// budget and everything the grid does not vary; seed replaces base.Seed.
func Tune(X *features.Matrix, y, w []float64, valid *features.Matrix, validY, validW []float64, base Params, seed int64) (Params, []TuneResult, error) {
	if valid == nil {
		return Params{}, nil, errors.New("gbm: Tune needs a validation set to choose on")
	}
	base.Seed = seed
	var results []TuneResult
	best := -1
	for i, p := range tuneGrid(base) {
		m, err := Train(X, y, w, valid, validY, validW, p)
		if err != nil {
			return Params{}, nil, fmt.Errorf("gbm: tune candidate %d: %w", i, err)
		}
		loss := math.Inf(1)
		if k := m.BestIteration(); k > 0 && k <= len(m.ValidLoss) {
			loss = m.ValidLoss[k-1]
		}
		results = append(results, TuneResult{Params: p, ValidLogLoss: loss, BestIteration: m.BestIteration()})
		if best < 0 || loss < results[best].ValidLogLoss {
			best = i
		}
	}
	chosen := results[best].Params
	chosen.Trees = max(results[best].BestIteration, 1)
	return chosen, results, nil
}
