package logistic

import (
	"errors"
	"fmt"
	"math"
	"runtime"

	"github.com/leadscore/leadscore/features"
)

// Options configures Fit. The zero value fits an unpenalised model (Lambda
// 0, CV off); set Lambda > 0 for a fixed penalty, or Lambda < 0 (or Lambda 0
// with CV true) to choose it by cross-validation.
type Options struct {
	// Lambda is the penalty strength (see Fit for the objective).
	Lambda float64
	// L1Ratio in [0, 1] mixes the penalty: 0 is pure L2 (ridge), 1 pure L1
	// (lasso), in between the elastic net.
	L1Ratio float64
	// Lambdas is the cross-validation grid; default 8 values log-spaced
	// from 1e-4 to 10.
	Lambdas []float64
	// Folds is the number of stratified cross-validation folds; default 5.
	Folds int
	// CV with Lambda == 0 chooses Lambda by cross-validation.
	CV bool
	// Seed drives the fold assignment.
	Seed int64
	// FoldOf, when set, assigns every row to a cross-validation fold
	// 0..Folds-1 instead of the seeded stratified assignment, so that rows
	// which belong together (the snapshots of one lead) share a fold.
	FoldOf []int
	// ClassWeight multiplies the weight of rows of class 0 or 1 (missing
	// classes weigh 1). PosWeight > 0 multiplies the weight of positive rows.
	// Set at most one of them.
	ClassWeight map[int]float64
	PosWeight   float64
	// Tol is the convergence threshold on the Euclidean norm of the
	// objective's (minimum-norm sub)gradient; default 1e-8.
	Tol float64
	// MaxIter caps solver iterations; default 100 for (proximal) Newton,
	// 1000 for L-BFGS.
	MaxIter int
	// Threads is the number of goroutines for passes over rows; default
	// GOMAXPROCS. Results do not depend on it.
	Threads int
}

// cvTol is the gradient-norm tolerance of the cross-validation fold fits.
const cvTol = 1e-6

// newtonMaxCols is the widest design solved by (proximal) Newton with a
// dense Hessian when L1Ratio is 0; wider L2 fits use L-BFGS.
const newtonMaxCols = 500

// defaultLambdas returns 8 values log-spaced from 1e-4 to 10.
func defaultLambdas() []float64 {
	out := make([]float64, 8)
	for k := range out {
		out[k] = math.Pow(10, -4+5*float64(k)/7)
	}
	return out
}

// Fit fits a logistic regression of y (0 or 1) on the rows of X with
// optional sample weights w (nil means 1 each), minimising
//
//	(1/sum_i w_i) sum_i w_i [ -y_i ln p_i - (1-y_i) ln(1-p_i) ]
//	    + lambda * ( (1-l1)/2 * ||beta||_2^2 + l1 * ||beta||_1 ),
//	p_i = 1/(1+exp(-(b + x_i . beta))),
//
// where l1 = opt.L1Ratio and the intercept b is not penalised. Class or
// positive weights multiply w_i. The loss is a weighted mean, so a weight of
// k is the same as k copies of a row, and lambda does not scale with the
// number of rows (liblinear's C corresponds to lambda = 1/(C sum w)).
//
// Solvers: with l1 = 0 and at most 500 columns, damped Newton (IRLS) with a
// Cholesky factorisation of the Hessian; wider L2 fits use L-BFGS; l1 > 0
// uses proximal Newton with a coordinate-descent inner solve (a dense
// cols x cols Hessian, O(rows cols^2) per refresh). The Hessian is reused
// while steps keep converging fast and, above 100,000 rows, estimated on
// every k-th row; gradients and the stopping test always use every row, so
// the solution is the same. Both cores (opt.Threads) share each pass over
// rows, with a reduction order that does not depend on the thread count.
// When at most a quarter of the entries differ from their column's majority
// value (one-hot indicators, missing flags, mostly-zero counts: the usual
// linear encoding of leads), the rows are stored sparse around those values
// and the intercept absorbs the shift, an exact reparametrisation (see
// design): passes cost O(nonzeros) and the Hessian O(sum of nonzeros^2),
// cheap enough to use up to 100,000 rows for it.
//
// With cross-validation, rows are split into opt.Folds stratified folds
// (features.Folds seeded by opt.Seed, or opt.FoldOf); each lambda of the
// grid is fitted on each training part (largest lambda first, warm-started
// from the previous lambda's coefficients and last Hessian), scored by the
// weighted log loss of its held-out fold, and the lambda with the lowest mean over folds
// is refitted on all rows.
//
// X must be the linear encoding: finite values only. Errors name the
// offending column or option.
func Fit(X *features.Matrix, y, w []float64, opt Options) (*Model, error) {
	if err := validate(X, y, w, &opt); err != nil {
		return nil, err
	}
	eff := effectiveWeights(y, w, opt)
	d := newDesign(X.Data, X.Rows, X.Cols)
	useCV := opt.Lambda < 0 || (opt.Lambda == 0 && opt.CV)
	lambda := opt.Lambda
	var cv []CVPoint
	var oof []float64
	var err error
	if useCV {
		lambda, cv, oof, err = crossValidate(X, d, y, eff, opt)
		if err != nil {
			return nil, err
		}
	}
	res, err := solve(d, y, eff, lambda, opt, nil, nil)
	if err != nil {
		return nil, err
	}
	m := &Model{
		Intercept:  res.theta[0],
		Weights:    res.theta[1:],
		Means:      columnMeans(X, w),
		Columns:    append([]features.ColumnInfo(nil), X.Columns...),
		Lambda:     lambda,
		L1Ratio:    opt.L1Ratio,
		Iterations: res.iterations,
		Converged:  res.converged,
		CV:         cv,
		OOF:        oof,
	}
	return m, nil
}

