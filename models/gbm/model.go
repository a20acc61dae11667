package gbm

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/leadscore/leadscore/features"
)

// FormatVersion is the version of the serialised Model layout.
const FormatVersion = 1

// Model is a trained ensemble of binary trees stored as flat node arrays
// (struct of arrays) shared by all trees. Tree t starts at node Roots[t].
// Node n is a leaf when Feature[n] < 0 and then outputs Value[n] (shrinkage
// already applied). Otherwise its children are Left[n] and Left[n]+1: a row
// x goes left when
//
//	numeric (CatLen[n] == 0):  x[Feature[n]] <= Threshold[n]
//	categorical:               bit x[Feature[n]] of CatBits[CatStart[n] : CatStart[n]+CatLen[n]] is set
//
// and missing values (NaN) go left exactly when DefaultLeft[n]. Categories
// not in the bit set (including ones never seen in training) go right.
// Cover[n] is the training hessian sum of the node (used by TreeSHAP) and
// Gain[n] the loss reduction of its split.
//
// A Model is a plain value: encoding/json round-trips it exactly, and a
// loaded model predicts bit-identically.
type Model struct {
	Version     int                   `json:"version"`
	Columns     []features.ColumnInfo `json:"columns"`
	Params      Params                `json:"params"`
	BaseScore   float64               `json:"base_score"`
	Roots       []int32               `json:"roots"`
	Feature     []int32               `json:"feature"`
	Threshold   []float64             `json:"threshold"`
	Left        []int32               `json:"left"`
	DefaultLeft []bool                `json:"default_left"`
	CatStart    []int32               `json:"cat_start"`
	CatLen      []int32               `json:"cat_len"`
	CatBits     []uint64              `json:"cat_bits,omitempty"`
	Value       []float64             `json:"value"`
	Cover       []float64             `json:"cover"`
	Gain        []float64             `json:"gain"`
	// Best is the number of trees kept (see BestIteration).
	Best int `json:"best_iteration"`
	// ValidLoss is the validation log loss after every round trained
	// (before truncation), empty without a validation set.
	ValidLoss []float64 `json:"valid_loss,omitempty"`

	shap *shapTables
	fast *compiled
}

// NumTrees returns the number of trees.
func (m *Model) NumTrees() int { return len(m.Roots) }

// BestIteration returns the number of boosting rounds kept in the model:
// the round with the lowest validation log loss when early stopping was on
// (the model is truncated to it), otherwise the number of trees trained.
func (m *Model) BestIteration() int { return m.Best }

// Importance returns, per column, the total gain of the splits on it,
// Σ over splits of G_L²/(H_L+λ) + G_R²/(H_R+λ) - G²/(H+λ).
func (m *Model) Importance() []float64 {
	imp := make([]float64, len(m.Columns))
	for n, f := range m.Feature {
		if f >= 0 && int(f) < len(imp) {
			imp[f] += m.Gain[n]
		}
	}
	return imp
}

// goLeft reports whether value v goes to the left child of internal node n.
func (m *Model) goLeft(n int32, v float64) bool {
	if m.CatLen[n] == 0 {
		if v <= m.Threshold[n] {
			return true
		}
		if v > m.Threshold[n] {
			return false
		}
		return m.DefaultLeft[n]
	}
	if math.IsNaN(v) {
		return m.DefaultLeft[n]
	}
	c := int(v)
	if float64(c) != v || c < 0 || c >= int(m.CatLen[n])*64 {
		return false
	}
	return m.CatBits[int(m.CatStart[n])+c>>6]&(1<<(c&63)) != 0
}

// leaf returns the leaf of the tree rooted at root that row reaches. The
// numeric step is branch-free: left = (v <= t) | (defaultLeft & isNaN(v)).
func (m *Model) leaf(root int32, row []float64) int32 {
	n := root
	feat, thr, left, catLen, dl := m.Feature, m.Threshold, m.Left, m.CatLen, m.DefaultLeft
	for {
		f := feat[n]
		if f < 0 {
			return n
		}
		v := row[f]
		if catLen[n] != 0 {
			n = left[n] + 1 - b2i(m.goLeft(n, v))
			continue
		}
		goL := b2i(v <= thr[n]) | (b2i(dl[n]) & b2i(v != v))
		n = left[n] + 1 - goL
	}
}

// b2i converts a bool to 0 or 1 without a branch.
func b2i(b bool) int32 {
	var i int32
	if b {
		i = 1
	}
	return i
}

