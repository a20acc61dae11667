package models

import (
	"math"
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
