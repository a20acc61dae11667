package logistic

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"
)

// result is what a solver returns.
type result struct {
	theta      []float64
	iterations int
	converged  bool
	kkt        float64 // optimality residual at theta
	// hess is the data term's Hessian (upper triangle, P x P, without the
	// penalty) last computed by Newton, at an iterate near theta; nil for
	// L-BFGS. It seeds the next fit of a lambda path (see problem.warmH).
	hess []float64
}

// newton minimises the objective by (proximal) Newton steps from theta0.
//
// With l1 == 0 the step d solves (H + l2 I') d = -g by Cholesky (I' is the
// identity without the intercept entry). With l1 > 0 the step minimises the
// quadratic model g.d + d'Hd/2 + l1 ||beta + d||_1 by cyclic coordinate
// descent (a proximal Newton step, as in glmnet's IRLS-CD). A full step is
// taken when it halves the best KKT residual seen so far (checked with the
// gradient at the new point, computed in the same pass as the step);
// otherwise a backtracking line search on the full objective guarantees
// descent. It stops when the KKT residual is at most tol.
//
// The Hessian costs O(n p^2) per pass against O(n p) for the gradient, so it
// is recomputed only when needed: a step taken with a Hessian from an
// earlier iterate is kept as long as it shrinks the KKT residual at least
// tenfold (near the optimum the Hessian barely changes and such steps
// converge nearly as fast as Newton's); otherwise, or if the stale
// direction fails, the Hessian is refreshed. Above hessianRows rows the
// Hessian is estimated on a systematic subsample (see hess). Every
// iteration counts in result.iterations.
func (pr *problem) newton(theta0 []float64, tol float64, maxIter int) (result, error) {
	P := pr.cols + 1
	theta := append([]float64(nil), theta0...)
	ws := pr.newWorkspace(true)
	m := make([]float64, pr.rows)
	dm := make([]float64, pr.rows)
	g := make([]float64, P)
	h := make([]float64, P*P)
	d := make([]float64, P)
	var chol *mat.Cholesky

	pr.margins(theta, m)
	loss := pr.lossAt(m, nil, 0, ws)
	ridge, lasso := pr.penalty(theta)
	f, fValid := loss+ridge+lasso, true // F(theta), when fValid
	gData := make([]float64, P)         // data-term gradient at theta
	pr.grad(m, ws, gData)

	res := result{theta: theta}
	trial := make([]float64, P)
	gTrial := make([]float64, P)
	needH := true
	if pr.warmH != nil {
		// A Hessian from the end of the previous fit of a lambda path: the
		// data term's Hessian does not depend on lambda, and it was taken
		// near theta0, so the first step is nearly Newton's at no cost.
		copy(h, pr.warmH)
		res.hess = append(res.hess[:0], pr.warmH...)
		for j := 1; j < P; j++ {
			h[j*P+j] += pr.l2
		}
		if pr.l1 == 0 {
			var err error
			if chol, err = factorHessian(h, P); err != nil {
				return res, err
			}
		}
		needH = false
	}
	prevKKT, bestKKT := math.Inf(1), math.Inf(1)
	for it := 0; ; it++ {
		copy(g, gData)
		for j := 1; j < P; j++ {
			g[j] += pr.l2 * theta[j]
		}
		res.kkt = pr.optimality(theta, g)
		res.iterations = it
		if res.kkt <= tol {
			res.converged = true
			return res, nil
		}
		if it >= maxIter {
			return res, nil
		}
		if res.kkt > 0.1*prevKKT {
			needH = true
		}
		prevKKT = res.kkt
		bestKKT = math.Min(bestKKT, res.kkt)
		for {
			fresh := needH
			if needH {
				pr.hess(m, ws, h)
				res.hess = append(res.hess[:0], h...)
				for j := 1; j < P; j++ {
					h[j*P+j] += pr.l2
				}
				needH = false
				if pr.l1 == 0 {
					var err error
					if chol, err = factorHessian(h, P); err != nil {
						return res, err
					}
				}
			}
			var decrease float64 // predicted directional decrease (negative)
			if pr.l1 == 0 {
				solveNewton(chol, g, d)
				for j := range d {
					decrease += g[j] * d[j]
				}
			} else {
				decrease = pr.cdStep(theta, g, h, d)
			}
			if !(decrease < 0) {
				if fresh {
					return res, nil // no descent direction left at floating-point precision
				}
				needH = true
				continue
			}
			// Full step first, accepted if it at least halves the best KKT
			// residual so far: the residual then falls geometrically, so
			// such steps cannot cycle. This needs only the gradient at the
			// new point (one pass, no logarithms).
			for j := range theta {
				trial[j] = theta[j] + d[j]
			}
			pr.stepGrad(m, d, dm, ws, gTrial)
			copy(g, gTrial)
			for j := 1; j < P; j++ {
				g[j] += pr.l2 * trial[j]
			}
			if pr.optimality(trial, g) <= 0.5*bestKKT {
				copy(theta, trial)
				for i := range m {
					m[i] += dm[i]
				}
				copy(gData, gTrial)
				fValid = false
				break
			}
			// Otherwise an Armijo backtracking search on F itself, which
			// guarantees descent.
			if !fValid {
				ridge, lasso := pr.penalty(theta)
				f, fValid = pr.lossAt(m, nil, 0, ws)+ridge+lasso, true
			}
			copy(g, gData)
			for j := 1; j < P; j++ {
				g[j] += pr.l2 * theta[j]
			}
			step, fNew, ok := pr.lineSearch(theta, d, m, dm, f, decrease, ws)
			if !ok {
				// Restore ws.expNeg, which holds values at rejected steps.
				pr.lossAt(m, nil, 0, ws)
				if fresh {
					return res, nil // no descent left at floating-point precision
				}
				needH = true
				continue
			}
			for j := range theta {
				theta[j] += step * d[j]
			}
			for i := range m {
				m[i] += step * dm[i]
			}
			f = fNew
			pr.grad(m, ws, gData)
			if step < 1 {
				needH = true // damped: still far from the quadratic regime
			}
			break
		}
	}
}

