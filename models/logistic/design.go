package logistic

import (
	"slices"
	"sort"
)

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
	// (x_ij - shift[j]). The Hessian is accumulated with its columns in
	// order of decreasing frequency, so that most updates fall in a small,
	// cache-resident corner: pos holds each entry's position in that order
	// (plus one; 0 is the intercept), each row's entries are sorted by it,
	// and orig maps a position back to its theta index.
	shift []float64
	ptr   []int
	aug   []int32
	pos   []int32
	val   []float64
	orig  []int32
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
	// Hessian positions: columns by decreasing sampled frequency.
	freq := make([]int, cols)
	for j := range cols {
		if 2*same[j] > sampled {
			freq[j] = sampled - same[j]
		} else {
			freq[j] = sampled
		}
	}
	byFreq := make([]int, cols)
	for j := range byFreq {
		byFreq[j] = j
	}
	sort.SliceStable(byFreq, func(a, b int) bool { return freq[byFreq[a]] > freq[byFreq[b]] })
	d.orig = make([]int32, cols+1)
	posOf := make([]int32, cols)
	for k, j := range byFreq {
		d.orig[k+1] = int32(j + 1)
		posOf[j] = int32(k + 1)
	}
	d.ptr = make([]int, rows+1)
	capacity := nnz * (rows / sampled) * 9 / 8
	d.aug = make([]int32, 0, capacity)
	d.pos = make([]int32, 0, capacity)
	d.val = make([]float64, 0, capacity)
	var idx []int
	for i := range rows {
		row := x[i*cols : (i+1)*cols]
		idx = idx[:0]
		for j, v := range row {
			if v != shift[j] {
				idx = append(idx, j)
			}
		}
		slices.SortFunc(idx, func(a, b int) int { return int(posOf[a]) - int(posOf[b]) })
		for _, j := range idx {
			d.aug = append(d.aug, int32(j+1))
			d.pos = append(d.pos, posOf[j])
			d.val = append(d.val, row[j]-shift[j])
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
// row-major matrix h, whose rows and columns are in Hessian positions (see
// pos; unpermute maps them back to theta's order).
func (d *design) outer(i int, s float64, h []float64) {
	P := d.cols + 1
	lo, hi := d.ptr[i], d.ptr[i+1]
	pos := d.pos[lo:hi]
	val := d.val[lo:hi]
	val = val[:len(pos)]
	h[0] += s
	for k, a := range pos {
		h[a] += s * val[k]
	}
	for k, a := range pos {
		sa := s * val[k]
		row := h[int(a)*P : int(a+1)*P]
		bs := pos[k:]
		vs := val[k:]
		vs = vs[:len(bs)]
		// Four independent accumulations per step.
		kk := 0
		for ; kk+3 < len(bs); kk += 4 {
			b0, b1, b2, b3 := bs[kk], bs[kk+1], bs[kk+2], bs[kk+3]
			v0, v1, v2, v3 := vs[kk], vs[kk+1], vs[kk+2], vs[kk+3]
			row[b0] += sa * v0
			row[b1] += sa * v1
			row[b2] += sa * v2
			row[b3] += sa * v3
		}
		for ; kk < len(bs); kk++ {
			row[bs[kk]] += sa * vs[kk]
		}
	}
}

// unpermuteAdd adds the upper triangle of hp, in Hessian positions, to the
// upper triangle of h, in theta's order.
func (d *design) unpermuteAdd(hp, h []float64) {
	P := d.cols + 1
	for a := range P {
		i := int(d.orig[a])
		row := hp[a*P : (a+1)*P]
		for b := a; b < P; b++ {
			j := int(d.orig[b])
			if i <= j {
				h[i*P+j] += row[b]
			} else {
				h[j*P+i] += row[b]
			}
		}
	}
}
