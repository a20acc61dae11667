package store_test

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
)

// TestWriteRescoresAmidIngestion: rescore writes (committed ahead of the
// requests' writes on SQLite) and event writes running together all land,
// each once, and the rescores settle their pending rows; after Close a
// rescore write fails instead of waiting forever.
func TestWriteRescoresAmidIngestion(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		var wg sync.WaitGroup
		errs := make(chan error, 16*5+4)
		for g := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range 5 {
					var evs []store.Event
					for i := range 20 {
						evs = append(evs, store.Event{LeadID: fmt.Sprintf("L%d", i), EventID: fmt.Sprintf("g%d-%d-%d", g, k, i), Type: "page_view", Time: t0})
					}
					_, err := s.AppendEvents(ctx, evs, t0, store.RescoreActivity)
					errs <- err
				}
			}()
		}
		for r := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var scores []store.Score
				var ids []string
				for i := range 20 {
					id := fmt.Sprintf("R%d-%d", r, i)
					ids = append(ids, id)
					scores = append(scores, store.Score{LeadID: id, ScoredAt: t0, AsOf: t0, Source: store.SourceRescore, ModelName: "m", ModelVersion: "v1",
						Probability: 0.5, Score: 50, Grade: "C", Tier: "warm", RulesPoints: math.NaN(), RulesProbability: math.NaN()})
				}
				errs <- s.WriteRescores(ctx, store.RescoreWrite{Scores: scores, Settle: ids, Through: t0.Add(time.Hour)})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		n, err := s.Count(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(16*5*20), n.Events)
		assert.Equal(t, int64(4*20), n.Scores)
		pending, err := s.PendingRescores(ctx)
		require.NoError(t, err)
		assert.Len(t, pending, 20, "the events' leads wait for their rescore")
		require.NoError(t, s.WriteRescores(ctx, store.RescoreWrite{Settle: []string{"L0", "L1"}, Through: t0}))
		pending, err = s.PendingRescores(ctx)
		require.NoError(t, err)
		assert.Len(t, pending, 18, "settled")
		require.NoError(t, s.Close())
		assert.Error(t, s.WriteRescores(ctx, store.RescoreWrite{Settle: []string{"L2"}, Through: t0}))
	})
}
