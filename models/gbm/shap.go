package gbm

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"sync"
	"unsafe"

	"github.com/leadscore/leadscore/features"
)

// Exact path-dependent TreeSHAP (Lundberg et al. 2018), reorganised so that
// explaining a row costs one pass over every tree's nodes plus, for most
// leaves, reading one row of precomputed terms.
//
// For a leaf l with value v and distinct path features D (d = |D|), let
// z_j be the product of the cover ratios cover(child)/cover(parent) of the
// path edges on feature j (the path-dependent probability of following
// them when j is unknown) and o_j ∈ {0,1} whether row x satisfies every
// path condition on j. Path-dependent TreeSHAP gives feature i ∈ D
//
//	φ_i += v (o_i - z_i) Σ_{S ⊆ D\{i}} w(|S|, d) Π_{j∈S} o_j Π_{j∈D\S\{i}} z_j,
//	w(s, d) = s! (d-s-1)! / d!.
//
// Only subsets of the hot set H = {j : o_j = 1} survive. With
// Z(K) = Π_{j∈D\K} z_j, S(K) = Σ_s w(s, d) e_{|K|-s}(z_K) (e_k the
// elementary symmetric polynomials) and W(K) = v Z(K) S(K):
//
//	i ∉ H (cold):  φ_i -= W(H)
//	i ∈ H (hot):   φ_i += v Z(H) (1 - z_i) S(H\{i}) = u_i W(H\{i}),  u_i = (1 - z_i)/z_i.
//
// Per tree and row, one top-down pass over the internal nodes decides each
// split and derives every node's hot set H (bit k: the k-th distinct
// feature on the path so far) from its parent's: the child the row follows
// keeps the bit of the split feature, or sets it when the feature is new
// on the path; the other child clears it. Then every leaf adds its d terms,
// found from H by one of (the row-independent parts precomputed on first
// use, as in Fast TreeSHAP v2, Yang 2021):
//
//   - a row table (d <= rowD): for every H, the d terms themselves,
//     adjacent;
//   - a W table (d <= maxTableD): W(K) for every subset K, and u;
//   - the recurrence on the elementary symmetric polynomials of the hot
//     zero fractions, O(d |H|), for larger leaves or ones past the memory
//     budget.
//
// Two sibling leaves small enough for rows share one row holding the sum
// of their terms, and so does a leaf beside such a pair (see shapTwig);
// two sibling leaves with W tables share one table (see buildWTwig).
// SHAPMatrix walks each tree with 16 rows in lockstep, their values
// transposed and their categorical values coded once for all trees (see
// laneRows); SHAP, for one row, codes its categorical values once too and
// first touches the table lines it will read when the tables are too large
// to stay in cache. Trees with more than 64 distinct features on a path
// evaluate every leaf's path instead (see wideTree).

// shapTables holds the row-independent TreeSHAP quantities of a model. It
// is built on first use (once, safe for concurrent callers) and never
// serialised.
type shapTables struct {
	once     sync.Once
	expected float64   // base + Σ_t Σ_l v_l cover_l / cover_root
	w        []float64 // w[d*stride+s] = s!(d-s-1)!/d!
	stride   int
	trees    []shapTree
	nodes    []shapNode // internal nodes, tree by tree, parents first
	leaves   []shapLeaf
	twigs    []shapTwig
	wtwigs   []shapTwig // twigs of W-table leaves: tab[tw.tab+2i] = C(i), [+1] = P(i)
	feat     []int32    // column of every leaf's path positions
	z        []float64  // their zero fractions
	u        []float64  // (1-z)/z for table leaves
	tab      []float64  // W(K) of W-table leaves
	rows     []float64  // rows of row-table leaves
	steps    []shapStep
	catCols  []int32 // the columns of snCat nodes; node.cat indexes them
	maxNodes int     // most nodes in one tree
	maxInt   int     // most internal nodes in one tree
	scratch  sync.Pool
}

// shapTree locates one tree in shapTables. Nodes are numbered locally
// (model node - root), so parents come before children.
type shapTree struct {
	root               int32
	size               int32 // local node count
	nodeStart, nodeEnd int32
	leafStart, leafEnd int32
	rowStart           int32 // leaves [leafStart,rowStart) are in twigs[twigStart:twigEnd],
	rowEnd, wEnd       int32 // [rowStart,rowEnd) are leafRows, [rowEnd,wEnd) leafW
	twigStart, twigEnd int32
	wtwigStart         int32 // and in wtwigs[wtwigStart:wtwigEnd]
	wtwigEnd           int32
	wide               bool  // a path has more than 64 distinct features
	maxCol             int32 // the highest column of its splits
}

// shapNode is an internal node: the row goes to local node left when
// numeric: x[col] <= thr; categorical (≤ 64 codes): x's bit in thr's bits
// is set; wide categorical: Model.goLeft(root+self); missing values go
// left exactly with snDefaultLeft. pos is the position of col among the
// distinct features of the path from the root through this node.
type shapNode struct {
	thr   float64
	col   int32
	self  int32
	left  int32  // right child = left+1
	cat   uint16 // snCat: index of col in catCols
	pos   uint8
	flags uint8
}

// shapNode flags.
const (
	snNew         = 1 << iota // col does not occur above this node
	snDefaultLeft             // missing values go left
	snCat                     // categorical, codes < 64 in thr's bits
	snCatWide                 // categorical with more codes: Model.goLeft
)

// shapLeaf is one leaf at local node local with value v and d distinct
// path features at feat[off:off+d] (position order). Its kind says how its
// terms are found: a row table (offset tab in rows), a W table (offset tab
// in tab) or the recurrence. Wide trees list the leaf's path in
// steps[step:step+nstep].
type shapLeaf struct {
	value float64
	local int32
	d     int32
	off   int32
	tab   int32
	kind  int32
	step  int32
	nstep int32
}

// Leaf kinds, in the order a tree's leaves are visited.
const (
	leafTwig  = iota // in a shapTwig with its sibling
	leafRows         // rows[tab+d*H+k] = the term of position k for hot set H
	leafW            // tab[tab+K] = W(K) for every subset K
	leafRecur        // none of these: recurLeaf
)

