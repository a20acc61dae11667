package gbm

import (
	"cmp"
	"math"
	"slices"
)

// catSmooth is added to a category's hessian sum when categories are
// ordered by G/(H+catSmooth) for a categorical split (LightGBM's cat_smooth),
// so that small categories do not sort to the ends on noise.
const catSmooth = 10

// binSet is a set of bins (0..255) of one feature: the bins sent left.
type binSet [4]uint64

func (s *binSet) add(b int)        { s[b>>6] |= 1 << (b & 63) }
func (s *binSet) has(b uint8) bool { return s[b>>6]&(1<<(b&63)) != 0 }
func (s *binSet) addRange(lo, hi int) {
	for b := lo; b <= hi; b++ {
		s.add(b)
	}
}

// splitInfo is the best split of one leaf.
type splitInfo struct {
	gain        float64 // gain as in Params.MinSplitGain; valid when feature >= 0
	feature     int     // -1 when the leaf cannot be split
	categorical bool
	bin         int     // numeric: bins 0..bin (non-missing) go left
	defaultLeft bool    // missing values go left
	left        binSet  // every bin that goes left, missing bin included
	l, r        stats   // N estimated from the hessian until the rows are partitioned
	lv, rv      float64 // child outputs before shrinkage, bounds applied
}

// splitter finds the best split of a leaf from its histogram.
type splitter struct {
	p     Params
	bm    *binnedMatrix
	qz    quantizer
	dec   []histBin // scratch: decoded bins of one feature
	order []int     // scratch: category bins in gradient order
}

// leafOutput is the loss-minimising leaf value -G/(H+λ), clamped to the
// monotone bounds [lo, hi].
func leafOutput(g, h, lambda, lo, hi float64) float64 {
	w := -g / (h + lambda)
	return min(max(w, lo), hi)
}

// outputScore is twice the loss reduction of a leaf with value w:
// -(2 G w + (H+λ) w²), which is G²/(H+λ) at the optimum w = -G/(H+λ).
func outputScore(g, h, lambda, w float64) float64 { return -(2*g*w + (h+lambda)*w*w) }

// ok reports whether a child with these statistics is allowed.
func (s *splitter) ok(c stats) bool {
	return c.N >= int64(s.p.MinDataInLeaf) && c.H >= s.p.MinChildWeight && c.N > 0
}

// childStats returns the statistics of the rows of histogram sum h in a
// node with totals total, estimating their count as H·N/H_node.
func childStats(total stats, h histBin) stats {
	n := int64(0)
	if total.H > 0 {
		n = int64(h.H*float64(total.N)/total.H + 0.5)
	}
	return stats{h.G, h.H, min(n, total.N)}
}

// consider evaluates the split of total into left sums hl and the rest; mono
// is the constraint of the feature. It reports ok when the split is allowed
// and beats best.
func (s *splitter) consider(best *splitInfo, total stats, hl histBin, mono int8, lo, hi float64, parentScore float64) (l, r stats, gain, lv, rv float64, ok bool) {
	l = childStats(total, hl)
	r = stats{total.G - hl.G, total.H - hl.H, total.N - l.N}
	if !s.ok(l) || !s.ok(r) {
		return l, r, 0, 0, 0, false
	}
	lam := s.p.Lambda
	lv = leafOutput(l.G, l.H, lam, lo, hi)
	rv = leafOutput(r.G, r.H, lam, lo, hi)
	if (mono > 0 && lv > rv) || (mono < 0 && lv < rv) {
		return l, r, 0, 0, 0, false
	}
	gain = outputScore(l.G, l.H, lam, lv) + outputScore(r.G, r.H, lam, rv) - parentScore
	if !(gain > best.gain) || gain <= s.p.MinSplitGain {
		return l, r, 0, 0, 0, false
	}
	return l, r, gain, lv, rv, true
}

