package gbm

// histBin accumulates the gradient sum G, hessian sum H and row count N of
// the rows of a node that fall into one bin of one feature.
type histBin struct {
	G, H float64
	N    int64
}

// add returns a + b.
func (a histBin) add(b histBin) histBin { return histBin{a.G + b.G, a.H + b.H, a.N + b.N} }

// sub returns a - b.
func (a histBin) sub(b histBin) histBin { return histBin{a.G - b.G, a.H - b.H, a.N - b.N} }

// parallelHistRows is the number of row-feature updates below which a
// histogram is built on one goroutine.
const parallelHistRows = 1 << 15

// buildHist fills hist (laid out by bm.offset) for the features in feats
// with the statistics of the rows idx, whose gradients and hessians are
// gs[k], hs[k] for row idx[k] (gathered in row order). Every feature is
// summed by one goroutine in row order, so the result does not depend on
// the number of threads.
func buildHist(hist []histBin, bm *binnedMatrix, idx []int32, gs, hs []float64, feats []int, threads int) {
	one := func(j int) {
		fb := &bm.feats[j]
		h := hist[bm.offset[j] : bm.offset[j]+fb.numBins]
		clear(h)
		col := bm.col(j)
		h = h[:256:256] // bins are uint8: lets the compiler drop bounds checks
		gs := gs[:len(idx)]
		hs := hs[:len(idx)]
		for k, i := range idx {
			e := &h[col[i]]
			e.G += gs[k]
			e.H += hs[k]
			e.N++
		}
	}
	if len(idx)*len(feats) < parallelHistRows {
		threads = 1
	}
	parallelFor(len(feats), threads, func(k int) { one(feats[k]) })
}

// subtractHist sets dst = parent - small for the features in feats: the
// histogram of the larger child from its parent and smaller sibling.
func subtractHist(dst, parent, small []histBin, bm *binnedMatrix, feats []int) {
	for _, j := range feats {
		lo, hi := bm.offset[j], bm.offset[j]+bm.feats[j].numBins
		d, p, s := dst[lo:hi], parent[lo:hi], small[lo:hi]
		for b := range d {
			d[b] = p[b].sub(s[b])
		}
	}
}