// shapTwig is an internal node at local node left-1's parent whose two
// children, left and left+1, are leaves with at most rowD distinct path
// features: the same d features at feat[off:off+d], the split's at
// position pos. The twig stores the sum of both leaves' terms in one row
// per pair of hot sets that can occur together, at rows[tab+d*i]:
// i = H_left when the split's feature is new on the path (the children
// differ in bit pos), otherwise H_left + 2^d H_right's bit pos (they agree
// elsewhere). Explaining a row then reads one line for both leaves.
//
// A row twig whose sibling is a leaf small enough for rows (a sprig) also
// holds that leaf's terms: its path features are the twig's first d' = d -
// (1 - rep) and its hot set follows from the twig's but for bit lpos, the
// parent's split: the complement of the twig's when that feature is new
// there (lrep = 0), else the leaf's own bit, stored as bit d+rep of i.
type shapTwig struct {
	left int32
	d    int32
	off  int32
	tab  int32
	leaf int32 // the sprig's leaf (local node); left when none
	pos  uint8
	rep  uint8 // 1: the split's feature occurs above it
	lpos uint8 // the sprig's parent split position
	lrep uint8 // 1: its feature occurs above the parent
}

// rows returns the number of rows of twig tw: one per index i.
func (tw *shapTwig) rows() int { return 1 << (tw.d + int32(tw.rep) + int32(tw.lrep)) }

// twigIndex returns the row of a twig for the hot sets hl and hr of its
// leaves and hs of its sprig's leaf, given sh = d, lsh = d+rep and the
// masks rep = -tw.rep, lrep = -tw.lrep.
func twigIndex(hl, hr, hs uint64, pos, sh, lpos, lsh uint, rep, lrep uint64) uint64 {
	return hl | (hr>>pos&1)<<sh&rep | (hs>>lpos&1)<<lsh&lrep
}

// shapStep is one edge of a wide tree's leaf path: internal node node
// (index in the tree's nodes) taken to the left or right, on the feature
// at position pos.
type shapStep struct {
	node int32
	pos  int32
	left bool
}

// A leaf with d <= rowD distinct path features stores, for every hot set
// H, its d terms in a row of d floats (64 bytes at most: one or two cache
// lines per row explained). One with d <= maxTableD stores W for
// all 2^d subsets (at most 128 KiB). tableBudget caps the floats stored for
// all leaves of a model (128 MiB); minTableZ is the smallest zero fraction
// for which u = (1-z)/z is used.
const (
	rowD        = 8
	maxTableD   = 14
	tableBudget = 1 << 24
	minTableZ   = 1e-100
)

// newShapTables returns the (not yet built) TreeSHAP tables of m.
func newShapTables(m *Model) *shapTables { return &shapTables{} }

// tables returns m's TreeSHAP tables, building them on first use.
func (m *Model) tables() *shapTables {
	t := m.shap
	if t == nil {
		t = newShapTables(m)
	}
	t.once.Do(func() { t.build(m, tableBudget) })
	return t
}

