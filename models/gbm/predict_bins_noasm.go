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
