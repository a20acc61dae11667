package logistic

import (
	"math"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
)

// problem is one penalised, weighted logistic regression over a design
// (dense, or sparse around column shifts: see design). Parameters are
// theta = (intercept, beta_1..beta_p), so index 0 of every gradient and
// Hessian is the intercept; with a sparse design the solvers work in its
// shifted parametrisation (see solve).
//
// The smooth part of the objective is
//
//	f(theta) = (1/W) sum_i w_i [softplus(m_i) - y_i m_i] + (l2/2) ||beta||^2,
//	m_i = theta_0 + x_i . beta,  W = sum_i w_i,
//
// and the non-smooth part is l1 ||beta||_1 (l1 = lambda*L1Ratio,
// l2 = lambda*(1-L1Ratio)). Work over rows is split into a fixed set of
// chunks that depends only on (rows, cols); goroutines take chunks in any
// order but write per-chunk partial sums that are reduced in chunk order,
// so results are bit-identical for any thread count.
type problem struct {
	d       *design
	sp      bool      // d is sparse
	x       []float64 // d.dense: rows x cols, row-major (nil when sparse)
	rows    int
	cols    int
	y       []float64 // 0 or 1
	w       []float64 // effective weights (sample x class), >= 0
	invW    float64   // 1 / sum w
	l1, l2  float64
	threads int

	// hessStride > 1 estimates the Hessian on every hessStride-th row (see
	// hess); invWS is 1 / the total weight of those rows.
	hessStride int
	invWS      float64

	chunkRows int
	nChunks   int
	// The Hessian's per-part partial sums: the chunks for a dense design,
	// at most sparseHessParts parts for a sparse one (whose passes are
	// cheap next to clearing and reducing many P x P partials).
	hessPartRows int
	nHessParts   int

	// warmH, when set, is the data term's Hessian (as in result.hess) at a
	// point near Newton's start, used for its first step instead of a
	// fresh one. The fits of a cross-validation fold's lambda path pass
	// each one's last Hessian to the next.
	warmH []float64
}

// sparseHessParts bounds the number of Hessian partials of a sparse design.
const sparseHessParts = 8

// hessianRows is the number of rows above which the Newton solvers
// estimate the Hessian on a systematic subsample of about this many rows
// (every k-th row). The gradient, the line search and the convergence test
// always use every row, so the solution and its tolerance are unchanged;
// only the step direction is approximate, which costs a few cheap extra
// iterations (the direction's relative error is about sqrt(cols/rows
// sampled), 5% for 40 columns, 9% for 170) and saves most of the O(n p^2) work.
const hessianRows = 20_000

// sparseHessianRows is hessianRows for a sparse design. A sparse row costs
// about nnz^2/2 instead of cols^2/2 in the Hessian, so far more rows are
// affordable, and they are needed: an indicator of a rare level (a job
// title on 0.1% of rows) appears on few sampled rows, and a Hessian
// estimated on a third of the rows slows Newton to linear convergence
// (about halving the residual per iteration) once lambda is small, where
// the exact Hessian converges in 3 to 5 iterations.
const sparseHessianRows = 100_000

// maxPartialBytes bounds the memory held by per-chunk Hessian partials.
const maxPartialBytes = 64 << 20

// newProblem returns the problem over the dense row-major rows x cols
// matrix x.
func newProblem(x []float64, rows, cols int, y, w []float64, l1, l2 float64, threads int) *problem {
	return newDesignProblem(&design{rows: rows, cols: cols, dense: x}, y, w, l1, l2, threads)
}

