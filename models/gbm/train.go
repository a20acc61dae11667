package gbm

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/leadscore/leadscore/features"
)

// checkData validates a matrix with its labels and optional weights.
func checkData(name string, X *features.Matrix, y, w []float64) error {
	if X == nil {
		return fmt.Errorf("gbm: %s matrix is nil", name)
	}
	if X.Rows < 1 || X.Cols < 1 || len(X.Data) != X.Rows*X.Cols || len(X.Columns) != X.Cols {
		return fmt.Errorf("gbm: %s matrix is %dx%d with %d values and %d column infos: want a non-empty rows x cols matrix", name, X.Rows, X.Cols, len(X.Data), len(X.Columns))
	}
	if len(y) != X.Rows {
		return fmt.Errorf("gbm: %s has %d labels for %d rows", name, len(y), X.Rows)
	}
	for i, v := range y {
		if v != 0 && v != 1 {
			return fmt.Errorf("gbm: %s row %d: label %v, want 0 or 1", name, i, v)
		}
	}
	if w != nil {
		if len(w) != X.Rows {
			return fmt.Errorf("gbm: %s has %d weights for %d rows", name, len(w), X.Rows)
		}
		for i, v := range w {
			if !(v >= 0) || math.IsInf(v, 0) {
				return fmt.Errorf("gbm: %s row %d: weight %v, want finite and >= 0", name, i, v)
			}
		}
	}
	for i, v := range X.Data {
		if math.IsInf(v, 0) {
			return fmt.Errorf("gbm: %s row %d column %q: value is infinite; use NaN for missing", name, i/X.Cols, X.Columns[i%X.Cols].Name)
		}
	}
	return nil
}

// rowWeights returns w (or ones) with positives multiplied by spw.
func rowWeights(y, w []float64, spw float64) []float64 {
	if spw == 0 {
		spw = 1
	}
	out := make([]float64, len(y))
	for i := range out {
		out[i] = 1
		if w != nil {
			out[i] = w[i]
		}
		if y[i] == 1 {
			out[i] *= spw
		}
	}
	return out
}

