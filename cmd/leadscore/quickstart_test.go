package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The quickstart shows progress for every step, writes the sample, bundle
// and both reports, and a second run replaces them without leaving
// temporary directories behind.
func TestQuickstartTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three models and runs a backtest")
	}
	dir := t.TempDir()
	for run := range 2 {
		code, stdout, stderr := runCLI(t, "quickstart", "--dir", dir, "--leads", "1500", "--no-serve")
		require.Equal(t, 0, code, "run %d stderr: %s", run+1, stderr)
		for _, s := range []string{"[1/5]", "[2/5]", "[3/5]", "[4/5]", "[5/5]"} {
			assert.Contains(t, stderr, s+" done in", "run %d", run+1)
		}
		// Steps 3 and 4 run side by side: their lines carry their step.
		assert.Contains(t, stderr, "[3/5]   fit logistic")
		for _, line := range strings.Split(stderr, "\n") {
			if strings.Contains(line, "backtest period") {
				assert.True(t, strings.HasPrefix(line, "[4/5] "), "backtest line without its step: %q", line)
			}
		}
		// Results print in step order.
		train := strings.Index(stdout, "model bundle quickstart written")
		bt := strings.Index(stdout, "backtest report written")
		cmp := strings.Index(stdout, "comparison of")
		require.True(t, train >= 0 && bt > train && cmp > bt, "stdout:\n%s", stdout)
		for _, f := range []string{
			"data/leads.csv", "data/events.csv", "data/outcomes.csv", "rules.yaml",
			"models/champion", "models/quickstart/manifest.json", "models/quickstart/report.md",
			"models/reports/quickstart-backtest/report.html", "models/reports/quickstart-compare/report.html",
		} {
			assert.FileExists(t, filepath.Join(dir, f), "run %d", run+1)
		}
		for _, d := range []string{dir, filepath.Join(dir, "models"), filepath.Join(dir, "models", "reports")} {
			entries, err := os.ReadDir(d)
			require.NoError(t, err)
			for _, e := range entries {
				assert.False(t, strings.HasPrefix(e.Name(), "."), "run %d left %s in %s", run+1, e.Name(), d)
			}
		}
	}
}