// newDesignProblem returns the problem over the design d.
func newDesignProblem(d *design, y, w []float64, l1, l2 float64, threads int) *problem {
	var sw float64
	for _, v := range w {
		sw += v
	}
	rows, cols := d.rows, d.cols
	pr := &problem{d: d, sp: d.sparse(), x: d.dense, rows: rows, cols: cols, y: y, w: w, invW: 1 / sw, l1: l1, l2: l2, threads: max(1, threads)}
	P := cols + 1
	maxChunks := max(2, min(64, maxPartialBytes/(8*P*P)))
	pr.nChunks = max(1, min(maxChunks, (rows+1023)/1024))
	pr.chunkRows = (rows + pr.nChunks - 1) / pr.nChunks
	pr.nChunks = (rows + pr.chunkRows - 1) / pr.chunkRows
	pr.nHessParts, pr.hessPartRows = pr.nChunks, pr.chunkRows
	if d.sparse() && pr.nChunks > sparseHessParts {
		pr.hessPartRows = (rows + sparseHessParts - 1) / sparseHessParts
		pr.nHessParts = (rows + pr.hessPartRows - 1) / pr.hessPartRows
	}
	if d.sparse() {
		pr.setHessStride(max(1, rows/sparseHessianRows))
	} else {
		pr.setHessStride(max(1, rows/hessianRows))
	}
	return pr
}

// setHessStride sets the Hessian subsampling stride and the matching
// weight normaliser, falling back to every row if the sampled rows carry no
// weight.
func (pr *problem) setHessStride(stride int) {
	var sw float64
	for i := 0; i < pr.rows; i += stride {
		sw += pr.w[i]
	}
	if sw == 0 {
		stride, sw = 1, 1/pr.invW
	}
	pr.hessStride, pr.invWS = stride, 1/sw
}

// forChunks runs fn for every chunk on up to pr.threads goroutines.
func (pr *problem) forChunks(fn func(c, lo, hi int)) {
	pr.forParts(pr.nChunks, pr.chunkRows, fn)
}

// forParts runs fn for the n consecutive parts of size rows of the rows
// (the last one shorter) on up to pr.threads goroutines.
func (pr *problem) forParts(n, size int, fn func(c, lo, hi int)) {
	run := func(c int) {
		lo := c * size
		fn(c, lo, min(lo+size, pr.rows))
	}
	t := min(pr.threads, n)
	if t <= 1 {
		for c := range n {
			run(c)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range t {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c := int(next.Add(1)) - 1
				if c >= n {
					return
				}
				run(c)
			}
		}()
	}
	wg.Wait()
}

// softplus returns log(1 + exp(m)) without overflow.
func softplus(m float64) float64 {
	if m > 0 {
		return m + math.Log1p(math.Exp(-m))
	}
	return math.Log1p(math.Exp(m))
}

// sigmoid returns 1 / (1 + exp(-m)) without overflow.
func sigmoid(m float64) float64 {
	if m >= 0 {
		return 1 / (1 + math.Exp(-m))
	}
	e := math.Exp(m)
	return e / (1 + e)
}

// margins sets out[i] = theta_0 + x_i . theta[1:].
func (pr *problem) margins(theta, out []float64) {
	beta := theta[1:]
	pr.forChunks(func(_, lo, hi int) {
		if pr.sp {
			for i := lo; i < hi; i++ {
				out[i] = theta[0] + pr.d.dot(i, beta)
			}
			return
		}
		for i := lo; i < hi; i++ {
			out[i] = theta[0] + floats.Dot(pr.x[i*pr.cols:(i+1)*pr.cols], beta)
		}
	})
}

// penalty returns (l2/2)||beta||^2 and l1||beta||_1 of theta.
func (pr *problem) penalty(theta []float64) (ridge, lasso float64) {
	for _, b := range theta[1:] {
		ridge += b * b
		lasso += math.Abs(b)
	}
	return 0.5 * pr.l2 * ridge, pr.l1 * lasso
}

// lossAt returns the data term (1/W) sum_i w_i logloss(z_i) at
// z_i = m_i + t*dm_i (dm may be nil: z = m). As a side effect it stores
// e_i = exp(-|z_i|) in ws.expNeg, from which grad and hess get
// p_i = sigmoid(z_i) without another exp: callers keep ws.expNeg in step
// with the margins they pass to grad and hess (the last lossAt call must be
// at those margins).
func (pr *problem) lossAt(m, dm []float64, t float64, ws *workspace) float64 {
	pr.forChunks(func(c, lo, hi int) {
		var s float64
		e := ws.expNeg
		for i := lo; i < hi; i++ {
			zi := m[i]
			if dm != nil {
				zi += t * dm[i]
			}
			ei := math.Exp(-math.Abs(zi))
			e[i] = ei
			if wi := pr.w[i]; wi != 0 {
				// softplus(z) - y z = max(z, 0) + log1p(exp(-|z|)) - y z;
				// log(1+e) for e in (0, 1] is within 1.2e-16 of log1p(e)
				// in absolute terms (what a sum of losses needs) and
				// several times cheaper.
				s += wi * (math.Max(zi, 0) + math.Log(1+ei) - pr.y[i]*zi)
			}
		}
		ws.lossPart[c] = s
	})
	return pr.reduceLoss(ws)
}

