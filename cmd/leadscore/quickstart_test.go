package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The command prints each step's progress on stderr and the results on
// stdout in step order: the profile, the bundle, the backtest, the
// comparison, then where everything is. (training/quickstart tests the
// setup itself.)
func TestQuickstartCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three models and runs a backtest")
	}
	dir := t.TempDir()
	code, stdout, stderr := runCLI(t, "quickstart", "--dir", dir, "--leads", "1500", "--no-serve")
	require.Equal(t, 0, code, "stderr: %s", stderr)
	for _, s := range []string{"[1/5]", "[2/5]", "[3/5]", "[4/5]", "[5/5]"} {
		assert.Contains(t, stderr, s+" done in")
	}
	assert.Contains(t, stderr, "[3/5]   fit logistic")
	profile := strings.Index(stdout, "lead_id")
	train := strings.Index(stdout, "model bundle quickstart written to "+filepath.Join(dir, "models", "quickstart"))
	bt := strings.Index(stdout, "backtest report written")
	cmp := strings.Index(stdout, "comparison of")
	done := strings.Index(stdout, "Sample in "+filepath.Join(dir, "data"))
	require.True(t, profile >= 0 && train > profile && bt > train && cmp > bt && done > cmp, "stdout:\n%s", stdout)
	assert.NotContains(t, stdout, "Serving the API", "--no-serve")

	code, _, stderr = runCLI(t, "quickstart", "--dir", dir, "--leads", "0")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--leads must be positive")
}
