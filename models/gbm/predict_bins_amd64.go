//go:build amd64 && !purego

package gbm

// The binned split kernels in assembly (predict_bins_amd64.s): the loops
// of splitBinLEGo, splitBinNotGTGo and splitBinCatGo with a row's side
// taken from the carry flag of one comparison (or a table byte) and added
// to l directly, and the loop counting up to zero: 10 to 12 instructions
// per row where the compiled Go loops take 14 to 16.

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
