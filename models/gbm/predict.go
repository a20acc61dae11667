package gbm

import (
	"math"

	"github.com/leadscore/leadscore/features"
)

// Kinds of compiled nodes.
const (
	kindLeaf    = iota // value in thr
	kindLE             // numeric, missing goes right: left when x <= thr
	kindNotGT          // numeric, missing goes left: left unless x > thr
	kindCat            // at most 64 codes, bits in thr; flag dl: missing goes left
	kindCatWide        // more than 64 codes: Model.goLeft decides
)

// compiled is what PredictMargins walks: a copy of a model's nodes in one
// array, each node carrying what a step needs: its kind (which folds in
// the direction of missing values), column, threshold (or category bits,
// or leaf value) and left child; the right child is left+1, as in Model.
// Node numbers are the model's. bins is the binned form of the same trees
// (predict_bins.go), used instead whenever the model allows it.
type compiled struct {
	nodes []cnode
	bins  *binned // nil when the model has splits bins cannot express
}

// cnode is one compiled node (see the kinds above).
type cnode struct {
	thr  float64
	col  int32
	left int32
	kind uint8
	dl   bool // missing values go left (categorical kinds)
}

// compile returns the compiled nodes of m.
func compile(m *Model) *compiled {
	n := len(m.Feature)
	c := &compiled{nodes: make([]cnode, n), bins: compileBins(m)}
	for i := range n {
		f := m.Feature[i]
		if f < 0 {
			c.nodes[i] = cnode{thr: m.Value[i], kind: kindLeaf, left: int32(i)}
			continue
		}
		nd := cnode{thr: m.Threshold[i], col: f, left: m.Left[i], dl: m.DefaultLeft[i], kind: kindLE}
		switch {
		case m.CatLen[i] == 1:
			nd.kind, nd.thr = kindCat, math.Float64frombits(m.CatBits[m.CatStart[i]])
		case m.CatLen[i] > 1:
			nd.kind, nd.thr = kindCatWide, 0
		case m.DefaultLeft[i]:
			nd.kind = kindNotGT
		}
		c.nodes[i] = nd
	}
	return c
}

// catBit returns 1 when v is a category code k in [0, 64) whose bit is set
// in bits, else 0 (missing, fractional and out-of-range values give 0).
func catBit(bits uint64, v float64) int32 {
	k := int64(v)
	return b2i(uint64(k) < 64) & b2i(float64(k) == v) & int32(bits>>(uint64(k)&63)&1)
}

// goesLeft returns 1 when v goes to the left child of internal node nd
// (model node n), else 0.
func (nd *cnode) goesLeft(m *Model, n int32, v float64) int {
	switch nd.kind {
	case kindLE:
		return bit(v <= nd.thr)
	case kindNotGT:
		return 1 - bit(v > nd.thr)
	case kindCat:
		return int(catBit(math.Float64bits(nd.thr), v)) | bit(nd.dl)&bit(v != v)
	default:
		return bit(m.goLeft(n, v))
	}
}

// chunkRows is the number of rows scored together, tree by tree, in the
// binned form (see binned): their bins, chunkRows x cols bytes, stay in L2
// cache and a column of them (8 KiB) in L1 while a node splits its rows.
// floatRows is the same for the float64 form, whose chunk is copied
// column-major (floatRows x cols floats, in L2; a column, 8 KiB, in L1).
// Both are powers of two no larger than 1<<16: row numbers are uint16 and
// indexes are masked with rowMask or floatMask instead of bounds-checked.
const (
	chunkRows = 8192
	rowMask   = chunkRows - 1
	floatRows = 1024
	floatMask = floatRows - 1
)

// walkBelow is the number of rows below which the rows of a node walk the
// rest of the tree one at a time instead of being split node by node.
const walkBelow = 4

// fewRows is the number of rows below which PredictMargins calls Margin
// row by row rather than set up a chunk.
const fewRows = 16

// frame is a node with its rows still to be split: row numbers (within the
// chunk) idx[buf][lo:hi], or ident[lo:hi] when buf is 2.
type frame struct {
	node, lo, hi int32
	buf          uint8
}

