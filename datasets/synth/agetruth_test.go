package synth

import (
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
)

// The truth at any age replays the generator: at day 14 it is the
// p_convert_90d_at_day14 of truth_probabilities, the creation times are
// those of the leads file, and past the generator's horizon no lead
// converts.
func TestTruthAtAges(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Profile: ProfileB2B, Leads: 400, Seed: 11, Format: "csv"}
	_, err := Generate(cfg, dir, nil)
	require.NoError(t, err)
	tr, err := TruthAtAges(cfg)
	require.NoError(t, err)
	probs, _, err := datasets.ReadFile(filepath.Join(dir, TruthProbsFile+".csv"), datasets.ReadOptions{})
	require.NoError(t, err)
	leads, _, err := datasets.ReadFile(filepath.Join(dir, LeadsFile+".csv"), datasets.ReadOptions{})
	require.NoError(t, err)
	p14 := probs.Col("p_convert_90d_at_day14")
	created := leads.Col("created_at")
	require.Equal(t, cfg.Leads, p14.Len())
	compared := 0
	for i := range cfg.Leads {
		assert.Equal(t, time.Unix(0, created.Time[i]).UTC(), tr.Created[i], "lead %d", i)
		want := p14.Num[i]
		got, err := tr.P(i, ScoreDay)
		require.NoError(t, err)
		if math.IsNaN(want) {
			assert.Less(t, tr.ConvertedDays[i], float64(ScoreDay), "missing only for leads converted before day 14")
			continue
		}
		assert.InDelta(t, want, got, 1e-9, "lead %d", i)
		compared++
		old, err := tr.P(i, HorizonDays)
		require.NoError(t, err)
		assert.Zero(t, old)
		young, err := tr.P(i, 0.5)
		require.NoError(t, err)
		assert.True(t, young >= 0 && young <= 1)
	}
	assert.Greater(t, compared, 300)
	_, err = tr.P(0, -1)
	assert.Error(t, err)
}

// Day1 is Fit plus the behaviour term of the first day's events: it equals
// Fit for every lead without an event in its first day, and differs only
// for leads with one.
func TestTruthDay1(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Profile: ProfileB2B, Leads: 300, Seed: 5, Format: "csv"}
	_, err := Generate(cfg, dir, nil)
	require.NoError(t, err)
	tr, err := TruthAtAges(cfg)
	require.NoError(t, err)
	events, _, err := datasets.ReadFile(filepath.Join(dir, EventsFile+".csv"), datasets.ReadOptions{})
	require.NoError(t, err)
	index := map[string]int{}
	for i := range cfg.Leads {
		index[LeadID(i)] = i
	}
	ids, ts := events.Col("lead_id"), events.Col("timestamp")
	active := map[int]bool{}
	for r := range ids.Len() {
		i := index[ids.String(r)]
		if time.Unix(0, ts.Time[r]).Sub(tr.Created[i]) < 24*time.Hour {
			active[i] = true
		}
	}
	require.NotEmpty(t, active)
	differ := 0
	for i := range cfg.Leads {
		if !active[i] {
			assert.Equal(t, tr.Fit[i], tr.Day1[i], "lead %d has no first-day event", i)
		} else if tr.Day1[i] != tr.Fit[i] {
			differ++
		}
	}
	assert.Greater(t, differ, 0)
}
