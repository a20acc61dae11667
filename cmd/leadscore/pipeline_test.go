package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/modelstest"
)

// The commands other tools call, end to end: generate, rules lint, train,
// score (every input row out, in input order, with the named columns).
func TestGenerateTrainScore(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model; skipped with -short")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	code, _, stderr := runCLI(t, "generate", "--profile", "b2b", "--leads", "1200", "--seed", "5", "--out", data, "-q")
	require.Equal(t, 0, code, stderr)

	sheet := filepath.Join(dir, "rules.yaml")
	code, out, stderr := runCLI(t, "rules", "default", "--profile", "b2b")
	require.Equal(t, 0, code, stderr)
	require.NoError(t, os.WriteFile(sheet, []byte(out), 0o644))
	code, out, stderr = runCLI(t, "rules", "lint", sheet, "--data", filepath.Join(data, "leads.csv"), "--events", filepath.Join(data, "events.csv"))
	require.Equal(t, 0, code, "lint: %s %s", out, stderr)

	bundle := filepath.Join(dir, "models", "v1")
	code, out, stderr = runCLI(t, "train", "--data", filepath.Join(data, "leads.csv"), "--events", filepath.Join(data, "events.csv"),
		"--outcomes", filepath.Join(data, "outcomes.csv"), "--rules", sheet, "--seed", "2", "--gbm-trees", "40", "--out", bundle, "-q")
	require.Equal(t, 0, code, "train: %s", stderr)
	assert.Contains(t, out, "champion:")
	for _, f := range []string{"manifest.json", "spec.json", "rules.yaml", "logistic.json", "gbm.json", "calibration.json", "report.json", "report.md"} {
		assert.FileExists(t, filepath.Join(bundle, f))
	}
	var rep map[string]any
	raw, err := os.ReadFile(filepath.Join(bundle, "report.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &rep))
	for _, k := range []string{"metrics", "champion", "leakage_suspects", "timings", "warnings"} {
		assert.Contains(t, rep, k)
	}

	// A lead created after --as-of cannot be scored: it keeps its row.
	scores := filepath.Join(dir, "scores.csv")
	code, _, stderr = runCLI(t, "score", "--model", bundle, "--in", filepath.Join(data, "leads.csv"), "--events", filepath.Join(data, "events.csv"),
		"--out", scores, "--explain", "2", "--all-models", "--as-of", "2025-09-01", "-q")
	require.Equal(t, 0, code, "score: %s", stderr)
	in := readCSV(t, filepath.Join(data, "leads.csv"))
	got := readCSV(t, scores)
	require.Equal(t, len(in), len(got), "one output row per input row")
	head := got[0]
	assert.Equal(t, []string{"lead_id", "probability", "score", "percentile", "grade", "tier", "model", "rules_points", "rules_tier",
		"probability_rules", "probability_logistic", "probability_gbm", "reasons",
		"fit", "fit_percentile", "engagement", "engagement_percentile", "fit_engagement_grade", "warnings", "error"}, head)
	errCol := len(head) - 1
	unscored := 0
	for i := 1; i < len(got); i++ {
		assert.Equal(t, in[i][0], got[i][0], "row %d keeps input order", i)
		if got[i][errCol] != "" {
			unscored++
			assert.Empty(t, got[i][1], "an unscored row has no probability")
			continue
		}
		var reasons []models.Contribution
		require.NoError(t, json.Unmarshal([]byte(got[i][12]), &reasons), "row %d reasons", i)
		assert.LessOrEqual(t, len(reasons), 4)
		if w := got[i][len(head)-2]; w != "" {
			var warnings []models.Warning
			require.NoError(t, json.Unmarshal([]byte(w), &warnings), "row %d warnings", i)
			for _, w := range warnings {
				assert.NotEmpty(t, w.Code)
				assert.NotEmpty(t, w.Message)
			}
		}
	}
	assert.Greater(t, unscored, 0, "leads created after --as-of are reported, not dropped")
	assert.Less(t, unscored, len(got)-1)

	checkFixture(t, bundle)
}

var updateFixture = flag.Bool("update-fixture", false, "replace the fixture bundle of package models/modelstest with the one TestGenerateTrainScore trains")

// checkFixture compares the bundle trained above with the fixture bundle
// that models, serve and dashboard tests score with (package modelstest): its
// model files must be byte for byte the same, so the fixture stays what
// `leadscore train` writes today. -update-fixture replaces it.
func checkFixture(t *testing.T, bundle string) {
	t.Helper()
	fixture := filepath.Join("..", "..", "models", "modelstest", modelstest.BundleDir)
	if *updateFixture {
		require.NoError(t, os.RemoveAll(fixture))
		require.NoError(t, os.CopyFS(fixture, os.DirFS(bundle)))
		return
	}
	for _, f := range []string{"spec.json", "rules.yaml", "logistic.json", "gbm.json", "calibration.json", "scoring.json"} {
		want, err := os.ReadFile(filepath.Join(bundle, f))
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(fixture, f))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(want, got), "models/modelstest/testdata/b2b/%s differs from what train writes now; if the change is deliberate, run go test ./cmd/leadscore -run TestGenerateTrainScore -update-fixture", f)
	}
	_, err := models.Load(fixture)
	require.NoError(t, err, "the fixture bundle loads")
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	return rows
}