// build precomputes the tables of m, storing at most budget W floats.
func (t *shapTables) build(m *Model, budget int) {
	t.expected = m.BaseScore
	maxD := 1
	type edge struct {
		node  int32 // index in t.nodes
		pos   int32
		left  bool
		ratio float64
	}
	for ti, root := range m.Roots {
		end := int32(len(m.Feature))
		if ti+1 < len(m.Roots) {
			end = m.Roots[ti+1]
		}
		st := shapTree{root: root, size: end - root, nodeStart: int32(len(t.nodes)), leafStart: int32(len(t.leaves))}
		index := make(map[int32]int32) // model node -> index in t.nodes
		for n := root; n < end; n++ {
			if m.Feature[n] < 0 {
				continue
			}
			index[n] = int32(len(t.nodes))
			nd := shapNode{col: m.Feature[n], self: n - root, left: m.Left[n] - root, thr: m.Threshold[n]}
			if m.DefaultLeft[n] {
				nd.flags |= snDefaultLeft
			}
			switch {
			case m.CatLen[n] == 1 && len(t.catCols) < 1<<16:
				nd.flags |= snCat
				nd.thr = math.Float64frombits(m.CatBits[m.CatStart[n]])
				c := slices.Index(t.catCols, nd.col)
				if c < 0 {
					c = len(t.catCols)
					t.catCols = append(t.catCols, nd.col)
				}
				nd.cat = uint16(c)
			case m.CatLen[n] == 1:
				nd.flags |= snCatWide
			case m.CatLen[n] > 1:
				nd.flags |= snCatWide
			}
			t.nodes = append(t.nodes, nd)
			st.maxCol = max(st.maxCol, nd.col)
		}
		st.nodeEnd = int32(len(t.nodes))
		// Depth-first walk keeping the path and its distinct features.
		var path []edge
		var feats []int32
		var walk func(n int32)
		walk = func(n int32) {
			if m.Feature[n] < 0 {
				d := len(feats)
				maxD = max(maxD, d)
				if d > 64 {
					st.wide = true
				}
				zs := make([]float64, d)
				for k := range zs {
					zs[k] = 1
				}
				l := shapLeaf{value: m.Value[n], local: n - root, d: int32(d), off: int32(len(t.feat)), tab: -1, kind: leafRecur, step: int32(len(t.steps)), nstep: int32(len(path))}
				for _, e := range path {
					zs[e.pos] *= e.ratio
					t.steps = append(t.steps, shapStep{node: e.node - st.nodeStart, pos: e.pos, left: e.left})
				}
				t.feat = append(t.feat, feats...)
				t.z = append(t.z, zs...)
				t.leaves = append(t.leaves, l)
				if m.Cover[root] > 0 {
					t.expected += m.Value[n] * m.Cover[n] / m.Cover[root]
				}
				return
			}
			i := index[n]
			f := m.Feature[n]
			pos := -1
			for k, g := range feats {
				if g == f {
					pos = k
				}
			}
			if pos < 0 {
				pos = len(feats)
				feats = append(feats, f)
				t.nodes[i].flags |= snNew
			}
			t.nodes[i].pos = uint8(min(pos, 255))
			l := m.Left[n]
			for c, child := range []int32{l, l + 1} {
				r := 0.0
				if m.Cover[n] > 0 {
					r = m.Cover[child] / m.Cover[n]
				}
				path = append(path, edge{node: i, pos: int32(pos), left: c == 0, ratio: r})
				walk(child)
				path = path[:len(path)-1]
			}
			if t.nodes[i].flags&snNew != 0 {
				feats = feats[:len(feats)-1]
			}
		}
		walk(root)
		st.leafEnd = int32(len(t.leaves))
		if !st.wide {
			t.steps = t.steps[:t.leaves[st.leafStart].step]
		}
		t.maxNodes = max(t.maxNodes, int(st.size))
		t.maxInt = max(t.maxInt, int(st.nodeEnd-st.nodeStart))
		t.trees = append(t.trees, st)
	}
	t.stride = maxD + 1
	t.w = make([]float64, (maxD+1)*t.stride)
	for d := 1; d <= maxD; d++ {
		// w(0,d) = 1/d; w(s+1,d) = w(s,d) (s+1)/(d-s-1).
		w := 1 / float64(d)
		for s := 0; s < d; s++ {
			t.w[d*t.stride+s] = w
			if s+1 < d {
				w *= float64(s+1) / float64(d-s-1)
			}
		}
	}
	// Choose every leaf's kind within the budget, then fill the tables.
	t.u = make([]float64, len(t.z))
	var nRows, nW int
	for ti := range t.trees {
		st := &t.trees[ti]
		if st.wide {
			continue
		}
		leaves := t.leaves[st.leafStart:st.leafEnd]
		// Twigs first: a node whose children are leaves small enough for
		// rows.
		byLocal := make(map[int32]*shapLeaf, len(leaves))
		for li := range leaves {
			byLocal[leaves[li].local] = &leaves[li]
		}
		st.twigStart = int32(len(t.twigs))
		st.wtwigStart = int32(len(t.wtwigs))
		rowBase := nRows
		twigAt := make(map[int32]int) // twig node -> index in t.twigs
		for _, nd := range t.nodes[st.nodeStart:st.nodeEnd] {
			a, b := byLocal[nd.left], byLocal[nd.left+1]
			if a == nil || b == nil || a.d == 0 || a.d > maxTableD {
				continue
			}
			tw := shapTwig{left: nd.left, leaf: nd.left, d: a.d, off: a.off, pos: nd.pos}
			if nd.flags&snNew == 0 {
				tw.rep = 1
			}
			if a.d <= rowD {
				size := int(a.d) * tw.rows()
				if nRows+nW+size > budget {
					continue
				}
				nRows += size // offsets below, once the sprigs are known
				twigAt[nd.self] = len(t.twigs)
				t.twigs = append(t.twigs, tw)
			} else {
				// Both leaves share the zero fractions of every position but
				// the split's, so the twig needs u only there.
				size := 2 << (a.d + int32(tw.rep))
				if nRows+nW+size > budget || !t.zAbove(a, minTableZ) {
					continue
				}
				tw.tab = int32(nW)
				nW += size
				t.wtwigs = append(t.wtwigs, tw)
			}
			a.kind, b.kind = leafTwig, leafTwig
		}
		st.twigEnd = int32(len(t.twigs))
		st.wtwigEnd = int32(len(t.wtwigs))
		// Sprigs: a row twig and a sibling leaf of the same path.
		for _, nd := range t.nodes[st.nodeStart:st.nodeEnd] {
			for side := range int32(2) {
				ti, ok := twigAt[nd.left+side]
				l := byLocal[nd.left+1-side]
				if !ok || l == nil || l.kind == leafTwig || l.d == 0 {
					continue
				}
				tw := &t.twigs[ti]
				if l.d != tw.d-1+int32(tw.rep) || !slices.Equal(t.feat[l.off:l.off+l.d], t.feat[tw.off:tw.off+l.d]) {
					continue
				}
				lrep := uint8(0)
				if nd.flags&snNew == 0 {
					lrep = 1
				}
				extra := int(tw.d) * tw.rows() * int(lrep)
				if nRows+nW+extra > budget {
					continue
				}
				nRows += extra
				tw.leaf, tw.lpos, tw.lrep = l.local, nd.pos, lrep
				l.kind = leafTwig
			}
		}
		for ti := st.twigStart; ti < st.twigEnd; ti++ {
			tw := &t.twigs[ti]
			tw.tab = int32(rowBase)
			rowBase += int(tw.d) * tw.rows()
		}
		for li := range leaves {
			l := &leaves[li]
			d := int(l.d)
			switch {
			case d == 0 || l.kind == leafTwig:
			case d <= rowD && nRows+nW+d<<d <= budget:
				l.kind, l.tab = leafRows, int32(nRows)
				nRows += d << d
			case d <= maxTableD && nRows+nW+1<<d <= budget && t.zAbove(l, minTableZ):
				l.kind, l.tab = leafW, int32(nW)
				nW += 1 << d
			}
		}
		// Visit leaves by kind and size, so that the loops over positions
		// repeat their trip counts.
		slices.SortStableFunc(leaves, func(a, b shapLeaf) int {
			return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.d, b.d))
		})
		st.rowStart, st.rowEnd, st.wEnd = st.leafStart, st.leafStart, st.leafStart
		for _, l := range leaves {
			if l.kind <= leafTwig {
				st.rowStart++
			}
			if l.kind <= leafRows {
				st.rowEnd++
			}
			if l.kind <= leafW {
				st.wEnd++
			}
		}
		byD := func(a, b shapTwig) int { return cmp.Compare(a.d, b.d) }
		slices.SortStableFunc(t.twigs[st.twigStart:st.twigEnd], byD)
		slices.SortStableFunc(t.wtwigs[st.wtwigStart:st.wtwigEnd], byD)
	}
	t.rows, t.tab = make([]float64, nRows), make([]float64, nW)
	for li := range t.leaves {
		if l := &t.leaves[li]; l.kind == leafRows || l.kind == leafW {
			t.buildTable(l)
		}
	}
	for _, st := range t.trees {
		leaf := make(map[int32]*shapLeaf)
		for li := st.leafStart; li < st.rowStart; li++ {
			leaf[t.leaves[li].local] = &t.leaves[li]
		}
		for _, tw := range t.twigs[st.twigStart:st.twigEnd] {
			t.buildTwig(&tw, leaf[tw.left], leaf[tw.left+1], leaf[tw.leaf])
		}
		for _, tw := range t.wtwigs[st.wtwigStart:st.wtwigEnd] {
			t.buildWTwig(&tw, leaf[tw.left], leaf[tw.left+1])
		}
	}
	t.scratch.New = func() any { return newShapScratch(t.maxNodes, t.maxInt) }
}

// zAbove reports whether every zero fraction of leaf l is at least min.
func (t *shapTables) zAbove(l *shapLeaf, min float64) bool {
	for _, z := range t.z[l.off : l.off+l.d] {
		if !(z >= min) {
			return false
		}
	}
	return true
}

