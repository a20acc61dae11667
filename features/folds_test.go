package features

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// foldRows makes n rows, positive with probability rate; with maxGroup > 0
// the rows come in leads of 1..maxGroup snapshots whose labels may differ
// (a lead's late snapshots are positive more often), as Build makes them.
func foldRows(n int, rate float64, maxGroup int, seed uint64) (y []float64, groups []int) {
	rng := rand.New(rand.NewPCG(seed, 7))
	y = make([]float64, n)
	if maxGroup > 0 {
		groups = make([]int, n)
	}
	lead := 0
	for i := 0; i < n; {
		size := 1
		if maxGroup > 0 {
			size = 1 + rng.IntN(maxGroup)
		}
		r := rate
		for j := 0; j < size && i < n; j++ {
			if rng.Float64() < r {
				y[i] = 1
			}
			if groups != nil {
				groups[i] = 1000 + 3*lead // any integers name the groups
			}
			r *= 1.3
			i++
		}
		lead++
	}
	return y, groups
}

func TestFolds(t *testing.T) {
	type tc struct {
		name   string
		y      []float64
		groups []int
		k      int
	}
	ungroupedY, _ := foldRows(1003, 0.08, 0, 1)
	groupedY, grouped := foldRows(2000, 0.15, 4, 2)
	singleY, single := foldRows(500, 0.3, 1, 3)
	tests := []tc{
		{"balanced", []float64{1, 0, 1, 0, 1, 0, 1, 0, 1, 0}, nil, 5},
		{"imbalanced", ungroupedY, nil, 5},
		{"fewer positives than folds", []float64{1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, nil, 5},
		{"one class", []float64{0, 0, 0, 0, 0, 0, 0}, nil, 3},
		{"labels above 0.5 are positive", []float64{0.9, 0.2, 0.7, 0.1, 1, 0}, nil, 3},
		{"fewer rows than folds", []float64{1, 0, 1}, nil, 5},
		{"one fold", []float64{1, 0, 1, 0}, nil, 1},
		{"empty", nil, nil, 5},
		{"leads of several snapshots", groupedY, grouped, 5},
		{"leads of one snapshot", singleY, single, 4},
		{"one big lead", []float64{1, 0, 1, 0, 0, 1, 0, 0}, []int{7, 7, 7, 7, 7, 1, 2, 3}, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fold, err := Folds(tc.y, tc.groups, tc.k, 42)
			require.NoError(t, err)
			require.Len(t, fold, len(tc.y))
			pos := make([]int, tc.k)
			neg := make([]int, tc.k)
			for i, f := range fold {
				require.GreaterOrEqual(t, f, 0)
				require.Less(t, f, tc.k)
				if tc.y[i] > 0.5 {
					pos[f]++
				} else {
					neg[f]++
				}
			}
			rows := make([]int, tc.k)
			for f := range rows {
				rows[f] = pos[f] + neg[f]
			}

			// Groups are never split; count units for the non-empty check.
			units := len(tc.y)
			maxGroup := 1
			if tc.groups != nil {
				foldOf := map[int]int{}
				size := map[int]int{}
				for i, g := range tc.groups {
					if f, ok := foldOf[g]; ok {
						require.Equal(t, f, fold[i], "group %d is split between folds", g)
					}
					foldOf[g] = fold[i]
					size[g]++
					maxGroup = max(maxGroup, size[g])
				}
				units = len(foldOf)
			}
			if units >= tc.k {
				for f, n := range rows {
					assert.Positive(t, n, "fold %d is empty although there are %d units for %d folds", f, units, tc.k)
				}
			}
			if len(tc.y) == 0 {
				return
			}
			// Class balance: within 1 between folds without groups, within the
			// largest group of the even share with them.
			if tc.groups == nil || maxGroup == 1 {
				assert.LessOrEqual(t, slices.Max(pos)-slices.Min(pos), 1, "positives per fold %v", pos)
				assert.LessOrEqual(t, slices.Max(neg)-slices.Min(neg), 1, "negatives per fold %v", neg)
				assert.LessOrEqual(t, slices.Max(rows)-slices.Min(rows), 1, "rows per fold %v", rows)
			} else {
				var totPos, totNeg int
				for f := range pos {
					totPos += pos[f]
					totNeg += neg[f]
				}
				for f := range pos {
					assert.InDelta(t, float64(totPos)/float64(tc.k), pos[f], float64(maxGroup), "positives per fold %v", pos)
					assert.InDelta(t, float64(totNeg)/float64(tc.k), neg[f], float64(maxGroup), "negatives per fold %v", neg)
				}
			}

			again, err := Folds(tc.y, tc.groups, tc.k, 42)
			require.NoError(t, err)
			assert.Equal(t, fold, again, "the same seed gives the same folds")
		})
	}
}

func TestFoldsSeedShuffles(t *testing.T) {
	tests := []struct {
		name   string
		groups bool
	}{
		{"rows", false},
		{"groups", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			y, groups := foldRows(400, 0.2, 3, 5)
			if !tc.groups {
				groups = nil
			}
			a, err := Folds(y, groups, 5, 1)
			require.NoError(t, err)
			b, err := Folds(y, groups, 5, 2)
			require.NoError(t, err)
			assert.NotEqual(t, a, b, "another seed deals the rows differently")
			// Neither is the input order dealt round-robin.
			rr := make([]int, len(y))
			for i := range rr {
				rr[i] = i % 5
			}
			assert.NotEqual(t, rr, a)
		})
	}
}

func TestFoldsErrors(t *testing.T) {
	tests := []struct {
		name   string
		y      []float64
		groups []int
		k      int
		want   string
	}{
		{"no folds", []float64{1, 0}, nil, 0, "k is 0"},
		{"negative folds", []float64{1, 0}, nil, -2, "k is -2"},
		{"groups too short", []float64{1, 0, 1}, []int{1, 2}, 2, "2 group ids for 3 rows"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Folds(tc.y, tc.groups, tc.k, 1)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}
