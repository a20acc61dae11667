package gbm

import (
	"math"
	"slices"
)

// growLeaf is a leaf of the tree being grown: the positions idx[start:end]
// of its rows in the tree's matrix, their statistics sum and histogram, the
// best split found for it and the monotone bounds [lo, hi] of its value.
type growLeaf struct {
	node       int32
	start, end int
	depth      int
	sum        stats
	hist       []int64
	split      splitInfo
	lo, hi     float64
	value      float64 // output before shrinkage
}

// grower grows one tree leaf-wise on a binned matrix.
type grower struct {
	p       Params
	bm      *binnedMatrix
	tm      *treeMatrix // the rows and features of the current tree
	sps     []splitter  // one per thread, sharing p, bm and the round's quantizer
	threads int
	gh      []gradPair // per row
	idx     []int32    // positions in tm, partitioned by leaf
	tmp     []int32
	// buf and qbuf hold the gathered rows of the leaf being histogrammed
	// (at most half the tree's rows: only the smaller child is built);
	// scratch one histogram per extra thread.
	buf     []uint64
	qbuf    []int64
	scratch [][]int64
	// chunkFeats[c] are the features of chunk c of a split search.
	chunkFeats [][]int
	pool       [][]int64
	leaves     []growLeaf
	// nodeLeft[n-root] is the set of bins of node n's feature that go left;
	// used to route rows that were not sampled for the tree.
	nodeLeft []binSet
}

func newGrower(p Params, bm *binnedMatrix, threads int) *grower {
	gr := &grower{
		p: p, bm: bm, tm: newTreeMatrix(bm), sps: make([]splitter, threads), threads: threads,
		idx: make([]int32, bm.rows), tmp: make([]int32, bm.rows),
		buf: make([]uint64, (bm.rows/2+1)*((bm.cols+7)/8)), qbuf: make([]int64, bm.rows/2+1),
	}
	for w := range gr.sps {
		gr.sps[w] = splitter{p: p, bm: bm}
	}
	for range threads - 1 {
		gr.scratch = append(gr.scratch, make([]int64, bm.totalBins+256))
	}
	return gr
}

// gradients writes the log-loss gradient pairs of every row to gr.gh
// (rows split among the threads) and returns the round's quantizer.
func (gr *grower) gradients(margin, y, w []float64) quantizer {
	n := len(margin)
	parts := max(1, min(gr.threads, n/(1<<12)))
	maxG, maxH := make([]float64, parts), make([]float64, parts)
	parallelFor(parts, parts, func(t int) {
		lo, hi := t*n/parts, (t+1)*n/parts
		maxG[t], maxH[t] = logLossGradients(margin[lo:hi], y[lo:hi], w[lo:hi], gr.gh[lo:hi])
	})
	return quantizerFor(n, slices.Max(maxG), slices.Max(maxH))
}

// beginTree prepares a tree on the rows (ascending) and features feats
// (ascending): it fills the tree's matrix and quantises the rows'
// gradients gr.gh with qz, the rounding seeded by key.
func (gr *grower) beginTree(rows []int32, feats []int, qz quantizer, key uint64) {
	tm := gr.tm
	tm.set(rows, feats, gr.threads)
	gr.setQuantizer(qz)
	parallelRanges(tm.n, gr.threads, func(lo, hi int) { qz.quantize(gr.gh, rows, tm.q, lo, hi, key) })
	for p := range tm.n {
		gr.idx[p] = int32(p)
	}
}

// setQuantizer sets the quantizer of the round on every splitter.
func (gr *grower) setQuantizer(qz quantizer) {
	for w := range gr.sps {
		gr.sps[w].qz = qz
	}
}

// minChunkFeatures is the number of features below which a leaf's split
// search is not divided among threads.
const minChunkFeatures = 4