// Train fits a gradient-boosted tree model of the log-odds of y = 1 given
// the rows of X, minimising the weighted log loss Σ w_i ℓ(y_i, margin_i)
// by Newton boosting: every round fits a tree to g = w(p-y), h = w p(1-p)
// and adds η·(-G/(H+λ)) per leaf. w (sample weights) may be nil. With a
// validation set (valid, validY, validW; validW may be nil) the validation
// log loss is recorded every round and, when p.EarlyStopping > 0, training
// stops after that many rounds without improvement and the model is
// truncated to its best round. Categorical columns (X.Columns[j].Categorical)
// hold codes 0..Categories-1 and NaN for missing. The result depends only on
// the data and p (not on p.Threads).
func Train(X *features.Matrix, y, w []float64, valid *features.Matrix, validY, validW []float64, p Params) (*Model, error) {
	if err := checkData("training", X, y, w); err != nil {
		return nil, err
	}
	if err := p.validate(X.Cols); err != nil {
		return nil, err
	}
	if valid != nil {
		if err := checkData("validation", valid, validY, validW); err != nil {
			return nil, err
		}
		if valid.Cols != X.Cols {
			return nil, fmt.Errorf("gbm: validation matrix has %d columns, training has %d", valid.Cols, X.Cols)
		}
	}
	threads := p.threads()
	rw := rowWeights(y, w, p.ScalePosWeight)
	var sw, swy float64
	for i, v := range rw {
		sw += v
		swy += v * y[i]
	}
	if sw == 0 {
		return nil, errors.New("gbm: all training weights are zero")
	}
	prior := min(max(swy/sw, 1e-12), 1-1e-12)

	m := &Model{Version: FormatVersion, Columns: slices.Clone(X.Columns), Params: p, BaseScore: math.Log(prior / (1 - prior))}
	m.Params.Monotone = slices.Clone(p.Monotone)
	m.Params.Threads = 0 // does not affect the model
	bm := binMatrix(X, p.Bins, p.Seed, threads)
	gr := newGrower(p, bm, threads)
	n := X.Rows
	margin := make([]float64, n)
	for i := range margin {
		margin[i] = m.BaseScore
	}
	gr.gh = make([]gradPair, n)
	var vmargin []float64
	var vbins *binnedMatrix // the validation rows under the training bins
	if valid != nil {
		vbins = bm.binWith(valid, threads)
		vmargin = make([]float64, valid.Rows)
		for i := range vmargin {
			vmargin[i] = m.BaseScore
		}
	}
	rng := rand.New(rand.NewPCG(uint64(p.Seed), 0xda3e39cb94b95bdb))
	allFeats := make([]int, X.Cols)
	for j := range allFeats {
		allFeats[j] = j
	}
	inTree := make([]bool, n)
	treeRows := make([]int32, n)
	var gossKeys []uint64
	if p.GOSSTop > 0 {
		gossKeys = make([]uint64, 2*n)
	}
	bestLoss, bestRound := math.Inf(1), 0
	for round := 0; round < p.Trees; round++ {
		qz := gr.gradients(margin, y, rw)
		key := splitmix64(uint64(p.Seed)<<20 ^ uint64(round))
		// Row sample (Bernoulli or GOSS) and column sample for this tree.
		rows := n
		if p.GOSSTop > 0 && round >= int(1/p.LearningRate) {
			var maxG, maxH float64
			rows, maxG, maxH = gossSample(gr.gh, p.GOSSTop, p.GOSSOther, rng, inTree, treeRows, gossKeys)
			qz = quantizerFor(n, maxG, maxH) // amplified pairs may be the largest
		} else if p.Subsample < 1 {
			rows = 0
			for i := range n {
				inTree[i] = rng.Float64() < p.Subsample
				if inTree[i] {
					treeRows[rows] = int32(i)
					rows++
				}
			}
		} else {
			for i := range n {
				treeRows[i] = int32(i)
			}
		}
		feats := allFeats
		if p.ColSample < 1 {
			k := max(1, int(math.Round(p.ColSample*float64(X.Cols))))
			feats = rng.Perm(X.Cols)[:k]
			slices.Sort(feats)
		}
		root := int32(len(m.Feature))
		m.Roots = append(m.Roots, root)
		gr.beginTree(treeRows[:rows], feats, qz, key)
		gr.grow(m)

		// Update training margins: sampled rows by leaf, the rest by bins.
		// A row is in one leaf, so leaves can be added in any order.
		parallelFor(len(gr.leaves), threads, func(k int) {
			l := &gr.leaves[k]
			v := m.Value[l.node]
			for _, pos := range gr.idx[l.start:l.end] {
				margin[treeRows[pos]] += v
			}
		})
		if rows < n {
			parallelRanges(n, threads, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					if !inTree[i] {
						margin[i] += m.Value[gr.binLeaf(m, root, bm, i)]
					}
				}
			})
		}
		if valid == nil {
			continue
		}
		parallelRanges(valid.Rows, threads, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				vmargin[i] += m.Value[gr.binLeaf(m, root, vbins, i)]
			}
		})
		loss := logLoss(vmargin, validY, validW)
		m.ValidLoss = append(m.ValidLoss, loss)
		if loss < bestLoss {
			bestLoss, bestRound = loss, round
		}
		if p.EarlyStopping > 0 && round-bestRound >= p.EarlyStopping {
			break
		}
	}
	m.Best = len(m.Roots)
	if valid != nil && p.EarlyStopping > 0 {
		m.truncate(bestRound + 1)
	}
	m.prepare()
	return m, nil
}

// truncate keeps the first k trees.
func (m *Model) truncate(k int) {
	if k >= len(m.Roots) {
		m.Best = len(m.Roots)
		return
	}
	end := int(m.Roots[k])
	m.Roots = m.Roots[:k]
	m.Feature, m.Threshold, m.Left = m.Feature[:end], m.Threshold[:end], m.Left[:end]
	m.DefaultLeft, m.CatStart, m.CatLen = m.DefaultLeft[:end], m.CatStart[:end], m.CatLen[:end]
	m.Value, m.Cover, m.Gain = m.Value[:end], m.Cover[:end], m.Gain[:end]
	cats := 0
	for n := range end {
		if m.CatLen[n] > 0 {
			cats = max(cats, int(m.CatStart[n]+m.CatLen[n]))
		}
	}
	m.CatBits = m.CatBits[:cats]
	m.Best = k
}
