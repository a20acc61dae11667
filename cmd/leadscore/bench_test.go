package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/bench/suite"
)

// TestBenchAllSuites runs every suite at the tiny size through the command
// line and checks the table and the JSON report are well formed and every
// figure is a positive, finite number. It never looks at how fast anything
// was.
func TestBenchAllSuites(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every benchmark suite (about 10 s)")
	}
	dir := t.TempDir()
	jsonPath := filepath.Join(dir, "bench.json")
	work := filepath.Join(dir, "work")
	code, stdout, stderr := runCLI(t, "bench", "--size", "tiny", "--serve-seconds", "0.2",
		"--dir", work, "--json", jsonPath, "--quiet")
	require.Equal(t, 0, code, "stderr: %s", stderr)
	assert.Empty(t, stderr, "--quiet prints nothing on stderr")

	b, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	var rep suite.Report
	require.NoError(t, json.Unmarshal(b, &rep))
	assert.Equal(t, "tiny", rep.Size)
	assert.Empty(t, rep.Failures)
	assert.Positive(t, rep.Machine.Cores)
	assert.Positive(t, rep.Machine.GOMAXPROCS)
	assert.Positive(t, rep.Machine.MemoryBytes)
	assert.NotEmpty(t, rep.Machine.GoVersion)
	_, err = time.Parse(time.RFC3339, rep.Started)
	assert.NoError(t, err)
	_, err = time.Parse(time.RFC3339, rep.Machine.Date)
	assert.NoError(t, err)

	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	seen := map[string]int{}
	for _, res := range rep.Results {
		id := res.Suite + "/" + res.Name
		seen[res.Suite]++
		assert.True(t, finite(res.Value) && res.Value > 0, "%s: value %v", id, res.Value)
		assert.NotEmpty(t, res.Unit, id)
		assert.NotEmpty(t, res.Workload, id)
		assert.True(t, finite(res.WallSeconds) && res.WallSeconds >= 0, "%s: wall %v", id, res.WallSeconds)
		assert.True(t, finite(res.CPUSeconds) && res.CPUSeconds >= 0, "%s: cpu %v", id, res.CPUSeconds)
		if res.CPUUnit != "" {
			assert.True(t, finite(res.CPUValue) && res.CPUValue > 0, "%s: cpu value %v", id, res.CPUValue)
		}
		for k, v := range res.Metrics {
			assert.True(t, finite(v) && v >= 0, "%s: %s = %v", id, k, v)
		}
		if res.Unit == "ROC AUC" {
			assert.Greater(t, res.Value, 0.5, "%s: the gbm learns something", id)
			assert.LessOrEqual(t, res.Value, 1.0, id)
		}
		// Every result is one row of the table.
		assert.Regexp(t, `(?m)^`+res.Suite+`\s+`+res.Name+`\s`, stdout, id)
	}
	for _, s := range suite.Names() {
		assert.Positive(t, seen[s], "suite %s has results", s)
	}
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	require.GreaterOrEqual(t, len(lines), 3+len(rep.Results))
	assert.Contains(t, lines[1], "machine:")
	assert.Regexp(t, `^SUITE\s+BENCHMARK\s+WORKLOAD\s+WALL\s+CPU\s+FIGURE`, lines[3])
	assert.Len(t, lines, 4+len(rep.Results), "header, machine, blank, column names, one row per result")

	// The JSON was written atomically: no temporary file is left beside it.
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.Contains(t, []string{"bench.json", "work"}, e.Name())
	}
	// The generate suite's output is removed; reusable inputs are kept.
	_, err = os.Stat(filepath.Join(work, "generate"))
	assert.True(t, os.IsNotExist(err), "generate output removed")
	_, err = os.Stat(filepath.Join(work, "read-20000.csv"))
	assert.NoError(t, err, "read input kept in --dir")
}

func TestBenchOneSuiteWithoutDir(t *testing.T) {
	code, stdout, stderr := runCLI(t, "bench", "rules", "--size", "tiny")
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `(?m)^rules\s+evaluate\s`, stdout)
	assert.NotContains(t, stdout, "gbm ")
	assert.Contains(t, stderr, "bench: rules evaluate:", "progress on stderr without --quiet")
}

func TestBenchUsageErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		args    []string
		code    int
		errPart string
	}{
		{"unknown suite", []string{"bench", "xgboost"}, 2, `unknown suite "xgboost"`},
		{"suite twice", []string{"bench", "gbm", "gbm"}, 2, `suite "gbm" named twice`},
		{"bad size", []string{"bench", "--size", "huge"}, 2, `--size "huge"`},
		{"negative threads", []string{"bench", "--threads", "-1"}, 2, "--threads"},
		{"negative serve seconds", []string{"bench", "--serve-seconds", "-1"}, 2, "--serve-seconds"},
		{"unknown flag", []string{"bench", "--rows", "5"}, 2, "unknown flag: --rows"},
		{"json directory missing", []string{"bench", "rules", "--size", "tiny", "--json", filepath.Join(dir, "no", "b.json")}, 1, "does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			assert.Equal(t, tc.code, code, "stderr: %s", stderr)
			first := strings.SplitN(stderr, "\n", 2)[0]
			assert.Contains(t, first, tc.errPart)
		})
	}
}