// findSplits sets the best split of every leaf in ls (histograms built)
// over the features feats. Each leaf's features are dealt to the threads
// in turn (feature k to chunk k mod threads) and the chunks' best splits
// merged, which gives the split a single scan would.
func (gr *grower) findSplits(ls []*growLeaf, feats []int) {
	chunks := 1
	if gr.threads > 1 && len(feats) >= minChunkFeatures {
		chunks = gr.threads
	}
	if cap(gr.chunkFeats) < chunks {
		gr.chunkFeats = make([][]int, chunks)
	}
	cf := gr.chunkFeats[:chunks]
	for c := range cf {
		cf[c] = cf[c][:0]
	}
	for k, j := range feats {
		cf[k%chunks] = append(cf[k%chunks], j)
	}
	var totals [2]stats
	var found [2][]splitInfo
	for k, l := range ls {
		totals[k] = gr.sps[0].nodeTotals(l.hist, l.sum.N, feats)
		found[k] = make([]splitInfo, chunks)
	}
	parallelTasks(len(ls)*chunks, gr.threads, func(w, t int) {
		k, c := t/chunks, t%chunks
		l := ls[k]
		found[k][c] = gr.sps[w].best(l.hist, totals[k], cf[c], l.lo, l.hi)
	})
	for k, l := range ls {
		l.split = found[k][0]
		for _, s := range found[k][1:] {
			l.split = merge(l.split, s)
		}
	}
}

// getHist returns a histogram buffer from the pool. Buffers are padded by
// 256 entries so every feature's slice can be resliced to 256 bins.
func (gr *grower) getHist() []int64 {
	if n := len(gr.pool); n > 0 {
		h := gr.pool[n-1]
		gr.pool = gr.pool[:n-1]
		return h
	}
	return make([]int64, gr.bm.totalBins+256)
}

func (gr *grower) putHist(h []int64) {
	if h != nil {
		gr.pool = append(gr.pool, h)
	}
}

// histogram builds the histogram of the rows at positions idx[start:end].
// Only the root holds every position of the tree (both children of a
// split are non-empty), which buildHist reads in place.
func (gr *grower) histogram(start, end int) []int64 {
	h := gr.getHist()
	buildHist(h, gr.tm, gr.idx[start:end], gr.buf, gr.qbuf, gr.scratch, gr.threads)
	return h
}

// canSplit reports whether leaf l may be split further at all.
func (gr *grower) canSplit(l *growLeaf) bool {
	if gr.p.MaxDepth > 0 && l.depth >= gr.p.MaxDepth {
		return false
	}
	return l.sum.N >= 2*int64(max(gr.p.MinDataInLeaf, 1)) && l.sum.H >= 2*gr.p.MinChildWeight
}

// grow grows a tree on the rows and features of the tree's matrix
// (beginTree), appending its nodes to m with leaf values scaled by the
// learning rate. It returns the leaves in gr.leaves (the rows at positions
// idx[start:end] reach node).
func (gr *grower) grow(m *Model) {
	p := gr.p
	n, feats := gr.tm.n, gr.tm.feats
	root := int32(len(m.Feature))
	gr.nodeLeft = gr.nodeLeft[:0]
	var sum stats
	for _, i := range gr.tm.rows {
		sum.G += gr.gh[i].g
		sum.H += gr.gh[i].h
	}
	sum.N = int64(n)
	gr.leaves = append(gr.leaves[:0], growLeaf{node: root, start: 0, end: n, sum: sum, lo: math.Inf(-1), hi: math.Inf(1)})
	m.appendNode()
	gr.nodeLeft = append(gr.nodeLeft, binSet{})
	rl := &gr.leaves[0]
	rl.value = leafOutput(sum.G, sum.H, p.Lambda, rl.lo, rl.hi)
	rl.split.feature = -1
	if gr.canSplit(rl) {
		rl.hist = gr.histogram(0, n)
		gr.findSplits([]*growLeaf{rl}, feats)
	}
	for len(gr.leaves) < p.Leaves {
		bi := -1
		for k := range gr.leaves {
			if s := &gr.leaves[k].split; s.feature >= 0 && (bi < 0 || s.gain > gr.leaves[bi].split.gain) {
				bi = k
			}
		}
		if bi < 0 {
			break
		}
		gr.splitLeaf(m, bi, feats, root)
	}
	for k := range gr.leaves {
		l := &gr.leaves[k]
		gr.putHist(l.hist)
		l.hist = nil
		m.Value[l.node] = l.value * p.LearningRate
		m.Cover[l.node] = l.sum.H
	}
}

