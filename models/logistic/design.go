package logistic

// design is the solvers' view of the rows of X: dense and row-major, or,
// when most entries of most columns equal one common value (one-hot
// indicators, missing-value flags, standardised event counts that are
// mostly zero), sparse around a per-column shift.
//
// The sparse form stores x'_ij = x_ij - c_j for the entries where x_ij !=
// c_j, with c_j the column's majority value on a sample of rows (0 when it
// has none). Fitting
// on X' is an exact reparametrisation of the same problem:
//
//	b + x . beta = b' + x' . beta,   b' = b + c . beta,
//
// and the penalty does not involve the intercept, so the objective at
// (b', beta) on X' equals the objective at (b, beta) on X and both have the
// same minimiser beta. Gradients relate by g_b = g'_b and
// g_beta = g'_beta + c g'_b, which is how the stopping test measures the
// original problem's residual (see problem.optimality). Newton's method is
// affine invariant, so its steps are the same in either parametrisation up
// to rounding; the sparse form only changes what a pass over rows costs:
// O(nnz) for margins and gradients and O(sum_i nnz_i^2) instead of
// O(rows cols^2) for the Hessian.
type design struct {
	rows, cols int
	// dense holds the rows x cols values, row-major, when the design is
	// dense; nil when it is sparse.
	dense []float64
	// Sparse form (compressed rows): row i's entries are ptr[i]..ptr[i+1]
	// of aug (the column index plus one, the position in theta) and val
	// (x_ij - shift[j]), in increasing column order.
	shift []float64
	ptr   []int
	aug   []int32
	val   []float64
}

// designSampleRows is the number of rows newDesign chooses shifts on.
const designSampleRows = 4096

// maxSparseDensity is the share of entries differing from their column's
// shift above which the dense form is used: below it, the sparse passes
// (indexed, without SIMD) do less work than the dense ones.
const maxSparseDensity = 0.25

// newDesign returns the design of the row-major rows x cols matrix x,
// sparse when at most maxSparseDensity of the entries differ from their
// column's shift. x is not copied in the dense form and must not change
// while the design is in use.
//
// Any shift gives an exact reparametrisation, so shifts and density are
// taken from an evenly spaced sample of designSampleRows rows (a
// Boyer-Moore majority vote per column): a dense design costs one pass
// over the sample, a sparse one a further pass over x to pack it.
func newDesign(x []float64, rows, cols int) *design {
	d := &design{rows: rows, cols: cols, dense: x}
	if rows == 0 || cols == 0 {
		return d
	}
	step := max(1, rows/designSampleRows)
	cand := make([]float64, cols)
	votes := make([]int, cols)
	for i := 0; i < rows; i += step {
		for j, v := range x[i*cols : (i+1)*cols] {
			switch {
			case votes[j] == 0:
				cand[j], votes[j] = v, 1
			case v == cand[j]:
				votes[j]++
			default:
				votes[j]--
			}
		}
	}
	same := make([]int, cols)
	sampled := 0
	for i := 0; i < rows; i += step {
		sampled++
		for j, v := range x[i*cols : (i+1)*cols] {
			if v == cand[j] {
				same[j]++
			}
		}
	}
	shift := make([]float64, cols)
	nnz := 0
	for j := range cols {
		if 2*same[j] > sampled {
			shift[j] = cand[j]
			nnz += sampled - same[j]
			continue
		}
		// No majority value: keep the column as it is.
		for i := 0; i < rows; i += step {
			if x[i*cols+j] != 0 {
				nnz++
			}
		}
	}
	if float64(nnz) > maxSparseDensity*float64(sampled)*float64(cols) {
		return d
	}
	d.dense = nil
	d.shift = shift
	d.ptr = make([]int, rows+1)
	capacity := nnz * (rows / sampled) * 9 / 8
	d.aug = make([]int32, 0, capacity)
	d.val = make([]float64, 0, capacity)
	for i := range rows {
		for j, v := range x[i*cols : (i+1)*cols] {
			if v != shift[j] {
				d.aug = append(d.aug, int32(j+1))
				d.val = append(d.val, v-shift[j])
			}
		}
		d.ptr[i+1] = len(d.val)
	}
	return d
}

// sparse reports whether d is in the sparse form.
func (d *design) sparse() bool { return d.ptr != nil }

// toShifted converts theta = (b, beta) of the original columns to the
// design's parametrisation (b', beta) in place; toOriginal undoes it.
func (d *design) toShifted(theta []float64) {
	for j, c := range d.shift {
		theta[0] += c * theta[1+j]
	}
}

func (d *design) toOriginal(theta []float64) {
	for j, c := range d.shift {
		theta[0] -= c * theta[1+j]
	}
}

// dot returns x'_i . beta (beta has length cols).
func (d *design) dot(i int, beta []float64) float64 {
	var s float64
	lo, hi := d.ptr[i], d.ptr[i+1]
	val := d.val[lo:hi]
	for k, a := range d.aug[lo:hi] {
		s += val[k] * beta[a-1]
	}
	return s
}

// axpy adds r x'_i to g, a vector indexed like theta (entry 0 untouched).
func (d *design) axpy(i int, r float64, g []float64) {
	lo, hi := d.ptr[i], d.ptr[i+1]
	val := d.val[lo:hi]
	for k, a := range d.aug[lo:hi] {
		g[a] += r * val[k]
	}
}

// outer adds s [1, x'_i][1, x'_i]^T to the upper triangle of the P x P
// row-major matrix h.
func (d *design) outer(i int, s float64, h []float64) {
	P := d.cols + 1
	lo, hi := d.ptr[i], d.ptr[i+1]
	aug, val := d.aug[lo:hi], d.val[lo:hi]
	h[0] += s
	for k, a := range aug {
		h[a] += s * val[k]
	}
	for k, a := range aug {
		sa := s * val[k]
		row := h[int(a)*P : int(a+1)*P]
		v := val[k:]
		for kk, b := range aug[k:] {
			row[b] += sa * v[kk]
		}
	}
}
