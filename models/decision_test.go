package models

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecisionRecords(t *testing.T) {
	dir := t.TempDir()
	got, err := ReadDecisions(dir)
	require.NoError(t, err)
	assert.Empty(t, got)
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	older := Decision{At: t0, Verdict: VerdictNotEnoughData, Reason: "needs 1000 leads", Data: DataCheck{Leads: 10, MinLeads: 1000}}
	newer := Decision{At: t0.Add(time.Hour), Verdict: VerdictRefused, Champion: "v1", Challenger: "v2", Serving: "v1",
		Comparison: &Comparison{Baseline: "champion", Challenger: ModelFigures{ROCAUC: Number(math.NaN()), ECE: 0.02},
			AUCDiff: PairedFigures{Value: -0.1, Lo: -0.15, Hi: -0.05, Resamples: 200, Seed: 3}}}
	p1, err := WriteDecision(dir, older)
	require.NoError(t, err)
	p2, err := WriteDecision(dir, newer)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, DecisionsDir, "20260501T110000.000000000Z-v2.json"), p2)
	assert.NotEqual(t, p1, p2)
	got, err = ReadDecisions(dir)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, VerdictRefused, got[0].Verdict)
	assert.True(t, math.IsNaN(float64(got[0].Comparison.Challenger.ROCAUC)), "NaN is written as null and read back")
	assert.Equal(t, Number(-0.05), got[0].Comparison.AUCDiff.Hi)
	assert.Equal(t, older.Reason, got[1].Reason)
	data, err := os.ReadFile(p2)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"roc_auc": null`)

	require.NoError(t, os.WriteFile(filepath.Join(dir, DecisionsDir, "bad.json"), []byte("{"), 0o644))
	_, err = ReadDecisions(dir)
	require.ErrorContains(t, err, "bad.json")
}
