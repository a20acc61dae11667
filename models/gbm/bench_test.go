package gbm

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func benchModel(b *testing.B) (*Model, []float64) {
	X, y, _ := logisticData(20000, 31)
	p := DefaultParams()
	p.Trees, p.Leaves, p.EarlyStopping, p.LearningRate = 100, 63, 0, 0.1
	m, err := Train(X, y, nil, nil, nil, nil, p)
	require.NoError(b, err)
	return m, X.Data
}

func BenchmarkTrain(b *testing.B) {
	X, y, _ := logisticData(20000, 31)
	p := DefaultParams()
	p.Trees, p.Leaves, p.EarlyStopping, p.LearningRate = 50, 63, 0, 0.1
	for b.Loop() {
		if _, err := Train(X, y, nil, nil, nil, nil, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrainWide fits 100 trees of 63 leaves on lead-sized 40-column
// matrices with and without the default row and column sampling.
func BenchmarkTrainWide(b *testing.B) {
	for _, rows := range []int{10000, 100000} {
		X, y := wideData(rows, 41)
		for _, sampled := range []bool{false, true} {
			p := DefaultParams()
			p.Trees, p.Leaves, p.EarlyStopping, p.LearningRate = 100, 63, 0, 0.1
			if !sampled {
				p.Subsample, p.ColSample = 1, 1
			}
			b.Run(fmt.Sprintf("rows=%d/sampled=%v", rows, sampled), func(b *testing.B) {
				for b.Loop() {
					if _, err := Train(X, y, nil, nil, nil, nil, p); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkBinMatrix places bins and bins every value of lead-sized
// 40-column matrices: a fixed cost of every fit.
func BenchmarkBinMatrix(b *testing.B) {
	for _, rows := range []int{10000, 100000} {
		X, _ := wideData(rows, 41)
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			for b.Loop() {
				binMatrix(X, 255, 1, 2)
			}
		})
	}
}

func BenchmarkPredict(b *testing.B) {
	m, _ := benchModel(b)
	X, _, _ := logisticData(20000, 32)
	out := make([]float64, X.Rows)
	b.ResetTimer()
	for b.Loop() {
		m.PredictMargins(X, out, 0)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*X.Rows), "ns/row")
}

func BenchmarkSHAP(b *testing.B) {
	m, _ := benchModel(b)
	X, _, _ := logisticData(1000, 33)
	phi := make([]float64, X.Cols)
	b.ResetTimer()
	i := 0
	for b.Loop() {
		m.SHAP(X.Row(i%X.Rows), phi)
		i++
	}
}
