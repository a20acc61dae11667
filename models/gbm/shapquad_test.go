package gbm

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/internal/cputime"
	"github.com/stretchr/testify/require"
)

// This file keeps, as a measured alternative to shapTables, path-dependent
// TreeSHAP by quadrature (the idea of Linear TreeSHAP, Yu
// et al. 2022, with Gauss-Legendre points in place of its polynomial
// arithmetic). With w(s, d) = ∫_0^1 t^s (1-t)^(d-1-s) dt, leaf l's term
// for its path feature i is
//
//	v (o_i - z_i) ∫_0^1 Π_{j≠i} g_j(t) dt,  g_j(t) = z_j (1-t) + o_j t,
//
// a polynomial of degree d-1 < 2Q, integrated exactly by Q Gauss-Legendre
// points. Summed per node: with G_c(t) = Σ_{leaves l below c} v_l Π_j
// g_{l,j}(t), the edge into c on feature i adds
//
//	∫ κ_c(t) (G_c(t) - X_c(t)) dt,  κ_c = (o_c - z_c)/g_c,
//
// X_c being the G of the nearest splits on i below c (their leaves' terms
// on i belong to those splits). G comes from one pass down (the product
// to every node, one ratio g_c/g_parent per edge) and one up (sums).
// Every edge's ratios and κ depend on the row only through two bits, and
// are precomputed per model at the Q points.
//
// It is exact (TestQuadSHAPMatchesReference) and its tables are small (8
// MiB for bench/gbm's 300 trees of 63 leaves against 74-101 MiB of
// shapTables, built in milliseconds), but a row costs about ten floating
// point operations per node and point, O(T L D) with a large constant:
// BenchmarkSHAPGBMSize compares the two per row on a bench-sized model.
// It is not a scoring path.

// quadTables holds the quadrature TreeSHAP vectors of a model.
type quadTables struct {
	expected float64
	trees    []quadTree
	nodes    []quadNode
	vec      []float64
	maxN     int
	maxQ     int
	hot      []uint64 // scratch of shap
	p, x     []float64
}

type quadTree struct {
	root               int32
	size               int32
	q                  int32
	nodeStart, nodeEnd int32
	vec                int32 // node c's slot s at vec[vec+(c*6+s)*q:][:q]
}

type quadNode struct {
	self, left int32
	col        int32
	link       int32 // local child of the nearest ancestor on col, else -1
	pos        uint8
	isNew      bool
}

// gaussLegendre01 returns the n Gauss-Legendre points and weights on [0, 1].
func gaussLegendre01(n int) (t, w []float64) {
	t, w = make([]float64, n), make([]float64, n)
	for i := range n {
		x := math.Cos(math.Pi * (float64(i) + 0.75) / (float64(n) + 0.5))
		var dp float64
		for range 100 {
			p0, p1 := 1.0, x
			for k := 2; k <= n; k++ {
				p0, p1 = p1, (float64(2*k-1)*x*p1-float64(k-1)*p0)/float64(k)
			}
			if n == 1 {
				p0, p1 = 1, x
			}
			dp = float64(n) * (x*p1 - p0) / (x*x - 1)
			dx := p1 / dp
			x -= dx
			if math.Abs(dx) < 1e-16 {
				break
			}
		}
		// Recompute the derivative at the root.
		p0, p1 := 1.0, x
		for k := 2; k <= n; k++ {
			p0, p1 = p1, (float64(2*k-1)*x*p1-float64(k-1)*p0)/float64(k)
		}
		if n == 1 {
			p0, p1 = 1, x
		}
		dp = float64(n) * (x*p1 - p0) / (x*x - 1)
		t[i] = (1 - x) / 2
		w[i] = 1 / ((1 - x*x) * dp * dp)
	}
	return t, w
}