// best returns the best split of a leaf with n rows and (packed) histogram
// hist over the features feats, with leaf values bounded to [lo, hi]. Ties
// are broken towards the lower feature, then the lower bin.
func (s *splitter) best(hist []int64, n int64, feats []int, lo, hi float64) splitInfo {
	best := splitInfo{feature: -1, gain: math.Inf(-1)}
	if len(feats) == 0 {
		best.gain = 0
		return best
	}
	// Totals in the histogram's own (quantised) units: every row is in one
	// bin of any feature.
	var tq int64
	j0 := feats[0]
	for _, v := range hist[s.bm.offset[j0] : s.bm.offset[j0]+s.bm.feats[j0].numBins] {
		tq += v
	}
	t := s.qz.decode(tq)
	total := stats{t.G, t.H, n}
	parentScore := total.G * total.G / (total.H + s.p.Lambda)
	if cap(s.dec) < 256 {
		s.dec = make([]histBin, 256)
	}
	for _, j := range feats {
		fb := &s.bm.feats[j]
		h := s.dec[:fb.numBins]
		for b, v := range hist[s.bm.offset[j] : s.bm.offset[j]+fb.numBins] {
			h[b] = s.qz.decode(v)
		}
		if fb.categorical {
			s.bestCategorical(&best, j, fb, h, total, lo, hi, parentScore)
			continue
		}
		var mono int8
		if s.p.Monotone != nil {
			mono = s.p.Monotone[j]
		}
		miss := h[fb.missingBin()]
		noMissing := childStats(total, miss).N == 0 // subtraction may leave rounding residue
		nb := fb.numBins - 1                        // regular bins
		for pass := 0; pass < 2; pass++ {
			missLeft := pass == 1
			if missLeft && noMissing {
				break
			}
			var acc histBin
			if missLeft {
				acc = miss
			}
			for b := 0; b+1 < nb; b++ {
				acc = acc.add(h[b])
				if h[b].H == 0 && b > 0 {
					continue // same partition as the previous bin
				}
				l, r, gain, lv, rv, ok := s.consider(&best, total, acc, mono, lo, hi, parentScore)
				if !ok {
					continue
				}
				dl := missLeft
				if noMissing {
					dl = l.H >= r.H // no missing in training: send to the heavier side
				}
				best = splitInfo{gain: gain, feature: j, bin: b, defaultLeft: dl, l: l, r: r, lv: lv, rv: rv}
				best.left.addRange(0, b)
				if dl {
					best.left.add(fb.missingBin())
				}
			}
		}
	}
	if best.feature < 0 {
		best.gain = 0
	}
	return best
}

// bestCategorical searches the categorical feature j the way LightGBM does:
// categories (and the missing bin) with at least MinCatCount rows are sorted
// by G/(H+catSmooth); the left set is a prefix of that order, taken from
// either end, of at most MaxCatsPerSplit categories. Rare and unseen
// categories always go right.
func (s *splitter) bestCategorical(best *splitInfo, j int, fb *featureBins, h []histBin, total stats, lo, hi, parentScore float64) {
	order := s.order[:0]
	minCount := int64(max(s.p.MinCatCount, 1))
	for b := range fb.numBins {
		if b == fb.otherBin() {
			continue
		}
		if childStats(total, h[b]).N >= minCount {
			order = append(order, b)
		}
	}
	s.order = order
	if len(order) < 1 {
		return
	}
	ratio := func(b int) float64 { return h[b].G / (h[b].H + catSmooth) }
	slices.SortStableFunc(order, func(a, b int) int {
		if c := cmp.Compare(ratio(a), ratio(b)); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	maxCats := len(order)
	if s.p.MaxCatsPerSplit > 0 {
		maxCats = min(maxCats, s.p.MaxCatsPerSplit)
	}
	for dir := 0; dir < 2; dir++ {
		var acc histBin
		for k := 0; k < maxCats; k++ {
			b := order[k]
			if dir == 1 {
				b = order[len(order)-1-k]
			}
			acc = acc.add(h[b])
			l, r, gain, lv, rv, ok := s.consider(best, total, acc, 0, lo, hi, parentScore)
			if !ok {
				continue
			}
			ns := splitInfo{gain: gain, feature: j, categorical: true, l: l, r: r, lv: lv, rv: rv}
			for q := 0; q <= k; q++ {
				bb := order[q]
				if dir == 1 {
					bb = order[len(order)-1-q]
				}
				ns.left.add(bb)
			}
			ns.defaultLeft = ns.left.has(uint8(fb.missingBin()))
			*best = ns
		}
	}
}