// buildTable fills the row or W table of leaf l: for every subset K of its
// path positions (bit k = position k), W(K) = v Z(K) S(K) or the row of
// terms, -W(K) for k not in K and v Z(K) (1 - z_k) S(K\{k}) for k in K.
func (t *shapTables) buildTable(l *shapLeaf) {
	d := int(l.d)
	z := t.z[l.off : int(l.off)+d]
	n := 1 << d
	p, S := t.subsetSums(l)
	if l.kind == leafW {
		for k, zk := range z {
			t.u[int(l.off)+k] = (1 - zk) / zk
		}
		tab := t.tab[l.tab : int(l.tab)+n]
		for K := range n {
			tab[K] = l.value * p[(n-1)&^K] * S[K]
		}
		return
	}
	termRows(t.rows[l.tab:int(l.tab)+n*d], l.value, z, p, S)
}

// subsetSums returns, for every subset K of leaf l's positions,
// p[K] = Π_{k∈K} z_k and S(K).
func (t *shapTables) subsetSums(l *shapLeaf) (p, S []float64) {
	d := int(l.d)
	z := t.z[l.off : int(l.off)+d]
	wd := t.w[d*t.stride : d*t.stride+d]
	n := 1 << d
	// e[K] = elementary symmetric polynomials of z_K, by adding K's highest
	// position to e(z_{K without it}).
	e := make([]float64, n*(d+1))
	p = make([]float64, n)
	e[0], p[0] = 1, 1
	for K := 1; K < n; K++ {
		top := 63 - bits.LeadingZeros64(uint64(K))
		prev := K &^ (1 << top)
		p[K] = p[prev] * z[top]
		eK, eP := e[K*(d+1):(K+1)*(d+1)], e[prev*(d+1):(prev+1)*(d+1)]
		copy(eK, eP)
		for q := bits.OnesCount(uint(K)); q > 0; q-- {
			eK[q] += z[top] * eP[q-1]
		}
	}
	S = make([]float64, n)
	for K := range n {
		size := bits.OnesCount(uint(K))
		eK := e[K*(d+1) : (K+1)*(d+1)]
		for s := 0; s <= size && s < d; s++ {
			S[K] += wd[s] * eK[size-s]
		}
	}
	return p, S
}

// termRows writes for every subset K of the d positions of a leaf of value
// v the row of its terms: -W(K) for k not in K, v Z(K) (1 - z_k) S(K\{k})
// for k in K, given p[K] = Π_{k∈K} z_k and S.
func termRows(rows []float64, v float64, z, p, S []float64) {
	n := len(S)
	for K := range n {
		r := rows[K*len(z) : (K+1)*len(z)]
		zc := v * p[(n-1)&^K]
		for k, zk := range z {
			r[k] = -zc * S[K]
			if K>>k&1 != 0 {
				r[k] = zc * (1 - zk) * S[K&^(1<<k)]
			}
		}
	}
}

// buildTwig fills the rows of twig tw from its leaves a (left) and b.
// and sprig leaf s (s = a when none).
func (t *shapTables) buildTwig(tw *shapTwig, a, b, s *shapLeaf) {
	d := int(tw.d)
	leafRows := func(l *shapLeaf) []float64 {
		dl := int(l.d)
		r := make([]float64, dl<<dl)
		p, S := t.subsetSums(l)
		termRows(r, l.value, t.z[l.off:int(l.off)+dl], p, S)
		return r
	}
	ra, rb := leafRows(a), leafRows(b)
	var rs []float64
	ds := int(s.d)
	if s != a {
		rs = leafRows(s)
	}
	n := tw.rows()
	nt := 1 << (d + int(tw.rep)) // rows of the twig alone
	rows := t.rows[tw.tab : int(tw.tab)+n*d]
	bit := 1 << tw.pos
	for i := range n {
		hl := i & (1<<d - 1)
		hr := hl ^ bit // new feature: the children differ in bit pos
		if tw.rep == 1 {
			hr = hl&^bit | (i&(nt-1))>>d<<tw.pos
		}
		r := rows[i*d : i*d+d]
		for k := range r {
			r[k] = ra[hl*d+k] + rb[hr*d+k]
		}
		if rs == nil {
			continue
		}
		// The sprig leaf's hot set: the twig node's on its ds positions,
		// but for the parent's split.
		hs := (hl | hr) & (1<<ds - 1)
		if tw.lrep == 0 {
			hs ^= 1 << tw.lpos
		} else {
			hs = hs&^(1<<tw.lpos) | (i/nt)<<tw.lpos
		}
		for k, v := range rs[hs*ds : hs*ds+ds] {
			r[k] += v
		}
	}
}

// buildWTwig fills the table of twig tw of W-table leaves a (left) and b.
// For the twig's row i (see shapTwig) the leaves' hot sets H_a and H_b
// agree on every position k but the split's, p, and so do their zero
// fractions, so the sum of the two leaves' terms at k is, with
// C(i) = W_a(H_a) + W_b(H_b), -C(i) when k is cold and u_k C(i\{k}) when
// hot: one table for both leaves. Position p gets P(i), the sum of both
// leaves' terms there, stored as P(i) + C(i) when p is cold in H_a (and u_p
// = 0), so that the loop over positions treats p like the others.
func (t *shapTables) buildWTwig(tw *shapTwig, a, b *shapLeaf) {
	d := int(tw.d)
	n := 1 << d
	full := n - 1
	pa, Sa := t.subsetSums(a)
	pb, Sb := t.subsetSums(b)
	p := int(tw.pos)
	bit := 1 << p
	// w returns W(H) of leaf l and its term at position p.
	w := func(l *shapLeaf, pz, S []float64, H int) (W, term float64) {
		zc := l.value * pz[full&^H]
		W = zc * S[H]
		term = -W
		if H&bit != 0 {
			term = zc * (1 - t.z[int(l.off)+p]) * S[H&^bit]
		}
		return W, term
	}
	ni := n << tw.rep
	tab := t.tab[tw.tab : int(tw.tab)+2*ni]
	for i := range ni {
		hl := i & full
		hr := hl ^ bit
		if tw.rep == 1 {
			hr = hl&^bit | (i>>d)<<p
		}
		wa, ta := w(a, pa, Sa, hl)
		wb, tb := w(b, pb, Sb, hr)
		c, pp := wa+wb, ta+tb
		if hl&bit == 0 {
			pp += c
		}
		tab[2*i], tab[2*i+1] = c, pp
	}
	u := t.u[a.off : int(a.off)+d]
	for k, zk := range t.z[a.off : int(a.off)+d] {
		u[k] = (1 - zk) / zk
	}
	u[p] = 0
}

