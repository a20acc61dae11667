package gbm

import (
	"math"
	"math/rand/v2"
)

// Gradient-based one-side sampling (GOSS; Ke et al., "LightGBM", 2017):
// a tree is grown on the ⌈a·n⌉ rows with the largest |g| (their gradients
// carry most of the split gains) and on each other row with probability
// b/(1-a), where a = Params.GOSSTop and b = Params.GOSSOther. The sampled
// other rows stand for the ones left out: their g and h are multiplied by
// (1-a)/b, the inverse of their probability, so that the sums G and H of
// any node over the kept rows are unbiased estimates of its sums over all
// rows.

// gossSample draws the rows of one tree by GOSS from the gradient pairs gh
// of all rows: it marks them in inTree, lists them in ascending order in
// rows (returning how many) and multiplies the gradient pairs of the other
// rows it draws by (1-top)/other. maxG and maxH are the largest |g| and h
// of every row after that. keys is scratch space as long as gh.
func gossSample(gh []gradPair, top, other float64, rng *rand.Rand, inTree []bool, rows []int32, keys []uint64) (n int, maxG, maxH float64) {
	k := min(len(gh), int(math.Ceil(top*float64(len(gh)))))
	// |g| >= 0, so its bits order like its values.
	for i, p := range gh {
		keys[i] = math.Float64bits(math.Abs(p.g))
	}
	t := kthLargest(keys[:len(gh)], k, keys[len(gh):])
	above := 0 // rows strictly above the k-th largest |g|: all kept
	for _, p := range gh {
		if math.Float64bits(math.Abs(p.g)) > t {
			above++
		}
	}
	ties := k - above // rows equal to it kept, the first ones by index
	prob, amp := other/(1-top), (1-top)/other
	for i := range gh {
		key := math.Float64bits(math.Abs(gh[i].g))
		in := key > t || (key == t && ties > 0)
		if key == t && in {
			ties--
		}
		if !in && rng.Float64() < prob {
			in = true
			gh[i].g *= amp
			gh[i].h *= amp
		}
		inTree[i] = in
		if in {
			rows[n] = int32(i)
			n++
		}
		maxG, maxH = max(maxG, math.Abs(gh[i].g)), max(maxH, gh[i].h)
	}
	return n, maxG, maxH
}

// kthLargest returns the k-th largest of keys (k is clamped to
// len(keys); 0 for k < 1) by a most-significant-digit radix select: 11 bits at a time from
// the top (the last digit, bits 0-10, overlaps the one before, whose bits
// are already fixed), it counts the remaining candidates by digit, fixes
// the answer's digit and keeps only the candidates that have it. scratch
// must hold len(keys) keys; keys is not changed.
func kthLargest(keys []uint64, k int, scratch []uint64) uint64 {
	if k < 1 || len(keys) == 0 {
		return 0
	}
	k = min(k, len(keys))
	const bits, mask = 11, 1<<11 - 1
	cand := keys
	var answer uint64
	for shift := 64 - bits; ; shift = max(shift-bits, 0) {
		var count [1 << bits]int
		for _, x := range cand {
			count[x>>shift&mask]++
		}
		d := mask
		for count[d] < k {
			k -= count[d]
			d--
		}
		answer |= uint64(d) << shift
		if shift == 0 {
			return answer
		}
		// Compact the candidates with digit d into scratch (in place once
		// they are there: writes never pass reads).
		next := scratch[:0]
		for _, x := range cand {
			if x>>shift&mask == uint64(d) {
				next = append(next, x)
			}
		}
		cand = next
	}
}