// Margin returns the raw log-odds base + Σ_t f_t(row) of one row (len(row)
// must equal the number of columns). It does not allocate.
func (m *Model) Margin(row []float64) float64 {
	c := m.fast
	if c == nil {
		s := m.BaseScore
		for _, r := range m.Roots {
			s += m.Value[m.leaf(r, row)]
		}
		return s
	}
	// Four trees walk side by side over the compiled nodes, so the loads
	// of one walk overlap the others' instead of waiting in turn; the
	// leaves are added in tree order, as the plain walk adds them.
	nodes, roots := c.nodes, m.Roots
	s := m.BaseScore
	i := 0
	for ; i+4 <= len(roots); i += 4 {
		n0, n1, n2, n3 := roots[i], roots[i+1], roots[i+2], roots[i+3]
		for {
			a0, a1, a2, a3 := &nodes[n0], &nodes[n1], &nodes[n2], &nodes[n3]
			if a0.kind|a1.kind|a2.kind|a3.kind == kindLeaf {
				break
			}
			if a0.kind >= kindCat || a1.kind >= kindCat || a2.kind >= kindCat || a3.kind >= kindCat {
				n0, n1, n2, n3 = m.step(a0, n0, row), m.step(a1, n1, row), m.step(a2, n2, row), m.step(a3, n3, row)
				continue
			}
			// All numeric or leaves: step's arithmetic, written out so the
			// compiler keeps it in the loop.
			v0, v1, v2, v3 := row[a0.col], row[a1.col], row[a2.col], row[a3.col]
			n0 = a0.left + 1 - (b2i(v0 <= a0.thr) | b2i(v0 != v0)&b2i(a0.kind == kindNotGT) | b2i(a0.kind == kindLeaf))
			n1 = a1.left + 1 - (b2i(v1 <= a1.thr) | b2i(v1 != v1)&b2i(a1.kind == kindNotGT) | b2i(a1.kind == kindLeaf))
			n2 = a2.left + 1 - (b2i(v2 <= a2.thr) | b2i(v2 != v2)&b2i(a2.kind == kindNotGT) | b2i(a2.kind == kindLeaf))
			n3 = a3.left + 1 - (b2i(v3 <= a3.thr) | b2i(v3 != v3)&b2i(a3.kind == kindNotGT) | b2i(a3.kind == kindLeaf))
		}
		s += nodes[n0].thr
		s += nodes[n1].thr
		s += nodes[n2].thr
		s += nodes[n3].thr
	}
	for ; i < len(roots); i++ {
		n := roots[i]
		for nodes[n].kind != kindLeaf {
			n = m.step(&nodes[n], n, row)
		}
		s += nodes[n].thr
	}
	return s
}

// step returns the child of compiled node nd (model node n) that row goes
// to, or n itself at a leaf.
func (m *Model) step(nd *cnode, n int32, row []float64) int32 {
	if nd.kind >= kindCat {
		return m.stepCat(nd, n, row)
	}
	// Numeric: left when v <= thr, or when v is missing and missing goes
	// left. A leaf (its left is itself) always "goes left", so stays.
	v := row[nd.col]
	g := b2i(v <= nd.thr) | b2i(v != v)&b2i(nd.kind == kindNotGT) | b2i(nd.kind == kindLeaf)
	return nd.left + 1 - g
}

// stepCat is step at a categorical node.
func (m *Model) stepCat(nd *cnode, n int32, row []float64) int32 {
	return nd.left + 1 - int32(nd.goesLeft(m, n, row[nd.col]))
}

// Probability returns 1/(1+e^-Margin(row)).
func (m *Model) Probability(row []float64) float64 { return sigmoid(m.Margin(row)) }

// validate checks the structure of a model read from outside.
func (m *Model) validate() error {
	if m.Version != FormatVersion {
		return fmt.Errorf("gbm: model format version %d, this build reads version %d: retrain or convert the model", m.Version, FormatVersion)
	}
	n := len(m.Feature)
	for name, l := range map[string]int{"threshold": len(m.Threshold), "left": len(m.Left), "default_left": len(m.DefaultLeft),
		"cat_start": len(m.CatStart), "cat_len": len(m.CatLen), "value": len(m.Value), "cover": len(m.Cover), "gain": len(m.Gain)} {
		if l != n {
			return fmt.Errorf("gbm: model has %d nodes but %d %s entries", n, l, name)
		}
	}
	cols := len(m.Columns)
	for i, r := range m.Roots {
		if r < 0 || int(r) >= n {
			return fmt.Errorf("gbm: tree %d root %d out of range [0, %d)", i, r, n)
		}
	}
	for i, f := range m.Feature {
		if f < 0 {
			continue
		}
		if int(f) >= cols {
			return fmt.Errorf("gbm: node %d splits on column %d of %d", i, f, cols)
		}
		if l := m.Left[i]; l <= int32(i) || int(l)+1 >= n {
			return fmt.Errorf("gbm: node %d has children %d, %d out of range", i, l, l+1)
		}
		if m.CatLen[i] > 0 && (m.CatStart[i] < 0 || int(m.CatStart[i])+int(m.CatLen[i]) > len(m.CatBits)) {
			return fmt.Errorf("gbm: node %d category set out of range", i)
		}
	}
	return nil
}

// UnmarshalJSON decodes a model, checks its structure and prepares its
// TreeSHAP tables.
func (m *Model) UnmarshalJSON(b []byte) error {
	type plain Model
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("gbm: decode model: %w", err)
	}
	*m = Model(p)
	if err := m.validate(); err != nil {
		return err
	}
	m.prepare()
	return nil
}

// prepare builds the row-independent tables used by PredictMargins and
// SHAP; Train and UnmarshalJSON call it.
func (m *Model) prepare() {
	m.fast = compile(m)
	m.shap = newShapTables(m)
}
