package gbm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKthLargest(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 9))
	for _, n := range []int{1, 2, 17, 1000, 50000} {
		keys := make([]uint64, n)
		for i := range keys {
			switch i % 3 {
			case 0:
				keys[i] = rng.Uint64()
			case 1:
				keys[i] = math.Float64bits(math.Abs(rng.NormFloat64()))
			default:
				keys[i] = uint64(rng.IntN(5)) // many ties
			}
		}
		orig := slices.Clone(keys)
		sorted := slices.Clone(keys)
		slices.Sort(sorted)
		for _, k := range []int{1, 2, n / 3, n / 2, n} {
			if k < 1 || k > n {
				continue
			}
			got := kthLargest(keys, k, make([]uint64, n))
			require.Equal(t, sorted[n-k], got, "n %d k %d", n, k)
			require.Equal(t, orig, keys, "keys unchanged")
		}
	}
}

// TestGOSSSample checks the rows GOSS keeps and the weights it gives them:
// exactly the ⌈a·n⌉ largest |g| (ties to the lower rows) unweighted, the
// others drawn with probability b/(1-a) and weighted by (1-a)/b, and sums
// over the kept rows that estimate the sums over all rows without bias.
func TestGOSSSample(t *testing.T) {
	const n, top, other = 5000, 0.2, 0.1
	rng := rand.New(rand.NewPCG(3, 1))
	gh := make([]gradPair, n)
	var allG, allH float64
	for i := range gh {
		g := rng.NormFloat64()
		if i%10 == 0 {
			g = 0.5 // ties
		}
		gh[i] = gradPair{g, 0.1 + rng.Float64()}
		allG += g
		allH += gh[i].h
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if d := math.Abs(gh[b].g) - math.Abs(gh[a].g); d != 0 {
			if d > 0 {
				return 1
			}
			return -1
		}
		return a - b
	})
	k := int(math.Ceil(top * n))
	isTop := make([]bool, n)
	for _, i := range order[:k] {
		isTop[i] = true
	}
	var sumG, sumH float64
	const draws = 400
	keptOthers := 0
	keys := make([]uint64, 2*n)
	for d := range draws {
		g := slices.Clone(gh)
		inTree := make([]bool, n)
		rows := make([]int32, n)
		cnt, maxG, maxH := gossSample(g, top, other, rand.New(rand.NewPCG(uint64(d), 2)), inTree, rows, keys)
		require.True(t, slices.IsSorted(rows[:cnt]))
		var wantMaxG, wantMaxH float64
		wrong := 0
		for i := range n {
			wantMaxG, wantMaxH = max(wantMaxG, math.Abs(g[i].g)), max(wantMaxH, g[i].h)
			f := (1 - top) / other
			amp := gradPair{gh[i].g * f, gh[i].h * f}
			switch {
			case isTop[i]:
				if !inTree[i] || g[i] != gh[i] {
					wrong++ // top rows are kept as they are
				}
			case inTree[i]:
				keptOthers++
				if g[i] != amp {
					wrong++
				}
			case g[i] != gh[i]:
				wrong++
			}
			if inTree[i] {
				sumG += g[i].g
				sumH += g[i].h
			}
		}
		require.Zero(t, wrong, "draw %d", d)
		require.Equal(t, wantMaxG, maxG)
		require.Equal(t, wantMaxH, maxH)
		kept := 0
		for _, in := range inTree {
			if in {
				kept++
			}
		}
		require.Equal(t, kept, cnt)
	}
	// Others kept at rate p = b/(1-a); sums unbiased: the means over the
	// draws within 4 standard errors, sqrt(Σ_others x²(1-p)/p / draws).
	p := other / (1 - top)
	assert.InDelta(t, p, float64(keptOthers)/float64(draws*(n-k)), 0.005)
	var varG, varH float64
	for i := range n {
		if !isTop[i] {
			varG += gh[i].g * gh[i].g * (1 - p) / p
			varH += gh[i].h * gh[i].h * (1 - p) / p
		}
	}
	assert.InDelta(t, allG, sumG/draws, 4*math.Sqrt(varG/draws))
	assert.InDelta(t, allH, sumH/draws, 4*math.Sqrt(varH/draws))
}

func TestGOSSTrains(t *testing.T) {
	X, y, _ := logisticData(4000, 31)
	V, vy, _ := logisticData(2000, 32)
	p := smallParams()
	p.Trees, p.EarlyStopping, p.Subsample, p.GOSSTop, p.GOSSOther = 80, 0, 1, 0.2, 0.1
	m, err := Train(X, y, nil, V, vy, nil, p)
	require.NoError(t, err)
	again, err := Train(X, y, nil, V, vy, nil, p)
	require.NoError(t, err)
	assert.Equal(t, m.Value, again.Value, "deterministic by seed")
	assert.Less(t, m.ValidLoss[len(m.ValidLoss)-1], m.ValidLoss[0], "learns")
	for _, bad := range []struct{ top, other, sub float64 }{{0.2, 0, 1}, {0, 0.1, 1}, {0.7, 0.4, 1}, {0.2, 0.1, 0.8}, {-0.1, 0.1, 1}} {
		q := p
		q.GOSSTop, q.GOSSOther, q.Subsample = bad.top, bad.other, bad.sub
		_, err := Train(X, y, nil, nil, nil, nil, q)
		assert.Error(t, err, "%+v", bad)
	}
}
