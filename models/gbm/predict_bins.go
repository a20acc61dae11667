package gbm

import (
	"math"
	"math/bits"
	"slices"
)

// binned is a form of a model's trees in which a row is first mapped to one
// byte per column, its bin, and every split compares bins: 8 times less
// data per row than float64 values, so a chunk of rows stays in L1 cache.
// The bins decide every split exactly as the values do:
//
//   - numeric column j with sorted distinct split thresholds T_j
//     (at most maxEdges): bin(v) = #{t in T_j : t < v}, so v <= T_j[k]
//     exactly when bin(v) <= k; a missing value's bin is binMissing,
//     above every k;
//   - categorical column (all its splits sets of at most 64 codes): bin(v)
//     = v when v is a code in [0, 64), binOther for any other value and
//     binCatMissing when missing (see catSet);
//   - narrow categorical column, one whose splits use at most 62 of the 64
//     codes: two codes z and m that no split uses stand in for binOther
//     and binCatMissing (a value m itself gets bin z, as no split uses
//     either), so every bin is below 64 and a node's left bins are a table
//     of 64 bytes, one per bin (kindCat).
//
// Models it cannot express (a category set of more than 64 codes, more
// than maxEdges thresholds on a column, a NaN threshold, a column split
// both ways, more than 1<<16 columns) keep the float64 form.
type binned struct {
	search []*searchTree // per numeric column: its thresholds T_j as a search tree
	cat    []bool        // per column: categorical
	// per categorical column: the bins of values that are no code in
	// [0, 64) and of missing values (binOther and binCatMissing, or z and
	// m for a narrow column)
	catOther, catMiss []uint8
	used              []int32 // columns split on, ascending
	nodes             []bnode
	// lefts holds the tables of the kindCat nodes, 64 bytes each: byte c
	// of a node's table is 1 when bin c goes left, else 0.
	lefts []uint8
}

// Bins of special values.
const (
	binOther   = 64  // categorical value that is no code in [0, 64)
	binMissing = 255 // NaN
	// binCatMissing is the bin of a missing categorical value: codes,
	// binOther and it fit in the 128 bits of catSet.
	binCatMissing = 65
	maxEdges      = 254 // thresholds per numeric column (bins 0..254)
)

// bnode is one node of the binned form: kindLeaf with its value's bits in
// bits; kindLE (left when bin <= k); kindNotGT (left when bin <= k-1 or
// missing: k holds the threshold index plus one, compared to bin+1 in
// uint8, where a missing bin wraps to 0); kindCat, on a narrow column
// (left when byte bin of its table, binned.lefts[bits:bits+64], is 1: the
// node's codes, and m when missing values go left); kindCatPair, on
// another categorical column (left when bit bin of catSet(bits, k) is
// set: a code of bits, or missing when k is 1).
type bnode struct {
	bits uint64
	left int32
	col  uint16
	kind uint8
	k    uint8 // threshold bin; for kindCatPair 1 when missing values go left
}

// kindCatPair is the binned form's kind for a categorical node on a
// column that is not narrow (see binned).
const kindCatPair = kindCatWide + 1

