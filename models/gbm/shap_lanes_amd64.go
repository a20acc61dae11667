//go:build amd64 && !purego

package gbm

import "golang.org/x/sys/cpu"

// TreeSHAP's decide loops over 16 lanes in AVX-512 (shap_lanes_amd64.s)
// where the processor has it: per 8 lanes one load and comparison into a
// mask, then the children's hot sets with masked ORs, about 11
// instructions where the compiled Go loop takes about 10 per lane.
// TestHotKernelsMatchGo compares them with the Go loops, NaN and
// thresholds hit exactly included; the purego build tag and processors
// without AVX-512 use the Go loops.

var hotAVX512 = cpu.X86.HasAVX512F

//go:noescape
func hotLEAVX512(hs, hl, hr *[shapLanes]uint64, x *[shapLanes]float64, thr float64, bit, nw uint64)

//go:noescape
func hotNotGTAVX512(hs, hl, hr *[shapLanes]uint64, x *[shapLanes]float64, thr float64, bit, nw uint64)

// The kernels handle exactly 16 lanes, two registers of 8.
var _ [shapLanes - 16]struct{}
var _ [16 - shapLanes]struct{}

func hotLE(hs, hl, hr *[shapLanes]uint64, x *[shapLanes]float64, thr float64, bit, nw uint64) {
	if hotAVX512 {
		hotLEAVX512(hs, hl, hr, x, thr, bit, nw)
		return
	}
	hotLEGo(hs, hl, hr, x, thr, bit, nw)
}

func hotNotGT(hs, hl, hr *[shapLanes]uint64, x *[shapLanes]float64, thr float64, bit, nw uint64) {
	if hotAVX512 {
		hotNotGTAVX512(hs, hl, hr, x, thr, bit, nw)
		return
	}
	hotNotGTGo(hs, hl, hr, x, thr, bit, nw)
}
