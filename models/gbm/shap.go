package gbm

import (
	"math/bits"

	"github.com/leadscore/leadscore/features"
)

// Exact path-dependent TreeSHAP (Lundberg et al. 2018), reorganised per
// leaf so that explaining a row costs one decision per internal node plus
// O(d) work per leaf, where d is the number of distinct features on the
// leaf's path.
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
// Only subsets of the hot set H = {j : o_j = 1} survive, so with
// Z = Π_{j∈D\H} z_j and S(K) = Σ_{s} w(s, d) e_{|K|-s}(z_K) (e_k the
// elementary symmetric polynomials):
//
//	i ∈ H:  φ_i += v Z (1 - z_i) S(H\{i})
//	i ∉ H:  φ_i -= v Z S(H)
//
// The row-independent parts (D, z, the path conditions as bit masks over
// the tree's internal nodes, w) are precomputed by newShapTables.

// shapTables holds the row-independent TreeSHAP quantities of a model.
type shapTables struct {
	expected float64   // base + Σ_t Σ_l v_l cover_l / cover_root
	w        []float64 // w[d*stride+s] = s!(d-s-1)!/d!
	stride   int
	trees    []shapTree
	internal []int32 // model node of every internal node, tree by tree
	leaves   []shapLeaf
	feat     []int32   // distinct path features of every leaf
	z        []float64 // their zero fractions
	masks    []uint64  // per leaf: required directions (words), then one node mask per feature
	sums     []float64 // per small leaf: S(K) for all subsets K of its path features
}

// shapTree locates one tree's internal nodes and leaves in shapTables.
type shapTree struct {
	intStart, intEnd   int32
	leafStart, leafEnd int32
	words              int32 // uint64 words per internal-node bit set
}

// shapLeaf is one leaf: value v, d distinct path features at feat[off:off+d],
// masks at masks[mask:...] and, when d <= maxTableD, S(K) for every subset K
// of the positions (bit k = position k) at sums[sum:sum+2^d] (else -1).
type shapLeaf struct {
	value float64
	off   int32
	d     int32
	mask  int32
	sum   int32
}

// maxTableD is the largest number of distinct path features for which a
// leaf stores S(K) for all 2^d subsets K (at most 16 KiB per leaf; SHAPMatrix
// explains blocks of rows tree by tree, so one tree's tables stay in cache);
// tableBudget caps the floats stored for all leaves of a model (64 MiB).
// Leaves without a table use the O(|H|²) recurrence instead.
const (
	maxTableD   = 11
	tableBudget = 1 << 23
)