// shapScratch is the per-goroutine scratch space of treeSHAP.
type shapScratch struct {
	hot       []uint64  // hot set of every local node and lane
	next      []uint64  // SHAP: those of the next tree
	goL       []bool    // per internal node: the row goes left (wide trees)
	o         []bool    // per path position: the row satisfies it (recurTerms)
	zh        []float64 // recurTerms: hot zero fractions,
	e         []float64 // their elementary symmetric polynomials,
	e2        []float64 // those without one of them,
	pre       []float64 // and of prefixes and suffixes
	suf       []float64
	code      []uint8    // SHAP: the row's code in every catCols column (see laneRows)
	lanes     []laneRows // SHAPMatrix: groups of rows transposed, for lanesCols columns
	lanesCols int

	touch float64 // sink of treeSHAP's cache touches
}

func newShapScratch(nodes, internal int) *shapScratch {
	return &shapScratch{hot: make([]uint64, nodes*shapLanes), goL: make([]bool, internal)}
}

// SHAP writes to out (len = number of columns) the exact path-dependent
// TreeSHAP value φ_j of every column for row and returns the expected
// margin E = base + Σ_t Σ_leaves v_l cover_l/cover_root, so that
// E + Σ_j φ_j = Margin(row) up to rounding (1e-9). It is safe for
// concurrent use.
func (m *Model) SHAP(row []float64, out []float64) (expected float64) {
	t := m.tables()
	clear(out)
	sc := t.scratch.Get().(*shapScratch)
	touch := len(t.rows)+len(t.tab) >= touchMin
	sc.code = slices.Grow(sc.code[:0], len(t.catCols))[:len(t.catCols)]
	for k, col := range t.catCols {
		sc.code[k] = catCode(row[col])
	}
	for ti := range t.trees {
		st := &t.trees[ti]
		if st.wide {
			t.wideTree(m, st, row, out, sc)
			continue
		}
		t.decide1(m, st, row, sc.code, sc.hot)
		if touch {
			t.touch(st, sc.hot, sc)
		}
		t.addTerms(st, sc.hot, 1, out, len(row), 1, sc)
	}
	t.scratch.Put(sc)
	return t.expected
}

// SHAPTablesLarge reports whether m's TreeSHAP tables (built now if not
// yet) are too large to stay in cache from one row to the next: then
// SHAPMatrix over many rows costs much less per row than SHAP row by row,
// as it reads every tree's tables once for a block of rows.
func (m *Model) SHAPTablesLarge() bool {
	t := m.tables()
	return len(t.rows)+len(t.tab) >= touchMin
}

// shapLanes is the most rows treeSHAP explains together: they share the loads
// and loop overhead of every node and leaf, and their independent work
// overlaps.
const shapLanes = 16

// treeSHAP adds the TreeSHAP values of tree st for the n <= shapLanes rows
// data[j*cols:(j+1)*cols], transposed in lr, to out[j*cols:(j+1)*cols].
// Every row's values are the same whatever n.
func (t *shapTables) treeSHAP(m *Model, st *shapTree, data []float64, lr *laneRows, out []float64, cols, n int, sc *shapScratch) {
	data, out = data[:n*cols], out[:n*cols]
	if st.wide {
		for j := range n {
			t.wideTree(m, st, data[j*cols:(j+1)*cols], out[j*cols:(j+1)*cols], sc)
		}
		return
	}
	hot := sc.hot[:int(st.size)*shapLanes] // hot[node*shapLanes+j]
	t.decide(m, st, lr, hot)
	t.addTerms(st, hot, shapLanes, out, cols, n, sc)
}

// touchMin is the size of the tables, in floats, from which SHAP touches a
// tree's table lines before reading them: below it, they mostly stay in
// cache between rows. (A variable so that tests can touch small tables.)
var touchMin = 1 << 20

// decide1 is decide for one row whose categorical codes are code, with
// hot[node] its hot sets.
func (t *shapTables) decide1(m *Model, st *shapTree, row []float64, code []uint8, hot []uint64) {
	nodes := t.nodes[st.nodeStart:st.nodeEnd]
	hot = hot[:st.size]
	hot[0] = 0
	for i := range nodes {
		nd := &nodes[i]
		v := row[nd.col]
		var b uint64
		switch nd.flags & (snDefaultLeft | snCat | snCatWide) {
		case 0:
			b = uint64(b2i(v <= nd.thr))
		case snDefaultLeft:
			b = uint64(b2i(!(v > nd.thr)))
		case snCat, snCat | snDefaultLeft:
			c := code[nd.cat]
			sets := [2]uint64{math.Float64bits(nd.thr), uint64(nd.flags>>1&1) << 1}
			b = sets[c>>6&1] >> (c & 63) & 1
		default:
			b = uint64(b2i(m.goLeft(st.root+nd.self, v)))
		}
		bit := uint64(1) << (nd.pos & 63)
		hot[nd.left], hot[nd.left+1] = split(hot[nd.self], b, bit, bit&-uint64(nd.flags&snNew))
	}
}

// laneRows is up to shapLanes rows transposed for decide: vals[c][j] is
// row j's value in column c and codes[k][j] its code in column catCols[k]:
// its category when an integer in [0, 64), 64 when not, 65 when missing.
// Then for a node of snCat with category set s, the row goes left exactly
// when bit code of the 128 bits (s, defaultLeft<<1) is set.
type laneRows struct {
	vals  [][shapLanes]float64
	codes [][shapLanes]uint8
}

// fill sets lr to the n <= shapLanes rows data[j*cols:(j+1)*cols]; lanes
// from n on hold zeros.
func (lr *laneRows) fill(t *shapTables, data []float64, cols, n int) {
	data = data[:n*cols]
	for c := range lr.vals[:cols] {
		v := &lr.vals[c]
		*v = [shapLanes]float64{}
		for j := range n {
			v[j] = data[j*cols+c]
		}
	}
	for k, col := range t.catCols {
		cc := &lr.codes[k]
		for j := range cc {
			cc[j] = 64
			if j < n {
				cc[j] = catCode(data[j*cols+int(col)])
			}
		}
	}
}

// catCode returns the code of categorical value v (see laneRows).
func catCode(v float64) uint8 {
	if c := int64(v); uint64(c) < 64 && float64(c) == v {
		return uint8(c)
	}
	if v != v {
		return 65
	}
	return 64
}

// split returns the hot sets of the children of a node with hot set h
// whose split sends the row left when b = 1 (else b = 0), on the feature
// at path position bit m (nw = m when the feature is new on the path, else
// 0): the child the row follows keeps bit m, or sets it when the feature
// is new; the other child clears it.
func split(h, b, m, nw uint64) (l, r uint64) {
	keep := (h | nw) & m
	base := h &^ m
	return base | -b&keep, base | (b-1)&keep
}