// prob returns sigmoid(z) from z's sign and e = exp(-|z|).
func prob(z, e float64) float64 {
	if z >= 0 {
		return 1 / (1 + e)
	}
	return e / (1 + e)
}

// workspace holds the per-fit buffers of the Newton solvers.
type workspace struct {
	expNeg   []float64 // rows: exp(-|margin|) at the last lossAt
	gradPart []float64 // nChunks x P
	hessPart []float64 // nHessParts x P x P (upper triangle used)
	lossPart []float64 // nChunks
	blocks   [][]float64
}

// syrkBlock is the number of rows packed per Dsyrk call.
const syrkBlock = 256

func (pr *problem) newWorkspace(hessian bool) *workspace {
	P := pr.cols + 1
	ws := &workspace{
		expNeg:   make([]float64, pr.rows),
		gradPart: make([]float64, pr.nChunks*P),
		lossPart: make([]float64, pr.nChunks),
	}
	if hessian {
		ws.hessPart = make([]float64, pr.nHessParts*P*P)
		ws.blocks = make([][]float64, pr.nHessParts)
	}
	return ws
}

// grad computes, at margins m, the data term's gradient into g (length P),
// taking exp(-|m_i|) from ws.expNeg (see lossAt):
//
//	g = (1/W) sum_i w_i (p_i - y_i) [1, x_i].
func (pr *problem) grad(m []float64, ws *workspace, g []float64) {
	P := pr.cols + 1
	pr.forChunks(func(c, lo, hi int) {
		gp := ws.gradPart[c*P : (c+1)*P]
		clear(gp)
		g1 := gp[1:]
		for i := lo; i < hi; i++ {
			wi := pr.w[i]
			if wi == 0 {
				continue
			}
			r := wi * (prob(m[i], ws.expNeg[i]) - pr.y[i])
			gp[0] += r
			if pr.sp {
				pr.d.axpy(i, r, gp)
				continue
			}
			floats.AddScaled(g1, r, pr.x[i*pr.cols:(i+1)*pr.cols])
		}
	})
	pr.reduceGrad(ws, g)
}

// reduceGrad sums the per-chunk gradient partials in chunk order into g and
// divides by the total weight.
func (pr *problem) reduceGrad(ws *workspace, g []float64) {
	P := pr.cols + 1
	clear(g)
	for c := range pr.nChunks {
		for j, v := range ws.gradPart[c*P : (c+1)*P] {
			g[j] += v
		}
	}
	for j := range g {
		g[j] *= pr.invW
	}
}

// reduceLoss sums the per-chunk loss partials in chunk order and divides by
// the total weight.
func (pr *problem) reduceLoss(ws *workspace) float64 {
	var s float64
	for _, v := range ws.lossPart[:pr.nChunks] {
		s += v
	}
	return s * pr.invW
}

// stepGrad evaluates a full step along direction d in one pass over the
// rows: it stores dm_i = d_0 + x_i . d[1:] in dm and, at z_i = m_i + dm_i,
// exp(-|z_i|) in ws.expNeg and the data gradient in g. It computes no loss
// (no logarithms): Newton accepts most full steps on the gradient alone.
func (pr *problem) stepGrad(m, d, dm []float64, ws *workspace, g []float64) {
	P := pr.cols + 1
	beta := d[1:]
	pr.forChunks(func(c, lo, hi int) {
		gp := ws.gradPart[c*P : (c+1)*P]
		clear(gp)
		g1 := gp[1:]
		for i := lo; i < hi; i++ {
			var row []float64
			dmi := d[0]
			if pr.sp {
				dmi += pr.d.dot(i, beta)
			} else {
				row = pr.x[i*pr.cols : (i+1)*pr.cols]
				dmi += floats.Dot(row, beta)
			}
			dm[i] = dmi
			zi := m[i] + dmi
			ei := math.Exp(-math.Abs(zi))
			ws.expNeg[i] = ei
			if wi := pr.w[i]; wi != 0 {
				r := wi * (prob(zi, ei) - pr.y[i])
				gp[0] += r
				if pr.sp {
					pr.d.axpy(i, r, gp)
				} else {
					floats.AddScaled(g1, r, row)
				}
			}
		}
	})
	pr.reduceGrad(ws, g)
}