// scorer is one goroutine's working memory for PredictMargins.
type scorer struct {
	m         *Model
	c         *compiled
	cols      []float64 // the chunk column-major: column j of row r at j*floatRows + r
	bins      []uint8   // the chunk's bins column-major, when c.bins is set (cols is then nil): column j of row r at j*binStride + r
	binStride int
	idx       [2][binSpan]uint16 // row numbers split by node, alternating by depth (the first chunkRows used; see binSpan)
	sum       [chunkRows]float64 // the binned form's sums of a chunk's rows, indexed by row number masked with rowMask
	ident     [chunkRows]uint16  // 0, 1, 2, ...
	stack     []frame
}

// newScorer returns a scorer for up to rows rows at a time of cols columns.
func newScorer(m *Model, c *compiled, rows, cols int) *scorer {
	s := &scorer{m: m, c: c}
	if c.bins != nil {
		// Columns are viewed over binSpan bytes from their start; only
		// the first binStride entries of each are used.
		s.binStride = min(rows, chunkRows)
		s.bins = make([]uint8, (len(c.bins.search)-1)*s.binStride+binSpan)
	} else {
		s.cols = make([]float64, floatRows*cols)
	}
	for i := range s.ident {
		s.ident[i] = uint16(i)
	}
	return s
}

// col returns column j of the chunk.
func (s *scorer) col(j int32) *[floatRows]float64 {
	return (*[floatRows]float64)(s.cols[int(j)*floatRows:])
}

// chunk writes base + Σ_t f_t(row) to out for the rows data (row-major,
// cols columns; len(out) rows, at most chunkRows), trees in order.
func (s *scorer) chunk(data []float64, cols int, out []float64) {
	n := len(out)
	for i := range out {
		out[i] = s.m.BaseScore
	}
	if b := s.c.bins; b != nil {
		b.fill(s.bins, s.binStride, data, cols, n)
		copy(s.sum[:], out)
		for _, root := range s.m.Roots {
			s.treeBins(root, n)
		}
		copy(out, s.sum[:n])
		return
	}
	data = data[:n*cols]
	for r := range n {
		row := data[r*cols : (r+1)*cols]
		for j, v := range row {
			s.cols[j*floatRows+r] = v
		}
	}
	for _, root := range s.m.Roots {
		s.tree(root, n, out)
	}
}

// tree adds the leaf value of the tree rooted at root to out[r] for every
// row r of the chunk (n rows). Starting at the root with all rows, each
// node splits its rows between its children without branches; small sets
// of rows walk on one at a time.
func (s *scorer) tree(root int32, n int, out []float64) {
	nodes := s.c.nodes
	out = out[:n]
	st := append(s.stack[:0], frame{node: root, hi: int32(n), buf: 2})
	for len(st) > 0 {
		f := st[len(st)-1]
		st = st[:len(st)-1]
		var src []uint16
		ob := uint8(0)
		if f.buf == 2 {
			src = s.ident[f.lo:f.hi]
		} else {
			src = s.idx[f.buf][f.lo:f.hi]
			ob = 1 - f.buf
		}
		nd := &nodes[f.node]
		if nd.kind == kindLeaf {
			v := nd.thr
			for _, r := range src {
				out[r] += v
			}
			continue
		}
		if len(src) < walkBelow {
			for _, r := range src {
				out[r] += s.walk(f.node, int(r))
			}
			continue
		}
		dst := (*[chunkRows]uint16)(s.idx[ob][:])
		col := s.col(nd.col)
		lo, hi := int(f.lo), int(f.hi)
		var nl int
		switch nd.kind {
		case kindLE:
			nl = splitLE(src, dst, lo, hi, col, nd.thr)
		case kindNotGT:
			nl = splitNotGT(src, dst, lo, hi, col, nd.thr)
		case kindCat:
			nl = splitCat(src, dst, lo, hi, col, math.Float64bits(nd.thr), bit(nd.dl))
		default:
			nl = s.splitWide(f.node, src, dst, lo, hi, col)
		}
		mid := f.lo + int32(nl)
		if mid < f.hi {
			st = append(st, frame{node: nd.left + 1, lo: mid, hi: f.hi, buf: ob})
		}
		if nl > 0 {
			st = append(st, frame{node: nd.left, lo: f.lo, hi: mid, buf: ob})
		}
	}
	s.stack = st
}