// validate checks the inputs and fills option defaults.
func validate(X *features.Matrix, y, w []float64, opt *Options) error {
	if X == nil || X.Rows == 0 {
		return errors.New("logistic: no training rows")
	}
	if X.Cols < 0 || len(X.Data) != X.Rows*X.Cols {
		return fmt.Errorf("logistic: matrix data has %d values, want rows*cols = %d*%d", len(X.Data), X.Rows, X.Cols)
	}
	if len(y) != X.Rows {
		return fmt.Errorf("logistic: %d labels for %d rows", len(y), X.Rows)
	}
	if w != nil && len(w) != X.Rows {
		return fmt.Errorf("logistic: %d weights for %d rows", len(w), X.Rows)
	}
	for i, v := range X.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			r, c := i/X.Cols, i%X.Cols
			name := fmt.Sprintf("#%d", c)
			if c < len(X.Columns) {
				name = fmt.Sprintf("%q", X.Columns[c].Name)
			}
			return fmt.Errorf("logistic: column %s row %d is %v; logistic regression needs the linear encoding (imputed, no NaN or Inf)", name, r, v)
		}
	}
	var pos, neg int
	for i, v := range y {
		switch v {
		case 1:
			pos++
		case 0:
			neg++
		default:
			return fmt.Errorf("logistic: label of row %d is %v; labels must be 0 or 1", i, v)
		}
	}
	if pos == 0 || neg == 0 {
		only := 0
		if pos > 0 {
			only = 1
		}
		return fmt.Errorf("logistic: all %d labels are %d; a conversion model needs both converted (1) and unconverted (0) leads", len(y), only)
	}
	var sw float64
	for i, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return fmt.Errorf("logistic: weight of row %d is %v; weights must be finite and >= 0", i, v)
		}
		sw += v
	}
	if w != nil && sw == 0 {
		return errors.New("logistic: all weights are 0")
	}
	if math.IsNaN(opt.Lambda) || math.IsInf(opt.Lambda, 0) {
		return fmt.Errorf("logistic: Lambda is %v", opt.Lambda)
	}
	if opt.Lambda > 0 && opt.CV {
		return fmt.Errorf("logistic: Lambda = %v with CV = true; set Lambda to 0 to choose it by cross-validation, or CV to false to use it", opt.Lambda)
	}
	if !(opt.L1Ratio >= 0 && opt.L1Ratio <= 1) {
		return fmt.Errorf("logistic: L1Ratio is %v; it must be in [0, 1]", opt.L1Ratio)
	}
	if opt.ClassWeight != nil && opt.PosWeight != 0 {
		return errors.New("logistic: set ClassWeight or PosWeight, not both")
	}
	if opt.PosWeight < 0 || math.IsNaN(opt.PosWeight) {
		return fmt.Errorf("logistic: PosWeight is %v; it must be > 0 (or 0 for none)", opt.PosWeight)
	}
	for c, v := range opt.ClassWeight {
		if c != 0 && c != 1 {
			return fmt.Errorf("logistic: ClassWeight has class %d; classes are 0 and 1", c)
		}
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("logistic: ClassWeight[%d] is %v; it must be finite and > 0", c, v)
		}
	}
	if opt.Folds == 0 {
		opt.Folds = 5
	}
	if len(opt.Lambdas) == 0 {
		opt.Lambdas = defaultLambdas()
	}
	for _, l := range opt.Lambdas {
		if !(l >= 0) || math.IsInf(l, 0) {
			return fmt.Errorf("logistic: CV grid value %v; lambdas must be finite and >= 0", l)
		}
	}
	if opt.Tol <= 0 {
		opt.Tol = 1e-8
	}
	if opt.Threads <= 0 {
		opt.Threads = runtime.GOMAXPROCS(0)
	}
	return nil
}

