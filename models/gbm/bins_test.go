package gbm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSortFloatsMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	cases := map[string][]float64{
		"empty":  {},
		"one":    {2.5},
		"signed": {3, -1, 0, math.Copysign(0, -1), -1e300, 1e-300, -1e-300, 7, 7, -7, math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64},
	}
	normal := make([]float64, 50000)
	ties := make([]float64, 50000)
	for i := range normal {
		normal[i] = rng.NormFloat64() * 1e3
		ties[i] = float64(rng.IntN(9) - 4)
	}
	cases["normal"], cases["ties"] = normal, ties
	for name, vals := range cases {
		want := slices.Clone(vals)
		slices.Sort(want)
		got := slices.Clone(vals)
		sortFloats(got, make([]float64, len(got)))
		require.Equal(t, len(want), len(got), name)
		for i := range want {
			// -0 and +0 are equal; every other value must match bit for bit.
			require.True(t, want[i] == got[i] && (want[i] == 0 || math.Float64bits(want[i]) == math.Float64bits(got[i])), "%s: position %d: %v, want %v", name, i, got[i], want[i])
		}
		for i := 1; i < len(got); i++ {
			require.False(t, math.Signbit(got[i-1]) == false && got[i-1] == 0 && math.Signbit(got[i]) && got[i] == 0, "%s: +0 before -0", name)
		}
	}
}

func TestUpperTableMatchesBinarySearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	vals := make([]float64, 20000)
	for i := range vals {
		vals[i] = math.Round(rng.NormFloat64()*50) / 10
	}
	for _, maxBins := range []int{2, 3, 16, 255} {
		fb := numericBins(slices.Clone(vals), maxBins)
		tab := newUpperTable(&fb)
		probe := []float64{math.Inf(-1), -math.MaxFloat64, 0, math.Copysign(0, -1), math.MaxFloat64}
		for _, u := range fb.upper[:len(fb.upper)-1] {
			probe = append(probe, u, math.Nextafter(u, math.Inf(-1)), math.Nextafter(u, math.Inf(1)))
		}
		probe = append(probe, vals...)
		for _, v := range probe {
			require.Equal(t, fb.bin(v), tab.bin(v), "max bins %d, value %v", maxBins, v)
		}
		assert.Less(t, int(tab.bin(math.MaxFloat64)), fb.numBins-1, "max bins %d: the missing bin stays apart", maxBins)
	}
}

// referenceNumericBins is numericBins as first written: a list of distinct
// values with counts, sorted by slices.Sort.
func referenceNumericBins(vals []float64, maxBins int) []float64 {
	slices.Sort(vals)
	type dv struct {
		v float64
		n int
	}
	var distinct []dv
	for i, v := range vals {
		if i > 0 && v == vals[i-1] {
			distinct[len(distinct)-1].n++
			continue
		}
		distinct = append(distinct, dv{v, 1})
	}
	var upper []float64
	cut := func(a, b float64) {
		m := a + (b-a)/2
		if m >= b || m < a {
			m = a
		}
		upper = append(upper, m)
	}
	if len(distinct) <= maxBins {
		for i := 0; i+1 < len(distinct); i++ {
			cut(distinct[i].v, distinct[i+1].v)
		}
	} else {
		rest, cur, left := len(vals), 0, maxBins
		for i := 0; i+1 < len(distinct) && left > 1; i++ {
			cur += distinct[i].n
			if float64(cur) >= float64(rest)/float64(left) {
				cut(distinct[i].v, distinct[i+1].v)
				rest -= cur
				cur = 0
				left--
			}
		}
	}
	return append(upper, math.Inf(1))
}

func TestNumericBinsMatchReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	gen := map[string]func() float64{
		"normal":     rng.NormFloat64,
		"few values": func() float64 { return float64(rng.IntN(7)) },
		"heavy zero": func() float64 {
			if rng.IntN(3) > 0 {
				return math.Copysign(0, float64(rng.IntN(2)*2-1))
			}
			return rng.ExpFloat64()
		},
		"rounded": func() float64 { return math.Round(rng.NormFloat64()*40) / 4 },
	}
	for name, g := range gen {
		for _, n := range []int{1, 2, 10, 300, 5000} {
			vals := make([]float64, n)
			for i := range vals {
				vals[i] = g()
			}
			for _, maxBins := range []int{2, 5, 63, 255} {
				want := referenceNumericBins(slices.Clone(vals), maxBins)
				got := numericBins(slices.Clone(vals), maxBins)
				require.Equal(t, want, got.upper, "%s, %d values, %d bins", name, n, maxBins)
				require.Equal(t, len(want)+1, got.numBins)
			}
		}
	}
}
