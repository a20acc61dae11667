package serve

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"sort"
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
// computed here from the log: the model's and the rule sheet's, whose
// calibrated probability the log keeps (schema version 3). Scores logged
// before it was kept (NULL) leave their version's rule calibration
// undefined rather than judged on part of the scores.
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
			Probability: p, Score: int(p * 100), Grade: "C", Tier: tier, RulesPoints: float64(i % 60), RulesTier: "warm",
			RulesProbability: 0.05 + float64((i*37)%400)/800})
		if rng.Float64() < p {
			outs = append(outs, store.Outcome{LeadID: id, Status: store.Won, ConvertedAt: asOf.Add(time.Duration(1+rng.IntN(80)) * day)})
		}
	}
	// Not judged yet: its horizon is still open.
	scores = append(scores, store.Score{LeadID: "recent", ScoredAt: testNow.Add(-10 * day), AsOf: testNow.Add(-10 * day), Source: store.SourceScore,
		ModelName: "gbm", ModelVersion: "v1", Probability: 0.5, Score: 50, Grade: "B", Tier: "hot", RulesPoints: math.NaN(), RulesProbability: math.NaN()})
	// An older version whose scores were logged without the rule sheet's
	// probability.
	for i := range 30 {
		asOf := testNow.Add(-100 * day)
		scores = append(scores, store.Score{LeadID: fmt.Sprint("old-", i), ScoredAt: asOf, AsOf: asOf, Source: store.SourceScore, ModelName: "gbm", ModelVersion: "v0",
			Probability: 0.2, Score: 20, Grade: "C", Tier: "cold", RulesPoints: float64(i), RulesTier: "cold", RulesProbability: math.NaN()})
	}
	require.NoError(t, st.LogScores(ctx, scores))
	_, err := st.RecordOutcomes(ctx, outs, testNow, store.NoRescore)
	require.NoError(t, err)

	require.NoError(t, s.RefreshMonitoring(ctx))
	m := s.Monitoring()
	require.Len(t, m.Series, 4)
	old := m.Series[1]
	require.Equal(t, "v0", old.Version)
	assert.Equal(t, monitor.Rules, old.Model)
	assert.Equal(t, 30, old.N)
	assert.True(t, math.IsNaN(old.ECE), "scores logged without the rule probability")
	assert.Empty(t, old.Calibration)
	g := m.Series[2]
	require.Equal(t, "v1", g.Version)
	assert.Equal(t, 400, g.N)
	var y, p, rp []float64
	for _, sc := range scores[:400] {
		conv := 0.0
		for _, o := range outs {
			if o.LeadID == sc.LeadID {
				conv = 1
			}
		}
		y, p, rp = append(y, conv), append(p, sc.Probability), append(rp, sc.RulesProbability)
	}
	assert.Equal(t, lsmetrics.ROCAUC(y, p, nil), g.AUC)
	assert.Equal(t, lsmetrics.ECE(y, p, monitor.ECEBins), g.ECE)
	assert.Equal(t, lsmetrics.TopShareCaptured(y, p, 0.1), g.Top10)
	r := m.Series[3]
	assert.Equal(t, monitor.Rules, r.Model)
	assert.Equal(t, 400, r.N)
	assert.InDelta(t, lsmetrics.ECE(y, rp, monitor.ECEBins), r.ECE, 1e-12, "the rule sheet's live ECE")
	require.Len(t, r.Calibration, 10)
	// Offline deciles: rank by the rule probability, highest first.
	idx := make([]int, len(rp))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return rp[idx[a]] > rp[idx[b]] })
	for d, bin := range r.Calibration {
		lo, hi := d*len(rp)/10, (d+1)*len(rp)/10
		var sp, sy float64
		for _, i := range idx[lo:hi] {
			sp, sy = sp+rp[i], sy+y[i]
		}
		assert.Equal(t, hi-lo, bin.N)
		assert.InDelta(t, sp/float64(hi-lo), bin.Predicted, 1e-12, "decile %d", d+1)
		assert.InDelta(t, sy/float64(hi-lo), bin.Observed, 1e-12, "decile %d", d+1)
	}
	assert.Contains(t, env.do(t, "GET", "/metrics", "").Body.String(), `leadscore_monitor_ece{model="rules",model_version="v1"}`)
	assert.Contains(t, env.do(t, "GET", "/metrics", "").Body.String(), `leadscore_monitor_judged_scores{model="gbm",model_version="v1"} 400`)
}