// decide sets hot[node*shapLanes+j] to the hot set of every node of tree
// st for row j of lr: top down, it decides every split and derives the
// children's hot sets.
func (t *shapTables) decide(m *Model, st *shapTree, lr *laneRows, hot []uint64) {
	nodes := t.nodes[st.nodeStart:st.nodeEnd]
	hot = hot[:int(st.size)*shapLanes]
	*(*[shapLanes]uint64)(hot) = [shapLanes]uint64{}
	for i := range nodes {
		nd := &nodes[i]
		bit := uint64(1) << (nd.pos & 63)
		nw := bit & -uint64(nd.flags&snNew)
		hs := (*[shapLanes]uint64)(hot[int(nd.self)*shapLanes:])
		hl := (*[shapLanes]uint64)(hot[int(nd.left)*shapLanes:])
		hr := (*[shapLanes]uint64)(hot[int(nd.left+1)*shapLanes:])
		switch nd.flags & (snDefaultLeft | snCat | snCatWide) {
		case 0: // missing values go right: v <= thr is false for them
			hotLE(hs, hl, hr, &lr.vals[nd.col], nd.thr, bit, nw)
		case snDefaultLeft: // missing values go left: so does v > thr false
			hotNotGT(hs, hl, hr, &lr.vals[nd.col], nd.thr, bit, nw)
		case snCat, snCat | snDefaultLeft:
			hotCat(hs, hl, hr, &lr.codes[nd.cat], [2]uint64{math.Float64bits(nd.thr), uint64(nd.flags>>1&1) << 1}, bit, nw)
		default:
			x := &lr.vals[nd.col]
			for j := range hs {
				hl[j], hr[j] = split(hs[j], uint64(b2i(m.goLeft(st.root+nd.self, x[j]))), bit, nw)
			}
		}
	}
}

// hotLEGo, hotNotGTGo and hotCat are decide's loops over the lanes of a
// node, apart so that their few values stay in registers (hotLE and
// hotNotGT run the first two, or their AVX-512 kernels). A row goes left
// when x <= thr; when not x > thr; when bit c of (sets[0], sets[1]) is set
// for its categorical code c.
//
//go:noinline
func hotLEGo(hs, hl, hr *[shapLanes]uint64, x *[shapLanes]float64, thr float64, bit, nw uint64) {
	for j := range hs {
		hl[j], hr[j] = split(hs[j], uint64(b2i(x[j] <= thr)), bit, nw)
	}
}

//go:noinline
func hotNotGTGo(hs, hl, hr *[shapLanes]uint64, x *[shapLanes]float64, thr float64, bit, nw uint64) {
	for j := range hs {
		hl[j], hr[j] = split(hs[j], uint64(b2i(!(x[j] > thr))), bit, nw)
	}
}

//go:noinline
func hotCat(hs, hl, hr *[shapLanes]uint64, cc *[shapLanes]uint8, sets [2]uint64, bit, nw uint64) {
	for j := range hs {
		c := cc[j]
		hl[j], hr[j] = split(hs[j], sets[c>>6&1]>>(c&63)&1, bit, nw)
	}
}

// touch reads every table line the leaves of tree st read for the single
// row whose hot sets are hot[node], with nothing depending on the loads, so that
// their cache misses overlap (several rows overlap them anyway).
func (t *shapTables) touch(st *shapTree, hot []uint64, sc *shapScratch) {
	rows := t.rows
	var sum float64
	for _, tw := range t.twigs[st.twigStart:st.twigEnd] {
		sum += rows[int(tw.tab)+int(twigRow(&tw, hot, 1, 0))*int(tw.d)]
	}
	for _, l := range t.leaves[st.rowStart:st.rowEnd] {
		sum += rows[int(l.tab)+int(hot[l.local])*int(l.d)]
	}
	for _, tw := range t.wtwigs[st.wtwigStart:st.wtwigEnd] {
		tab := t.tab[tw.tab : int(tw.tab)+2<<(tw.d+int32(tw.rep))]
		mask := uint64(len(tab)/2 - 1)
		i := twigRow(&tw, hot, 1, 0)
		sum += tab[2*(i&mask)]
		for ii := i & (1<<tw.d - 1); ii != 0; ii &= ii - 1 {
			sum += tab[2*((i^ii&-ii)&mask)]
		}
	}
	for _, l := range t.leaves[st.rowEnd:st.wEnd] {
		tab := t.tab[l.tab : l.tab+1<<l.d]
		mask := uint64(len(tab) - 1)
		h := hot[l.local]
		sum += tab[h&mask]
		for hh := h; hh != 0; hh &= hh - 1 {
			sum += tab[(h^hh&-hh)&mask]
		}
	}
	sc.touch = sum
}

// addTerms adds the terms of every leaf of tree st for the n rows whose
// hot sets are hot[node*stride+j] to out[j*cols:(j+1)*cols]. Each kind of
// leaf has its own loop, in a function of its own so that its state stays
// in registers.
func (t *shapTables) addTerms(st *shapTree, hot []uint64, stride int, out []float64, cols, n int, sc *shapScratch) {
	if int(st.maxCol) >= cols || len(out) < n*cols {
		panic("gbm: TreeSHAP output narrower than the model's columns")
	}
	t.addTwigs(t.twigs[st.twigStart:st.twigEnd], hot, stride, out, cols, n)
	t.addWTwigs(t.wtwigs[st.wtwigStart:st.wtwigEnd], hot, stride, out, cols, n)
	t.addRows(t.leaves[st.rowStart:st.rowEnd], hot, stride, out, cols, n)
	t.addW(t.leaves[st.rowEnd:st.wEnd], hot, stride, out, cols, n)
	for li := st.wEnd; li < st.leafEnd; li++ {
		l := &t.leaves[li]
		for j, h := range hot[int(l.local)*stride : int(l.local)*stride+n] {
			t.recurLeaf(l, h, out[j*cols:(j+1)*cols], sc)
		}
	}
}

// The loops below take every leaf's or twig's constants out of the loop
// over rows, and mask shift counts so that they compile to plain shifts.