// splitLeaf applies the best split of leaf bi: partitions its rows, adds
// two child nodes, builds the smaller child's histogram and derives the
// larger one's by subtraction, and finds the children's best splits.
func (gr *grower) splitLeaf(m *Model, bi int, feats []int, root int32) {
	p := gr.p
	parent := gr.leaves[bi]
	s := parent.split
	fb := &gr.bm.feats[s.feature]

	// Stable partition: left rows stay in place in order, right rows after.
	// The split feature's bins are read from the column-major matrix: the
	// positions are ascending within a leaf, so are their rows, and one
	// cache line holds the bins of 64 rows.
	col, rowOf := gr.bm.col(s.feature), gr.tm.rows
	rows := gr.idx[parent.start:parent.end]
	var lut [256]int
	for b := range lut {
		if s.left.has(uint8(b)) {
			lut[b] = 1
		}
	}
	nl := partition(rows, gr.tmp[:len(rows)], col, rowOf, &lut, gr.threads)
	nr := len(rows) - nl
	// Children's sums from the (quantised) histogram, exact counts.
	ls := stats{s.l.G, s.l.H, int64(nl)}
	rs := stats{s.r.G, s.r.H, int64(nr)}
	mid := parent.start + nl

	// Nodes: children adjacent, left first.
	pn := parent.node
	ln := int32(len(m.Feature))
	m.appendNode()
	m.appendNode()
	gr.nodeLeft = append(gr.nodeLeft, binSet{}, binSet{})
	gr.nodeLeft[pn-root] = s.left
	m.Feature[pn] = int32(s.feature)
	m.Left[pn] = ln
	m.DefaultLeft[pn] = s.defaultLeft
	m.Gain[pn] = s.gain
	m.Cover[pn] = parent.sum.H
	m.Value[pn] = parent.value * p.LearningRate
	if fb.categorical {
		var maxCode int32 = -1
		for b := range fb.numBins - 2 {
			if s.left.has(uint8(b)) {
				maxCode = max(maxCode, fb.codes[b])
			}
		}
		words := int32(maxCode/64 + 1)
		m.CatStart[pn] = int32(len(m.CatBits))
		m.CatLen[pn] = words
		bits := make([]uint64, words)
		for b := range fb.numBins - 2 {
			if s.left.has(uint8(b)) {
				c := fb.codes[b]
				bits[c>>6] |= 1 << (c & 63)
			}
		}
		m.CatBits = append(m.CatBits, bits...)
	} else {
		m.Threshold[pn] = fb.upper[s.bin]
	}

	// Monotone bounds of the children (LightGBM's basic method).
	llo, lhi, rlo, rhi := parent.lo, parent.hi, parent.lo, parent.hi
	if p.Monotone != nil && !fb.categorical {
		midV := (s.lv + s.rv) / 2
		switch p.Monotone[s.feature] {
		case 1:
			lhi = min(lhi, midV)
			rlo = max(rlo, midV)
		case -1:
			llo = max(llo, midV)
			rhi = min(rhi, midV)
		}
	}
	// Leaf values within the children's bounds (which keeps monotone splits
	// monotone).
	left := growLeaf{node: ln, start: parent.start, end: mid, depth: parent.depth + 1, sum: ls, lo: llo, hi: lhi,
		value: leafOutput(ls.G, ls.H, p.Lambda, llo, lhi)}
	right := growLeaf{node: ln + 1, start: mid, end: parent.end, depth: parent.depth + 1, sum: rs, lo: rlo, hi: rhi,
		value: leafOutput(rs.G, rs.H, p.Lambda, rlo, rhi)}
	left.split.feature, right.split.feature = -1, -1
	lok, rok := gr.canSplit(&left), gr.canSplit(&right)
	if lok || rok {
		small, large := &left, &right
		if right.sum.N < left.sum.N {
			small, large = &right, &left
		}
		small.hist = gr.histogram(small.start, small.end)
		subtractHist(parent.hist, parent.hist, small.hist, gr.bm, feats)
		large.hist = parent.hist
		parent.hist = nil
		var ls []*growLeaf
		if lok {
			ls = append(ls, &left)
		}
		if rok {
			ls = append(ls, &right)
		}
		gr.findSplits(ls, feats)
		// Leaves that cannot be split give their buffers back.
		for _, c := range []*growLeaf{&left, &right} {
			if c.split.feature < 0 {
				gr.putHist(c.hist)
				c.hist = nil
			}
		}
	} else {
		gr.putHist(parent.hist)
	}
	gr.leaves[bi] = left
	gr.leaves = append(gr.leaves, right)
}

