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

// newQuantizer returns the scales for gradient pairs gh (see
// quantizerFor).
func newQuantizer(gh []gradPair) quantizer {
	var mg, mh float64
	for _, p := range gh {
		mg = math.Max(mg, math.Abs(p.g))
		mh = math.Max(mh, p.h)
	}
	return quantizerFor(len(gh), mg, mh)
}

// quantizerFor returns the scales for rows gradient pairs whose largest
// |g| and h are maxG and maxH: they map to L-1 quantisation steps (see
// above).
func quantizerFor(rows int, maxG, maxH float64) quantizer {
	levels := math.Min(32767, math.Floor(float64(math.MaxInt32)/float64(max(rows, 1))))
	q := quantizer{sg: maxG / (levels - 1), sh: maxH / (levels - 1)}
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

// quantize writes the packed quantised pair of row rows[k] to q[k] for k
// in [lo, hi); key seeds the rounding noise (row i uses hash(key+i)), so a
// row's value depends neither on the other rows listed nor on how the list
// is split among goroutines.
func (qz quantizer) quantize(gh []gradPair, rows []int32, q []int64, lo, hi int, key uint64) {
	const inv = 1.0 / (1 << 32)
	for k := lo; k < hi; k++ {
		i := rows[k]
		r := splitmix64(key + uint64(i))
		u1 := float64(r>>32) * inv
		u2 := float64(r&0xffffffff) * inv
		gq := int64(math.Floor(gh[i].g/qz.sg + u1))
		hq := int64(math.Floor(gh[i].h/qz.sh + u2))
		q[k] = gq<<32 + hq
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

// buildHist fills hist (packed sums laid out by bm.offset, padded by 256
// entries) for the features of tm with the rows at positions pos of tm,
// whose packed quantised gradients are tm.q[pos[k]]. scratch holds one
// histogram buffer per extra goroutine. Integer sums are exact, so the
// result depends neither on the order of the rows nor on threads.
//
// The rows of a leaf are scattered over the tree's matrix, so they are
// first copied to a contiguous buffer (buf, qbuf): that loop only loads and
// stores, and many of its cache misses overlap, where the loop of
// histogram updates would wait for each row in turn. The root's rows are
// the whole matrix and are read in place.
func buildHist(hist []int64, tm *treeMatrix, pos []int32, buf []uint64, qbuf []int64, scratch [][]int64, threads int) {
	bm := tm.bm
	for _, j := range tm.feats {
		clear(hist[bm.offset[j] : bm.offset[j]+bm.feats[j].numBins])
	}
	n := len(pos)
	if n*len(tm.feats) < parallelHistRows {
		threads = 1
	}
	threads = min(threads, len(scratch)+1)
	root := n == tm.n
	W := tm.words
	parts := max(threads, 1)
	parallelFor(parts, parts, func(t int) {
		lo, hi := t*n/parts, (t+1)*n/parts
		h := hist
		if t > 0 {
			h = scratch[t-1]
			for _, j := range tm.feats {
				clear(h[bm.offset[j] : bm.offset[j]+bm.feats[j].numBins])
			}
		}
		if root {
			histRows(h, tm.data[lo*W:hi*W], W, tm.q[lo:hi], tm.offs)
			return
		}

		b, q := buf[lo*W:hi*W], qbuf[lo:hi]
		gatherRows(b, q, tm.data, tm.q, pos[lo:hi], W)
		histRows(h, b, W, q, tm.offs)
	})
	for t := 1; t < parts; t++ {
		for _, j := range tm.feats {
			lo, hi := bm.offset[j], bm.offset[j]+bm.feats[j].numBins
			d, s := hist[lo:hi], scratch[t-1][lo:hi]
			for b := range d {
				d[b] += s[b]
			}
		}
	}
}

// gatherRows copies row pos[k] of data (W words per row) and its value
// q[pos[k]] to row k of dst and dq.
func gatherRows(dst []uint64, dq []int64, data []uint64, q []int64, pos []int32, W int) {
	dq = dq[:len(pos)]
	switch W {
	case 1:
		for k, p := range pos {
			dst[k] = data[p]
			dq[k] = q[p]
		}
	case 2:
		for k, p := range pos {
			d, s := dst[2*k:2*k+2:2*k+2], data[2*int(p):2*int(p)+2:2*int(p)+2]
			d[0], d[1] = s[0], s[1]
			dq[k] = q[p]
		}
	case 3:
		for k, p := range pos {
			d, s := dst[3*k:3*k+3:3*k+3], data[3*int(p):3*int(p)+3:3*int(p)+3]
			d[0], d[1], d[2] = s[0], s[1], s[2]
			dq[k] = q[p]
		}
	case 4:
		for k, p := range pos {
			d, s := dst[4*k:4*k+4:4*k+4], data[4*int(p):4*int(p)+4:4*int(p)+4]
			d[0], d[1], d[2], d[3] = s[0], s[1], s[2], s[3]
			dq[k] = q[p]
		}
	case 5:
		for k, p := range pos {
			d, s := dst[5*k:5*k+5:5*k+5], data[5*int(p):5*int(p)+5:5*int(p)+5]
			d[0], d[1], d[2], d[3], d[4] = s[0], s[1], s[2], s[3], s[4]
			dq[k] = q[p]
		}
	default:
		// A loop of words rather than copy: a call to memmove per row
		// costs more than the row.
		for k, p := range pos {
			d, s := dst[W*k:W*k+W:W*k+W], data[W*int(p):W*int(p)+W:W*int(p)+W]
			for w := range d {
				d[w] = s[w]
			}
			dq[k] = q[p]
		}
	}
}

// histRows adds q[r] to the bin of every slot of row r of data (W words of
// eight one-byte slots per row): hist[offs[s] + slot s's byte]. Padding
// slots point past the features' bins.
func histRows(hist []int64, data []uint64, W int, q []int64, offs []int) {
	for r, v := range q {
		row := data[r*W : r*W+W : r*W+W]
		for w, x := range row {
			o := offs[w*8 : w*8+8 : w*8+8]
			hist[o[0]+int(x&0xff)] += v
			hist[o[1]+int(x>>8&0xff)] += v
			hist[o[2]+int(x>>16&0xff)] += v
			hist[o[3]+int(x>>24&0xff)] += v
			hist[o[4]+int(x>>32&0xff)] += v
			hist[o[5]+int(x>>40&0xff)] += v
			hist[o[6]+int(x>>48&0xff)] += v
			hist[o[7]+int(x>>56)] += v
		}
	}
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
