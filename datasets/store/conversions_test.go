package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
)

// TestConversions: won outcomes are conversions, lost and disqualified
// ones are not, and a later report replaces the earlier time.
func TestConversions(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		got, err := s.Conversions(ctx)
		require.NoError(t, err)
		assert.Empty(t, got)
		_, err = s.RecordOutcomes(ctx, []store.Outcome{
			{LeadID: "L-1", Status: store.Won, ConvertedAt: t0},
			{LeadID: "L-2", Status: "lost", ConvertedAt: t0},
			{LeadID: "L-3", Status: store.Won, ConvertedAt: t0.Add(time.Hour)},
		}, t0, store.NoRescore)
		require.NoError(t, err)
		_, err = s.RecordOutcomes(ctx, []store.Outcome{{LeadID: "L-3", Status: store.Won, ConvertedAt: t0.Add(2 * time.Hour)}}, t0, store.NoRescore)
		require.NoError(t, err)
		got, err = s.Conversions(ctx)
		require.NoError(t, err)
		assert.Equal(t, map[string]time.Time{"L-1": t0, "L-3": t0.Add(2 * time.Hour)}, got)
	})
}