// compileBins returns the binned form of m, or nil when m has a split it
// cannot express.
func compileBins(m *Model) *binned {
	cols := len(m.Columns)
	for _, f := range m.Feature {
		cols = max(cols, int(f)+1)
	}
	if cols > 1<<16 {
		return nil
	}
	b := &binned{search: make([]*searchTree, cols), cat: make([]bool, cols), nodes: make([]bnode, len(m.Feature)),
		catOther: make([]uint8, cols), catMiss: make([]uint8, cols)}
	num := make([]bool, cols)
	thr := make([][]float64, cols)
	codes := make([]uint64, cols) // per categorical column: the codes its splits use
	for n, f := range m.Feature {
		switch {
		case f < 0:
		case m.CatLen[n] > 1:
			return nil
		case m.CatLen[n] == 1:
			b.cat[f] = true
			codes[f] |= m.CatBits[m.CatStart[n]]
		default:
			t := m.Threshold[n]
			if t != t {
				return nil
			}
			num[f] = true
			thr[f] = append(thr[f], t)
		}
	}
	for j := range cols {
		if num[j] && b.cat[j] {
			return nil
		}
		if num[j] || b.cat[j] {
			b.used = append(b.used, int32(j))
		}
		b.catOther[j], b.catMiss[j] = binOther, binCatMissing
		if free := ^codes[j]; bits.OnesCount64(free) >= 2 {
			z := bits.TrailingZeros64(free)
			b.catOther[j], b.catMiss[j] = uint8(z), uint8(bits.TrailingZeros64(free&^(1<<z)))
		}
		e := thr[j]
		if len(e) == 0 {
			continue
		}
		slices.Sort(e)
		e = slices.Compact(e) // == merges -0 and +0, which split alike
		if len(e) > maxEdges {
			return nil
		}
		thr[j] = e
		b.search[j] = newSearchTree(e)
	}
	for n, f := range m.Feature {
		switch {
		case f < 0:
			b.nodes[n] = bnode{kind: kindLeaf, left: int32(n), bits: math.Float64bits(m.Value[n])}
		case m.CatLen[n] == 1:
			nd := bnode{kind: kindCatPair, col: uint16(f), left: m.Left[n], bits: m.CatBits[m.CatStart[n]], k: uint8(bit(m.DefaultLeft[n]))}
			if miss := b.catMiss[f]; miss < 64 {
				codes := nd.bits | uint64(nd.k)<<miss
				nd.kind, nd.k, nd.bits = kindCat, 0, uint64(len(b.lefts))
				for c := range 64 {
					b.lefts = append(b.lefts, uint8(codes>>c&1))
				}
			}
			b.nodes[n] = nd
		default:
			k, _ := slices.BinarySearch(thr[f], m.Threshold[n])
			nd := bnode{kind: kindLE, col: uint16(f), left: m.Left[n], k: uint8(k)}
			if m.DefaultLeft[n] {
				nd.kind, nd.k = kindNotGT, uint8(k+1)
			}
			b.nodes[n] = nd
		}
	}
	return b
}

// searchTree holds the sorted thresholds T_j of a numeric column (at most
// maxEdges), padded with +Inf to 255 entries p[0..254], as a complete
// binary search tree in breadth-first order (Eytzinger): node i at t[i]
// (1 <= i <= 255), its children at 2i and 2i+1, the in-order walk being
// p; t[0] is unused. Eight steps down from node 1 (down) end at
// i = 256 + #{k : p[k] < v}, which wraps in uint8 to v's bin. Each step
// is a load, a comparison and a shift, where a binary search over p also
// adds and masks its bounds. The tree holds the thresholds negated, -p,
// and a step compares -v < -p[k] (the same as p[k] < v): so in the
// assembly kernel one comparison's carry flag is the step, and a NaN,
// unordered, sets it at every step and ends at binMissing.
type searchTree [256]float64

// newSearchTree returns the search tree of the sorted thresholds e.
func newSearchTree(e []float64) *searchTree {
	t := new(searchTree)
	k := 0
	var place func(i int)
	place = func(i int) {
		if i > 255 {
			return
		}
		place(2 * i)
		t[i] = math.Inf(-1)
		if k < len(e) {
			t[i] = -e[k]
		}
		k++
		place(2*i + 1)
	}
	place(1)
	return t
}

// down returns the node below node i on the way of value -nv: 2i+1 when
// nv < t[i] (the threshold is below the value), else 2i, in uint8 (the
// last step wraps to the bin; NaN ends at bin 0).
func (t *searchTree) down(i uint8, nv float64) uint8 {
	return i<<1 | uint8(bit(nv < t[i]))
}