// newQuadTables precomputes the quadrature vectors of m.
func newQuadTables(m *Model) *quadTables {
	t := &quadTables{}
	t.expected = m.BaseScore
	for ti, root := range m.Roots {
		end := int32(len(m.Feature))
		if ti+1 < len(m.Roots) {
			end = m.Roots[ti+1]
		}
		st := quadTree{root: root, size: end - root, nodeStart: int32(len(t.nodes))}
		// First pass: the deepest path's distinct features.
		maxD := 0
		var feats []int32
		var depth func(n int32)
		depth = func(n int32) {
			if m.Feature[n] < 0 {
				maxD = max(maxD, len(feats))
				return
			}
			f := m.Feature[n]
			added := true
			for _, g := range feats {
				if g == f {
					added = false
				}
			}
			if added {
				feats = append(feats, f)
			}
			depth(m.Left[n])
			depth(m.Left[n] + 1)
			if added {
				feats = feats[:len(feats)-1]
			}
		}
		depth(root)
		q := max(1, (maxD+1)/2)
		st.q = int32(q)
		tq, wq := gaussLegendre01(q)
		st.vec = int32(len(t.vec))
		t.vec = append(t.vec, make([]float64, int(st.size)*6*q)...)
		vec := t.vec[st.vec:]
		// Internal nodes in model order (parents first).
		index := map[int32]int32{}
		for n := root; n < end; n++ {
			if m.Feature[n] >= 0 {
				index[n] = int32(len(t.nodes))
				t.nodes = append(t.nodes, quadNode{self: n - root, left: m.Left[n] - root, col: m.Feature[n], link: -1})
			}
		}
		st.nodeEnd = int32(len(t.nodes))
		type pf struct {
			f    int32
			z    float64
			edge int32 // local child of the last split on f
		}
		var path []pf
		var walk func(n int32)
		walk = func(n int32) {
			if m.Feature[n] < 0 {
				if m.Cover[root] > 0 {
					t.expected += m.Value[n] * m.Cover[n] / m.Cover[root]
				}
				return
			}
			nd := &t.nodes[index[n]]
			f := m.Feature[n]
			k := -1
			for i, p := range path {
				if p.f == f {
					k = i
				}
			}
			added := k < 0
			if added {
				k = len(path)
				path = append(path, pf{f: f, z: 1, edge: -1})
				nd.isNew = true
			}
			nd.pos = uint8(k)
			nd.link = path[k].edge
			saved := path[k]
			for c := m.Left[n]; c <= m.Left[n]+1; c++ {
				rho := 0.0
				if m.Cover[n] > 0 {
					rho = m.Cover[c] / m.Cover[n]
				}
				zp := saved.z
				zc := zp * rho
				leafV := 1.0
				if m.Feature[c] < 0 {
					leafV = m.Value[c]
				}
				local := c - root
				s := func(slot int) []float64 { return vec[(int(local)*6+slot)*q:][:q] }
				for i, x := range tq {
					gc1 := zc*(1-x) + x
					gc0 := zc * (1 - x)
					if added {
						s(1)[i] = gc1 * leafV
						s(0)[i] = gc0 * leafV
					} else {
						gp1 := zp*(1-x) + x
						s(3)[i] = gc1 / gp1 * leafV
						s(2)[i] = gc0 / gp1 * leafV
						s(0)[i] = rho * leafV
					}
					s(5)[i] = wq[i] * (1 - zc) / gc1
					s(4)[i] = -wq[i] / (1 - x)
				}
				path[k] = pf{f: f, z: zc, edge: local}
				walk(c)
			}
			path[k] = saved
			if added {
				path = path[:k]
			}
		}
		walk(root)
		t.maxN = max(t.maxN, int(st.size))
		t.maxQ = max(t.maxQ, q)
		t.trees = append(t.trees, st)
	}
	t.hot, t.p, t.x = make([]uint64, t.maxN), make([]float64, t.maxN*t.maxQ), make([]float64, t.maxN*t.maxQ)
	return t
}

// shap is Model.SHAP by quadrature (not safe for concurrent use).
func (t *quadTables) shap(m *Model, row, out []float64) float64 {
	clear(out)
	for ti := range t.trees {
		st := &t.trees[ti]
		q := int(st.q)
		n := int(st.size)
		nodes := t.nodes[st.nodeStart:st.nodeEnd]
		vec := t.vec[st.vec : int(st.vec)+n*6*q]
		hot := t.hot[:n]
		P := t.p[:n*q]
		X := t.x[:n*q]
		hot[0] = 0
		for i := range q {
			P[i] = 1
		}
		for i := range nodes {
			nd := &nodes[i]
			b := uint64(b2i(m.goLeft(st.root+nd.self, row[nd.col])))
			bit := uint64(1) << (nd.pos & 63)
			nw := uint64(0)
			if nd.isNew {
				nw = bit
			}
			h := hot[nd.self]
			hl, hr := split(h, b, bit, nw)
			hot[nd.left], hot[nd.left+1] = hl, hr
			op := h >> (nd.pos & 63) & 1
			pn := P[int(nd.self)*q:][:q]
			for c, hc := range [2]uint64{hl, hr} {
				cc := int(nd.left) + c
				slot := int(hc>>(nd.pos&63)&1 | op<<1)
				r := vec[(cc*6+slot)*q:][:q]
				pc := P[cc*q:][:q]
				xc := X[cc*q:][:q]
				for k := range pc {
					pc[k] = pn[k] * r[k]
					xc[k] = 0
				}
			}
		}
		for i := len(nodes) - 1; i >= 0; i-- {
			nd := &nodes[i]
			var sum float64
			pn := P[int(nd.self)*q:][:q]
			for c := range 2 {
				cc := int(nd.left) + c
				ov := int(hot[cc] >> (nd.pos & 63) & 1)
				kap := vec[(cc*6+4+ov)*q:][:q]
				pc := P[cc*q:][:q]
				xc := X[cc*q:][:q]
				for k := range pc {
					sum += kap[k] * (pc[k] - xc[k])
				}
			}
			out[nd.col] += sum
			pl := P[int(nd.left)*q:][:q]
			pr := P[int(nd.left+1)*q:][:q]
			for k := range pn {
				pn[k] = pl[k] + pr[k]
			}
			if nd.link >= 0 {
				xl := X[int(nd.link)*q:][:q]
				for k := range xl {
					xl[k] += pn[k]
				}
			}
		}
	}
	return t.expected
}

func TestQuadSHAPMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, c := range []struct{ cols, trees, leaves int }{{3, 1, 2}, {12, 6, 40}, {20, 4, 150}} {
		m := randomModel(rng, c.cols, c.trees, c.leaves)
		qt := newQuadTables(m)
		want := make([]float64, c.cols)
		got := make([]float64, c.cols)
		for range 100 {
			row := randomRow(rng, c.cols)
			we := shapReference(m, row, want)
			ge := qt.shap(m, row, got)
			require.InDelta(t, we, ge, 1e-12)
			for j := range got {
				require.InDelta(t, want[j], got[j], 1e-9, "cols %d column %d", c.cols, j)
			}
		}
	}
}

// gbmSizeModel trains a model of bench/gbm's size (300 trees of at most 63
// leaves, learning rate 0.1, 255 bins, no sampling) on the first 20,000
// rows of its data, and returns it with 4,096 rows of the same data.
func gbmSizeModel(b *testing.B) (*Model, *features.Matrix) {
	sx, y := synth.GBMMatrix(24096, 1)
	cols := make([]features.ColumnInfo, sx.Cols)
	for j := range cols {
		cols[j] = features.ColumnInfo{Name: sx.Names[j], Source: sx.Names[j]}
		if sx.Categories[j] > 0 {
			cols[j].Categorical, cols[j].Categories = true, sx.Categories[j]
		}
	}
	X := &features.Matrix{Rows: sx.Rows, Cols: sx.Cols, Data: sx.Data, Columns: cols}
	tr := &features.Matrix{Rows: 20000, Cols: X.Cols, Data: X.Data[:20000*X.Cols], Columns: cols}
	p := DefaultParams()
	p.Trees, p.Leaves, p.LearningRate, p.Bins = 300, 63, 0.1, 255
	p.EarlyStopping, p.MinChildWeight, p.MinDataInLeaf, p.Lambda = 0, 1, 20, 1
	p.Subsample, p.ColSample = 1, 1
	m, err := Train(tr, y[:20000], nil, nil, nil, nil, p)
	require.NoError(b, err)
	rest := &features.Matrix{Rows: 4096, Cols: X.Cols, Data: X.Data[20000*X.Cols:], Columns: cols}
	return m, rest
}

// BenchmarkSHAPGBMSize explains rows of a bench/gbm-sized model with
// shapTables (SHAPMatrix on one thread, and SHAP row by row as serving
// does) and by quadrature, and reports CPU time per row (cpu-ns/row;
// this machine's wall time moves with the other programs) and the size of
// the tables (table-MiB).
func BenchmarkSHAPGBMSize(b *testing.B) {
	m, X := gbmSizeModel(b)
	out := make([]float64, X.Rows*X.Cols)
	perRow := func(b *testing.B, c0 time.Duration, rows int) {
		b.ReportMetric(float64((cputime.Used()-c0).Nanoseconds())/float64(rows), "cpu-ns/row")
	}
	b.Run("tables/matrix", func(b *testing.B) {
		m.SHAP(X.Row(0), out[:X.Cols])
		c0 := cputime.Used()
		for b.Loop() {
			m.SHAPMatrix(X, out, 1)
		}
		perRow(b, c0, b.N*X.Rows)
		t := m.tables()
		b.ReportMetric(float64(8*(len(t.rows)+len(t.tab)+len(t.z)+len(t.u)))/(1<<20), "table-MiB")
	})
	b.Run("tables/row", func(b *testing.B) {
		m.SHAP(X.Row(0), out[:X.Cols])
		c0 := cputime.Used()
		i := 0
		for b.Loop() {
			m.SHAP(X.Row(i%X.Rows), out[:X.Cols])
			i++
		}
		perRow(b, c0, b.N)
	})
	b.Run("quadrature/row", func(b *testing.B) {
		qt := newQuadTables(m)
		c0 := cputime.Used()
		i := 0
		for b.Loop() {
			qt.shap(m, X.Row(i%X.Rows), out[:X.Cols])
			i++
		}
		perRow(b, c0, b.N)
		b.ReportMetric(float64(8*len(qt.vec))/(1<<20), "table-MiB")
	})
}