// walk returns the leaf value that chunk row r reaches from node n.
func (s *scorer) walk(n int32, r int) float64 {
	nodes := s.c.nodes
	for {
		nd := &nodes[n]
		if nd.kind == kindLeaf {
			return nd.thr
		}
		v := s.cols[int(nd.col)*floatRows+r]
		n = nd.left + 1 - int32(nd.goesLeft(s.m, n, v))
	}
}

// bit converts a bool to 0 or 1 without a branch.
func bit(b bool) int {
	var i int
	if b {
		i = 1
	}
	return i
}

// splitLE writes the rows src (a node's rows, held at [lo, hi) of another
// buffer) with col[r] <= t to dst[lo:], the others to dst[:hi] backwards,
// and returns how many went to the front. Each row is stored once, at the
// end it belongs to, found without a branch: with l the next front slot,
// the next back slot is l + q, q = hi-1-lo minus the rows seen so far.
// (Storing every row at both ends and advancing one made the loop twice
// as slow.)
//
//go:noinline
func splitLE(src []uint16, dst *[chunkRows]uint16, lo, hi int, col *[floatRows]float64, t float64) int {
	l, q := lo, hi-1-lo
	for _, r := range src {
		g := bit(col[r&floatMask] <= t)
		dst[(l+q&(g-1))&rowMask] = r
		l += g
		q--
	}
	return l - lo
}

// splitNotGT is splitLE for "not col[r] > t" (missing values go left).
//
//go:noinline
func splitNotGT(src []uint16, dst *[chunkRows]uint16, lo, hi int, col *[floatRows]float64, t float64) int {
	l, q := lo, hi-1-lo
	for _, r := range src {
		g := 1 - bit(col[r&floatMask] > t)
		dst[(l+q&(g-1))&rowMask] = r
		l += g
		q--
	}
	return l - lo
}

// splitCat is splitLE for a categorical node of at most 64 codes whose
// bits are set in bits: a row goes left when its value is such a code, or
// when it is missing and miss is 1.
//
//go:noinline
func splitCat(src []uint16, dst *[chunkRows]uint16, lo, hi int, col *[floatRows]float64, bits uint64, miss int) int {
	l, q := lo, hi-1-lo
	for _, r := range src {
		v := col[r&floatMask]
		g := int(catBit(bits, v)) | miss&bit(v != v)
		dst[(l+q&(g-1))&rowMask] = r
		l += g
		q--
	}
	return l - lo
}

// splitWide is splitLE for categorical model node n of more than 64 codes.
func (s *scorer) splitWide(n int32, src []uint16, dst *[chunkRows]uint16, lo, hi int, col *[floatRows]float64) int {
	l, q := lo, hi-1-lo
	for _, r := range src {
		g := bit(s.m.goLeft(n, col[r&floatMask]))
		dst[(l+q&(g-1))&rowMask] = r
		l += g
		q--
	}
	return l - lo
}

// PredictMargins writes Margin of every row of X to out using up to threads
// goroutines (0 = GOMAXPROCS). Chunks of rows (up to 8192, binned when
// the model allows) are scored tree by tree: at every node the chunk's
// rows that reached it are split between its children, so no row waits for
// another. Every row's sum is formed in tree order, as in Margin, so the
// results are bit-identical to Margin. It allocates per goroutine (one
// chunk's bins or values), not per row.
func (m *Model) PredictMargins(X *features.Matrix, out []float64, threads int) {
	if threads <= 0 {
		threads = Params{}.threads()
	}
	cols := X.Cols
	if X.Rows < fewRows {
		for i := range X.Rows {
			out[i] = m.Margin(X.Data[i*cols : (i+1)*cols])
		}
		return
	}
	c := m.fast
	if c == nil {
		c = compile(m)
	}
	parallelRanges(X.Rows, threads, func(lo, hi int) {
		s := newScorer(m, c, hi-lo, cols)
		step := floatRows
		if c.bins != nil {
			step = chunkRows
		}
		for i := lo; i < hi; i += step {
			e := min(i+step, hi)
			s.chunk(X.Data[i*cols:e*cols], cols, out[i:e])
		}
	})
}