// effectiveWeights returns sample weights times class weights.
func effectiveWeights(y, w []float64, opt Options) []float64 {
	cw := [2]float64{1, 1}
	if v, ok := opt.ClassWeight[0]; ok {
		cw[0] = v
	}
	if v, ok := opt.ClassWeight[1]; ok {
		cw[1] = v
	}
	if opt.PosWeight > 0 {
		cw[1] = opt.PosWeight
	}
	out := make([]float64, len(y))
	for i := range y {
		out[i] = cw[int(y[i])]
		if w != nil {
			out[i] *= w[i]
		}
	}
	return out
}

// columnMeans returns the w-weighted column means of X.
func columnMeans(X *features.Matrix, w []float64) []float64 {
	means := make([]float64, X.Cols)
	var sw float64
	for i := range X.Rows {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		sw += wi
		for j, v := range X.Row(i) {
			means[j] += wi * v
		}
	}
	for j := range means {
		means[j] /= sw
	}
	return means
}

// solve fits one lambda with effective weights eff, warm-started from
// theta0 when non-nil (else from beta = 0 and the intercept at the weighted
// base rate's log-odds). theta0 and the result's theta are in the original
// parametrisation; a sparse design's solvers work in its shifted one.
// hess0, when not nil, is a data Hessian near theta0 from a fit on the same
// design and weights (result.hess), which Newton uses for its first step.
func solve(d *design, y, eff []float64, lambda float64, opt Options, theta0, hess0 []float64) (result, error) {
	res, err := solveShifted(d, y, eff, lambda, opt, theta0, hess0)
	if res.theta != nil {
		d.toOriginal(res.theta)
	}
	return res, err
}

func solveShifted(d *design, y, eff []float64, lambda float64, opt Options, theta0, hess0 []float64) (result, error) {
	l1 := lambda * opt.L1Ratio
	l2 := lambda * (1 - opt.L1Ratio)
	pr := newDesignProblem(d, y, eff, l1, l2, opt.Threads)
	if len(hess0) == (d.cols+1)*(d.cols+1) {
		pr.warmH = hess0
	}
	if theta0 != nil {
		theta0 = append([]float64(nil), theta0...)
		d.toShifted(theta0)
	} else {
		theta0 = make([]float64, d.cols+1)
		var sp, sw float64
		for i, v := range eff {
			sp += v * y[i]
			sw += v
		}
		rate := math.Min(math.Max(sp/sw, 1e-12), 1-1e-12)
		theta0[0] = math.Log(rate / (1 - rate))
	}
	if opt.L1Ratio == 0 && d.cols > newtonMaxCols {
		maxIter := opt.MaxIter
		if maxIter <= 0 {
			maxIter = 1000
		}
		return pr.lbfgs(theta0, opt.Tol, maxIter)
	}
	maxIter := opt.MaxIter
	if maxIter <= 0 {
		maxIter = 100
	}
	return pr.newton(theta0, opt.Tol, maxIter)
}