// catBin returns the bin of value v in a categorical column whose bins of
// other values and of missing ones are other and miss (see binned).
func catBin(v float64, other, miss uint8) uint8 {
	k := int64(v)
	c := other
	if uint64(k) < 64 && float64(k) == v && uint8(k) != miss {
		c = uint8(k)
	}
	if v != v {
		c = miss
	}
	return c
}

// fill writes the bins of the rows data (row-major, cols columns, n <=
// stride rows) to bins column-major: column j of row r at j*stride + r
// (bins holds (columns-1)*stride + binSpan entries). Columns no
// split uses are left as they are.
func (b *binned) fill(bins []uint8, stride int, data []float64, cols, n int) {
	data = data[:n*cols]
	for _, j := range b.used {
		col := (*[chunkRows]uint8)(bins[int(j)*stride:])
		if t := b.search[j]; t != nil {
			binNumeric(t, col, data[j:], cols, n)
			continue
		}
		other, miss := b.catOther[j], b.catMiss[j]
		for r := range n {
			col[r&rowMask] = catBin(data[r*cols+int(j)], other, miss)
		}
	}
}

// binNumericGo writes to col[r] the bin of value v[r*cols] (from <= r <
// n) in a numeric column whose search tree is t: 8 steps down the tree
// (down), then binMissing for NaN. Four rows descend together, as
// independent chains of loads. binNumeric is this loop, in assembly on
// amd64.
//
//go:noinline
func binNumericGo(t *searchTree, col *[chunkRows]uint8, v []float64, cols, from, n int) {
	r := from
	for ; r+4 <= n; r += 4 {
		w := v[r*cols:]
		v0, v1, v2, v3 := -w[0], -w[cols], -w[2*cols], -w[3*cols]
		i0, i1, i2, i3 := t.down(1, v0), t.down(1, v1), t.down(1, v2), t.down(1, v3)
		i0, i1, i2, i3 = t.down(i0, v0), t.down(i1, v1), t.down(i2, v2), t.down(i3, v3)
		i0, i1, i2, i3 = t.down(i0, v0), t.down(i1, v1), t.down(i2, v2), t.down(i3, v3)
		i0, i1, i2, i3 = t.down(i0, v0), t.down(i1, v1), t.down(i2, v2), t.down(i3, v3)
		i0, i1, i2, i3 = t.down(i0, v0), t.down(i1, v1), t.down(i2, v2), t.down(i3, v3)
		i0, i1, i2, i3 = t.down(i0, v0), t.down(i1, v1), t.down(i2, v2), t.down(i3, v3)
		i0, i1, i2, i3 = t.down(i0, v0), t.down(i1, v1), t.down(i2, v2), t.down(i3, v3)
		i0, i1, i2, i3 = t.down(i0, v0), t.down(i1, v1), t.down(i2, v2), t.down(i3, v3)
		col[r&rowMask] = i0 | uint8(-bit(v0 != v0))
		col[(r+1)&rowMask] = i1 | uint8(-bit(v1 != v1))
		col[(r+2)&rowMask] = i2 | uint8(-bit(v2 != v2))
		col[(r+3)&rowMask] = i3 | uint8(-bit(v3 != v3))
	}
	for ; r < n; r++ {
		x := -v[r*cols]
		i := uint8(1)
		for range 8 {
			i = t.down(i, x)
		}
		col[r&rowMask] = i | uint8(-bit(x != x))
	}
}

// binLeft returns 1 when bin c goes to the left child of internal node nd,
// else 0.
func (b *binned) binLeft(nd *bnode, c uint8) int {
	switch nd.kind {
	case kindLE:
		return bit(c <= nd.k)
	case kindNotGT:
		return bit(c+1 <= nd.k)
	case kindCat:
		return int(b.left(nd)[c&63])
	default:
		set := catSet(nd.bits, int(nd.k))
		return int(set[c>>6&1] >> (c & 63) & 1)
	}
}

