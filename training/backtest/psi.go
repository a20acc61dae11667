package backtest

import (
	"math"
	"sort"
)

// DriftThreshold is the population stability index above which a feature
// or score is flagged as drifted: below 0.1 is commonly read as stable, 0.1
// to 0.2 as a moderate shift, above 0.2 as a shift worth investigating.
const DriftThreshold = 0.2

// psiFloor is the smallest bin share PSI uses, so an empty bin does not make
// the index infinite.
const psiFloor = 1e-4

// PSI returns the population stability index of actual against expected,
//
//	PSI = sum_b (a_b - e_b) ln(a_b / e_b),
//
// where e_b and a_b are the shares of expected and actual values in bin b
// (floored at 1e-4). The bins are the deciles of expected (fewer when values
// repeat) plus one bin for missing values (NaN). PSI is 0 for identical
// distributions and grows with the shift; it is NaN when either side is
// empty.
func PSI(expected, actual []float64, bins int) float64 {
	if len(expected) == 0 || len(actual) == 0 {
		return math.NaN()
	}
	edges := quantileEdges(expected, bins)
	return psiOf(histogram(expected, edges), histogram(actual, edges))
}

// PSICategorical is PSI with one bin per distinct value (category codes),
// except that values with less than 2% of expected share one bin (so dozens
// of rare categories do not inflate the index by sampling noise alone), and
// NaN is its own bin.
func PSICategorical(expected, actual []float64) float64 {
	if len(expected) == 0 || len(actual) == 0 {
		return math.NaN()
	}
	counts := map[float64]int{}
	for _, v := range expected {
		if !math.IsNaN(v) {
			counts[v]++
		}
	}
	// Bins: 0 rare (and values unseen in expected), 1 missing, then one per
	// common value.
	bin := map[float64]int{}
	keys := make([]float64, 0, len(counts))
	for v := range counts {
		keys = append(keys, v)
	}
	sort.Float64s(keys)
	for _, v := range keys {
		if float64(counts[v]) >= 0.02*float64(len(expected)) {
			bin[v] = len(bin) + 2
		}
	}
	hist := func(xs []float64) []float64 {
		h := make([]float64, len(bin)+2)
		for _, v := range xs {
			switch b, ok := bin[v]; {
			case math.IsNaN(v):
				h[1]++
			case ok:
				h[b]++
			default:
				h[0]++
			}
		}
		return h
	}
	return psiOf(hist(expected), hist(actual))
}

// quantileEdges returns the distinct interior cut points of the bins-quantiles
// of the finite values of xs.
func quantileEdges(xs []float64, bins int) []float64 {
	f := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			f = append(f, x)
		}
	}
	if len(f) == 0 {
		return nil
	}
	sort.Float64s(f)
	var edges []float64
	for k := 1; k < bins; k++ {
		e := quantileSorted(f, float64(k)/float64(bins))
		if (len(edges) == 0 || e > edges[len(edges)-1]) && e > f[0] {
			edges = append(edges, e)
		}
	}
	return edges
}

// histogram counts xs into the bins (-inf, e0), [e0, e1), ..., [e_last, inf)
// plus a last bin for NaN.
func histogram(xs, edges []float64) []float64 {
	h := make([]float64, len(edges)+2)
	for _, x := range xs {
		if math.IsNaN(x) {
			h[len(h)-1]++
			continue
		}
		h[sort.SearchFloat64s(edges, math.Nextafter(x, math.Inf(1)))]++
	}
	return h
}

func psiOf(e, a []float64) float64 {
	var te, ta float64
	for i := range e {
		te += e[i]
		ta += a[i]
	}
	var psi float64
	for i := range e {
		if e[i] == 0 && a[i] == 0 {
			continue
		}
		pe := math.Max(e[i]/te, psiFloor)
		pa := math.Max(a[i]/ta, psiFloor)
		psi += (pa - pe) * math.Log(pa/pe)
	}
	return psi
}