// crossValidate returns the lambda of opt.Lambdas with the lowest mean
// out-of-fold log loss, and every grid point's scores. A training part is
// the full matrix with the held-out rows' weights set to zero, which leaves
// the weighted-mean objective identical to fitting on the other rows.
//
// It also returns the out-of-fold margins at the chosen lambda: row i's
// margin from the model fitted without i's fold, for calibrating on rows a
// model was not fitted on.
func crossValidate(X *features.Matrix, d *design, y, eff []float64, opt Options) (float64, []CVPoint, []float64, error) {
	k := opt.Folds
	if k < 2 {
		return 0, nil, nil, fmt.Errorf("logistic: Folds is %d; cross-validation needs at least 2", k)
	}
	var pos, neg int
	for _, v := range y {
		if v == 1 {
			pos++
		} else {
			neg++
		}
	}
	if pos < k || neg < k {
		return 0, nil, nil, fmt.Errorf("logistic: %d-fold cross-validation needs at least %d rows of each class, have %d positive and %d negative; lower Folds or set Lambda", k, k, pos, neg)
	}
	fold := opt.FoldOf
	if fold == nil {
		var err error
		if fold, err = features.Folds(y, nil, k, uint64(opt.Seed)); err != nil {
			return 0, nil, nil, fmt.Errorf("logistic: %w", err)
		}
	} else if len(fold) != len(y) {
		return 0, nil, nil, fmt.Errorf("logistic: FoldOf has %d entries for %d rows", len(fold), len(y))
	}
	for i, f := range fold {
		if f < 0 || f >= k {
			return 0, nil, nil, fmt.Errorf("logistic: FoldOf[%d] is %d; folds are 0..%d", i, f, k-1)
		}
	}
	// margins[g][i]: row i's out-of-fold margin at grid point g.
	margins := make([][]float64, len(opt.Lambdas))
	for g := range margins {
		margins[g] = make([]float64, len(y))
	}
	grid := append([]float64(nil), opt.Lambdas...)
	// Largest lambda first: the most regularised fit is the easiest start.
	for a := 1; a < len(grid); a++ {
		for b := a; b > 0 && grid[b] > grid[b-1]; b-- {
			grid[b], grid[b-1] = grid[b-1], grid[b]
		}
	}
	points := make([]CVPoint, len(grid))
	for g := range points {
		points[g] = CVPoint{Lambda: grid[g], FoldLogLoss: make([]float64, k)}
	}
	// The fold fits only rank lambdas by held-out log loss: a gradient norm of
	// cvTol changes that loss by far less than the differences between grid
	// points, and halves the Newton iterations. The final fit uses opt.Tol.
	cvOpt := opt
	cvOpt.Tol = max(opt.Tol, cvTol)
	trainW := make([]float64, len(eff))
	for f := range k {
		for i := range eff {
			trainW[i] = eff[i]
			if fold[i] == f {
				trainW[i] = 0
			}
		}
		var warm, warmH []float64
		for g, lambda := range grid {
			res, err := solve(d, y, trainW, lambda, cvOpt, warm, warmH)
			if err != nil {
				return 0, nil, nil, fmt.Errorf("logistic: cross-validation fold %d, lambda %g: %w", f+1, lambda, err)
			}
			warm, warmH = res.theta, res.hess
			var loss, sw float64
			for i := range y {
				if fold[i] != f {
					continue
				}
				mi := res.theta[0]
				for j, v := range X.Row(i) {
					mi += res.theta[1+j] * v
				}
				margins[g][i] = mi
				loss += eff[i] * (softplus(mi) - y[i]*mi)
				sw += eff[i]
			}
			points[g].FoldLogLoss[f] = loss / sw
		}
	}
	best := 0
	for g := range points {
		var s float64
		for _, v := range points[g].FoldLogLoss {
			s += v
		}
		points[g].LogLoss = s / float64(k)
		if points[g].LogLoss < points[best].LogLoss {
			best = g
		}
	}
	return points[best].Lambda, points, margins[best], nil
}
