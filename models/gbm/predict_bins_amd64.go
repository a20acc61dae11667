//go:build amd64 && !purego

package gbm

// The binned split and twig kernels and the binning in assembly
// (predict_bins_amd64.s): the loops of splitBinLEGo, splitBinNotGTGo,
// splitBinCatGo, twigLEGo, twigNotGTGo, twigCatGo and binNumericGo, with a
// row's side (or a search step) taken from the carry flag of one
// comparison (or a table byte) and added to l or the node index (or used
// as an index) directly, and the loops counting to zero: 10 to 12
// instructions per row where the compiled Go loops take 13 to 16, and 2
// per search step instead of 6. TestSplitKernelsMatchGo and
// TestBinNumericMatchesGo compare each with its Go loop; the purego build
// tag uses the Go loops (predict_bins_noasm.go).

//go:noescape
func binNumericAsm(t *searchTree, col *uint8, v *float64, stride, groups int)

//go:noescape
func twigLEAsm(src *uint16, n int, col *uint8, sum *[chunkRows]float64, k1 int, v *[2]float64)

//go:noescape
func twigNotGTAsm(src *uint16, n int, col *uint8, sum *[chunkRows]float64, k1 int, v *[2]float64)

//go:noescape
func twigCatAsm(src *uint16, n int, col *uint8, sum *[chunkRows]float64, lut *[64]uint8, v *[2]float64)

// The twig kernels mask row numbers with 8191: chunkRows must be 8192.
var _ [chunkRows - 8192]struct{}
var _ [8192 - chunkRows]struct{}

//go:noescape
func splitLEAsm(src *uint16, n int, dst *uint16, l, q int, col *uint8, k1 int) int

//go:noescape
func splitNotGTAsm(src *uint16, n int, dst *uint16, l, q int, col *uint8, k1 int) int

//go:noescape
func splitCatAsm(src *uint16, n int, dst *uint16, l, q int, col *uint8, lut *[64]uint8) int

// splitBinLE is splitBinLEGo.
func splitBinLE(src []uint16, dst []uint16, lo, hi int, col []uint8, k uint8) int {
	if len(src) == 0 {
		return 0
	}
	dst, col = dst[:binSpan], col[:binSpan]
	return splitLEAsm(&src[0], len(src), &dst[0], lo, hi-1-lo, &col[0], int(k)+1) - lo
}

// splitBinNotGT is splitBinNotGTGo.
func splitBinNotGT(src []uint16, dst []uint16, lo, hi int, col []uint8, k uint8) int {
	if len(src) == 0 {
		return 0
	}
	dst, col = dst[:binSpan], col[:binSpan]
	return splitNotGTAsm(&src[0], len(src), &dst[0], lo, hi-1-lo, &col[0], int(k)+1) - lo
}

// splitBinCat is splitBinCatGo.
func splitBinCat(src []uint16, dst []uint16, lo, hi int, col []uint8, left *[64]uint8) int {
	if len(src) == 0 {
		return 0
	}
	dst, col = dst[:binSpan], col[:binSpan]
	return splitCatAsm(&src[0], len(src), &dst[0], lo, hi-1-lo, &col[0], left) - lo
}

// twigLE is twigLEGo.
func twigLE(src []uint16, col []uint8, out *[chunkRows]float64, k uint8, v *[2]float64) {
	if len(src) == 0 {
		return
	}
	col = col[:binSpan]
	twigLEAsm(&src[0], len(src), &col[0], out, int(k)+1, v)
}

// twigNotGT is twigNotGTGo.
func twigNotGT(src []uint16, col []uint8, out *[chunkRows]float64, k uint8, v *[2]float64) {
	if len(src) == 0 {
		return
	}
	col = col[:binSpan]
	twigNotGTAsm(&src[0], len(src), &col[0], out, int(k)+1, v)
}

// twigCat is twigCatGo.
func twigCat(src []uint16, col []uint8, out *[chunkRows]float64, left *[64]uint8, v *[2]float64) {
	if len(src) == 0 {
		return
	}
	col = col[:binSpan]
	twigCatAsm(&src[0], len(src), &col[0], out, left, v)
}

// binNumeric is binNumericGo: groups of four rows in assembly, the last
// n mod 4 rows in Go.
func binNumeric(t *searchTree, col *[chunkRows]uint8, v []float64, cols, n int) {
	g := n / 4
	if g > 0 {
		_ = v[(4*g-1)*cols] // the last value the assembly reads
		binNumericAsm(t, &col[0], &v[0], 8*cols, g)
	}
	if 4*g < n {
		binNumericGo(t, col, v, cols, 4*g, n)
	}
}
