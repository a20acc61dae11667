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

// nodeTotals returns the statistics of a leaf with n rows from its packed
// histogram: every row is in one bin of any feature, so the bins of the
// first feature of feats sum to the leaf's (quantised) G and H.
func (s *splitter) nodeTotals(hist []int64, n int64, feats []int) stats {
	var tq int64
	j0 := feats[0]
	for _, v := range hist[s.bm.offset[j0] : s.bm.offset[j0]+s.bm.feats[j0].numBins] {
		tq += v
	}
	t := s.qz.decode(tq)
	return stats{t.G, t.H, n}
}

// gainSlack bounds, relative to G_L²/(H_L+λ) + G_R²/(H_R+λ) + |G²/(H+λ)|,
// the rounding error of a gain and of its upper bound (a few units in the
// last place each; 1e-10 leaves a margin of five orders of magnitude).
const gainSlack = 1e-10

// best returns the best split over the features feats of a leaf with
// totals total and (packed) histogram hist, with leaf values bounded to
// [lo, hi]. Ties are broken towards the lower feature, then the lower bin.
// The result does not depend on how the caller divides a leaf's features
// among calls: merge combines them as one call over all of them would.
//
// A numeric bin is evaluated exactly only when it can win: for any leaf
// value w, -(2Gw + (H+λ)w²) <= G²/(H+λ) when H+λ > 0, so the gain of a
// split is at most
//
//	U = (G_L²(H_R+λ) + G_R²(H_L+λ)) / ((H_L+λ)(H_R+λ)) - G²/(H+λ)
//
// and bins with (U + G²/(H+λ))·(1+gainSlack) - G²/(H+λ) +
// gainSlack·|G²/(H+λ)| no greater than the best gain so far (or
// MinSplitGain) are skipped; the test is made without the division, by
// multiplying out the positive denominator, and only when H_L+λ and
// H_R+λ are positive (a side with H <= 0 is never allowed anyway: its
// estimated row count is 0). The chosen split is the one the exact
// evaluation of every bin chooses.
func (s *splitter) best(hist []int64, total stats, feats []int, lo, hi float64) splitInfo {
	best := splitInfo{feature: -1, gain: math.Inf(-1)}
	if len(feats) == 0 {
		best.gain = 0
		return best
	}
	lam := s.p.Lambda
	parentScore := total.G * total.G / (total.H + lam)
	// Skip a bin when (sl+sr)·c1 <= thr + c0, i.e. when
	// (sl+sr)(1+slack) - P + slack|P| <= thr.
	c1, c0 := 1+gainSlack, parentScore-gainSlack*math.Abs(parentScore)
	qz := s.qz
	if cap(s.dec) < 256 {
		s.dec = make([]histBin, 256)
	}
	for _, j := range feats {
		fb := &s.bm.feats[j]
		hq := hist[s.bm.offset[j] : s.bm.offset[j]+fb.numBins]
		if fb.categorical {
			h := s.dec[:fb.numBins]
			for b, v := range hq {
				h[b] = qz.decode(v)
			}
			s.bestCategorical(&best, j, fb, h, total, lo, hi, parentScore)
			continue
		}
		var mono int8
		if s.p.Monotone != nil {
			mono = s.p.Monotone[j]
		}
		miss := qz.decode(hq[fb.missingBin()])
		noMissing := childStats(total, miss).N == 0 // subtraction may leave rounding residue
		hq = hq[:fb.numBins-2]                      // bins that can end the left side: all regular bins but the last
		found, fbin, fdl := false, 0, false
		for pass := 0; pass < 2; pass++ {
			missLeft := pass == 1
			if missLeft && noMissing {
				break
			}
			var acc histBin
			if missLeft {
				acc = miss
			}
			lim := max(best.gain, s.p.MinSplitGain) + c0
			for b, v := range hq {
				if v == 0 && b > 0 {
					continue // no rows: the partition of the previous bin
				}
				hb := qz.decode(v)
				acc = acc.add(hb)
				// The bound first: it rejects nearly every bin, and an
				// empty bin (rare enough to test second) gives the same
				// partition as the previous one.
				if !mayBeat(acc, total, lam, c1, lim) || (hb.H == 0 && b > 0) {
					continue
				}
				l, r, gain, lv, rv, ok := s.consider(&best, total, acc, mono, lo, hi, parentScore)
				if !ok {
					continue
				}
				dLeft := missLeft
				if noMissing {
					dLeft = l.H >= r.H // no missing in training: send to the heavier side
				}
				best = splitInfo{gain: gain, feature: j, bin: b, defaultLeft: dLeft, l: l, r: r, lv: lv, rv: rv}
				found, fbin, fdl = true, b, dLeft
				lim = max(best.gain, s.p.MinSplitGain) + c0
			}
		}
		if found {
			best.left.addRange(0, fbin)
			if fdl {
				best.left.add(fb.missingBin())
			}
		}
	}
	if best.feature < 0 {
		best.gain = 0
	}
	return best
}

// mayBeat reports whether a split with left sums acc of a leaf with totals
// total may have a gain above thr, given c1 = 1+gainSlack and lim = thr +
// P - gainSlack·|P|, P = G²/(H+λ) (see best): false only when
// (G_L²(H_R+λ) + G_R²(H_L+λ))·c1 <= lim·(H_L+λ)(H_R+λ) with both factors
// positive.
func mayBeat(acc histBin, total stats, lam, c1, lim float64) bool {
	rg, dl, dr := total.G-acc.G, acc.H+lam, total.H-acc.H+lam
	return !(dl > 0 && dr > 0 && (acc.G*acc.G*dr+rg*rg*dl)*c1 <= lim*(dl*dr))
}

// merge returns the better of two best splits of one leaf over disjoint
// feature sets: the higher gain, and on equal gains the lower feature, as
// a single scan over both sets in feature order would choose.
func merge(a, b splitInfo) splitInfo {
	switch {
	case b.feature < 0:
		return a
	case a.feature < 0:
		return b
	case b.gain > a.gain || (b.gain == a.gain && b.feature < a.feature):
		return b
	}
	return a
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