// addTwigs adds the terms of twigs: one row of terms for both leaves.
func (t *shapTables) addTwigs(twigs []shapTwig, hot []uint64, stride int, out []float64, cols, n int) {
	for ti := range twigs {
		tw := &twigs[ti]
		d := int(tw.d)
		feat := t.feat[tw.off : int(tw.off)+d]
		rows := t.rows[tw.tab:]
		hl := hot[int(tw.left)*stride:][:n]
		hr := hot[int(tw.left+1)*stride:][:n]
		hs := hot[int(tw.leaf)*stride:][:n]
		pos, sh, rep := uint(tw.pos)&63, uint(d)&63, -uint64(tw.rep)
		lpos, lsh, lrep := uint(tw.lpos)&63, uint(d+int(tw.rep))&63, -uint64(tw.lrep)
		// Unchecked loads and stores: i is checked against the twig's rows
		// once, and every f is below cols (addTerms checks the tree's
		// columns).
		nrows := uint64(tw.rows())
		base := unsafe.Pointer(unsafe.SliceData(rows[:int(nrows)*d]))
		for j, h := range hl {
			i := twigIndex(h, hr[j], hs[j], pos, sh, lpos, lsh, rep, lrep)
			if i >= nrows {
				panic("gbm: TreeSHAP twig row out of range")
			}
			r := unsafe.Add(base, int(i)*d*8)
			oj := unsafe.Pointer(unsafe.SliceData(out[j*cols:][:cols]))
			for k, f := range feat {
				*(*float64)(unsafe.Add(oj, int(f)*8)) += *(*float64)(unsafe.Add(r, k*8))
			}
		}
	}
}

// addWTwigs adds the terms of twigs of W-table leaves: C(i) for the cold
// terms, u_k C(i\{k}) for the hot ones, P(i) at the split's position.
func (t *shapTables) addWTwigs(twigs []shapTwig, hot []uint64, stride int, out []float64, cols, n int) {
	for ti := range twigs {
		tw := &twigs[ti]
		d := int(tw.d)
		tab := t.tab[tw.tab : int(tw.tab)+2<<(d+int(tw.rep))]
		mask := uint64(len(tab)/2 - 1)
		feat := t.feat[tw.off : int(tw.off)+d]
		u := t.u[tw.off : int(tw.off)+d]
		u = u[:len(feat)]
		fp := feat[tw.pos]
		hl := hot[int(tw.left)*stride:][:n]
		hr := hot[int(tw.left+1)*stride:][:n]
		pos, sh, rep := uint(tw.pos)&63, uint(d)&63, -uint64(tw.rep)
		for j, h := range hl {
			i := twigIndex(h, hr[j], 0, pos, sh, 0, 0, rep, 0) & mask // no sprigs
			oj := out[j*cols:][:cols]
			e := tab[2*i:][:2]
			cH := -e[0]
			oj[fp] += e[1]
			for k, f := range feat {
				bit := i >> (uint(k) & 63) & 1
				x := u[k] * tab[2*((i^bit<<(uint(k)&63))&mask)]
				sel := [2]float64{cH, x}
				oj[f] += sel[bit]
			}
		}
	}
}

// addRows adds the terms of leaves with a row table: one row of terms.
func (t *shapTables) addRows(leaves []shapLeaf, hot []uint64, stride int, out []float64, cols, n int) {
	for li := range leaves {
		l := &leaves[li]
		d := int(l.d)
		feat := t.feat[l.off : int(l.off)+d]
		rows := t.rows[l.tab:]
		base := unsafe.Pointer(unsafe.SliceData(rows[:d<<d])) // as in addTwigs
		for j, h := range hot[int(l.local)*stride:][:n] {
			if h >= 1<<d {
				panic("gbm: TreeSHAP leaf row out of range")
			}
			r := unsafe.Add(base, int(h)*d*8)
			oj := unsafe.Pointer(unsafe.SliceData(out[j*cols:][:cols]))
			for k, f := range feat {
				*(*float64)(unsafe.Add(oj, int(f)*8)) += *(*float64)(unsafe.Add(r, k*8))
			}
		}
	}
}

// addW adds the terms of leaves with a W table: W(H) for the cold terms,
// u_k W(H\{k}) for the hot ones.
func (t *shapTables) addW(leaves []shapLeaf, hot []uint64, stride int, out []float64, cols, n int) {
	for li := range leaves {
		l := &leaves[li]
		d := int(l.d)
		tab := t.tab[l.tab : int(l.tab)+1<<d]
		mask := uint64(len(tab) - 1)
		feat := t.feat[l.off : int(l.off)+d]
		u := t.u[l.off : int(l.off)+d]
		u = u[:len(feat)]
		for j, h := range hot[int(l.local)*stride:][:n] {
			h &= mask
			oj := out[j*cols:][:cols]
			wH := -tab[h]
			for k, f := range feat {
				bit := h >> (uint(k) & 63) & 1
				x := u[k] * tab[(h^bit<<(uint(k)&63))&mask]
				sel := [2]float64{wH, x}
				oj[f] += sel[bit]
			}
		}
	}
}

// twigRow returns the row of twig tw for row j given the hot sets
// hot[node*stride+j].
func twigRow(tw *shapTwig, hot []uint64, stride, j int) uint64 {
	hl, hr, hs := hot[int(tw.left)*stride+j], hot[int(tw.left+1)*stride+j], hot[int(tw.leaf)*stride+j]
	return twigIndex(hl, hr, hs, uint(tw.pos)&63, uint(tw.d)&63, uint(tw.lpos)&63, uint(tw.d+int32(tw.rep))&63, -uint64(tw.rep), -uint64(tw.lrep))
}

// recurLeaf adds the terms of leaf l for hot set h (d <= 64) to out.
func (t *shapTables) recurLeaf(l *shapLeaf, h uint64, out []float64, sc *shapScratch) {
	o := sc.bools(int(l.d))
	for k := range o {
		o[k] = h>>k&1 != 0
	}
	t.recurTerms(l, o, out, sc)
}

