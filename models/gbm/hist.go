package gbm

// histBin accumulates the gradient sum G and hessian sum H of the rows of
// a node that fall into one bin of one feature. Row counts are not kept
// per bin (as in LightGBM): a bin's count is estimated as H·N/H_node from
// the node's exact count N, which keeps a histogram update to two adds.
type histBin struct{ G, H float64 }

// add returns a + b.
func (a histBin) add(b histBin) histBin { return histBin{a.G + b.G, a.H + b.H} }

// sub returns a - b.
func (a histBin) sub(b histBin) histBin { return histBin{a.G - b.G, a.H - b.H} }

// stats are the sums of a node: gradient G, hessian H and row count N.
type stats struct {
	G, H float64
	N    int64
}

// gradPair is the gradient g and hessian h of one row, stored together so
// a histogram update reads one 16-byte value.
type gradPair struct{ g, h float64 }

// parallelHistRows is the number of row-feature updates below which a
// histogram is built on one goroutine.
const parallelHistRows = 1 << 15

// histBlock is the number of features histogrammed in one pass over the
// rows: their 4 x 256 bins (16 KiB) stay in L1 and the four independent
// update chains overlap.
const histBlock = 4

// buildHist fills hist (laid out by bm.offset, padded by 256 entries) for
// the features in feats with the statistics of the rows idx, whose
// gradient pairs are gh[k] for row idx[k] (gathered in row order). Every
// feature is summed by one goroutine in row order, so the result does not
// depend on the number of threads.
func buildHist(hist []histBin, bm *binnedMatrix, idx []int32, gh []gradPair, feats []int, threads int) {
	gh = gh[:len(idx)]
	bins := func(j int) []histBin {
		h := hist[bm.offset[j] : bm.offset[j]+bm.feats[j].numBins]
		clear(h)
		return h[:256:256] // bins are uint8: no bounds checks below
	}
	one := func(j int) {
		h, col := bins(j), bm.col(j)
		for k, i := range idx {
			e := &h[col[i]]
			e.G += gh[k].g
			e.H += gh[k].h
		}
	}
	four := func(j0, j1, j2, j3 int) {
		h0, h1, h2, h3 := bins(j0), bins(j1), bins(j2), bins(j3)
		c0, c1, c2, c3 := bm.col(j0), bm.col(j1), bm.col(j2), bm.col(j3)
		for k, i := range idx {
			g, hh := gh[k].g, gh[k].h
			e := &h0[c0[i]]
			e.G += g
			e.H += hh
			e = &h1[c1[i]]
			e.G += g
			e.H += hh
			e = &h2[c2[i]]
			e.G += g
			e.H += hh
			e = &h3[c3[i]]
			e.G += g
			e.H += hh
		}
	}
	if len(idx)*len(feats) < parallelHistRows {
		threads = 1
	}
	tasks := (len(feats) + histBlock - 1) / histBlock
	parallelFor(tasks, threads, func(t int) {
		fs := feats[t*histBlock : min((t+1)*histBlock, len(feats))]
		if len(fs) == histBlock {
			four(fs[0], fs[1], fs[2], fs[3])
			return
		}
		for _, j := range fs {
			one(j)
		}
	})
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
