package models

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScoreOf(t *testing.T) {
	tests := []struct {
		p    float64
		want int
	}{
		{0, 1}, {0.004, 1}, {0.005, 1}, {0.015, 2}, {0.314, 31}, {0.5, 50}, {0.985, 99}, {1, 99},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, ScoreOf(tc.p), "p=%v", tc.p)
	}
}

func TestTierAndGrade(t *testing.T) {
	s := Scoring{HotThreshold: 0.4, WarmThreshold: 0.15, GradeScores: [3]int{40, 15, 8}}
	for _, tc := range []struct {
		p    float64
		tier string
	}{{0.4, "hot"}, {0.3999, "warm"}, {0.15, "warm"}, {0.1499, "cold"}, {0, "cold"}} {
		assert.Equal(t, tc.tier, s.Tier(tc.p), "p=%v", tc.p)
	}
	for _, tc := range []struct {
		score int
		grade string
	}{{99, "A"}, {40, "A"}, {39, "B"}, {15, "B"}, {14, "C"}, {8, "C"}, {7, "D"}, {1, "D"}} {
		assert.Equal(t, tc.grade, s.Grade(tc.score), "score=%v", tc.score)
	}
}

func TestQuantilesAndPercentile(t *testing.T) {
	xs := make([]float64, 10001)
	for i := range xs {
		xs[i] = float64(len(xs)-1-i) / 10000 // 1 down to 0, unsorted input
	}
	q := Quantiles(xs)
	require.Len(t, q, 1001)
	assert.Equal(t, 0.0, q[0])
	assert.Equal(t, 1.0, q[1000])
	assert.InDelta(t, 0.5, q[500], 1e-12)
	s := Scoring{Population: map[string][]float64{"m": q}}
	for _, tc := range []struct{ p, want float64 }{
		{-1, 0}, {0.25, 25}, {0.5, 50}, {0.9, 90}, {1, 100}, {2, 100},
	} {
		assert.InDelta(t, tc.want, s.Percentile("m", tc.p), 1e-9, "p=%v", tc.p)
	}
	assert.True(t, math.IsNaN(s.Percentile("other", 0.5)), "a model without a population has no percentile")

	// Ties: a population where most leads share one probability.
	tied := Quantiles([]float64{0.1, 0.1, 0.1, 0.1, 0.9})
	ts := Scoring{Population: map[string][]float64{"m": tied}}
	assert.Equal(t, 0.0, ts.Percentile("m", 0.05))
	assert.InDelta(t, 75, ts.Percentile("m", 0.1), 1e-9, "at the tied value: share at or below it")
	assert.Equal(t, 100.0, ts.Percentile("m", 0.95))
}

func TestPercentileIsMonotone(t *testing.T) {
	xs := []float64{0.02, 0.02, 0.05, 0.07, 0.07, 0.07, 0.1, 0.3, 0.3, 0.8}
	s := Scoring{Population: map[string][]float64{"m": Quantiles(xs)}}
	prev := -1.0
	for p := 0.0; p <= 1; p += 0.001 {
		v := s.Percentile("m", p)
		require.GreaterOrEqual(t, v, prev, "p=%v", p)
		prev = v
	}
}

// TestSelectContributions checks the top-k selection against sorting
// everything, as explanations were first computed, with ties and zeros.
func TestSelectContributions(t *testing.T) {
	reference := func(cands []Contribution, k int) []Contribution {
		all := slices.Clone(cands)
		sort.Slice(all, func(i, j int) bool {
			if all[i].Contribution != all[j].Contribution {
				return all[i].Contribution > all[j].Contribution
			}
			return all[i].Feature < all[j].Feature
		})
		if k == ExplainAll {
			return all
		}
		var pos, neg []Contribution
		for _, c := range all {
			if c.Contribution > 0 && len(pos) < k {
				pos = append(pos, c)
			}
		}
		for i := len(all) - 1; i >= 0 && len(neg) < k; i-- {
			if all[i].Contribution < 0 {
				neg = append(neg, all[i])
			}
		}
		return append(pos, neg...)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 2000 {
		n := rng.IntN(30)
		cands := make([]Contribution, n)
		for i := range cands {
			// Few distinct values, so ties and zeros are common.
			cands[i] = Contribution{Feature: fmt.Sprintf("f%02d", rng.IntN(40)), Contribution: float64(rng.IntN(7) - 3)}
		}
		for _, k := range []int{ExplainAll, 1, 2, 3, 5, 40} {
			want := reference(cands, k)
			got := selectContributions(nil, slices.Clone(cands), k)
			if len(want) == 0 {
				want = nil
			}
			require.Equal(t, want, got, "trial %d, k %d, candidates %v", trial, k, cands)
		}
	}
}