// accept is the line search's test for step t with value fNew from value f
// and predicted decrease (negative): the Armijo condition
// fNew <= f + 1e-4 t decrease, or, for the full step in the round-off regime
// near the optimum where F cannot resolve the decrease, fNew within a few
// ulps of f.
func (pr *problem) accept(f, fNew, t, decrease float64) bool {
	if fNew <= f+1e-4*t*decrease {
		return true
	}
	return t == 1 && fNew-f <= 1e-14*math.Max(1, math.Abs(f))
}

// lineSearch backtracks from step 1 by halving until accept holds. On
// success the last lossAt call was at the accepted step, so ws.expNeg
// matches m + t dm.
func (pr *problem) lineSearch(theta, d, m, dm []float64, f, decrease float64, ws *workspace) (float64, float64, bool) {
	trial := make([]float64, len(theta))
	t := 1.0
	for range 50 {
		for j := range theta {
			trial[j] = theta[j] + t*d[j]
		}
		ridge, lasso := pr.penalty(trial)
		fNew := pr.lossAt(m, dm, t, ws) + ridge + lasso
		if pr.accept(f, fNew, t, decrease) {
			return t, fNew, true
		}
		t *= 0.5
	}
	return 0, f, false
}

// factorHessian returns the Cholesky factorisation of the symmetric matrix
// whose upper triangle is h. If it is not numerically positive definite (an
// unregularised fit on collinear columns), a growing multiple of the
// identity is added until the factorisation succeeds.
func factorHessian(h []float64, P int) (*mat.Cholesky, error) {
	var trace float64
	for i := range P {
		trace += h[i*P+i]
	}
	jitter := 0.0
	sym := mat.NewSymDense(P, nil)
	for range 12 {
		for i := range P {
			for j := i; j < P; j++ {
				v := h[i*P+j]
				if i == j {
					v += jitter
				}
				sym.SetSym(i, j, v)
			}
		}
		var ch mat.Cholesky
		if ch.Factorize(sym) {
			return &ch, nil
		}
		if jitter == 0 {
			jitter = 1e-12 * math.Max(trace/float64(P), 1e-300)
		} else {
			jitter *= 100
		}
	}
	return nil, errors.New("logistic: Hessian is not positive definite even after regularisation; check for constant or duplicated columns, or set Lambda > 0")
}

// solveNewton sets d = -H^{-1} g using the factorisation of H.
func solveNewton(ch *mat.Cholesky, g, d []float64) {
	rhs := mat.NewVecDense(len(g), nil)
	for i, v := range g {
		rhs.SetVec(i, -v)
	}
	// SolveVecTo's only error is a mat.Condition warning for an
	// ill-conditioned factor; the solution is still computed, and the line
	// search guards the step.
	_ = ch.SolveVecTo(mat.NewVecDense(len(d), d), rhs)
}

// cdStep minimises the quadratic model of the objective around theta,
//
//	q(d) = g.d + d'Hd/2 + l1 ||beta + d_beta||_1,
//
// by cyclic coordinate descent (soft-thresholding each penalised
// coordinate, the intercept unpenalised), writes the minimiser to d and
// returns the predicted decrease g.d + l1(||beta+d||_1 - ||beta||_1).
func (pr *problem) cdStep(theta, g, h, d []float64) float64 {
	P := len(theta)
	hd := make([]float64, P) // H d
	clear(d)
	at := func(i, j int) float64 {
		if i > j {
			i, j = j, i
		}
		return h[i*P+j]
	}
	for sweep := 0; sweep < 1000; sweep++ {
		var maxChange float64
		for j := range P {
			a := at(j, j)
			if a <= 0 {
				continue
			}
			gj := g[j] + hd[j]
			var delta float64
			if j == 0 {
				delta = -gj / a
			} else {
				z0 := theta[j] + d[j]
				u := a*z0 - gj
				z := 0.0
				if u > pr.l1 {
					z = (u - pr.l1) / a
				} else if u < -pr.l1 {
					z = (u + pr.l1) / a
				}
				delta = z - z0
			}
			if delta == 0 {
				continue
			}
			d[j] += delta
			for k := range P {
				hd[k] += delta * at(k, j)
			}
			maxChange = math.Max(maxChange, math.Abs(delta)*math.Sqrt(a))
		}
		if maxChange < 1e-13 {
			break
		}
	}
	var dec float64
	for j := range P {
		dec += g[j] * d[j]
	}
	for j := 1; j < P; j++ {
		dec += pr.l1 * (math.Abs(theta[j]+d[j]) - math.Abs(theta[j]))
	}
	return dec
}
