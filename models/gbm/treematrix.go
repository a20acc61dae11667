package gbm

// treeMatrix holds, row-major, the bins of the rows and features sampled
// for one tree, and the rows' packed quantised gradients: the input of the
// tree's histograms and partitions. Position p (0 <= p < n) is row rows[p];
// slot s is feature feats[s]. Row p takes words consecutive uint64s, byte s
// mod 8 of word s/8 holding its bin of feature feats[s]; slots past the
// last feature (padding) hold 0.
//
// A histogram reads all of a row's sampled bins from one or two cache
// lines, where the column-major binnedMatrix spreads them over a line per
// feature: the rows of a deep leaf are a small scattered subset, and each
// line then serves one row. Rows and features not sampled are left out
// altogether, so sampling saves their reads as well as their updates.
type treeMatrix struct {
	bm    *binnedMatrix
	n     int     // positions (rows in the tree)
	rows  []int32 // row of each position, ascending
	feats []int   // sampled features, ascending
	words int     // uint64s per row: ⌈len(feats)/8⌉
	data  []uint64
	// offs[s] is the histogram offset of slot s: bm.offset[feats[s]], or
	// for padding slot s, bm.totalBins + s - len(feats) (histogram buffers
	// are padded by 256 entries, so padding updates land there).
	offs []int
	// slot[j] is the slot of feature j, -1 when it is not sampled.
	slot []int
	// q[p] is the packed quantised gradient pair of row rows[p].
	q []int64
	// full is set when data holds every row and every feature, which a
	// tree sampling neither can reuse.
	full bool
}

// newTreeMatrix returns an empty treeMatrix for bm.
func newTreeMatrix(bm *binnedMatrix) *treeMatrix {
	tm := &treeMatrix{bm: bm, slot: make([]int, bm.cols), q: make([]int64, bm.rows)}
	for j := range tm.slot {
		tm.slot[j] = -1
	}
	return tm
}

// set fills tm with the rows (ascending row ids) and features feats
// (ascending), copying their bins on up to threads goroutines. The
// gradients (q) are left to the caller.
func (tm *treeMatrix) set(rows []int32, feats []int, threads int) {
	bm := tm.bm
	full := len(rows) == bm.rows && len(feats) == bm.cols
	tm.n, tm.rows = len(rows), rows
	for _, j := range tm.feats {
		tm.slot[j] = -1
	}
	tm.feats = append(tm.feats[:0], feats...)
	for s, j := range feats {
		tm.slot[j] = s
	}
	W := (len(feats) + 7) / 8
	tm.words = W
	tm.offs = tm.offs[:0]
	for s := range 8 * W {
		if s < len(feats) {
			tm.offs = append(tm.offs, bm.offset[feats[s]])
		} else {
			tm.offs = append(tm.offs, bm.totalBins+s-len(feats))
		}
	}
	if full && tm.full {
		return
	}
	if cap(tm.data) < len(rows)*W {
		tm.data = make([]uint64, len(rows)*W, bm.rows*((bm.cols+7)/8))
	}
	tm.data = tm.data[:len(rows)*W]
	const block = 4096
	blocks := (len(rows) + block - 1) / block
	parallelFor(blocks, threads, func(b int) {
		lo, hi := b*block, min((b+1)*block, len(rows))
		for w := range W {
			fs := feats[8*w : min(8*w+8, len(feats))]
			if len(fs) == 8 {
				c0, c1, c2, c3 := bm.col(fs[0]), bm.col(fs[1]), bm.col(fs[2]), bm.col(fs[3])
				c4, c5, c6, c7 := bm.col(fs[4]), bm.col(fs[5]), bm.col(fs[6]), bm.col(fs[7])
				for p := lo; p < hi; p++ {
					i := rows[p]
					tm.data[p*W+w] = uint64(c0[i]) | uint64(c1[i])<<8 | uint64(c2[i])<<16 | uint64(c3[i])<<24 |
						uint64(c4[i])<<32 | uint64(c5[i])<<40 | uint64(c6[i])<<48 | uint64(c7[i])<<56
				}
				continue
			}
			for p := lo; p < hi; p++ {
				i := rows[p]
				var x uint64
				for s, j := range fs {
					x |= uint64(bm.bins[j*bm.rows+int(i)]) << (8 * s)
				}
				tm.data[p*W+w] = x
			}
		}
	})
	tm.full = full
}
