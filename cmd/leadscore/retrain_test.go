package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
		{[]string{"serve", "--models", dir, "--retrain-every", "240h"}, 2, "--retrain-data and --retrain-outcomes are needed"},
		{[]string{"serve", "--models", dir, "--retrain-every", "-1h"}, 2, "--retrain-every -1h0m0s: expected a positive duration"},
	} {
		code, _, stderr := runCLI(t, tc.args...)
		assert.Equal(t, tc.code, code, "%v: %s", tc.args, stderr)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
	}
}
