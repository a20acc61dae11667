package serve

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/serve/monitor"
)

// judgedFunc adapts a function to JudgedSource.
type judgedFunc func(ctx context.Context, now time.Time) ([]monitor.Judged, error)

func (f judgedFunc) Judged(ctx context.Context, now time.Time) ([]monitor.Judged, error) {
	return f(ctx, now)
}

func judgedHistory(version string, n int, seed uint64) []monitor.Judged {
	rng := rand.New(rand.NewPCG(seed, 2))
	out := make([]monitor.Judged, n)
	for i := range out {
		p := rng.Float64() * 0.6
		tier := "cold"
		if p > 0.4 {
			tier = "hot"
		}
		out[i] = monitor.Judged{Issued: monitor.Issued{LeadID: fmt.Sprint("L-", i), Version: version, Model: "gbm", At: testNow.Add(-100 * 24 * time.Hour),
			Probability: p, Tier: tier, HasRules: true, RulesPoints: float64(i % 50), RulesTier: "warm", RulesProbability: 0.3}, Converted: rng.Float64() < p}
	}
	return out
}

// TestMonitoringGauges: the server computes the figures from its judged
// source, publishes them as /metrics gauges and keeps the last good
// figures when the source fails.
func TestMonitoringGauges(t *testing.T) {
	fail := false
	src := judgedFunc(func(context.Context, time.Time) ([]monitor.Judged, error) {
		if fail {
			return nil, errors.New("store is down")
		}
		return judgedHistory("v1", 400, 1), nil
	})
	s, env := newTestServer(t, testOptions{})
	assert.False(t, s.Monitoring().Enabled)
	require.NoError(t, s.RefreshMonitoring(context.Background()), "no source: nothing to do")

	s, env = newTestServer(t, testOptions{monitor: MonitorConfig{Source: src}})
	require.NoError(t, s.RefreshMonitoring(context.Background()))
	m := s.Monitoring()
	assert.True(t, m.Enabled)
	assert.Equal(t, testNow, m.At)
	require.Len(t, m.Series, 2)
	assert.Equal(t, "gbm", m.Series[0].Model)
	assert.Equal(t, monitor.Rules, m.Series[1].Model)
	assert.Equal(t, 400, m.Series[0].N)
	// The fake bundle's report has no roc_auc: no baseline, no alert.
	assert.Empty(t, m.Alerts)
	body := env.do(t, "GET", "/metrics", "").Body.String()
	for _, want := range []string{
		`leadscore_monitor_judged_scores{model="gbm",model_version="v1"} 400`,
		`leadscore_monitor_roc_auc{model="gbm",model_version="v1"}`,
		`leadscore_monitor_ece{model="rules",model_version="v1"}`,
		`leadscore_monitor_top10_capture{model="gbm",model_version="v1"}`,
		`leadscore_monitor_conversion_rate{model="gbm",model_version="v1",tier="hot"}`,
		`leadscore_monitor_conversion_rate{model="rules",model_version="v1",tier="mql"}`,
		`leadscore_monitor_alert{metric="ece",model="gbm",model_version="v1"} 0`,
	} {
		assert.Contains(t, body, want)
	}
	fail = true
	require.Error(t, s.RefreshMonitoring(context.Background()))
	m = s.Monitoring()
	assert.Equal(t, "store is down", m.Error)
	assert.Len(t, m.Series, 2, "the last figures stay")
}
