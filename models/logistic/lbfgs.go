package logistic

import (
	"fmt"
	"slices"

	"gonum.org/v1/gonum/optimize"
)

// lbfgs minimises the smooth (l1 == 0) objective with gonum's L-BFGS, for
// designs too wide for a dense Hessian. Each evaluation is one parallel pass
// over the rows computing the value and gradient together; the pair is
// cached so that the separate Func and Grad calls of the line search cost
// one pass.
func (pr *problem) lbfgs(theta0 []float64, tol float64, maxIter int) (result, error) {
	P := pr.cols + 1
	ws := pr.newWorkspace(false)
	m := make([]float64, pr.rows)
	var (
		cacheX []float64
		cacheF float64
		cacheG = make([]float64, P)
	)
	eval := func(theta []float64) {
		if cacheX != nil && slices.Equal(cacheX, theta) {
			return
		}
		pr.margins(theta, m)
		ridge, _ := pr.penalty(theta)
		cacheF = pr.lossAt(m, nil, 0, ws) + ridge
		pr.grad(m, ws, cacheG)
		for j := 1; j < P; j++ {
			cacheG[j] += pr.l2 * theta[j]
		}
		cacheX = append(cacheX[:0], theta...)
	}
	prob := optimize.Problem{
		Func: func(theta []float64) float64 { eval(theta); return cacheF },
		Grad: func(grad, theta []float64) { eval(theta); copy(grad, cacheG) },
	}
	settings := &optimize.Settings{
		GradientThreshold: tol / 10, // gonum tests the max-norm; ours is the 2-norm
		MajorIterations:   maxIter,
		Converger:         &optimize.FunctionConverge{Absolute: 0, Relative: 0, Iterations: 50},
	}
	out, err := optimize.Minimize(prob, theta0, settings, &optimize.LBFGS{Store: 20})
	if out == nil {
		return result{}, fmt.Errorf("logistic: L-BFGS failed: %w", err)
	}
	theta := append([]float64(nil), out.X...)
	eval(theta)
	res := result{theta: theta, iterations: out.Stats.MajorIterations, kkt: pr.optimality(theta, cacheG)}
	res.converged = res.kkt <= tol
	return res, nil
}
