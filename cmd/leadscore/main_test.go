package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runCLI runs the command line and returns exit status, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitStatus(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	require.NoError(t, os.WriteFile(bad, []byte("a,b\n1,2\n3\n"), 0o644))
	tests := []struct {
		name    string
		args    []string
		code    int
		errPart string
	}{
		{"help", []string{"--help"}, 0, ""},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown flag", []string{"inspect", "--nope", "x.csv"}, 2, "unknown flag: --nope"},
		{"missing argument", []string{"inspect"}, 2, "needs one FILE"},
		{"missing required flag", []string{"generate"}, 2, "needs --out"},
		{"bad flag value", []string{"generate", "--out", dir, "--profile", "b2x"}, 2, `--profile "b2x"`},
		{"bad delimiter", []string{"inspect", "--delimiter", "x", bad}, 2, `--delimiter "x": expected`},
		{"bad format", []string{"inspect", "--format", "xlsx", bad}, 2, `--format: unknown format "xlsx"`},
		{"missing file", []string{"inspect", filepath.Join(dir, "nope.csv")}, 1, "nope.csv"},
		{"ragged file", []string{"inspect", bad}, 1, "line 3"},
		{"train without target", []string{"train", "--data", bad, "--out", filepath.Join(dir, "m")}, 2, "--target"},
		{"bad monotone constraint", []string{"train", "--data", bad, "--target", "b", "--out", filepath.Join(dir, "m"), "--gbm-monotone", "a+1"}, 2, "--gbm-monotone"},
		{"bad monotone sign", []string{"train", "--data", bad, "--target", "b", "--out", filepath.Join(dir, "m"), "--gbm-monotone", "a=up"}, 2, `sign "up"`},
		{"bad scale_pos_weight", []string{"train", "--data", bad, "--target", "b", "--out", filepath.Join(dir, "m"), "--gbm-scale-pos-weight", "-1"}, 2, "--gbm-scale-pos-weight"},
		{"bad subsample", []string{"train", "--data", bad, "--target", "b", "--out", filepath.Join(dir, "m"), "--gbm-subsample", "0"}, 2, "--gbm-subsample 0"},
		{"bad colsample", []string{"train", "--data", bad, "--target", "b", "--out", filepath.Join(dir, "m"), "--gbm-colsample", "1.5"}, 2, "--gbm-colsample 1.5"},
		{"bad max-examples", []string{"train", "--data", bad, "--target", "b", "--out", filepath.Join(dir, "m"), "--max-examples", "-5"}, 2, "--max-examples -5"},
		{"bad out-of-range mode", []string{"train", "--data", bad, "--target", "b", "--out", filepath.Join(dir, "m"), "--out-of-range", "stretch"}, 2, `--out-of-range "stretch"`},
		{"period without backtest", []string{"train", "--data", bad, "--target", "b", "--out", filepath.Join(dir, "m"), "--period", "week"}, 2, "--period applies with --backtest only"},
		{"bad backtest colsample", []string{"backtest", "--data", bad, "--target", "b", "--time", "b", "--report", filepath.Join(dir, "bt"), "--gbm-colsample", "-0.5"}, 1, "gbm_colsample -0.5"},
		{"backtest score age not a snapshot", []string{"backtest", "--data", bad, "--target", "b", "--time", "b", "--report", filepath.Join(dir, "bt"), "--snapshots", "1,7", "--score-ages", "1,5"}, 1, "score age 5 days is not a training snapshot age [1 7]: add it to --snapshots"},
		{"score bad explain", []string{"score", "--model", dir, "--in", bad, "--out", filepath.Join(dir, "o.csv"), "--explain", "x"}, 2, "--explain"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			assert.Equal(t, tc.code, code, "stderr: %s", stderr)
			if tc.errPart != "" {
				assert.Contains(t, stderr, tc.errPart)
				// Errors are one line (plus the usage hint for usage errors).
				first := strings.SplitN(stderr, "\n", 2)[0]
				assert.Contains(t, first, tc.errPart)
			}
		})
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands(&globals{}) {
		code, out, stderr := runCLI(t, c.Name(), "--help")
		assert.Equal(t, 0, code, stderr)
		assert.Contains(t, out, "Usage:", c.Name())
		assert.NotEmpty(t, c.Short, c.Name())
	}
}
