package store_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
)

// TestLatestScores: the newest logged score of each lead asked for, the
// same as LeadScores(id, 0, 1), across chunks; leads without a score are
// absent.
func TestLatestScores(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		var scores []store.Score
		var ids []string
		for i := range 600 {
			id := "L" + string(rune('a'+i%26)) + time.Duration(i).String()
			ids = append(ids, id)
			for k := range i%3 + 1 {
				scores = append(scores, store.Score{LeadID: id, ScoredAt: t0.Add(time.Duration(k) * time.Hour), AsOf: t0.Add(time.Duration(k) * time.Hour),
					Source: store.SourceRescore, ModelName: "m", ModelVersion: "v1", Probability: float64(k) / 10, Score: k, Grade: "C", Tier: "cold", RulesPoints: math.NaN()})
			}
		}
		require.NoError(t, s.LogScores(ctx, scores))
		got, err := s.LatestScores(ctx, append(ids, "never-scored"))
		require.NoError(t, err)
		require.Len(t, got, len(ids))
		for _, id := range ids {
			want, err := s.LeadScores(ctx, id, 0, 1)
			require.NoError(t, err)
			require.Len(t, want, 1)
			assert.Equal(t, want[0].ID, got[id].ID, id)
			assert.Equal(t, want[0].Probability, got[id].Probability, id)
		}
	})
}
