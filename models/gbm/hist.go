package gbm

import "math"

// Histograms are built on quantised gradients (as LightGBM's quantised
// training): every row's gradient g and hessian h are rounded
// stochastically (unbiased, seeded per round and row) to integers
//
//	g_q = ⌊g/s_g + u⌋,  h_q = ⌊h/s_h + u'⌋,  u, u' ~ U[0,1)
//
// with |g_q|, h_q <= L, L = min(32767, (2^31-1)/rows), and packed into one
// int64 as g_q·2^32 + h_q. A histogram bin is then one int64 sum: adding
// packed values adds both halves exactly (Σh_q < 2^32 never carries into
// the gradient half and |Σg_q| < 2^31), so an update is a single add and
// subtraction of histograms is exact. Split finding decodes the sums back
// to G = s_g Σg_q, H = s_h Σh_q, which also give the leaf values and covers
// (the root's sums are exact).

// histBin is the decoded gradient sum G and hessian sum H of the rows of a
// node in one bin of one feature. Row counts are not kept per bin (as in
// LightGBM): a bin's count is estimated as H·N/H_node from the node's exact
// count N.
type histBin struct{ G, H float64 }

// add returns a + b.
func (a histBin) add(b histBin) histBin { return histBin{a.G + b.G, a.H + b.H} }

// stats are the sums of a node: gradient G, hessian H and row count N.
type stats struct {
	G, H float64
	N    int64
}

// gradPair is the exact gradient g and hessian h of one row.
type gradPair struct{ g, h float64 }

// quantizer maps gradient pairs to packed integers and back.
type quantizer struct {
	sg, sh float64 // scales: g ≈ sg·g_q, h ≈ sh·h_q
}

// newQuantizer returns the scales for rows gradient pairs gh.
func newQuantizer(gh []gradPair) quantizer {
	levels := math.Min(32767, math.Floor(float64(math.MaxInt32)/float64(max(len(gh), 1))))
	var mg, mh float64
	for _, p := range gh {
		mg = math.Max(mg, math.Abs(p.g))
		mh = math.Max(mh, p.h)
	}
	q := quantizer{sg: mg / (levels - 1), sh: mh / (levels - 1)}
	if q.sg == 0 {
		q.sg = 1
	}
	if q.sh == 0 {
		q.sh = 1
	}
	return q
}

// splitmix64 is a fixed integer hash used for seeded stochastic rounding.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// quantize writes the packed quantised pairs of gh[lo:hi] to q[lo:hi]; key
// seeds the rounding noise (row i uses hash(key+i)), so the result does not
// depend on how rows are split among goroutines.
func (qz quantizer) quantize(gh []gradPair, q []int64, lo, hi int, key uint64) {
	const inv = 1.0 / (1 << 32)
	for i := lo; i < hi; i++ {
		r := splitmix64(key + uint64(i))
		u1 := float64(r>>32) * inv
		u2 := float64(r&0xffffffff) * inv
		gq := int64(math.Floor(gh[i].g/qz.sg + u1))
		hq := int64(math.Floor(gh[i].h/qz.sh + u2))
		q[i] = gq<<32 + hq
	}
}

// decode returns the float sums of packed sum v.
func (qz quantizer) decode(v int64) histBin {
	h := v & 0xffffffff
	g := (v - h) >> 32
	return histBin{float64(g) * qz.sg, float64(h) * qz.sh}
}

// parallelHistRows is the number of row-feature updates below which a
// histogram is built on one goroutine.
const parallelHistRows = 1 << 15

// histBlock is the number of features histogrammed in one pass over the
// rows: their bins stay in L1 and the independent update chains overlap.
const histBlock = 8

// buildHist fills hist (packed sums laid out by bm.offset, padded by 256
// entries) for the features in feats with the rows idx, whose packed
// quantised gradients are q[k] for row idx[k] (gathered in row order).
// Integer sums are exact, so the result does not depend on the order or on
// the number of threads.
func buildHist(hist []int64, bm *binnedMatrix, idx []int32, q []int64, feats []int, threads int) {
	q = q[:len(idx)]
	bins := func(j int) []int64 {
		h := hist[bm.offset[j] : bm.offset[j]+bm.feats[j].numBins]
		clear(h)
		return h[:256:256] // bins are uint8: no bounds checks below
	}
	one := func(j int) {
		h, col := bins(j), bm.col(j)
		for k, i := range idx {
			h[col[i]] += q[k]
		}
	}
	four := func(j0, j1, j2, j3 int) {
		h0, h1, h2, h3 := bins(j0), bins(j1), bins(j2), bins(j3)
		c0, c1, c2, c3 := bm.col(j0), bm.col(j1), bm.col(j2), bm.col(j3)
		for k, i := range idx {
			v := q[k]
			h0[c0[i]] += v
			h1[c1[i]] += v
			h2[c2[i]] += v
			h3[c3[i]] += v
		}
	}
	eight := func(fs []int) {
		h0, h1, h2, h3 := bins(fs[0]), bins(fs[1]), bins(fs[2]), bins(fs[3])
		h4, h5, h6, h7 := bins(fs[4]), bins(fs[5]), bins(fs[6]), bins(fs[7])
		c0, c1, c2, c3 := bm.col(fs[0]), bm.col(fs[1]), bm.col(fs[2]), bm.col(fs[3])
		c4, c5, c6, c7 := bm.col(fs[4]), bm.col(fs[5]), bm.col(fs[6]), bm.col(fs[7])
		for k, i := range idx {
			v := q[k]
			h0[c0[i]] += v
			h1[c1[i]] += v
			h2[c2[i]] += v
			h3[c3[i]] += v
			h4[c4[i]] += v
			h5[c5[i]] += v
			h6[c6[i]] += v
			h7[c7[i]] += v
		}
	}
	if len(idx)*len(feats) < parallelHistRows {
		threads = 1
	}
	tasks := (len(feats) + histBlock - 1) / histBlock
	parallelFor(tasks, threads, func(t int) {
		fs := feats[t*histBlock : min((t+1)*histBlock, len(feats))]
		for len(fs) >= 8 {
			eight(fs[:8])
			fs = fs[8:]
		}
		if len(fs) >= 4 {
			four(fs[0], fs[1], fs[2], fs[3])
			fs = fs[4:]
		}
		for _, j := range fs {
			one(j)
		}
	})
}

// subtractHist sets dst = parent - small for the features in feats: the
// histogram of the larger child from its parent and smaller sibling.
func subtractHist(dst, parent, small []int64, bm *binnedMatrix, feats []int) {
	for _, j := range feats {
		lo, hi := bm.offset[j], bm.offset[j]+bm.feats[j].numBins
		d, p, s := dst[lo:hi], parent[lo:hi], small[lo:hi]
		for b := range d {
			d[b] = p[b] - s[b]
		}
	}
}