// The binned kernels below index with uint16 row numbers and positions
// into slices of exactly 1<<16 entries (binSpan), so that the compiler
// drops every bounds check and mask from their loops: a column of the
// chunk's bins is viewed from its start over binSpan bytes (the bins
// buffer is padded for it) and the row buffers hold binSpan entries, of
// which only the first chunkRows are used. A row's slot, l or l + q (see
// splitLE), is picked with a conditional move (the if below compiles to
// CMOV, not a branch): one instruction fewer per row than masking q with
// g-1, and 6-7% less CPU per predicted row in alternating passes on the 1M
// bench/gbm models.
const binSpan = 1 << 16

// splitBinLEGo is splitLE on bins: left when col[r] <= k. splitBinLE is
// this loop, in assembly on amd64.
//
//go:noinline
func splitBinLEGo(src []uint16, dst []uint16, lo, hi int, col []uint8, k uint8) int {
	dst, col = dst[:binSpan], col[:binSpan]
	l, q := uint16(lo), uint16(hi-1-lo)
	for _, r := range src {
		c := col[r]
		p := l + q
		if c <= k {
			p = l
		}
		dst[p] = r
		l += uint16(bit(c <= k))
		q--
	}
	return int(l) - lo
}

// splitBinNotGTGo is splitLE on bins: left when col[r]+1 <= k in uint8
// (see bnode). splitBinNotGT is this loop, in assembly on amd64.
//
//go:noinline
func splitBinNotGTGo(src []uint16, dst []uint16, lo, hi int, col []uint8, k uint8) int {
	dst, col = dst[:binSpan], col[:binSpan]
	l, q := uint16(lo), uint16(hi-1-lo)
	for _, r := range src {
		c := col[r] + 1
		p := l + q
		if c <= k {
			p = l
		}
		dst[p] = r
		l += uint16(bit(c <= k))
		q--
	}
	return int(l) - lo
}

// splitBinCatGo is splitLE on bins for a kindCat node with table left:
// left when left[col[r]] is 1 (a load, where a bit test of a 64-bit set
// compiles to more instructions in Go). splitBinCat is this loop, in
// assembly on amd64.
//
//go:noinline
func splitBinCatGo(src []uint16, dst []uint16, lo, hi int, col []uint8, left *[64]uint8) int {
	dst, col = dst[:binSpan], col[:binSpan]
	l, q := uint16(lo), uint16(hi-1-lo)
	lt := *left // on the stack, where the loop needs no nil check
	for _, r := range src {
		g := uint16(lt[col[r]&63])
		p := l + q
		if g != 0 {
			p = l
		}
		dst[p] = r
		l += g
		q--
	}
	return int(l) - lo
}

// splitBinCatPair is splitLE on bins for a kindCatPair node.
//
//go:noinline
func splitBinCatPair(src []uint16, dst []uint16, lo, hi int, col []uint8, bits uint64, miss int) int {
	dst, col = dst[:binSpan], col[:binSpan]
	l, q := uint16(lo), uint16(hi-1-lo)
	set := catSet(bits, miss)
	for _, r := range src {
		c := col[r]
		g := uint16(set[c>>6&1] >> (c & 63) & 1)
		p := l + q
		if g != 0 {
			p = l
		}
		dst[p] = r
		l += g
		q--
	}
	return int(l) - lo
}

