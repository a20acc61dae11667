package serve

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
	lsmetrics "github.com/leadscore/leadscore/metrics"
	"github.com/leadscore/leadscore/serve/monitor"
)

// TestMonitoringFromStore: with a lead store, the server judges its
// prediction log against the store's won outcomes once the horizon has
// passed, and the figures equal package metrics on the same scores,
// computed here from the log.
func TestMonitoringFromStore(t *testing.T) {
	url := "sqlite:" + filepath.Join(t.TempDir(), "store.db")
	s, env := newTestServer(t, testOptions{store: url})
	t.Cleanup(func() { s.Close() })
	require.True(t, s.Monitoring().Enabled, "a store turns monitoring on")
	st := s.store.(*store.Store)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 5))
	day := 24 * time.Hour
	var scores []store.Score
	var outs []store.Outcome
	for i := range 400 {
		id := fmt.Sprint("L-", i)
		asOf := testNow.Add(-time.Duration(95+i%20) * day)
		p := rng.Float64() * 0.6
		tier := "cold"
		if p > 0.4 {
			tier = "hot"
		}
		scores = append(scores, store.Score{LeadID: id, ScoredAt: asOf, AsOf: asOf, Source: store.SourceScore, ModelName: "gbm", ModelVersion: "v1",
			Probability: p, Score: int(p * 100), Grade: "C", Tier: tier, RulesPoints: float64(i % 60), RulesTier: "warm"})
		if rng.Float64() < p {
			outs = append(outs, store.Outcome{LeadID: id, Status: store.Won, ConvertedAt: asOf.Add(time.Duration(1+rng.IntN(80)) * day)})
		}
	}
	// Not judged yet: its horizon is still open.
	scores = append(scores, store.Score{LeadID: "recent", ScoredAt: testNow.Add(-10 * day), AsOf: testNow.Add(-10 * day), Source: store.SourceScore,
		ModelName: "gbm", ModelVersion: "v1", Probability: 0.5, Score: 50, Grade: "B", Tier: "hot", RulesPoints: math.NaN()})
	require.NoError(t, st.LogScores(ctx, scores))
	_, err := st.RecordOutcomes(ctx, outs, testNow, store.NoRescore)
	require.NoError(t, err)

	require.NoError(t, s.RefreshMonitoring(ctx))
	m := s.Monitoring()
	require.Len(t, m.Series, 2)
	g := m.Series[0]
	assert.Equal(t, 400, g.N)
	var y, p []float64
	for _, sc := range scores[:400] {
		conv := 0.0
		for _, o := range outs {
			if o.LeadID == sc.LeadID {
				conv = 1
			}
		}
		y, p = append(y, conv), append(p, sc.Probability)
	}
	assert.Equal(t, lsmetrics.ROCAUC(y, p, nil), g.AUC)
	assert.Equal(t, lsmetrics.ECE(y, p, monitor.ECEBins), g.ECE)
	assert.Equal(t, lsmetrics.TopShareCaptured(y, p, 0.1), g.Top10)
	r := m.Series[1]
	assert.Equal(t, monitor.Rules, r.Model)
	assert.True(t, math.IsNaN(r.ECE), "the log keeps no calibrated rule probability")
	assert.Contains(t, env.do(t, "GET", "/metrics", "").Body.String(), `leadscore_monitor_judged_scores{model="gbm",model_version="v1"} 400`)
}