// hess computes, at margins m, the upper triangle of the data term's
// Hessian into h (P x P, row-major; exp(-|m_i|) from ws.expNeg), estimated
// on the rows i with i % pr.hessStride == 0 (all rows when the stride is 1):
//
//	H = (1/W_S) sum_{i in S} w_i p_i (1 - p_i) [1, x_i][1, x_i]^T,  W_S = sum_{i in S} w_i.
//
// For a dense design the Hessian of a block of rows is one Dsyrk over the
// rows scaled by sqrt(w_i p_i (1-p_i)) and packed feature-major; for a
// sparse one each row adds its sparse outer product.
func (pr *problem) hess(m []float64, ws *workspace, h []float64) {
	P := pr.cols + 1
	bl := blas64.Implementation()
	stride := pr.hessStride
	pr.forParts(pr.nHessParts, pr.hessPartRows, func(c, lo, hi int) {
		hp := ws.hessPart[c*P*P : (c+1)*P*P]
		clear(hp)
		if pr.sp {
			for i := (lo + stride - 1) / stride * stride; i < hi; i += stride {
				if wi := pr.w[i]; wi != 0 {
					p := prob(m[i], ws.expNeg[i])
					pr.d.outer(i, wi*p*(1-p), hp)
				}
			}
			return
		}
		if ws.blocks[c] == nil {
			ws.blocks[c] = make([]float64, P*syrkBlock)
		}
		at := ws.blocks[c]
		k := 0
		flush := func() {
			if k > 0 {
				bl.Dsyrk(blas.Upper, blas.NoTrans, P, k, 1, at, syrkBlock, 1, hp, P)
				k = 0
			}
		}
		for i := (lo + stride - 1) / stride * stride; i < hi; i += stride {
			wi := pr.w[i]
			if wi == 0 {
				continue
			}
			p := prob(m[i], ws.expNeg[i])
			s := math.Sqrt(wi * p * (1 - p))
			at[k] = s
			for j, v := range pr.x[i*pr.cols : (i+1)*pr.cols] {
				at[(j+1)*syrkBlock+k] = s * v
			}
			if k++; k == syrkBlock {
				flush()
			}
		}
		flush()
	})
	clear(h)
	for c := range pr.nHessParts {
		hp := ws.hessPart[c*P*P : (c+1)*P*P]
		if pr.sp {
			pr.d.unpermuteAdd(hp, h)
			continue
		}
		for i := range P {
			for j := i; j < P; j++ {
				h[i*P+j] += hp[i*P+j]
			}
		}
	}
	for i := range P {
		for j := i; j < P; j++ {
			h[i*P+j] *= pr.invWS
		}
	}
}

// optimality returns the Euclidean norm of the minimum-norm subgradient of
// the full objective at theta, given the gradient g of its smooth part: the
// KKT residual, zero exactly at the optimum. With a shifted design, theta
// and g are in its parametrisation and the residual is that of the
// original problem (g_beta = g'_beta + shift g'_b; beta is the same).
func (pr *problem) optimality(theta, g []float64) float64 {
	s := g[0] * g[0]
	for j := 1; j < len(g); j++ {
		r := g[j]
		if pr.d.shift != nil {
			r += pr.d.shift[j-1] * g[0]
		}
		if pr.l1 > 0 {
			switch {
			case theta[j] > 0:
				r += pr.l1
			case theta[j] < 0:
				r -= pr.l1
			default:
				r = math.Max(math.Abs(r)-pr.l1, 0)
			}
		}
		s += r * r
	}
	return math.Sqrt(s)
}
