package gbm

import (
	"math"

	"github.com/leadscore/leadscore/features"
)

// Node flags of the compiled form.
const (
	flagDefaultLeft = 1 << iota
	flagCategorical
	flagLeaf
)

// compiled is a copy of a model's nodes packed into 16 bytes each (one
// cache line holds four) in which every node can be stepped without a
// branch on its kind: a leaf tests column 0 against +Inf with missing values
// going left, and its left child is itself, so a row that reached a leaf
// stays there. This lets a block of rows walk a tree in lockstep, their
// independent chains of loads overlapping.
type compiled struct {
	nodes []cnode
}

// cnode is one compiled node: go left when x[fl&colMask] <= thr, or when x
// is missing and fl has flagDefaultLeft<<flagShift; otherwise go to left+1.
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
		if m.CatLen[i] > 0 {
			fl |= flagCategorical << flagShift
		}
		c.nodes[i] = cnode{thr: m.Threshold[i], fl: fl, left: m.Left[i]}
	}
	return c
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
	var n [lanes]int32
	for k := range n {
		n[k] = root
	}
	for {
		all := int32(flagLeaf << flagShift)
		for k := range n {
			nd := &nodes[n[k]]
			fl := nd.fl
			all &= fl
			v := data[k*cols+int(fl&colMask)]
			if fl&(flagCategorical<<flagShift) != 0 {
				n[k] = nd.left + 1 - b2i(m.goLeft(n[k], v))
				continue
			}
			goL := b2i(v <= nd.thr) | ((fl >> flagShift) & flagDefaultLeft & b2i(v != v))
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
