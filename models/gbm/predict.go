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

// compiled is a copy of a model's node arrays in which every node can be
// stepped without a branch on its kind: a leaf tests column 0 against +Inf
// with missing values going left, and its left child is itself, so a row
// that reached a leaf stays there. This lets a block of rows walk a tree in
// lockstep, their independent chains of loads overlapping.
type compiled struct {
	feat  []int32
	thr   []float64
	left  []int32
	flags []uint8
}

func compile(m *Model) *compiled {
	n := len(m.Feature)
	c := &compiled{feat: make([]int32, n), thr: make([]float64, n), left: make([]int32, n), flags: make([]uint8, n)}
	for i := range n {
		if m.Feature[i] < 0 {
			c.thr[i] = math.Inf(1)
			c.left[i] = int32(i)
			c.flags[i] = flagLeaf | flagDefaultLeft
			continue
		}
		c.feat[i], c.thr[i], c.left[i] = m.Feature[i], m.Threshold[i], m.Left[i]
		if m.DefaultLeft[i] {
			c.flags[i] |= flagDefaultLeft
		}
		if m.CatLen[i] > 0 {
			c.flags[i] |= flagCategorical
		}
	}
	return c
}

// lanes is the number of rows that walk a tree in lockstep.
const lanes = 8

// marginsBlock adds the leaf values of every tree to out[k] for the rows
// data[k*cols:(k+1)*cols], k < lanes (len(out) == lanes), walking the
// rows through each tree together.
func (m *Model) marginsBlock(c *compiled, data []float64, cols int, out []float64) {
	out = out[:lanes]
	feat, thr, left, flags := c.feat, c.thr, c.left, c.flags
	var base [lanes]int
	for k := range base {
		base[k] = k * cols
	}
	for _, root := range m.Roots {
		var n [lanes]int32
		for k := range n {
			n[k] = root
		}
		for {
			all := uint8(flagLeaf)
			for k := range n {
				nk := n[k]
				fl := flags[nk]
				all &= fl
				v := data[base[k]+int(feat[nk])]
				if fl&flagCategorical != 0 {
					n[k] = left[nk] + 1 - b2i(m.goLeft(nk, v))
					continue
				}
				goL := b2i(v <= thr[nk]) | (int32(fl&flagDefaultLeft) & b2i(v != v))
				n[k] = left[nk] + 1 - goL
			}
			if all != 0 {
				break
			}
		}
		for k := range n {
			out[k] += m.Value[n[k]]
		}
	}
}

// PredictMargins writes Margin of every row of X to out using up to threads
// goroutines (0 = GOMAXPROCS). Rows walk each tree in lockstep blocks of
// 8; every row's sum is formed in tree order, as in Margin, so the results
// are bit-identical to Margin. It does not allocate per row.
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
		for ; i+lanes <= hi; i += lanes {
			o := out[i : i+lanes]
			for k := range o {
				o[k] = m.BaseScore
			}
			m.marginsBlock(c, X.Data[i*cols:(i+lanes)*cols], cols, o)
		}
		for ; i < hi; i++ {
			out[i] = m.Margin(X.Data[i*cols : (i+1)*cols])
		}
	})
}
