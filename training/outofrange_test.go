package training

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
)

// driftData writes leads whose number x drifts upward with creation time
// (each month's leads lie above the last month's) and converts with a
// log-odds linear in x: the latest leads lie beyond any earlier range, so
// clipping x erases the signal that moved.
func driftData(t *testing.T, n int, seed uint64) string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(seed, 1))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var leads, outcomes strings.Builder
	leads.WriteString("lead_id,created_at,x\n")
	outcomes.WriteString("lead_id,converted_at\n")
	for i := range n {
		frac := float64(i) / float64(n)
		created := start.Add(time.Duration(frac * 360 * 24 * float64(time.Hour)))
		x := 100*frac + 10*rng.Float64()
		id := fmt.Sprintf("L%05d", i)
		fmt.Fprintf(&leads, "%s,%s,%.3f\n", id, created.Format(time.RFC3339), x)
		if rng.Float64() < 1/(1+math.Exp(-(-4+0.04*x))) {
			conv := created.Add(time.Duration(2+rng.IntN(20)) * 24 * time.Hour)
			fmt.Fprintf(&outcomes, "%s,%s\n", id, conv.Format(time.RFC3339))
		}
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "leads.csv"), []byte(leads.String()), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "outcomes.csv"), []byte(outcomes.String()), 0o644))
	return dir
}

// Under drift the out-of-range choice leaves clip for a mode that lets the
// logistic model follow x beyond its training range, and the bundle scores
// with that mode; --out-of-range clip still clips.
func TestOutOfRangeChosenUnderDrift(t *testing.T) {
	dir := driftData(t, 4000, 5)
	cfg := features.DefaultConfig()
	cfg.SnapshotDays, cfg.HorizonDays = []int{1}, 30
	// x drifts with creation time, so the after-contact audit flags it
	// (its values differ between the oldest and the newest leads); a user
	// who knows the column is recorded at creation keeps it this way.
	cfg.AllowLeaky = []string{"x"}
	opt := Options{
		Data: filepath.Join(dir, "leads.csv"), Outcomes: filepath.Join(dir, "outcomes.csv"), Config: cfg,
		Models: []string{models.Logistic}, LogisticLambda: 1e-4, Seed: 1,
	}
	res, err := Train(t.Context(), opt)
	require.NoError(t, err)
	ch := res.Report.OutOfRange
	require.NotNil(t, ch)
	require.Len(t, ch.Candidates, 3)
	assert.Greater(t, ch.OutOfRangeRows, 0, "the validation window lies beyond the earlier range")
	assert.NotEqual(t, features.RangeClip, ch.Mode, "clipping erases the drift: %s", ch.Reason)
	clip, chosen := ch.Candidates[0].LogLoss, 0.0
	for _, c := range ch.Candidates {
		if c.Mode == ch.Mode {
			chosen = c.LogLoss
		}
	}
	assert.Less(t, chosen, clip*(1-minRangeGain))
	assert.Equal(t, ch.Mode, res.Bundle.Spec.OutOfRange.Mode, "the bundle scores with the chosen mode")
	t.Log(ch.Reason)

	opt.OutOfRange = features.RangeClip
	res, err = Train(t.Context(), opt)
	require.NoError(t, err)
	assert.Equal(t, features.RangeClip, res.Report.OutOfRange.Mode)
	assert.Equal(t, "named by --out-of-range", res.Report.OutOfRange.Reason)
	assert.Empty(t, res.Report.OutOfRange.Candidates)
}
