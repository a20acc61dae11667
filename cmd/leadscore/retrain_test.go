package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/modelstest"
)

// TestRetrainCommand: retrain on the fixture history into an empty models
// directory promotes a first challenger over the rule sheet; with minimums
// above the history it trains nothing and says what is missing; both
// leave a decision record and exit 0.
func TestRetrainCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model; skipped with -short")
	}
	data := t.TempDir()
	require.NoError(t, modelstest.WriteHistory(data))
	bundle := t.TempDir()
	require.NoError(t, os.RemoveAll(bundle))
	require.NoError(t, modelstest.WriteBundle(bundle))
	dir := filepath.Join(t.TempDir(), "models")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	args := []string{"retrain", "--models", dir, "--data", filepath.Join(data, "leads.csv"), "--events", filepath.Join(data, "events.csv"),
		"--outcomes", filepath.Join(data, "outcomes.csv"), "--rules", filepath.Join(bundle, "rules.yaml"), "--fit", "rules,logistic",
		"--resamples", "60", "--threads", "2", "-q"}

	code, out, stderr := runCLI(t, append(args, "--min-leads", "500", "--min-conversions", "50")...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "verdict: promoted\n")
	assert.Contains(t, out, "rules ")
	champ, err := os.ReadFile(filepath.Join(dir, "champion"))
	require.NoError(t, err)
	assert.Contains(t, out, "serving: "+strings.TrimSpace(string(champ))+"\n")
	recs, err := models.ReadDecisions(dir)
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Contains(t, out, "record: "+filepath.Join(dir, models.DecisionsDir))

	code, out, stderr = runCLI(t, append(args, "--min-leads", "100000")...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "verdict: not_enough_data\n")
	assert.Contains(t, out, "more leads with closed horizons")
	recs, err = models.ReadDecisions(dir)
	require.NoError(t, err)
	assert.Len(t, recs, 2)

	// The same history from a lead store: the same counts reach the gate.
	st := "sqlite:" + filepath.Join(t.TempDir(), "store.db")
	code, _, stderr = runCLI(t, "import", "--store", st, "--leads", filepath.Join(data, "leads.csv"), "--events", filepath.Join(data, "events.csv"),
		"--outcomes", filepath.Join(data, "outcomes.csv"), "-q")
	require.Equal(t, 0, code, stderr)
	code, out, stderr = runCLI(t, "retrain", "--models", dir, "--store", st, "--rules", filepath.Join(bundle, "rules.yaml"), "--fit", "rules,logistic",
		"--resamples", "60", "--threads", "2", "--min-leads", "100000", "-q")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "verdict: not_enough_data\n")
	recs, err = models.ReadDecisions(dir)
	require.NoError(t, err)
	require.Len(t, recs, 3)
	assert.Equal(t, recs[1].Data.Leads, recs[0].Data.Leads, "files and store give the gate the same leads")
	assert.Equal(t, recs[1].Data.Conversions, recs[0].Data.Conversions)
}

func TestRetrainFlags(t *testing.T) {
	dir := t.TempDir()
	leads := filepath.Join(dir, "leads.csv")
	require.NoError(t, os.WriteFile(leads, []byte("lead_id,created_at\n"), 0o644))
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"retrain", "--data", leads, "--outcomes", leads}, 2, "needs --models"},
		{[]string{"retrain", "--models", dir, "--data", leads}, 2, "--data and --outcomes are needed"},
		{[]string{"retrain", "--models", dir, "--data", leads, "--outcomes", filepath.Join(dir, "none.csv")}, 1, "--outcomes " + filepath.Join(dir, "none.csv") + ": no such file"},
		{[]string{"retrain", "--models", dir, "--data", leads, "--outcomes", leads, "--window", "1"}, 2, "--window 1: expected a share between 0 and 1"},
		{[]string{"retrain", "--models", dir, "--data", leads, "--outcomes", leads, "--max-ece", "0"}, 2, "--max-ece 0"},
		{[]string{"retrain", "--models", dir, "--data", leads, "--outcomes", leads, "--fit", "trees"}, 2, `--fit "trees"`},
		{[]string{"serve", "--models", dir, "--retrain-every", "240h", "--store", "none"}, 2, "--retrain-every needs a history"},
		{[]string{"serve", "--models", dir, "--retrain-every", "240h", "--retrain-data", leads}, 2, "--retrain-data and --retrain-outcomes are needed"},
		{[]string{"retrain", "--models", dir, "--store", "sqlite:x.db", "--data", leads}, 2, "--store is the history to retrain on: drop --data"},
		{[]string{"serve", "--models", dir, "--retrain-every", "-1h"}, 2, "--retrain-every -1h0m0s: expected a positive duration"},
	} {
		code, _, stderr := runCLI(t, tc.args...)
		assert.Equal(t, tc.code, code, "%v: %s", tc.args, stderr)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
	}
}

// TestScheduledRetrain: serve's schedule runs the gate once per tick, one
// run at a time, each leaving a decision record.
func TestScheduledRetrain(t *testing.T) {
	data := t.TempDir()
	require.NoError(t, modelstest.WriteHistory(data))
	dir := t.TempDir()
	var r retrainFlags
	r.data, r.events, r.outcomes = filepath.Join(data, "leads.csv"), filepath.Join(data, "events.csv"), filepath.Join(data, "outcomes.csv")
	r.minLeads, r.minConv, r.window, r.maxECE, r.resamples, r.seed = 100000, 120, 0.2, 0.05, 200, 1
	opt, err := r.options(dir, 1, nil)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	tick := make(chan time.Time)
	done := make(chan struct{})
	go func() {
		runRetrains(ctx, opt, "", tick, slog.New(slog.DiscardHandler))
		close(done)
	}()
	tick <- time.Now()
	tick <- time.Now() // taken once the first run has finished
	tick <- time.Now()
	cancel()
	<-done
	recs, err := models.ReadDecisions(dir)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(recs), 2)
	for _, d := range recs {
		assert.Equal(t, models.VerdictNotEnoughData, d.Verdict)
	}
}