// recurTerms adds leaf l's terms to out given which path positions the
// row satisfies (o[k]), from the elementary symmetric polynomials e of the
// hot zero fractions: S(H) = Σ_s w(s,d) e_{|H|-s}(z_H) and, for every hot
// k, S(H\{k}) from e(z_{H\{k}}). That is e(z_H) deflated by z_k for up to
// deflateMax hot positions; beyond, where deflation loses digits, the
// product of the polynomials of the hot positions before and after k (all
// terms positive).
func (t *shapTables) recurTerms(l *shapLeaf, o []bool, out []float64, sc *shapScratch) {
	d := int(l.d)
	if d == 0 {
		return
	}
	feat := t.feat[l.off : int(l.off)+d]
	z := t.z[l.off : int(l.off)+d]
	zh := sc.zh[:0]
	zc := l.value
	for k := range d {
		if o[k] {
			zh = append(zh, z[k])
		} else {
			zc *= z[k]
		}
	}
	sc.zh = zh
	nh := len(zh)
	e := esp(sc.e[:0], zh)
	sc.e = e
	wd := t.w[d*t.stride : d*t.stride+d]
	var sH float64
	for s := 0; s <= nh && s < d; s++ {
		sH += wd[s] * e[nh-s]
	}
	// pre[i] and suf[i]: e of zh[:i] and zh[i:], each nh+1 floats.
	var pre, suf []float64
	if nh > deflateMax {
		pre = slices.Grow(sc.pre[:0], (nh+1)*(nh+1))[:(nh+1)*(nh+1)]
		suf = slices.Grow(sc.suf[:0], (nh+2)*(nh+1))[:(nh+2)*(nh+1)]
		sc.pre, sc.suf = pre, suf
		clear(pre)
		clear(suf)
		pre[0] = 1
		for i, zi := range zh {
			p, q := pre[i*(nh+1):(i+1)*(nh+1)], pre[(i+1)*(nh+1):(i+2)*(nh+1)]
			q[0] = 1
			for c := 1; c <= i+1; c++ {
				q[c] = p[c] + zi*p[c-1]
			}
		}
		suf[nh*(nh+1)] = 1
		for i := nh - 1; i >= 0; i-- {
			p, q := suf[(i+1)*(nh+1):(i+2)*(nh+1)], suf[i*(nh+1):(i+1)*(nh+1)]
			q[0] = 1
			for c := 1; c <= nh-i; c++ {
				q[c] = p[c] + zh[i]*p[c-1]
			}
		}
	}
	e2 := slices.Grow(sc.e2[:0], nh+1)[:nh+1]
	sc.e2 = e2
	j := 0
	for k := range d {
		if !o[k] {
			out[feat[k]] -= zc * sH
			continue
		}
		zk := zh[j]
		if nh <= deflateMax {
			e2[0] = 1
			for q := 1; q < nh; q++ {
				e2[q] = e[q] - zk*e2[q-1]
			}
		} else {
			p, q := pre[j*(nh+1):(j+1)*(nh+1)], suf[(j+1)*(nh+1):(j+2)*(nh+1)]
			for c := range nh {
				var sum float64
				for a := 0; a <= min(c, j); a++ {
					sum += p[a] * q[c-a]
				}
				e2[c] = sum
			}
		}
		j++
		var s2 float64
		for s := 0; s < nh; s++ {
			s2 += wd[s] * e2[nh-1-s]
		}
		out[feat[k]] += zc * (1 - zk) * s2
	}
}

// deflateMax is the most hot positions for which recurTerms deflates.
const deflateMax = 24

// esp returns in dst the elementary symmetric polynomials e_0..e_n of z.
func esp(dst []float64, z []float64) []float64 {
	e := slices.Grow(dst[:0], len(z)+1)[:len(z)+1]
	clear(e)
	e[0] = 1
	for i, zi := range z {
		for q := i + 1; q > 0; q-- {
			e[q] += zi * e[q-1]
		}
	}
	return e
}

// bools returns scratch space for n flags.
func (sc *shapScratch) bools(n int) []bool {
	sc.o = slices.Grow(sc.o[:0], n)[:n]
	return sc.o
}

// wideTree adds the contributions of a tree with more than 64 distinct
// features on some path: every leaf checks its own path.
func (t *shapTables) wideTree(m *Model, st *shapTree, row []float64, out []float64, sc *shapScratch) {
	nodes := t.nodes[st.nodeStart:st.nodeEnd]
	goL := sc.goL[:len(nodes)]
	for i := range nodes {
		goL[i] = m.goLeft(st.root+nodes[i].self, row[nodes[i].col])
	}
	for li := st.leafStart; li < st.leafEnd; li++ {
		l := &t.leaves[li]
		d := int(l.d)
		if d == 0 {
			continue
		}
		o := sc.bools(d)
		for k := range o {
			o[k] = true
		}
		for _, s := range t.steps[l.step : l.step+l.nstep] {
			if goL[s.node] != s.left {
				o[s.pos] = false
			}
		}
		t.recurTerms(l, o, out, sc)
	}
}

// newLaneRows returns room for shapLanes rows of cols columns.
func (t *shapTables) newLaneRows(cols int) laneRows {
	return laneRows{vals: make([][shapLanes]float64, cols), codes: make([][shapLanes]uint8, len(t.catCols))}
}

// shapBlock is the number of rows SHAPMatrix explains together tree by
// tree.
const shapBlock = 4096

// SHAPMatrix writes the TreeSHAP values of every row of X to out
// (row-major, X.Rows x X.Cols) using up to threads goroutines (0 =
// GOMAXPROCS) and returns the expected margin. Every row's values are
// bit-identical to SHAP's.
func (m *Model) SHAPMatrix(X *features.Matrix, out []float64, threads int) (expected float64) {
	t := m.tables()
	if threads <= 0 {
		threads = Params{}.threads()
	}
	cols := X.Cols
	parallelRanges(X.Rows, threads, func(lo, hi int) {
		// Blocks of rows are explained tree by tree, so one tree's tables
		// stay in cache across the block; every row still adds the trees
		// in order, as SHAP does.
		sc := t.scratch.Get().(*shapScratch)
		ng := (min(shapBlock, hi-lo) + shapLanes - 1) / shapLanes
		if sc.lanesCols != cols {
			sc.lanes, sc.lanesCols = sc.lanes[:0], cols
		}
		for len(sc.lanes) < ng {
			sc.lanes = append(sc.lanes, t.newLaneRows(cols))
		}
		groups := sc.lanes[:ng]
		for b := lo; b < hi; b += shapBlock {
			be := min(b+shapBlock, hi)
			clear(out[b*cols : be*cols])
			for i := b; i < be; i += shapLanes {
				groups[(i-b)/shapLanes].fill(t, X.Data[i*cols:], cols, min(shapLanes, be-i))
			}
			for ti := range t.trees {
				st := &t.trees[ti]
				for i := b; i < be; i += shapLanes {
					n := min(shapLanes, be-i)
					t.treeSHAP(m, st, X.Data[i*cols:(i+n)*cols], &groups[(i-b)/shapLanes], out[i*cols:(i+n)*cols], cols, n, sc)
				}
			}
		}
		t.scratch.Put(sc)
	})
	return t.expected
}
