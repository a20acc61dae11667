//go:build !amd64 || purego

package gbm

// Without assembly TreeSHAP's decide loops are the Go loops.

var hotAVX512 = false

func hotLE(hs, hl, hr *[shapLanes]uint64, x *[shapLanes]float64, thr float64, bit, nw uint64) {
	hotLEGo(hs, hl, hr, x, thr, bit, nw)
}

func hotNotGT(hs, hl, hr *[shapLanes]uint64, x *[shapLanes]float64, thr float64, bit, nw uint64) {
	hotNotGTGo(hs, hl, hr, x, thr, bit, nw)
}