// parallelPartitionRows is the number of rows from which a leaf's rows are
// partitioned by several goroutines.
const parallelPartitionRows = 1 << 15

// partition reorders positions stably so that those whose row's bin
// col[rowOf[p]] has lut[bin] = 1 (the left child's) come first, and returns
// their number. tmp is scratch as long as positions. With threads > 1 a
// long list is cut into one piece per thread, each piece partitioned on
// its own, and the pieces' left parts, then their right parts, joined in
// order: the same order as one pass.
func partition(positions, tmp []int32, col []uint8, rowOf []int32, lut *[256]int, threads int) int {
	parts := 1
	if threads > 1 && len(positions) >= parallelPartitionRows {
		parts = threads
	}
	n := len(positions)
	var lefts [8]int
	if parts > len(lefts) {
		parts = len(lefts)
	}
	parallelFor(parts, parts, func(t int) {
		lo, hi := t*n/parts, (t+1)*n/parts
		lefts[t] = partitionPiece(positions[lo:hi], tmp[lo:hi], col, rowOf, lut)
	})
	nl := lefts[0]
	for t := 1; t < parts; t++ {
		lo := t * n / parts
		copy(positions[nl:], positions[lo:lo+lefts[t]]) // moves down: nl <= lo
		nl += lefts[t]
	}
	at := nl
	for t := range parts {
		lo, hi := t*n/parts, (t+1)*n/parts
		at += copy(positions[at:], tmp[lo:lo+(hi-lo-lefts[t])])
	}
	return nl
}

// partitionPiece partitions positions stably as partition does, leaving
// the left ones at the front of positions and the right ones at the front
// of tmp, and returns the number of left ones. Branch-free: every position
// is written to both sides and only its own side advances.
func partitionPiece(positions, tmp []int32, col []uint8, rowOf []int32, lut *[256]int) int {
	nl, nr := 0, 0
	tmp = tmp[:len(positions)]
	for _, p := range positions {
		l := lut[col[rowOf[p]]]
		positions[nl] = p // nl <= current index: already read
		tmp[nr] = p
		nl += l
		nr += 1 - l
	}
	return nl
}

// binLeaf returns the leaf node of the tree just grown (rooted at root)
// that row i of bins reaches, routing on bins with the trees' left sets.
func (gr *grower) binLeaf(m *Model, root int32, bins *binnedMatrix, i int) int32 {
	n := root
	for {
		f := m.Feature[n]
		if f < 0 {
			return n
		}
		if gr.nodeLeft[n-root].has(bins.bins[int(f)*bins.rows+i]) {
			n = m.Left[n]
		} else {
			n = m.Left[n] + 1
		}
	}
}

// appendNode adds a leaf node with zero value.
func (m *Model) appendNode() {
	m.Feature = append(m.Feature, -1)
	m.Threshold = append(m.Threshold, 0)
	m.Left = append(m.Left, -1)
	m.DefaultLeft = append(m.DefaultLeft, false)
	m.CatStart = append(m.CatStart, -1)
	m.CatLen = append(m.CatLen, 0)
	m.Value = append(m.Value, 0)
	m.Cover = append(m.Cover, 0)
	m.Gain = append(m.Gain, 0)
}
