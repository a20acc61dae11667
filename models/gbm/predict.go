package gbm

import (
	"math"

	"github.com/leadscore/leadscore/features"
)

// Node flags of the compiled form.
const (
	flagDefaultLeft = 1 << iota
	flagCategorical // category set of at most 64 codes, stored in thr's bits
	flagLeaf
	flagCatWide // category set of more than 64 codes: Model.goLeft decides
)

// compiled is a copy of a model's nodes packed into 16 bytes each (one
// cache line holds four) in which every node can be stepped without a
// branch on its kind: a leaf tests column 0 against +Inf with missing values
// going left, and its left child is itself, so a row that reached a leaf
// stays there. This lets a block of rows walk a tree in lockstep, their
// independent chains of loads overlapping. Numeric splits are decided
// without branches; categorical sets of up to 64 codes are read from the
// node itself (its thr bits), larger ones from the model (Model.goLeft).
type compiled struct {
	nodes []cnode
}

// cnode is one compiled node. Numeric (no category flag): go left when
// x[fl&colMask] <= thr. Categorical with at most 64 codes: go left when x
// is a code c in [0, 64) whose bit is set in the bits of thr. Either way a
// missing x goes left exactly when fl has flagDefaultLeft<<flagShift;
// otherwise the row goes to left+1.
type cnode struct {
	thr  float64
	fl   int32 // column | flags<<flagShift
	left int32
}

const (
	flagShift = 24
	colMask   = 1<<flagShift - 1
)

// compile returns the compiled nodes of m, or nil when a column index does
// not fit the packed layout (more than 2^24 columns).
func compile(m *Model) *compiled {
	n := len(m.Feature)
	for _, f := range m.Feature {
		if f > colMask {
			return nil
		}
	}
	c := &compiled{nodes: make([]cnode, n)}
	for i := range n {
		if m.Feature[i] < 0 {
			c.nodes[i] = cnode{thr: math.Inf(1), fl: (flagLeaf | flagDefaultLeft) << flagShift, left: int32(i)}
			continue
		}
		fl := m.Feature[i]
		if m.DefaultLeft[i] {
			fl |= flagDefaultLeft << flagShift
		}
		thr := m.Threshold[i]
		switch {
		case m.CatLen[i] == 1:
			fl |= flagCategorical << flagShift
			thr = math.Float64frombits(m.CatBits[m.CatStart[i]])
		case m.CatLen[i] > 1:
			fl |= (flagCategorical | flagCatWide) << flagShift
			thr = 0
		}
		c.nodes[i] = cnode{thr: thr, fl: fl, left: m.Left[i]}
	}
	return c
}

// catLeft returns 1 when value v goes to the left child of categorical
// node nd (model node n), else 0; miss is 1 when v is missing and missing
// values go left.
func (nd *cnode) catLeft(m *Model, n int32, v float64, miss int32) int32 {
	if nd.fl&(flagCatWide<<flagShift) != 0 {
		return b2i(m.goLeft(n, v))
	}
	c := int(v) & 63
	return b2i(v >= 0)&b2i(v < 64)&b2i(float64(c) == v)&int32(math.Float64bits(nd.thr)>>uint(c)&1) | miss
}

// lanes is the number of rows that walk a tree in lockstep.
const lanes = 8

// treeBlock adds the leaf value of the tree rooted at root to out[k] for
// the rows data[k*cols:(k+1)*cols], k < lanes (len(out) == lanes), walking
// the rows through the tree together.
func (m *Model) treeBlock(c *compiled, root int32, data []float64, cols int, out []float64) {
	out = out[:lanes]
	data = data[:lanes*cols]
	nodes := c.nodes
	var (
		n   [lanes]int32
		off [lanes]int
	)
	for k := range n {
		n[k], off[k] = root, k*cols
	}
	for {
		all := int32(flagLeaf << flagShift)
		for k := range n {
			nd := &nodes[n[k]]
			fl := nd.fl
			all &= fl
			v := data[off[k]+int(fl&colMask)]
			miss := ((fl >> flagShift) & flagDefaultLeft) & b2i(v != v)
			goL := b2i(v <= nd.thr) | miss
			if fl&(flagCategorical<<flagShift) != 0 {
				if fl&(flagCatWide<<flagShift) != 0 {
					goL = nd.catLeft(m, n[k], v, miss)
				} else {
					c := int(v) & 63
					goL = b2i(v >= 0)&b2i(v < 64)&b2i(float64(c) == v)&int32(math.Float64bits(nd.thr)>>uint(c)&1) | miss
				}
			}
			n[k] = nd.left + 1 - goL
		}
		if all != 0 {
			break
		}
	}
	for k := range n {
		out[k] += m.Value[n[k]]
	}
}

// chunkRows is the number of rows scored together tree by tree: their
// values (chunkRows x cols floats) and one tree's nodes stay in L1 cache.
const chunkRows = 32

// PredictMargins writes Margin of every row of X to out using up to threads
// goroutines (0 = GOMAXPROCS). Chunks of 32 rows are scored tree by tree,
// 8 rows walking a tree in lockstep; every row's sum is formed in tree
// order, as in Margin, so the results are bit-identical to Margin. It does
// not allocate per row.
func (m *Model) PredictMargins(X *features.Matrix, out []float64, threads int) {
	if threads <= 0 {
		threads = Params{}.threads()
	}
	c := m.fast
	if c == nil {
		c = compile(m)
	}
	cols := X.Cols
	parallelRanges(X.Rows, threads, func(lo, hi int) {
		i := lo
		for ; c != nil && i+chunkRows <= hi; i += chunkRows {
			o := out[i : i+chunkRows]
			for k := range o {
				o[k] = m.BaseScore
			}
			data := X.Data[i*cols : (i+chunkRows)*cols]
			for _, r := range m.Roots {
				for g := 0; g < chunkRows; g += lanes {
					m.treeBlock(c, r, data[g*cols:(g+lanes)*cols], cols, o[g:g+lanes])
				}
			}
		}
		for ; i < hi; i++ {
			out[i] = m.Margin(X.Data[i*cols : (i+1)*cols])
		}
	})
}