// newShapTables precomputes the TreeSHAP tables of m.
func newShapTables(m *Model) *shapTables {
	t := &shapTables{expected: m.BaseScore}
	maxD := 1
	type step struct {
		node  int32 // internal node
		local int32 // its index within the tree's internal nodes
		left  bool  // direction taken
		ratio float64
	}
	for ti, root := range m.Roots {
		end := int32(len(m.Feature))
		if ti+1 < len(m.Roots) {
			end = m.Roots[ti+1]
		}
		st := shapTree{intStart: int32(len(t.internal)), leafStart: int32(len(t.leaves))}
		local := map[int32]int32{}
		for n := root; n < end; n++ {
			if m.Feature[n] >= 0 {
				local[n] = int32(len(t.internal)) - st.intStart
				t.internal = append(t.internal, n)
			}
		}
		st.intEnd = int32(len(t.internal))
		words := (st.intEnd - st.intStart + 63) / 64
		st.words = max(words, 1)
		// Depth-first walk keeping the path.
		var path []step
		var walk func(n int32)
		walk = func(n int32) {
			if m.Feature[n] < 0 {
				var feats []int32
				var zs []float64
				pos := map[int32]int{}
				for _, s := range path {
					f := m.Feature[s.node]
					k, ok := pos[f]
					if !ok {
						k = len(feats)
						pos[f] = k
						feats = append(feats, f)
						zs = append(zs, 1)
					}
					zs[k] *= s.ratio
				}
				d := len(feats)
				maxD = max(maxD, d)
				mk := int32(len(t.masks))
				t.masks = append(t.masks, make([]uint64, int(st.words)*(d+1))...)
				req := t.masks[mk : mk+st.words]
				for _, s := range path {
					k := pos[m.Feature[s.node]]
					w, b := s.local>>6, uint64(1)<<(s.local&63)
					if s.left {
						req[w] |= b
					}
					t.masks[int(mk)+int(st.words)*(k+1)+int(w)] |= b
				}
				cover := m.Cover[n] / m.Cover[root]
				if m.Cover[root] == 0 {
					cover = 0
				}
				t.expected += m.Value[n] * cover
				t.leaves = append(t.leaves, shapLeaf{value: m.Value[n], off: int32(len(t.feat)), d: int32(d), mask: mk, sum: -1})
				t.feat = append(t.feat, feats...)
				t.z = append(t.z, zs...)
				return
			}
			l := m.Left[n]
			for c, child := range []int32{l, l + 1} {
				r := 0.0
				if m.Cover[n] > 0 {
					r = m.Cover[child] / m.Cover[n]
				}
				path = append(path, step{node: n, local: local[n], left: c == 0, ratio: r})
				walk(child)
				path = path[:len(path)-1]
			}
		}
		walk(root)
		st.leafEnd = int32(len(t.leaves))
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
	// S(K) = Σ_s w(s,d) e_{|K|-s}(z_K) for every subset K of small leaves;
	// e(z_K) by adding K's highest position to e(z_{K without it}).
	e := make([][maxTableD + 1]float64, 1<<maxTableD)
	for li := range t.leaves {
		l := &t.leaves[li]
		d := int(l.d)
		if d == 0 || d > maxTableD || len(t.sums)+1<<d > tableBudget {
			continue
		}
		z := t.z[l.off : int(l.off)+d]
		l.sum = int32(len(t.sums))
		wd := t.w[d*t.stride : d*t.stride+d]
		for K := 0; K < 1<<d; K++ {
			size := 0
			if K == 0 {
				e[0] = [maxTableD + 1]float64{1}
			} else {
				top := 63 - bits.LeadingZeros64(uint64(K))
				prev := K &^ (1 << top)
				size = bits.OnesCount(uint(K))
				e[K] = e[prev]
				for q := size; q > 0; q-- {
					e[K][q] += z[top] * e[prev][q-1]
				}
			}
			var sK float64
			for s := 0; s <= size && s < d; s++ {
				sK += wd[s] * e[K][size-s]
			}
			t.sums = append(t.sums, sK)
		}
	}
	return t
}

// SHAP writes to out (len = number of columns) the exact path-dependent
// TreeSHAP value φ_j of every column for row and returns the expected
// margin E = base + Σ_t Σ_leaves v_l cover_l/cover_root, so that
// E + Σ_j φ_j = Margin(row) up to rounding (1e-9).
func (m *Model) SHAP(row []float64, out []float64) (expected float64) {
	t := m.shap
	if t == nil {
		t = newShapTables(m)
	}
	clear(out)
	var sc shapScratch
	for ti := range t.trees {
		t.treeSHAP(m, &t.trees[ti], row, out, &sc)
	}
	return t.expected
}

// shapScratch is the per-goroutine scratch space of treeSHAP.
type shapScratch struct {
	dirs [4]uint64
	e    [2][65]float64
}

// treeSHAP adds the TreeSHAP values of tree st for row to out.
func (t *shapTables) treeSHAP(m *Model, st *shapTree, row []float64, out []float64, sc *shapScratch) {
	dirs := sc.dirs[:]
	if int(st.words) > len(dirs) {
		dirs = make([]uint64, st.words)
	}
	dirs = dirs[:st.words]
	clear(dirs)
	for k, n := range t.internal[st.intStart:st.intEnd] {
		v := row[m.Feature[n]]
		var goL uint64
		if m.CatLen[n] == 0 {
			goL = uint64(b2i(v <= m.Threshold[n]) | (b2i(m.DefaultLeft[n]) & b2i(v != v)))
		} else {
			goL = uint64(b2i(m.goLeft(n, v)))
		}
		dirs[k>>6] |= goL << (k & 63)
	}
	for li := st.leafStart; li < st.leafEnd; li++ {
		l := &t.leaves[li]
		if d := int(l.d); l.sum >= 0 && st.words == 1 {
			// Table path (see leafSHAP), inlined.
			feat := t.feat[l.off : int(l.off)+d]
			z := t.z[l.off : int(l.off)+d]
			fm := t.masks[l.mask+1 : int(l.mask)+1+d]
			mism := dirs[0] ^ t.masks[l.mask]
			// Branch-free: which path features the row satisfies is
			// data-dependent and would mispredict.
			H := 0
			zc := l.value
			for k := range d {
				hot := int(b2i(mism&fm[k] == 0))
				H |= hot << k
				sel := [2]float64{z[k], 1}
				zc *= sel[hot]
			}
			sums := t.sums[l.sum : int(l.sum)+1<<d]
			outV := -zc * sums[H]
			for k := range d {
				hot := H >> k & 1
				sel := [2]float64{outV, zc * (1 - z[k]) * sums[H&^(1<<k)]}
				out[feat[k]] += sel[hot]
			}
			continue
		}
		t.leafSHAP(l, dirs, int(st.words), out, &sc.e)
	}
}

// leafSHAP adds leaf l's contributions to out given the tree's node
// directions dirs (bit k set: internal node k sends the row left).
func (t *shapTables) leafSHAP(l *shapLeaf, dirs []uint64, words int, out []float64, eBuf *[2][65]float64) {
	d := int(l.d)
	if d == 0 {
		return
	}
	feat := t.feat[l.off : int(l.off)+d]
	z := t.z[l.off : int(l.off)+d]
	masks := t.masks[l.mask : int(l.mask)+words*(d+1)]
	if l.sum >= 0 && words == 1 {
		// Table path: H as a bit mask over positions, S from the table.
		mism := dirs[0] ^ masks[0]
		fm := masks[1 : d+1]
		var H int
		zc := l.value
		for k := range d {
			if mism&fm[k] == 0 {
				H |= 1 << k
			} else {
				zc *= z[k]
			}
		}
		sums := t.sums[l.sum : int(l.sum)+1<<d]
		outV := -zc * sums[H]
		for k := range d {
			if H&(1<<k) == 0 {
				out[feat[k]] += outV
			} else {
				out[feat[k]] += zc * (1 - z[k]) * sums[H&^(1<<k)]
			}
		}
		return
	}
	var e, e2 []float64
	if d < 65 {
		e, e2 = eBuf[0][:d+1], eBuf[1][:d+1]
	} else {
		e, e2 = make([]float64, d+1), make([]float64, d+1)
	}
	// Hot set as a bit mask over positions (d <= 64 fast path).
	var hot uint64
	var hotBig []bool
	if d > 64 {
		hotBig = make([]bool, d)
	}
	zc := l.value
	e[0] = 1
	nh := 0
	for k := range d {
		isHot := true
		for w := range words {
			if (dirs[w]^masks[w])&masks[words*(k+1)+w] != 0 {
				isHot = false
				break
			}
		}
		if !isHot {
			zc *= z[k]
			continue
		}
		if d > 64 {
			hotBig[k] = true
		} else {
			hot |= 1 << k
		}
		nh++
		zk := z[k]
		e[nh] = 0
		for q := nh; q > 0; q-- {
			e[q] += zk * e[q-1]
		}
	}
	wd := t.w[d*t.stride : d*t.stride+d]
	var sH float64
	for s := 0; s <= nh && s < d; s++ {
		sH += wd[s] * e[nh-s]
	}
	outV := -zc * sH
	for k := range d {
		isHot := false
		if d > 64 {
			isHot = hotBig[k]
		} else {
			isHot = hot&(1<<k) != 0
		}
		if !isHot {
			out[feat[k]] += outV
			continue
		}
		// e2 = elementary symmetric polynomials of H\{k} by deflation.
		zk := z[k]
		e2[0] = 1
		for q := 1; q < nh; q++ {
			e2[q] = e[q] - zk*e2[q-1]
		}
		var s2 float64
		for s := 0; s < nh; s++ {
			s2 += wd[s] * e2[nh-1-s]
		}
		out[feat[k]] += zc * (1 - zk) * s2
	}
}

// shapBlock is the number of rows SHAPMatrix explains together tree by
// tree.
const shapBlock = 64

// SHAPMatrix writes the TreeSHAP values of every row of X to out
// (row-major, X.Rows x X.Cols) using up to threads goroutines (0 =
// GOMAXPROCS) and returns the expected margin.
func (m *Model) SHAPMatrix(X *features.Matrix, out []float64, threads int) (expected float64) {
	if m.shap == nil {
		m.shap = newShapTables(m)
	}
	if threads <= 0 {
		threads = Params{}.threads()
	}
	t := m.shap
	cols := X.Cols
	parallelRanges(X.Rows, threads, func(lo, hi int) {
		// Blocks of rows are explained tree by tree, so one tree's tables
		// stay in cache across the block; every row still adds the trees
		// in order, as SHAP does, so the values are bit-identical.
		var sc shapScratch
		for b := lo; b < hi; b += shapBlock {
			be := min(b+shapBlock, hi)
			clear(out[b*cols : be*cols])
			for ti := range t.trees {
				st := &t.trees[ti]
				for i := b; i < be; i++ {
					t.treeSHAP(m, st, X.Data[i*cols:(i+1)*cols], out[i*cols:(i+1)*cols], &sc)
				}
			}
		}
	})
	return m.shap.expected
}