// treeBins is scorer.tree on the binned form, adding to s.sum.
func (s *scorer) treeBins(root int32, n int) {
	nodes := s.c.bins.nodes
	out := &s.sum
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
			v := math.Float64frombits(nd.bits)
			for _, r := range src {
				out[r&rowMask] += v
			}
			continue
		}
		if len(src) < walkBelow {
			for _, r := range src {
				out[r&rowMask] += s.walkBins(f.node, int(r))
			}
			continue
		}
		col := s.bins[int(nd.col)*s.binStride:]
		if l, r := &nodes[nd.left], &nodes[nd.left+1]; l.kind == kindLeaf && r.kind == kindLeaf {
			twigBins(s.c.bins, nd, src, col, out, math.Float64frombits(l.bits), math.Float64frombits(r.bits))
			continue
		}
		dst := s.idx[ob][:]
		lo, hi := int(f.lo), int(f.hi)
		var nl int
		switch nd.kind {
		case kindLE:
			nl = splitBinLE(src, dst, lo, hi, col, nd.k)
		case kindNotGT:
			nl = splitBinNotGT(src, dst, lo, hi, col, nd.k)
		case kindCat:
			nl = splitBinCat(src, dst, lo, hi, col, s.c.bins.left(nd))
		default:
			nl = splitBinCatPair(src, dst, lo, hi, col, nd.bits, int(nd.k))
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

// twigBins adds to out[r], for each row r of src, the value of the leaf
// it reaches from internal node nd, whose children are both leaves: vl
// on the left, vr on the right. The rows are not split, so their leaves
// cost no pass of their own. The loops are twigLE, twigNotGT and twigCat
// (in assembly on amd64) and the one below.
//
//go:noinline
func twigBins(b *binned, nd *bnode, src []uint16, col []uint8, out *[chunkRows]float64, vl, vr float64) {
	col = col[:binSpan]
	v := [2]float64{vr, vl}
	k := nd.k
	switch nd.kind {
	case kindLE:
		twigLE(src, col, out, k, &v)
	case kindNotGT:
		twigNotGT(src, col, out, k, &v)
	case kindCat:
		twigCat(src, col, out, b.left(nd), &v)
	default:
		set := catSet(nd.bits, int(k))
		for _, r := range src {
			c := col[r]
			out[r&rowMask] += v[set[c>>6&1]>>(c&63)&1]
		}
	}
}

// twigLEGo adds v[1] to out[r] for the rows r of src with col[r] <= k,
// v[0] to the others.
func twigLEGo(src []uint16, col []uint8, out *[chunkRows]float64, k uint8, v *[2]float64) {
	col = col[:binSpan]
	for _, r := range src {
		out[r&rowMask] += v[bit(col[r] <= k)]
	}
}

// twigNotGTGo is twigLEGo for col[r]+1 <= k in uint8 (see bnode).
func twigNotGTGo(src []uint16, col []uint8, out *[chunkRows]float64, k uint8, v *[2]float64) {
	col = col[:binSpan]
	for _, r := range src {
		out[r&rowMask] += v[bit(col[r]+1 <= k)]
	}
}

// twigCatGo is twigLEGo for left[col[r]&63] == 1 (a kindCat node).
func twigCatGo(src []uint16, col []uint8, out *[chunkRows]float64, left *[64]uint8, v *[2]float64) {
	col = col[:binSpan]
	for _, r := range src {
		out[r&rowMask] += v[left[col[r]&63]&1]
	}
}

// walkBins returns the leaf value that chunk row r reaches from node n of
// the binned form.
func (s *scorer) walkBins(n int32, r int) float64 {
	nodes := s.c.bins.nodes
	for {
		nd := &nodes[n]
		if nd.kind == kindLeaf {
			return math.Float64frombits(nd.bits)
		}
		n = nd.left + 1 - int32(s.c.bins.binLeft(nd, s.bins[int(nd.col)*s.binStride+r]))
	}
}

// left returns the table of kindCat node nd.
func (b *binned) left(nd *bnode) *[64]uint8 {
	return (*[64]uint8)(b.lefts[nd.bits:])
}

// catSet returns the bins that go left at a categorical node with codes
// bits, missing values going left when miss is 1: bit c of the 128 bits
// for bin c (binOther never, binCatMissing when miss).
func catSet(bits uint64, miss int) [2]uint64 {
	return [2]uint64{bits, uint64(miss&1) << (binCatMissing - 64)}
}
