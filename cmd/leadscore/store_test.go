package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStoreCommands: import loads files into a store with its counts, train
// --store learns from it, score --store scores every stored lead (or those
// of --ids) into the file layout of score --in and logs them, and backtest
// --store reads it; mixing --store with file flags is a usage error.
func TestStoreCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model; skipped with -short")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	code, _, stderr := runCLI(t, "generate", "--profile", "b2b", "--leads", "600", "--seed", "8", "--out", data, "-q")
	require.Equal(t, 0, code, stderr)
	url := "sqlite:" + filepath.Join(dir, "store.db")
	code, out, stderr := runCLI(t, "import", "--store", url, "--leads", filepath.Join(data, "leads.csv"),
		"--events", filepath.Join(data, "events.csv"), "--outcomes", filepath.Join(data, "outcomes.csv"), "-q")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "leads.csv: 600 rows read, 600 loaded, 0 skipped (already stored), 0 rejected")
	// Importing the leads again changes nothing: every lead is unchanged.
	code, out, _ = runCLI(t, "import", "--store", url, "--leads", filepath.Join(data, "leads.csv"), "-q")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "600 rows read, 0 loaded, 600 skipped")

	bundle := filepath.Join(dir, "models", "v1")
	code, out, stderr = runCLI(t, "train", "--store", url, "--gbm-trees", "20", "--out", bundle, "-q")
	require.Equal(t, 0, code, "train --store: %s", stderr)
	assert.Contains(t, out, "champion:")

	scores := filepath.Join(dir, "scores.csv")
	code, _, stderr = runCLI(t, "score", "--model", bundle, "--store", url, "--out", scores, "--as-of", "2026-01-01", "-q")
	require.Equal(t, 0, code, "score --store: %s", stderr)
	rows := readCSV(t, scores)
	require.Len(t, rows, 601, "a header and every stored lead")
	assert.Equal(t, "lead_id", rows[0][0])

	ids := filepath.Join(dir, "ids.txt")
	require.NoError(t, os.WriteFile(ids, []byte("lead_id\n"+rows[1][0]+"\nnobody\n"), 0o600))
	code, _, stderr = runCLI(t, "score", "--model", bundle, "--store", url, "--ids", ids, "--out", scores, "--as-of", "2026-01-01", "-q")
	require.Equal(t, 0, code, stderr)
	rows = readCSV(t, scores)
	require.Len(t, rows, 3)
	assert.Equal(t, `no lead "nobody" is stored`, rows[2][len(rows[2])-1])

	code, _, stderr = runCLI(t, "score", "--model", bundle, "--store", url, "--in", filepath.Join(data, "leads.csv"), "--out", scores)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "drop --in")
	code, _, stderr = runCLI(t, "train", "--store", url, "--data", filepath.Join(data, "leads.csv"), "--out", filepath.Join(dir, "x"))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "drop --data")

	code, out, stderr = runCLI(t, "backtest", "--store", url, "--period", "quarter", "--min-train", "150", "--report", filepath.Join(dir, "bt"), "-q")
	require.Equal(t, 0, code, "backtest --store: %s", stderr)
	assert.True(t, strings.Contains(out, "backtest report written"), out)
}
