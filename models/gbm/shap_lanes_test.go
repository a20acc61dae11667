package gbm

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestHotKernelsMatchGo: decide's kernels (AVX-512 where the processor
// has it) give the children's hot sets of the Go loops bit for bit, for
// thresholds hit exactly, NaN, infinities and signed zeros.
func TestHotKernelsMatchGo(t *testing.T) {
	if !hotAVX512 {
		t.Log("no AVX-512 here: hotLE and hotNotGT are the Go loops")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	special := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 1.5, -1.5}
	for it := range 20000 {
		var hs, l1, r1, l2, r2 [shapLanes]uint64
		var x [shapLanes]float64
		thr := special[rng.IntN(len(special))]
		if it%3 == 0 {
			thr = rng.NormFloat64()
		}
		for j := range x {
			hs[j] = rng.Uint64()
			switch rng.IntN(4) {
			case 0:
				x[j] = special[rng.IntN(len(special))]
			case 1:
				x[j] = thr
			default:
				x[j] = rng.NormFloat64()
			}
		}
		bit := uint64(1) << rng.IntN(64)
		nw := bit * uint64(rng.IntN(2))
		hotLE(&hs, &l1, &r1, &x, thr, bit, nw)
		hotLEGo(&hs, &l2, &r2, &x, thr, bit, nw)
		require.Equal(t, l2, l1, "hotLE left, thr %v x %v", thr, x)
		require.Equal(t, r2, r1, "hotLE right, thr %v x %v", thr, x)
		hotNotGT(&hs, &l1, &r1, &x, thr, bit, nw)
		hotNotGTGo(&hs, &l2, &r2, &x, thr, bit, nw)
		require.Equal(t, l2, l1, "hotNotGT left, thr %v x %v", thr, x)
		require.Equal(t, r2, r1, "hotNotGT right, thr %v x %v", thr, x)
	}
}
