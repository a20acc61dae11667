package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/training/backtest"
)

// A scheduled run writes a dated report that GET /reports lists; a failing
// run records its error and keeps the earlier reports.
func TestScheduledReports(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a backtest; skipped with -short")
	}
	data := t.TempDir()
	_, err := synth.Generate(synth.Config{Profile: "b2b", Leads: 2500, Seed: 3, Format: "csv"}, data, nil)
	require.NoError(t, err)
	cfg := backtest.Config{
		Data: filepath.Join(data, "leads.csv"), Events: filepath.Join(data, "events.csv"), Outcomes: filepath.Join(data, "outcomes.csv"),
		Period: "quarter", MinTrain: 300, Models: []string{"gbm"}, GBMTrees: 20, Threads: 1,
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := &scheduledReports{dir: t.TempDir()}
	assert.Nil(t, r.LastRun())

	r.runOnce(context.Background(), cfg, log)
	last := r.LastRun()
	require.NotNil(t, last)
	require.Empty(t, last.Error)
	assert.False(t, last.Running)
	list, err := r.Reports()
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, last.Report, list[0].ID)
	assert.Equal(t, "backtest", list[0].Kind)
	assert.FileExists(t, filepath.Join(list[0].Dir, "report.html"))

	bad := cfg
	bad.Data = filepath.Join(data, "missing.csv")
	r.runOnce(context.Background(), bad, log)
	last = r.LastRun()
	require.NotNil(t, last)
	assert.Contains(t, last.Error, "missing.csv")
	list, err = r.Reports()
	require.NoError(t, err)
	assert.Len(t, list, 1, "a failed run keeps the earlier report")
}
