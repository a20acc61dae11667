// Package logistic fits and applies penalised logistic regression over the
// dense linear encoding of features.Matrix (imputed, standardised columns).
//
// The fitted model gives a lead's log-odds of converting,
//
//	margin(x) = Intercept + sum_j Weights[j] x_j,   P(convert | x) = 1/(1+exp(-margin)),
//
// and splits that margin into per-column contributions around the training
// means, so a score's reasons add up exactly to the score.
package logistic

import (
	"math"

	"github.com/leadscore/leadscore/features"
)

// CVPoint is the cross-validated quality of one penalty strength.
type CVPoint struct {
	Lambda float64 `json:"lambda"`
	// LogLoss is the mean over folds of each fold's weighted out-of-fold
	// log loss (nats per unit weight); CV picks the Lambda minimising it.
	LogLoss float64 `json:"log_loss"`
	// FoldLogLoss holds the per-fold out-of-fold log losses.
	FoldLogLoss []float64 `json:"fold_log_loss"`
}

// Model is a fitted logistic regression. It is a plain value: encode it with
// encoding/json and decode it to get a model that scores identically.
type Model struct {
	Intercept float64   `json:"intercept"`
	Weights   []float64 `json:"weights"`
	// Means are the (sample-weighted) column means of the training rows,
	// the reference point of Contributions.
	Means   []float64             `json:"means"`
	Columns []features.ColumnInfo `json:"columns"`
	// Lambda and L1Ratio are the penalty the model was fitted with (Lambda
	// chosen by cross-validation when Options asked for it).
	Lambda  float64 `json:"lambda"`
	L1Ratio float64 `json:"l1_ratio"`
	// Iterations is the number of (proximal) Newton or L-BFGS iterations of
	// the final fit; Converged reports whether its KKT residual (the norm of
	// the minimum-norm subgradient of the objective) reached Options.Tol.
	Iterations int       `json:"iterations"`
	Converged  bool      `json:"converged"`
	CV         []CVPoint `json:"cv,omitempty"`
	// OOF holds, after cross-validation, every training row's out-of-fold
	// margin at the chosen Lambda. It is not saved with the model.
	OOF []float64 `json:"-"`
}

// Margin returns the log-odds Intercept + sum_j Weights[j]*row[j]. It
// returns NaN if len(row) differs from len(Weights).
func (m *Model) Margin(row []float64) float64 {
	if len(row) != len(m.Weights) {
		return math.NaN()
	}
	s := m.Intercept
	for j, v := range row {
		s += m.Weights[j] * v
	}
	return s
}

// Probability returns 1/(1+exp(-Margin(row))), the uncalibrated probability
// of conversion.
func (m *Model) Probability(row []float64) float64 {
	return sigmoid(m.Margin(row))
}

// Contributions splits Margin(row) into a base and one term per column,
//
//	out[j] = Weights[j] * (row[j] - Means[j]),
//	base   = Intercept + sum_j Weights[j] * Means[j],
//
// so that base + sum_j out[j] == Margin(row) (up to rounding, ~1e-12 for
// standardised inputs). A column's contribution is how much it moves this
// lead's log-odds away from those of an average training lead. out must have
// len(Weights) entries; if out or row has another length, out is left
// untouched and base is NaN.
func (m *Model) Contributions(row []float64, out []float64) (base float64) {
	if len(row) != len(m.Weights) || len(out) != len(m.Weights) || len(m.Means) != len(m.Weights) {
		return math.NaN()
	}
	base = m.Intercept
	for j, wj := range m.Weights {
		base += wj * m.Means[j]
		out[j] = wj * (row[j] - m.Means[j])
	}
	return base
}
