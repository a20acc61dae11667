package gbm

import (
	"math/rand/v2"
	"testing"

	"github.com/leadscore/leadscore/features"
	"github.com/stretchr/testify/require"
)

// shapReference is the exact per-row TreeSHAP without the subset tables:
// every leaf takes the O(d²) elementary-symmetric-polynomial recurrence of
// leafSHAP, and node directions come from Model.goLeft.
func shapReference(m *Model, row []float64, out []float64) float64 {
	t := newShapTables(m)
	clear(out)
	var e [2][65]float64
	for _, st := range t.trees {
		dirs := make([]uint64, st.words)
		for k, n := range t.internal[st.intStart:st.intEnd] {
			if m.goLeft(n, row[m.Feature[n]]) {
				dirs[k>>6] |= 1 << (k & 63)
			}
		}
		for li := st.leafStart; li < st.leafEnd; li++ {
			l := t.leaves[li]
			l.sum = -1
			t.leafSHAP(&l, dirs, int(st.words), out, &e)
		}
	}
	return t.expected
}

func TestSHAPMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	check := func(m *Model, X [][]float64) {
		cols := len(m.Columns)
		want := make([]float64, cols)
		got := make([]float64, cols)
		for _, row := range X {
			we := shapReference(m, row, want)
			ge := m.SHAP(row, got)
			require.InDelta(t, we, ge, 1e-12)
			for j := range got {
				require.InDelta(t, want[j], got[j], 1e-9, "column %d", j)
			}
		}
		// SHAPMatrix agrees with SHAP bit for bit.
		Xm := make([]float64, 0, len(X)*cols)
		for _, row := range X {
			Xm = append(Xm, row...)
		}
		mat := featuresMatrix(m, Xm)
		out := make([]float64, len(Xm))
		m.SHAPMatrix(mat, out, 2)
		for i, row := range X {
			m.SHAP(row, got)
			require.Equal(t, got, out[i*cols:(i+1)*cols], "row %d", i)
		}
	}
	// Random trees deep enough for leaves with many distinct path features
	// (table and recurrence paths) and trees of more than 64 internal nodes.
	for _, c := range []struct{ cols, trees, leaves int }{{12, 6, 40}, {20, 4, 150}} {
		m := randomModel(rng, c.cols, c.trees, c.leaves)
		var X [][]float64
		for range 150 {
			X = append(X, randomRow(rng, c.cols))
		}
		check(m, X)
	}
}

// featuresMatrix wraps row-major data in a matrix of m's columns.
func featuresMatrix(m *Model, data []float64) *features.Matrix {
	cols := len(m.Columns)
	X := features.NewMatrix(len(data)/cols, m.Columns)
	copy(X.Data, data)
	return X
}
