//go:build !amd64 || purego

package gbm

// Without assembly the binned split kernels are the Go loops.

func splitBinLE(src []uint16, dst []uint16, lo, hi int, col []uint8, k uint8) int {
	return splitBinLEGo(src, dst, lo, hi, col, k)
}

func splitBinNotGT(src []uint16, dst []uint16, lo, hi int, col []uint8, k uint8) int {
	return splitBinNotGTGo(src, dst, lo, hi, col, k)
}

func splitBinCat(src []uint16, dst []uint16, lo, hi int, col []uint8, left *[64]uint8) int {
	return splitBinCatGo(src, dst, lo, hi, col, left)
}

func twigLE(src []uint16, col []uint8, out *[chunkRows]float64, k uint8, v *[2]float64) {
	twigLEGo(src, col, out, k, v)
}

func twigNotGT(src []uint16, col []uint8, out *[chunkRows]float64, k uint8, v *[2]float64) {
	twigNotGTGo(src, col, out, k, v)
}

func twigCat(src []uint16, col []uint8, out *[chunkRows]float64, left *[64]uint8, v *[2]float64) {
	twigCatGo(src, col, out, left, v)
}

func binNumeric(t *searchTree, col *[chunkRows]uint8, v []float64, cols, n int) {
	binNumericGo(t, col, v, cols, 0, n)
}
